// The sync preview (the plugin's modal and the CLI read it): built from a real dry-run plan of
// the sample vault, its hunks checked line by line against the texts they claim to show, and the
// line diff checked for minimality against a brute-force LCS. Screenshots are impossible here, so
// the object the modal renders is what is tested.
import path from "node:path";
import { performance } from "node:perf_hooks";
import { describe, expect, it } from "vitest";
import { runSync } from "../../src/core/commands/sync";
import type { PlannedNote, SyncPlan } from "../../src/core/sync/plan";
import { buildPreview, diffLines, formatPreview, splitLines, type PreviewNote } from "../../src/core/sync/preview";
import { MemoryVault } from "../helpers/memory-vault";
import { ENTERPRISE_FIXTURE, FIXTURES } from "../helpers/paths";
import { appConfig, model, readTree, toCrlf, withBom } from "./helpers";

const SAMPLE = path.join(FIXTURES, "sample-vault");
const ATTACK = "CyberSecurity/Security+/1-Threats-Attacks-Vulnerabilities/Attacking-Frameworks/MITRE ATT&CK/Enterprise-Attack";
const PHISHING = `${ATTACK}/techniques/Phishing.md`;

async function dryRun(edit: (files: Record<string, string>) => void = () => {}): Promise<SyncPlan> {
	const files = readTree(SAMPLE);
	edit(files);
	const vault = new MemoryVault(files, appConfig(SAMPLE));
	const { plan } = await runSync(vault, model(ENTERPRISE_FIXTURE), { dryRun: true, createMissing: true, version: "18.1" });
	expect(vault.writes).toEqual([]);
	return plan;
}

/**
 * Walk every hunk through both texts: each line must be where the hunk says it is. Returns the
 * after text rebuilt from `before` and the hunks (only meaningful when nothing was omitted).
 */
function checkHunks(note: PreviewNote, beforeText: string, afterText: string): string[] {
	const before = splitLines(beforeText);
	const after = splitLines(afterText);
	const rebuilt: string[] = [];
	let copied = 0;
	note.hunks.forEach((hunk, h) => {
		const lines = note.omitted > 0 && h === note.hunks.length - 1 ? hunk.lines.slice(0, -1) : hunk.lines;
		expect(hunk.beforeLine, `${note.path}: hunk ${h} starts after the previous one`).toBeGreaterThan(copied);
		rebuilt.push(...before.slice(copied, hunk.beforeLine - 1));
		let a = hunk.beforeLine;
		let b = hunk.afterLine;
		expect(b - 1, `${note.path}: hunk ${h} after-line`).toBe(rebuilt.length);
		for (const line of lines) {
			if (line.kind !== "added") expect(before[a - 1], `${note.path}: before line ${a}`).toBe(line.text);
			if (line.kind !== "removed") expect(after[b - 1], `${note.path}: after line ${b}`).toBe(line.text);
			if (line.kind !== "added") a++;
			if (line.kind !== "removed") {
				b++;
				rebuilt.push(line.text);
			}
		}
		copied = a - 1;
	});
	rebuilt.push(...before.slice(copied));
	return rebuilt;
}

/** Length of a longest common subsequence, the O(N*M) way. */
function lcsLength(a: readonly string[], b: readonly string[]): number {
	let prev = new Array<number>(b.length + 1).fill(0);
	for (let i = 1; i <= a.length; i++) {
		const row = [0];
		for (let j = 1; j <= b.length; j++) row.push(a[i - 1] === b[j - 1] ? prev[j - 1] + 1 : Math.max(prev[j], row[j - 1]));
		prev = row;
	}
	return prev[b.length];
}

function planOf(notes: PlannedNote[]): SyncPlan {
	const summary = { updated: 0, unchanged: 0, created: 0, skipped: 0 };
	for (const n of notes) summary[n.action]++;
	return { attackVersion: "18.1", domain: "enterprise-attack", notes, summary };
}

const updated = (p: string, before: string, after: string): PlannedNote => ({ path: p, id: "T1000", layout: "classic", action: "updated", before, after });

describe("buildPreview on a real sync plan (the sample vault to 18.1, creating missing notes)", async () => {
	const plan = await dryRun();
	const preview = buildPreview(plan);

	it("titles and counts the sync as the plan does", () => {
		const s = plan.summary;
		expect(s.updated).toBeGreaterThan(10);
		expect(s.created).toBeGreaterThan(0);
		expect(s.skipped).toBeGreaterThan(0);
		expect(preview.title).toBe("Sync with ATT&CK 18.1 (enterprise-attack)");
		expect(preview.summary).toBe(`${s.updated} notes to update, ${s.created} to create, ${s.unchanged} unchanged, ${s.skipped} skipped`);
		expect(preview.notes.filter((n) => n.action === "updated")).toHaveLength(s.updated);
		expect(preview.notes.filter((n) => n.action === "created")).toHaveLength(s.created);
		expect(preview.skipped).toHaveLength(s.skipped);
		expect(preview.skipped.every((x) => x.reason !== "")).toBe(true);
	});

	it("lists notes by path, with their warnings, and every warning of the plan", () => {
		const paths = preview.notes.map((n) => n.path);
		expect(paths).toEqual([...paths].sort());
		const renamed = preview.notes.find((n) => n.path === `${ATTACK}/techniques/Match Legitimate Name or Location.md`);
		expect(renamed?.warnings[0]).toMatch(/renamed in ATT&CK: T1036.005/);
		expect(preview.warnings).toContainEqual({ path: renamed?.path, text: renamed?.warnings[0] });
		// The notes' warnings, and one for each ID several notes claim (T1204.001: the seed, its controls and export notes).
		expect(plan.sharedIds?.map((s) => s.id)).toEqual(["T1204.001"]);
		expect(preview.warnings).toContainEqual({ path: expect.any(String) as unknown, text: expect.stringMatching(/^3 notes claim T1204.001: /) as unknown });
		expect(preview.warnings).toHaveLength(plan.notes.reduce((k, n) => k + (n.warnings?.length ?? 0), 0) + 1);
	});

	it("puts every line of every hunk where it says, and the hunks turn before into after", () => {
		for (const note of preview.notes) {
			const planned = plan.notes.find((n) => n.path === note.path) as PlannedNote;
			expect(note.omitted, note.path).toBe(0);
			const rebuilt = checkHunks(note, planned.before ?? "", planned.after ?? "");
			expect(rebuilt, note.path).toEqual(splitLines(planned.after ?? ""));
			expect(note.hunks.length, note.path).toBeGreaterThan(0);
			const lines = note.hunks.flatMap((h) => h.lines);
			expect(lines.filter((l) => l.kind === "added")).toHaveLength(note.added);
			expect(lines.filter((l) => l.kind === "removed")).toHaveLength(note.removed);
		}
	});

	it("shows 2 lines of context by default, and as many as asked", () => {
		const note = preview.notes.find((n) => n.path === PHISHING) as PreviewNote;
		const first = note.hunks[0].lines;
		const leading = first.findIndex((l) => l.kind !== "same");
		expect(leading).toBeLessThanOrEqual(2);
		const bare = buildPreview(plan, { context: 0 }).notes.find((n) => n.path === PHISHING) as PreviewNote;
		expect(bare.hunks.flatMap((h) => h.lines).every((l) => l.kind !== "same")).toBe(true);
		expect(bare.hunks.length).toBeGreaterThanOrEqual(note.hunks.length);
		const planned = plan.notes.find((n) => n.path === PHISHING) as PlannedNote;
		expect(checkHunks(bare, planned.before ?? "", planned.after ?? "")).toEqual(splitLines(planned.after ?? ""));
	});

	it("shows a created note whole, as added lines from line 1", () => {
		for (const note of preview.notes.filter((n) => n.action === "created")) {
			const after = splitLines(plan.notes.find((n) => n.path === note.path)?.after ?? "");
			expect(note.hunks).toHaveLength(1);
			expect(note.hunks[0]).toMatchObject({ beforeLine: 1, afterLine: 1 });
			expect(note.hunks[0].lines).toEqual(after.map((text) => ({ kind: "added", text })));
			expect(note).toMatchObject({ added: after.length, removed: 0, omitted: 0 });
		}
	});

	it("renders as a unified-diff-like text", () => {
		const text = formatPreview(preview);
		const lines = text.split("\n");
		expect(lines.slice(0, 2)).toEqual([preview.title, preview.summary]);
		expect(text).toContain(`updated: ${PHISHING} (+`);
		const created = preview.notes.find((n) => n.action === "created") as PreviewNote;
		expect(text).toContain(`created: ${created.path} (+${created.added} -0)\n@@ -0,0 +1,${created.added} @@\n+`);
		expect(text).toContain(`skipped: ${preview.skipped[0].path}: ${preview.skipped[0].reason}`);
		expect(text).toContain("  note: renamed in ATT&CK: T1036.005");
		for (const line of lines.filter((l) => l.startsWith("@@"))) expect(line).toMatch(/^@@ -\d+,\d+ \+\d+,\d+ @@$/);
	});
});

describe("buildPreview: line endings and byte order marks", () => {
	it("a CRLF note and a BOM note diff exactly as their LF twin, with no \\r shown", async () => {
		const lf = buildPreview(await dryRun()).notes.find((n) => n.path === PHISHING) as PreviewNote;
		const crlfPlan = await dryRun((files) => (files[PHISHING] = toCrlf(files[PHISHING])));
		const planned = crlfPlan.notes.find((n) => n.path === PHISHING) as PlannedNote;
		expect(planned.before).toContain("\r\n");
		expect(planned.after).toContain("\r\n");
		const crlf = buildPreview(crlfPlan).notes.find((n) => n.path === PHISHING) as PreviewNote;
		expect(crlf).toEqual(lf);
		expect(crlf.hunks.flatMap((h) => h.lines).some((l) => l.text.includes("\r"))).toBe(false);
		const bom = buildPreview(await dryRun((files) => (files[PHISHING] = withBom(toCrlf(files[PHISHING]))))).notes.find((n) => n.path === PHISHING);
		expect(bom).toEqual(lf);
	});

	it("a change of line endings alone shows as an update with no hunks", () => {
		const preview = buildPreview(planOf([updated("a.md", "one\r\ntwo\r\n", "one\ntwo\n")]));
		expect(preview.notes[0]).toMatchObject({ added: 0, removed: 0, hunks: [] });
		expect(formatPreview(preview)).toContain("(no line changes: only line endings, the byte order mark or the final newline)");
	});
});

describe("the line diff", () => {
	it("is a shortest edit script (checked against a brute-force LCS on random texts)", () => {
		let seed = 7;
		const rand = (n: number) => {
			seed = (seed * 1103515245 + 12345) % 2147483648;
			return seed % n;
		};
		for (let round = 0; round < 400; round++) {
			const alphabet = 1 + rand(6);
			const a = Array.from({ length: rand(30) }, () => `l${rand(alphabet)}`);
			const b = Array.from({ length: rand(30) }, () => `l${rand(alphabet)}`);
			const ops = diffLines(a, b);
			expect(ops.filter((o) => o.kind !== "added").map((o) => o.text)).toEqual(a);
			expect(ops.filter((o) => o.kind !== "removed").map((o) => o.text)).toEqual(b);
			expect(ops.filter((o) => o.kind === "same").length, `${a.join(" ")} / ${b.join(" ")}`).toBe(lcsLength(a, b));
		}
	});

	it("handles empty sides", () => {
		expect(diffLines([], [])).toEqual([]);
		expect(diffLines(["x"], [])).toEqual([{ kind: "removed", text: "x" }]);
		expect(diffLines([], ["x"])).toEqual([{ kind: "added", text: "x" }]);
		expect(splitLines("")).toEqual([]);
		expect(splitLines("\ufeff")).toEqual([]);
		expect(splitLines("\ufeffa\r\nb")).toEqual(["a", "b"]);
		expect(splitLines("a\n\n")).toEqual(["a", ""]);
	});

	it("diffs 3,000-line notes in well under a second (scattered edits, and a rewrite with shared blank lines)", () => {
		const before = Array.from({ length: 3000 }, (_, i) => (i % 4 === 3 ? "" : `- line ${i} of the note, with some words`));
		const scattered = before.map((l, i) => (i % 37 === 5 ? `${l} (edited)` : l)).filter((_, i) => i % 101 !== 7);
		scattered.splice(1500, 0, ...Array.from({ length: 200 }, (_, i) => `- inserted ${i}`));
		const rewrite = before.map((l, i) => (l === "" ? "" : `* rewritten ${i}`)).reverse();
		for (const after of [scattered, rewrite]) {
			const beforeText = `${before.join("\r\n")}\r\n`;
			const afterText = `${after.join("\r\n")}\r\n`;
			const plan = planOf([updated("big.md", beforeText, afterText)]);
			const start = performance.now();
			const note = buildPreview(plan, { maxLinesPerNote: 100_000 }).notes[0];
			const ms = performance.now() - start;
			expect(ms).toBeLessThan(1000);
			expect(checkHunks(note, beforeText, afterText)).toEqual(after);
		}
	});
});

describe("buildPreview: long notes are capped", () => {
	it("a created note shows maxLinesPerNote lines, then how many more", () => {
		const after = `${Array.from({ length: 1000 }, (_, i) => `line ${i}`).join("\n")}\n`;
		const plan = planOf([{ path: "new.md", id: "T1001", layout: "classic", action: "created", after }]);
		const note = buildPreview(plan).notes[0];
		expect(note).toMatchObject({ added: 1000, removed: 0, omitted: 600 });
		const lines = note.hunks[0].lines;
		expect(lines).toHaveLength(401);
		expect(lines[399]).toEqual({ kind: "added", text: "line 399" });
		expect(lines[400]).toEqual({ kind: "same", text: "… 600 more changed lines" });
		expect(formatPreview({ ...buildPreview(plan), skipped: [] }).split("\n").slice(-3)).toEqual(["+line 398", "+line 399", "… 600 more changed lines"]);
		expect(buildPreview(plan, { maxLinesPerNote: 999 }).notes[0].hunks[0].lines[999]).toEqual({ kind: "same", text: "… 1 more changed line" });
		expect(buildPreview(plan, { maxLinesPerNote: 1000 }).notes[0].omitted).toBe(0);
	});

	it("an updated note stops across hunks, counting the changed lines not shown", () => {
		const before = Array.from({ length: 100 }, (_, i) => `line ${i}`);
		const after = before.map((l, i) => (i % 10 === 0 ? `${l} changed` : l));
		const note = buildPreview(planOf([updated("a.md", before.join("\n"), after.join("\n"))]), { maxLinesPerNote: 20 }).notes[0];
		const shown = note.hunks.flatMap((h) => h.lines);
		expect(shown).toHaveLength(21);
		const changedShown = shown.slice(0, -1).filter((l) => l.kind !== "same").length;
		expect(note.omitted).toBe(20 - changedShown);
		expect(shown[20].text).toBe(`… ${note.omitted} more changed lines`);
		checkHunks(note, before.join("\n"), after.join("\n"));
	});

	it("says so when there is nothing to write", () => {
		const plan = planOf([{ path: "a.md", id: "T1", layout: "classic", action: "unchanged", warnings: ["tagged with T1064, which is deprecated"] }]);
		const preview = buildPreview(plan);
		expect(preview.summary).toBe("Nothing to update or create; 1 note unchanged, 0 skipped");
		expect(preview.warnings).toEqual([{ path: "a.md", text: "tagged with T1064, which is deprecated" }]);
		expect(formatPreview(preview)).toContain("note: a.md: tagged with T1064, which is deprecated");
	});
});
