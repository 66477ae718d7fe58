/**
 * How a note writes its footnotes, learned from its definitions, so new text cites in the note's
 * own form: numbered `[^12]` (vincenzocaputo, scorchederf, FancyP4nda), a source name with
 * underscores `[^Wikipedia_Rootkit]` (reuteras), or sync's own `[^wikipedia-rootkit]`. A source
 * the note already defines keeps its label (found by the URL or name the definition gives); a new
 * one gets the next label of the note's kind, and a definition written like the note's others,
 * after the last of them (inside the same callout). Definitions already there are never removed:
 * other text in the note (procedure tables) may cite them.
 */
import type { Edit } from "./edits";

export interface LearnedDef {
	label: string;
	/** What the definition links or names: its URLs and the text in its first `[...]`. */
	urls: string[];
	bracket: string | null;
}

export interface FootnoteStyle {
	kind: "numbered" | "underscore";
	/** How a new definition is written: `[name](url)` or `[description](url)`. */
	text: "name" | "description";
	/** Labels by source URL and by name, from the note's definitions. */
	byUrl: Map<string, string>;
	byName: Map<string, string>;
	taken: Set<string>;
	/** Where new definitions go: after this offset (the end of the last one, labelled `last`), each line with this prefix, this many blank lines apart. */
	insertAt: number;
	last: string;
	prefix: string;
	gap: number;
	eol: string;
}

const DEF = /^((?:>[ \t]?)*)\[\^([^\]\s]+)\]:[ \t]*(.*?)\s*$/;

/** The note's foreign footnote style, or null when it has no definitions or writes sync's own. */
export function learnFootnoteStyle(text: string, ours: (line: string) => boolean): FootnoteStyle | null {
	const defs: Array<LearnedDef & { end: number; prefix: string; line: number }> = [];
	const lines = text.split("\n");
	let pos = 0;
	let fence = false;
	lines.forEach((raw, i) => {
		const line = raw.replace(/\r$/, "");
		if (/^ {0,3}(?:`{3,}|~{3,})/.test(line)) fence = !fence;
		const m = fence ? null : DEF.exec(line);
		pos += raw.length + 1;
		if (!m) return;
		// `[Name](url)`, or a name alone (a source ATT&CK gives no URL for).
		const bracket = /^\[([^\]]*)\]\(/.exec(m[3]);
		const named = bracket ? bracket[1] : /^[^[\]()<>]+$/.test(m[3]) ? m[3].trim() : null;
		defs.push({ label: m[2], urls: m[3].match(/https?:\/\/[^\s)>]+/g) ?? [], bracket: named, end: Math.min(pos, text.length), prefix: m[1], line: i });
	});
	if (defs.length === 0) return null;
	// The generator's definitions are most of them; a footnote the user added (`[^mine]`) is not
	// the style. Sync's labels are lower case with dashes; a source name keeps its case and spaces
	// become `_`.
	// Definitions citing a source (a URL) say it best; a note of the user's rarely has one.
	const cite = defs.filter((d) => d.urls.length > 0);
	const basis = cite.length > 0 ? cite : defs;
	const digits = basis.filter((d) => /^\d+$/.test(d.label));
	const cased = basis.filter((d) => !/^\d+$/.test(d.label) && /[_A-Z]/.test(d.label));
	const numbered = digits.length * 2 > basis.length;
	const underscore = !numbered && cased.length * 2 > basis.length;
	if (!numbered && !underscore) return null;
	// New definitions go after the generator's last one, in its callout if it wrote them in one.
	const own = numbered ? digits : cased;
	// Sync's own definitions never start with a link (`[^x]: Name. Text <url>`). Asked last, and
	// of most definitions, as for the style: a footnote the user added may look like sync's (`[^mine]`).
	const synced = basis.filter((d) => {
		const l = lines[d.line].replace(/\r$/, "");
		return !/\]:[ \t]*\[/.test(l) && ours(l);
	}).length;
	if (synced * 2 >= basis.length) return null;
	const last = own[own.length - 1];
	const prev = own.length > 1 ? own[own.length - 2] : null;
	const style: FootnoteStyle = {
		kind: numbered ? "numbered" : "underscore",
		// reuteras writes the reference's text in the brackets, the others its source name.
		text: numbered ? "name" : "description",
		byUrl: new Map(),
		byName: new Map(),
		taken: new Set(defs.map((d) => d.label)),
		insertAt: last.end,
		last: last.label,
		prefix: last.prefix,
		gap: prev ? Math.max(0, last.line - prev.line - 1) : 0,
		eol: text.includes("\r\n") ? "\r\n" : "\n",
	};
	for (const d of defs) {
		for (const u of d.urls) if (!style.byUrl.has(u)) style.byUrl.set(u, d.label);
		if (d.bracket !== null && !style.byName.has(d.bracket)) style.byName.set(d.bracket, d.label);
		if (!numbered && !style.byName.has(d.label)) style.byName.set(d.label.replace(/_/g, " "), d.label);
	}
	return style;
}

/** The label for a source in the note's style: the one it has, else a new one (recorded as taken). */
export function styledLabel(style: FootnoteStyle, name: string, description?: string, url?: string): string {
	const known = (url && style.byUrl.get(url)) || style.byName.get(name) || (description ? style.byName.get(description) : undefined);
	if (known) return known;
	let label: string;
	if (style.kind === "numbered") {
		let n = 1;
		for (const t of style.taken) if (/^\d+$/.test(t)) n = Math.max(n, Number(t) + 1);
		label = String(n);
	} else {
		const base = name.trim().replace(/\s+/g, "_") || "ref";
		label = base;
		for (let k = 2; style.taken.has(label); k++) label = `${base}_${k}`;
	}
	style.taken.add(label);
	if (url) style.byUrl.set(url, label);
	style.byName.set(name, label);
	return label;
}

/** The definition of a new footnote, written as the note writes its others. */
export function styledDefinition(style: FootnoteStyle, f: { label: string; name: string; description?: string; url?: string }): string {
	const shown = (style.text === "description" ? f.description?.trim().replace(/\s+/g, " ") : undefined) || f.name;
	const body = f.url ? `[${shown.replace(/[[\]]/g, "")}](${f.url.trim().replace(/[\s()<>]/g, encodeURIComponent)})` : shown;
	return `${style.prefix}[^${f.label}]: ${body}`;
}

/** The edit adding definitions for the labels `cited` that the note does not define, or null. */
export function addDefinitions(style: FootnoteStyle, text: string, cited: ReadonlyArray<{ label: string; name: string; description?: string; url?: string }>): Edit | null {
	const defined = new Set<string>();
	for (const m of text.matchAll(/^(?:>[ \t]?)*\[\^([^\]\s]+)\]:/gm)) defined.add(m[1]);
	const missing = cited.filter((f) => !defined.has(f.label));
	if (missing.length === 0) return null;
	const sep = style.prefix.trimEnd();
	const between = Array<string>(style.gap).fill(sep);
	const lines: string[] = [];
	for (const f of missing) lines.push(...between, styledDefinition(style, f));
	// After the last definition's line break (a definition on the last line gets one first).
	const atEnd = style.insertAt >= text.length && !text.endsWith("\n");
	const block = (atEnd ? style.eol : "") + lines.join(style.eol) + (atEnd ? "" : style.eol);
	return { start: style.insertAt, end: style.insertAt, text: block };
}

/**
 * `add` placed among `edits`: when another edit spans the place (a section merged around the
 * definitions, kept as the user's lines), the new definitions go into its text after the same
 * last definition; else `add` is an edit of its own.
 */
export function placeDefinitions(style: FootnoteStyle, edits: Edit[], add: Edit): void {
	const over = edits.find((e) => e.start <= add.start && add.start <= e.end && !(e.start === e.end));
	if (!over) {
		edits.push(add);
		return;
	}
	const marker = `${style.prefix}[^${style.last}]:`;
	const at = over.text.lastIndexOf(marker);
	if (at < 0) return;
	const nl = over.text.indexOf("\n", at);
	const lines = add.text.replace(/^\r?\n/, "").replace(/\r?\n$/, "");
	over.text = nl === -1 ? `${over.text}${style.eol}${lines}` : `${over.text.slice(0, nl + 1)}${lines}${style.eol}${over.text.slice(nl + 1)}`;
}
