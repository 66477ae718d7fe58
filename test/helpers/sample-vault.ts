/** The committed sample vault as files, and as a MemoryVault with its link style (absolute). */
import { chmodSync, cpSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { MemoryVault } from "./memory-vault";
import { FIXTURES } from "./paths";

/** Every file under `root` (dot-folders included), by vault-relative path, as text. */
export function readTree(root: string, prefix = ""): Record<string, string> {
	const out: Record<string, string> = {};
	for (const name of readdirSync(path.join(root, prefix))) {
		const rel = prefix ? `${prefix}/${name}` : name;
		if (statSync(path.join(root, rel)).isDirectory()) Object.assign(out, readTree(root, rel));
		else out[rel] = readFileSync(path.join(root, rel), "utf8");
	}
	return out;
}

export const SAMPLE_VAULT_CONFIG = { "app.json": JSON.stringify({ newLinkFormat: "absolute" }) };

export function sampleVault(): MemoryVault {
	return new MemoryVault(readTree(path.join(FIXTURES, "sample-vault")), SAMPLE_VAULT_CONFIG);
}

/**
 * A copy of a vault folder that the user can write, whatever the original's modes: ../shared is
 * kept read-only on disk, and the CLI leaves read-only notes alone (as a user's would be).
 */
export function copyWritable(from: string, to: string): void {
	cpSync(from, to, { recursive: true });
	const walk = (dir: string) => {
		chmodSync(dir, statSync(dir).mode | 0o700);
		for (const entry of readdirSync(dir, { withFileTypes: true })) {
			const p = path.join(dir, entry.name);
			if (entry.isDirectory()) walk(p);
			else if (entry.isFile()) chmodSync(p, statSync(p).mode | 0o600);
		}
	};
	walk(to);
}
