/**
 * A scanner for Obsidian wiki-links (`[[target#subpath|alias]]`, `![[embed]]`) that keeps exact
 * offsets, so that a caller can splice a new link path in place without touching anything else.
 */
export interface WikiLink {
	/** [start, end) of the whole link, including the `!` of an embed and both `[[` and `]]`. */
	start: number;
	end: number;
	/** text.slice(start, end) */
	raw: string;
	embed: boolean;
	/** The link path as written, before any `#`, trimmed; "" for `[[#Heading]]`. */
	target: string;
	targetStart: number;
	targetEnd: number;
	/** "#Heading", "#^block", "#H1#H2" (with the leading `#`), or null. */
	subpath: string | null;
	/** The shown text after the pipe, trimmed, or null. */
	alias: string | null;
	/** The separator was `\|`, as it must be inside a Markdown table cell. */
	escapedPipe: boolean;
}

const isSpace = (c: string): boolean => c === " " || c === "\t";

/**
 * Every wiki-link in `text`, in order. Links starting inside an `exclude` range (code blocks,
 * inline code) are skipped.
 */
export function scanWikiLinks(text: string, exclude: ReadonlyArray<readonly [number, number]> = []): WikiLink[] {
	const ranges = [...exclude].sort((a, b) => a[0] - b[0]);
	let next = 0;
	// Link starts only grow, so a range that ended before one start is dead for all later ones.
	const excludedAt = (pos: number): number => {
		while (next < ranges.length && ranges[next][1] <= pos) next++;
		return next < ranges.length && ranges[next][0] <= pos ? ranges[next][1] : -1;
	};

	const links: WikiLink[] = [];
	let lineEnd = -1;
	// The next `]]` (or -1), searched again only once `open` has passed it: every search starts
	// where the last one stopped, so a line of `[[` with no `]]` costs one pass, not one per `[[`.
	let close = -2;
	let pos = 0;
	for (;;) {
		let open = text.indexOf("[[", pos);
		if (open < 0) break;
		if (open >= lineEnd) lineEnd = endOfLine(text, open);
		if (close !== -1 && close < open + 2) close = text.indexOf("]]", open + 2);
		if (close < 0) break;
		if (close > lineEnd) {
			pos = open + 2;
			continue;
		}
		// In `[[a [[b]]` only the innermost `[[b]]` is a link.
		open = text.lastIndexOf("[[", close - 2);
		const embed = open > 0 && text[open - 1] === "!";
		const start = embed ? open - 1 : open;
		const skipTo = excludedAt(start);
		if (skipTo >= 0) {
			pos = Math.max(skipTo, open + 2);
			continue;
		}
		const link = parseLink(text, start, open + 2, close, embed);
		if (link) links.push(link);
		pos = close + 2;
	}
	return links;
}

/**
 * The first `ch` in text[from, to), or -1. A plain indexOf would search on past the link when it
 * has no such character, to the end of the note: once per link, that is quadratic.
 */
function indexIn(text: string, ch: string, from: number, to: number): number {
	const at = text.slice(from, to).indexOf(ch);
	return at < 0 ? -1 : from + at;
}

function endOfLine(text: string, from: number): number {
	for (let i = from; i < text.length; i++) {
		if (text[i] === "\n" || text[i] === "\r") return i;
	}
	return text.length;
}

/** The link whose inner text is text[from, to), or null when it names nothing (`[[]]`). */
function parseLink(text: string, start: number, from: number, to: number, embed: boolean): WikiLink | null {
	const pipe = indexIn(text, "|", from, to);
	const hasPipe = pipe >= 0;
	const escapedPipe = hasPipe && pipe > from && text[pipe - 1] === "\\";
	const pathEnd = hasPipe ? (escapedPipe ? pipe - 1 : pipe) : to;

	const hash = indexIn(text, "#", from, pathEnd);
	const targetLimit = hash >= 0 ? hash : pathEnd;
	let targetStart = from;
	let targetEnd = targetLimit;
	while (targetStart < targetEnd && isSpace(text[targetStart])) targetStart++;
	while (targetEnd > targetStart && isSpace(text[targetEnd - 1])) targetEnd--;

	const subpath = targetLimit < pathEnd ? text.slice(targetLimit, pathEnd).trimEnd() : null;
	if (targetStart === targetEnd && subpath === null) return null;
	const end = to + 2;
	return {
		start,
		end,
		raw: text.slice(start, end),
		embed,
		target: text.slice(targetStart, targetEnd),
		targetStart,
		targetEnd,
		subpath,
		alias: hasPipe ? text.slice(pipe + 1, to).trim() : null,
		escapedPipe,
	};
}
