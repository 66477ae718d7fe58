// `attack-sync undo`: the CLI keeps what a sync changes where the plugin keeps its own (its folder in
// the vault's config folder, the core's UndoLog format), so each undoes the other's syncs, byte for
// byte; a note changed since the sync is left alone and named.
import { copyFileSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import type { UndoRecord } from "../../src/core/sync/undo";
import { runCli } from "../helpers/cli";
import { PLUGIN_DIR, settle, startPlugin } from "../helpers/plugin-harness";
import { ENTERPRISE_FIXTURE, FIXTURES } from "../helpers/paths";
import { copyWritable } from "../helpers/sample-vault";
import { tempDir } from "../helpers/temp";

const SYNC = ["--bundle", ENTERPRISE_FIXTURE, "--previous-bundle", path.join(FIXTURES, "enterprise-attack-15.1-subset.json"), "--offline"];
const UNDO_DIR = path.join(PLUGIN_DIR, "undo");

/** Every file of the vault but the plugin's folder, by vault path: its bytes. */
function files(root: string, rel = "", out = new Map<string, string>()): Map<string, string> {
	for (const name of readdirSync(path.join(root, rel))) {
		const p = rel === "" ? name : `${rel}/${name}`;
		if (p === PLUGIN_DIR) continue;
		if (statSync(path.join(root, p)).isDirectory()) files(root, p, out);
		else out.set(p, readFileSync(path.join(root, p), "base64"));
	}
	return out;
}

function copyVault(): string {
	const dir = path.join(tempDir("undo"), "vault");
	copyWritable(path.join(FIXTURES, "sample-vault"), dir);
	return dir;
}

const records = (root: string) => (existsSync(path.join(root, UNDO_DIR)) ? readdirSync(path.join(root, UNDO_DIR)) : []);

describe("attack-sync undo", () => {
	it("restores a CLI sync byte for byte, created notes deleted, from a backup in the plugin's folder", async () => {
		const root = copyVault();
		const before = files(root);
		const dry = await runCli(["sync", "--vault", root, ...SYNC, "--create-missing", "--dry-run"]);
		expect(dry.code, dry.stderr).toBe(0);
		expect(records(root)).toEqual([]);

		const sync = await runCli(["sync", "--vault", root, ...SYNC, "--create-missing", "--json"]);
		expect(sync.code, sync.stderr).toBe(0);
		const summary = (JSON.parse(sync.stdout) as { summary: Record<string, number> }).summary;
		expect(summary.updated).toBeGreaterThan(40);
		expect(summary.created).toBeGreaterThan(0);
		const [name] = records(root);
		expect(records(root)).toEqual([expect.stringMatching(/^undo-\d{8}T\d{9}Z\.json$/)]);
		const record = JSON.parse(readFileSync(path.join(root, UNDO_DIR, name), "utf8")) as UndoRecord;
		expect(record).toMatchObject({ id: name.slice(5, -5), attackVersion: "18.1" });
		expect(record.files).toHaveLength(summary.updated + summary.created);
		expect(record.files.filter((f) => f.before === null)).toHaveLength(summary.created);
		expect(files(root)).not.toEqual(before);

		const undo = await runCli(["undo", "--vault", root]);
		expect(undo.code, undo.stderr).toBe(0);
		expect(undo.stdout).toBe(`Restored ${summary.updated} notes and deleted the ${summary.created} the sync created.\n`);
		expect(files(root)).toEqual(before);
		expect(records(root)).toEqual([]);
		const again = await runCli(["undo", "--vault", root]);
		expect(again).toMatchObject({ code: 0, stdout: "There is no sync to undo.\n" });
	});

	it("leaves a note changed since the sync as it is, names it, keeps the record and exits 1", async () => {
		const root = copyVault();
		const sync = await runCli(["sync", "--vault", root, ...SYNC, "--json"]);
		expect(sync.code, sync.stderr).toBe(0);
		const seed = "CyberSecurity/Security+/1-Threats-Attacks-Vulnerabilities/Attacking-Frameworks/MITRE ATT&CK/Enterprise-Attack/techniques/Malicious Link.md";
		const edited = `${readFileSync(path.join(root, seed), "utf8")}\nMy own line, written after the sync.\n`;
		writeFileSync(path.join(root, seed), edited);
		const undo = await runCli(["undo", "--vault", root, "--json"]);
		expect(undo.code).toBe(1);
		const result = JSON.parse(undo.stdout) as { restored: string[]; refused: Array<{ path: string; reason: string }>; message: string };
		expect(result.refused).toEqual([{ path: seed, reason: "changed since the sync" }]);
		expect(result.restored.length).toBeGreaterThan(40);
		expect(result.message).toContain("1 was changed since the sync and was left as it is: Malicious Link");
		expect(readFileSync(path.join(root, seed), "utf8")).toBe(edited);
		expect(records(root)).toHaveLength(1);
	});

	it("undoes a sync the plugin made, and the plugin's Undo last sync undoes one the CLI made", async () => {
		const t = await startPlugin();
		onTestFinished(t.dispose);
		// The plugin's data, from a bundle file in the vault (the offline import).
		copyFileSync(ENTERPRISE_FIXTURE, path.join(t.root, "enterprise-attack-18.1.json"));
		await t.importFile("enterprise-attack-18.1.json");
		const before = files(t.root);

		// Plugin sync, CLI undo.
		const report = await t.plugin.api.sync({ createMissing: true });
		expect(report.summary.updated).toBeGreaterThan(40);
		expect(report.summary.created).toBeGreaterThan(0);
		expect(files(t.root)).not.toEqual(before);
		const undo = await runCli(["undo", "--vault", t.root]);
		expect(undo.code, undo.stderr).toBe(0);
		expect(undo.stdout).toMatch(/^Restored \d+ notes and deleted the \d+ the sync created\.\n$/);
		expect(files(t.root)).toEqual(before);

		// CLI sync, plugin undo.
		const sync = await runCli(["sync", "--vault", t.root, ...SYNC, "--create-missing"]);
		expect(sync.code, sync.stderr).toBe(0);
		expect(files(t.root)).not.toEqual(before);
		// The command palette's "Undo last sync": it names the sync it undoes and waits for a yes.
		await t.run("undo-last-sync");
		const confirm = t.registered.modals.at(-1);
		confirm?.contentEl.children.find((c) => c.cls.includes("modal-button-container"))?.children[0]?.click();
		await settle(t.plugin);
		expect(t.lastNotice()).toMatch(/^ATT&CK Sync: Restored \d+ notes and deleted the \d+ the sync created\.$/);
		expect(files(t.root)).toEqual(before);
		expect(records(t.root)).toEqual([]);
	});
});
