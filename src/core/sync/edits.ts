/**
 * Splicing: a note is changed only by replacing spans of its original text, all found on one
 * parse, applied from the end so the offsets stay true. Line endings follow the note's own.
 */
import type { Section } from "../notes/markdown";
import type { Outline } from "../notes/outline";
import { ownEnd } from "../notes/markdown";
import { mergeRegion, type Classifier, type NewLine, type Shape } from "./merge";

export interface Edit {
	start: number;
	end: number;
	text: string;
}

export function applyEdits(text: string, edits: readonly Edit[]): string {
	// In the text's order; edits at one offset in the order they were made. The result is joined
	// once from its pieces: splicing one edit at a time into the growing text copied it whole for
	// each edit (a new note's tables are an edit per row).
	const sorted = edits.map((e, i) => ({ e, i })).sort((a, b) => a.e.start - b.e.start || a.i - b.i);
	const parts: string[] = [];
	let pos = 0;
	let last = 0;
	for (const { e } of sorted) {
		if (e.start < pos) throw new Error(`overlapping edits at ${last}`);
		parts.push(text.slice(pos, e.start), e.text);
		pos = e.end;
		last = e.start;
	}
	parts.push(text.slice(pos));
	return parts.join("");
}

/** "\r\n" when the note's first line break is one, else "\n". */
export function eolOf(text: string): string {
	const nl = text.indexOf("\n");
	return nl > 0 && text[nl - 1] === "\r" ? "\r\n" : "\n";
}

const BREAK = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;

/**
 * A section's own content as a region to merge: from after its heading to its first sub-heading
 * or the next heading, stopping at a thematic break (`---` above `### References`), which belongs
 * to the note's frame, not to the section. `until` overrides where it ends (a description whose
 * ATT&CK text has headings of its own runs to the layout's next heading).
 */
export function regionOf(text: string, structure: Outline, section: Section, until?: number): { start: number; end: number; beforeBreak: boolean } {
	const start = section.contentStart;
	const end = until ?? ownEnd(structure, section);
	// A thematic break ends what the layout owns: the `---` above `### References`, and whatever
	// the user wrote after a rule of their own, stay as they are. A rule with the section's list or
	// table still below it (`***` between a heading and its table) is only a line of the user's.
	const rule = structure.thematicBreaks.find((b) => b >= start && b < end && BREAK.test(lineAt(text, b)) && !/^[ \t]*(?:\||[-*+][ \t]|\d{1,9}[.)][ \t])/m.test(text.slice(text.indexOf("\n", b) + 1 || end, end)));
	if (rule === undefined) return { start, end, beforeBreak: false };
	return { start, end: text.lastIndexOf("\n", rule - 1) + 1 || start, beforeBreak: true };
}

function lineAt(text: string, pos: number): string {
	const nl = text.indexOf("\n", pos);
	return text.slice(text.lastIndexOf("\n", pos - 1) + 1, nl === -1 ? text.length : nl).replace(/\r$/, "");
}

/** The edit that merges new lines into a span, or null when nothing changes. */
export function mergeEdit(text: string, span: { start: number; end: number }, fresh: readonly NewLine[], classify: Classifier, shape: Shape, eol: string, stale?: (line: string) => boolean): Edit | null {
	const old = text.slice(span.start, span.end);
	const lf = old.replace(/\r\n/g, "\n");
	// The region's own line ending wins (a CRLF body under an LF frontmatter stays CRLF).
	if (old.includes("\n")) eol = old.includes("\r\n") ? "\r\n" : "\n";
	// A region that ends at another heading keeps a blank line before it.
	if (shape.trail === 0 && span.end < text.length) shape = { ...shape, trail: 1 };
	// Lines inside the user's code blocks and multi-line comments are theirs, whatever they look
	// like; a line an earlier ATT&CK release wrote is ATT&CK's, even when nothing new resembles it.
	let guarded: Set<number> | null = null;
	const judge: Classifier = (line, i, lines) => {
		const verdict = classify(line, i, lines);
		guarded ??= insideBlocks(lines);
		if (guarded.has(i)) return verdict !== "user" && verdict.key === "stale" && !verdict.aside ? verdict : "user";
		return verdict === "user" && stale?.(line) ? { key: "stale" } : verdict;
	};
	const merged = mergeRegion(lf, fresh, judge, shape, stale);
	if (merged === lf) return null;
	const result = eol === "\r\n" ? merged.replace(/\n/g, "\r\n") : merged;
	return result === old ? null : { start: span.start, end: span.end, text: result };
}

/** Indices of lines in fenced code blocks, multi-line `<!-- -->` comments and `%%` blocks, delimiters included. */
function insideBlocks(lines: readonly string[]): Set<number> {
	const inside = new Set<number>();
	let close: ((line: string) => boolean) | null = null;
	for (let i = 0; i < lines.length; i++) {
		const line = lines[i];
		if (close) {
			inside.add(i);
			if (close(line)) close = null;
			continue;
		}
		const fence = /^ {0,3}(`{3,}|~{3,})(.*)$/.exec(line);
		// `` ``` x ``` `` on one line is inline code, not a fence.
		if (fence && !fence[2].includes(fence[1][0])) {
			inside.add(i);
			// Generators close fences loosely (`...query```` at a line's end): so does this.
			const mark = fence[1];
			close = (l) => l.trimEnd().endsWith(mark);
		} else if (/<!--/.test(line) && !/<!--.*-->/.test(line)) {
			inside.add(i);
			close = (l) => l.includes("-->");
		} else if (/^\s*%%/.test(line) && (line.match(/%%/g) ?? []).length === 1) {
			inside.add(i);
			close = (l) => l.includes("%%");
		}
	}
	return inside;
}
