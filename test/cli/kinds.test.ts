// `sync --create-missing --kinds`: an empty vault gets one note per active object of every kind,
// as many as `inspect --json` counts; a second sync writes nothing; every link lands on one note.
// Bad --kinds input is one clear sentence and changes nothing. Enterprise 18.1 needs ../shared.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli";
import { ENTERPRISE_FIXTURE, HAVE_SHARED, SHARED_STIX } from "../helpers/paths";
import { tempDir } from "../helpers/temp";

const BUNDLE = path.join(SHARED_STIX, "enterprise-attack-18.1.stix20.json");

function countByFolder(dir: string): Record<string, number> {
	const out: Record<string, number> = {};
	for (const name of readdirSync(dir)) out[name] = readdirSync(path.join(dir, name)).length;
	return out;
}

describe("sync --kinds: bad input", () => {
	it("names an unknown kind and the known ones, and writes nothing", async () => {
		const vault = tempDir("kinds-bad");
		const r = await runCli(["sync", "--vault", vault, "--bundle", ENTERPRISE_FIXTURE, "--create-missing", "--kinds", "technique,grups", "--offline"]);
		expect(r.code).toBe(2);
		expect(r.stderr).toContain('--kinds: "grups" is not a kind of ATT&CK note; use technique, subtechnique, tactic');
		expect(readdirSync(vault)).toEqual([]);
	});

	it("asks for --create-missing", async () => {
		const vault = tempDir("kinds-alone");
		const r = await runCli(["sync", "--vault", vault, "--bundle", ENTERPRISE_FIXTURE, "--kinds", "group", "--offline"]);
		expect(r.code).toBe(2);
		expect(r.stderr).toContain("add --create-missing");
		expect(readdirSync(vault)).toEqual([]);
	});
});

describe.skipIf(!HAVE_SHARED)("sync --create-missing --kinds all (Enterprise 18.1, empty vault)", () => {
	it("creates one note per active object of every kind; a resync writes nothing; no link is ambiguous", async () => {
		const vault = tempDir("kinds-all");
		const created = await runCli(["sync", "--vault", vault, "--bundle", BUNDLE, "--create-missing", "--kinds", "all", "--offline", "--json", "--no-backup"]);
		expect(created.stderr).toBe("");
		expect(created.code).toBe(0);
		const counts = (JSON.parse((await runCli(["inspect", "--bundle", BUNDLE, "--json"])).stdout) as { counts: Record<string, number> }).counts;
		const folders = countByFolder(path.join(vault, "MITRE ATT&CK", "Enterprise-Attack"));
		expect(folders).toEqual({
			techniques: counts.techniques + counts.subtechniques,
			tactics: counts.tactics,
			mitigations: counts.mitigations,
			groups: counts.groups,
			software: counts.software,
			campaigns: counts.campaigns,
			detectionstrategies: counts.detectionStrategies,
			analytics: counts.analytics,
			datacomponents: counts.dataComponents,
		});
		// A technique's procedure examples link their groups, software and campaigns; its detection strategies theirs.
		const t1059 = readFileSync(path.join(vault, "MITRE ATT&CK", "Enterprise-Attack", "techniques", "Command and Scripting Interpreter.md"), "utf8");
		expect(t1059).toMatch(/\n### Procedure Examples\n\n\| ID \| Name \| Use \|\n\| --- \| --- \| --- \|\n\| \[\[[^\]]+\\\|G\d{4}\]\] \| /);
		expect(t1059).toContain("| [[FIN7\\|G0046]] | FIN7 | ");
		expect(t1059).toContain("\n### Detection Strategies\n\n| ID | Name | Use |\n| --- | --- | --- |\n| [[Behavioral Detection of Command and Scripting Interpreter Abuse\\|DET0516]] | ");
		expect(t1059).not.toMatch(/^\| [GSC]\d{4} \|/m);
		const again = JSON.parse((await runCli(["sync", "--vault", vault, "--bundle", BUNDLE, "--offline", "--json", "--no-backup"])).stdout) as { summary: Record<string, number> };
		expect(again.summary).toMatchObject({ updated: 0, created: 0 });
		const links = JSON.parse((await runCli(["links", "--vault", vault, "--json"])).stdout) as { summary: Record<string, number> };
		expect(links.summary).toMatchObject({ ambiguous: 0, broken: 0 });
	}, 300_000);
});

describe.skipIf(!HAVE_SHARED)("one sync over Enterprise, Mobile and ICS (18.1) in one vault", () => {
	const bundles = ["enterprise-attack-18.1.stix20.json", "mobile-attack-18.1.stix20.json", "ics-attack-18.1.json"].flatMap((f) => ["--bundle", path.join(SHARED_STIX, f)]);

	it("keeps each domain's notes in its own folders, links each to its own domain's notes, and a resync writes nothing", async () => {
		const vault = tempDir("domains");
		const created = await runCli(["sync", "--vault", vault, ...bundles, "--create-missing", "--kinds", "all", "--offline", "--json", "--no-backup"]);
		expect(created.stderr).toBe("");
		const root = path.join(vault, "MITRE ATT&CK");
		expect(readdirSync(root).sort()).toEqual(["Enterprise-Attack", "ICS-Attack", "Mobile-Attack"]);
		for (const [domain, file] of [["Mobile-Attack", "mobile-attack-18.1.stix20.json"], ["ICS-Attack", "ics-attack-18.1.json"]]) {
			const counts = (JSON.parse((await runCli(["inspect", "--bundle", path.join(SHARED_STIX, file), "--json"])).stdout) as { counts: Record<string, number> }).counts;
			const folders = countByFolder(path.join(root, domain));
			expect(folders.techniques, domain).toBe(counts.techniques + counts.subtechniques);
			expect(folders.groups, domain).toBe(counts.groups);
			expect(folders.software, domain).toBe(counts.software);
			expect(folders.assets ?? 0, domain).toBe(counts.assets);
		}
		const again = JSON.parse((await runCli(["sync", "--vault", vault, ...bundles, "--offline", "--json", "--no-backup"])).stdout) as { summary: Record<string, number>; sharedIds: unknown[] };
		expect(again.summary).toMatchObject({ updated: 0, created: 0, skipped: 0 });
		// An ID two domains have (WannaCry in Enterprise and ICS) has one note per domain: not reported as shared.
		expect(again.sharedIds).toEqual([]);
		const links = JSON.parse((await runCli(["links", "--vault", vault, "--json"])).stdout) as { summary: Record<string, number> };
		expect(links.summary).toMatchObject({ ambiguous: 0, broken: 0, mismatch: 0 });
		// One domain's sync says in one line that the other domains' notes are not its own.
		const enterprise = await runCli(["sync", "--vault", vault, "--bundle", path.join(SHARED_STIX, "enterprise-attack-18.1.stix20.json"), "--offline", "--dry-run"]);
		const skipped = enterprise.stdout.split("\n").filter((l) => l.includes("skipped:"));
		expect(skipped).toHaveLength(1);
		expect(skipped[0]).toMatch(/skipped: \d+ notes are about objects not in enterprise-attack 18\.1/);
	}, 400_000);

	it("refuses two bundles of one domain, writing nothing", async () => {
		const vault = tempDir("domains-twice");
		const r = await runCli(["sync", "--vault", vault, "--bundle", ENTERPRISE_FIXTURE, "--bundle", ENTERPRISE_FIXTURE, "--offline"]);
		expect(r.code).toBe(2);
		expect(r.stderr).toContain("give one bundle per domain");
		expect(readdirSync(vault)).toEqual([]);
	});
});
