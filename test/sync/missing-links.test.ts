// Links to notes the vault does not have (issue 10: "wiki-links where the target note exists";
// issue 4: "a link whose note does not exist yet is written the way the vault's other links to
// missing notes are"). A vault that links only notes it has gets the name or plain ID instead,
// which a later sync links once the note is there, without adding the row twice. A vault that
// already links missing notes of a kind gets links to where those notes would be.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { MemoryVault } from "../helpers/memory-vault";
import { ENTERPRISE_FIXTURE, HAVE_SHARED, SHARED_STIX } from "../helpers/paths";
import { brokenLinks, model, syncOnce, textOf } from "./helpers";

/** The lines of the section under `heading`, up to the next heading. */
function section(text: string, heading: string): string[] {
	const at = text.indexOf(`\n### ${heading}\n`);
	if (at < 0) return [];
	const rest = text.slice(at + heading.length + 6);
	const end = rest.search(/\n#{1,6} /);
	return (end < 0 ? rest : rest.slice(0, end)).split("\n").filter((l) => l.trim() !== "");
}

describe("links to notes the vault lacks (fixture 18.1)", () => {
	const m = model(ENTERPRISE_FIXTURE);
	const opts = { version: "18.1" };
	const pathOf = (report: { notes: Array<{ id: string | null; path: string }> }, id: string) => report.notes.find((n) => n.id === id)?.path ?? "";

	it("are plain names and IDs in a vault that links only notes it has, and become links once the notes are there", async () => {
		const vault = new MemoryVault();
		const first = await syncOnce(vault, m, { ...opts, createMissing: ["technique"] });
		expect(first.report.summary.created).toBeGreaterThan(10);
		expect(brokenLinks(vault)).toEqual([]);
		const path = pathOf(first.report, "T1110");
		const before = textOf(vault.files.get(path));
		expect(section(before, "Tactic")).toEqual(["- Credential Access (TA0006)"]);
		const subs = section(before, "Sub-techniques").slice(2);
		expect(subs).toHaveLength(4);
		expect(subs).toContain("| T1110.001 | Password Guessing |");
		const mitigations = section(before, "Mitigations").slice(2);
		expect(mitigations).toHaveLength(4);
		for (const row of mitigations) expect(row).toMatch(/^\| M\d{4} \| /);

		// A resync knows the plain rows and items as ATT&CK's: nothing to write.
		expect((await syncOnce(vault, m, opts)).wrote).toEqual([]);
		// Items of the user's naming tactics no release relates to the technique, in either form, are theirs.
		const mine = "- Execution (TA0002)\n- [[Persistence]] (TA0003)\n";
		vault.files.set(path, before.replace("- Credential Access (TA0006)\n", `- Credential Access (TA0006)\n${mine}`));

		// Once the notes are there, the same rows and items link them, each once.
		await syncOnce(vault, m, { ...opts, createMissing: ["technique", "subtechnique", "tactic", "mitigation"] });
		expect(brokenLinks(vault)).toEqual([]);
		const after = textOf(vault.files.get(path));
		expect(section(after, "Tactic")).toHaveLength(3);
		expect(section(after, "Tactic")[0]).toMatch(/^- \[\[.*Credential Access.*\]\] \(TA0006\)$/);
		expect(after).toContain(mine);
		const linkedSubs = section(after, "Sub-techniques").slice(2);
		expect(linkedSubs).toHaveLength(4);
		for (const row of linkedSubs) expect(row).toMatch(/^\| \[\[[^\]]*\\\|T1110\.00\d\]\] \| /);
		const linkedMitigations = section(after, "Mitigations").slice(2);
		expect(linkedMitigations).toHaveLength(4);
		for (const row of linkedMitigations) expect(row).toMatch(/^\| \[\[[^\]]*\\\|M\d{4}\]\] \| /);
		expect((await syncOnce(vault, m, opts)).wrote).toEqual([]);
	});

	it.skipIf(!HAVE_SHARED)("link where notes of the kind the vault links missing would be, and only those; a second sync writes nothing (Enterprise 18.1)", async () => {
		// One link of the user's to a missing mitigation note. M1032 "Multi-factor Authentication"
		// shares its name with sub-technique T1556.006: its links name the path, which must not
		// count as a link to a missing sub-technique note (a second sync linked every sub-technique).
		const full = model(path.join(SHARED_STIX, "enterprise-attack-18.1.stix20.json"));
		const vault = new MemoryVault({ "Mine.md": "see [[User Account Management]]\n" });
		const first = await syncOnce(vault, full, { ...opts, createMissing: ["technique"] });
		const text = textOf(vault.files.get(pathOf(first.report, "T1110")));
		const mitigations = section(text, "Mitigations").slice(2);
		for (const row of mitigations) expect(row).toMatch(/^\| \[\[[^\]]*\\\|M\d{4}\]\] \| /);
		expect(mitigations.some((row) => row.includes("/Multi-factor Authentication\\|M1032]]"))).toBe(true);
		expect(section(text, "Sub-techniques")).toContain("| T1110.001 | Password Guessing |");
		expect(section(text, "Tactic")).toEqual(["- Credential Access (TA0006)"]);
		expect((await syncOnce(vault, full, opts)).wrote).toEqual([]);
	});

	it("are written where the notes would be in a vault that links missing notes of the kind already", async () => {
		const vault = new MemoryVault();
		const { report } = await syncOnce(vault, m, { ...opts, createMissing: ["technique", "subtechnique", "tactic", "mitigation"] });
		// The user deletes the tactic notes; the technique notes keep their links to them.
		for (const n of report.notes) if (/^TA\d{4}$/.test(n.id ?? "")) vault.files.delete(n.path);
		const gone = pathOf(report, "T1110");
		const old = textOf(vault.files.get(gone));
		vault.files.delete(gone);
		expect(brokenLinks(vault).length).toBeGreaterThan(0);

		const again = await syncOnce(vault, m, { ...opts, createMissing: ["technique"], createOnly: new Set(["T1110"]) });
		expect(again.report.summary.created).toBe(1);
		expect(textOf(vault.files.get(gone))).toBe(old);
	});
});
