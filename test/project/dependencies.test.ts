// What we learned about our dependencies, kept true by tests.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../helpers/paths";

const lock = JSON.parse(readFileSync(path.join(ROOT, "package-lock.json"), "utf8")) as { packages: Record<string, { version?: string }> };
const manifest = JSON.parse(readFileSync(path.join(ROOT, "manifest.json"), "utf8")) as Record<string, unknown>;
const pkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { devDependencies: Record<string, string>; dependencies: Record<string, string> };

function atLeast(version: string, min: [number, number, number]): boolean {
	const v = version.split(".").map(Number);
	for (let i = 0; i < 3; i++) if (v[i] !== min[i]) return v[i] > min[i];
	return true;
}

describe("the project", () => {
	it("resolves gray-matter's js-yaml to a patched 3.14.2 or later", () => {
		const yamls = Object.entries(lock.packages).filter(([p]) => p.endsWith("node_modules/js-yaml"));
		expect(yamls.length).toBeGreaterThan(0);
		for (const [p, info] of yamls) expect(atLeast(info.version ?? "0.0.0", [3, 14, 2]), `${p}@${info.version}`).toBe(true);
		expect(lock.packages["node_modules/gray-matter/node_modules/js-yaml"]?.version ?? lock.packages["node_modules/js-yaml"]?.version).toMatch(/^3\./);
	});

	it("has a manifest Obsidian accepts", () => {
		expect(manifest.id).toMatch(/^[a-z-]+$/);
		expect(manifest.id).not.toMatch(/obsidian/);
		expect(manifest.id).not.toMatch(/plugin$/);
		expect(manifest.isDesktopOnly).toBe(false);
		expect(manifest.minAppVersion).toMatch(/^\d+\.\d+\.\d+$/);
		const versions = JSON.parse(readFileSync(path.join(ROOT, "versions.json"), "utf8")) as Record<string, string>;
		expect(versions[manifest.version as string]).toBe(manifest.minAppVersion);
		expect(pkg.devDependencies.obsidian).toMatch(/^\d+\.\d+\.\d+$/); // pinned
	});

	it("does not use @mitre-attack/attack-data-model", () => {
		expect({ ...pkg.dependencies, ...pkg.devDependencies }).not.toHaveProperty("@mitre-attack/attack-data-model");
	});
});
