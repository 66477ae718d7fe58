// FsVault's read-ahead: a sync starts reading the vault's notes on libuv's threads while it parses
// its bundle. What the index is built from must be what a plain read gives, each read ahead taken
// once, and a file the read-ahead did not pick read as before.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { FsVault } from "../../src/cli/fs-vault";
import { isReadable } from "../../src/core/notes/read";
import { buildVaultIndex } from "../../src/core/vault-index";
import { FIXTURES } from "../helpers/paths";

const made: string[] = [];
afterEach(() => {
	for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function copyVault(): string {
	const dir = mkdtempSync(path.join(tmpdir(), "attack-sync-reads-"));
	made.push(dir);
	const vault = path.join(dir, "vault");
	cpSync(path.join(FIXTURES, "sample-vault"), vault, { recursive: true });
	return vault;
}

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe("FsVault.readAhead", () => {
	it("builds the same index as plain reads", async () => {
		const root = copyVault();
		const plain = await buildVaultIndex(new FsVault(root));
		const early = new FsVault(root);
		early.readAhead(isReadable);
		const index = await buildVaultIndex(early);
		expect([...index.notes.keys()]).toEqual([...plain.notes.keys()]);
		for (const [p, note] of plain.notes) expect(index.notes.get(p)?.text).toBe(note.text);
		expect(index.skipped).toEqual(plain.skipped);
	});

	it("hands each read over once: a later read sees the file as it is then", async () => {
		const root = copyVault();
		writeFileSync(path.join(root, "Mine.md"), "one\n");
		const vault = new FsVault(root);
		vault.readAhead((p) => p === "Mine.md");
		expect(text(await vault.readBinary("Mine.md"))).toBe("one\n");
		writeFileSync(path.join(root, "Mine.md"), "two\n");
		expect(text(await vault.readBinary("Mine.md"))).toBe("two\n");
	});

	it("reads a file it did not pick as before", async () => {
		const root = copyVault();
		writeFileSync(path.join(root, "picture.png"), "png");
		const vault = new FsVault(root);
		vault.readAhead(isReadable);
		expect(text(await vault.readBinary("picture.png"))).toBe("png");
		expect(readFileSync(path.join(root, "picture.png"), "utf8")).toBe("png");
	});
});
