// Facts a note states outside its sections and tables, synced 17.1 -> 18.1 (labelled.ts and
// common.ts's aliasAdditions, pageKeys):
// - reuteras' info callout (`> Version: 2.1`, `> Last Modified: 2025-04-16`, `> Associated Groups:
//   ...`, `> ID: ` of a 17.1 data component ATT&CK gave no ID), where a value that is not an
//   earlier release's is the user's and stays; a data component's `> Data Source:` 18.1 no longer gives;
// - a group's ATT&CK aliases in the frontmatter list (Mustang Panda: 4 in 17.1, 15 in 18.1), added
//   after the items there, a comment among them kept;
// - reuteras' Associated Group Descriptions table, a row for each alias new in 18.1;
// - the empty `url:` and `Active DNS ()` aliases of that data component.
// Needs the whole releases and the peer vaults (../shared); skipped without them.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { MemoryVault } from "../helpers/memory-vault";
import { HAVE_SHARED, SHARED, SHARED_STIX } from "../helpers/paths";
import { model, syncOnce, textOf } from "./helpers";

const bundle = (v: string) => path.join(SHARED_STIX, `enterprise-attack-${v}.stix20.json`);
const peer = (vault: string, note: string) => readFileSync(path.join(SHARED, "peer-vaults", vault, note), "utf8");
const GROUP = "MITRE/CTI/Groups/Mustang Panda.md";
const COMPONENT = "MITRE/Defenses/Detections/Data Components/Enterprise attack/Active DNS - .md";

describe.skipIf(!HAVE_SHARED)("labelled facts and frontmatter aliases of an earlier release", () => {
	const [m17, m18] = HAVE_SHARED ? [model(bundle("17.1")), model(bundle("18.1"))] : [null, null];

	it("say 18.1's in a reuteras group note; the user's values, lines and comments stay; a second sync writes nothing", async () => {
		if (!m17 || !m18) return;
		const before = peer("reuteras-17.1", GROUP)
			.replace("  - TA416\n", "  - TA416 # my comment\n")
			.replace("> Version: 2.1\n", "> Version: 2.1\n> Studied: 2025-04-16\n")
			.replace("> Created: 2021-04-12\n", "> Created: 2021-04-12\n> Platforms: my own list\n")
			.replace("### Associated Group Descriptions", "```\n> Version: 2.1\n```\n\n### Associated Group Descriptions");
		expect(before).toContain("> Associated Groups: Mustang Panda, TA416, RedDelta, BRONZE PRESIDENT\n");
		const vault = new MemoryVault({ [GROUP]: before });
		await syncOnce(vault, m18, { version: "18.1", previous: [m17] });
		const text = textOf(vault.files.get(GROUP));
		expect(text).toContain("> Version: 3.0\n");
		expect(text).toContain("> Last Modified: 2025-11-04\n");
		expect(text).toContain("> Associated Groups: Mustang Panda, TA416, RedDelta, BRONZE PRESIDENT, STATELY TAURUS, FIREANT, CAMARO DRAGON, EARTH PRETA, HIVE0154, TWILL TYPHOON, TANTALUM, LUMINOUS MOTH, UNC6384, TEMP.Hex, Red Lich\n");
		expect(text).toContain("> Contributors: Kyaw Pyiyt Htet, @KyawPyiytHtet, Jiraput Thamsongkrah, ZScaler ThreatLabz\n");
		// Not ATT&CK's: a label it has no fact for, a value of the user's, a line in code, the creation date.
		expect(text).toContain("> Studied: 2025-04-16\n");
		expect(text).toContain("> Platforms: my own list\n");
		expect(text).toContain("```\n> Version: 2.1\n```\n");
		expect(text).toContain("> Created: 2021-04-12\n");
		const aliases = text.slice(text.indexOf("aliases:"), text.indexOf("\nurl:"));
		expect(aliases.split("\n").slice(0, 6)).toEqual(["aliases:", "  - Mustang Panda", "  - TA416 # my comment", "  - RedDelta", "  - BRONZE PRESIDENT", "  - STATELY TAURUS"]);
		expect(aliases.split("\n")).toHaveLength(16);
		// The aliases table: a row for each alias new in 18.1, its citations defined; the rows there stay.
		const table = text.slice(text.indexOf("### Associated Group Descriptions"), text.indexOf("### Techniques Used")).trim().split("\n");
		expect(table.slice(2, 6)).toEqual(["| Name | Description |", "| --- | --- |", "| TA416 | [^Proofpoint_TA416_November_2020] |", "| RedDelta | [^Recorded_Future_REDDELTA_July_2020][^Proofpoint_TA416_Europe_March_2022] |"]);
		expect(table).toHaveLength(2 + 2 + 3 + 11);
		expect(table).toContain("| CAMARO DRAGON | [^HorseShell] |");
		expect(text).toMatch(/^\[\^HorseShell\]: /m);
		const again = await syncOnce(vault, m18, { version: "18.1", previous: [m17] });
		expect(again.wrote).toEqual([]);
	});

	it("add no row to the aliases table for an alias of the note's release the user took out", async () => {
		if (!m17 || !m18) return;
		const before = peer("reuteras-17.1", GROUP).replace("| RedDelta | [^Recorded_Future_REDDELTA_July_2020][^Proofpoint_TA416_Europe_March_2022] |\n", "");
		const vault = new MemoryVault({ [GROUP]: before });
		await syncOnce(vault, m18, { version: "18.1", previous: [m17] });
		const text = textOf(vault.files.get(GROUP));
		expect(text).not.toContain("| RedDelta |");
		expect(text).toContain("| BRONZE PRESIDENT | [^Secureworks_BRONZE_PRESIDENT_December_2019] |\n| STATELY TAURUS | ");
	});

	it("give a 17.1 data component without an ID its 18.1 ID, page and aliases, the old ones kept", async () => {
		if (!m17 || !m18) return;
		const vault = new MemoryVault({ [COMPONENT]: peer("reuteras-17.1", COMPONENT) });
		await syncOnce(vault, m18, { version: "18.1", previous: [m17] });
		const text = textOf(vault.files.get(COMPONENT));
		expect(text).toContain("> ID: DC0103\n");
		// 17.1 named its data source; 18.1's data components have none (data sources are deprecated).
		expect(peer("reuteras-17.1", COMPONENT)).toContain("> Data Source: [[Domain Name (DS0038)]] (DS0038)\n");
		expect(text).toContain("> Data Source: \n");
		expect(text).toContain("url: https://attack.mitre.org/datacomponents/DC0103\n");
		expect(text).toContain(["aliases:", "  - ", "  - Domain Name; Active DNS", "  - Active DNS ()", "  -  (Active DNS)", "  - DC0103", "  - Active DNS (DC0103)", "  - DC0103 (Active DNS)", "url:"].join("\n"));
		const again = await syncOnce(vault, m18, { version: "18.1", previous: [m17] });
		expect(again.wrote).toEqual([]);
	});

	it("say 18.1's in a data source note 18.1 deprecated, whose content stays", async () => {
		if (!m17 || !m18) return;
		const note = "MITRE/Defenses/Detections/Data Components/Enterprise attack/Service.md";
		const before = peer("reuteras-17.1", note);
		expect(before).toContain("> Last Modified: 2025-04-25\n");
		const vault = new MemoryVault({ [note]: before });
		await syncOnce(vault, m18, { version: "18.1", previous: [m17] });
		const text = textOf(vault.files.get(note));
		const modified = m18.get("DS0019")?.modified?.slice(0, 10) ?? "";
		expect(modified).not.toBe("2025-04-25");
		expect(text).toContain(`> Last Modified: ${modified}\n`);
		expect(text).toContain("> [!warning] Deprecated in ATT&CK 18.1");
		expect((await syncOnce(vault, m18, { version: "18.1", previous: [m17] })).wrote).toEqual([]);
	});

	it("leave a note alone without an earlier release to tell ATT&CK's values from the user's", async () => {
		if (!m18) return;
		const vault = new MemoryVault({ [GROUP]: peer("reuteras-17.1", GROUP) });
		await syncOnce(vault, m18, { version: "18.1" });
		const text = textOf(vault.files.get(GROUP));
		expect(text).toContain("> Version: 2.1\n");
		expect(text).not.toContain("STATELY TAURUS");
	});
});
