/**
 * Where the CLI's sync finds earlier ATT&CK releases (the bases of notes): the bundles given with
 * --previous-bundle, a cache folder (by default inside the vault's config folder, so nothing is
 * written outside the vault), and, unless --offline, attack-stix-data's index.json and bundles on
 * the base URL, downloaded once into the cache as compact copies (cache/compact.ts).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { AttackModel } from "../core/attack/model";
import { compactBundle, readCache } from "../core/cache/compact";
import { messageOf } from "../core/errors";
import { indexUrl, parseIndex, versionsOf } from "../core/fetch/index-json";
import type { BaseOptions } from "../core/sync/base";
import { MAX_INDEX_BYTES, decodeUtf8 } from "../core/attack/bytes";
import { fetchBundle, fetchTimeoutMs, getText } from "./download";
import { fetchDeadlineMs, maxBundleBytes } from "./limits";

export interface ReleaseSourceOptions {
	domain: string;
	given: ReadonlyArray<{ model: AttackModel; version: string | null }>;
	cacheDir: string;
	baseUrl: string;
	offline: boolean;
}

export interface ReleaseSource extends BaseOptions {
	/** What went wrong on the way (a failed download), one sentence each. */
	problems: string[];
	/** Releases downloaded this run. */
	downloaded: string[];
}

const cacheName = (domain: string, version: string) => `${domain}-${version}.json`;

export async function releaseSource(opts: ReleaseSourceOptions): Promise<ReleaseSource> {
	const problems: string[] = [];
	const downloaded: string[] = [];
	const given = new Map<string, AttackModel>();
	for (const g of opts.given) if (g.version !== null) given.set(g.version, g.model);
	const cached = new Set<string>();
	if (existsSync(opts.cacheDir)) {
		const prefix = `${opts.domain}-`;
		for (const f of readdirSync(opts.cacheDir)) {
			if (f.startsWith(prefix) && f.endsWith(".json")) cached.add(f.slice(prefix.length, -".json".length));
		}
	}
	// index.json, read once and only when a release at hand will not do.
	let listing: Promise<string[]> | null = null;
	const listed = (): Promise<string[]> =>
		(listing ??= (async () => {
			if (opts.offline) return [];
			const url = indexUrl(opts.baseUrl);
			try {
				return versionsOf(parseIndex(await getText(url, { timeoutMs: fetchTimeoutMs(), maxBytes: MAX_INDEX_BYTES, what: "index", deadline: { at: Date.now() + fetchDeadlineMs(), ms: fetchDeadlineMs() } }), url), opts.domain).map((v) => v.version);
			} catch (err) {
				problems.push(`could not read the list of releases (${messageOf(err).replace(/\.$/, "")}); only the cache and the given bundles were used.`);
				return [];
			}
		})());
	const load = async (version: string): Promise<AttackModel | null> => {
		const g = given.get(version);
		if (g) return g;
		const file = path.join(opts.cacheDir, cacheName(opts.domain, version));
		if (cached.has(version)) {
			try {
				return readCache(readFileSync(file, "utf8"), file).model;
			} catch (err) {
				problems.push(`${messageOf(err).replace(/\.$/, "")}; it was not used.`);
				if (opts.offline) return null;
			}
		}
		if (opts.offline || !(await listed()).includes(version)) return null;
		const part = `${file}.download`;
		try {
			mkdirSync(opts.cacheDir, { recursive: true });
			await fetchBundle({ domain: opts.domain, version, baseUrl: opts.baseUrl, out: part, timeoutMs: fetchTimeoutMs(), maxBytes: maxBundleBytes(), deadlineMs: fetchDeadlineMs() });
			const compact = compactBundle(JSON.parse(decodeUtf8(readFileSync(part), part)) as unknown, { source: `${opts.domain} ${version} (${opts.baseUrl})`, createdAt: new Date().toISOString() });
			const temp = `${file}.${process.pid}.tmp`;
			writeFileSync(temp, compact);
			renameSync(temp, file);
			downloaded.push(version);
			return readCache(compact, file).model;
		} catch (err) {
			problems.push(`release ${version} could not be downloaded: ${messageOf(err).replace(/\.$/, "")}.`);
			return null;
		} finally {
			rmSync(part, { force: true });
		}
	};
	return { local: [...new Set([...given.keys(), ...cached])], remote: listed, load, problems, downloaded };
}
