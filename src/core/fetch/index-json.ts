/**
 * Downloading an ATT&CK release, the parts that need no network: reading the attack-stix-data
 * `index.json`, choosing a version, rebasing its URLs onto a mirror, checking the downloaded
 * bundle, and the messages. The CLI (`src/cli/download.ts`, node:http) and the plugin
 * (Obsidian's `requestUrl`) do the transfers; both go through these functions:
 *
 *   const url = indexUrl(base);                          // GET it
 *   const target = planDownload(text, url, base, { domain, version });
 *   // GET target.url (byte for byte), then
 *   checkBundle(bundleText, target);                     // throws a UserError, or the model
 *
 * No Node built-ins and no `obsidian` here: the core runs on mobile.
 */
import { loadBundle, type AttackModel } from "../attack/model";
import { UserError } from "../errors";

/** Where MITRE publishes the bundles; the index's own URLs all start with it. */
export const DEFAULT_BASE_URL = "https://raw.githubusercontent.com/mitre-attack/attack-stix-data/master/";

/**
 * The domains ATT&CK publishes today, and the only ones the plugin keeps data for: its cache file
 * names come from this list, never from a bundle (whose matrix could name `../../x`).
 */
export const KNOWN_DOMAINS = ["enterprise-attack", "mobile-attack", "ics-attack"] as const;

export type KnownDomain = (typeof KNOWN_DOMAINS)[number];

/** The entry of KNOWN_DOMAINS equal to `domain`, or null. */
export function knownDomain(domain: string): KnownDomain | null {
	return KNOWN_DOMAINS.find((d) => d === domain) ?? null;
}

/** A domain, quoted for a message: on one line and short, whatever a bundle put in it. */
function quoteDomain(domain: string): string {
	const quoted = JSON.stringify(domain);
	return quoted.length > 80 ? `${quoted.slice(0, 76)}..."` : quoted;
}

/** `domain` as one of KNOWN_DOMAINS; a UserError sentence for anything else. */
export function checkDomain(domain: string): KnownDomain {
	const known = knownDomain(domain);
	if (known === null) throw new UserError(`${quoteDomain(domain)} is not an ATT&CK domain; ATT&CK Sync knows ${listWords(KNOWN_DOMAINS)}.`);
	return known;
}

/** The domain of a bundle from `source` as one of KNOWN_DOMAINS; a UserError sentence for anything else. */
export function checkBundleDomain(domain: string, source: string): KnownDomain {
	const known = knownDomain(domain);
	if (known === null) throw new UserError(`${source} is a bundle of ${quoteDomain(domain)}, not of ${KNOWN_DOMAINS.join(", ").replace(/, ([^,]*)$/, " or $1")}; nothing was saved.`);
	return known;
}

/** One release of one domain, as the index lists it. */
export interface IndexVersion {
	/** `18.1`; a few old ones carry a suffix (`11.2-beta`). */
	version: string;
	/** The URL as the index gives it (raw.githubusercontent.com). */
	url: string;
	/** ISO date, or null when the index leaves it out. */
	modified: string | null;
	/** The folder the URL names (`enterprise-attack`), or null when it names none. */
	domain: string | null;
}

export interface IndexCollection {
	/** "Enterprise ATT&CK"; for messages only, domains are matched by URL. */
	name: string;
	versions: IndexVersion[];
}

export interface AttackIndex {
	collections: IndexCollection[];
}

/** What to download and what it must turn out to be. */
export interface DownloadTarget {
	domain: string;
	version: string;
	/** The bundle's URL on the base URL. */
	url: string;
	/** The URL the index lists, before rebasing. */
	indexedUrl: string;
	modified: string | null;
}

/** One sentence: what could not be downloaded and why (`HTTP 404 Not Found`, `connection refused`). */
export function downloadFailure(url: string, reason: string): string {
	return `could not download ${url}: ${reason.replace(/\.+$/, "")}.`;
}

const STATUS_TEXT: Record<number, string> = {
	400: "Bad Request",
	401: "Unauthorized",
	403: "Forbidden",
	404: "Not Found",
	408: "Request Timeout",
	410: "Gone",
	429: "Too Many Requests",
	500: "Internal Server Error",
	502: "Bad Gateway",
	503: "Service Unavailable",
	504: "Gateway Timeout",
};

/** `HTTP 404 Not Found`; requestUrl gives no status text, so common ones are filled in. */
export function httpStatusReason(status: number, statusText?: string | null): string {
	const text = statusText?.trim() || STATUS_TEXT[status] || "";
	return `HTTP ${status}${text ? ` ${text}` : ""}`;
}

/**
 * A network error in words, from Node's codes (`ECONNREFUSED`) or Chromium's messages
 * (`net::ERR_CONNECTION_REFUSED`, what requestUrl throws on desktop). Unknown errors keep their message.
 */
export function networkErrorReason(err: { code?: unknown; message?: unknown }, timeoutMs?: number): string {
	const code = typeof err.code === "string" ? err.code : "";
	const message = typeof err.message === "string" ? err.message : "unknown error";
	const net = /net::(ERR_[A-Z_]+)/.exec(message)?.[1] ?? "";
	const is = (...names: string[]) => names.includes(code) || names.includes(net);
	if (is("ECONNREFUSED", "ERR_CONNECTION_REFUSED")) return "the connection was refused (is the server running?)";
	if (is("ENOTFOUND", "EAI_AGAIN", "EAI_NONAME", "ERR_NAME_NOT_RESOLVED")) return "the host name could not be resolved (offline, or a wrong URL?)";
	if (is("ENETUNREACH", "EHOSTUNREACH", "ERR_INTERNET_DISCONNECTED", "ERR_NETWORK_CHANGED", "ERR_ADDRESS_UNREACHABLE")) return "the network is unreachable (offline?)";
	if (is("ECONNRESET", "EPIPE", "ERR_CONNECTION_RESET", "ERR_CONNECTION_CLOSED", "ERR_EMPTY_RESPONSE")) return "the connection was cut off";
	if (is("ETIMEDOUT", "ERR_TIMED_OUT", "ERR_CONNECTION_TIMED_OUT")) return timeoutMs === undefined ? "no answer in time" : `no answer for ${formatSeconds(timeoutMs)}`;
	if (/certificate|CERT_|SSL|TLS/i.test(code + net + message)) return `a secure connection could not be made (${oneLine(message)})`;
	return oneLine(message) || "unknown error";
}

export function formatSeconds(ms: number): string {
	const s = ms / 1000;
	return `${Number.isInteger(s) ? s : s.toFixed(s < 1 ? 2 : 1)} s`;
}

/** `1 s`, `90 s`, `30 min`. */
export function formatDuration(ms: number): string {
	return ms >= 120_000 ? `${Math.round(ms / 60_000)} min` : formatSeconds(ms);
}

/**
 * How long a whole fetch (index.json and the bundle) may take: a 45 MB bundle at 256 kbit/s
 * takes about 25 minutes, and a server sending a byte a second must not keep it going for ever.
 */
export const FETCH_DEADLINE_MS = 30 * 60_000;

/** Why a download was given up at the deadline, as a clause. `bytes`: what had arrived, when known. */
export function deadlineReason(ms: number, bytes: number | null): string {
	return `it took longer than ${formatDuration(ms)}${bytes === null ? "" : ` (${bytes.toLocaleString("en-US")} bytes arrived in that time)`}`;
}

function oneLine(s: string): string {
	return s.replace(/\s+/g, " ").trim().replace(/\.+$/, "");
}

/**
 * The base URL, checked and ending in `/` (so `new URL("index.json", base)` stays under it).
 * Throws a UserError for anything that is not an http(s) folder URL.
 */
export function normalizeBaseUrl(base: string): string {
	let url: URL;
	try {
		url = new URL(base);
	} catch {
		throw new UserError(`the base URL must be an http:// or https:// URL, not "${base}".`);
	}
	if (url.protocol !== "http:" && url.protocol !== "https:") throw new UserError(`the base URL must be an http:// or https:// URL, not "${base}".`);
	if (url.search !== "" || url.hash !== "") throw new UserError(`the base URL must be a folder's URL, without "?" or "#", not "${base}".`);
	if (!url.pathname.endsWith("/")) url.pathname += "/";
	return url.href;
}

/** `<base>index.json`. */
export function indexUrl(base: string): string {
	return `${normalizeBaseUrl(base)}index.json`;
}

/**
 * Where relative URLs in the index are resolved, to read their path with the URL parser. A URL
 * that resolves to another origin names a host of its own (`//h/`, `\\h`, `/\t//h`).
 */
const RELATIVE_ROOT = "http://relative.invalid/";

/** An index URL parsed as a browser (and Node's fetch) would parse it: relative ones against RELATIVE_ROOT. */
function parseIndexUrl(url: string): URL | null {
	try {
		return new URL(url, RELATIVE_ROOT);
	} catch {
		return null;
	}
}

/** The path segment a domain's files live under (`enterprise-attack/`), taken from a URL. */
function domainOfUrl(url: string): string | null {
	const parts = (parseIndexUrl(url)?.pathname ?? "").split("/").filter((p) => p !== "");
	// `<domain>/<domain>-<version>.json`: the folder before the file name.
	return parts.length >= 2 ? decodeSegment(parts[parts.length - 2]) : null;
}

function decodeSegment(segment: string): string {
	try {
		return decodeURIComponent(segment);
	} catch {
		return segment;
	}
}

/** Reads `index.json`. `source` (its URL) names it in messages. */
export function parseIndex(text: string, source: string): AttackIndex {
	const what = `${source} is not an ATT&CK index`;
	if (text.trim() === "") throw new UserError(`${what}: it is empty.`);
	let parsed: unknown;
	try {
		parsed = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
	} catch (err) {
		const html = /^\s*</.test(text) ? "it is an HTML page, not JSON" : `not valid JSON (${oneLine(err instanceof Error ? err.message : String(err))})`;
		throw new UserError(`${what}: ${html}.`);
	}
	if (!isObject(parsed) || !Array.isArray(parsed.collections)) throw new UserError(`${what}: it has no "collections" list.`);
	const collections: IndexCollection[] = [];
	parsed.collections.forEach((c: unknown, i: number) => {
		const where = `collection ${i + 1}`;
		if (!isObject(c)) throw new UserError(`${what}: ${where} is not an object.`);
		const name = typeof c.name === "string" ? c.name : where;
		if (!Array.isArray(c.versions)) throw new UserError(`${what}: "${name}" has no "versions" list.`);
		const versions = c.versions.map((v: unknown, j: number): IndexVersion => {
			if (!isObject(v) || typeof v.version !== "string" || v.version.trim() === "" || typeof v.url !== "string" || v.url.trim() === "") {
				throw new UserError(`${what}: version ${j + 1} of "${name}" has no "version" and "url".`);
			}
			return {
				version: v.version.trim(),
				url: v.url.trim(),
				modified: typeof v.modified === "string" ? v.modified : null,
				domain: domainOfUrl(v.url.trim()),
			};
		});
		collections.push({ name, versions });
	});
	return { collections };
}

function isObject(v: unknown): v is Record<string, unknown> {
	return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The domains an index has files for, in its order. */
export function domainsOf(index: AttackIndex): string[] {
	const seen = new Set<string>();
	for (const c of index.collections) for (const v of c.versions) if (v.domain !== null) seen.add(v.domain);
	return [...seen];
}

/** A domain's releases, matched by the folder in their URLs (names change; folders have not). */
export function versionsOf(index: AttackIndex, domain: string): IndexVersion[] {
	return index.collections.flatMap((c) => c.versions.filter((v) => v.domain === domain));
}

interface ParsedVersion {
	numbers: number[];
	pre: string | null;
}

function parseVersion(v: string): ParsedVersion | null {
	const m = /^v?(\d+(?:\.\d+)*)(?:-([0-9A-Za-z.-]+))?$/.exec(v.trim());
	if (!m) return null;
	return { numbers: m[1].split(".").map(Number), pre: m[2] ?? null };
}

/**
 * Orders versions by their numbers (9.0 < 10.0 < 10.1), a pre-release below its release
 * (11.2-beta < 11.2), and anything unreadable below every readable version.
 */
export function compareVersions(a: string, b: string): number {
	const pa = parseVersion(a);
	const pb = parseVersion(b);
	if (!pa || !pb) return pa ? 1 : pb ? -1 : a < b ? -1 : a > b ? 1 : 0;
	for (let i = 0; i < Math.max(pa.numbers.length, pb.numbers.length); i++) {
		const d = (pa.numbers[i] ?? 0) - (pb.numbers[i] ?? 0);
		if (d !== 0) return Math.sign(d);
	}
	if (pa.pre === pb.pre) return 0;
	if (pa.pre === null) return 1;
	if (pb.pre === null) return -1;
	return pa.pre < pb.pre ? -1 : 1;
}

/** Whether a string is a version `--version` can name (`18.1`, `11.2-beta`). */
export function isVersionString(v: string): boolean {
	return /^v?\d+(?:\.\d+)+(?:-[0-9A-Za-z.-]+)?$/.test(v.trim());
}

function isPrerelease(v: string): boolean {
	return parseVersion(v)?.pre != null;
}

/** The highest release; pre-releases only when the domain has nothing else. */
export function latestVersion(versions: readonly IndexVersion[]): IndexVersion | null {
	const pool = versions.some((v) => !isPrerelease(v.version)) ? versions.filter((v) => !isPrerelease(v.version)) : versions;
	let best: IndexVersion | null = null;
	for (const v of pool) if (best === null || compareVersions(v.version, best.version) > 0) best = v;
	return best;
}

/**
 * The index entry for `version` of `domain`, or the latest when `version` is null. Throws a
 * UserError naming what the index does have. `source` is the index's URL, for messages.
 */
export function chooseVersion(index: AttackIndex, domain: string, version: string | null, source: string): IndexVersion {
	const versions = versionsOf(index, domain);
	if (versions.length === 0) {
		const domains = domainsOf(index);
		const has = domains.length === 0 ? "it lists none" : `it lists ${listWords(domains)}`;
		throw new UserError(`the ATT&CK index ${source} has no domain "${domain}"; ${has}.`);
	}
	if (version === null) {
		// Not null: versions is not empty.
		return latestVersion(versions) as IndexVersion;
	}
	const wanted = version.trim().replace(/^v/i, "");
	const found = versions.find((v) => v.version === wanted) ?? versions.find((v) => compareVersions(v.version, wanted) === 0 && parseVersion(wanted) !== null);
	if (found) return found;
	const latest = latestVersion(versions);
	throw new UserError(`${domain} ${wanted} is not in the ATT&CK index ${source}; the latest there is ${latest?.version ?? "unknown"}.`);
}

/**
 * The index's URL for a file, moved onto `base`: the index points at
 * `https://raw.githubusercontent.com/mitre-attack/attack-stix-data/master/<rest>`; `<rest>`
 * (`enterprise-attack/enterprise-attack-18.1.json`) is kept and put after `base`. A URL
 * elsewhere keeps its path from the domain's folder on; a relative one is taken as `<rest>`.
 *
 * Only a path is ever taken from the index: each URL is read with the URL parser (which turns
 * `\` into `/` and drops tabs and newlines, as fetch does), its path is put under the base URL's
 * path, and the result must be on the base URL's host. So a hostile index cannot send the
 * download elsewhere (`\\host/...`, `/\t//host/...`, `http://base@host/...`).
 */
export function rebaseUrl(url: string, base: string): string {
	const root = new URL(normalizeBaseUrl(base));
	const refuse = (why = "which is not a file under attack-stix-data; cannot tell where it is under") =>
		new UserError(`the ATT&CK index lists ${JSON.stringify(url).slice(1, -1)}, ${why} ${root.href}.`);
	const parsed = parseIndexUrl(url);
	if (parsed === null) throw refuse();
	const github = new URL(DEFAULT_BASE_URL);
	let rest: string | null = null;
	if (parsed.origin === new URL(RELATIVE_ROOT).origin) {
		// Relative: `enterprise-attack/...`, `./...` or `/...`, dot segments already resolved.
		rest = parsed.pathname;
	} else if (parsed.origin === github.origin && parsed.pathname.startsWith(github.pathname)) {
		rest = parsed.pathname.slice(github.pathname.length);
	} else {
		// `<domain>/<file>`: the last two segments.
		const parts = parsed.pathname.split("/");
		if (parts.length >= 3 && parts[parts.length - 2] !== "") rest = parts.slice(-2).join("/");
	}
	rest = rest?.replace(/^\/+/, "") ?? "";
	if (rest === "") throw refuse();
	const out = new URL(root.href);
	out.pathname = `${root.pathname}${rest}`;
	if (out.origin !== root.origin || out.username !== "" || out.password !== "" || !out.pathname.startsWith(root.pathname)) {
		throw refuse("which is not on");
	}
	return out.href;
}

/** Reads the index and settles what to download: the version (pinned or latest) and its URL on `base`. */
export function planDownload(indexText: string, indexSource: string, base: string, want: { domain: string; version?: string | null }): DownloadTarget {
	const index = parseIndex(indexText, indexSource);
	const entry = chooseVersion(index, want.domain, want.version ?? null, indexSource);
	return { domain: want.domain, version: entry.version, url: rebaseUrl(entry.url, base), indexedUrl: entry.url, modified: entry.modified };
}

/** Release numbers equal, a pre-release suffix aside (the 11.2-beta bundle calls itself 11.2). */
function sameRelease(a: string, b: string): boolean {
	const strip = (v: string) => v.trim().replace(/^v/i, "").replace(/-.*$/, "");
	return a.trim() === b.trim() || compareVersions(strip(a), strip(b)) === 0;
}

/**
 * Checks a downloaded bundle before it is kept: an ATT&CK STIX bundle of the expected domain,
 * and of the chosen version when the bundle says (STIX 2.1 collections do). Returns the model;
 * throws one UserError sentence naming the URL otherwise.
 */
export function checkBundle(text: string, target: DownloadTarget): AttackModel {
	if (/^\s*</.test(text)) throw new UserError(`${target.url} sent an HTML page, not an ATT&CK STIX bundle; nothing was saved.`);
	return checkModel(loadBundle(text, target.url), target);
}

/** The checks of checkBundle on a model already built (the plugin parses the bundle once). */
export function checkModel(model: AttackModel, target: DownloadTarget): AttackModel {
	if (model.domain !== target.domain) {
		throw new UserError(`${target.url} holds ${model.domain}, not ${target.domain}; nothing was saved.`);
	}
	if (model.attackVersion !== null && !sameRelease(model.attackVersion, target.version)) {
		throw new UserError(`${target.url} holds ATT&CK ${model.attackVersion}, not the ${target.version} the index lists; nothing was saved.`);
	}
	return model;
}

function listWords(items: readonly string[]): string {
	if (items.length <= 1) return items.join("");
	return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

/** What a download saved, as the CLI's `--json` prints it. */
export interface FetchResult {
	domain: string;
	version: string;
	url: string;
	bytes: number;
	out: string;
}

/** One line for people: `Saved enterprise-attack 18.1 (45,123,456 bytes) to attack.json.` */
export function formatFetched(r: FetchResult): string {
	return `Saved ${r.domain} ${r.version} (${r.bytes.toLocaleString("en-US")} bytes) from ${r.url} to ${r.out}.`;
}

/** The release a bundle file names (`enterprise-attack-18.1.json`, `...-18.1.stix20.json`), for bundles that do not say. */
export function versionFromFileName(file: string): string | null {
	return /-(\d+\.\d+)(?:[.-][a-z][a-z0-9]*)*\.json$/i.exec(file)?.[1] ?? null;
}
