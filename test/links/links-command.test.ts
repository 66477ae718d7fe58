// `links` end to end: the judged links of the sample vault, the fix, and the promises (only the
// link's own characters change; a second run writes nothing; unreadable notes are never written).
import { spawnSync } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runLinks, type LinksReport } from "../../src/core/commands/links";
import { CLI, FIXTURES, HAVE_SHARED, SHARED } from "../helpers/paths";
import { MemoryVault } from "../helpers/memory-vault";
import { tempDir } from "../helpers/temp";
import { copyWritable } from "../helpers/sample-vault";

const ATTACK = "CyberSecurity/Security+/1-Threats-Attacks-Vulnerabilities/Attacking-Frameworks/MITRE ATT&CK";
const SEED_NOTE = `${ATTACK}/Enterprise-Attack/techniques/Malicious Link.md`;

function copyVault(from: string): string {
	const dir = path.join(tempDir("links"), "vault");
	copyWritable(from, dir);
	return dir;
}

function links(vault: string, ...flags: string[]): LinksReport {
	const r = spawnSync(process.execPath, [CLI, "links", "--vault", vault, "--json", ...flags], { encoding: "utf8" });
	expect(r.stderr).toBe("");
	expect(r.status).toBe(0);
	return JSON.parse(r.stdout) as LinksReport;
}

function checkSampleVault(source: string) {
	const vault = copyVault(source);
	const before = readFileSync(path.join(vault, SEED_NOTE), "utf8");
	const report = links(vault);
	const seedLinks = report.links.filter((l) => l.source === SEED_NOTE);
	const tactic = seedLinks.find((l) => l.expectedId === "TA0002");
	expect(tactic).toMatchObject({
		status: "mismatch",
		resolved: `${ATTACK}/Mobile-Attack/tactics/Execution.md`,
		resolvedId: "TA0041",
	});
	for (const id of ["M1031", "M1021", "M1017"]) {
		expect(seedLinks.find((l) => l.expectedId === id)).toMatchObject({ status: "broken", resolved: null, resolvedId: null });
	}
	// Every entry has the fields the issue asks for.
	for (const l of report.links) {
		expect(Object.keys(l)).toEqual(expect.arrayContaining(["source", "raw", "expectedId", "resolved", "resolvedId", "status"]));
		expect(l.source).not.toContain("\\");
	}
	// Without --fix nothing is written.
	expect(readFileSync(path.join(vault, SEED_NOTE), "utf8")).toBe(before);

	const fixed = links(vault, "--fix");
	expect(fixed.summary.fixed).toBe(4);
	expect(fixed.summary.notesChanged).toEqual([SEED_NOTE]);
	const after = readFileSync(path.join(vault, SEED_NOTE), "utf8");
	// Only the links' paths changed: Mobile-Attack became Enterprise-Attack, in the absolute style.
	expect(after).toBe(before.replaceAll(`${ATTACK}/Mobile-Attack/`, `${ATTACK}/Enterprise-Attack/`));
	const again = links(vault);
	const seedAgain = again.links.filter((l) => l.source === SEED_NOTE && ["TA0002", "M1031", "M1021", "M1017"].includes(l.expectedId ?? ""));
	expect(seedAgain).toHaveLength(4);
	for (const l of seedAgain) {
		expect(l.status).toBe("ok");
		expect(l.resolved?.startsWith(`${ATTACK}/Enterprise-Attack/`)).toBe(true);
		expect(l.raw).toContain(`[[${ATTACK}/Enterprise-Attack/`);
	}

	// A second --fix writes nothing: same bytes, same modification times.
	const mtime = statSync(path.join(vault, SEED_NOTE)).mtimeMs;
	const second = links(vault, "--fix");
	expect(second.summary.fixed).toBe(0);
	expect(second.summary.notesChanged).toEqual([]);
	expect(statSync(path.join(vault, SEED_NOTE)).mtimeMs).toBe(mtime);
	return { report, vault };
}

describe("links on the sample vault", () => {
	it("finds the seed note's wrong tactic and mitigation links and fixes them (committed copy)", () => {
		const { report } = checkSampleVault(path.join(FIXTURES, "sample-vault"));
		expect(report.summary.linkStyle).toBe("absolute");
		expect(report.summary.sharedIds).toContainEqual(expect.objectContaining({ id: "T1204.001" }));
	});

	it.skipIf(!HAVE_SHARED)("does the same on ../shared/sample-vault", () => {
		checkSampleVault(path.join(SHARED, "sample-vault"));
	});

	it("leaves a link that claims no ID but lands on an ATT&CK note listed as ok", () => {
		const report = links(copyVault(path.join(FIXTURES, "sample-vault")));
		const spraying = report.links.find((l) => l.raw === "[[Password Spraying]]");
		expect(spraying).toMatchObject({ expectedId: null, resolvedId: "T1110.003", status: "ok" });
	});
});

const tactic = (id: string) => `---\nalias: ${id}\n---\n\n## ${id}\n\nThe adversary is trying to run malicious code.\n`;

describe("links on an in-memory vault", () => {
	it("keeps CRLF line endings and a BOM; only the link's path changes", async () => {
		const note = "\ufeff---\r\nalias: T1204.001\r\n---\r\n\r\n## T1204.001\r\n\r\n### Tactic\r\n- [[Mobile/tactics/Execution]] (TA0002)\r\n\r\nMy own words.\r\n";
		const vault = new MemoryVault({
			"T/Malicious Link.md": note,
			"Enterprise/tactics/Execution.md": tactic("TA0002"),
			"Mobile/tactics/Execution.md": tactic("TA0041"),
		});
		const report = await runLinks(vault, { fix: true });
		expect(report.summary.fixed).toBe(1);
		const after = vault.files.get("T/Malicious Link.md");
		// Shortest style (no app.json): the basename is shared, so the full path is written.
		expect(after).toBe(note.replace("[[Mobile/tactics/Execution]]", "[[Enterprise/tactics/Execution]]"));
		vault.writes = [];
		await runLinks(vault, { fix: true });
		expect(vault.writes).toEqual([]);
	});

	it("reports a link whose path names several notes as ambiguous and fixes it to the one with the ID", async () => {
		const vault = new MemoryVault(
			{
				"Notes/Study.md": "Execution: [[Execution]] (TA0002)\n",
				"Enterprise/tactics/Execution.md": tactic("TA0002"),
				"Mobile/tactics/Execution.md": tactic("TA0041"),
			},
			{ "app.json": '{"newLinkFormat": "relative"}' },
		);
		const report = await runLinks(vault, { fix: true });
		const link = report.links.find((l) => l.source === "Notes/Study.md");
		expect(link?.status).toBe("ambiguous");
		expect(link?.candidates?.sort()).toEqual(["Enterprise/tactics/Execution.md", "Mobile/tactics/Execution.md"]);
		expect(vault.files.get("Notes/Study.md")).toBe("Execution: [[../Enterprise/tactics/Execution]] (TA0002)\n");
	});

	it("judges the shown text `|M1031`, `|Phishing (T1566)` and `[TA0002]` after the link", async () => {
		const vault = new MemoryVault({
			"Study.md": "| [[Gone\\|M1031]] | x |\n|---|---|\n\n[[Phishing note|Phishing (T1566)]] and [[Phishing note]] [TA0001]\n",
			"Phishing note.md": "---\naliases: [T1566]\n---\n## T1566\n",
			"NIPS.md": "---\nalias: M1031\n---\n## M1031\n",
		});
		const report = await runLinks(vault, { fix: false });
		const byRaw = Object.fromEntries(report.links.map((l) => [l.raw, l]));
		expect(byRaw["[[Gone\\|M1031]]"]).toMatchObject({ expectedId: "M1031", status: "broken", proposed: "[[NIPS\\|M1031]]" });
		expect(byRaw["[[Phishing note|Phishing (T1566)]]"]).toMatchObject({ expectedId: "T1566", status: "ok" });
		expect(byRaw["[[Phishing note]]"]).toMatchObject({ expectedId: "TA0001", status: "mismatch", resolvedId: "T1566" });
		expect(byRaw["[[Phishing note]]"].problem).toMatch(/no note in the vault is about TA0001/);
		expect(vault.writes).toEqual([]);
	});

	it("ignores links inside code", async () => {
		const vault = new MemoryVault({ "Study.md": "```\n[[Gone|M1031]]\n```\n\n`[[Gone|M1017]]`\n", "NIPS.md": "---\nalias: M1031\n---\n" });
		const report = await runLinks(vault, { fix: true });
		expect(report.links).toEqual([]);
		expect(vault.writes).toEqual([]);
	});

	it("skips notes it cannot read, with a reason, and never writes them", async () => {
		const broken = "[[Gone|M1031]]";
		const files: Record<string, string | Uint8Array> = {
			"bad-yaml.md": `---\nalias: [T1204\n---\n${broken}\n`,
			"js.md": `---js\nmodule.exports = { alias: "T1204" }\n---\n${broken}\n`,
			"binary.md": new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d, 0x5b, 0x5b]),
			"empty.md": "",
			"NIPS.md": "---\nalias: M1031\n---\n",
			"ok.md": `${broken}\n`,
		};
		const vault = new MemoryVault(files);
		const report = await runLinks(vault, { fix: true });
		const reasons = Object.fromEntries(report.summary.skipped.map((s) => [s.path, s.reason]));
		expect(reasons["bad-yaml.md"]).toMatch(/line \d/);
		expect(reasons["js.md"]).toMatch(/never executed/);
		expect(reasons["binary.md"]).toMatch(/binary/);
		expect(reasons["empty.md"]).toMatch(/empty/);
		expect(vault.writes).toEqual(["ok.md"]);
		for (const name of ["bad-yaml.md", "js.md", "binary.md", "empty.md"]) expect(vault.files.get(name)).toBe(files[name]);
	});

	it("does not write a note that changed after it was read", async () => {
		const vault = new MemoryVault({ "ok.md": "[[Gone|M1031]]\n", "NIPS.md": "---\nalias: M1031\n---\n" });
		const process = vault.process.bind(vault);
		vault.process = (p, update) => {
			vault.files.set(p, "[[Gone|M1031]]\nA line typed meanwhile.\n");
			return process(p, update);
		};
		const report = await runLinks(vault, { fix: true });
		expect(report.summary.fixed).toBe(0);
		expect(report.summary.skipped).toContainEqual({ path: "ok.md", reason: expect.stringMatching(/changed while/) as unknown });
		expect(vault.files.get("ok.md")).toBe("[[Gone|M1031]]\nA line typed meanwhile.\n");
	});

	it("says which notes share an ID and does not guess a fix between two ATT&CK notes", async () => {
		const vault = new MemoryVault({
			"A/Malicious Link.md": "---\nalias: T1204.001\n---\n## T1204.001\n",
			"B/Malicious Link.md": "---\nalias: T1204.001\n---\n## T1204.001\n",
			"Study.md": "[[Gone|T1204.001]]\n",
		});
		const report = await runLinks(vault, { fix: true });
		expect(report.summary.sharedIds).toEqual([{ id: "T1204.001", notes: ["A/Malicious Link.md", "B/Malicious Link.md"] }]);
		expect(report.links[0].problem).toMatch(/several notes are about T1204.001/);
		expect(vault.writes).toEqual([]);
	});
});

describe("links usage", () => {
	it("exits 1 for a vault folder that does not exist and 2 without --vault", () => {
		const missing = spawnSync(process.execPath, [CLI, "links", "--vault", "/nonexistent/vault"], { encoding: "utf8" });
		expect(missing.status).toBe(1);
		expect(missing.stderr).toMatch(/no such folder/);
		expect(spawnSync(process.execPath, [CLI, "links"], { encoding: "utf8" }).status).toBe(2);
	});
});
