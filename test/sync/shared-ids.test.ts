// Several notes claiming one ID (issue item 6): Obsidian's "Make a copy" gives `Phishing 1.md`
// with the same alias, which sorted first and took over every link sync wrote; a note listing many
// IDs in its aliases did the same. Now sync reports each shared ID once, writes new links to the
// note a user would expect, and never moves a link that already lands on a note claiming its ID.
import { spawnSync } from "node:child_process";
import { copyFileSync, cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadBundle } from "../../src/core/attack/model";
import { runLinks } from "../../src/core/commands/links";
import { formatSync, runSync, type SyncReport } from "../../src/core/commands/sync";
import { MemoryVault } from "../helpers/memory-vault";
import { CLI, ENTERPRISE_FIXTURE, FIXTURES, readText } from "../helpers/paths";
import { sampleVault } from "../helpers/sample-vault";

const model = loadBundle(readText(ENTERPRISE_FIXTURE), "enterprise-attack-18.1-subset.json");
const ATTACK = "CyberSecurity/Security+/1-Threats-Attacks-Vulnerabilities/Attacking-Frameworks/MITRE ATT&CK/Enterprise-Attack";
const PHISHING = `${ATTACK}/techniques/Phishing.md`;
const COPY = `${ATTACK}/techniques/Phishing 1.md`;
const USER_EXECUTION = `${ATTACK}/techniques/User Execution.md`;

/** Every wiki-link in the vault whose path ends in `name` (`.../Phishing 1|`, `...\|`, `]]`). */
function linksTo(vault: MemoryVault, name: string): string[] {
	const out: string[] = [];
	for (const [file, text] of vault.files) {
		if (typeof text !== "string") continue;
		for (const m of text.matchAll(/\[\[([^\]|\\]+)(?:\\?\|[^\]]*)?\]\]/g)) if (m[1].endsWith(name)) out.push(`${file}: ${m[0]}`);
	}
	return out;
}

const tmp: string[] = [];
afterAll(() => {
	for (const d of tmp) rmSync(d, { recursive: true, force: true });
});

describe("a copied note (Phishing 1.md, same alias)", () => {
	it("sync writes no link to the copy and reports the shared ID once", async () => {
		const vault = sampleVault();
		vault.files.set(COPY, vault.files.get(PHISHING) as string);
		const { report } = await runSync(vault, model, { version: "18.1" });
		// User Execution's description names Phishing: its new link goes to the original.
		expect(await vault.read(USER_EXECUTION)).toContain(`[[${PHISHING.replace(/\.md$/, "")}|Phishing]]`);
		expect(linksTo(vault, "Phishing 1")).toEqual([]);
		expect(report.sharedIds.filter((s) => s.id === "T1566")).toEqual([{ id: "T1566", notes: [COPY, PHISHING], linksTo: PHISHING }]);
		expect(formatSync(report)).toContain(`note: 2 notes claim T1566: ${COPY}, ${PHISHING}; links sync writes go to ${PHISHING}`);
	});

	it("sync --json has the shared IDs at the top level, and the text output names them", () => {
		const dir = path.join(mkdtempSync(path.join(tmpdir(), "attack-sync-shared-")), "vault");
		tmp.push(path.dirname(dir));
		cpSync(path.join(FIXTURES, "sample-vault"), dir, { recursive: true });
		copyFileSync(path.join(dir, PHISHING), path.join(dir, COPY));
		const text = spawnSync(process.execPath, [CLI, "sync", "--vault", dir, "--bundle", ENTERPRISE_FIXTURE, "--dry-run"], { encoding: "utf8" });
		expect(text.status).toBe(0);
		expect(text.stdout.split("\n").filter((l) => l.includes("notes claim T1566"))).toHaveLength(1);
		const json = spawnSync(process.execPath, [CLI, "sync", "--vault", dir, "--bundle", ENTERPRISE_FIXTURE, "--json"], { encoding: "utf8" });
		expect(json.status).toBe(0);
		const report = JSON.parse(json.stdout) as SyncReport;
		expect(report.sharedIds).toContainEqual({ id: "T1566", notes: [COPY, PHISHING], linksTo: PHISHING });
		expect(readText(path.join(dir, USER_EXECUTION))).not.toContain("Phishing 1");
	});

	it("links --fix leaves links that land on either note, and fixes a broken one to the original", async () => {
		const vault = sampleVault();
		vault.files.set(COPY, vault.files.get(PHISHING) as string);
		const study = "[[Phishing|T1566]] [[Phishing 1|T1566]] [[Gone|T1566]]\n";
		vault.files.set("Study.md", study);
		const report = await runLinks(vault, { fix: true });
		const mine = report.links.filter((l) => l.source === "Study.md");
		expect(mine.map((l) => l.status)).toEqual(["ok", "ok", "broken"]);
		expect(await vault.read("Study.md")).toBe(study.replace("[[Gone|T1566]]", `[[${PHISHING.replace(/\.md$/, "")}|T1566]]`));
		expect(report.summary.sharedIds).toContainEqual({ id: "T1566", notes: [COPY, PHISHING] });
	});
});

describe("a link that already lands on a note claiming its ID", () => {
	it("is not moved by sync to another note about the ID", async () => {
		const vault = sampleVault();
		await runSync(vault, model, { version: "18.1" });
		const linked = await vault.read(USER_EXECUTION);
		expect(linked).toContain(`[[${PHISHING.replace(/\.md$/, "")}|Phishing]]`);
		// A second note about T1566 that sorts first and has the shortest path: the link stays.
		vault.files.set("A/Phishing.md", vault.files.get(PHISHING) as string);
		const { report } = await runSync(vault, model, { version: "18.1" });
		expect(await vault.read(USER_EXECUTION)).toBe(linked);
		expect(report.sharedIds).toContainEqual({ id: "T1566", notes: ["A/Phishing.md", PHISHING], linksTo: "A/Phishing.md" });
	});
});

describe("a note whose aliases list many IDs", () => {
	const index = "---\naliases: [T1566, T1059, T1078, T1110]\n---\nMy study list.\n";

	it("is not the note sync links to, and is not synced as the note about its first ID", async () => {
		const vault = sampleVault();
		vault.files.set("AAA index.md", index);
		const { report } = await runSync(vault, model, { version: "18.1" });
		expect(linksTo(vault, "AAA index")).toEqual([]);
		expect(await vault.read(USER_EXECUTION)).toContain(`[[${PHISHING.replace(/\.md$/, "")}|Phishing]]`);
		expect(await vault.read("AAA index.md")).toBe(index);
		expect(report.sharedIds.find((s) => s.id === "T1566")?.linksTo).toBe(PHISHING);
	});

	it("is not where links --fix points a broken link; a link landing on it is left alone", async () => {
		const vault = new MemoryVault({
			"AAA index.md": index,
			"Phishing.md": "---\nalias: T1566\n---\n## T1566\n",
			"Study.md": "[[Gone|T1566]] [[AAA index|T1059]]\n",
		});
		const report = await runLinks(vault, { fix: true });
		expect(report.links.map((l) => l.status)).toEqual(["broken", "ok"]);
		expect(await vault.read("Study.md")).toBe("[[Phishing|T1566]] [[AAA index|T1059]]\n");
	});
});
