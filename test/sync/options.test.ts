// The options the plugin's settings map to: which sections sync manages, the link style, where new
// notes go, which kinds of missing notes to create, and syncing one note only.
import { describe, expect, it } from "vitest";
import { loadBundle } from "../../src/core/attack/model";
import { runSync } from "../../src/core/commands/sync";
import { ENTERPRISE_FIXTURE, readText } from "../helpers/paths";
import { sampleVault } from "../helpers/sample-vault";

const model = loadBundle(readText(ENTERPRISE_FIXTURE), "enterprise-attack-18.1-subset.json");
const ATTACK = "CyberSecurity/Security+/1-Threats-Attacks-Vulnerabilities/Attacking-Frameworks/MITRE ATT&CK/Enterprise-Attack";
const SEED = `${ATTACK}/techniques/Malicious Link.md`;

describe("sync options", () => {
	it("sections left to the user are not touched", async () => {
		const vault = sampleVault();
		const before = await vault.read(SEED);
		await runSync(vault, model, { version: "18.1", sections: ["description", "platforms"] });
		const after = await vault.read(SEED);
		// The tactic link and the mitigation table (both wrong before) stay as the user has them.
		expect(after).toContain("Mobile-Attack/tactics/Execution]] (TA0002)");
		expect(after.slice(after.indexOf("### Mitigations"))).toBe(before.slice(before.indexOf("### Mitigations")));
		expect(after).toContain("attack_version");
	});

	it("the link style can override the vault's", async () => {
		const vault = sampleVault();
		await runSync(vault, model, { version: "18.1", linkStyle: "shortest" });
		const text = await vault.read(SEED);
		// A unique name is written alone; "Execution" names a Mobile note too, so its path is written in full, as Obsidian does.
		expect(text).toContain("follow-on behavior from [[Spearphishing Link]].");
		expect(text).toContain(`- [[${ATTACK}/tactics/Execution]] (TA0002)`);
	});

	it("new notes go to the chosen folder; only the chosen kinds are created", async () => {
		const vault = sampleVault();
		const { report } = await runSync(vault, model, { version: "18.1", createMissing: ["tactic", "mitigation"], folder: "ATT&CK" });
		const created = report.notes.filter((n) => n.action === "created").map((n) => n.path);
		expect(created.length).toBeGreaterThan(0);
		for (const p of created) expect(p).toMatch(/^ATT&CK\/(tactics|mitigations)\//);
	});

	it("only: syncs the one note asked for", async () => {
		const vault = sampleVault();
		const { report } = await runSync(vault, model, { version: "18.1", only: new Set([SEED]), createMissing: true });
		expect(report.notes.map((n) => n.path)).toEqual([SEED]);
		expect(vault.writes).toEqual([SEED]);
	});
});
