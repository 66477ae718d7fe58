/**
 * The Obsidian adapter: commands, settings tab, notices and modals. It is the only code that
 * imports `obsidian` at run time. Start-up only reads settings and registers commands: no
 * bundle or note is parsed until a command runs.
 */
import { Notice, Plugin, PluginSettingTab, Setting, type App } from "obsidian";
import { formatLinks, runLinks } from "../core/commands/links";
import { messageOf } from "../core/errors";
import { ReportModal } from "./report-modal";
import { ObsidianVault } from "./vault";

export interface AttackSyncSettings {
	/** Folder under which new ATT&CK notes are created. */
	notesFolder: string;
}

const DEFAULT_SETTINGS: AttackSyncSettings = { notesFolder: "ATT&CK" };

export class AttackSyncPlugin extends Plugin {
	settings: AttackSyncSettings = { ...DEFAULT_SETTINGS };
	private busy = false;

	override async onload(): Promise<void> {
		const saved = (await this.loadData()) as Partial<AttackSyncSettings> | null;
		this.settings = { ...DEFAULT_SETTINGS, ...(saved ?? {}) };
		this.addSettingTab(new AttackSyncSettingTab(this.app, this));
		this.addCommand({ id: "check-links", name: "Check links to ATT&CK notes", callback: () => void this.links(false) });
		this.addCommand({ id: "fix-links", name: "Fix links to ATT&CK notes", callback: () => void this.links(true) });
	}

	/** Judge (and with `fix`, repair) every wiki-link that claims an ATT&CK ID. */
	async links(fix: boolean): Promise<void> {
		if (this.busy) {
			new Notice("ATT&CK Sync is already working; try again when it is done.");
			return;
		}
		this.busy = true;
		try {
			const report = await runLinks(new ObsidianVault(this.app), { fix });
			const s = report.summary;
			new Notice(`ATT&CK links: ${s.ok} ok, ${s.broken} broken, ${s.mismatch} wrong, ${s.ambiguous} ambiguous; ${s.fixed} fixed.`);
			new ReportModal(this.app, fix ? "Fixed links to ATT&CK notes" : "Links to ATT&CK notes", formatLinks(report)).open();
		} catch (err) {
			new Notice(`ATT&CK Sync: ${messageOf(err)}`);
		} finally {
			this.busy = false;
		}
	}

	async saveSettings(): Promise<void> {
		await this.saveData(this.settings);
	}
}

class AttackSyncSettingTab extends PluginSettingTab {
	constructor(
		app: App,
		private readonly plugin: AttackSyncPlugin,
	) {
		super(app, plugin);
	}

	display(): void {
		const { containerEl } = this;
		containerEl.empty();
		new Setting(containerEl)
			.setName("Notes folder")
			.setDesc("Where new ATT&CK notes are created.")
			.addText((text) =>
				text.setValue(this.plugin.settings.notesFolder).onChange(async (value) => {
					this.plugin.settings.notesFolder = value.trim() || DEFAULT_SETTINGS.notesFolder;
					await this.plugin.saveSettings();
				}),
			);
	}
}
