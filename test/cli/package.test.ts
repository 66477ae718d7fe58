// The CLI as a user gets it: `npm pack`, the tarball installed in an empty folder with no network
// (the CLI is one bundled file, so the package has no dependencies), then run by name with npx.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../helpers/paths";
import { tempDir } from "../helpers/temp";

const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const npx = process.platform === "win32" ? "npx.cmd" : "npx";

/** npm's environment without what `npm test` set for this project, with a cache of the test's own. */
function cleanEnv(cache: string): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {};
	for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k)) env[k] = v;
	return { ...env, npm_config_cache: cache, npm_config_audit: "false", npm_config_fund: "false", npm_config_update_notifier: "false" };
}

/** Packs the project and installs the tarball in an empty folder; returns a runner for `npx attack-sync`. */
function installPacked() {
	const dir = tempDir("package");
	const env = cleanEnv(path.join(dir, "npm-cache"));
	// dist/cli.js and main.js are already built (test/global-setup.ts): no prepack build here.
	execFileSync(npm, ["pack", "--ignore-scripts", "--pack-destination", dir], { cwd: ROOT, env, stdio: "pipe" });
	const tarball = readdirSync(dir).find((f) => f.endsWith(".tgz"));
	if (tarball === undefined) throw new Error("npm pack made no tarball");
	const app = path.join(dir, "app");
	mkdirSync(app);
	execFileSync(npm, ["install", "--offline", path.join(dir, tarball)], { cwd: app, env, stdio: "pipe" });
	return (...args: string[]) => spawnSync(npx, ["--offline", "attack-sync", ...args], { cwd: app, env, encoding: "utf8" });
}

describe("the packed CLI", () => {
	it("installs from the tarball with no network and runs by name: --version, sync --help", () => {
		const run = installPacked();
		const { version } = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { version: string };
		const v = run("--version");
		expect(v.status, v.stderr).toBe(0);
		expect(v.stdout).toBe(`${version}\n`);
		const h = run("sync", "--help");
		expect(h.status, h.stderr).toBe(0);
		expect(h.stdout).toContain("attack-sync sync --vault DIR --bundle FILE");
		expect(h.stdout).toContain("Example:");
	});
});
