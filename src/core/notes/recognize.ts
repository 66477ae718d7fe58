/**
 * Which layout a note is in and which ATT&CK objects it is ABOUT. Only the places that name
 * the note's subject count (aliases, the first heading, tags, the file name): a note that
 * merely mentions IDs in its text is about none of them.
 */
import { parseAllDocuments } from "yaml";
import { readAliases, type Frontmatter } from "./frontmatter";
import type { Section } from "./markdown";
import type { Outline } from "./outline";
import { messageOf } from "../errors";
import { kindOfId, type NoteKind } from "../kinds";

export type Layout = "classic" | "export" | "controls" | "sigma" | "other";

/** The kind of an ATT&CK ID: the kinds table's (src/core/kinds.ts). */
export type IdKind = NoteKind;

/** `name`: a data component known by its name alone (notes/named.ts), found where sync has the releases. */
export type IdSource = "alias" | "heading" | "title" | "url" | "tag" | "filename" | "name";

export interface Recognized {
	layout: Layout;
	/** The ATT&CK IDs the note is about: first = primary, deduplicated, uppercase. */
	ids: string[];
	idSources: Array<{ id: string; from: IdSource }>;
}

/** Any ATT&CK ID, as a regex source (no anchors, no groups that capture). */
const ID = "(?:T\\d{4}(?:\\.\\d{3})?|(?:TA|DS|DC|DET|AN|[MGSCA])\\d{4})";

/** The kind of an ATT&CK ID as written in ATT&CK (uppercase), or null if it is not one. */
export const idKind = kindOfId;

/** `raw` trimmed and uppercased when it is an ATT&CK ID (`t1204.001` -> `T1204.001`), else null. */
export function normalizeId(raw: string): string | null {
	const id = raw.trim().toUpperCase();
	return idKind(id) ? id : null;
}

// Generated headings are uppercase, so headings and file names match case-sensitively.
const WHOLE_ID = new RegExp(`^(${ID})$`);
/** Export title: `# Malicious Link (T1204.001)`; the name may hold `/`, `:` or parentheses. */
const EXPORT_TITLE = new RegExp(`^\\S.*\\((${ID})\\)$`);
/** Controls title: `# T1204.001: Malicious Link`. */
const CONTROLS_TITLE = new RegExp(`^(${ID})\\s*:\\s*\\S`);
/** A file name ending in its ID: `Malicious Link (T1204.001)`. */
const NAME_WITH_ID = new RegExp(`\\((${ID})\\)$`);
/** A tag naming an ID: `attack.t1204.001`, `attack/t1204.001`, `T1204.001` (no `#`). */
const ID_TAG = new RegExp(`^(?:attack[./])?(${ID})$`, "i");
/** The `##` sections of an export note; one of them tells an export from a titled user note. */
const EXPORT_SECTIONS = ["description", "tactics", "parent technique", "related groups", "mitigations", "detection"];

export function recognizeNote(path: string, text: string, fm: Frontmatter | null, structure: Outline | null): Recognized {
	const sources: Recognized["idSources"] = [];
	const add = (id: string | null | undefined, from: IdSource) => {
		if (id && !sources.some((s) => s.id === id)) sources.push({ id, from });
	};
	const aliases = fm ? readAliases(fm.data).map(normalizeId) : [];
	const sections = structure?.sections ?? [];
	const first: Section | undefined = sections[0];
	const title = first?.depth === 1 ? first.title : "";
	const controls = CONTROLS_TITLE.exec(title)?.[1];
	const exported = EXPORT_TITLE.exec(title)?.[1];
	// A whole-ID heading names the note only when it opens the body, as `## T1204.001` does in the
	// classic layout; below some text it is a part of the note.
	const opensBody = first !== undefined && text.slice(fm?.bodyStart ?? 0, first.headingStart).trim() === "";
	const heading = opensBody ? WHOLE_ID.exec(first.title)?.[1] : undefined;

	// The layout's own place for the ID comes first: it is the primary one.
	let layout: Layout = "other";
	if (controls) {
		layout = "controls";
		add(controls, "title");
	} else if (exported && sections.some((s) => s.depth === 2 && EXPORT_SECTIONS.includes(s.title.toLowerCase()))) {
		layout = "export";
		add(exported, "title");
	} else if (heading || (aliases.some((id) => id) && !listsMany(aliases))) {
		// A note whose aliases list many IDs (an index, a study list) is not the note about each.
		layout = "classic";
	}
	for (const id of aliases) add(id, "alias");
	add(heading, "heading");
	// A `# Name (ID)` title without the export sections still names the note's subject.
	add(exported, "title");
	// A key holding the object's page on attack.mitre.org (`url:`, `mitre-attack:`), as reuteras
	// and vincenzocaputo write it: the only place some generators put a group's ID.
	if (fm) for (const value of Object.values(fm.data)) if (typeof value === "string") add(idFromUrl(value), "url");
	for (const tag of fm ? readTags(fm.data) : []) add(ID_TAG.exec(tag)?.[1].toUpperCase(), "tag");
	if (sources.length === 0) add(idFromFileName(path), "filename");
	return { layout, ids: sources.map((s) => s.id), idSources: sources };
}

/** More ATT&CK IDs than this in a note's aliases make it a list of them, not the note about each. */
export const MANY_ALIAS_IDS = 3;

function listsMany(aliasIds: ReadonlyArray<string | null>): boolean {
	return aliasIds.filter((id) => id !== null).length > MANY_ALIAS_IDS;
}

/**
 * The one ID a note is about on its own: its layout's subject (the title of an export or controls
 * note, the `## ID` heading of a classic one), else its first ID, unless its aliases list many
 * (more than MANY_ALIAS_IDS): such a note claims them all and is about none of them alone.
 */
export function subjectId(r: Recognized): string | null {
	const placed = r.idSources.find((s) => s.from === "title" || s.from === "heading");
	if (placed) return placed.id;
	if (r.layout === "sigma" || listsMany(r.idSources.filter((s) => s.from === "alias").map((s) => s.id))) return null;
	return r.ids[0] ?? null;
}

/**
 * Whether the note is about `id` (a note links to `id` may go to): its subject, or one of its few
 * IDs. A note listing many IDs in its aliases is about only the one its title or heading names.
 */
export function isAbout(r: Recognized, id: string): boolean {
	if (subjectId(r) === id) return true;
	return r.ids.includes(id) && !listsMany(r.idSources.filter((s) => s.from === "alias").map((s) => s.id));
}

/** `tags` / `tag` (any case of the first letter): a list, or a string of comma- or space-separated tags. */
export function readTags(data: Record<string, unknown>): string[] {
	const out: string[] = [];
	for (const key of ["tags", "tag", "Tags", "Tag"]) {
		const value = data[key];
		const items = typeof value === "string" ? value.split(/[,\s]+/) : Array.isArray(value) ? value : [];
		for (const item of items) if (typeof item === "string" && item.trim() !== "") out.push(item.trim().replace(/^#/, ""));
	}
	return out;
}

/** An object's page: `https://attack.mitre.org/groups/G0006`, `.../techniques/T1003/001/`. */
const ATTACK_URL = /^https?:\/\/attack\.mitre\.org\/[a-z]+\/((?:T|TA|DS|DC|DET|AN|[MGSCA])\d{4})(?:\/(\d{3}))?\/?$/i;

function idFromUrl(value: string): string | null {
	const m = ATTACK_URL.exec(value.trim());
	if (!m) return null;
	return normalizeId(m[2] === undefined ? m[1] : `${m[1]}.${m[2]}`);
}

/** A generator's file name with the ID at one end: `G0001-Axiom`, `T1518 - Name`, `Name - T1003.001`. */
const ID_THEN_NAME = new RegExp(`^(${ID})\\s*-\\s*\\S`);
const NAME_THEN_ID = new RegExp(`\\S\\s+-\\s+(${ID})$`);

/**
 * The last resort: a file named `T1204.001.md` or `Malicious Link (T1204.001).md`, or as a
 * generator names it (`G0001-Axiom.md`; sync checks the rest of such a name is the object's).
 */
function idFromFileName(path: string): string | null {
	const name = (path.split("/").pop() ?? "").replace(/\.[^.]*$/, "").trim();
	const m = WHOLE_ID.exec(name) ?? NAME_WITH_ID.exec(name) ?? ID_THEN_NAME.exec(name) ?? NAME_THEN_ID.exec(name);
	return m ? m[1] : null;
}

/** The name part of a file named by a generator's pattern (`G0001-Axiom` -> `Axiom`), or null. */
export function nameBesideId(path: string, id: string): string | null {
	const name = (path.split("/").pop() ?? "").replace(/\.[^.]*$/, "").trim();
	if (name.startsWith(id)) return name.slice(id.length).replace(/^\s*-\s*/, "");
	if (name.endsWith(id)) return name.slice(0, -id.length).replace(/\s*-\s*$/, "");
	return null;
}

/** A Sigma technique tag: `attack.t1059`, `attack.t1608.005` (not tactics like `attack.execution`). */
const SIGMA_TECHNIQUE = /^attack\.(t\d{4}(?:\.\d{3})?)$/i;

/**
 * A Sigma rule (.yml/.yaml), read with the `yaml` package, which never runs anything. A rule file
 * may hold several YAML documents; each one's technique tags count. A YAML file that is not a
 * Sigma rule (no `detection`) gives layout "other".
 */
export function recognizeSigma(path: string, text: string): Recognized | { error: string } {
	if (!/\.ya?ml$/i.test(path)) return { error: `${path} is not a YAML file` };
	const sources: Recognized["idSources"] = [];
	let sigma = false;
	for (const doc of parseAllDocuments(text)) {
		const err = doc.errors[0];
		if (err) {
			const line = err.linePos?.[0].line;
			const reason = err.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
			return { error: `YAML${line ? ` line ${line}` : ""}: ${reason}` };
		}
		let rule: unknown;
		try {
			rule = doc.toJS();
		} catch (err) {
			// e.g. too many aliases (the yaml package's guard against "billion laughs").
			return { error: `YAML: ${messageOf(err)}` };
		}
		if (!rule || typeof rule !== "object" || Array.isArray(rule)) continue;
		const { detection, tags } = rule as { detection?: unknown; tags?: unknown };
		if (detection !== undefined) sigma = true;
		if (!Array.isArray(tags)) continue;
		for (const tag of tags) {
			const m = typeof tag === "string" ? SIGMA_TECHNIQUE.exec(tag.trim()) : null;
			const id = m ? m[1].toUpperCase() : null;
			if (id && !sources.some((s) => s.id === id)) sources.push({ id, from: "tag" });
		}
	}
	if (!sigma) return { layout: "other", ids: [], idSources: [] };
	return { layout: "sigma", ids: sources.map((s) => s.id), idSources: sources };
}
