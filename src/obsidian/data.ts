/**
 * ATT&CK data inside Obsidian: fetched with `requestUrl` (index.json, then the bundle), checked,
 * and cached in the plugin's folder as a compact index (not the raw bundle) with its version and
 * date, so later syncs start without the network. Nothing partial is kept: the cache is written
 * to a temporary file and renamed. Undo backups live in the same folder, and in `releases/` the
 * earlier releases sync needed to know what notes were written from (`baseReleases`), named as
 * the CLI's cache folder names them (it is the CLI's default --cache-dir).
 */
import { normalizePath, requestUrl, type App, type DataAdapter } from "obsidian";
import { MAX_BUNDLE_BYTES, MAX_INDEX_BYTES, checkBundleSize, decodeUtf8, tooLargeReason } from "../core/attack/bytes";
import { CACHE_FORMAT, cacheFileName, releaseFileName, releaseOfFileName, type CacheMeta } from "../core/cache/compact";
import { UserError, messageOf } from "../core/errors";
import { FETCH_DEADLINE_MS, networkErrorReason, deadlineReason, downloadFailure, httpStatusReason, indexUrl, parseIndex, planDownload, versionFromFileName, versionsOf, type DownloadTarget } from "../core/fetch/index-json";
import type { BackupStore } from "../core/sync/undo";
import { cacheKey, type Answer, type Ask, type CacheRef, type StoreResult } from "./engine";
import type { Engine } from "./engine-client";

/** A cached release: its header, and the cache as the engine knows it (its text, until the engine holds it). */
export interface Loaded {
	meta: CacheMeta;
	ref: CacheRef;
}

/** Reports a step ("Downloading…") and says whether the user asked to stop. */
export interface Progress {
	step(message: string): void;
	readonly cancelled: boolean;
	/** `work`, or a Cancelled rejection the moment the user cancels: waiting stops at once, the result is dropped. */
	race<T>(work: Promise<T>): Promise<T>;
}

export class Cancelled extends Error {
	/** `what`: what stopped, as a phrase ("fetching Enterprise ATT&CK"). */
	constructor(what = "the task") {
		super(`${what} was cancelled; nothing was changed.`);
	}
}

/** How much the plugin reads or downloads as one bundle (a vault file or a download), and how long a fetch may take; tests lower them. */
export interface Limits {
	maxBytes: number;
	deadlineMs: number;
}

export class AttackData {
	/** MAX_BUNDLE_BYTES and FETCH_DEADLINE_MS; a test can lower them (`plugin.attackData().limits`). */
	readonly limits: Limits = { maxBytes: MAX_BUNDLE_BYTES, deadlineMs: FETCH_DEADLINE_MS };
	private readonly adapter: DataAdapter;
	/** Caches already read this session, by domain and which. */
	private readonly loaded = new Map<string, Loaded>();

	constructor(
		private readonly app: App,
		readonly folder: string,
		private readonly engine: Engine,
	) {
		this.adapter = app.vault.adapter;
	}

	/** The cache file of a domain; only the known domains have one (a UserError for any other). */
	private cachePath(domain: string, which: "current" | "previous" = "current"): string {
		return normalizePath(`${this.folder}/${cacheFileName(domain, which)}`);
	}

	/**
	 * The release fetched before the current one, kept when a new one arrives: the notes were
	 * probably synced from it, and sync replaces its words only when it knows them.
	 */
	async previous(domain: string): Promise<Loaded | null> {
		const e = await this.entry(domain, "previous");
		return e && this.withText(e);
	}

	/** The cached data for a domain, or null when none was fetched yet (or the cache has no header). */
	async cached(domain: string): Promise<Loaded | null> {
		const e = await this.entry(domain, "current");
		return e && this.withText(e);
	}

	/** The header only: what settings and the status bar show, without the engine. */
	async cachedMeta(domain: string): Promise<CacheMeta | null> {
		return (await this.entry(domain, "current"))?.meta ?? null;
	}

	/** A cache's header and where it is, read once a session (its first 4 KB only). */
	private async entry(domain: string, which: "current" | "previous"): Promise<Loaded | null> {
		const memo = `${domain} ${which}`;
		const known = this.loaded.get(memo);
		if (known) return known;
		const path = this.cachePath(domain, which);
		if (!(await this.adapter.exists(path))) return null;
		const meta = peekCacheMeta(await this.head(path));
		if (!meta) return null;
		const loaded = { meta, ref: { key: cacheKey(meta), source: path } };
		this.loaded.set(memo, loaded);
		return loaded;
	}

	/** A file's first bytes. The adapter reads whole files; this keeps none of it but the head. */
	private async head(path: string): Promise<Uint8Array> {
		return new Uint8Array(await this.adapter.readBinary(path)).slice(0, 4096);
	}

	/** The cache's bytes go along only when the engine does not hold it (a new worker after a cancel). */
	private async withText(l: Loaded): Promise<Loaded> {
		if (this.engine.has(l.ref.key)) return { ...l, ref: { key: l.ref.key, source: l.ref.source } };
		return { ...l, ref: { ...l.ref, bytes: new Uint8Array(await this.adapter.readBinary(l.ref.source)) } };
	}

	/** The folder of earlier releases' caches (the CLI's default --cache-dir). */
	private get releasesFolder(): string {
		return normalizePath(`${this.folder}/releases`);
	}

	/**
	 * The earlier releases of a domain cached here (no download needed): the one fetched before
	 * the current one, and those in `releases/`. Their names only; nothing is read.
	 */
	async cachedReleases(domain: string): Promise<string[]> {
		const out = new Set<string>();
		const previous = await this.entry(domain, "previous");
		const version = previous && (previous.meta.attackVersion ?? versionFromFileName(previous.meta.source));
		if (version) out.add(version);
		if (await this.adapter.exists(this.releasesFolder)) {
			for (const f of (await this.adapter.list(this.releasesFolder)).files) {
				const v = releaseOfFileName(domain, f.slice(f.lastIndexOf("/") + 1));
				if (v !== null) out.add(v);
			}
		}
		return [...out];
	}

	/**
	 * What the engine asks while it infers the notes' base releases (engine.ts `Question`), for
	 * one sync: the releases index.json on the base URL lists (read once, only when asked: the
	 * cached ones did not explain the notes), and each release asked for: the previous cache, one
	 * in `releases/`, or else downloaded with requestUrl from the base URL's host, compacted in the
	 * engine (never parsed here) and kept in `releases/`. Nothing is downloaded with `offline`, or
	 * once `progress` is cancelled (a download under way is no longer waited for). A failure is
	 * one sentence in `problems`, and the engine goes on without that release.
	 */
	baseReleases(o: { baseUrl: string; offline: boolean; progress?: Progress }): { ask: Ask; problems: string[]; downloaded: string[] } {
		const problems: string[] = [];
		const downloaded: string[] = [];
		const index = indexUrl(o.baseUrl);
		let listing: Promise<string | null> | null = null;
		const indexText = (): Promise<string | null> =>
			(listing ??= (async () => {
				if (o.offline) return null;
				try {
					const deadline = { at: Date.now() + this.limits.deadlineMs, ms: this.limits.deadlineMs };
					return decodeUtf8(await race(o.progress, get(index, MAX_INDEX_BYTES, "index", deadline)), index, "an ATT&CK index");
				} catch (err) {
					if (err instanceof Cancelled) throw err;
					problems.push(`the list of releases could not be read (${messageOf(err).replace(/\.$/, "")}); only the cached releases were used.`);
					return null;
				}
			})());
		const listed = async (domain: string): Promise<string[]> => {
			const text = await indexText();
			if (text === null) return [];
			try {
				return versionsOf(parseIndex(text, index), domain).map((v) => v.version);
			} catch (err) {
				problems.push(`${messageOf(err).replace(/\.$/, "")}; only the cached releases were used.`);
				return [];
			}
		};
		const release = async (domain: string, version: string): Promise<CacheRef | null> => {
			const previous = await this.entry(domain, "previous");
			if (previous && (previous.meta.attackVersion ?? versionFromFileName(previous.meta.source)) === version) return (await this.withText(previous)).ref;
			const path = normalizePath(`${this.releasesFolder}/${releaseFileName(domain, version)}`);
			const cached = await this.releaseCache(path, domain, version);
			if (cached) return cached;
			if (o.offline || o.progress?.cancelled) return null;
			const text = await indexText();
			if (text === null) return null;
			let target: DownloadTarget;
			try {
				// The index's URL, rebased on the base URL (its host only) and checked, as a fetch's is.
				target = planDownload(text, index, o.baseUrl, { domain, version });
			} catch {
				return null;
			}
			try {
				o.progress?.step(`downloading release ${version} to tell its text from yours…`);
				if (o.progress?.cancelled) throw new Cancelled();
				const deadline = { at: Date.now() + this.limits.deadlineMs, ms: this.limits.deadlineMs };
				const bytes = await race(o.progress, get(target.url, this.limits.maxBytes, "bundle", deadline));
				if (o.progress?.cancelled) throw new Cancelled();
				const stored = (await race(o.progress, this.engine.run({ kind: "store", bytes, source: target.url, target, createdAt: new Date().toISOString() }))) as StoreResult;
				if (o.progress?.cancelled) throw new Cancelled();
				await this.writeAtomically(path, stored.cache);
				downloaded.push(version);
				return { key: stored.key, source: path };
			} catch (err) {
				if (err instanceof Cancelled) throw err;
				problems.push(`release ${version} could not be downloaded: ${messageOf(err).replace(/\.$/, "")}.`);
				return null;
			}
		};
		const ask: Ask = async (q): Promise<Answer> => (q.kind === "listed" ? { versions: await listed(q.domain) } : { ref: await release(q.domain, q.version) });
		return { ask, problems, downloaded };
	}

	/** A release in `releases/` with a header naming its domain and release; its bytes go along unless the engine holds it. */
	private async releaseCache(path: string, domain: string, version: string): Promise<CacheRef | null> {
		if (!(await this.adapter.exists(path))) return null;
		const bytes = new Uint8Array(await this.adapter.readBinary(path));
		const meta = peekCacheMeta(bytes);
		if (!meta || meta.domain !== domain || (meta.attackVersion ?? versionFromFileName(meta.source) ?? version) !== version) return null;
		const key = cacheKey(meta);
		return this.engine.has(key) ? { key, source: path } : { key, source: path, bytes };
	}

	/** The newest release of a domain that index.json on the base URL lists (the new-release check). */
	async latestRelease(domain: string, baseUrl: string): Promise<string> {
		const index = indexUrl(baseUrl);
		const deadline = { at: Date.now() + 60_000, ms: 60_000 };
		const text = decodeUtf8(await get(index, MAX_INDEX_BYTES, "index", deadline), index, "an ATT&CK index");
		return planDownload(text, index, baseUrl, { domain, version: null }).version;
	}

	/** Download a domain's bundle (the pinned version, or the latest in index.json) and cache it. */
	async fetch(domain: string, version: string | null, baseUrl: string, progress: Progress): Promise<Loaded> {
		const index = indexUrl(baseUrl);
		// One deadline for the index and the bundle: a server sending a byte now and then must not keep the fetch going.
		const deadline = { at: Date.now() + this.limits.deadlineMs, ms: this.limits.deadlineMs };
		// Cancelled before it began (the task it is part of was): no request is made.
		if (progress.cancelled) throw new Cancelled();
		progress.step("reading the list of releases…");
		const indexText = decodeUtf8(await progress.race(get(index, MAX_INDEX_BYTES, "index", deadline)), index, "an ATT&CK index");
		if (progress.cancelled) throw new Cancelled();
		const target = planDownload(indexText, index, baseUrl, { domain, version });
		progress.step(`downloading release ${target.version}…`);
		const bytes = await progress.race(get(target.url, this.limits.maxBytes, "bundle", deadline));
		if (progress.cancelled) throw new Cancelled();
		return this.store(bytes, target.url, progress, target);
	}

	/** Import a bundle file the user put in the vault (the offline path). */
	async importFile(path: string, progress: Progress): Promise<Loaded> {
		progress.step(`reading ${path}…`);
		const file = normalizePath(path);
		// A 2 GB file is refused before it is read, not after.
		const stat = await this.adapter.stat(file);
		if (stat) checkBundleSize(stat.size, path, this.limits.maxBytes);
		// Bytes, decoded strictly: a Latin-1 file is refused, not read with U+FFFD in its accents' place.
		const bytes = new Uint8Array(await this.adapter.readBinary(file));
		checkBundleSize(bytes.length, path, this.limits.maxBytes);
		return this.store(bytes, path, progress);
	}

	/**
	 * Check and compact the bundle in the engine (a worker: seconds of parsing never hold the
	 * window), then write the cache. A cancel stops the worker and keeps nothing.
	 */
	private async store(bytes: Uint8Array, source: string, progress: Progress, target?: DownloadTarget): Promise<Loaded> {
		progress.step("checking and indexing the bundle…");
		let stored: StoreResult;
		try {
			stored = (await progress.race(this.engine.run({ kind: "store", bytes, source, target, createdAt: new Date().toISOString() }))) as StoreResult;
		} catch (err) {
			if (err instanceof Cancelled) this.engine.stop();
			throw err;
		}
		if (progress.cancelled) throw new Cancelled();
		const { meta, cache } = stored;
		const path = this.cachePath(meta.domain);
		const before = await this.entry(meta.domain, "current");
		// A different release replaces this one: it is kept as the previous one (renamed, never read here).
		const keep = before !== null && (before.meta.attackVersion ?? before.meta.source) !== (meta.attackVersion ?? meta.source);
		await this.writeAtomically(path, cache, keep ? this.cachePath(meta.domain, "previous") : null);
		if (keep) this.loaded.delete(`${meta.domain} previous`);
		const loaded: Loaded = { meta, ref: { key: stored.key, source: path } };
		this.loaded.set(`${meta.domain} current`, loaded);
		return loaded;
	}

	/**
	 * The bytes to a temporary file, then renamed over `path`; with `keepAs`, the file that was at
	 * `path` is first renamed there (the previous release), once the new one is safely written.
	 */
	private async writeAtomically(path: string, data: Uint8Array, keepAs: string | null = null): Promise<void> {
		const folder = path.slice(0, path.lastIndexOf("/"));
		if (!(await this.adapter.exists(folder))) await this.adapter.mkdir(folder);
		const temp = `${path}.tmp`;
		await this.adapter.writeBinary(temp, data.byteOffset === 0 && data.byteLength === data.buffer.byteLength ? (data.buffer as ArrayBuffer) : data.slice().buffer);
		try {
			if (keepAs !== null && (await this.adapter.exists(path))) {
				if (await this.adapter.exists(keepAs)) await this.adapter.remove(keepAs);
				await this.adapter.rename(path, keepAs);
			}
			if (await this.adapter.exists(path)) await this.adapter.remove(path);
			await this.adapter.rename(temp, path);
		} catch (err) {
			await this.adapter.remove(temp).catch(() => undefined);
			throw new UserError(`could not save the ATT&CK data in ${folder}: ${messageOf(err)}`);
		}
	}

	/** Undo backups, one JSON file per sync, under the plugin's folder. */
	backups(): BackupStore {
		const dir = normalizePath(`${this.folder}/undo`);
		const adapter = this.adapter;
		const file = (name: string) => normalizePath(`${dir}/${name}`);
		return {
			read: async (name) => ((await adapter.exists(file(name))) ? adapter.read(file(name)) : null),
			write: async (name, data) => {
				if (!(await adapter.exists(dir))) await adapter.mkdir(dir);
				await adapter.write(file(name), data);
			},
			remove: async (name) => {
				if (await adapter.exists(file(name))) await adapter.remove(file(name));
			},
			list: async () => ((await adapter.exists(dir)) ? (await adapter.list(dir)).files.map((f) => f.slice(f.lastIndexOf("/") + 1)) : []),
		};
	}
}

/** `work`, raced with the user's cancel when there is one to race. */
function race<T>(progress: Progress | undefined, work: Promise<T>): Promise<T> {
	return progress ? progress.race(work) : work;
}

/**
 * GET a URL's bytes with Obsidian's requestUrl; every failure becomes one sentence naming the URL.
 * requestUrl hands over the whole body at once, so a body over `maxBytes` is refused after it
 * arrived, but before anything is decoded or written. requestUrl cannot be stopped: at the
 * deadline the plugin stops waiting for it, and whatever comes later is dropped.
 */
async function get(url: string, maxBytes: number, what: "bundle" | "index", deadline: { at: number; ms: number }): Promise<Uint8Array> {
	let timer: number | undefined;
	const late = new Promise<never>((_resolve, reject) => {
		timer = window.setTimeout(() => reject(new UserError(downloadFailure(url, deadlineReason(deadline.ms, null)))), Math.max(0, deadline.at - Date.now()));
	});
	let response;
	try {
		response = await Promise.race([requestUrl({ url, method: "GET", throw: false }), late]);
	} catch (err) {
		if (err instanceof UserError) throw err;
		throw new UserError(downloadFailure(url, networkWords(err, url)));
	} finally {
		window.clearTimeout(timer);
	}
	if (response.status < 200 || response.status >= 300) throw new UserError(downloadFailure(url, httpStatusReason(response.status)));
	const bytes = new Uint8Array(response.arrayBuffer);
	if (bytes.length > maxBytes) throw new UserError(downloadFailure(url, tooLargeReason(bytes.length, maxBytes, what)));
	return bytes;
}

/**
 * A failed request in words. requestUrl throws Chromium's `net::ERR_...` on desktop, which
 * networkErrorReason knows; a bare "Failed to fetch" or "TypeError: fetch failed" says nothing a
 * user can act on, so it becomes where the answer should have come from.
 */
function networkWords(err: unknown, url: string): string {
	const reason = networkErrorReason(typeof err === "object" && err !== null ? err : { message: String(err) });
	if (!/fetch|TypeError|NetworkError|Load failed|unknown error/i.test(reason)) return reason;
	let host = url;
	try {
		host = new URL(url).host;
	} catch {
		// The URL itself: still better than the error's name.
	}
	return `there was no answer from ${host} (offline, or a wrong base URL in the settings?)`;
}

/**
 * A cache's header, read from the start of its text without parsing the rest (compactBundle
 * writes it before the objects); null when it is not there or not whole.
 */
export function peekCacheMeta(bytes: Uint8Array): CacheMeta | null {
	// Whole characters only: a cut multi-byte sequence at the end decodes to U+FFFD, after the header.
	const head = new TextDecoder().decode(bytes.subarray(0, 4096));
	const m = /"x_attack_sync_cache":(\{[^{}]*\})/.exec(head);
	if (!m) return null;
	try {
		const h = JSON.parse(m[1]) as Partial<Record<keyof CacheMeta, unknown>>;
		const str = (v: unknown): v is string => typeof v === "string";
		const orNull = (v: unknown): v is string | null => v === null || typeof v === "string";
		if (!str(h.domain) || !orNull(h.attackVersion) || !orNull(h.modified) || !str(h.source) || !str(h.createdAt) || h.format !== CACHE_FORMAT) return null;
		return { domain: h.domain, attackVersion: h.attackVersion, modified: h.modified, source: h.source, createdAt: h.createdAt, format: CACHE_FORMAT };
	} catch {
		return null;
	}
}
