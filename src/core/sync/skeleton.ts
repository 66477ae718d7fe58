/**
 * A new note is its layout's empty frame, then synced like any other note: what sync creates is
 * exactly what a later sync would write, so a second run leaves it alone.
 */
import { isSubtechnique } from "../attack/model";
import type { StixObject } from "../attack/stix";
import type { SyncContext } from "./context";
import type { NoteLayout } from "./places";

export function skeleton(layout: NoteLayout, id: string, o: StixObject, ctx: SyncContext): string {
	void ctx;
	if (layout === "export") return exportSkeleton(id, o);
	if (o.type !== "attack-pattern") return `---\nalias: ${id}\n---\n\n## ${id}\n\n---\n### References\n`;
	const subs = isSubtechnique(o) ? "" : "### Sub-techniques\n\n";
	return `---\nalias: ${id}\n---\n\n## ${id}\n\n### Tactic\n\n### Platforms\n\n### Permissions Required\n\n### Mitigations\n\n${subs}\n---\n### References\n`;
}

function exportSkeleton(id: string, o: StixObject): string {
	const name = o.name ?? id;
	if (o.type !== "attack-pattern") return `# ${name} (${id})\n\n## Description\n`;
	const parent = isSubtechnique(o) ? "## Parent Technique\n\n" : "";
	return `# ${name} (${id})\n\n## Description\n\n${parent}## Tactics\n\n## Related Groups\n\n## Mitigations\n\n## Detection\n`;
}
