/**
 * The ATT&CK domain a note belongs to, as its folders or tags say: `Enterprise-Attack/`,
 * `mobile-attack/`, reuteras' `Enterprise attack/`, scorchederf's `attack/domain/enterprise_attack`
 * tag. A vault holding several domains keeps each one's notes apart this way; sync takes a note
 * with no such sign to be any loaded domain's.
 */
import type { Note } from "./read";
import { readTags } from "./recognize";

export function domainOfNote(note: Note): string | null {
	const tags = note.frontmatter ? readTags(note.frontmatter.data) : [];
	for (const part of [...note.path.split("/").slice(0, -1), ...tags.flatMap((t) => t.split("/"))]) {
		const m = /^(enterprise|mobile|ics)[\s_-]?attack$/i.exec(part.trim());
		if (m) return `${m[1].toLowerCase()}-attack`;
	}
	return null;
}
