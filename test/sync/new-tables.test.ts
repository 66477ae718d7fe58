// A new technique note gets the tables sync keeps current in existing notes: procedure examples
// (groups, software and campaigns using it, with the procedure) and detection strategies. A row
// links its object only where the vault has the object's note (or the run creates it); else it
// names it by its plain ID, which a resync knows as ATT&CK's: it updates the row in place, links
// it once the note exists, and otherwise writes nothing. The user's rows stay as they are.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { attackIdOf, modelFromJson } from "../../src/core/attack/model";
import { MemoryVault } from "../helpers/memory-vault";
import { ENTERPRISE_FIXTURE } from "../helpers/paths";
import { brokenLinks, model, syncOnce, textOf } from "./helpers";
import { rowsUnder } from "../helpers/table-rows";

const ID = "T1110.001";

describe("tables of a new technique note (--create-missing, fixture 18.1)", () => {
	const base = model(ENTERPRISE_FIXTURE);
	const technique = base.get(ID);
	if (!technique) throw new Error(`no ${ID}`);
	const procedures = [...base.groupsUsing(technique), ...base.softwareUsing(technique), ...base.campaignsUsing(technique)];
	const strategies = base.strategiesDetecting(technique);
	const opts = { version: "18.1" };

	const created = async (vault: MemoryVault, kinds: true | Array<"group" | "technique" | "subtechnique" | "tactic" | "mitigation">) => {
		const { report, wrote } = await syncOnce(vault, base, { ...opts, createMissing: kinds });
		return { report, wrote, path: report.notes.find((n) => n.id === ID)?.path ?? "" };
	};

	it("names groups and software the vault has no note of in plain text, links them once their notes exist", async () => {
		const vault = new MemoryVault();
		const { path } = await created(vault, true);
		const note = textOf(vault.files.get(path));
		// The layout sync writes these tables in: ID, Name, ATT&CK's text.
		expect(note).toContain("\n### Procedure Examples\n\n| ID | Name | Use |\n| --- | --- | --- |\n");
		expect(note).toContain("\n### Detection Strategies\n\n| ID | Name | Use |\n| --- | --- | --- |\n");
		const rows = rowsUnder(note, "Procedure Examples");
		expect(procedures.length).toBeGreaterThan(2);
		expect(rows).toHaveLength(procedures.length);
		for (const r of procedures) {
			const row = rows.find((l) => l.startsWith(`| ${attackIdOf(r.object)} | ${r.object.name} | `));
			expect(row, attackIdOf(r.object) ?? "").toBeDefined();
			// The procedure is there, its citations footnotes.
			expect(row).toMatch(/\[\^[^\]]+\] \|$/);
		}
		expect(rowsUnder(note, "Detection Strategies").map((l) => l.split(" | ")[0])).toEqual(strategies.map((s) => `| ${attackIdOf(s.object)}`));
		expect(brokenLinks(vault)).toEqual([]);
		expect((await created(vault, true)).wrote).toEqual([]);

		// The groups' notes come: their rows link to them; software still has none, its rows stay plain.
		const withGroups = await created(vault, ["group"]);
		expect(withGroups.wrote).toContain(path);
		const after = textOf(vault.files.get(path));
		const linked = rowsUnder(after, "Procedure Examples");
		for (const r of procedures) {
			const id = attackIdOf(r.object) ?? "";
			const row = linked.find((l) => l.includes(`| ${r.object.name} | `));
			if (r.object.type === "intrusion-set") expect(row, id).toMatch(new RegExp(`^\\| \\[\\[[^\\]]+\\\\\\|${id}\\]\\] \\| `));
			else expect(row, id).toMatch(new RegExp(`^\\| ${id} \\| `));
		}
		expect(linked).toHaveLength(procedures.length);
		// Only the rows' references changed.
		expect(after.replace(/\[\[[^\]|\\]+\\\|(G\d{4})\]\]/g, "$1")).toBe(note);
		expect(brokenLinks(vault)).toEqual([]);
		expect((await created(vault, ["group"])).wrote).toEqual([]);
		expect((await syncOnce(vault, base, opts)).wrote).toEqual([]);
	});

	it("links the rows of groups created in the same run", async () => {
		const vault = new MemoryVault();
		const kinds = ["technique", "subtechnique", "tactic", "mitigation", "group"] as const;
		const { path } = await created(vault, [...kinds]);
		const rows = rowsUnder(textOf(vault.files.get(path)), "Procedure Examples");
		const group = procedures.find((r) => r.object.type === "intrusion-set");
		expect(rows.find((l) => l.includes(`| ${group?.object.name} | `))).toMatch(/^\| \[\[[^\]]+\\\|G\d{4}\]\] \| /);
		expect(brokenLinks(vault)).toEqual([]);
		expect((await created(vault, [...kinds])).wrote).toEqual([]);
	});

	it("updates a plain row when ATT&CK changes its text, never adding it twice; the user's rows and words stay", async () => {
		const vault = new MemoryVault();
		const { path } = await created(vault, ["technique", "subtechnique"]);
		const [changed, kept] = procedures;
		const changedId = attackIdOf(changed.object) ?? "";
		const keptId = attackIdOf(kept.object) ?? "";
		// The user writes into one of ATT&CK's rows and adds rows of their own: one naming an ID
		// ATT&CK does not relate to the technique, one with no ID.
		const text = textOf(vault.files.get(path));
		const keptRow = rowsUnder(text, "Procedure Examples").find((l) => l.startsWith(`| ${keptId} |`)) ?? "";
		const edited = text.replace(keptRow, `${keptRow.replace(/ \|$/, " Seen in our logs zq1. |")}\n| G9999 | my own group | zq2 |\n| - | a note of mine | zq3 |`);
		expect(edited).toContain("zq3");
		await vault.process(path, () => edited);
		// The next release rewrites the procedure of the first row.
		const raw = JSON.parse(readFileSync(ENTERPRISE_FIXTURE, "utf8")) as { objects: Array<{ id: string; type: string; description?: string }> };
		const newer = modelFromJson({ ...raw, objects: raw.objects.map((o) => (o.id === changed.relationship.id ? { ...o, description: "Rewritten procedure zq4." } : o)) }, "newer");
		const { wrote } = await syncOnce(vault, newer, { version: "18.2", previous: [base] });
		expect(wrote).toContain(path);
		const after = textOf(vault.files.get(path));
		const rows = rowsUnder(after, "Procedure Examples");
		expect(rows.filter((l) => l.startsWith(`| ${changedId} |`))).toEqual([`| ${changedId} | ${changed.object.name} | Rewritten procedure zq4. |`]);
		expect(rows.filter((l) => l.startsWith(`| ${keptId} |`))).toHaveLength(1);
		for (const mine of ["Seen in our logs zq1. |", "| G9999 | my own group | zq2 |", "| - | a note of mine | zq3 |"]) expect(after).toContain(mine);
		expect(rows).toHaveLength(procedures.length + 2);
		expect((await syncOnce(vault, newer, { version: "18.2", previous: [base] })).wrote).toEqual([]);
	});
});
