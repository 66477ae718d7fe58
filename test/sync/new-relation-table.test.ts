// A relationship the old release listed nothing in and the new one does, in a note of a generator
// that leaves empty tables out: Moonstone Sleet (G1036) uses no software in 17.1 and Qilin (S1242)
// in 18.1, and vincenzocaputo's note has no Software section. The table comes, headed and laid out
// as the vault's other group notes have theirs (APT1's `### Software`), after the note's last
// relationship table; a second sync writes nothing. No other group note with such a table, or no
// earlier release to tell "empty then" from "removed by the user": nothing is added.
// Needs the peer vaults and releases (../shared); skipped without them.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { MemoryVault } from "../helpers/memory-vault";
import { HAVE_SHARED, SHARED, SHARED_STIX } from "../helpers/paths";
import { model, syncOnce, textOf } from "./helpers";

const bundle = (v: string) => path.join(SHARED_STIX, `enterprise-attack-${v}.stix20.json`);
const peer = (note: string) => readFileSync(path.join(SHARED, "peer-vaults", "vincenzocaputo-17.1", note), "utf8");
const NOTE = "groups/Moonstone Sleet.md";
const SIBLING = "groups/APT1.md";

describe.skipIf(!HAVE_SHARED)("a table for a relationship new in this release", () => {
	const [m17, m18] = HAVE_SHARED ? [model(bundle("17.1")), model(bundle("18.1"))] : [null, null];

	it("is added as the vault's other notes of the kind have it, and a second sync writes nothing", async () => {
		if (!m17 || !m18) return;
		const before = peer(NOTE);
		expect(before).not.toContain("### Software");
		const vault = new MemoryVault({ [NOTE]: before, [SIBLING]: peer(SIBLING) });
		await syncOnce(vault, m18, { version: "18.1", previous: [m17] });
		const text = textOf(vault.files.get(NOTE));
		const table = ["### Software", "", "| ID | Name | Description |", "| --- | --- | --- |", "| S1242 | Qilin | [[Moonstone Sleet]] has deployed [Qilin](https://attack.mitre.org/software/S1242) ransomware.[^"].join("\n");
		expect(text).toContain(table);
		// After the techniques table, before the references; its citation defined.
		expect(text.indexOf("### Techniques Used")).toBeLessThan(text.indexOf("### Software"));
		const cited = /ransomware\.\[\^(\w+)\]/.exec(text)?.[1];
		expect(text).toMatch(new RegExp(`^\\[\\^${cited}\\]: .*Qilin`, "m"));
		expect((await syncOnce(vault, m18, { version: "18.1", previous: [m17] })).wrote).toEqual([]);
	});

	it.each([
		// reuteras' Software Used has columns of its own; ATT&CK's cells are filled, the others left empty.
		["reuteras-17.1", "MITRE/CTI/Groups/Moonstone Sleet.md", ["MITRE/CTI/Groups/Mustang Panda.md"], ["### Software Used", "", "| ID | Name | References | Techniques |", "| --- | --- | --- | --- |", "| S1242 | Qilin | | |"]],
		// FancyP4nda lists a software's groups by ID and name only.
		["fancyp4nda-17.1", "enterprise-attack/software/S1148 - Raccoon Stealer.md", ["enterprise-attack/software/S0040 - HTRAN.md", "enterprise-attack/groups/G1015 - Scattered Spider.md"], ["### Groups That Use This Software", "", "| ID | Name |", "| --- | --- |", "| [[G1015 - Scattered Spider\\|G1015]] | Scattered Spider |"]],
	])("%s: is added in the columns the vault's other notes of the kind have", async (vaultName, note, others, table) => {
		if (!m17 || !m18) return;
		const read = (p: string) => readFileSync(path.join(SHARED, "peer-vaults", vaultName, p), "utf8");
		const vault = new MemoryVault(Object.fromEntries([note, ...others].map((p) => [p, read(p)])));
		await syncOnce(vault, m18, { version: "18.1", previous: [m17] });
		expect(textOf(vault.files.get(note))).toContain(`${table.join("\n")}\n`);
		expect((await syncOnce(vault, m18, { version: "18.1", previous: [m17] })).wrote).toEqual([]);
	});

	it("is not added without a note of the kind that has one, or without an earlier release", async () => {
		if (!m17 || !m18) return;
		const alone = new MemoryVault({ [NOTE]: peer(NOTE) });
		await syncOnce(alone, m18, { version: "18.1", previous: [m17] });
		expect(textOf(alone.files.get(NOTE))).not.toContain("### Software");
		const noBase = new MemoryVault({ [NOTE]: peer(NOTE), [SIBLING]: peer(SIBLING) });
		await syncOnce(noBase, m18, { version: "18.1" });
		expect(textOf(noBase.files.get(NOTE))).not.toContain("Qilin");
	});
});
