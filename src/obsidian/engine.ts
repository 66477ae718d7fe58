/**
 * The plugin's heavy work, with no DOM and no `obsidian`: turning a downloaded bundle into the
 * cache (decode, JSON.parse, check, compact: seconds for Enterprise), and planning a sync (reading
 * every note, the model, the merge, the preview's diffs). It runs in a Web Worker (worker.ts,
 * built by esbuild into main.js; desktop and mobile both have workers), so Obsidian's window stays
 * responsive; where there is no Worker it runs in the page (engine-client.ts).
 *
 * Models are kept by key (the domain and when its cache was written), so a cache crosses from the
 * page once per worker and is parsed once.
 */
import { decodeUtf8 } from "../core/attack/bytes";
import { attackIdOf, isActive, modelFromJson, type AttackModel } from "../core/attack/model";
import { compactBundle, readCache, type CacheMeta } from "../core/cache/compact";
import { writeChangesNote, type Release } from "../core/commands/changes";
import { writeLayerFile } from "../core/commands/layer";
import { runLinks, type LinksReport } from "../core/commands/links";
import { matrixData, noteStates, type MatrixData, type NoteState } from "../core/matrix";
import { UserError, messageOf } from "../core/errors";
import { checkBundleDomain, checkModel, type DownloadTarget } from "../core/fetch/index-json";
import { SyncContext } from "../core/sync/context";
import { buildPreview, type SyncPreview } from "../core/sync/preview";
import { mergePlans, planSync, type SyncOptions, type SyncPlan } from "../core/sync/plan";
import { resolveBases, type Bases } from "../core/sync/base";
import { recognizeByName } from "../core/notes/named";
import type { Vault } from "../core/vault";
import { buildVaultIndex, notesAbout, type VaultIndex } from "../core/vault-index";

/** A cache the engine may already hold: its bytes only when the page has not sent them yet. */
export interface CacheRef {
	key: string;
	bytes?: Uint8Array;
	source: string;
}

export interface StoreRequest {
	kind: "store";
	bytes: Uint8Array;
	source: string;
	target?: DownloadTarget;
	createdAt: string;
}

export interface PlanRequest {
	kind: "plan";
	/** Every file in the vault, and the bytes of those sync reads (notes). */
	paths: string[];
	files: Array<[string, Uint8Array]>;
	appJson: string | null;
	/**
	 * Per domain: the current release, the one fetched before it, and with `bases`, what the engine
	 * infers each note's base release from (base.ts): the releases the page has cached (`local`);
	 * the others it asks the page for (`ask`: index.json's list, then a release, cached or downloaded).
	 */
	domains: Array<{ current: CacheRef; previous: CacheRef | null; version: string | null; bases?: { local: string[]; maxTries?: number } }>;
	options: SyncOptions;
}

/**
 * What the engine asks the page while it plans (a message round-trip from the worker): the
 * releases index.json lists for a domain, or an earlier release (its cache, which the page reads
 * or downloads and has the engine compact with `store` first; null when it cannot be had).
 */
export type Question = { kind: "listed"; domain: string } | { kind: "release"; domain: string; version: string };
export type Answer = { versions: string[] } | { ref: CacheRef | null };
export type Ask = (question: Question) => Promise<Answer>;

export interface TechniquesRequest {
	kind: "techniques";
	cache: CacheRef;
	paths: string[];
	files: Array<[string, Uint8Array]>;
	appJson: string | null;
	/** The note the link goes into, and the settings that shape links. */
	from: string;
	options: SyncOptions;
}

/** Judge the vault's links (and work out their fixes); the page writes the fixes (`writes`). */
export interface LinksRequest {
	kind: "links";
	paths: string[];
	files: Array<[string, Uint8Array]>;
	appJson: string | null;
	fix: boolean;
	only?: ReadonlySet<string>;
	/** The releases cached (one per domain): notes known only by name (notes/named.ts) are ATT&CK notes too. */
	releases?: CacheRef[];
}

export interface LinksResult {
	report: LinksReport;
	/** Each note the fix changes: its text as read, and with the fixes. */
	writes: Array<{ path: string; before: string; after: string }>;
}

/** A cache with what the page knows of it: the Release the report commands need. */
export interface ReleaseRef {
	cache: CacheRef;
	meta: Release["meta"];
}

/**
 * The matrix view's data: each release's side (MatrixData, compact), and with `paths`, every
 * note's state (read with `studyBy`), which the page then keeps up to date note by note.
 */
export interface MatrixRequest {
	kind: "matrix";
	releases: Array<{ cache: CacheRef; version: string | null }>;
	paths?: string[];
	files?: Array<[string, Uint8Array]>;
	appJson?: string | null;
	studyBy: string | null;
}

export interface MatrixResult {
	data: MatrixData[];
	notes: NoteState[] | null;
}

/**
 * A report file the plugin writes (what changed, a Navigator layer), worked out here from the
 * cached releases: the page only writes what comes back (`writes`, each onto the text it was
 * worked out from, or created where nothing was).
 */
export interface ReportRequest {
	kind: "report";
	report: "changes" | "layer";
	/** null: no release is cached (a layer of the notes alone). */
	current: ReleaseRef | null;
	previous: ReleaseRef | null;
	paths: string[];
	files: Array<[string, Uint8Array]>;
	appJson: string | null;
	vaultName: string;
	domain: string;
	folder?: string;
}

/** `before` null: a new file. */
export type FileWrite = { path: string; before: string | null; after: string };

export interface ReportResult {
	path: string;
	writes: FileWrite[];
}

/** Plan the note create-missing would create for one ATT&CK ID, and nothing else (a modifier-click in the matrix). */
export interface CreateRequest {
	kind: "create";
	id: string;
	release: { cache: CacheRef; version: string | null };
	paths: string[];
	files: Array<[string, Uint8Array]>;
	appJson: string | null;
	options: SyncOptions;
}

export type EngineRequest = StoreRequest | PlanRequest | TechniquesRequest | LinksRequest | MatrixRequest | ReportRequest | CreateRequest;

export interface StoreResult {
	/** The cache file's bytes (UTF-8 JSON): encoded here, so the page only writes them. */
	cache: Uint8Array;
	meta: CacheMeta;
	key: string;
}

export interface PlanResult {
	plan: SyncPlan;
	preview: SyncPreview;
	/** What went wrong in the engine while finding bases (a cached release that did not load), one sentence each. */
	problems: string[];
}

/** A technique for the picker: its parent's name for a sub-technique, the vault's note about it (if any), and the link to insert. */
export interface TechniqueItem {
	id: string;
	name: string;
	parent: string | null;
	note: string | null;
	link: string;
}

export type EngineResult = StoreResult | PlanResult | TechniqueItem[] | LinksResult | MatrixResult | ReportResult | SyncPlan;

/** What the engine answers: the result, or the error's message (a UserError's, for the user). */
export type EngineReply = { ok: true; result: EngineResult } | { ok: false; message: string; user: boolean };

export function cacheKey(meta: CacheMeta): string {
	return `${meta.domain} ${meta.createdAt}`;
}

const models = new Map<string, AttackModel>();

function model(ref: CacheRef): AttackModel {
	const known = models.get(ref.key);
	if (known) return known;
	if (ref.bytes === undefined) throw new Error(`internal: the engine has no cache ${ref.key}`);
	const { model: m } = readCache(new TextDecoder().decode(ref.bytes), ref.source);
	models.set(ref.key, m);
	return m;
}

/**
 * The vault as the page read it: every path, and the bytes of the files the core reads. It never
 * writes: `process` records what would be written, in `writes`, for the page to write.
 */
function memoryVault(paths: string[], files: Array<[string, Uint8Array]>, appJson: string | null, writes: FileWrite[] | null = null): Vault {
	const data = new Map(files);
	const created = new Map<string, string>();
	const get = (p: string) => {
		const d = data.get(p);
		if (!d) throw new Error(`${p}: not read`);
		return d;
	};
	const text = (p: string) => created.get(p) ?? new TextDecoder().decode(get(p));
	const exists = (p: string) => created.has(p) || paths.includes(p);
	return {
		listFiles: () => Promise.resolve([...paths, ...created.keys()]),
		read: (p) => Promise.resolve(text(p)),
		readBinary: (p) => Promise.resolve(created.has(p) ? new TextEncoder().encode(created.get(p)) : get(p)),
		process: (p, update) => {
			if (writes === null) return Promise.reject(new Error("internal: the engine does not write"));
			const before = text(p);
			const after = update(before);
			if (after !== before) writes.push({ path: p, before, after });
			return Promise.resolve(after);
		},
		create: (p, t) => {
			if (writes === null) return Promise.reject(new Error("internal: the engine does not write"));
			if (exists(p)) return Promise.reject(new Error(`${p} already exists`));
			created.set(p, t);
			writes.push({ path: p, before: null, after: t });
			return Promise.resolve();
		},
		exists: (p) => Promise.resolve(exists(p)),
		readConfig: (name) => Promise.resolve(name === "app.json" ? appJson : null),
	};
}

/** Bundle bytes to the cache: the same checks as before, now off the page's thread. */
function store(r: StoreRequest): StoreResult {
	const text = decodeUtf8(r.bytes, r.source);
	if (/^\s*</.test(text)) throw new UserError(`${r.source} is an HTML page, not an ATT&CK STIX bundle; nothing was saved.`);
	let parsed: unknown;
	try {
		parsed = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
	} catch {
		throw new UserError(`${r.source} is not valid JSON (cut off?); nothing was saved.`);
	}
	// The same checks as the CLI's fetch: the domain, and the version when the bundle says.
	const full = modelFromJson(parsed, r.source);
	// The cache's file name comes from the domain: only ATT&CK's own are kept.
	checkBundleDomain(full.domain, r.source);
	if (r.target) checkModel(full, r.target);
	const cache = compactBundle(parsed, { source: r.source, createdAt: r.createdAt });
	const loaded = readCache(cache, r.source);
	const key = cacheKey(loaded.meta);
	models.set(key, loaded.model);
	return { cache: new TextEncoder().encode(cache), meta: loaded.meta, key };
}

async function plan(r: PlanRequest, ask: Ask): Promise<PlanResult> {
	const index = await buildVaultIndex(memoryVault(r.paths, r.files, r.appJson));
	const plans: SyncPlan[] = [];
	const problems: string[] = [];
	for (const d of r.domains) {
		const current = model(d.current);
		const previous = d.previous ? [model(d.previous)] : [];
		const others = r.domains.filter((x) => x !== d).map((x) => model(x.current));
		const bases = d.bases ? await basesOf(index, current, current.attackVersion ?? d.version, d.bases, r.options.only, ask, problems, previous) : undefined;
		plans.push(planSync(index, current, { version: d.version, previous, otherDomains: others, ...r.options, ...(bases ? { bases } : {}) }));
	}
	const merged = mergePlans(plans);
	return { plan: merged, preview: buildPreview(merged), problems };
}

/**
 * Each note's base release (base.ts), as the CLI's sync finds it: the releases the page has
 * cached first, then, only for notes those do not explain, the ones index.json lists, each
 * asked of the page (which downloads it once into its cache). Only the notes synced are asked
 * about (`only`: "Sync the current note" downloads nothing for the others).
 */
async function basesOf(index: VaultIndex, current: AttackModel, version: string | null, from: { local: string[]; maxTries?: number }, only: ReadonlySet<string> | undefined, ask: Ask, problems: string[], previous: AttackModel[]): Promise<Bases> {
	// Before the bases: a note known only by its subject's name (notes/named.ts) needs a base too.
	recognizeByName(index, current, previous);
	const domain = current.domain;
	const asked = only === undefined ? index : { ...index, notes: new Map([...index.notes].filter(([p]) => only.has(p))) };
	return resolveBases(asked, current, version, {
		local: from.local,
		maxTries: from.maxTries,
		remote: async () => {
			const a = await ask({ kind: "listed", domain });
			return "versions" in a ? a.versions : [];
		},
		load: async (v) => {
			const a = await ask({ kind: "release", domain, version: v });
			if (!("ref" in a) || a.ref === null) return null;
			try {
				return model(a.ref);
			} catch (err) {
				problems.push(`release ${v} could not be read from the cache: ${messageOf(err).replace(/\.$/, "")}.`);
				return null;
			}
		},
	});
}

async function techniques(r: TechniquesRequest): Promise<TechniqueItem[]> {
	const m = model(r.cache);
	const index = await buildVaultIndex(memoryVault(r.paths, r.files, r.appJson));
	const ctx = new SyncContext(m, index, { version: m.attackVersion, ...r.options, createMissing: false });
	return m
		.all("technique")
		.filter(isActive)
		.map((t): TechniqueItem => {
			const id = attackIdOf(t) ?? "";
			const parentId = id.includes(".") ? id.slice(0, id.indexOf(".")) : null;
			const parent = parentId === null ? null : (m.get(parentId)?.name ?? null);
			const text = `${t.name ?? ""} (${id})`;
			return { id, name: t.name ?? "", parent, note: notesAbout(index, id)[0] ?? null, link: ctx.wikiLink(id, r.from, text) ?? text };
		})
		.filter((t) => t.id !== "")
		.sort((a, b) => (a.id < b.id ? -1 : 1));
}

async function links(r: LinksRequest): Promise<LinksResult> {
	const writes: FileWrite[] = [];
	const releases = (r.releases ?? []).map((ref) => ({ model: model(ref) }));
	const report = await runLinks(memoryVault(r.paths, r.files, r.appJson, writes), { fix: r.fix, only: r.only, releases });
	return { report, writes: writes.map((w) => ({ path: w.path, before: w.before ?? "", after: w.after })) };
}

async function matrix(r: MatrixRequest): Promise<MatrixResult> {
	const data = r.releases.map((x) => matrixData(model(x.cache), x.version));
	if (r.paths === undefined || r.files === undefined) return { data, notes: null };
	const index = await buildVaultIndex(memoryVault(r.paths, r.files, r.appJson ?? null));
	return { data, notes: noteStates(index, r.studyBy) };
}

async function report(r: ReportRequest): Promise<ReportResult> {
	const writes: FileWrite[] = [];
	const vault = memoryVault(r.paths, r.files, r.appJson, writes);
	const release = (x: ReleaseRef): Release => ({ model: model(x.cache), meta: x.meta });
	const current = r.current && release(r.current);
	if (r.report === "changes" && current === null) throw new UserError('no ATT&CK data is cached yet: run "Fetch or update ATT&CK data" first.');
	const path = r.report === "changes" && current !== null ? await writeChangesNote(vault, r.previous && release(r.previous), current, r.folder) : await writeLayerFile(vault, r.vaultName, current, r.domain, r.folder);
	return { path, writes };
}

async function create(r: CreateRequest): Promise<SyncPlan> {
	const index = await buildVaultIndex(memoryVault(r.paths, r.files, r.appJson));
	return planSync(index, model(r.release.cache), { ...r.options, version: r.release.version, createMissing: ["technique", "subtechnique"], createOnly: new Set([r.id]), only: new Set() });
}

function answer(r: EngineRequest, ask: Ask): EngineResult | Promise<EngineResult> {
	switch (r.kind) {
		case "store":
			return store(r);
		case "plan":
			return plan(r, ask);
		case "links":
			return links(r);
		case "techniques":
			return techniques(r);
		case "matrix":
			return matrix(r);
		case "report":
			return report(r);
		case "create":
			return create(r);
	}
}

/** Without a page to ask: no release but those sent. */
const askNobody: Ask = (q) => Promise.resolve(q.kind === "listed" ? { versions: [] } : { ref: null });

/** Answer one request; never throws. `ask`: the page, for what the request needs on the way (a plan's releases). */
export async function handle(request: EngineRequest, ask: Ask = askNobody): Promise<EngineReply> {
	try {
		const result = await answer(request, ask);
		return { ok: true, result };
	} catch (err) {
		return { ok: false, message: err instanceof Error ? err.message : String(err), user: err instanceof UserError };
	}
}
