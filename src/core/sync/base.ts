/**
 * The release each note came from (its base): what ATT&CK said when the note's ATT&CK text was
 * written, so sync can tell that text from the user's and merge the user's edits three ways.
 *
 * A note records it (`attack_version`, written by sync); otherwise it is inferred from the note's
 * own text: the candidate release whose description of the note's subject explains most of the
 * note's lines (same words in the same order, however citations and links are written), verified
 * by how much it explains. Candidates come from the caller (`--previous-bundle`, a cache, or
 * releases downloaded on demand), newest first; loading stops once every note is explained, so a
 * vault written from one release costs one download per release between it and the current one.
 * No I/O here: `load` is the caller's (the CLI reads files and downloads, the plugin its cache).
 */
import { attackIdOf, type AttackModel } from "../attack/model";
import type { StixObject } from "../attack/stix";
import type { Note } from "../notes/read";
import type { VaultIndex } from "../vault-index";
import { compareVersions } from "../fetch/index-json";
import { containsWords, sameWords, similarity, tokenize } from "./words";

export interface BaseOf {
	/** The release, or null with why. */
	release: string | null;
	why?: string;
}

export interface BaseOptions {
	/** Releases at hand (given files, the cache), any order. */
	local: readonly string[];
	/** Releases that can be downloaded (index.json): asked only when those at hand do not explain the notes. */
	remote: () => Promise<readonly string[]>;
	/** Loads a release; null (with the caller reporting why) when it cannot be had. */
	load: (version: string) => Promise<AttackModel | null>;
	/** At most this many releases are tried when inferring (each may be a download). */
	maxTries?: number;
}

export interface Bases {
	/** The releases loaded, by version. */
	models: Map<string, AttackModel>;
	/** Each note's base, by path (notes about an object of `model` only). */
	of: Map<string, BaseOf>;
}

/** A line the note's subject's description may have given: long enough to judge by its words. */
const MIN_LENGTH = 40;

function subjectIn(note: Note, model: AttackModel): StixObject | null {
	for (const id of note.recognized.ids) {
		const o = model.getAll(id).find((x) => x.type !== "relationship");
		if (o) return model.get(id) ?? o;
	}
	return null;
}

/** The subject in another release: by ATT&CK ID, else by STIX id (data components had no ID before v18). */
const sameIn = (m: AttackModel, o: StixObject): StixObject | undefined => m.get(attackIdOf(o) ?? "") ?? m.byStixId(o.id);

/** The description's paragraphs, as lines (ATT&CK writes each paragraph and list item on one). */
function paragraphs(o: StixObject | null | undefined): string[] {
	return (o?.description ?? "").split("\n").filter((l) => l.trim().length >= MIN_LENGTH);
}

/**
 * What a release wrote about `o` that tells releases apart: its description and, for a data
 * component, the text of what it detects. A data component's description rarely changed, but
 * its `detects` text went in v18: without it, a 17.1 note would pass for 18.1's and its 17.1 rows
 * for the user's.
 */
function written(m: AttackModel, o: StixObject | null | undefined): string[] {
	const own = paragraphs(o);
	if (!o || o.type !== "x-mitre-data-component") return own;
	return [...own, ...m.techniquesDetectedThrough(o).map((r) => r.description.replace(/\n+/g, " ")).filter((t) => t.trim().length >= MIN_LENGTH)];
}

/** The cells of a note's table rows (a data component note's Techniques Detected), as lines. */
function cellLines(note: Note): string[] {
	return note.text.split(/\r?\n/).filter((l) => l.trimStart().startsWith("|")).flatMap((l) => l.replace(/\\\|/g, "\uE000").split("|").map((c) => c.replace(/\uE000/g, "\\|").trim()));
}

/**
 * Lines of the note that read like one of `candidates` (most words shared): ATT&CK's prose, of
 * some release; with null, every line of prose long enough to judge.
 */
function attackLines(note: Note, candidates: readonly string[] | null, cells = false): string[] {
	const own = (candidates ?? []).map((c) => tokenize(c));
	// A line holding several paragraphs joined by <br> (some generators' descriptions) counts as its paragraphs.
	const lines = note.text.split(/\r?\n/).flatMap((line) => line.split(/(?:<br\s*\/?>)+/i));
	const long = (cells ? cellLines(note) : []).filter((c) => !lines.includes(c));
	return [...long, ...lines].filter((line) => {
		if (line.trim().length < MIN_LENGTH || /^\s*(?:>|\||#|```|[-*+] |---)/.test(line)) return false;
		if (candidates === null) return true;
		const t = tokenize(line);
		return own.some((c) => similarity(t, c) >= 0.5);
	});
}

function explains(lines: readonly string[], release: readonly string[], cells: ReadonlySet<string> = NO_CELLS): number {
	let n = 0;
	// A table cell may be cut short (a generator that left `|` unescaped in ATT&CK's text ends the cell there).
	for (const line of lines) if (release.some((r) => sameWords(line, r) || (cells.has(line) && containsWords(r, line)))) n++;
	return n;
}

const NO_CELLS: ReadonlySet<string> = new Set();

export async function resolveBases(index: VaultIndex, model: AttackModel, version: string | null, opts: BaseOptions): Promise<Bases> {
	const models = new Map<string, AttackModel>();
	const of = new Map<string, BaseOf>();
	const failed = new Set<string>();
	const loaded = async (v: string): Promise<AttackModel | null> => {
		if (v === version) return model;
		if (models.has(v)) return models.get(v) ?? null;
		if (failed.has(v)) return null;
		const m = await opts.load(v);
		if (m) models.set(v, m);
		else failed.add(v);
		return m;
	};
	// Inference: notes that record nothing, with the lines that read like ATT&CK's prose.
	const open: Array<{ note: Note; o: StixObject; cells: ReadonlySet<string>; lines: string[]; prose: boolean; best: { release: string; n: number } | null; scores: Map<string, number> }> = [];
	for (const note of index.notes.values()) {
		const o = subjectIn(note, model);
		if (!o || !["classic", "export", "controls"].includes(note.recognized.layout)) continue;
		const recorded = note.frontmatter?.data.attack_version;
		if (typeof recorded === "string" || typeof recorded === "number") {
			const v = String(recorded);
			if (v === version || (await loaded(v))) of.set(note.path, { release: v });
			else of.set(note.path, { release: null, why: `release ${v} (recorded in attack_version) could not be had` });
			continue;
		}
		const cells = o.type === "x-mitre-data-component";
		const candidates = [...written(model, o), ...[...models.values()].flatMap((m) => written(m, sameIn(m, o)))];
		const lines = attackLines(note, candidates, cells);
		const tableCells = cells ? new Set(cellLines(note).filter((c) => c.length >= MIN_LENGTH)) : NO_CELLS;
		const n = explains(lines, written(model, o), tableCells);
		open.push({ note, o, cells: tableCells, lines, prose: attackLines(note, null).length > 0, best: version !== null && n > 0 ? { release: version, n } : null, scores: new Map(version !== null ? [[version, n]] : []) });
	}
	// A note none of whose prose reads like the current text may be all old text: it needs a release too.
	// A data component note with a table's text is tried on an earlier release too: the new one may
	// write none of the text an old one did (18.1 gives what a component detects no text).
	const unexplained = () => open.filter((x) => (x.cells.size > 0 && tried.size === 0) || (x.lines.length > 0 ? x.best === null || x.best.n < x.lines.length : x.prose));
	const tried = new Set<string>();
	const order = (vs: Iterable<string>) => [...vs].filter((v) => v !== version && (version === null || compareVersions(v, version) < 0)).sort((a, b) => compareVersions(b, a));
	// Releases at hand first (no download), newest first; then, only if notes are still not
	// explained, those index.json lists.
	let budget = opts.maxTries ?? 12;
	const tryRelease = async (v: string) => {
		if (tried.has(v)) return;
		tried.add(v);
		const m = await loaded(v);
		if (!m) return;
		for (const x of open) {
			// The note's lines that read like this release's text count too (a paragraph ATT&CK later rewrote).
			const old = written(m, sameIn(m, x.o));
			if (old.length === 0) continue;
			const more = attackLines(x.note, old, x.o.type === "x-mitre-data-component").filter((l) => !x.lines.includes(l));
			x.lines.push(...more);
			const n = explains(x.lines, old, x.cells);
			x.scores.set(v, n);
			if (n > 0 && (x.best === null || n > x.best.n)) x.best = { release: v, n };
		}
	};
	for (const v of order([...models.keys(), ...opts.local])) {
		if (unexplained().length === 0) break;
		await tryRelease(v);
	}
	if (unexplained().length > 0) {
		for (const v of order(await opts.remote())) {
			if (unexplained().length === 0 || budget <= 0) break;
			if (tried.has(v)) continue;
			budget--;
			await tryRelease(v);
		}
	}
	// Where several releases explain a note equally (ATT&CK did not change its description), the
	// release most notes came from is its base: the vault was written at one time, and the note's
	// other sections (a mitigation's text) may have changed since.
	const votes = new Map<string, number>();
	for (const x of open) {
		if (x.best === null) continue;
		const top = [...x.scores].filter(([, n]) => n === x.best?.n);
		if (top.length === 1) votes.set(top[0][0], (votes.get(top[0][0]) ?? 0) + 1);
	}
	const vaultRelease = [...votes].sort((a, b) => b[1] - a[1])[0]?.[0];
	for (const x of open) {
		if (x.best !== null && vaultRelease !== undefined && x.scores.get(vaultRelease) === x.best.n) x.best = { release: vaultRelease, n: x.best.n };
		if (x.best !== null && x.best.n * 2 >= x.lines.length) of.set(x.note.path, { release: x.best.release });
		else if (x.lines.length === 0) of.set(x.note.path, version === null ? { release: null, why: "its text reads like no ATT&CK release" } : { release: version });
		else of.set(x.note.path, { release: null, why: x.best === null ? "no release tried explains its text" : `release ${x.best.release} explains only ${x.best.n} of its ${x.lines.length} ATT&CK lines` });
	}
	return { models, of };
}
