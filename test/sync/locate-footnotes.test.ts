// Sync finds a note's description by what it says, whatever heads it, and cites in the note's own
// footnote style: an invented layout, reuteras' `## Name` notes, numbered footnotes in a callout.
import { describe, expect, it } from "vitest";
import { loadBundle } from "../../src/core/attack/model";
import { addDefinitions, learnFootnoteStyle, styledLabel } from "../../src/core/sync/footnote-style";
import { MemoryVault } from "../helpers/memory-vault";
import { syncOnce, textOf } from "./helpers";

const ref = (name: string, url: string) => ({ source_name: name, url, description: `${name} report.` });
const technique = (description: string, refs: Array<ReturnType<typeof ref>>) => ({
	type: "attack-pattern",
	id: "attack-pattern--1",
	spec_version: "2.0",
	name: "Rootkit",
	description,
	modified: "2025-01-01T00:00:00.000Z",
	kill_chain_phases: [{ kill_chain_name: "mitre-attack", phase_name: "defense-evasion" }],
	x_mitre_platforms: ["Linux", "Windows"],
	external_references: [{ source_name: "mitre-attack", external_id: "T1014", url: "https://attack.mitre.org/techniques/T1014" }, ...refs],
});
const bundle = (version: string, t: object) =>
	loadBundle(
		JSON.stringify({
			type: "bundle",
			id: "bundle--1",
			spec_version: "2.0",
			objects: [
				{ type: "x-mitre-collection", id: "x-mitre-collection--1", x_mitre_version: version, name: "Enterprise ATT&CK" },
				{ type: "x-mitre-tactic", id: "x-mitre-tactic--1", name: "Defense Evasion", x_mitre_shortname: "defense-evasion", external_references: [{ source_name: "mitre-attack", external_id: "TA0005" }] },
				t,
			],
		}),
		`enterprise-attack-${version}.json`,
	);

const OLD_P1 = "Adversaries may use rootkits to hide the presence of programs, files and network connections.(Citation: Wiki Rootkit)";
const NEW_P1 = "Adversaries may use rootkits to hide the presence of programs, files, services and network connections.(Citation: Wiki Rootkit)(Citation: New Source)";
const P2 = "Rootkits or rootkit enabling functionality may reside at the user or kernel level in the operating system.";
const old = bundle("17.1", technique(`${OLD_P1}\n\n${P2}`, [ref("Wiki Rootkit", "https://e.org/wiki")]));
const fresh = bundle("18.1", technique(`${NEW_P1}\n\n${P2}`, [ref("Wiki Rootkit", "https://e.org/wiki"), ref("New Source", "https://e.org/new")]));
const opts = { version: "18.1", previous: [old] };

describe("descriptions found by what they say", () => {
	it("an invented layout: the ID in a table, the description under a heading of the user's, numbered footnotes in a callout", async () => {
		const note = [
			"---",
			"tags: [attack/t1014, study]",
			"platforms:",
			"  - Linux - Windows",
			"---",
			"| id | T1014 |",
			"| --- | --- |",
			"",
			"# What it is (my words)",
			"",
			"Adversaries may use rootkits to hide the ==presence== of programs, files and network connections.[^1]",
			"",
			"My own line between, zq1.",
			"",
			"Rootkits or rootkit enabling functionality may reside at the user or kernel level in the operating system.",
			"",
			"> [!info]- Sources",
			"> [^1]: [Wiki Rootkit](https://e.org/wiki)",
			"",
		].join("\n");
		const vault = new MemoryVault({ "Study/T1014 rootkits.md": note });
		const first = await syncOnce(vault, fresh, opts);
		const after = textOf(vault.files.get("Study/T1014 rootkits.md"));
		expect(first.report.notes[0]).toMatchObject({ id: "T1014", action: "updated" });
		expect(after).toContain("Adversaries may use rootkits to hide the ==presence== of programs, files, services and network connections.[^1][^2]");
		expect(after).toContain("> [^1]: [Wiki Rootkit](https://e.org/wiki)\n> [^2]: [New Source](https://e.org/new)\n");
		expect(after).toContain("My own line between, zq1.");
		expect(after).toContain("# What it is (my words)");
		expect(after).not.toContain("files and network");
		expect((await syncOnce(vault, fresh, opts)).wrote).toEqual([]);
	});

	it("reuteras: the description under `## Name`, footnotes named by source with underscores", async () => {
		const note = [
			"---",
			"aliases:",
			"  - T1014",
			"url: https://attack.mitre.org/techniques/T1014",
			"---",
			"## Rootkit",
			"Adversaries may use rootkits to hide the presence of programs, files and network connections.[^Wiki_Rootkit]",
			"",
			P2,
			"",
			"> [!info]",
			"> ID: T1014",
			"### References",
			"",
			"[^Wiki_Rootkit]: [Wiki Rootkit report.](https://e.org/wiki)",
		].join("\n");
		const vault = new MemoryVault({ "MITRE/Rootkit - T1014.md": note });
		await syncOnce(vault, fresh, opts);
		const after = textOf(vault.files.get("MITRE/Rootkit - T1014.md"));
		expect(after).toContain("## Rootkit\nAdversaries may use rootkits to hide the presence of programs, files, services and network connections.[^Wiki_Rootkit][^New_Source]\n");
		expect(after.endsWith("[^Wiki_Rootkit]: [Wiki Rootkit report.](https://e.org/wiki)\n[^New_Source]: [New Source report.](https://e.org/new)")).toBe(true);
		expect((await syncOnce(vault, fresh, opts)).wrote).toEqual([]);
	});

	it("learns no style from sync's own footnotes, and numbers new ones after the highest", () => {
		expect(learnFootnoteStyle("Text.[^wiki]\n\n[^wiki]: Wiki. Text <https://e.org>\n", () => true)).toBeNull();
		const style = learnFootnoteStyle("Text.[^3][^7]\n\n[^3]: [A](https://a)\n\n[^7]: [B](https://b)\n", () => false);
		expect(style).not.toBeNull();
		if (!style) return;
		expect(styledLabel(style, "A", undefined, "https://a")).toBe("3");
		expect(styledLabel(style, "C", undefined, "https://c")).toBe("8");
		expect(addDefinitions(style, "Text.[^3][^7]\n\n[^3]: [A](https://a)\n\n[^7]: [B](https://b)\n", [{ label: "8", name: "C", url: "https://c" }])?.text).toBe("\n[^8]: [C](https://c)\n");
	});
});
