/**
 * Golden (approval) tests: real notes synced from their v15.1-era text (the sample vault, made
 * by the Python generators, then edited by hand; the export seed is v17-era) to ATT&CK v18.1,
 * and notes sync creates. The expected outputs are committed as .md files under
 * test/golden/expected/ so a reviewer can read them; `npx vitest run test/golden -u` rewrites
 * them after a deliberate change (review the diff before committing). Only then: a missing
 * expected file fails, it is never recorded on the fly (test/helpers/golden.ts).
 */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadBundle } from "../../src/core/attack/model";
import { runSync } from "../../src/core/commands/sync";
import { expectGolden } from "../helpers/golden";
import { MemoryVault } from "../helpers/memory-vault";
import { sampleVault } from "../helpers/sample-vault";
import { ENTERPRISE_FIXTURE, FIXTURES, readText } from "../helpers/paths";

const model = loadBundle(readText(ENTERPRISE_FIXTURE), "enterprise-attack-18.1-subset.json");
const EXPECTED = path.join(__dirname, "expected");
const ATTACK = "CyberSecurity/Security+/1-Threats-Attacks-Vulnerabilities/Attacking-Frameworks/MITRE ATT&CK/Enterprise-Attack";

const SYNCED: Array<[string, string]> = [
	["classic-seed Malicious Link.md", `${ATTACK}/techniques/Malicious Link.md`],
	["classic Phishing (callout, tags, my notes).md", `${ATTACK}/techniques/Phishing.md`],
	["classic Brute Force (custom row, comment).md", `${ATTACK}/techniques/Brute Force.md`],
	["classic Valid Accounts (footnote, summary).md", `${ATTACK}/techniques/Valid Accounts.md`],
	["classic Password Spraying (citations).md", `${ATTACK}/techniques/Password Spraying.md`],
	["classic DLL Side-Loading (revoked).md", `${ATTACK}/techniques/DLL Side-Loading.md`],
	["classic Match Legitimate Name or Location (renamed).md", `${ATTACK}/techniques/Match Legitimate Name or Location.md`],
	["classic tactic Execution.md", `${ATTACK}/tactics/Execution.md`],
	["classic mitigation User Training.md", `${ATTACK}/mitigations/User Training.md`],
	["export Malicious Link (T1204.001).md", "CyberSecurity/Security+/Exports/Malicious Link (T1204.001).md"],
	["controls T1204.001.md", "CyberSecurity/Security+/Controls/T1204.001 controls.md"],
];

describe("golden: the sample vault synced to ATT&CK 18.1", async () => {
	const vault = sampleVault();
	const { report } = await runSync(vault, model, { version: "18.1" });
	for (const [golden, file] of SYNCED) {
		it(golden, async () => {
			await expectGolden(await vault.read(file), path.join(EXPECTED, golden));
		});
	}
	it("the report names what changed and why", () => {
		const byPath = new Map(report.notes.map((n) => [n.path, n]));
		expect(byPath.get(`${ATTACK}/techniques/DLL Side-Loading.md`)?.action).toBe("updated");
		expect(byPath.get(`${ATTACK}/techniques/Match Legitimate Name or Location.md`)?.warnings?.[0]).toMatch(/renamed in ATT&CK: T1036.005 is now "Match Legitimate Resource Name or Location"/);
		expect(byPath.get("Detections/sigma/link_target_t1608_005.yml")?.action).toBe("unchanged");
	});
});

describe("golden: the sample vault synced to 18.1, knowing it was written from 15.1", async () => {
	const previous = loadBundle(readText(path.join(FIXTURES, "enterprise-attack-15.1-subset.json")), "enterprise-attack-15.1-subset.json");
	const vault = sampleVault();
	await runSync(vault, model, { version: "18.1", previous: [previous] });
	for (const [golden, file] of SYNCED.filter(([g]) => /mitigation|export|Phishing|renamed/.test(g))) {
		it(golden, async () => {
			await expectGolden(await vault.read(file), path.join(EXPECTED, "previous-15.1", golden));
		});
	}
});

describe("golden: notes sync creates", () => {
	it("a classic technique, tactic and mitigation in the sample vault's folders", async () => {
		const vault = sampleVault();
		const { report } = await runSync(vault, model, { createMissing: true, version: "18.1" });
		const created = report.notes.filter((n) => n.action === "created").map((n) => n.path);
		const file = `${ATTACK}/techniques/Credential Stuffing.md`;
		expect(created, created.join("\n")).toContain(file);
		await expectGolden(await vault.read(file), path.join(EXPECTED, "created classic Credential Stuffing.md"));
		const folders = new Set(created.map((p) => p.slice(0, p.lastIndexOf("/"))));
		for (const f of folders) expect(f.startsWith(ATTACK), f).toBe(true);
	});

	it("an empty vault gets the plugin's own layout under MITRE ATT&CK/Enterprise-Attack", async () => {
		const vault = new MemoryVault();
		await runSync(vault, model, { createMissing: true, version: "18.1" });
		const file = "MITRE ATT&CK/Enterprise-Attack/techniques/Malicious Link.md";
		await expectGolden(await vault.read(file), path.join(EXPECTED, "created empty-vault Malicious Link.md"));
		await expectGolden(await vault.read("MITRE ATT&CK/Enterprise-Attack/tactics/Execution.md"), path.join(EXPECTED, "created empty-vault tactic Execution.md"));
		await expectGolden(await vault.read("MITRE ATT&CK/Enterprise-Attack/mitigations/User Training.md"), path.join(EXPECTED, "created empty-vault mitigation User Training.md"));
	});

	it("a vault of export-layout notes gets export-layout notes named Name (ID)", async () => {
		const exported = readText(path.join(FIXTURES, "seeds/002_3d88cb3993d8c248.txt"));
		const vault = new MemoryVault({ "Exports/Malicious Link (T1204.001).md": exported });
		await runSync(vault, model, { createMissing: true, version: "18.1" });
		await expectGolden(await vault.read("Exports/User Execution (T1204).md"), path.join(EXPECTED, "created export User Execution (T1204).md"));
	});

	it("a group in a vault of export-layout notes gets its tables in the layout's plain form", async () => {
		const exported = readText(path.join(FIXTURES, "seeds/002_3d88cb3993d8c248.txt"));
		const vault = new MemoryVault({ "Exports/Malicious Link (T1204.001).md": exported });
		await runSync(vault, model, { createMissing: ["group"], version: "18.1" });
		await expectGolden(await vault.read("Exports/FIN7 (G0046).md"), path.join(EXPECTED, "created export FIN7 (G0046).md"));
	});
});
