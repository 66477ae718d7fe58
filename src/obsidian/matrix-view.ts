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

/** The cells drawn, by `tactic/ID`: the grid's one click handler finds the cell clicked here. */
type CellIndex = Map<string, MatrixCell>;

function drawCell(parent: HTMLElement, cell: MatrixCell, tactic: string, o: RenderOptions, index: CellIndex): void {
	const key = `${tactic}/${cell.id}`;
	index.set(key, cell);
	const el = parent.createDiv({ cls: ["attack-sync-cell", `is-${cell.state}`, cell.subtechnique ? "is-sub" : "is-technique"], attr: { "data-id": cell.id, "data-key": key, role: "button", tabindex: 0, "aria-label": cellLabel(cell) } });
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
	if (cell.state !== "none") meta.createSpan({ cls: ["attack-sync-state", `is-${cell.state}`], text: cell.state === "outdated" && cell.noteVersion ? `${STATE_LABELS.outdated} (${cell.noteVersion})` : STATE_LABELS[cell.state] });
	if (cell.study) meta.createSpan({ cls: "attack-sync-study", text: cell.study });
	if (value && value.score !== null) meta.createSpan({ cls: "attack-sync-overlay-score", text: `Score ${value.score}` });
	if (cell.replacedBy) meta.createSpan({ cls: "attack-sync-muted", text: `Now ${cell.replacedBy.id}` });
	if (value?.comment) el.setAttr("title", value.comment);
	if (cell.subtechniques.length === 0) return;
	const open = o.expanded.has(key);
	const noted = cell.subtechniques.filter((s) => s.notes.length > 0).length;
	parent.createEl("button", {
		cls: "attack-sync-expand",
		text: `${open ? "▾" : "▸"} ${cell.subtechniques.length} ${cell.subtechniques.length === 1 ? "sub-technique" : "sub-techniques"}${noted > 0 ? ` · ${noted} noted` : ""}`,
		attr: { "data-key": key, "aria-expanded": open ? "true" : "false", "aria-label": `${open ? "Hide" : "Show"} the sub-techniques of ${cell.name}` },
	});
	if (!open) return;
	const subs = parent.createDiv({ cls: "attack-sync-subs" });
	for (const s of cell.subtechniques) drawCell(subs, s, tactic, o, index);
}

/** The next part of a drawing runs in a task of its own, so the window can paint and answer between. */
const nextTask = () => new Promise<void>((resolve) => window.setTimeout(resolve, 0));

/**
 * The matrix as columns that scroll sideways, counts per tactic in each column's head. Built off
 * screen a few columns per task (about 8 ms each: the whole Enterprise matrix never holds the
 * window) and handed back to be put in place at once; null when `stale()` says a newer drawing
 * started meanwhile. One set of handlers on the grid serves every cell and fold button.
 */
async function buildGrid(m: Matrix, o: RenderOptions, stale: () => boolean): Promise<HTMLElement | null> {
	const grid = createDiv({ cls: "attack-sync-matrix" });
	const index: CellIndex = new Map();
	const study = o.host.studyBy();
	let slice = performance.now();
	for (const column of m.columns) {
		if (performance.now() - slice > 8) {
			await nextTask();
			if (stale()) return null;
			slice = performance.now();
		}
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
		for (const cell of column.techniques) drawCell(body, cell, column.shortname, o, index);
		if (column.techniques.length === 0) body.createDiv({ cls: "attack-sync-muted", text: "No technique matches." });
	}
	if (m.columns.length === 0) grid.createDiv({ cls: "attack-sync-muted", text: "No tactic matches." });
	const target = (evt: Event) => (evt.target instanceof Element ? evt.target.closest<HTMLElement>(".attack-sync-cell, .attack-sync-expand") : null);
	const act = (evt: MouseEvent | KeyboardEvent) => {
		const el = target(evt);
		const key = el?.dataset.key;
		if (!el || key === undefined) return;
		if (el.hasClass("attack-sync-expand")) {
			if (evt instanceof KeyboardEvent) return;
			if (o.expanded.has(key)) o.expanded.delete(key);
			else o.expanded.add(key);
			o.redraw();
			return;
		}
		const cell = index.get(key);
		if (cell) onCell(o, cell, evt);
	};
	grid.addEventListener("click", act);
	grid.addEventListener("auxclick", (evt) => {
		if (evt.button === 1) act(evt);
	});
	grid.addEventListener("keydown", (evt) => {
		if ((evt.key !== "Enter" && evt.key !== " ") || !target(evt)?.hasClass("attack-sync-cell")) return;
		evt.preventDefault();
		act(evt);
	});
	return grid;
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

	/** Each drawing has a number: one a newer drawing overtook is dropped. */
	private drawing = 0;

	private draw(): void {
		const token = ++this.drawing;
		const store = this.host.store;
		const domains = store.domains();
		if (this.domain === null || !domains.includes(this.domain)) this.domain = domains[0] ?? null;
		const matrix = this.domain === null ? null : store.matrix(this.domain, { platform: this.platform || null, text: this.text || null });
		this.drawToolbar(domains, matrix);
		if (store.status().kind !== "ready" || matrix === null || this.domain === null) {
			this.body.empty();
			renderStatus(this.body, this.host);
			return;
		}
		void this.paint(matrix, this.domain, token);
	}

	/** The matrix built off screen, then put in place of the old one at once; where the user had scrolled to stays. */
	private async paint(matrix: Matrix, domain: string, token: number): Promise<void> {
		const stale = () => token !== this.drawing;
		const grid = await buildGrid(matrix, { host: this.host, domain, expanded: this.expanded, redraw: () => this.draw(), overlay: true }, stale);
		if (grid === null || stale()) return;
		const left = this.body.querySelector(".attack-sync-matrix")?.scrollLeft ?? 0;
		const top = this.contentEl.scrollTop;
		this.body.empty();
		renderLegend(this.body, this.host, true, domain);
		const release = matrix.version ? ` ${matrix.version}` : "";
		this.body.createDiv({ cls: "attack-sync-muted attack-sync-matrix-caption", text: `${domainName(matrix.domain)}${release}: ${matrix.columns.reduce((n, c) => n + c.counts.noted, 0)} cells with a note. Click a cell to open its note or create one; Ctrl-click (Cmd-click on macOS) creates it at once.` });
		this.body.appendChild(grid);
		grid.scrollLeft = left;
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

	private drawing = 0;

	private draw(): void {
		const token = ++this.drawing;
		const el = this.containerEl;
		const block = parseMatrixBlock(this.source);
		const problem = (text: string) => {
			el.empty();
			el.createEl("p", { cls: "attack-sync-matrix-problem", text });
		};
		if (block.problems.length > 0) return problem(`This attack-matrix block has ${block.problems.length === 1 ? "an option" : "options"} it cannot use (${block.problems.join("; ")}).`);
		const domain = block.domain ?? this.host.domains()[0];
		if (!(KNOWN_DOMAINS as readonly string[]).includes(domain)) return problem(`This attack-matrix block names the domain "${domain}", which is not one of ${KNOWN_DOMAINS.join(", ")}.`);
		const study = this.host.studyBy();
		if (block.options.studyBy && block.options.studyBy.toLowerCase() !== (study ?? "").toLowerCase()) {
			return problem(`This attack-matrix block asks for the study state "${block.options.studyBy}", but the matrix shows the one set in the plugin's settings (${study ? `"${study}"` : "none"}); remove the study line or change the setting.`);
		}
		if (this.host.store.status().kind !== "ready") {
			el.empty();
			renderStatus(el, this.host);
			return;
		}
		const all = this.host.store.matrix(domain);
		if (all === null) return problem(`This attack-matrix block shows ${domainName(domain)}, which has no cached data: turn it on in the plugin's settings and fetch it.`);
		const opts: MatrixOptions = { ...block.options, studyBy: null };
		const missing = unknownTactics(all.columns, opts.tactics ?? []);
		if (missing.length > 0) return problem(`This attack-matrix block names ${missing.length === 1 ? "a tactic" : "tactics"} ${domainName(domain)} does not have: ${missing.join(", ")}.`);
		if (opts.platform && !all.platforms.some((p) => p.toLowerCase() === opts.platform?.trim().toLowerCase())) return problem(`This attack-matrix block names the platform "${opts.platform}", which is not one of ${all.platforms.join(", ")}.`);
		const matrix = this.host.store.matrix(domain, opts);
		if (matrix !== null) void this.paint(matrix, domain, token);
	}

	private async paint(matrix: Matrix, domain: string, token: number): Promise<void> {
		const stale = () => token !== this.drawing;
		const grid = await buildGrid(matrix, { host: this.host, domain, expanded: this.expanded, redraw: () => this.draw(), overlay: false }, stale);
		if (grid === null || stale()) return;
		const old = this.containerEl.querySelector(".attack-sync-matrix");
		const [left, top] = [old?.scrollLeft ?? 0, old?.scrollTop ?? 0];
		this.containerEl.empty();
		this.containerEl.appendChild(grid);
		[grid.scrollLeft, grid.scrollTop] = [left, top];
	}
}
