/**
 * Where the vault keeps its ATT&CK notes, learned from the notes it has: for techniques, tactics
 * and mitigations, the folder most of them are in, the layout most of them use, and whether
 * their file names carry the ID (`Malicious Link (T1204.001).md`). A kind the vault has no
 * notes of goes beside the kinds it has (`.../techniques` -> `.../tactics`); an empty vault gets
 * the plugin's own layout under `MITRE ATT&CK/<Domain>/`.
 */
import { attackIdOf, isActive, type AttackModel } from "../attack/model";
import type { StixObject } from "../attack/stix";
import type { VaultIndex } from "../vault-index";
import { distinctNames, safeFileName } from "./filenames";

export type NoteKind = "technique" | "tactic" | "mitigation";
export type NoteLayout = "classic" | "export";

export interface Place {
	folder: string;
	layout: NoteLayout;
	/** File names end in ` (ID)`, as the export layout's do. */
	nameWithId: boolean;
}

const KIND_OF_STIX: Readonly<Record<string, NoteKind>> = {
	"attack-pattern": "technique",
	"x-mitre-tactic": "tactic",
	"course-of-action": "mitigation",
};

const PLURAL: Readonly<Record<NoteKind, string>> = { technique: "techniques", tactic: "tactics", mitigation: "mitigations" };

const DOMAIN_FOLDER: Readonly<Record<string, string>> = {
	"enterprise-attack": "Enterprise-Attack",
	"mobile-attack": "Mobile-Attack",
	"ics-attack": "ICS-Attack",
};

/** The folder of a domain's notes: from the fixed list, else the domain made one safe folder name (never `..` or a path). */
function domainFolder(domain: string): string {
	return Object.prototype.hasOwnProperty.call(DOMAIN_FOLDER, domain) ? DOMAIN_FOLDER[domain] : safeFileName(domain.replace(/\.\./g, ""), "Other");
}

export function noteKindOf(o: StixObject): NoteKind | null {
	return KIND_OF_STIX[o.type] ?? null;
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

export function learnPlaces(index: VaultIndex, model: AttackModel, folder?: string): Record<NoteKind, Place> {
	const seen: Record<NoteKind, Array<{ folder: string; layout: NoteLayout; nameWithId: boolean }>> = { technique: [], tactic: [], mitigation: [] };
	for (const note of index.notes.values()) {
		const layout = note.recognized.layout;
		if (layout !== "classic" && layout !== "export") continue;
		const id = note.recognized.ids[0];
		const o = id === undefined ? undefined : model.get(id);
		const kind = o && noteKindOf(o);
		if (!kind || id === undefined) continue;
		seen[kind].push({ folder: parentOf(note.path), layout, nameWithId: baseName(note.path).endsWith(`(${id})`) });
	}
	const learned: Partial<Record<NoteKind, Place>> = {};
	for (const kind of ["technique", "tactic", "mitigation"] as const) {
		const list = seen[kind];
		if (list.length === 0) continue;
		const folder = mostCommon(list.map((s) => s.folder)) ?? "";
		learned[kind] = {
			folder,
			layout: mostCommon(list.map((s) => s.layout)) ?? "classic",
			nameWithId: list.filter((s) => s.nameWithId).length * 2 > list.length,
		};
	}
	if (folder !== undefined && folder.trim() !== "") {
		// The user's choice of folder; the layout and names still follow the notes the vault has.
		const root = folder.trim().replace(/^\/+|\/+$/g, "");
		const like = learned.technique ?? learned.tactic ?? learned.mitigation;
		const place = (kind: NoteKind): Place => ({ folder: `${root}/${PLURAL[kind]}`, layout: like?.layout ?? "classic", nameWithId: like?.nameWithId ?? false });
		return { technique: place("technique"), tactic: place("tactic"), mitigation: place("mitigation") };
	}
	const any = learned.technique ?? learned.tactic ?? learned.mitigation;
	const anyKind = (["technique", "tactic", "mitigation"] as const).find((k) => learned[k]);
	const result = {} as Record<NoteKind, Place>;
	for (const kind of ["technique", "tactic", "mitigation"] as const) {
		const own = learned[kind];
		if (own) result[kind] = own;
		else if (any && anyKind) {
			// Beside the notes the vault has: `.../techniques` -> `.../tactics`, else the same folder.
			const folder = any.folder;
			const last = folder.slice(folder.lastIndexOf("/") + 1);
			const sibling = last.toLowerCase() === PLURAL[anyKind] ? `${parentOf(folder)}${parentOf(folder) ? "/" : ""}${PLURAL[kind]}` : folder;
			result[kind] = { ...any, folder: sibling };
		} else {
			result[kind] = { folder: `MITRE ATT&CK/${domainFolder(model.domain)}/${PLURAL[kind]}`, layout: "classic", nameWithId: false };
		}
	}
	return result;
}

/** Active techniques (sub-techniques included), tactics and mitigations: the notes a vault can have. */
export function notableObjects(model: AttackModel): Array<{ id: string; object: StixObject; kind: NoteKind }> {
	const out: Array<{ id: string; object: StixObject; kind: NoteKind }> = [];
	for (const kind of ["tactic", "technique", "mitigation"] as const) {
		for (const o of model.all(kind)) {
			const id = attackIdOf(o);
			if (id === null || !isActive(o)) continue;
			out.push({ id, object: o, kind });
		}
	}
	return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * Paths for the notes the vault lacks, one per object, distinct and safe, in the learned
 * folders; names already taken in a folder (case-insensitively) are avoided.
 */
export function missingPaths(
	files: readonly string[],
	places: Record<NoteKind, Place>,
	missing: ReadonlyArray<{ id: string; object: StixObject; kind: NoteKind }>,
): Map<string, string> {
	const taken = new Map<string, Set<string>>();
	for (const f of files) {
		const folder = parentOf(f);
		let set = taken.get(folder);
		if (!set) taken.set(folder, (set = new Set()));
		set.add(baseName(f).toLowerCase());
	}
	const byFolder = new Map<string, Array<{ id: string; name: string }>>();
	for (const m of missing) {
		const place = places[m.kind];
		const name = safeFileName(m.object.name ?? m.id, m.id);
		const list = byFolder.get(place.folder) ?? [];
		list.push({ id: m.id, name: place.nameWithId ? `${name} (${m.id})` : name });
		byFolder.set(place.folder, list);
	}
	const paths = new Map<string, string>();
	for (const [folder, items] of byFolder) {
		for (const [id, name] of distinctNames(items, taken.get(folder) ?? new Set())) {
			paths.set(id, folder === "" ? `${name}.md` : `${folder}/${name}.md`);
		}
	}
	return paths;
}
