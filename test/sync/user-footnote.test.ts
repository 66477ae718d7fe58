// A footnote the user added to a generator's note (`[^mine]: ...` at the end, where scorchederf
// keeps its numbered definitions in a `> [!info]- References` callout) is not the note's footnote
// style: sync still cites ATT&CK's sources in the note's own numbered footnotes, defines every one
// it cites, and keeps the user's. Before, the odd label made sync drop every citation from the
// tables' rows. Needs the peer vaults and releases (../shared); skipped without them.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { MemoryVault } from "../helpers/memory-vault";
import { HAVE_SHARED, SHARED, SHARED_STIX } from "../helpers/paths";
import { model, syncOnce, textOf } from "./helpers";

const bundle = (v: string) => path.join(SHARED_STIX, `enterprise-attack-${v}.stix20.json`);
const NOTE = "kb/mitre/attack/groups/G1024-Akira.md";

const references = (text: string) => [...text.matchAll(/\[\^([^\]\s]+)\](?!:)/g)].map((m) => m[1]);
const definitions = (text: string) => new Set([...text.matchAll(/^(?:>\s*)*\[\^([^\]\s]+)\]:/gm)].map((m) => m[1]));

describe.skipIf(!HAVE_SHARED)("a footnote of the user's in a note of a generator's footnotes", () => {
	it.each([
		["scorchederf-17.1", NOTE],
		// reuteras names footnotes by source (`[^Microsoft_Moonstone_Sleet_2024]`); `[^mine]` looks like sync's own.
		["reuteras-17.1", "MITRE/CTI/Groups/Moonstone Sleet.md"],
	])("%s: changes nothing of how sync cites ATT&CK's sources, and stays", async (peer, note) => {
		const [m17, m18] = [model(bundle("17.1")), model(bundle("18.1"))];
		const original = readFileSync(path.join(SHARED, "peer-vaults", peer, note), "utf8");
		const synced = async (text: string) => {
			const vault = new MemoryVault({ [note]: text });
			await syncOnce(vault, m18, { version: "18.1", previous: [m17] });
			const out = textOf(vault.files.get(note));
			expect((await syncOnce(vault, m18, { version: "18.1", previous: [m17] })).wrote).toEqual([]);
			return out;
		};
		const plain = await synced(original);
		const mine = "\n[^mine]: My own note on Akira.\n";
		const withMine = await synced(original + mine);
		expect(withMine).toBe(plain + mine);
		const defined = definitions(withMine);
		expect(references(withMine).filter((r) => !defined.has(r))).toEqual([]);
		expect(references(withMine).length).toBeGreaterThan(25);
	});
});
