// Helpers for test/review: sync one note alone in a MemoryVault (twice) with the committed
// Enterprise 18.1 subset, and check which of the user's lines survived.
import { readFileSync } from "node:fs";
import path from "node:path";
import { loadBundle, type AttackModel } from "../../src/core/attack/model";
import { runSync } from "../../src/core/commands/sync";
import { MemoryVault } from "../helpers/memory-vault";
import { FIXTURES } from "../helpers/paths";

const models = new Map<string, AttackModel>();
export function release(version = "18.1"): AttackModel {
	let m = models.get(version);
	if (!m) {
		const file = `enterprise-attack-${version}-subset.json`;
		models.set(version, (m = loadBundle(readFileSync(path.join(FIXTURES, file), "utf8"), file)));
	}
	return m;
}

const seed = (name: string) => readFileSync(path.join(FIXTURES, "seeds", name), "utf8");
export const CLASSIC_SEED = () => seed("000_5af53c4802e223ec.txt");
export const CONTROLS_SEED = () => seed("001_0d48587a02f2203b.txt");
export const EXPORT_SEED = () => seed("002_3d88cb3993d8c248.txt");

export const CLASSIC_PATH = "Notes/Malicious Link.md";
export const EXPORT_PATH = "Notes/Malicious Link (T1204.001).md";
export const CONTROLS_PATH = "Notes/T1204.001 controls.md";

export interface Run {
	/** The note after the first sync. */
	first: string;
	/** The note after the second sync. */
	second: string;
	/** Paths the second sync wrote (must be empty). */
	secondWrites: string[];
	/** The first sync's entry for the note (action, reason). */
	entry: { action: string; reason?: string } | undefined;
}

/** Sync `text`, saved as `file` alone in a vault, twice. */
export async function syncTwice(text: string, file = CLASSIC_PATH, version = "18.1"): Promise<Run> {
	const vault = new MemoryVault({ [file]: text }, { "app.json": '{"newLinkFormat":"absolute"}' });
	const { report } = await runSync(vault, release(version), { version });
	const firstWrites = vault.writes.length;
	const first = vault.files.get(file) as string;
	await runSync(vault, release(version), { version });
	return { first, second: vault.files.get(file) as string, secondWrites: vault.writes.slice(firstWrites), entry: report.notes.find((n) => n.path === file) };
}

/** `text` after its first sync: a note as the user finds it after syncing once. */
const cache = new Map<string, Promise<string>>();
export function synced(text: string, file = CLASSIC_PATH): Promise<string> {
	const key = `${file}\0${text}`;
	let p = cache.get(key);
	if (!p) cache.set(key, (p = syncTwice(text, file).then((r) => r.first)));
	return p;
}

/** The lines of `text` (BOM dropped, CRLF or LF). */
export const linesOf = (text: string): string[] => text.replace(/^\uFEFF/, "").split(/\r?\n/);

/** How often `line` is a whole line of `text`. */
export const count = (text: string, line: string): number => linesOf(text).filter((l) => l === line).length;

/** `text` with `insert` put right after the first occurrence of `after`. */
export function insertAfter(text: string, after: string, insert: string): string {
	const i = text.indexOf(after);
	if (i < 0) throw new Error(`not in the note: ${after}`);
	return text.slice(0, i + after.length) + insert + text.slice(i + after.length);
}

/** `text` with `from` replaced by `to`, failing loudly if `from` is absent. */
export function replaceOnce(text: string, from: string, to: string): string {
	if (!text.includes(from)) throw new Error(`not in the note: ${from}`);
	return text.replace(from, to);
}
