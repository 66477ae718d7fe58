// A table row a generator wrote with an unescaped `|` inside code (every peer vault's Earth Lusca
// T1018 procedure, whose PowerShell command pipes) is wider than its header: its text is cut into
// several cells. Sync reads the cut cells back as one, so a row ATT&CK did not change stays as the
// note has it, and a user's words in it stay; before, a fragment of the 17.1 text was appended
// after the new one. Needs the peer vaults and releases (../shared); skipped without them.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { MemoryVault } from "../helpers/memory-vault";
import { HAVE_SHARED, SHARED, SHARED_STIX } from "../helpers/paths";
import { model, syncOnce, textOf } from "./helpers";

const bundle = (v: string) => path.join(SHARED_STIX, `enterprise-attack-${v}.stix20.json`);

describe.skipIf(!HAVE_SHARED)("a row cut by a `|` inside code", () => {
	it.each([
		["vincenzocaputo-17.1", "groups/Earth Lusca.md"],
		["reuteras-17.1", "MITRE/CTI/Groups/Earth Lusca.md"],
		["scorchederf-17.1", "kb/mitre/attack/groups/G1006-Earth_Lusca.md"],
		["fancyp4nda-17.1", "enterprise-attack/groups/G1006 - Earth Lusca.md"],
	])("%s: is read whole; an unchanged procedure stays as written, the user's words in it too", async (peer, note) => {
		const [m17, m18] = [model(bundle("17.1")), model(bundle("18.1"))];
		const original = readFileSync(path.join(SHARED, "peer-vaults", peer, note), "utf8");
		const row = (text: string) => text.split("\n").filter((l) => l.includes("T1018") && l.includes("Get-EventLog"));
		expect(row(original)).toHaveLength(1);
		// The user marks a word inside the cut-off part of the command's row.
		const edited = original.replace("to find the network information", "to find the ==network== information");
		for (const text of [original, edited]) {
			const vault = new MemoryVault({ [note]: text });
			await syncOnce(vault, m18, { version: "18.1", previous: [m17] });
			const out = textOf(vault.files.get(note));
			// ATT&CK 18.1 did not change this procedure: the row is the note's, byte for byte.
			expect(row(out)).toEqual(row(text));
			expect((await syncOnce(vault, m18, { version: "18.1", previous: [m17] })).wrote).toEqual([]);
		}
	});
});
