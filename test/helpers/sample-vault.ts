/** The committed sample vault as files, and as a MemoryVault with its link style (absolute). */
import { readdirSync, readFileSync, statSync } from "node:fs";
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
