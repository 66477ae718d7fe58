/**
 * An in-memory vault for core tests, following Obsidian's documented behaviour: paths are
 * vault-relative with `/`, `process` reads and writes in one step, `create` fails on an existing
 * file. It counts writes so tests can prove "a second sync changes nothing".
 */
import type { Vault } from "../../src/core/vault";

export class MemoryVault implements Vault {
	readonly files = new Map<string, string | Uint8Array>();
	readonly config = new Map<string, string>();
	writes: string[] = [];

	constructor(files: Record<string, string | Uint8Array> = {}, config: Record<string, string> = {}) {
		for (const [p, data] of Object.entries(files)) this.files.set(p, data);
		for (const [name, data] of Object.entries(config)) this.config.set(name, data);
	}

	listFiles(): Promise<string[]> {
		return Promise.resolve([...this.files.keys()].sort());
	}

	private get(path: string): string | Uint8Array {
		const data = this.files.get(path);
		if (data === undefined) throw new Error(`${path}: no such file`);
		return data;
	}

	read(path: string): Promise<string> {
		const data = this.get(path);
		return Promise.resolve(typeof data === "string" ? data : new TextDecoder().decode(data));
	}

	readBinary(path: string): Promise<Uint8Array> {
		const data = this.get(path);
		return Promise.resolve(typeof data === "string" ? new TextEncoder().encode(data) : data);
	}

	async process(path: string, update: (current: string) => string): Promise<string> {
		const current = await this.read(path);
		const next = update(current);
		if (next !== current) {
			this.files.set(path, next);
			this.writes.push(path);
		}
		return next;
	}

	create(path: string, data: string): Promise<void> {
		if (this.files.has(path)) return Promise.reject(new Error(`${path}: already exists`));
		this.files.set(path, data);
		this.writes.push(path);
		return Promise.resolve();
	}

	exists(path: string): Promise<boolean> {
		return Promise.resolve(this.files.has(path));
	}

	readConfig(name: string): Promise<string | null> {
		return Promise.resolve(this.config.get(name) ?? null);
	}
}
