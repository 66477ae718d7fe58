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

const ATX = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const BREAK = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const SETEXT = /^ {0,3}(=+|-+)[ \t]*$/;
const FENCE = /^ {0,3}(`{3,}|~{3,})(.*)$/;
const LIST_ITEM = /^ {0,3}(?:[-+*]|\d{1,9}[.)])(?:[ \t]|$)/;

/** Heading text as remark's plain text would give it, near enough: markup characters dropped. */
function titleOf(raw: string): string {
	return raw
		.replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
		.replace(/(\*\*|__|`)/g, "")
		.trim();
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
			const atx = ATX.exec(line);
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
				push(atx[1].length, atx[2] ?? "", pos + (line.length - line.trimStart().length));
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
	for (let i = 0; i < sections.length; i++) {
		const after = sections.slice(i + 1).find((s) => s.depth <= sections[i].depth);
		if (after) sections[i].end = after.headingStart;
	}
	return { sections, thematicBreaks };
}
