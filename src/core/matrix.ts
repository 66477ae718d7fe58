/**
 * The ATT&CK matrix of a vault, as data (issue 13's matrix view and `attack-matrix` code block; the
 * UI renders it): tactics as columns in matrix order, each with its techniques (by name) and their
 * sub-techniques (by ID), and for each cell the vault's state: no note, up to date, out of date,
 * retired (revoked or deprecated in ATT&CK while the vault has a note), plus a study state read from
 * a frontmatter property or a tag. Filters by platform, text and tactic; counts per tactic.
 * Pure: the model and the vault index in, plain objects out.
 */
import { attackIdOf, isActive, isSubtechnique, type AttackModel } from "./attack/model";
import type { StixObject } from "./attack/stix";
import { hasTag, type NavigatorLayer } from "./commands/layer";
import { idKind, subjectId } from "./notes/recognize";
import { compareVersions } from "./fetch/index-json";
import type { Note } from "./notes/read";
import type { VaultIndex } from "./vault-index";

/** `none`: no note; `current`: synced from this release or a later one; `outdated`: from an earlier one (or never synced, or a newer release is cached); `retired`: revoked or deprecated in ATT&CK. */
export type CellState = "none" | "current" | "outdated" | "retired";

export interface MatrixCell {
	id: string;
	name: string;
	subtechnique: boolean;
	/** The notes about it (their subject), shortest path first. */
	notes: string[];
	state: CellState;
	/** The newest `attack_version` among its notes, or null. */
	noteVersion: string | null;
	/** The study state: the property's value, or the tag when a note has it; null when none. */
	study: string | null;
	platforms: string[];
	/** For a retired cell: what replaced it, if ATT&CK says. */
	replacedBy?: { id: string; name: string };
	/** A technique's sub-techniques (those the filters keep); empty for sub-techniques. */
	subtechniques: MatrixCell[];
}

export interface TacticCounts {
	techniques: number;
	subtechniques: number;
	/** Cells (techniques and sub-techniques) with a note. */
	noted: number;
	current: number;
	outdated: number;
	retired: number;
	studied: number;
}

export interface MatrixColumn {
	id: string;
	name: string;
	shortname: string;
	techniques: MatrixCell[];
	counts: TacticCounts;
}

export interface Matrix {
	domain: string;
	version: string | null;
	columns: MatrixColumn[];
	/** Every platform of the domain's active techniques, sorted: the platform filter's choices. */
	platforms: string[];
}

export interface MatrixOptions {
	/** The model's release when the bundle does not say (mitre/cti 2.0 bundles). */
	version?: string | null;
	/** A newer release is cached: every note not yet synced from it is out of date. */
	newerVersion?: string | null;
	/** `PROPERTY` (frontmatter) or `tag:TAG`. */
	studyBy?: string | null;
	/** Only techniques on this platform (case ignored). */
	platform?: string | null;
	/** Only techniques whose ID or name contains this (case ignored); a technique stays when one of its sub-techniques matches. */
	text?: string | null;
	/** Only these tactics: IDs (TA0002), short names (execution) or names (Execution), case ignored. */
	tactics?: readonly string[] | null;
	/** Only techniques and sub-techniques the vault has a note about (a technique stays for a noted sub-technique). */
	onlyCovered?: boolean;
}

const VERSION = /^\d+(\.\d+)*$/;

function valueText(v: unknown): string {
	if (Array.isArray(v)) return v.map(valueText).filter((s) => s !== "").join(", ");
	if (typeof v === "string") return v.trim();
	if (typeof v === "number" || typeof v === "boolean") return String(v);
	return "";
}

function propertyOf(note: Note, name: string): string {
	const data = note.frontmatter?.data;
	if (!data) return "";
	const key = Object.prototype.hasOwnProperty.call(data, name) ? name : Object.keys(data).find((k) => k.toLowerCase() === name.toLowerCase());
	return key === undefined ? "" : valueText(data[key]);
}

/**
 * The release's side of the matrix, with nothing of the vault: what the engine (a worker) sends the
 * page once per release, so the page never parses a bundle. Compact: each technique and
 * sub-technique once, tactics by index, each tactic's techniques already in display order.
 */
export interface MatrixData {
	domain: string;
	version: string | null;
	tactics: Array<{ id: string; name: string; shortname: string }>;
	/** Techniques and sub-techniques, active and retired, by ATT&CK ID. */
	techniques: Record<string, MatrixTechnique>;
	/** Per tactic (same order as `tactics`): its techniques' IDs by name, then ID; retired ones included. */
	columns: string[][];
	/** Every platform of the domain's active techniques, sorted. */
	platforms: string[];
}

export interface MatrixTechnique {
	name: string;
	platforms: string[];
	/** Active, or revoked or deprecated in ATT&CK. */
	retired: boolean;
	replacedBy?: { id: string; name: string };
	/** A technique's sub-techniques by ID: active ones, then (`retiredSubs`) the retired ones, shown only where the vault has a note. */
	subs?: string[];
	retiredSubs?: string[];
}

/** What the matrix needs of one note: the technique it is about, the release it was synced from, its study state. */
export interface NoteState {
	path: string;
	id: string;
	version: string | null;
	study: string | null;
}

/** The release's side of the matrix (see MatrixData); `version`: the release when the bundle does not say. */
export function matrixData(model: AttackModel, version: string | null = null): MatrixData {
	const techniques: Record<string, MatrixTechnique> = {};
	const entry = (o: StixObject): MatrixTechnique => {
		const e: MatrixTechnique = { name: o.name ?? attackIdOf(o) ?? o.id, platforms: [...(o.x_mitre_platforms ?? [])], retired: !isActive(o) };
		const by = o.revoked === true ? model.revokedBy(o) : null;
		if (by) e.replacedBy = { id: attackIdOf(by) ?? by.id, name: by.name ?? "" };
		return e;
	};
	const retiredSubs = new Map<string, string[]>();
	for (const s of model.all("technique")) {
		const id = attackIdOf(s);
		if (id === null || !isSubtechnique(s)) continue;
		techniques[id] = entry(s);
		if (isActive(s)) continue;
		const parent = id.slice(0, id.indexOf("."));
		retiredSubs.set(parent, [...(retiredSubs.get(parent) ?? []), id]);
	}
	const tactics = model.tactics();
	const byTactic = new Map<string, Array<{ id: string; name: string }>>();
	for (const t of model.all("technique")) {
		const id = attackIdOf(t);
		if (id === null || isSubtechnique(t)) continue;
		const e = entry(t);
		e.subs = model.subtechniquesOf(t).filter(isActive).map((s) => attackIdOf(s) ?? s.id);
		for (const s of model.subtechniquesOf(t)) if (!isActive(s)) retiredSubs.set(id, [...new Set([...(retiredSubs.get(id) ?? []), attackIdOf(s) ?? s.id])]);
		e.retiredSubs = (retiredSubs.get(id) ?? []).sort();
		techniques[id] = e;
		for (const tactic of model.tacticsOf(t)) {
			const list = byTactic.get(tactic.id);
			if (list) list.push({ id, name: e.name });
			else byTactic.set(tactic.id, [{ id, name: e.name }]);
		}
	}
	const columns = tactics.map((tactic) => (byTactic.get(tactic.id) ?? []).sort((a, b) => a.name.localeCompare(b.name, "en") || (a.id < b.id ? -1 : 1)).map((t) => t.id));
	const platforms = new Set<string>();
	for (const t of model.active("technique", { subtechniques: true })) for (const p of t.x_mitre_platforms ?? []) platforms.add(p);
	return {
		domain: model.domain,
		version: model.attackVersion ?? version,
		tactics: tactics.map((t) => ({ id: attackIdOf(t) ?? t.id, name: t.name ?? "", shortname: t.x_mitre_shortname ?? "" })),
		techniques,
		columns,
		platforms: [...platforms].sort(),
	};
}

/** A `tag:TAG` study setting's tag (without `#`), or null for a property (or none). */
function studyTag(studyBy: string | null): string | null {
	return studyBy?.toLowerCase().startsWith("tag:") ? studyBy.slice(4).trim().replace(/^#/, "") : null;
}

/** What the matrix needs of a note, or null when it is not about one technique or sub-technique (Sigma rules aside). */
export function noteStateOf(note: Note, studyBy?: string | null): NoteState | null {
	if (note.recognized.layout === "sigma") return null;
	const id = subjectId(note.recognized);
	const kind = id === null ? null : idKind(id);
	if (id === null || (kind !== "technique" && kind !== "subtechnique")) return null;
	const v = propertyOf(note, "attack_version");
	const by = studyBy?.trim() || null;
	const tag = studyTag(by);
	let study: string | null = null;
	if (tag !== null) study = hasTag(note, tag) ? tag : null;
	else if (by !== null) study = propertyOf(note, by) || null;
	return { path: note.path, id, version: VERSION.test(v) ? v : null, study };
}

/** Every note's state (see noteStateOf). */
export function noteStates(index: VaultIndex, studyBy?: string | null): NoteState[] {
	const out: NoteState[] = [];
	for (const note of index.notes.values()) {
		const s = noteStateOf(note, studyBy);
		if (s) out.push(s);
	}
	return out;
}

export function buildMatrix(model: AttackModel, index: VaultIndex | null, opts: MatrixOptions = {}): Matrix {
	return combineMatrix(matrixData(model, opts.version ?? null), index ? noteStates(index, opts.studyBy) : [], opts);
}

/**
 * The matrix from the release's data and the notes' states: what the view recomputes when a note
 * changes, without the model and without reading any note. `opts.studyBy` is only for the tag's
 * name; the notes' study states were read with it.
 */
export function combineMatrix(data: MatrixData, states: Iterable<NoteState>, opts: MatrixOptions = {}): Matrix {
	const version = data.version ?? opts.version ?? null;
	const notes = new Map<string, NoteState[]>();
	for (const s of states) {
		if (data.techniques[s.id] === undefined) continue;
		const list = notes.get(s.id);
		if (list) list.push(s);
		else notes.set(s.id, [s]);
	}
	for (const list of notes.values()) if (list.length > 1) list.sort((a, b) => a.path.length - b.path.length || (a.path < b.path ? -1 : 1));
	const tag = studyTag(opts.studyBy?.trim() || null);
	const platform = opts.platform?.trim().toLowerCase() || null;
	const text = opts.text?.trim().toLowerCase() || null;
	const wanted = opts.tactics?.map((t) => t.trim().toLowerCase()).filter((t) => t !== "") ?? [];

	const cellOf = (id: string, t: MatrixTechnique, sub: boolean): MatrixCell => {
		const own = notes.get(id) ?? [];
		let noteVersion: string | null = null;
		for (const n of own) if (n.version !== null && (noteVersion === null || compareVersions(n.version, noteVersion) > 0)) noteVersion = n.version;
		let state: CellState = "none";
		if (own.length > 0) {
			if (t.retired) state = "retired";
			else if (noteVersion === null || version === null) state = "outdated";
			else if (compareVersions(noteVersion, opts.newerVersion ?? version) < 0) state = "outdated";
			else state = "current";
		}
		const study = tag !== null ? (own.some((n) => n.study !== null) ? tag : null) : (own.find((n) => n.study !== null)?.study ?? null);
		const cell: MatrixCell = { id, name: t.name, subtechnique: sub, notes: own.map((n) => n.path), state, noteVersion, study, platforms: t.platforms, subtechniques: [] };
		if (t.replacedBy) cell.replacedBy = t.replacedBy;
		return cell;
	};

	const onPlatform = (c: MatrixCell) => platform === null || c.platforms.some((p) => p.toLowerCase() === platform);
	const matchesText = (c: MatrixCell) => text === null || c.id.toLowerCase().includes(text) || c.name.toLowerCase().includes(text);

	const cells = new Map<string, MatrixCell | null>();
	const techniqueCell = (id: string): MatrixCell | null => {
		if (cells.has(id)) return cells.get(id) ?? null;
		const t = data.techniques[id];
		// Retired techniques show only while the vault has a note about them.
		if (t === undefined || (t.retired && !notes.has(id))) {
			cells.set(id, null);
			return null;
		}
		const cell = cellOf(id, t, false);
		const subIds = [...(t.subs ?? []), ...(t.retiredSubs ?? []).filter((s) => notes.has(s))].sort();
		const subs: MatrixCell[] = [];
		for (const s of subIds) {
			const st = data.techniques[s];
			if (st === undefined) continue;
			const c = cellOf(s, st, true);
			if (onPlatform(c) && (!opts.onlyCovered || c.notes.length > 0)) subs.push(c);
		}
		const selfMatches = matchesText(cell);
		cell.subtechniques = selfMatches ? subs : subs.filter(matchesText);
		let keep = onPlatform(cell) && (selfMatches || cell.subtechniques.length > 0);
		if (opts.onlyCovered && cell.notes.length === 0 && cell.subtechniques.length === 0) keep = false;
		cells.set(id, keep ? cell : null);
		return keep ? cell : null;
	};

	const columns: MatrixColumn[] = [];
	data.tactics.forEach((tactic, i) => {
		if (wanted.length > 0 && !wanted.some((w) => w === tactic.id.toLowerCase() || w === tactic.shortname.toLowerCase() || w === tactic.name.toLowerCase())) return;
		const techniques: MatrixCell[] = [];
		for (const id of data.columns[i] ?? []) {
			const c = techniqueCell(id);
			if (c) techniques.push(c);
		}
		const counts: TacticCounts = { techniques: techniques.length, subtechniques: 0, noted: 0, current: 0, outdated: 0, retired: 0, studied: 0 };
		for (const t of techniques) {
			for (const c of [t, ...t.subtechniques]) {
				if (c.subtechnique) counts.subtechniques++;
				if (c.notes.length > 0) counts.noted++;
				if (c.state !== "none") counts[c.state]++;
				if (c.study !== null) counts.studied++;
			}
		}
		columns.push({ id: tactic.id, name: tactic.name, shortname: tactic.shortname, techniques, counts });
	});
	return { domain: data.domain, version, columns, platforms: data.platforms };
}

/** Tactic names a block or filter asked for that the release does not have (IDs, short names or names). */
export function unknownTactics(known: ReadonlyArray<{ id: string; name: string; shortname: string }>, tactics: readonly string[]): string[] {
	return tactics.filter((w) => !known.some((t) => [t.id, t.shortname, t.name].some((x) => x.toLowerCase() === w.trim().toLowerCase())));
}

export interface MatrixBlock {
	domain: string | null;
	options: MatrixOptions;
	/** Lines the block could not use, each with why: the view shows them above the matrix. */
	problems: string[];
}

/**
 * The options of an `attack-matrix` code block, one `key: value` a line: `domain`, `platform`,
 * `tactics` (comma-separated), `only-covered` (true/false, yes/no), `text`, `study` (a property or
 * `tag:TAG`). Blank lines and `#` comments are skipped; anything else is a problem, never an error.
 */
export function parseMatrixBlock(source: string): MatrixBlock {
	const block: MatrixBlock = { domain: null, options: {}, problems: [] };
	for (const [i, raw] of source.split(/\r?\n/).entries()) {
		const line = raw.trim();
		if (line === "" || line.startsWith("#")) continue;
		const m = /^([A-Za-z][\w-]*)\s*:\s*(.*)$/.exec(line);
		if (!m) {
			block.problems.push(`line ${i + 1}: "${line}" is not "key: value"`);
			continue;
		}
		const key = m[1].toLowerCase().replace(/_/g, "-");
		const value = m[2].trim();
		if (key === "domain") block.domain = value;
		else if (key === "platform") block.options.platform = value;
		else if (key === "text") block.options.text = value;
		else if (key === "study" || key === "study-by") block.options.studyBy = value;
		else if (key === "tactics" || key === "tactic") block.options.tactics = value.split(",").map((s) => s.trim()).filter((s) => s !== "");
		else if (key === "only-covered") {
			if (/^(true|yes|on)$/i.test(value)) block.options.onlyCovered = true;
			else if (/^(false|no|off)$/i.test(value)) block.options.onlyCovered = false;
			else block.problems.push(`line ${i + 1}: only-covered takes true or false, not "${value}"`);
		} else block.problems.push(`line ${i + 1}: unknown option "${m[1]}" (known: domain, platform, tactics, only-covered, text, study)`);
	}
	return block;
}

/** An imported Navigator layer's value for one cell: a score, a colour, its comment. */
export interface OverlayCell {
	score: number | null;
	color: string | null;
	comment: string | null;
}

/** A Navigator layer as the matrix view shows it over its cells (see readLayer). */
export interface MatrixOverlay {
	name: string;
	domain: string;
	/** By `ID` and by `ID@tactic-shortname` (an entry for one tactic only). */
	cells: Map<string, OverlayCell>;
	legend: Array<{ label: string; color: string }>;
}

/** Navigator's default gradient (red, yellow, green over 0 to 100), for layers that give none. */
const NAVIGATOR_GRADIENT = { colors: ["#ff6666", "#ffe766", "#8ec843"], minValue: 0, maxValue: 100 };
const HEX = /^#([0-9a-f]{3}|[0-9a-f]{6})([0-9a-f]{2})?$/i;

function rgbOf(hex: string): [number, number, number] {
	const h = hex.slice(1);
	const full = h.length === 3 || h.length === 4 ? [...h.slice(0, 3)].map((c) => c + c).join("") : h.slice(0, 6);
	return [0, 2, 4].map((i) => Number.parseInt(full.slice(i, i + 2), 16)) as [number, number, number];
}

/** The gradient's colour at `score` (clamped), as Navigator colours a score. */
export function gradientColor(gradient: { colors: string[]; minValue: number; maxValue: number }, score: number): string | null {
	const colors = gradient.colors.filter((c) => HEX.test(c));
	if (colors.length === 0) return null;
	if (colors.length === 1 || gradient.maxValue <= gradient.minValue) return colors[0].toLowerCase();
	const t = Math.min(1, Math.max(0, (score - gradient.minValue) / (gradient.maxValue - gradient.minValue))) * (colors.length - 1);
	const i = Math.min(colors.length - 2, Math.floor(t));
	const [a, b] = [rgbOf(colors[i]), rgbOf(colors[i + 1])];
	const f = t - i;
	return `#${a.map((x, k) => Math.round(x + (b[k] - x) * f).toString(16).padStart(2, "0")).join("")}`;
}

/**
 * A layer (as readLayer returns it) as the view's overlay: each entry's colour, or its score's
 * colour on the layer's gradient (Navigator's default when it has none); only `#rgb`/`#rrggbb`
 * colours are kept. The legend is the layer's, else the gradient's two ends.
 */
export function matrixOverlay(layer: NavigatorLayer): MatrixOverlay {
	const gradient = layer.gradient ?? NAVIGATOR_GRADIENT;
	const cells = new Map<string, OverlayCell>();
	for (const t of layer.techniques) {
		const score = typeof t.score === "number" ? t.score : null;
		let color = t.color !== undefined && HEX.test(t.color) ? t.color : null;
		if (color === null && score !== null) color = gradientColor(gradient, score);
		if (t.enabled === false) color = null;
		cells.set(t.tactic ? `${t.techniqueID}@${t.tactic.toLowerCase()}` : t.techniqueID, { score, color, comment: t.comment ?? null });
	}
	const legend = (layer.legendItems ?? []).filter((l) => HEX.test(l.color));
	if (legend.length === 0 && layer.techniques.some((t) => typeof t.score === "number" && t.color === undefined)) {
		const colors = gradient.colors.filter((c) => HEX.test(c));
		if (colors.length > 0) legend.push({ label: `Score ${gradient.minValue}`, color: colors[0] }, { label: `Score ${gradient.maxValue}`, color: colors[colors.length - 1] });
	}
	return { name: layer.name, domain: layer.domain, cells, legend };
}

/** The overlay's value for a cell in a tactic's column: the entry for that tactic, else the technique's. */
export function overlayFor(overlay: MatrixOverlay, id: string, tactic: string): OverlayCell | undefined {
	return overlay.cells.get(`${id}@${tactic.toLowerCase()}`) ?? overlay.cells.get(id);
}
