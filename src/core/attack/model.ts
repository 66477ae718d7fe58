/**
 * The ATT&CK model: one STIX bundle (2.0 from mitre/cti or 2.1 from attack-stix-data; Enterprise,
 * Mobile or ICS) indexed for lookup by ATT&CK ID and STIX id, with the relationships the notes
 * need. The STIX objects are kept as JSON.parse made them and never changed.
 */
import { UserError } from "../errors";
import { ATTACK_SOURCES, KILL_CHAIN_OF_DOMAIN, type StixBundle, type StixObject } from "./stix";

export interface Related {
	readonly object: StixObject;
	/** The relationship's own text: how a mitigation applies, how a group uses a technique. */
	readonly description: string;
	readonly relationship: StixObject;
}

export interface Counts {
	techniques: number;
	subtechniques: number;
	tactics: number;
	mitigations: number;
	groups: number;
	software: number;
	campaigns: number;
	detectionStrategies: number;
	analytics: number;
	dataComponents: number;
	/** Active data sources (none from v18: all deprecated). */
	dataSources: number;
	/** ICS assets. */
	assets: number;
	revokedTechniques: number;
	deprecatedTechniques: number;
}

export type Kind =
	| "technique"
	| "tactic"
	| "mitigation"
	| "group"
	| "software"
	| "campaign"
	| "detectionStrategy"
	| "analytic"
	| "dataComponent"
	| "dataSource"
	| "asset"
	| "matrix";

const KIND_OF_TYPE: Readonly<Record<string, Kind>> = {
	"attack-pattern": "technique",
	"x-mitre-tactic": "tactic",
	"course-of-action": "mitigation",
	"intrusion-set": "group",
	malware: "software",
	tool: "software",
	campaign: "campaign",
	"x-mitre-detection-strategy": "detectionStrategy",
	"x-mitre-analytic": "analytic",
	"x-mitre-data-component": "dataComponent",
	"x-mitre-data-source": "dataSource",
	"x-mitre-asset": "asset",
	"x-mitre-matrix": "matrix",
};

/** Neither revoked nor deprecated. */
export function isActive(o: StixObject): boolean {
	return o.revoked !== true && o.x_mitre_deprecated !== true;
}

export function isSubtechnique(o: StixObject): boolean {
	return o.type === "attack-pattern" && o.x_mitre_is_subtechnique === true;
}

/** The ATT&CK ID (T1204.001, TA0002, M1031, ...) from the object's external references. */
export function attackIdOf(o: StixObject): string | null {
	const refs = o.external_references;
	if (!refs) return null;
	for (const ref of refs) {
		if (ref.external_id !== undefined && ATTACK_SOURCES.has(ref.source_name)) return ref.external_id;
	}
	return null;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
	const list = map.get(key);
	if (list) list.push(value);
	else map.set(key, [value]);
}

const EMPTY: readonly never[] = Object.freeze([]);

/** ATT&CK IDs in code-point order (T1110 < T1110.001 < T1111); missing ones first. */
function byId(a: string | null, b: string | null): number {
	const x = a ?? "";
	const y = b ?? "";
	return x < y ? -1 : x > y ? 1 : 0;
}

export class AttackModel {
	/** `enterprise-attack`, `mobile-attack` or `ics-attack`. */
	readonly domain: string;
	readonly specVersion: "2.0" | "2.1";
	/** The ATT&CK release (`18.1`) when the bundle says so (2.1 collections do; mitre/cti 2.0 bundles do not). */
	readonly attackVersion: string | null;
	/** Where the bundle came from, for messages. */
	readonly source: string;

	private readonly byStix = new Map<string, StixObject>();
	private readonly byAttackId = new Map<string, StixObject[]>();
	private readonly ofKind = new Map<Kind, StixObject[]>();
	private readonly outgoing = new Map<string, StixObject[]>();
	private readonly incoming = new Map<string, StixObject[]>();
	/** `kill_chain_name:shortname` -> tactic; shortnames repeat across domains. */
	private readonly tacticByPhase = new Map<string, StixObject>();
	private readonly tacticRank = new Map<string, number>();
	/** Tactic STIX id -> its active techniques and sub-techniques; built on first use. */
	private techniquesByTactic: Map<string, StixObject[]> | null = null;

	constructor(bundle: StixBundle, source: string) {
		this.source = source;
		let collection: StixObject | undefined;
		const matrices: StixObject[] = [];
		for (const o of bundle.objects) {
			this.byStix.set(o.id, o);
			if (o.type === "relationship") {
				if (o.source_ref !== undefined) push(this.outgoing, o.source_ref, o);
				if (o.target_ref !== undefined) push(this.incoming, o.target_ref, o);
				continue;
			}
			const kind = KIND_OF_TYPE[o.type];
			if (kind !== undefined) push(this.ofKind, kind, o);
			if (kind === "matrix") matrices.push(o);
			else if (o.type === "x-mitre-collection") collection = o;
			const id = attackIdOf(o);
			if (id !== null) push(this.byAttackId, id, o);
		}
		this.specVersion = bundle.spec_version === "2.0" || bundle.objects[0]?.spec_version !== "2.1" ? "2.0" : "2.1";
		this.attackVersion = collection?.x_mitre_version ?? null;
		// Active matrices first: their tactic order is the one ATT&CK shows.
		matrices.sort((a, b) => Number(isActive(b)) - Number(isActive(a)));
		this.domain = (matrices[0] && attackIdOf(matrices[0])) ?? this.commonDomain();
		for (const m of matrices) {
			for (const ref of m.tactic_refs ?? EMPTY) {
				if (!this.tacticRank.has(ref)) this.tacticRank.set(ref, this.tacticRank.size);
			}
		}
		for (const t of this.ofKind.get("tactic") ?? EMPTY) {
			if (t.x_mitre_shortname === undefined) continue;
			for (const domain of t.x_mitre_domains ?? [this.domain]) {
				const key = `${KILL_CHAIN_OF_DOMAIN[domain] ?? domain}:${t.x_mitre_shortname}`;
				const seen = this.tacticByPhase.get(key);
				if (!seen || (!isActive(seen) && isActive(t))) this.tacticByPhase.set(key, t);
			}
		}
	}

	private commonDomain(): string {
		const tally = new Map<string, number>();
		for (const t of this.ofKind.get("technique") ?? EMPTY) {
			for (const d of t.x_mitre_domains ?? EMPTY) tally.set(d, (tally.get(d) ?? 0) + 1);
		}
		let best = "unknown";
		let most = 0;
		for (const [d, n] of tally) if (n > most) [best, most] = [d, n];
		return best;
	}

	/** Every object of a kind, revoked and deprecated ones included, in bundle order. */
	all(kind: Kind): readonly StixObject[] {
		return this.ofKind.get(kind) ?? EMPTY;
	}

	/** Active objects of a kind; for `technique`, sub-techniques are left out unless asked for. */
	active(kind: Kind, opts: { subtechniques?: boolean } = {}): StixObject[] {
		return this.all(kind).filter((o) => isActive(o) && (kind !== "technique" || opts.subtechniques === true || !isSubtechnique(o)));
	}

	byStixId(id: string): StixObject | undefined {
		return this.byStix.get(id);
	}

	/** Every object of the bundle, relationships too, in bundle order. */
	objects(): IterableIterator<StixObject> {
		return this.byStix.values();
	}

	/** The object with this ATT&CK ID, preferring an active one where several share it. */
	get(attackId: string): StixObject | undefined {
		const list = this.byAttackId.get(attackId.toUpperCase());
		if (!list) return undefined;
		return list.find(isActive) ?? list[0];
	}

	/** Every object carrying this ATT&CK ID (an ID can name a revoked object and, rarely, a live one). */
	getAll(attackId: string): readonly StixObject[] {
		return this.byAttackId.get(attackId.toUpperCase()) ?? EMPTY;
	}

	/** Relationships of a type leaving (`out`) or reaching (`in`) an object, active ones only. */
	relationships(o: StixObject, type: string, direction: "out" | "in"): StixObject[] {
		const list = (direction === "out" ? this.outgoing : this.incoming).get(o.id) ?? EMPTY;
		return list.filter((r) => r.relationship_type === type && isActive(r));
	}

	private related(o: StixObject, type: string, direction: "out" | "in", objectType?: (t: string) => boolean): Related[] {
		const result: Related[] = [];
		for (const r of this.relationships(o, type, direction)) {
			const other = this.byStix.get((direction === "out" ? r.target_ref : r.source_ref) ?? "");
			if (!other || !isActive(other) || (objectType && !objectType(other.type))) continue;
			result.push({ object: other, description: r.description ?? "", relationship: r });
		}
		return result;
	}

	/** Tactics in the matrix's order; active ones only. */
	tactics(): StixObject[] {
		return this.active("tactic").sort((a, b) => this.rank(a) - this.rank(b));
	}

	private rank(tactic: StixObject): number {
		return this.tacticRank.get(tactic.id) ?? Number.MAX_SAFE_INTEGER;
	}

	/** The tactic a kill-chain phase names, or undefined. */
	tacticFor(killChainName: string, phaseName: string): StixObject | undefined {
		return this.tacticByPhase.get(`${killChainName}:${phaseName}`);
	}

	/** A technique's tactics, in matrix order. */
	tacticsOf(technique: StixObject): StixObject[] {
		const found: StixObject[] = [];
		for (const p of technique.kill_chain_phases ?? EMPTY) {
			const t = this.tacticFor(p.kill_chain_name, p.phase_name);
			if (t && !found.includes(t)) found.push(t);
		}
		return found.sort((a, b) => this.rank(a) - this.rank(b));
	}

	/**
	 * A tactic's active techniques and sub-techniques, by ATT&CK ID, each "related" by its own
	 * description (what a tactic note's table of techniques shows) and citing its own references.
	 */
	techniquesOfTactic(tactic: StixObject): Related[] {
		if (this.techniquesByTactic === null) {
			const index = new Map<string, StixObject[]>();
			for (const t of this.active("technique", { subtechniques: true })) for (const x of this.tacticsOf(t)) push(index, x.id, t);
			this.techniquesByTactic = index;
		}
		return (this.techniquesByTactic.get(tactic.id) ?? EMPTY)
			.map((t) => ({ object: t, description: t.description ?? "", relationship: t }))
			.sort((a, b) => byId(attackIdOf(a.object), attackIdOf(b.object)));
	}

	parentOf(sub: StixObject): StixObject | undefined {
		return this.related(sub, "subtechnique-of", "out")[0]?.object;
	}

	/** Sub-techniques of a technique, by ATT&CK ID. */
	subtechniquesOf(technique: StixObject): StixObject[] {
		return this.related(technique, "subtechnique-of", "in")
			.map((r) => r.object)
			.sort((a, b) => byId(attackIdOf(a), attackIdOf(b)));
	}

	/** Mitigations of a technique with the relationship's text, by ATT&CK ID. */
	mitigationsOf(technique: StixObject): Related[] {
		return this.byAttackIdOrder(this.related(technique, "mitigates", "in"));
	}

	/** Techniques a mitigation applies to. */
	techniquesMitigatedBy(mitigation: StixObject): Related[] {
		return this.byAttackIdOrder(this.related(mitigation, "mitigates", "out"));
	}

	/** Groups (intrusion sets) that use a technique or a piece of software, with the procedure text. */
	groupsUsing(o: StixObject): Related[] {
		return this.byAttackIdOrder(this.related(o, "uses", "in", (t) => t === "intrusion-set"));
	}

	/** Software (malware and tools) that uses a technique. */
	softwareUsing(o: StixObject): Related[] {
		return this.byAttackIdOrder(this.related(o, "uses", "in", (t) => t === "malware" || t === "tool"));
	}

	campaignsUsing(o: StixObject): Related[] {
		return this.byAttackIdOrder(this.related(o, "uses", "in", (t) => t === "campaign"));
	}

	/** What a group, campaign or piece of software uses (techniques and software). */
	usedBy(o: StixObject): Related[] {
		return this.byAttackIdOrder(this.related(o, "uses", "out"));
	}

	/** ICS: the techniques that target an asset, by ATT&CK ID. */
	techniquesTargeting(asset: StixObject): Related[] {
		return this.byAttackIdOrder(this.related(asset, "targets", "in", (t) => t === "attack-pattern"));
	}

	/** ICS: the assets a technique targets, by ATT&CK ID. */
	assetsTargetedBy(technique: StixObject): Related[] {
		return this.byAttackIdOrder(this.related(technique, "targets", "out", (t) => t === "x-mitre-asset"));
	}

	/** The groups a campaign is attributed to. */
	attributedTo(campaign: StixObject): Related[] {
		return this.byAttackIdOrder(this.related(campaign, "attributed-to", "out", (t) => t === "intrusion-set"));
	}

	/** v18+: the detection strategies that detect a technique. */
	detectionStrategiesFor(technique: StixObject): StixObject[] {
		return this.related(technique, "detects", "in", (t) => t === "x-mitre-detection-strategy").map((r) => r.object);
	}

	/** v18+: the detection strategies that detect a technique, with the `detects` relationship, by ATT&CK ID. */
	strategiesDetecting(technique: StixObject): Related[] {
		return this.byAttackIdOrder(this.related(technique, "detects", "in", (t) => t === "x-mitre-detection-strategy"));
	}

	/** v18+: the techniques a detection strategy detects, by ATT&CK ID. */
	techniquesDetectedBy(strategy: StixObject): Related[] {
		return this.byAttackIdOrder(this.related(strategy, "detects", "out", (t) => t === "attack-pattern"));
	}

	/**
	 * A detection strategy's analytics as rows of a table, in the strategy's order. No relationship
	 * object joins them (the strategy lists them in `x_mitre_analytic_refs`): the strategy stands
	 * in for it, and a row has no text of its own.
	 */
	analyticsIn(strategy: StixObject): Related[] {
		return this.analyticsOf(strategy).map((a) => ({ object: a, description: "", relationship: strategy }));
	}

	private strategiesByAnalytic: Map<string, StixObject[]> | null = null;
	private analyticsByComponent: Map<string, StixObject[]> | null = null;

	/** The detection strategies that list an analytic (one in ATT&CK 18.1). */
	strategiesOf(analytic: StixObject): StixObject[] {
		if (this.strategiesByAnalytic === null) {
			const map = new Map<string, StixObject[]>();
			for (const s of this.all("detectionStrategy")) if (isActive(s)) for (const ref of s.x_mitre_analytic_refs ?? EMPTY) push(map, ref, s);
			this.strategiesByAnalytic = map;
		}
		return this.strategiesByAnalytic.get(analytic.id) ?? [];
	}

	/**
	 * The data components an analytic's log sources come from, in its order, each with the log
	 * sources it gives (`auditd:SYSCALL (socket/connect)`) as the row's text; the analytic stands in
	 * for the relationship.
	 */
	dataComponentsOf(analytic: StixObject): Related[] {
		const out: Related[] = [];
		for (const ls of analytic.x_mitre_log_source_references ?? EMPTY) {
			const dc = this.byStix.get(ls.x_mitre_data_component_ref);
			if (!dc || !isActive(dc) || out.some((r) => r.object === dc)) continue;
			out.push({ object: dc, description: logSources(analytic, dc), relationship: analytic });
		}
		return out;
	}

	/** v18+: the analytics whose log sources come from a data component, by ATT&CK ID, with those log sources as the text. */
	analyticsUsing(component: StixObject): Related[] {
		if (this.analyticsByComponent === null) {
			const map = new Map<string, StixObject[]>();
			for (const a of this.all("analytic")) {
				if (!isActive(a)) continue;
				for (const ls of a.x_mitre_log_source_references ?? EMPTY) {
					const list = map.get(ls.x_mitre_data_component_ref);
					if (!list?.includes(a)) push(map, ls.x_mitre_data_component_ref, a);
				}
			}
			this.analyticsByComponent = map;
		}
		const list = (this.analyticsByComponent.get(component.id) ?? []).map((a) => ({ object: a, description: logSources(a, component), relationship: a }));
		return this.byAttackIdOrder(list);
	}

	/**
	 * The techniques a data component helps detect. Before v18, its own `detects` relationships,
	 * with their text. From v18 data components detect nothing themselves: the techniques whose
	 * detection strategies list an analytic drawing on the component, with no text of their own
	 * (ATT&CK writes none; the first such strategy's `detects` relationship stands for the row).
	 */
	techniquesDetectedThrough(component: StixObject): Related[] {
		const own = this.related(component, "detects", "out", (t) => t === "attack-pattern");
		if (own.length > 0) return this.byAttackIdOrder(own);
		const found = new Map<string, Related>();
		for (const a of this.analyticsUsing(component)) {
			for (const s of this.strategiesOf(a.object)) {
				for (const t of this.techniquesDetectedBy(s)) if (!found.has(t.object.id)) found.set(t.object.id, { object: t.object, description: "", relationship: t.relationship });
			}
		}
		return this.byAttackIdOrder([...found.values()]);
	}

	/** The analytics a detection strategy lists, in its order. */
	analyticsOf(strategy: StixObject): StixObject[] {
		const found: StixObject[] = [];
		for (const ref of strategy.x_mitre_analytic_refs ?? EMPTY) {
			const a = this.byStix.get(ref);
			if (a && isActive(a)) found.push(a);
		}
		return found;
	}

	/** Before v18: the data components that detect a technique, with the relationship's text. */
	dataComponentsDetecting(technique: StixObject): Related[] {
		return this.related(technique, "detects", "in", (t) => t === "x-mitre-data-component");
	}

	/** The data source a data component belongs to. */
	dataSourceOf(component: StixObject): StixObject | undefined {
		return component.x_mitre_data_source_ref === undefined ? undefined : this.byStix.get(component.x_mitre_data_source_ref);
	}

	/**
	 * What replaced a revoked object, following `revoked-by` chains to their end; null when the
	 * object is not revoked or the chain leads nowhere (or loops).
	 */
	revokedBy(o: StixObject): StixObject | null {
		let current = o;
		const seen = new Set<string>();
		while (current.revoked === true && !seen.has(current.id)) {
			seen.add(current.id);
			const next = (this.outgoing.get(current.id) ?? EMPTY).find((r) => r.relationship_type === "revoked-by");
			const target = next?.target_ref === undefined ? undefined : this.byStix.get(next.target_ref);
			if (!target) return null;
			current = target;
		}
		return current === o || current.revoked === true ? null : current;
	}

	counts(): Counts {
		const techniques = this.all("technique");
		const n = (kind: Kind) => this.active(kind).length;
		return {
			techniques: techniques.filter((t) => isActive(t) && !isSubtechnique(t)).length,
			subtechniques: techniques.filter((t) => isActive(t) && isSubtechnique(t)).length,
			tactics: n("tactic"),
			mitigations: n("mitigation"),
			groups: n("group"),
			software: n("software"),
			campaigns: n("campaign"),
			detectionStrategies: n("detectionStrategy"),
			analytics: n("analytic"),
			dataComponents: n("dataComponent"),
			dataSources: n("dataSource"),
			assets: n("asset"),
			revokedTechniques: techniques.filter((t) => t.revoked === true).length,
			deprecatedTechniques: techniques.filter((t) => t.revoked !== true && t.x_mitre_deprecated === true).length,
		};
	}

	private byAttackIdOrder(list: Related[]): Related[] {
		// Each object's ID looked up once, not at every comparison; the sort is stable, as before.
		const keyed = list.map((r) => ({ r, id: attackIdOf(r.object) }));
		keyed.sort((a, b) => byId(a.id, b.id));
		for (let i = 0; i < keyed.length; i++) list[i] = keyed[i].r;
		return list;
	}
}

/** An analytic's log sources from one data component: `auditd:SYSCALL (socket/connect); linux:syslog (...)`. */
function logSources(analytic: StixObject, component: StixObject): string {
	return (analytic.x_mitre_log_source_references ?? EMPTY)
		.filter((ls) => ls.x_mitre_data_component_ref === component.id)
		.map((ls) => (ls.channel === "" ? ls.name : `${ls.name} (${ls.channel})`))
		.join("; ");
}

/**
 * The object `o` (of another release's model) is in `model`: the one with its ATT&CK ID and type,
 * else the one with its STIX id (data components had no ATT&CK ID before v18; STIX ids stay).
 */
export function counterpart(model: AttackModel, o: StixObject): StixObject | undefined {
	const id = attackIdOf(o);
	return (id === null ? undefined : model.getAll(id).find((x) => x.type === o.type)) ?? model.byStixId(o.id);
}

/** An error's message on one short printable line (JSON.parse quotes the bad input, bytes and all). */
function oneLine(err: unknown): string {
	const message = err instanceof Error ? err.message : String(err);
	// eslint-disable-next-line no-control-regex -- control characters are exactly what must go
	const clean = message.replace(/[\u0000-\u001f\u007f-\u009f\ufffd]+/g, " ").trim();
	return clean.length > 160 ? `${clean.slice(0, 157)}...` : clean;
}

/**
 * Parse and index a bundle's text. Every problem becomes one UserError naming `source` and what
 * is wrong: empty, truncated or invalid JSON, JSON that is not a STIX bundle, a bundle with no
 * ATT&CK content.
 */
export function loadBundle(text: string, source: string): AttackModel {
	if (text.trim() === "") throw new UserError(`${source}: the file is empty; expected an ATT&CK STIX bundle (JSON).`);
	let parsed: unknown;
	try {
		parsed = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
	} catch (err) {
		throw new UserError(`${source}: not valid JSON (${oneLine(err)}). The file may be truncated or corrupt; download it again.`);
	}
	return modelFromJson(parsed, source);
}

type Json = Record<string, unknown>;

const isRecord = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const isOptionalString = (v: unknown) => v === undefined || typeof v === "string";

function isStringList(v: unknown): boolean {
	if (!Array.isArray(v)) return false;
	for (const x of v) if (typeof x !== "string") return false;
	return true;
}

function isPhaseList(v: unknown): boolean {
	if (!Array.isArray(v)) return false;
	for (const p of v) if (!isRecord(p) || typeof p.kill_chain_name !== "string" || typeof p.phase_name !== "string") return false;
	return true;
}

function isReferenceList(v: unknown): boolean {
	if (!Array.isArray(v)) return false;
	for (const r of v) {
		if (!isRecord(r) || typeof r.source_name !== "string" || !isOptionalString(r.external_id) || !isOptionalString(r.url) || !isOptionalString(r.description)) return false;
	}
	return true;
}

function isLogSourceList(v: unknown): boolean {
	if (!Array.isArray(v)) return false;
	for (const r of v) if (!isRecord(r) || typeof r.x_mitre_data_component_ref !== "string" || typeof r.name !== "string" || typeof r.channel !== "string") return false;
	return true;
}

const A_STRING = "a string";
const A_BOOLEAN = "true or false";
const STRINGS = "a list of strings";

/**
 * Every field the core reads (stix.ts) and the shape it reads it in: a bundle with any of them of
 * another shape (a string where a list belongs, null for a list) is refused, naming the object and
 * the field, rather than synced into empty table cells. Absent fields are fine.
 */
const EXPECTED: Readonly<Record<string, string>> = {
	modified: A_STRING,
	name: A_STRING,
	description: A_STRING,
	revoked: A_BOOLEAN,
	x_mitre_deprecated: A_BOOLEAN,
	x_mitre_is_subtechnique: A_BOOLEAN,
	x_mitre_version: A_STRING,
	external_references: 'a list of references, each an object with a "source_name" string (and "external_id", "url" and "description" strings, if any)',
	kill_chain_phases: 'a list of objects with "kill_chain_name" and "phase_name" strings',
	x_mitre_domains: STRINGS,
	x_mitre_platforms: STRINGS,
	x_mitre_permissions_required: STRINGS,
	x_mitre_detection: A_STRING,
	x_mitre_shortname: A_STRING,
	tactic_refs: STRINGS,
	x_mitre_analytic_refs: STRINGS,
	x_mitre_log_source_references: 'a list of objects with "x_mitre_data_component_ref", "name" and "channel" strings',
	x_mitre_data_source_ref: A_STRING,
	relationship_type: A_STRING,
	source_ref: A_STRING,
	target_ref: A_STRING,
};

const badString = (v: unknown) => v !== undefined && typeof v !== "string";
const badBoolean = (v: unknown) => v !== undefined && typeof v !== "boolean";
const badStrings = (v: unknown) => v !== undefined && !isStringList(v);

/** Relationships whose external references the core reads (their text is rendered, citations and all). */
const RENDERED_RELATIONSHIPS: ReadonlySet<string> = new Set(["mitigates", "detects"]);

/**
 * The first field of `o` (in EXPECTED) of the wrong shape, or null. Written out field by field,
 * only where the core reads each (a relationship's references only for mitigates and detects):
 * named property reads keep the check of a 25,000-object bundle to a few tens of milliseconds.
 */
function badField(o: Json): string | null {
	if (badString(o.modified)) return "modified";
	if (badString(o.description)) return "description";
	if (badBoolean(o.revoked)) return "revoked";
	if (badBoolean(o.x_mitre_deprecated)) return "x_mitre_deprecated";
	if (o.type === "relationship") {
		if (typeof o.relationship_type !== "string") return "relationship_type";
		if (typeof o.source_ref !== "string") return "source_ref";
		if (typeof o.target_ref !== "string") return "target_ref";
		if (o.external_references !== undefined && RENDERED_RELATIONSHIPS.has(o.relationship_type) && !isReferenceList(o.external_references)) return "external_references";
		return null;
	}
	if (o.external_references !== undefined && !isReferenceList(o.external_references)) return "external_references";
	if (badString(o.name)) return "name";
	if (badString(o.x_mitre_version)) return "x_mitre_version";
	if (badStrings(o.x_mitre_domains)) return "x_mitre_domains";
	if (badBoolean(o.x_mitre_is_subtechnique)) return "x_mitre_is_subtechnique";
	if (o.kill_chain_phases !== undefined && !isPhaseList(o.kill_chain_phases)) return "kill_chain_phases";
	if (badStrings(o.x_mitre_platforms)) return "x_mitre_platforms";
	if (badStrings(o.x_mitre_permissions_required)) return "x_mitre_permissions_required";
	if (badString(o.x_mitre_detection)) return "x_mitre_detection";
	if (badString(o.x_mitre_shortname)) return "x_mitre_shortname";
	if (badStrings(o.tactic_refs)) return "tactic_refs";
	if (badStrings(o.x_mitre_analytic_refs)) return "x_mitre_analytic_refs";
	if (o.x_mitre_log_source_references !== undefined && !isLogSourceList(o.x_mitre_log_source_references)) return "x_mitre_log_source_references";
	if (badString(o.x_mitre_data_source_ref)) return "x_mitre_data_source_ref";
	return null;
}

/** An object's id for a message: printable, on one line, not too long. */
function idForMessage(id: string): string {
	// eslint-disable-next-line no-control-regex -- control characters are exactly what must go
	const clean = id.replace(/[\u0000-\u001f\u007f-\u009f]+/g, " ");
	return clean.length > 100 ? `${clean.slice(0, 97)}...` : clean;
}

/**
 * Checks every object of a bundle: a `type` and an `id`, and each field the core reads of the
 * shape it reads it in. Throws one UserError naming `source`, the object and the field.
 */
function checkObjects(objects: readonly unknown[], source: string): void {
	const bad = (what: string) => new UserError(`${source}: not a valid ATT&CK bundle: ${what}.`);
	for (let i = 0; i < objects.length; i++) {
		const o = objects[i];
		if (!isRecord(o) || typeof o.type !== "string" || typeof o.id !== "string") {
			throw new UserError(`${source}: not a valid STIX bundle: object ${i + 1} of ${objects.length} has no "type" or "id".`);
		}
		const field = badField(o);
		if (field === null) continue;
		if (o[field] === undefined) throw bad(`${idForMessage(o.id)} has no "${field}" (a relationship needs ${A_STRING} there)`);
		throw bad(`${idForMessage(o.id)} has "${field}" of the wrong shape (expected ${EXPECTED[field]})`);
	}
}

/** Index an already parsed bundle (see loadBundle for the checks). */
export function modelFromJson(parsed: unknown, source: string): AttackModel {
	if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
		throw new UserError(`${source}: not a STIX bundle: the JSON is not an object with "type": "bundle" and an "objects" list.`);
	}
	const bundle = parsed as { type?: unknown; objects?: unknown; spec_version?: unknown };
	if (bundle.type !== "bundle" || !Array.isArray(bundle.objects)) {
		throw new UserError(`${source}: not a STIX bundle: expected "type": "bundle" and an "objects" list.`);
	}
	if (bundle.spec_version !== undefined && typeof bundle.spec_version !== "string") {
		throw new UserError(`${source}: not a valid STIX bundle: its "spec_version" is not a string.`);
	}
	checkObjects(bundle.objects as unknown[], source);
	let model: AttackModel;
	try {
		model = new AttackModel(parsed as StixBundle, source);
	} catch (err) {
		// A field of the wrong shape that checkObjects does not know of (a bug): still one sentence.
		throw new UserError(`${source}: not a valid ATT&CK bundle: an object has a field of the wrong shape (${oneLine(err)}).`);
	}
	if (model.all("technique").length === 0 && model.all("tactic").length === 0) {
		throw new UserError(`${source}: a STIX bundle, but it holds no ATT&CK techniques or tactics; is it an ATT&CK bundle?`);
	}
	return model;
}
