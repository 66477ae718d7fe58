// What the sync preview shows, without the DOM: kinds, what changes, names, word-level diffs.
import { describe, expect, it } from "vitest";
import type { PreviewNote } from "../../src/core/sync/preview";
import { blocksOf, changesOf, commonFolder, kindOf, nameAndFolder, withNoteNames, wordDiff } from "../../src/obsidian/preview-model";

const note = (lines: Array<[" " | "+" | "-", string]>, action: "updated" | "created" = "updated"): PreviewNote => ({
	path: "A/B/Phishing.md",
	id: "T1566",
	action,
	warnings: [],
	added: lines.filter(([k]) => k === "+").length,
	removed: lines.filter(([k]) => k === "-").length,
	omitted: 0,
	hunks: [{ beforeLine: 1, afterLine: 1, lines: lines.map(([k, text]) => ({ kind: k === "+" ? "added" : k === "-" ? "removed" : "same", text })) }],
});

describe("the preview's model", () => {
	it("names kinds by ID", () => {
		expect([kindOf("T1566.002"), kindOf("TA0002"), kindOf("M1031"), kindOf("G0007"), kindOf(null)]).toEqual(["technique", "tactic", "mitigation", "other", "other"]);
	});

	it("tells new facts from changed text and revoked notes; the frontmatter stamp is neither", () => {
		expect(changesOf(note([["+", "attack_version: \"18.1\""], [" ", "x"]]))).toEqual([]);
		expect(changesOf(note([["+", "- Linux"]]))).toEqual(["facts"]);
		expect(changesOf(note([["-", "old words"], ["+", "new words"]]))).toEqual(["text"]);
		expect(changesOf(note([["-", "old"], ["+", "new"], ["+", "- Linux"]]))).toEqual(["text", "facts"]);
		expect(changesOf(note([["+", "attack_status: revoked"]]))).toEqual(["revoked"]);
		expect(changesOf(note([["+", "# Phishing"]], "created"))).toEqual(["new"]);
	});

	it("marks the words that differ in a changed line, and keeps lines with little in common whole", () => {
		expect(wordDiff("Users may click a link.", "Users may open a link.")).toEqual([
			{ kind: "same", text: "Users may " },
			{ kind: "removed", text: "click" },
			{ kind: "added", text: "open" },
			{ kind: "same", text: " a link." },
		]);
		const blocks = blocksOf([
			{ kind: "same", text: "## Tactic" },
			{ kind: "removed", text: "- [[Mobile-Attack/tactics/Execution]] (TA0002)" },
			{ kind: "removed", text: "completely other words here" },
			{ kind: "added", text: "- [[Enterprise-Attack/tactics/Execution]] (TA0002)" },
			{ kind: "added", text: "nothing alike at all" },
		]);
		expect(blocks.map((b) => b.kind)).toEqual(["context", "changed", "removed", "added"]);
	});

	it("names rows by note, with the folder below the one all notes share", () => {
		expect(nameAndFolder("A/B/Malicious Link.md")).toEqual({ name: "Malicious Link", folder: "A/B" });
		expect(commonFolder(["A/B/C/x.md", "A/B/D/y.md"])).toBe("A/B");
		expect(commonFolder(["x.md", "A/y.md"])).toBe("");
		expect(withNoteNames("3 notes claim T1: A/B/x.md, A/B/x 1.md", ["A/B/x.md", "A/B/x 1.md"])).toBe("3 notes claim T1: x, x 1");
	});
});
