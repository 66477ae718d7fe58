// `sync` and a note that cannot be written as it is: a read-only mode (which root's access()
// does not see, so the CLI reads the mode bits too) and, where the system lets the tests set
// it, the immutable flag. The note is left as it is and reported; the other notes are synced.
import { spawnSync } from "node:child_process";
import { chmodSync, cpSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { CLI, ENTERPRISE_FIXTURE, FIXTURES } from "../helpers/paths";

const TECHNIQUES = "CyberSecurity/Security+/1-Threats-Attacks-Vulnerabilities/Attacking-Frameworks/MITRE ATT&CK/Enterprise-Attack/techniques";
const PHISHING = `${TECHNIQUES}/Phishing.md`;
const BRUTE_FORCE = `${TECHNIQUES}/Brute Force.md`;

const made: string[] = [];
const immutable: string[] = [];
afterEach(() => {
	for (const file of immutable.splice(0)) spawnSync("chattr", ["-i", file]);
	for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function copyVault(): string {
	const dir = mkdtempSync(path.join(tmpdir(), "attack-sync-readonly-"));
	made.push(dir);
	const vault = path.join(dir, "vault");
	cpSync(path.join(FIXTURES, "sample-vault"), vault, { recursive: true });
	return vault;
}

interface Report {
	notes: Array<{ path: string; action: string; reason?: string }>;
	failed: Array<{ path: string; reason: string }>;
	summary: Record<string, number>;
}

function sync(vault: string) {
	const r = spawnSync(process.execPath, [CLI, "sync", "--vault", vault, "--bundle", ENTERPRISE_FIXTURE, "--json"], { encoding: "utf8" });
	return { code: r.status, report: JSON.parse(r.stdout) as Report, stderr: r.stderr };
}

/** chattr +i on `file`, or false where the file system or the user cannot. */
function makeImmutable(file: string): boolean {
	if (spawnSync("chattr", ["+i", file]).status !== 0) return false;
	immutable.push(file);
	return true;
}

describe("a note that cannot be written as it is", () => {
	it("a read-only note (mode 0444) is left as it is and reported, even for root; the others are synced", () => {
		const vault = copyVault();
		const file = path.join(vault, PHISHING);
		chmodSync(file, 0o444);
		const bytes = readFileSync(file);
		const other = path.join(vault, BRUTE_FORCE);
		chmodSync(other, 0o640);
		const otherBefore = readFileSync(other, "utf8");
		const { report, code, stderr } = sync(vault);
		expect(code).toBe(1);
		expect(stderr).toBe("attack-sync: 1 note was not written (the report says why); it is as it was.\n");
		expect(readFileSync(file).equals(bytes)).toBe(true);
		expect(statSync(file).mode & 0o777).toBe(0o444);
		expect(report.failed).toEqual([{ path: PHISHING, reason: `${PHISHING}: is read-only (mode r--r--r--); left as it is (make it writable to sync it).` }]);
		expect(report.notes.find((n) => n.path === PHISHING)).toMatchObject({ action: "skipped", reason: report.failed[0].reason });
		// The other notes are written; a writable note keeps its mode.
		expect(report.summary.updated).toBeGreaterThan(40);
		expect(readFileSync(other, "utf8")).not.toBe(otherBefore);
		expect(statSync(other).mode & 0o777).toBe(0o640);
	});

	it("other modes without a write bit (0400, 0555) are read-only too", () => {
		const vault = copyVault();
		for (const mode of [0o400, 0o555]) {
			const file = path.join(vault, PHISHING);
			chmodSync(file, mode);
			const bytes = readFileSync(file);
			const { report, code } = sync(vault);
			expect(code).toBe(1);
			expect(report.failed.map((f) => f.path)).toEqual([PHISHING]);
			expect(report.failed[0].reason).toMatch(/is read-only/);
			expect(readFileSync(file).equals(bytes)).toBe(true);
			expect(statSync(file).mode & 0o777).toBe(mode);
		}
	});

	it("an immutable note (chattr +i) is left as it is and reported", (ctx) => {
		const vault = copyVault();
		const file = path.join(vault, PHISHING);
		if (!makeImmutable(file)) {
			console.warn("[skip] chattr +i is not available here: the immutable-note test is skipped.");
			ctx.skip();
			return;
		}
		const bytes = readFileSync(file);
		const { report, code } = sync(vault);
		expect(code).toBe(1);
		expect(readFileSync(file).equals(bytes)).toBe(true);
		expect(report.failed).toEqual([{ path: PHISHING, reason: `${PHISHING}: cannot be written (it is immutable or append-only); left as it is (make it writable to sync it).` }]);
	});

	it("links --fix: a read-only note's links are not fixed; it is reported and the run exits 1", () => {
		const vault = copyVault();
		const seed = `${TECHNIQUES}/Malicious Link.md`;
		const file = path.join(vault, seed);
		chmodSync(file, 0o444);
		const bytes = readFileSync(file);
		const r = spawnSync(process.execPath, [CLI, "links", "--vault", vault, "--fix", "--json"], { encoding: "utf8" });
		expect(r.status).toBe(1);
		expect(r.stderr).toMatch(/^attack-sync: 1 note was not written/);
		const report = JSON.parse(r.stdout) as { summary: { fixed: number; notesChanged: string[]; failed: Array<{ path: string; reason: string }> } };
		expect(report.summary.failed).toEqual([{ path: seed, reason: `links not fixed: ${seed}: is read-only (mode r--r--r--); left as it is (make it writable to sync it).` }]);
		expect(report.summary.notesChanged).toEqual([]);
		expect(report.summary.fixed).toBe(0);
		expect(readFileSync(file).equals(bytes)).toBe(true);
	});
});
