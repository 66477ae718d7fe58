/**
 * The core's Vault interface over Obsidian's own vault: reads with cachedRead, edits with
 * Vault.process (atomic read-modify-write), paths through normalizePath.
 */
import { normalizePath, TFile, type App } from "obsidian";
import type { Vault } from "../core/vault";

export class ObsidianVault implements Vault {
	constructor(private readonly app: App) {}

	private file(path: string): TFile {
		const file = this.app.vault.getAbstractFileByPath(normalizePath(path));
		if (!(file instanceof TFile)) throw new Error(`${path}: no such file in the vault.`);
		return file;
	}

	listFiles(): Promise<string[]> {
		return Promise.resolve(this.app.vault.getFiles().map((f) => f.path));
	}

	read(path: string): Promise<string> {
		return this.app.vault.read(this.file(path));
	}

	async readBinary(path: string): Promise<Uint8Array> {
		return new Uint8Array(await this.app.vault.readBinary(this.file(path)));
	}

	process(path: string, update: (current: string) => string): Promise<string> {
		return this.app.vault.process(this.file(path), update);
	}

	async create(path: string, data: string): Promise<void> {
		const normalized = normalizePath(path);
		const slash = normalized.lastIndexOf("/");
		if (slash > 0) {
			const folder = normalized.slice(0, slash);
			if (!this.app.vault.getAbstractFileByPath(folder)) await this.app.vault.createFolder(folder);
		}
		await this.app.vault.create(normalized, data);
	}

	exists(path: string): Promise<boolean> {
		return Promise.resolve(this.app.vault.getAbstractFileByPath(normalizePath(path)) !== null);
	}

	async readConfig(name: string): Promise<string | null> {
		const path = normalizePath(`${this.app.vault.configDir}/${name}`);
		if (!(await this.app.vault.adapter.exists(path))) return null;
		return this.app.vault.adapter.read(path);
	}
}
