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
import { FsVault } from "../../src/cli/fs-vault";
import { nodeIo, type WriteIo } from "../../src/cli/write-file";
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
