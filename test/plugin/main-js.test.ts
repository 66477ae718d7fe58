// The built main.js, loaded the way Obsidian mobile loads it: a CommonJS module whose `require`
// knows only `obsidian`, in a context with no Node built-ins (no process, Buffer, fs, global).
import { builtinModules } from "node:module";
import vm from "node:vm";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { FIXTURES, MAIN_JS, readText } from "../helpers/paths";
import { makeApp, makeObsidian, type Registered } from "../helpers/obsidian-stand-in";

const code = readText(MAIN_JS);

function loadPlugin() {
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
	};
	const context = vm.createContext(sandbox);
	vm.runInContext(code, context, { filename: "main.js" });
	const Plugin = (module.exports.default ?? module.exports) as new (app: unknown, manifest: unknown) => { onload(): Promise<void> };
	return { module, registered, required, context, obsidian, Plugin };
}

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
		const plugin = new Plugin({ vault: {}, workspace: {} }, { id: "attack-sync", version: "0.1.0" });
		const started = performance.now();
		await plugin.onload();
		const elapsed = performance.now() - started;
		expect(registered.commands.length).toBeGreaterThan(0);
		expect(registered.settingTabs).toHaveLength(1);
		for (const c of registered.commands) expect(c.hotkeys ?? []).toEqual([]);
		// Start-up only registers things: far below the 300 ms budget even on a phone.
		expect(elapsed).toBeLessThan(300);
	});
});

function readVault(dir: string): Map<string, string | Uint8Array> {
	const files = new Map<string, string | Uint8Array>();
	const walk = (abs: string, prefix: string) => {
		for (const e of readdirSync(abs, { withFileTypes: true })) {
			if (e.name.startsWith(".")) continue;
			if (e.isDirectory()) walk(path.join(abs, e.name), `${prefix}${e.name}/`);
			else files.set(`${prefix}${e.name}`, new Uint8Array(readFileSync(path.join(abs, e.name))));
		}
	};
	walk(dir, "");
	return files;
}

describe("main.js commands on the sample vault (Obsidian stand-in)", () => {
	it("fixes the seed note's links through Vault.process, and a second run writes nothing", async () => {
		const { registered, obsidian, Plugin } = loadPlugin();
		const vaultDir = path.join(FIXTURES, "sample-vault");
		const files = readVault(vaultDir);
		const config = new Map([["app.json", readFileSync(path.join(vaultDir, ".obsidian/app.json"), "utf8")]]);
		const { app, writes } = makeApp(obsidian, files, config);
		await new Plugin(app, { id: "attack-sync", version: "0.1.0" }).onload();
		const command = (id: string) => registered.commands.find((c) => c.id === id)?.callback;

		await command("check-links")?.();
		await new Promise((r) => setTimeout(r, 50));
		expect(writes).toEqual([]);
		expect(registered.notices.at(-1)).toMatch(/3 broken|17 broken/);
		expect(registered.modals.at(-1)?.contentEl.children[0].text).toContain("mismatch");

		await command("fix-links")?.();
		await new Promise((r) => setTimeout(r, 50));
		const seed = "CyberSecurity/Security+/1-Threats-Attacks-Vulnerabilities/Attacking-Frameworks/MITRE ATT&CK/Enterprise-Attack/techniques/Malicious Link.md";
		expect(writes).toEqual([seed]);
		expect(String(files.get(seed))).not.toContain("Mobile-Attack/");
		expect(registered.notices.at(-1)).toMatch(/4 fixed/);

		await command("fix-links")?.();
		await new Promise((r) => setTimeout(r, 50));
		expect(writes).toEqual([seed]);
	});
});
