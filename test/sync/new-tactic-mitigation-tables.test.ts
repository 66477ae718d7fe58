// A new tactic note lists its techniques and sub-techniques (ID and name: a technique's text is
// its whole description, which its own note holds), a new mitigation note the techniques it
// addresses with each `mitigates` relationship's text, as sync keeps such tables in existing
// notes. A row links only a note the vault has or the run creates; a resync links the rest once
// their notes are there, keeps the user's rows and words, and otherwise writes nothing. A note
// created at 17.1 and synced to 18.1 is the one created at 18.1. Enterprise 17.1 and 18.1;
// skipped without ../shared.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { attackIdOf, type AttackModel } from "../../src/core/attack/model";
import { LinkResolver } from "../../src/core/links/resolve";
import { scanWikiLinks } from "../../src/core/links/wikilink";
import { MemoryVault } from "../helpers/memory-vault";
import { HAVE_SHARED, SHARED_STIX } from "../helpers/paths";
import { model, syncOnce, textOf } from "./helpers";

const bundle = (v: string) => path.join(SHARED_STIX, `enterprise-attack-${v}.stix20.json`);
const ROOT = "MITRE ATT&CK/Enterprise-Attack";
const TACTIC = `${ROOT}/tactics/Execution.md`;
const MITIGATION = `${ROOT}/mitigations/User Training.md`;

/** The rows of the table under `### heading`, header and delimiter left out. */
function rowsUnder(text: string, heading: string): string[] {
	const at = text.indexOf(`\n### ${heading}\n`);
	if (at < 0) return [];
	const rows: string[] = [];
	for (const line of text.slice(at).split("\n").slice(2)) {
		if (line.startsWith("|")) rows.push(line);
		else if (rows.length > 0) break;
	}
	return rows.slice(2);
}

/** Wiki-links in the vault's notes that land on no file. */
function brokenLinks(vault: MemoryVault): string[] {
	const files = [...vault.files.keys()];
	const resolver = new LinkResolver(files);
	return files.filter((f) => f.endsWith(".md")).flatMap((f) => scanWikiLinks(textOf(vault.files.get(f))).filter((l) => l.target !== "" && resolver.resolve(l.target, f).path === null).map((l) => `${f}: ${l.raw}`));
}

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
		await syncOnce(stepwise, fresh, toFresh);
		// A row keeps the name it has (table sync leaves a row's reference and name as the note
		// has them): a technique 18.1 renamed (T1552.003 Bash History, now Shell History) is named
		// as 17.1 named it.
		const renamed = fresh.active("technique", { subtechniques: true }).flatMap((o) => {
			const id = attackIdOf(o) ?? "";
			const was = old.get(id)?.name;
			return was !== undefined && was !== o.name ? [[`| ${id} | ${was} |`, `| ${id} | ${o.name ?? ""} |`] as const] : [];
		});
		expect(renamed.map(([, now]) => now)).toContain("| T1552.003 | Shell History |");
		const asRenamed = (text: string) => renamed.reduce((t, [was, now]) => t.split(was).join(now), text);
		for (const file of [...created18.files.keys()].filter((p) => /\/(tactics|mitigations)\//.test(p))) expect(asRenamed(textOf(stepwise.files.get(file))), file).toBe(textOf(created18.files.get(file)));
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
		expect(asRenamed(without(tacticAfter))).toBe(textOf(created18.files.get(TACTIC)));
		expect(asRenamed(without(mitigationAfter))).toBe(textOf(created18.files.get(MITIGATION)));
		expect((await syncOnce(edited, fresh, toFresh)).wrote).toEqual([]);
	}, 120_000);
});
