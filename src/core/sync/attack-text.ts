/**
 * ATT&CK description text -> note Markdown. `(Citation: Name)` markers become footnote
 * references collected in a FootnoteSet (first use first, one per source name); links to
 * attack.mitre.org pages become wiki-links to the vault's notes (or `Name (ID)` in the plain
 * export layout); `<code>` becomes backticks; table cells get `\|` and `<br />`.
 */
import type { StixObject } from "../attack/stix";
import { citationsIn, urlsIn } from "../attack/text";
import { styledLabel, type FootnoteStyle } from "./footnote-style";

export interface Footnote {
	label: string;
	name: string;
	description?: string;
	url?: string;
}

export interface TextContext {
	/** A wiki-link for an ATT&CK ID with the given display text, or null when the vault has no note for it (then the Markdown link stays). */
	link(id: string, text: string): string | null;
	/** True inside a table cell: `|` must be written `\|` (including in wiki-links the link() callback returned), and line breaks become `<br />`. */
	inTable?: boolean;
	/** "markdown" (default) or "plain": plain is the export layout, where `[Name](https://attack.mitre.org/techniques/T1566/002)` becomes `Name (T1566.002)` and no wiki-links are written. */
	mode?: "markdown" | "plain";
	/**
	 * "raw" keeps ATT&CK's `(Citation: Name)` markers, for text a generator wrote that way
	 * (scorchederf's tactic tables); "none" drops them, for a note with no footnotes to define
	 * them in (reuteras' tactic notes); default: footnotes.
	 */
	citations?: "footnotes" | "raw" | "none";
	/** In a table cell, how a line break is written: `<br />` (default) or the note's `<br>`. */
	br?: string;
}

/** Footnote label of a source name: lowercase, runs of anything but a-z0-9 as `-`; `ref` when nothing is left. */
export function footnoteLabel(name: string): string {
	return name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "") || "ref";
}

/** Collects footnotes in first-use order, one per source name; names whose labels clash get `-2`, `-3`... */
export class FootnoteSet {
	private readonly byName = new Map<string, Footnote>();
	private readonly labels = new Set<string>();

	/** `style`: the note's own way of labelling footnotes (numbered, underscores), when not sync's. */
	constructor(private readonly style: FootnoteStyle | null = null) {}

	/** The label of the footnote for `name`, added on first use. */
	add(name: string, description?: string, url?: string): string {
		const known = this.byName.get(name);
		if (known !== undefined) {
			// A later citation may resolve what an earlier one could not.
			known.description ??= description;
			known.url ??= url;
			return known.label;
		}
		if (this.style) {
			const styled = styledLabel(this.style, name, description, url);
			this.byName.set(name, { label: styled, name, description, url });
			return styled;
		}
		const base = footnoteLabel(name);
		let label = base;
		for (let n = 2; this.labels.has(label); n++) label = `${base}-${n}`;
		this.labels.add(label);
		this.byName.set(name, { label, name, description, url });
		return label;
	}

	list(): Footnote[] {
		return [...this.byName.values()].map((f) => ({ ...f }));
	}

	/**
	 * A set to render an earlier release's text into: its footnotes get the labels this set
	 * gives (or would give) them, but are not added here, so a note never defines a footnote only
	 * a release before its base cited. A set in a note's own style (whose labels follow the order
	 * footnotes are added in) is itself.
	 */
	fork(): FootnoteSet {
		if (this.style) return this;
		const copy = new FootnoteSet();
		for (const [name, f] of this.byName) copy.byName.set(name, { ...f });
		for (const label of this.labels) copy.labels.add(label);
		return copy;
	}

	/** Whether labels follow the note's own style. */
	get styled(): boolean {
		return this.style !== null;
	}

	/** The definition line for one footnote: `[^label]: Name. Description <url>` (description/url parts omitted when absent; url in angle brackets so Obsidian makes it a link). */
	static definition(f: Footnote): string {
		let line = `[^${f.label}]: ${f.name}${f.name.endsWith(".") ? "" : "."}`;
		// Runs of white space made one space; most descriptions have none to change, and are kept as they are.
		const description = f.description?.trim();
		if (description) line += ` ${/\s\s|[^\S ]/.test(description) ? description.replace(/\s+/g, " ") : description}`;
		if (f.url?.trim()) line += ` <${f.url.trim().replace(/[\s<>]/g, encodeURIComponent)}>`;
		return line;
	}
}

const DEFINITION = /^\[\^([^\]\s]+)\]:[ \t]+(.*?)\s*$/;

/** Recognize a definition line written by FootnoteSet.definition: returns the name, or null if the line is not one of ours (user footnotes like `[^mine]: My own summary` are not ours). */
export function ourFootnoteName(line: string): string | null {
	const m = DEFINITION.exec(line);
	if (m === null) return null;
	const [, label, text] = m;
	// The name ends at a `. `, but names may hold `. ` themselves ("U.S. CERT"): try each, shortest first.
	const candidates: string[] = [];
	for (let i = text.indexOf(". "); i !== -1; i = text.indexOf(". ", i + 1)) candidates.push(text.slice(0, i));
	if (text.endsWith(".")) candidates.push(text.slice(0, -1));
	return candidates.find((name) => name.trim() !== "" && labelFits(label, footnoteLabel(name))) ?? null;
}

/** `label` is `base` or `base` with a clash suffix (`-2`). */
function labelFits(label: string, base: string): boolean {
	return label === base || (label.startsWith(`${base}-`) && /^\d+$/.test(label.slice(base.length + 1)));
}

/** ATT&CK text as Markdown for a note; citations go to `footnotes`, resolved against `refs.external_references`. */
export function renderAttackText(text: string, refs: StixObject, ctx: TextContext, footnotes: FootnoteSet): string {
	// Each pass only where the text has what it changes: this renders every relationship of every
	// note, and a pass that changes nothing still copies the text.
	const plain = text.includes("\r") ? text.replace(/\r\n?/g, "\n") : text;
	let out = ctx.citations === "raw" ? plain : ctx.citations === "none" ? dropCitations(plain, refs) : replaceCitations(plain, refs, footnotes);
	if (/<code>/i.test(out)) out = out.replace(/<code>([\s\S]*?)<\/code>/gi, (_, code: string) => codeSpan(code));
	if (out.includes("](")) out = out.replace(/\[([^\]\n]*)\]\(([^()\s]+)\)/g, (whole, label: string, url: string) => renderLink(whole, label, url, ctx));
	if (/[ \t](?:$|[\n\u2028\u2029])|\n\n\n|^\n|\n$/.test(out)) out = out.replace(/[ \t]+$/gm, "").replace(/\n{3,}/g, "\n\n").replace(/^\n+|\n+$/g, "");
	if (ctx.inTable === true) {
		if (out.includes("|")) out = out.replace(/\\?\|/g, "\\|");
		if (out.includes("\n")) out = out.replace(/\n/g, ctx.br ?? "<br />");
	}
	return out;
}

/** After a marker: more markers, then the end of the line? Then the markers sit on a line of their own. */
const REST_OF_LINE = /(?:[ \t]*\(Citation:[^)\n]*\))*[ \t]*(?:\n|$)/y;
/** Markers citationsIn cannot read (`(Citation: )`, other case, unclosed), so none survives. */
const LEFTOVER = /\s*\(citation:([^)\n]*)\)?/gi;

function replaceCitations(text: string, refs: StixObject, footnotes: FootnoteSet): string {
	let out = "";
	let pos = 0;
	for (const c of citationsIn(text, refs)) {
		if (c.start < pos) continue;
		let { name, end } = c;
		let ref: { description?: string; url?: string } = c;
		// `(Citation: BlackEnergy (Group))`: citationsIn stops at the first `)`.
		if (count(name, "(") > count(name, ")") && text[end] === ")") {
			name += ")";
			end++;
			ref = refs.external_references?.find((r) => r.source_name === name) ?? {};
		}
		// The marker hugs the text it cites: drop the spaces before it, and the line break too
		// when the marker has a line of its own (it still cites the text above).
		REST_OF_LINE.lastIndex = end;
		const before = text.slice(pos, c.start);
		out += REST_OF_LINE.test(text) ? before.trimEnd() : before.replace(/[ \t]+$/, "");
		out += `[^${footnotes.add(name, ref.description, ref.url)}]`;
		pos = end;
	}
	out += text.slice(pos);
	return out.replace(LEFTOVER, (_, name: string) => {
		const n = name.trim();
		if (n === "") return "";
		const ref = refs.external_references?.find((r) => r.source_name === n);
		return `[^${footnotes.add(n, ref?.description, ref?.url)}]`;
	});
}

/** The text with its citation markers gone (and the spaces before them), as footnotes would place them. */
function dropCitations(text: string, refs: StixObject): string {
	const scratch = new FootnoteSet();
	const marked = replaceCitations(text, refs, scratch);
	const labels = new Set(scratch.list().map((f) => `[^${f.label}]`));
	return marked.replace(/\[\^[^\]\s]+\]/g, (m) => (labels.has(m) ? "" : m));
}

function count(s: string, ch: string): number {
	return s.split(ch).length - 1;
}

/** `[label](url)`: a link to an ATT&CK page becomes a wiki-link (or `label (ID)` in plain mode); others stay. */
function renderLink(whole: string, label: string, url: string, ctx: TextContext): string {
	const [page] = urlsIn(url);
	if (page === undefined || page.start !== 0 || page.end !== url.length) return whole;
	if (ctx.mode === "plain") return label.trim() === "" || label === page.id ? page.id : `${label} (${page.id})`;
	return ctx.link(page.id, label) ?? whole;
}

const ENTITIES: Readonly<Record<string, string>> = { "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'", "&amp;": "&" };

/** `<code>` content as a Markdown code span: entities decoded (backticks show them raw), one line, a fence longer than any backtick run inside. */
function codeSpan(code: string): string {
	const text = code.replace(/&(?:lt|gt|quot|#39|amp);/g, (e) => ENTITIES[e]).replace(/\s*\n\s*/g, " ");
	if (text.trim() === "") return text;
	const fence = "`".repeat(Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length)) + 1);
	const pad = text.startsWith("`") || text.endsWith("`") ? " " : "";
	return `${fence}${pad}${text}${pad}${fence}`;
}
