// The CLI given bundle files it must refuse: Latin-1 text, fields of the wrong shape, a file far
// larger than any ATT&CK bundle. Each is one line on stderr, exit 1, and nothing written.
import { spawnSync } from "node:child_process";
import { closeSync, cpSync, ftruncateSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { latin1Bundle, stixIdOf, withObject } from "../helpers/bad-bundles";
import { CLI, ENTERPRISE_FIXTURE, FIXTURES } from "../helpers/paths";
import { readTree } from "../helpers/sample-vault";

const temps: string[] = [];
afterEach(() => {
	for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A temporary folder holding a copy of the sample vault (`vault/`) and `file` with `data`. */
function setUp(file: string, data: string | Buffer) {
	const dir = mkdtempSync(path.join(tmpdir(), "attack-sync-badinput-"));
	temps.push(dir);
	const vault = path.join(dir, "vault");
	cpSync(path.join(FIXTURES, "sample-vault"), vault, { recursive: true });
	const bundle = path.join(dir, file);
	writeFileSync(bundle, data);
	return { dir, vault, bundle };
}

function cli(...args: string[]) {
	const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8" });
	return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** inspect and sync both refuse the bundle with `message`, and the vault is as it was. */
function expectRefused(bundle: string, vault: string, message: string | RegExp) {
	const before = readTree(vault);
	for (const args of [["inspect", "--bundle", bundle], ["sync", "--vault", vault, "--bundle", bundle], ["sync", "--vault", vault, "--bundle", bundle, "--create-missing"]]) {
		const r = cli(...args);
		expect(r.code, `${args[0]}: ${r.stdout}`).toBe(1);
		expect(r.stdout).toBe("");
		expect(r.stderr.split("\n"), r.stderr).toHaveLength(2);
		expect(r.stderr).toMatch(/^attack-sync: .*\.\n$/);
		if (typeof message === "string") expect(r.stderr).toContain(message);
		else expect(r.stderr).toMatch(message);
		expect(r.stderr).not.toContain("internal error");
	}
	expect(readTree(vault)).toEqual(before);
}

describe("a bundle file that is not UTF-8", () => {
	it("is refused, naming the first bad byte; no note gets U+FFFD", () => {
		const bytes = latin1Bundle();
		const { vault, bundle } = setUp("latin1.json", bytes);
		const at = (bytes.findIndex((b) => b >= 0x80) + 1).toLocaleString("en-US");
		expectRefused(bundle, vault, `attack-sync: ${bundle}: not UTF-8 text (byte ${at} is not valid UTF-8); an ATT&CK bundle is UTF-8 JSON, so this file is in another encoding or damaged.\n`);
	});
});

describe("a UTF-8 bundle that starts with a byte order mark", () => {
	it("is read as the same bundle without it", () => {
		const json = readFileSync(ENTERPRISE_FIXTURE);
		const plain = setUp("plain.json", json);
		const marked = setUp("bom.json", Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), json]));
		const a = cli("inspect", "--bundle", plain.bundle, "--json");
		const b = cli("inspect", "--bundle", marked.bundle, "--json");
		expect(b.code, b.stderr).toBe(0);
		expect(b.stdout.replaceAll("bom.json", "plain.json").replaceAll(marked.dir, plain.dir)).toBe(a.stdout);
	});
});

describe("a bundle with a field of the wrong shape", () => {
	it("kill_chain_phases a string: refused naming the object and the field, not synced into empty cells", () => {
		const id = stixIdOf("T1204.001");
		const { vault, bundle } = setUp("crafted.json", withObject(id, (o) => (o.kill_chain_phases = "execution")));
		expectRefused(bundle, vault, `attack-sync: ${bundle}: not a valid ATT&CK bundle: ${id} has "kill_chain_phases" of the wrong shape (expected a list of objects with "kill_chain_name" and "phase_name" strings).\n`);
	});

	it("external_references null: refused naming the object and the field", () => {
		const id = stixIdOf("M1017");
		const { vault, bundle } = setUp("crafted.json", withObject(id, (o) => (o.external_references = null)));
		expectRefused(bundle, vault, `${bundle}: not a valid ATT&CK bundle: ${id} has "external_references" of the wrong shape (expected a list of references`);
	});
});

describe("a bundle file far larger than any ATT&CK bundle", () => {
	it("a 2 GB file is refused before it is read", () => {
		const { vault, dir } = setUp("unused.json", "");
		// Sparse: 2 GB long, nothing on disk.
		const big = path.join(dir, "big.json");
		const fd = openSync(big, "w");
		ftruncateSync(fd, 2 * 1024 ** 3);
		closeSync(fd);
		expectRefused(big, vault, `attack-sync: ${big}: it is 2,048 MB, larger than the 300 MB an ATT&CK bundle can be (Enterprise is about 45 MB); it was not read.\n`);
	});

	it("the cap can be lowered (ATTACK_SYNC_MAX_BUNDLE_BYTES), and a bad value is one sentence", () => {
		const { bundle } = setUp("e.json", "x".repeat(2000));
		let r = spawnSync(process.execPath, [CLI, "inspect", "--bundle", bundle], { encoding: "utf8", env: { ...process.env, ATTACK_SYNC_MAX_BUNDLE_BYTES: "1000" } });
		expect(r.status).toBe(1);
		expect(r.stderr).toBe(`attack-sync: ${bundle}: it is 2,000 bytes, larger than the 1,000 bytes an ATT&CK bundle can be (Enterprise is about 45 MB); it was not read.\n`);
		r = spawnSync(process.execPath, [CLI, "inspect", "--bundle", bundle], { encoding: "utf8", env: { ...process.env, ATTACK_SYNC_MAX_BUNDLE_BYTES: "lots" } });
		expect(r.status).toBe(1);
		expect(r.stderr).toBe('attack-sync: ATTACK_SYNC_MAX_BUNDLE_BYTES must be a positive whole number of bytes, not "lots".\n');
	});
});
