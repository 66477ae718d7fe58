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
import { hasTag, techniqueNotes } from "./commands/layer";
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

/** The vault's notes about techniques and sub-techniques, by ID, shortest path first (Sigma rules aside). */
function notesById(index: VaultIndex): Map<string, Note[]> {
	const out = techniqueNotes(index);
	for (const list of out.values()) list.sort((a, b) => a.path.length - b.path.length || (a.path < b.path ? -1 : 1));
	return out;
}

export function buildMatrix(model: AttackModel, index: VaultIndex | null, opts: MatrixOptions = {}): Matrix {
	const version = model.attackVersion ?? opts.version ?? null;
	const notes = index ? notesById(index) : new Map<string, Note[]>();
	const studyBy = opts.studyBy?.trim() || null;
	const tag = studyBy?.toLowerCase().startsWith("tag:") ? studyBy.slice(4).trim().replace(/^#/, "") : null;
	const platform = opts.platform?.trim().toLowerCase() || null;
	const text = opts.text?.trim().toLowerCase() || null;
	const wanted = opts.tactics?.map((t) => t.trim().toLowerCase()).filter((t) => t !== "") ?? [];

	const cellOf = (o: StixObject, sub: boolean): MatrixCell => {
		const id = attackIdOf(o) ?? o.id;
		const own = notes.get(id) ?? [];
		let noteVersion: string | null = null;
		for (const n of own) {
			const v = propertyOf(n, "attack_version");
			if (VERSION.test(v) && (noteVersion === null || compareVersions(v, noteVersion) > 0)) noteVersion = v;
		}
		let state: CellState = "none";
		if (own.length > 0) {
			if (!isActive(o)) state = "retired";
			else if (noteVersion === null || version === null) state = "outdated";
			else if (compareVersions(noteVersion, opts.newerVersion ?? version) < 0) state = "outdated";
			else state = "current";
		}
		let study: string | null = null;
		if (tag !== null) study = own.some((n) => hasTag(n, tag)) ? tag : null;
		else if (studyBy !== null) study = own.map((n) => propertyOf(n, studyBy)).find((v) => v !== "") ?? null;
		const cell: MatrixCell = { id, name: o.name ?? id, subtechnique: sub, notes: own.map((n) => n.path), state, noteVersion, study, platforms: [...(o.x_mitre_platforms ?? [])], subtechniques: [] };
		const by = o.revoked === true ? model.revokedBy(o) : null;
		if (by) cell.replacedBy = { id: attackIdOf(by) ?? by.id, name: by.name ?? "" };
		return cell;
	};

	const onPlatform = (c: MatrixCell) => platform === null || c.platforms.some((p) => p.toLowerCase() === platform);
	const matchesText = (c: MatrixCell) => text === null || c.id.toLowerCase().includes(text) || c.name.toLowerCase().includes(text);

	// Active techniques, and the retired ones the vault still has notes about, in their old tactics.
	const shown = model.all("technique").filter((t) => !isSubtechnique(t) && (isActive(t) || notes.has(attackIdOf(t) ?? "")));
	// Retired sub-techniques the vault has notes about stay under their parent's ID.
	const retiredSubs = new Map<string, StixObject[]>();
	for (const s of model.all("technique")) {
		const id = attackIdOf(s) ?? "";
		if (!isSubtechnique(s) || isActive(s) || !notes.has(id)) continue;
		const parent = id.slice(0, id.indexOf("."));
		retiredSubs.set(parent, [...(retiredSubs.get(parent) ?? []), s]);
	}
	const subsOf = (parent: StixObject): StixObject[] =>
		[...model.subtechniquesOf(parent), ...(retiredSubs.get(attackIdOf(parent) ?? "") ?? [])].sort((a, b) => ((attackIdOf(a) ?? "") < (attackIdOf(b) ?? "") ? -1 : 1));

	const cells = new Map<string, MatrixCell | null>();
	const techniqueCell = (t: StixObject): MatrixCell | null => {
		const key = t.id;
		if (cells.has(key)) return cells.get(key) ?? null;
		const cell = cellOf(t, false);
		const subs = subsOf(t)
			.map((s) => cellOf(s, true))
			.filter((s) => onPlatform(s) && (!opts.onlyCovered || s.notes.length > 0));
		const selfMatches = matchesText(cell);
		cell.subtechniques = selfMatches ? subs : subs.filter(matchesText);
		let keep = onPlatform(cell) && (selfMatches || cell.subtechniques.length > 0);
		if (opts.onlyCovered && cell.notes.length === 0 && cell.subtechniques.length === 0) keep = false;
		cells.set(key, keep ? cell : null);
		return keep ? cell : null;
	};

	const columns: MatrixColumn[] = [];
	const tactics = model.tactics().filter((t) => wanted.length === 0 || wanted.some((w) => w === (attackIdOf(t) ?? "").toLowerCase() || w === (t.x_mitre_shortname ?? "").toLowerCase() || w === (t.name ?? "").toLowerCase()));
	const byTactic = new Map<string, StixObject[]>();
	for (const t of shown) {
		for (const tactic of model.tacticsOf(t)) {
			const list = byTactic.get(tactic.id);
			if (list) list.push(t);
			else byTactic.set(tactic.id, [t]);
		}
	}
	for (const tactic of tactics) {
		const techniques = (byTactic.get(tactic.id) ?? [])
			.map(techniqueCell)
			.filter((c): c is MatrixCell => c !== null)
			.sort((a, b) => a.name.localeCompare(b.name, "en") || (a.id < b.id ? -1 : 1));
		const counts: TacticCounts = { techniques: techniques.length, subtechniques: 0, noted: 0, current: 0, outdated: 0, retired: 0, studied: 0 };
		for (const c of techniques.flatMap((t) => [t, ...t.subtechniques])) {
			if (c.subtechnique) counts.subtechniques++;
			if (c.notes.length > 0) counts.noted++;
			if (c.state !== "none") counts[c.state]++;
			if (c.study !== null) counts.studied++;
		}
		columns.push({ id: attackIdOf(tactic) ?? tactic.id, name: tactic.name ?? "", shortname: tactic.x_mitre_shortname ?? "", techniques, counts });
	}

	const platforms = new Set<string>();
	for (const t of model.active("technique", { subtechniques: true })) for (const p of t.x_mitre_platforms ?? []) platforms.add(p);
	return { domain: model.domain, version, columns, platforms: [...platforms].sort() };
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
