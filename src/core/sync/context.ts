/**
 * What every note's sync needs to know about the run: the ATT&CK model, the vault, where each
 * ATT&CK ID's note is (or will be, for notes this run creates, or would be, for notes the vault
 * lacks), and how the vault writes links.
 */
import type { AttackModel } from "../attack/model";
import { LinkResolver, type LinkStyle } from "../links/resolve";
import type { VaultIndex } from "../vault-index";
import { learnPlaces, missingPaths, notableObjects, type NoteKind, type Place } from "./places";

/** The parts of a note the user can leave to themselves (settings: "which sections sync manages"). */
export const MANAGED_SECTIONS = ["description", "tactics", "platforms", "permissions", "mitigations", "sub-techniques", "groups", "detection"] as const;
export type ManagedSection = (typeof MANAGED_SECTIONS)[number];

export interface ContextOptions {
	version: string | null;
	/** true: create every missing note; a list: only notes of these kinds. */
	createMissing: boolean | readonly NoteKind[];
	/** Overrides the vault's own `newLinkFormat`. */
	linkStyle?: LinkStyle;
	/** Where new notes go (`<folder>/techniques`...) instead of the folders learned from the vault. */
	folder?: string;
	sections?: readonly ManagedSection[];
}

/** Layouts whose notes are ATT&CK's own pages; links go to them first. */
const ATTACK_LAYOUTS = ["classic", "export"];

const isAttackNote = (index: VaultIndex, path: string): boolean => ATTACK_LAYOUTS.includes(index.notes.get(path)?.recognized.layout ?? "");

export class SyncContext {
	readonly model: AttackModel;
	readonly index: VaultIndex;
	/** `18.1`, or null when the bundle does not say (mitre/cti 2.0 bundles). */
	readonly version: string | null;
	readonly style: LinkStyle;
	readonly places: Record<NoteKind, Place>;
	/** Contexts for the earlier releases the notes may have been written from (see SyncOptions.previous). */
	previous: SyncContext[] = [];
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
		for (const [id, paths] of index.byId) {
			const rank = (p: string) => (isAttackNote(index, p) ? 0 : 1);
			const best = [...paths].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : 1))[0];
			if (best !== undefined && rank(best) === 0) this.noteOf.set(id, best);
		}
		const notable = notableObjects(model);
		// The ATT&CK notes of these objects, whoever made them: new notes' names do not avoid them
		// (they are decided from the bundle alone; see missingPaths).
		const own = new Set<string>();
		for (const o of notable) for (const path of index.byId.get(o.id) ?? []) if (isAttackNote(index, path)) own.add(path);
		this.expected = missingPaths(index.files, this.places, notable, new Set(this.noteOf.keys()), own);
		const kinds = new Map(notable.map((o) => [o.id, o.kind]));
		const create = opts.createMissing === true ? new Set<NoteKind>(["technique", "tactic", "mitigation"]) : new Set(opts.createMissing || []);
		for (const [id, path] of this.expected) if (create.has(kinds.get(id) ?? "technique")) this.created.set(id, path);
		this.resolver = new LinkResolver([...index.files, ...this.expected.values()]);
	}

	/** The ATT&CK note for an ID that exists after this run (the vault's, or one this run creates). */
	noteFor(id: string): string | null {
		return this.noteOf.get(id) ?? this.created.get(id) ?? null;
	}

	/** Where links to an ID's note point: its note, or where the note would be. */
	targetFor(id: string): string | null {
		return this.noteFor(id) ?? this.expected.get(id) ?? null;
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

	/** `[[path|shown]]` (pipe escaped in tables) to an ID's note; null when there is no place for it. */
	wikiLink(id: string, from: string, shown: string | null, opts: { inTable?: boolean; existingOnly?: boolean } = {}): string | null {
		const target = opts.existingOnly ? this.noteFor(id) : this.targetFor(id);
		if (target === null) return null;
		const path = this.linkpath(target, from);
		if (/[#|^[\]]/.test(path)) return null;
		if (shown === null || shown === path) return `[[${path}]]`;
		return `[[${path}${opts.inTable ? "\\|" : "|"}${shown}]]`;
	}

	/** How the version is named in visible text. */
	get versionLabel(): string {
		return this.version === null ? "ATT&CK" : `ATT&CK ${this.version}`;
	}
}
