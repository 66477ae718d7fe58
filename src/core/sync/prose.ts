/**
 * Telling ATT&CK's prose from the user's in a region sync rewrites (a description, a detection
 * text), line by line. ATT&CK writes each paragraph and list item on one line, so a line that
 * is one of the new lines, or reads like one (most of its words shared), is ATT&CK's. Everything
 * else is the user's, and lines no generator writes (callouts, quotes, comments, tasks, tables)
 * always are.
 * When unsure, a line is kept: stale ATT&CK text can stay, the user's words never go.
 */
import type { Classifier, NewLine, Verdict } from "./merge";

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
export function proseClassifier(fresh: readonly NewLine[], also?: (line: string) => Verdict | null): Classifier {
	const exact = new Set(fresh.filter((l) => l.key !== undefined).map((l) => l.text));
	// Words of the new lines, worked out only when a line is not one of them exactly.
	let wordSets: Array<{ key: string; words: Set<string> }> | null = null;
	const sets = () => (wordSets ??= fresh.filter((l) => l.key !== undefined).map((l) => ({ key: l.key as string, words: words(l.text) })));
	return (line) => {
		const claimed = also?.(line);
		if (claimed) return claimed;
		if (NOTICE.test(line)) return { key: "notice" };
		if (exact.has(line)) return { key: `p:${line}` };
		if (USER_ONLY.test(line)) return "user";
		const own = words(line);
		if (own.size >= MIN_WORDS) {
			let best: { key: string; score: number } | null = null;
			for (const s of sets()) {
				const score = dice(own, s.words);
				if (score >= SIMILAR && (best === null || score > best.score)) best = { key: s.key, score };
			}
			if (best) return { key: best.key };
		}
		return "user";
	};
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
