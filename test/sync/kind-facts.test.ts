// A kind's facts besides its description and tables (kinds.ts `facts`), and ICS's assets:
// - a new group note lists its aliases, a software note its aliases and platforms, a campaign its
//   first and last sighting, each in a section of its own; an item of the user's in such a
//   section stays, ATT&CK's items follow the release; a second sync writes nothing;
// - an ICS asset lists the techniques that target it, and an ICS technique its targeted assets.
// Needs the whole releases (../shared); skipped without them.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { MemoryVault } from "../helpers/memory-vault";
import { HAVE_SHARED, SHARED_STIX } from "../helpers/paths";
import { model, syncOnce, textOf } from "./helpers";

const ENTERPRISE = path.join(SHARED_STIX, "enterprise-attack-18.1.stix20.json");
const ICS = path.join(SHARED_STIX, "ics-attack-18.1.json");
const DIR = "MITRE ATT&CK/Enterprise-Attack";

/** The lines of the section under `### title`, up to the next heading. */
function section(text: string, title: string): string[] {
	const at = text.indexOf(`\n### ${title}\n`);
	if (at < 0) return [];
	const rest = text.slice(at + title.length + 6);
	const end = rest.search(/^#{1,6} |^---$/m);
	return (end < 0 ? rest : rest.slice(0, end)).split("\n").filter((l) => l.trim() !== "");
}

describe.skipIf(!HAVE_SHARED)("a kind's facts in sections of their own", () => {
	it("are listed in new group, software and campaign notes, kept current beside the user's items, and a second sync writes nothing", async () => {
		const m18 = model(ENTERPRISE);
		const vault = new MemoryVault({});
		const only = new Set(["G0016", "S0046", "C0024"]);
		await syncOnce(vault, m18, { version: "18.1", createMissing: ["group", "software", "campaign"], createOnly: only });
		const group = textOf(vault.files.get(`${DIR}/groups/APT29.md`));
		expect(section(group, "Aliases")).toEqual(expect.arrayContaining(["- NOBELIUM", "- Midnight Blizzard", "- UNC2452"]));
		expect(section(group, "Aliases")).not.toContain("- APT29");
		const software = textOf(vault.files.get(`${DIR}/software/CozyCar.md`));
		expect(section(software, "Aliases")).toEqual(["- CozyDuke", "- CozyBear", "- Cozer", "- EuroAPT"]);
		expect(section(software, "Platforms")).toEqual(["- Windows"]);
		const campaign = textOf(vault.files.get(`${DIR}/campaigns/SolarWinds Compromise.md`));
		expect(section(campaign, "First Seen")).toEqual(["- 2019-08-01"]);
		expect(section(campaign, "Last Seen")).toEqual(["- 2021-01-01"]);
		// The description comes before the facts.
		expect(campaign.indexOf("supply chain")).toBeLessThan(campaign.indexOf("### First Seen"));
		expect((await syncOnce(vault, m18, { version: "18.1" })).wrote).toEqual([]);

		// An alias ATT&CK no longer gives goes; the user's own item stays; a missing one comes back.
		const path = `${DIR}/software/CozyCar.md`;
		vault.files.set(path, textOf(vault.files.get(path)).replace("- Cozer\n", "- Old Name Of Mine, see class notes\n").replace("- Windows\n", "- Windows\n- Linux\n"));
		await syncOnce(vault, m18, { version: "18.1" });
		const again = textOf(vault.files.get(path));
		expect(section(again, "Aliases")).toEqual(expect.arrayContaining(["- Cozer", "- Old Name Of Mine, see class notes"]));
		expect(section(again, "Platforms")).toEqual(["- Windows"]);
		expect((await syncOnce(vault, m18, { version: "18.1" })).wrote).toEqual([]);
	});

	it("ICS: an asset lists the techniques that target it, a technique the assets it targets", async () => {
		const ics = model(ICS);
		const vault = new MemoryVault({});
		await syncOnce(vault, ics, { version: "18.1", createMissing: ["technique", "asset"], createOnly: new Set(["A0008", "T0807"]) });
		const asset = textOf(vault.files.get("MITRE ATT&CK/ICS-Attack/assets/Application Server.md"));
		expect(section(asset, "Techniques")).toContain("| [[Command-Line Interface\\|T0807]] | Command-Line Interface |");
		expect(section(asset, "Techniques").filter((l) => l.startsWith("| T0"))).not.toHaveLength(0);
		const technique = textOf(vault.files.get("MITRE ATT&CK/ICS-Attack/techniques/Command-Line Interface.md"));
		expect(section(technique, "Targeted Assets")).toContain("| [[Application Server\\|A0008]] | Application Server |");
		expect((await syncOnce(vault, ics, { version: "18.1" })).wrote).toEqual([]);
	});
});
