// Pathological notes cost work in proportion to their size: the work is counted (characters the
// string searches pass over, elements read), never timed, so the tests hold on a loaded machine.
import { describe, expect, it } from "vitest";
import { hiddenRanges } from "../../src/core/links/judge";
import { scanWikiLinks } from "../../src/core/links/wikilink";
import { countedArray, searchWork } from "../helpers/work";

/** Work per character at n and 2n repetitions of `unit`: both bounded, so growth is linear. */
function perChar(make: (n: number) => string, run: (text: string) => void, n: number): [number, number] {
	return [n, 2 * n].map((k) => {
		const text = make(k);
		return searchWork(() => run(text)) / text.length;
	}) as [number, number];
}

describe("scanWikiLinks stays linear", () => {
	const shapes: Record<string, (n: number) => string> = {
		"links on one line, no # or | after them": (n) => "[[Good]] ".repeat(n),
		"links with an alias on one line": (n) => "[[Good|T1566]] ".repeat(n),
		"`[[` with no `]]` anywhere": (n) => "[[a ".repeat(n),
		"`[[` on every line, one `]]` at the end": (n) => "[[a\n".repeat(n) + "]]",
	};
	for (const [name, make] of Object.entries(shapes)) {
		it(name, () => {
			const [small, large] = perChar(make, (t) => void scanWikiLinks(t), 20_000);
			expect(small).toBeLessThan(8);
			expect(large).toBeLessThan(8);
		});
	}
});

describe("hiddenRanges stays linear", () => {
	it("reads each code range a bounded number of times however many comments follow", () => {
		const reads = (n: number) => {
			const unit = "`a` %%b%% ";
			const text = unit.repeat(n);
			const code = Array.from({ length: n }, (_, i): [number, number] => [i * unit.length, i * unit.length + 3]);
			const counted = countedArray(code);
			const hidden = hiddenRanges(text, counted.array);
			expect(hidden).toHaveLength(2 * n);
			return counted.reads() / n;
		};
		expect(reads(5_000)).toBeLessThan(10);
		expect(reads(10_000)).toBeLessThan(10);
	});
});
