// The built main.js, loaded as Obsidian mobile loads it (a CommonJS module whose `require` knows
// only `obsidian`, no Node built-ins), on a copy of the sample vault in a temporary folder, through
// the Obsidian stand-in. For tests that feed the plugin hostile input; test/plugin/main-js.test.ts
// drives the ordinary paths. `dispose()` removes the temporary folder.
import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import vm from "node:vm";
import { makeFolderApp, makeObsidian, type Registered } from "./obsidian-stand-in";
import { FIXTURES, MAIN_JS } from "./paths";

export const PLUGIN_DIR = ".obsidian/plugins/attack-sync";

export interface LoadedPlugin {
	onload(): Promise<void>;
	settings: Record<string, unknown>;
	saveSettings(): Promise<void>;
	api: {
		fetchData(o: { domain: string; version?: string }): Promise<{ domain: string; attackVersion: string | null }>;
		sync(o?: { dryRun?: boolean; createMissing?: boolean; domain?: string }): Promise<{ summary: Record<string, number>; notes: Array<{ path: string; action: string }> }>;
	};
}

let code: string | null = null;

/**
 * Runs main.js's text as Obsidian mobile loads it: a CommonJS module whose `require` knows only
 * `obsidian` (each name asked for is in `required`), in a context with no Node built-ins.
 */
export function loadMainJs<P = LoadedPlugin>(text: string) {
	const registered: Registered = { commands: [], settingTabs: [], notices: [], modals: [] };
	const obsidian = makeObsidian(registered);
	const required: string[] = [];
	const module = { exports: {} as Record<string, unknown> };
	const sandbox = {
		module,
		exports: module.exports,
		require: (name: string) => {
			required.push(name);
			if (name === "obsidian") return obsidian;
			throw new Error(`Cannot find module '${name}' (not available on mobile)`);
		},
		console,
		TextEncoder,
		TextDecoder,
		URL,
		setTimeout,
		clearTimeout,
		// Obsidian runs in a window, on mobile too (the plugin's timers are window's).
		window: { setTimeout, clearTimeout },
	};
	const context = vm.createContext(sandbox);
	vm.runInContext(text, context, { filename: "main.js" });
	const Plugin = (module.exports.default ?? module.exports) as new (app: unknown, manifest: unknown) => P;
	return { module, registered, required, context, obsidian, Plugin };
}

function loadPlugin() {
	code ??= readFileSync(MAIN_JS, "utf8");
	return loadMainJs(code);
}

/** Wait until the plugin's queue is idle (commands start tasks without awaiting them). */
export async function settle(plugin: LoadedPlugin): Promise<void> {
	for (let i = 0; i < 200; i++) {
		await new Promise((r) => setTimeout(r, 5));
		const queue = plugin as unknown as { queue: Promise<unknown>; running: boolean };
		await queue.queue;
		if (!queue.running) return;
	}
}

/**
 * The plugin on a fresh copy of the sample vault at `<temp>/vault`; `temp` (the folder around the
 * vault) is where a test can look for files written outside the vault.
 */
export async function startPlugin(settings: Record<string, unknown> = {}) {
	const loaded = loadPlugin();
	const temp = mkdtempSync(path.join(tmpdir(), "attack-sync-hostile-"));
	const root = path.join(temp, "vault");
	cpSync(path.join(FIXTURES, "sample-vault"), root, { recursive: true });
	const folder = makeFolderApp(loaded.obsidian, root);
	const plugin = new loaded.Plugin(folder.app, { id: "attack-sync", version: "0.1.0" });
	await plugin.onload();
	Object.assign(plugin.settings, settings);
	await plugin.saveSettings();
	const command = (id: string) => loaded.registered.commands.find((c) => c.id === id);
	/** Run a command and wait for its queued task to finish. */
	const run = async (id: string) => {
		const c = command(id);
		if (c?.callback) await c.callback();
		else if (c?.checkCallback) c.checkCallback(false);
		await settle(plugin);
	};
	/** The import command, choosing the vault file `file`. */
	const importFile = async (file: string) => {
		await run("import-data");
		const picker = loaded.registered.modals.at(-1);
		const item = (picker?.getItems?.() ?? []).find((f) => (f as { path: string }).path === file);
		if (item === undefined) throw new Error(`${file} is not offered for import`);
		picker?.onChooseItem?.(item);
		await settle(plugin);
	};
	return {
		...loaded,
		...folder,
		temp,
		root,
		plugin,
		run,
		importFile,
		lastNotice: () => loaded.registered.notices.at(-1) ?? "",
		dispose: () => rmSync(temp, { recursive: true, force: true }),
	};
}
