// The README's command table is the plugin's commands: every command main.js registers has a
// row, named as the palette shows it, and every row is a registered command. Both sides are read
// (the built main.js's addCommand calls, the README's table), so a command added to either
// without the other fails here.
import { describe, expect, it } from "vitest";
import path from "node:path";
import { MAIN_JS, ROOT, readText } from "../helpers/paths";
import { loadMainJs } from "../helpers/plugin-harness";

/** The first column of the first table under `## Using the plugin`. */
function readmeCommands(): string[] {
	const readme = readText(path.join(ROOT, "README.md")).split("\n");
	const start = readme.findIndex((l) => /^## Using the plugin\s*$/.test(l));
	expect(start, "README.md has a '## Using the plugin' section").toBeGreaterThanOrEqual(0);
	const section = readme.slice(start + 1);
	const end = section.findIndex((l) => /^## /.test(l));
	const lines = section.slice(0, end === -1 ? undefined : end);
	const first = lines.findIndex((l) => l.startsWith("|"));
	expect(first, "the section has a table").toBeGreaterThanOrEqual(0);
	const rest = lines.slice(first);
	const after = rest.findIndex((l) => !l.startsWith("|"));
	const table = after === -1 ? rest : rest.slice(0, after);
	// Past the header and the |---| line; a cell may hold an escaped pipe (`\|`).
	const rows = table.slice(2).map((l) => l.split(/(?<!\\)\|/).map((c) => c.trim()));
	for (const r of rows) expect(r[2], `the row of "${r[1]}" says what it does`).not.toBe("");
	return rows.map((r) => r[1].replace(/^\*\*(.*)\*\*$/, "$1"));
}

/** The commands main.js registers in onload, as the palette names them (without the plugin's prefix). */
async function registeredCommands(): Promise<Array<{ id: string; name: string }>> {
	const { registered, Plugin } = loadMainJs<{ onload(): Promise<void> }>(readText(MAIN_JS));
	const plugin = new Plugin({ vault: { on: () => ({}) }, metadataCache: { on: () => ({}) }, workspace: { on: () => ({}), onLayoutReady: () => undefined } }, { id: "attack-sync", version: "0.1.0" });
	await plugin.onload();
	return registered.commands.map((c) => ({ id: c.id, name: c.name }));
}

describe("README.md's command table", () => {
	it("lists exactly the commands the plugin registers, by the names the palette shows", async () => {
		const readme = readmeCommands();
		const commands = await registeredCommands();
		expect(commands.length).toBeGreaterThan(0);
		expect(new Set(commands.map((c) => c.id)).size, "command ids are unique").toBe(commands.length);
		expect(new Set(readme).size, "no command has two rows").toBe(readme.length);
		const names = commands.map((c) => c.name);
		expect({ missingFromReadme: names.filter((n) => !readme.includes(n)), notACommand: readme.filter((n) => !names.includes(n)) }).toEqual({ missingFromReadme: [], notACommand: [] });
	});
});
