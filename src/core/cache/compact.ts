/**
 * The plugin's ATT&CK cache: what sync needs from a bundle, kept in the plugin's folder so a later
 * sync starts without the network. The cache is itself a STIX bundle (`{"type": "bundle",
 * "objects": [...]}`, so `loadBundle`/`modelFromJson` read it unchanged) holding only the object
 * types and fields the core reads, plus a header (`x_attack_sync_cache`) with the domain, the
 * ATT&CK version and date, and where the bundle came from.
 *
 * What is kept is decided by what `src/core` reads (model.ts, sync/, attack-text.ts):
 * - objects of the types the model indexes, and relationships whose two ends are both kept;
 *   revoked and deprecated relationships go (the model never follows them), except `revoked-by`,
 *   which `revokedBy` follows whatever its state;
 * - per type, only the fields read (SHAPES); `revoked`, `x_mitre_deprecated` and
 *   `x_mitre_is_subtechnique` only when true (everything tests them with `=== true`);
 * - external references in full where sync renders the object's text (citations resolve against
 *   them): every kind of object a note is about, and the relationships whose text notes show
 *   (`mitigates`, `detects`, `uses`, `attributed-to`); elsewhere only the reference that carries
 *   the ATT&CK ID;
 * - relationship text only for those relationships.
 * Kept objects stay in bundle order: lookups that prefer the first of several (an ID shared by a
 * revoked and a live object, the order of detection strategies) answer as with the full bundle.
 */
import { isActive, modelFromJson, type AttackModel } from "../attack/model";
import { ATTACK_SOURCES, type ExternalReference, type StixObject } from "../attack/stix";
import { UserError } from "../errors";
import { checkBundleDomain, checkDomain, isVersionString, knownDomain } from "../fetch/index-json";

export const CACHE_FORMAT = 1;

export interface CacheMeta {
	/** `enterprise-attack`, `mobile-attack` or `ics-attack`. */
	domain: string;
	/** `18.1`, or null when the bundle does not say (mitre/cti STIX 2.0 bundles). */
	attackVersion: string | null;
	/** The newest `modified` date of any object (a 2.1 bundle's collection carries the release date). */
	modified: string | null;
	/** The URL or file the bundle came from. */
	source: string;
	/** When the cache was written (ISO), as the caller says. */
	createdAt: string;
	format: 1;
}

/**
 * The cache's file name for a domain (`cache-enterprise-attack.json`, `...-previous.json`), built
 * from the fixed list of domains: any other domain is a UserError, so no bundle can choose where
 * the plugin writes.
 */
export function cacheFileName(domain: string, which: "current" | "previous" = "current"): string {
	return `cache-${checkDomain(domain)}${which === "previous" ? "-previous" : ""}.json`;
}

/**
 * An earlier release's cache in the releases folder (`enterprise-attack-17.1.json`), the name the
 * CLI's --cache-dir uses too, so the two share what they downloaded: a known domain and a version
 * number only, so no index.json chooses where the plugin writes.
 */
export function releaseFileName(domain: string, version: string): string {
	if (!isVersionString(version)) throw new UserError(`"${version}" is not an ATT&CK release number.`);
	return `${checkDomain(domain)}-${version.trim()}.json`;
}

/** The release a file of the releases folder holds for `domain` (its name: releaseFileName), or null. */
export function releaseOfFileName(domain: string, file: string): string | null {
	const prefix = `${domain}-`;
	if (!file.startsWith(prefix) || !file.endsWith(".json")) return null;
	const version = file.slice(prefix.length, -".json".length);
	return isVersionString(version) && version === version.trim() ? version : null;
}

/** The bundle property that holds the cache's header. */
const META_KEY = "x_attack_sync_cache";

type Json = Record<string, unknown>;

interface Shape {
	/** Fields copied as they are (when present). */
	readonly fields: readonly string[];
	/** All external references, or only the one naming the ATT&CK ID. */
	readonly refs: "all" | "id";
}

/** Fields kept only when `true`: the code tests them with `=== true`, so absent means false. */
const FLAGS = ["revoked", "x_mitre_deprecated", "x_mitre_is_subtechnique"] as const;

/** Kept object types and their fields (besides `type`, `id` and FLAGS). */
// Every kind a note is about keeps what its note shows: description, date, version and
// contributors (reuteras' info callout: labelled.ts), references.
const SHAPES: ReadonlyMap<string, Shape> = new Map(Object.entries({
	"attack-pattern": {
		fields: ["name", "description", "modified", "x_mitre_version", "x_mitre_contributors", "kill_chain_phases", "x_mitre_detection", "x_mitre_platforms", "x_mitre_permissions_required", "x_mitre_domains"],
		refs: "all",
	},
	"x-mitre-tactic": { fields: ["name", "description", "modified", "x_mitre_version", "x_mitre_contributors", "x_mitre_shortname", "x_mitre_domains"], refs: "all" },
	"course-of-action": { fields: ["name", "description", "modified", "x_mitre_version", "x_mitre_contributors"], refs: "all" },
	"intrusion-set": { fields: ["name", "description", "modified", "x_mitre_version", "x_mitre_contributors", "aliases"], refs: "all" },
	// Software platforms join the vocabulary that tells ATT&CK's platform list items from the user's.
	malware: { fields: ["name", "description", "modified", "x_mitre_version", "x_mitre_contributors", "x_mitre_platforms", "x_mitre_aliases"], refs: "all" },
	tool: { fields: ["name", "description", "modified", "x_mitre_version", "x_mitre_contributors", "x_mitre_platforms", "x_mitre_aliases"], refs: "all" },
	campaign: { fields: ["name", "description", "modified", "x_mitre_version", "x_mitre_contributors", "first_seen", "last_seen"], refs: "all" },
	"x-mitre-detection-strategy": { fields: ["name", "description", "modified", "x_mitre_version", "x_mitre_contributors", "x_mitre_analytic_refs"], refs: "all" },
	"x-mitre-analytic": { fields: ["name", "description", "modified", "x_mitre_version", "x_mitre_contributors", "x_mitre_platforms", "x_mitre_log_source_references"], refs: "all" },
	"x-mitre-data-component": { fields: ["name", "description", "modified", "x_mitre_version", "x_mitre_contributors", "x_mitre_data_source_ref"], refs: "all" },
	"x-mitre-data-source": { fields: ["name", "description", "modified", "x_mitre_version", "x_mitre_contributors"], refs: "all" },
	"x-mitre-matrix": { fields: ["name", "tactic_refs"], refs: "id" },
	"x-mitre-collection": { fields: ["name", "modified", "x_mitre_version"], refs: "id" },
	"x-mitre-asset": { fields: ["name", "description", "modified", "x_mitre_version", "x_mitre_contributors"], refs: "all" },
} satisfies Record<string, Shape>));

/**
 * Relationship types whose text sync renders: mitigation tables, data components under Detection,
 * procedures (a group's, software's or campaign's use of a technique) and a campaign's groups.
 */
const RENDERED_RELATIONSHIPS: ReadonlySet<string> = new Set(["mitigates", "detects", "uses", "attributed-to"]);

const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

function copyRef(r: Json): ExternalReference {
	const out: Json = {};
	for (const k of ["source_name", "external_id", "url", "description"]) if (r[k] !== undefined) out[k] = r[k];
	return out as unknown as ExternalReference;
}

function compactRefs(refs: unknown, which: "all" | "id"): ExternalReference[] | undefined {
	if (!Array.isArray(refs)) return undefined;
	const list = refs.filter(isObject);
	if (which === "all") return list.map(copyRef);
	// The one attackIdOf reads: the first with an ATT&CK source and an ID.
	const own = list.find((r) => r.external_id !== undefined && ATTACK_SOURCES.has(r.source_name as string));
	return own ? [copyRef(own)] : undefined;
}

function compactObject(o: Json, shape: Shape): Json {
	const out: Json = { type: o.type, id: o.id };
	for (const f of FLAGS) if (o[f] === true) out[f] = true;
	for (const f of shape.fields) if (o[f] !== undefined) out[f] = o[f];
	// An analytic's log sources: only the three fields the Detection section shows.
	if (Array.isArray(out.x_mitre_log_source_references)) {
		out.x_mitre_log_source_references = out.x_mitre_log_source_references.map((r: unknown) => {
			if (!isObject(r)) return r;
			return { x_mitre_data_component_ref: r.x_mitre_data_component_ref, name: r.name, channel: r.channel };
		});
	}
	const refs = compactRefs(o.external_references, shape.refs);
	if (refs) out.external_references = refs;
	return out;
}

function compactRelationship(r: Json): Json {
	const out: Json = { type: r.type, id: r.id };
	for (const f of FLAGS) if (r[f] === true) out[f] = true;
	out.relationship_type = r.relationship_type;
	out.source_ref = r.source_ref;
	out.target_ref = r.target_ref;
	if (RENDERED_RELATIONSHIPS.has(r.relationship_type as string)) {
		if (r.description !== undefined) out.description = r.description;
		const refs = compactRefs(r.external_references, "all");
		if (refs) out.external_references = refs;
	}
	return out;
}

/**
 * A compact STIX bundle (still `{type:"bundle", objects:[...]}` so loadBundle/modelFromJson read it
 * unchanged) plus meta, as one JSON string. `parsed` is JSON.parse of the full bundle; a value that
 * is not an ATT&CK bundle throws the UserError loadBundle would (naming `meta.source`).
 */
export function compactBundle(parsed: unknown, meta: Omit<CacheMeta, "format" | "domain" | "attackVersion" | "modified">): string {
	// Validates the bundle, and gives the domain and version exactly as a later load will see them.
	const full = modelFromJson(parsed, meta.source);
	checkBundleDomain(full.domain, meta.source);
	const bundle = parsed as Json & { objects: Json[] };

	const kept = new Set<string>();
	for (const o of bundle.objects) if (SHAPES.has(o.type as string)) kept.add(o.id as string);
	let modified: string | null = null;
	const objects: Json[] = [];
	for (const o of bundle.objects) {
		if (typeof o.modified === "string" && (modified === null || o.modified > modified)) modified = o.modified;
		const shape = SHAPES.get(o.type as string);
		if (shape) objects.push(compactObject(o, shape));
		else if (o.type === "relationship" && kept.has(o.source_ref as string) && kept.has(o.target_ref as string)) {
			// `revokedBy` follows `revoked-by` relationships without asking whether they are active.
			if (o.relationship_type === "revoked-by" || isActive(o as unknown as StixObject)) objects.push(compactRelationship(o));
		}
	}
	// The model reads the STIX version from the bundle, or else from its first object.
	if (full.specVersion === "2.1" && objects.length > 0) objects[0] = { ...objects[0], spec_version: "2.1" };

	const header: CacheMeta = {
		domain: full.domain,
		attackVersion: full.attackVersion,
		modified,
		source: meta.source,
		createdAt: meta.createdAt,
		format: CACHE_FORMAT,
	};
	const out: Json = { type: "bundle" };
	if (bundle.id !== undefined) out.id = bundle.id;
	if (bundle.spec_version !== undefined) out.spec_version = bundle.spec_version;
	out[META_KEY] = header;
	out.objects = objects;
	return JSON.stringify(out);
}

/** An error's message on one short printable line. */
function oneLine(err: unknown): string {
	const message = err instanceof Error ? err.message : String(err);
	// eslint-disable-next-line no-control-regex -- control characters are exactly what must go
	const clean = message.replace(/[\u0000-\u001f\u007f-\u009f\ufffd]+/g, " ").trim();
	return clean.length > 160 ? `${clean.slice(0, 157)}...` : clean;
}

const isNullableString = (v: unknown): v is string | null => v === null || typeof v === "string";

/**
 * Read a cache file: validates the format and returns the model and meta. Anything else (empty,
 * truncated, a plain bundle, another format, a header that does not match the objects) throws a
 * UserError of one sentence naming `source`, so the plugin can fall back to fetching.
 */
export function readCache(text: string, source: string): { model: AttackModel; meta: CacheMeta } {
	const fail = (why: string) => new UserError(`${source}: not a usable ATT&CK Sync cache: ${why}.`);
	if (text.trim() === "") throw fail("the file is empty");
	let parsed: unknown;
	try {
		parsed = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
	} catch (err) {
		throw fail(`the file is truncated or corrupt (${oneLine(err)})`);
	}
	if (!isObject(parsed)) throw fail("the JSON is not an object");
	const meta = parsed[META_KEY];
	if (meta === undefined) {
		throw fail(parsed.type === "bundle" ? "it is a STIX bundle without the cache header" : "it has no cache header");
	}
	if (!isObject(meta)) throw fail("its header is not an object");
	if (meta.format !== CACHE_FORMAT) throw fail(`it is in format ${JSON.stringify(meta.format) ?? "undefined"}, and this version reads format ${CACHE_FORMAT}`);
	const { domain, attackVersion, modified, source: from, createdAt } = meta;
	if (typeof domain !== "string" || !isNullableString(attackVersion) || !isNullableString(modified) || typeof from !== "string" || typeof createdAt !== "string") {
		throw fail("its header lacks the domain, version, date or source");
	}
	if (knownDomain(domain) === null) throw fail("its header names no ATT&CK domain");
	let model: AttackModel;
	try {
		model = modelFromJson(parsed, source);
	} catch (err) {
		const why = err instanceof UserError ? err.message.replace(`${source}: `, "") : oneLine(err);
		throw fail(`its objects do not load (${why.replace(/\.$/, "")})`);
	}
	if (model.domain !== domain || model.attackVersion !== attackVersion) {
		throw fail(`its header (${domain} ${attackVersion ?? ""}) does not match its objects (${model.domain} ${model.attackVersion ?? ""})`.replace(/ \)/g, ")"));
	}
	return { model, meta: { domain, attackVersion, modified, source: from, createdAt, format: CACHE_FORMAT } };
}
