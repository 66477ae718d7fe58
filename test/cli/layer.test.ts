// `layer` as users run it: `node dist/cli.js layer --vault DIR --out FILE [--domain D]
// [--score-by PROPERTY|tag:TAG] [--bundle FILE]` on the committed sample vault, and `readLayer`,
// the core's reader of layer files for the matrix view's overlay.
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readLayer, type NavigatorLayer } from "../../src/core/commands/layer";
import { idKind, subjectId } from "../../src/core/notes/recognize";
import { buildVaultIndex } from "../../src/core/vault-index";
import { runCli } from "../helpers/cli";
import { ENTERPRISE_FIXTURE, FIXTURES } from "../helpers/paths";
import { sampleVault } from "../helpers/sample-vault";
import { tempDir } from "../helpers/temp";

const VAULT = path.join(FIXTURES, "sample-vault");

/** The technique and sub-technique IDs the sample vault's notes are about (Sigma rules aside). */
async function techniqueNoteIds(): Promise<string[]> {
	const index = await buildVaultIndex(sampleVault());
	const ids = new Set<string>();
	for (const note of index.notes.values()) {
		const id = note.recognized.layout === "sigma" ? null : subjectId(note.recognized);
		if (id !== null && (idKind(id) === "technique" || idKind(id) === "subtechnique")) ids.add(id);
	}
	return [...ids].sort();
}

async function layer(...extra: string[]): Promise<{ layer: NavigatorLayer; text: string; dir: string }> {
	const dir = tempDir("layer");
	const out = path.join(dir, "coverage.json");
	const r = await runCli(["layer", "--vault", VAULT, "--out", out, ...extra]);
	expect(r.stderr).toBe("");
	expect(r.code).toBe(0);
	expect(r.stdout).toMatch(/^wrote .*coverage\.json: \d+ techniques from \d+ notes\n$/);
	// Only the layer: no temporary file left beside it.
	expect(readdirSync(dir)).toEqual(["coverage.json"]);
	const text = readFileSync(out, "utf8");
	return { layer: JSON.parse(text) as NavigatorLayer, text, dir };
}

describe("layer", () => {
	it("writes a format 4.5 layer with one technique entry per technique the vault has a note about", async () => {
		const { layer: l, text } = await layer();
		expect(Object.keys(l)).toEqual(["name", "versions", "domain", "description", "techniques", "gradient", "legendItems", "layout"]);
		expect(l.versions).toEqual({ navigator: expect.stringMatching(/^\d+\.\d+\.\d+$/) as unknown, layer: "4.5" });
		expect(l.domain).toBe("enterprise-attack");
		expect(l.techniques.map((t) => t.techniqueID)).toEqual(await techniqueNoteIds());
		for (const t of l.techniques) {
			expect(Object.keys(t)).toEqual(["techniqueID", "score", "comment", "enabled", "links", "showSubtechniques"]);
			expect(t.score).toBe(1);
			expect(t.enabled).toBe(true);
			for (const link of t.links ?? []) expect(link.url).toMatch(/^obsidian:\/\/open\?vault=sample-vault&file=CyberSecurity%2F/);
		}
		// Three notes are about T1204.001 (classic, export, controls): one entry, three links.
		expect(l.techniques.find((t) => t.techniqueID === "T1204.001")?.links).toHaveLength(3);
		const link = l.techniques.find((t) => t.techniqueID === "T1566")?.links?.[0];
		expect(decodeURIComponent(link?.url.split("&file=")[1] ?? "")).toBe("CyberSecurity/Security+/1-Threats-Attacks-Vulnerabilities/Attacking-Frameworks/MITRE ATT&CK/Enterprise-Attack/techniques/Phishing");
		// Sub-techniques in the layer: their parent entry shows them.
		expect(l.techniques.find((t) => t.techniqueID === "T1110")?.showSubtechniques).toBe(true);
		expect(l.gradient).toEqual({ colors: [expect.any(String), expect.any(String)] as unknown, minValue: 0, maxValue: 1 });
		expect(l.legendItems).toHaveLength(1);
		// The core's reader takes it back as it is (the view settings aside).
		expect(readLayer(text, "coverage.json")).toEqual({ ...l, layout: undefined });
	});

	it("scores by a frontmatter property or a tag (nested tags count), with a legend", async () => {
		const byStatus = (await layer("--score-by", "status")).layer;
		const phishing = byStatus.techniques.find((t) => t.techniqueID === "T1566");
		expect(phishing).toMatchObject({ score: 1, comment: expect.stringContaining("(status: reviewed)") as unknown });
		expect(phishing?.color).toMatch(/^#[0-9a-f]{6}$/);
		expect(byStatus.techniques.find((t) => t.techniqueID === "T1110")).toMatchObject({ score: 0, comment: expect.stringContaining("(no status)") as unknown });
		expect(byStatus.legendItems?.map((i) => i.label)).toEqual(["status: reviewed", "no status"]);

		const byTag = (await layer("--score-by", "tag:secplus")).layer;
		expect(byTag.techniques.filter((t) => t.score === 1).map((t) => t.techniqueID)).toEqual(["T1566"]);
		expect(byTag.legendItems?.map((i) => i.label)).toEqual(["#secplus", "no #secplus"]);
	});

	it("with --bundle: names, the ATT&CK release, and revoked techniques disabled", async () => {
		const { layer: l } = await layer("--bundle", ENTERPRISE_FIXTURE);
		expect(l.versions?.attack).toBe("18");
		const sideLoading = l.techniques.find((t) => t.techniqueID === "T1574.002");
		expect(sideLoading?.enabled).toBe(false);
		expect(sideLoading?.comment).toMatch(/^DLL Side-Loading: note .*\(revoked in ATT&CK by DLL \(T1574\.001\)\)$/);
	});

	it("refuses a folder as --out (exit 1) and an unknown domain (exit 2), writing nothing", async () => {
		const dir = tempDir("layer-bad");
		const folder = path.join(dir, "out");
		mkdirSync(folder);
		const r = await runCli(["layer", "--vault", VAULT, "--out", folder]);
		expect(r.code).toBe(1);
		expect(r.stderr).toMatch(/^attack-sync: .*out: is a folder; --out takes the layer file's name\.\n$/);
		const d = await runCli(["layer", "--vault", VAULT, "--out", path.join(dir, "x.json"), "--domain", "pre-attack"]);
		expect(d.code).toBe(2);
		expect(readdirSync(dir)).toEqual(["out"]);
		expect(readdirSync(folder)).toEqual([]);
	});
});

describe("readLayer", () => {
	const base = { name: "SOC coverage", versions: { attack: "18", navigator: "5.1.0", layer: "4.5" }, domain: "enterprise-attack", techniques: [{ techniqueID: "T1110", score: 3, links: [{ divider: true }, { label: "runbook", url: "https://x" }] }] };
	const read = (value: unknown) => readLayer(typeof value === "string" ? value : JSON.stringify(value), "soc.json");

	it("reads a layer, or a list holding one, with links (dividers left out)", () => {
		const l = read(base);
		expect(l.techniques).toEqual([{ techniqueID: "T1110", score: 3, enabled: true, links: [{ label: "runbook", url: "https://x" }] }]);
		expect(read([base])).toEqual(l);
	});

	it.each([
		["", /the file is empty/],
		['{"name": "x", "techn', /not valid JSON/],
		[[base, base], /holds 2 layers, not one/],
		[{ ...base, domain: "pre-attack" }, /"domain" is "pre-attack", not one of enterprise-attack, mobile-attack, ics-attack/],
		[{ name: "old", version: "3.0", domain: "enterprise-attack" }, /an old layer format \(version "3\.0"\).*Navigator 4\.9 or later/],
		[{ ...base, versions: { layer: "5.0" } }, /layer format is 5\.0, not 4\.x/],
		[{ ...base, techniques: [{ techniqueID: "1110" }] }, /technique 1 of 1 has "techniqueID" "1110", not an ID like T1110/],
		[{ ...base, techniques: [{ techniqueID: "T1110", score: "high" }] }, /T1110 \(technique 1 of 1\) has "score" of the wrong type \(expected a number\)/],
		[{ ...base, gradient: { colors: ["#fff"], minValue: 0, maxValue: 1 } }, /"gradient" is not two or more colours/],
	])("refuses %j in one paragraph naming the file", (input, message) => {
		let error: unknown;
		try {
			read(input);
		} catch (err) {
			error = err;
		}
		expect((error as Error).message).toMatch(/^soc\.json is not an ATT&CK Navigator layer this plugin can read: /);
		expect((error as Error).message).toMatch(message);
		expect((error as Error).message).not.toContain("\n");
	});

	it("is what the CLI wrote, for a layer file in a folder", () => {
		const dir = tempDir("layer-read");
		const file = path.join(dir, "l.json");
		writeFileSync(file, JSON.stringify(base));
		expect(readLayer(readFileSync(file, "utf8"), file).name).toBe("SOC coverage");
	});
});
