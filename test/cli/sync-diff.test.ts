// `sync --dry-run --diff`: each note's changes as the plugin's preview has them (its hunks, from
// buildPreview), a changed line shown word by word, and nothing written.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { SyncPreview } from "../../src/core/sync/preview";
import { markWords, wordDiffLines } from "../../src/core/sync/word-diff";
import { runCli } from "../helpers/cli";
import { ENTERPRISE_FIXTURE, FIXTURES } from "../helpers/paths";
import { copyWritable } from "../helpers/sample-vault";
import { tempDir } from "../helpers/temp";

const PREVIOUS = ["--previous-bundle", path.join(FIXTURES, "enterprise-attack-15.1-subset.json"), "--offline"];

function copyVault(): string {
	const dir = path.join(tempDir("sync-diff"), "vault");
	copyWritable(path.join(FIXTURES, "sample-vault"), dir);
	return dir;
}

/** Every file's bytes and mtime. */
function snapshot(dir: string, rel = "", out = new Map<string, string>()): Map<string, string> {
	for (const name of readdirSync(path.join(dir, rel))) {
		const p = path.join(rel, name);
		const st = statSync(path.join(dir, p));
		if (st.isDirectory()) snapshot(dir, p, out);
		else out.set(p, `${st.mtimeMs} ${readFileSync(path.join(dir, p), "base64")}`);
	}
	return out;
}

/** A `~` line's two sides: the old line (marks of removed words kept, added dropped) and the new. */
function sides(marked: string): { old: string; next: string } {
	return {
		old: marked.replace(/\{\+[\s\S]*?\+\}/g, "").replace(/\[-([\s\S]*?)-\]/g, "$1"),
		next: marked.replace(/\[-[\s\S]*?-\]/g, "").replace(/\{\+([\s\S]*?)\+\}/g, "$1"),
	};
}

describe("sync --dry-run --diff", () => {
	it("shows each changed note's diff from the preview, changed lines word by word, and writes nothing", async () => {
		const vault = copyVault();
		const before = snapshot(vault);
		const r = await runCli(["sync", "--vault", vault, "--bundle", ENTERPRISE_FIXTURE, ...PREVIOUS, "--dry-run", "--diff"]);
		expect(r.code, r.stderr).toBe(0);
		expect(snapshot(vault)).toEqual(before);
		const json = await runCli(["sync", "--vault", vault, "--bundle", ENTERPRISE_FIXTURE, ...PREVIOUS, "--dry-run", "--diff", "--json"]);
		const report = JSON.parse(json.stdout) as { notes: Array<{ path: string; action: string }>; preview: SyncPreview };
		const changed = report.notes.filter((n) => n.action === "updated" || n.action === "created");
		expect(changed.length).toBeGreaterThan(50);
		expect(report.preview.notes.map((n) => n.path).sort()).toEqual(changed.map((n) => n.path).sort());
		const text = r.stdout;
		expect(text.split("\n").slice(0, 2)).toEqual([report.preview.title, report.preview.summary]);
		for (const note of report.preview.notes) {
			expect(text).toContain(`\n${note.action}: ${note.path} (+${note.added} -${note.removed})\n`);
			for (const hunk of note.hunks) for (const line of wordDiffLines(hunk.lines)) expect(text).toContain(`\n${line}\n`);
		}
		// A changed line is one `~` line: its two sides are a removed and an added line of the preview.
		const marked = text.split("\n").filter((l) => l.startsWith("~"));
		expect(marked.length).toBeGreaterThan(20);
		const removed = new Set(report.preview.notes.flatMap((n) => n.hunks.flatMap((h) => h.lines.filter((l) => l.kind === "removed").map((l) => l.text))));
		const added = new Set(report.preview.notes.flatMap((n) => n.hunks.flatMap((h) => h.lines.filter((l) => l.kind === "added").map((l) => l.text))));
		for (const line of marked) {
			const { old, next } = sides(line.slice(1));
			expect(removed.has(old), old).toBe(true);
			expect(added.has(next), next).toBe(true);
		}
		expect(snapshot(vault)).toEqual(before);
	});

	it("is a usage error without --dry-run", async () => {
		const vault = copyVault();
		const before = snapshot(vault);
		const r = await runCli(["sync", "--vault", vault, "--bundle", ENTERPRISE_FIXTURE, "--offline", "--diff"]);
		expect(r.code).toBe(2);
		expect(r.stderr).toContain("--diff shows what a sync would change: give it with --dry-run");
		expect(snapshot(vault)).toEqual(before);
	});
});

describe("word-level marks", () => {
	it("marks the words only one side has, a space between two changes inside them", () => {
		expect(markWords("Use a sandbox to run code.", "Use a container to run code.").text).toBe("Use a [-sandbox-]{+container+} to run code.");
		expect(markWords("Configure features here", "Implement rules here").text).toBe("[-Configure features-]{+Implement rules+} here");
		expect(markWords("a b", "a b c").text).toBe("a b{+ c+}");
	});

	it("pairs a removed line with the added line in its place when they are alike, and leaves other lines whole", () => {
		const lines = wordDiffLines([
			{ kind: "same", text: "## T1566" },
			{ kind: "removed", text: "Adversaries may send phishing messages." },
			{ kind: "removed", text: "An old line" },
			{ kind: "added", text: "Adversaries may send spearphishing messages." },
			{ kind: "added", text: "Something else entirely" },
			{ kind: "added", text: "- a new item" },
		]);
		expect(lines).toEqual([" ## T1566", "~Adversaries may send [-phishing-]{+spearphishing+} messages.", "-An old line", "+Something else entirely", "+- a new item"]);
	});
});
