/**
 * The core's Vault interface over a vault folder on disk, for the CLI. Follows Obsidian: files
 * and folders whose names start with a dot (the `.obsidian` config folder among them) are not
 * part of the vault. Writes go to a temporary file that is then renamed over the note, so a
 * crash never leaves half a note behind.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, statSync, writeSync, existsSync } from "node:fs";
import path from "node:path";
import { UserError } from "../core/errors";
import type { Vault } from "../core/vault";

export class FsVault implements Vault {
	readonly root: string;
	/** Every write, in order (vault paths); tests and reports count them. */
	readonly writes: string[] = [];

	// On disk there is no Vault#configDir to ask: Obsidian's default name, which the CLI's
	// users can change with --config-dir.
	constructor(root: string, readonly configDir = ".obsidian") {
		this.root = path.resolve(root);
		let isDir = false;
		try {
			isDir = statSync(this.root).isDirectory();
		} catch {
			throw new UserError(`${root}: no such folder.`);
		}
		if (!isDir) throw new UserError(`${root}: not a folder; --vault takes the vault's folder.`);
	}

	private abs(vaultPath: string): string {
		const abs = path.resolve(this.root, ...vaultPath.split("/"));
		if (abs !== this.root && !abs.startsWith(this.root + path.sep)) throw new UserError(`${vaultPath}: outside the vault.`);
		return abs;
	}

	listFiles(): Promise<string[]> {
		const files: string[] = [];
		const walk = (dir: string, prefix: string) => {
			for (const entry of readdirSync(dir, { withFileTypes: true })) {
				if (entry.name.startsWith(".")) continue;
				const vaultPath = prefix + entry.name;
				if (entry.isDirectory()) walk(path.join(dir, entry.name), `${vaultPath}/`);
				else if (entry.isFile()) files.push(vaultPath);
			}
		};
		walk(this.root, "");
		// A stable order: Obsidian's own order is its load order, which a folder cannot tell.
		return Promise.resolve(files.sort());
	}

	read(vaultPath: string): Promise<string> {
		return Promise.resolve(readFileSync(this.abs(vaultPath), "utf8"));
	}

	readBinary(vaultPath: string): Promise<Uint8Array> {
		return Promise.resolve(new Uint8Array(readFileSync(this.abs(vaultPath))));
	}

	async process(vaultPath: string, update: (current: string) => string): Promise<string> {
		const current = await this.read(vaultPath);
		const next = update(current);
		if (next !== current) this.writeAtomically(vaultPath, next);
		return next;
	}

	create(vaultPath: string, data: string): Promise<void> {
		const abs = this.abs(vaultPath);
		if (existsSync(abs)) throw new UserError(`${vaultPath}: already exists.`);
		mkdirSync(path.dirname(abs), { recursive: true });
		this.writeAtomically(vaultPath, data);
		return Promise.resolve();
	}

	exists(vaultPath: string): Promise<boolean> {
		return Promise.resolve(existsSync(this.abs(vaultPath)));
	}

	readConfig(name: string): Promise<string | null> {
		const file = path.join(this.root, this.configDir, name);
		return Promise.resolve(existsSync(file) ? readFileSync(file, "utf8") : null);
	}

	private writeAtomically(vaultPath: string, data: string): void {
		const abs = this.abs(vaultPath);
		const temp = path.join(path.dirname(abs), `.${path.basename(abs)}.attack-sync-${process.pid}.tmp`);
		const fd = openSync(temp, "w");
		try {
			writeSync(fd, data, null, "utf8");
			fsyncSync(fd);
		} finally {
			closeSync(fd);
		}
		renameSync(temp, abs);
		this.writes.push(vaultPath);
	}
}
