// Notes built to be slow: a line scan must stay linear in them. Backtracking in a regex cannot be
// counted, so these use sizes where the old quadratic code took many minutes and the line scan
// takes milliseconds; the timeout is generous enough for a loaded machine.
import { describe, expect, it } from "vitest";
import { readOutline } from "../../src/core/notes/outline";

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
