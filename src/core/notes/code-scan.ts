/**
 * Notes remark cannot read safely, and a line scan for what `links` needs from them.
 *
 * remark (micromark) recurses once per level of nesting and does work that grows faster than the
 * text in some shapes: 3000 nested `>` overflow the stack, a list 1500 levels deep takes minutes,
 * a paragraph of 50k links tens of seconds, and a 10 MB note more than a gigabyte. `markdownHazard`
 * finds such a note in one pass before remark sees it; `scanCode` then finds its code (fenced and
 * indented blocks, inline code spans) by lines, in one pass, as CommonMark reads it near enough:
 * wiki-links inside code are not links, and that is all the links check needs.
 */

/** Larger bodies are read by lines: remark holds about 130 bytes per byte of text. */
export const MAX_MARKDOWN_CHARS = 256 * 1024;
/** Deeper nesting (block quotes and list items, counted together) is read by lines. */
export const MAX_NESTING = 32;
/** More brackets in one paragraph are read by lines (remark's work grows with their square). */
export const MAX_BRACKETS = 2000;

/** Why remark should not read the body of `text` from `bodyStart`, or null when it can. */
export function markdownHazard(text: string, bodyStart: number): string | null {
	const size = text.length - bodyStart;
	if (size > MAX_MARKDOWN_CHARS) return `${(size / (1024 * 1024)).toFixed(1)} MB, too big to parse as Markdown (over ${MAX_MARKDOWN_CHARS / 1024} KB)`;
	let deepest = 0;
	let brackets = 0;
	let fence: string | null = null;
	for (let pos = bodyStart; pos < text.length; ) {
		const nl = text.indexOf("\n", pos);
		const end = nl === -1 ? text.length : nl;
		const line = text.slice(pos, end);
		pos = end + 1;
		const trimmed = line.trim();
		if (fence !== null) {
			if (trimmed.startsWith(fence)) fence = null;
			continue;
		}
		if (trimmed === "") {
			brackets = 0;
			continue;
		}
		if (/^(`{3,}|~{3,})/.test(trimmed)) {
			fence = trimmed.slice(0, 3);
			continue;
		}
		deepest = Math.max(deepest, nestingOf(line));
		for (let i = line.indexOf("["); i !== -1; i = line.indexOf("[", i + 1)) brackets++;
		for (let i = line.indexOf("]"); i !== -1; i = line.indexOf("]", i + 1)) brackets++;
		if (brackets > MAX_BRACKETS) return `over ${MAX_BRACKETS} brackets in one paragraph, too many to parse as Markdown quickly`;
	}
	if (deepest > MAX_NESTING) return `nested ${deepest} levels deep, too deep to parse as Markdown safely (over ${MAX_NESTING})`;
	return null;
}

/**
 * How deep a line may sit: its `>` and list markers, and for a list item, the levels its
 * indentation can hold (a nested item needs two more columns than its parent).
 */
function nestingOf(line: string): number {
	let depth = 0;
	let i = 0;
	for (;;) {
		let j = i;
		while (line[j] === " " || line[j] === "\t") j++;
		const indent = countColumns(line, i, j);
		if (line[j] === ">") {
			depth++;
			i = j + 1;
			continue;
		}
		const marker = listMarkerEnd(line, j);
		if (marker > j) {
			depth += 1 + Math.floor(indent / 2);
			i = marker;
			continue;
		}
		return depth;
	}
}

interface Fence {
	char: string;
	length: number;
	/** Block quote depth the fence opened at: a line with fewer `>` closes the quote and the fence. */
	quotes: number;
	/** The list item's content column it opened in: a line indented less ends the item. */
	column: number;
	start: number;
}

/**
 * Code in the body of `text` from `bodyStart`, as [start, end) offsets in order: fenced and
 * indented code blocks and inline code spans. A line scan, linear in the text.
 */
export function scanCode(text: string, bodyStart: number): Array<[number, number]> {
	const ranges: Array<[number, number]> = [];
	const spans = new InlineCode(text, ranges);
	let fence: Fence | null = null;
	let inComment = false;
	/** Content columns of the list items open around the current line. */
	const items: number[] = [];
	/** A paragraph is open (an indented line continues it instead of starting code). */
	let paragraph = false;
	let blank = true;
	let pos = bodyStart;
	if (text.charCodeAt(pos) === 0xfeff) pos++;
	while (pos < text.length) {
		const nl = text.indexOf("\n", pos);
		const next = nl === -1 ? text.length : nl + 1;
		const end = nl === -1 ? text.length : nl > pos && text[nl - 1] === "\r" ? nl - 1 : nl;
		const line = text.slice(pos, end);
		// The block quote markers, then the indentation of what follows them.
		let at = 0;
		let quotes = 0;
		for (;;) {
			let j = at;
			while (j < line.length && j - at < 4 && (line[j] === " " || line[j] === "\t")) j++;
			if (line[j] !== ">" || j - at > 3) break;
			quotes++;
			at = j + 1;
			if (line[at] === " ") at++;
		}
		let first = at;
		while (line[first] === " " || line[first] === "\t") first++;
		const indent = countColumns(line, at, first);
		const empty = first >= line.length;

		if (fence !== null) {
			const open: Fence = fence;
			const closedByContainer = !empty && (quotes < open.quotes || indent < open.column);
			if (!closedByContainer) {
				const run = runOf(line, first, open.char);
				if (run >= open.length && indent - open.column < 4 && line.slice(first + run).trim() === "") {
					ranges.push([open.start, pos + line.length]);
					fence = null;
				}
				pos = next;
				continue;
			}
			ranges.push([open.start, pos]);
			fence = null;
		}
		if (inComment) {
			if (line.includes("-->")) inComment = false;
			pos = next;
			continue;
		}
		if (empty) {
			spans.flush();
			paragraph = false;
			blank = true;
			pos = next;
			continue;
		}
		// Which open list items this line is inside: a line after a blank one must be indented to
		// their content; a lazy line (no blank before) stays in them.
		if (blank) while (items.length > 0 && indent < items[items.length - 1]) items.pop();
		const column = items.length > 0 ? items[items.length - 1] : 0;

		if (!paragraph && indent - column >= 4) {
			// Indented code: not inside a paragraph, four columns past the container's content.
			spans.flush();
			ranges.push([pos + offsetAtColumn(line, at, column), pos + line.length]);
			blank = false;
			pos = next;
			continue;
		}
		let content = first;
		// List item markers open items (several on one line: `- - item`), the content after them;
		// `- - -` alone is a thematic break.
		const rule = THEMATIC_BREAK.test(line.slice(first));
		/** The column of `content` (tabs after a marker count as one). */
		let col = indent;
		for (;;) {
			const marker = rule ? content : listMarkerEnd(line, content);
			if (marker <= content) break;
			let after = marker;
			while (after < line.length && (line[after] === " " || line[after] === "\t")) after++;
			// One to four blanks after the marker: the content starts after them. Five or more: it
			// starts after one, and the rest is indented code inside the item.
			const ends = after >= line.length;
			const code = !ends && after - marker >= 5;
			const markerColumn = col;
			while (items.length > 0 && markerColumn < items[items.length - 1]) items.pop();
			items.push(markerColumn + ((ends || code ? marker + 1 : after) - content));
			col = markerColumn + (after - content);
			spans.flush();
			paragraph = false;
			content = after;
			if (code) {
				ranges.push([pos + marker + 1, pos + line.length]);
				content = -1;
				break;
			}
		}
		if (content < 0) {
			blank = false;
			pos = next;
			continue;
		}
		const rest = line.slice(content);
		const fenceOpen = /^(`{3,}|~{3,})(.*)$/.exec(rest);
		if (fenceOpen && !(fenceOpen[1][0] === "`" && fenceOpen[2].includes("`"))) {
			spans.flush();
			const itemColumn = content > first ? (items[items.length - 1] ?? 0) : column;
			fence = { char: fenceOpen[1][0], length: fenceOpen[1].length, quotes, column: itemColumn, start: pos + content };
			paragraph = false;
			blank = false;
			pos = next;
			continue;
		}
		if (/^<!--/.test(rest) && !rest.includes("-->")) {
			spans.flush();
			inComment = true;
			paragraph = false;
			blank = false;
			pos = next;
			continue;
		}
		if (/^#{1,6}(?:[ \t]|$)/.test(rest)) {
			// A heading is a block of its own.
			spans.flush();
			spans.add(pos + content, pos + line.length);
			spans.flush();
			paragraph = false;
		} else if (THEMATIC_BREAK.test(rest) || (paragraph && /^(=+|-+)[ \t]*$/.test(rest))) {
			// A thematic break or a setext underline ends the paragraph.
			spans.flush();
			paragraph = false;
		} else if (rest.startsWith("|")) {
			// A table row: each cell is read on its own; `\|` is no cell border.
			spans.flush();
			let cell = content;
			for (let i = content; i <= line.length; i++) {
				if (i < line.length && (line[i] !== "|" || line[i - 1] === "\\")) continue;
				if (i > cell) {
					spans.add(pos + cell, pos + i);
					spans.flush();
				}
				cell = i + 1;
			}
			paragraph = false;
		} else {
			spans.add(pos + content, pos + line.length);
			paragraph = true;
		}
		blank = false;
		pos = next;
	}
	spans.flush();
	if (fence !== null) ranges.push([fence.start, text.length]);
	return ranges.sort((a, b) => a[0] - b[0]);
}

const THEMATIC_BREAK = /^([-*_])(?:[ \t]*\1){2,}[ \t]*$/;

/** Columns from `from` to `to` of blanks, a tab reaching the next multiple of 4. */
function countColumns(line: string, from: number, to: number): number {
	let n = 0;
	for (let i = from; i < to; i++) n = line[i] === "\t" ? n + 4 - (n % 4) : n + 1;
	return n;
}

/** The offset in `line` where its leading blanks from `from` reach `column`. */
function offsetAtColumn(line: string, from: number, column: number): number {
	let i = from;
	for (let n = 0; i < line.length && n < column && (line[i] === " " || line[i] === "\t"); i++) n = line[i] === "\t" ? n + 4 - (n % 4) : n + 1;
	return i;
}

/** Where a list item marker at `at` (`-`, `+`, `*`, `1.`, `1)`) ends, followed by a blank or the line's end; `at` when there is none. */
function listMarkerEnd(line: string, at: number): number {
	const c = line[at];
	let end = at;
	if (c === "-" || c === "+" || c === "*") end = at + 1;
	else {
		while (end - at < 9 && line[end] >= "0" && line[end] <= "9") end++;
		if (end === at || (line[end] !== "." && line[end] !== ")")) return at;
		end++;
	}
	return end >= line.length || line[end] === " " || line[end] === "\t" ? end : at;
}

/** The length of the run of `ch` at `at`. */
function runOf(line: string, at: number, ch: string): number {
	let n = 0;
	while (line[at + n] === ch) n++;
	return n;
}

/**
 * Inline code spans of one block (a paragraph, a heading, a table cell), found when the block
 * ends: a run of backticks opens a span that the next run of the same length closes. The runs of
 * each length are kept in order and each is passed once, so the block costs one pass however
 * many runs find no partner.
 */
class InlineCode {
	private runs: Array<{ at: number; length: number; escaped: boolean }> = [];

	constructor(
		private readonly text: string,
		private readonly out: Array<[number, number]>,
	) {}

	/** The block goes on with text[start, end). */
	add(start: number, end: number): void {
		// Searched within the block's own text: a search of the whole note would read on past it.
		const part = this.text.slice(start, end);
		for (let i = part.indexOf("`"); i !== -1; ) {
			let j = i;
			while (j < part.length && part[j] === "`") j++;
			let slashes = 0;
			while (i - slashes - 1 >= 0 && part[i - slashes - 1] === "\\") slashes++;
			this.runs.push({ at: start + i, length: j - i, escaped: slashes % 2 === 1 });
			i = part.indexOf("`", j);
		}
	}

	flush(): void {
		const runs = this.runs;
		if (runs.length === 0) return;
		this.runs = [];
		const byLength = new Map<number, number[]>();
		runs.forEach((r, i) => {
			const list = byLength.get(r.length);
			if (list) list.push(i);
			else byLength.set(r.length, [i]);
		});
		const cursor = new Map<number, number>();
		for (let i = 0; i < runs.length; i++) {
			const run = runs[i];
			// An escaped first backtick is a literal one; the rest of the run may still open a span.
			const length = run.escaped ? run.length - 1 : run.length;
			if (length === 0) continue;
			const list = byLength.get(length) ?? [];
			let k = cursor.get(length) ?? 0;
			while (k < list.length && list[k] <= i) k++;
			cursor.set(length, k);
			if (k === list.length) continue;
			const close = runs[list[k]];
			this.out.push([run.at + (run.escaped ? 1 : 0), close.at + close.length]);
			i = list[k];
		}
	}
}
