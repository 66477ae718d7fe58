// The built CLI, run as users run it: `node dist/cli.js inspect --bundle FILE [--json]`.
import { spawnSync } from "node:child_process";
import { copyFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CLI, ENTERPRISE_FIXTURE, HAVE_SHARED, MOBILE_FIXTURE, SHARED_STIX } from "../helpers/paths";
import { ENTERPRISE_18_1_COUNTS } from "../helpers/expected";
import { tempDir } from "../helpers/temp";

function cli(...args: string[]) {
	const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8" });
	return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("inspect", () => {
	it("prints the bundle's domain, versions and counts as JSON", () => {
		const r = cli("inspect", "--bundle", MOBILE_FIXTURE, "--json");
		expect(r.code).toBe(0);
		const report = JSON.parse(r.stdout) as Record<string, unknown>;
		expect(report).toMatchObject({ domain: "mobile-attack", specVersion: "2.1", attackVersion: "17.1", attackVersionFrom: "bundle" });
		expect(Object.keys(report.counts as object)).toEqual([
			"techniques",
			"subtechniques",
			"tactics",
			"mitigations",
			"groups",
			"software",
			"campaigns",
			"detectionStrategies",
			"analytics",
			"dataComponents",
			"dataSources",
			"assets",
			"revokedTechniques",
			"deprecatedTechniques",
		]);
	});

	it("prints a readable summary without --json", () => {
		const r = cli("inspect", "--bundle", ENTERPRISE_FIXTURE);
		expect(r.code).toBe(0);
		expect(r.stdout).toContain("domain enterprise-attack, STIX 2.0, ATT&CK 18.1 (from the file name)");
		expect(r.stdout).toMatch(/Sub-techniques\s+21/);
	});

	it("takes the release from the file name when the bundle does not state it, and says so", () => {
		const renamed = path.join(tempDir("inspect"), "attack.json");
		copyFileSync(ENTERPRISE_FIXTURE, renamed);
		const r = cli("inspect", "--bundle", renamed, "--json");
		expect(JSON.parse(r.stdout)).toMatchObject({ attackVersion: null, attackVersionFrom: null });
		expect(cli("inspect", "--bundle", renamed).stdout).toContain("ATT&CK release stated neither in the bundle nor in its file name");
		expect(JSON.parse(cli("inspect", "--bundle", ENTERPRISE_FIXTURE, "--json").stdout)).toMatchObject({ attackVersion: "18.1", attackVersionFrom: "file name" });
	});

	it.skipIf(!HAVE_SHARED)("gives Enterprise 18.1 the README's counts", () => {
		const r = cli("inspect", "--bundle", path.join(SHARED_STIX, "enterprise-attack-18.1.stix20.json"), "--json");
		expect(r.code).toBe(0);
		expect(JSON.parse(r.stdout)).toEqual({
			domain: "enterprise-attack",
			specVersion: "2.0",
			// STIX 2.0 states no release; the file name does.
			attackVersion: "18.1",
			attackVersionFrom: "file name",
			counts: ENTERPRISE_18_1_COUNTS,
		});
	});

	it("exits 1 with one line on stderr for a bad bundle, and no stack trace", () => {
		const dir = tempDir("inspect");
		const truncated = path.join(dir, "truncated.json");
		writeFileSync(truncated, '{"type": "bundle", "objects": [{"type": "attack-pat');
		const empty = path.join(dir, "empty.json");
		writeFileSync(empty, "");
		const notStix = path.join(dir, "index.json");
		writeFileSync(notStix, '{"collections": []}');
		for (const [file, why] of [
			[truncated, "not valid JSON"],
			[empty, "the file is empty"],
			[notStix, "not a STIX bundle"],
			[path.join(dir, "missing.json"), "no such file"],
			[dir, "is a folder"],
		]) {
			const r = cli("inspect", "--bundle", file);
			expect(r.code, file).toBe(1);
			expect(r.stdout).toBe("");
			expect(r.stderr).toContain(file);
			expect(r.stderr).toContain(why);
			expect(r.stderr.trim().split("\n")).toHaveLength(1);
			expect(r.stderr).not.toMatch(/\bat .*\.js:\d+/);
		}
	});

	it("exits 2 on a usage error", () => {
		expect(cli("inspect").code).toBe(2);
		expect(cli("inspect", "--bundle").code).toBe(2);
		expect(cli("inspect", "--bundel", "x").code).toBe(2);
		expect(cli("frobnicate").code).toBe(2);
		expect(cli().code).toBe(2);
		expect(cli("help").code).toBe(0);
	});
});
