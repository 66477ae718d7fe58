/**
 * A new note is its layout's empty frame, then synced like any other note: what sync creates is
 * exactly what a later sync would write, so a second run leaves it alone.
 */
import { isSubtechnique } from "../attack/model";
import type { Note } from "../notes/read";
import { readOutline } from "../notes/outline";
import { recognizeNote } from "../notes/recognize";
import type { StixObject } from "../attack/stix";
import { ownedKeys } from "./common";
import type { SyncContext } from "./context";
import { frontmatterBlock } from "./frontmatter-edit";
import type { NoteLayout } from "./places";

/**
 * The frame as a read Note, built directly: its frontmatter is what we just wrote, so it is not
 * parsed back (creating the whole Enterprise matrix makes 749 of these).
 */
export function skeletonNote(path: string, layout: NoteLayout, id: string, o: StixObject, ctx: SyncContext): Note {
	// The keys sync owns are written up front, so the sync that follows finds them in place.
	const owned = ownedKeys(o, ctx);
	const keys = layout === "export" ? owned : [["alias", id] as const, ...owned];
	const fm = frontmatterBlock(keys);
	const text = fm + (layout === "export" ? exportSkeleton(id, o) : classicSkeleton(id, o));
	const data: Record<string, unknown> = {};
	for (const [k, v] of keys) if (v !== null) data[k] = v;
	const frontmatter = { data, start: 0, end: fm.length, bodyStart: fm.length };
	const outline = readOutline(text, fm.length);
	return { path, text, frontmatter, outline, structure: null, recognized: recognizeNote(path, text, frontmatter, outline) };
}

function classicSkeleton(id: string, o: StixObject): string {
	if (o.type !== "attack-pattern") return `\n## ${id}\n\n---\n### References\n`;
	const subs = isSubtechnique(o) ? "" : "### Sub-techniques\n\n";
	return `\n## ${id}\n\n### Tactic\n\n### Platforms\n\n### Permissions Required\n\n### Mitigations\n\n${subs}\n---\n### References\n`;
}

function exportSkeleton(id: string, o: StixObject): string {
	const name = o.name ?? id;
	if (o.type !== "attack-pattern") return `# ${name} (${id})\n\n## Description\n`;
	const parent = isSubtechnique(o) ? "## Parent Technique\n\n" : "";
	return `# ${name} (${id})\n\n## Description\n\n${parent}## Tactics\n\n## Related Groups\n\n## Mitigations\n\n## Detection\n`;
}
