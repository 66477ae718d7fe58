// One sync over several domains (Enterprise and Mobile bundles in one run) reads and indexes the
// vault once, and plans exactly what syncing each domain over its own index and merging would.
import { describe, expect, it } from "vitest";
import { planDomains } from "../../src/core/commands/sync";
import { buildVaultIndex } from "../../src/core/vault-index";
import { mergePlans, planSync } from "../../src/core/sync/plan";
import type { NoteKind } from "../../src/core/kinds";
import { MemoryVault } from "../helpers/memory-vault";
import { ENTERPRISE_FIXTURE, MOBILE_FIXTURE } from "../helpers/paths";
import { model } from "./helpers";

class CountingVault extends MemoryVault {
	reads = new Map<string, number>();
	override readBinary(p: string): Promise<Uint8Array> {
		this.reads.set(p, (this.reads.get(p) ?? 0) + 1);
		return super.readBinary(p);
	}
}

describe("a sync over several domains", () => {
	it("reads each note once, and plans what each domain's own sync would", async () => {
		const enterprise = model(ENTERPRISE_FIXTURE);
		const mobile = model(MOBILE_FIXTURE);
		const files = {
			"ATT&CK/Enterprise-Attack/techniques/T1059 - Command and Scripting Interpreter.md": "---\nalias: T1059\n---\n\n## T1059\n\nMy own words.\n",
			"Study/plan.md": "My plan: read [[T1059 - Command and Scripting Interpreter]].\n",
		};
		const createMissing: NoteKind[] = ["technique", "tactic"];
		const vault = new CountingVault(files);
		const { plan } = await planDomains(vault, [{ model: enterprise }, { model: mobile }], { createMissing });
		expect([...vault.reads.values()].every((n) => n === 1)).toBe(true);
		expect(vault.reads.size).toBe(Object.keys(files).length);
		expect(vault.writes).toEqual([]);

		// The same as two indexes, one per domain, merged.
		const separate = [];
		for (const [m, other] of [[enterprise, mobile], [mobile, enterprise]]) {
			const index = await buildVaultIndex(new MemoryVault(files), [{ model: m, earlier: [] }]);
			separate.push(planSync(index, m, { createMissing, previous: [], otherDomains: [other] }));
		}
		const merged = mergePlans(separate);
		expect(plan.summary).toEqual(merged.summary);
		expect(plan.summary.created).toBeGreaterThan(0);
		expect(plan.notes.map((n) => [n.path, n.action, n.after])).toEqual(merged.notes.map((n) => [n.path, n.action, n.after]));
	});
});
