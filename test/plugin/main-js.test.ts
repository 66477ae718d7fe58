// The built main.js, loaded the way Obsidian mobile loads it: a CommonJS module whose `require`
// knows only `obsidian`, in a context with no Node built-ins (no process, Buffer, fs, global).
import { builtinModules } from "node:module";
import vm from "node:vm";
import { describe, expect, it } from "vitest";
import { MAIN_JS, readText } from "../helpers/paths";
import { makeObsidian, type Registered } from "../helpers/obsidian-stand-in";

const code = readText(MAIN_JS);

function loadPlugin() {
	const registered: Registered = { commands: [], settingTabs: [], notices: [] };
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
	return { module, registered, required, context };
}

describe("main.js", () => {
	it("requires no Node built-in and holds no eval or new Function", () => {
		for (const m of builtinModules) {
			expect(code, m).not.toMatch(new RegExp(`require\\(["'](node:)?${m.replace("/", "\\/")}["']\\)`));
		}
		expect(code).not.toMatch(/\beval\(/);
		expect(code).not.toMatch(/new Function\(/);
	});

	it("loads without Node built-ins and registers its commands, without default hotkeys", async () => {
		const { module, registered, required, context } = loadPlugin();
		expect(required).toEqual(["obsidian"]);
		expect(vm.runInContext("typeof process + typeof Buffer + typeof global", context)).toBe("undefinedundefinedundefined");
		const Plugin = (module.exports.default ?? module.exports) as new (app: unknown, manifest: unknown) => { onload(): Promise<void> };
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
