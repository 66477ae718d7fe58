// How the CLI's FsVault writes notes when the disk does not take them: a write that takes only
// part of the bytes (a nearly full disk), a full disk, a failing fsync. The file operations are
// played through FsVault's `io` seam; every other file operation is real, on a copy of the
// sample vault in a temporary folder.
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadBundle } from "../../src/core/attack/model";
import { runSync } from "../../src/core/commands/sync";
import { buildVaultIndex } from "../../src/core/vault-index";
import { applyPlan, planSync } from "../../src/core/sync/plan";
import { FsVault } from "../../src/cli/fs-vault";
import { backgroundFsyncIo, nodeIo, type WriteIo } from "../../src/cli/write-file";
import { readTree } from "../helpers/sample-vault";
import { ENTERPRISE_FIXTURE, FIXTURES } from "../helpers/paths";

const model = loadBundle(readFileSync(ENTERPRISE_FIXTURE, "utf8"), ENTERPRISE_FIXTURE);

const made: string[] = [];
afterEach(() => {
	for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function copyVault(): string {
	const dir = mkdtempSync(path.join(tmpdir(), "attack-sync-writes-"));
	made.push(dir);
	const vault = path.join(dir, "vault");
	cpSync(path.join(FIXTURES, "sample-vault"), vault, { recursive: true });
	return vault;
}

/** Every file name under `dir`, dot-files included. */
function allNames(dir: string): string[] {
	return readdirSync(dir, { recursive: true, encoding: "utf8" }).sort();
}

const enospc = () => Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });

/** A disk with `free` bytes left: a write takes what fits and says how much, then ENOSPC. */
function diskWith(free: number): WriteIo & { calls: number } {
	let left = free;
	const io = {
		...nodeIo,
		calls: 0,
		writeSync(fd: number, buffer: Uint8Array, offset: number, length: number, position: null): number {
			io.calls++;
			if (left <= 0) throw enospc();
			const n = Math.min(length, left);
			left -= n;
			return writeSync(fd, buffer, offset, n, position);
		},
	};
	return io;
}

/** The vault as an uninterrupted sync on a roomy disk leaves it. */
async function reference(createMissing = false): Promise<Record<string, string>> {
	const vault = copyVault();
	await runSync(new FsVault(vault), model, { createMissing });
	return readTree(vault);
}

describe("FsVault on a disk that does not take every byte", () => {
	it("finishes a short write: a disk that takes 100 bytes per call still gets whole notes", async () => {
		const vault = copyVault();
		let calls = 0;
		const io: WriteIo = {
			...nodeIo,
			writeSync: (fd, buffer, offset, length, position) => {
				calls++;
				return writeSync(fd, buffer, offset, Math.min(length, 100), position);
			},
		};
		const { report } = await runSync(new FsVault(vault, ".obsidian", io), model, { createMissing: true });
		expect(report.failed).toEqual([]);
		expect(report.summary.updated + report.summary.created).toBeGreaterThan(40);
		expect(calls).toBeGreaterThan(10 * (report.summary.updated + report.summary.created));
		expect(readTree(vault)).toEqual(await reference(true));
	});

	it("a full disk: each note is written whole or left as it was, and every failed one is reported", async () => {
		const before = readTree(copyVault());
		const after = await reference();
		const vault = copyVault();
		const io = diskWith(60_000);
		const { report } = await runSync(new FsVault(vault, ".obsidian", io), model, {});
		const failed = new Set(report.failed.map((f) => f.path));
		expect(failed.size).toBeGreaterThan(10);
		for (const f of report.failed) expect(f.reason).toMatch(/could not be written \(ENOSPC: no space left on device, write\); the note is unchanged\.$/);
		const now = readTree(vault);
		let written = 0;
		for (const [file, text] of Object.entries(now)) {
			if (failed.has(file)) expect(text, file).toBe(before[file]);
			else {
				expect(text, file).toBe(after[file]);
				if (text !== before[file]) written++;
			}
		}
		expect(written).toBeGreaterThan(5);
		// The report says skipped, not updated, for every note not written.
		for (const n of report.notes) if (failed.has(n.path)) expect(n.action).toBe("skipped");
		expect(report.summary.updated).toBe(written);
		// No temporary file is left behind.
		expect(allNames(vault).filter((n) => n.includes(".attack-sync-"))).toEqual([]);
	});

	it("a full disk during --create-missing: a note not written is not created, and is reported", async () => {
		const vault = copyVault();
		const names = allNames(vault);
		const { report } = await runSync(new FsVault(vault, ".obsidian", diskWith(0)), model, { createMissing: true });
		expect(report.summary.created).toBe(0);
		expect(report.failed.length).toBeGreaterThan(40);
		expect(report.failed.some((f) => /could not be written \(ENOSPC.*\); it was not created\.$/.test(f.reason))).toBe(true);
		// Created notes' folders may stay (empty); no file was added.
		expect(allNames(vault).filter((n) => n.endsWith(".md") && !names.includes(n))).toEqual([]);
	});

	it("an fsync that fails (a disk that reports a full disk late, as NFS may) leaves the note as it was", async () => {
		const before = readTree(copyVault());
		const vault = copyVault();
		let fsyncs = 0;
		const io: WriteIo = {
			...nodeIo,
			fsyncSync: () => {
				fsyncs++;
				throw Object.assign(new Error("EIO: i/o error, fsync"), { code: "EIO" });
			},
		};
		const { report } = await runSync(new FsVault(vault, ".obsidian", io), model, {});
		expect(fsyncs).toBeGreaterThan(40);
		expect(report.summary.updated).toBe(0);
		expect(report.failed.length).toBe(fsyncs);
		expect(readTree(vault)).toEqual(before);
		expect(allNames(vault).filter((n) => n.includes(".attack-sync-"))).toEqual([]);
	});
});

describe("FsVault writing several notes at once (the CLI's sync: flushes in the background)", () => {
	/** The plan of a --create-missing sync of the copy, and the copy. */
	async function planned() {
		const vault = copyVault();
		const fs = new FsVault(vault, ".obsidian", backgroundFsyncIo);
		return { vault, fs, plan: planSync(await buildVaultIndex(fs), model, { createMissing: true }) };
	}

	it("leaves the vault as one note at a time does, and reports in the plan's order", async () => {
		const { vault, fs, plan } = await planned();
		const result = await applyPlan(fs, plan, undefined, { concurrency: 16 });
		expect(result.failed).toEqual([]);
		expect(result.written).toEqual(plan.notes.filter((n) => n.action === "updated" || n.action === "created").map((n) => n.path));
		expect(result.written.length).toBeGreaterThan(40);
		expect(readTree(vault)).toEqual(await reference(true));
		expect(allNames(vault).filter((n) => n.includes(".attack-sync-"))).toEqual([]);
	});

	it("a flush that fails in the background leaves each note as it was, and says so", async () => {
		const before = readTree(copyVault());
		const vault = copyVault();
		let fsyncs = 0;
		const io: WriteIo = {
			...backgroundFsyncIo,
			fsyncSync: () => {
				throw new Error("not called: the flush is in the background");
			},
			fsync: async (fd) => {
				fsyncs++;
				await backgroundFsyncIo.fsync?.(fd);
				throw Object.assign(new Error("EIO: i/o error, fsync"), { code: "EIO" });
			},
		};
		const fs = new FsVault(vault, ".obsidian", io);
		const plan = planSync(await buildVaultIndex(fs), model, {});
		const result = await applyPlan(fs, plan, undefined, { concurrency: 8 });
		expect(fsyncs).toBeGreaterThan(40);
		expect(result.written).toEqual([]);
		expect(result.failed.length).toBe(fsyncs);
		for (const f of result.failed) expect(f.reason).toMatch(/could not be written \(EIO: i\/o error, fsync\); the note is unchanged\.$/);
		expect(readTree(vault)).toEqual(before);
		expect(allNames(vault).filter((n) => n.includes(".attack-sync-"))).toEqual([]);
	});

	it("two long names cut to one temporary name, written at once, each get their own", async () => {
		const vault = copyVault();
		let release: () => void = () => undefined;
		const gate = new Promise<void>((resolve) => (release = resolve));
		const opened: string[] = [];
		const io: WriteIo = {
			...backgroundFsyncIo,
			openSync: (file, flags, mode) => {
				opened.push(path.basename(file));
				return nodeIo.openSync(file, flags, mode);
			},
			// Every flush waits until both notes are open: their writes overlap.
			fsync: async (fd) => {
				if (opened.length >= 2) release();
				await gate;
				await backgroundFsyncIo.fsync?.(fd);
			},
		};
		const fs = new FsVault(vault, ".obsidian", io);
		const long = "\u7d44".repeat(80); // 240 bytes: the notes' names take 255
		await Promise.all([fs.create(`long/${long} (T1110.003).md`, "one"), fs.create(`long/${long} (T1110.004).md`, "two")]);
		expect(new Set(opened).size).toBe(2);
		expect(readFileSync(path.join(vault, `long/${long} (T1110.003).md`), "utf8")).toBe("one");
		expect(readFileSync(path.join(vault, `long/${long} (T1110.004).md`), "utf8")).toBe("two");
		expect(allNames(vault).filter((n) => n.includes(".attack-sync-"))).toEqual([]);
	});

	it("a cancel stops starting writes; those under way end, the rest are reported not written", async () => {
		const { fs, plan } = await planned();
		const result = await applyPlan(fs, plan, (done) => done < 3, { concurrency: 4 });
		// Three done, then the cancel: the other lanes' writes under way still end.
		expect(result.written.length).toBeGreaterThanOrEqual(3);
		expect(result.written.length).toBeLessThanOrEqual(3 + 3);
		const total = plan.notes.filter((n) => n.action === "updated" || n.action === "created").length;
		expect(result.written.length + result.failed.length).toBe(total);
		for (const f of result.failed) expect(f.reason).toBe("not written: the sync was cancelled");
	});
});
