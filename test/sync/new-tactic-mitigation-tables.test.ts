// A new tactic note lists its techniques and sub-techniques (ID and name: a technique's text is
// its whole description, which its own note holds), a new mitigation note the techniques it
// addresses with each `mitigates` relationship's text, as sync keeps such tables in existing
// notes. A row links only a note the vault has or the run creates; a resync links the rest once
// their notes are there, keeps the user's rows and words, and otherwise writes nothing. A note
// created at 17.1 and synced to 18.1 is the one created at 18.1: a name cell saying what 17.1
// called a technique 18.1 renamed says the new name, a name of the user's stays. Enterprise 17.1
// and 18.1; skipped without ../shared.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { attackIdOf, type AttackModel } from "../../src/core/attack/model";
import { MemoryVault } from "../helpers/memory-vault";
import { HAVE_SHARED, SHARED_STIX } from "../helpers/paths";
import { brokenLinks, model, syncOnce, textOf } from "./helpers";
import { rowsUnder } from "../helpers/table-rows";

const bundle = (v: string) => path.join(SHARED_STIX, `enterprise-attack-${v}.stix20.json`);
const ROOT = "MITRE ATT&CK/Enterprise-Attack";
const TACTIC = `${ROOT}/tactics/Execution.md`;
const MITIGATION = `${ROOT}/mitigations/User Training.md`;
const CREDENTIAL_ACCESS = `${ROOT}/tactics/Credential Access.md`;
const DEFENSE_EVASION = `${ROOT}/tactics/Defense Evasion.md`;
const DISCOVERY = `${ROOT}/tactics/Discovery.md`;
const OS_CONFIGURATION = `${ROOT}/mitigations/Operating System Configuration.md`;

const of = (m: AttackModel, id: string) => {
	const o = m.get(id);
	if (!o) throw new Error(`no ${id}`);
	return o;
};

describe.skipIf(!HAVE_SHARED)("tables of new tactic and mitigation notes (--create-missing, Enterprise 18.1)", () => {
	const m18 = () => model(bundle("18.1"));
	const m17 = () => model(bundle("17.1"));
	const kinds = ["tactic", "mitigation"] as const;

	it("writes a tactic's techniques and a mitigation's techniques addressed with their text, links techniques once their notes exist, then writes nothing", async () => {
		const m = m18();
		const vault = new MemoryVault();
		await syncOnce(vault, m, { version: "18.1", createMissing: [...kinds] });
		const tactic = textOf(vault.files.get(TACTIC));
		const mitigation = textOf(vault.files.get(MITIGATION));
		expect(tactic).toContain("\n### Techniques\n\n| ID | Name |\n| --- | --- |\n");
		expect(mitigation).toContain("\n### Techniques Addressed by Mitigation\n\n| ID | Name | Use |\n| --- | --- | --- |\n");

		// No technique note: every row names its technique by its plain ID. The tactic's rows are
		// its techniques and their sub-techniques, in ATT&CK ID order (a parent, then its subs).
		const techniques = m.techniquesOfTactic(of(m, "TA0002"));
		expect(techniques.some((r) => attackIdOf(r.object)?.includes("."))).toBe(true);
		expect(rowsUnder(tactic, "Techniques")).toEqual(techniques.map((r) => `| ${attackIdOf(r.object)} | ${(r.object.name ?? "").replace(/\|/g, "\\|")} |`));
		const addressed = m.techniquesMitigatedBy(of(m, "M1017"));
		const rows = rowsUnder(mitigation, "Techniques Addressed by Mitigation");
		expect(rows).toHaveLength(addressed.length);
		for (const [k, r] of addressed.entries()) {
			// The relationship's text, its citations footnotes defined in the note.
			expect(rows[k].startsWith(`| ${attackIdOf(r.object)} | ${r.object.name} | `), rows[k]).toBe(true);
			expect(rows[k]).toContain(r.description.split(/[([]/)[0].trim().slice(0, 40));
		}
		expect(rows.join("\n")).toMatch(/\[\^cisa-phishing\] \|/);
		expect(mitigation).toContain("\n[^cisa-phishing]: ");
		expect(brokenLinks(vault)).toEqual([]);
		expect((await syncOnce(vault, m, { version: "18.1", createMissing: [...kinds] })).wrote).toEqual([]);

		// The technique notes come: the rows link to them, and only the references change.
		const more = await syncOnce(vault, m, { version: "18.1", createMissing: ["technique", "subtechnique"] });
		expect(more.wrote).toEqual(expect.arrayContaining([TACTIC, MITIGATION]));
		const unlink = (text: string) => text.replace(/\[\[[^\]|\\]+\\\|(T\d{4}(?:\.\d{3})?)\]\]/g, "$1");
		for (const [file, before, heading] of [
			[TACTIC, tactic, "Techniques"],
			[MITIGATION, mitigation, "Techniques Addressed by Mitigation"],
		] as const) {
			const after = textOf(vault.files.get(file));
			for (const row of rowsUnder(after, heading)) expect(row).toMatch(/^\| \[\[[^\]]+\\\|T\d{4}(?:\.\d{3})?\]\] \| /);
			expect(unlink(after)).toBe(before);
		}
		expect(brokenLinks(vault)).toEqual([]);
		expect((await syncOnce(vault, m, { version: "18.1", createMissing: true })).wrote.filter((p) => /\/(tactics|mitigations)\//.test(p))).toEqual([]);
		expect((await syncOnce(vault, m, { version: "18.1" })).wrote).toEqual([]);
	}, 120_000);

	it("created at 17.1 and synced to 18.1: the notes created at 18.1, with the user's rows and words kept", async () => {
		const old = m17();
		const fresh = m18();
		const toFresh = { version: "18.1", previous: [old] };
		const created18 = new MemoryVault();
		await syncOnce(created18, fresh, { version: "18.1", createMissing: [...kinds] });

		const stepwise = new MemoryVault();
		await syncOnce(stepwise, old, { version: "17.1", createMissing: [...kinds] });
		const at17 = textOf(stepwise.files.get(TACTIC));
		// 18.1 adds techniques to Execution (T1059.013 and T1677 are new).
		for (const id of ["T1059.013", "T1677"]) expect(at17).not.toContain(`| ${id} |`);
		// 18.1 renamed T1552.003 (Bash History, now Shell History): its rows name it as 18.1 does.
		expect(textOf(stepwise.files.get(CREDENTIAL_ACCESS))).toContain("| T1552.003 | Bash History |");
		await syncOnce(stepwise, fresh, toFresh);
		expect(textOf(stepwise.files.get(CREDENTIAL_ACCESS))).toContain("| T1552.003 | Shell History |");
		for (const file of [...created18.files.keys()].filter((p) => /\/(tactics|mitigations)\//.test(p))) expect(textOf(stepwise.files.get(file)), file).toBe(textOf(created18.files.get(file)));
		expect((await syncOnce(stepwise, fresh, toFresh)).wrote).toEqual([]);

		// The user adds a row to each table and words to one of ATT&CK's rows; 18.1 comes.
		const edited = new MemoryVault();
		await syncOnce(edited, old, { version: "17.1", createMissing: [...kinds] });
		const tactic = textOf(edited.files.get(TACTIC));
		const mitigation = textOf(edited.files.get(MITIGATION));
		const mine = ["| T1204 | User Execution zq1 |", "| - | a technique of mine | zq2 |", "Also in our phishing drills zq3."];
		await edited.process(TACTIC, () => tactic.replace("| T1204 | User Execution |", `${mine[0]}\n| my own | zq4 |`));
		await edited.process(MITIGATION, () => mitigation.replace(/(\| T1566 \| Phishing \| [^\n]*?) \|\n/, `$1 ${mine[2]} |\n${mine[1]}\n`));
		for (const file of [TACTIC, MITIGATION]) expect(textOf(edited.files.get(file))).not.toBe(file === TACTIC ? tactic : mitigation);
		const { wrote } = await syncOnce(edited, fresh, toFresh);
		expect(wrote).toEqual(expect.arrayContaining([TACTIC]));
		const tacticAfter = textOf(edited.files.get(TACTIC));
		const mitigationAfter = textOf(edited.files.get(MITIGATION));
		for (const id of ["T1059.013", "T1677"]) expect(tacticAfter).toContain(`| ${id} |`);
		expect(tacticAfter).toContain(`${mine[0]}\n| my own | zq4 |\n`);
		expect(mitigationAfter).toContain(` ${mine[2]} |\n${mine[1]}\n`);
		// Only the user's lines tell it from the note created at 18.1.
		const without = (text: string) => text.replace(" zq1", "").replace("\n| my own | zq4 |", "").replace(` ${mine[2]}`, "").replace(`\n${mine[1]}`, "");
		expect(without(tacticAfter)).toBe(textOf(created18.files.get(TACTIC)));
		expect(without(mitigationAfter)).toBe(textOf(created18.files.get(MITIGATION)));
		expect((await syncOnce(edited, fresh, toFresh)).wrote).toEqual([]);
	}, 120_000);

	it("a name 18.1 changed: a name cell saying 17.1's says 18.1's, plain or as a link's text; the link's target, the ID cell and a name of the user's stay", async () => {
		const old = m17();
		const fresh = m18();
		const toFresh = { version: "18.1", previous: [old] };
		// 18.1 renamed T1552.003 (Bash History, now Shell History) and T1497.003 (Time Based Evasion,
		// now Time Based Checks). With the technique notes, a row's ID cell links the note by its
		// 17.1 file name: sync renames no file, so the links stay.
		const vault = new MemoryVault();
		await syncOnce(vault, old, { version: "17.1", createMissing: [...kinds, "technique", "subtechnique"] });
		expect(old.get("T1552.003")?.name).toBe("Bash History");
		expect(fresh.get("T1552.003")?.name).toBe("Shell History");
		expect(old.get("T1497.003")?.name).toBe("Time Based Evasion");
		expect(fresh.get("T1497.003")?.name).toBe("Time Based Checks");
		const edit = async (file: string, from: string, to: string) => {
			const text = textOf(vault.files.get(file));
			expect(text, file).toContain(from);
			await vault.process(file, () => text.replace(from, to));
		};
		const bash = "| [[Bash History\\|T1552.003]] |";
		const time = "| [[Time Based Evasion\\|T1497.003]] |";
		// The name as a link showing its target (reuteras' form), as a link with its own text, and
		// a name of the user's; Credential Access keeps the plain name sync wrote.
		await edit(OS_CONFIGURATION, `${bash} Bash History |`, `${bash} [[Bash History]] |`);
		await edit(DEFENSE_EVASION, `${time} Time Based Evasion |`, `${time} [[Time Based Evasion \\| Time Based Evasion]] |`);
		await edit(DISCOVERY, `${time} Time Based Evasion |`, `${time} Time Based Evasion (sandbox checks) |`);
		expect(textOf(vault.files.get(CREDENTIAL_ACCESS))).toContain(`\n${bash} Bash History |\n`);

		const { wrote } = await syncOnce(vault, fresh, toFresh);
		expect(wrote).toEqual(expect.arrayContaining([CREDENTIAL_ACCESS, OS_CONFIGURATION, DEFENSE_EVASION]));
		const text = (file: string) => textOf(vault.files.get(file));
		expect(text(CREDENTIAL_ACCESS)).toContain(`\n${bash} Shell History |\n`);
		// A bare link shows its target: it gets the new name to show, its target kept.
		expect(text(OS_CONFIGURATION)).toContain(`\n${bash} [[Bash History\\|Shell History]] | There are multiple methods `);
		expect(text(DEFENSE_EVASION)).toContain(`\n${time} [[Time Based Evasion \\| Time Based Checks]] |\n`);
		expect(text(DISCOVERY)).toContain(`\n${time} Time Based Evasion (sandbox checks) |\n`);
		for (const file of [CREDENTIAL_ACCESS, OS_CONFIGURATION, DEFENSE_EVASION]) expect(text(file), file).not.toMatch(/\| Bash History \||\| Time Based Evasion\]\]|\| Time Based Evasion \|/);
		expect(brokenLinks(vault).filter((l) => /\/(tactics|mitigations)\//.test(l))).toEqual([]);
		expect((await syncOnce(vault, fresh, toFresh)).wrote).toEqual([]);
	}, 120_000);

	it("a new row is not written like a row naming its object as 17.1 did: that name is no template for another", async () => {
		const old = m17();
		const fresh = m18();
		const toFresh = { version: "18.1", previous: [old] };
		// Notes named by their IDs, so a row's link rewritten for another ID lands on that one's
		// note; Defense Evasion's first row, which new rows copy, is the renamed T1497.003's.
		const vault = new MemoryVault();
		await syncOnce(vault, old, { version: "17.1", createMissing: ["tactic"] });
		const text = textOf(vault.files.get(DEFENSE_EVASION));
		const head = "| ID | Name |\n| --- | --- |\n";
		const row = "| T1497.003 | Time Based Evasion |\n";
		expect(text).toContain(head);
		expect(text).toContain(row);
		await vault.process(DEFENSE_EVASION, () => text.replace(row, "").replace(head, `${head}| [[T1497.003\\|T1497.003]] | Time Based Evasion |\n`));
		for (const id of ["T1497.003", "T1678"]) vault.files.set(`Notes/${id}.md`, `---\nalias: ${id}\n---\n## ${id}\n`);
		// T1678 (Delay Execution) is new in 18.1: its row names it, not T1497.003 as 17.1 named it.
		expect(old.get("T1678")).toBeUndefined();
		await syncOnce(vault, fresh, toFresh);
		const after = textOf(vault.files.get(DEFENSE_EVASION));
		expect(after).toContain(`${head}| [[T1497.003\\|T1497.003]] | Time Based Checks |\n`);
		expect(after).toMatch(/\n\| \[\[T1678(?:\\\|T1678)?\]\] \| Delay Execution \|\n/);
		expect(after).not.toContain("Time Based Evasion");
		expect((await syncOnce(vault, fresh, toFresh)).wrote).toEqual([]);
	}, 120_000);
});
