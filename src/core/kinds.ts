/**
 * The kinds of ATT&CK object a vault holds notes about, in one table: how each kind's IDs look,
 * which STIX types it is, its page on attack.mitre.org, the folder its notes go in, and the
 * tables of related objects its notes hold (with each relationship's own text). A new kind is one
 * entry here; recognition, sync, create-missing and `--kinds` read it.
 */
import { isSubtechnique, type AttackModel, type Related } from "./attack/model";
import type { StixObject } from "./attack/stix";

export type NoteKind =
	| "technique"
	| "subtechnique"
	| "tactic"
	| "mitigation"
	| "group"
	| "software"
	| "campaign"
	| "datasource"
	| "datacomponent"
	| "detectionstrategy"
	| "analytic"
	| "asset";

export interface RelationTable {
	/** What a row is, for messages and the heading of a new note's table: "techniques used". */
	name: string;
	/** The heading of a new note's table when not `name` capitalized ("Procedure Examples", as ATT&CK and the generators head it). */
	heading?: string;
	/**
	 * A new note's table has no column for the rows' text: a tactic's techniques are "related" by
	 * each technique's whole description, which the technique's own note holds (in the tactic's,
	 * hundreds of them with their citations would make Defense Evasion's note half a megabyte).
	 */
	noText?: true;
	list: Related[];
}

/**
 * A fact a note of the kind states in a section of its own, as a list (a group's aliases, a
 * software's platforms, a campaign's first sighting): a new note has the section; a note that has
 * it gets the release's items there, its own items kept (classic.ts).
 */
export interface KindFact {
	/** The section's heading. */
	title: string;
	/** The items, as the section lists them. */
	values(o: StixObject): string[];
	/**
	 * Items that are ATT&CK's besides this object's in the releases loaded: any platform ATT&CK
	 * has, any date in a date's section (a sighting an earlier release gave).
	 */
	vocabulary?: "platforms" | "dates";
}

export interface KindSpec {
	kind: NoteKind;
	/** Singular and plural, for messages and settings ("sub-technique", "sub-techniques"). */
	label: [string, string];
	/** The whole ATT&CK ID (uppercase). */
	id: RegExp;
	/** The STIX types of its objects (sub-techniques are `attack-pattern` marked as such). */
	stixTypes: readonly string[];
	/** attack.mitre.org/<page>/<ID> (sub-techniques: techniques/T1234/001). */
	page: string;
	/** The folder its new notes go in, beside the other kinds' (`.../techniques`, `.../groups`). */
	folder: string;
	/** The relationship tables a note about `o` may hold, found by their rows' IDs. */
	tables(model: AttackModel, o: StixObject): RelationTable[];
	/** Facts its notes list in sections of their own, in the order a new note has them. */
	facts?: readonly KindFact[];
}

const isSoftware = (t: string): boolean => t === "malware" || t === "tool";
const ofType = (list: Related[], test: (type: string) => boolean): Related[] => list.filter((r) => test(r.object.type));

/** What a group, software or campaign uses: techniques (procedures) and software. */
const usesTables = (model: AttackModel, o: StixObject): RelationTable[] => {
	const used = model.usedBy(o);
	return [
		{ name: "techniques used", list: ofType(used, (t) => t === "attack-pattern") },
		{ name: "software used", list: ofType(used, isSoftware) },
	];
};

const NONE = (): RelationTable[] => [];

/** The other names ATT&CK knows an object by (its aliases list starts with its own name). */
const ALIASES: KindFact = { title: "Aliases", values: (o) => (o.aliases ?? o.x_mitre_aliases ?? []).filter((a) => a !== o.name) };
const day = (iso: string | undefined): string[] => (iso === undefined ? [] : [iso.slice(0, 10)]);

/**
 * Who uses a technique or sub-technique, with the procedure (groups, software, campaigns), and,
 * from v18, the detection strategies that detect it.
 */
const techniqueTables = (m: AttackModel, o: StixObject): RelationTable[] => {
	const tables: RelationTable[] = [
		{ name: "procedures", heading: "Procedure Examples", list: [...m.groupsUsing(o), ...m.softwareUsing(o), ...m.campaignsUsing(o)] },
		{ name: "detection strategies", heading: "Detection Strategies", list: m.strategiesDetecting(o) },
	];
	// ICS: the assets it targets (no other domain has assets).
	const assets = m.assetsTargetedBy(o);
	if (m.domain === "ics-attack") tables.push({ name: "targeted assets", heading: "Targeted Assets", noText: true, list: assets });
	return tables;
};

export const KINDS: readonly KindSpec[] = [
	{
		kind: "technique",
		label: ["technique", "techniques"],
		id: /^T\d{4}$/,
		stixTypes: ["attack-pattern"],
		page: "techniques",
		folder: "techniques",
		tables: techniqueTables,
	},
	{
		kind: "subtechnique",
		label: ["sub-technique", "sub-techniques"],
		id: /^T\d{4}\.\d{3}$/,
		stixTypes: ["attack-pattern"],
		page: "techniques",
		folder: "techniques",
		tables: techniqueTables,
	},
	{
		kind: "tactic",
		label: ["tactic", "tactics"],
		id: /^TA\d{4}$/,
		stixTypes: ["x-mitre-tactic"],
		page: "tactics",
		folder: "tactics",
		// Its techniques and sub-techniques, by ID, as ATT&CK's tactic page lists them.
		tables: (m, o) => [{ name: "techniques", heading: "Techniques", noText: true, list: m.techniquesOfTactic(o) }],
	},
	{
		kind: "mitigation",
		label: ["mitigation", "mitigations"],
		id: /^M\d{4}$/,
		stixTypes: ["course-of-action"],
		page: "mitigations",
		folder: "mitigations",
		tables: (m, o) => [{ name: "techniques addressed", heading: "Techniques Addressed by Mitigation", list: m.techniquesMitigatedBy(o) }],
	},
	{ kind: "group", label: ["group", "groups"], id: /^G\d{4}$/, stixTypes: ["intrusion-set"], page: "groups", folder: "groups", tables: usesTables, facts: [ALIASES] },
	{
		kind: "software",
		label: ["software", "software"],
		id: /^S\d{4}$/,
		stixTypes: ["malware", "tool"],
		page: "software",
		folder: "software",
		tables: (m, o) => [...usesTables(m, o), { name: "groups", list: m.groupsUsing(o) }, { name: "campaigns", list: m.campaignsUsing(o) }],
		facts: [ALIASES, { title: "Platforms", values: (o) => [...(o.x_mitre_platforms ?? [])], vocabulary: "platforms" }],
	},
	{
		kind: "campaign",
		label: ["campaign", "campaigns"],
		id: /^C\d{4}$/,
		stixTypes: ["campaign"],
		page: "campaigns",
		folder: "campaigns",
		tables: (m, o) => [...usesTables(m, o), { name: "groups", list: m.attributedTo(o) }],
		facts: [
			{ title: "First Seen", values: (o) => day(o.first_seen), vocabulary: "dates" },
			{ title: "Last Seen", values: (o) => day(o.last_seen), vocabulary: "dates" },
		],
	},
	{ kind: "datasource", label: ["data source", "data sources"], id: /^DS\d{4}$/, stixTypes: ["x-mitre-data-source"], page: "datasources", folder: "datasources", tables: NONE },
	{
		kind: "datacomponent",
		label: ["data component", "data components"],
		id: /^DC\d{4}$/,
		stixTypes: ["x-mitre-data-component"],
		page: "datacomponents",
		folder: "datacomponents",
		// Before v18 its own `detects` relationships; from v18 the techniques its analytics' strategies detect.
		tables: (m, o) => [
			{ name: "techniques detected", list: m.techniquesDetectedThrough(o) },
			{ name: "analytics", list: m.analyticsUsing(o) },
		],
	},
	{
		kind: "detectionstrategy",
		label: ["detection strategy", "detection strategies"],
		id: /^DET\d{4}$/,
		stixTypes: ["x-mitre-detection-strategy"],
		page: "detectionstrategies",
		folder: "detectionstrategies",
		tables: (m, o) => [
			{ name: "techniques detected", list: m.techniquesDetectedBy(o) },
			{ name: "analytics", list: m.analyticsIn(o) },
		],
	},
	{
		kind: "analytic",
		label: ["analytic", "analytics"],
		id: /^AN\d{4}$/,
		stixTypes: ["x-mitre-analytic"],
		page: "analytics",
		folder: "analytics",
		// Its data components with the log sources it reads from each; its strategy and what that detects.
		tables: (m, o) => {
			const strategies = m.strategiesOf(o);
			return [
				{ name: "data components", list: m.dataComponentsOf(o) },
				{ name: "detection strategies", list: strategies.map((s) => ({ object: s, description: "", relationship: s })) },
				{ name: "techniques detected", list: strategies.flatMap((s) => m.techniquesDetectedBy(s)) },
			];
		},
	},
	{
		kind: "asset",
		label: ["asset", "assets"],
		id: /^A\d{4}$/,
		stixTypes: ["x-mitre-asset"],
		page: "assets",
		folder: "assets",
		// The techniques that target it (ICS's `targets` relationships, which carry no text).
		tables: (m, o) => [{ name: "techniques", heading: "Techniques", noText: true, list: m.techniquesTargeting(o) }],
	},
];

const BY_KIND = new Map(KINDS.map((k) => [k.kind, k]));
const BY_TYPE = new Map<string, KindSpec>();
for (const k of KINDS) for (const t of k.stixTypes) if (!BY_TYPE.has(t)) BY_TYPE.set(t, k);

export function kindSpec(kind: NoteKind): KindSpec {
	return BY_KIND.get(kind) as KindSpec;
}

const tablesCache = new WeakMap<AttackModel, WeakMap<StixObject, readonly RelationTable[]>>();

/**
 * The relationship tables of a note about `o` in `model` (its kind's `tables`), worked out once
 * per model and object: creating a note lists them for its frame and again to fill it, and a
 * note whose base is this release lists them as its base too.
 */
export function relationTables(model: AttackModel, o: StixObject): readonly RelationTable[] {
	let byObject = tablesCache.get(model);
	if (!byObject) tablesCache.set(model, (byObject = new WeakMap()));
	let tables = byObject.get(o);
	if (!tables) {
		const kind = kindOfObject(o);
		byObject.set(o, (tables = kind === null ? [] : kindSpec(kind).tables(model, o)));
	}
	return tables;
}

/** The kind of an ATT&CK object, or null for what no note is about (a matrix, a relationship). */
export function kindOfObject(o: StixObject): NoteKind | null {
	if (o.type === "attack-pattern") return isSubtechnique(o) ? "subtechnique" : "technique";
	return BY_TYPE.get(o.type)?.kind ?? null;
}

/** The kind of an ATT&CK ID as ATT&CK writes it (uppercase), or null. */
export function kindOfId(id: string): NoteKind | null {
	for (const k of KINDS) if (k.id.test(id)) return k.kind;
	return null;
}

/** Whether an object is of a kind notes are about. */
export const isNoteObject = (o: StixObject): boolean => kindOfObject(o) !== null;

/** `technique,group` or `all` → kinds; an unknown name → a message naming it and the known ones. */
export function parseKinds(text: string): NoteKind[] | { error: string } {
	const out: NoteKind[] = [];
	const squash = (x: string) => x.replace(/[\s_-]+/g, "");
	for (const raw of text.split(",").map((s) => s.trim().toLowerCase()).filter((s) => s !== "")) {
		if (raw === "all") return KINDS.map((k) => k.kind);
		const k = KINDS.find((x) => [x.kind, squash(x.label[0]), squash(x.label[1])].includes(squash(raw)));
		if (!k) return { error: `"${raw}" is not a kind of ATT&CK note; use ${KINDS.map((x) => x.kind).join(", ")} or all` };
		if (!out.includes(k.kind)) out.push(k.kind);
	}
	if (out.length === 0) return { error: `--kinds needs at least one kind: ${KINDS.map((x) => x.kind).join(", ")} or all` };
	return out;
}
