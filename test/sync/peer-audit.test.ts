// Each peer vault (../shared/peer-vaults, raw generator output from 17.1) with user edits, synced
// to 18.1, the base release inferred from the notes' text: every synced note's ATT&CK facts are
// 18.1's (test/helpers/peer-audit.ts says what is checked), the user's edits are there, and a
// second sync writes nothing. Skipped without ../shared.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { MemoryVault } from "../helpers/memory-vault";
import { HAVE_SHARED, SHARED, SHARED_STIX } from "../helpers/paths";
import { auditNote, type AuditFinding } from "../helpers/peer-audit";
import { model, readTree, syncOnce, textOf } from "./helpers";

const PEERS = path.join(SHARED, "peer-vaults");
const bundle = (v: string) => path.join(SHARED_STIX, `enterprise-attack-${v}.stix20.json`);

describe.skipIf(!HAVE_SHARED)("peer vaults: every synced fact is the new release's", () => {
	for (const peer of ["vincenzocaputo", "reuteras", "scorchederf", "fancyp4nda"]) {
		it(peer, async () => {
			const before = readTree(path.join(PEERS, `${peer}-17.1`));
			// The user's edits to T1014 (its description changed in 18.1): a highlight inside
			// ATT&CK's words, a line of their own after its first paragraph, a key with a comment.
			const rootkit = Object.keys(before).find((p) => /Rootkit\.md$|T1014/.test(p) && !p.includes("index")) ?? "";
			const edited = before[rootkit]
				.replace("hide the presence of programs", "hide the ==presence== of programs")
				.replace(/^(Adversaries may use rootkits.*)$/m, (line) => (line.includes("<br>") ? `${line}\n\nMy own line zq2.` : `${line}\n\nMy own line zq2.`))
				.replace(/^---\n/, "---\nmy_key: kept # zq3\n");
			const vault = new MemoryVault({ ...before, [rootkit]: edited });
			const old = model(bundle("17.1"));
			const fresh = model(bundle("18.1"));
			const opts = { version: "18.1", releases: { local: ["17.1"], remote: () => Promise.resolve([]), load: (v: string) => Promise.resolve(v === "17.1" ? old : null) } };
			const { report } = await syncOnce(vault, fresh, opts);
			const findings: AuditFinding[] = [];
			for (const n of report.notes) {
				if (n.action === "skipped" || !n.id) continue;
				findings.push(...auditNote(n.path, n.id, n.path === rootkit ? edited : (before[n.path] ?? ""), textOf(vault.files.get(n.path)), old, fresh));
			}
			expect(report.notes.filter((n) => (n.reason ?? "").startsWith("could not be synced"))).toEqual([]);
			// reuteras' 15 data component notes (17.1: no ATT&CK ID, known by name) are synced and audited too.
			if (peer === "reuteras") expect(report.notes.filter((n) => /^DC\d{4}$/.test(n.id ?? "") && n.action === "updated")).toHaveLength(15);
			expect(findings).toEqual([]);
			const after = textOf(vault.files.get(rootkit));
			for (const mine of ["==presence==", "My own line zq2.", "my_key: kept # zq3"]) expect(after, `${rootkit}: ${mine}`).toContain(mine);
			expect((await syncOnce(vault, fresh, opts)).wrote).toEqual([]);
		});
	}
});
