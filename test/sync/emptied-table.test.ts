// A relationship table ATT&CK empties (18.1 drops the last row) goes, its heading left as the
// frame of a note created now has it: a note created at 17.1 and synced to 18.1 reads as the one
// created at 18.1, with no blank lines where the table was, in the classic and the export
// layout. Fixtures 17.1 and 18.1.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { attackIdOf, type AttackModel } from "../../src/core/attack/model";
import { relationTables } from "../../src/core/kinds";
import { MemoryVault } from "../helpers/memory-vault";
import { ENTERPRISE_FIXTURE, FIXTURES } from "../helpers/paths";
import { model, seedFiles, SEED_PATHS, syncOnce, textOf } from "./helpers";

const softwareOf = (m: AttackModel, id: string) => {
	const o = m.get(id);
	if (!o) throw new Error(`no ${id}`);
	return (relationTables(m, o).find((t) => t.name === "software used")?.list ?? []).map((r) => attackIdOf(r.object));
};

describe("a table ATT&CK empties (fixtures 17.1 -> 18.1)", () => {
	it("goes, leaving its heading as a note created now has it", async () => {
		const m17 = model(path.join(FIXTURES, "enterprise-attack-17.1-subset.json"));
		const m18 = model(ENTERPRISE_FIXTURE);
		// 18.1 drops APT28's one piece of software the fixture has (CHOPSTICK).
		expect(softwareOf(m17, "G0007")).toEqual(["S0023"]);
		expect(softwareOf(m18, "G0007")).toEqual([]);
		const layouts: Array<[() => MemoryVault, string, string]> = [
			[() => new MemoryVault(), "MITRE ATT&CK/Enterprise-Attack/groups/APT28.md", "\n### Software used\n\n---\n### References\n"],
			// An export-layout vault (its seed note): its group notes' tables are synced too.
			[() => new MemoryVault({ [SEED_PATHS.export]: seedFiles()[SEED_PATHS.export] }), "Seeds/APT28 (G0007).md", "\n## Software used\n\n## References\n"],
		];
		for (const [vault, file, heading] of layouts) {
			const created18 = vault();
			await syncOnce(created18, m18, { version: "18.1", createMissing: ["group"] });
			expect(textOf(created18.files.get(file))).toContain(heading);
			const stepwise = vault();
			await syncOnce(stepwise, m17, { version: "17.1", createMissing: ["group"] });
			expect(textOf(stepwise.files.get(file))).toContain("| S0023 | CHOPSTICK |");
			await syncOnce(stepwise, m18, { version: "18.1", previous: [m17] });
			expect(textOf(stepwise.files.get(file))).toContain(heading);
			expect((await syncOnce(stepwise, m18, { version: "18.1", previous: [m17] })).wrote).toEqual([]);
		}
	});
});
