// A --create-missing run that stops partway (killed, a full disk, cancelled), then runs again,
// leaves the vault exactly as one uninterrupted run does: the same files, byte for byte. New
// notes' names are decided from the bundle, not from which notes the stopped run got to create:
// with "Spearphishing Link" wanted by two objects, a rerun that finds one of them created must
// still give the other its ID (`Spearphishing Link (T1204.003)`), as the first run planned.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { FsVault } from "../../src/cli/fs-vault";
import { nodeIo, type WriteIo } from "../../src/cli/write-file";
import { loadBundle, type AttackModel } from "../../src/core/attack/model";
import { runSync } from "../../src/core/commands/sync";
import { ENTERPRISE_FIXTURE, HAVE_SHARED, SHARED_STIX } from "../helpers/paths";
import { MemoryVault } from "../helpers/memory-vault";
import { readTree } from "../helpers/sample-vault";

/** The 18.1 subset, with names shared the way ATT&CK shares some (T1566.002 and T1598.003). */
function collidingModel(): AttackModel {
	const bundle = JSON.parse(readFileSync(ENTERPRISE_FIXTURE, "utf8")) as { objects: Array<{ name?: string; external_references?: Array<{ external_id?: string }> }> };
	const rename: Record<string, string> = { "T1204.003": "Spearphishing Link", "T1608.005": "Malicious Link", "T1110.004": "password spraying" };
	for (const o of bundle.objects) {
		const id = o.external_references?.[0]?.external_id;
		if (id !== undefined && id in rename) o.name = rename[id];
	}
	return loadBundle(JSON.stringify(bundle), "enterprise-attack-18.1.json");
}

const model = collidingModel();

async function uninterrupted(m: AttackModel): Promise<Map<string, string | Uint8Array>> {
	const vault = new MemoryVault();
	const { report } = await runSync(vault, m, { createMissing: true });
	expect(report.failed).toEqual([]);
	return vault.files;
}

/** A vault holding only `keep` of the files a full run created, then synced again. */
async function rerun(m: AttackModel, full: Map<string, string | Uint8Array>, keep: (path: string, i: number) => boolean) {
	const vault = new MemoryVault(Object.fromEntries([...full].filter(([p], i) => keep(p, i))));
	await runSync(vault, m, { createMissing: true });
	return vault.files;
}

const sorted = (files: Map<string, string | Uint8Array>) => [...files].sort(([a], [b]) => (a < b ? -1 : 1));

describe("an interrupted --create-missing, run again, ends as one uninterrupted run", () => {
	it("the colliding names get their IDs in an uninterrupted run", async () => {
		const names = [...(await uninterrupted(model)).keys()].map((p) => p.slice(p.lastIndexOf("/") + 1));
		expect(names).toEqual(expect.arrayContaining(["Spearphishing Link (T1204.003).md", "Spearphishing Link (T1566.002).md", "Malicious Link (T1204.001).md", "Malicious Link (T1608.005).md"]));
		expect(names).toEqual(expect.arrayContaining(["Password Spraying (T1110.003).md", "password spraying (T1110.004).md"]));
		expect(names).not.toContain("Spearphishing Link.md");
	});

	it("whichever notes the first run created (the first N in write order, every other one, one of a pair)", async () => {
		const full = await uninterrupted(model);
		const paths = [...full.keys()].sort();
		const cases: Array<[string, (p: string, i: number) => boolean]> = [
			["none", () => false],
			["the first one", (p) => p === paths[0]],
			["the first half", (p) => paths.indexOf(p) < paths.length / 2],
			["every other one", (_p, i) => i % 2 === 0],
			["all but the last", (p) => p !== paths[paths.length - 1]],
			["one of each colliding pair", (p) => /\((T1566\.002|T1204\.001|T1110\.003)\)\.md$/.test(p)],
			["the other of each pair", (p) => /\((T1204\.003|T1608\.005|T1110\.004)\)\.md$/.test(p)],
		];
		for (const [what, keep] of cases) expect(sorted(await rerun(model, full, keep)), what).toEqual(sorted(full));
	});

	it("on disk: writes that fail after N notes, then a run on a working disk", async () => {
		const dirs: string[] = [];
		const fresh = () => {
			const d = mkdtempSync(path.join(tmpdir(), "attack-sync-interrupted-"));
			dirs.push(d);
			return d;
		};
		try {
			const reference = fresh();
			await runSync(new FsVault(reference), model, { createMissing: true });
			const expected = readTree(reference);
			const total = Object.keys(expected).length;
			expect(total).toBeGreaterThan(40);
			for (const n of [1, 7, Math.floor(total / 2), total - 1]) {
				const dir = fresh();
				let opened = 0;
				const failingAfter: WriteIo = {
					...nodeIo,
					openSync: (file, flags, mode) => {
						if (++opened > n) throw Object.assign(new Error("ENOSPC: no space left on device, open"), { code: "ENOSPC" });
						return nodeIo.openSync(file, flags, mode);
					},
				};
				const first = await runSync(new FsVault(dir, ".obsidian", failingAfter), model, { createMissing: true });
				expect(first.report.summary.created, `after ${n}`).toBe(n);
				await runSync(new FsVault(dir), model, { createMissing: true });
				expect(readTree(dir), `interrupted after ${n} notes`).toEqual(expected);
			}
		} finally {
			for (const d of dirs) rmSync(d, { recursive: true, force: true });
		}
	});
});

describe.skipIf(!HAVE_SHARED)("the same with the full Enterprise 18.1 bundle in ../shared", () => {
	it("half the created notes deleted, then a rerun: the same files byte for byte", async () => {
		const full18 = loadBundle(readFileSync(path.join(SHARED_STIX, "enterprise-attack-18.1.stix20.json"), "utf8"), "enterprise-attack-18.1.json");
		const full = await uninterrupted(full18);
		expect(full.size).toBeGreaterThan(700);
		expect([...full.keys()]).toEqual(expect.arrayContaining([expect.stringMatching(/\/Spearphishing Link \(T1566\.002\)\.md$/), expect.stringMatching(/\/Spearphishing Link \(T1598\.003\)\.md$/)]));
		for (const keep of [(_p: string, i: number) => i % 2 === 0, (_p: string, i: number) => i % 2 === 1, (p: string) => /\(T1566\.002\)/.test(p)]) {
			expect(sorted(await rerun(full18, full, keep))).toEqual(sorted(full));
		}
	});
});
