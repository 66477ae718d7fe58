// The matrix view's data (src/core/matrix.ts) on the committed sample vault and the 18.1 subset:
// columns in matrix order, each cell's state, the study state, filters and counts per tactic.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { attackIdOf, isActive, isSubtechnique, loadBundle } from "../../src/core/attack/model";
import { readLayer } from "../../src/core/commands/layer";
import { buildMatrix, combineMatrix, gradientColor, matrixData, matrixOverlay, overlayFor, noteStateOf, noteStates, parseMatrixBlock, unknownTactics, type Matrix, type MatrixCell } from "../../src/core/matrix";
import { readNote } from "../../src/core/notes/read";
import { planSync } from "../../src/core/sync/plan";
import { buildVaultIndex } from "../../src/core/vault-index";
import { ENTERPRISE_FIXTURE } from "../helpers/paths";
import { sampleVault } from "../helpers/sample-vault";

const model = loadBundle(readFileSync(ENTERPRISE_FIXTURE, "utf8"), ENTERPRISE_FIXTURE);
const PHISHING = "CyberSecurity/Security+/1-Threats-Attacks-Vulnerabilities/Attacking-Frameworks/MITRE ATT&CK/Enterprise-Attack/techniques/Phishing.md";

async function index(edit?: (vault: ReturnType<typeof sampleVault>) => void) {
	const vault = sampleVault();
	edit?.(vault);
	return buildVaultIndex(vault);
}

/** Every cell with its tactic, sub-techniques included. */
function cells(m: Matrix): Array<{ tactic: string; cell: MatrixCell }> {
	return m.columns.flatMap((c) => c.techniques.flatMap((t) => [t, ...t.subtechniques].map((cell) => ({ tactic: c.id, cell }))));
}
const find = (m: Matrix, id: string) => cells(m).find((x) => x.cell.id === id)?.cell;

/** The sample vault with `attack_version: V` put into the Phishing note's frontmatter. */
const stamped = (v: string) => (vault: ReturnType<typeof sampleVault>) => {
	const text = vault.files.get(PHISHING) as string;
	vault.files.set(PHISHING, text.replace("alias: T1566\n", `alias: T1566\nattack_version: "${v}"\n`));
};

describe("buildMatrix", () => {
	it("has the tactics as columns in matrix order, each active technique under each of its tactics, sub-techniques by ID", async () => {
		const m = buildMatrix(model, await index(), { version: "18.1" });
		expect(m.columns.map((c) => c.id)).toEqual(model.tactics().map((t) => attackIdOf(t)));
		for (const t of model.active("technique")) {
			for (const tactic of model.tacticsOf(t)) {
				const cell = m.columns.find((c) => c.id === attackIdOf(tactic))?.techniques.find((c) => c.id === attackIdOf(t));
				expect(cell?.subtechniques.filter((s) => s.state !== "retired").map((s) => s.id)).toEqual(model.subtechniquesOf(t).map((s) => attackIdOf(s)));
			}
		}
		for (const c of m.columns) expect(c.techniques.map((t) => t.name)).toEqual([...c.techniques.map((t) => t.name)].sort((a, b) => a.localeCompare(b, "en")));
		expect(m.platforms).toContain("Windows");
	});

	it("gives each cell the vault's state: no note, out of date, up to date, retired", async () => {
		const never = buildMatrix(model, await index(), { version: "18.1" });
		// Notes never synced (no attack_version) are not known to be up to date.
		expect(find(never, "T1566")).toMatchObject({ state: "outdated", noteVersion: null, notes: [PHISHING] });
		expect(find(never, "T1566.003")).toMatchObject({ state: "none", notes: [] });
		// T1574.002, revoked by T1574.001, stays under T1574 while the vault has its note.
		const sideLoading = find(never, "T1574.002");
		expect(sideLoading).toMatchObject({ state: "retired", replacedBy: { id: "T1574.001" } });
		expect(model.get("T1574.002") && isActive(model.get("T1574.002")!)).toBe(false);

		expect(find(buildMatrix(model, await index(stamped("18.1")), { version: "18.1" }), "T1566")?.state).toBe("current");
		expect(find(buildMatrix(model, await index(stamped("17.1")), { version: "18.1" }), "T1566")).toMatchObject({ state: "outdated", noteVersion: "17.1" });
		expect(find(buildMatrix(model, await index(stamped("18.1")), { version: "18.1", newerVersion: "19.0" }), "T1566")?.state).toBe("outdated");
	});

	it("reads the study state from a property or a tag", async () => {
		const byStatus = buildMatrix(model, await index(), { version: "18.1", studyBy: "status" });
		expect(find(byStatus, "T1566")?.study).toBe("reviewed");
		expect(find(byStatus, "T1110")?.study).toBeNull();
		const byTag = buildMatrix(model, await index(), { version: "18.1", studyBy: "tag:secplus" });
		expect(cells(byTag).filter((x) => x.cell.study !== null).map((x) => x.cell.id)).toEqual(["T1566"]);
		expect(byTag.columns.find((c) => c.id === "TA0001")?.counts.studied).toBe(1);
	});

	it("filters by platform, text, tactics and coverage", async () => {
		const idx = await index();
		const linux = buildMatrix(model, idx, { version: "18.1", platform: "linux" });
		for (const { cell } of cells(linux)) expect(cell.platforms.map((p) => p.toLowerCase())).toContain("linux");
		expect(find(linux, "T1574.002")).toBeUndefined();

		const phish = buildMatrix(model, idx, { version: "18.1", text: "phish" });
		expect([...new Set(cells(phish).map((x) => x.cell.id))].sort()).toEqual(["T1566", "T1566.001", "T1566.002", "T1566.003", "T1566.004"]);
		// A sub-technique that matches keeps its parent, and only itself under it.
		const one = buildMatrix(model, idx, { version: "18.1", text: "t1566.002" });
		expect(one.columns.flatMap((c) => c.techniques.map((t) => [t.id, t.subtechniques.map((s) => s.id)]))).toEqual([["T1566", ["T1566.002"]]]);

		const two = buildMatrix(model, idx, { version: "18.1", tactics: ["TA0002", "initial access"] });
		expect(two.columns.map((c) => c.id)).toEqual(["TA0001", "TA0002"]);

		const covered = buildMatrix(model, idx, { version: "18.1", onlyCovered: true });
		for (const { cell } of cells(covered)) expect(cell.notes.length > 0 || cell.subtechniques.some((s) => s.notes.length > 0)).toBe(true);
		expect(find(covered, "T1566.003")).toBeUndefined();
		expect(find(covered, "T1566.001")?.notes).toHaveLength(1);
	});

	it("counts each tactic's cells", async () => {
		const m = buildMatrix(model, await index(), { version: "18.1" });
		for (const column of m.columns) {
			const all = column.techniques.flatMap((t) => [t, ...t.subtechniques]);
			expect(column.counts).toEqual({
				techniques: column.techniques.length,
				subtechniques: all.filter((c) => c.subtechnique).length,
				noted: all.filter((c) => c.notes.length > 0).length,
				current: all.filter((c) => c.state === "current").length,
				outdated: all.filter((c) => c.state === "outdated").length,
				retired: all.filter((c) => c.state === "retired").length,
				studied: 0,
			});
		}
		const initial = m.columns.find((c) => c.id === "TA0001");
		expect(initial?.counts.noted).toBeGreaterThan(0);
		expect(cells(m).every((x) => isSubtechnique(model.get(x.cell.id)!) === x.cell.subtechnique)).toBe(true);
	});

	it("without a vault, every cell has no note", () => {
		const m = buildMatrix(model, null);
		expect(cells(m).every((x) => x.cell.state === "none")).toBe(true);
		expect(find(m, "T1574.002")).toBeUndefined();
	});
});

describe("the matrix in two halves: the release's data (the engine) and the notes' states (the page)", () => {
	it("combines to the same matrix as buildMatrix, through JSON as it crosses from the worker", async () => {
		const idx = await index();
		for (const opts of [{ version: "18.1" }, { version: "18.1", studyBy: "status", platform: "windows" }, { version: "18.1", studyBy: "tag:secplus", onlyCovered: true }, { version: "18.1", text: "phish", tactics: ["TA0001"] }]) {
			const data = JSON.parse(JSON.stringify(matrixData(model, "18.1"))) as ReturnType<typeof matrixData>;
			const states = JSON.parse(JSON.stringify(noteStates(idx, opts.studyBy))) as ReturnType<typeof noteStates>;
			expect(combineMatrix(data, states, opts)).toEqual(buildMatrix(model, idx, opts));
		}
	});

	it("one changed note's state is enough to update the matrix", async () => {
		const idx = await index();
		const data = matrixData(model, "18.1");
		const states = new Map(noteStates(idx, "status").map((s) => [s.path, s]));
		expect(find(combineMatrix(data, states.values(), { studyBy: "status" }), "T1566")).toMatchObject({ state: "outdated", study: "reviewed" });
		const text = (await sampleVault().read(PHISHING)).replace("alias: T1566\n", 'alias: T1566\nattack_version: "18.1"\n').replace(/^status: .*$/m, "status: done");
		const read = readNote(PHISHING, new TextEncoder().encode(text));
		if (!read.ok) throw new Error(read.skipped.reason);
		const state = noteStateOf(read.note, "status");
		expect(state).toEqual({ path: PHISHING, id: "T1566", version: "18.1", study: "done" });
		states.set(PHISHING, state!);
		expect(find(combineMatrix(data, states.values(), { studyBy: "status" }), "T1566")).toMatchObject({ state: "current", study: "done" });
	});

	it("names the tactics a block asks for that the release lacks", () => {
		expect(unknownTactics(matrixData(model).tactics, ["TA0001", "execution", "Initial Access", "exfil"])).toEqual(["exfil"]);
	});
});

describe("creating one note (a modifier-click in the matrix)", () => {
	it("plans exactly the note create-missing would create for that ID, and no other change", async () => {
		const idx = await index();
		const all = planSync(idx, model, { version: "18.1", createMissing: true });
		const expected = all.notes.find((n) => n.action === "created" && n.id === "T1566.003");
		expect(expected).toBeDefined();
		const one = planSync(idx, model, { version: "18.1", createMissing: ["technique", "subtechnique"], createOnly: new Set(["T1566.003"]), only: new Set() });
		expect(one.notes).toEqual([expected]);
	});
});

describe("a Navigator layer as the matrix's overlay", () => {
	const layer = (techniques: unknown[], extra: Record<string, unknown> = {}) => readLayer(JSON.stringify({ name: "SOC coverage", domain: "enterprise-attack", versions: { layer: "4.5", navigator: "5.1.0" }, techniques, ...extra }), "soc.json");

	it("colours a cell by the entry's colour, else its score on the layer's gradient; a tactic's entry wins in its column", () => {
		const o = matrixOverlay(
			layer(
				[
					{ techniqueID: "T1566", color: "#123456", score: 3, comment: "seen" },
					{ techniqueID: "T1078", score: 50 },
					{ techniqueID: "T1078", tactic: "persistence", score: 100 },
					{ techniqueID: "T1110", score: 0, enabled: false },
					{ techniqueID: "T1059", color: "red; background: url(x)" },
				],
				{ gradient: { colors: ["#000000", "#ffffff"], minValue: 0, maxValue: 100 } },
			),
		);
		expect(overlayFor(o, "T1566", "initial-access")).toEqual({ score: 3, color: "#123456", comment: "seen" });
		expect(overlayFor(o, "T1078", "initial-access")?.color).toBe("#808080");
		expect(overlayFor(o, "T1078", "persistence")?.color).toBe("#ffffff");
		expect(overlayFor(o, "T1110", "credential-access")).toEqual({ score: 0, color: null, comment: null });
		// Only #rgb and #rrggbb colours reach the page's CSS.
		expect(overlayFor(o, "T1059", "execution")?.color).toBeNull();
		expect(overlayFor(o, "T1204", "execution")).toBeUndefined();
		expect(o.legend).toEqual([
			{ label: "Score 0", color: "#000000" },
			{ label: "Score 100", color: "#ffffff" },
		]);
	});

	it("keeps the layer's own legend; without a gradient, Navigator's red-yellow-green over 0 to 100", () => {
		const o = matrixOverlay(layer([{ techniqueID: "T1566", score: 100 }], { legendItems: [{ label: "Detected", color: "#8ec843" }] }));
		expect(o.legend).toEqual([{ label: "Detected", color: "#8ec843" }]);
		expect(overlayFor(o, "T1566", "initial-access")?.color).toBe("#8ec843");
		expect(gradientColor({ colors: ["#ff6666", "#ffe766", "#8ec843"], minValue: 0, maxValue: 100 }, 50)).toBe("#ffe766");
		expect(gradientColor({ colors: ["#f00", "#00f"], minValue: 0, maxValue: 10 }, 99)).toBe("#0000ff");
	});
});

describe("parseMatrixBlock", () => {
	it("reads the code block's options and names the lines it cannot use", () => {
		const block = parseMatrixBlock("domain: enterprise-attack\nplatform: Windows\ntactics: TA0001, execution\nonly-covered: yes\n# a comment\n\nstudy: tag:studied\ncolour: red\nonly-covered: maybe\njust words");
		expect(block.domain).toBe("enterprise-attack");
		expect(block.options).toEqual({ platform: "Windows", tactics: ["TA0001", "execution"], onlyCovered: true, studyBy: "tag:studied" });
		expect(block.problems).toEqual([
			'line 8: unknown option "colour" (known: domain, platform, tactics, only-covered, text, study)',
			'line 9: only-covered takes true or false, not "maybe"',
			'line 10: "just words" is not "key: value"',
		]);
	});
});
