// `sync` on a genuinely small file system: a 600 KB tmpfs holding a copy of the sample vault and
// a filler file that leaves a few KB free. The tmpfs is mounted in a mount namespace of its own
// (`unshare -rm`), so it needs no root and vanishes with the namespace, whatever happens to the
// test. Where unshare or tmpfs mounts are not allowed, these tests are skipped with a message;
// test/cli/fs-vault-writes.test.ts plays the same cases through FsVault's seam and always runs.
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readTree } from "../helpers/sample-vault";
import { CLI, ENTERPRISE_FIXTURE, FIXTURES } from "../helpers/paths";

const work = mkdtempSync(path.join(tmpdir(), "attack-sync-fulldisk-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function canMountTmpfs(): boolean {
	const dir = path.join(work, "probe");
	mkdirSync(dir);
	const r = spawnSync("unshare", ["-rm", "sh", "-c", 'mount -t tmpfs -o size=64k tmpfs "$0"', dir], { encoding: "utf8" });
	return r.status === 0;
}

const HAVE_TMPFS = process.platform === "linux" && canMountTmpfs();
if (!HAVE_TMPFS) console.warn("[skip] cannot mount a tmpfs in a user namespace (unshare -rm): the real full-disk tests are skipped; the seam tests still run.");

/**
 * Runs `sync --vault <tmpfs copy> ...args` with `freeKb` left on the tmpfs; returns the exit code,
 * the output, and the vault as it is afterwards (copied out before the namespace goes).
 */
function syncOnSmallDisk(name: string, freeKb: number, ...args: string[]) {
	const dir = path.join(work, name);
	mkdirSync(path.join(dir, "mnt"), { recursive: true });
	const script = `
		set -e
		M="$0"; OUT="$1"; SRC="$2"; FREE="$3"; shift 4
		mount -t tmpfs -o size=600k tmpfs "$M"
		cp -r "$SRC" "$M/v"
		avail=$(df -k --output=avail "$M" | tail -n 1)
		head -c $(( (avail - FREE) * 1024 )) /dev/zero > "$M/filler"
		set +e
		"$@" --vault "$M/v" > "$OUT/stdout" 2> "$OUT/stderr"
		echo $? > "$OUT/code"
		cp -r "$M/v" "$OUT/after"
	`;
	const r = spawnSync("unshare", ["-rm", "sh", "-c", script, path.join(dir, "mnt"), dir, path.join(FIXTURES, "sample-vault"), String(freeKb), "-", process.execPath, CLI, "sync", ...args], {
		encoding: "utf8",
	});
	expect(r.status, r.stderr).toBe(0);
	return {
		code: Number(readFileSync(path.join(dir, "code"), "utf8")),
		stdout: readFileSync(path.join(dir, "stdout"), "utf8"),
		stderr: readFileSync(path.join(dir, "stderr"), "utf8"),
		after: readTree(path.join(dir, "after")),
	};
}

/** The vault after the same sync on a roomy disk. */
function reference(name: string, ...args: string[]): Record<string, string> {
	const vault = path.join(work, name);
	cpSync(path.join(FIXTURES, "sample-vault"), vault, { recursive: true });
	const r = spawnSync(process.execPath, [CLI, "sync", "--vault", vault, ...args], { encoding: "utf8" });
	expect(r.status, r.stderr).toBe(0);
	return readTree(vault);
}

interface Report {
	notes: Array<{ path: string; action: string; reason?: string }>;
	failed: Array<{ path: string; reason: string }>;
}

describe.skipIf(!HAVE_TMPFS)("sync on a nearly full disk (a real tmpfs)", () => {
	const before = readTree(path.join(FIXTURES, "sample-vault"));

	for (const [what, freeKb, extra] of [
		["updating notes with 8 KB free", 8, []],
		["--create-missing with 16 KB free", 16, ["--create-missing"]],
	] as const) {
		it(`${what}: no note is cut short; each is whole or as it was, and the failed ones are reported`, () => {
			// No undo backup: on this disk it would not fit, and sync would then write nothing (below).
			const args = ["--bundle", ENTERPRISE_FIXTURE, "--json", "--no-backup", ...extra];
			const full = reference(`ref-${freeKb}`, ...args);
			const r = syncOnSmallDisk(`run-${freeKb}`, freeKb, ...args);
			const report = JSON.parse(r.stdout) as Report;
			const failed = new Set(report.failed.map((f) => f.path));
			expect(failed.size, r.stdout).toBeGreaterThan(0);
			expect(r.code).toBe(1);
			expect(r.stderr).toBe(`attack-sync: ${failed.size} notes were not written (the report says why); they are as they were.\n`);
			for (const f of report.failed) expect(f.reason).toMatch(/ENOSPC/);
			let written = 0;
			for (const [file, text] of Object.entries(r.after)) {
				expect(text, file).toBe(failed.has(file) ? before[file] : full[file]);
				if (text !== before[file]) written++;
			}
			// A note whose creation failed is absent, not empty or cut short.
			for (const file of failed) if (!(file in before)) expect(r.after[file], file).toBeUndefined();
			expect(written).toBeGreaterThan(0);
			expect(Object.keys(r.after).filter((f) => f.includes(".attack-sync-"))).toEqual([]);
		});
	}

	it("an undo backup that does not fit: nothing is synced, and it says so", () => {
		const r = syncOnSmallDisk("run-backup", 8, "--bundle", ENTERPRISE_FIXTURE, "--json");
		expect(r.code).toBe(1);
		expect(r.stdout).toBe("");
		expect(r.stderr).toMatch(/^attack-sync: could not keep a backup for undo in .*\/\.obsidian\/plugins\/attack-sync\/undo \(.*ENOSPC.*\); nothing was synced\.\n$/);
		expect(r.after).toEqual(before);
	});
});
