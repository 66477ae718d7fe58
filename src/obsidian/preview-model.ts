/**
 * What the sync preview shows, worked out without the DOM (so unit tests read it): each note's
 * kind (technique, tactic, mitigation) and what changes in it (new facts, changed text, revoked),
 * the counts for the summary, names and folders for the rows, and word-level diffs of changed lines.
 */
import { diffLines, type PreviewLine, type PreviewNote, type SyncPreview } from "../core/sync/preview";

export type NoteKind = "technique" | "tactic" | "mitigation" | "other";
/** new: a note sync creates; facts: lines added only; text: lines changed or removed; revoked: ATT&CK revoked or deprecated it. */
export type ChangeKind = "new" | "facts" | "text" | "revoked";

export const KIND_LABELS: Readonly<Record<NoteKind, [string, string]>> = {
	technique: ["technique", "techniques"],
	tactic: ["tactic", "tactics"],
	mitigation: ["mitigation", "mitigations"],
	other: ["other note", "other notes"],
};

export const CHANGE_LABELS: Readonly<Record<ChangeKind, string>> = {
	new: "new note",
	facts: "new facts",
	text: "changed text",
	revoked: "revoked or deprecated",
};

export function kindOf(id: string | null): NoteKind {
	if (id === null) return "other";
	if (/^TA\d/.test(id)) return "tactic";
	if (/^T\d/.test(id)) return "technique";
	if (/^M\d/.test(id)) return "mitigation";
	return "other";
}

/** What changes in a note: a note can have new facts and changed text both. */
export function changesOf(note: PreviewNote): ChangeKind[] {
	const out = new Set<ChangeKind>();
	if (note.action === "created") out.add("new");
	let added = 0;
	let removed = 0;
	for (const hunk of note.hunks) {
		for (const line of hunk.lines) {
			if (line.kind === "same") continue;
			if (line.kind === "added" && /^attack_status:\s*["']?(revoked|deprecated)/.test(line.text)) out.add("revoked");
			// The keys sync keeps in the frontmatter (the release, the date) are its bookkeeping, not news.
			if (BOOKKEEPING.test(line.text)) continue;
			if (line.kind === "added") added++;
			else removed++;
		}
	}
	if (note.action !== "created") {
		if (removed > 0) out.add("text");
		// A changed line is a removal and an addition: "changed text", and "new facts" only when the note gains lines.
		if (added > removed) out.add("facts");
	}
	return [...out];
}

const BOOKKEEPING = /^attack_(version|modified|name|status|revoked_by):/;

export interface PreviewSummary {
	toUpdate: number;
	toCreate: number;
	unchanged: number;
	skipped: number;
	byKind: Array<[NoteKind, number]>;
	byChange: Array<[ChangeKind, number]>;
}

export function summarize(p: SyncPreview, unchanged: number): PreviewSummary {
	const kinds = new Map<NoteKind, number>();
	const changes = new Map<ChangeKind, number>();
	for (const n of p.notes) {
		const k = kindOf(n.id);
		kinds.set(k, (kinds.get(k) ?? 0) + 1);
		for (const c of changesOf(n)) changes.set(c, (changes.get(c) ?? 0) + 1);
	}
	const order = <K extends string>(keys: readonly K[], m: Map<K, number>) => keys.filter((k) => (m.get(k) ?? 0) > 0).map((k): [K, number] => [k, m.get(k) ?? 0]);
	return {
		toUpdate: p.notes.filter((n) => n.action === "updated").length,
		toCreate: p.notes.filter((n) => n.action === "created").length,
		unchanged,
		skipped: p.skipped.length,
		byKind: order(["technique", "tactic", "mitigation", "other"], kinds),
		byChange: order(["new", "facts", "text", "revoked"], changes),
	};
}

/** `3 techniques`, `1 tactic` */
export function count(n: number, [one, many]: readonly [string, string]): string {
	return `${n} ${n === 1 ? one : many}`;
}

/** A vault path as a row names it: the note's name, and its folder (shown muted). */
export function nameAndFolder(path: string): { name: string; folder: string } {
	const slash = path.lastIndexOf("/");
	const file = path.slice(slash + 1);
	return { name: file.replace(/\.md$/i, ""), folder: slash < 0 ? "" : path.slice(0, slash) };
}

/** The folder every path is in (`""` when they share none): rows show their folder below it. */
export function commonFolder(paths: readonly string[]): string {
	if (paths.length === 0) return "";
	let parts = paths[0].split("/").slice(0, -1);
	for (const p of paths.slice(1)) {
		const other = p.split("/").slice(0, -1);
		let k = 0;
		while (k < parts.length && k < other.length && parts[k] === other[k]) k++;
		parts = parts.slice(0, k);
	}
	return parts.join("/");
}

/** Text that names vault paths, with each known path replaced by its note's name. */
export function withNoteNames(text: string, paths: readonly string[]): string {
	let out = text;
	for (const p of [...paths].sort((a, b) => b.length - a.length)) if (p.includes("/")) out = out.split(p).join(nameAndFolder(p).name);
	return out;
}

/** A piece of a line in a word diff: kept, or only in the old or only in the new text. */
export interface WordPart {
	kind: "same" | "removed" | "added";
	text: string;
}

/** A block of the diff as the preview shows it: lines kept around a change, or one change. */
export type DiffBlock = { kind: "context"; text: string } | { kind: "added" | "removed"; text: string } | { kind: "changed"; parts: WordPart[] };

/** Words and the spaces between them, each a token. */
function tokens(line: string): string[] {
	return line.match(/\s+|[\p{L}\p{N}_'’-]+|[^\s\p{L}\p{N}_'’-]/gu) ?? [];
}

/** One changed line: old and new merged, the words that differ marked. */
export function wordDiff(before: string, after: string): WordPart[] {
	const parts: WordPart[] = [];
	for (const op of diffLines(tokens(before), tokens(after))) {
		const last = parts[parts.length - 1];
		if (last && last.kind === op.kind) last.text += op.text;
		else parts.push({ kind: op.kind, text: op.text });
	}
	return parts;
}

/**
 * A hunk's lines as blocks: a run of removed lines followed by added ones is paired line by line
 * into word diffs when the two lines share words; the rest stay whole lines.
 */
export function blocksOf(lines: readonly PreviewLine[]): DiffBlock[] {
	const out: DiffBlock[] = [];
	let i = 0;
	while (i < lines.length) {
		if (lines[i].kind === "same") {
			out.push({ kind: "context", text: lines[i++].text });
			continue;
		}
		const removed: string[] = [];
		const added: string[] = [];
		while (i < lines.length && lines[i].kind === "removed") removed.push(lines[i++].text);
		while (i < lines.length && lines[i].kind === "added") added.push(lines[i++].text);
		const pairs = Math.min(removed.length, added.length);
		for (let k = 0; k < pairs; k++) {
			const parts = wordDiff(removed[k], added[k]);
			const kept = parts.filter((p) => p.kind === "same" && p.text.trim() !== "").reduce((n, p) => n + p.text.length, 0);
			// Lines with little in common read better whole, one after the other.
			if (kept * 3 >= Math.min(removed[k].length, added[k].length)) out.push({ kind: "changed", parts });
			else out.push({ kind: "removed", text: removed[k] }, { kind: "added", text: added[k] });
		}
		for (const text of removed.slice(pairs)) out.push({ kind: "removed", text });
		for (const text of added.slice(pairs)) out.push({ kind: "added", text });
	}
	return out;
}
