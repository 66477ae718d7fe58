/**
 * Golden (approval) files: compared, and written only when asked. Left to itself, vitest writes
 * a missing file snapshot unless it believes it runs in CI (`CI` set to a value it reads as
 * true), so a deleted or misnamed expected file would pass by recording whatever the code
 * produces now. Here a missing file fails, whatever `CI` says; `-u` (or vitest's own
 * `UPDATE_SNAPSHOT=1`) records missing files and rewrites changed ones.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { expect, inject } from "vitest";
import { ROOT } from "./paths";

/** Vitest's snapshot mode for this run: "all" with -u, else "new" (or "none" in CI). */
export type SnapshotUpdate = "all" | "new" | "none";

/** May this run write golden files? Only when asked: `-u` (vitest's "all"). */
export function recordsGolden(update: SnapshotUpdate): boolean {
	return update === "all";
}

/** `actual` equals the committed golden file; a missing file fails unless the run was asked to record. */
export async function expectGolden(actual: string, file: string, update: SnapshotUpdate = inject("snapshotUpdate")): Promise<void> {
	if (!existsSync(file) && !recordsGolden(update)) {
		expect.fail(`the golden file ${path.relative(ROOT, file)} is missing: record it with \`npx vitest run test/golden -u\` and review it before committing`);
	}
	await expect(actual).toMatchFileSnapshot(file);
}
