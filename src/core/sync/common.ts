/**
 * What the layouts share: the notice on revoked and deprecated notes, the references list, the
 * frontmatter keys sync owns, and the names ATT&CK has used for platforms and permissions (so a
 * list item is known to be ATT&CK's even when the current release dropped it).
 */
import { DATA_SOURCE_COMPONENTS } from "../attack/data-source-components";
import { attackIdOf, counterpart, type AttackModel } from "../attack/model";
import { ATTACK_SOURCES, type StixObject } from "../attack/stix";
import type { Section } from "../notes/markdown";
import { FootnoteSet } from "./attack-text";
import type { SyncContext } from "./context";
import type { FmValue } from "./frontmatter-edit";
import type { Classifier, NewLine, Shape } from "./merge";

export interface SectionPlan {
	title: string;
	/** The note's section, or undefined when the note lacks it. */
	section: Section | undefined;
	fresh: NewLine[];
	classify: Classifier;
	shape: Shape;
	/** Where to add the section when the note lacks it and it has content. */
	insertAt?: number;
}

export const ATTACK_REF_SOURCES: ReadonlySet<string> = ATTACK_SOURCES;

/** Platform names ATT&CK has used in past releases (the current bundle adds its own). */
const PAST_PLATFORMS = [
	"Windows", "macOS", "Linux", "Azure AD", "Office 365", "SaaS", "IaaS", "Google Workspace", "Containers", "Network",
	"PRE", "AWS", "GCP", "Azure", "Identity Provider", "Office Suite", "ESXi", "Network Devices", "Android", "iOS",
];
const PAST_PERMISSIONS = ["User", "Administrator", "SYSTEM", "root", "Remote Desktop Users"];

const platformCache = new WeakMap<AttackModel, { platforms: Set<string>; permissions: Set<string> }>();

function vocabulary(model: AttackModel): { platforms: Set<string>; permissions: Set<string> } {
	let v = platformCache.get(model);
	if (!v) {
		v = { platforms: new Set(PAST_PLATFORMS), permissions: new Set(PAST_PERMISSIONS) };
		for (const kind of ["technique", "software", "analytic"] as const) {
			for (const o of model.all(kind)) for (const p of o.x_mitre_platforms ?? []) v.platforms.add(p);
		}
		for (const o of model.all("technique")) for (const p of o.x_mitre_permissions_required ?? []) v.permissions.add(p);
		platformCache.set(model, v);
	}
	return v;
}

export const knownPlatforms = (model: AttackModel): Set<string> => vocabulary(model).platforms;
export const knownPermissions = (model: AttackModel): Set<string> => vocabulary(model).permissions;

/** The visible line on a revoked or deprecated note, or null for an active one. */
export function notice(o: StixObject, ctx: SyncContext, from: string): string | null {
	if (o.revoked === true) {
		const by = ctx.model.revokedBy(o);
		if (!by) return `> [!warning] Revoked in ${ctx.versionLabel}.`;
		const id = attackIdOf(by) ?? "";
		const shown = `${id} ${by.name ?? ""}`.trim();
		const link = ctx.wikiLink(id, from, shown, { existingOnly: true });
		return `> [!warning] Revoked in ${ctx.versionLabel}: replaced by ${link ?? `${id} (${by.name ?? ""})`}.`;
	}
	if (o.x_mitre_deprecated === true && o.type === "x-mitre-data-source") return `> [!warning] Deprecated in ${ctx.versionLabel}: ${dataSourceSuccessors(o, ctx, from)}`;
	if (o.x_mitre_deprecated === true) return `> [!warning] Deprecated in ${ctx.versionLabel}: MITRE no longer maintains it.`;
	return null;
}

/**
 * What took a deprecated data source's place (ATT&CK v18 retired data sources): its data
 * components, which stand on their own now. They are the ones the last releases relating them
 * named (17.1's Enterprise and Mobile, recorded in DATA_SOURCE_COMPONENTS: Domain Name -> Active
 * DNS, Passive DNS, Domain Registration), and those keeping its name at their head (Group ->
 * Group Enumeration; ICS, of which no such release is recorded). Worked out from the new release
 * and that record alone, so every sync writes the same notice whatever earlier releases it loaded.
 */
function dataSourceSuccessors(o: StixObject, ctx: SyncContext, from: string): string {
	const name = (o.name ?? "").toLowerCase();
	const recorded = new Set(DATA_SOURCE_COMPONENTS[o.id] ?? []);
	const components = ctx.model
		.active("dataComponent")
		.filter((c) => recorded.has(c.id) || c.x_mitre_data_source_ref === o.id || (name !== "" && (c.name ?? "").toLowerCase().startsWith(`${name} `)))
		.sort((a, b) => ((a.name ?? "") < (b.name ?? "") ? -1 : 1));
	if (components.length === 0) return "ATT&CK no longer has data sources; detection strategies, analytics and data components describe detection now.";
	const named = components.map((c) => {
		const id = attackIdOf(c);
		return id === null ? (c.name ?? "") : (ctx.wikiLink(id, from, c.name ?? id, { existingOnly: true }) ?? `${c.name ?? ""} (${id})`);
	});
	return `ATT&CK no longer has data sources; its data components stand on their own: ${named.join(", ")}.`;
}

/** The references section: the ATT&CK page, the references the text does not cite, then the footnotes. */
export function refLines(o: StixObject, footnotes: FootnoteSet): NewLine[] {
	const lines: NewLine[] = [];
	const cited = new Set(footnotes.list().map((f) => f.name));
	for (const r of o.external_references ?? []) {
		if (r.url === undefined || cited.has(r.source_name)) continue;
		if (ATTACK_SOURCES.has(r.source_name) && r.external_id === undefined) continue;
		lines.push({ text: `- ${r.source_name}: ${r.url}`, key: `ref:${r.source_name}` });
	}
	const notes = footnotes.list();
	if (notes.length > 0) {
		if (lines.length > 0) lines.push({ text: "" });
		for (const f of notes) lines.push({ text: FootnoteSet.definition(f), key: `fn:${f.name}` });
	}
	return lines;
}

/** The frontmatter keys sync owns, with their values for this object. */
export function ownedKeys(o: StixObject, ctx: SyncContext): Array<[string, FmValue]> {
	const keys: Array<[string, FmValue]> = [["attack_name", o.name ?? null]];
	if (ctx.version !== null) keys.push(["attack_version", ctx.version]);
	keys.push(["attack_modified", o.modified ?? null]);
	const status = o.revoked === true ? "revoked" : o.x_mitre_deprecated === true ? "deprecated" : null;
	keys.push(["attack_status", status]);
	const by = o.revoked === true ? ctx.model.revokedBy(o) : null;
	keys.push(["attack_revoked_by", by ? attackIdOf(by) : null]);
	return keys;
}

/**
 * Frontmatter lists of ATT&CK facts a generator wrote (`tactic`, `platforms`, `permissions
 * required`), brought up to date in the shape found: a list, one item joined by ` - ` (as three of
 * the generators write it), or a string. Items ATT&CK never used are the user's and stay; the
 * note's order stays, new items go last. Keys the note lacks are not added.
 */
export function factKeys(data: Record<string, unknown> | undefined, o: StixObject, ctx: SyncContext): Array<[string, FmValue]> {
	if (!data || o.revoked === true || o.x_mitre_deprecated === true) return [];
	const aliases = [...aliasAdditions(data, o, ctx), ...pageKeys(data, o, ctx)];
	if (o.type !== "attack-pattern") return aliases;
	const model = ctx.model;
	const tacticNames = new Set(model.all("tactic").map((t) => t.name ?? ""));
	const facts: Array<[RegExp, string[], Set<string>]> = [
		[/^tactics?$/i, model.tacticsOf(o).map((t) => t.name ?? ""), tacticNames],
		[/^platforms$/i, [...(o.x_mitre_platforms ?? [])], knownPlatforms(model)],
		[/^permissions[ _]required$/i, [...(o.x_mitre_permissions_required ?? [])], knownPermissions(model)],
	];
	const out: Array<[string, FmValue]> = [];
	for (const key of Object.keys(data)) {
		const fact = facts.find(([re]) => re.test(key));
		const value = data[key];
		if (!fact || value === null || value === undefined) continue;
		const [, fresh, known] = fact;
		const list = typeof value === "string" ? [value] : Array.isArray(value) && value.every((v) => typeof v === "string") ? value : null;
		if (list === null) continue;
		const sep = list.length === 1 && list[0].includes(" - ") ? " - " : typeof value === "string" && list[0].includes(", ") ? ", " : null;
		const items = sep ? list[0].split(sep).map((s) => s.trim()) : list.map((s) => s.trim());
		// A value of none of ATT&CK's words (`none`, a note of the user's) is left alone.
		if (!items.some((i) => known.has(i))) continue;
		const kept = items.filter((i) => !known.has(i) || fresh.includes(i));
		const next = [...kept, ...fresh.filter((f) => !kept.includes(f))];
		if (next.length === items.length && next.every((x, i) => x === items[i])) continue;
		out.push([key, sep ? (typeof value === "string" ? next.join(sep) : [next.join(sep)]) : typeof value === "string" ? next.join(", ") : next]);
	}
	return [...out, ...aliases];
}

/**
 * Frontmatter `aliases` lists of what ATT&CK calls an object, with what it calls it now added
 * after the items there (which stay: links of the user's may reach the note through them):
 * - the forms a generator made of the object's name and ID (reuteras: `Time Based Evasion`,
 *   `Time Based Evasion (T1497.003)`, `T1497.003 (Time Based Evasion)`), when ATT&CK renamed the
 *   object since an earlier release given (Time Based Checks in 18.1), or gave it the ID it then
 *   lacked (reuteras' 17.1 data components: an empty item, `Active DNS ()`, ` (Active DNS)`);
 * - a group's or software's ATT&CK aliases, in a list that holds all of an earlier release's
 *   (Mustang Panda's 4 of 17.1, to which 18.1 adds 11).
 */
function aliasAdditions(data: Record<string, unknown>, o: StixObject, ctx: SyncContext): Array<[string, FmValue]> {
	const id = attackIdOf(o) ?? "";
	const now = o.name;
	if (now === undefined) return [];
	const earlier = ctx.previous.map((p) => counterpart(p.model, o)).filter((x): x is StixObject => x !== undefined);
	if (earlier.length === 0) return [];
	const out: Array<[string, FmValue]> = [];
	for (const key of Object.keys(data)) {
		const value = data[key];
		if (!/^aliases$/i.test(key) || !Array.isArray(value) || !value.every((v) => typeof v === "string" || v === null)) continue;
		const items = (value as Array<string | null>).map((v) => (v ?? "").trim());
		const added: string[] = [];
		const add = (item: string) => {
			if (item !== "" && !items.includes(item) && !added.includes(item)) added.push(item);
		};
		for (const old of earlier) {
			const was = old.name ?? "";
			const wasId = attackIdOf(old) ?? "";
			if (was !== now || wasId !== id) {
				for (const item of items) {
					if (item === was && was !== now) add(now);
					if (item === `${was} (${wasId})`) add(`${now} (${id})`);
					if (item === `${wasId} (${was})`.trim()) add(`${id} (${now})`);
					if (item === wasId && wasId !== id) add(id);
				}
			}
			const attack = old.aliases ?? old.x_mitre_aliases ?? [];
			if (attack.length > 1 && attack.every((a) => items.includes(a))) for (const a of o.aliases ?? o.x_mitre_aliases ?? []) add(a);
		}
		if (added.length > 0) out.push([key, { append: added }]);
	}
	return out;
}

/**
 * A frontmatter link to the object's ATT&CK page (`url:`, `mitre-attack:`) that is what an earlier
 * release given had (or empty, as reuteras wrote it for a 17.1 data component without an ID) is
 * the page this release gives.
 */
function pageKeys(data: Record<string, unknown>, o: StixObject, ctx: SyncContext): Array<[string, FmValue]> {
	const url = attackUrlOf(o);
	if (url === null) return [];
	const out: Array<[string, FmValue]> = [];
	for (const key of Object.keys(data)) {
		const value = data[key];
		if (!/^(?:url|mitre-attack)$/i.test(key) || (typeof value !== "string" && value !== null) || (value ?? "") === url) continue;
		const was = ctx.previous.map((p) => counterpart(p.model, o)).filter((x): x is StixObject => x !== undefined);
		if (was.some((old) => (attackUrlOf(old) ?? "") === (value ?? "").trim())) out.push([key, url]);
	}
	return out;
}

/** The URL of the object's page on attack.mitre.org, as its ATT&CK reference gives it. */
function attackUrlOf(o: StixObject): string | null {
	return (o.external_references ?? []).find((r) => ATTACK_SOURCES.has(r.source_name) && r.external_id !== undefined)?.url ?? null;
}
