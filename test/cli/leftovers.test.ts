// What a killed run (kill -9, a power cut) leaves: `.<note>.attack-sync-<pid>.tmp` beside a
// note. The next run that writes removes those of exactly that pattern whose process is gone,
// or that nobody wrote to for ten minutes; it keeps a live run's file, look-alikes, folders and
// links. The leftovers are made by hand with the names FsVault gives them (a real kill -9 would
// need a race to land mid-write). pid 4194305 is above Linux's largest pid_max, so it never runs.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { FsVault } from "../../src/cli/fs-vault";
import { isRunning, isStale, noteTempName, noteTempPid, partName, partPid, STALE_AFTER_MS } from "../../src/cli/write-file";
import { CLI, ENTERPRISE_FIXTURE, FIXTURES } from "../helpers/paths";

const DEAD = 4194305;
const TECHNIQUES = "CyberSecurity/Security+/1-Threats-Attacks-Vulnerabilities/Attacking-Frameworks/MITRE ATT&CK/Enterprise-Attack/techniques";

const made: string[] = [];
afterEach(() => {
	for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function copyVault(): string {
	const dir = mkdtempSync(path.join(tmpdir(), "attack-sync-leftovers-"));
	made.push(dir);
	const vault = path.join(dir, "vault");
	cpSync(path.join(FIXTURES, "sample-vault"), vault, { recursive: true });
	return vault;
}

const HOUR_AGO = (Date.now() - 60 * 60_000) / 1000;

/** Leftovers and look-alikes in the vault: which ones a writing run removes, which it keeps. */
function plant(vault: string): { stale: string[]; kept: string[] } {
	const at = (rel: string) => path.join(vault, rel);
	const file = (rel: string, old = false) => {
		writeFileSync(at(rel), "half a note");
		if (old) utimesSync(at(rel), HOUR_AGO, HOUR_AGO);
		return rel;
	};
	const stale = [
		// Its run is gone: at the top, and beside a note deep in the vault.
		file(noteTempName("Welcome.md", DEAD)),
		file(`${TECHNIQUES}/${noteTempName("Phishing.md", DEAD)}`),
		// Its pid runs (the test runner), but nobody wrote it for an hour: not a live write.
		file(`${TECHNIQUES}/${noteTempName("Brute Force.md", process.ppid)}`, true),
	];
	mkdirSync(at(`${TECHNIQUES}/${noteTempName("A folder.md", DEAD)}`));
	symlinkSync(at(`${TECHNIQUES}/Phishing.md`), at(`${TECHNIQUES}/${noteTempName("A link.md", DEAD)}`));
	const kept = [
		// A live run's file (a running pid, just written).
		file(`${TECHNIQUES}/${noteTempName("Valid Accounts.md", process.ppid)}`),
		// Look-alikes.
		file(`${TECHNIQUES}/${noteTempName("Phishing.md", DEAD)}.bak`),
		file(`${TECHNIQUES}/Phishing.md.attack-sync-${DEAD}.tmp`),
		file(`${TECHNIQUES}/.Phishing.md.attack-sync-12ab.tmp`, true),
		file(`${TECHNIQUES}/.Phishing.md.attack-sync-${DEAD}-0123abcd.part`, true),
		// Not files.
		`${TECHNIQUES}/${noteTempName("A folder.md", DEAD)}`,
		`${TECHNIQUES}/${noteTempName("A link.md", DEAD)}`,
	];
	// Inside a dot-folder: not part of the vault, not ours.
	mkdirSync(at(".trash"));
	kept.push(file(`.trash/${noteTempName("Old.md", DEAD)}`));
	return { stale, kept };
}

function cli(...args: string[]) {
	const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8" });
	return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("leftovers of a killed run", () => {
	it("the pieces: the pattern, a running pid, staleness", () => {
		expect(noteTempPid(noteTempName("Phishing.md", 1234))).toBe(1234);
		for (const name of ["Phishing.md", ".Phishing.md", ".attack-sync-1.tmp", `.x.attack-sync-1.tmp.bak`, `.x.attack-sync-1-0123abcd.part`]) expect(noteTempPid(name), name).toBeNull();
		expect(partPid(`.e.json.attack-sync-77-0123abcd.part`, "e.json")).toBe(77);
		expect(partPid(`.e.json.attack-sync-77-0123abcd.part`, "f.json")).toBeNull();
		expect(partPid(`.e.json.attack-sync-77.tmp`, "e.json")).toBeNull();
		// A name of 255 bytes (85 CJK characters) keeps its temporary names within 255 bytes.
		const long = `${"\u653b".repeat(84)}.md`;
		expect(Buffer.byteLength(noteTempName(long, 4194304))).toBeLessThanOrEqual(255);
		expect(noteTempPid(noteTempName(long, 4194304))).toBe(4194304);
		expect(Buffer.byteLength(partName(long, 4194304, "0123abcd"))).toBeLessThanOrEqual(255);
		expect(partPid(partName(long, 4194304, "0123abcd"), long)).toBe(4194304);
		expect(isRunning(process.ppid)).toBe(true);
		expect(isRunning(DEAD)).toBe(false);
		expect(isRunning(0)).toBe(false);
		expect(isRunning(-1)).toBe(false);
		const now = Date.now();
		expect(isStale(DEAD, now, now)).toBe(true);
		expect(isStale(process.ppid, now, now)).toBe(false);
		expect(isStale(process.ppid, now - STALE_AFTER_MS - 1, now)).toBe(true);
		// At the start of a run, a file with its own pid is an earlier process's.
		expect(isStale(process.pid, now, now)).toBe(true);
	});

	it("FsVault.removeLeftovers removes exactly the stale ones", () => {
		const vault = copyVault();
		const { stale, kept } = plant(vault);
		const removed = new FsVault(vault).removeLeftovers();
		expect(removed.sort()).toEqual([...stale].sort());
		for (const rel of stale) expect(existsSync(path.join(vault, rel)), rel).toBe(false);
		for (const rel of kept) expect(existsSync(path.join(vault, rel)), rel).toBe(true);
	});

	it("sync removes them at the start; --dry-run and links without --fix remove nothing", () => {
		const vault = copyVault();
		const { stale, kept } = plant(vault);
		const listing = () => readdirSync(vault, { recursive: true, encoding: "utf8" }).sort();
		const before = listing();
		expect(cli("sync", "--vault", vault, "--bundle", ENTERPRISE_FIXTURE, "--dry-run").code).toBe(0);
		expect(cli("links", "--vault", vault).code).toBe(0);
		expect(listing()).toEqual(before);
		const r = cli("sync", "--vault", vault, "--bundle", ENTERPRISE_FIXTURE);
		expect(r.code, r.stderr).toBe(0);
		for (const rel of stale) expect(existsSync(path.join(vault, rel)), rel).toBe(false);
		for (const rel of kept) expect(existsSync(path.join(vault, rel)), rel).toBe(true);
	});

	it("links --fix removes them too", () => {
		const vault = copyVault();
		const { stale, kept } = plant(vault);
		expect(cli("links", "--vault", vault, "--fix").code).toBe(0);
		for (const rel of stale) expect(existsSync(path.join(vault, rel)), rel).toBe(false);
		for (const rel of kept) expect(existsSync(path.join(vault, rel)), rel).toBe(true);
	});
});
