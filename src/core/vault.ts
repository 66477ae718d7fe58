/**
 * The small vault interface the core talks to. Obsidian's Vault (src/obsidian/vault.ts), a
 * folder on disk (src/cli/fs-vault.ts) and an in-memory map (tests) all implement it.
 *
 * Paths are vault-relative with `/` separators and no leading slash, as Obsidian's
 * `TFile.path` is (e.g. `Notes/Malicious Link.md`).
 */
export interface Vault {
	/** Every file in the vault (not folders), config folder excluded. */
	listFiles(): Promise<string[]>;
	/** The file's text, decoded as UTF-8. Throws if the file does not exist. */
	read(path: string): Promise<string>;
	/** The file's bytes; used to tell binary files named `.md` from text. */
	readBinary(path: string): Promise<Uint8Array>;
	/**
	 * Replace the file's text with `update(current)`, reading and writing in one step so that
	 * an edit made meanwhile is not lost (Obsidian's Vault.process). Returns the new text.
	 */
	process(path: string, update: (current: string) => string): Promise<string>;
	/** Create a new file; its folder is created when missing. Throws if it exists. */
	create(path: string, data: string): Promise<void>;
	exists(path: string): Promise<boolean>;
	/** A file in the vault's config folder (`.obsidian/app.json`), or null when absent. */
	readConfig(name: string): Promise<string | null>;
}
