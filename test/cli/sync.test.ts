// `sync` as users run it: `node dist/cli.js sync --vault DIR --bundle FILE [--dry-run]
// [--create-missing] [--json]` on a copy of the sample vault on disk: the JSON report's shape,
// exit codes, dry runs and failures that write nothing, and a second run that writes nothing.
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CLI, ENTERPRISE_FIXTURE, FIXTURES, HAVE_SHARED, SHARED, SHARED_STIX } from "../helpers/paths";
import { tempDir } from "../helpers/temp";
import { copyWritable } from "../helpers/sample-vault";

function cli(...args: string[]) {
	const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8" });
	return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function copyVault(from = path.join(FIXTURES, "sample-vault")): string {
	const dir = path.join(tempDir("sync"), "vault");
	copyWritable(from, dir);
	return dir;
}

/** Every file's bytes and mtime, to prove nothing was written. */
function snapshot(dir: string): Map<string, string> {
	const out = new Map<string, string>();
	const walk = (rel: string) => {
		for (const name of readdirSync(path.join(dir, rel))) {
			const p = path.join(rel, name);
			const st = statSync(path.join(dir, p));
			if (st.isDirectory()) walk(p);
			else out.set(p, `${st.mtimeMs} ${readFileSync(path.join(dir, p), "base64")}`);
		}
	};
	walk("");
	return out;
}

interface Report {
	attackVersion: string | null;
	notes: Array<{ path: string; id: string | null; layout: string | null; action: string; reason?: string }>;
	summary: Record<string, number>;
}

const parse = (stdout: string) => JSON.parse(stdout) as Report;

describe("sync", () => {
	it("reports each note in the shape the issue gives, with vault-relative paths", () => {
		const vault = copyVault();
		const r = cli("sync", "--offline", "--vault", vault, "--bundle", ENTERPRISE_FIXTURE, "--attack-version", "18.1", "--json");
		expect(r.code, r.stderr).toBe(0);
		const report = parse(r.stdout);
		expect(report.attackVersion).toBe("18.1");
		expect(Object.keys(report.summary).sort()).toEqual(["created", "skipped", "unchanged", "updated"]);
		for (const n of report.notes) {
			expect(n.path).not.toMatch(/^\/|\\/);
			expect(["updated", "unchanged", "created", "skipped"]).toContain(n.action);
			if (n.action === "skipped") expect(n.reason).toBeTruthy();
		}
		const seed = report.notes.find((n) => n.path.endsWith("Enterprise-Attack/techniques/Malicious Link.md"));
		expect(seed).toMatchObject({ id: "T1204.001", layout: "classic", action: "updated" });
		expect(report.summary.updated).toBeGreaterThan(40);
		expect(report.summary.created).toBe(0);
	});

	it("a second sync writes nothing and reports 0 updated", () => {
		const vault = copyVault();
		expect(cli("sync", "--offline", "--vault", vault, "--bundle", ENTERPRISE_FIXTURE).code).toBe(0);
		const before = snapshot(vault);
		const r = cli("sync", "--offline", "--vault", vault, "--bundle", ENTERPRISE_FIXTURE, "--json");
		expect(parse(r.stdout).summary).toMatchObject({ updated: 0, created: 0 });
		expect(snapshot(vault)).toEqual(before);
	});

	it("--dry-run writes nothing, even with --create-missing, and says what it would do", () => {
		const vault = copyVault();
		const before = snapshot(vault);
		const r = cli("sync", "--offline", "--vault", vault, "--bundle", ENTERPRISE_FIXTURE, "--dry-run", "--create-missing");
		expect(r.code).toBe(0);
		expect(r.stdout).toMatch(/would be updated/);
		expect(r.stdout).toMatch(/would be created/);
		expect(snapshot(vault)).toEqual(before);
	});

	it("--create-missing creates notes once; a second run creates and updates nothing", () => {
		const vault = copyVault();
		const first = parse(cli("sync", "--offline", "--vault", vault, "--bundle", ENTERPRISE_FIXTURE, "--create-missing", "--json").stdout);
		expect(first.summary.created).toBeGreaterThan(10);
		const before = snapshot(vault);
		const second = parse(cli("sync", "--offline", "--vault", vault, "--bundle", ENTERPRISE_FIXTURE, "--create-missing", "--json").stdout);
		expect(second.summary).toMatchObject({ updated: 0, created: 0 });
		expect(snapshot(vault)).toEqual(before);
	});

	it("a bad bundle or a missing vault exits 1 with one clear line and writes nothing", () => {
		const vault = copyVault();
		const before = snapshot(vault);
		const truncated = path.join(tempDir("bad"), "cut.json");
		writeFileSync(truncated, readFileSync(ENTERPRISE_FIXTURE, "utf8").slice(0, 5000));
		const bad = cli("sync", "--vault", vault, "--bundle", truncated);
		expect(bad.code).toBe(1);
		expect(bad.stderr.trim().split("\n")).toHaveLength(1);
		expect(bad.stderr).toMatch(/not valid JSON/);
		const missing = cli("sync", "--vault", path.join(vault, "nope"), "--bundle", ENTERPRISE_FIXTURE);
		expect(missing.code).toBe(1);
		expect(missing.stderr).toMatch(/no such folder/);
		expect(snapshot(vault)).toEqual(before);
	});

	it("--previous-bundle: text the earlier release wrote is replaced, the user's stays", () => {
		const vault = copyVault();
		const previous = path.join(FIXTURES, "enterprise-attack-15.1-subset.json");
		const r = cli("sync", "--offline", "--vault", vault, "--bundle", ENTERPRISE_FIXTURE, "--previous-bundle", previous, "--attack-version", "18.1");
		expect(r.code, r.stderr).toBe(0);
		const dir = path.join(vault, "CyberSecurity/Security+/1-Threats-Attacks-Vulnerabilities/Attacking-Frameworks/MITRE ATT&CK/Enterprise-Attack");
		const read = (rel: string) => readFileSync(path.join(dir, rel), "utf8");
		// 15.1's description of M1017, which 18.1 rewrote entirely, is gone; without the flag it stays.
		expect(read("mitigations/User Training.md")).not.toContain("Train users to be aware of access or manipulation attempts");
		expect(read("mitigations/User Training.md")).toContain("User Training involves educating employees");
		// The user's words in the sample vault are all there.
		expect(read("techniques/Phishing.md")).toContain("> [!tip] Exam tip\n> Phishing = email; vishing = voice; smishing = SMS.");
		expect(read("techniques/Phishing.md")).toContain("- [ ] Make flashcards for spear phishing vs whaling");
		expect(read("techniques/Brute Force.md")).toContain("| CUSTOM-1 | Account lockout policy | My lab: lockout after 5 tries stopped hydra cold. |");
		expect(read("techniques/Brute Force.md")).toContain("<!-- I only care about Windows and Azure AD for the exam -->");
		expect(read("techniques/Valid Accounts.md")).toContain("My summary: stolen or default creds let an attacker skip exploitation entirely.[^mine]");
		expect(read("techniques/Valid Accounts.md")).toContain("[^mine]: My own summary from the CompTIA study guide, chapter 2.");
		const second = parse(cli("sync", "--offline", "--vault", vault, "--bundle", ENTERPRISE_FIXTURE, "--previous-bundle", previous, "--attack-version", "18.1", "--json").stdout);
		expect(second.summary).toMatchObject({ updated: 0, created: 0 });
	});

	it("usage errors exit 2", () => {
		expect(cli("sync", "--vault", "x").code).toBe(2);
		expect(cli("sync", "--bundle", ENTERPRISE_FIXTURE).code).toBe(2);
		expect(cli("sync", "--vault", "x", "--bundle", "y", "--attack-version", "latest").code).toBe(2);
	});
});

describe.skipIf(!HAVE_SHARED)("sync with the full bundles in ../shared", () => {
	it("syncs the shared sample vault to 18.1 (version from the file name), then nothing changes", () => {
		const vault = copyVault(path.join(SHARED, "sample-vault"));
		const bundle = path.join(SHARED_STIX, "enterprise-attack-18.1.stix20.json");
		const first = parse(cli("sync", "--offline", "--vault", vault, "--bundle", bundle, "--json").stdout);
		expect(first.attackVersion).toBe("18.1");
		expect(first.summary.updated).toBeGreaterThan(50);
		const before = snapshot(vault);
		const second = parse(cli("sync", "--offline", "--vault", vault, "--bundle", bundle, "--json").stdout);
		expect(second.summary).toMatchObject({ updated: 0, created: 0 });
		expect(snapshot(vault)).toEqual(before);
		const seed = readFileSync(path.join(vault, "CyberSecurity/Security+/1-Threats-Attacks-Vulnerabilities/Attacking-Frameworks/MITRE ATT&CK/Enterprise-Attack/techniques/Malicious Link.md"), "utf8");
		expect(seed).not.toContain("Mobile-Attack/");
		expect(seed).not.toContain("(Citation:");
	});
});
