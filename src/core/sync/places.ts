/**
 * Where the vault keeps its ATT&CK notes, learned from the notes it has: for techniques, tactics
 * and mitigations, the folder most of them are in, the layout most of them use, and whether
 * their file names carry the ID (`Malicious Link (T1204.001).md`). A kind the vault has no
 * notes of goes beside the kinds it has (`.../techniques` -> `.../tactics`); an empty vault gets
 * the plugin's own layout under `MITRE ATT&CK/<Domain>/`.
 */
import { attackIdOf, isActive, isSubtechnique, type AttackModel } from "../attack/model";
import { KINDS, kindOfObject, kindSpec, type NoteKind } from "../kinds";
import type { StixObject } from "../attack/stix";
import type { VaultIndex } from "../vault-index";
import { domainOfNote } from "../notes/note-domain";
import { countOn, distinctNames, foldName, safeFileName, withId } from "./filenames";

export type { NoteKind };
/** Where a kind's notes go: sub-techniques go where techniques do. */
export type PlaceKind = Exclude<NoteKind, "subtechnique">;
export type NoteLayout = "classic" | "export";

const PLACE_KINDS: readonly PlaceKind[] = KINDS.map((k) => k.kind).filter((k): k is PlaceKind => k !== "subtechnique");
/** The kinds whose notes the first version of sync knew: they share one pool of names (see sharedNames). */
const CORE: readonly PlaceKind[] = ["technique", "tactic", "mitigation"];

export const placeOf = (kind: NoteKind): PlaceKind => (kind === "subtechnique" ? "technique" : kind);

export interface Place {
	folder: string;
	layout: NoteLayout;
	/** File names end in ` (ID)`, as the export layout's do. */
	nameWithId: boolean;
	/** Another way the vault's file names carry the ID (a generator's), which new notes follow. */
	pattern?: NamePattern;
	/**
	 * Techniques filed under `folder` by their first tactic (`Defense Evasion/`), and maybe then by
	 * their parent technique (`Defense Evasion/Rootkit/`), as reuteras files them.
	 */
	byTactic?: "tactic" | "tactic/parent";
	/** How a `/` in an object's name is written in file and folder names: `-` (the default), reuteras' fullwidth `／`, scorchederf's `_`. */
	slash?: string;
}

/** How generators write a `/` of a name in a file name: reuteras' fullwidth `／`, sync's `-`, scorchederf's `_`, a space. */
const SLASHES = ["\uFF0F", "-", "_", " "];

/** An object's name as the place spells names with `/` in them, then made a safe file name. */
export function placeName(place: Pick<Place, "slash">, name: string, fallback: string): string {
	return safeFileName(place.slash === undefined ? name : name.replace(/\//g, place.slash), fallback);
}

/** The folders a technique is filed in by its first tactic and its parent (or itself), as file-safe names. */
export function tacticFolders(model: AttackModel, o: StixObject, slash?: string): { tactic: string; parent: string } | null {
	if (o.type !== "attack-pattern") return null;
	const phase = o.kill_chain_phases?.[0];
	const tactic = phase === undefined ? undefined : model.tacticFor(phase.kill_chain_name, phase.phase_name);
	const parent = isSubtechnique(o) ? model.parentOf(o) : o;
	if (!tactic || !parent) return null;
	return { tactic: placeName({ slash }, tactic.name ?? "", attackIdOf(tactic) ?? ""), parent: placeName({ slash }, parent.name ?? "", attackIdOf(parent) ?? "") };
}

/** The folder a note of `o` goes in: the place's, and for techniques filed by tactic, theirs. */
export function folderFor(place: Place, model: AttackModel, o: StixObject): string {
	const sub = place.byTactic === undefined ? null : tacticFolders(model, o, place.slash);
	if (sub === null) return place.folder;
	const parts = place.byTactic === "tactic/parent" ? [sub.tactic, sub.parent] : [sub.tactic];
	return [place.folder, ...parts].filter((x) => x !== "").join("/");
}

/** How generators put the ID in a file name: `T1518.002 - Name` (FancyP4nda), `T1518.002-Name_With_Underscores` (scorchederf), `Name - T1518.002` (reuteras). */
export type NamePattern = "id - name" | "id-name_" | "name - id";

const PATTERNS: ReadonlyArray<{ pattern: NamePattern; make: (name: string, id: string) => string }> = [
	{ pattern: "id - name", make: (name, id) => `${id} - ${name}` },
	{ pattern: "id-name_", make: (name, id) => `${id}-${name.replace(/ /g, "_")}` },
	{ pattern: "name - id", make: (name, id) => `${name} - ${id}` },
];

/** The file name (no extension) a pattern gives an object. */
export function patternName(pattern: NamePattern, name: string, id: string): string {
	const p = PATTERNS.find((x) => x.pattern === pattern) as (typeof PATTERNS)[number];
	return safeFileName(p.make(name, id), id);
}

/** The pattern a note's file name follows, if one. */
function patternOf(base: string, name: string, id: string): NamePattern | null {
	const fold = (s: string) => s.normalize("NFC").toLowerCase().replace(/[\s_]+/g, " ").trim();
	for (const p of PATTERNS) if (fold(safeFileName(p.make(name, id), id)) === fold(base)) return p.pattern;
	return null;
}

const PLURAL = (kind: PlaceKind): string => kindSpec(kind).folder;

const DOMAIN_FOLDER: Readonly<Record<string, string>> = {
	"enterprise-attack": "Enterprise-Attack",
	"mobile-attack": "Mobile-Attack",
	"ics-attack": "ICS-Attack",
};

/** The folder of a domain's notes: from the fixed list, else the domain made one safe folder name (never `..` or a path). */
function domainFolder(domain: string): string {
	return Object.prototype.hasOwnProperty.call(DOMAIN_FOLDER, domain) ? DOMAIN_FOLDER[domain] : safeFileName(domain.replace(/\.\./g, ""), "Other");
}

export function noteKindOf(o: StixObject): PlaceKind | null {
	const kind = kindOfObject(o);
	return kind === null ? null : placeOf(kind);
}

const parentOf = (path: string): string => (path.includes("/") ? path.slice(0, path.lastIndexOf("/")) : "");
const baseName = (path: string): string => path.slice(path.lastIndexOf("/") + 1).replace(/\.md$/i, "");

function mostCommon<T>(values: readonly T[]): T | undefined {
	const tally = new Map<T, number>();
	let best: T | undefined;
	let most = 0;
	for (const v of values) {
		const n = (tally.get(v) ?? 0) + 1;
		tally.set(v, n);
		if (n > most) [best, most] = [v, n];
	}
	return best;
}

export function learnPlaces(index: VaultIndex, model: AttackModel, folder?: string): Record<PlaceKind, Place> {
	// An object whose name another one shares gets its ID in its new note's name whatever the
	// vault does (`Spearphishing Link (T1566.002)`): its note says nothing about the vault's names.
	const shared = sharedNames(model);
	const seen = Object.fromEntries(PLACE_KINDS.map((k) => [k, []])) as unknown as Record<PlaceKind, Array<{ folder: string; layout: NoteLayout | null; nameWithId: boolean | null; pattern: NamePattern | null; byTactic: { tactic?: string; parent?: string } }>>;
	const slashVotes = new Map<string, number>();
	for (const note of index.notes.values()) {
		// A generator's note in a layout sync does not write (reuteras' group notes, known by their
		// attack.mitre.org URL) tells where that kind's notes go, though not how to write them.
		const written = note.recognized.layout;
		const generated = written === "other" && note.recognized.idSources.some((s) => s.from === "url" || s.from === "name");
		if (written !== "classic" && written !== "export" && !generated) continue;
		const layout = written === "classic" || written === "export" ? written : null;
		const id = note.recognized.ids[0];
		const o = id === undefined ? undefined : model.get(id);
		const kind = o && noteKindOf(o);
		if (!kind || id === undefined) continue;
		// Another domain's note says nothing of where this domain's go: one its folders or tags put
		// there, or one about an object several domains have (a group in Enterprise and Mobile).
		const domain = domainOfNote(note);
		if (domain !== null ? domain !== model.domain : (o.x_mitre_domains ?? []).some((d) => d !== model.domain)) continue;
		const nameWithId = shared.has(id) ? null : baseName(note.path).endsWith(`(${id})`);
		// How the vault writes a `/` of a name (`Scheduled Task／Job`): the note's name tells.
		const name = o.name ?? "";
		if (name.includes("/")) {
			// Spaces and underscores alike (scorchederf writes `SMB_Windows_Admin_Shares`).
			const fold = (x: string) => x.normalize("NFC").toLowerCase().replace(/[\s_]+/g, " ").trim();
			const base = fold(baseName(note.path));
			const spelling = SLASHES.find((c) => base.includes(fold(name.replace(/\//g, c))));
			if (spelling !== undefined) slashVotes.set(spelling, (slashVotes.get(spelling) ?? 0) + 1);
		}
		// Filed by tactic: the root the tactic folders are in, one for each way of filing.
		const folder = parentOf(note.path);
		const sub = tacticFolders(model, o);
		const byTactic: { tactic?: string; parent?: string } = {};
		if (sub) {
			const parts = folder.split("/");
			// (`／` or `-` for a `/`, whichever the vault writes.)
			const is = (k: number, name: string) => parts.length > k && foldName(parts[parts.length - 1 - k].replace(/\uFF0F/g, "-")) === foldName(name);
			if (is(0, sub.tactic)) byTactic.tactic = parts.slice(0, -1).join("/");
			if (is(1, sub.tactic) && is(0, sub.parent)) byTactic.parent = parts.slice(0, -2).join("/");
		}
		seen[kind].push({ folder, layout, nameWithId, pattern: patternOf(baseName(note.path), o.name ?? id, id), byTactic });
	}
	// `-` is what safeFileName writes anyway.
	const voted = [...slashVotes].sort((a, b) => b[1] - a[1])[0]?.[0];
	const slash = voted === undefined || voted === "-" ? undefined : voted;
	const learned: Partial<Record<PlaceKind, Place>> = {};
	// The layout of a kind known only from notes sync does not write: the layout of the others.
	const layoutOfAny = (): NoteLayout => mostCommon(PLACE_KINDS.flatMap((k) => seen[k].map((x) => x.layout)).filter((l): l is NoteLayout => l !== null)) ?? "classic";
	const noEvidence = new Set<PlaceKind>();
	for (const kind of PLACE_KINDS) {
		const list = seen[kind];
		if (list.length === 0) continue;
		const folder = mostCommon(list.map((s) => s.folder)) ?? "";
		const votes = list.filter((s) => s.nameWithId !== null);
		if (votes.length === 0) noEvidence.add(kind);
		learned[kind] = {
			folder,
			layout: mostCommon(list.map((s) => s.layout).filter((l): l is NoteLayout => l !== null)) ?? layoutOfAny(),
			nameWithId: votes.filter((s) => s.nameWithId === true).length * 2 > votes.length,
		};
		// Most of the kind's notes filed by their first tactic (and parent): new ones are too.
		for (const way of ["parent", "tactic"] as const) {
			const roots = list.map((x) => x.byTactic[way]).filter((r): r is string => r !== undefined);
			if (roots.length * 2 <= list.length || learned[kind]?.byTactic !== undefined) continue;
			learned[kind].folder = mostCommon(roots) ?? "";
			learned[kind].byTactic = way === "parent" ? "tactic/parent" : "tactic";
		}
		// Most of the kind's notes named by one of the generators' patterns: new ones are too.
		const pattern = mostCommon(list.map((s) => s.pattern).filter((p): p is NamePattern => p !== null));
		if (pattern && list.filter((s) => s.pattern === pattern).length * 2 > list.length) (learned[kind]).pattern = pattern;
	}
	// A kind whose notes all have shared names names its new notes as the other kinds do.
	const evidence = PLACE_KINDS.find((k) => learned[k] && !noEvidence.has(k));
	for (const kind of noEvidence) (learned[kind] as Place).nameWithId = evidence ? (learned[evidence] as Place).nameWithId : false;
	// A folder the vault has under another case or normalization (`mitre att&ck/`) is that folder.
	const existing = folderSpellings(index.files);
	if (folder !== undefined && folder.trim() !== "") {
		// The user's choice of folder; the layout and names still follow the notes the vault has.
		const root = folder.trim().replace(/^\/+|\/+$/g, "");
		const like = learned.technique ?? learned.tactic ?? learned.mitigation;
		const place = (kind: PlaceKind): Place => ({ folder: existing(`${root}/${PLURAL(kind)}`), layout: like?.layout ?? "classic", nameWithId: like?.nameWithId ?? false });
		return Object.fromEntries(PLACE_KINDS.map((k) => [k, { ...place(k), slash }])) as Record<PlaceKind, Place>;
	}
	// New notes of a kind the vault has none of go beside those of the kinds it has, most like them.
	const anyKind = [...CORE, ...PLACE_KINDS].find((k) => learned[k]);
	const any = anyKind === undefined ? undefined : learned[anyKind];
	const result = {} as Record<PlaceKind, Place>;
	for (const kind of PLACE_KINDS) {
		const own = learned[kind];
		if (own) result[kind] = own;
		else if (any && anyKind) {
			// Beside the notes the vault has: `.../techniques` -> `.../tactics`, else the same folder.
			const folder = any.folder;
			const last = folder.slice(folder.lastIndexOf("/") + 1);
			const sibling = last.toLowerCase() === PLURAL(anyKind) ? `${parentOf(folder)}${parentOf(folder) ? "/" : ""}${PLURAL(kind)}` : folder;
			result[kind] = { ...any, folder: existing(sibling), byTactic: undefined };
		} else {
			const root = analogRoot(index.files, model.domain) ?? `MITRE ATT&CK/${domainFolder(model.domain)}`;
			result[kind] = { folder: existing(`${root}/${PLURAL(kind)}`), layout: "classic", nameWithId: false };
		}
		if (slash !== undefined) result[kind].slash = slash;
	}
	return result;
}

const DOMAIN_SEGMENT = /^(enterprise|mobile|ics)([\s_-]?attack)$/i;

/**
 * Where a domain the vault has no notes of goes when the vault keeps another domain in a folder
 * of its own: that folder's path with this domain's name in its spelling (`enterprise-attack/`
 * -> `mobile-attack/`, `Enterprise attack/` -> `Mobile attack/`), or null.
 */
function analogRoot(files: readonly string[], domain: string): string | null {
	const word = /^(enterprise|mobile|ics)-attack$/.exec(domain)?.[1];
	if (word === undefined) return null;
	const roots: string[] = [];
	const own: string[] = [];
	for (const f of files) {
		const parts = f.split("/").slice(0, -1);
		const k = parts.findIndex((p) => DOMAIN_SEGMENT.test(p));
		if (k < 0) continue;
		const m = DOMAIN_SEGMENT.exec(parts[k]) as RegExpExecArray;
		// A folder of this domain's already (its notes not recognized yet): that one.
		if (m[1].toLowerCase() === word) own.push(parts.slice(0, k + 1).join("/"));
		const upper = m[1] === m[1].toUpperCase();
		const title = m[1][0] === m[1][0].toUpperCase();
		const spelled = upper || (word === "ics" && title) ? word.toUpperCase() : title ? word[0].toUpperCase() + word.slice(1) : word;
		roots.push([...parts.slice(0, k), `${spelled}${m[2]}`].join("/"));
	}
	return mostCommon(own) ?? mostCommon(roots) ?? null;
}

/**
 * A folder path as the vault spells it: each part that names an existing folder, compared as
 * macOS and Windows compare names, takes that folder's spelling (the path itself when it exists
 * as given; the first in sort order when Linux holds several spellings). Folders are known from
 * the files in them.
 */
function folderSpellings(files: readonly string[]): (folder: string) => string {
	const children = new Map<string, Map<string, string>>();
	for (const f of [...files].sort()) {
		let parent = "";
		for (const part of f.split("/").slice(0, -1)) {
			let kids = children.get(parent);
			if (!kids) children.set(parent, (kids = new Map<string, string>()));
			if (!kids.has(foldName(part))) kids.set(foldName(part), part);
			parent = parent === "" ? part : `${parent}/${part}`;
		}
	}
	const exact = new Set<string>();
	for (const f of files) for (let i = f.indexOf("/"); i >= 0; i = f.indexOf("/", i + 1)) exact.add(f.slice(0, i));
	return (folder) => {
		let path = "";
		for (const part of folder.split("/")) {
			const asGiven = path === "" ? part : `${path}/${part}`;
			const spelled = exact.has(asGiven) ? part : (children.get(path)?.get(foldName(part)) ?? part);
			path = path === "" ? spelled : `${path}/${spelled}`;
		}
		return path;
	};
}

/**
 * IDs of the notable objects whose safe file name (folded) another one of its pool has too: the
 * technique, tactic and mitigation notes are one pool (as they were before other kinds had
 * notes), each other kind its own (a group and a technique may share a name: they are in
 * different folders, and a link to either names its folder when the name is ambiguous).
 */
function sharedNames(model: AttackModel): Set<string> {
	const byName = new Map<string, string[]>();
	for (const o of notableObjects(model)) {
		const pool = CORE.includes(placeOf(o.kind)) ? "core" : o.kind;
		const name = `${pool}\u0000${foldName(safeFileName(o.object.name ?? o.id, o.id))}`;
		const ids = byName.get(name);
		if (ids) ids.push(o.id);
		else byName.set(name, [o.id]);
	}
	return new Set([...byName.values()].filter((ids) => ids.length > 1).flat());
}

/** Active objects of every kind in the kinds table: the notes a vault can have. */
export function notableObjects(model: AttackModel): Array<{ id: string; object: StixObject; kind: NoteKind }> {
	let out = notable.get(model);
	if (out) return out;
	out = [];
	for (const kind of MODEL_KINDS) {
		for (const o of model.all(kind)) {
			const id = attackIdOf(o);
			const k = kindOfObject(o);
			if (id === null || k === null || !isActive(o)) continue;
			out.push({ id, object: o, kind: k });
		}
	}
	out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
	notable.set(model, out);
	return out;
}

const notable = new WeakMap<AttackModel, Array<{ id: string; object: StixObject; kind: NoteKind }>>();
const MODEL_KINDS = ["tactic", "technique", "mitigation", "group", "software", "campaign", "dataSource", "dataComponent", "detectionStrategy", "analytic", "asset"] as const;

/**
 * Paths for the notes the vault lacks, one per object, distinct and safe, in the learned folders.
 *
 * A name is decided among every object that would want a name in its folder (those the vault
 * has a note for too), not among the ones missing today, and only the vault's other files
 * (`own` excepted: the notes of these objects, wherever they are and whoever made them) count
 * as taken. So the names do not depend on which notes exist: a run interrupted after creating
 * some notes, then run again, names the rest exactly as one uninterrupted run would have. Only
 * when one object's note sits under the name another one gets is that name counted on.
 */
export function missingPaths(
	files: readonly string[],
	places: Record<PlaceKind, Place>,
	notable: ReadonlyArray<{ id: string; object: StixObject; kind: NoteKind }>,
	present: ReadonlySet<string>,
	own: ReadonlySet<string>,
	model?: AttackModel,
): Map<string, string> {
	const taken = new Map<string, Set<string>>();
	const occupied = new Map<string, Set<string>>();
	for (const f of files) {
		const folder = parentOf(f);
		const name = foldName(baseName(f));
		addTo(occupied, folder, name);
		if (!own.has(f)) addTo(taken, folder, name);
	}
	const byFolder = new Map<string, Array<{ id: string; name: string }>>();
	for (const m of notable) {
		const place = places[placeOf(m.kind)];
		const spelled = place.slash === undefined ? (m.object.name ?? m.id) : (m.object.name ?? m.id).replace(/\//g, place.slash);
		const name = safeFileName(spelled, m.id);
		const folder = model ? folderFor(place, model, m.object) : place.folder;
		const list = byFolder.get(folder) ?? [];
		list.push({ id: m.id, name: place.pattern ? patternName(place.pattern, spelled, m.id) : place.nameWithId ? withId(name, m.id) : name });
		byFolder.set(folder, list);
	}
	const paths = new Map<string, string>();
	for (const [folder, items] of byFolder) {
		const names = distinctNames(items, taken.get(folder) ?? new Set());
		const used = new Set([...(occupied.get(folder) ?? []), ...[...names.values()].map(foldName)]);
		for (const { id } of items) {
			if (present.has(id)) continue;
			let name = names.get(id) ?? id;
			if (occupied.get(folder)?.has(foldName(name))) {
				// Another object's note has this name (a note the user named so): count on.
				name = countOn(name, id, used);
				used.add(foldName(name));
			}
			paths.set(id, folder === "" ? `${name}.md` : `${folder}/${name}.md`);
		}
	}
	return paths;
}

function addTo(map: Map<string, Set<string>>, key: string, value: string): void {
	let set = map.get(key);
	if (!set) map.set(key, (set = new Set()));
	set.add(value);
}
