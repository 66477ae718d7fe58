// The commands of issue 13 that write into the vault, in the built main.js through the Obsidian
// stand-in: "Write what changed in ATT&CK for my notes" (the release imported before the current one
// against the current one) and "Write a Navigator layer of my ATT&CK notes".
import { copyFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
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
		expect(t.lastNotice()).toBe(`ATT&CK Sync: Wrote ${note}`);
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
		expect(t.lastNotice()).toMatch(/^ATT&CK Sync: no earlier Enterprise ATT&CK release is kept to compare with/);
		expect(t.writes.length).toBe(writes);
		expect(existsSync(path.join(t.root, ATTACK_FOLDER, "ATT&CK 17.1 to 18.1.md"))).toBe(false);
	});
});

describe("write-layer", () => {
	it("writes the layer in the ATT&CK folder, links opening this vault's notes; rewrites its own file, never another", async () => {
		const t = await pluginWith("enterprise-attack-18.1-subset.json");
		await t.run("write-layer");
		const file = `${ATTACK_FOLDER}/ATT&CK notes (enterprise-attack).layer.json`;
		expect(t.lastNotice()).toBe(`ATT&CK Sync: Wrote ${file}`);
		const layer = JSON.parse(readFileSync(path.join(t.root, file), "utf8")) as { versions: { layer: string }; techniques: Array<{ techniqueID: string; links: Array<{ url: string }> }> };
		expect(layer.versions.layer).toBe("4.5");
		expect(layer.techniques.find((x) => x.techniqueID === "T1566")?.links[0].url).toMatch(/^obsidian:\/\/open\?vault=vault&file=CyberSecurity%2F.*Phishing$/);
		const writes = t.writes.length;
		await t.run("write-layer");
		expect(t.writes.length).toBe(writes);
		// A new technique note: the command's own file is brought up to date in place.
		writeFileSync(path.join(t.root, "Credential Stuffing.md"), "---\nalias: T1110.004\n---\n\n## T1110.004\n\nMy notes.\n");
		await t.run("write-layer");
		expect(t.lastNotice()).toBe(`ATT&CK Sync: Wrote ${file}`);
		expect(readFileSync(path.join(t.root, file), "utf8")).toContain('"techniqueID": "T1110.004"');
		// A file of that name that is not this command's: left alone, the next name taken.
		writeFileSync(path.join(t.root, file), '{"mine": true}\n');
		await t.run("write-layer");
		expect(t.lastNotice()).toBe(`ATT&CK Sync: Wrote ${file.replace(".layer.json", " 2.layer.json")}`);
		expect(readFileSync(path.join(t.root, file), "utf8")).toBe('{"mine": true}\n');
	});
});
