// `sync --create-missing --kinds`: an empty vault gets one note per active object of every kind,
// as many as `inspect --json` counts; a second sync writes nothing; every link lands on one note.
// Bad --kinds input is one clear sentence and changes nothing. Enterprise 18.1 needs ../shared.
import { readdirSync } from "node:fs";
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
		const again = JSON.parse((await runCli(["sync", "--vault", vault, "--bundle", BUNDLE, "--offline", "--json", "--no-backup"])).stdout) as { summary: Record<string, number> };
		expect(again.summary).toMatchObject({ updated: 0, created: 0 });
		const links = JSON.parse((await runCli(["links", "--vault", vault, "--json"])).stdout) as { summary: Record<string, number> };
		expect(links.summary).toMatchObject({ ambiguous: 0, broken: 0 });
	}, 300_000);
});
