// Releases: `npm run version -- X.Y.Z` keeps package.json, package-lock.json, manifest.json and
// versions.json in step; the release script writes exactly the three files Obsidian installs
// from, to a folder and a zip; the GitHub workflow attaches them to a tag's release.
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { inflateRawSync } from "node:zlib";
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

/** The files of a zip: name and bytes (deflated or stored), read from its central directory. */
function unzip(zip: Buffer): Map<string, Buffer> {
	const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
	const count = zip.readUInt16LE(end + 10);
	let at = zip.readUInt32LE(end + 16);
	const out = new Map<string, Buffer>();
	for (let i = 0; i < count; i++) {
		expect(zip.readUInt32LE(at)).toBe(0x02014b50);
		const method = zip.readUInt16LE(at + 10);
		const size = zip.readUInt32LE(at + 20);
		const nameLength = zip.readUInt16LE(at + 28);
		const extra = zip.readUInt16LE(at + 30);
		const comment = zip.readUInt16LE(at + 32);
		const local = zip.readUInt32LE(at + 42);
		const name = zip.toString("utf8", at + 46, at + 46 + nameLength);
		const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
		const data = zip.subarray(start, start + size);
		out.set(name, method === 8 ? inflateRawSync(data) : Buffer.from(data));
		at += 46 + nameLength + extra + comment;
	}
	return out;
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

	it("is what `npm version X.Y.Z` runs: the four files in its commit, tagged without a v", () => {
		const dir = copyVersionFiles();
		copyFileSync(path.join(ROOT, ".npmrc"), path.join(dir, ".npmrc"));
		mkdirSync(path.join(dir, "scripts"));
		copyFileSync(path.join(ROOT, "scripts/version.mjs"), path.join(dir, "scripts/version.mjs"));
		// Without what `npm test` set for this project (npm_package_version among it).
		const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
		const env = { ...clean, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@example.test", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@example.test" };
		const git = (...args: string[]) => execFileSync("git", args, { cwd: dir, env, encoding: "utf8" });
		git("init", "-q");
		git("add", "-A");
		git("commit", "-qm", "start");
		const r = spawnSync(npm, ["version", "0.2.0"], { cwd: dir, env, encoding: "utf8" });
		expect(r.status, r.stderr).toBe(0);
		expect(git("tag").trim()).toBe("0.2.0");
		expect(git("show", "--name-only", "--format=", "HEAD").trim().split("\n").sort()).toEqual(VERSION_FILES.slice().sort());
		expect(git("status", "--porcelain")).toBe("");
		expect(json(path.join(dir, "manifest.json")).version).toBe("0.2.0");
		expect(json(path.join(dir, "versions.json"))["0.2.0"]).toBe(json(path.join(dir, "manifest.json")).minAppVersion);
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

describe("the release", () => {
	it("is exactly main.js, manifest.json and styles.css, in a folder and a zip", () => {
		const out = tempDir("release");
		const r = spawnSync(process.execPath, [path.join(ROOT, "scripts/release.mjs"), "--out", out], { encoding: "utf8" });
		expect(r.status, r.stderr).toBe(0);
		const { version, id } = json(path.join(ROOT, "manifest.json")) as { version: string; id: string };
		expect(readdirSync(out).sort()).toEqual([`${id}-${version}.zip`, version].sort());
		const files = ["main.js", "manifest.json", "styles.css"];
		expect(readdirSync(path.join(out, version)).sort()).toEqual(files);
		for (const f of files) expect(readFileSync(path.join(out, version, f)).equals(readFileSync(path.join(ROOT, f))), f).toBe(true);
		const zipped = unzip(readFileSync(path.join(out, `${id}-${version}.zip`)));
		expect([...zipped.keys()].sort()).toEqual(files.map((f) => `${id}/${f}`));
		for (const f of files) expect(zipped.get(`${id}/${f}`)?.equals(readFileSync(path.join(ROOT, f))), f).toBe(true);
	});

	it("is attached to a tag's release by the GitHub workflow, as Obsidian's docs give it", () => {
		const workflow = readFileSync(path.join(ROOT, ".github/workflows/release.yml"), "utf8");
		expect(workflow).toMatch(/on:\n {2}push:\n {4}tags:\n {6}- "\*"/);
		expect(workflow).toContain("npm run release");
		expect(workflow).toMatch(/gh release create "\$tag" \\\n\s+--title="\$tag" \\\n\s+--draft \\\n\s+main\.js manifest\.json styles\.css/);
	});
});
