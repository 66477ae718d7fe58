/**
 * Judging the wiki-links that claim an ATT&CK ID, and the fix for the wrong ones.
 *
 * A link claims an ID by its shown text (`[[path\|M1031]]`, `[[path|Phishing (T1566)]]`) or by
 * an ID in brackets right after it (`[[path]] (TA0002)`). It is `ok` when it lands on a note
 * about that ID, `broken` when it lands nowhere, `mismatch` when it lands on a note about
 * something else, `ambiguous` when its path names several files. A link that lands on a file
 * whose ID is unknown (a note the plugin could not read, the user's own note, an image) is
 * `unverified`: it is reported and never moved.
 */
import { normalizeId, subjectId } from "../notes/recognize";
import type { Note } from "../notes/read";
import { isCopy, notesAbout, type VaultIndex } from "../vault-index";
import { scanWikiLinks, type WikiLink } from "./wikilink";

export type LinkStatus = "ok" | "broken" | "mismatch" | "ambiguous" | "unverified";

export interface JudgedLink {
	source: string;
	/** 1-based line of the link in the source note. */
	line: number;
	raw: string;
	expectedId: string | null;
	resolved: string | null;
	resolvedId: string | null;
	status: LinkStatus;
	/** Every file the link path names, when more than one. */
	candidates?: string[];
	/** The link as it should be written, when the plugin can repair it. */
	fix?: string;
	/** Why a wrong link cannot be repaired. */
	problem?: string;
	/** What kind of problem, so a report can say what would fix it. */
	problemKind?: ProblemKind;
	/** Where the link sits in the source text, for splicing the fix. */
	link: WikiLink;
}

/**
 * Why a link was left: no note is about its ID (`missing`; `notAlone`: only notes listing it among
 * many), several are (`several`), the note's name cannot be linked (`unlinkable`), the file it
 * lands on could not be read (`unreadable`) or is the user's own note (`notAttack`).
 */
export type ProblemKind = "missing" | "notAlone" | "several" | "unlinkable" | "unreadable" | "notAttack";

const AFTER = /^[ \t]*[([]([A-Za-z]{1,3}\d{4}(?:\.\d{3})?)[)\]]/;
const SHOWN_SUFFIX = /\(([A-Za-z]{1,3}\d{4}(?:\.\d{3})?)\)\s*$/;

/** The ATT&CK ID a link claims, or null. */
export function claimedId(text: string, link: WikiLink): string | null {
	if (link.alias !== null) {
		const shown = normalizeId(link.alias) ?? normalizeId(SHOWN_SUFFIX.exec(link.alias)?.[1] ?? "");
		if (shown) return shown;
	}
	const after = AFTER.exec(text.slice(link.end, link.end + 24));
	return after ? normalizeId(after[1]) : null;
}

/** 1-based line numbers by offset; the line starts are found once per note. */
function lineFinder(text: string): (offset: number) => number {
	const starts = [0];
	for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
	return (offset) => {
		let lo = 0;
		let hi = starts.length - 1;
		while (lo < hi) {
			const mid = (lo + hi + 1) >> 1;
			if (starts[mid] <= offset) lo = mid;
			else hi = mid - 1;
		}
		return lo + 1;
	};
}

/**
 * Where Obsidian sees no links: code (from the parse), `%% comments %%` and `<!-- HTML
 * comments -->` outside code.
 */
export function hiddenRanges(text: string, codeRanges: ReadonlyArray<readonly [number, number]>): Array<[number, number]> {
	const ranges: Array<[number, number]> = codeRanges.map(([a, b]) => [a, b]);
	const code = [...ranges].sort((x, y) => x[0] - y[0]);
	for (const [open, close] of [["%%", "%%"], ["<!--", "-->"]]) {
		// The comment openings come in order, so one walk through the code ranges serves them all.
		let next = 0;
		const inCode = (at: number) => {
			while (next < code.length && code[next][1] <= at) next++;
			return next < code.length && code[next][0] <= at;
		};
		for (let at = text.indexOf(open); at !== -1; ) {
			if (inCode(at)) {
				at = text.indexOf(open, at + open.length);
				continue;
			}
			const end = text.indexOf(close, at + open.length);
			const stop = end === -1 ? text.length : end + close.length;
			ranges.push([at, stop]);
			at = text.indexOf(open, stop);
		}
	}
	return ranges;
}

/** Characters a file name may hold but a wiki-link path cannot carry. */
const UNLINKABLE = /[#|^[\]]/;

const GENERATED_LAYOUTS = new Set(["classic", "export"]);
const baseName = (path: string) => path.slice(path.lastIndexOf("/") + 1).replace(/\.md$/i, "").toLowerCase();

/**
 * The note a link claiming `id` should land on: among the notes about `id` (not one that only
 * lists it among many IDs in its aliases), ATT&CK notes (classic or export layout) before notes
 * that only discuss the technique (controls), then one whose subject is `id`, then the one whose
 * name matches the link's own, then one that is not a copy (`Phishing 1.md` beside `Phishing.md`);
 * a tie is reported, not guessed.
 */
export function fixTarget(index: VaultIndex, id: string, link: WikiLink): { path: string } | { problem: string; kind: ProblemKind } {
	const claimants = index.byId.get(id) ?? [];
	if (claimants.length === 0) return { problem: `no note in the vault is about ${id}`, kind: "missing" };
	const notes = notesAbout(index, id);
	if (notes.length === 0) return { problem: `no note in the vault is about ${id} alone (${claimants.join(", ")} list${claimants.length === 1 ? "s" : ""} it among many IDs)`, kind: "notAlone" };
	const want = baseName(link.target);
	const score = (path: string) => {
		const note = index.notes.get(path);
		if (!note) return 0;
		return (GENERATED_LAYOUTS.has(note.recognized.layout) ? 8 : 0) + (subjectId(note.recognized) === id ? 4 : 0) + (baseName(path) === want ? 2 : 0) + (isCopy(path, claimants) ? 0 : 1);
	};
	let best = 0;
	for (const p of notes) best = Math.max(best, score(p));
	const top = notes.filter((p) => score(p) === best);
	if (top.length > 1) return { problem: `several notes are about ${id}: ${top.join(", ")}`, kind: "several" };
	return { path: top[0] };
}

/** Every wiki-link of a note that claims an ID or lands on an ATT&CK note, judged. */
export function judgeNote(index: VaultIndex, note: Note): JudgedLink[] {
	const text = note.text;
	const judged: JudgedLink[] = [];
	const lineOf = lineFinder(text);
	for (const link of scanWikiLinks(text, hiddenRanges(text, note.structure?.codeRanges ?? []))) {
		if (link.target === "") continue;
		const expectedId = claimedId(text, link);
		const resolution = index.resolver.resolve(link.target, note.path);
		const resolved = resolution.path;
		const target = resolved === null ? undefined : index.notes.get(resolved);
		const targetIds = target?.recognized.ids ?? [];
		if (expectedId === null && targetIds.length === 0) continue;

		let status: LinkStatus;
		if (resolution.candidates.length > 1) status = "ambiguous";
		else if (resolved === null) status = "broken";
		else if (targetIds.length === 0) status = "unverified";
		else if (expectedId === null || targetIds.includes(expectedId)) status = "ok";
		else status = "mismatch";

		const entry: JudgedLink = {
			source: note.path,
			line: lineOf(link.start),
			raw: link.raw,
			expectedId,
			resolved,
			resolvedId: expectedId !== null && targetIds.includes(expectedId) ? expectedId : (targetIds[0] ?? null),
			status,
			link,
		};
		if (resolution.candidates.length > 1) entry.candidates = resolution.candidates;
		if (status === "unverified") {
			const unreadable = index.unreadable.has(resolved ?? "");
			entry.problem = unreadable ? `${resolved} could not be read, so its ID is unknown` : `${resolved} is not about any ATT&CK ID; left as it is`;
			entry.problemKind = unreadable ? "unreadable" : "notAttack";
		}
		if (expectedId !== null && (status === "broken" || status === "mismatch" || status === "ambiguous")) {
			// An ambiguous link that already lands on a note about its ID keeps that note, spelled out.
			const to = status === "ambiguous" && resolved !== null && targetIds.includes(expectedId) ? { path: resolved } : fixTarget(index, expectedId, link);
			if ("problem" in to) {
				entry.problem = to.problem;
				entry.problemKind = to.kind;
			} else {
				const linkpath = index.resolver.linkpathFor(to.path, note.path, index.style);
				if (UNLINKABLE.test(linkpath)) {
					entry.problem = `${to.path} has a character (# | ^ [ ]) in its name that a wiki-link cannot hold; rename it to link to it`;
					entry.problemKind = "unlinkable";
				} else {
					const fixed = text.slice(link.start, link.targetStart) + linkpath + text.slice(link.targetEnd, link.end);
					if (fixed !== link.raw) entry.fix = fixed;
				}
			}
		}
		judged.push(entry);
	}
	return judged;
}

/**
 * The note's text with the given links replaced by their fixes; nothing else moves. `shift` is
 * added to the links' offsets (when the text lost or gained a BOM since they were found).
 */
export function applyFixes(text: string, links: readonly JudgedLink[], shift = 0): string {
	const parts: string[] = [];
	let at = text.length;
	const fixes = links.filter((l) => l.fix !== undefined).sort((a, b) => b.link.start - a.link.start);
	for (const l of fixes) {
		parts.push(text.slice(l.link.end + shift, at), l.fix as string);
		at = l.link.start + shift;
	}
	parts.push(text.slice(0, at));
	return parts.reverse().join("");
}
