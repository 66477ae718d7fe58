/**
 * Tables of related objects found by what their rows say, wherever a layout put them: procedure
 * examples in a technique note, techniques addressed in a mitigation note, a tactic's techniques
 * (with each technique's description, whole or its first line, where the note's table has it).
 * A table is a relationship's when most of its rows' IDs are that relationship's in the base or
 * the new release. Its rows are then brought up to date in the note's own columns: the ATT&CK
 * text of a row (the procedure, the technique's description) merged with what the user wrote
 * into it, rows ATT&CK dropped removed, new rows written like the note's other rows of the same
 * kind (their link form substituted: `[[kb/.../G0007-APT28\|G0007]]` gives
 * `[[kb/.../G0096-APT41\|G0096]]`), in ATT&CK's place. Rows and columns of the user's stay.
 * A row links its object only where the vault has the object's note (or this run creates it);
 * else it names it by its plain ID. Such a row is ATT&CK's when the base release relates the
 * object, and is linked once the note is there. A row's name cell that says what the base
 * release called an object ATT&CK renamed since says the new name (`renamedCell`).
 */
import { attackIdOf, counterpart, type AttackModel, type Related } from "../attack/model";
import type { StixObject } from "../attack/stix";
import { kindOfId, relationTables, type RelationTable } from "../kinds";
import { scanWikiLinks } from "../links/wikilink";
import { placeName, placeOf } from "./places";
import type { Note } from "../notes/read";
import { FootnoteSet, renderAttackText } from "./attack-text";
import { splitRow, tablePlan } from "./classic";
import type { SyncContext } from "./context";
import { mergeEdit, regionOf, type Edit } from "./edits";
import { normalizeLine, type Stale } from "./prose";
import { bodyLines } from "./locate";
import { similarity, tokenize } from "./words";

export interface Table {
	start: number;
	end: number;
	header: string[];
	rows: Array<{ id: string | null; cells: string[]; line: string }>;
}

/** The relationships whose tables a note about `o` may hold (the kinds table says which). */
function relations(model: AttackModel, o: StixObject): readonly RelationTable[] {
	return relationTables(model, o);
}

export function tablesOf(note: Note, idOf: (cells: string[]) => string | null): Table[] {
	const out: Table[] = [];
	let current: Table | null = null;
	let pendingHeader: { start: number; cells: string[] } | null = null;
	for (const { line, start, next, code } of bodyLines(note)) {
		const cells = code ? null : splitRow(line);
		if (cells !== null && current) {
			current.rows.push({ id: idOf(cells), cells, line });
			current.end = next;
		} else if (cells !== null && pendingHeader && /^\|?\s*:?-{3,}/.test(line.trim())) {
			current = { start: pendingHeader.start, end: next, header: pendingHeader.cells, rows: [] };
			out.push(current);
			pendingHeader = null;
		} else {
			current = null;
			pendingHeader = cells !== null ? { start, cells } : null;
		}
	}
	return out;
}

/**
 * A cell of `row` (written for `from`) rewritten for another object: its ID and name swapped. In
 * a wiki-link's target the names are swapped as the vault spells them in file names (`spell`:
 * `Deobfuscate／Decode Files or Information`), elsewhere as ATT&CK writes them.
 */
function substitute(cell: string, from: { id: string; name: string }, to: { id: string; name: string }, spell: (name: string, id: string) => string): string {
	const swap = (text: string, a: string, b: string) => {
		let out = text.split(from.id).join(to.id);
		for (const [x, y] of [
			[a, b],
			[a.replace(/ /g, "_"), b.replace(/ /g, "_")],
		]) {
			if (x !== "" && x !== from.id) out = out.split(x).join(y);
		}
		return out;
	};
	let out = "";
	let at = 0;
	for (const m of cell.matchAll(/\[\[([^\]|\\]*)/g)) {
		const start = (m.index ?? 0) + 2;
		out += swap(cell.slice(at, start), from.name, to.name) + swap(m[1], spell(from.name, from.id), spell(to.name, to.id));
		at = start + m[1].length;
	}
	return out + swap(cell.slice(at), from.name, to.name);
}

const esc = (s: string): string => s.replace(/\|/g, "\\|");

/**
 * A name cell that says what the base release called its object (`was`), saying what this
 * release calls it (`now`); null for any other cell. The cell says it plainly (`Bash History`,
 * a `|` escaped as in any cell) or as a wiki-link showing it: `[[path\|Bash History]]` or a bare
 * `[[Bash History]]` (reuteras writes name cells as links). A link keeps its target, and so its
 * note (sync renames no file): only the text it shows changes, spaces around it kept, and a bare
 * link, which shows its target, gets `\|New Name` to show. A link that shows something else
 * (`[[Bash History - T1552.003]]`, a heading), or a cell with more in it, is the user's wording
 * and stays, as does a name only the user wrote.
 */
function renamedCell(cell: string, was: string, now: string): string | null {
	if (cell === esc(was)) return esc(now);
	// A link shows the new name only where a wiki-link can: no `|` or `]` in it.
	if (!cell.startsWith("[[") || !cell.endsWith("]]") || !cell.includes(was) || now.includes("|") || now.includes("]")) return null;
	const links = scanWikiLinks(cell);
	if (links.length !== 1 || links[0].start !== 0 || links[0].end !== cell.length) return null;
	const link = links[0];
	if (link.alias === null) return link.subpath === null && link.target === was ? `${cell.slice(0, -2)}\\|${now}]]` : null;
	if (link.alias !== was) return null;
	// The first `|` is the link's (parseLink's rule); its text is what follows, to the `]]`.
	const pipe = cell.indexOf("|");
	const shown = cell.slice(pipe + 1, -2);
	const at = shown.indexOf(was);
	return `${cell.slice(0, pipe + 1)}${shown.slice(0, at)}${now}${shown.slice(at + was.length)}]]`;
}

/**
 * The table as its merge would write it, worked out directly when that is plain: the header and
 * delimiter as tablePlan writes them, then exactly `rows`, in order, each row's cells the same
 * but for ATT&CK text a cell lacked. As tablePlan does, a
 * row whose cells all stay is kept byte for byte, and an empty cell takes the new text. Null when
 * the table has anything else (a row of the user's, its own header, CRLF): the merge then works
 * it out.
 */
function writtenTable(text: string, table: Table, rows: ReadonlyArray<{ id: string; cells: string[] }>, roles: readonly string[]): string | null {
	if (table.rows.length !== rows.length) return null;
	const region = text.slice(table.start, table.end);
	const head = `| ${table.header.join(" | ")} |\n|${" --- |".repeat(table.header.length)}\n`;
	if (region.includes("\r") || !region.startsWith(head)) return null;
	let out = head;
	const ids = new Set<string>();
	for (const [i, row] of table.rows.entries()) {
		const want = rows[i];
		if (row.id !== want.id || ids.has(want.id) || row.cells.length !== want.cells.length) return null;
		ids.add(want.id);
		let same = true;
		for (let c = 0; c < want.cells.length; c++) {
			if (row.cells[c] === want.cells[c]) continue;
			if (roles[c] !== "text" || row.cells[c].trim() !== "") return null;
			same = false;
		}
		out += `${same ? row.line : `| ${want.cells.join(" | ")} |`.replace(/ {2}\|/g, " |")}\n`;
	}
	// A table that ends the file without a line break ends so still.
	return region.endsWith("\n") ? out : out.slice(0, -1);
}

/**
 * The edits bringing the note's relationship tables up to date. `handled` spans (sections the
 * layout code merged) are left alone. `plain`: the export layout, which writes no wiki-links
 * (export.ts): a row names its object by its plain ID, and ATT&CK's text names pages `Name (ID)`.
 */
export function relationTableEdits(note: Note, o: StixObject, ctx: SyncContext, base: AttackModel | null, footnotes: FootnoteSet, handled: ReadonlyArray<{ start: number; end: number }>, eol: string, idOf: (cells: string[]) => string | null, opts: { footnotes: boolean; known?: Set<string>; plain?: boolean }): Edit[] {
	const fresh = relations(ctx.model, o);
	if (fresh.length === 0) return [];
	// The object in the base release: by ATT&CK ID, else by STIX id (a 17.1 data component has no ID).
	const was0 = base ? counterpart(base, o) : undefined;
	const old = base && was0 ? relations(base, was0) : [];
	const edits: Edit[] = [];
	const from = note.path;
	const mode = opts.plain === true ? "plain" : "markdown";
	const matched = new Set<number>();
	const written = new Set<number>();
	let lastMatched: number | null = null;
	for (const table of tablesOf(note, idOf)) {
		if (handled.some((h) => table.start < h.end && h.start < table.end)) continue;
		const ids = table.rows.map((r) => r.id).filter((x): x is string => x !== null);
		if (ids.length === 0) continue;
		const k = fresh.findIndex((rel, i) => {
			const known = new Set([...rel.list, ...(old[i]?.list ?? [])].map((r) => attackIdOf(r.object)));
			return ids.filter((id) => known.has(id)).length * 2 >= ids.length;
		});
		if (k < 0) continue;
		matched.add(k);
		lastMatched = Math.max(lastMatched ?? 0, table.end);
		const rel = fresh[k];
		const was = old[k]?.list ?? [];
		const ours = new Set([...rel.list, ...was].map((r) => attackIdOf(r.object) ?? ""));
		// Which column holds what, read off the note's rows: the ID, the name, ATT&CK's text.
		const sample = table.rows.find((r) => r.id !== null && ours.has(r.id));
		if (!sample || sample.id === null) continue;
		const sampleObj = ctx.model.get(sample.id) ?? base?.get(sample.id);
		// The sample row's text as a release wrote it: the base's when the new release has none for
		// it (18.1 gives a data component's techniques no text; 17.1's `detects` did).
		const sampleRels = [...rel.list, ...was].filter((r) => attackIdOf(r.object) === sample.id);
		const sampleRel = sampleRels.find((r) => r.description !== "") ?? sampleRels[0];
		const roles: Array<"id" | "name" | "text" | "user"> = [];
		table.header.forEach((h, c) => {
			const title = h.trim().toLowerCase();
			const cell = sample.cells[c] ?? "";
			let role: "id" | "name" | "text" | "user" = "user";
			if (TEXT_TITLES.test(title)) role = "text";
			else if (title === "id" || (!roles.includes("id") && cell.includes(sample.id as string) && title !== "name")) role = roles.includes("id") ? "user" : "id";
			else if (title === "name" || (sampleObj?.name !== undefined && normalizeLine(cell) === sampleObj.name)) role = "name";
			else if (sampleRel && cell.length > 20 && similarity(tokenize(cell), tokenize(sampleRel.description)) >= 0.3) role = "text";
			roles.push(role);
		});
		if (!roles.includes("id") || (!roles.includes("text") && !roles.includes("name"))) continue;
		const idAt = roles.indexOf("id");
		// A row that links its object: a plain ID (an object the vault had no note of) is no template.
		const linked = (cells: readonly string[]) => (cells[idAt] ?? "").includes("[[");
		const templates = new Map<string, { id: string; name: string; cells: string[] }>();
		// An object the base release named otherwise (renamed since) is no template: its row may say
		// the old name, which no other row's name replaces.
		const renamed = (obj: StixObject) => {
			const then = base === null || base === ctx.model ? undefined : counterpart(base, obj);
			return then !== undefined && then.name !== obj.name;
		};
		for (const r of table.rows) {
			const obj = r.id && ours.has(r.id) && linked(r.cells) ? (ctx.model.get(r.id) ?? base?.get(r.id)) : undefined;
			if (r.id && obj && !templates.has(obj.type) && !renamed(obj)) templates.set(obj.type, { id: r.id, name: obj.name ?? r.id, cells: r.cells });
		}
		// A column of the user's that says the same on every ATT&CK row (reuteras' "Enterprise
		// attack" Domain) says it on new rows too.
		const constant = roles.map((role, c) => {
			if (role !== "user") return undefined;
			const values = new Set(table.rows.filter((r) => r.id !== null && ours.has(r.id)).map((r) => r.cells[c] ?? ""));
			const [only] = values;
			return values.size === 1 && only !== "" && table.rows.length >= 2 ? only : undefined;
		});
		const oldRows = new Map(table.rows.filter((r) => r.id !== null).map((r) => [r.id as string, r.cells]));
		// Citations in the form the table's ATT&CK text has them: footnotes, or a generator's raw
		// `(Citation: X)` markers when no cell of the table cites by footnote.
		const texts = table.rows.flatMap((r) => r.cells.filter((_, c) => roles[c] === "text"));
		// With nowhere to define footnotes (reuteras' tactic notes), none.
		const citations = texts.some((t) => t.includes("(Citation:")) && !texts.some((t) => /\[\^[^\]\s]+\]/.test(t)) ? "raw" : opts.footnotes ? "footnotes" : "none";
		// How much of ATT&CK's text a cell holds: all of it, or (reuteras' tactic tables) its first
		// line: when most cells whose text runs over several lines are about as long as its first.
		const textAt = roles.indexOf("text");
		const relatedById = new Map<string, Related>();
		if (textAt >= 0) for (const x of [...was, ...rel.list]) relatedById.set(attackIdOf(x.object) ?? "", x);
		const votes = table.rows.flatMap((r) => {
			const related = r.id === null || textAt < 0 ? undefined : relatedById.get(r.id);
			// Only text of several lines votes: the test comes first, most text has one line.
			if (related === undefined || !/\S\n/.test(related.description.trim())) return [];
			const cell = normalizeLine(r.cells[textAt] ?? "");
			const first = normalizeLine(related.description.split("\n")[0]);
			if (cell === "" || first === "") return [];
			const whole = normalizeLine(related.description);
			return [Math.abs(cell.length - first.length) < Math.abs(cell.length - whole.length)];
		});
		const firstLine = votes.length >= 2 && votes.filter((v) => v).length * 3 >= votes.length * 2;
		// Line breaks too: a generator's `<br>` where its cells have no `<br />`.
		const br = texts.some((t) => /<br>/i.test(t)) && !texts.some((t) => /<br\s*\/>/i.test(t)) ? "<br>" : "<br />";
		// The base's text keeps its citations (into footnotes nobody defines) even where the new
		// text drops them: a generator's cut-off `[^Name` in a cell is then ATT&CK's, not the user's.
		// A relationship both releases share (every one, when the base is this release) is rendered
		// once: a second rendering adds no footnote and gives the same text. Rendered as the base or
		// not is the same rendering unless the table cites nothing (then the base's keeps its citations).
		const rendered = new Map<StixObject, { description: string; asBase: boolean; text: string }>();
		// In sync's own footnotes, this release's rows are rendered first and the base's into a fork:
		// the note's footnotes are then the same whatever release it came from (a second sync
		// writes nothing). A note's own numbering keeps the order it had.
		const ownStyle = !footnotes.styled;
		let fork: FootnoteSet | null = null;
		const render = (r: Related, asBase = false) => {
			const seen = rendered.get(r.relationship);
			if (seen !== undefined && seen.description === r.description && (seen.asBase === asBase || citations !== "none")) return seen.text;
			const none = asBase && citations === "none";
			const into = none ? new FootnoteSet() : asBase && ownStyle ? (fork ??= footnotes.fork()) : footnotes;
			const text = renderAttackText(firstLine ? r.description.split("\n")[0] : r.description, r.relationship, { link: (target, shown) => ctx.wikiLink(target, from, shown, { existingOnly: true }), mode, inTable: true, citations: none ? "footnotes" : citations, br }, into).trim();
			rendered.set(r.relationship, { description: r.description, asBase, text });
			return text;
		};
		// A name as the vault spells it in file names (scorchederf's `G0129-Mustang_Panda`).
		const spell = (n: string, x: string) => {
			const place = ctx.places[placeOf(kindOfId(x) ?? "technique")];
			const spelled = placeName(place, n, x);
			return place.pattern === "id-name_" ? spelled.replace(/ /g, "_") : spelled;
		};
		// A row's reference to its object: a link where the vault has the object's note (or this run
		// creates it), written like the table's other rows of its kind when that lands on the note;
		// else the plain ID and name, never a link to no note. Worked out once per object.
		const refs = new Map<string, string[]>();
		const refOf = (r: Related, id: string): string[] => {
			let cells = refs.get(id);
			if (cells !== undefined) return cells;
			// The export layout links no note: its rows name every object by plain ID.
			const note = opts.plain === true ? null : ctx.noteFor(id);
			const t = note === null ? undefined : templates.get(r.object.type);
			const name = r.object.name ?? id;
			const like = t && roles.map((role, c) => (role === "id" || role === "name" ? substitute(t.cells[c] ?? "", t, { id, name }, spell) : ""));
			cells = like && ctx.landsOn(like[idAt] ?? "", from) === note ? like : roles.map((role) => (role === "id" ? ((note === null ? null : ctx.wikiLink(id, from, id, { inTable: true, existingOnly: true })) ?? id) : role === "name" ? esc(name) : ""));
			refs.set(id, cells);
			return cells;
		};
		const wasIds = new Set(was.map((r) => attackIdOf(r.object)));
		// What the base release called a row's object, where this release calls it otherwise (ATT&CK
		// renamed T1552.003 Bash History to Shell History in 18.1). Only for an object the base
		// relates: its base row (`stale`) is then the row as the note has it, and a name cell that
		// changed only by the rename is the new one, whole (mergeCell). With no base known, or the
		// base this release, no name is stale.
		const named = roles.includes("name");
		const renamedFrom = (r: Related, id: string): string | undefined => {
			if (!named || base === null || base === ctx.model || !wasIds.has(id)) return undefined;
			const then = counterpart(base, r.object)?.name;
			return then !== undefined && r.object.name !== undefined && then !== r.object.name ? then : undefined;
		};
		const rowsOf = (list: Related[], withText: boolean, asBase = false) =>
			list.map((r) => {
				const id = attackIdOf(r.object) ?? "";
				const mine = oldRows.get(id);
				// A row that named its object by its plain ID links it once the note is there.
				const relink = mine !== undefined && !linked(mine) && ctx.noteFor(id) !== null;
				// A name cell that still says the base's name says this release's; the base's rows
				// keep the note's (the base of the cell's merge). A name of the user's stays.
				const oldName = mine && !asBase ? renamedFrom(r, id) : undefined;
				const cells = roles.map((role, c) => {
					if (role === "text") return withText ? render(r, asBase) : "";
					if (mine && oldName !== undefined && role === "name") return renamedCell(mine[c] ?? "", oldName, r.object.name ?? id) ?? mine[c] ?? "";
					if (mine && !(relink && role === "id")) return mine[c] ?? "";
					if (role === "user") return constant[c] ?? "";
					return refOf(r, id)[c];
				});
				return { id, cells };
			});
		// The first column is an ID or a link to the row's note: kept as the note has it.
		// A row the base release had and the note does not is one the note's layout leaves out (a
		// generator that writes no campaign rows): only facts new in this release are added.
		const wanted = rel.list.filter((r) => oldRows.has(attackIdOf(r.object) ?? "") || !wasIds.has(attackIdOf(r.object)));
		// A row ATT&CK dropped that holds the user's words in a column of theirs is theirs now: kept
		// as it is, never dropped with their words.
		const wantedIds = new Set(wanted.map((r) => attackIdOf(r.object)));
		const theirs = new Set([...oldRows].filter(([id, cells]) => ours.has(id) && !wantedIds.has(id) && roles.some((role, c) => role === "user" && constant[c] === undefined && (cells[c] ?? "").trim() !== "")).map(([id]) => id));
		// A new row's ID cell is the one written above: its link target spelled as the vault names files.
		const freshRows = ownStyle ? rowsOf(wanted, true) : null;
		// The base's rows, the bases of the cells' merge. When the base is this release they are the
		// rows just rendered (and render no footnote of their own): worked out only if asked for.
		const baseRows = () => (was.length > 0 ? rowsOf(was, true, true).map((r) => `| ${r.cells.join(" | ")} |`) : []);
		let baseLines = was === rel.list && citations !== "none" ? null : baseRows();
		// (defineProperty, not Object.assign: that would read the getter at once.)
		const stale = Object.defineProperty((_line: string) => false, "lines", { get: () => (baseLines ??= baseRows()) }) as unknown as Stale;
		// A row naming its object by a plain ID is ATT&CK's when the base release relates that object
		// (the note's own rows as sync wrote them); with no base known, when this release does.
		const plain = was.length > 0 || base !== null ? wasIds : new Set(rel.list.map((r) => attackIdOf(r.object)));
		const rows = freshRows ?? rowsOf(wanted, true);
		// A table whose merge is plain (a resync's, a new note's) is written directly.
		const written = writtenTable(note.text, table, rows, roles);
		if (written !== null) {
			if (written !== note.text.slice(table.start, table.end)) edits.push({ start: table.start, end: table.end, text: written });
		} else {
			const plan = tablePlan(note.text, table, table.header, rows, (id) => ours.has(id) && !theirs.has(id), stale, idAt, (old, fresh) => old === fresh, (id) => plain.has(id));
			const e = mergeEdit(note.text, table, plan.fresh, plan.classify, { lead: 0, trail: 0 }, eol);
			if (e) edits.push(e.text.trim() === "" ? gone(note.text, table) : e);
		}
		// The footnotes only the base's rows cite are ATT&CK's: their definitions go with the rows.
		if (fork !== null && fork !== footnotes) for (const f of (fork as FootnoteSet).list()) opts.known?.add(f.name);
	}
	// A table's rows as a new table has them: each object linked where its note is (else its plain
	// ID), its name, and the relationship's text in the table's citation form.
	const newRows = (rel: RelationTable): string[] =>
		rel.list.flatMap((r) => {
			const id = attackIdOf(r.object);
			if (id === null) return [];
			const ref = (opts.plain === true || ctx.noteFor(id) === null ? null : ctx.wikiLink(id, from, id, { inTable: true, existingOnly: true })) ?? id;
			const text = rel.noText ? "" : renderAttackText(r.description, r.relationship, { link: (target, shown) => ctx.wikiLink(target, from, shown, { existingOnly: true }), mode, inTable: true, citations: opts.footnotes ? "footnotes" : "none", br: "<br />" }, footnotes).trim();
			return [newTableRow(rel, ref, r.object.name ?? id, text)];
		});
	// A table with nothing under its heading is written there: a new note's (skeleton.ts writes
	// its tables' headings only), or one ATT&CK listed nothing in before (a technique's detection
	// strategies before v18) and lists something in now, as the note created now would have it.
	fresh.forEach((rel, k) => {
		if (matched.has(k) || rel.list.length === 0 || !note.outline) return;
		const title = tableHeading(rel).toLowerCase();
		const section = note.outline.sections.find((x) => x.title.toLowerCase() === title);
		if (!section) return;
		const span = regionOf(note.text, note.outline, section);
		const region = note.text.slice(span.start, span.end);
		if (region.trim() !== "" || handled.some((h) => span.start < h.end && h.start < span.end)) return;
		const lines = [...newTableHeader(rel), ...newRows(rel)].join("\n");
		const table = `\n${lines}\n${region}`;
		edits.push({ start: span.start, end: span.end, text: eol === "\n" && !table.includes("\r") ? table : table.replace(/\r?\n/g, eol) });
		written.add(k);
	});
	// A relationship the base release listed nothing in and this one does (Moonstone Sleet's first
	// software in 18.1), in a note without its table because its generator leaves empty tables out:
	// the table comes, headed and laid out as the vault's other notes of the kind have it, after the
	// note's last relationship table. Without such a note, or a base to tell "empty then" from
	// "left out by the user", nothing is added.
	const last = lastMatched;
	if (last !== null && base !== null && was0 !== undefined && note.outline) {
		fresh.forEach((rel, k) => {
			if (matched.has(k) || written.has(k) || rel.list.length === 0 || (old[k]?.list.length ?? 0) > 0) return;
			const form = ctx.tableFormFor(note, rel, (n) => tablesOf(n, idOf));
			if (form === null) return;
			const own = newTableHeader(rel);
			const same = form.header.length === own.length && columnsOf(form.header[0]) === columnsOf(own[0]);
			// The vault's columns (reuteras' `| ID | Name | References | Techniques |`, a generator's
			// `| ID | Name |` of a software's groups): ours by their titles, the others left empty.
			const roles = same ? null : columnRoles(form.header[0]);
			const rows = roles === null ? newRows(rel) : newRows(rel).map((row) => inColumns(row, roles, rel));
			const block = `\n${form.heading}\n\n${[...(same || roles !== null ? form.header : own), ...rows].join("\n")}\n`;
			edits.push({ start: last, end: last, text: eol === "\n" ? block : block.replace(/\n/g, eol) });
		});
	}
	return edits;
}

const columnsOf = (row: string | undefined): number => (row === undefined ? 0 : row.replace(/\\\|/g, "").split("|").length);

/** What each column of a header row holds, by its title: null when none is the ID's (then sync's own header is written). */
function columnRoles(header: string): Array<"id" | "name" | "text" | null> | null {
	const roles = (splitRow(header) ?? []).map((title) => {
		const t = title.trim().toLowerCase();
		return t === "id" ? "id" : t === "name" ? "name" : TEXT_TITLES.test(t) ? "text" : null;
	});
	return roles.includes("id") ? roles : null;
}

const TEXT_TITLES = /^(use|description|descrption|procedure|procedure description|detects)$/;

/** A row of sync's own columns (newTableRow's) in the columns `roles` name. */
function inColumns(row: string, roles: ReadonlyArray<"id" | "name" | "text" | null>, rel: RelationTable): string {
	const cells = splitRow(row) ?? [];
	const of = { id: cells[0] ?? "", name: cells[1] ?? "", text: rel.noText ? "" : (cells[2] ?? "") };
	const out = `| ${roles.map((role) => (role === null ? "" : of[role])).join(" | ")} |`;
	return out.replace(/ {2}\|/g, " |");
}

/**
 * The edit removing a table ATT&CK lists nothing in any more, and one blank line beside it (the
 * one after it, else the one before): its heading is left as the frame of a note created now has
 * it (skeleton.ts), no blank lines piling up where the table was.
 */
function gone(text: string, table: { start: number; end: number }): Edit {
	const after = /^\r?\n/.exec(text.slice(table.end, table.end + 2));
	if (after) return { start: table.start, end: table.end + after[0].length, text: "" };
	const before = /\r?\n\r?\n$/.test(text.slice(Math.max(0, table.start - 4), table.start)) ? (text[table.start - 2] === "\r" ? 2 : 1) : 0;
	return { start: table.start - before, end: table.end, text: "" };
}

/** The columns of a new note's relationship table. */
export const NEW_TABLE_HEADER = ["| ID | Name | Use |", "| --- | --- | --- |"];

/**
 * A new note's table's header: ID, Name and the rows' text, or (a tactic's techniques, `noText`)
 * ID and Name only. Table sync reads the columns' roles off the header, so a table with no text
 * column keeps none: it never fills one in.
 */
export function newTableHeader(table: RelationTable): readonly string[] {
	return table.noText ? ["| ID | Name |", "| --- | --- |"] : NEW_TABLE_HEADER;
}

/** A new note's table row, as table sync writes it: the reference, the name, the text (empty until synced). */
export function newTableRow(table: RelationTable, ref: string, name: string, text = ""): string {
	if (table.noText) return `| ${ref} | ${esc(name)} |`;
	if (text === "") return `| ${ref} | ${esc(name)} |  |`;
	const row = `| ${ref} | ${esc(name)} | ${text} |`;
	return row.includes("  |") ? row.replace(/ {2}\|/g, " |") : row;
}

/** The heading of a new note's relationship table: "Procedure Examples", "Techniques used". */
export function tableHeading(table: RelationTable): string {
	return table.heading ?? table.name.charAt(0).toUpperCase() + table.name.slice(1);
}

/** A table row inside a callout or quote: `> | ... |` (`>` as deep as it goes). */
const QUOTED_ROW = /^((?:[ \t]*>)+[ \t]*)\|.*\|[ \t]*\r?$/gm;
const ATTACK_ID = /\b(?:TA|DS|DC|T|M|G|S|C)\d{4}(?:\.\d{3})?\b/;

/**
 * Rows of tables inside callouts, which sync does not otherwise manage (reuteras' `> [!summary]-
 * Sub-techniques` table of a technique): a name cell that says what an earlier release given
 * called the row's object, renamed since, says the new name, as in the tables sync manages
 * (renamedCell: the same cells change, a link keeps its target). The row's object is the ATT&CK ID
 * of its first cell. Applied to the text sync wrote; a second sync finds nothing to change.
 */
export function renameQuotedRows(text: string, ctx: SyncContext): string {
	if (ctx.previous.length === 0 || !text.includes("> |")) return text;
	return text.replace(QUOTED_ROW, (line, prefix: string) => {
		const cells = cellSpans(line, prefix.length);
		const id = ATTACK_ID.exec(cells[0]?.text ?? "")?.[0];
		const o = id === undefined ? undefined : ctx.model.get(id);
		if (o?.name === undefined) return line;
		for (const p of ctx.previous) {
			const was = counterpart(p.model, o)?.name;
			if (was === undefined || was === o.name) continue;
			for (const cell of cells.slice(1)) {
				const renamed = renamedCell(cell.text, was, o.name);
				if (renamed !== null) return line.slice(0, cell.start) + renamed + line.slice(cell.start + cell.text.length);
			}
		}
		return line;
	});
}

/** Each cell of a table row from `from` (its opening `|`): its text, trimmed, and where that starts. */
function cellSpans(line: string, from: number): Array<{ text: string; start: number }> {
	const out: Array<{ text: string; start: number }> = [];
	let start = from + 1;
	for (let i = start; i < line.length; i++) {
		const ch = line.charCodeAt(i);
		if (ch === 0x5c && i + 1 < line.length) i++;
		else if (ch === 0x7c) {
			const raw = line.slice(start, i);
			const lead = raw.length - raw.trimStart().length;
			out.push({ text: raw.trim(), start: start + lead });
			start = i + 1;
		}
	}
	return out;
}
