// A name with a `/` that a generator wrote in the file name, not as folders (scorchederf's
// `M1049-Antivirus_Antimalware.md`, FancyP4nda's and reuteras' `Antivirus／Antimalware`), is the
// object's name: sync does not report the object as renamed in ATT&CK. Needs ../shared.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { MemoryVault } from "../helpers/memory-vault";
import { HAVE_SHARED, SHARED, SHARED_STIX } from "../helpers/paths";
import { model, syncOnce } from "./helpers";

const NOTES: Array<[string, string]> = [
	["scorchederf-17.1", "kb/mitre/attack/mitigations/M1049-Antivirus_Antimalware.md"],
	["scorchederf-17.1", "kb/mitre/attack/techniques/T1529-System_Shutdown_Reboot.md"],
	["fancyp4nda-17.1", "enterprise-attack/mitigations/M1049 - Antivirus／Antimalware.md"],
	["fancyp4nda-17.1", "enterprise-attack/techniques/T1529 - System Shutdown／Reboot.md"],
	["reuteras-17.1", "MITRE/Defenses/Mitigations/Enterprise attack/Antivirus／Antimalware - M1049.md"],
];

describe.skipIf(!HAVE_SHARED)("a name with a slash in a generator's file name", () => {
	it("is not reported as renamed", async () => {
		const m18 = model(path.join(SHARED_STIX, "enterprise-attack-18.1.stix20.json"));
		for (const [peer, note] of NOTES) {
			const vault = new MemoryVault({ [note]: readFileSync(path.join(SHARED, "peer-vaults", peer, note), "utf8") });
			const { report } = await syncOnce(vault, m18, { version: "18.1" });
			const warnings = report.notes.flatMap((n) => n.warnings ?? []);
			expect(warnings.filter((w) => w.startsWith("renamed")), note).toEqual([]);
		}
	});
});
