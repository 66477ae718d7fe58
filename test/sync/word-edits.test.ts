// Property: the user's edits at word level inside ATT&CK text (a highlight, bold, a link wrapped
// around a word, an inserted parenthetical) survive a sync that knows the release the note was
// written from, in description paragraphs and in table cells, whether or not ATT&CK changed the
// text; a second sync writes nothing. Every technique note of the sample vault (written from 15.1)
// is edited in every ATT&CK paragraph and mitigation cell, then synced to 18.1.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { MemoryVault } from "../helpers/memory-vault";
import { ENTERPRISE_FIXTURE, FIXTURES } from "../helpers/paths";
import { CELL_ASIDE } from "../../src/core/sync/classic";
import { appConfig, model, readTree, syncOnce, textOf } from "./helpers";

const VAULT = path.join(FIXTURES, "sample-vault");
const PREVIOUS = path.join(FIXTURES, "enterprise-attack-15.1-subset.json");

/** Lines a generator wrote as ATT&CK paragraphs: long prose lines, not lists, tables, quotes or headings. */
const isParagraph = (line: string) => line.length > 120 && !/^\s*(?:[-*+>|#]|\d+\.|\[\^|<!--|%%|```)/.test(line);

interface Edit {
	name: string;
	/** The text the synced note must still hold, once per edit. */
	mark: (n: number) => string;
	apply: (words: string[], n: number) => void;
}

/** The edits, each on its own word of the paragraph (words picked from the middle, plain letters only). */
const EDITS: Edit[] = [
	{ name: "parenthetical", mark: (n) => `(my aside zq${n})`, apply: (w, n) => void (w[4] = `${w[4]} (my aside zq${n})`) },
	{ name: "highlight", mark: (n) => `==zqh${n}==`, apply: (w, n) => void (w[8] = `==zqh${n}== ${w[8]}`) },
	{ name: "bold", mark: (n) => `**zqb${n}**`, apply: (w, n) => void (w[12] = `**zqb${n}** ${w[12]}`) },
	{ name: "wrapped link", mark: (n) => `[[My notes|zql${n}]]`, apply: (w, n) => void (w[16] = `[[My notes|zql${n}]] ${w[16]}`) },
];

function editLine(line: string, n: number): string {
	const words = line.split(" ");
	if (words.length < 20) return line;
	for (const e of EDITS) e.apply(words, n);
	return words.join(" ");
}

describe("word-level edits inside ATT&CK text survive a sync from the note's release", () => {
	it("in every paragraph and mitigation cell of every technique note of the sample vault", async () => {
		const files = readTree(VAULT);
		const edited: Record<string, string> = {};
		const planted = new Map<string, string[]>();
		let n = 0;
		for (const [p, text] of Object.entries(files)) {
			if (!p.includes("/techniques/") || !p.endsWith(".md")) continue;
			const marks: string[] = [];
			const lines = text.split("\n").map((line) => {
				if (isParagraph(line)) {
					n++;
					const out = editLine(line, n);
					if (out !== line) marks.push(...EDITS.map((e) => e.mark(n)));
					return out;
				}
				// A mitigation row: the user highlights the start of its description cell.
				const row = /^(\| \[\[[^\]]*\\\|M\d{4}\]\] \| [^|]+ \| )(\S+ \S+)(.*)$/.exec(line);
				if (row) {
					n++;
					marks.push(`==zqc${n}==`);
					return `${row[1]}==zqc${n}== ${row[2]}${row[3]}`;
				}
				return line;
			});
			edited[p] = lines.join("\n");
			if (marks.length > 0) planted.set(p, marks);
		}
		expect(planted.size).toBeGreaterThan(10);

		const vault = new MemoryVault({ ...files, ...edited }, appConfig(VAULT));
		const opts = { previous: [model(PREVIOUS)], version: "18.1" };
		const { report } = await syncOnce(vault, model(ENTERPRISE_FIXTURE), opts);
		expect(report.failed).toEqual([]);
		const problems: string[] = [];
		for (const [p, marks] of planted) {
			const after = textOf(vault.files.get(p));
			for (const m of marks) if (!after.includes(m)) problems.push(`${p}: lost ${m}`);
			// Outside the user's own versions kept beside the new text.
			const left = after.split("\n").filter((l) => l.includes("(Citation:") && !l.startsWith("> ") && !l.includes(CELL_ASIDE));
			// A revoked technique's note keeps its old text under the notice.
			if (left.length > 0 && !after.includes("[!warning] Revoked in ATT&CK")) problems.push(`${p}: a (Citation: ...) is left: ${left.join("\n").slice(0, 800)}`);
		}
		expect(problems).toEqual([]);

		const again = await syncOnce(vault, model(ENTERPRISE_FIXTURE), opts);
		expect(again.wrote).toEqual([]);
	});
});
