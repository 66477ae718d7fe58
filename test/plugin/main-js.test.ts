// The built main.js, loaded the way Obsidian mobile loads it: a CommonJS module whose `require`
// knows only `obsidian`, in a context with no Node built-ins (no process, Buffer, fs, global).
// Its commands and `plugin.api` then run end to end on a copy of the sample vault on disk,
// through an Obsidian stand-in (test/helpers/obsidian-stand-in.ts), with `requestUrl` answered by
// a real HTTP server on 127.0.0.1 serving the ATT&CK index and the committed fixture bundle.
import { builtinModules } from "node:module";
import vm from "node:vm";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENTERPRISE_FIXTURE, FIXTURES, MAIN_JS, readText } from "../helpers/paths";
import { startLocalServer, type LocalServer } from "../helpers/local-server";
import { makeFolderApp } from "../helpers/obsidian-stand-in";
import { tempDir } from "../helpers/temp";
import { loadMainJs } from "../helpers/plugin-harness";

const code = readText(MAIN_JS);
const SEED = "CyberSecurity/Security+/1-Threats-Attacks-Vulnerabilities/Attacking-Frameworks/MITRE ATT&CK/Enterprise-Attack/techniques/Malicious Link.md";
const PLUGIN_DIR = ".obsidian/plugins/attack-sync";

interface LoadedPlugin {
	onload(): Promise<void>;
	settings: Record<string, unknown>;
	saveSettings(): Promise<void>;
	api: {
		fetchData(o: { domain: string; version?: string }): Promise<{ domain: string; attackVersion: string | null }>;
		sync(o?: { dryRun?: boolean; createMissing?: boolean }): Promise<{ summary: Record<string, number>; notes: Array<{ path: string; action: string }> }>;
		checkLinks(o?: { fix?: boolean }): Promise<{ summary: Record<string, number>; links: Array<Record<string, unknown>> }>;
		undoLastSync(): Promise<string>;
	};
}

const loadPlugin = () => loadMainJs<LoadedPlugin>(code);

describe("main.js", () => {
	it("requires no Node built-in and holds no eval or new Function", () => {
		for (const m of builtinModules) {
			expect(code, m).not.toMatch(new RegExp(`require\\(["'](node:)?${m.replace("/", "\\/")}["']\\)`));
		}
		expect(code).not.toMatch(/\beval\(/);
		expect(code).not.toMatch(/new Function\(/);
		expect(code).not.toMatch(/innerHTML/);
		// No regex lookbehind (iOS before 16.4 cannot parse it, and main.js would not load); the
		// yaml package builds two with new RegExp inside try/catch, which fail safely there.
		const guarded = code.replace(/new RegExp\((?:"(?:[^"\\]|\\.)*"|`(?:[^`\\]|\\.)*`)/g, "new RegExp(");
		expect(guarded).not.toMatch(/\(\?<[=!]/);
	});

	it("loads without Node built-ins and registers its commands, without default hotkeys", async () => {
		const { registered, required, context, Plugin } = loadPlugin();
		expect([...new Set(required)]).toEqual(["obsidian"]);
		expect(vm.runInContext("typeof process + typeof Buffer + typeof global", context)).toBe("undefinedundefinedundefined");
		const plugin = new Plugin({ vault: { on: () => ({}) }, metadataCache: { on: () => ({}) }, workspace: { on: () => ({}), onLayoutReady: () => undefined } }, { id: "attack-sync", version: "0.1.0" });
		const started = performance.now();
		await plugin.onload();
		const elapsed = performance.now() - started;
		expect(registered.commands.map((c) => c.id).sort()).toEqual(
			["check-links", "create-missing-notes", "fetch-data", "fix-links", "fix-links-current-note", "import-data", "import-overlay", "insert-technique-link", "open-matrix", "sync-all", "sync-current-note", "undo-last-sync", "write-changes-note", "write-layer"].sort(),
		);
		expect(registered.settingTabs).toHaveLength(1);
		for (const c of registered.commands) expect(c.hotkeys ?? []).toEqual([]);
		// Start-up only registers things: far below the 300 ms budget even on a phone.
		expect(elapsed).toBeLessThan(300);
	});
});

/**
 * A local attack-stix-data: index.json (URLs on GitHub, as the real one) and the fixture bundle.
 * It closes every connection after its answer (test/helpers/local-server.ts says why).
 */
let server: LocalServer;
let base = "";
const requests: string[] = [];

beforeAll(async () => {
	const index = readFileSync(path.join(FIXTURES, "attack-index.json"), "utf8");
	const bundle = readFileSync(ENTERPRISE_FIXTURE);
	const mobile = readFileSync(path.join(FIXTURES, "mobile-attack-17.1-subset.json"));
	server = await startLocalServer((req, res) => {
		const url = req.url ?? "";
		requests.push(url);
		// No keep-alive: a request must never meet a socket the server is closing ("fetch failed").
		res.setHeader("Connection", "close");
		// /cut/... serves half the bundle, /html/... a web page instead of it.
		const [, mode, rest] = /^\/(cut\/|html\/)?(.*)$/.exec(url) ?? [];
		if (rest === "index.json") res.end(index);
		else if (rest.startsWith("enterprise-attack/") && mode === "cut/") res.end(bundle.subarray(0, bundle.length >> 1));
		else if (rest.startsWith("enterprise-attack/") && mode === "html/") res.end("<!doctype html><title>Rate limited</title>");
		else if (rest === "enterprise-attack/enterprise-attack-18.1.json") res.end(bundle);
		else if (rest === "enterprise-attack/enterprise-attack-17.1.json") res.end(readFileSync(path.join(FIXTURES, "enterprise-attack-17.1-subset.json")));
		// Mobile 17.1 also where the index says 18.1 is: the plugin must notice.
		else if (rest === "mobile-attack/mobile-attack-17.1.json" || rest === "mobile-attack/mobile-attack-18.1.json") res.end(mobile);
		else {
			res.statusCode = 404;
			res.end("not found");
		}
	});
	base = server.url;
});

afterAll(() => server.close());

async function startPlugin(settings: Record<string, unknown> = {}) {
	const loaded = loadPlugin();
	const root = path.join(tempDir("plugin"), "vault");
	cpSync(path.join(FIXTURES, "sample-vault"), root, { recursive: true });
	const folder = makeFolderApp(loaded.obsidian, root);
	const plugin = new loaded.Plugin(folder.app, { id: "attack-sync", version: "0.1.0" });
	await plugin.onload();
	Object.assign(plugin.settings, { baseUrl: base, ...settings });
	await plugin.saveSettings();
	const command = (id: string) => loaded.registered.commands.find((c) => c.id === id);
	/** Run a command and wait for its queued task to finish. */
	const run = async (id: string) => {
		const c = command(id);
		if (c?.callback) await c.callback();
		else if (c?.checkCallback) c.checkCallback(false);
		await settle(plugin);
	};
	return { ...loaded, ...folder, root, plugin, command, run, read: (p: string) => readFileSync(path.join(root, p), "utf8") };
}

/** Choose Apply in the sync preview last opened, and wait for the writes. */
async function applyPreview(t: Awaited<ReturnType<typeof startPlugin>>): Promise<void> {
	const preview = t.registered.modals.at(-1);
	preview?.contentEl.children.find((c) => c.cls.includes("modal-button-container"))?.children[0]?.click();
	await settle(t.plugin);
}

/** Wait until the plugin's queue is idle (commands start tasks without awaiting them). */
async function settle(plugin: LoadedPlugin): Promise<void> {
	for (let i = 0; i < 200; i++) {
		await new Promise((r) => setTimeout(r, 5));
		const queue = (plugin as unknown as { queue: Promise<unknown>; running: boolean });
		await queue.queue;
		if (!queue.running) return;
	}
}

describe("main.js end to end on the sample vault (Obsidian stand-in, requestUrl to 127.0.0.1)", () => {
	it("plugin.api: fetch, dry run, sync, a second sync that writes nothing, undo", async () => {
		const t = await startPlugin();
		const meta = await t.plugin.api.fetchData({ domain: "enterprise-attack" });
		expect(meta.domain).toBe("enterprise-attack");
		expect(requests).toContain("/index.json");
		expect(requests).toContain("/enterprise-attack/enterprise-attack-18.1.json");
		expect(existsSync(path.join(t.root, PLUGIN_DIR, "cache-enterprise-attack.json"))).toBe(true);
		expect(readdirSync(path.join(t.root, PLUGIN_DIR)).filter((f) => f.endsWith(".tmp"))).toEqual([]);

		const original = t.read(SEED);
		const dry = await t.plugin.api.sync({ dryRun: true });
		expect(dry.summary.updated).toBeGreaterThan(40);
		expect(t.writes).toEqual([]);

		const real = await t.plugin.api.sync();
		expect(real.summary.updated).toBe(dry.summary.updated);
		expect(t.read(SEED)).not.toContain("Mobile-Attack/");
		const written = t.writes.length;
		const again = await t.plugin.api.sync();
		expect(again.summary).toMatchObject({ updated: 0, created: 0 });
		expect(t.writes.length).toBe(written);

		expect(await t.plugin.api.undoLastSync()).toMatch(/^Restored \d+ notes/);
		expect(t.read(SEED)).toBe(original);
		const links = await t.plugin.api.checkLinks();
		expect(links.summary.mismatch).toBeGreaterThan(0);
	});

	it("checkLinks: with the release cached, a note known only by name (reuteras' 17.1 data component) is an ATT&CK note", async () => {
		const t = await startPlugin();
		const folder = "MITRE/Defenses/Detections/Data Components/Enterprise attack";
		const component = `${folder}/Response Content - .md`;
		mkdirSync(path.join(t.root, folder), { recursive: true });
		mkdirSync(path.join(t.root, "Study"), { recursive: true });
		writeFileSync(path.join(t.root, component), "---\naliases:\n  - \nurl: \ntags:\n  - mitre/data_component\n---\n\n## Internet Scan; Response Content\n\nCaptured network traffic.\n");
		writeFileSync(path.join(t.root, "Study/Scans.md"), "# Scans\n\nSee [[Response Content]] (DC0104).\n");
		const mine = (r: { links: Array<Record<string, unknown>> }) => r.links.filter((l) => l.source === "Study/Scans.md");
		// No release cached: nothing knows the note's ID.
		expect(mine(await t.plugin.api.checkLinks())).toEqual([expect.objectContaining({ status: "broken", problemKind: "missing" })]);
		await t.plugin.api.fetchData({ domain: "enterprise-attack" });
		expect(mine(await t.plugin.api.checkLinks({ fix: true }))).toEqual([expect.objectContaining({ expectedId: "DC0104", status: "broken" })]);
		expect(t.read("Study/Scans.md")).toContain(`[[${component}]] (DC0104)`);
		expect(mine(await t.plugin.api.checkLinks())).toEqual([expect.objectContaining({ status: "ok", resolved: component, resolvedId: "DC0104" })]);
	});

	it("the sync command previews each note's changes, and applies only when asked", async () => {
		const t = await startPlugin();
		await t.run("sync-all");
		const preview = t.registered.modals.at(-1);
		expect(preview?.titleEl.text).toBe("Sync with Enterprise ATT&CK 18.1");
		const text = preview?.contentEl.allText() ?? "";
		expect(text).toMatch(/notes to update/);
		// A row per note, named by the note; its diff is built when it is opened.
		const scroll = preview?.contentEl.children.find((c) => c.cls === "attack-sync-scroll");
		const rows = scroll?.children.find((c) => c.cls === "attack-sync-rows")?.children ?? [];
		const seed = rows.find((r) => r.allText().split("\n").includes("Malicious Link") && r.allText().includes("Enterprise-Attack/techniques"));
		expect(seed?.allText()).not.toMatch(/Mobile-Attack/);
		for (const fn of seed?.listeners.toggle ?? []) fn({ preventDefault() {} });
		// The wrong link's words are shown removed (word by word, so split over several elements).
		expect(seed?.allText()).toMatch(/Mobile-Attack/);
		expect(t.writes).toEqual([]);
		const apply = preview?.contentEl.children.find((c) => c.cls.includes("modal-button-container"))?.children[0];
		apply?.click();
		await settle(t.plugin);
		expect(t.writes).toContain(SEED);
		expect(t.registered.notices.at(-1)).toMatch(/^ATT&CK Sync: updated \d+ notes\. "Undo last sync" restores them\.$/);
		// Undo from the command palette: it says which sync it undoes, and waits for a yes.
		await t.run("undo-last-sync");
		const confirm = t.registered.modals.at(-1);
		expect(confirm?.contentEl.allText()).toMatch(/^The sync of .* \(ATT&CK 18\.1\): undoing it restores \d+ notes as they were/);
		expect(t.read(SEED)).not.toContain("Mobile-Attack/");
		confirm?.contentEl.children.find((c) => c.cls.includes("modal-button-container"))?.children[0]?.click();
		await settle(t.plugin);
		expect(t.registered.notices.at(-1)).toMatch(/^ATT&CK Sync: Restored \d+ notes/);
	});

	it("current-note commands apply to the active note only, and are hidden without one", async () => {
		const t = await startPlugin();
		await t.plugin.api.fetchData({ domain: "enterprise-attack" });
		expect(t.command("sync-current-note")?.checkCallback?.(true)).toBe(false);
		t.setActive(SEED);
		expect(t.command("sync-current-note")?.checkCallback?.(true)).toBe(true);
		await t.run("fix-links-current-note");
		expect(t.writes).toEqual([SEED]);
		await t.run("sync-current-note");
		// Through the preview, like any sync: nothing is written before Apply.
		expect(t.writes).toEqual([SEED]);
		await applyPreview(t);
		expect([...new Set(t.writes)]).toEqual([SEED]);
	});

	it("creates missing tactic and mitigation notes, and inserts a technique link from a fuzzy search", async () => {
		const t = await startPlugin();
		await t.plugin.api.fetchData({ domain: "enterprise-attack" });
		await t.run("create-missing-notes");
		expect(t.writes).toEqual([]);
		await applyPreview(t);
		const created = t.writes.filter((p) => !existsSync(path.join(FIXTURES, "sample-vault", p)));
		expect(created.length).toBeGreaterThan(0);
		for (const p of created) expect(p).toMatch(/Enterprise-Attack\/(tactics|mitigations)\//);

		let inserted = "";
		const editor = { replaceSelection: (s: string) => (inserted = s) };
		await t.command("insert-technique-link")?.editorCallback?.(editor, { file: { path: "CyberSecurity/Security+/Security+ Domain 2 - Threats.md" } });
		await settle(t.plugin);
		const picker = t.registered.modals.at(-1);
		const items = picker?.getItems?.() ?? [];
		const phishing = items.find((i) => picker?.getItemText?.(i).startsWith("T1566 "));
		picker?.onChooseItem?.(phishing);
		expect(inserted).toBe("[[CyberSecurity/Security+/1-Threats-Attacks-Vulnerabilities/Attacking-Frameworks/MITRE ATT&CK/Enterprise-Attack/techniques/Phishing|Phishing (T1566)]]");
	});

	it("a failed download says what failed in one sentence and keeps no file", async () => {
		const t = await startPlugin({ version: "9.9" });
		await t.run("fetch-data");
		expect(t.registered.notices.at(-1)).toMatch(/^ATT&CK Sync: .*9\.9/);
		expect(existsSync(path.join(t.root, PLUGIN_DIR, "cache-enterprise-attack.json"))).toBe(false);
		const offline = await startPlugin({ baseUrl: "http://127.0.0.1:9/" });
		await offline.run("fetch-data");
		expect(offline.registered.notices.at(-1)).toMatch(/^ATT&CK Sync: could not download http:\/\/127\.0\.0\.1:9\/index\.json/);
	});

	it("two syncs started together run one after the other; the second finds nothing to do", async () => {
		const t = await startPlugin();
		await t.plugin.api.fetchData({ domain: "enterprise-attack" });
		const [first, second] = await Promise.all([t.plugin.api.sync(), t.plugin.api.sync()]);
		expect(first.summary.updated).toBeGreaterThan(40);
		expect(second.summary).toMatchObject({ updated: 0, created: 0 });
	});

	it("imports a bundle file from the vault (offline), and a click on the progress notice cancels a fetch", async () => {
		const t = await startPlugin({ baseUrl: "http://127.0.0.1:9/" });
		cpSync(ENTERPRISE_FIXTURE, path.join(t.root, "enterprise-attack-18.1.json"));
		await t.run("import-data");
		const picker = t.registered.modals.at(-1);
		picker?.onChooseItem?.((picker.getItems?.() ?? [])[0]);
		await settle(t.plugin);
		expect(t.registered.notices.at(-1)).toBe("ATT&CK Sync: imported Enterprise ATT&CK 18.1 from enterprise-attack-18.1.json.");
		const report = await t.plugin.api.sync({ dryRun: true });
		expect(report.summary.updated).toBeGreaterThan(40);

		const online = await startPlugin();
		const started = online.command("fetch-data")?.callback?.();
		await new Promise((r) => setTimeout(r, 0));
		online.registered.noticeObjects?.at(-1)?.messageEl.click();
		await started;
		await settle(online.plugin);
		expect(online.registered.notices.filter((n) => /cancel/i.test(n) && !/Click to cancel/.test(n))).toEqual(["ATT&CK Sync: fetching Enterprise ATT&CK was cancelled; nothing was changed."]);
		expect(existsSync(path.join(online.root, PLUGIN_DIR, "cache-enterprise-attack.json"))).toBe(false);
	});

	it("a body cut off or a web page instead of the bundle: one sentence, no cache kept", async () => {
		for (const [mode, message] of [
			["cut/", /not valid JSON \(cut off\?\); nothing was saved/],
			["html/", /is an HTML page, not an ATT&CK STIX bundle; nothing was saved/],
		] as const) {
			const t = await startPlugin({ baseUrl: `${base}${mode}` });
			await t.run("fetch-data");
			expect(t.registered.notices.at(-1)).toMatch(message);
			expect(existsSync(path.join(t.root, PLUGIN_DIR, "cache-enterprise-attack.json"))).toBe(false);
			expect(existsSync(path.join(t.root, PLUGIN_DIR)) ? readdirSync(path.join(t.root, PLUGIN_DIR)) : []).toEqual([]);
		}
	});

	it("with Enterprise and Mobile configured, each note is synced from its own domain", async () => {
		const t = await startPlugin({ domains: ["enterprise-attack", "mobile-attack"] });
		// The committed Mobile fixture is 17.1 (a 2.1 bundle that says so): the release is checked.
		await t.plugin.api.fetchData({ domain: "enterprise-attack" });
		await expect(t.plugin.api.fetchData({ domain: "mobile-attack" })).rejects.toThrow(/holds ATT&CK 17\.1, not the 18\.1 the index lists; nothing was saved/);
		await t.plugin.api.fetchData({ domain: "mobile-attack", version: "17.1" });
		const report = await t.plugin.api.sync({ dryRun: true });
		const mobileTactic = report.notes.find((n) => n.path.endsWith("Mobile-Attack/tactics/Execution.md"));
		expect(mobileTactic?.action).toBe("updated");
		expect(report.notes.find((n) => n.path === SEED)?.action).toBe("updated");
		expect(report.notes.filter((n) => n.action === "skipped" && /not in this bundle/.test((n as { reason?: string }).reason ?? ""))).toEqual([]);
	});

	it("a new release keeps the one before as previous, so its words are replaced, not kept as the user's", async () => {
		const t = await startPlugin();
		await t.plugin.api.fetchData({ domain: "enterprise-attack", version: "17.1" });
		await t.plugin.api.sync({ createMissing: true });
		const m1048 = "CyberSecurity/Security+/1-Threats-Attacks-Vulnerabilities/Attacking-Frameworks/MITRE ATT&CK/Enterprise-Attack/mitigations/Application Isolation and Sandboxing.md";
		expect(t.read(m1048)).toContain("Use tools like Google Chrome's built-in sandbox");
		await t.plugin.api.fetchData({ domain: "enterprise-attack" });
		expect(existsSync(path.join(t.root, PLUGIN_DIR, "cache-enterprise-attack-previous.json"))).toBe(true);
		await t.plugin.api.sync();
		expect(t.read(m1048)).not.toContain("Use tools like Google Chrome's built-in sandbox");
		expect((await t.plugin.api.sync()).summary).toMatchObject({ updated: 0, created: 0 });
	});

	it("a click on the sync's progress notice stops before the next note; what was written can be undone", async () => {
		const t = await startPlugin();
		await t.plugin.api.fetchData({ domain: "enterprise-attack" });
		const original = t.read(SEED);
		// The user clicks the notice when it says the first note is written.
		t.registered.onMessage = (notice, message) => {
			if (/writing 1 of/.test(message)) notice.messageEl.click();
		};
		const report = await t.plugin.api.sync();
		expect(report.summary.updated).toBe(1);
		expect((report as unknown as { failed: Array<{ reason: string }> }).failed[0]?.reason).toMatch(/cancelled/);
		expect(await t.plugin.api.undoLastSync()).toMatch(/^Restored/);
		expect(t.read(SEED)).toBe(original);
	});

	it("the settings tab shows every setting, and a change takes effect without a restart", async () => {
		const t = await startPlugin();
		const tab = t.registered.settingTabs[0];
		expect(() => tab.display()).not.toThrow();
		t.plugin.settings.sections = ["description"];
		await t.plugin.api.fetchData({ domain: "enterprise-attack" });
		await t.plugin.api.sync();
		// Tactics are left to the user now: the wrong Mobile link stays.
		expect(t.read(SEED)).toContain("Mobile-Attack/tactics/Execution]] (TA0002)");
	});
});
