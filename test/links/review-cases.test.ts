// Cases a review found: each must keep the promises (only the link's path changes, a second run
// changes nothing, links to the user's own files are never moved).
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runLinks } from "../../src/core/commands/links";
import { CLI } from "../helpers/paths";
import { MemoryVault } from "../helpers/memory-vault";
import { tempDir } from "../helpers/temp";

const note = (id: string) => `---\nalias: ${id}\n---\n\n## ${id}\n`;

async function fixTwice(vault: MemoryVault) {
	const first = await runLinks(vault, { fix: true });
	const afterFirst = new Map(vault.files);
	vault.writes = [];
	const second = await runLinks(vault, { fix: true });
	expect(vault.writes).toEqual([]);
	expect(new Map(vault.files)).toEqual(afterFirst);
	return { first, second };
}

describe("fixes that must not happen", () => {
	it("does not write a link to a note whose name holds `#`", async () => {
		const vault = new MemoryVault({ "C# NIPS.md": note("M1031"), "a.md": "[[Wrong|M1031]]\n" });
		const { first } = await fixTwice(vault);
		expect(vault.files.get("a.md")).toBe("[[Wrong|M1031]]\n");
		expect(first.links[0].problem).toMatch(/cannot hold/);
	});

	it("leaves links to the user's own notes and images alone (unverified), even when they claim an ID", async () => {
		const text = "![[flow.png]] (T1059)\n[[PowerShell lab|T1059]]\n";
		const vault = new MemoryVault({
			"flow.png": new Uint8Array([0x89, 0x50, 0x4e, 0x47]),
			"PowerShell lab.md": "My lab notes.\n",
			"Command and Scripting Interpreter.md": note("T1059"),
			"a.md": text,
		});
		const { first } = await fixTwice(vault);
		expect(vault.files.get("a.md")).toBe(text);
		expect(first.links.map((l) => l.status)).toEqual(["unverified", "unverified"]);
		expect(first.links[1].problem).toMatch(/not about any ATT&CK ID/);
	});

	it("spells out an ambiguous link's own target when that note is about the claimed ID", async () => {
		const vault = new MemoryVault({
			"A/Phishing.md": note("T1566"),
			"B/Phishing.md": "# T1566: Phishing\n\nControls.\n",
			"B/Index.md": "[[Phishing|T1566]]\n",
		});
		const { first } = await fixTwice(vault);
		expect(first.links[0].status).toBe("ambiguous");
		expect(vault.files.get("B/Index.md")).toBe("[[B/Phishing|T1566]]\n");
	});

	it("writes a relative fix that the next run calls ok, not ambiguous", async () => {
		const vault = new MemoryVault(
			{ "Folder/sub/Note.md": note("M1031"), "Other/sub/Note.md": "Other.\n", "Folder/x.md": "[[Wrong|M1031]]\n" },
			{ "app.json": '{"newLinkFormat":"relative"}' },
		);
		const { second } = await fixTwice(vault);
		expect(vault.files.get("Folder/x.md")).toBe("[[./sub/Note|M1031]]\n");
		expect(second.links[0].status).toBe("ok");
	});

	it("ignores links in %% comments %% and HTML comments", async () => {
		const text = "a %% old: [[Wrong|M1031]] %%\n<!-- [[Wrong|M1017]] -->\n%%\n[[Wrong|M1021]]\n%%\n";
		const vault = new MemoryVault({ "NIPS.md": note("M1031"), "a.md": text });
		const report = await runLinks(vault, { fix: true });
		expect(report.links).toEqual([]);
		expect(vault.files.get("a.md")).toBe(text);
	});
});

describe("the vault as Obsidian gives it", () => {
	it("fixes a note with a BOM when Vault.read drops the BOM the bytes carry", async () => {
		const text = "\ufeff[[Wrong|M1031]] and more.\r\n";
		const vault = new MemoryVault({ "NIPS.md": note("M1031"), "a.md": text });
		// As Obsidian may: read and process see the text without its BOM.
		const read = vault.read.bind(vault);
		vault.read = async (p) => (await read(p)).replace(/^\ufeff/, "");
		const report = await runLinks(vault, { fix: true });
		expect(report.summary.fixed).toBe(1);
		expect(vault.files.get("a.md")).toBe("[[NIPS|M1031]] and more.\r\n");
	});

	it("skips a file it cannot read, with the reason, and goes on", async () => {
		const vault = new MemoryVault({ "NIPS.md": note("M1031"), "locked.md": "[[Wrong|M1031]]\n", "a.md": "[[Wrong|M1031]]\n" });
		const readBinary = vault.readBinary.bind(vault);
		vault.readBinary = (p) => (p === "locked.md" ? Promise.reject(new Error("EACCES: permission denied")) : readBinary(p));
		const report = await runLinks(vault, { fix: true });
		expect(report.summary.skipped).toEqual([{ path: "locked.md", reason: "cannot be read: EACCES: permission denied" }]);
		expect(vault.writes).toEqual(["a.md"]);
	});
});

describe("the CLI's vault on disk", () => {
	function run(vault: string) {
		const r = spawnSync(process.execPath, [CLI, "links", "--vault", vault, "--fix", "--json"], { encoding: "utf8" });
		expect(r.status, r.stderr).toBe(0);
		return JSON.parse(r.stdout) as { summary: { fixed: number } };
	}

	it("follows symbolic links to notes and folders, as Obsidian desktop does", () => {
		const base = tempDir("symlink");
		mkdirSync(path.join(base, "elsewhere"));
		writeFileSync(path.join(base, "elsewhere", "NIPS.md"), note("M1031"));
		mkdirSync(path.join(base, "vault"));
		symlinkSync(path.join(base, "elsewhere"), path.join(base, "vault", "linked"));
		writeFileSync(path.join(base, "vault", "a.md"), "[[linked/NIPS|M1031]]\n");
		const report = run(path.join(base, "vault")) as unknown as { links: Array<{ status: string }> };
		expect(report.links[0].status).toBe("ok");
	});

	it("keeps a note's permissions when it writes a fix", () => {
		const vault = tempDir("mode");
		writeFileSync(path.join(vault, "NIPS.md"), note("M1031"));
		writeFileSync(path.join(vault, "a.md"), "[[Wrong|M1031]]\n");
		chmodSync(path.join(vault, "a.md"), 0o600);
		expect(run(vault).summary.fixed).toBe(1);
		expect(readFileSync(path.join(vault, "a.md"), "utf8")).toBe("[[NIPS|M1031]]\n");
		expect(statSync(path.join(vault, "a.md")).mode & 0o777).toBe(0o600);
	});
});
