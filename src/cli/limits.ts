/**
 * The CLI's limits on what it reads and downloads, each with an environment variable so tests
 * (and users with unusual data or slow connections) can change it: the size of a bundle file or
 * download (`ATTACK_SYNC_MAX_BUNDLE_BYTES`) and how long a whole fetch may take
 * (`ATTACK_SYNC_FETCH_DEADLINE_MS`).
 */
import { MAX_BUNDLE_BYTES } from "../core/attack/bytes";
import { UserError } from "../core/errors";
import { FETCH_DEADLINE_MS } from "../core/fetch/index-json";

/** A positive whole number from the environment, or `fallback` when the variable is unset or empty. */
function positiveFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number, unit: string): number {
	const raw = env[name];
	if (raw === undefined || raw.trim() === "") return fallback;
	const n = Number(raw);
	if (!Number.isSafeInteger(n) || n <= 0) throw new UserError(`${name} must be a positive whole number of ${unit}, not "${raw}".`);
	return n;
}

/** The largest bundle file or download: MAX_BUNDLE_BYTES (300 MB), or `ATTACK_SYNC_MAX_BUNDLE_BYTES`. */
export function maxBundleBytes(env: NodeJS.ProcessEnv = process.env): number {
	return positiveFromEnv(env, "ATTACK_SYNC_MAX_BUNDLE_BYTES", MAX_BUNDLE_BYTES, "bytes");
}

/** How long a whole fetch may take: FETCH_DEADLINE_MS (30 min), or `ATTACK_SYNC_FETCH_DEADLINE_MS`. */
export function fetchDeadlineMs(env: NodeJS.ProcessEnv = process.env): number {
	return positiveFromEnv(env, "ATTACK_SYNC_FETCH_DEADLINE_MS", FETCH_DEADLINE_MS, "milliseconds");
}
