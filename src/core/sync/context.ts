/**
 * What every note's sync needs to know about the run: the ATT&CK model, the vault, where each
 * ATT&CK ID's note is (or will be, for notes this run creates, or would be, for notes the vault
 * lacks), and how the vault writes links.
 */
import type { AttackModel } from "../attack/model";
import { LinkResolver, type LinkStyle } from "../links/resolve";
import { claimedId, hiddenRanges } from "../links/judge";
import { scanWikiLinks } from "../links/wikilink";
import { scanCode } from "../notes/code-scan";
import { subjectId } from "../notes/recognize";
import { domainOfNote } from "../notes/note-domain";
import { kindOfId, kindOfObject, type RelationTable } from "../kinds";
import type { Note } from "../notes/read";
import { notesAbout, type VaultIndex } from "../vault-index";
import { learnPlaces, missingPaths, notableObjects, type NoteKind, type Place, type PlaceKind } from "./places";

/** The parts of a note the user can leave to themselves (settings: "which sections sync manages"). */
export const MANAGED_SECTIONS = ["description", "tactics", "platforms", "permissions", "mitigations", "sub-techniques", "groups", "detection"] as const;
export type ManagedSection = (typeof MANAGED_SECTIONS)[number];

export interface ContextOptions {
	version: string | null;
	/** true: create every missing note; a list: only notes of these kinds. */
	createMissing: boolean | readonly NoteKind[];
	/** Only the missing notes about these ATT&CK IDs. */
	createOnly?: ReadonlySet<string>;
	/** Overrides the vault's own `newLinkFormat`. */
	linkStyle?: LinkStyle;
	/** Where new notes go (`<folder>/techniques`...) instead of the folders learned from the vault. */
	folder?: string;
	sections?: readonly ManagedSection[];
	/** Notes other domains' syncs in this run create: links are written knowing they will exist. */
	alsoCreated?: readonly string[];
}

/** The kinds an empty vault gets, and every vault's missing notes are link targets of. */
const CORE_KINDS: ReadonlySet<NoteKind> = new Set(["technique", "subtechnique", "tactic", "mitigation"]);

/**
 * The kinds `--create-missing` creates when none are named: techniques, sub-techniques, tactics
 * and mitigations, and every other kind the vault already has notes of.
 */
function defaultKinds(index: VaultIndex, notable: ReadonlyArray<{ id: string; kind: NoteKind }>): NoteKind[] {
	const kinds = new Set<NoteKind>(CORE_KINDS);
	const kindOf = new Map(notable.map((o) => [o.id, o.kind]));
	for (const note of index.notes.values()) {
		const id = subjectId(note.recognized);
		// The kind of the note's object, whichever domain has it (Enterprise software notes ask Mobile's too).
		const kind = id === null ? undefined : (kindOf.get(id) ?? kindOfId(id) ?? undefined);
		if (kind !== undefined && isAttackPage(note, id as string)) kinds.add(kind);
	}
	return [...kinds];
}

/** Layouts whose notes are ATT&CK's own pages; links go to them first. */
const ATTACK_LAYOUTS = ["classic", "export"];

/**
 * A note that is ATT&CK's page about `id`: one in a layout sync knows, or a generator's note in
 * none (reuteras and scorchederf group notes) whose subject is `id` by its `url:` key or its name.
 */
function isAttackPage(note: Note | undefined, id: string): boolean {
	if (!note) return false;
	const r = note.recognized;
	if (ATTACK_LAYOUTS.includes(r.layout)) return true;
	return r.layout === "other" && subjectId(r) === id && r.idSources.some((s) => s.id === id && (s.from === "url" || s.from === "filename"));
}

/** The kind of the ATT&CK ID a link target names (`Execution (TA0002)`, `T1059.001`), if one. */
function idKindIn(target: string): NoteKind | null {
	const m = /\b(TA\d{4}|T\d{4}(?:\.\d{3})?|M\d{4})\b/.exec(target);
	return m === null ? null : kindOfId(m[1]);
}

/** A link path's or file's name as links match it: last segment, no `.md`, lower case. */
const baseNameOf = (path: string): string => path.slice(path.lastIndexOf("/") + 1).replace(/\.md$/i, "").toLowerCase();

export class SyncContext {
	readonly model: AttackModel;
	readonly index: VaultIndex;
	/** `18.1`, or null when the bundle does not say (mitre/cti 2.0 bundles). */
	readonly version: string | null;
	readonly style: LinkStyle;
	readonly places: Record<PlaceKind, Place>;
	/** Contexts for the earlier releases the notes may have been written from (see SyncOptions.previous). */
	previous: SyncContext[] = [];
	/** Each note's base release, when resolved (base.ts). */
	baseOf: ReadonlyMap<string, { release: string | null; why?: string }> | null = null;
	/** ID -> path of the note this run creates. */
	readonly created = new Map<string, string>();
	/** ID -> path a note the vault lacks would have (links to missing notes point there). */
	private readonly expected: Map<string, string>;
	private readonly resolver: LinkResolver;
	private readonly noteOf = new Map<string, string>();

	/** The parts of a note sync rewrites (all when absent). */
	readonly sections: ReadonlySet<ManagedSection>;

	constructor(model: AttackModel, index: VaultIndex, opts: ContextOptions) {
		this.model = model;
		this.index = index;
		this.version = opts.version;
		this.style = opts.linkStyle ?? index.style;
		this.sections = new Set(opts.sections ?? MANAGED_SECTIONS);
		this.places = learnPlaces(index, model, opts.folder);
		// Among several notes about an ID, the one a user would expect (see notesAbout): never a copy
		// that sorts first, nor a note listing many IDs in its aliases.
		for (const id of index.byId.keys()) {
			// An ID several domains have (a group in Enterprise and Mobile) is this domain's note.
			const best = notesAbout(index, id, (note) => isAttackPage(note, id) && [null, model.domain].includes(domainOfNote(note)))[0] ?? notesAbout(index, id, (note) => isAttackPage(note, id) && domainOfNote(note) === null)[0];
			if (best !== undefined) this.noteOf.set(id, best);
		}
		const all = notableObjects(model);
		const create = new Set<NoteKind>(opts.createMissing === true ? defaultKinds(index, all) : opts.createMissing || []);
		// Where notes the vault lacks would be: techniques, tactics and mitigations (links to them
		// go there), and the kinds this run creates. Other kinds' missing notes are no link target,
		// so they never lengthen the links to the notes the vault has.
		const notable = all.filter((o) => CORE_KINDS.has(o.kind) || create.has(o.kind));
		// The ATT&CK notes of these objects, whoever made them: new notes' names do not avoid them
		// (they are decided from the bundle alone; see missingPaths).
		const own = new Set<string>();
		for (const o of notable) for (const path of index.byId.get(o.id) ?? []) if (isAttackPage(index.notes.get(path), o.id)) own.add(path);
		this.expected = missingPaths(index.files, this.places, notable, new Set(this.noteOf.keys()), own, model);
		const kinds = new Map(notable.map((o) => [o.id, o.kind]));
		for (const [id, path] of this.expected) if (create.has(kinds.get(id) ?? "technique") && (opts.createOnly === undefined || opts.createOnly.has(id))) this.created.set(id, path);
		this.alsoCreated = opts.alsoCreated ?? [];
		this.resolver = new LinkResolver([...index.files, ...this.expected.values(), ...this.alsoCreated]);
	}

	/** Where the other domains of a multi-domain run create notes. */
	private readonly alsoCreated: readonly string[];

	private afterRun: { resolver: LinkResolver; names: ReadonlySet<string> } | undefined;

	/**
	 * `text` (a note at `from`, its body from `bodyStart`) with each link that lands on one note
	 * before this run and on several after it rewritten to the note it landed on, in the vault's
	 * style, as `links --fix` would: a note this run creates can share a name with one the vault
	 * has (a data component "File Deletion" created beside the technique's "File Deletion").
	 * Only links naming such a name are looked at; in most runs there is none.
	 */
	relink(text: string, from: string, bodyStart: number): string {
		const after = this.linksAfterRun();
		if (after.names.size === 0) return text;
		let out = "";
		let at = 0;
		for (const link of scanWikiLinks(text, hiddenRanges(text, scanCode(text, bodyStart)))) {
			if (link.start < bodyStart || !after.names.has(baseNameOf(link.target))) continue;
			const before = this.index.resolver.resolve(link.target, from);
			if (before.path === null || before.candidates.length !== 1 || after.resolver.resolve(link.target, from).candidates.length < 2) continue;
			// A link showing an ID its note is not about (`[[AppleJeus\|G1049]]`, the group, on the software's note) is not pointed there.
			const claimed = claimedId(text, link);
			if (claimed !== null && !(this.index.notes.get(before.path)?.recognized.ids.includes(claimed) ?? false)) continue;
			const path = this.linkpath(before.path, from);
			if (/[#|^[\]]/.test(path) || after.resolver.resolve(path, from).candidates.length !== 1) continue;
			// A link showing its target shows it still: `[[AppleJeus]]` -> `[[.../software/AppleJeus|AppleJeus]]`.
			if (link.alias === null && link.subpath !== null) continue;
			const lineStart = text.lastIndexOf("\n", link.start) + 1;
			const pipe = /^[ \t]*(?:>[ \t]*)*\|/.test(text.slice(lineStart, link.start)) ? "\\|" : "|";
			out += text.slice(at, link.targetStart) + path + (link.alias === null ? `${pipe}${link.target}` : "");
			at = link.targetEnd;
		}
		return at === 0 ? text : out + text.slice(at);
	}

	/** The vault's files once this run has created its notes, and the names new notes share with notes there. */
	private linksAfterRun(): { resolver: LinkResolver; names: ReadonlySet<string> } {
		if (this.afterRun) return this.afterRun;
		const fresh = [...this.created.values(), ...this.alsoCreated];
		const had = new Set(this.index.files.map(baseNameOf));
		const names = new Set(fresh.map(baseNameOf).filter((n) => had.has(n)));
		this.afterRun = { resolver: names.size === 0 ? this.resolver : new LinkResolver([...this.index.files, ...fresh]), names };
		return this.afterRun;
	}

	private readonly tableForms = new Map<string, { heading: string; header: string[] } | null>();

	/**
	 * How the vault's notes of `note`'s kind in its folder head and lay out a table of `rel`'s rows
	 * (a group's software: `### Software Used` and its header), read off the first such note whose
	 * table lists mostly objects of the rows' kind; null when none has one.
	 */
	tableFormFor(note: Note, rel: RelationTable, tablesOf: (n: Note) => ReadonlyArray<{ start: number; header: string[]; rows: ReadonlyArray<{ id: string | null }> }>): { heading: string; header: string[] } | null {
		const subject = subjectId(note.recognized);
		const rowKind = rel.list[0] === undefined ? null : kindOfObject(rel.list[0].object);
		if (subject === null || rowKind === null) return null;
		const family = (k: NoteKind | null) => (k === "subtechnique" ? "technique" : k);
		const folder = note.path.slice(0, note.path.lastIndexOf("/") + 1);
		const key = `${folder}\u0000${family(kindOfId(subject))}\u0000${family(rowKind)}`;
		if (this.tableForms.has(key)) return this.tableForms.get(key) ?? null;
		let form: { heading: string; header: string[] } | null = null;
		let looked = 0;
		for (const [path, other] of this.index.notes) {
			if (form !== null || looked >= 200) break;
			if (path === note.path || !path.startsWith(folder) || path.indexOf("/", folder.length) >= 0 || other.outline === null) continue;
			const id = subjectId(other.recognized);
			if (id === null || family(kindOfId(id)) !== family(kindOfId(subject))) continue;
			looked++;
			for (const table of tablesOf(other)) {
				const ids = table.rows.map((r) => r.id).filter((x): x is string => x !== null);
				if (ids.length === 0 || ids.filter((x) => family(kindOfId(x)) === family(rowKind)).length * 2 <= ids.length) continue;
				const section = other.outline.sections.filter((x) => x.headingStart < table.start).pop();
				if (section === undefined) break;
				const line = (at: number) => {
					const nl = other.text.indexOf("\n", at);
					return other.text.slice(at, nl < 0 ? other.text.length : nl).replace(/\r$/, "");
				};
				const header = line(table.start);
				form = { heading: line(section.headingStart), header: [header, line(table.start + header.length + (other.text[table.start + header.length] === "\r" ? 2 : 1))] };
				break;
			}
		}
		this.tableForms.set(key, form);
		return form;
	}

	/** The ATT&CK note for an ID that exists after this run (the vault's, or one this run creates). */
	noteFor(id: string): string | null {
		return this.noteOf.get(id) ?? this.created.get(id) ?? null;
	}

	/**
	 * Where links to an ID's note point: its note, or where the note would be when the vault
	 * already links notes of its kind that are not there (issue 4: a link to a missing note is
	 * written as the vault's other links to missing notes are). A vault that links only notes it
	 * has gets none: the caller writes the name or ID plainly, and a later sync links it once the
	 * note is there.
	 */
	targetFor(id: string): string | null {
		const note = this.noteFor(id);
		if (note !== null) return note;
		const expected = this.expected.get(id);
		if (expected === undefined) return null;
		const kind = kindOfId(id);
		return kind !== null && this.linkedMissing().has(kind) ? expected : null;
	}

	private missingKinds: ReadonlySet<NoteKind> | undefined;

	/**
	 * The kinds whose missing notes the vault links already: a link, outside code, that lands on no
	 * file and is about a note of the kind that would be there. What it is about: the ATT&CK ID it
	 * shows or names (`[[Execution (TA0002)]]`, `[[path\|M1032]]`), else the missing note its
	 * path names, else the one its bare name names when only notes of one kind would have it (a
	 * mitigation and a sub-technique may both be "Multi-factor Authentication"). Looked for once,
	 * and only when a link to a missing note is to be written.
	 */
	private linkedMissing(): ReadonlySet<NoteKind> {
		if (this.missingKinds) return this.missingKinds;
		const found = new Set<NoteKind>();
		this.missingKinds = found;
		const byPath = new Map<string, NoteKind>();
		const byName = new Map<string, NoteKind | null>();
		for (const [id, path] of this.expected) {
			const kind = kindOfId(id);
			if (kind === null || this.created.has(id)) continue;
			byPath.set(path.replace(/\.md$/i, "").toLowerCase(), kind);
			const name = baseNameOf(path);
			byName.set(name, byName.has(name) && byName.get(name) !== kind ? null : kind);
		}
		if (byPath.size === 0) return found;
		// A path names the note whose path it is, or ends (`mitigations/Code Signing`).
		const pathKind = (target: string): NoteKind | null => {
			const exact = byPath.get(target);
			if (exact !== undefined) return exact;
			for (const [path, kind] of byPath) if (path.endsWith(`/${target}`)) return kind;
			return null;
		};
		const files = new Set(this.index.files.map(baseNameOf));
		for (const [from, note] of this.index.notes) {
			if (note.outline === null) continue;
			const text = note.text;
			const bodyStart = note.frontmatter?.bodyStart ?? 0;
			if (text.indexOf("[[", bodyStart) < 0) continue;
			for (const link of scanWikiLinks(text, hiddenRanges(text, scanCode(text, bodyStart)))) {
				if (link.start < bodyStart || link.target === "") continue;
				const name = baseNameOf(link.target);
				if (files.has(name)) continue;
				const target = link.target.replace(/\.md$/i, "").toLowerCase();
				const kind = idKindIn(link.alias ?? "") ?? idKindIn(link.target) ?? (target.includes("/") ? pathKind(target) : (byName.get(name) ?? null));
				if (kind === null || found.has(kind) || this.index.resolver.resolve(link.target, from).path !== null) continue;
				found.add(kind);
			}
		}
		return found;
	}

	/** The link path (no brackets) from `from` to `target`, in the vault's style. */
	linkpath(target: string, from: string): string {
		// Only a relative link depends on where it is written; the others are worked out once.
		if (this.style === "relative") return this.resolver.linkpathFor(target, from, this.style);
		let path = this.linkpaths.get(target);
		if (path === undefined) this.linkpaths.set(target, (path = this.resolver.linkpathFor(target, from, this.style)));
		return path;
	}

	private readonly linkpaths = new Map<string, string>();

	/**
	 * `[[path|shown]]` (pipe escaped in tables) to an ID's note; null when there is no place for it.
	 * When the note `from` already links to a note claiming the ID, the link goes there again: sync
	 * never moves a link that lands on a note about what it shows.
	 */
	wikiLink(id: string, from: string, shown: string | null, opts: { inTable?: boolean; existingOnly?: boolean } = {}): string | null {
		const usual = opts.existingOnly ? this.noteFor(id) : this.targetFor(id);
		// The links already in `from` can only land on notes claiming the ID: when the only such
		// note is the usual target (an ID with one note, the common case), they cannot change it.
		const claimants = this.index.byId.get(id);
		const kept = claimants === undefined || claimants.every((p) => p === usual) ? undefined : this.keptTargets(from).get(id);
		const target = kept === undefined || (usual !== null && kept.includes(usual)) ? usual : kept[0];
		if (target === null) return null;
		const path = this.linkpath(target, from);
		if (/[#|^[\]]/.test(path)) return null;
		if (shown === null || shown === path) return `[[${path}]]`;
		return `[[${path}${opts.inTable ? "\\|" : "|"}${shown}]]`;
	}

	/** The note the first wiki-link in `text` lands on, written in `from`; null without one, or when it names several. */
	landsOn(text: string, from: string): string | null {
		const m = /\[\[([^\]|#^\\]*)/.exec(text);
		if (!m) return null;
		const found = this.resolver.resolve(m[1], from);
		return found.candidates.length === 1 ? found.path : null;
	}

	private readonly kept = new Map<string, Map<string, string[]>>();

	/**
	 * ID -> the notes the links in `from` already land on for it, found once per note: a link that
	 * shows an ID (`[[path\|M1031]]`, `[[path]] (TA0002)`) and lands on a note claiming it, or a link
	 * showing no ID that lands on a note about one ID (its subject). Links in code are not links.
	 */
	private keptTargets(from: string): Map<string, string[]> {
		let found = this.kept.get(from);
		if (found) return found;
		found = new Map<string, string[]>();
		this.kept.set(from, found);
		const note = this.index.notes.get(from);
		if (!note || note.outline === null) return found;
		const text = note.text;
		const bodyStart = note.frontmatter?.bodyStart ?? 0;
		for (const link of scanWikiLinks(text, hiddenRanges(text, scanCode(text, bodyStart)))) {
			if (link.start < bodyStart || link.target === "") continue;
			const resolution = this.index.resolver.resolve(link.target, from);
			if (resolution.path === null || resolution.candidates.length > 1) continue;
			const target = this.index.notes.get(resolution.path);
			if (!target) continue;
			const shown = claimedId(text, link);
			const id = shown ?? subjectId(target.recognized);
			if (id === null || !target.recognized.ids.includes(id)) continue;
			const paths = found.get(id);
			if (!paths) found.set(id, [resolution.path]);
			else if (!paths.includes(resolution.path)) paths.push(resolution.path);
		}
		return found;
	}

	/** How the version is named in visible text. */
	get versionLabel(): string {
		return this.version === null ? "ATT&CK" : `ATT&CK ${this.version}`;
	}
}
