// The CLI's sync writes new notes' temporary files on a second thread while it plans the rest
// (staged-writes.ts, FsVault#stage): the vault it leaves is the one writing each note in turn
// leaves, nothing is in a note before the plan is applied, and whatever the plan does not create
// from a staged file (a note planned otherwise, a plan that fails) is removed with the folders
// made for it. On a copy of the sample vault in a temporary folder, with the real file system.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadBundle } from "../../src/core/attack/model";
import { runSync } from "../../src/core/commands/sync";
import { buildVaultIndex } from "../../src/core/vault-index";
import { applyPlan, planSync } from "../../src/core/sync/plan";
import { FsVault } from "../../src/cli/fs-vault";
import { backgroundFsyncIo, noteTempName } from "../../src/cli/write-file";
import { readTree } from "../helpers/sample-vault";
import { tempDir } from "../helpers/temp";
import { ENTERPRISE_FIXTURE, FIXTURES } from "../helpers/paths";

const model = loadBundle(readFileSync(ENTERPRISE_FIXTURE, "utf8"), ENTERPRISE_FIXTURE);

function copyVault(): string {
	const vault = path.join(tempDir("staged"), "vault");
	cpSync(path.join(FIXTURES, "sample-vault"), vault, { recursive: true });
	return vault;
}

/** Every name under `dir`, dot-files and folders included. */
const allNames = (dir: string): string[] => readdirSync(dir, { recursive: true, encoding: "utf8" }).sort();
const temps = (dir: string): string[] => allNames(dir).filter((n) => n.includes(".attack-sync-"));

describe("FsVault staging new notes' files on a second thread", () => {
	it("a --create-missing sync staged as it plans leaves the vault a sync without staging does", async () => {
		const expected = copyVault();
		await runSync(new FsVault(expected), model, { createMissing: true });
		const vault = copyVault();
		const fs = new FsVault(vault, ".obsidian", backgroundFsyncIo);
		fs.stageNewNotes();
		try {
			let staged = 0;
			const plan = planSync(await buildVaultIndex(fs), model, {
				createMissing: true,
				onCreated: (p, text) => {
					staged++;
					fs.stage(p, text);
				},
			});
			const created = plan.notes.filter((n) => n.action === "created").map((n) => n.path);
			expect(staged).toBe(created.length);
			expect(created.length).toBeGreaterThan(20);
			// Planned and staged: not one new note is in the vault yet.
			for (const p of created) expect(existsSync(path.join(vault, p))).toBe(false);
			const result = await applyPlan(fs, plan, undefined, { concurrency: 8 });
			expect(result.failed).toEqual([]);
			expect(fs.writes).toEqual(expect.arrayContaining(created));
		} finally {
			await fs.endStaging();
		}
		expect(readTree(vault)).toEqual(readTree(expected));
		expect(temps(vault)).toEqual([]);
	});

	it("a staged note the plan did not create is removed, with the folders made for it", async () => {
		const vault = copyVault();
		const before = allNames(vault);
		const fs = new FsVault(vault, ".obsidian", backgroundFsyncIo);
		fs.stageNewNotes();
		fs.stage("New folder/Deeper/Staged (T1059).md", "staged text");
		fs.stage("Staged too (T1566).md", "staged text");
		await fs.endStaging();
		expect(allNames(vault)).toEqual(before);
	});

	it("a note planned otherwise than staged is written as planned", async () => {
		const vault = copyVault();
		const fs = new FsVault(vault, ".obsidian", backgroundFsyncIo);
		fs.stageNewNotes();
		fs.stage("New/Note (T1059).md", "first plan");
		await fs.create("New/Note (T1059).md", "second plan");
		await fs.endStaging();
		expect(readFileSync(path.join(vault, "New/Note (T1059).md"), "utf8")).toBe("second plan");
		expect(temps(vault)).toEqual([]);
	});

	it("a note that appeared meanwhile stays as it is, and the create says so", async () => {
		const vault = copyVault();
		const fs = new FsVault(vault, ".obsidian", backgroundFsyncIo);
		fs.stageNewNotes();
		fs.stage("Note (T1059).md", "ours");
		writeFileSync(path.join(vault, "Note (T1059).md"), "theirs");
		await expect(fs.create("Note (T1059).md", "ours")).rejects.toThrow(/^Note \(T1059\)\.md: already exists\.$/);
		await fs.endStaging();
		expect(readFileSync(path.join(vault, "Note (T1059).md"), "utf8")).toBe("theirs");
		expect(temps(vault)).toEqual([]);
	});

	it("a temporary file the second thread cannot write fails that note's create, and leaves nothing", async () => {
		const vault = copyVault();
		const fs = new FsVault(vault, ".obsidian", backgroundFsyncIo);
		// A folder where the temporary file would go: opening it for writing fails (EISDIR).
		mkdirSync(path.join(vault, "New", noteTempName("Note (T1059).md")), { recursive: true });
		fs.stageNewNotes();
		fs.stage("New/Note (T1059).md", "text");
		fs.stage("New/Other (T1566).md", "other");
		await expect(fs.create("New/Note (T1059).md", "text")).rejects.toThrow(/^New\/Note \(T1059\)\.md: could not be written \(.*EISDIR.*\); it was not created\.$/);
		await fs.create("New/Other (T1566).md", "other");
		await fs.endStaging();
		expect(existsSync(path.join(vault, "New/Note (T1059).md"))).toBe(false);
		expect(readFileSync(path.join(vault, "New/Other (T1566).md"), "utf8")).toBe("other");
		expect(fs.writes).toEqual(["New/Other (T1566).md"]);
	});

	it("without stageNewNotes, stage does nothing", async () => {
		const vault = copyVault();
		const before = allNames(vault);
		const fs = new FsVault(vault);
		fs.stage("New/Note (T1059).md", "text");
		await fs.endStaging();
		expect(allNames(vault)).toEqual(before);
	});
});
