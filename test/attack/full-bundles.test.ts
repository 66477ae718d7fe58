// Every real bundle in ../shared/attack-stix: the model's counts must equal the README's figures
// (Enterprise 18.1) and an independent count made here straight from the JSON.
import { readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { attackIdOf, loadBundle } from "../../src/core/attack/model";
import { HAVE_SHARED, SHARED_STIX, readText } from "../helpers/paths";
import { ENTERPRISE_18_1_COUNTS } from "../helpers/expected";

interface Raw {
	type: string;
	revoked?: boolean;
	x_mitre_deprecated?: boolean;
	x_mitre_is_subtechnique?: boolean;
}

function independentCounts(objects: Raw[]) {
	const active = (o: Raw) => !o.revoked && !o.x_mitre_deprecated;
	const n = (...types: string[]) => objects.filter((o) => types.includes(o.type) && active(o)).length;
	const ap = objects.filter((o) => o.type === "attack-pattern");
	return {
		techniques: ap.filter((o) => active(o) && !o.x_mitre_is_subtechnique).length,
		subtechniques: ap.filter((o) => active(o) && o.x_mitre_is_subtechnique).length,
		tactics: n("x-mitre-tactic"),
		mitigations: n("course-of-action"),
		groups: n("intrusion-set"),
		software: n("malware", "tool"),
		campaigns: n("campaign"),
		detectionStrategies: n("x-mitre-detection-strategy"),
		analytics: n("x-mitre-analytic"),
		dataComponents: n("x-mitre-data-component"),
		dataSources: n("x-mitre-data-source"),
		assets: n("x-mitre-asset"),
		revokedTechniques: ap.filter((o) => o.revoked).length,
		deprecatedTechniques: ap.filter((o) => !o.revoked && o.x_mitre_deprecated).length,
	};
}

const bundles = HAVE_SHARED ? readdirSync(SHARED_STIX).filter((f) => f.endsWith(".json") && f !== "index.json") : [];

describe.skipIf(!HAVE_SHARED)("the real bundles in ../shared/attack-stix", () => {
	it("gives Enterprise 18.1 the counts its README states", () => {
		const model = loadBundle(readText(path.join(SHARED_STIX, "enterprise-attack-18.1.stix20.json")), "enterprise-attack-18.1.stix20.json");
		expect(model.counts()).toEqual(ENTERPRISE_18_1_COUNTS);
		expect(model.domain).toBe("enterprise-attack");
		expect(model.specVersion).toBe("2.0");
		expect(model.attackVersion).toBeNull();
		// The README's v15.1 -> v18.1 notes.
		const dll = model.getAll("T1574.002")[0];
		expect(model.revokedBy(dll)?.name).toBe("DLL");
		expect(model.tacticsOf(model.get("T1112")!).map(attackIdOf)).toContain("TA0003");
	});

	for (const file of bundles) {
		it(`counts ${file} as an independent count does`, () => {
			const text = readText(path.join(SHARED_STIX, file));
			const model = loadBundle(text, file);
			const raw = JSON.parse(text) as { spec_version?: string; objects: Raw[] };
			expect(model.counts()).toEqual(independentCounts(raw.objects));
			expect(model.specVersion).toBe(file.includes("stix20") ? "2.0" : "2.1");
			expect(model.domain).toBe(file.split("-attack")[0] + "-attack");
			expect(model.attackVersion).toBe(file.includes("stix20") ? null : file.match(/(\d+\.\d+)\.json$/)?.[1]);
			// Every active technique's tactics resolve (shortnames repeat across domains).
			for (const t of model.active("technique", { subtechniques: true })) {
				expect(model.tacticsOf(t).length, attackIdOf(t) ?? t.id).toBeGreaterThan(0);
			}
		});
	}
});
