// `npm run demo`: a short story of the sample vault synced to 18.1 (under 40 lines), with
// --verbose for every command's output.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../helpers/paths";
import { tempDir } from "../helpers/temp";

// dist/cli.js is built by the test run's global setup: the demo's own build is skipped.
function demo(...args: string[]) {
	return spawnSync(process.execPath, [path.join(ROOT, "scripts/demo.mjs"), "--no-build", "--dir", tempDir("demo"), ...args], { cwd: ROOT, encoding: "utf8" });
}

describe("npm run demo", () => {
	it("tells what it found, what it changed and where to look, in under 40 lines", () => {
		const r = demo();
		expect(r.status, r.stderr).toBe(0);
		expect(r.stderr).toBe("");
		const lines = r.stdout.trimEnd().split("\n");
		expect(lines.length).toBeLessThan(40);
		// Short lines, but for the ones naming the (here long, temporary) vault folder.
		for (const line of lines.filter((l) => !l.includes("/vault"))) expect(line.length, line).toBeLessThanOrEqual(120);
		expect(r.stdout).toMatch(/^1\. Links\. \d+ wiki-links name an ATT&CK ID: \d+ ok, \d+ broken/m);
		expect(r.stdout).toContain("~- [[…/[-Mobile-]{+Enterprise+}-Attack/tactics/Execution]] (TA0002)");
		expect(r.stdout).toMatch(/^3\. Sync\. \d{2} notes updated/m);
		expect(r.stdout).toContain("4. Again. A second sync writes nothing: 0 updated, 0 created.");
		expect(r.stdout).toMatch(/^5\. Missing notes\. `sync --create-missing` added \d+ notes/m);
		expect(r.stdout).toContain("Where to look:");
		// Each skipped note once, not once per command.
		expect(r.stdout).not.toContain("skipped: ");
	});

	it("shows every command and its whole output with --verbose", () => {
		const r = demo("--verbose");
		expect(r.status, r.stderr).toBe(0);
		expect(r.stdout.split("\n").length).toBeGreaterThan(200);
		expect(r.stdout).toContain("$ attack-sync sync --vault ");
		expect(r.stdout).toContain("--dry-run --diff");
		expect(r.stdout).toContain("Where to look:");
	});
});
