// A tactic note's table of its techniques (scorchederf writes each technique's whole description
// with raw `(Citation: X)` markers and `<br>`; reuteras its first line, in a note with no
// footnotes), synced from 17.1 to 18.1: new techniques added, text current in the table's own
// form, the user's words inside a cell and their own row kept, and a second sync writes nothing.
// Skipped without ../shared.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { MemoryVault } from "../helpers/memory-vault";
import { HAVE_SHARED, SHARED, SHARED_STIX } from "../helpers/paths";
import { model, readTree, syncOnce, textOf } from "./helpers";

const PEERS = path.join(SHARED, "peer-vaults");
const bundle = (v: string) => path.join(SHARED_STIX, `enterprise-attack-${v}.stix20.json`);

describe.skipIf(!HAVE_SHARED)("tactic notes' technique tables", () => {
	const cases = [
		{ peer: "scorchederf", note: "kb/mitre/attack/tactics/TA0002-Execution.md" },
		{ peer: "reuteras", note: "MITRE/Tactics/Enterprise attack/Execution - TA0002.md" },
	];
	for (const { peer, note } of cases) {
		it(peer, async () => {
			const files = readTree(path.join(PEERS, `${peer}-17.1`));
			const before = files[note];
			// A highlight inside ATT&CK's words in T1204.002's cell (its description changed in
			// 18.1), and a row of the user's own.
			const edited = before
				.replace(/(T1204\.002\]\] \| Malicious File \| .*?)social engineering/, "$1==social engineering==")
				.replace(/(\n\| [^\n]*T1204\.002\]\][^\n]*\n)/, "$1| my own row | zq7 | notes of mine |\n");
			expect(edited).toContain("==social engineering==");
			const vault = new MemoryVault({ ...files, [note]: edited });
			const old = model(bundle("17.1"));
			const fresh = model(bundle("18.1"));
			const opts = { version: "18.1", releases: { local: ["17.1"], remote: () => Promise.resolve([]), load: (v: string) => Promise.resolve(v === "17.1" ? old : null) } };
			await syncOnce(vault, fresh, opts);
			const after = textOf(vault.files.get(note));
			const tactic = fresh.get("TA0002");
			if (!tactic) throw new Error("no TA0002");
			// Every 18.1 technique of the tactic has a row, and the new ones are there: named by their
			// plain ID, as the vault has no note of them to link to.
			for (const r of fresh.techniquesOfTactic(tactic)) expect(after, r.object.name).toMatch(new RegExp(`\\|\\s*${(r.object.external_references?.[0].external_id ?? "").replace(".", "\\.")}(?:\\]\\]| \\|)`));
			for (const id of ["T1059.013", "T1677"]) expect(after).toContain(`| ${id} |`);
			for (const mine of ["==social engineering==", "| my own row | zq7 | notes of mine |"]) expect(after).toContain(mine);
			// The table's own form: no `<br />` and no footnotes where the note had none.
			expect(after).not.toContain("<br />");
			// (reuteras' cells hold the generator's cut-off `[^Name`, never closed.)
			expect(after).not.toMatch(/\[\^[^\]\s|]+\]/);
			if (peer === "scorchederf") expect(after).toContain("(Citation: ");
			// Reuteras keeps a technique's first line only: T1677's cell holds no second paragraph.
			if (peer === "reuteras") expect(after.split("\n").find((l) => l.includes("| T1677 |")) ?? "").not.toContain("<br");
			expect((await syncOnce(vault, fresh, opts)).wrote).toEqual([]);
		});
	}
});
