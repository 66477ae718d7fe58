// The plugin's sync knows the release each note was written from, as the CLI's does: notes a
// generator wrote from ATT&CK 17.1 (../shared/peer-vaults, no attack_version), with only 18.1
// cached in the plugin. The sync reads index.json and downloads 17.1 once (requestUrl to a real
// server on 127.0.0.1 serving ../shared/attack-stix as attack-stix-data does), keeps a compact
// copy in the plugin's `releases/` folder, shows each note's release in the preview, and writes
// exactly what the CLI writes when told the release (`--previous-bundle ...17.1...`). A second
// sync downloads nothing and writes nothing. Skipped without ../shared.
// On the committed fixtures (the sample vault, written from 15.1): a release that cannot be
// downloaded is one notice and the sync writes what the CLI's --offline writes; a cancel of the
// preview's notice stops a download under way and asks for nothing more.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli";
import { startLocalServer, type LocalServer } from "../helpers/local-server";
import { makeFolderApp } from "../helpers/obsidian-stand-in";
import { ENTERPRISE_FIXTURE, FIXTURES, HAVE_SHARED, MAIN_JS, SHARED, SHARED_STIX, readText } from "../helpers/paths";
import { fixtureIndex } from "../helpers/fixture-index";
import { PLUGIN_DIR, loadMainJs, settle } from "../helpers/plugin-harness";
import { tempDir } from "../helpers/temp";

const PEER = path.join(SHARED, "peer-vaults", "vincenzocaputo-17.1");
/**
 * Techniques whose description changed in 18.1 (two gained a mitigation), a mitigation, a group:
 * 17.1 explains all their ATT&CK lines, so 15.1 (served too) is never needed. (Account Access
 * Removal would cost 15.1 as well, in the CLI too: a line of it 17.1 does not explain.)
 */
const NOTES = ["techniques/Rootkit.md", "techniques/External Remote Services.md", "techniques/Forced Authentication.md", "techniques/Email Spoofing.md", "techniques/Exploit Public-Facing Application.md", "mitigations/Audit.md", "groups/FIN7.md"];
/** The releases served, each as attack-stix-data's file of that release. */
const SERVED = ["18.1", "17.1", "15.1"];
const bundle = (v: string) => path.join(SHARED_STIX, `enterprise-attack-${v}.stix20.json`);

interface Report {
	summary: Record<string, number>;
	notes: Array<{ path: string; action: string; baseRelease?: string | null }>;
	warnings: string[];
	downloaded: string[];
}

interface Plugin {
	onload(): Promise<void>;
	settings: Record<string, unknown>;
	saveSettings(): Promise<void>;
	api: {
		fetchData(o: { domain: string; version?: string }): Promise<{ domain: string; attackVersion: string | null }>;
		sync(o?: { dryRun?: boolean }): Promise<Report>;
	};
}

let server: LocalServer;
const requests: string[] = [];
/** The fixtures as attack-stix-data: under /ok/, /fail/ (every bundle but 18.1 a 500) and /hold/ (17.1 sent only once released). */
let fixtures: LocalServer;
const fixtureRequests: string[] = [];
const FIXTURE_FILES: Record<string, string> = {
	"enterprise-attack/enterprise-attack-18.1.json": ENTERPRISE_FIXTURE,
	"enterprise-attack/enterprise-attack-17.1.json": path.join(FIXTURES, "enterprise-attack-17.1-subset.json"),
	"enterprise-attack/enterprise-attack-15.1.json": path.join(FIXTURES, "enterprise-attack-15.1-subset.json"),
};
let held: { arrived: Promise<void>; release: () => void; sent: Promise<void> };
function holdNext(): void {
	let arrived = () => undefined as void;
	let release = () => undefined as void;
	let sent = () => undefined as void;
	const a = new Promise<void>((r) => (arrived = r));
	const go = new Promise<void>((r) => (release = r));
	const done = new Promise<void>((r) => (sent = r));
	held = { arrived: a, release, sent: done };
	heldHooks = { arrived, go, sent };
}
let heldHooks: { arrived: () => void; go: Promise<void>; sent: () => void } | null = null;

beforeAll(async () => {
	if (!HAVE_SHARED) return;
	// The real index.json, listing the releases this server has (the others would be 404s).
	const index = JSON.parse(readText(path.join(SHARED_STIX, "index.json"))) as { collections: Array<{ name: string; versions: Array<{ version: string }> }> };
	index.collections = index.collections.filter((c) => c.name === "Enterprise ATT&CK").map((c) => ({ ...c, versions: c.versions.filter((v) => SERVED.includes(v.version)) }));
	const indexText = JSON.stringify(index);
	server = await startLocalServer((req, res) => {
		const url = req.url ?? "";
		requests.push(url);
		const file = /^\/enterprise-attack\/enterprise-attack-(\d+\.\d+)\.json$/.exec(url)?.[1];
		if (url === "/index.json") res.end(indexText);
		else if (file !== undefined && SERVED.includes(file)) res.end(readFileSync(bundle(file)));
		else {
			res.statusCode = 404;
			res.end("not found");
		}
	});
});

beforeAll(async () => {
	const index = fixtureIndex(Object.keys(FIXTURE_FILES));
	fixtures = await startLocalServer((req, res) => {
		const url = req.url ?? "";
		fixtureRequests.push(url);
		const [, mode, file] = /^\/(ok|fail|hold)\/(.*)$/.exec(url) ?? [];
		const bytes = FIXTURE_FILES[file ?? ""];
		if (file === "index.json") res.end(index);
		else if (bytes === undefined || (mode === "fail" && !file.endsWith("-18.1.json"))) {
			res.statusCode = mode === "fail" ? 500 : 404;
			res.end("no");
		} else if (mode === "hold" && file.endsWith("-17.1.json") && heldHooks) {
			const hooks = heldHooks;
			hooks.arrived();
			void hooks.go.then(() => res.end(readFileSync(bytes), () => hooks.sent()));
		} else res.end(readFileSync(bytes));
	});
});

afterAll(async () => {
	if (HAVE_SHARED) await server.close();
	await fixtures.close();
});

/** The plugin on a copy of the sample vault, with Enterprise 18.1 (the fixture) fetched and cached. */
async function samplePlugin(temp: string) {
	const vault = path.join(temp, "vault");
	cpSync(path.join(FIXTURES, "sample-vault"), vault, { recursive: true });
	const loaded = loadMainJs<Plugin>(readText(MAIN_JS));
	const folder = makeFolderApp(loaded.obsidian, vault);
	const plugin = new loaded.Plugin(folder.app, { id: "attack-sync", version: "0.1.0" });
	await plugin.onload();
	Object.assign(plugin.settings, { baseUrl: `${fixtures.url}ok/` });
	await plugin.saveSettings();
	await plugin.api.fetchData({ domain: "enterprise-attack" });
	return { ...loaded, ...folder, vault, plugin };
}

/** Every note of a vault folder (dot-folders aside), by path. */
function notesOf(root: string, rel = ""): Map<string, string> {
	const out = new Map<string, string>();
	for (const e of readdirSync(path.join(root, rel), { withFileTypes: true })) {
		if (e.name.startsWith(".")) continue;
		const p = rel === "" ? e.name : `${rel}/${e.name}`;
		if (e.isDirectory()) for (const [k, v] of notesOf(root, p)) out.set(k, v);
		else out.set(p, readFileSync(path.join(root, p), "utf8"));
	}
	return out;
}

describe.skipIf(!HAVE_SHARED)("the plugin's sync infers each note's base release", () => {
	it("downloads 17.1 once, caches it, writes what the CLI writes told the release; a second sync asks and writes nothing", async () => {
		const temp = tempDir("plugin-bases");
		const vault = path.join(temp, "vault");
		const cliVault = path.join(temp, "cli-vault");
		// Their bytes, not the shared files' read-only mode.
		for (const n of NOTES) {
			for (const root of [vault, cliVault]) {
				mkdirSync(path.dirname(path.join(root, n)), { recursive: true });
				writeFileSync(path.join(root, n), readFileSync(path.join(PEER, n)));
			}
		}

		const loaded = loadMainJs<Plugin>(readText(MAIN_JS));
		const folder = makeFolderApp(loaded.obsidian, vault);
		const plugin = new loaded.Plugin(folder.app, { id: "attack-sync", version: "0.1.0" });
		await plugin.onload();
		Object.assign(plugin.settings, { baseUrl: server.url });
		await plugin.saveSettings();
		// Only 18.1 is cached.
		await plugin.api.fetchData({ domain: "enterprise-attack", version: "18.1" });
		expect(readdirSync(path.join(vault, PLUGIN_DIR)).filter((f) => f.startsWith("cache-"))).toEqual(["cache-enterprise-attack.json"]);

		// The preview: the list of releases and 17.1 asked for once, each note's release shown.
		requests.length = 0;
		await loaded.registered.commands.find((c) => c.id === "sync-all")?.callback?.();
		await settle(plugin);
		expect(requests).toEqual(["/index.json", "/enterprise-attack/enterprise-attack-17.1.json"]);
		const releases = path.join(vault, PLUGIN_DIR, "releases");
		expect(readdirSync(releases)).toEqual(["enterprise-attack-17.1.json"]);
		expect(readFileSync(path.join(releases, "enterprise-attack-17.1.json"), "utf8")).toMatch(/^\{"type":"bundle".*"x_attack_sync_cache":\{"domain":"enterprise-attack"/);
		const preview = loaded.registered.modals.at(-1);
		const rows = preview?.contentEl.children.find((c) => c.cls === "attack-sync-scroll")?.children.find((c) => c.cls === "attack-sync-rows")?.children ?? [];
		const rootkit = rows.find((r) => r.allText().split("\n").includes("Rootkit"));
		expect(rootkit?.allText()).toContain("Written from ATT&CK 17.1");
		// The download is a step of the preview's notice (whose click cancels it); nothing failed.
		expect(loaded.registered.notices).toContain("ATT&CK Sync: preparing the sync preview: downloading release 17.1 to tell its text from yours… Click to cancel.");
		expect(loaded.registered.notices.filter((n) => /could not/.test(n))).toEqual([]);
		expect(folder.writes).toEqual([]);
		// Apply.
		preview?.contentEl.children.find((c) => c.cls.includes("modal-button-container"))?.children[0]?.click();
		await settle(plugin);
		expect(folder.writes.length).toBeGreaterThan(0);

		// The CLI, told the release, writes the same bytes.
		const r = await runCli(["sync", "--vault", cliVault, "--bundle", bundle("18.1"), "--previous-bundle", bundle("17.1"), "--offline", "--cache-dir", path.join(temp, "cli-cache"), "--no-backup", "--json"]);
		expect(r.code, r.stderr).toBe(0);
		const cli = JSON.parse(r.stdout) as Report;
		expect(cli.summary.updated).toBe(NOTES.length);
		const mine = notesOf(vault);
		const theirs = notesOf(cliVault);
		expect([...mine.keys()].sort()).toEqual([...theirs.keys()].sort());
		for (const [p, text] of theirs) expect(mine.get(p), p).toBe(text);

		// Again: the notes record 18.1; nothing is asked of the network, nothing written.
		requests.length = 0;
		const written = folder.writes.length;
		const again = await plugin.api.sync();
		expect(again.summary).toMatchObject({ updated: 0, created: 0 });
		expect(again.downloaded).toEqual([]);
		expect(again.warnings).toEqual([]);
		expect(requests).toEqual([]);
		expect(folder.writes.length).toBe(written);
		expect(existsSync(path.join(releases, "enterprise-attack-17.1.json.tmp"))).toBe(false);
	}, 240_000);
});

describe("the plugin's sync when an earlier release cannot be had", () => {
	it("says so in one notice and writes what the CLI writes --offline: nothing it cannot attribute removed", async () => {
		const temp = tempDir("plugin-bases-fail");
		const t = await samplePlugin(temp);
		t.plugin.settings.baseUrl = `${fixtures.url}fail/`;
		fixtureRequests.length = 0;
		const report = await t.plugin.api.sync();
		// 17.1 and 15.1 were asked for (newest first), and neither came.
		expect(fixtureRequests).toEqual(["/fail/index.json", "/fail/enterprise-attack/enterprise-attack-17.1.json", "/fail/enterprise-attack/enterprise-attack-15.1.json"]);
		expect(report.downloaded).toEqual([]);
		expect(report.warnings).toHaveLength(2);
		const notices = t.registered.notices.filter((n) => /could not be downloaded/.test(n));
		expect(notices).toHaveLength(1);
		expect(notices[0]).toMatch(/^ATT&CK Sync: release 17\.1 could not be downloaded: could not download http:\/\/127\.0\.0\.1:\d+\/fail\/enterprise-attack\/enterprise-attack-17\.1\.json: HTTP 500[^.]*\(and 1 more\)\. \d+ notes keep the old ATT&CK text sync could not tell from yours; sync again once it can be downloaded\.$/);
		expect(report.notes.some((n) => n.baseRelease === null)).toBe(true);
		expect(existsSync(path.join(t.vault, PLUGIN_DIR, "releases"))).toBe(false);

		const cliVault = path.join(temp, "cli-vault");
		cpSync(path.join(FIXTURES, "sample-vault"), cliVault, { recursive: true });
		const r = await runCli(["sync", "--offline", "--vault", cliVault, "--bundle", ENTERPRISE_FIXTURE, "--attack-version", "18.1", "--cache-dir", path.join(temp, "cli-cache"), "--no-backup"]);
		expect(r.code, r.stderr).toBe(0);
		const theirs = notesOf(cliVault);
		const mine = notesOf(t.vault);
		expect([...mine.keys()].sort()).toEqual([...theirs.keys()].sort());
		for (const [p, text] of theirs) expect(mine.get(p), p).toBe(text);
	}, 120_000);

	it("a cancel of the preview's notice stops a download under way; nothing is kept and nothing more is asked", async () => {
		const temp = tempDir("plugin-bases-cancel");
		const t = await samplePlugin(temp);
		t.plugin.settings.baseUrl = `${fixtures.url}hold/`;
		fixtureRequests.length = 0;
		holdNext();
		const started = t.registered.commands.find((c) => c.id === "sync-all")?.callback?.();
		// 17.1 is on its way: the user clicks the notice that says so.
		await held.arrived;
		const notice = t.registered.noticeObjects?.at(-1);
		const shown = () => t.registered.notices.filter((n) => !n.startsWith("[request]"));
		expect(shown().at(-1)).toBe("ATT&CK Sync: preparing the sync preview: downloading release 17.1 to tell its text from yours… Click to cancel.");
		notice?.messageEl.click();
		await started;
		await settle(t.plugin);
		expect(shown().at(-1)).toBe("ATT&CK Sync: preparing the sync preview was cancelled; nothing was changed.");
		// The bundle arrives after the cancel: dropped, not kept, and no other release is asked for.
		held.release();
		await held.sent;
		await settle(t.plugin);
		expect(fixtureRequests).toEqual(["/hold/index.json", "/hold/enterprise-attack/enterprise-attack-17.1.json"]);
		expect(existsSync(path.join(t.vault, PLUGIN_DIR, "releases"))).toBe(false);
		expect(t.registered.modals).toEqual([]);
		expect(t.writes).toEqual([]);
		expect(t.registered.notices.filter((n) => /could not/.test(n))).toEqual([]);
	}, 120_000);
});
