import matter from "gray-matter";
import { afterEach, describe, expect, it } from "vitest";
import { matterOptions, readAliases, readFrontmatter, type Frontmatter } from "../../src/core/notes/frontmatter";
import { crlf, seed } from "./fixtures";

const g = globalThis as { __pwned?: unknown };

function ok(text: string): Frontmatter | null {
	const r = readFrontmatter(text);
	if (!r.ok) throw new Error(`unexpected error: ${r.error}`);
	return r.frontmatter;
}

function error(text: string): string {
	const r = readFrontmatter(text);
	if (r.ok) throw new Error("expected an error");
	return r.error;
}

describe("readFrontmatter", () => {
	afterEach(() => {
		delete g.__pwned;
	});

	it("reads seed 000 with exact offsets", () => {
		const text = seed("classic");
		const fm = ok(text);
		expect(fm).toEqual({ data: { alias: "T1204.001" }, start: 0, end: 25, bodyStart: 25 });
		expect(text.slice(0, 25)).toBe("---\nalias: T1204.001\n---\n");
	});

	it("keeps offsets into the text as given with a BOM and CRLF", () => {
		const text = "\uFEFF" + crlf(seed("classic"));
		const fm = ok(text);
		expect(fm?.data).toEqual({ alias: "T1204.001" });
		expect(fm?.start).toBe(1);
		expect(text.slice(fm?.start, fm?.end)).toBe("---\r\nalias: T1204.001\r\n---\r\n");
		expect(text.slice(fm?.bodyStart).startsWith("\r\n## T1204.001")).toBe(true);
	});

	it("gives null without frontmatter", () => {
		expect(ok(seed("export"))).toBeNull();
		expect(ok("")).toBeNull();
		expect(ok("\uFEFF# Title\n")).toBeNull();
		// A thematic break, or an opening line never closed, is not frontmatter.
		expect(ok("----\na: 1\n----\n")).toBeNull();
		expect(ok("---\nsome text\n\nmore\n")).toBeNull();
		expect(ok("---\nnot closed\n-----\n")).toBeNull();
	});

	it("reads empty frontmatter, a closing line at EOF, and trailing spaces", () => {
		expect(ok("---\n---\nbody")).toEqual({ data: {}, start: 0, end: 8, bodyStart: 8 });
		expect(ok("---\na: 1\n---")).toEqual({ data: { a: 1 }, start: 0, end: 12, bodyStart: 12 });
		expect(ok("--- \na: 1\n---  \nb")?.bodyStart).toBe(16);
		expect(ok("---yaml\na: 1\n---\n")?.data).toEqual({ a: 1 });
		expect(ok("---\n# only a comment\n---\n")?.data).toEqual({});
	});

	it("reports malformed YAML with the note's line number and the reason on one line", () => {
		expect(error("---\ntitle: a\n  bad: b\nc: d\n---\nbody")).toBe("frontmatter line 3: bad indentation of a mapping entry");
		expect(error("\uFEFF---\r\ntitle: a\r\n  bad: b\r\n---\r\n")).toBe("frontmatter line 3: bad indentation of a mapping entry");
		expect(error("---\na: 1\nb: 2\na: 3\n---\n")).toBe("frontmatter line 4: duplicated mapping key");
		expect(error("---\nx: !!js/function 'function(){}'\n---\n")).toMatch(/^frontmatter line 2: unknown tag/);
	});

	it("refuses data that is not key: value properties", () => {
		expect(error("---\n- a\n- b\n---\n")).toBe("frontmatter is a list, not key: value properties");
		expect(error("---\njust a string\n---\n")).toBe("frontmatter is a string, not key: value properties");
		expect(error("---\n42\n---\n")).toBe("frontmatter is a number, not key: value properties");
	});

	it("refuses a line starting with --- that gray-matter would take as the end", () => {
		expect(error("---\na: 1\n----\nb: 2\n---\n")).toBe("frontmatter line 3: a line starting with --- inside the frontmatter");
	});

	for (const lang of ["js", "javascript", "JS", " javascript "]) {
		it(`never executes ---${lang.trim()} frontmatter`, () => {
			const text = `---${lang}\nmodule.exports = (()=>{ globalThis.__pwned = 1; return {}; })()\n---\nbody\n`;
			expect(error(text)).toBe("frontmatter in JavaScript is never executed");
			expect(g.__pwned).toBeUndefined();
		});
	}

	it("refuses other languages without running them", () => {
		expect(error('---toml\ntitle = "x"\n---\n')).toBe('frontmatter in "toml" is not read: only YAML is');
		expect(error("---coffee\nglobalThis.__pwned = 1\n---\n")).toMatch(/"coffee" is not read/);
		expect(error('---json\n{"a": 1}\n---\n')).toMatch(/"json" is not read/);
		expect(g.__pwned).toBeUndefined();
	});

	it("uses a payload that gray-matter's defaults really run (so the tests above mean something)", () => {
		const text = "---javascript\nmodule.exports = (()=>{ globalThis.__pwned = 1; return {}; })()\n---\n";
		matter(text, { engines: { js: false } } as never);
		expect(g.__pwned).toBe(1);
	});

	it("passes options whose JavaScript engines refuse, even when gray-matter is called directly", () => {
		for (const lang of ["js", "javascript"]) {
			const text = `---${lang}\nmodule.exports = (()=>{ globalThis.__pwned = 1; return {}; })()\n---\n`;
			expect(() => matter(text, matterOptions())).toThrow("never executed");
			expect(g.__pwned).toBeUndefined();
		}
		// And the options turn gray-matter's content cache off.
		const before = Object.keys((matter as unknown as { cache: object }).cache).length;
		matter("---\na: 1\n---\nunique body 8c1f\n", matterOptions());
		expect(Object.keys((matter as unknown as { cache: object }).cache).length).toBe(before);
	});

	it("keeps YAML types (dates, lists, nested maps)", () => {
		const fm = ok("---\ndate: 2024-01-02\ntags: [a, b]\nnested: {x: 1}\n---\n");
		expect(fm?.data.date).toBeInstanceOf(Date);
		expect(fm?.data.tags).toEqual(["a", "b"]);
		expect(fm?.data.nested).toEqual({ x: 1 });
	});
});

describe("readAliases", () => {
	it("reads a string, a comma-separated string and a YAML list", () => {
		expect(readAliases({ alias: "T1204.001" })).toEqual(["T1204.001"]);
		expect(readAliases({ alias: " T1204.001 , Malicious Link,, " })).toEqual(["T1204.001", "Malicious Link"]);
		expect(readAliases({ aliases: ["T1078", " Compromised credentials ", "", null] })).toEqual(["T1078", "Compromised credentials"]);
	});

	it("reads alias, aliases, Alias and Aliases together, without duplicates", () => {
		expect(readAliases({ alias: "T1078", aliases: ["Compromised credentials"], Alias: "T1078", Aliases: "x, y" })).toEqual([
			"T1078",
			"Compromised credentials",
			"x",
			"y",
		]);
	});

	it("ignores other keys and values that are not text", () => {
		expect(readAliases({})).toEqual([]);
		expect(readAliases({ alias: null, aliases: { a: 1 }, title: "T1" })).toEqual([]);
		expect(readAliases({ alias: 1234 })).toEqual(["1234"]);
	});
});
