// Fixture access for the notes tests (Node-only; the core itself never reads files).
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const FIXTURES = fileURLToPath(new URL("../fixtures/", import.meta.url));
export const VAULT = join(FIXTURES, "sample-vault");

export const SEED = {
	classic: "000_5af53c4802e223ec.txt",
	controls: "001_0d48587a02f2203b.txt",
	export: "002_3d88cb3993d8c248.txt",
	sigma: "003_242d49b61a312280.txt",
} as const;

export function seed(name: keyof typeof SEED): string {
	return readFileSync(join(FIXTURES, "seeds", SEED[name]), "utf8");
}

/** Every file of the sample vault outside its dot-folders (the config folder), as vault-relative paths. */
export function vaultFiles(): string[] {
	const out: string[] = [];
	const walk = (dir: string) => {
		for (const entry of readdirSync(dir, { withFileTypes: true })) {
			if (entry.name.startsWith(".")) continue;
			const full = join(dir, entry.name);
			if (entry.isDirectory()) walk(full);
			else out.push(relative(VAULT, full).split("\\").join("/"));
		}
	};
	walk(VAULT);
	return out.sort();
}

export function vaultFile(path: string): string {
	return readFileSync(join(VAULT, path), "utf8");
}

export function crlf(text: string): string {
	return text.replace(/\r?\n/g, "\r\n");
}
