import { describe, expect, it } from "vitest";
import { readFrontmatter } from "../../src/core/notes/frontmatter";
import {
	findSection,
	inCode,
	listItemsIn,
	ownEnd,
	readStructure,
	sectionsUnder,
	tableRowsIn,
	within,
	type NoteStructure,
} from "../../src/core/notes/markdown";
import { crlf, seed, vaultFile } from "./fixtures";

/** The structure of a whole note, the frontmatter sliced off first. */
function structureOf(text: string): NoteStructure {
	const r = readFrontmatter(text);
	if (!r.ok) throw new Error(r.error);
	return readStructure(text, r.frontmatter?.bodyStart ?? 0);
}

/** Every range in the structure, as the source text it covers: equal across BOM/CRLF variants. */
function slices(text: string, s: NoteStructure) {
	const cut = (a: number, b: number) => text.slice(a, b).replace(/\r\n/g, "\n");
	return {
		sections: s.sections.map((x) => [x.depth, x.title, cut(x.headingStart, x.headingEnd), cut(x.contentStart, x.end)]),
		listItems: s.listItems.map((x) => [cut(x.start, x.end), x.text, x.depth]),
		tableRows: s.tableRows.map((r) => [cut(r.start, r.end), r.header, r.cells.map((c) => [cut(c.start, c.end), c.text])]),
		code: s.codeRanges.map(([a, b]) => cut(a, b)),
		breaks: s.thematicBreaks.map((a) => cut(a, a + 3)),
	};
}

const MALICIOUS_LINK = "CyberSecurity/Security+/1-Threats-Attacks-Vulnerabilities/Attacking-Frameworks/MITRE ATT&CK/Enterprise-Attack/techniques/Malicious Link.md";

describe("readStructure on seed 000 (classic)", () => {
	const text = seed("classic");
	const s = structureOf(text);

	it("finds the sections with their nesting", () => {
		expect(s.sections.map((x) => [x.depth, x.title])).toEqual([
			[2, "T1204.001"],
			[3, "Tactic"],
			[3, "Platforms"],
			[3, "Permissions Required"],
			[3, "Mitigations"],
			[3, "References"],
		]);
		const top = s.sections[0];
		expect(text.slice(top.headingStart, top.headingEnd)).toBe("## T1204.001");
		expect(top.contentStart).toBe(top.headingEnd + 1);
		expect(top.end).toBe(text.length);
		expect(sectionsUnder(s, top)).toHaveLength(5);
		expect(text.slice(top.contentStart, ownEnd(s, top)).trim()).toMatch(/^An adversary may rely upon .*T1204\/002\)\.$/);
		const platforms = findSection(s, "platforms", 3);
		expect(platforms && text.slice(platforms.contentStart, platforms.end)).toBe("- Linux\n- macOS\n- Windows\n\n");
		expect(findSection(s, "Platforms", 2)).toBeUndefined();
	});

	it("finds list items per section", () => {
		const tactic = findSection(s, "Tactic");
		if (!tactic) throw new Error("no Tactic section");
		const items = listItemsIn(s, tactic);
		expect(items).toHaveLength(1);
		expect(items[0].text).toBe(
			"[[CyberSecurity/Security+/1-Threats-Attacks-Vulnerabilities/Attacking-Frameworks/MITRE ATT&CK/Mobile-Attack/tactics/Execution]] (TA0002)",
		);
		expect(text.slice(items[0].start, items[0].end)).toBe(`- ${items[0].text}`);
		const platforms = findSection(s, "Platforms");
		expect(platforms && listItemsIn(s, platforms).map((i) => i.text)).toEqual(["Linux", "macOS", "Windows"]);
		// The top section's own content has no items: they all belong to sub-sections.
		expect(listItemsIn(s, s.sections[0])).toEqual([]);
		expect(within(s.listItems, s.sections[0].contentStart, s.sections[0].end)).toHaveLength(6);
	});

	it("gives table cells as their exact source, escaped pipes included", () => {
		const mitigations = findSection(s, "Mitigations");
		if (!mitigations) throw new Error("no Mitigations section");
		const rows = tableRowsIn(s, mitigations);
		expect(rows).toHaveLength(4);
		expect(rows.map((r) => r.header)).toEqual([true, false, false, false]);
		expect(rows[0].cells.map((c) => c.text)).toEqual(["ID", "Name", "Description"]);
		const [id, name, desc] = rows[1].cells;
		expect(id.text).toBe(
			"[[CyberSecurity/Security+/1-Threats-Attacks-Vulnerabilities/Attacking-Frameworks/MITRE ATT&CK/Mobile-Attack/mitigations/Network Intrusion Prevention\\|M1031]]",
		);
		expect(name.text).toBe("Network Intrusion Prevention");
		expect(desc.text).toMatch(/^If a link is being visited .* block activity\.$/);
		for (const row of rows) {
			expect(text.slice(row.start, row.end)).toMatch(/^\|.*\|$/);
			expect(text.slice(row.start, row.end)).not.toContain("\n");
			for (const cell of row.cells) expect(text.slice(cell.start, cell.end)).toBe(cell.text);
			// The row is its cells joined by ` | `, between `| ` and ` |`.
			expect(text.slice(row.start, row.end)).toBe(`| ${row.cells.map((c) => c.text).join(" | ")} |`);
		}
		expect(rows.slice(1).map((r) => r.cells[0].text.split("\\|")[1])).toEqual(["M1031]]", "M1021]]", "M1017]]"]);
	});

	it("finds the thematic break before References", () => {
		expect(s.thematicBreaks).toHaveLength(1);
		const at = s.thematicBreaks[0];
		expect(text.slice(at, at + 19)).toBe("---\n### References\n");
		expect(s.codeRanges).toEqual([]);
	});

	it("is exact with CRLF, with a BOM, and with both", () => {
		const want = slices(text, s);
		for (const variant of [crlf(text), "\uFEFF" + text, "\uFEFF" + crlf(text)]) {
			const vs = structureOf(variant);
			expect(slices(variant, vs)).toEqual(want);
			for (const row of vs.tableRows) for (const cell of row.cells) expect(variant.slice(cell.start, cell.end)).toBe(cell.text);
		}
		const both = "\uFEFF" + crlf(text);
		const h = structureOf(both).sections[0];
		expect(both.slice(h.headingStart, h.contentStart)).toBe("## T1204.001\r\n");
	});
});

describe("readStructure on other notes", () => {
	it("reads the export seed: sections, items, the code block to EOF", () => {
		const text = seed("export");
		const s = structureOf(text);
		expect(s.sections.slice(0, 4).map((x) => [x.depth, x.title])).toEqual([
			[1, "Malicious Link (T1204.001)"],
			[2, "Description"],
			[2, "Parent Technique"],
			[2, "Tactics"],
		]);
		expect(s.sections.at(-1)?.title).toBe("File: File Creation (DS0022):");
		const groups = findSection(s, "Related Groups");
		expect(groups && listItemsIn(s, groups)).toHaveLength(46);
		// The closing ``` is not on a line of its own, so the fence runs to the end.
		expect(s.codeRanges).toHaveLength(1);
		expect(text.slice(s.codeRanges[0][0], s.codeRanges[0][0] + 3)).toBe("```");
		expect(s.codeRanges[0][1]).toBe(text.length);
	});

	it("reads the controls seed: link headings as plain text, a note without frontmatter", () => {
		const s = structureOf(seed("controls"));
		expect(s.sections.map((x) => x.title)).toEqual([
			"T1204.001: Malicious Link",
			"Policy / Process Controls",
			"MITRE D3FEND",
			"Technical Controls (Detection Rules)",
			"Sigma rules public repository",
			"Offensive Security Tests",
		]);
		expect(s.listItems[0].text).toBe("Per Host Download-Upload Ratio Analysis");
	});

	it("keeps user content of an edited vault note inside the right sections", () => {
		const text = vaultFile(MALICIOUS_LINK.replace("Malicious Link", "Phishing"));
		const s = structureOf(text);
		expect(s.sections.map((x) => [x.depth, x.title])).toEqual([
			[2, "T1566"],
			[3, "Tactic"],
			[3, "Platforms"],
			[3, "Permissions Required"],
			[3, "Mitigations"],
			[3, "Sub-techniques"],
			[3, "References"],
			[2, "My Notes"],
		]);
		// T1566 ends where the user's `## My Notes` starts.
		expect(s.sections[0].end).toBe(s.sections[7].headingStart);
		const subs = findSection(s, "Sub-techniques");
		expect(subs && tableRowsIn(s, subs).map((r) => r.cells[1].text)).toEqual([
			"Name",
			"Spearphishing Attachment",
			"Spearphishing Link",
			"Spearphishing via Service",
			"Spearphishing Voice",
		]);
		const notes = findSection(s, "My Notes");
		expect(notes && listItemsIn(s, notes).map((i) => i.text)).toEqual([
			"Seen in the Professor Messer video 2.2, around minute 4.",
			"==Pretexting== is the story the attacker tells; phishing is the delivery.",
			"Make flashcards for spear phishing vs whaling",
		]);
	});
});

describe("readStructure details", () => {
	it("never parses the frontmatter, and skips a BOM when there is none", () => {
		const text = "---\ntitle: x\n---\n# Real\n";
		expect(structureOf(text).sections.map((x) => x.title)).toEqual(["Real"]);
		// Parsed from 0, the closing `---` would make `title: x` a setext heading.
		expect(readStructure(text, 0).sections[0].title).toBe("title: x");
		const bom = "\uFEFF# Title\n";
		const h = readStructure(bom, 0).sections[0];
		expect(bom.slice(h.headingStart, h.headingEnd)).toBe("# Title");
	});

	it("records code blocks and inline code, and inCode tells them apart", () => {
		const text = "A `[[x]]` b\n\n```md\n[[y]]\n```\n\n    [[z]]\n\n[[w]]\n";
		const s = readStructure(text, 0);
		expect(s.codeRanges.map(([a, b]) => text.slice(a, b))).toEqual(["`[[x]]`", "```md\n[[y]]\n```", "    [[z]]"]);
		expect(inCode(s, text.indexOf("[[x]]"))).toBe(true);
		expect(inCode(s, text.indexOf("[[y]]"))).toBe(true);
		expect(inCode(s, text.indexOf("[[z]]"))).toBe(true);
		expect(inCode(s, text.indexOf("[[w]]"))).toBe(false);
	});

	it("handles setext and closed ATX headings, and headings inside containers", () => {
		const text = "Title\r\n===\r\n\r\n## Closed ##  \r\n> ## quoted\r\n- ## in item\r\n";
		const s = readStructure(text, 0);
		expect(s.sections.map((x) => [x.depth, x.title])).toEqual([
			[1, "Title"],
			[2, "Closed"],
		]);
		expect(text.slice(s.sections[0].headingStart, s.sections[0].contentStart)).toBe("Title\r\n===\r\n");
		expect(s.sections[0].end).toBe(text.length);
		expect(s.sections[1].contentStart).toBe(text.indexOf("> ##"));
	});

	it("gives nested list items their depth and own text", () => {
		const text = "- a **b**\n  - c\n    - d\n- [e](http://x)\n\n  second para\n";
		const s = readStructure(text, 0);
		expect(s.listItems.map((i) => [i.text, i.depth])).toEqual([
			["a b", 0],
			["c", 1],
			["d", 2],
			["e\nsecond para", 0],
		]);
		expect(text.slice(s.listItems[1].start, s.listItems[1].end)).toBe("- c\n    - d");
	});

	it("reads cells of rows without outer pipes, empty cells, escaped pipes at the end, and code in cells", () => {
		const text = "a | b | c\n--|--|--\n1 |  | x \\|\n| `p\\|q` | [[l\\|m]] \\|| z |\n";
		const s = readStructure(text, 0);
		expect(s.tableRows.map((r) => r.cells.map((c) => c.text))).toEqual([
			["a", "b", "c"],
			["1", "", "x \\|"],
			["`p\\|q`", "[[l\\|m]] \\|", "z"],
		]);
		for (const row of s.tableRows) for (const cell of row.cells) expect(text.slice(cell.start, cell.end)).toBe(cell.text);
		expect(s.codeRanges.map(([a, b]) => text.slice(a, b))).toEqual(["`p\\|q`"]);
	});

	it("counts offsets in UTF-16 code units like String.slice (emoji, tabs)", () => {
		const text = "# 😀 T\u00e9st\n\n| a\t| 😀 |\n|---|---|\n| 😀😀 | [[x]] |\n";
		const s = readStructure(text, 0);
		expect(s.sections[0].title).toBe("😀 T\u00e9st");
		const row = s.tableRows[1];
		expect(row.cells.map((c) => text.slice(c.start, c.end))).toEqual(["😀😀", "[[x]]"]);
	});
});
