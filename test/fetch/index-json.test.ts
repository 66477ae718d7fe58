// The network-free half of `fetch`: reading index.json, choosing a version, rebasing URLs,
// checking what was downloaded, and the messages.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { UserError } from "../../src/core/errors";
import {
	DEFAULT_BASE_URL,
	checkBundle,
	chooseVersion,
	compareVersions,
	domainsOf,
	downloadFailure,
	formatFetched,
	httpStatusReason,
	indexUrl,
	isVersionString,
	latestVersion,
	networkErrorReason,
	normalizeBaseUrl,
	parseIndex,
	planDownload,
	rebaseUrl,
	versionsOf,
	type DownloadTarget,
} from "../../src/core/fetch/index-json";
import { ENTERPRISE_FIXTURE, FIXTURES, MOBILE_FIXTURE, SHARED_STIX, readText } from "../helpers/paths";

const SRC = "https://example.test/index.json";
const FIXTURE_INDEX = readText(path.join(FIXTURES, "attack-index.json"));
const SHARED_INDEX = path.join(SHARED_STIX, "index.json");

function entry(domain: string, version: string) {
	return { version, url: `${DEFAULT_BASE_URL}${domain}/${domain}-${version}.json`, modified: "2025-01-01T00:00:00.000Z" };
}

function indexText(collections: { name: string; versions: ReturnType<typeof entry>[] }[]): string {
	return JSON.stringify({ id: "x", name: "MITRE ATT&CK", collections });
}

/** The UserError a call throws, as its message. */
function failure(f: () => unknown): string {
	try {
		f();
	} catch (err) {
		expect(err).toBeInstanceOf(UserError);
		return (err as Error).message;
	}
	throw new Error("expected a UserError");
}

describe("compareVersions", () => {
	it("orders by number, not by string", () => {
		expect(compareVersions("9.0", "10.0")).toBeLessThan(0);
		expect(compareVersions("10.0", "9.0")).toBeGreaterThan(0);
		expect(compareVersions("18.1", "18.0")).toBeGreaterThan(0);
		expect(compareVersions("2.10", "2.9")).toBeGreaterThan(0);
		expect(compareVersions("18.1", "18.1")).toBe(0);
		expect(compareVersions("18.1", "18.1.0")).toBe(0);
		const sorted = ["10.0", "1.0", "9.0", "18.1", "11.2-beta", "11.2", "2.0", "11.10"].sort(compareVersions);
		expect(sorted).toEqual(["1.0", "2.0", "9.0", "10.0", "11.2-beta", "11.2", "11.10", "18.1"]);
	});

	it("puts unreadable versions below every readable one", () => {
		expect(compareVersions("latest", "1.0")).toBeLessThan(0);
		expect(compareVersions("1.0", "latest")).toBeGreaterThan(0);
	});

	it("tells what --version accepts", () => {
		for (const v of ["18.1", "9.0", "11.2-beta", "v17.1", "18.1.0"]) expect(isVersionString(v), v).toBe(true);
		for (const v of ["18", "latest", "18.x", "", "1.2.", "../18.1"]) expect(isVersionString(v), v).toBe(false);
	});
});

describe("parseIndex", () => {
	it("reads the committed copy, matching domains by URL folder", () => {
		const index = parseIndex(FIXTURE_INDEX, SRC);
		expect(index.collections.map((c) => c.name)).toEqual(["Enterprise ATT&CK", "Mobile ATT&CK", "ICS ATT&CK"]);
		expect(domainsOf(index)).toEqual(["enterprise-attack", "mobile-attack", "ics-attack"]);
		expect(versionsOf(index, "mobile-attack").map((v) => v.version)).toContain("11.2-beta");
		expect(versionsOf(index, "pre-attack")).toEqual([]);
	});

	it.skipIf(!existsSync(SHARED_INDEX))("reads the real index.json, where every domain's latest is 18.1", () => {
		const index = parseIndex(readFileSync(SHARED_INDEX, "utf8"), SRC);
		for (const domain of ["enterprise-attack", "mobile-attack", "ics-attack"]) {
			expect(latestVersion(versionsOf(index, domain))?.version, domain).toBe("18.1");
			expect(versionsOf(index, domain).every((v) => v.url.includes(`/${domain}/${domain}-`)), domain).toBe(true);
		}
	});

	it("matches by URL, not by the collection's name", () => {
		const index = parseIndex(indexText([{ name: "Something Renamed", versions: [entry("ics-attack", "18.1")] }]), SRC);
		expect(chooseVersion(index, "ics-attack", null, SRC).version).toBe("18.1");
		// A folder that merely ends like another domain is not it.
		const pre = parseIndex(indexText([{ name: "PRE-ATT&CK", versions: [entry("pre-attack", "1.0")] }]), SRC);
		expect(versionsOf(pre, "attack")).toEqual([]);
		expect(versionsOf(pre, "pre-attack")).toHaveLength(1);
	});

	it("says what is wrong with a malformed index, naming it", () => {
		const cases: [string, string][] = [
			["", "it is empty"],
			["   \n", "it is empty"],
			['{"collections": [', "not valid JSON"],
			["<!DOCTYPE html><html><body>Not here</body></html>", "it is an HTML page"],
			["[]", 'no "collections" list'],
			['{"collections": {}}', 'no "collections" list'],
			['{"type": "bundle", "objects": []}', 'no "collections" list'],
			['{"collections": [7]}', "collection 1 is not an object"],
			['{"collections": [{"name": "Enterprise ATT&CK"}]}', '"Enterprise ATT&CK" has no "versions" list'],
			['{"collections": [{"name": "Mobile ATT&CK", "versions": [{"version": "1.0"}]}]}', 'version 1 of "Mobile ATT&CK" has no "version" and "url"'],
			['{"collections": [{"versions": [{"url": "a/b.json", "version": 18.1}]}]}', 'version 1 of "collection 1"'],
		];
		for (const [text, why] of cases) {
			const message = failure(() => parseIndex(text, SRC));
			expect(message, text).toContain(`${SRC} is not an ATT&CK index`);
			expect(message, text).toContain(why);
			expect(message.split("\n"), text).toHaveLength(1);
		}
	});

	it("accepts a byte order mark and fields it does not read", () => {
		const text = "\ufeff" + JSON.stringify({ collections: [{ name: "E", extra: 1, versions: [{ ...entry("enterprise-attack", "1.0"), more: true }] }] });
		expect(versionsOf(parseIndex(text, SRC), "enterprise-attack")[0]).toMatchObject({ version: "1.0", domain: "enterprise-attack" });
	});
});

describe("chooseVersion", () => {
	const index = parseIndex(
		indexText([
			{ name: "Enterprise ATT&CK", versions: ["9.0", "10.0", "2.0", "10.1", "1.0"].map((v) => entry("enterprise-attack", v)) },
			{ name: "Mobile ATT&CK", versions: ["11.2-beta", "11.1", "9.0"].map((v) => entry("mobile-attack", v)) },
			{ name: "Beta only", versions: [entry("beta-attack", "1.0-beta"), entry("beta-attack", "0.9-beta")] },
		]),
		SRC,
	);

	it("takes the highest version by number when none is pinned, wherever the index lists it", () => {
		expect(chooseVersion(index, "enterprise-attack", null, SRC).version).toBe("10.1");
	});

	it("prefers a release to a pre-release for the latest, unless there is no release", () => {
		expect(chooseVersion(index, "mobile-attack", null, SRC).version).toBe("11.1");
		expect(chooseVersion(index, "beta-attack", null, SRC).version).toBe("1.0-beta");
	});

	it("finds a pinned version, pre-releases included", () => {
		expect(chooseVersion(index, "enterprise-attack", "9.0", SRC).url).toBe(`${DEFAULT_BASE_URL}enterprise-attack/enterprise-attack-9.0.json`);
		expect(chooseVersion(index, "enterprise-attack", "v2.0", SRC).version).toBe("2.0");
		expect(chooseVersion(index, "mobile-attack", "11.2-beta", SRC).version).toBe("11.2-beta");
	});

	it("names the latest when a pinned version is not listed", () => {
		expect(failure(() => chooseVersion(index, "enterprise-attack", "19.0", SRC))).toBe(
			`enterprise-attack 19.0 is not in the ATT&CK index ${SRC}; the latest there is 10.1.`,
		);
		// 11.2 is only a beta: no silent swap.
		expect(failure(() => chooseVersion(index, "mobile-attack", "11.2", SRC))).toContain("mobile-attack 11.2 is not in the ATT&CK index");
	});

	it("names the domains the index has when asked for another", () => {
		expect(failure(() => chooseVersion(index, "enterprise", null, SRC))).toBe(
			`the ATT&CK index ${SRC} has no domain "enterprise"; it lists enterprise-attack, mobile-attack and beta-attack.`,
		);
		expect(failure(() => chooseVersion(parseIndex('{"collections": []}', SRC), "ics-attack", null, SRC))).toContain("it lists none");
	});
});

describe("rebaseUrl", () => {
	const file = "enterprise-attack/enterprise-attack-18.1.json";

	it("keeps the path after attack-stix-data/master/ and puts it after the base URL", () => {
		expect(rebaseUrl(`${DEFAULT_BASE_URL}${file}`, "http://127.0.0.1:8080/")).toBe(`http://127.0.0.1:8080/${file}`);
		expect(rebaseUrl(`${DEFAULT_BASE_URL}${file}`, "http://127.0.0.1:8080")).toBe(`http://127.0.0.1:8080/${file}`);
		expect(rebaseUrl(`${DEFAULT_BASE_URL}${file}`, "https://mirror.example/attack/data/")).toBe(`https://mirror.example/attack/data/${file}`);
		expect(rebaseUrl(`${DEFAULT_BASE_URL}${file}`, DEFAULT_BASE_URL)).toBe(`${DEFAULT_BASE_URL}${file}`);
	});

	it("takes relative URLs as paths under the base, and other hosts' URLs from the domain's folder", () => {
		expect(rebaseUrl(file, "http://h/base/")).toBe(`http://h/base/${file}`);
		expect(rebaseUrl(`./${file}`, "http://h/base/")).toBe(`http://h/base/${file}`);
		expect(rebaseUrl(`/${file}`, "http://h/base/")).toBe(`http://h/base/${file}`);
		expect(rebaseUrl(`https://other.example/x/y/${file}`, "http://h/")).toBe(`http://h/${file}`);
		expect(failure(() => rebaseUrl("https://other.example/bundle.json", "http://h/"))).toContain("cannot tell where it is under http://h/");
	});

	it("checks and completes the base URL", () => {
		expect(normalizeBaseUrl("http://127.0.0.1:9")).toBe("http://127.0.0.1:9/");
		expect(normalizeBaseUrl("https://h/a")).toBe("https://h/a/");
		expect(indexUrl("https://h/a")).toBe("https://h/a/index.json");
		expect(indexUrl(DEFAULT_BASE_URL)).toBe(`${DEFAULT_BASE_URL}index.json`);
		for (const bad of ["ftp://h/", "not a url", "file:///tmp/", "http://h/?x=1"]) expect(failure(() => normalizeBaseUrl(bad)), bad).toMatch(/^the base URL must be/);
	});

	it("plans a download end to end from the committed index", () => {
		const plan = planDownload(FIXTURE_INDEX, SRC, "http://127.0.0.1:1234", { domain: "mobile-attack" });
		expect(plan).toEqual({
			domain: "mobile-attack",
			version: "18.1",
			url: "http://127.0.0.1:1234/mobile-attack/mobile-attack-18.1.json",
			indexedUrl: `${DEFAULT_BASE_URL}mobile-attack/mobile-attack-18.1.json`,
			modified: expect.any(String) as unknown,
		});
		expect(planDownload(FIXTURE_INDEX, SRC, "http://h/", { domain: "enterprise-attack", version: "9.0" }).url).toBe("http://h/enterprise-attack/enterprise-attack-9.0.json");
	});
});

describe("checkBundle", () => {
	const target = (domain: string, version: string): DownloadTarget => ({ domain, version, url: `http://h/${domain}/${domain}-${version}.json`, indexedUrl: "", modified: null });

	it("accepts a bundle of the domain and version, or of the domain when it does not say its version", () => {
		expect(checkBundle(readText(MOBILE_FIXTURE), target("mobile-attack", "17.1")).attackVersion).toBe("17.1");
		expect(checkBundle(readText(ENTERPRISE_FIXTURE), target("enterprise-attack", "18.1")).attackVersion).toBeNull();
	});

	it("refuses another domain, another version, HTML and what is not a bundle, naming the URL", () => {
		expect(failure(() => checkBundle(readText(MOBILE_FIXTURE), target("mobile-attack", "18.1")))).toBe(
			"http://h/mobile-attack/mobile-attack-18.1.json holds ATT&CK 17.1, not the 18.1 the index lists; nothing was saved.",
		);
		expect(failure(() => checkBundle(readText(ENTERPRISE_FIXTURE), target("ics-attack", "18.1")))).toBe(
			"http://h/ics-attack/ics-attack-18.1.json holds enterprise-attack, not ics-attack; nothing was saved.",
		);
		expect(failure(() => checkBundle("\n<html><body>Rate limited</body></html>", target("ics-attack", "18.1")))).toContain("sent an HTML page");
		expect(failure(() => checkBundle('{"type": "bundle", "objects": [{"type": "attack-pat', target("ics-attack", "18.1")))).toContain("not valid JSON");
		expect(failure(() => checkBundle(FIXTURE_INDEX, target("ics-attack", "18.1")))).toContain("not a STIX bundle");
	});
});

describe("messages", () => {
	it("makes one sentence of a failure", () => {
		expect(downloadFailure("http://h/index.json", httpStatusReason(404, "Not Found"))).toBe("could not download http://h/index.json: HTTP 404 Not Found.");
		expect(httpStatusReason(503)).toBe("HTTP 503 Service Unavailable");
		expect(httpStatusReason(418, "")).toBe("HTTP 418");
		expect(downloadFailure("u", "gone.")).toBe("could not download u: gone.");
	});

	it("words Node's and Chromium's network errors", () => {
		expect(networkErrorReason({ code: "ECONNREFUSED", message: "connect ECONNREFUSED 127.0.0.1:9" })).toContain("refused");
		expect(networkErrorReason({ message: "net::ERR_CONNECTION_REFUSED" })).toContain("refused");
		expect(networkErrorReason({ code: "ENOTFOUND", message: "getaddrinfo ENOTFOUND x" })).toContain("could not be resolved");
		expect(networkErrorReason({ message: "net::ERR_INTERNET_DISCONNECTED" })).toContain("offline");
		expect(networkErrorReason({ code: "ETIMEDOUT", message: "" }, 60_000)).toBe("no answer for 60 s");
		expect(networkErrorReason({ code: "EWHATEVER", message: "something\nodd." })).toBe("something odd");
	});

	it("says what was saved", () => {
		expect(formatFetched({ domain: "enterprise-attack", version: "18.1", url: "http://h/e.json", bytes: 45123456, out: "e.json" })).toBe(
			"Saved enterprise-attack 18.1 (45,123,456 bytes) from http://h/e.json to e.json.",
		);
	});
});
