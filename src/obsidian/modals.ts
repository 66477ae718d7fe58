/**
 * What the plugin shows: a progress notice that can be cancelled, the sync preview (a readable
 * diff per note, then apply or cancel), the links report (click a line to open the note), and
 * pickers for a technique and for a bundle file. Elements are built with createEl/setText only.
 */
import { FuzzySuggestModal, Modal, Notice, type App, type TFile } from "obsidian";
import type { LinksReport } from "../core/commands/links";
import type { SyncPreview } from "../core/sync/preview";
import type { Progress } from "./data";

/** A notice that stays while work runs; clicking it asks the work to stop. */
export class ProgressNotice implements Progress {
	private readonly notice: Notice;
	private stopped = false;

	constructor(private readonly title: string) {
		this.notice = new Notice(`${title}: starting… (click to cancel)`, 0);
		this.notice.messageEl?.addEventListener?.("click", () => {
			this.stopped = true;
			this.notice.setMessage(`${this.title}: cancelling…`);
		});
	}

	get cancelled(): boolean {
		return this.stopped;
	}

	step(message: string): void {
		if (!this.stopped) this.notice.setMessage(`${this.title}: ${message} (click to cancel)`);
	}

	done(message: string): void {
		this.notice.hide();
		new Notice(message);
	}

	/** Take the notice away; the caller says how it went. */
	close(): void {
		this.notice.hide();
	}
}

export class PreviewModal extends Modal {
	constructor(
		app: App,
		private readonly preview: SyncPreview,
		private readonly apply: () => void,
	) {
		super(app);
	}

	override onOpen(): void {
		const { contentEl, titleEl } = this;
		const p = this.preview;
		titleEl.setText(p.title);
		contentEl.addClass("attack-sync-preview");
		contentEl.createEl("p", { text: p.summary });
		for (const w of p.warnings) contentEl.createEl("p", { text: `${w.path}: ${w.text}`, cls: "attack-sync-warning" });
		for (const note of p.notes) {
			const details = contentEl.createEl("details", { cls: "attack-sync-note" });
			details.createEl("summary", { text: `${note.action === "created" ? "New" : "Update"}: ${note.path} (+${note.added} −${note.removed})` });
			for (const hunk of note.hunks) {
				const pre = details.createEl("pre", { cls: "attack-sync-diff" });
				pre.createDiv({ text: `@@ line ${hunk.afterLine} @@`, cls: "attack-sync-hunk" });
				for (const line of hunk.lines) {
					const mark = line.kind === "added" ? "+ " : line.kind === "removed" ? "- " : "  ";
					pre.createDiv({ text: mark + line.text, cls: `attack-sync-${line.kind}` });
				}
			}
		}
		if (p.skipped.length > 0) {
			const skipped = contentEl.createEl("details");
			skipped.createEl("summary", { text: `Skipped (${p.skipped.length})` });
			for (const s of p.skipped) skipped.createDiv({ text: `${s.path}: ${s.reason}` });
		}
		const buttons = contentEl.createDiv({ cls: "modal-button-container" });
		const changes = p.notes.length;
		const apply = buttons.createEl("button", { text: changes > 0 ? `Apply to ${changes} notes` : "Nothing to apply", cls: "mod-cta" });
		apply.disabled = changes === 0;
		apply.addEventListener("click", () => {
			this.close();
			this.apply();
		});
		buttons.createEl("button", { text: "Cancel" }).addEventListener("click", () => this.close());
	}

	override onClose(): void {
		this.contentEl.empty();
	}
}

/** The links report: one line per link that is not ok; click it to open the note. */
export class LinksModal extends Modal {
	constructor(
		app: App,
		private readonly report: LinksReport,
		private readonly title: string,
	) {
		super(app);
	}

	override onOpen(): void {
		const { contentEl, titleEl } = this;
		const s = this.report.summary;
		titleEl.setText(this.title);
		contentEl.createEl("p", { text: `${s.ok} ok, ${s.broken} broken, ${s.mismatch} wrong note, ${s.ambiguous} ambiguous; ${s.fixed} fixed.` });
		const list = contentEl.createEl("ul", { cls: "attack-sync-links" });
		for (const l of this.report.links) {
			if (l.status === "ok" && l.fixed === undefined) continue;
			const item = list.createEl("li");
			const open = item.createEl("a", { text: `${l.source}:${l.line}`, href: "#" });
			open.addEventListener("click", (e) => {
				e.preventDefault();
				this.close();
				void this.app.workspace.openLinkText(l.source, "", false, { eState: { line: l.line - 1 } });
			});
			item.createSpan({ text: ` ${l.status}: ${l.raw}${l.fixed ? ` → ${l.fixed}` : ""}${l.problem ? ` (${l.problem})` : ""}` });
		}
	}

	override onClose(): void {
		this.contentEl.empty();
	}
}

export interface TechniqueItem {
	id: string;
	name: string;
}

/** Fuzzy search over techniques by ID or name. */
export class TechniqueSuggestModal extends FuzzySuggestModal<TechniqueItem> {
	constructor(
		app: App,
		private readonly items: TechniqueItem[],
		private readonly choose: (item: TechniqueItem) => void,
	) {
		super(app);
		this.setPlaceholder("Search techniques by ID or name");
	}

	getItems(): TechniqueItem[] {
		return this.items;
	}

	getItemText(item: TechniqueItem): string {
		return `${item.id} ${item.name}`;
	}

	onChooseItem(item: TechniqueItem): void {
		this.choose(item);
	}
}

/** Pick a bundle file (.json) in the vault. */
export class FileSuggestModal extends FuzzySuggestModal<TFile> {
	constructor(
		app: App,
		private readonly files: TFile[],
		private readonly choose: (file: TFile) => void,
	) {
		super(app);
		this.setPlaceholder("An ATT&CK STIX bundle (.json) in the vault");
	}

	getItems(): TFile[] {
		return this.files;
	}

	getItemText(file: TFile): string {
		return file.path;
	}

	onChooseItem(file: TFile): void {
		this.choose(file);
	}
}
