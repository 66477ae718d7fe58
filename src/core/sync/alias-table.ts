/**
 * A table of a group's or software's aliases with what ATT&CK says of each (reuteras'
 * `### Associated Group Descriptions`: `| Name | Description |`, a row per alias, its text the
 * alias's citations). A release that gives the object new aliases gets a row for each, after the
 * table's last row; the rows there stay as they are.
 *
 * The table is found by what it says: a two-column table whose first cells are mostly aliases the
 * note's release gave. Only aliases new since that release are added, so a row the user deleted
 * is not written again, and a second sync (the note now of this release) adds nothing. Without
 * the note's release, nothing is added: an alias missing from the table may be one the user took
 * out.
 */
import { counterpart, type AttackModel } from "../attack/model";
import type { StixObject } from "../attack/stix";
import type { Note } from "../notes/read";
import { FootnoteSet, renderAttackText } from "./attack-text";
import type { SyncContext } from "./context";
import type { Edit } from "./edits";
import { normalizeLine } from "./prose";
import { tablesOf } from "./tables";

const aliasesOf = (o: StixObject): readonly string[] => o.aliases ?? o.x_mitre_aliases ?? [];

export function aliasTableEdits(note: Note, o: StixObject, ctx: SyncContext, base: AttackModel | null, footnotes: FootnoteSet, handled: ReadonlyArray<{ start: number; end: number }>, eol: string, citations: "footnotes" | "none"): Edit[] {
	const now = aliasesOf(o);
	if (now.length < 2 || base === null || base === ctx.model) return [];
	const was = counterpart(base, o);
	if (was === undefined) return [];
	const then = new Set(aliasesOf(was));
	const added = now.filter((a) => a !== o.name && !then.has(a));
	if (added.length === 0) return [];
	const edits: Edit[] = [];
	for (const table of tablesOf(note, (cells) => (cells[0] === undefined ? null : normalizeLine(cells[0])))) {
		if (table.header.length !== 2 || handled.some((h) => table.start < h.end && h.start < table.end)) continue;
		const names = table.rows.map((r) => r.id ?? "");
		if (names.length === 0 || names.filter((n) => then.has(n)).length * 2 < names.length) continue;
		const link = (target: string, shown: string) => ctx.wikiLink(target, note.path, shown, { existingOnly: true, inTable: true });
		const rows = added
			.filter((a) => !names.includes(a))
			.map((a) => {
				const said = o.external_references?.find((r) => r.source_name === a)?.description ?? "";
				const text = renderAttackText(said, o, { link, inTable: true, citations }, footnotes).trim();
				return `| ${a.replace(/\|/g, "\\|")} | ${text} |`;
			});
		if (rows.length === 0) continue;
		const lead = note.text[table.end - 1] === "\n" ? "" : eol;
		edits.push({ start: table.end, end: table.end, text: lead + rows.join(eol) + (lead === "" ? eol : "") });
	}
	return edits;
}
