// `changes` as users run it: `node dist/cli.js changes --from FILE --to FILE [--vault DIR] [--json]`
// on the sample vault (written from 15.1) and 15.1 to 18.1, on the committed subsets and, when
// ../shared is present, on the full bundles. What is expected is worked out from the bundles here,
// not copied from the command's output.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { attackIdOf, isActive, loadBundle, type AttackModel } from "../../src/core/attack/model";
import { computeChanges, describeChange, formatChangesNote, writeChangesNote, type ChangesReport } from "../../src/core/commands/changes";
import { idKind, subjectId } from "../../src/core/notes/recognize";
import { buildVaultIndex } from "../../src/core/vault-index";
import { runCli } from "../helpers/cli";
import { FIXTURES, HAVE_SHARED, MOBILE_FIXTURE, SHARED, SHARED_STIX } from "../helpers/paths";
import { sampleVault } from "../helpers/sample-vault";

const SUBSET = (v: string) => path.join(FIXTURES, `enterprise-attack-${v}-subset.json`);
const FULL = (v: string) => path.join(SHARED_STIX, `enterprise-attack-${v}.stix20.json`);
const load = (file: string): AttackModel => loadBundle(readFileSync(file, "utf8"), file);

/** The technique IDs the sample vault has notes about, read from the notes' frontmatter and titles. */
async function vaultTechniqueIds(): Promise<string[]> {
	const index = await buildVaultIndex(sampleVault());
	const ids = new Set<string>();
	for (const note of index.notes.values()) {
		const id = note.recognized.layout === "sigma" ? null : subjectId(note.recognized);
		if (id !== null && (idKind(id) === "technique" || idKind(id) === "subtechnique")) ids.add(id);
	}
	return [...ids].sort();
}

/** Techniques of the vault that are active in both releases under different names, from the bundles. */
function expectedRenames(from: AttackModel, to: AttackModel, ids: string[]): Array<{ id: string; from: string; to: string }> {
	return ids.flatMap((id) => {
		const a = from.get(id);
		const b = to.get(id);
		return a && b && isActive(b) && a.name !== b.name ? [{ id, from: a.name ?? "", to: b.name ?? "" }] : [];
	});
}

async function changesJson(from: string, to: string, vault?: string): Promise<ChangesReport> {
	const r = await runCli(["changes", "--from", from, "--to", to, ...(vault ? ["--vault", vault] : []), "--json"]);
	expect(r.stderr).toBe("");
	expect(r.code).toBe(0);
	return JSON.parse(r.stdout) as ChangesReport;
}

function checkSampleVaultReport(report: ChangesReport, from: AttackModel, to: AttackModel, ids: string[]): void {
	expect(report).toMatchObject({ domain: "enterprise-attack", from: "15.1", to: "18.1", vault: true });
	const byId = new Map(report.changed.map((c) => [c.id, c]));
	// DLL Side-Loading was folded into T1574.001 in 17.0.
	const sideLoading = byId.get("T1574.002");
	expect(sideLoading?.revoked?.by?.id).toBe("T1574.001");
	expect(sideLoading?.notes).toEqual([expect.stringMatching(/\/DLL Side-Loading\.md$/)]);
	// The renames: exactly those the bundles give for the vault's techniques.
	const renames = expectedRenames(from, to, ids);
	expect(renames.length).toBeGreaterThan(0);
	const reported = report.changed.filter((c) => c.renamed && (c.kind === "technique" || c.kind === "subtechnique")).map((c) => ({ id: c.id, ...c.renamed }));
	expect(reported).toEqual(renames);
	// Modify Registry gained Persistence.
	expect(byId.get("T1112")?.tactics?.added.map((t) => t.id)).toEqual(["TA0003"]);
	expect(byId.get("T1112")?.tactics?.added[0].notes).toEqual([expect.stringMatching(/tactics\/Persistence\.md$/)]);
	// New techniques are in the tactics the vault's techniques are in, and were not active in 15.1.
	const covered = new Set(report.coveredTactics.map((t) => t.id));
	expect(report.newTechniques.length).toBeGreaterThan(0);
	for (const t of report.newTechniques) {
		expect(t.tactics.some((x) => covered.has(x.id))).toBe(true);
		const old = from.get(t.id);
		expect(old === undefined || !isActive(old)).toBe(true);
	}
	// The Mobile tactic notes are in neither Enterprise release.
	expect(report.notInReleases).toContain("TA0041");
}

describe("changes", () => {
	it("lists what 15.1 to 18.1 changed for the sample vault's notes (committed subsets), as JSON", async () => {
		const [from, to] = [load(SUBSET("15.1")), load(SUBSET("18.1"))];
		const ids = await vaultTechniqueIds();
		const report = await changesJson(SUBSET("15.1"), SUBSET("18.1"), path.join(FIXTURES, "sample-vault"));
		checkSampleVaultReport(report, from, to, ids);
		expect(Object.keys(report)).toEqual(["domain", "from", "to", "vault", "checked", "changed", "notInReleases", "coveredTactics", "newTechniques"]);
		for (const c of report.changed) {
			expect([typeof c.id, typeof c.name, Array.isArray(c.notes)]).toEqual(["string", "string", true]);
			expect(["technique", "subtechnique", "tactic", "mitigation"]).toContain(c.kind);
			expect(c.notes.length).toBeGreaterThan(0);
		}
		const registry = report.changed.find((c) => c.id === "T1112");
		expect(registry?.detection?.added).toEqual([expect.stringMatching(/^DET\d{4} /)]);
		expect(registry?.detection?.removed.every((d) => d.startsWith("data component "))).toBe(true);
		expect(Object.keys(registry?.description?.hunks[0] ?? {})).toEqual(["before", "removed", "added", "after"]);
		expect(registry?.description?.wordsChanged).toBeGreaterThan(0);
	});

	it("prints the same facts for people, naming the notes", async () => {
		const r = await runCli(["changes", "--from", SUBSET("15.1"), "--to", SUBSET("18.1"), "--vault", path.join(FIXTURES, "sample-vault")]);
		expect(r.code).toBe(0);
		expect(r.stdout).toMatch(/^ATT&CK 15\.1 to 18\.1 \(enterprise-attack\): \d+ of \d+ objects the vault has notes about changed/);
		expect(r.stdout).toContain("DLL Side-Loading (T1574.002): CyberSecurity/");
		expect(r.stdout).toContain("  revoked by DLL (T1574.001)\n");
		expect(r.stdout).toContain("  renamed: Match Legitimate Name or Location → Match Legitimate Resource Name or Location\n");
		expect(r.stdout).toMatch(/\n {2}tactics added: Persistence \(TA0003\) \[.*tactics\/Persistence\.md\]\n/);
	});

	it("without --vault, reports on every technique, tactic and mitigation of the older release", async () => {
		const report = await changesJson(SUBSET("15.1"), SUBSET("18.1"));
		expect(report.vault).toBe(false);
		expect(report.changed.find((c) => c.id === "T1574.002")?.notes).toEqual([]);
		expect(report.coveredTactics.map((t) => t.id)).toEqual(load(SUBSET("18.1")).tactics().map((t) => attackIdOf(t)));
	});

	it("refuses two releases of different domains (exit 1, one line) and a missing --to (exit 2)", async () => {
		const mixed = await runCli(["changes", "--from", MOBILE_FIXTURE, "--to", SUBSET("18.1")]);
		expect(mixed.code).toBe(1);
		expect(mixed.stderr).toMatch(/^attack-sync: .* is mobile-attack and .* is enterprise-attack; give two releases of one domain\.\n$/);
		const usage = await runCli(["changes", "--from", SUBSET("15.1")]);
		expect(usage.code).toBe(2);
		expect(usage.stderr).toContain("--to is required");
	});

	it.skipIf(!HAVE_SHARED)("lists the same facts on the full 15.1 and 18.1 bundles and ../shared's sample vault", async () => {
		const [from, to] = [load(FULL("15.1")), load(FULL("18.1"))];
		const report = await changesJson(FULL("15.1"), FULL("18.1"), path.join(SHARED, "sample-vault"));
		checkSampleVaultReport(report, from, to, await vaultTechniqueIds());
	});
});

describe("changes, in the core", () => {
	it("describes a description's change by its words, blind to citations and link targets", () => {
		expect(describeChange("Use a thing.(Citation: A)", "Use a [thing](https://x).(Citation: B)")).toBeNull();
		const d = describeChange("one two three four five six seven eight nine ten", "one two three four five SIX seven eight nine ten");
		expect(d).toEqual({ hunks: [{ before: "one two three four five", removed: "six", added: "SIX", after: "seven eight nine ten" }], wordsChanged: 1 });
	});

	it("writes a note with wiki-links to the vault's notes", async () => {
		const index = await buildVaultIndex(sampleVault());
		const report = computeChanges(load(SUBSET("15.1")), load(SUBSET("18.1")), index, { fromVersion: "15.1", toVersion: "18.1" });
		const note = formatChangesNote(report);
		expect(note.startsWith("# ATT&CK 15.1 to 18.1\n")).toBe(true);
		expect(note).toMatch(/\n- \[\[CyberSecurity\/[^\]|]*\/DLL Side-Loading\|DLL Side-Loading \(T1574\.002\)\]\]\n {4}- revoked by DLL \(T1574\.001\)\n/);
		expect(note).toContain("## New techniques in the tactics you study");
	});

	it("never writes over a note of that name with other text: the next free name is taken", async () => {
		const vault = sampleVault();
		const folder = "CyberSecurity/Security+/1-Threats-Attacks-Vulnerabilities/Attacking-Frameworks/MITRE ATT&CK/Enterprise-Attack";
		await vault.create(`${folder}/ATT&CK 15.1 to 18.1.md`, "my own notes on the release\n");
		const release = (v: string) => ({ model: load(SUBSET(v)), meta: { attackVersion: null, source: SUBSET(v) } });
		const written = await writeChangesNote(vault, release("15.1"), release("18.1"));
		expect(written).toBe(`${folder}/ATT&CK 15.1 to 18.1 2.md`);
		expect(await vault.read(`${folder}/ATT&CK 15.1 to 18.1.md`)).toBe("my own notes on the release\n");
		expect(await writeChangesNote(vault, release("15.1"), release("18.1"))).toBe(written);
		await expect(writeChangesNote(vault, null, release("18.1"))).rejects.toThrow(/no earlier enterprise-attack release is kept/);
	});
});
