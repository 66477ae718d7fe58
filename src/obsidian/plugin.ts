/**
 * The Obsidian adapter: commands, settings tab and notices. It is the only code that imports
 * `obsidian` at run time. Start-up only registers commands and reads settings: no bundle or
 * note is parsed until a command runs.
 */
import { Notice, Plugin, PluginSettingTab, Setting, type App } from "obsidian";

export interface AttackSyncSettings {
	/** Folder under which new ATT&CK notes are created. */
	notesFolder: string;
}

const DEFAULT_SETTINGS: AttackSyncSettings = { notesFolder: "ATT&CK" };

export class AttackSyncPlugin extends Plugin {
	settings: AttackSyncSettings = { ...DEFAULT_SETTINGS };

	override async onload(): Promise<void> {
		const saved = (await this.loadData()) as Partial<AttackSyncSettings> | null;
		this.settings = { ...DEFAULT_SETTINGS, ...(saved ?? {}) };
		this.addSettingTab(new AttackSyncSettingTab(this.app, this));
		this.addCommand({
			id: "about",
			name: "About",
			callback: () => new Notice(`ATT&CK Sync ${this.manifest.version}`),
		});
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
