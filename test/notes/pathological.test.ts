// Notes built to be slow or to overflow the stack. The line scans must stay linear in them:
// backtracking in a regex cannot be counted, so those tests use sizes where the old quadratic code
// took many minutes and the line scan takes milliseconds (the timeout is generous for a loaded
// machine). remark must not see the notes it cannot read safely; a line scan finds their code.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { scanWikiLinks } from "../../src/core/links/wikilink";
import { markdownHazard, scanCode } from "../../src/core/notes/code-scan";
import { readFrontmatter } from "../../src/core/notes/frontmatter";
import { readStructure } from "../../src/core/notes/markdown";
import { readOutline } from "../../src/core/notes/outline";
import { FIXTURES } from "../helpers/paths";

const BIG = 60_000;

describe("readOutline on pathological headings", () => {
	it("a heading with a million blanks in its title", () => {
		const outline = readOutline(`# a${" ".repeat(1_000_000)}b\n\ntext\n`, 0);
		expect(outline.sections).toHaveLength(1);
		expect(outline.sections[0].title).toBe(`a${" ".repeat(1_000_000)}b`);
	}, 30_000);

	it("a heading of 200k unclosed `[a](`", () => {
		const outline = readOutline(`# ${"[a](".repeat(200_000)}\n`, 0);
		expect(outline.sections[0].title).toHaveLength(800_000);
	}, 30_000);

	it(`${BIG * 5} headings, each ending where the next one starts`, () => {
		const text = "# a\n## b\n".repeat(BIG * 2.5);
		const { sections } = readOutline(text, 0);
		expect(sections).toHaveLength(BIG * 5);
		expect(sections[0].end).toBe(9);
		expect(sections[1].end).toBe(9);
		expect(sections.at(-1)?.end).toBe(text.length);
	}, 30_000);
});

describe("readStructure on notes remark cannot read safely", () => {
	const deepList = (n: number) => Array.from({ length: n }, (_, i) => `${"  ".repeat(i)}- item [[Good|T1566]] \`code [[Hidden]]\``).join("\n");
	const cases: Record<string, [string, RegExp]> = {
		"3000 nested `>`": [`${">".repeat(3000)} deep [[Good|T1566]] \`[[Hidden]]\`\n`, /nested 3000 levels deep/],
		"a list 100 levels deep": [deepList(100), /nested 100 levels deep/],
		"5000 links in one paragraph": [`${"[[Good|T1566]] ".repeat(5000)}\`[[Hidden]]\`\n`, /brackets in one paragraph/],
		"a 300 KB note": [`## T1566\n\n${"Words and [[Good|T1566]] and `[[Hidden]]`.\n\n".repeat(7000)}`, /too big/],
	};
	for (const [name, [text, why]] of Object.entries(cases)) {
		it(`${name}: read by lines, code still found`, () => {
			const structure = readStructure(text, 0);
			expect(structure.lineScan).toMatch(why);
			const hidden = scanWikiLinks(text, structure.codeRanges).map((l) => l.target);
			expect(hidden).toContain("Good");
			expect(hidden).not.toContain("Hidden");
		});
	}

	it("an ordinary note is still read by remark", () => {
		expect(readStructure(`${deepList(10)}\n\n${"[[Good|T1566]] ".repeat(100)}\n`, 0).lineScan).toBeUndefined();
	});
});

describe("scanCode", () => {
	const walk = (dir: string): string[] =>
		readdirSync(dir).flatMap((n) => {
			const p = path.join(dir, n);
			return statSync(p).isDirectory() ? walk(p) : p.endsWith(".md") || p.endsWith(".txt") ? [p] : [];
		});

	it("finds the same code as remark in every note of the sample vault, the seeds and the golden outputs", () => {
		const files = [...walk(path.join(FIXTURES, "sample-vault")), ...walk(path.join(FIXTURES, "seeds")), ...walk(path.join(__dirname, "../golden/expected"))];
		expect(files.length).toBeGreaterThan(60);
		for (const f of files) {
			const text = readFileSync(f, "utf8");
			const fm = readFrontmatter(text);
			const start = fm.ok ? (fm.frontmatter?.bodyStart ?? 0) : 0;
			expect(scanCode(text, start), f).toEqual(readStructure(text, start).codeRanges);
		}
	});

	const CASES: Record<string, string> = {
		"fenced, tilde and unclosed fences": "a\n```js\n[[x]]\n```\n~~~~\n[[y]]\n~~~~\n\n```\n[[z]]\n",
		"indented code, not inside a paragraph or a list": "para\n    [[not code]]\n\n    [[code]]\n\n- item\n\n    [[item text]]\n",
		"inline code spans of different lengths, across lines, escaped": "a ``[[x]] ` y`` b `[[c]]\nd` \\`[[e]]` f ```[[g]]\n\n`[[h]]",
		"code in headings, table cells and quotes": "# `[[a]]` [[b]]\n\n| `[[c]]` | [[d\\|x]] |\n| --- | --- |\n| `x | [[e]]` |\n\n> ```\n> [[f]]\n> ```\n> `[[g]]`\n",
		"code in list items": "- ```\n  [[a]]\n  ```\n- `[[b]]` [[c]]\n1.      [[d]]\n",
	};
	for (const [name, text] of Object.entries(CASES)) {
		it(`agrees with remark: ${name}`, () => expect(scanCode(text, 0)).toEqual(readStructure(text, 0).codeRanges));
	}
});

describe("the line scans for code and hazards stay linear", () => {
	// Each is megabytes; a step that went back over the line or the note for each item would take
	// minutes to hours here.
	const shapes: Record<string, string> = {
		"a million list markers on one line": `${"- ".repeat(1_000_000)}x\n`,
		"a million `>`": `${">".repeat(1_000_000)} x\n`,
		"a list 1500 levels deep": Array.from({ length: 1500 }, (_, i) => `${"  ".repeat(i)}- item`).join("\n"),
		"2000 backtick runs of different lengths": Array.from({ length: 2000 }, (_, i) => `${"`".repeat(i + 1)}a`).join(""),
		"200k lines without a backtick, then one": `${"words\n".repeat(200_000)}\`x`,
		"a million backslashes before a backtick": `${"\\".repeat(1_000_000)}\`x\``,
		"500k one-line paragraphs of inline code": "`a` b\n\n".repeat(500_000),
	};
	for (const [name, text] of Object.entries(shapes)) {
		it(name, () => {
			expect(Array.isArray(scanCode(text, 0))).toBe(true);
			markdownHazard(text, 0);
		}, 30_000);
	}
});
