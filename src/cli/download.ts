/**
 * `attack-sync fetch`: the Node side of downloading an ATT&CK release. The choices (which
 * version, which URL, is it a bundle) are the core's (`src/core/fetch/index-json.ts`, shared with
 * the plugin); this file moves the bytes: node:http or node:https by the URL's protocol,
 * redirects on the same host followed (up to 5; to another host refused), the body streamed to
 * a temporary file beside `--out`, checked against Content-Length and a size cap, an inactivity
 * timeout and an overall deadline, and the temporary file removed on any failure.
 * Only a complete, checked bundle is renamed to `--out`; an older `--out` stays until then.
 */
import { randomBytes } from "node:crypto";
import { lstatSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, statSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import path from "node:path";
import { MAX_BUNDLE_BYTES, MAX_INDEX_BYTES, decodeUtf8, tooLargeReason } from "../core/attack/bytes";
import { UserError, messageOf } from "../core/errors";
import {
	FETCH_DEADLINE_MS,
	checkBundle,
	deadlineReason,
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
	/** The most bytes accepted: more (by Content-Length, or as they arrive) fails at once. */
	maxBytes: number;
	/** What is downloaded, for the message when it is too large. */
	what: "bundle" | "index";
	/** When the whole fetch must be over (Date.now() time), and how long it was given, for the message. */
	deadline?: { at: number; ms: number };
	/** Called as bytes arrive; `total` is the Content-Length when the server sends one. */
	onProgress?: (received: number, total: number | null) => void;
}

/** Where a body goes: memory for index.json, a file descriptor for the bundle. */
type Sink = (chunk: Buffer) => void;

/** A failure to write the body locally, told apart from the network's failures. */
class SinkError extends Error {}

/**
 * Whether a redirect from `from` to `to` stays on the same host (and port): the base URL decides
 * where ATT&CK data comes from, not a server's Location header. http to https is allowed.
 */
export function sameHost(from: URL, to: URL): boolean {
	if (to.host !== from.host || to.username !== "" || to.password !== "") return false;
	return to.protocol === from.protocol || (from.protocol === "http:" && to.protocol === "https:");
}

/**
 * GETs `url` into `sink`, following redirects on the same host (`first` is where the chain
 * started). Resolves with the byte count once the whole body has arrived (and matched
 * Content-Length); rejects with a UserError naming the URL otherwise.
 */
export function get(url: string, sink: Sink, opts: GetOptions, redirects = 0, first = url): Promise<{ bytes: number; url: string }> {
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
		let timer: NodeJS.Timeout | undefined;
		const settle = () => {
			settled = true;
			clearTimeout(timer);
		};
		const fail = (reason: string, err?: unknown) => {
			if (settled) return;
			settle();
			req.destroy();
			reject(err instanceof SinkError ? new UserError(err.message) : new UserError(downloadFailure(url, reason)));
		};
		const req = client.get(parsed, {
			headers: { "User-Agent": "attack-sync", Accept: "application/json, */*" },
			// Socket inactivity, from before the connection until the last byte.
			timeout: opts.timeoutMs,
		});
		// The whole fetch's deadline: a server sending a byte now and then never trips the inactivity timeout.
		const deadline = opts.deadline;
		if (deadline) {
			timer = setTimeout(
				() => fail(`${deadlineReason(deadline.ms, received)}; on a slow connection, allow more time with ATTACK_SYNC_FETCH_DEADLINE_MS`),
				Math.max(0, deadline.at - Date.now()),
			);
		}
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
				if (!sameHost(new URL(first), new URL(next))) {
					fail(`it redirects to another host (${next}), which is not followed`);
					return;
				}
				settle();
				get(next, sink, opts, redirects + 1, first).then(resolve, reject);
				return;
			}
			if (status !== 200) {
				res.resume();
				fail(httpStatusReason(status, res.statusMessage ?? http.STATUS_CODES[status]));
				return;
			}
			const header = res.headers["content-length"];
			const total = header !== undefined && /^\d+$/.test(header) ? Number(header) : null;
			if (total !== null && total > opts.maxBytes) {
				res.resume();
				fail(tooLargeReason(total, opts.maxBytes, opts.what));
				return;
			}
			res.on("data", (chunk: Buffer) => {
				if (settled) return;
				// No Content-Length (or a false one): stop at the cap, before the disk fills.
				if (received + chunk.length > opts.maxBytes) {
					fail(tooLargeReason(null, opts.maxBytes, opts.what));
					return;
				}
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
				settle();
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

/** GETs a small file (index.json) into memory, as UTF-8 text (anything else is a UserError). */
export async function getText(url: string, opts: GetOptions): Promise<string> {
	const chunks: Buffer[] = [];
	await get(url, (c) => chunks.push(c), opts);
	return decodeUtf8(Buffer.concat(chunks), url, "an ATT&CK index");
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
	/** The largest bundle accepted; MAX_BUNDLE_BYTES by default. */
	maxBytes?: number;
	/** How long the whole fetch (index and bundle) may take; FETCH_DEADLINE_MS by default. */
	deadlineMs?: number;
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
	const deadline = { at: Date.now() + (opts.deadlineMs ?? FETCH_DEADLINE_MS), ms: opts.deadlineMs ?? FETCH_DEADLINE_MS };
	const plan = planDownload(await getText(idx, { timeoutMs: opts.timeoutMs, maxBytes: MAX_INDEX_BYTES, what: "index", deadline }), idx, opts.baseUrl, {
		domain: opts.domain,
		version: opts.version,
	});

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
			{ timeoutMs: opts.timeoutMs, maxBytes: opts.maxBytes ?? MAX_BUNDLE_BYTES, what: "bundle", deadline, onProgress: progress?.update },
		);
		progress?.done();
		try {
			io.fsyncSync(file);
			fd = null;
			io.closeSync(file);
		} catch (err) {
			throw new UserError(`${opts.out}: could not be written (${messageOf(err)}); nothing was saved.`);
		}
		checkBundle(decodeUtf8(readFileSync(temp), plan.url), plan);
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
