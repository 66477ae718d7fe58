// The notes from the hardening issue, end to end through the CLI: each one made `links` fail for
// the whole vault (a stack overflow), take minutes, or take more than a gigabyte. Now each is read
// by lines, its links are judged with every other note's, and `sync` goes through the same vault.
// The CLI runs with a 256 MB heap (the 10 MB note took 1.3 GB) and is killed after two minutes
// (the 1500-deep list took 200 s and more); after the fix each run takes seconds.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { LinksReport } from "../../src/core/commands/links";
import type { SyncReport } from "../../src/core/commands/sync";
import { CLI, ENTERPRISE_FIXTURE } from "../helpers/paths";

const root = mkdtempSync(path.join(tmpdir(), "attack-sync-pathological-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const GOOD = "---\nalias: T1566\n---\n\n## T1566\n\nAdversaries may send phishing messages.\n";

function vaultWith(name: string, bad: string): string {
	const dir = path.join(root, name);
	mkdirSync(dir);
	writeFileSync(path.join(dir, "Phishing.md"), GOOD);
	writeFileSync(path.join(dir, "Study.md"), "Read [[Phishing|T1566]] and [[Gone|T1566]].\n");
	writeFileSync(path.join(dir, "Bad.md"), bad);
	return dir;
}

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
	return spawnSync(process.execPath, ["--max-old-space-size=256", CLI, ...args], { encoding: "utf8", timeout: 120_000, maxBuffer: 1 << 30 });
}

/** `links` judges the bad note's links and the others'; `sync` goes through. */
function check(vault: string, badLinks: number): void {
	const links = cli("links", "--vault", vault, "--json");
	expect(links.stderr).toBe("");
	expect(links.status).toBe(0);
	const report = JSON.parse(links.stdout) as LinksReport;
	expect(report.summary.skipped).toEqual([]);
	expect(report.links.filter((l) => l.source === "Bad.md" && l.status === "ok")).toHaveLength(badLinks);
	expect(report.links.find((l) => l.source === "Study.md" && l.raw === "[[Gone|T1566]]")?.proposed).toBe("[[Phishing|T1566]]");

	const sync = cli("sync", "--vault", vault, "--bundle", ENTERPRISE_FIXTURE, "--json");
	expect(sync.stderr).toBe("");
	expect(sync.status).toBe(0);
	const synced = JSON.parse(sync.stdout) as SyncReport;
	expect(synced.notes.find((n) => n.path === "Phishing.md")?.action).toBe("updated");
}

const quoted = `${">".repeat(3000)} deep [[Phishing|T1566]] \`[[Phishing|T1566]]\`\n`;
const deepList = Array.from({ length: 1500 }, (_, i) => `${"  ".repeat(i)}- item [[Phishing|T1566]]`).join("\n");
const oneLine = `${"[[Phishing|T1566]] ".repeat(50_000)}\n`;
const paragraph = "Some words and a link [[Phishing|T1566]] and `[[Phishing|T1566]]` and *emphasis*.\n\n";
const tenMegabytes = paragraph.repeat(Math.ceil(10_000_000 / paragraph.length));

describe("links and sync on the issue's pathological notes", () => {
	it("a note with 3000 nested `>` (was: stack overflow for the whole vault)", () => check(vaultWith("quote", quoted), 1), 300_000);
	it("a list 1500 levels deep (was: 200 s, then a stack overflow)", () => check(vaultWith("list", deepList), 1500), 300_000);
	it("50k links on one line (was: 52 s)", () => check(vaultWith("line", oneLine), 50_000), 300_000);
	it("a 10 MB note (was: 1.3 GB)", () => check(vaultWith("big", tenMegabytes), tenMegabytes.length / paragraph.length), 300_000);
});
