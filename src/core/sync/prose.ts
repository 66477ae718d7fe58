/**
 * Telling ATT&CK's prose from the user's in a region sync rewrites (a description, a detection
 * text), line by line. ATT&CK writes each paragraph and list item on one line, so a line that
 * is one of the new lines, or reads like one (most of its words shared), is ATT&CK's. Everything
 * else is the user's, and lines no generator writes (callouts, quotes, comments, tasks, tables)
 * always are.
 * When unsure, a line is kept: stale ATT&CK text can stay, the user's words never go.
 */
import type { Classifier, NewLine, Verdict } from "./merge";
import { carryInsertions, merge3, sameText, sameWords, similarity, tokenize, type Token } from "./words";

/**
 * Text an earlier release wrote (`--previous-bundle`, or the release the note came from): a test
 * for a line of it (whole lines and their sentences, reduced to their words), and its whole lines
 * as this layout writes them, the bases of the word-level merge.
 */
export interface Stale {
	(line: string): boolean;
	lines: readonly string[];
}

/** The callout that keeps the user's version of ATT&CK text when their edit could not be placed. */
export const ASIDE = "> [!note] Your edited version of the ATT&CK text above (kept by ATT&CK Sync: ATT&CK rewrote the words you edited)";

/** A line too short to judge by its words must match exactly. */
const MIN_WORDS = 6;
const SIMILAR = 0.5;

/** Our own notice at the top of a revoked or deprecated note. */
export const NOTICE = /^> \[!warning\] (?:Revoked|Deprecated) in ATT&CK\b/;

const USER_ONLY = /^\s*(?:>|<!--|%%|\||#|- \[.\]|\* \[.\]|```|~~~|\[\^)/;

function words(line: string): Set<string> {
	const set = new Set<string>();
	const plain = line
		.toLowerCase()
		.replace(/\(citation:[^)]*\)|\[\^[^\]]*\]/g, " ")
		.replace(/\]\([^)]*\)/g, "]")
		.replace(/\[\[(?:[^\]|]*\|)?([^\]]*)\]\]/g, "$1");
	for (const w of plain.match(/[a-z0-9]+/g) ?? []) if (w.length >= 3) set.add(w);
	return set;
}

function dice(a: Set<string>, b: Set<string>): number {
	if (a.size === 0 || b.size === 0) return 0;
	let common = 0;
	for (const w of a) if (b.has(w)) common++;
	return (2 * common) / (a.size + b.size);
}

/** Markdown (LF) as new lines, each keyed by its own text. */
export function proseLines(markdown: string): NewLine[] {
	if (markdown.trim() === "") return [];
	return markdown.split("\n").map((text) => (text.trim() === "" ? { text: "" } : { text, key: `p:${text}` }));
}

/** A classifier for prose regions; `also` may claim lines first (our notices, headings a layout owns). */
export function proseClassifier(fresh: readonly NewLine[], also?: (line: string) => Verdict | null, isStale?: ((text: string) => boolean) | Stale): Classifier {
	const exact = new Set(fresh.filter((l) => l.key !== undefined).map((l) => l.text));
	// Words of the new lines, worked out only when a line is not one of them exactly.
	let wordSets: Array<{ key: string; words: Set<string> }> | null = null;
	const sets = () => (wordSets ??= fresh.filter((l) => l.key !== undefined).map((l) => ({ key: l.key as string, words: words(l.text) })));
	const bases = baseMatcher(fresh, isStale);
	return (line) => {
		const claimed = also?.(line);
		if (claimed) return claimed;
		if (NOTICE.test(line)) return { key: "notice" };
		if (exact.has(line)) return { key: `p:${line}` };
		if (USER_ONLY.test(line)) return "user";
		const own = words(line);
		if (own.size >= MIN_WORDS) {
			// The release the note came from wrote this paragraph: the user's edits against it go
			// onto its new counterpart (or the paragraph goes with ATT&CK's, when only markup was added).
			const based = bases?.(line);
			if (based) return based;
			let best: { key: string; score: number } | null = null;
			for (const s of sets()) {
				const score = dice(own, s.words);
				if (score >= SIMILAR && (best === null || score > best.score)) best = { key: s.key, score };
			}
			if (best) {
				// No base: the user's markup and words added between ATT&CK's stay on the new text,
				// and their own sentences in the paragraph ride along with it.
				const text = fresh.find((l) => l.key === best.key)?.text ?? "";
				const replace = carryInsertions(line, text);
				const carried = normalizeLine(replace);
				const mine = sentences(userSentences(line, fresh.map((l) => l.text), isStale))
					.filter((x) => !carried.includes(normalizeLine(x)))
					.join(" ");
				const verdict: { key: string; keep?: string; replace?: string } = { key: best.key };
				if (replace !== text) verdict.replace = replace;
				if (mine !== "") verdict.keep = mine;
				return verdict;
			}
		}
		return "user";
	};
}

/**
 * For a line of the note, the base paragraph it was (an earlier release's line it shares most
 * words with) and what becomes of it: the new paragraph that paragraph became, with the user's
 * edits merged in; "stale" when ATT&CK dropped the paragraph and the user only added markup;
 * null when no base paragraph is like it (the caller goes on without a base).
 */
function baseMatcher(fresh: readonly NewLine[], stale?: ((text: string) => boolean) | Stale): ((line: string) => Verdict | null) | undefined {
	if (!stale || !("lines" in stale)) return undefined;
	let baseTokens: Array<{ text: string; tokens: Token[] }> | null = null;
	let freshTokens: Array<{ line: NewLine; tokens: Token[] }> | null = null;
	const closest = <T extends { tokens: Token[] }>(tokens: Token[], among: readonly T[]): T | null => {
		let best: { item: T; score: number } | null = null;
		for (const item of among) {
			const score = similarity(tokens, item.tokens);
			if (score >= SIMILAR && (best === null || score > best.score)) best = { item, score };
		}
		return best?.item ?? null;
	};
	return (line) => {
		baseTokens ??= stale.lines.filter((l) => l.trim() !== "").map((text) => ({ text, tokens: tokenize(text) }));
		freshTokens ??= fresh.filter((l) => l.key !== undefined && l.key.startsWith("p:")).map((l) => ({ line: l, tokens: tokenize(l.text) }));
		const base = /<br\s*\/?>/i.test(line) ? joinedBase(line, baseTokens, closest) : closest(tokenize(line), baseTokens);
		if (!base) return null;
		const counterpart = exactOrClosest(base, freshTokens, closest);
		// ATT&CK dropped or rewrote the paragraph beyond recognition: it goes, and the user's
		// version with it unless they wrote words into it (then it stays, marked).
		if (!counterpart) return sameWords(base.text, line) ? { key: "stale" } : { key: "stale", aside: `${ASIDE}\n> ${line}` };
		// ATT&CK did not change the paragraph and the note has its words and citations: the line
		// stays byte for byte (a generator's link form and citation spacing too).
		if (!line.includes("(Citation:") && sameText(base.text, counterpart.line.text) && sameText(line, base.text)) return line === counterpart.line.text ? { key: counterpart.line.key as string } : { key: counterpart.line.key as string, replace: line };
		const merged = merge3(base.text, line, counterpart.line.text);
		if (merged.conflict) return { key: counterpart.line.key as string, aside: `${ASIDE}\n> ${line}` };
		return merged.text === counterpart.line.text ? { key: counterpart.line.key as string } : { key: counterpart.line.key as string, replace: merged.text };
	};
}

/**
 * The base of a line that holds several paragraphs joined by `<br>` (how some generators write a
 * description): each paragraph replaced by the base paragraph it was, the line's own `<br>`s kept.
 */
function joinedBase(line: string, bases: ReadonlyArray<{ text: string; tokens: Token[] }>, closest: (tokens: Token[], among: ReadonlyArray<{ text: string; tokens: Token[] }>) => { text: string; tokens: Token[] } | null): { text: string; tokens: Token[] } | null {
	let found = false;
	const text = line
		.split(/((?:<br\s*\/?>)+)/i)
		.map((part, k) => {
			if (k % 2 === 1 || part.trim() === "") return part;
			const b = closest(tokenize(part), bases);
			if (b) found = true;
			return b ? b.text : part;
		})
		.join("");
	return found ? { text, tokens: tokenize(text) } : null;
}

function exactOrClosest<T extends { tokens: Token[] }>(base: { text: string; tokens: Token[] }, fresh: ReadonlyArray<T & { line: NewLine }>, closest: (tokens: Token[], among: readonly T[]) => T | null): (T & { line: NewLine }) | null {
	return fresh.find((f) => f.line.text === base.text) ?? (closest(base.tokens, fresh) as (T & { line: NewLine }) | null);
}

/**
 * A line reduced to its words, for recognizing text an earlier ATT&CK release wrote (by a Python
 * generator or by sync): citations and footnote marks dropped, links reduced to what they show.
 */
export function normalizeLine(line: string): string {
	return line
		.replace(/\(Citation:[^)]*\)|\[\^[^\]]+\]/g, "")
		.replace(/\[\[[^\]|]*\|([^\]]*)\]\]/g, "$1")
		.replace(/\[\[([^\]]*)\]\]/g, (_, p: string) => p.slice(p.lastIndexOf("/") + 1))
		.replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
		.replace(/`/g, "")
		.replace(/\s+/g, " ")
		.trim();
}

/** A line's sentences (a sentence keeps its closing punctuation and the footnote marks after it). */
export function sentences(line: string): string[] {
	// Dots in links, code, URLs and abbreviations do not end a sentence: find the ends on a copy
	// with those dots masked, then cut the line itself there.
	const dots = (m: string) => m.replace(/[.!?]/g, "_");
	const masked = line
		.replace(/\]\([^)]*\)|\[\[[^\]]*\]\]|`[^`]*`|<code>.*?<\/code>|https?:\/\/\S+/g, dots)
		.replace(/\b(?:e\.g|i\.e|etc|vs|ex|al|cf)\./gi, dots)
		// A dot with a word right after it is in a name (svchost.exe, U.S.), not at a sentence's end.
		.replace(/[.!?](?=\w)/g, "_");
	const out: string[] = [];
	for (const m of masked.matchAll(/[^.!?]+(?:[.!?]+["')\]]*(?:\[\^[^\]]*\])*|$)\s*/g)) {
		const piece = line.slice(m.index, m.index + m[0].length).trim();
		if (piece !== "") out.push(piece);
	}
	return out;
}

/**
 * The sentences of `old` that are not ATT&CK's: in none of the new lines, not a rewording of one
 * of their sentences (most words shared), and not text of an earlier release (`isStale`). They
 * are the user's additions to an ATT&CK paragraph or table cell, kept with its new text.
 */
export function userSentences(old: string, fresh: readonly string[], isStale?: (text: string) => boolean): string {
	const known = fresh.flatMap(sentences);
	const exact = new Set(known.map(normalizeLine));
	const sets = known.map(words);
	return sentences(old)
		.filter((sentence) => {
			const n = normalizeLine(sentence);
			if (n === "" || exact.has(n) || isStale?.(sentence)) return false;
			const own = words(sentence);
			return !sets.some((set) => dice(own, set) >= 0.6);
		})
		.join(" ");
}
