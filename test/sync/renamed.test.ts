// What ATT&CK renamed, outside relationship tables (tables.ts's renamedCell covers those): between
// 17.1 and 18.1, T1552.003 went from Bash History to Shell History, T1497.003 from Time Based
// Evasion to Time Based Checks.
// - A link in ATT&CK's text: a vault created at 17.1 has `Bash History.md`, and Unsecured
//   Credentials' description links it as `[[Bash History]]`; synced to 18.1 the link shows the new
//   name and still reaches the note (`[[Bash History|Shell History]]`), never `[[Shell History]]`,
//   which reaches no note.
// - The aliases a generator made of the name (reuteras): the new name's are added, the old stay.
// - A row of a table inside a callout (reuteras' `> [!summary]- Sub-techniques` of the parent).
// Needs the whole releases and the peer vaults (../shared); skipped without them.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { MemoryVault } from "../helpers/memory-vault";
import { HAVE_SHARED, SHARED, SHARED_STIX } from "../helpers/paths";
import { model, syncOnce, textOf } from "./helpers";

const bundle = (v: string) => path.join(SHARED_STIX, `enterprise-attack-${v}.stix20.json`);
const PARENT = "MITRE ATT&CK/Enterprise-Attack/techniques/Unsecured Credentials.md";

describe.skipIf(!HAVE_SHARED)("a link to a technique ATT&CK renamed", () => {
	it("shows the new name and still reaches the note, and a second sync writes nothing", async () => {
		const [m17, m18] = [model(bundle("17.1")), model(bundle("18.1"))];
		const vault = new MemoryVault({});
		await syncOnce(vault, m17, { createMissing: ["technique", "subtechnique"], createOnly: new Set(["T1552", "T1552.003"]) });
		expect(textOf(vault.files.get(PARENT))).toContain("(e.g. [[Bash History]])");
		await syncOnce(vault, m18, { previous: [m17] });
		const synced = textOf(vault.files.get(PARENT));
		expect(synced).toContain("(e.g. [[Bash History|Shell History]])");
		expect(synced).not.toContain("[[Shell History]]");
		const again = await syncOnce(vault, m18, { previous: [m17] });
		expect(again.wrote).toEqual([]);
	});
});

describe.skipIf(!HAVE_SHARED)("the aliases a generator made of a renamed technique's name", () => {
	it("gain the new name's, keep the old, and a second sync writes nothing", async () => {
		const [m17, m18] = [model(bundle("17.1")), model(bundle("18.1"))];
		const note = "MITRE/Techniques/Enterprise attack/Defense Evasion/Virtualization／Sandbox Evasion/Time Based Evasion - T1497.003.md";
		const vault = new MemoryVault({ [note]: readFileSync(path.join(SHARED, "peer-vaults", "reuteras-17.1", note), "utf8") });
		await syncOnce(vault, m18, { previous: [m17] });
		const text = textOf(vault.files.get(note));
		const aliases = text.slice(text.indexOf("aliases:"), text.indexOf("\nurl:"));
		expect(aliases).toBe(
			["aliases:", "  - T1497.003", "  - Time Based Evasion", "  - Time Based Evasion (T1497.003)", "  - T1497.003 (Time Based Evasion)", "  - Time Based Checks", "  - Time Based Checks (T1497.003)", "  - T1497.003 (Time Based Checks)"].join("\n"),
		);
		const again = await syncOnce(vault, m18, { previous: [m17] });
		expect(again.wrote).toEqual([]);
	});
});

describe.skipIf(!HAVE_SHARED)("a row of a table inside a callout, naming a renamed technique", () => {
	it("says the new name, its link kept, and a second sync writes nothing", async () => {
		const [m17, m18] = [model(bundle("17.1")), model(bundle("18.1"))];
		const note = "MITRE/Techniques/Enterprise attack/Defense Evasion/Virtualization／Sandbox Evasion/Virtualization／Sandbox Evasion - T1497.md";
		const before = readFileSync(path.join(SHARED, "peer-vaults", "reuteras-17.1", note), "utf8");
		expect(before).toContain("> | [[Time Based Evasion - T1497.003 \\| T1497.003]] | Time Based Evasion |\n");
		const vault = new MemoryVault({ [note]: before });
		await syncOnce(vault, m18, { previous: [m17] });
		const text = textOf(vault.files.get(note));
		expect(text).toContain("> | [[Time Based Evasion - T1497.003 \\| T1497.003]] | Time Based Checks |\n");
		expect(text).toContain("> | [[System Checks - T1497.001 \\| T1497.001]] | System Checks |\n");
		const again = await syncOnce(vault, m18, { previous: [m17] });
		expect(again.wrote).toEqual([]);
	});
});
