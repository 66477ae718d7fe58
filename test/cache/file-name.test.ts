// The plugin's cache file names come from the fixed list of ATT&CK domains, never from a bundle:
// a matrix whose ID is `x/../../..` must not choose where the plugin writes.
import { describe, expect, it } from "vitest";
import { cacheFileName, compactBundle, readCache } from "../../src/core/cache/compact";
import { UserError } from "../../src/core/errors";
import { ENTERPRISE_FIXTURE, readText } from "../helpers/paths";

const HOSTILE = ["x/../../..", "../enterprise-attack", "enterprise-attack/../..", "..", "", "Enterprise-Attack", "enterprise-attack\u0000", "pre-attack", "unknown", "cache"];

describe("cacheFileName", () => {
	it("names the three ATT&CK domains' files", () => {
		expect(cacheFileName("enterprise-attack")).toBe("cache-enterprise-attack.json");
		expect(cacheFileName("mobile-attack", "previous")).toBe("cache-mobile-attack-previous.json");
		expect(cacheFileName("ics-attack", "current")).toBe("cache-ics-attack.json");
	});

	it("refuses any other domain in one sentence", () => {
		for (const domain of HOSTILE) {
			expect(() => cacheFileName(domain), JSON.stringify(domain)).toThrow(UserError);
			expect(() => cacheFileName(domain, "previous"), JSON.stringify(domain)).toThrow(
				`${JSON.stringify(domain)} is not an ATT&CK domain; ATT&CK Sync knows enterprise-attack, mobile-attack and ics-attack.`,
			);
		}
	});
});

describe("the cache of a bundle of another domain", () => {
	const bundle = () => JSON.parse(readText(ENTERPRISE_FIXTURE)) as { objects: Array<{ type: string; external_references?: Array<{ external_id?: string }> }> };

	it("is not made", () => {
		const b = bundle();
		const matrix = b.objects.find((o) => o.type === "x-mitre-matrix");
		if (matrix?.external_references?.[0]) matrix.external_references[0].external_id = "x/../../..";
		expect(() => compactBundle(b, { source: "crafted.json", createdAt: "2026-01-01T00:00:00.000Z" })).toThrow(
			'crafted.json is a bundle of "x/../../..", not of enterprise-attack, mobile-attack or ics-attack; nothing was saved.',
		);
	});

	it("is not read, even when its header and objects agree", () => {
		const good = JSON.parse(compactBundle(bundle(), { source: "e.json", createdAt: "2026-01-01T00:00:00.000Z" })) as {
			x_attack_sync_cache: { domain: string };
			objects: Array<{ type: string; external_references?: Array<{ external_id?: string }> }>;
		};
		good.x_attack_sync_cache.domain = "../x";
		const matrix = good.objects.find((o) => o.type === "x-mitre-matrix");
		if (matrix?.external_references?.[0]) matrix.external_references[0].external_id = "../x";
		expect(() => readCache(JSON.stringify(good), "cache.json")).toThrow("cache.json: not a usable ATT&CK Sync cache: its header names no ATT&CK domain.");
	});
});
