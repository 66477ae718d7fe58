/**
 * The body's structure, every position an offset into the note's full text, so callers can
 * splice edits into the text as written and leave everything else byte for byte.
 */
import type { Nodes, Root } from "mdast";
import { gfmTableFromMarkdown } from "mdast-util-gfm-table";
import { gfmTaskListItemFromMarkdown } from "mdast-util-gfm-task-list-item";
import { gfmTable } from "micromark-extension-gfm-table";
import { gfmTaskListItem } from "micromark-extension-gfm-task-list-item";
import remarkParse from "remark-parse";
import { unified, type Processor } from "unified";
import { markdownHazard, scanCode } from "./code-scan";
import { closeSections, readOutline } from "./outline";

export interface Section {
	depth: number;
	/** The heading's plain text, trimmed. */
	title: string;
	/** The heading line (both lines of a setext heading), without its line break. */
	headingStart: number;
	headingEnd: number;
	/** After the heading's line break. */
	contentStart: number;
	/** The next heading of depth <= this one, or the end of the text. */
	end: number;
}

export interface ListItem {
	start: number;
	end: number;
	/** Its plain text, nested lists left out (they are items of their own); paragraphs joined by "\n". */
	text: string;
	/** 0 for an item of a top-level list, 1 inside another item, and so on. */
	depth: number;
}

export interface TableCell {
	start: number;
	end: number;
	/** The cell's source, trimmed, pipes escaped as written (`[[path\|M1031]]`): text.slice(start, end). */
	text: string;
}

export interface TableRow {
	/** The row's line from its first to its last pipe (or cell). */
	start: number;
	end: number;
	/** True for a table's first row (above the `| --- |` line). */
	header: boolean;
	cells: TableCell[];
}

export interface NoteStructure {
	/** Top-level headings only (a heading in a blockquote or list item does not start a section). */
	sections: Section[];
	listItems: ListItem[];
	tableRows: TableRow[];
	/** Fenced and indented code blocks and inline code: wiki-link scanning skips them. */
	codeRanges: Array<[number, number]>;
	/** Start offsets of thematic breaks (`---`). */
	thematicBreaks: number[];
	/**
	 * Set when remark could not read the note safely (too big, too deeply nested, too many
	 * brackets): why. The sections, breaks and code ranges then come from line scans (outline.ts,
	 * code-scan.ts), and listItems and tableRows are empty.
	 */
	lineScan?: string;
}

/**
 * The parts of GFM the notes need: tables and task list items. remark-gfm would also bring
 * autolink literals, whose regexes use lookbehind, which iOS before 16.4 cannot parse (main.js
 * would not load at all).
 */
function remarkGfmParts(this: Processor): void {
	const data = this.data();
	(data.micromarkExtensions ??= []).push(gfmTable(), gfmTaskListItem());
	(data.fromMarkdownExtensions ??= []).push(gfmTableFromMarkdown(), gfmTaskListItemFromMarkdown());
}

const parser = unified().use(remarkParse).use(remarkGfmParts);

/**
 * Parse the body of `text`, which starts at `bodyStart` (Frontmatter.bodyStart, or 0 when the
 * note has none); remark never sees the frontmatter. A BOM there is skipped: micromark drops
 * it without counting it, which would shift every offset by one.
 */
export function readStructure(text: string, bodyStart: number): NoteStructure {
	const hazard = markdownHazard(text, bodyStart);
	if (hazard !== null) return lineStructure(text, bodyStart, hazard);
	const base = text.charCodeAt(bodyStart) === 0xfeff ? bodyStart + 1 : bodyStart;
	let tree: Root;
	try {
		tree = parser.parse(text.slice(base));
	} catch (err) {
		// A shape the checks above do not know that still runs remark out of stack.
		if (!(err instanceof RangeError)) throw err;
		return lineStructure(text, bodyStart, `too deeply nested to parse as Markdown safely (${err.message})`);
	}
	const structure: NoteStructure = { sections: [], listItems: [], tableRows: [], codeRanges: [], thematicBreaks: [] };
	const startOf = (node: Nodes) => base + (node.position?.start.offset ?? 0);
	const endOf = (node: Nodes) => base + (node.position?.end.offset ?? 0);

	for (const node of tree.children) {
		if (node.type !== "heading") continue;
		const headingEnd = endOf(node);
		structure.sections.push({
			depth: node.depth,
			title: plainText(node).trim(),
			headingStart: startOf(node),
			headingEnd,
			contentStart: afterLineBreak(text, headingEnd),
			end: text.length,
		});
	}
	// A section runs to the next heading that is not below it.
	closeSections(structure.sections);

	const visit = (node: Nodes, listDepth: number) => {
		switch (node.type) {
			case "code":
			case "inlineCode":
				structure.codeRanges.push([startOf(node), endOf(node)]);
				return;
			case "thematicBreak":
				structure.thematicBreaks.push(startOf(node));
				return;
			case "listItem": {
				const own = node.children.filter((c) => c.type !== "list");
				structure.listItems.push({ start: startOf(node), end: endOf(node), text: own.map(plainText).join("\n"), depth: listDepth });
				node.children.forEach((c) => visit(c, listDepth + 1));
				return;
			}
			case "table":
				node.children.forEach((row, i) => {
					structure.tableRows.push({
						start: startOf(row),
						end: endOf(row),
						header: i === 0,
						cells: row.children.map((cell, j) => cellSource(text, startOf(cell), endOf(cell), j === row.children.length - 1)),
					});
					row.children.forEach((cell) => visit(cell, listDepth));
				});
				return;
		}
		if ("children" in node) node.children.forEach((c) => visit(c, listDepth));
	};
	visit(tree, 0);
	return structure;
}

/** What the line scans find, for a note remark cannot read safely. */
function lineStructure(text: string, bodyStart: number, why: string): NoteStructure {
	const { sections, thematicBreaks } = readOutline(text, bodyStart);
	return { sections, thematicBreaks, listItems: [], tableRows: [], codeRanges: scanCode(text, bodyStart), lineScan: why };
}

/** The offset after the line break at `pos` (CRLF or LF), or `pos` when none follows. */
function afterLineBreak(text: string, pos: number): number {
	if (text.startsWith("\r\n", pos)) return pos + 2;
	if (text[pos] === "\n") return pos + 1;
	return pos;
}

/**
 * A cell's node spans its leading pipe and padding (and, for the last cell, the closing pipe).
 * The cell's own source is what remains; an escaped `\|` is content, not a delimiter.
 */
function cellSource(text: string, start: number, end: number, last: boolean): TableCell {
	if (text[start] === "|") start++;
	while (start < end && isBlank(text[start])) start++;
	while (end > start && isBlank(text[end - 1])) end--;
	if (last && end > start && text[end - 1] === "|" && !escaped(text, end - 1, start)) {
		end--;
		while (end > start && isBlank(text[end - 1])) end--;
	}
	return { start, end, text: text.slice(start, end) };
}

function isBlank(ch: string): boolean {
	return ch === " " || ch === "\t";
}

/** Whether the character at `pos` follows an odd number of backslashes (back to `from`). */
function escaped(text: string, pos: number, from: number): boolean {
	let n = 0;
	while (pos - n - 1 >= from && text[pos - n - 1] === "\\") n++;
	return n % 2 === 1;
}

/** Plain text of a node: link text without the URL, code with its content, image alt text. */
function plainText(node: Nodes): string {
	if (node.type === "image" || node.type === "imageReference") return node.alt ?? "";
	if (node.type === "break") return "\n";
	if ("value" in node) return node.value;
	if ("children" in node) return (node.children as Nodes[]).map(plainText).join("");
	return "";
}

// Helpers to find things inside a section.

/** Sections nested inside `section` (every deeper level), in order. */
export function sectionsUnder(structure: Pick<NoteStructure, "sections">, section: Section): Section[] {
	return structure.sections.filter((s) => s.headingStart >= section.contentStart && s.headingStart < section.end);
}

/** Where the section's own content stops: its first sub-heading, or its end. */
export function ownEnd(structure: Pick<NoteStructure, "sections">, section: Section): number {
	return sectionsUnder(structure, section)[0]?.headingStart ?? section.end;
}

/** Items (list items, table rows, sections...) that start in [from, to). */
export function within<T extends { start: number }>(items: readonly T[], from: number, to: number): T[] {
	return items.filter((item) => item.start >= from && item.start < to);
}

/** List items in the section's own content (not in its sub-sections), nested ones included. */
export function listItemsIn(structure: NoteStructure, section: Section): ListItem[] {
	return within(structure.listItems, section.contentStart, ownEnd(structure, section));
}

/** Table rows in the section's own content (not in its sub-sections), header rows included. */
export function tableRowsIn(structure: NoteStructure, section: Section): TableRow[] {
	return within(structure.tableRows, section.contentStart, ownEnd(structure, section));
}

/** The first section titled `title` (case-insensitive), at `depth` when given. */
export function findSection(structure: Pick<NoteStructure, "sections">, title: string, depth?: number): Section | undefined {
	const want = title.trim().toLowerCase();
	return structure.sections.find((s) => s.title.toLowerCase() === want && (depth === undefined || s.depth === depth));
}

/** Whether `offset` is inside code (where `[[...]]` is not a link). */
export function inCode(structure: NoteStructure, offset: number): boolean {
	return structure.codeRanges.some(([start, end]) => offset >= start && offset < end);
}
