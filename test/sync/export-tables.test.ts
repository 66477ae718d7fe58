// Notes sync creates in an export-layout vault (`# FIN7 (G0046)`, `## Description`, `## Techniques
// used`...) hold their relationship tables, and sync keeps those current as it keeps a classic
// note's: ATT&CK's text in the Use column, rows added and dropped with the release, the user's
// rows and words kept. In the layout's own form: a row names its object by its plain ID even where
// the vault has the object's note, and ATT&CK's text names pages `Name (ID)`, never by wiki-link.
// A vault is export-layout by its notes: here the export seed `Malicious Link (T1204.001)`.
// Fixtures 17.1 and 18.1 (subsets of Enterprise); the whole releases when ../shared has them.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { attackIdOf, modelFromJson, type AttackModel, type Related } from "../../src/core/attack/model";
import { footnoteLabel } from "../../src/core/sync/attack-text";
import { relationTables } from "../../src/core/kinds";
import { MemoryVault } from "../helpers/memory-vault";
import { rowsUnder as tableRows } from "../helpers/table-rows";
import { ENTERPRISE_FIXTURE, FIXTURES, HAVE_SHARED, SHARED_STIX } from "../helpers/paths";
import { model, seedFiles, SEED_PATHS, syncOnce, textOf } from "./helpers";

const KINDS = ["group", "software", "campaign"] as const;
const FIN7 = "Seeds/FIN7 (G0046).md";
const APT29 = "Seeds/APT29 (G0016).md";

/** The rows of the table under `## heading`: the export layout's tables are second-level. */
const rowsUnder = (text: string, heading: string): string[] => tableRows(text, heading, 2);

/** An export-layout vault: the export seed only. */
const exportVault = () => new MemoryVault({ [SEED_PATHS.export]: seedFiles()[SEED_PATHS.export] });

const related = (m: AttackModel, id: string, table: string): Related[] => {
	const o = m.get(id);
	if (!o) throw new Error(`no ${id}`);
	return relationTables(m, o).find((t) => t.name === table)?.list ?? [];
};

/**
 * The note with its description's runs of spaces made one: the description's word merge respaces
 * ATT&CK's double spaces (Mustang Panda's 18.1 text), a matter of the description, not of the tables.
 */
function spaced(text: string): string {
	return text.replace(/(\n## Description\n)([\s\S]*?)(?=\n## |$)/, (_, head: string, body: string) => head + body.replace(/ {2,}/g, " "));
}

/** The notes of `KINDS` in the vault, by path. */
const createdNotes = (vault: MemoryVault) => [...vault.files.keys()].filter((p) => p !== SEED_PATHS.export && p.endsWith(".md"));

/**
 * A row keeps the name it has (table sync leaves a row's reference and name as the note has
 * them): a created-at-`old` note names an object `fresh` renamed as `old` did.
 */
function asRenamed(old: AttackModel, fresh: AttackModel): (text: string) => string {
	const renamed = [...fresh.active("technique", { subtechniques: true }), ...KINDS.flatMap((k) => fresh.active(k))].flatMap((o) => {
		const id = attackIdOf(o) ?? "";
		const was = old.get(id)?.name;
		return was !== undefined && was !== o.name ? [[`| ${id} | ${was} |`, `| ${id} | ${o.name ?? ""} |`] as const] : [];
	});
	return (text) => renamed.reduce((t, [was, now]) => t.split(was).join(now), text);
}

describe("relationship tables of export-layout notes (--create-missing, fixtures 17.1 and 18.1)", () => {
	const m17 = model(path.join(FIXTURES, "enterprise-attack-17.1-subset.json"));
	const m18 = model(ENTERPRISE_FIXTURE);
	const to18 = { version: "18.1", previous: [m17] };

	it("a created group note's tables hold ATT&CK's text in the layout's plain form; a second sync writes nothing", async () => {
		const vault = exportVault();
		const { wrote } = await syncOnce(vault, m18, { version: "18.1", createMissing: [...KINDS] });
		expect(wrote).toContain(FIN7);
		const note = textOf(vault.files.get(FIN7));
		expect(note.startsWith("---\n")).toBe(true);
		expect(note).toContain("\n# FIN7 (G0046)\n\n## Description\n");
		expect(note).toContain("\n## Techniques used\n\n| ID | Name | Use |\n| --- | --- | --- |\n");
		const uses = related(m18, "G0046", "techniques used");
		const rows = rowsUnder(note, "Techniques used");
		expect(uses.length).toBeGreaterThan(5);
		expect(rows).toHaveLength(uses.length);
		for (const [k, r] of uses.entries()) {
			// The relationship's text (its ATT&CK links as `Name (ID)`), its citations footnotes.
			const id = attackIdOf(r.object) ?? "";
			expect(rows[k].startsWith(`| ${id} | ${r.object.name} | FIN7 (G0046) `), rows[k]).toBe(true);
			expect(rows[k]).toMatch(/\[\^[^\]]+\] \|$/);
		}
		// Malicious Link has its note (the seed), yet its row names it by ID: the layout links nothing.
		expect(rows.some((l) => l.startsWith("| T1204.001 | Malicious Link | "))).toBe(true);
		for (const file of createdNotes(vault)) expect(textOf(vault.files.get(file)), file).not.toContain("[[");
		// Every footnote the tables cite is defined under References.
		const cited = new Set([...note.matchAll(/\[\^([^\]\s]+)\](?!:)/g)].map((m) => m[1]));
		const defined = new Set([...note.matchAll(/^\[\^([^\]\s]+)\]:/gm)].map((m) => m[1]));
		expect([...cited].filter((f) => !defined.has(f))).toEqual([]);
		expect(note.indexOf("\n## References\n")).toBeGreaterThan(note.indexOf("\n## Software used\n"));
		expect((await syncOnce(vault, m18, { version: "18.1", createMissing: [...KINDS] })).wrote).toEqual([]);
		expect((await syncOnce(vault, m18, { version: "18.1" })).wrote).toEqual([]);
	});

	it("created at 17.1 and synced to 18.1: the notes created at 18.1", async () => {
		const created18 = exportVault();
		await syncOnce(created18, m18, { version: "18.1", createMissing: [...KINDS] });
		const stepwise = exportVault();
		await syncOnce(stepwise, m17, { version: "17.1", createMissing: [...KINDS] });
		// 18.1 adds a technique to FIN7, and trades APT29's FatDuke for another tool.
		expect(rowsUnder(textOf(stepwise.files.get(FIN7)), "Techniques used").some((l) => l.startsWith("| T1608.005 |"))).toBe(false);
		expect(rowsUnder(textOf(stepwise.files.get(APT29)), "Software used").some((l) => l.startsWith("| S0512 | FatDuke | "))).toBe(true);
		const { wrote } = await syncOnce(stepwise, m18, to18);
		expect(wrote).toEqual(expect.arrayContaining([FIN7, APT29]));
		expect(rowsUnder(textOf(stepwise.files.get(FIN7)), "Techniques used").some((l) => l.startsWith("| T1608.005 |"))).toBe(true);
		expect(rowsUnder(textOf(stepwise.files.get(APT29)), "Software used").some((l) => l.startsWith("| S0512 |"))).toBe(false);
		const renamed = asRenamed(m17, m18);
		// The notes 18.1 has and 17.1 did not are created by a --create-missing run only.
		const both = createdNotes(created18).filter((p) => stepwise.files.has(p));
		expect(both.length).toBeGreaterThan(100);
		for (const file of both) expect(spaced(renamed(textOf(stepwise.files.get(file)))), file).toBe(spaced(textOf(created18.files.get(file))));
		expect((await syncOnce(stepwise, m18, to18)).wrote).toEqual([]);
	});

	it("a sync 17.1 -> 18.1 updates the rows and keeps the user's rows and words", async () => {
		const created18 = exportVault();
		await syncOnce(created18, m18, { version: "18.1", createMissing: [...KINDS] });
		const vault = exportVault();
		await syncOnce(vault, m17, { version: "17.1", createMissing: [...KINDS] });
		// A row whose text 18.1 rewrites.
		const was = new Map(related(m17, "G0046", "techniques used").map((r) => [attackIdOf(r.object), r.description]));
		const rewritten = related(m18, "G0046", "techniques used").find((r) => was.has(attackIdOf(r.object)) && was.get(attackIdOf(r.object)) !== r.description);
		const rid = attackIdOf(rewritten?.object ?? { type: "", id: "" });
		if (rid === null) throw new Error("no FIN7 procedure 18.1 rewrites");
		const text = textOf(vault.files.get(FIN7));
		const row = rowsUnder(text, "Techniques used").find((l) => l.startsWith(`| ${rid} |`)) ?? "";
		expect(row).not.toBe("");
		// The user writes into that row (before ATT&CK's text: 18.1 adds a sentence after it, where
		// words of the user's would be an edit the merge cannot place, kept whole and marked), adds a
		// row of their own, and a line under the table.
		const mine = { words: "Seen in our SOC zq1. ", row: "| - | our own tooling notes | zq2 |", line: "Reviewed with the team zq3." };
		const cells = row.split(" | ");
		const edited = text.replace(row, `${[...cells.slice(0, 2), mine.words + cells.slice(2).join(" | ")].join(" | ")}\n${mine.row}`).replace("\n\n## Software used\n", `\n\n${mine.line}\n\n## Software used\n`);
		for (const m of Object.values(mine)) expect(edited).toContain(m);
		await vault.process(FIN7, () => edited);
		expect((await syncOnce(vault, m18, to18)).wrote).toContain(FIN7);
		const after = textOf(vault.files.get(FIN7));
		const rows = rowsUnder(after, "Techniques used");
		// The row has 18.1's text, the user's words before it.
		const fresh = rowsUnder(textOf(created18.files.get(FIN7)), "Techniques used").find((l) => l.startsWith(`| ${rid} |`)) ?? "";
		expect(fresh).not.toBe(row);
		const freshCells = fresh.split(" | ");
		expect(rows).toContain([...freshCells.slice(0, 2), mine.words + freshCells.slice(2).join(" | ")].join(" | "));
		expect(rows.some((l) => l.startsWith("| T1608.005 |"))).toBe(true);
		expect(after).toContain(`\n${mine.row}\n`);
		expect(after).toContain(`\n\n${mine.line}\n\n## Software used\n`);
		// Only the user's lines tell it from the note created at 18.1.
		const without = after.replace(mine.words, "").replace(`\n${mine.row}`, "").replace(`\n\n${mine.line}`, "");
		expect(asRenamed(m17, m18)(without)).toBe(textOf(created18.files.get(FIN7)));
		expect((await syncOnce(vault, m18, to18)).wrote).toEqual([]);
	});

	it("a footnote only a row's old text cited goes with that text, as the note created now has none", async () => {
		// A next release rewrites one of FIN7's procedures without its citations, and cites their
		// sources nowhere else (nor lists them on the group).
		const raw = JSON.parse(readFileSync(ENTERPRISE_FIXTURE, "utf8")) as { objects: Array<{ id: string; type: string; description?: string; external_references?: Array<{ source_name: string }> }> };
		const cites = (text: string | undefined) => [...(text ?? "").matchAll(/\(Citation: ([^)]+)\)/g)].map((m) => m[1]);
		const fin7 = raw.objects.find((o) => o.type === "intrusion-set" && o.external_references?.[0]?.source_name === "mitre-attack" && (o.external_references[0] as { external_id?: string }).external_id === "G0046");
		const uses = related(m18, "G0046", "techniques used").concat(related(m18, "G0046", "software used"));
		const elsewhere = (r: Related) => new Set([...cites(fin7?.description), ...uses.filter((x) => x !== r).flatMap((x) => cites(x.relationship.description))]);
		const dropped = uses.find((r) => cites(r.relationship.description).some((c) => !elsewhere(r).has(c)));
		if (!fin7 || !dropped) throw new Error("no FIN7 citation only one row has");
		const gone = cites(dropped.relationship.description).filter((c) => !elsewhere(dropped).has(c));
		const newer = modelFromJson({ ...raw, objects: raw.objects.map((o) => (o.id === dropped.relationship.id ? { ...o, description: "Rewritten procedure zq4." } : o === fin7 ? { ...o, external_references: o.external_references?.filter((r) => !gone.includes(r.source_name)) } : o)) }, "newer");
		const vault = exportVault();
		await syncOnce(vault, m18, { version: "18.1", createMissing: ["group"] });
		const before = textOf(vault.files.get(FIN7));
		for (const c of gone) expect(before).toContain(`\n[^${footnoteLabel(c)}]: ${c}.`);
		await syncOnce(vault, newer, { version: "18.2", previous: [m18] });
		const after = textOf(vault.files.get(FIN7));
		expect(after).toContain(" | Rewritten procedure zq4. |\n");
		for (const c of gone) expect(after).not.toContain(`[^${footnoteLabel(c)}]`);
		const created = exportVault();
		await syncOnce(created, newer, { version: "18.2", createMissing: ["group"] });
		expect(after).toBe(textOf(created.files.get(FIN7)));
		expect((await syncOnce(vault, newer, { version: "18.2", previous: [m18] })).wrote).toEqual([]);
	});
});

describe.skipIf(!HAVE_SHARED)("relationship tables of export-layout notes (Enterprise 17.1 -> 18.1)", () => {
	it("group, software and campaign notes created at 17.1 and synced to 18.1 are the ones created at 18.1", async () => {
		const m17 = model(path.join(SHARED_STIX, "enterprise-attack-17.1.stix20.json"));
		const m18 = model(path.join(SHARED_STIX, "enterprise-attack-18.1.stix20.json"));
		const to18 = { version: "18.1", previous: [m17] };
		const created18 = exportVault();
		await syncOnce(created18, m18, { version: "18.1", createMissing: [...KINDS] });
		const stepwise = exportVault();
		await syncOnce(stepwise, m17, { version: "17.1", createMissing: [...KINDS] });
		await syncOnce(stepwise, m18, to18);
		// Scattered Spider: 18.1 adds 29 techniques, drops one, rewrites 14 procedures.
		const spider = textOf(stepwise.files.get("Seeds/Scattered Spider (G1015).md"));
		expect(rowsUnder(spider, "Techniques used").some((l) => l.startsWith("| T1219 |"))).toBe(false);
		expect(rowsUnder(spider, "Techniques used").some((l) => l.startsWith("| T1219.002 | "))).toBe(true);
		const renamed = asRenamed(m17, m18);
		const both = createdNotes(created18).filter((p) => stepwise.files.has(p));
		expect(both.length).toBeGreaterThan(900);
		const differ = both.filter((file) => spaced(renamed(textOf(stepwise.files.get(file)))) !== spaced(textOf(created18.files.get(file))));
		expect(differ).toEqual([]);
		expect((await syncOnce(stepwise, m18, to18)).wrote).toEqual([]);
	}, 300_000);
});
