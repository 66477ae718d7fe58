/**
 * A new note is its layout's empty frame, then synced like any other note: what sync creates is
 * exactly what a later sync would write, so a second run leaves it alone.
 */
import { isSubtechnique } from "../attack/model";
import type { StixObject } from "../attack/stix";
import { ownedKeys } from "./common";
import type { SyncContext } from "./context";
import { frontmatterBlock } from "./frontmatter-edit";
import type { NoteLayout } from "./places";

export function skeleton(layout: NoteLayout, id: string, o: StixObject, ctx: SyncContext): string {
	// The keys sync owns are written up front, so the sync that follows finds them in place.
	const owned = ownedKeys(o, ctx);
	if (layout === "export") return frontmatterBlock(owned) + exportSkeleton(id, o);
	const fm = frontmatterBlock([["alias", id], ...owned]);
	if (o.type !== "attack-pattern") return `${fm}\n## ${id}\n\n---\n### References\n`;
	const subs = isSubtechnique(o) ? "" : "### Sub-techniques\n\n";
	return `${fm}\n## ${id}\n\n### Tactic\n\n### Platforms\n\n### Permissions Required\n\n### Mitigations\n\n${subs}\n---\n### References\n`;
}

function exportSkeleton(id: string, o: StixObject): string {
	const name = o.name ?? id;
	if (o.type !== "attack-pattern") return `# ${name} (${id})\n\n## Description\n`;
	const parent = isSubtechnique(o) ? "## Parent Technique\n\n" : "";
	return `# ${name} (${id})\n\n## Description\n\n${parent}## Tactics\n\n## Related Groups\n\n## Mitigations\n\n## Detection\n`;
}
