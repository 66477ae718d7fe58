/**
 * `attack-sync fetch`: the Node side of downloading an ATT&CK release. The choices (which
 * version, which URL, is it a bundle) are the core's (`src/core/fetch/index-json.ts`, shared with
 * the plugin); this file moves the bytes: node:http or node:https by the URL's protocol,
 * redirects followed (up to 5), the body streamed to a temporary file beside `--out`, checked
 * against Content-Length, an inactivity timeout, and the temporary file removed on any failure.
 * Only a complete, checked bundle is renamed to `--out`; an older `--out` stays until then.
 */
import { randomBytes } from "node:crypto";
import { lstatSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, statSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import path from "node:path";
import { UserError, messageOf } from "../core/errors";
import {
	checkBundle,
	downloadFailure,
	formatSeconds,
	httpStatusReason,
	indexUrl,
	networkErrorReason,
	planDownload,
	type FetchResult,
} from "../core/fetch/index-json";
import { isStale, nodeIo, partName, partPid, writeAll, type WriteIo } from "./write-file";

export const DEFAULT_TIMEOUT_MS = 60_000;
export const MAX_REDIRECTS = 5;

/** The inactivity timeout: 60 s, or `ATTACK_SYNC_FETCH_TIMEOUT_MS` (tests use a short one). */
export function fetchTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
	const raw = env.ATTACK_SYNC_FETCH_TIMEOUT_MS;
	if (raw === undefined || raw.trim() === "") return DEFAULT_TIMEOUT_MS;
	const ms = Number(raw);
	if (!Number.isFinite(ms) || ms <= 0) throw new UserError(`ATTACK_SYNC_FETCH_TIMEOUT_MS must be a positive number of milliseconds, not "${raw}".`);
	return ms;
}

export interface GetOptions {
	timeoutMs: number;
	/** Called as bytes arrive; `total` is the Content-Length when the server sends one. */
	onProgress?: (received: number, total: number | null) => void;
}

/** Where a body goes: memory for index.json, a file descriptor for the bundle. */
type Sink = (chunk: Buffer) => void;

/** A failure to write the body locally, told apart from the network's failures. */
class SinkError extends Error {}

/**
 * GETs `url` into `sink`, following redirects. Resolves with the byte count once the whole body
 * has arrived (and matched Content-Length); rejects with a UserError naming the URL otherwise.
 */
export function get(url: string, sink: Sink, opts: GetOptions, redirects = 0): Promise<{ bytes: number; url: string }> {
	return new Promise((resolve, reject) => {
		let parsed: URL;
		try {
			parsed = new URL(url);
		} catch {
			reject(new UserError(downloadFailure(url, "not a valid URL")));
			return;
		}
		const client = parsed.protocol === "https:" ? https : parsed.protocol === "http:" ? http : null;
		if (client === null) {
			reject(new UserError(downloadFailure(url, `${parsed.protocol} URLs are not supported, only http and https`)));
			return;
		}
		let settled = false;
		let answered = false;
		let received = 0;
		const fail = (reason: string, err?: unknown) => {
			if (settled) return;
			settled = true;
			req.destroy();
			reject(err instanceof SinkError ? new UserError(err.message) : new UserError(downloadFailure(url, reason)));
		};
		const req = client.get(parsed, {
			headers: { "User-Agent": "attack-sync", Accept: "application/json, */*" },
			// Socket inactivity, from before the connection until the last byte.
			timeout: opts.timeoutMs,
		});
		req.on("timeout", () => {
			const idle = formatSeconds(opts.timeoutMs);
			fail(answered ? `the transfer stalled (nothing for ${idle}, after ${received.toLocaleString("en-US")} bytes)` : `no answer in ${idle}`);
		});
		req.on("error", (err) => fail(cutOff(answered, received, null) ?? networkErrorReason(err, opts.timeoutMs), err));
		req.on("response", (res) => {
			answered = true;
			const status = res.statusCode ?? 0;
			const location = res.headers.location;
			if (status >= 300 && status < 400 && status !== 304 && location !== undefined) {
				res.resume();
				if (redirects >= MAX_REDIRECTS) {
					fail(`more than ${MAX_REDIRECTS} redirects`);
					return;
				}
				let next: string;
				try {
					next = new URL(location, parsed).href;
				} catch {
					fail(`a redirect to an invalid URL (${location})`);
					return;
				}
				settled = true;
				get(next, sink, opts, redirects + 1).then(resolve, reject);
				return;
			}
			if (status !== 200) {
				res.resume();
				fail(httpStatusReason(status, res.statusMessage ?? http.STATUS_CODES[status]));
				return;
			}
			const header = res.headers["content-length"];
			const total = header !== undefined && /^\d+$/.test(header) ? Number(header) : null;
			res.on("data", (chunk: Buffer) => {
				if (settled) return;
				try {
					sink(chunk);
				} catch (err) {
					fail("", err);
					return;
				}
				received += chunk.length;
				opts.onProgress?.(received, total);
			});
			res.on("error", (err) => fail(cutOff(true, received, total) ?? networkErrorReason(err, opts.timeoutMs), err));
			res.on("aborted", () => fail(cutOff(true, received, total) ?? "the connection was cut off"));
			res.on("end", () => {
				if (settled) return;
				if (!res.complete || (total !== null && received !== total)) {
					fail(cutOff(true, received, total) ?? "the connection was cut off");
					return;
				}
				settled = true;
				resolve({ bytes: received, url });
			});
			res.on("close", () => fail(cutOff(true, received, total) ?? "the connection was cut off"));
		});
	});
}

/** The reason for a body that stopped early, or null before any response. */
function cutOff(answered: boolean, received: number, total: number | null): string | null {
	if (!answered) return null;
	const of = total === null ? "" : ` of ${total.toLocaleString("en-US")}`;
	return `the connection was cut off after ${received.toLocaleString("en-US")}${of} bytes`;
}

/** GETs a small file (index.json) into memory, as UTF-8 text. */
export async function getText(url: string, opts: GetOptions): Promise<string> {
	const chunks: Buffer[] = [];
	await get(url, (c) => chunks.push(c), opts);
	return Buffer.concat(chunks).toString("utf8");
}

export interface FetchOptions {
	domain: string;
	/** A pinned version, or null for the index's latest. */
	version: string | null;
	/** Checked and ending in `/` (normalizeBaseUrl). */
	baseUrl: string;
	out: string;
	timeoutMs: number;
	/** Show a progress line on stderr. */
	progress?: boolean;
	/** How the file is written: node:fs, or a test's full disk. */
	io?: WriteIo;
}

/**
 * Downloads the chosen release to `out`: index.json, then the bundle byte for byte into a
 * temporary file in `out`'s folder, checked as an ATT&CK bundle of the domain and version, then
 * renamed over `out`. On any failure the temporary file is removed and `out` is as it was.
 */
export async function fetchBundle(opts: FetchOptions): Promise<FetchResult> {
	const target = checkOut(opts.out);
	const io = opts.io ?? nodeIo;
	removeStaleParts(target);
	const idx = indexUrl(opts.baseUrl);
	const plan = planDownload(await getText(idx, { timeoutMs: opts.timeoutMs }), idx, opts.baseUrl, { domain: opts.domain, version: opts.version });

	const temp = path.join(path.dirname(target), partName(path.basename(target), process.pid, randomBytes(4).toString("hex")));
	let fd: number | null = null;
	const cleanUp = () => {
		if (fd !== null) {
			try {
				io.closeSync(fd);
			} catch {
				// Already closed.
			}
			fd = null;
		}
		rmSync(temp, { force: true });
	};
	// Ctrl-C during a long download: no partial file left behind.
	const onSignal = (signal: NodeJS.Signals) => {
		cleanUp();
		process.stderr.write(`\nattack-sync: interrupted; nothing was saved.\n`);
		process.exit(signal === "SIGINT" ? 130 : 143);
	};
	process.once("SIGINT", onSignal);
	process.once("SIGTERM", onSignal);
	const progress = opts.progress === true ? progressLine(plan.url) : undefined;
	try {
		try {
			fd = io.openSync(temp, "wx");
		} catch (err) {
			throw new UserError(`${opts.out}: a temporary file cannot be created in its folder (${messageOf(err)}).`);
		}
		const file = fd;
		const { bytes } = await get(
			plan.url,
			(chunk) => {
				try {
					// Every byte: on a nearly full disk one write may take only part of the chunk.
					writeAll(io, file, chunk);
				} catch (err) {
					throw new SinkError(`${opts.out}: could not be written (${messageOf(err)}); nothing was saved.`);
				}
			},
			{ timeoutMs: opts.timeoutMs, onProgress: progress?.update },
		);
		progress?.done();
		try {
			io.fsyncSync(file);
			fd = null;
			io.closeSync(file);
		} catch (err) {
			throw new UserError(`${opts.out}: could not be written (${messageOf(err)}); nothing was saved.`);
		}
		checkBundle(readFileSync(temp, "utf8"), plan);
		try {
			renameSync(temp, target);
		} catch (err) {
			throw new UserError(`${opts.out}: could not be written (${messageOf(err)}); nothing was saved.`);
		}
		return { domain: plan.domain, version: plan.version, url: plan.url, bytes, out: opts.out };
	} catch (err) {
		progress?.done();
		cleanUp();
		throw err;
	} finally {
		process.removeListener("SIGINT", onSignal);
		process.removeListener("SIGTERM", onSignal);
	}
}

/**
 * Removes the `.part` files a killed fetch to the same --out left beside it (write-file.ts says
 * which count as left: exactly this pattern, regular files, their process gone or idle 10 min).
 */
function removeStaleParts(target: string): void {
	const dir = path.dirname(target);
	const base = path.basename(target);
	let names: string[];
	try {
		names = readdirSync(dir);
	} catch {
		return;
	}
	for (const name of names) {
		const pid = partPid(name, base);
		if (pid === null) continue;
		const file = path.join(dir, name);
		try {
			const st = lstatSync(file);
			if (st.isFile() && isStale(pid, st.mtimeMs)) rmSync(file);
		} catch {
			// Gone meanwhile, or not ours to remove.
		}
	}
}

/** Where to rename the download: `out`, or the file it links to. Checked before any download. */
function checkOut(out: string): string {
	const abs = path.resolve(out);
	let target = abs;
	try {
		target = realpathSync(abs);
	} catch {
		// A new file (or a dangling link, which the rename replaces).
	}
	try {
		if (statSync(target).isDirectory()) throw new UserError(`${out}: is a folder; --out takes a file name.`);
	} catch (err) {
		if (err instanceof UserError) throw err;
	}
	const dir = path.dirname(target);
	let dirOk = false;
	try {
		dirOk = statSync(dir).isDirectory();
	} catch {
		dirOk = false;
	}
	if (!dirOk) throw new UserError(`${out}: its folder ${path.dirname(out)} does not exist.`);
	return target;
}

function progressLine(url: string) {
	let last = 0;
	let shown = false;
	const mb = (n: number) => (n / 1_048_576).toFixed(1);
	return {
		update: (received: number, total: number | null) => {
			const now = Date.now();
			if (now - last < 200) return;
			last = now;
			shown = true;
			process.stderr.write(`\rdownloading ${path.posix.basename(new URL(url).pathname)}: ${mb(received)}${total === null ? "" : ` of ${mb(total)}`} MB`);
		},
		done: () => {
			if (shown) process.stderr.write("\n");
			shown = false;
		},
	};
}
