// The public generators' raw output (../shared/peer-vaults, written from 17.1), synced to 18.1:
// what works today on vincenzocaputo's layout (one-line descriptions with <br>, a "Descrption"
// column) and, on all four, that a second sync writes nothing. Skipped without ../shared.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ASIDE } from "../../src/core/sync/prose";
import { containsWords } from "../../src/core/sync/words";
import { MemoryVault } from "../helpers/memory-vault";
import { HAVE_SHARED, SHARED, SHARED_STIX } from "../helpers/paths";
import { model, readTree, syncOnce, textOf } from "./helpers";

const PEERS = path.join(SHARED, "peer-vaults");
const bundle = (v: string) => path.join(SHARED_STIX, `enterprise-attack-${v}.stix20.json`);

describe.skipIf(!HAVE_SHARED)("peer vaults synced from 17.1 to 18.1", () => {
	it("vincenzocaputo: the <br> description is replaced in its one line, the Descrption column is not doubled", async () => {
		const files = readTree(path.join(PEERS, "vincenzocaputo-17.1"));
		// The user's edits: inside the description's one line, and a line of their own above it.
		files["techniques/Rootkit.md"] = files["techniques/Rootkit.md"]
			.replace("hide the presence of programs", "hide the ==presence== of programs (my note zq1)")
			.replace("## T1014\n", "## T1014\n\nMy own line zq2.\n");
		const vault = new MemoryVault(files);
		const current = model(bundle("18.1"));
		// The release is inferred from the notes' text, among the releases at hand.
		const old = model(bundle("17.1"));
		const opts = { version: "18.1", releases: { local: ["17.1"], remote: () => Promise.resolve([]), load: (v: string) => Promise.resolve(v === "17.1" ? old : null) } };
		const { report } = await syncOnce(vault, current, opts);
		expect(report.notes.find((n) => n.path === "techniques/Rootkit.md")?.baseRelease).toBe("17.1");
		for (const [file, data] of vault.files) {
			if (!file.startsWith("techniques/")) continue;
			expect(textOf(data), file).not.toMatch(/\| Descrption \| Description \|/);
			// No user edits here, so nothing is kept aside as one.
			expect(textOf(data), file).not.toContain(ASIDE);
		}
		// T1014's description changed in 18.1: its paragraphs are all in the one line under `## T1014`.
		const rootkit = textOf(vault.files.get("techniques/Rootkit.md")).split("\n");
		const line = rootkit.find((l) => l.startsWith("Adversaries may use rootkits")) ?? "";
		expect(line).toContain("<br>");
		for (const p of (current.get("T1014")?.description ?? "").split("\n").filter((x) => x.trim() !== "")) expect(containsWords(line, p), p).toBe(true);
		expect(rootkit.filter((l) => l.startsWith("Adversaries may use rootkits"))).toHaveLength(1);
		// Its base is 17.1 (inferred from the <br> line): 17.1's wording goes, the user's edits stay.
		const joined = rootkit.join("\n");
		expect(joined).not.toContain("Master Boot Record");
		expect(joined).toContain("hide the ==presence== of programs (my note zq1)");
		expect(joined).toContain("My own line zq2.");
		expect((await syncOnce(vault, current, opts)).wrote).toEqual([]);
	});

	for (const peer of ["reuteras", "scorchederf", "fancyp4nda"]) {
		it(`${peer}: a second sync writes nothing`, async () => {
			const vault = new MemoryVault(readTree(path.join(PEERS, `${peer}-17.1`)));
			const opts = { previous: [model(bundle("17.1"))], version: "18.1" };
			await syncOnce(vault, model(bundle("18.1")), opts);
			expect((await syncOnce(vault, model(bundle("18.1")), opts)).wrote).toEqual([]);
		});
	}

	it("create-missing names new notes as each vault does, and never calls them renamed", async () => {
		const expected: Record<string, string> = {
			scorchederf: "kb/mitre/attack/techniques/T1518.002-Backup_Software_Discovery.md",
			fancyp4nda: "enterprise-attack/techniques/T1518.002 - Backup Software Discovery.md",
		};
		for (const [peer, want] of Object.entries(expected)) {
			const vault = new MemoryVault(readTree(path.join(PEERS, `${peer}-17.1`)));
			const opts = { previous: [model(bundle("17.1"))], version: "18.1", createMissing: ["technique" as const, "subtechnique" as const] };
			await syncOnce(vault, model(bundle("18.1")), opts);
			expect(vault.files.has(want), `${peer}: ${want}`).toBe(true);
			const again = await syncOnce(vault, model(bundle("18.1")), opts);
			const renamed = again.report.notes.filter((n) => (n.warnings ?? []).some((w) => w.startsWith("renamed")) && n.path.includes("T1518.002"));
			expect(renamed).toEqual([]);
		}
	});
});
