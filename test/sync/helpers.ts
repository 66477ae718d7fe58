// Helpers for the sync property tests: vaults from folders on disk, cached ATT&CK models, marker
// lines planted in notes where a user would write (see `markerSites`), and readable diffs.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { loadBundle, type AttackModel } from "../../src/core/attack/model";
import { runSync, type SyncCommandOptions, type SyncReport } from "../../src/core/commands/sync";
import type { SyncPlan } from "../../src/core/sync/plan";
import { LinkResolver } from "../../src/core/links/resolve";
import { scanWikiLinks } from "../../src/core/links/wikilink";
import { MemoryVault } from "../helpers/memory-vault";
import { FIXTURES } from "../helpers/paths";

export type Files = Record<string, string | Uint8Array>;

/** Every file under `dir` outside dot-folders (the config folder), by vault-relative path, as text. */
export function readTree(dir: string): Record<string, string> {
	const out: Record<string, string> = {};
	const walk = (sub: string) => {
		for (const entry of readdirSync(path.join(dir, sub), { withFileTypes: true })) {
			if (entry.name.startsWith(".")) continue;
			const rel = sub === "" ? entry.name : `${sub}/${entry.name}`;
			if (entry.isDirectory()) walk(rel);
			else out[rel] = readFileSync(path.join(dir, rel), "utf8");
		}
	};
	walk("");
	return out;
}

/** The vault's `.obsidian/app.json` for MemoryVault's config map (absolute links in the sample vault). */
export function appConfig(dir: string): Record<string, string> {
	const file = path.join(dir, ".obsidian", "app.json");
	return { "app.json": existsSync(file) ? readFileSync(file, "utf8") : '{"newLinkFormat":"absolute"}' };
}

/** The four seeds as a user would save them in a vault. */
export const SEED_PATHS = {
	classic: "Seeds/Malicious Link.md",
	controls: "Seeds/T1204.001 controls.md",
	export: "Seeds/Malicious Link (T1204.001).md",
	sigma: "Seeds/rule.yml",
} as const;

export function seedFiles(): Record<string, string> {
	const seed = (name: string) => readFileSync(path.join(FIXTURES, "seeds", name), "utf8");
	return {
		[SEED_PATHS.classic]: seed("000_5af53c4802e223ec.txt"),
		[SEED_PATHS.controls]: seed("001_0d48587a02f2203b.txt"),
		[SEED_PATHS.export]: seed("002_3d88cb3993d8c248.txt"),
		[SEED_PATHS.sigma]: seed("003_242d49b61a312280.txt"),
	};
}

const models = new Map<string, AttackModel>();

/** The bundle at `file`, parsed once per test file. */
export function model(file: string): AttackModel {
	let m = models.get(file);
	if (!m) models.set(file, (m = loadBundle(readFileSync(file, "utf8"), path.basename(file))));
	return m;
}

export function textOf(data: string | Uint8Array | undefined): string {
	if (data === undefined) throw new Error("no such file");
	return typeof data === "string" ? data : new TextDecoder().decode(data);
}

/** A copy of the vault's files, to compare before and after. */
export function snapshot(vault: MemoryVault): Map<string, string | Uint8Array> {
	return new Map(vault.files);
}

/** Sync and return the report, the plan and the paths this run wrote. */
export async function syncOnce(vault: MemoryVault, m: AttackModel, opts: SyncCommandOptions = {}): Promise<{ report: SyncReport; plan: SyncPlan; wrote: string[] }> {
	const before = vault.writes.length;
	const { report, plan } = await runSync(vault, m, opts);
	return { report, plan, wrote: vault.writes.slice(before) };
}

/** What a plan changes, for failure messages: the paths, and a diff of the first changed note. */
export function changesOf(plan: SyncPlan): string {
	const changed = plan.notes.filter((n) => n.action === "updated" || n.action === "created");
	if (changed.length === 0) return "no changes";
	const first = changed[0];
	return `${changed.map((n) => `${n.action}: ${n.path}`).join("\n")}\n${lineDiff(first.path, first.before ?? "", first.after ?? "", ["before", "after"])}`;
}

// ---------------------------------------------------------------------------------------------
// Markers: a unique line of the user's own, planted at one place in a note.

export interface Marker {
	/** Where it was planted, for failure messages ("paragraph before `### Tactic`"). */
	site: string;
	/** The line as inserted. */
	line: string;
}

/** Lines to insert before line `at` of the note (split on "\n"), and the marker lines among them. */
export interface Insertion {
	at: number;
	/** It continues the line above (a list item, a table row, a line under a heading): it goes first at `at`. */
	attached: boolean;
	/** It sits below a thematic break (`---`) with only blank lines between: the classic layout's frame above `### References`. */
	belowBreak: boolean;
	/** A line put directly above a paragraph (no blank line between): the two read as one paragraph. */
	joinsParagraph: boolean;
	/** Inside a fenced code block (the export seed never closes its fences, so all below its first one is code). */
	inCode: boolean;
	lines: string[];
	markers: Marker[];
}

const HEADING = /^ {0,3}#{1,6}(?:[ \t]|$)/;
const LIST_ITEM = /^([ \t]*)([-*+]|\d{1,9}[.)])[ \t]+\S/;
const TABLE_ROW = /^[ \t]*\|/;
const TABLE_DELIMITER = /^[ \t]*\|?[ \t]*:?-+:?[ \t]*(\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$/;
const FENCE_OPEN = /^ {0,3}(`{3,}|~{3,})(.*)$/;
const THEMATIC_BREAK = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;

/**
 * For each line of `lines`, whether it belongs to a fenced code block (fences included), and
 * whether a fence is still open after it (a line inserted below it would be code).
 */
function codeLines(lines: readonly string[], from: number): { code: boolean[]; openAfter: boolean[] } {
	const code = lines.map(() => false);
	const openAfter = lines.map(() => false);
	let fence: { ch: string; len: number } | null = null;
	for (let i = from; i < lines.length; i++) {
		const line = lines[i];
		if (fence) {
			code[i] = true;
			const close = /^ {0,3}(`{3,}|~{3,})[ \t]*$/.exec(line);
			if (close && close[1][0] === fence.ch && close[1].length >= fence.len) fence = null;
		} else {
			const open = FENCE_OPEN.exec(line);
			// A backtick fence's info string holds no backtick (``` a``` is inline code, not a fence).
			if (open && !(open[1][0] === "`" && open[2].includes("`"))) {
				fence = { ch: open[1][0], len: open[1].length };
				code[i] = true;
			}
		}
		openAfter[i] = fence !== null;
	}
	return { code, openAfter };
}

/** The closing line of a leading `---` frontmatter block, or -1. */
function frontmatterEnd(lines: readonly string[]): number {
	if (lines[0]?.replace(/^\uFEFF/, "").trimEnd() !== "---") return -1;
	for (let i = 1; i < lines.length; i++) if (lines[i].trimEnd() === "---") return i;
	return -1;
}

/**
 * Every place of an LF note where a user might add words, each as one insertion with its own
 * marker number: frontmatter key and YAML comment; before each heading a paragraph, a callout,
 * an HTML comment and a `%%` comment (each its own block); a line directly under each heading;
 * an item appended to each list; a row appended to each table; a footnote reference (ending the
 * first section) with its definition at the end; a trailing `## My section`. Headings, lists and
 * tables are found by line patterns outside fenced code.
 */
export function markerSites(text: string): Insertion[] {
	const lines = text.split("\n");
	// Insertions "at the end" go before the empty string a final newline leaves.
	const end = text.endsWith("\n") ? lines.length - 1 : lines.length;
	const fmEnd = frontmatterEnd(lines);
	const bodyStart = fmEnd + 1;
	const { code, openAfter } = codeLines(lines, bodyStart);
	const body = (i: number) => i >= bodyStart && !code[i];
	/** The last non-blank line above `at`, or -1. */
	const above = (at: number) => {
		let i = at - 1;
		while (i >= bodyStart && lines[i].trim() === "") i--;
		return i >= bodyStart ? i : -1;
	};
	// A `---` after a blank line (or opening the body) is a thematic break, not a setext underline.
	const isBreak = (i: number) => i >= 0 && body(i) && THEMATIC_BREAK.test(lines[i]) && (i === bodyStart || lines[i - 1].trim() === "");
	const isProse = (i: number) => i < end && body(i) && lines[i].trim() !== "" && ![HEADING, LIST_ITEM, TABLE_ROW, THEMATIC_BREAK, /^\s*(?:>|<|%%)/].some((re) => re.test(lines[i]));

	let n = 0;
	const mark = () => `USER-MARK-${++n}`;
	const words = () => `${mark()} my own words about this`;
	const out: Insertion[] = [];
	const insert = (at: number, attached: boolean, block: string[], markers: Marker[]) =>
		out.push({ at, attached, belowBreak: isBreak(above(at)), joinsParagraph: false, inCode: at > bodyStart && openAfter[at - 1], lines: block, markers });
	const add = (at: number, site: string, before: string[], line: string, after: string[] = []) => insert(at, before.length === 0, [...before, line, ...after], [{ site, line }]);

	if (fmEnd > 0) {
		add(1, "YAML comment opening the frontmatter", [], `# ${mark()}`);
		add(fmEnd, "frontmatter key closing the frontmatter", [], `my_key: ${mark()}`);
	} else {
		const comment = `# ${mark()}`;
		const key = `my_key: ${mark()}`;
		insert(0, false, ["---", comment, key, "---"], [
			{ site: "YAML comment in a new frontmatter", line: comment },
			{ site: "key in a new frontmatter", line: key },
		]);
	}

	const headings: number[] = [];
	for (let i = bodyStart; i < end; i++) if (body(i) && HEADING.test(lines[i])) headings.push(i);
	for (const h of headings) {
		const title = `\`${lines[h].trim()}\``;
		add(h, `paragraph before ${title}`, [""], words(), [""]);
		add(h, `callout before ${title}`, [""], `> [!note] ${mark()}`, [""]);
		add(h, `HTML comment before ${title}`, [""], `<!-- ${mark()} -->`, [""]);
		add(h, `%% comment before ${title}`, [""], `%% ${mark()} %%`, [""]);
		add(h + 1, `line directly under ${title}`, [], words());
		out[out.length - 1].joinsParagraph = isProse(h + 1);
	}

	// Lists: runs of item lines (and their indented continuations) with no blank line between.
	const continues = (i: number) => body(i) && lines[i].trim() !== "" && (LIST_ITEM.test(lines[i]) || /^[ \t]/.test(lines[i]));
	for (let i = bodyStart; i < end; i++) {
		const item = body(i) ? LIST_ITEM.exec(lines[i]) : null;
		if (!item || (i > bodyStart && continues(i - 1))) continue;
		let last = i;
		while (last + 1 < end && continues(last + 1)) last++;
		const bullet = /^\d/.test(item[2]) ? `1${item[2].slice(-1)}` : item[2];
		add(last + 1, `item appended to the list at line ${i + 1} (\`${lines[i].trim().slice(0, 40)}\`)`, [], `${item[1]}${bullet} ${mark()}`);
	}

	// Tables: a row, a delimiter row, then rows; the new row goes after the last one.
	for (let i = bodyStart; i + 1 < end; i++) {
		if (!body(i) || !TABLE_ROW.test(lines[i]) || !TABLE_DELIMITER.test(lines[i + 1]) || (i > bodyStart && TABLE_ROW.test(lines[i - 1]))) continue;
		let last = i + 1;
		while (last + 1 < end && body(last + 1) && TABLE_ROW.test(lines[last + 1])) last++;
		const m = mark();
		add(last + 1, `row appended to the table at line ${i + 1} (\`${lines[i].trim().slice(0, 40)}\`)`, [], `| CUSTOM-${m.slice("USER-MARK-".length)} | ${m} | mine |`);
	}

	// A footnote: the reference ends the first section (above the classic frame's `---`), the definition ends the note.
	const label = `um-${n + 1}`;
	const ref = `${mark()} my own words about this with a footnote.[^${label}]`;
	const def = `[^${label}]: ${mark()} where I read it`;
	let refAt = headings.length > 1 ? headings[1] : end;
	if (isBreak(above(refAt))) refAt = above(refAt);
	insert(refAt, false, ["", ref, ""], [{ site: "paragraph with a footnote reference ending the first section", line: ref }]);
	insert(end, false, ["", def], [{ site: "footnote definition at the end", line: def }]);

	add(end, "paragraph in a trailing `## My section`", ["", "## My section", ""], words());
	return out;
}

/** The note with the given insertions made: before their line, attached ones first, else in the order given. */
export function plant(text: string, insertions: readonly Insertion[]): string {
	const lines = text.split("\n");
	const before = new Map<number, Insertion[]>();
	const ordered = [...insertions.filter((i) => i.attached), ...insertions.filter((i) => !i.attached)];
	for (const ins of ordered) before.set(ins.at, [...(before.get(ins.at) ?? []), ins]);
	const out: string[] = [];
	for (let i = 0; i <= lines.length; i++) {
		for (const ins of before.get(i) ?? []) {
			// One blank line between stacked blocks is enough.
			const blankAbove = out.length > 0 && out[out.length - 1].trim() === "";
			out.push(...(blankAbove && ins.lines[0] === "" ? ins.lines.slice(1) : ins.lines));
		}
		if (i < lines.length) out.push(lines[i]);
	}
	return out.join("\n");
}

/** What is wrong with the markers in `text`: each marker line must be there exactly once, verbatim (trimmed). */
export function markerProblems(file: string, text: string, markers: readonly Marker[]): string[] {
	const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/).map((l) => l.trim());
	const problems: string[] = [];
	for (const m of markers) {
		const count = lines.filter((l) => l === m.line.trim()).length;
		if (count !== 1) problems.push(`${file}: ${m.site}: "${m.line}" found ${count} times`);
	}
	return problems;
}

export const toCrlf = (text: string): string => text.replace(/\r?\n/g, "\r\n");
export const withBom = (text: string): string => (text.startsWith("\uFEFF") ? text : `\uFEFF${text}`);

/** A short unified-style view of where two texts first differ (and last differ), with line numbers. */
export function lineDiff(file: string, a: string | undefined, b: string | undefined, labels: [string, string] = ["a", "b"]): string {
	if (a === undefined || b === undefined) return `${file}: only in ${a === undefined ? labels[1] : labels[0]}`;
	const x = a.split("\n");
	const y = b.split("\n");
	let top = 0;
	while (top < x.length && top < y.length && x[top] === y[top]) top++;
	let bottom = 0;
	while (bottom < x.length - top && bottom < y.length - top && x[x.length - 1 - bottom] === y[y.length - 1 - bottom]) bottom++;
	const context = 2;
	const show = (s: string) => JSON.stringify(s).slice(1, -1);
	const out = [`--- ${labels[0]}: ${file}`, `+++ ${labels[1]}: ${file}`, `@@ line ${top + 1} @@`];
	for (let i = Math.max(0, top - context); i < top; i++) out.push(`  ${show(x[i])}`);
	for (let i = top; i < x.length - bottom; i++) out.push(`- ${show(x[i])}`);
	for (let i = top; i < y.length - bottom; i++) out.push(`+ ${show(y[i])}`);
	for (let i = x.length - bottom; i < Math.min(x.length, x.length - bottom + context); i++) out.push(`  ${show(x[i])}`);
	return out.join("\n");
}

/** The first path whose content differs between two file maps, with a diff; null when equal. */
export function firstDifference(a: ReadonlyMap<string, string | Uint8Array>, b: ReadonlyMap<string, string | Uint8Array>, labels: [string, string]): string | null {
	const paths = [...new Set([...a.keys(), ...b.keys()])].sort();
	const differing = paths.filter((p) => {
		const x = a.get(p);
		const y = b.get(p);
		return x === undefined || y === undefined || textOf(x) !== textOf(y);
	});
	if (differing.length === 0) return null;
	const p = differing[0];
	const x = a.get(p);
	const y = b.get(p);
	const diff = lineDiff(p, x === undefined ? undefined : textOf(x), y === undefined ? undefined : textOf(y), labels);
	return `${differing.length} file(s) differ: ${differing.join(", ")}\n${diff}`;
}

/** The first non-blank line of `a` not found, in order, among the lines of `b`; null when `a`'s lines all are. */
export function missingInOrder(a: string, b: string): string | null {
	const want = a.split(/\r?\n/).filter((l) => l.trim() !== "");
	const have = b.split(/\r?\n/);
	let j = 0;
	for (const line of want) {
		while (j < have.length && have[j] !== line) j++;
		if (j === have.length) return line;
		j++;
	}
	return null;
}

/** Wiki-links in the vault's notes that land on no file, as `path: [[link]]`. */
export function brokenLinks(vault: MemoryVault): string[] {
	const files = [...vault.files.keys()];
	const resolver = new LinkResolver(files);
	return files.filter((f) => f.endsWith(".md")).flatMap((f) => scanWikiLinks(textOf(vault.files.get(f))).filter((l) => l.target !== "" && resolver.resolve(l.target, f).path === null).map((l) => `${f}: ${l.raw}`));
}
