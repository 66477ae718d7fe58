/**
 * A new note is its layout's empty frame, then synced like any other note: what sync creates is
 * exactly what a later sync would write, so a second run leaves it alone.
 */
import { isSubtechnique } from "../attack/model";
import { kindOfObject, kindSpec, relationTables } from "../kinds";
import type { Note } from "../notes/read";
import { readOutline } from "../notes/outline";
import { recognizeNote } from "../notes/recognize";
import type { StixObject } from "../attack/stix";
import { ownedKeys } from "./common";
import type { SyncContext } from "./context";
import { frontmatterBlock } from "./frontmatter-edit";
import { tableHeading } from "./tables";
import { NO_EXPORT_TABLES } from "./export";
import type { NoteLayout } from "./places";

/**
 * `tables: false` leaves the relationship tables out: an earlier release's text rendered to tell
 * its lines from the user's is prose (its rows are known to tables.ts by their IDs).
 *
 * The frame as a read Note, built directly: its frontmatter is what we just wrote, so it is not
 * parsed back (creating the whole Enterprise matrix makes 749 of these).
 */
export function skeletonNote(path: string, layout: NoteLayout, id: string, o: StixObject, ctx: SyncContext, opts: { tables?: boolean } = {}): Note {
	// The keys sync owns are written up front, so the sync that follows finds them in place.
	const owned = ownedKeys(o, ctx);
	const keys = layout === "export" ? owned : [["alias", id] as const, ...owned];
	const fm = frontmatterBlock(keys);
	const tables = opts.tables === false ? "" : relationSections(layout, o, ctx, layout === "export" ? "##" : "###");
	const text = fm + (layout === "export" ? exportSkeleton(id, o) + tables : classicSkeleton(id, o, factSections(o) + tables));
	const data: Record<string, unknown> = {};
	for (const [k, v] of keys) if (v !== null) data[k] = v;
	const frontmatter = { data, start: 0, end: fm.length, bodyStart: fm.length };
	const outline = readOutline(text, fm.length);
	return { path, text, frontmatter, outline, structure: null, recognized: recognizeNote(path, text, frontmatter, outline) };
}

/** The headings of the kind's facts the object has (a group's aliases, a campaign's sightings: kinds.ts), for the sync that follows to list them. */
function factSections(o: StixObject): string {
	const kind = kindOfObject(o);
	let out = "";
	for (const f of (kind === null ? undefined : kindSpec(kind).facts) ?? []) if (f.values(o).length > 0) out += `\n### ${f.title}\n`;
	return out;
}

function classicSkeleton(id: string, o: StixObject, tables: string): string {
	const rest = tables === "" ? "" : `${tables.trimStart()}\n`;
	if (o.type !== "attack-pattern") return `\n## ${id}\n\n${rest}---\n### References\n`;
	const subs = isSubtechnique(o) ? "" : "### Sub-techniques\n\n";
	return `\n## ${id}\n\n### Tactic\n\n### Platforms\n\n### Permissions Required\n\n### Mitigations\n\n${subs}${rest}\n---\n### References\n`;
}

/**
 * A new note's relationship tables' headings (a technique's procedure examples and detection
 * strategies, a tactic's techniques, a mitigation's techniques addressed, a group's techniques and
 * software...), each with nothing under it: the sync that follows writes each table under its
 * heading, as it writes one ATT&CK lists something in for the first time (tables.ts), rows linking
 * only notes the vault has or this run creates. Writing the rows here for that sync to read back
 * and fill in made the same tables at about twice the cost. In an export-layout note (of a kind
 * export.ts keeps tables for: not in `NO_EXPORT_TABLES`) the headings are second-level.
 */
function relationSections(layout: NoteLayout, o: StixObject, ctx: SyncContext, depth: string): string {
	const kind = kindOfObject(o);
	if (kind === null || (layout === "export" && NO_EXPORT_TABLES.has(kind))) return "";
	let out = "";
	for (const table of relationTables(ctx.model, o)) out += `\n${depth} ${tableHeading(table)}\n`;
	return out;
}

function exportSkeleton(id: string, o: StixObject): string {
	const name = o.name ?? id;
	if (o.type !== "attack-pattern") return `# ${name} (${id})\n\n## Description\n`;
	const parent = isSubtechnique(o) ? "## Parent Technique\n\n" : "";
	return `# ${name} (${id})\n\n## Description\n\n${parent}## Tactics\n\n## Related Groups\n\n## Mitigations\n\n## Detection\n`;
}
