// Names that are one name on macOS and Windows though Linux keeps two: `Process Doppelgänging`
// typed in NFC and in NFD, `MITRE ATT&CK` and `mitre att&ck`. --create-missing on disk, through
// the CLI, with the 18.1 subset whose objects are renamed to make each case.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { FsVault } from "../../src/cli/fs-vault";
import { foldName } from "../../src/core/sync/filenames";
import { CLI, ENTERPRISE_FIXTURE } from "../helpers/paths";

const NFC = "Process Doppelg\u00e4nging";
const NFD = "Process Doppelga\u0308nging";

const made: string[] = [];
afterEach(() => {
	for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
	const dir = mkdtempSync(path.join(tmpdir(), "attack-sync-names-"));
	made.push(dir);
	return dir;
}

/** The 18.1 subset with objects renamed (by ATT&CK ID), written to a file in `dir`. */
function bundleWith(dir: string, rename: Record<string, string>): string {
	const bundle = JSON.parse(readFileSync(ENTERPRISE_FIXTURE, "utf8")) as { objects: Array<{ name?: string; external_references?: Array<{ external_id?: string }> }> };
	for (const o of bundle.objects) {
		const id = o.external_references?.[0]?.external_id;
		if (id !== undefined && id in rename) o.name = rename[id];
	}
	const file = path.join(dir, "enterprise-attack-18.1.json");
	writeFileSync(file, JSON.stringify(bundle));
	return file;
}

interface Report {
	notes: Array<{ path: string; action: string; id: string | null }>;
	failed: Array<{ path: string; reason: string }>;
}

function createMissing(vault: string, bundle: string) {
	const r = spawnSync(process.execPath, [CLI, "sync", "--vault", vault, "--bundle", bundle, "--create-missing", "--json"], { encoding: "utf8" });
	expect(r.status, r.stderr).toBe(0);
	return JSON.parse(r.stdout) as Report;
}

/** Every path under `dir` (files and folders), vault-relative. */
const listing = (dir: string) => readdirSync(dir, { recursive: true, encoding: "utf8" }).map((p) => p.split(path.sep).join("/"));

/** Paths that are one path on macOS and Windows. */
function twins(paths: readonly string[]): string[][] {
	const byFold = new Map<string, string[]>();
	for (const p of paths) byFold.set(foldName(p), [...(byFold.get(foldName(p)) ?? []), p]);
	return [...byFold.values()].filter((g) => g.length > 1);
}

describe("names that are one name on macOS and Windows", () => {
	it("a note named in NFD is not joined by an NFC twin: the new note gets its ID", () => {
		const dir = tempDir();
		const vault = path.join(dir, "vault");
		const folder = path.join(vault, "MITRE ATT&CK/Enterprise-Attack/techniques");
		mkdirSync(folder, { recursive: true });
		writeFileSync(path.join(folder, `${NFD}.md`), "My own notes on the technique.\n");
		const report = createMissing(vault, bundleWith(dir, { "T1204.003": NFC }));
		expect(report.failed).toEqual([]);
		const created = report.notes.find((n) => n.id === "T1204.003");
		expect(created).toMatchObject({ action: "created", path: `MITRE ATT&CK/Enterprise-Attack/techniques/${NFC} (T1204.003).md` });
		expect(twins(listing(vault))).toEqual([]);
		expect(readFileSync(path.join(folder, `${NFD}.md`), "utf8")).toBe("My own notes on the technique.\n");
	});

	it("FsVault.create refuses a name whose twin exists (another case, another normalization)", async () => {
		const vault = tempDir();
		writeFileSync(path.join(vault, `${NFD}.md`), "x");
		writeFileSync(path.join(vault, "Phishing.md"), "x");
		const fs = new FsVault(vault);
		await expect(fs.create(`${NFC}.md`, "y")).rejects.toThrow(`${NFC}.md: already exists as "${NFD}.md" (the same name on macOS and Windows).`);
		await expect(fs.create("PHISHING.md", "y")).rejects.toThrow('already exists as "Phishing.md"');
		await fs.create("Phishing 2.md", "y");
		expect(listing(vault).sort()).toEqual([`${NFD}.md`, "Phishing 2.md", "Phishing.md"].sort());
	});

	it("a folder the vault has as `mitre att&ck/` takes the new notes: no `MITRE ATT&CK/` beside it", () => {
		const dir = tempDir();
		const vault = path.join(dir, "vault");
		mkdirSync(path.join(vault, "mitre att&ck/enterprise-attack"), { recursive: true });
		writeFileSync(path.join(vault, "mitre att&ck/enterprise-attack/Reading list.md"), "- the ATT&CK philosophy paper\n");
		const report = createMissing(vault, ENTERPRISE_FIXTURE);
		const created = report.notes.filter((n) => n.action === "created");
		expect(created.length).toBeGreaterThan(40);
		for (const n of created) expect(n.path).toMatch(/^mitre att&ck\/enterprise-attack\/(techniques|tactics|mitigations)\//);
		// .obsidian holds the sync's undo backup.
		expect(readdirSync(vault).filter((n) => n !== ".obsidian")).toEqual(["mitre att&ck"]);
		expect(twins(listing(vault))).toEqual([]);
	});

	it("an empty folder spelled otherwise, which only the disk knows, takes them too", async () => {
		const vault = tempDir();
		mkdirSync(path.join(vault, "mitre att&ck/ENTERPRISE-attack"), { recursive: true });
		const fs = new FsVault(vault);
		await fs.create("MITRE ATT&CK/Enterprise-Attack/techniques/Phishing.md", "a");
		await fs.create("MITRE ATT&CK/Enterprise-Attack/techniques/Brute Force.md", "b");
		// The note there is not replaced through the other spelling.
		await expect(fs.create("MITRE ATT&CK/Enterprise-Attack/techniques/Phishing.md", "c")).rejects.toThrow("already exists (in mitre att&ck/ENTERPRISE-attack/techniques)");
		await expect(fs.create("Mitre ATT&CK/enterprise-attack/TECHNIQUES/phishing.md", "c")).rejects.toThrow('already exists as "Phishing.md"');
		expect(readFileSync(path.join(vault, "mitre att&ck/ENTERPRISE-attack/techniques/Phishing.md"), "utf8")).toBe("a");
		expect(listing(vault).sort()).toEqual(
			["mitre att&ck", "mitre att&ck/ENTERPRISE-attack", "mitre att&ck/ENTERPRISE-attack/techniques", "mitre att&ck/ENTERPRISE-attack/techniques/Brute Force.md", "mitre att&ck/ENTERPRISE-attack/techniques/Phishing.md"].sort(),
		);
	});

	it("long CJK and emoji names are shortened by bytes: created whole, the ID kept where two share a name", () => {
		const dir = tempDir();
		const vault = path.join(dir, "vault");
		mkdirSync(vault);
		const cjk = "\u7d44\u7e54\u7684\u306a\u653b\u6483".repeat(20);
		const family = "\u{1F468}\u200D\u{1F469}\u200D\u{1F467}\u200D\u{1F466}";
		const bundle = bundleWith(dir, { "T1204.003": cjk, "T1608.005": family.repeat(30), "T1110.003": cjk.slice(1), "T1110.004": cjk.slice(1) });
		const report = createMissing(vault, bundle);
		expect(report.failed).toEqual([]);
		const created = new Map(report.notes.filter((n) => n.action === "created").map((n) => [n.id, n.path]));
		for (const id of ["T1204.003", "T1608.005", "T1110.003", "T1110.004"]) {
			const file = created.get(id) ?? "";
			const name = file.slice(file.lastIndexOf("/") + 1);
			expect(Buffer.byteLength(name), name).toBeLessThanOrEqual(255);
			expect(readFileSync(path.join(vault, file), "utf8")).toContain(`attack_name:`);
		}
		expect(created.get("T1110.003")).toMatch(/ \(T1110\.003\)\.md$/);
		expect(created.get("T1110.004")).toMatch(/ \(T1110\.004\)\.md$/);
		expect(created.get("T1608.005")).toMatch(new RegExp(`/(${family})+\\.md$`, "u"));

		// A note whose name takes 255 bytes is updated too: its temporary file's name is cut to fit.
		const file = path.join(vault, created.get("T1204.003") ?? "");
		writeFileSync(file, readFileSync(file, "utf8").replace(/^attack_modified: .*$/m, "attack_modified: 2020-01-01T00:00:00.000Z"));
		const r = spawnSync(process.execPath, [CLI, "sync", "--vault", vault, "--bundle", bundle, "--json"], { encoding: "utf8" });
		expect(r.status, r.stderr).toBe(0);
		const again = JSON.parse(r.stdout) as Report;
		expect(again.notes.find((n) => n.id === "T1204.003")?.action).toBe("updated");
		expect(readFileSync(file, "utf8")).not.toContain("2020-01-01");
	});
});
