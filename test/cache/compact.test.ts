/**
 * The plugin's ATT&CK cache (src/core/cache/compact.ts): a compact bundle must give the model
 * the full bundle gives, as far as anything reads it: the same inspect report, the same answers
 * to the model's queries, and byte-identical notes when the sample vault is synced from it.
 */
import { readdirSync } from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { describe, expect, it } from "vitest";
import { attackIdOf, isActive, loadBundle, type AttackModel, type Kind } from "../../src/core/attack/model";
import type { StixObject } from "../../src/core/attack/stix";
import { compactBundle, readCache } from "../../src/core/cache/compact";
import { inspect } from "../../src/core/commands/inspect";
import { runSync, type SyncCommandOptions } from "../../src/core/commands/sync";
import { UserError } from "../../src/core/errors";
import { MemoryVault } from "../helpers/memory-vault";
import { readTree, SAMPLE_VAULT_CONFIG } from "../helpers/sample-vault";
import { ENTERPRISE_FIXTURE, FIXTURES, HAVE_SHARED, MOBILE_FIXTURE, SHARED, SHARED_STIX, readText } from "../helpers/paths";

const CREATED_AT = "2026-01-02T03:04:05.000Z";

function cacheOf(text: string, source: string): string {
	return compactBundle(JSON.parse(text), { source, createdAt: CREATED_AT });
}

/** The newest `modified` in the raw bundle, counted here independently. */
function newestModified(text: string): string | null {
	const raw = JSON.parse(text) as { objects: Array<{ modified?: string }> };
	const dates = raw.objects.map((o) => o.modified).filter((d): d is string => typeof d === "string");
	return dates.length === 0 ? null : dates.reduce((a, b) => (b > a ? b : a));
}

const KINDS: Kind[] = ["technique", "tactic", "mitigation", "group", "software", "campaign", "detectionStrategy", "analytic", "dataComponent", "dataSource", "asset", "matrix"];

/** What sync, links and inspect can ask the model, answered for every object (IDs and rendered texts). */
function answers(model: AttackModel): unknown {
	const ids = (list: readonly StixObject[]) => list.map((o) => attackIdOf(o) ?? o.id);
	const related = (list: ReturnType<AttackModel["mitigationsOf"]>) => list.map((r) => [attackIdOf(r.object), r.object.name, r.relationship.id]);
	const out: Record<string, unknown> = {
		domain: model.domain,
		specVersion: model.specVersion,
		attackVersion: model.attackVersion,
		tactics: ids(model.tactics()),
	};
	for (const kind of KINDS) {
		out[kind] = model.all(kind).map((o) => {
			const id = attackIdOf(o) ?? o.id;
			const a: Record<string, unknown> = { id, stix: o.id, name: o.name, active: isActive(o), revokedBy: model.revokedBy(o)?.id ?? null, get: model.get(id)?.id, getAll: model.getAll(id).map((x) => x.id) };
			if (kind === "technique") {
				Object.assign(a, {
					o: [o.description, o.modified, o.x_mitre_detection, o.x_mitre_platforms, o.x_mitre_permissions_required, o.x_mitre_is_subtechnique === true, o.external_references],
					tactics: ids(model.tacticsOf(o)),
					parent: model.parentOf(o)?.id,
					subs: ids(model.subtechniquesOf(o)),
					mitigations: model.mitigationsOf(o).map((r) => [attackIdOf(r.object), r.description, r.relationship.external_references]),
					groups: related(model.groupsUsing(o)),
					software: related(model.softwareUsing(o)),
					campaigns: related(model.campaignsUsing(o)),
					strategies: ids(model.detectionStrategiesFor(o)),
					components: model.dataComponentsDetecting(o).map((r) => [attackIdOf(r.object), r.description, r.relationship.external_references, model.dataSourceOf(r.object)?.name]),
				});
			} else if (kind === "mitigation" || kind === "tactic") {
				Object.assign(a, { o: [o.description, o.modified, o.external_references], mitigates: related(model.techniquesMitigatedBy(o)) });
			} else if (kind === "group" || kind === "software" || kind === "campaign") {
				Object.assign(a, { uses: related(model.usedBy(o)), platforms: o.x_mitre_platforms });
			} else if (kind === "detectionStrategy") {
				Object.assign(a, { analytics: ids(model.analyticsOf(o)) });
			} else if (kind === "analytic") {
				Object.assign(a, { o: [o.description, o.x_mitre_platforms, o.x_mitre_log_source_references, o.external_references] });
			}
			return a;
		});
	}
	return out;
}

const SAMPLE_VAULT = readTree(path.join(FIXTURES, "sample-vault"));

/** The sample vault's files after a sync, and the report. */
async function syncedVault(model: AttackModel, opts: SyncCommandOptions): Promise<{ files: Record<string, string>; report: unknown }> {
	const vault = new MemoryVault(SAMPLE_VAULT, SAMPLE_VAULT_CONFIG);
	const { report } = await runSync(vault, model, opts);
	const files: Record<string, string> = {};
	for (const [p, data] of vault.files) files[p] = typeof data === "string" ? data : new TextDecoder().decode(data);
	return { files, report };
}

/** Sync the sample vault from both models; the notes must be byte-identical (and the vault must have changed). */
async function expectSameSync(full: AttackModel, cached: AttackModel, opts: SyncCommandOptions): Promise<void> {
	const a = await syncedVault(full, opts);
	const b = await syncedVault(cached, opts);
	expect(Object.keys(b.files).sort()).toEqual(Object.keys(a.files).sort());
	for (const [p, text] of Object.entries(a.files)) expect(b.files[p], p).toBe(text);
	expect(b.report).toEqual(a.report);
	const changed = Object.entries(a.files).filter(([p, text]) => SAMPLE_VAULT[p] !== text);
	expect(changed.length).toBeGreaterThan(0);
}

const FIXTURE_BUNDLES: Array<{ file: string; domain: string; attackVersion: string | null; spec: "2.0" | "2.1" }> = [
	{ file: ENTERPRISE_FIXTURE, domain: "enterprise-attack", attackVersion: null, spec: "2.0" },
	{ file: MOBILE_FIXTURE, domain: "mobile-attack", attackVersion: "17.1", spec: "2.1" },
	{ file: path.join(FIXTURES, "enterprise-attack-15.1-subset.json"), domain: "enterprise-attack", attackVersion: null, spec: "2.0" },
	{ file: path.join(FIXTURES, "enterprise-attack-17.1-subset.json"), domain: "enterprise-attack", attackVersion: null, spec: "2.0" },
];

describe("compactBundle and readCache on the committed fixtures", () => {
	for (const { file, domain, attackVersion, spec } of FIXTURE_BUNDLES) {
		const name = path.basename(file);
		const text = readText(file);
		const full = loadBundle(text, name);
		const cache = cacheOf(text, `https://example.org/${name}`);

		it(`${name}: round trip keeps inspect and every query's answer`, () => {
			const { model } = readCache(cache, "attack-cache.json");
			expect(inspect(model)).toEqual(inspect(full));
			expect(model.specVersion).toBe(spec);
			expect(answers(model)).toEqual(answers(full));
			// Still a STIX bundle: loadBundle reads it as it is.
			expect(inspect(loadBundle(cache, "attack-cache.json"))).toEqual(inspect(full));
			expect(cache.length).toBeLessThan(text.length * 0.8);
		});

		it(`${name}: the meta says what the cache holds`, () => {
			const { meta } = readCache(cache, "attack-cache.json");
			expect(meta).toEqual({ domain, attackVersion, modified: newestModified(text), source: `https://example.org/${name}`, createdAt: CREATED_AT, format: 1 });
			// The header comes before the objects: the first kilobyte of the file tells what it is.
			expect(cache.slice(0, 1000)).toContain(`"domain":"${domain}"`);
		});
	}

	it("the mobile collection's date is the newest modified date", () => {
		const text = readText(MOBILE_FIXTURE);
		const raw = JSON.parse(text) as { objects: Array<{ type: string; modified?: string }> };
		const collection = raw.objects.find((o) => o.type === "x-mitre-collection");
		expect(readCache(cacheOf(text, "m"), "c").meta.modified).toBe(collection?.modified);
	});

	it("drops what nobody reads: marking and identity objects, bookkeeping fields; keeps the procedures' text", () => {
		const cache = cacheOf(readText(ENTERPRISE_FIXTURE), "e");
		const objects = (JSON.parse(cache) as { objects: Array<Record<string, unknown>> }).objects;
		expect(objects.some((o) => o.type === "identity" || o.type === "marking-definition")).toBe(false);
		for (const field of ["created_by_ref", "object_marking_refs", "x_mitre_modified_by_ref", "x_mitre_attack_spec_version", "labels", "created"]) {
			expect(objects.filter((o) => field in o).length, field).toBe(0);
		}
		// A note's info callout says its object's version and contributors (labelled.ts): kept.
		for (const field of ["x_mitre_version", "x_mitre_contributors"]) expect(objects.filter((o) => o.type !== "relationship" && field in o).length, field).toBeGreaterThan(0);
		const uses = objects.filter((o) => o.relationship_type === "uses");
		expect(uses.length).toBeGreaterThan(0);
		// A group's, software's or campaign's note shows how it uses each technique.
		expect(uses.filter((o) => "description" in o).length).toBeGreaterThan(0);
		expect(objects.filter((o) => o.type === "relationship" && (o.revoked === true || o.x_mitre_deprecated === true) && o.relationship_type !== "revoked-by").length).toBe(0);
		const groups = objects.filter((o) => o.type === "intrusion-set");
		expect(groups.length).toBeGreaterThan(0);
		for (const g of groups) expect(typeof g.description, String(g.name)).toBe("string");
	});
});

describe("syncing the sample vault from the cache writes the same notes", () => {
	const enterprise = readText(ENTERPRISE_FIXTURE);
	const full = loadBundle(enterprise, "enterprise-attack-18.1-subset.json");
	const cached = readCache(cacheOf(enterprise, "e"), "attack-cache.json").model;

	it("updating the notes the vault has", async () => {
		await expectSameSync(full, cached, { version: "18.1" });
	});

	it("with createMissing: true", async () => {
		await expectSameSync(full, cached, { version: "18.1", createMissing: true });
	});

	it("knowing the notes were written from 15.1 (a cached earlier release)", async () => {
		const old = readText(path.join(FIXTURES, "enterprise-attack-15.1-subset.json"));
		const previousFull = loadBundle(old, "15.1");
		const previousCached = readCache(cacheOf(old, "15.1"), "15.1-cache.json").model;
		const a = await syncedVault(full, { version: "18.1", previous: [previousFull] });
		const b = await syncedVault(cached, { version: "18.1", previous: [previousCached] });
		expect(b.files).toEqual(a.files);
	});

	it("from the Mobile 17.1 (STIX 2.1) fixture, with and without createMissing", async () => {
		const mobile = readText(MOBILE_FIXTURE);
		const mobileFull = loadBundle(mobile, "mobile");
		const mobileCached = readCache(cacheOf(mobile, "m"), "mobile-cache.json").model;
		for (const createMissing of [false, true]) {
			const a = await syncedVault(mobileFull, { createMissing });
			const b = await syncedVault(mobileCached, { createMissing });
			expect(b.files).toEqual(a.files);
		}
	});
});

describe.skipIf(!HAVE_SHARED)("the cache of the full bundles in ../shared/attack-stix", () => {
	const FILE = "enterprise-attack-18.1.stix20.json";
	const text = HAVE_SHARED ? readText(path.join(SHARED_STIX, FILE)) : "";
	const full = HAVE_SHARED ? loadBundle(text, FILE) : (null as unknown as AttackModel);
	const cache = HAVE_SHARED ? cacheOf(text, FILE) : "";
	const cached = HAVE_SHARED ? readCache(cache, "attack-cache.json").model : (null as unknown as AttackModel);

	it(`${FILE}: same inspect report and answers; size and load time`, () => {
		expect(inspect(cached)).toEqual(inspect(full));
		expect(answers(cached)).toEqual(answers(full));
		// Best of three, so a stray GC pause does not decide the ratio.
		const best = (f: () => unknown) => {
			let min = Infinity;
			for (let i = 0; i < 3; i++) {
				const t0 = performance.now();
				f();
				min = Math.min(min, performance.now() - t0);
			}
			return min;
		};
		const tFull = best(() => loadBundle(text, FILE));
		const tCache = best(() => readCache(cache, "attack-cache.json"));
		const mb = (s: string) => (new TextEncoder().encode(s).length / 1e6).toFixed(1);
		console.log(
			`[cache] ${FILE}: ${mb(text)} MB -> cache ${mb(cache)} MB (${((100 * cache.length) / text.length).toFixed(1)}%); ` +
				`readCache ${tCache.toFixed(0)} ms vs loadBundle ${tFull.toFixed(0)} ms (ratio ${(tCache / tFull).toFixed(2)})`,
		);
		expect(cache.length).toBeLessThan(text.length * 0.6);
	});

	it(`${FILE}: the sample vault synced from the cache is byte-identical`, async () => {
		await expectSameSync(full, cached, { version: "18.1" });
	});

	it(`${FILE}: ... also with createMissing: true`, async () => {
		await expectSameSync(full, cached, { version: "18.1", createMissing: true });
	});

	it(`${FILE}: each peer vault's notes of every kind synced from the cache are byte-identical`, async () => {
		const full = loadBundle(readText(path.join(SHARED_STIX, FILE)), FILE);
		const cached = readCache(cacheOf(readText(path.join(SHARED_STIX, FILE)), FILE), "attack-cache.json").model;
		for (const peer of ["vincenzocaputo", "reuteras"]) {
			const files = readTree(path.join(SHARED, "peer-vaults", `${peer}-17.1`));
			const run = async (m: AttackModel) => {
				const vault = new MemoryVault(files);
				await runSync(vault, m, { version: "18.1" });
				return Object.fromEntries([...vault.files].map(([p, t]) => [p, typeof t === "string" ? t : new TextDecoder().decode(t)]));
			};
			const a = await run(full);
			const b = await run(cached);
			for (const [p, text] of Object.entries(a)) expect(b[p], `${peer}: ${p}`).toBe(text);
		}
	}, 120_000);

	const others = HAVE_SHARED ? readdirSync(SHARED_STIX).filter((f) => f.endsWith(".json") && f !== "index.json" && f !== FILE) : [];
	for (const file of others) {
		it(`${file}: same inspect report and answers`, () => {
			const t = readText(path.join(SHARED_STIX, file));
			const { model, meta } = readCache(cacheOf(t, file), "attack-cache.json");
			const f = loadBundle(t, file);
			expect(inspect(model)).toEqual(inspect(f));
			expect(answers(model)).toEqual(answers(f));
			expect(meta.attackVersion).toBe(f.attackVersion);
			expect(meta.modified).toBe(newestModified(t));
		});
	}
});

describe("readCache refuses what is not a cache of this format", () => {
	const cache = cacheOf(readText(MOBILE_FIXTURE), "m");
	const refuses = (text: string, message: RegExp) => {
		let error: unknown;
		try {
			readCache(text, "attack-cache.json");
		} catch (err) {
			error = err;
		}
		expect(error).toBeInstanceOf(UserError);
		const msg = (error as Error).message;
		expect(msg).toMatch(/^attack-cache\.json: not a usable ATT&CK Sync cache: /);
		expect(msg).toMatch(message);
		// One sentence, one line.
		expect(msg).not.toMatch(/\n/);
		expect(msg.endsWith(".")).toBe(true);
	};

	it("a truncated file", () => {
		refuses(cache.slice(0, Math.floor(cache.length / 2)), /the file is truncated or corrupt \(/);
		refuses(cache.slice(0, -1), /truncated or corrupt/);
	});

	it("an empty file", () => {
		refuses("", /the file is empty/);
		refuses(" \n", /the file is empty/);
	});

	it("a plain STIX bundle (no cache header)", () => {
		refuses(readText(MOBILE_FIXTURE), /a STIX bundle without the cache header/);
	});

	it("another format", () => {
		refuses(cache.replace('"format":1', '"format":2'), /in format 2, and this version reads format 1/);
		const parsed = JSON.parse(cache) as { x_attack_sync_cache: Record<string, unknown> };
		delete parsed.x_attack_sync_cache.format;
		refuses(JSON.stringify(parsed), /in format undefined/);
	});

	it("a header that is incomplete or does not match the objects", () => {
		const parsed = JSON.parse(cache) as { x_attack_sync_cache: Record<string, unknown> };
		refuses(JSON.stringify({ ...parsed, x_attack_sync_cache: { ...parsed.x_attack_sync_cache, domain: 3 } }), /header lacks/);
		refuses(JSON.stringify({ ...parsed, x_attack_sync_cache: { ...parsed.x_attack_sync_cache, attackVersion: "18.1" } }), /does not match its objects \(mobile-attack 17\.1\)/);
		refuses(JSON.stringify({ ...parsed, x_attack_sync_cache: "v1" }), /header is not an object/);
	});

	it("JSON that is no bundle", () => {
		refuses("[]", /not an object/);
		refuses("42", /not an object/);
		const parsed = JSON.parse(cache) as Record<string, unknown>;
		refuses(JSON.stringify({ ...parsed, objects: {} }), /its objects do not load \(not a STIX bundle/);
		refuses(JSON.stringify({ ...parsed, objects: [] }), /its objects do not load .*no ATT&CK techniques/);
	});

	it("compactBundle refuses what is not an ATT&CK bundle, naming the source", () => {
		expect(() => compactBundle({ type: "bundle", objects: [] }, { source: "https://example.org/x.json", createdAt: CREATED_AT })).toThrow(UserError);
		expect(() => compactBundle([], { source: "https://example.org/x.json", createdAt: CREATED_AT })).toThrow(/^https:\/\/example\.org\/x\.json: not a STIX bundle/);
	});
});
