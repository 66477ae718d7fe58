/**
 * Safe frontmatter reading. Nothing in a note is ever executed: gray-matter would `eval` a
 * `---js` block, so other languages are refused before gray-matter sees them, and its JavaScript
 * engines are replaced by ones that throw, in case anything ever reaches them.
 */
import matter from "gray-matter";

export interface Frontmatter {
	data: Record<string, unknown>;
	/** [start, end) of the whole block: both `---` lines and the closing line's line break. */
	start: number;
	end: number;
	/** Where the body starts; equal to `end`. */
	bodyStart: number;
}

export type FrontmatterResult = { ok: true; frontmatter: Frontmatter | null } | { ok: false; error: string };

const JS_REFUSED = "frontmatter in JavaScript is never executed";

function refuse(): never {
	throw new Error(JS_REFUSED);
}

/**
 * The options for every gray-matter call. Passing options also keeps gray-matter from caching
 * every note it sees by content (it only caches calls without options). Exported for tests.
 */
export function matterOptions() {
	return {
		language: "yaml",
		delimiters: "---",
		engines: {
			js: { parse: refuse, stringify: refuse },
			javascript: { parse: refuse, stringify: refuse },
		},
	};
}

/** A line of `text` from `start`: its end (before the line break) and where the next line starts. */
function lineAt(text: string, start: number): { end: number; next: number } {
	const nl = text.indexOf("\n", start);
	if (nl === -1) return { end: text.length, next: text.length };
	return { end: nl > start && text[nl - 1] === "\r" ? nl - 1 : nl, next: nl + 1 };
}

export function readFrontmatter(text: string): FrontmatterResult {
	const start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
	// The opening line is `---`, optionally followed by a language (`---yaml`, `---js`), as
	// gray-matter reads it; `----` is a thematic break, not frontmatter.
	if (!text.startsWith("---", start) || text[start + 3] === "-") return { ok: true, frontmatter: null };
	const open = lineAt(text, start);
	const language = text.slice(start + 3, open.end).trim();

	// The block closes at the first line that is `---` alone, as in Obsidian. Without one, the
	// note has no frontmatter (gray-matter would read the whole note as YAML).
	let close: { end: number; next: number } | null = null;
	let dashLine = 0;
	for (let pos = open.next, lineNo = 2; pos < text.length; lineNo++) {
		const line = lineAt(text, pos);
		const content = text.slice(pos, line.end);
		if (content.trimEnd() === "---") {
			close = line;
			break;
		}
		if (content.startsWith("---") && dashLine === 0) dashLine = lineNo;
		pos = line.next;
	}
	if (close === null) return { ok: true, frontmatter: null };
	// gray-matter closes the block at any line starting with `---`: refuse to read it differently.
	if (dashLine !== 0) return { ok: false, error: `frontmatter line ${dashLine}: a line starting with --- inside the frontmatter` };

	const lang = language.toLowerCase();
	if (lang === "js" || lang === "javascript") return { ok: false, error: JS_REFUSED };
	if (lang !== "" && lang !== "yaml" && lang !== "yml") {
		return { ok: false, error: `frontmatter in "${language}" is not read: only YAML is` };
	}

	let data: unknown;
	try {
		// The block alone, so line numbers in errors are the note's (the block starts on line 1).
		data = matter(text.slice(start, close.end), matterOptions()).data;
	} catch (err) {
		return { ok: false, error: yamlError(err) };
	}
	if (data === null || data === undefined) data = {};
	if (typeof data !== "object" || Array.isArray(data) || data instanceof Date) {
		const what = Array.isArray(data) ? "a list" : data instanceof Date ? "a date" : `a ${typeof data}`;
		return { ok: false, error: `frontmatter is ${what}, not key: value properties` };
	}
	const end = close.next;
	return { ok: true, frontmatter: { data: data as Record<string, unknown>, start, end, bodyStart: end } };
}

/** js-yaml's reason and line (0-based, counted from the opening `---`) as one line. */
function yamlError(err: unknown): string {
	const e = err as { reason?: unknown; mark?: { line?: unknown }; message?: unknown };
	const reason = typeof e.reason === "string" ? e.reason : String(e.message ?? err).split("\n")[0];
	if (typeof e.mark?.line === "number") return `frontmatter line ${e.mark.line + 1}: ${reason}`;
	return `frontmatter: ${reason}`;
}

const ALIAS_KEYS = ["alias", "aliases", "Alias", "Aliases"];

/** The note's aliases: each key may hold a string, a comma-separated string or a list. */
export function readAliases(data: Record<string, unknown>): string[] {
	const out: string[] = [];
	const add = (value: string) => {
		const v = value.trim();
		if (v !== "" && !out.includes(v)) out.push(v);
	};
	for (const key of ALIAS_KEYS) {
		const value = data[key];
		if (typeof value === "string") value.split(",").forEach(add);
		else if (typeof value === "number") add(String(value));
		else if (Array.isArray(value)) {
			for (const item of value) {
				if (typeof item === "string" || typeof item === "number") add(String(item));
			}
		}
	}
	return out;
}
