// Builds main.js and dist/cli.js once before the tests, so end-to-end tests always run the
// current sources (the CLI as users run it, the plugin bundle as Obsidian loads it). It also
// tells the tests whether this run may record golden files (test/helpers/golden.ts).
import { execFileSync } from "node:child_process";
import path from "node:path";
import type { TestProject } from "vitest/node";
import type { SnapshotUpdate } from "./helpers/golden";

declare module "vitest" {
	export interface ProvidedContext {
		/** Vitest's snapshot mode for this run: "all" with -u. */
		snapshotUpdate: SnapshotUpdate;
	}
}

export default function setup(project: TestProject): void {
	execFileSync(process.execPath, [path.join(__dirname, "..", "esbuild.config.mjs"), "production"], { stdio: "pipe" });
	project.provide("snapshotUpdate", project.config.snapshotOptions.updateSnapshot);
}
