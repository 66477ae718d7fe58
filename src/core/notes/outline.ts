/**
 * A note's outline: its top-level headings (as sections) and thematic breaks, found by a line
 * scan that follows CommonMark's block rules for what matters here: ATX and setext headings,
 * `---`/`***`/`___` breaks, fenced code (headings inside it are not headings), indented lines
 * (code or continuation, never headings), block quotes and HTML comments. It is what recognizing
 * a note and syncing it need, at a small fraction of remark's cost; the full remark structure
 * (markdown.ts) is built only for the commands that need list items, table rows and inline code.
 */
import type { NoteStructure, Section } from "./markdown";

export type Outline = Pick<NoteStructure, "sections" | "thematicBreaks">;

const BREAK = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const SETEXT = /^ {0,3}(=+|-+)[ \t]*$/;
const FENCE = /^ {0,3}(`{3,}|~{3,})(.*)$/;
const LIST_ITEM = /^ {0,3}(?:[-+*]|\d{1,9}[.)])(?:[ \t]|$)/;

/** Heading text as remark's plain text would give it, near enough: markup characters dropped. */
function titleOf(raw: string): string {
	return linkTexts(raw)
		.replace(/(\*\*|__|`)/g, "")
		.trim();
}

const isBlankChar = (c: string | undefined): boolean => c === " " || c === "\t";

/**
 * `[text](url)` -> `text`, as `raw.replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")` does, in one pass: that
 * regex is tried again from every `[` and reads on to the end of the line each time it fails, so a
 * heading of many `[a](` cost the square of its length.
 */
function linkTexts(raw: string): string {
	let out = "";
	let copied = 0;
	let close = -1;
	let paren = -1;
	for (let open = raw.indexOf("["); open !== -1; ) {
		// The label runs to the first `]` after `[`; the URL to the first `)` after `](`.
		if (close <= open) close = raw.indexOf("]", open + 1);
		if (close === -1) break;
		if (raw[close + 1] !== "(") {
			open = raw.indexOf("[", open + 1);
			continue;
		}
		if (paren <= close + 1) paren = raw.indexOf(")", close + 2);
		if (paren === -1) break;
		out += raw.slice(copied, open) + raw.slice(open + 1, close);
		copied = paren + 1;
		open = raw.indexOf("[", copied);
	}
	return out + raw.slice(copied);
}

/**
 * An ATX heading line (`## Title ##`): its depth and text, as the regex
 * `^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$` reads it, in one pass (with a long run of
 * blanks in the title, that regex backtracks through every split of it: quadratic).
 */
function readAtx(line: string): { depth: number; title: string } | null {
	let i = 0;
	while (i < 3 && line[i] === " ") i++;
	let j = i;
	while (line[j] === "#") j++;
	const depth = j - i;
	if (depth < 1 || depth > 6) return null;
	if (j < line.length && !isBlankChar(line[j])) return null;
	// `.` matches no line terminator, so a line holding one is no heading.
	if (/[\r\n\u2028\u2029]/.test(line)) return null;
	let start = j;
	while (isBlankChar(line[start])) start++;
	let end = line.length;
	while (end > start && isBlankChar(line[end - 1])) end--;
	// A closing run of `#` counts when blanks stand before it.
	let hashes = end;
	while (hashes > start && line[hashes - 1] === "#") hashes--;
	if (hashes < end && hashes > start && isBlankChar(line[hashes - 1])) {
		end = hashes;
		while (end > start && isBlankChar(line[end - 1])) end--;
	}
	return { depth, title: line.slice(start, end) };
}

export function readOutline(text: string, bodyStart: number): Outline {
	const sections: Section[] = [];
	const thematicBreaks: number[] = [];
	let fence: { char: string; length: number } | null = null;
	let inComment = false;
	/** The previous line could be a setext heading's text: a paragraph line at the top level. */
	let paragraph: { start: number; end: number; text: string } | null = null;
	let inList = false;
	let blank = true;
	let pos = bodyStart;
	if (text.charCodeAt(pos) === 0xfeff) pos++;
	while (pos < text.length) {
		const nl = text.indexOf("\n", pos);
		const next = nl === -1 ? text.length : nl + 1;
		const end = nl === -1 ? text.length : nl > pos && text[nl - 1] === "\r" ? nl - 1 : nl;
		const line = text.slice(pos, end);
		const push = (depth: number, title: string, headingStart: number) => {
			sections.push({ depth, title: titleOf(title), headingStart, headingEnd: end, contentStart: next, end: text.length });
		};
		if (fence) {
			const close = FENCE.exec(line);
			if (close && close[1][0] === fence.char && close[1].length >= fence.length && close[2].trim() === "") fence = null;
		} else if (inComment) {
			if (line.includes("-->")) inComment = false;
		} else if (line.trim() === "") {
			paragraph = null;
			blank = true;
		} else {
			const open = FENCE.exec(line);
			const atx = readAtx(line);
			if (open && !(open[1][0] === "`" && open[2].includes("`"))) {
				fence = { char: open[1][0], length: open[1].length };
				paragraph = null;
			} else if (paragraph && !inList && SETEXT.test(line)) {
				// `Title` over `===` or `---` is a heading, not a paragraph and a break.
				sections.push({ depth: line.trim()[0] === "=" ? 1 : 2, title: titleOf(paragraph.text), headingStart: paragraph.start, headingEnd: end, contentStart: next, end: text.length });
				paragraph = null;
			} else if (BREAK.test(line)) {
				thematicBreaks.push(pos + (line.length - line.trimStart().length));
				paragraph = null;
				inList = false;
			} else if (atx) {
				push(atx.depth, atx.title, pos + (line.length - line.trimStart().length));
				paragraph = null;
				inList = false;
			} else {
				if (/^ {0,3}<!--/.test(line) && !line.includes("-->")) inComment = true;
				const indented = /^( {4}|\t)/.test(line);
				// A list runs on through its lazy lines until a blank line and an unindented line.
				if (LIST_ITEM.test(line)) inList = true;
				else if (!indented && blank) inList = false;
				// Quotes, tables, HTML and lines of a list are not setext heading text.
				paragraph = /^ {0,3}[>|<]/.test(line) || inList || indented ? null : { start: pos, end, text: line };
			}
			blank = false;
		}
		pos = next;
	}
	closeSections(sections);
	return { sections, thematicBreaks };
}

/**
 * Each section ends where the next heading that is not below it starts (or at the end of the
 * text, as pushed). One pass with a stack of the sections still open, not a search per section.
 */
export function closeSections(sections: Section[]): void {
	const open: Section[] = [];
	for (const s of sections) {
		while (open.length > 0 && open[open.length - 1].depth >= s.depth) (open.pop() as Section).end = s.headingStart;
		open.push(s);
	}
}
