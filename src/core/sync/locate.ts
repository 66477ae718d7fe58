/**
 * Finding ATT&CK's prose in a note by what it says, wherever a layout put it: under `## T1014`,
 * under `## Description`, under the technique's name, or with no heading at all. A line is ATT&CK's
 * paragraph when most of its words are those of a paragraph the base release or the new release
 * wrote; the description is the run of such lines (blank lines, list items and the user's own
 * lines between them included) with the most of them, never across a heading, a table, a
 * callout or a code block. Nothing located, nothing changed: what is not found stays the user's.
 */
import type { Note } from "../notes/read";
import { similarity, tokenize, type Token } from "./words";

/** Fewer words than this and a line is too short to recognize by its words. */
const MIN_WORDS = 6;
const SIMILAR = 0.5;

/** Lines no generator writes a description paragraph as. */
const NOT_PROSE = /^\s*(?:>|\||#|<!--|%%|```|~~~|\[\^|[-+] |\d{1,9}[.)] )/;

const wordCount = (tokens: readonly Token[]): number => tokens.filter((t) => t.canon.startsWith("w") && /[\p{L}\p{N}]/u.test(t.text)).length;

/** The paragraphs to look for: one per line of each text, long enough to judge by their words. */
export function paragraphTokens(texts: readonly string[]): Token[][] {
	const out: Token[][] = [];
	for (const text of texts) {
		for (const line of text.split("\n")) {
			if (NOT_PROSE.test(line)) continue;
			for (const part of line.split(/(?:<br\s*\/?>)+/i)) {
				const tokens = tokenize(part);
				if (wordCount(tokens) >= MIN_WORDS) out.push(tokens);
			}
		}
	}
	return out;
}

/**
 * The span of the note's description (whole lines, line breaks included), or null when no line
 * of the note reads like one of `paragraphs`.
 */
export function locateProse(note: Note, paragraphs: readonly Token[][], items: ReadonlySet<string> = new Set()): { start: number; end: number } | null {
	if (paragraphs.length === 0) return null;
	type Run = { start: number; end: number; found: number };
	let run: Run | null = null;
	let best: Run | null = null;
	const close = () => {
		if (run && run.found > 0 && (best === null || run.found > best.found)) best = run;
		run = null;
	};
	for (const { line, start, next, code } of bodyLines(note)) {
		if (code || /^\s*(?:#|>|\|)/.test(line) || /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/.test(line)) close();
		else if (line.trim() !== "" && !NOT_PROSE.test(line) && reads(line, paragraphs)) {
			if (run) {
				run.end = next;
				run.found++;
			} else run = { start, end: next, found: 1 };
		} else if (run && items.has(line.trim())) {
			// A list item of ATT&CK's text (`- DNS Logging`, nested ones too) after its paragraphs:
			// part of the description, though too short or too listy to judge by its words.
			run.end = next;
		}
	}
	close();
	const found = best as Run | null;
	return found ? { start: found.start, end: found.end } : null;
}

/** The list items of `texts` (lines starting with `-`, `*`, `+` or `1.`, indented or not), trimmed. */
export function listItems(texts: readonly string[]): Set<string> {
	const out = new Set<string>();
	for (const text of texts) for (const line of text.split("\n")) if (/^\s*(?:[-*+]|\d{1,9}[.)])\s+\S/.test(line)) out.add(line.trim());
	return out;
}

function reads(line: string, paragraphs: readonly Token[][]): boolean {
	for (const part of line.split(/(?:<br\s*\/?>)+/i)) {
		const tokens = tokenize(part);
		if (wordCount(tokens) < MIN_WORDS) continue;
		if (paragraphs.some((p) => similarity(tokens, p) >= SIMILAR)) return true;
	}
	return false;
}

/** The note's body lines with their offsets (`next`: after the line break); `code`: a fence line or inside one. */
export function bodyLines(note: Note): Array<{ line: string; start: number; next: number; code: boolean }> {
	const text = note.text;
	const out: Array<{ line: string; start: number; next: number; code: boolean }> = [];
	let fence: string | null = null;
	for (let pos = note.frontmatter?.bodyStart ?? 0; pos < text.length; ) {
		const nl = text.indexOf("\n", pos);
		const next = nl === -1 ? text.length : nl + 1;
		const line = text.slice(pos, nl === -1 ? text.length : nl).replace(/\r$/, "");
		const opens: RegExpExecArray | null = fence === null ? /^ {0,3}(`{3,}|~{3,})/.exec(line) : null;
		out.push({ line, start: pos, next, code: fence !== null || opens !== null });
		if (fence !== null && line.trimEnd().endsWith(fence)) fence = null;
		else if (opens) fence = opens[1];
		pos = next;
	}
	return out;
}
