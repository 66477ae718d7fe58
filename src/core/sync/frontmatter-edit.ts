/**
 * Minimal frontmatter edits. The `yaml` package only *locates* things: each update re-parses the
 * frontmatter, finds the top-level key and the source range of its value, and splices new text
 * into the note by hand. Everything not edited (the user's keys, comments, blank lines, quoting,
 * line endings, a BOM) stays byte for byte; an update that changes nothing returns the very same
 * string. As a safety net the edited frontmatter is parsed again and must read exactly as the
 * old one with the updates applied, or the edit is refused with an Error.
 *
 * The block is found as the notes reader finds it: `---` (or `---yaml`) on the first line, closed
 * by the first later line that is `---` alone. Other languages (`---js`) are refused, never touched.
 */
import { isMap, isScalar, isSeq, parseDocument, type Document, type ParsedNode, type YAMLMap } from "yaml";

/**
 * A new value for a key: a string, a list of strings, null to remove the key, or items to add at
 * the end of the key's list (`append`: the items already there, comments between them and empty
 * ones included, stay as written).
 */
export type FmValue = string | string[] | null | { readonly append: readonly string[] };

/** The items `append` adds that `current` (a key's value as read) does not hold yet. */
export function missingItems(current: unknown, append: readonly string[]): string[] {
	const have = Array.isArray(current) ? current : [];
	return append.filter((item, i) => !have.includes(item) && append.indexOf(item) === i);
}

interface Block {
	/** The YAML source is `text.slice(from, to)`: after the opening line, up to the closing line. */
	from: number;
	to: number;
	eol: string;
}

const BOM = "\uFEFF";
/** Characters that never appear raw in a written scalar: controls, Unicode line breaks, BOM. */
const UNPRINTABLE = /[\p{Cc}\u2028\u2029\uFEFF]/u;
const UNPRINTABLE_ALL = new RegExp(UNPRINTABLE.source, "gu");

/** The line ending of the line break at or after `pos` (LF if there is none). */
function eolAt(text: string, pos: number): string {
	const nl = text.indexOf("\n", pos);
	return nl > 0 && text[nl - 1] === "\r" ? "\r\n" : "\n";
}

function locate(text: string): Block | null {
	const start = text.startsWith(BOM) ? 1 : 0;
	if (!text.startsWith("---", start) || text[start + 3] === "-") return null;
	const first = text.indexOf("\n", start);
	const language = text.slice(start + 3, first === -1 ? text.length : first).trim();
	if (!["", "yaml", "yml"].includes(language.toLowerCase())) throw new Error(`frontmatter in "${language}" is never edited`);
	for (let pos = first + 1; first !== -1 && pos < text.length; ) {
		const nl = text.indexOf("\n", pos);
		const line = text.slice(pos, nl === -1 ? text.length : nl).trimEnd();
		if (line === "---") return { from: first + 1, to: pos, eol: eolAt(text, start) };
		if (line.startsWith("---")) throw new Error("frontmatter holds a line starting with --- that does not close it");
		pos = nl === -1 ? text.length : nl + 1;
	}
	return null;
}

/** Parses the frontmatter source; throws a one-line Error unless it is a block mapping (or empty). */
function parse(src: string): { doc: Document.Parsed; map: YAMLMap<ParsedNode, ParsedNode | null> | null } {
	const doc = parseDocument(src, { prettyErrors: false });
	const error = doc.errors[0];
	if (error) {
		const line = src.slice(0, error.pos[0]).split("\n").length + 1;
		throw new Error(`frontmatter line ${line}: ${error.message.split("\n")[0]}`);
	}
	const contents = doc.contents;
	if (contents === null) return { doc, map: null };
	if (!isMap<ParsedNode, ParsedNode | null>(contents) || contents.flow) throw new Error("frontmatter is not a block mapping");
	return { doc, map: contents };
}

const plainCache = new Map<string, boolean>();

/** Plain without asking the parser: a word-like name ("Malicious Link", "Antivirus/Antimalware"). */
const OBVIOUSLY_PLAIN = /^[A-Za-z][A-Za-z0-9 _()/.,'&+-]*[A-Za-z0-9)]$/;
const YAML_WORDS = /^(?:y|n|yes|no|on|off|true|false|null|nan|inf)$/i;
/** A date or timestamp, which YAML 1.1 reads as one: always quoted. */
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}(?:[Tt ][\d:.]+(?:Z|[+-]\d{2}(?::?\d{2})?)?)?$/;

function plainIsSafe(s: string, flow: boolean): boolean {
	if (OBVIOUSLY_PLAIN.test(s) && !YAML_WORDS.test(s) && !s.includes(": ") && !s.includes(" #") && !(flow && /[,[\]{}]/.test(s))) return true;
	if (TIMESTAMP.test(s)) return false;
	const key = `${flow ? "f" : "b"}${s}`;
	let safe = plainCache.get(key);
	if (safe === undefined) {
		safe = plainIsSafeUncached(s, flow);
		if (plainCache.size > 10000) plainCache.clear();
		plainCache.set(key, safe);
	}
	return safe;
}

function plainIsSafeUncached(s: string, flow: boolean): boolean {
	if (s === "" || s !== s.trim() || UNPRINTABLE.test(s) || "-?:,[]{}#&*!|>'\"%@`".includes(s[0])) return false;
	if (s.includes(": ") || s.includes(" #") || s.endsWith(":") || (flow && /[,[\]{}]/.test(s))) return false;
	// Whatever YAML 1.1 or 1.2 would read as something else (number, boolean, null, date...) is quoted.
	return (["1.1", "1.2"] as const).every((version) => {
		const doc = parseDocument(s, { version });
		return doc.errors.length === 0 && doc.toJS() === s;
	});
}

/** A scalar as YAML text: in the old value's quoting style if it had one, else plain when safe. */
function scalar(s: string, style: unknown = undefined, flow = false): string {
	if (style === "QUOTE_SINGLE" && !UNPRINTABLE.test(s)) return `'${s.replace(/'/g, "''")}'`;
	if (style !== "QUOTE_DOUBLE" && plainIsSafe(s, flow)) return s;
	return JSON.stringify(s).replace(UNPRINTABLE_ALL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** A value as the text after `key:`; `comment` is what followed the old value on its line. */
function render(value: string | string[], eol: string, flow = false, indent = "  ", comment = ""): string {
	if (typeof value === "string") return ` ${scalar(value)}${comment}`;
	if (value.length === 0 || flow) return ` [${value.map((s) => scalar(s, undefined, true)).join(", ")}]${comment}`;
	return comment + value.map((s) => `${eol}${indent}- ${scalar(s)}`).join("");
}

function same(node: ParsedNode | null, value: string | string[]): boolean {
	if (typeof value === "string") return isScalar(node) && node.value === value;
	return isSeq(node) && node.items.length === value.length && node.items.every((item, i) => isScalar(item) && item.value === value[i]);
}

function lineStart(src: string, pos: number): number {
	return src.lastIndexOf("\n", pos - 1) + 1;
}

/** `pos` itself if it starts a line, else the start of the next line. */
function nextLine(src: string, pos: number): number {
	if (pos === 0 || src[pos - 1] === "\n") return pos;
	const nl = src.indexOf("\n", pos);
	return nl === -1 ? src.length : nl + 1;
}

function applyOne(text: string, key: string, value: FmValue): string {
	if (value !== null && typeof value === "object" && !Array.isArray(value)) return appendItems(text, key, value.append);
	const block = locate(text);
	if (block === null) {
		if (value === null) return text;
		const at = text.startsWith(BOM) ? 1 : 0;
		const eol = eolAt(text, 0);
		return `${text.slice(0, at)}---${eol}${scalar(key)}:${render(value, eol)}${eol}---${eol}${text.slice(at)}`;
	}
	const { from, eol } = block;
	const src = text.slice(from, block.to);
	const splice = (a: number, b: number, s: string) => text.slice(0, from + a) + s + text.slice(from + b);
	const pair = parse(src).map?.items.find((p) => isScalar(p.key) && String(p.key.value) === key);
	if (!pair?.key) return value === null ? text : splice(src.length, src.length, `${scalar(key)}:${render(value, eol)}${eol}`);

	const k = pair.key;
	const v = pair.value;
	if (value === null) return splice(lineStart(src, k.range[0]), nextLine(src, (v ?? k).range[1]), "");
	if (same(v, value)) return text;
	if (!v) throw new Error(`frontmatter key "${key}" has no value to replace`);

	const [r0, r1] = v.range;
	// A block value (block scalar or collection) ends after its line break: stop before it.
	let end = r1;
	if (src[end - 1] === "\n") end -= src[end - 2] === "\r" ? 2 : 1;
	const flowSeq = isSeq(v) && v.flow === true;
	const oneLine = r0 < r1 && !src.slice(r0, end).includes("\n");
	if (oneLine && typeof value === "string" && isScalar(v) && !String(v.type).startsWith("BLOCK")) return splice(r0, r1, scalar(value, v.type));
	if (oneLine && Array.isArray(value) && flowSeq) return splice(r0, r1, render(value, eol, true).slice(1));
	// Rewrite everything after the colon; a comment that followed the old value stays on the key's line.
	const colon = src.indexOf(":", k.range[1]);
	let comment = "";
	if (end === r1) {
		const nl = src.indexOf("\n", r1);
		end = nl === -1 ? src.length : src[nl - 1] === "\r" ? nl - 1 : nl;
		comment = src.slice(r1, end).trimEnd();
		if (comment !== "" && !/^\s/.test(comment)) comment = ` ${comment}`;
	}
	const indent = isSeq(v) && !flowSeq ? " ".repeat(r0 - lineStart(src, r0)) : "  ";
	return splice(colon + 1, end, render(value, eol, flowSeq, indent, comment));
}

/**
 * Adds `items` (those not there yet) after the last item of the key's block list, each on its own
 * line like the others; a flow list (`[a, b]`) is written again with them. Nothing else moves:
 * not the items there, not a comment after one of them. A key whose value is no list is left alone.
 */
function appendItems(text: string, key: string, items: readonly string[]): string {
	const block = locate(text);
	if (block === null) return text;
	const src = text.slice(block.from, block.to);
	const v = parse(src).map?.items.find((p) => isScalar(p.key) && String(p.key.value) === key)?.value;
	if (!isSeq(v)) return text;
	const add = missingItems(v.toJSON(), items);
	if (add.length === 0) return text;
	const splice = (a: number, b: number, s: string) => text.slice(0, block.from + a) + s + text.slice(block.from + b);
	const [r0, r1] = v.range;
	if (v.flow === true) {
		if (!v.items.every((item) => isScalar(item) && typeof item.value === "string")) return text;
		return splice(r0, r1, render([...v.items.map((item) => String((item as { value: unknown }).value)), ...add], block.eol, true).slice(1));
	}
	// After the line of the last item (its comment included), in its indent.
	const nl = src.indexOf("\n", Math.max(r0, r1 - 1));
	const at = nl === -1 ? src.length : src[nl - 1] === "\r" ? nl - 1 : nl;
	const indent = " ".repeat(r0 - lineStart(src, r0));
	return splice(at, at, add.map((item) => `${block.eol}${indent}- ${scalar(item)}`).join(""));
}

/** The frontmatter's data as plain JS ({} without a block), for comparing before and after. */
function data(text: string): Record<string, unknown> {
	const block = locate(text);
	if (block === null) return {};
	return (parse(text.slice(block.from, block.to)).doc.toJS() ?? {}) as Record<string, unknown>;
}

/**
 * Applies `updates` in order to the note's frontmatter, creating the block if the note has none
 * (and a value is set). Returns `text` itself when nothing changes. Throws on frontmatter that is
 * not YAML, does not parse, is not a block mapping, or that an edit would change in any other way.
 */
export function editFrontmatter(text: string, updates: ReadonlyArray<readonly [key: string, value: FmValue]>): string {
	if (unchanged(text, updates)) return text;
	let out = text;
	for (const [key, value] of updates) out = applyOne(out, key, value);
	if (out === text) return text;
	const expected = data(text);
	for (const [key, value] of updates) {
		if (value === null) delete expected[key];
		else if (typeof value === "object" && !Array.isArray(value)) {
			const current = expected[key];
			if (Array.isArray(current)) expected[key] = [...(current as unknown[]), ...missingItems(current, value.append)];
		} else expected[key] = value;
	}
	if (JSON.stringify(data(out)) !== JSON.stringify(expected)) throw new Error("frontmatter edit refused: the result would not read back as intended");
	return out;
}

/** Whether every update already holds (one parse; the common case of a second sync). */
function unchanged(text: string, updates: ReadonlyArray<readonly [key: string, value: FmValue]>): boolean {
	const block = locate(text);
	if (block === null) return updates.every(([, value]) => value === null);
	const { map } = parse(text.slice(block.from, block.to));
	return updates.every(([key, value]) => {
		const pair = map?.items.find((p) => isScalar(p.key) && String(p.key.value) === key);
		if (value !== null && typeof value === "object" && !Array.isArray(value)) return !isSeq(pair?.value) || missingItems(pair.value.toJSON(), value.append).length === 0;
		return value === null ? pair === undefined : pair !== undefined && same(pair.value ?? null, value);
	});
}

/** A whole frontmatter block for a new note, written as editFrontmatter writes values. */
export function frontmatterBlock(entries: ReadonlyArray<readonly [key: string, value: FmValue]>, eol = "\n"): string {
	const lines = entries.flatMap(([k, v]) => (v === null ? [] : [`${k}:${render(typeof v === "object" && !Array.isArray(v) ? [...v.append] : v, eol)}`]));
	return `---${eol}${lines.join(eol)}${eol}---${eol}`;
}
