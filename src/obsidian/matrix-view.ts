/**
 * The ATT&CK matrix of the vault: a view (tactics as columns, techniques with their sub-techniques
 * folded under them, each cell's vault and study state, an imported Navigator layer over it) and
 * the `attack-matrix` code block, both drawn by `renderMatrix` from MatrixStore's data. A click
 * opens a cell's note; a click on a cell without one offers to create it (a menu: phones have no
 * modifier keys); Ctrl/Cmd-click creates it at once, named as create-missing names notes.
 * Elements are built with createEl only.
 */
import { ItemView, Keymap, MarkdownRenderChild, Menu, type WorkspaceLeaf } from "obsidian";
import { overlayFor, parseMatrixBlock, unknownTactics, type CellState, type Matrix, type MatrixCell, type MatrixOptions } from "../core/matrix";
import { KNOWN_DOMAINS } from "../core/fetch/index-json";
import type { MatrixStore } from "./matrix-store";
import { domainName } from "./settings";

export const MATRIX_VIEW = "attack-sync-matrix";

/** What the view and the code block ask of the plugin. */
export interface MatrixHost {
	store: MatrixStore;
	/** The configured domains, in order. */
	domains(): string[];
	studyBy(): string | null;
	openNote(path: string, newTab: boolean): void;
	/** Create the note about `id` (as create-missing would), then open it. */
	createNote(domain: string, id: string): void;
	clearOverlay(): void;
	fetchData(): void;
}

const STATE_LABELS: Readonly<Record<CellState, string>> = { none: "No note", current: "Up to date", outdated: "Out of date", retired: "Retired in ATT&CK" };

interface RenderOptions {
	host: MatrixHost;
	domain: string;
	/** Keys (`tactic/ID`) of the techniques whose sub-techniques are shown. */
	expanded: Set<string>;
	/** Draw again (a technique was folded or unfolded). */
	redraw: () => void;
	overlay: boolean;
}

/** Whether the click asks for a new tab (Ctrl/Cmd, middle click): on a cell with no note, it creates one. */
function isModClick(evt: MouseEvent | KeyboardEvent): boolean {
	return Keymap.isModEvent(evt) !== false || evt.ctrlKey || evt.metaKey;
}

function cellLabel(cell: MatrixCell): string {
	const state = cell.state === "outdated" && cell.noteVersion ? `${STATE_LABELS.outdated} (${cell.noteVersion})` : STATE_LABELS[cell.state];
	return `${cell.name} (${cell.id}): ${state}${cell.study ? `, ${cell.study}` : ""}`;
}

function onCell(o: RenderOptions, cell: MatrixCell, evt: MouseEvent | KeyboardEvent): void {
	if (cell.notes.length > 0) {
		o.host.openNote(cell.notes[0], isModClick(evt));
		return;
	}
	if (isModClick(evt)) {
		o.host.createNote(o.domain, cell.id);
		return;
	}
	const menu = new Menu();
	menu.addItem((item) =>
		item
			.setTitle(`Create a note about ${cell.id}`)
			.setIcon("file-plus")
			.onClick(() => o.host.createNote(o.domain, cell.id)),
	);
	if (evt instanceof MouseEvent) menu.showAtMouseEvent(evt);
	else {
		const r = (evt.target as HTMLElement).getBoundingClientRect();
		menu.showAtPosition({ x: r.left, y: r.bottom });
	}
}

function drawCell(parent: HTMLElement, cell: MatrixCell, tactic: string, o: RenderOptions): void {
	const el = parent.createDiv({ cls: ["attack-sync-cell", `is-${cell.state}`, cell.subtechnique ? "is-sub" : "is-technique"], attr: { "data-id": cell.id, role: "button", tabindex: 0, "aria-label": cellLabel(cell) } });
	const overlay = o.overlay && o.host.store.overlay?.domain === o.domain ? o.host.store.overlay : null;
	const value = overlay ? overlayFor(overlay, cell.id, tactic) : undefined;
	if (value?.color) {
		el.addClass("has-overlay");
		el.style.setProperty("--attack-sync-overlay", value.color);
	}
	const main = el.createDiv({ cls: "attack-sync-cell-main" });
	main.createSpan({ cls: "attack-sync-cell-name", text: cell.name });
	main.createSpan({ cls: "attack-sync-cell-id", text: cell.id });
	const meta = el.createDiv({ cls: "attack-sync-cell-meta" });
	meta.createSpan({ cls: ["attack-sync-state", `is-${cell.state}`], text: cell.state === "none" ? "" : cell.state === "outdated" && cell.noteVersion ? `${STATE_LABELS.outdated} (${cell.noteVersion})` : STATE_LABELS[cell.state] });
	if (cell.study) meta.createSpan({ cls: "attack-sync-study", text: cell.study });
	if (value && value.score !== null) meta.createSpan({ cls: "attack-sync-overlay-score", text: `Score ${value.score}` });
	if (cell.replacedBy) meta.createSpan({ cls: "attack-sync-muted", text: `Now ${cell.replacedBy.id}` });
	if (value?.comment) el.setAttr("title", value.comment);
	el.addEventListener("click", (evt) => onCell(o, cell, evt));
	el.addEventListener("auxclick", (evt) => {
		if (evt.button === 1) onCell(o, cell, evt);
	});
	el.addEventListener("keydown", (evt) => {
		if (evt.key !== "Enter" && evt.key !== " ") return;
		evt.preventDefault();
		onCell(o, cell, evt);
	});
	if (cell.subtechniques.length === 0) return;
	const key = `${tactic}/${cell.id}`;
	const open = o.expanded.has(key);
	const noted = cell.subtechniques.filter((s) => s.notes.length > 0).length;
	const toggle = parent.createEl("button", {
		cls: "attack-sync-expand",
		text: `${open ? "▾" : "▸"} ${cell.subtechniques.length} ${cell.subtechniques.length === 1 ? "sub-technique" : "sub-techniques"}${noted > 0 ? ` · ${noted} noted` : ""}`,
		attr: { "aria-expanded": open ? "true" : "false", "aria-label": `${open ? "Hide" : "Show"} the sub-techniques of ${cell.name}` },
	});
	toggle.addEventListener("click", () => {
		if (open) o.expanded.delete(key);
		else o.expanded.add(key);
		o.redraw();
	});
	if (!open) return;
	const subs = parent.createDiv({ cls: "attack-sync-subs" });
	for (const s of cell.subtechniques) drawCell(subs, s, tactic, o);
}

/** The matrix as columns that scroll sideways; counts per tactic in each column's head. */
function renderMatrix(el: HTMLElement, m: Matrix, o: RenderOptions): void {
	const grid = el.createDiv({ cls: "attack-sync-matrix" });
	const study = o.host.studyBy();
	for (const column of m.columns) {
		const col = grid.createDiv({ cls: "attack-sync-column", attr: { "data-tactic": column.id } });
		const head = col.createDiv({ cls: "attack-sync-column-head" });
		head.createDiv({ cls: "attack-sync-column-name", text: column.name });
		const c = column.counts;
		const counts = [`${c.techniques} ${c.techniques === 1 ? "technique" : "techniques"}`, `${c.noted} noted`];
		if (c.outdated > 0) counts.push(`${c.outdated} out of date`);
		if (c.retired > 0) counts.push(`${c.retired} retired`);
		if (study) counts.push(`${c.studied} ${study.toLowerCase().startsWith("tag:") ? "tagged" : "studied"}`);
		head.createDiv({ cls: "attack-sync-column-counts", text: counts.join(" · ") });
		const body = col.createDiv({ cls: "attack-sync-column-body" });
		for (const cell of column.techniques) drawCell(body, cell, column.shortname, o);
		if (column.techniques.length === 0) body.createDiv({ cls: "attack-sync-muted", text: "No technique matches." });
	}
	if (m.columns.length === 0) grid.createDiv({ cls: "attack-sync-muted", text: "No tactic matches." });
}

/** The states' legend, and the overlay's (with its name and a control to clear it). */
function renderLegend(el: HTMLElement, host: MatrixHost, withOverlay: boolean, domain: string): void {
	const legend = el.createDiv({ cls: "attack-sync-legend" });
	for (const state of ["none", "current", "outdated", "retired"] as const) {
		const item = legend.createSpan({ cls: "attack-sync-legend-item" });
		item.createSpan({ cls: ["attack-sync-swatch", `is-${state}`] });
		item.appendText(STATE_LABELS[state]);
	}
	if (!withOverlay) return;
	const overlay = host.store.overlay;
	const problem = host.store.overlayProblem;
	if (!overlay && !problem) return;
	const row = el.createDiv({ cls: "attack-sync-overlay-legend" });
	if (overlay) {
		row.createSpan({ cls: "attack-sync-overlay-name", text: `Overlay: ${overlay.name}` });
		if (overlay.domain !== domain) row.createSpan({ text: `(a layer of ${domainName(overlay.domain)}: shown over that matrix)` });
		else for (const l of overlay.legend) {
			const item = row.createSpan({ cls: "attack-sync-legend-item" });
			const swatch = item.createSpan({ cls: "attack-sync-swatch has-overlay" });
			swatch.style.setProperty("--attack-sync-overlay", l.color);
			item.appendText(l.label);
		}
	} else if (problem) row.createSpan({ cls: "attack-sync-invalid", text: problem });
	row.createEl("button", { text: "Clear overlay", cls: "attack-sync-clear-overlay" }).addEventListener("click", () => host.clearOverlay());
}

/** A message in place of the matrix: loading, no data (with the fetch command), an error. */
function renderStatus(el: HTMLElement, host: MatrixHost): boolean {
	const status = host.store.status();
	if (status.kind === "ready") return false;
	const box = el.createDiv({ cls: "attack-sync-matrix-status" });
	if (status.kind === "loading") box.setText("Reading the ATT&CK matrix and your notes…");
	else if (status.kind === "error") {
		box.createEl("p", { text: `The matrix could not be read: ${status.message}` });
		box.createEl("button", { text: "Try again" }).addEventListener("click", () => {
			host.store.reset();
			void host.store.ensure();
		});
	}
	else {
		box.createEl("p", { text: "No ATT&CK data is cached yet." });
		box.createEl("button", { text: "Fetch ATT&CK data", cls: "mod-cta" }).addEventListener("click", () => host.fetchData());
	}
	return true;
}

export class MatrixView extends ItemView {
	private domain: string | null = null;
	private platform = "";
	private text = "";
	private readonly expanded = new Set<string>();
	private unsubscribe: (() => void) | null = null;
	private toolbar!: HTMLElement;
	private body!: HTMLElement;
	private textTimer: number | null = null;

	constructor(
		leaf: WorkspaceLeaf,
		private readonly host: MatrixHost,
	) {
		super(leaf);
	}

	getViewType(): string {
		return MATRIX_VIEW;
	}

	getDisplayText(): string {
		return "ATT&CK matrix";
	}

	override getIcon(): string {
		return "layout-grid";
	}

	override async onOpen(): Promise<void> {
		this.contentEl.empty();
		this.contentEl.addClass("attack-sync-matrix-view");
		this.toolbar = this.contentEl.createDiv({ cls: "attack-sync-matrix-toolbar" });
		this.body = this.contentEl.createDiv({ cls: "attack-sync-matrix-body" });
		this.unsubscribe = this.host.store.subscribe(() => this.draw());
		this.draw();
		await this.host.store.ensure();
	}

	override onClose(): Promise<void> {
		this.unsubscribe?.();
		this.unsubscribe = null;
		if (this.textTimer !== null) window.clearTimeout(this.textTimer);
		return Promise.resolve();
	}

	private draw(): void {
		const store = this.host.store;
		const domains = store.domains();
		if (this.domain === null || !domains.includes(this.domain)) this.domain = domains[0] ?? null;
		const matrix = this.domain === null ? null : store.matrix(this.domain, { platform: this.platform || null, text: this.text || null });
		this.drawToolbar(domains, matrix);
		// Drawn again on every change: where the user had scrolled to stays.
		const left = this.body.querySelector(".attack-sync-matrix")?.scrollLeft ?? 0;
		const top = this.contentEl.scrollTop;
		this.body.empty();
		if (renderStatus(this.body, this.host) || matrix === null || this.domain === null) return;
		renderLegend(this.body, this.host, true, this.domain);
		const release = matrix.version ? ` ${matrix.version}` : "";
		this.body.createDiv({ cls: "attack-sync-muted attack-sync-matrix-caption", text: `${domainName(matrix.domain)}${release}: ${matrix.columns.reduce((n, c) => n + c.counts.noted, 0)} with a note. Click a cell to open its note or create one; Ctrl-click (Cmd-click on macOS) creates it at once.` });
		renderMatrix(this.body, matrix, { host: this.host, domain: this.domain, expanded: this.expanded, redraw: () => this.draw(), overlay: true });
		const grid = this.body.querySelector(".attack-sync-matrix");
		if (grid) grid.scrollLeft = left;
		this.contentEl.scrollTop = top;
	}

	/** Built once; only the choices that depend on the data are refreshed (the text box keeps its focus). */
	private drawToolbar(domains: string[], matrix: Matrix | null): void {
		if (this.toolbar.childElementCount === 0) {
			const domain = this.toolbar.createEl("select", { cls: "dropdown attack-sync-domain", attr: { "aria-label": "Domain" } });
			domain.addEventListener("change", () => {
				this.domain = domain.value;
				this.platform = "";
				this.draw();
			});
			const platform = this.toolbar.createEl("select", { cls: "dropdown attack-sync-platform", attr: { "aria-label": "Platform" } });
			platform.addEventListener("change", () => {
				this.platform = platform.value;
				this.draw();
			});
			const text = this.toolbar.createEl("input", { type: "search", cls: "attack-sync-filter", placeholder: "Filter by name or ID", attr: { "aria-label": "Filter by name or ID" } });
			text.addEventListener("input", () => {
				if (this.textTimer !== null) window.clearTimeout(this.textTimer);
				this.textTimer = window.setTimeout(() => {
					this.textTimer = null;
					this.text = text.value;
					this.draw();
				}, 150);
			});
		}
		const domain = this.toolbar.querySelector<HTMLSelectElement>(".attack-sync-domain");
		const platform = this.toolbar.querySelector<HTMLSelectElement>(".attack-sync-platform");
		if (domain) {
			const want = domains.join(",");
			if (domain.dataset.domains !== want) {
				domain.dataset.domains = want;
				domain.empty();
				for (const d of domains) domain.createEl("option", { value: d, text: domainName(d) });
			}
			domain.value = this.domain ?? "";
			domain.toggleClass("attack-sync-hidden", domains.length < 2);
		}
		if (platform && matrix) {
			const want = matrix.platforms.join(",");
			if (platform.dataset.platforms !== want) {
				platform.dataset.platforms = want;
				platform.empty();
				platform.createEl("option", { value: "", text: "All platforms" });
				for (const p of matrix.platforms) platform.createEl("option", { value: p, text: p });
			}
			platform.value = this.platform;
		}
	}
}

/**
 * An `attack-matrix` code block: the same matrix, with the block's options (domain, platform,
 * tactics, only-covered, text). Options it cannot use are said in one sentence in the block,
 * which then shows nothing else; nothing is thrown. Redrawn when the notes change, like the view.
 */
export class MatrixBlock extends MarkdownRenderChild {
	private unsubscribe: (() => void) | null = null;
	private readonly expanded = new Set<string>();

	constructor(
		containerEl: HTMLElement,
		private readonly source: string,
		private readonly host: MatrixHost,
	) {
		super(containerEl);
	}

	override onload(): void {
		this.containerEl.addClass("attack-sync-matrix-block");
		this.unsubscribe = this.host.store.subscribe(() => this.draw());
		this.draw();
		void this.host.store.ensure();
	}

	override onunload(): void {
		this.unsubscribe?.();
		this.unsubscribe = null;
	}

	private problem(text: string): void {
		this.containerEl.createEl("p", { cls: "attack-sync-matrix-problem", text });
	}

	private draw(): void {
		const el = this.containerEl;
		const grid = el.querySelector(".attack-sync-matrix");
		const [left, top] = [grid?.scrollLeft ?? 0, grid?.scrollTop ?? 0];
		el.empty();
		const block = parseMatrixBlock(this.source);
		if (block.problems.length > 0) {
			this.problem(`This attack-matrix block has ${block.problems.length === 1 ? "an option" : "options"} it cannot use (${block.problems.join("; ")}).`);
			return;
		}
		const domain = block.domain ?? this.host.domains()[0];
		if (!(KNOWN_DOMAINS as readonly string[]).includes(domain)) {
			this.problem(`This attack-matrix block names the domain "${domain}", which is not one of ${KNOWN_DOMAINS.join(", ")}.`);
			return;
		}
		const study = this.host.studyBy();
		if (block.options.studyBy && block.options.studyBy.toLowerCase() !== (study ?? "").toLowerCase()) {
			this.problem(`This attack-matrix block asks for the study state "${block.options.studyBy}", but the matrix shows the one set in the plugin's settings (${study ? `"${study}"` : "none"}); remove the study line or change the setting.`);
			return;
		}
		if (renderStatus(el, this.host)) return;
		if (!this.host.store.domains().includes(domain)) {
			this.problem(`This attack-matrix block shows ${domainName(domain)}, which has no cached data: turn it on in the plugin's settings and fetch it.`);
			return;
		}
		const all = this.host.store.matrix(domain);
		if (all === null) return;
		const opts: MatrixOptions = { ...block.options, studyBy: null };
		const missing = unknownTactics(all.columns, opts.tactics ?? []);
		if (missing.length > 0) {
			this.problem(`This attack-matrix block names ${missing.length === 1 ? "a tactic" : "tactics"} ${domainName(domain)} does not have: ${missing.join(", ")}.`);
			return;
		}
		if (opts.platform && !all.platforms.some((p) => p.toLowerCase() === opts.platform?.trim().toLowerCase())) {
			this.problem(`This attack-matrix block names the platform "${opts.platform}", which is not one of ${all.platforms.join(", ")}.`);
			return;
		}
		const matrix = this.host.store.matrix(domain, opts);
		if (matrix === null) return;
		renderMatrix(el, matrix, { host: this.host, domain, expanded: this.expanded, redraw: () => this.draw(), overlay: false });
		const drawn = el.querySelector(".attack-sync-matrix");
		if (drawn) [drawn.scrollLeft, drawn.scrollTop] = [left, top];
	}
}
