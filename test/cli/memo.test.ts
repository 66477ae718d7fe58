// The CLI's sync memo (`.obsidian/plugins/attack-sync/last-sync.json`): a resync of a vault
// exactly as the last sync left it reports what a full one (`--recheck`) does; a note changed
// since is synced in full; a dry run leaves no memo. Runs on the bundled Enterprise subset.
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli";
import { ENTERPRISE_FIXTURE } from "../helpers/paths";
import { tempDir } from "../helpers/temp";

interface Report {
	summary: Record<string, number>;
	notes: Array<{ path: string; action: string }>;
}

describe("sync's memo of the vault it left", () => {
	it("skips the work on an unchanged vault, and only then", async () => {
		const vault = tempDir("memo");
		const memo = path.join(vault, ".obsidian", "plugins", "attack-sync", "last-sync.json");
		const sync = async (...more: string[]) => {
			const r = await runCli(["sync", "--vault", vault, "--bundle", ENTERPRISE_FIXTURE, "--attack-version", "18.1", "--create-missing", "--offline", "--json", "--no-backup", ...more], {}, { memo: true });
			expect(r.stderr).toBe("");
			expect(r.code).toBe(0);
			return JSON.parse(r.stdout) as Report;
		};

		// A dry run writes nothing, the memo neither.
		expect((await sync("--dry-run")).summary.created).toBeGreaterThan(0);
		expect(existsSync(memo)).toBe(false);
		expect((await sync()).summary.created).toBeGreaterThan(0);
		expect(JSON.parse(readFileSync(memo, "utf8"))).toEqual({ fingerprint: expect.stringMatching(/^[0-9a-f]{64}$/) as string });

		// The same report with the memo as with every note worked out again.
		const resync = await sync();
		expect(resync.summary.updated + resync.summary.created).toBe(0);
		expect(await sync("--recheck")).toEqual(resync);

		// A note changed since is synced in full: an ATT&CK key the user changed is put back.
		const dir = path.join(vault, "MITRE ATT&CK", "Enterprise-Attack", "techniques");
		const file = path.join(dir, readdirSync(dir).sort()[0]);
		const text = readFileSync(file, "utf8");
		writeFileSync(file, text.replace(/^attack_name: .*$/m, "attack_name: Something else"));
		const fixed = await sync();
		expect(fixed.notes.filter((n) => n.action === "updated").map((n) => path.join(vault, n.path))).toEqual([file]);
		expect(readFileSync(file, "utf8")).toBe(text);
	});
});
