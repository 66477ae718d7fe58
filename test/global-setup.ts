// Builds main.js and dist/cli.js once before the tests, so end-to-end tests always run the
// current sources (the CLI as users run it, the plugin bundle as Obsidian loads it). It also
// tells the tests whether this run may record golden files (test/helpers/golden.ts), and gives
// the run a temporary folder of its own, which it checks is empty at the end.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import type { SnapshotUpdate } from "./helpers/golden";

declare module "vitest" {
	export interface ProvidedContext {
		/** Vitest's snapshot mode for this run: "all" with -u. */
		snapshotUpdate: SnapshotUpdate;
	}
}

/** What os.tmpdir() reads (TMPDIR on Unix, TMP or TEMP on Windows). */
const TEMP_VARS = ["TMPDIR", "TMP", "TEMP"] as const;

export default function setup(project: TestProject): () => void {
	execFileSync(process.execPath, [path.join(__dirname, "..", "esbuild.config.mjs"), "production"], { stdio: "pipe" });
	project.provide("snapshotUpdate", project.config.snapshotOptions.updateSnapshot);

	// The test workers, and the CLIs they start, inherit this environment: every temporary folder
	// of the run lands in `runTemp`, apart from other checkouts' runs sharing the temp folder.
	const runTemp = mkdtempSync(path.join(tmpdir(), "attack-sync-test-run-"));
	const saved = TEMP_VARS.map((name) => [name, process.env[name]] as const);
	for (const name of TEMP_VARS) process.env[name] = runTemp;
	return () => {
		for (const [name, value] of saved) {
			if (value === undefined) delete process.env[name];
			else process.env[name] = value;
		}
		const left = readdirSync(runTemp);
		rmSync(runTemp, { recursive: true, force: true });
		if (left.length > 0) {
			throw new Error(`the tests left ${left.length} temporary folder(s) behind (${left.join(", ")}): a test removes what it makes, see test/helpers/temp.ts`);
		}
	};
}
