import { describe, it, expect } from "vitest";
import { scanWikiLinks, type WikiLink } from "../../src/core/links/wikilink";

const ATTACK = "CyberSecurity/Security+/1-Threats-Attacks-Vulnerabilities/Attacking-Frameworks/MITRE ATT&CK";

/** Scan, and check the offsets of every link against the text they claim to cover. */
function scan(text: string, exclude?: ReadonlyArray<readonly [number, number]>): WikiLink[] {
	const links = scanWikiLinks(text, exclude);
	for (const l of links) {
		expect(text.slice(l.start, l.end)).toBe(l.raw);
		expect(text.slice(l.targetStart, l.targetEnd)).toBe(l.target);
		expect(l.raw.startsWith(l.embed ? "![[" : "[[")).toBe(true);
		expect(l.raw.endsWith("]]")).toBe(true);
	}
	return links;
}

describe("scanWikiLinks", () => {
	it("reads a plain link", () => {
		expect(scan("see [[Note]] here")).toEqual([
			{ start: 4, end: 12, raw: "[[Note]]", embed: false, target: "Note", targetStart: 6, targetEnd: 10, subpath: null, alias: null, escapedPipe: false },
		]);
	});

	it("reads an alias after a pipe", () => {
		const [l] = scan("[[Folder/Note|shown text]]");
		expect([l.target, l.alias, l.escapedPipe]).toEqual(["Folder/Note", "shown text", false]);
	});

	it("splits an escaped pipe in a table cell; the backslash belongs to neither part", () => {
		const line = `| [[${ATTACK}/Mobile-Attack/mitigations/Network Intrusion Prevention\\|M1031]] | Network Intrusion Prevention | ... |`;
		const [l] = scan(line);
		expect(l.target).toBe(`${ATTACK}/Mobile-Attack/mitigations/Network Intrusion Prevention`);
		expect(l.alias).toBe("M1031");
		expect(l.escapedPipe).toBe(true);
		expect(line[l.targetEnd]).toBe("\\");
		expect(l.start).toBe(2);
		expect(line.slice(l.end)).toBe(" | Network Intrusion Prevention | ... |");
	});

	it("reads a list item whose target holds `&`, `+` and spaces", () => {
		const line = `- [[${ATTACK}/Mobile-Attack/tactics/Execution]] (TA0002)`;
		const [l] = scan(line);
		expect(l.target).toBe(`${ATTACK}/Mobile-Attack/tactics/Execution`);
		expect([l.alias, l.subpath]).toEqual([null, null]);
		expect(line.slice(l.end)).toBe(" (TA0002)");
	});

	it("reads two links on one line, with parentheses in an alias", () => {
		const line = "- Social engineering: [[CyberSecurity/.../techniques/Phishing|Phishing (T1566)]], [[.../Malicious Link|T1204.001]]";
		const links = scan(line);
		expect(links.map((l) => [l.target, l.alias])).toEqual([
			["CyberSecurity/.../techniques/Phishing", "Phishing (T1566)"],
			[".../Malicious Link", "T1204.001"],
		]);
	});

	it("keeps parentheses and slashes in a target", () => {
		const [l] = scan("[[techniques/Exploitation for Client Execution (Mobile)/T1658]]");
		expect(l.target).toBe("techniques/Exploitation for Client Execution (Mobile)/T1658");
	});

	it("separates headings and block references from the target", () => {
		const links = scan("[[Note#Heading]] [[Note#^block-id|b]] [[Note#H1#H2]] [[Note.md#H]]");
		expect(links.map((l) => [l.target, l.subpath, l.alias])).toEqual([
			["Note", "#Heading", null],
			["Note", "#^block-id", "b"],
			["Note", "#H1#H2", null],
			["Note.md", "#H", null],
		]);
	});

	it("reads a link to a heading of the same note", () => {
		const [l] = scan("x [[#Heading]]");
		expect([l.target, l.subpath, l.targetStart, l.targetEnd]).toEqual(["", "#Heading", 4, 4]);
	});

	it("reads embeds, their start at the `!`", () => {
		const [l] = scan("a ![[diagram.png|300]] b");
		expect([l.embed, l.start, l.target, l.alias]).toEqual([true, 2, "diagram.png", "300"]);
	});

	it("trims spaces around the target but keeps the offsets exact", () => {
		const [l] = scan("[[  Folder/Note  #H |  shown ]]");
		expect([l.target, l.targetStart, l.targetEnd, l.subpath, l.alias]).toEqual(["Folder/Note", 4, 15, "#H", "shown"]);
	});

	it("does not let a link span lines", () => {
		expect(scan("[[Note\nNext]] line")).toEqual([]);
		expect(scan("[[open\n[[Closed]]").map((l) => l.target)).toEqual(["Closed"]);
	});

	it("skips `[[]]` and unclosed links", () => {
		expect(scan("[[]] and [[ ]] and [[no end")).toEqual([]);
		expect(scan("[[]] [[Real]]").map((l) => l.target)).toEqual(["Real"]);
	});

	it("takes the innermost `[[` when an opening has no close of its own", () => {
		expect(scan("[[a [[b]]").map((l) => [l.target, l.start])).toEqual([["b", 4]]);
	});

	it("keeps offsets exact in CRLF text", () => {
		const text = "line one\r\n- [[A/B|x]]\r\n| [[C/D\\|y]] |\r\n![[E#F]]\r\n[[broken\r\n]]";
		const links = scan(text);
		expect(links.map((l) => l.raw)).toEqual(["[[A/B|x]]", "[[C/D\\|y]]", "![[E#F]]"]);
		expect(links[2].start).toBe(text.indexOf("!"));
	});

	it("skips links that start inside an excluded range", () => {
		const text = "`[[Code]]` [[Real]]\n```\n[[Fenced]]\n```\n![[Embed]]";
		const inline: [number, number] = [0, 10];
		const fenced: [number, number] = [text.indexOf("```"), text.lastIndexOf("```") + 3];
		expect(scan(text, [fenced, inline]).map((l) => l.target)).toEqual(["Real", "Embed"]);
		expect(scan(text).map((l) => l.target)).toEqual(["Code", "Real", "Fenced", "Embed"]);
	});

	it("skips a `[[` inside an excluded range without pairing it with a `]]` outside", () => {
		const text = "`[[x` y]] [[Z]]";
		expect(scan(text, [[0, 5]]).map((l) => l.target)).toEqual(["Z"]);
	});
});
