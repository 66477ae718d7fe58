// Where sync creates notes in a vault that has none: `MITRE ATT&CK/<domain folder>/...`. The folder
// comes from a fixed list; a bundle whose matrix names another domain (`x/../../..`) cannot
// choose a path outside that folder.
import { describe, expect, it } from "vitest";
import { loadBundle } from "../../src/core/attack/model";
import { runSync } from "../../src/core/commands/sync";
import { MemoryVault } from "../helpers/memory-vault";
import { ENTERPRISE_FIXTURE, readText } from "../helpers/paths";

function bundleOfDomain(domain: string) {
	const bundle = JSON.parse(readText(ENTERPRISE_FIXTURE)) as { objects: Array<{ type: string; external_references?: Array<{ external_id?: string }> }> };
	const matrix = bundle.objects.find((o) => o.type === "x-mitre-matrix");
	if (matrix?.external_references?.[0]) matrix.external_references[0].external_id = domain;
	return loadBundle(JSON.stringify(bundle), "crafted.json");
}

describe("the folder for new notes in an empty vault", () => {
	it("is the domain's own for ATT&CK's domains", async () => {
		const { report } = await runSync(new MemoryVault(), bundleOfDomain("enterprise-attack"), { dryRun: true, createMissing: true });
		const created = report.notes.filter((n) => n.action === "created").map((n) => n.path);
		expect(created.length).toBeGreaterThan(0);
		for (const p of created) expect(p).toMatch(/^MITRE ATT&CK\/Enterprise-Attack\/(techniques|tactics|mitigations)\/[^/]+\.md$/);
	});

	it("is one safe folder name for any other domain, never a path", async () => {
		for (const domain of ["x/../../..", "..", "a\\..\\..\\b", "constructor", "__proto__"]) {
			const { report } = await runSync(new MemoryVault(), bundleOfDomain(domain), { dryRun: true, createMissing: true });
			const created = report.notes.filter((n) => n.action === "created").map((n) => n.path);
			expect(created.length, domain).toBeGreaterThan(0);
			for (const p of created) {
				expect(p, domain).toMatch(/^MITRE ATT&CK\/[^/\\]+\/(techniques|tactics|mitigations)\/[^/\\]+\.md$/);
				expect(p.split("/"), domain).not.toContain("..");
				expect(p.split("/"), domain).not.toContain(".");
			}
		}
	});
});
