/**
 * What the plugin shows: a progress notice that can be cancelled, the sync preview (a readable
 * diff per note, then apply or cancel), the links report (click a line to open the note), and
 * pickers for a technique and for a bundle file. Elements are built with createEl/setText only.
 */
import { FuzzySuggestModal, Modal, Notice, type App, type FuzzyMatch, type TFile } from "obsidian";
import type { LinksReport } from "../core/commands/links";
import type { TechniqueItem } from "./engine";
import type { PreviewNote, SyncPreview } from "../core/sync/preview";
import { Cancelled, type Progress } from "./data";
import { CHANGE_LABELS, KIND_LABELS, blocksOf, changesOf, commonFolder, count, nameAndFolder, summarize, withNoteNames } from "./preview-model";

/** Every notice starts with the plugin's name, so a user knows where it comes from. */
export const PLUGIN_NAME = "ATT&CK Sync";

/** A notice from the plugin: `ATT&CK Sync: <message>`. Errors stay longer. */
export function notify(message: string, error = false): Notice {
	return new Notice(`${PLUGIN_NAME}: ${message}`, error ? 10000 : undefined);
}

/**
 * A notice that stays while work runs; clicking it cancels the work at once: whatever the work is
 * waiting for (a download) is no longer waited for, its result is dropped, and the caller says so
 * in the one notice that reports the outcome. Obsidian hides a notice when it is clicked.
 */
export class ProgressNotice implements Progress {
	private readonly notice: Notice;
	private stopped = false;
	private readonly stop: Promise<never>;
	private reject: (err: Error) => void = () => undefined;

	constructor(private readonly title: string) {
		this.notice = new Notice(`${PLUGIN_NAME}: ${title}: starting… Click to cancel.`, 0);
		this.stop = new Promise<never>((_resolve, reject) => (this.reject = reject));
		// Nobody may be racing when the click comes: that is not an unhandled rejection.
		this.stop.catch(() => undefined);
		this.notice.messageEl.addEventListener("click", () => this.cancel());
	}

	get cancelled(): boolean {
		return this.stopped;
	}

	cancel(): void {
		if (this.stopped) return;
		this.stopped = true;
		this.notice.hide();
		this.reject(new Cancelled());
	}

	race<T>(work: Promise<T>): Promise<T> {
		return Promise.race([work, this.stop]);
	}

	step(message: string): void {
		if (!this.stopped) this.notice.setMessage(`${PLUGIN_NAME}: ${this.title}: ${message} Click to cancel.`);
	}

	/** Take the notice away; the caller says how it went. */
	close(): void {
		this.notice.hide();
	}
}

/** A question with a button that does it and one that does not. */
export class ConfirmModal extends Modal {
	constructor(
		app: App,
		private readonly o: { title: string; text: string; confirm: string; onConfirm: () => void },
	) {
		super(app);
	}

	override onOpen(): void {
		this.titleEl.setText(this.o.title);
		this.contentEl.createEl("p", { text: this.o.text });
		const buttons = this.contentEl.createDiv({ cls: "modal-button-container" });
		buttons.createEl("button", { text: this.o.confirm, cls: "mod-warning" }).addEventListener("click", () => {
			this.close();
			this.o.onConfirm();
		});
		buttons.createEl("button", { text: "Cancel" }).addEventListener("click", () => this.close());
	}

	override onClose(): void {
		this.contentEl.empty();
	}
}

export interface PreviewOptions {
	/** Notes the sync leaves as they are (the summary counts them). */
	unchanged: number;
	/** The modal's title; the preview's own by default. */
	title?: string;
	/** Called when the user chooses Apply (never when there is nothing to apply). */
	apply: () => void;
}

/**
 * The sync preview: a summary (counts by kind and by what changes) and the Apply and Cancel
 * buttons stay in view while the notes scroll between them (the modal is a column, and only the
 * part between them scrolls). Each note is a row named by the
 * note's name, its folder muted; its diff (word-level for a changed line) is built when the row
 * is first opened, and grows the one scrolling list rather than scrolling inside it.
 */
export class PreviewModal extends Modal {
	constructor(
		app: App,
		private readonly preview: SyncPreview,
		private readonly opts: PreviewOptions,
	) {
		super(app);
	}

	override onOpen(): void {
		const { contentEl, titleEl } = this;
		const p = this.preview;
		const s = summarize(p, this.opts.unchanged);
		const paths = [...p.notes.map((n) => n.path), ...p.skipped.map((n) => n.path), ...p.warnings.map((w) => w.path)];
		this.modalEl.addClass("attack-sync-preview-modal");
		titleEl.setText(this.opts.title ?? p.title);
		const common = commonFolder(p.notes.map((n) => n.path));
		contentEl.addClass("attack-sync-preview");

		const head = contentEl.createDiv({ cls: "attack-sync-preview-summary" });
		const changes = p.notes.length;
		const counts = [s.toUpdate > 0 ? `${count(s.toUpdate, ["note", "notes"])} to update` : "", s.toCreate > 0 ? `${count(s.toCreate, ["note", "notes"])} to create` : ""].filter(Boolean);
		head.createDiv({ cls: "attack-sync-preview-counts", text: changes === 0 ? "Every note is up to date; nothing to apply." : counts.join(", ") });
		const rest = [`${s.unchanged} unchanged`, s.skipped > 0 ? `${s.skipped} skipped` : ""].filter(Boolean).join(", ");
		head.createDiv({ cls: "attack-sync-muted", text: rest + (common === "" ? "" : `; notes in ${common}`) });
		if (changes > 0) {
			const chips = head.createDiv({ cls: "attack-sync-chips" });
			for (const [k, n] of s.byKind) chips.createSpan({ cls: "attack-sync-chip", text: count(n, KIND_LABELS[k]) });
			for (const [c, n] of s.byChange) chips.createSpan({ cls: `attack-sync-chip attack-sync-change-${c}`, text: `${n} ${CHANGE_LABELS[c]}` });
		}

		// The one scrolling part, between the summary and the buttons.
		const scroll = contentEl.createDiv({ cls: "attack-sync-scroll" });
		if (p.warnings.length > 0) {
			const warnings = scroll.createEl("details", { cls: "attack-sync-warnings" });
			warnings.createEl("summary", { text: `${count(p.warnings.length, ["thing", "things"])} to check` });
			for (const w of p.warnings) {
				const row = warnings.createDiv({ cls: "attack-sync-warning" });
				row.createSpan({ cls: "attack-sync-note-name", text: nameAndFolder(w.path).name });
				row.createSpan({ text: `: ${withNoteNames(w.text, paths)}` });
			}
		}

		const list = scroll.createDiv({ cls: "attack-sync-rows" });
		for (const note of p.notes) this.row(list, note, common);

		if (p.skipped.length > 0) {
			const skipped = scroll.createEl("details", { cls: "attack-sync-skipped" });
			skipped.createEl("summary", { text: `Skipped (${p.skipped.length})` });
			for (const n of p.skipped) {
				const row = skipped.createDiv({ cls: "attack-sync-skipped-row" });
				row.createSpan({ cls: "attack-sync-note-name", text: nameAndFolder(n.path).name });
				row.createSpan({ cls: "attack-sync-muted", text: `: ${n.reason}` });
			}
		}

		const buttons = contentEl.createDiv({ cls: "modal-button-container attack-sync-preview-buttons" });
		if (changes === 0) {
			buttons.createEl("button", { text: "Close", cls: "mod-cta" }).addEventListener("click", () => this.close());
			return;
		}
		const apply = buttons.createEl("button", { text: `Apply to ${count(changes, ["note", "notes"])}`, cls: "mod-cta" });
		apply.addEventListener("click", () => {
			this.close();
			this.opts.apply();
		});
		buttons.createEl("button", { text: "Cancel" }).addEventListener("click", () => this.close());
	}

	/** A note's row; its diff is built the first time it is opened. */
	private row(list: HTMLElement, note: PreviewNote, common: string): void {
		const details = list.createEl("details", { cls: "attack-sync-note" });
		const summary = details.createEl("summary");
		const { name, folder } = nameAndFolder(note.path);
		const title = summary.createDiv({ cls: "attack-sync-note-title" });
		title.createSpan({ cls: "attack-sync-note-name", text: name });
		for (const c of changesOf(note)) title.createSpan({ cls: `attack-sync-tag attack-sync-change-${c}`, text: CHANGE_LABELS[c] });
		title.createSpan({ cls: "attack-sync-note-stats", text: `+${note.added} −${note.removed}` });
		const shown = common === "" ? folder : folder.slice(common.length + 1);
		if (shown !== "") summary.createDiv({ cls: "attack-sync-note-folder", text: shown });
		const base = baseText(note);
		if (base !== null) summary.createDiv({ cls: "attack-sync-note-base", text: base });
		let built = false;
		details.addEventListener("toggle", () => {
			if (built) return;
			built = true;
			renderDiff(details.createDiv({ cls: "attack-sync-diff" }), note);
		});
	}

	override onClose(): void {
		this.contentEl.empty();
	}
}

/**
 * The release a note's ATT&CK text was written from, as its row says it: "Written from ATT&CK
 * 17.1", or why it is not known (its old ATT&CK text is then kept where it reads like the user's).
 */
export function baseText(note: PreviewNote): string | null {
	if (note.baseRelease === undefined) return null;
	if (note.baseRelease !== null) return `Written from ATT&CK ${note.baseRelease}`;
	return `Release not known${note.baseWhy ? ` (${note.baseWhy})` : ""}: text that may be ATT&CK's is kept`;
}

/** A note's changes: kept lines around each change, changed lines as one line with the words that differ marked. */
function renderDiff(el: HTMLElement, note: PreviewNote): void {
	for (const w of note.warnings) el.createDiv({ cls: "attack-sync-warning", text: w });
	if (note.hunks.length === 0) el.createDiv({ cls: "attack-sync-muted", text: "Only line endings, the byte order mark or the final newline change." });
	note.hunks.forEach((hunk, h) => {
		if (h > 0) el.createDiv({ cls: "attack-sync-gap", text: "⋯" });
		for (const block of blocksOf(hunk.lines)) {
			if (block.kind === "changed") {
				const line = el.createDiv({ cls: "attack-sync-changed" });
				for (const part of block.parts) {
					if (part.kind === "same") line.createSpan({ text: part.text });
					else line.createEl(part.kind === "added" ? "ins" : "del", { text: part.text, cls: `attack-sync-word-${part.kind}` });
				}
			} else el.createDiv({ cls: `attack-sync-${block.kind}`, text: block.text === "" ? " " : block.text });
		}
	});
}

/**
 * The links report, in the CLI's words: the counts (unverified too), then one line per link that
 * is not ok, with where it lands and the fix. Clicking a line opens the note at that line and
 * leaves the report open, so a user can work down the list; "Fix" repairs the fixable ones.
 */
export class LinksModal extends Modal {
	constructor(
		app: App,
		private report: LinksReport,
		private readonly title: string,
		/** Fix the links and return the new report; absent when this report is already of a fix. */
		private readonly fix: (() => Promise<LinksReport>) | null,
	) {
		super(app);
	}

	override onOpen(): void {
		this.modalEl.addClass("attack-sync-links-modal");
		this.titleEl.setText(this.title);
		this.render();
	}

	private render(): void {
		const { contentEl } = this;
		contentEl.empty();
		const s = this.report.summary;
		const counts = `${s.links} ATT&CK links in ${s.notesRead} notes: ${s.ok} ok, ${s.broken} broken, ${s.mismatch} mismatch, ${s.ambiguous} ambiguous, ${s.unverified} unverified; ${s.fixed} fixed.`;
		contentEl.createDiv({ cls: "attack-sync-links-counts", text: counts });
		contentEl.createDiv({
			cls: "attack-sync-muted",
			text: "Mismatch: the link lands on a note about another ID. Unverified: it lands on a note with no known ATT&CK ID, which is never changed.",
		});
		const list = contentEl.createEl("ul", { cls: "attack-sync-links" });
		for (const l of this.report.links) {
			if (l.status === "ok" && l.fixed === undefined) continue;
			const item = list.createEl("li", { cls: `attack-sync-link attack-sync-link-${l.status}` });
			const open = item.createEl("a", { text: `${nameAndFolder(l.source).name}, line ${l.line}`, href: "#" });
			open.addEventListener("click", (e) => {
				e.preventDefault();
				void this.app.workspace.openLinkText(l.source, "", false, { eState: { line: l.line - 1 } });
			});
			const where = l.resolved ? `lands on ${nameAndFolder(l.resolved).name}${l.resolvedId ? ` (${l.resolvedId})` : ""}` : "lands nowhere";
			item.createSpan({ text: ` ${l.status}: ${l.raw}${l.expectedId ? ` claims ${l.expectedId},` : ""} ${where}` });
			if (l.fixed) item.createDiv({ cls: "attack-sync-muted", text: `fixed: ${l.fixed}` });
			else if (l.proposed) item.createDiv({ cls: "attack-sync-muted", text: `fix: ${l.proposed}` });
			if (l.problem) item.createDiv({ cls: "attack-sync-muted", text: `not fixed: ${l.problem}` });
		}
		const buttons = contentEl.createDiv({ cls: "modal-button-container" });
		const fixable = s.fixable - s.fixed;
		if (this.fix && fixable > 0) {
			const fix = this.fix;
			const button = buttons.createEl("button", { text: `Fix ${fixable} ${fixable === 1 ? "link" : "links"}`, cls: "mod-cta" });
			button.addEventListener("click", () => {
				button.disabled = true;
				void fix().then((report) => {
					this.report = report;
					this.titleEl.setText("Fixed links to ATT&CK notes");
					this.render();
				});
			});
		}
		buttons.createEl("button", { text: "Close" }).addEventListener("click", () => this.close());
	}

	override onClose(): void {
		this.contentEl.empty();
	}
}

/**
 * Fuzzy search over techniques by ID, name or parent. Each result shows its ID, a sub-technique's
 * parent (two techniques may share a name: "Spearphishing Link" is T1566.002 under Phishing and
 * T1598.003 under Phishing for Information), and whether the vault has a note about it.
 */
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
		return `${item.id} ${item.name}${item.parent ? ` ${item.parent}` : ""}`;
	}

	override renderSuggestion(match: FuzzyMatch<TechniqueItem>, el: HTMLElement): void {
		const item = match.item;
		el.addClass("attack-sync-technique");
		const line = el.createDiv({ cls: "attack-sync-technique-title" });
		line.createSpan({ cls: "attack-sync-technique-name", text: item.name });
		line.createSpan({ cls: "attack-sync-technique-id", text: item.id });
		const about = el.createDiv({ cls: "attack-sync-technique-about" });
		if (item.parent) about.createSpan({ text: `Sub-technique of ${item.parent}` });
		about.createSpan({ cls: item.note ? "attack-sync-has-note" : "attack-sync-no-note", text: item.note ? "Note in vault" : "No note yet" });
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
