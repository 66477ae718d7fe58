/**
 * The vault as the plugin sees it: every note it could read, which ATT&CK IDs each is about,
 * which notes claim each ID, the files it skipped and why, how Obsidian resolves links here and
 * the vault's link style. Built once per command; nothing is parsed at plugin start-up.
 */
import type { AttackModel } from "./attack/model";
import { LinkResolver, parseLinkStyle, type LinkStyle } from "./links/resolve";
import { recognizeByName } from "./notes/named";
import { isReadable, readNote, type Note, type Skipped } from "./notes/read";
import { isAbout, subjectId } from "./notes/recognize";
import type { Vault } from "./vault";
import { messageOf } from "./errors";

export interface VaultIndex {
	files: string[];
	notes: Map<string, Note>;
	skipped: Skipped[];
	/** Paths of the skipped files, for lookups. */
	unreadable: Set<string>;
	/** ATT&CK ID -> the notes about it, in path order. Several notes may claim one ID. */
	byId: Map<string, string[]>;
	resolver: LinkResolver;
	style: LinkStyle;
}

/**
 * A release a command has loaded: notes known only by the name of their subject (notes/named.ts:
 * reuteras' 17.1 data components) are recognized against it; `earlier`, releases the notes may
 * have been written from, helps match names it changed.
 */
export interface KnownRelease {
	model: AttackModel;
	earlier?: readonly AttackModel[];
}

/**
 * The vault's index. With `releases` (the ones the command loaded, one per domain), notes known
 * only by name are recognized too, as every command with a model sees them; without, they are not
 * ATT&CK notes.
 */
export async function buildVaultIndex(vault: Vault, releases: readonly KnownRelease[] = []): Promise<VaultIndex> {
	const files = await vault.listFiles();
	const notes = new Map<string, Note>();
	const skipped: Skipped[] = [];
	const byId = new Map<string, string[]>();
	for (const path of files) {
		if (!isReadable(path)) continue;
		let bytes: Uint8Array;
		try {
			bytes = await vault.readBinary(path);
		} catch (err) {
			skipped.push({ path, reason: `cannot be read: ${messageOf(err)}` });
			continue;
		}
		let result: ReturnType<typeof readNote>;
		try {
			result = readNote(path, bytes);
		} catch (err) {
			// A note that runs a reader out of stack or memory is skipped; the vault goes on.
			skipped.push({ path, reason: `could not be read safely: ${messageOf(err)}` });
			continue;
		}
		if (!result.ok) {
			skipped.push(result.skipped);
			continue;
		}
		notes.set(path, result.note);
		for (const id of result.note.recognized.ids) {
			const list = byId.get(id);
			if (list) list.push(path);
			else byId.set(id, [path]);
		}
	}
	let appJson: string | null = null;
	try {
		appJson = await vault.readConfig("app.json");
	} catch {
		// An unreadable app.json: Obsidian's defaults apply, as they do in Obsidian.
	}
	const unreadable = new Set(skipped.map((s) => s.path));
	const index: VaultIndex = { files, notes, skipped, unreadable, byId, resolver: new LinkResolver(files), style: parseLinkStyle(appJson) };
	for (const r of releases) recognizeByName(index, r.model, r.earlier ?? []);
	return index;
}

const baseName = (path: string) => path.slice(path.lastIndexOf("/") + 1).replace(/\.md$/i, "");

/**
 * Whether `path` is a copy of another of `paths`: `Phishing 1.md` beside `Phishing.md`, as
 * Obsidian's "Make a copy" names it.
 */
export function isCopy(path: string, paths: readonly string[]): boolean {
	const m = / \d+$/.exec(baseName(path));
	if (!m) return false;
	const original = baseName(path).slice(0, m.index).toLowerCase();
	return paths.some((p) => p !== path && baseName(p).toLowerCase() === original);
}

/**
 * The notes about `id` that a new link to it may point at, the one a user would expect first: a
 * note whose subject is `id` (not one that lists it among many IDs, which is left out), then one
 * that is not a copy (`Phishing 1.md`), then the shortest path, then path order. `eligible` narrows
 * the notes (sync links only to ATT&CK layouts).
 */
export function notesAbout(index: VaultIndex, id: string, eligible: (note: Note) => boolean = () => true): string[] {
	const paths = index.byId.get(id) ?? [];
	const rows = paths.flatMap((path) => {
		const note = index.notes.get(path);
		if (!note || !eligible(note) || !isAbout(note.recognized, id)) return [];
		return [{ path, subject: subjectId(note.recognized) === id ? 0 : 1, copy: isCopy(path, paths) ? 1 : 0 }];
	});
	rows.sort((a, b) => a.subject - b.subject || a.copy - b.copy || a.path.length - b.path.length || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
	return rows.map((r) => r.path);
}

/** IDs claimed by more than one note: reported, never silently resolved. */
export function sharedIds(index: VaultIndex): Array<{ id: string; notes: string[] }> {
	return [...index.byId].filter(([, notes]) => notes.length > 1).map(([id, notes]) => ({ id, notes }));
}
