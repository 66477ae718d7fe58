import { parseDocument } from "yaml";
import { describe, expect, it } from "vitest";
import { editFrontmatter, type FmValue } from "../../src/core/sync/frontmatter-edit";

type Updates = ReadonlyArray<readonly [string, FmValue]>;

/** The frontmatter of `text` as the yaml package reads it. */
function data(text: string): unknown {
	const match = /^\uFEFF?---\r?\n([\s\S]*?)^---[ \t]*\r?$/m.exec(text);
	if (!match) throw new Error("no frontmatter");
	return parseDocument(match[1]).toJS() ?? {};
}

const NOTE = [
	"---",
	"# ATT&CK sync keeps these",
	"alias: T1204.001",
	"status: reviewed  # exam objective 2.2",
	"",
	"# my own keys",
	"rating: 'high'",
	"tags:",
	"  - attack",
	"  - execution",
	"platforms: [Windows, macOS]",
	"---",
	"# User Execution: Malicious Link",
	"",
	"Body text.",
	"",
].join("\n");

describe("editFrontmatter", () => {
	it("returns the identical string when nothing changes", () => {
		const same: Updates = [
			["alias", "T1204.001"],
			["status", "reviewed"],
			["tags", ["attack", "execution"]],
			["platforms", ["Windows", "macOS"]],
			["missing", null],
		];
		expect(editFrontmatter(NOTE, same)).toBe(NOTE);
		expect(editFrontmatter(NOTE, [])).toBe(NOTE);
		expect(editFrontmatter("Just a body.\n", [["gone", null]])).toBe("Just a body.\n");
	});

	it("replaces a scalar in place, keeping its comment, the other keys, comments and order", () => {
		const out = editFrontmatter(NOTE, [["status", "draft"]]);
		expect(out).toBe(NOTE.replace("status: reviewed  #", "status: draft  #"));
	});

	it("keeps the old value's quoting style", () => {
		const out = editFrontmatter('---\na: \'x\'\nb: "y"\nc: z\n---\n', [
			["a", "it's"],
			["b", "w"],
			["c", "v"],
		]);
		expect(out).toBe("---\na: 'it''s'\nb: \"w\"\nc: v\n---\n");
	});

	it("appends new keys to a note that has only an alias", () => {
		const text = "---\nalias: T1204.001\n---\nBody.\n";
		const out = editFrontmatter(text, [
			["attack-id", "T1204.001"],
			["attack-version", "18.1"],
			["tactics", ["Execution"]],
		]);
		expect(out).toBe('---\nalias: T1204.001\nattack-id: T1204.001\nattack-version: "18.1"\ntactics:\n  - Execution\n---\nBody.\n');
	});

	it("removes keys, a block list with its items", () => {
		const out = editFrontmatter(NOTE, [
			["tags", null],
			["status", null],
		]);
		expect(out).toBe(NOTE.replace("status: reviewed  # exam objective 2.2\n", "").replace("tags:\n  - attack\n  - execution\n", ""));
		expect(data(out)).toEqual({ alias: "T1204.001", rating: "high", platforms: ["Windows", "macOS"] });
	});

	it("writes lists in block style and keeps a flow list flow", () => {
		const out = editFrontmatter(NOTE, [
			["tags", ["attack", "initial-access", "a, b"]],
			["platforms", ["Linux", "a, b"]],
			["new-list", ["x"]],
			["empty", []],
		]);
		expect(out).toContain('tags:\n  - attack\n  - initial-access\n  - a, b\nplatforms: [Linux, "a, b"]\nnew-list:\n  - x\nempty: []\n---\n');
		expect(data(out)).toMatchObject({ tags: ["attack", "initial-access", "a, b"], platforms: ["Linux", "a, b"], "new-list": ["x"], empty: [] });
	});

	it("keeps the indentation of an existing block list and turns a scalar into a list", () => {
		const out = editFrontmatter("---\nt:\n- a\nk: one # note\n---\n", [
			["t", ["b", "c"]],
			["k", ["p"]],
		]);
		expect(out).toBe("---\nt:\n- b\n- c\nk: # note\n  - p\n---\n");
	});

	it("replaces block scalars and nested maps whole, keeping the comment lines after them", () => {
		const text = "---\ns: |\n  line one\n  line two\n# after s\nm:\n  x: 1\n  y: 2\n# after m\nn: 1\n---\n";
		const out = editFrontmatter(text, [
			["s", "short"],
			["m", ["x"]],
		]);
		expect(out).toBe("---\ns: short\n# after s\nm:\n  - x\n# after m\nn: 1\n---\n");
	});

	it("keeps CRLF line endings throughout", () => {
		const text = NOTE.replace(/\n/g, "\r\n");
		const out = editFrontmatter(text, [
			["status", "draft"],
			["tags", ["x", "z"]],
			["rating", null],
			["added", "yes"],
			["list", ["1"]],
		]);
		expect(out.replace(/\r\n/g, "")).not.toContain("\n");
		expect(out).toContain('status: draft  # exam objective 2.2\r\n\r\n# my own keys\r\ntags:\r\n  - x\r\n  - z\r\n');
		expect(out).toContain('added: "yes"\r\nlist:\r\n  - "1"\r\n---\r\n');
		expect(data(out)).toEqual({ alias: "T1204.001", status: "draft", tags: ["x", "z"], platforms: ["Windows", "macOS"], added: "yes", list: ["1"] });
	});

	it("keeps a BOM", () => {
		const out = editFrontmatter(`\uFEFF${NOTE}`, [["status", "draft"]]);
		expect(out).toBe(`\uFEFF${NOTE.replace("reviewed", "draft")}`);
	});

	it("adds a block to a note without frontmatter, after a BOM, with the note's line ending", () => {
		expect(editFrontmatter("Body.\n", [["alias", "T1566"], ["x", null]])).toBe("---\nalias: T1566\n---\nBody.\n");
		expect(editFrontmatter("\uFEFFBody.\r\nMore.\r\n", [["a", "b"]])).toBe("\uFEFF---\r\na: b\r\n---\r\nBody.\r\nMore.\r\n");
		expect(editFrontmatter("", [["a", ["b"]]])).toBe("---\na:\n  - b\n---\n");
		// `----` is a thematic break, not frontmatter.
		expect(editFrontmatter("----\n", [["a", "b"]])).toBe("---\na: b\n---\n----\n");
	});

	it("fills an empty frontmatter", () => {
		expect(editFrontmatter("---\n---\nBody.\n", [["a", "b"]])).toBe("---\na: b\n---\nBody.\n");
		expect(editFrontmatter("---yaml\n---\n", [["a", "b"]])).toBe("---yaml\na: b\n---\n");
	});

	it("quotes scalars that would not read back as the same string", () => {
		const values = ["18.1", "2025-10-24T17:49:35.144Z", "2025-10-24", "yes", "Off", "y", "null", "~", "0x1F", "1_000", ".inf", "", " pad", "a: b", "a #b", "#x", "- x", "[x]", "it's", '"q"', "line\nbreak", "tab\tbed", "x\u0085y"];
		const updates = values.map((v, i): readonly [string, FmValue] => [`k${i}`, v]);
		const out = editFrontmatter("---\n---\n", updates);
		expect(out).toContain('k0: "18.1"\n');
		expect(out).toContain('k1: "2025-10-24T17:49:35.144Z"\n');
		expect(parseDocument(out.slice(4, -4)).toJS()).toEqual(Object.fromEntries(updates));
		expect(parseDocument(out.slice(4, -4), { version: "1.1" }).toJS()).toEqual(Object.fromEntries(updates));
		expect(editFrontmatter("---\n---\n", [["k", "T1204.001 Malicious Link"]])).toBe("---\nk: T1204.001 Malicious Link\n---\n");
	});

	it("reads back exactly as the expected object", () => {
		const out = editFrontmatter(NOTE, [
			["alias", "T1204.002"],
			["version", "18.1"],
			["tags", ["a"]],
			["platforms", null],
		]);
		expect(data(out)).toEqual({ alias: "T1204.002", status: "reviewed", rating: "high", tags: ["a"], version: "18.1" });
		expect(out.endsWith("---\n# User Execution: Malicious Link\n\nBody text.\n")).toBe(true);
	});

	it("is idempotent", () => {
		const updates: Updates = [
			["status", "18.1"],
			["tags", ["x", "y: z"]],
			["platforms", ["Linux"]],
			["rating", null],
			["new", "2025-10-24T17:49:35.144Z"],
		];
		const once = editFrontmatter(NOTE, updates);
		expect(once).not.toBe(NOTE);
		expect(editFrontmatter(once, updates)).toBe(once);
	});

	it("keeps comment lines and blank lines between keys", () => {
		const out = editFrontmatter(NOTE, [["rating", "low"], ["alias", "T1"]]);
		expect(out).toBe(NOTE.replace("rating: 'high'", "rating: 'low'").replace("alias: T1204.001", "alias: T1"));
		expect(out).toContain("---\n# ATT&CK sync keeps these\nalias: T1\n");
		expect(out).toContain("\n\n# my own keys\n");
	});

	it("refuses frontmatter in other languages and broken YAML", () => {
		expect(() => editFrontmatter("---js\nmodule.exports = {}\n---\n", [["a", "b"]])).toThrow(/never edited/);
		expect(() => editFrontmatter("---javascript\n{}\n---\n", [["a", null]])).toThrow(/never edited/);
		expect(() => editFrontmatter("---\na: [\n---\n", [["a", "b"]])).toThrow(/^frontmatter line \d+: [^\n]+$/);
		expect(() => editFrontmatter("---\n- a\n---\n", [["a", "b"]])).toThrow(/not a block mapping/);
		expect(() => editFrontmatter("---\na: 1\n---x\n---\n", [["a", "b"]])).toThrow(/starting with ---/);
	});

	it("refuses an edit that would change other keys (an alias to the edited value)", () => {
		expect(() => editFrontmatter("---\na: &x 1\nb: *x\n---\n", [["a", "2"]])).toThrow(/refused/);
	});
	it("adds list items after the last one, in its indent, the items there written as they were", () => {
		const text = "---\naliases:\n    - \n    - TA416 # my comment\n    - RedDelta # and mine\n# my notes on the list\ntags: [a, b]\nurl: x\n---\nBody\n";
		const out = editFrontmatter(text, [["aliases", { append: ["TA416", "Red Lich", "Red Lich", "TEMP.Hex"] }]]);
		expect(out).toBe(text.replace("    - RedDelta # and mine\n", "    - RedDelta # and mine\n    - Red Lich\n    - TEMP.Hex\n"));
		expect(data(out)).toEqual({ aliases: [null, "TA416", "RedDelta", "Red Lich", "TEMP.Hex"], tags: ["a", "b"], url: "x" });
		// A flow list is written again with them; a value that is no list, and items all there, change nothing.
		expect(editFrontmatter(text, [["tags", { append: ["c: d"] }]])).toBe(text.replace("tags: [a, b]", 'tags: [a, b, "c: d"]'));
		expect(editFrontmatter(text, [["url", { append: ["y"] }]])).toBe(text);
		expect(editFrontmatter(text, [["aliases", { append: ["TA416"] }], ["missing", { append: ["y"] }]])).toBe(text);
		// CRLF stays CRLF.
		const crlf = text.replace(/\n/g, "\r\n");
		expect(editFrontmatter(crlf, [["aliases", { append: ["Red Lich"] }]])).toBe(crlf.replace("RedDelta # and mine\r\n", "RedDelta # and mine\r\n    - Red Lich\r\n"));
	});
});
