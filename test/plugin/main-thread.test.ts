// The page never parses an ATT&CK release: only the engine (engine.ts, run in a Web Worker by
// engine-client.ts) reads a bundle or a cache into a model; every other file of the adapter asks it.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../helpers/paths";

describe("the Obsidian adapter", () => {
	it("reads releases only in the engine", () => {
		const dir = path.join(ROOT, "src/obsidian");
		const parsing = readdirSync(dir)
			.filter((f) => f.endsWith(".ts") && f !== "engine.ts")
			.filter((f) => /import[^;]*\b(readCache|loadBundle|modelFromJson|compactBundle)\b[^;]*from/.test(readFileSync(path.join(dir, f), "utf8")));
		expect(parsing).toEqual([]);
	});
});
