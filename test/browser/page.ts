/**
 * The built main.js in headless Chromium (Debian's /usr/bin/chromium through playwright-core; no
 * browser is ever downloaded), on the DOM stand-in of Obsidian's API (test/browser/obsidian-dom.ts),
 * with a copy of the committed sample vault in the page and attack-stix-data served from
 * 127.0.0.1 (test/helpers/local-server.ts). `startBrowser()` returns null when there is no Chromium.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import esbuild from "esbuild";
import type { Browser, Page } from "playwright-core";
import { FIXTURES, MAIN_JS, ROOT } from "../helpers/paths";
import { startLocalServer, type LocalServer } from "../helpers/local-server";
import { fixtureIndex } from "../helpers/fixture-index";
import type {} from "./obsidian-dom";

export const CHROMIUM = "/usr/bin/chromium";
export const HAVE_CHROMIUM = existsSync(CHROMIUM);

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

/** The names of the screenshots taken in this run (written or not), for the check against the README. */
export const shotsTaken = new Set<string>();

/** The screenshots README.md shows, by name (`docs/screenshots/NAME.png`). */
export function readmeScreenshots(): string[] {
	return [...new Set([...readFileSync(path.join(ROOT, "README.md"), "utf8").matchAll(/\(docs\/screenshots\/([\w-]+)\.png\)/g)].map((m) => m[1]))].sort();
}

/** Where the screenshots go: docs/screenshots with SCREENSHOTS=1 (`npm run screenshots`), else a temporary folder. */
export function screenshotDir(temp: string): string {
	const dir = process.env.SCREENSHOTS === "1" ? path.join(ROOT, "docs/screenshots") : temp;
	mkdirSync(dir, { recursive: true });
	return dir;
}

function vaultFiles(root: string): Record<string, string> {
	const out: Record<string, string> = {};
	const walk = (rel: string) => {
		for (const name of readdirSync(path.join(root, rel))) {
			const p = rel ? `${rel}/${name}` : name;
			if (statSync(path.join(root, p)).isDirectory()) walk(p);
			else out[p] = readFileSync(path.join(root, p)).toString("base64");
		}
	};
	walk("");
	return out;
}

/** The data the server hands out under /attack/: path after it → bytes. */
export type AttackFiles = Map<string, Buffer>;

/**
 * The committed fixtures as attack-stix-data: the sample vault's release (15.1) and those after
 * it, and index.json listing exactly those (a sync downloads the releases its notes were written
 * from; one listed but missing would be a failed download).
 */
export function fixtureAttackFiles(): AttackFiles {
	const files: AttackFiles = new Map([
		["enterprise-attack/enterprise-attack-18.1.json", readFileSync(path.join(FIXTURES, "enterprise-attack-18.1-subset.json"))],
		["enterprise-attack/enterprise-attack-17.1.json", readFileSync(path.join(FIXTURES, "enterprise-attack-17.1-subset.json"))],
		["enterprise-attack/enterprise-attack-15.1.json", readFileSync(path.join(FIXTURES, "enterprise-attack-15.1-subset.json"))],
		["mobile-attack/mobile-attack-17.1.json", readFileSync(path.join(FIXTURES, "mobile-attack-17.1-subset.json"))],
	]);
	files.set("index.json", Buffer.from(fixtureIndex(files.keys())));
	return files;
}

export interface TestServer {
	server: LocalServer;
	/** attack-stix-data's base URL: `http://127.0.0.1:PORT/attack/`. */
	base: string;
	/** A base URL whose bundles are held until `release()`: a download that never seems to end. */
	held: string;
	files: AttackFiles;
	release(): void;
	/** Requests seen, by path. */
	requests: string[];
}

export async function startTestServer(files: AttackFiles = fixtureAttackFiles()): Promise<TestServer> {
	const built = await esbuild.build({ entryPoints: [path.join(__dirname, "obsidian-dom.ts")], bundle: true, format: "iife", target: "es2020", write: false, logLevel: "silent" });
	const standIn = built.outputFiles[0].text;
	const main = readFileSync(MAIN_JS, "utf8");
	const wrapped = `window.pluginModule = { exports: {} };\n(function (module, exports, require) {\n${main}\n})(window.pluginModule, window.pluginModule.exports, function (name) {\n  if (name === "obsidian") return window.obsidianStandIn.module;\n  throw new Error("Cannot find module '" + name + "'");\n});\n`;
	const vault = JSON.stringify(vaultFiles(path.join(FIXTURES, "sample-vault")));
	const page = `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Obsidian</title><link rel="stylesheet" href="/app.css"><link rel="stylesheet" href="/styles.css"></head><body><script src="/obsidian.js"></script><script src="/main.js"></script></body></html>`;
	const statics: Record<string, [string, string | Buffer]> = {
		"/": ["text/html", page],
		"/obsidian.js": ["text/javascript", standIn],
		"/main.js": ["text/javascript", wrapped],
		"/app.css": ["text/css", readFileSync(path.join(__dirname, "app.css"))],
		"/styles.css": ["text/css", readFileSync(path.join(ROOT, "styles.css"))],
		"/vault.json": ["application/json", vault],
	};
	const waiting: Array<() => void> = [];
	let released = false;
	const requests: string[] = [];
	const server = await startLocalServer((req, res) => {
		const url = (req.url ?? "/").split("?")[0];
		const found = statics[url];
		if (found) {
			res.setHeader("Content-Type", found[0]);
			res.end(found[1]);
			return;
		}
		requests.push(url);
		const m = /^\/(attack|held)\/(.*)$/.exec(url);
		const body = m ? files.get(m[2]) : undefined;
		if (!m || !body) {
			res.statusCode = 404;
			res.end("not found");
			return;
		}
		res.setHeader("Access-Control-Allow-Origin", "*");
		if (m[1] === "held" && m[2] !== "index.json" && !released) waiting.push(() => res.end(body));
		else res.end(body);
	});
	return {
		server,
		base: `${server.url}attack/`,
		held: `${server.url}held/`,
		files,
		requests,
		release() {
			released = true;
			for (const w of waiting.splice(0)) w();
		},
	};
}

export async function startBrowser(): Promise<Browser | null> {
	if (!HAVE_CHROMIUM) return null;
	const { chromium } = await import("playwright-core");
	return chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-gpu", "--font-render-hinting=none"] });
}

export interface PluginPage {
	page: Page;
	/** How long `onload` took in the page, in ms. */
	onloadMs: number;
	/** Adapter reads made during onload (it must read no ATT&CK data). */
	onloadReads: string[];
	/** Run a command by its id (as the palette does) and wait for the plugin to be idle. */
	run(id: string): Promise<void>;
	/** Wait until the plugin's queue is idle. */
	settle(): Promise<void>;
	/** Every notice's text (the last message each showed). */
	notices(): Promise<string[]>;
	/** Longest main-thread task seen since `resetLongTasks()`, in ms (0 when none over 50 ms). */
	longestTask(): Promise<number>;
	resetLongTasks(): Promise<void>;
	shot(name: string): Promise<void>;
	close(): Promise<void>;
}

export async function openPlugin(browser: Browser, server: TestServer, opts: { viewport?: { width: number; height: number }; settings?: Record<string, unknown>; shots?: string } = {}): Promise<PluginPage> {
	const viewport = opts.viewport ?? DESKTOP;
	const context = await browser.newContext({ viewport, deviceScaleFactor: 1, isMobile: viewport.width < 600, hasTouch: viewport.width < 600 });
	const page = await context.newPage();
	const errors: string[] = [];
	page.on("pageerror", (e) => errors.push(e.message));
	await page.goto(server.server.url);
	const settings = { baseUrl: server.base, ...opts.settings };
	const started = await page.evaluate(async (saved) => {
		const s = window.obsidianStandIn;
		s.loadVault((await (await fetch("/vault.json")).json()) as Record<string, string>);
		const mod = (window as unknown as { pluginModule: { exports: { default: new (app: unknown, manifest: unknown) => { onload(): Promise<void> } } } }).pluginModule;
		const Plugin = mod.exports.default;
		const plugin = new Plugin(s.app, { id: "attack-sync", name: "ATT&CK Sync", version: "0.1.0", dir: ".obsidian/plugins/attack-sync" });
		(plugin as unknown as { seedData(d: unknown): void }).seedData(saved);
		(window as unknown as { plugin: unknown }).plugin = plugin;
		const before = s.store.adapterReads.length;
		const t0 = performance.now();
		await plugin.onload();
		const ms = performance.now() - t0;
		return { ms, reads: s.store.adapterReads.slice(before) };
	}, settings);
	const settle = async () => {
		await page.waitForFunction(
			async () => {
				const p = (window as unknown as { plugin: { queue: Promise<unknown>; running: boolean } }).plugin;
				await new Promise((r) => setTimeout(r, 10));
				await p.queue;
				return !p.running;
			},
			null,
			{ timeout: 60_000, polling: 20 },
		);
	};
	return {
		page,
		onloadMs: started.ms,
		onloadReads: started.reads,
		async run(id) {
			await page.evaluate((c) => window.obsidianStandIn.runCommand(c), id);
			await settle();
		},
		settle,
		notices: () => page.evaluate(() => window.obsidianStandIn.notices.map((n) => n.messages[n.messages.length - 1])),
		longestTask: () => page.evaluate(() => Math.max(0, ...window.obsidianStandIn.longTasks.map((t) => t.duration))),
		resetLongTasks: () => page.evaluate(() => void window.obsidianStandIn.longTasks.splice(0)),
		async shot(name) {
			shotsTaken.add(name);
			if (opts.shots) await page.screenshot({ path: path.join(opts.shots, `${name}.png`) });
		},
		async close() {
			await context.close();
			if (errors.length > 0) throw new Error(`errors in the page: ${errors.join("; ")}`);
		},
	};
}
