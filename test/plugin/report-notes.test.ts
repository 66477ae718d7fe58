// The commands of issue 13 that write into the vault, in the built main.js through the Obsidian
// stand-in: "Write what changed in ATT&CK for my notes" (the release imported before the current one
// against the current one).
import { copyFileSync, existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { FIXTURES } from "../helpers/paths";
import { startPlugin } from "../helpers/plugin-harness";

const ATTACK_FOLDER = "CyberSecurity/Security+/1-Threats-Attacks-Vulnerabilities/Attacking-Frameworks/MITRE ATT&CK/Enterprise-Attack";

async function pluginWith(...bundles: string[]) {
	const t = await startPlugin();
	onTestFinished(t.dispose);
	for (const b of bundles) {
		copyFileSync(path.join(FIXTURES, b), path.join(t.root, b));
		await t.importFile(b);
	}
	return t;
}

describe("write-changes-note", () => {
	it("writes `ATT&CK 17.1 to 18.1.md` beside the technique notes' folder, with links to the notes, once", async () => {
		const t = await pluginWith("enterprise-attack-17.1-subset.json", "enterprise-attack-18.1-subset.json");
		await t.run("write-changes-note");
		const note = `${ATTACK_FOLDER}/ATT&CK 17.1 to 18.1.md`;
		expect(t.lastNotice()).toBe(`Wrote ${note}`);
		const text = readFileSync(path.join(t.root, note), "utf8");
		expect(text.startsWith("# ATT&CK 17.1 to 18.1\n")).toBe(true);
		expect(text).toMatch(/\n- \[\[CyberSecurity\/[^\]]*\|[^\]]*\(T\d{4}(\.\d{3})?\)\]\]\n/);
		const writes = t.writes.length;
		await t.run("write-changes-note");
		expect(t.writes.length).toBe(writes);
	});

	it("says what to do when no earlier release is kept, and writes nothing", async () => {
		const t = await pluginWith("enterprise-attack-18.1-subset.json");
		const writes = t.writes.length;
		await t.run("write-changes-note");
		expect(t.lastNotice()).toMatch(/^ATT&CK Sync: no earlier enterprise-attack release is kept to compare with/);
		expect(t.writes.length).toBe(writes);
		expect(existsSync(path.join(t.root, ATTACK_FOLDER, "ATT&CK 17.1 to 18.1.md"))).toBe(false);
	});
});
