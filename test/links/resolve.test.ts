import { describe, it, expect } from "vitest";
import { LinkResolver, parseLinkStyle, type LinkStyle } from "../../src/core/links/resolve";

const A = "CyberSecurity/Security+/1-Threats-Attacks-Vulnerabilities/Attacking-Frameworks/MITRE ATT&CK";
const ENT_EXEC = `${A}/Enterprise-Attack/tactics/Execution.md`;
const MOB_EXEC = `${A}/Mobile-Attack/tactics/Execution.md`;
const ENT_AV = `${A}/Enterprise-Attack/mitigations/Antivirus/Antimalware.md`;
const MOB_AV = `${A}/Mobile-Attack/mitigations/Antivirus/Antimalware.md`;
const PHISHING = `${A}/Enterprise-Attack/techniques/Phishing.md`;
const SOURCE = "CyberSecurity/Security+/Security+ Domain 2 - Threats.md";

const files = [
	ENT_EXEC,
	MOB_EXEC,
	ENT_AV,
	MOB_AV,
	PHISHING,
	`${A}/Enterprise-Attack/techniques/Malicious Link.md`,
	"Detections/rule.yml",
	"Detections/Phishing.png",
	"Notes/Note.md",
	"Archive/Note.md",
	"a/b/Note.md",
	"Index.md",
	"Note.md",
	"ab/Dup.md",
	"c/Dup.md",
	"x/Same.md",
	"longer/Same.md",
];
const vault = new LinkResolver(files);

describe("LinkResolver.resolve", () => {
	it("finds an exact vault path, with or without `.md`", () => {
		expect(vault.resolve(ENT_EXEC, SOURCE)).toEqual({ path: ENT_EXEC, candidates: [ENT_EXEC] });
		expect(vault.resolve(ENT_EXEC.slice(0, -3), SOURCE)).toEqual({ path: ENT_EXEC, candidates: [ENT_EXEC] });
	});

	it("ignores case and surrounding whitespace", () => {
		expect(vault.resolve(`  ${A.toUpperCase()}/mobile-attack/TACTICS/execution  `, SOURCE).path).toBe(MOB_EXEC);
		expect(vault.resolve("phishing", SOURCE).path).toBe(PHISHING);
	});

	it("finds a unique basename, with or without `.md`", () => {
		expect(vault.resolve("Malicious Link", SOURCE).path).toBe(`${A}/Enterprise-Attack/techniques/Malicious Link.md`);
		expect(vault.resolve("Phishing.md", SOURCE)).toEqual({ path: PHISHING, candidates: [PHISHING] });
	});

	it("reports a shared basename as ambiguous and picks the shortest path", () => {
		expect(vault.resolve("Execution", SOURCE)).toEqual({ path: MOB_EXEC, candidates: [MOB_EXEC, ENT_EXEC] });
		expect(vault.resolve("Same", "Index.md")).toEqual({ path: "x/Same.md", candidates: ["x/Same.md", "longer/Same.md"] });
	});

	it("prefers a file in the source note's folder, then the shortest path", () => {
		expect(vault.resolve("Execution", `${A}/Enterprise-Attack/tactics/Other.md`).candidates).toEqual([ENT_EXEC, MOB_EXEC]);
		expect(vault.resolve("Same", "longer/Source.md").path).toBe("longer/Same.md");
		// Files below the source's folder count as in it: Obsidian tests a path prefix.
		expect(vault.resolve("Execution", `${A}/Enterprise-Attack/Source.md`).path).toBe(ENT_EXEC);
	});

	it("tests the source folder as a bare string prefix, as Obsidian does", () => {
		expect(vault.resolve("Dup", "a/Source.md").candidates).toEqual(["ab/Dup.md", "c/Dup.md"]);
		expect(vault.resolve("Dup", "Index.md").candidates).toEqual(["c/Dup.md", "ab/Dup.md"]);
	});

	it("lets an exact vault path win over a file beside the source", () => {
		expect(vault.resolve("Note", "Notes/Source.md")).toEqual({ path: "Note.md", candidates: ["Note.md"] });
		expect(vault.resolve("a/b/Note", "Notes/Source.md").path).toBe("a/b/Note.md");
	});

	it("matches a path suffix: ambiguous when short, unique when long enough", () => {
		expect(vault.resolve("tactics/Execution", SOURCE).candidates).toEqual([MOB_EXEC, ENT_EXEC]);
		expect(vault.resolve("Mobile-Attack/tactics/Execution", SOURCE)).toEqual({ path: MOB_EXEC, candidates: [MOB_EXEC] });
		expect(vault.resolve("b/Note", "Index.md")).toEqual({ path: "a/b/Note.md", candidates: ["a/b/Note.md"] });
	});

	it("treats a folder that looks like part of a name (`Antivirus/Antimalware`) as a folder", () => {
		expect(vault.resolve("Antivirus/Antimalware", SOURCE).candidates).toEqual([MOB_AV, ENT_AV]);
		expect(vault.resolve("Enterprise-Attack/mitigations/Antivirus/Antimalware", SOURCE).candidates).toEqual([ENT_AV]);
		expect(vault.resolve("Antimalware", `${A}/Enterprise-Attack/mitigations/Other.md`).path).toBe(ENT_AV);
	});

	it("resolves `./` and `../` against the source note's folder", () => {
		const source = `${A}/Mobile-Attack/techniques/T1.md`;
		expect(vault.resolve("../tactics/Execution", source)).toEqual({ path: MOB_EXEC, candidates: [MOB_EXEC] });
		expect(vault.resolve("../../Enterprise-Attack/tactics/Execution", source).path).toBe(ENT_EXEC);
		expect(vault.resolve("./Note", "Archive/x.md").path).toBe("Archive/Note.md");
		expect(vault.resolve("./../Note", "Notes/x.md").path).toBe("Note.md");
		expect(vault.resolve("../../Note", "a/b/x.md").path).toBe("Note.md");
	});

	it("reads a leading `/` as the vault root, with no suffix matching", () => {
		expect(vault.resolve("/Notes/Note", "a/b/x.md").path).toBe("Notes/Note.md");
		expect(vault.resolve("/b/Note", "Index.md")).toEqual({ path: null, candidates: [] });
	});

	it("needs the extension for a file that is not markdown", () => {
		expect(vault.resolve("rule.yml", SOURCE).path).toBe("Detections/rule.yml");
		expect(vault.resolve("Detections/Phishing.png", SOURCE).path).toBe("Detections/Phishing.png");
		expect(vault.resolve("rule", SOURCE).path).toBeNull();
		expect(vault.resolve("Detections/Phishing", SOURCE).candidates).toEqual([]);
	});

	it("finds nothing for a missing file", () => {
		expect(vault.resolve("No Such Note", SOURCE)).toEqual({ path: null, candidates: [] });
		expect(vault.resolve("Nowhere/Execution", SOURCE)).toEqual({ path: null, candidates: [] });
	});

	it("reads an empty link path as the source note itself", () => {
		expect(vault.resolve("", "Index.md").path).toBe("Index.md");
		expect(vault.resolve("", "Missing.md").path).toBeNull();
	});

	it("keeps the order of the file list among paths of equal length", () => {
		expect(new LinkResolver(["b/N.md", "a/N.md"]).resolve("N", "r.md").candidates).toEqual(["b/N.md", "a/N.md"]);
	});

	it("stays fast on a vault of 10,000 files", () => {
		const many = Array.from({ length: 10_000 }, (_, i) => `folder${i % 50}/Note ${i}.md`);
		const start = performance.now();
		const big = new LinkResolver(many);
		for (let i = 0; i < 10_000; i++) expect(big.resolve(`Note ${i}`, "x.md").path).toBe(many[i]);
		expect(performance.now() - start).toBeLessThan(2000);
	});
});

describe("LinkResolver.linkpathFor", () => {
	it("writes the full path without `.md` in absolute style", () => {
		expect(vault.linkpathFor(MOB_EXEC, SOURCE, "absolute")).toBe(MOB_EXEC.slice(0, -3));
		expect(vault.linkpathFor("Detections/rule.yml", SOURCE, "absolute")).toBe("Detections/rule.yml");
	});

	it("writes the basename when unique, else the full path, in shortest style", () => {
		expect(vault.linkpathFor(PHISHING, SOURCE, "shortest")).toBe("Phishing");
		expect(vault.linkpathFor("Detections/Phishing.png", SOURCE, "shortest")).toBe("Phishing.png");
		expect(vault.linkpathFor(MOB_EXEC, SOURCE, "shortest")).toBe(MOB_EXEC.slice(0, -3));
		expect(vault.linkpathFor(ENT_EXEC, `${A}/Enterprise-Attack/tactics/Other.md`, "shortest")).toBe(ENT_EXEC.slice(0, -3));
	});

	it("writes a path from the source note's folder in relative style", () => {
		expect(vault.linkpathFor(MOB_EXEC, `${A}/Mobile-Attack/techniques/T1.md`, "relative")).toBe("../tactics/Execution");
		// Obsidian would write `Execution`, which also names Enterprise-Attack's Execution note (the
		// judge calls that ambiguous); `./` makes the link name one file.
		expect(vault.linkpathFor(MOB_EXEC, `${A}/Mobile-Attack/tactics/Other.md`, "relative")).toBe("./Execution");
		expect(vault.linkpathFor(MOB_EXEC, "Index.md", "relative")).toBe(MOB_EXEC.slice(0, -3));
		expect(vault.linkpathFor("Detections/rule.yml", "Notes/Note.md", "relative")).toBe("../Detections/rule.yml");
	});

	it("adds `./` where Obsidian's relative link would resolve to another file", () => {
		const shadowed = new LinkResolver(["sub/Note.md", "a/sub/Note.md", "a/Source.md"]);
		expect(shadowed.linkpathFor("a/sub/Note.md", "a/Source.md", "relative")).toBe("./sub/Note");
		expect(shadowed.resolve("./sub/Note", "a/Source.md").path).toBe("a/sub/Note.md");
	});

	it("keeps `.md` where the name without it names another file", () => {
		const dotted = new LinkResolver(["T1204.001", "Folder/T1204.001.md"]);
		expect(dotted.linkpathFor("Folder/T1204.001.md", "x.md", "absolute")).toBe("Folder/T1204.001.md");
	});

	it("round-trips every file from every folder in every style", () => {
		const styles: LinkStyle[] = ["absolute", "shortest", "relative"];
		const sources = [SOURCE, "Index.md", "a/b/x.md", "Notes/Note.md", `${A}/Enterprise-Attack/tactics/Other.md`, `${A}/Enterprise-Attack/mitigations/Antivirus/Antimalware.md`];
		for (const style of styles) {
			for (const source of sources) {
				for (const target of files) {
					const text = vault.linkpathFor(target, source, style);
					expect(vault.resolve(text, source).path, `${style} ${source} -> ${target} as ${text}`).toBe(target);
				}
			}
		}
	});
});

describe("parseLinkStyle", () => {
	it("reads newLinkFormat from app.json", () => {
		expect(parseLinkStyle('{"newLinkFormat": "relative"}')).toBe("relative");
		expect(parseLinkStyle('{"newLinkFormat": "absolute", "useMarkdownLinks": false}')).toBe("absolute");
	});

	it("falls back to shortest when absent, unknown or unreadable", () => {
		for (const json of [null, "{}", '{"newLinkFormat": "weird"}', "{not json", "[]", "null"]) {
			expect(parseLinkStyle(json)).toBe("shortest");
		}
	});
});
