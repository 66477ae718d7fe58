import type { StixObject } from "../attack/stix";
import type { Note } from "../notes/read";
import type { SyncContext } from "./context";
import type { Edit } from "./edits";

export function syncExport(note: Note, o: StixObject, ctx: SyncContext): { edits: Edit[] } {
	void note; void o; void ctx;
	return { edits: [] };
}
