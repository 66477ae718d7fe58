// Detection in notes: a technique note's table of detection strategies, the tables of new
// detection strategy, analytic and data component notes, and reuteras' 17.1 data component notes
// (no ATT&CK ID then: recognized by name) synced to 18.1. The user's words stay, a second sync
// writes nothing.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { modelFromJson } from "../../src/core/attack/model";
import { MemoryVault } from "../helpers/memory-vault";
import { ENTERPRISE_FIXTURE, HAVE_SHARED, SHARED, SHARED_STIX } from "../helpers/paths";
import { model, syncOnce, textOf } from "./helpers";

interface Raw {
	type: string;
	id: string;
	relationship_type?: string;
	source_ref?: string;
	target_ref?: string;
	external_references?: Array<{ external_id?: string }>;
}

describe("a technique note's table of detection strategies", () => {
	// The fixture's 18.1, and an earlier release in which DET0893 (not DET0066) detected T1204.001.
	const fresh = model(ENTERPRISE_FIXTURE);
	const raw = JSON.parse(readFileSync(ENTERPRISE_FIXTURE, "utf8")) as { objects: Raw[] };
	const stixOf = (id: string) => raw.objects.find((o) => o.external_references?.some((r) => r.external_id === id))?.id;
	const link = stixOf("T1204.001");
	const old = modelFromJson({ ...raw, objects: raw.objects.map((o) => (o.relationship_type === "detects" && o.target_ref === link ? { ...o, source_ref: stixOf("DET0893") } : o)) }, "earlier");

	const note = (rows: string[]) =>
		["---", "aliases: [T1204.001]", "---", "", "## T1204.001", "", fresh.get("T1204.001")?.description ?? "", "", "### Detection Strategies", "", "| ID | Name | My notes |", "| --- | --- | --- |", ...rows, "", "My own line zq1.", ""].join("\n");

	it("drops the strategy ATT&CK no longer lists, adds the new one like the other rows, keeps the user's", async () => {
		const vault = new MemoryVault({
			"T/Malicious Link.md": note(["| [[Detection of Link Target\\|DET0893]] | Detection of Link Target |  |", "| DET9999 | my own strategy | zq2 |"]),
			// The new strategy's note, for its row to link to.
			"D/User Execution – Malicious Link (click → suspicious egress → download-write → follow-on activity).md": "---\nalias: DET0066\n---\n\n## DET0066\n",
		});
		const { report } = await syncOnce(vault, fresh, { previous: [old] });
		expect(report.notes.find((n) => n.path === "T/Malicious Link.md")?.action).toBe("updated");
		const after = textOf(vault.files.get("T/Malicious Link.md"));
		expect(after).not.toContain("DET0893");
		expect(after).toMatch(/\| \[\[[^\]]*\\\|DET0066\]\] \| User Execution – Malicious Link \(click → suspicious egress → download\/write → follow-on activity\) \| +\|/);
		for (const mine of ["| DET9999 | my own strategy | zq2 |", "My own line zq1."]) expect(after).toContain(mine);
		expect((await syncOnce(vault, fresh, { previous: [old] })).wrote).toEqual([]);
	});

	it("keeps a row ATT&CK dropped when the user wrote into it", async () => {
		const vault = new MemoryVault({ "T/Malicious Link.md": note(["| [[Detection of Link Target\\|DET0893]] | Detection of Link Target | tuned for our proxy zq3 |"]) });
		await syncOnce(vault, fresh, { previous: [old] });
		const after = textOf(vault.files.get("T/Malicious Link.md"));
		expect(after).toContain("tuned for our proxy zq3");
		// The vault has no note of DET0066: its row names it, links nowhere.
		expect(after).toMatch(/\n\| DET0066 \| User Execution – Malicious Link [^|\n]* \| +\|\n/);
		expect(after).not.toContain("DET0066]]");
		expect((await syncOnce(vault, fresh, { previous: [old] })).wrote).toEqual([]);
	});
});

describe("new detection notes (--create-missing, fixture 18.1)", () => {
	it("gives a detection strategy note its technique and analytics, an analytic its data components, a data component its analytics", async () => {
		const fresh = model(ENTERPRISE_FIXTURE);
		const vault = new MemoryVault({});
		const { report } = await syncOnce(vault, fresh, { createMissing: ["detectionstrategy", "analytic", "datacomponent"] });
		const created = (id: string) => {
			const n = report.notes.find((x) => x.id === id && x.action === "created");
			expect(n, id).toBeDefined();
			return textOf(vault.files.get(n?.path ?? ""));
		};
		const det = created("DET0066");
		// No technique notes are created: the row names T1204.001, links nowhere.
		expect(det).toMatch(/### Techniques detected\n\n\| ID \| Name \| Use \|\n\| --- \| --- \| --- \|\n\| T1204\.001 \| Malicious Link \| +\|/);
		expect(det).toContain("### Analytics");
		const analytic = fresh.analyticsOf(fresh.get("DET0066")!)[0];
		const an = created(analytic.external_references?.[0].external_id ?? "");
		expect(an).toContain("### Data components");
		// A data component's row says which of its log sources the analytic reads.
		const [first] = fresh.dataComponentsOf(analytic);
		expect(an).toContain(`| ${first.object.name} | ${first.description.replace(/\|/g, "\\|")} |`);
		expect(an).toContain("### Detection strategies");
		expect(created("DC0032")).toContain("### Analytics");
		expect((await syncOnce(vault, fresh, { createMissing: ["detectionstrategy", "analytic", "datacomponent"] })).wrote).toEqual([]);
	});
});

const DC_FOLDER = "MITRE/Defenses/Detections/Data Components/Enterprise attack";
const BUNDLE = (v: string) => path.join(SHARED_STIX, `enterprise-attack-${v}.stix20.json`);

describe.skipIf(!HAVE_SHARED)("reuteras' 17.1 data component notes (no ATT&CK ID), synced to 18.1", () => {
	const opts = () => {
		const old = model(BUNDLE("17.1"));
		return { version: "18.1", releases: { local: ["17.1"], remote: () => Promise.resolve([]), load: (v: string) => Promise.resolve(v === "17.1" ? old : null) } };
	};
	const peer = (name: string) => readFileSync(path.join(SHARED, "peer-vaults", "reuteras-17.1", DC_FOLDER, name), "utf8");

	it("recognizes the note by its name and brings its Techniques Detected table to 18.1, keeping the user's rows, columns and words", async () => {
		const file = `${DC_FOLDER}/Service Creation - .md`;
		const before = peer("Service Creation - .md")
			.replace("| Domain | ID | Name | Detects |\n| --- | --- | --- | --- |", "| Domain | ID | Name | Detects | Mine |\n| --- | --- | --- | --- | --- |")
			// Words of the user's inside ATT&CK's cell, and in a column of their own.
			.replace(/^(\| enterprise-attack \| \[\[Masquerading - T1036 .*) \|$/m, "$1 checked zq4 |")
			.replace(/^(\| enterprise-attack \| \[\[Launch Agent - T1543\.001 .*)\|$/m, "$1| tuned zq7 |")
			.replace("## Techniques Detected\n", "## Techniques Detected\n\nMy own line zq5.\n")
			.replace(/(\n\| enterprise-attack \| \[\[Hide Artifacts - T1564 .*\n)/, "$1| enterprise-attack | T9999 | my own row | zq6 | |\n");
		const vault = new MemoryVault({ [file]: before });
		const { report } = await syncOnce(vault, model(BUNDLE("18.1")), opts());
		expect(report.notes.find((n) => n.path === file)).toMatchObject({ id: "DC0060", action: "updated", baseRelease: "17.1" });
		const after = textOf(vault.files.get(file));
		expect(after).toMatch(/\| \[\[Masquerading - T1036 \\\| Masquerading\]\] \| checked zq4 \|/);
		for (const mine of ["| tuned zq7 |", "My own line zq5.", "| enterprise-attack | T9999 | my own row | zq6 | |", "| Domain | ID | Name | Detects | Mine |"]) expect(after).toContain(mine);
		// Rows of techniques the vault has no note of name them by their plain ID.
		const rows = after.split("\n").filter((l) => l.startsWith("| enterprise-attack | ") && !l.includes("T9999"));
		const ids = rows.map((l) => (/\\\| (T\d{4}(?:\.\d{3})?)\]\]/.exec(l) ?? /^\| enterprise-attack \| (T\d{4}(?:\.\d{3})?) \|/.exec(l))?.[1]);
		const fresh = model(BUNDLE("18.1"));
		const want = fresh.techniquesDetectedThrough(fresh.get("DC0060")!).map((r) => r.object.external_references?.[0].external_id);
		expect([...ids].sort()).toEqual([...want].sort());
		// 17.1's rows only (Hide Artifacts, Adversary-in-the-Middle) are gone; 17.1's text is not left as if current.
		expect(after).not.toContain("T1564 \\|");
		expect(after).not.toContain("Monitor for newly constructed services/daemons");
		expect(after).not.toContain("Your edited version");
		expect((await syncOnce(vault, fresh, opts())).wrote).toEqual([]);
	});

	it("leaves alone notes that only bear a component's name", async () => {
		const files = {
			"Study/Active DNS.md": "## Active DNS\n\nMy notes on DNS.\n",
			"Study/Active DNS - .md": "## Active DNS\n\nMore notes.\n",
			[`${DC_FOLDER}/Nothing Like It - .md`]: "## Something\n",
		};
		const vault = new MemoryVault(files);
		const { report } = await syncOnce(vault, model(BUNDLE("18.1")), opts());
		expect(report.notes.filter((n) => n.action !== "skipped")).toEqual([]);
		for (const [p, text] of Object.entries(files)) expect(textOf(vault.files.get(p))).toBe(text);
	});

	it("recognizes every data component note of the peer vault, and no other note by name", async () => {
		const { readTree } = await import("./helpers");
		const vault = new MemoryVault(readTree(path.join(SHARED, "peer-vaults", "reuteras-17.1")));
		const { report } = await syncOnce(vault, model(BUNDLE("18.1")), { ...opts(), dryRun: true });
		const components = report.notes.filter((n) => n.path.startsWith(DC_FOLDER) && n.path.endsWith(" - .md"));
		expect(components).toHaveLength(15);
		expect(components.filter((n) => !/^DC\d{4}$/.test(n.id ?? "") || n.action !== "updated")).toEqual([]);
	});
});
