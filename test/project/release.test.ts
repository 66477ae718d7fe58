// Releases: `npm run version -- X.Y.Z` keeps package.json, package-lock.json, manifest.json and
// versions.json in step.
import { spawnSync } from "node:child_process";
import { copyFileSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../helpers/paths";
import { tempDir } from "../helpers/temp";

const VERSION_FILES = ["package.json", "package-lock.json", "manifest.json", "versions.json"];
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

function json(file: string): Record<string, unknown> {
	return JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
}

/** A copy of the four files that hold the version. */
function copyVersionFiles(): string {
	const dir = tempDir("version");
	for (const f of VERSION_FILES) copyFileSync(path.join(ROOT, f), path.join(dir, f));
	return dir;
}

describe("npm run version -- X.Y.Z", () => {
	it("puts the version in package.json, package-lock.json and manifest.json, and maps it in versions.json", () => {
		const dir = copyVersionFiles();
		const before = Object.fromEntries(VERSION_FILES.map((f) => [f, json(path.join(dir, f))]));
		const r = spawnSync(npm, ["run", "--silent", "version", "--", "0.2.0", "--root", dir], { cwd: ROOT, encoding: "utf8" });
		expect(r.status, r.stderr).toBe(0);
		const manifest = json(path.join(dir, "manifest.json"));
		expect(manifest).toEqual({ ...before["manifest.json"], version: "0.2.0" });
		expect(json(path.join(dir, "package.json"))).toEqual({ ...before["package.json"], version: "0.2.0" });
		const lock = json(path.join(dir, "package-lock.json")) as { version: string; packages: Record<string, { version?: string }> };
		expect(lock.version).toBe("0.2.0");
		expect(lock.packages[""].version).toBe("0.2.0");
		expect(json(path.join(dir, "versions.json"))).toEqual({ ...before["versions.json"], "0.2.0": manifest.minAppVersion });
		// Written as npm writes JSON: two spaces, a final newline.
		for (const f of VERSION_FILES) expect(readFileSync(path.join(dir, f), "utf8")).toBe(`${JSON.stringify(json(path.join(dir, f)), null, 2)}\n`);
		// The project's own files are untouched.
		expect(json(path.join(ROOT, "manifest.json"))).toEqual(before["manifest.json"]);
	});

	it("changes nothing for a version that is not X.Y.Z or not after the current one", () => {
		const dir = copyVersionFiles();
		const before = VERSION_FILES.map((f) => readFileSync(path.join(dir, f), "utf8"));
		const current = json(path.join(dir, "manifest.json")).version as string;
		for (const [version, why] of [
			["v0.2.0", "is not a version of the form X.Y.Z"],
			["0.2", "is not a version of the form X.Y.Z"],
			["0.2.0-beta", "is not a version of the form X.Y.Z"],
			[current, `is not after the current version ${current}`],
			["0.0.1", `is not after the current version ${current}`],
		]) {
			const r = spawnSync(process.execPath, [path.join(ROOT, "scripts/version.mjs"), version, "--root", dir], { encoding: "utf8" });
			expect(r.status, version).toBe(1);
			expect(r.stderr).toContain(why);
			expect(VERSION_FILES.map((f) => readFileSync(path.join(dir, f), "utf8"))).toEqual(before);
		}
	});
});
