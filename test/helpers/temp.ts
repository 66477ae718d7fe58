/**
 * Temporary folders for tests. Each is removed when the test that made it ends, passed or
 * failed, so a run leaves nothing behind in the temp folder; test/global-setup.ts fails the run
 * if anything is left in it.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { onTestFinished } from "vitest";

/** A new empty folder `attack-sync-NAME-XXXXXX` in the temp folder, for the running test only. */
export function tempDir(name: string): string {
	const dir = mkdtempSync(path.join(tmpdir(), `attack-sync-${name}-`));
	onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
	return dir;
}
