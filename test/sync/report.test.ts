// What sync reports besides edits: Sigma rules checked (never written), renamed techniques, and
// the names of notes it creates for the whole Enterprise matrix (distinct and safe everywhere).
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadBundle } from "../../src/core/attack/model";
import { runSync } from "../../src/core/commands/sync";
import { MemoryVault } from "../helpers/memory-vault";
import { ENTERPRISE_FIXTURE, FIXTURES, HAVE_SHARED, SHARED_STIX, readText } from "../helpers/paths";

const model = loadBundle(readText(ENTERPRISE_FIXTURE), "enterprise-attack-18.1-subset.json");

const rule = (tag: string) => `title: Test rule\nstatus: test\ntags:\n  - ${tag}\nlogsource:\n  product: windows\ndetection:\n  selection:\n    EventID: 1\n  condition: selection\n`;

describe("Sigma rules", () => {
	it("are never written; one tagged with a revoked technique is reported with its replacement", async () => {
		const vault = new MemoryVault({ "rules/dll.yml": rule("attack.t1574.002"), "rules/ok.yml": rule("attack.t1204.001"), "rules/old.yml": rule("attack.t1064") });
		const { report } = await runSync(vault, model, { version: "18.1" });
		expect(vault.writes).toEqual([]);
		const byPath = new Map(report.notes.map((n) => [n.path, n]));
		expect(byPath.get("rules/dll.yml")).toMatchObject({ layout: "sigma", action: "unchanged" });
		expect(byPath.get("rules/dll.yml")?.warnings?.[0]).toMatch(/T1574.002, which is revoked; use T1574.001 \(DLL\)/);
		expect(byPath.get("rules/old.yml")?.warnings?.[0]).toMatch(/T1064, which is deprecated/);
		expect(byPath.get("rules/ok.yml")?.warnings).toBeUndefined();
	});
});

describe("controls notes", () => {
	it("an old notice on a technique that is active again goes, and the rest is synced in the same run", async () => {
		const seed = readText(path.join(FIXTURES, "seeds/001_0d48587a02f2203b.txt"));
		const stale = seed
			.replace("# T1204.001: Malicious Link\n", "# T1204.001: Malicious Link\n> [!warning] Deprecated in ATT&CK 17.1: MITRE no longer maintains it.\n\n")
			.replace("**MITRE ATT&CK Tactic(s):** Execution", "**MITRE ATT&CK Tactic(s):** Old Tactic");
		const vault = new MemoryVault({ "Controls/T1204.001 controls.md": stale });
		await runSync(vault, model, { version: "18.1" });
		const once = await vault.read("Controls/T1204.001 controls.md");
		expect(once).not.toContain("[!warning]");
		expect(once).toContain("**MITRE ATT&CK Tactic(s):** Execution\n");
		const writes = vault.writes.length;
		await runSync(vault, model, { version: "18.1" });
		expect(vault.writes.length).toBe(writes);
	});
});

describe.skipIf(!HAVE_SHARED)("creating the whole Enterprise 18.1 matrix", () => {
	it("gives every active technique, tactic and mitigation a note with a distinct, safe name", async () => {
		const full = loadBundle(readText(path.join(SHARED_STIX, "enterprise-attack-18.1.stix20.json")), "enterprise-attack-18.1.stix20.json");
		const vault = new MemoryVault();
		const { report } = await runSync(vault, full, { createMissing: true, version: "18.1" });
		expect(report.summary.created).toBe(216 + 475 + 14 + 44);
		const paths = [...vault.files.keys()];
		expect(new Set(paths.map((p) => p.toLowerCase())).size).toBe(paths.length);
		for (const p of paths) expect(p.slice(p.lastIndexOf("/") + 1), p).not.toMatch(/[\\/:*?"<>|#^[\]]/);
		const techniques = "MITRE ATT&CK/Enterprise-Attack/techniques";
		expect(paths).toContain(`${techniques}/Spearphishing Link (T1566.002).md`);
		expect(paths).toContain(`${techniques}/Spearphishing Link (T1598.003).md`);
		const again = await runSync(vault, full, { createMissing: true, version: "18.1" });
		expect(again.report.summary).toMatchObject({ created: 0, updated: 0 });
	});
});
