import { describe, expect, it } from "vitest";
import { readFrontmatter } from "../../src/core/notes/frontmatter";
import { readStructure } from "../../src/core/notes/markdown";
import { idKind, normalizeId, recognizeNote, recognizeSigma, type Recognized } from "../../src/core/notes/recognize";
import { crlf, seed, vaultFile, vaultFiles } from "./fixtures";

/** Recognize a note the way a caller does: frontmatter, then structure, then recognition. */
function recognize(path: string, text: string): Recognized {
	const r = readFrontmatter(text);
	if (!r.ok) throw new Error(r.error);
	return recognizeNote(path, text, r.frontmatter, readStructure(text, r.frontmatter?.bodyStart ?? 0));
}

function sigma(path: string, text: string): Recognized {
	const r = recognizeSigma(path, text);
	if ("error" in r) throw new Error(r.error);
	return r;
}

describe("idKind and normalizeId", () => {
	it("knows every kind of ATT&CK ID", () => {
		const cases: Array<[string, ReturnType<typeof idKind>]> = [
			["T1234", "technique"],
			["T1234.001", "subtechnique"],
			["TA0001", "tactic"],
			["M1031", "mitigation"],
			["G0016", "group"],
			["S0001", "software"],
			["C0001", "campaign"],
			["DS0022", "datasource"],
			["DC0001", "datacomponent"],
			["DET0001", "detectionstrategy"],
			["AN0001", "analytic"],
			["A0001", "asset"],
		];
		for (const [id, kind] of cases) expect([id, idKind(id)]).toEqual([id, kind]);
	});

	it("rejects what is not an ID", () => {
		for (const id of ["t1234", "T123", "T12345", "T1234.01", "T1234.0001", "TA001", "X0001", "DET001", " T1234", "T1234 ", "TA0001.001", ""]) {
			expect([id, idKind(id)]).toEqual([id, null]);
		}
	});

	it("normalizes case and spaces", () => {
		expect(normalizeId(" t1204.001 ")).toBe("T1204.001");
		expect(normalizeId("ta0002")).toBe("TA0002");
		expect(normalizeId("Compromised credentials")).toBeNull();
	});
});

describe("the seeds", () => {
	it("000 is a classic note about T1204.001", () => {
		expect(recognize("Malicious Link.md", seed("classic"))).toEqual({
			layout: "classic",
			ids: ["T1204.001"],
			// The heading names the same ID: each ID is listed once, with its first source.
			idSources: [{ id: "T1204.001", from: "alias" }],
		});
	});

	it("000 gives the same result with CRLF, a BOM, or both", () => {
		const want = recognize("Malicious Link.md", seed("classic"));
		for (const text of [crlf(seed("classic")), "\uFEFF" + seed("classic"), "\uFEFF" + crlf(seed("classic"))]) {
			expect(recognize("Malicious Link.md", text)).toEqual(want);
		}
	});

	it("001 is a controls note about T1204.001", () => {
		expect(recognize("T1204.001 controls.md", seed("controls"))).toEqual({
			layout: "controls",
			ids: ["T1204.001"],
			idSources: [{ id: "T1204.001", from: "title" }],
		});
	});

	it("002 is an export note about T1204.001, not about the IDs it mentions", () => {
		expect(recognize("Malicious Link (T1204.001).md", seed("export"))).toEqual({
			layout: "export",
			ids: ["T1204.001"],
			idSources: [{ id: "T1204.001", from: "title" }],
		});
	});

	it("003 is a Sigma rule for T1608.005", () => {
		const want = { layout: "sigma", ids: ["T1608.005"], idSources: [{ id: "T1608.005", from: "tag" }] };
		expect(sigma("Detections/sigma/link_target_t1608_005.yml", seed("sigma"))).toEqual(want);
		expect(sigma("rule.YAML", "\uFEFF" + crlf(seed("sigma")))).toEqual(want);
	});
});

describe("the sample vault", () => {
	const files = vaultFiles();

	it("has the notes this test expects", () => {
		expect(files.filter((f) => f.endsWith(".md")).length).toBeGreaterThanOrEqual(70);
		expect(files).toContain("Detections/sigma/link_target_t1608_005.yml");
	});

	it("recognizes every technique, tactic and mitigation note by exactly its alias ID", () => {
		const generated = files.filter((f) => /\/(techniques|tactics|mitigations)\//.test(f));
		expect(generated.length).toBeGreaterThanOrEqual(60);
		for (const path of generated) {
			const text = vaultFile(path);
			const alias = /^alias: (\S+)$/m.exec(text)?.[1];
			const kind = /\/techniques\//.test(path) ? /^technique|subtechnique$/ : /\/tactics\//.test(path) ? /^tactic$/ : /^mitigation$/;
			expect(idKind(alias ?? ""), path).toMatch(kind);
			const r = recognize(path, text);
			expect([path, r.layout, r.ids]).toEqual([path, "classic", [alias]]);
			expect(r.idSources[0]).toEqual({ id: alias, from: "alias" });
		}
	});

	it("recognizes the Mobile tactic and the Antivirus/Antimalware mitigation notes", () => {
		const base = "CyberSecurity/Security+/1-Threats-Attacks-Vulnerabilities/Attacking-Frameworks/MITRE ATT&CK";
		expect(recognize("x.md", vaultFile(`${base}/Mobile-Attack/tactics/Execution.md`)).ids).toEqual(["TA0041"]);
		expect(recognize("x.md", vaultFile(`${base}/Enterprise-Attack/mitigations/Antivirus/Antimalware.md`)).ids).toEqual(["M1049"]);
		// `aliases: [Compromised credentials]` beside `alias: T1078` adds no ID.
		expect(recognize("x.md", vaultFile(`${base}/Enterprise-Attack/techniques/Valid Accounts.md`)).ids).toEqual(["T1078"]);
	});

	it("recognizes the export, controls, index and Sigma files", () => {
		const got = Object.fromEntries(
			files
				.filter((f) => !/\/(techniques|tactics|mitigations)\//.test(f))
				.map((path) => {
					const text = vaultFile(path);
					const r = path.endsWith(".yml") ? sigma(path, text) : recognize(path, text);
					return [path, [r.layout, r.ids]];
				}),
		);
		expect(got).toEqual({
			"CyberSecurity/Security+/Controls/T1204.001 controls.md": ["controls", ["T1204.001"]],
			"CyberSecurity/Security+/Exports/Malicious Link (T1204.001).md": ["export", ["T1204.001"]],
			"CyberSecurity/Security+/Security+ Domain 2 - Threats.md": ["other", []],
			"Detections/sigma/link_target_t1608_005.yml": ["sigma", ["T1608.005"]],
		});
	});
});

describe("recognizeNote details", () => {
	const body = "\n## T1204.001\n\nText mentioning T1566.002 and (T1203).\n";

	it("reads alias as a string, a comma list, a YAML list, and aliases", () => {
		const variants = [
			"alias: T1204.001",
			"aliases: T1204.001",
			"alias: Malicious Link, T1204.001",
			"aliases:\n  - Malicious Link\n  - T1204.001",
			"aliases: [T1204.001]",
			"Aliases: t1204.001",
		];
		for (const fm of variants) {
			const r = recognize("Malicious Link.md", `---\n${fm}\n---\n# Malicious Link\n`);
			expect([fm, r.layout, r.ids, r.idSources[0]?.from]).toEqual([fm, "classic", ["T1204.001"], "alias"]);
		}
	});

	it("takes the ID from a whole-ID first heading when there is no alias", () => {
		const r = recognize("x.md", body);
		expect(r).toEqual({ layout: "classic", ids: ["T1204.001"], idSources: [{ id: "T1204.001", from: "heading" }] });
	});

	it("puts the alias first when alias and heading disagree", () => {
		const r = recognize("x.md", `---\nalias: T1204\n---\n${body}`);
		expect(r.ids).toEqual(["T1204", "T1204.001"]);
		expect(r.layout).toBe("classic");
	});

	it("reads export titles whose names hold / : or parentheses", () => {
		for (const [title, id] of [
			["Antivirus/Antimalware (M1049)", "M1049"],
			["Exploitation: Foo (T1234)", "T1234"],
			["Scheduled Task/Job (T1053)", "T1053"],
			["APT29 (Cozy Bear) (G0016)", "G0016"],
		]) {
			const r = recognize("x.md", `# ${title}\n\n## Description\nText (T1566).\n`);
			expect([title, r.layout, r.ids]).toEqual([title, "export", [id]]);
		}
	});

	it("reads a `# Name (ID)` title without export sections as the subject, in no known layout", () => {
		expect(recognize("x.md", "# My study notes (T1566)\n\nStuff.\n")).toEqual({
			layout: "other",
			ids: ["T1566"],
			idSources: [{ id: "T1566", from: "title" }],
		});
	});

	it("reads controls titles", () => {
		const r = recognize("x.md", "# TA0001: Initial Access\n**MITRE ATT&CK Tactic(s):** x\n");
		expect([r.layout, r.ids]).toEqual(["controls", ["TA0001"]]);
	});

	it("reads IDs from tags", () => {
		for (const tags of ["tags: [attack.t1204.001]", "tags:\n  - notes\n  - T1204.001", "tags: notes, attack/t1204.001", "tags: '#attack.t1204.001 x'"]) {
			const r = recognize("x.md", `---\n${tags}\n---\nNo heading here.\n`);
			expect([tags, r.layout, r.idSources]).toEqual([tags, "other", [{ id: "T1204.001", from: "tag" }]]);
		}
		// Tags add to the other sources, after them.
		const r = recognize("x.md", "---\nalias: T1204.001\ntags: [attack.t1204, attack.execution]\n---\n");
		expect(r.ids).toEqual(["T1204.001", "T1204"]);
	});

	it("falls back on the file name only when nothing else names an ID", () => {
		expect(recognize("Notes/Malicious Link (T1204.001).md", "Just text.\n").idSources).toEqual([{ id: "T1204.001", from: "filename" }]);
		expect(recognize("Notes/T1204.001.md", "Just text.\n").ids).toEqual(["T1204.001"]);
		expect(recognize("Notes/T1204.001 vs T1566.md", "Just text.\n").ids).toEqual([]);
		expect(recognize("Notes/Malicious Link (T1204.001).md", "---\nalias: T1204\n---\n").ids).toEqual(["T1204"]);
	});

	it("ignores IDs that are merely mentioned", () => {
		for (const text of [
			"Text mentioning T1566.002 and (T1203).\n\n## T1566\n",
			"# Domain 2\n\n- [[Phishing|T1566]]\n\n## T1110\n",
			"| ID |\n| --- |\n| T1204.001 |\n",
			"```\n## T1204.001\n```\n",
			"> ## T1204.001\n",
			"---\ntitle: T1204.001\nsource: attack.t1204.001\n---\n",
		]) {
			expect([text, recognize("Note.md", text)]).toEqual([text, { layout: "other", ids: [], idSources: [] }]);
		}
	});

	it("works without frontmatter or structure", () => {
		expect(recognizeNote("T1059.md", "", null, null)).toEqual({ layout: "other", ids: ["T1059"], idSources: [{ id: "T1059", from: "filename" }] });
		const fm = { data: { alias: "T1059" }, start: 0, end: 0, bodyStart: 0 };
		expect(recognizeNote("x.md", "", fm, null).layout).toBe("classic");
	});
});

describe("recognizeSigma details", () => {
	it("reads technique tags only, deduplicated, across documents", () => {
		const text = "title: a\ntags:\n  - attack.execution\n  - attack.t1059\n  - attack.T1059.001\n  - attack.g0016\n  - attack.t1059\n  - cve.2021-44228\nlogsource: {product: windows}\ndetection: {condition: x}\n---\ntags: [attack.t1204.002]\ndetection: {condition: y}\n";
		expect(sigma("r.yaml", text).ids).toEqual(["T1059", "T1059.001", "T1204.002"]);
	});

	it("gives layout other for YAML that is not a Sigma rule", () => {
		expect(sigma("config.yml", "key: value\ntags: [attack.t1059]\n")).toEqual({ layout: "other", ids: [], idSources: [] });
		expect(sigma("list.yml", "- a\n- b\n")).toEqual({ layout: "other", ids: [], idSources: [] });
		expect(sigma("empty.yml", "")).toEqual({ layout: "other", ids: [], idSources: [] });
	});

	it("reports malformed YAML and non-YAML paths", () => {
		expect(recognizeSigma("bad.yml", "title: a\n  bad: [\n")).toEqual({ error: "YAML line 1: Nested mappings are not allowed in compact mappings" });
		expect(recognizeSigma("rule.md", "title: a\n")).toEqual({ error: "rule.md is not a YAML file" });
	});

	it("never runs anything and survives alias bombs", () => {
		const r = recognizeSigma("x.yml", "a: !!js/function 'function(){ globalThis.__pwned = 1 }'\ndetection: {}\n");
		expect("error" in r ? "error" : r.layout).toBe("sigma");
		expect((globalThis as { __pwned?: unknown }).__pwned).toBeUndefined();
		const bomb = ["a: &a [x, x, x, x, x, x, x, x, x]"];
		for (let i = 1; i < 10; i++) bomb.push(`${"b".repeat(i)}: &${"b".repeat(i)} [${Array(9).fill(i === 1 ? "*a" : `*${"b".repeat(i - 1)}`).join(", ")}]`);
		expect(recognizeSigma("bomb.yml", bomb.join("\n") + "\ndetection: {}\n")).toEqual({ error: expect.stringMatching(/^YAML: Excessive alias count/) as unknown });
	});
});
