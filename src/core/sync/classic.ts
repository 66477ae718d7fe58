/**
 * The classic layout (notes from the Python generators): `alias: T1110` frontmatter, `## T1110`,
 * the description, then `### Tactic`, `### Platforms`, `### Permissions Required`,
 * `### Mitigations` and `### Sub-techniques` (tables of `[[path\|ID]]` links), `---` and
 * `### References`. Tactic and mitigation notes have the description and references only.
 *
 * Each section the layout owns is merged line by line (see merge.ts): ATT&CK's lines are
 * replaced, the user's stay where they were. A section the note lacks is added only when it
 * has something to show, before the sections that follow it in the layout.
 */
import { attackIdOf, counterpart, isSubtechnique, type AttackModel } from "../attack/model";
import type { StixObject } from "../attack/stix";
import { claimedId } from "../links/judge";
import { scanWikiLinks } from "../links/wikilink";
import { findSection, type Section } from "../notes/markdown";
import type { Outline } from "../notes/outline";
import type { Note } from "../notes/read";
import { FootnoteSet, ourFootnoteName, renderAttackText } from "./attack-text";
import type { ManagedSection, SyncContext } from "./context";
import { eolOf, mergeEdit, regionOf, type Edit } from "./edits";
import type { Classifier, NewLine, Shape, Verdict } from "./merge";
import { NOTICE, normalizeLine, proseClassifier, proseLines, userSentences, type Stale } from "./prose";
import { addDefinitions, learnFootnoteStyle, placeDefinitions } from "./footnote-style";
import { relationTableEdits } from "./tables";
import { aliasTableEdits } from "./alias-table";
import { KINDS, kindOfObject, kindSpec, relationTables } from "../kinds";
import { bodyLines, listItems, locateProse, paragraphTokens } from "./locate";
import { carryInsertions, containsWords, merge3, sameWords, similarity, tokenize, userAdditions } from "./words";
import { ATTACK_REF_SOURCES, knownPermissions, knownPlatforms, notice, refLines, type SectionPlan } from "./common";

const LIST: Shape = { lead: 0, trail: 1 };

/** The setting that leaves a section to the user. */
const SECTION_OF: Readonly<Record<string, ManagedSection>> = {
	Tactic: "tactics",
	Platforms: "platforms",
	"Permissions Required": "permissions",
	Mitigations: "mitigations",
	"Sub-techniques": "sub-techniques",
	// A group's or software's other names and a campaign's sightings head ATT&CK's page with its description.
	Aliases: "description",
	"First Seen": "description",
	"Last Seen": "description",
};
const TABLE: Shape = { lead: 1, trail: 1 };

/**
 * The ID a row's first cell claims (`[[path\|M1031]]`, `M1031`, or a link to a note named by its ID
 * that shows it: `[[C0026]]`, a campaign ATT&CK names by its ID), or null.
 */
export function idOfCells(cells: readonly string[] | null): string | null {
	if (cells === null || cells.length === 0) return null;
	const cell = cells[0];
	const links = scanWikiLinks(cell);
	if (links.length > 0) {
		const link = links[0];
		const bare = link.alias === null && link.subpath === null ? PLAIN_ID.exec(link.target.slice(link.target.lastIndexOf("/") + 1)) : null;
		return claimedId(cell, link) ?? (bare ? bare[1] : null);
	}
	const m = PLAIN_ID.exec(cell.trim());
	return m ? m[1] : null;
}

/** A cell that is an ATT&CK ID and nothing else (`G0007`, `T1059.001`). */
const PLAIN_ID = /^([A-Z]{1,3}\d{4}(?:\.\d{3})?)$/;

/** Cells of a table row line (`| a | b\|c |` -> ["a", "b\|c"]), or null when it is not a row. */
export function splitRow(line: string): string[] | null {
	const t = line.trim();
	if (!t.startsWith("|")) return null;
	// Cells are cut out of the line, not built a character at a time (every table row of every
	// note passes through here, some twice).
	const cells: string[] = [];
	let start = 1;
	for (let i = 1; i < t.length; i++) {
		const ch = t.charCodeAt(i);
		// `\|` (or any escaped character) stays in the cell as written.
		if (ch === 0x5c && i + 1 < t.length) i++;
		else if (ch === 0x7c) {
			cells.push(t.slice(start, i).trim());
			start = i + 1;
		}
	}
	const rest = t.slice(start).trim();
	if (rest !== "") cells.push(rest);
	return cells;
}

/**
 * A row's cells with the cells an unescaped `|` inside code cut off joined back (`\|`): every
 * generator wrote Earth Lusca's T1018 procedure, whose command pipes, so, leaving the row wider
 * than its header. Only a row wider than `width` is looked at, and only a cell whose code is
 * open (an odd number of backticks, or `<code>` without `</code>`) takes the next one.
 */
function rejoinCode(cells: string[], width: number): string[] {
	if (cells.length <= width) return cells;
	const out = [...cells];
	const open = (cell: string) => (cell.split("`").length - 1) % 2 === 1 || cell.split("<code>").length > cell.split("</code>").length;
	for (let i = 0; i < out.length - 1 && out.length > width; ) {
		if (open(out[i])) out.splice(i, 2, `${out[i]} \\| ${out[i + 1]}`);
		else i++;
	}
	return out;
}

const DELIMITER = /^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$/;
/** A table's `| --- |` row; a bare `---` is a thematic break, not a delimiter. */
const isDelimiter = (line: string): boolean => line.includes("|") && DELIMITER.test(line);

/**
 * A table the layout owns: header, delimiter, one row per ID. A row is ATT&CK's when its first
 * cell is a wiki-link claiming an ID of the right kind (as generators and sync write it), or a
 * plain ID `plainOurs` accepts (sync's row for an object the vault has no note of); another row
 * with a plain ID is the user's. Columns the user added, wherever they sit, are kept by their
 * header; words the user added to an ATT&CK cell are kept with its new text.
 */
export function tablePlan(text: string, span: { start: number; end: number }, header: string[], rows: Array<{ id: string; cells: string[] }>, isOurs: (id: string) => boolean, stale?: (line: string) => boolean, idColumn = 0, keepIdCell: (old: string, fresh: string) => boolean = () => true, plainOurs: (id: string) => boolean = () => false): { fresh: NewLine[]; classify: Classifier } {
	// Each line's cells and ID, worked out once (the classifier sees the same lines again).
	const oldLines = text.slice(span.start, span.end).replace(/\r\n/g, "\n").split("\n");
	const oldHeader = oldLines.map((l) => splitRow(l)).find((c) => c !== null && c[0]?.toLowerCase() === header[0].toLowerCase()) ?? null;
	const parsed = new Map<string, { cells: string[] | null; id: string | null; linked: boolean }>();
	const parse = (line: string) => {
		const t = line.trim();
		let p = parsed.get(t);
		if (!p) {
			const split = splitRow(t);
			const cells = split === null || oldHeader === null ? split : rejoinCode(split, oldHeader.length);
			const own = cells === null ? null : cells.slice(idColumn);
			parsed.set(t, (p = { cells, id: idOfCells(own), linked: own !== null && own.length > 0 && own[0].startsWith("[[") }));
		}
		return p;
	};
	// The table's columns in the note's order: ours by name, the user's by position in the old header.
	const base = header.map(columnName);
	const columns: Array<{ title: string; ours: number } | { title: string; old: number }> = [];
	for (const [k, title] of (oldHeader ?? []).entries()) {
		const j = base.indexOf(columnName(title));
		columns.push(j >= 0 && !columns.some((c) => "ours" in c && c.ours === j) ? { title, ours: j } : { title, old: k });
	}
	header.forEach((title, j) => {
		if (!columns.some((c) => "ours" in c && c.ours === j)) columns.push({ title, ours: j });
	});
	const isRow = (p: { cells: string[] | null; id: string | null; linked: boolean }) => p.id !== null && (p.linked || plainOurs(p.id)) && isOurs(p.id);
	const oldCells = new Map<string, string[]>();
	const oldLine = new Map<string, string>();
	let userRows = 0;
	for (const l of oldLines) {
		const p = parse(l);
		if (p.cells === null || isDelimiter(l.trim())) continue;
		if (isRow(p) && p.id !== null) {
			if (!oldCells.has(p.id)) {
				oldCells.set(p.id, p.cells);
				oldLine.set(p.id, l);
			}
		} else if (!(oldHeader && p.cells[0] === oldHeader[0])) userRows++;
	}
	// The cells the release the note came from wrote, by row ID: the bases of the word-level merge.
	let baseRows: Map<string, string[]> | null = null;
	const baseCell = (id: string, column: number): string | undefined => {
		if (baseRows === null) {
			baseRows = new Map();
			for (const line of stale && "lines" in stale ? (stale as Stale).lines : []) {
				const p = parse(line);
				if (p.cells !== null && p.id !== null && !baseRows.has(p.id)) baseRows.set(p.id, p.cells);
			}
		}
		return baseRows.get(id)?.[column];
	};
	// A new row's link written like the table's first ATT&CK row (`[[kb/.../M1042-Name\|M1042]]`):
	// that row's ID and name (from the Name column) swapped for the new row's.
	const nameAt = (oldHeader ?? []).findIndex((h) => columnName(h) === "name");
	const template = [...oldCells.entries()].find(([, cells]) => cells[idColumn]?.startsWith("[["));
	const likeTemplate = (r: { id: string; cells: string[] }): string | null => {
		if (!template || nameAt < 0) return null;
		const [tid, tcells] = template;
		const from = { id: tid, name: normalizeLine(tcells[nameAt] ?? "") };
		// The new row's name as shown (a name cell may itself be a link, as reuteras writes it).
		const to = { id: r.id, name: normalizeLine(r.cells[header.findIndex((h) => columnName(h) === "name")] ?? "") };
		if (from.name === "" || to.name === "" || !tcells[idColumn].includes(tid)) return null;
		let out = tcells[idColumn].split(tid).join(r.id);
		for (const [a, b] of [[from.name, to.name], [from.name.replace(/ /g, "_"), to.name.replace(/ /g, "_")]]) if (a !== tid) out = out.split(a).join(b);
		// Only a link that lands where ours does (a note named otherwise keeps ours).
		return keepIdCell(out, r.cells[idColumn]) ? out : null;
	};
	const fresh: NewLine[] = [];
	if (rows.length > 0 || userRows > 0) {
		fresh.push({ text: `| ${columns.map((c) => c.title).join(" | ")} |`, key: "th" });
		fresh.push({ text: `|${" --- |".repeat(columns.length)}`, key: "td" });
		// Where each of ours is in the old header, worked out once for the table.
		const oldNames = oldHeader?.map(columnName) ?? null;
		const at = new Map<string, number>();
		const oldAt = (title: string, fallback: number) => {
			if (oldNames === null) return fallback;
			let k = at.get(title);
			if (k === undefined) at.set(title, (k = oldNames.indexOf(columnName(title))));
			return k;
		};
		for (const r of rows) {
			const old = oldCells.get(r.id);
			const cells = columns.map((c) => {
				if ("old" in c) return old?.[c.old] ?? "";
				const k = oldAt(c.title, c.ours);
				// The ID cell stays as the note wrote it (its link form); a new row takes ours.
				if (c.ours === idColumn) {
					if (old !== undefined && k >= 0 && old[k] !== undefined) return keepIdCell(old[k], r.cells[c.ours]) ? old[k] : r.cells[c.ours];
					return likeTemplate(r) ?? r.cells[c.ours];
				}
				return old === undefined || k < 0 ? r.cells[c.ours] : mergeCell(old[k] ?? "", r.cells[c.ours], stale, () => baseCell(r.id, c.ours));
			});
			// A row whose every cell stays is kept byte for byte (a generator's padding too).
			const same = old !== undefined && old.length === cells.length && cells.every((c, i) => c === old[i]);
			fresh.push({ text: same ? (oldLine.get(r.id) as string) : `| ${cells.join(" | ")} |`.replace(/ {2}\|/g, " |"), key: `id:${r.id}` });
		}
	}
	const ownRows = new Set(fresh.map((l) => l.text));
	const rowIds = new Set(rows.map((r) => r.id));
	const classify: Classifier = (line) => {
		if (isDelimiter(line.trim())) return { key: "td" };
		const p = parse(line);
		if (p.cells === null) return "user";
		if (oldHeader && p.cells.length === oldHeader.length && p.cells.every((c, i) => c === oldHeader[i])) return { key: "th" };
		if (p.id === null || !(isRow(p) || ownRows.has(line.trim()))) return "user";
		// A row the user extended in columns ATT&CK no longer has keeps its words as a user row.
		if (!rowIds.has(p.id) && columns.some((c) => "old" in c && (p.cells?.[c.old] ?? "") !== "")) return "user";
		return { key: `id:${p.id}` };
	};
	return { fresh, classify };
}

/** Spellings generators gave ATT&CK's column headers (vincenzocaputo and FancyP4nda write "Descrption"). */
const COLUMN_SPELLINGS: Readonly<Record<string, string>> = { descrption: "description" };

/** A column header as compared: lower case, a generator's misspelling read as what it meant. */
function columnName(title: string): string {
	const t = title.trim().toLowerCase();
	return COLUMN_SPELLINGS[t] ?? t;
}

/**
 * An ATT&CK cell's new text, with what the user wrote into the old one. With the cell the note's
 * release wrote (`base`), the user's edits are merged onto the new text word by word; an edit that
 * cannot be placed keeps the user's whole cell after the new text, marked. Without it: the old
 * text when it is the ATT&CK text with the user's words after it ("User Training (my
 * favourite)"), else the new text with the user's markup and their own sentences after it.
 */
function mergeCell(old: string, fresh: string, stale?: (line: string) => boolean, baseOf: () => string | undefined = () => undefined): string {
	// An empty cell (a new note's frame, a generator that left it blank) takes the new text.
	if (old.trim() === "") return fresh;
	// A cell ATT&CK did not change (every cell of a second sync) needs neither its base nor a merge.
	if (old === fresh) return fresh;
	// The base release's cell: working it out renders the base release's note.
	const base = baseOf();
	// The cell is what its release wrote, untouched: the new text, whole (a word merge would
	// respace it).
	if (old === base) return fresh;
	// ATT&CK did not change the cell and the note has its words and citations: byte for byte
	// (a generator's spacing around `<br>` too).
	const cites = (x: string) => (x.match(/\[\^[^\]\s]+\]/g) ?? []).join("");
	// A `(Citation:` the new text lacks is one the note must lose (an older sync's leftover).
	const staleCite = old.includes("(Citation:") && !fresh.includes("(Citation:");
	if (base === fresh && !staleCite && cites(old) === cites(fresh)) return old;
	const a = normalizeLine(old);
	const b = normalizeLine(fresh);
	if (a === b || a === "") {
		if (!sameWords(old, fresh)) return fresh;
		// The same words: with the base, the note's form of them stays (its link style) where
		// ATT&CK did not change the form; without it, the new text with the user's markup.
		if (base !== undefined && !staleCite) {
			const merged = merge3(base, old, fresh);
			if (!merged.conflict) return merged.text;
		}
		return carryInsertions(old, fresh);
	}
	// ATT&CK has no text for the row any more (18.1's data components) and the cell holds none of
	// the user's words (the base's, or a generator's cut of them): only what the user added is left.
	// No text from ATT&CK, then or now: the cell is all the user's.
	if (fresh.trim() === "" && (base === undefined || base.trim() === "")) return old;
	if (base !== undefined && fresh.trim() === "" && (containsWords(base, old) || similarity(tokenize(base), tokenize(old)) >= 0.5)) return userAdditions(base, old);
	if (base !== undefined && similarity(tokenize(base), tokenize(old)) >= 0.5) {
		const merged = merge3(base, old, fresh);
		return merged.conflict ? `${fresh}<br>${CELL_ASIDE} ${old}` : merged.text;
	}
	if (b !== "" && a.startsWith(b)) return old;
	const own = b.split(" ").length >= 6 ? userSentences(old, [fresh], stale) : "";
	const carried = carryInsertions(old, fresh);
	return own === "" ? carried : `${carried} ${own}`;
}

/**
 * The notice on a revoked or deprecated note with no `## ID` heading to put it under: the note's
 * notice line replaced, else the notice added under the note's first heading (or atop its body).
 */
function noticeEdit(note: Note, marker: string, eol: string): Edit | null {
	let heading: { end: number } | null = null;
	for (const { line, start, next, code } of bodyLines(note)) {
		if (code) continue;
		if (NOTICE.test(line)) return line === marker ? null : { start, end: start + line.length, text: marker };
		if (heading === null && /^#{1,6}\s/.test(line)) heading = { end: next };
	}
	const at = heading?.end ?? note.frontmatter?.bodyStart ?? 0;
	return { start: at, end: at, text: heading ? `${eol}${marker}${eol}` : `${marker}${eol}${eol}` };
}

/** Marks the user's version of a table cell their edits could not be merged into. */
export const CELL_ASIDE = "*Your edited version (kept by ATT&CK Sync):*";

function listClassifier(keyOf: (item: string) => string | null): Classifier {
	return (line) => {
		const m = /^[-*+][ \t]+(.*?)\s*$/.exec(line);
		if (!m) return "user";
		const key = keyOf(m[1]);
		return key === null ? "user" : { key };
	};
}

/** The sections of a classic technique note, in the layout's order. */
const TECHNIQUE_SECTIONS = ["tactic", "platforms", "permissions required", "mitigations", "sub-techniques"];
/** Headings of the layout; ATT&CK's own text may hold other headings (`### DLL Sideloading`). */
const LAYOUT_TITLES: ReadonlySet<string> = new Set([...TECHNIQUE_SECTIONS, ...KINDS.flatMap((k) => (k.facts ?? []).map((f) => f.title.toLowerCase())), "tactics", "references", "procedure examples", "techniques addressed by mitigation", "techniques used", "techniques", "software", "groups that use this software"]);

function findOwn(note: Note, title: string): Section | undefined {
	const s = note.outline;
	if (!s) return undefined;
	if (title === "tactic") return findSection(s, "Tactic") ?? findSection(s, "Tactics");
	return findSection(s, title);
}

export function syncClassic(note: Note, o: StixObject, ctx: SyncContext, stale?: (line: string) => boolean): { text: string; edits: Edit[] } {
	const text = note.text;
	const structure = note.outline;
	if (!structure) return { text, edits: [] };
	const id = attackIdOf(o) ?? "";
	const eol = eolOf(text);
	const from = note.path;
	// A note that writes footnotes its own way (numbered, underscores) gets new ones that way.
	const style = learnFootnoteStyle(text, (line) => ourFootnoteName(line) !== null);
	const footnotes = new FootnoteSet(style);
	const edits: Edit[] = [];
	const active = o.revoked !== true && o.x_mitre_deprecated !== true;
	const link = (target: string, shown: string) => ctx.wikiLink(target, from, shown, { existingOnly: true });

	// The description, under the `## ID` heading.
	let described: { start: number; end: number } | null = null;
	const head = structure.sections.find((s) => s.title.toUpperCase() === id);
	const marker = notice(o, ctx, from);
	if (head) {
		// The description ends at the layout's next section, or at a relationship table's (a new
		// note's `### Analytics`: the kinds table names them).
		const tableTitles = new Set(relationTables(ctx.model, o).flatMap((t) => (t.heading === undefined ? [t.name] : [t.name, t.heading.toLowerCase()])));
		const next = structure.sections.find((x) => x.headingStart > head.headingStart && (x.depth <= head.depth || LAYOUT_TITLES.has(x.title.toLowerCase()) || tableTitles.has(x.title.toLowerCase())));
		const span = regionOf(text, structure, head, next?.headingStart ?? head.end);
		described = span;
		const fresh: NewLine[] = marker ? [{ text: marker, key: "notice", pin: true }, { text: "" }] : [];
		const rendered = active ? renderAttackText(o.description ?? "", o, { link }, footnotes) : "";
		// A generator that wrote the description on one line with <br> for its line breaks
		// (vincenzocaputo, FancyP4nda) gets it back in that form.
		const oneLine = /<br\s*\/?>/i.test(text.slice(span.start, span.end).split(/\r?\n/).find((l) => l.trim().length > 40 && !NOTICE.test(l) && !/^\s*(?:>|\||#)/.test(l)) ?? "");
		if (active) fresh.push(...proseLines(oneLine ? rendered.replace(/\n/g, "<br>") : rendered));
		const classify = active ? proseClassifier(fresh, undefined, stale) : (line: string): Verdict => (NOTICE.test(line) ? { key: "notice" } : "user");
		const e = mergeEdit(text, span, fresh, classify, { lead: 1, trail: span.beforeBreak ? 1 : 2 }, eol, active ? stale : undefined);
		// Left to the user: only the notice changes (the rendering above still names its footnotes).
		const own = active && !ctx.sections.has("description") ? mergeEdit(text, span, fresh.filter((l) => l.key === "notice" || l.text === ""), (l) => (NOTICE.test(l) ? { key: "notice" } : "user"), { lead: 1, trail: 1 }, eol) : e;
		if (own) edits.push(own);
	} else if (active && ctx.sections.has("description")) {
		// No `## ID` heading (a generator that heads the note with its name, or `## Description`):
		// the description is where the base release's paragraphs, or the new ones, are found.
		const rendered = renderAttackText(o.description ?? "", o, { link }, footnotes);
		const baseLines = stale && "lines" in stale ? (stale as Stale).lines : [];
		const span = locateProse(note, paragraphTokens([rendered, ...baseLines]), listItems([rendered, ...baseLines]));
		described = span;
		if (span) {
			const oneLine = /<br\s*\/?>/i.test(text.slice(span.start, span.end));
			const fresh = proseLines(oneLine ? rendered.replace(/\n/g, "<br>") : rendered);
			const e = mergeEdit(text, span, fresh, proseClassifier(fresh, undefined, stale), { lead: 0, trail: 0 }, eol, stale);
			if (e) edits.push(e);
		}
	}
	// Revoked and deprecated notes keep their content: only the notice and frontmatter change.
	if (!active) {
		if (!head && marker) {
			const e = noticeEdit(note, marker, eol);
			if (e) edits.push(e);
		}
		return { text, edits };
	}

	const plans: SectionPlan[] = [];
	if (o.type === "attack-pattern") {
		plans.push(...techniquePlans(note, o, ctx, footnotes, stale));
	} else plans.push(...factPlans(note, o, ctx));
	// References last: the footnotes come from everything above.
	const refs = findOwn(note, "references");
	const known = new Set<string>();
	for (const r of o.external_references ?? []) known.add(r.source_name);
	for (const m of text.matchAll(/\(Citation: ([^)]+)\)/g)) known.add(m[1].trim());
	for (const f of footnotes.list()) known.add(f.name);
	for (const prev of ctx.previous) for (const r of prev.model.get(id)?.external_references ?? []) known.add(r.source_name);
	const handled: Array<{ start: number; end: number }> = plans.filter((p) => p.section !== undefined).map((p) => regionOf(text, structure, p.section as Section));
	if (described) handled.push(described);
	// A row's ID: its first cell that is a link claiming one or a plain ID (reuteras puts a Domain
	// column first; a new note's row names an object the vault has no note of by its plain ID).
	const rowId = (cells: string[]) => {
		for (let k = 0; k < cells.length; k++) if (cells[k].startsWith("[[") || PLAIN_ID.test(cells[k])) return idOfCells(cells.slice(k));
		return idOfCells(cells);
	};
	edits.push(...relationTableEdits(note, o, ctx, baseModelOf(note, ctx), footnotes, handled, eol, rowId, { footnotes: style !== null || refs !== undefined, known }));
	edits.push(...aliasTableEdits(note, o, ctx, baseModelOf(note, ctx), footnotes, handled, eol, style !== null || refs !== undefined ? "footnotes" : "none"));
	if (style) {
		// Plans first, so the footnotes their rows cite are known; the definitions the new text
		// cites and the note lacks go after its last one.
		const more = planEdits(text, structure, plans, ctx, eol, note.recognized.layout === "other", stale);
		edits.push(...more);
		const cited = footnotes.list().filter((f) => edits.some((e) => e.text.includes(`[^${f.label}]`)));
		const add = addDefinitions(style, text, cited);
		if (add) placeDefinitions(style, edits, add);
		return { text, edits };
	}
	if (refs) {
		// The footnotes the relationship tables cite are known only now that they are rendered.
		for (const f of footnotes.list()) known.add(f.name);
		const fresh = refLines(o, footnotes);
		const classify: Classifier = (line) => {
			// Ours only when it also names a source ATT&CK cites (a footnote of the user's may look alike).
			const own = ourFootnoteName(line);
			if (own !== null && (known.has(own) || known.has(`${own}.`))) return { key: `fn:${known.has(own) ? own : `${own}.`}` };
			const m = /^[-*+][ \t]+(.+?): \S+\s*$/.exec(line);
			if (m && (ATTACK_REF_SOURCES.has(m[1]) || known.has(m[1]))) return { key: `ref:${m[1]}` };
			return "user";
		};
		const e = mergeEdit(text, regionOf(text, structure, refs), fresh, classify, { lead: 1, trail: 0 }, eol, stale);
		if (e) edits.push(e);
	}
	edits.push(...planEdits(text, structure, plans, ctx, eol, note.recognized.layout === "other", stale));
	return { text, edits };
}

/** The edits of each section plan: merged where the note has the section, added where it fits. */
function planEdits(text: string, structure: Outline, plans: readonly SectionPlan[], ctx: SyncContext, eol: string, foreign: boolean, stale?: (line: string) => boolean): Edit[] {
	const edits: Edit[] = [];
	for (const p of plans) {
		if (!ctx.sections.has(SECTION_OF[p.title])) continue;
		if (p.section) {
			const span = regionOf(text, structure, p.section);
			const shape = span.beforeBreak ? { ...p.shape, trail: 2 } : p.shape;
			const e = mergeEdit(text, span, p.fresh, p.classify, shape, eol, stale);
			if (e) edits.push(e);
		} else if (p.fresh.length > 0 && p.insertAt !== undefined && !foreign) {
			const body = p.fresh.map((l) => l.text).join("\n");
			const block = `### ${p.title}\n${"\n".repeat(p.shape.lead)}${body}\n${"\n".repeat(p.shape.trail)}`;
			edits.push({ start: p.insertAt, end: p.insertAt, text: eol === "\r\n" ? block.replace(/\n/g, "\r\n") : block });
		}
	}
	return edits;
}

/**
 * The sections of the note's kind facts (kinds.ts: a group's aliases, a software's platforms, a
 * campaign's first and last sighting) that the note has, brought up to date as lists. An item is
 * ATT&CK's when this or an earlier release given lists it for the object (or it is of the fact's
 * vocabulary: a platform ATT&CK has, a date); others are the user's and stay. A note without the
 * section gets none: the generators' layouts state these facts elsewhere (frontmatter aliases,
 * labelled.ts) or not at all. A new note's frame has them (skeleton.ts).
 */
function factPlans(note: Note, o: StixObject, ctx: SyncContext): SectionPlan[] {
	const kind = kindOfObject(o);
	const facts = kind === null ? undefined : kindSpec(kind).facts;
	if (facts === undefined || note.outline === null) return [];
	const earlier = ctx.previous.flatMap((p) => counterpart(p.model, o) ?? []);
	return facts.map((f) => {
		const fresh = f.values(o);
		const ours = new Set([...fresh, ...earlier.flatMap((x) => f.values(x))]);
		const platforms = f.vocabulary === "platforms" ? knownPlatforms(ctx.model) : null;
		const isOurs = (item: string) => ours.has(item) || platforms?.has(item) === true || (f.vocabulary === "dates" && /^\d{4}-\d{2}-\d{2}$/.test(item));
		return {
			title: f.title,
			section: findOwn(note, f.title.toLowerCase()),
			fresh: fresh.map((v) => ({ text: `- ${v}`, key: `v:${v}` })),
			classify: listClassifier((item) => (isOurs(item) ? `v:${item}` : null)),
			shape: LIST,
		};
	});
}

function techniquePlans(note: Note, o: StixObject, ctx: SyncContext, footnotes: FootnoteSet, stale?: (line: string) => boolean): SectionPlan[] {
	const text = note.text;
	const from = note.path;
	const model = ctx.model;
	const platforms = knownPlatforms(model);
	const permissions = knownPermissions(model);
	const plans: SectionPlan[] = [];
	const present = TECHNIQUE_SECTIONS.map((t) => findOwn(note, t));
	/** Where a missing section goes: before the next section of the layout the note has, else before `---`/References. */
	const insertAt = (i: number): number | undefined => {
		for (let j = i + 1; j < present.length; j++) {
			const s = present[j];
			if (s) return s.headingStart;
		}
		const refs = findOwn(note, "references");
		if (!refs || !note.outline) return undefined;
		const before = note.outline.sections.filter((s) => s.headingStart < refs.headingStart).pop();
		return before ? regionOf(text, note.outline, before).end : refs.headingStart;
	};

	const tactics = model.tacticsOf(o).map((t) => {
		const tid = attackIdOf(t) ?? "";
		return { text: `- ${ctx.wikiLink(tid, from, null) ?? t.name ?? tid} (${tid})`, key: `id:${tid}` };
	});
	// The tactics a release loaded gives the technique (this one, the note's, earlier ones given):
	// an item naming another is the user's, however it is written.
	const tacticIds = new Set<string>();
	for (const m of [model, baseModelOf(note, ctx), ...ctx.previous.map((p) => p.model)]) {
		const then = m === null ? undefined : m === model ? o : counterpart(m, o);
		if (m !== null && then !== undefined) for (const t of m.tacticsOf(then)) tacticIds.add(attackIdOf(t) ?? "");
	}
	plans.push({
		title: "Tactic",
		section: present[0],
		fresh: tactics,
		// `[[...]] (TA0002)` or `Execution (TA0002)`; "see also Persistence (TA0003)" is the user's.
		classify: listClassifier((item) => {
			const m = /^(.*?)\s*\((TA\d{4})\)$/.exec(item);
			if (!m || !tacticIds.has(m[2])) return null;
			const named = /^\[\[[^\]]*\]\]$/.test(m[1]) || model.getAll(m[2]).some((t) => t.name === m[1]);
			return named ? `id:${m[2]}` : null;
		}),
		shape: LIST,
	});
	plans.push({
		title: "Platforms",
		section: present[1],
		fresh: (o.x_mitre_platforms ?? []).map((p) => ({ text: `- ${p}`, key: `p:${p}` })),
		classify: listClassifier((item) => (platforms.has(item) ? `p:${item}` : null)),
		shape: LIST,
	});
	plans.push({
		title: "Permissions Required",
		section: present[2],
		fresh: (o.x_mitre_permissions_required ?? []).map((p) => ({ text: `- ${p}`, key: `p:${p}` })),
		classify: listClassifier((item) => (permissions.has(item) ? `p:${item}` : null)),
		shape: LIST,
	});

	const isMitigation = (mid: string) => model.getAll(mid).some((m) => m.type === "course-of-action");
	const mitigations = model.mitigationsOf(o).map((r) => {
		const mid = attackIdOf(r.object) ?? "";
		const desc = renderAttackText(r.description, r.relationship, { link: (target, shown) => ctx.wikiLink(target, from, shown, { existingOnly: true }), inTable: true }, footnotes);
		return { id: mid, cells: [ctx.wikiLink(mid, from, mid, { inTable: true }) ?? mid, esc(r.object.name ?? mid), desc] };
	});
	// A row naming its object by plain ID (sync writes one where the vault has no note to link) is
	// ATT&CK's when this release or the note's relates the object; another is the user's.
	const base = baseModelOf(note, ctx);
	const was = base === null ? null : counterpart(base, o);
	const related = (now: Array<{ id: string }>, then: (m: AttackModel, x: StixObject) => StixObject[]) => {
		const ids = new Set(now.map((r) => r.id));
		if (base !== null && was) for (const x of then(base, was)) ids.add(attackIdOf(x) ?? "");
		return (id: string) => ids.has(id);
	};
	plans.push(tableSection(note, ctx, "Mitigations", present[3], ["ID", "Name", "Description"], mitigations, isMitigation, insertAt(3), stale, related(mitigations, (m, x) => m.mitigationsOf(x).map((r) => r.object))));

	if (!isSubtechnique(o)) {
		const isTechnique = (tid: string) => model.getAll(tid).some((t) => t.type === "attack-pattern");
		const subs = model.subtechniquesOf(o).map((s) => {
			const sid = attackIdOf(s) ?? "";
			return { id: sid, cells: [ctx.wikiLink(sid, from, sid, { inTable: true }) ?? sid, esc(s.name ?? sid)] };
		});
		plans.push(tableSection(note, ctx, "Sub-techniques", present[4], ["ID", "Name"], subs, isTechnique, insertAt(4), stale, related(subs, (m, x) => m.subtechniquesOf(x))));
	}
	return plans;
}

function tableSection(note: Note, ctx: SyncContext, title: string, section: Section | undefined, header: string[], rows: Array<{ id: string; cells: string[] }>, isOurs: (id: string) => boolean, insertAt: number | undefined, stale: ((line: string) => boolean) | undefined, plainOurs: (id: string) => boolean): SectionPlan {
	const span = section && note.outline ? regionOf(note.text, note.outline, section) : { start: 0, end: 0 };
	// A row's link stays as the note wrote it (`[[Name - M1018 \| M1018]]`) when it lands where ours would.
	const sameNote = (old: string, fresh: string) => {
		const a = ctx.landsOn(old, note.path);
		return a !== null && a === ctx.landsOn(fresh, note.path);
	};
	const { fresh, classify } = tablePlan(note.text, span, header, rows, isOurs, stale, 0, sameNote, plainOurs);
	return { title, section, fresh, classify, shape: TABLE, insertAt };
}

function esc(cell: string): string {
	return cell.replace(/\|/g, "\\|");
}

/** The model of the release the note came from, when sync has it. */
export function baseModelOf(note: Note, ctx: SyncContext): AttackModel | null {
	const recorded = note.frontmatter?.data.attack_version;
	const release = ctx.baseOf?.get(note.path)?.release ?? (typeof recorded === "string" || typeof recorded === "number" ? String(recorded) : null);
	if (release !== null && release === ctx.version) return ctx.model;
	const found = ctx.previous.find((p) => p.version === release) ?? (ctx.previous.length === 1 ? ctx.previous[0] : undefined);
	return found?.model ?? null;
}
