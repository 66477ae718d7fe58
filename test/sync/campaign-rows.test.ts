// ATT&CK names some campaigns by their ID (C0026 is "C0026"), so a row linking one to its note is
// `[[C0026]]`: a link showing the ID, which claims it as `[[path\|C0026]]` does. Such rows were
// not read as the campaign's, and a software note created beside its campaigns' notes kept an
// empty Use cell that no later sync filled (ANDROMEDA's Campaigns table). Needs the whole release
// (../shared); skipped without it.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { MemoryVault } from "../helpers/memory-vault";
import { HAVE_SHARED, SHARED_STIX } from "../helpers/paths";
import { rowsUnder } from "../helpers/table-rows";
import { model, syncOnce, textOf } from "./helpers";

const ANDROMEDA = "MITRE ATT&CK/Enterprise-Attack/software/ANDROMEDA.md";

describe.skipIf(!HAVE_SHARED)("a table row linking a campaign named by its ID", () => {
	it("is the campaign's: its text is written, and a second sync writes nothing", async () => {
		const m = model(path.join(SHARED_STIX, "enterprise-attack-18.1.stix20.json"));
		const vault = new MemoryVault({});
		await syncOnce(vault, m, { createMissing: ["software", "campaign"], createOnly: new Set(["S1074", "C0026"]) });
		expect(rowsUnder(textOf(vault.files.get(ANDROMEDA)), "Campaigns")).toEqual([
			"| [[C0026]] | C0026 | During [[C0026]], the threat actors re-registered expired [[ANDROMEDA]] domains to profile past victims for further targeting.[^mandiant-suspected-turla-campaign-february-2023] |",
		]);
		expect((await syncOnce(vault, m)).wrote).toEqual([]);
	});

	it("in a note that has it with an empty Use cell: the text is filled in", async () => {
		const m = model(path.join(SHARED_STIX, "enterprise-attack-18.1.stix20.json"));
		const vault = new MemoryVault({});
		await syncOnce(vault, m, { createMissing: ["software", "campaign"], createOnly: new Set(["S1074", "C0026"]) });
		const full = textOf(vault.files.get(ANDROMEDA));
		const row = rowsUnder(full, "Campaigns")[0];
		vault.files.set(ANDROMEDA, full.replace(row, "| [[C0026]] | C0026 |  |"));
		await syncOnce(vault, m);
		expect(textOf(vault.files.get(ANDROMEDA))).toBe(full);
	});
});
