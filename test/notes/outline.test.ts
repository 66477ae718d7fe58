// The fast outline scan must find the same top-level headings and breaks as remark does.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readStructure } from "../../src/core/notes/markdown";
import { readOutline } from "../../src/core/notes/outline";
import { readFrontmatter } from "../../src/core/notes/frontmatter";
import { FIXTURES } from "../helpers/paths";

function same(text: string) {
	const fm = readFrontmatter(text);
	const start = fm.ok ? (fm.frontmatter?.bodyStart ?? 0) : 0;
	const outline = readOutline(text, start);
	const full = readStructure(text, start);
	expect(outline.sections).toEqual(full.sections);
	expect(outline.thematicBreaks).toEqual(full.thematicBreaks);
}

const CASES: Record<string, string> = {
	atx: "# Title\n\n## A ##\ntext\n### B\n",
	setext: "Title\n=====\n\ntext\n\nSub\n---\n\n---\n",
	"break after a list is not a heading": "- item\n---\n\n- a\nlazy line\n---\n",
	"fenced code hides headings": "```\n# not a heading\n```\n~~~~\n## nor this\n~~~~\n## Real\n",
	"comments hide headings": "<!--\n# hidden\n-->\n# Shown\n",
	"indented lines are not headings": "    # code\n\n# Heading\n",
	"tables and quotes": "| a | b |\n| --- | --- |\n| 1 | 2 |\n\n> quote\n---\n",
	crlf: "# T\r\n\r\ntext\r\n\r\n---\r\n### References\r\n",
	bom: "\ufeff## T1110\n\ntext\n",
	"emphasis in headings": "## **Tactics**\n### `code` and [[Link|shown]]\n",
};

describe("readOutline", () => {
	for (const [name, text] of Object.entries(CASES)) it(name, () => same(text));

	it("agrees with remark on every note of the sample vault and the golden outputs", () => {
		const walk = (dir: string): string[] =>
			readdirSync(dir).flatMap((n) => {
				const p = path.join(dir, n);
				return statSync(p).isDirectory() ? walk(p) : p.endsWith(".md") || p.endsWith(".txt") ? [p] : [];
			});
		const files = [...walk(path.join(FIXTURES, "sample-vault")), ...walk(path.join(FIXTURES, "seeds")), ...walk(path.join(__dirname, "../golden/expected"))];
		expect(files.length).toBeGreaterThan(60);
		for (const f of files) same(readFileSync(f, "utf8"));
	});
});
