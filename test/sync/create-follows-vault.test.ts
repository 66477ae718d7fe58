// `--create-missing` follows how the vault files and names its notes: reuteras files techniques
// under their first tactic and their parent (`Execution/Command and Scripting Interpreter/`),
// writes a `/` of a name as `／`, keeps groups in `MITRE/CTI/Groups/` (notes it knows by their
// attack.mitre.org URL); new rows link to the new notes by those names; a second sync writes
// nothing and reports none of sync's own names as renamed. Skipped without ../shared.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { MemoryVault } from "../helpers/memory-vault";
import { HAVE_SHARED, SHARED, SHARED_STIX } from "../helpers/paths";
import { model, readTree, syncOnce, textOf } from "./helpers";

const bundle = (v: string) => path.join(SHARED_STIX, `enterprise-attack-${v}.stix20.json`);

describe.skipIf(!HAVE_SHARED)("create-missing follows the vault", () => {
	it("reuteras: per-tactic and per-parent folders, its spelling of `/`, groups where its groups are", async () => {
		const vault = new MemoryVault(readTree(path.join(SHARED, "peer-vaults", "reuteras-17.1")));
		const old = model(bundle("17.1"));
		const fresh = model(bundle("18.1"));
		const opts = { version: "18.1", createMissing: true, releases: { local: ["17.1"], remote: () => Promise.resolve([]), load: (v: string) => Promise.resolve(v === "17.1" ? old : null) } };
		const { report } = await syncOnce(vault, fresh, opts);
		const created = new Map(report.notes.filter((n) => n.action === "created").map((n) => [n.id, n.path]));
		const root = "MITRE/Techniques/Enterprise attack";
		expect(created.get("T1677")).toBe(`${root}/Execution/Poisoned Pipeline Execution/Poisoned Pipeline Execution - T1677.md`);
		expect(created.get("T1059.013")).toBe(`${root}/Execution/Command and Scripting Interpreter/Container CLI\uFF0FAPI - T1059.013.md`);
		expect(created.get("T1140")).toBe(`${root}/Defense Evasion/Deobfuscate\uFF0FDecode Files or Information/Deobfuscate\uFF0FDecode Files or Information - T1140.md`);
		// Every new technique under a tactic folder and a parent folder, none loose in the root.
		const techniques = [...created].filter(([id]) => /^T\d{4}/.test(id ?? ""));
		expect(techniques.length).toBeGreaterThan(500);
		for (const [id, p] of techniques) expect(p.slice(root.length + 1).split("/"), id ?? "").toHaveLength(3);
		// Groups go where the vault's group notes are.
		const groups = [...created].filter(([id]) => /^G\d{4}$/.test(id ?? ""));
		expect(groups.length).toBeGreaterThan(0);
		for (const [id, p] of groups) expect(p, id ?? "").toMatch(/^MITRE\/CTI\/Groups\/[^/]+\.md$/);
		// A new row of a group's table links the new technique note by its file name.
		const fin7 = [...vault.files.keys()].find((p) => p.endsWith("Groups/FIN7.md")) ?? "";
		const text = textOf(vault.files.get(fin7));
		expect(text).toContain("[[Deobfuscate\uFF0FDecode Files or Information - T1140 \\| T1140]]");
		expect(text).not.toContain("[[Deobfuscate/Decode");
		const again = await syncOnce(vault, fresh, opts);
		expect(again.wrote).toEqual([]);
		const renamed = again.report.notes.filter((n) => (n.warnings ?? []).some((w) => w.startsWith("renamed")));
		expect(renamed.map((n) => n.id)).toEqual(["T1497.003"]);
	});
});
