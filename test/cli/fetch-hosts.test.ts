// `attack-sync fetch` against a hostile index.json: its URLs try every trick to send the download
// to another host (backslashes, tabs, `//host`, userinfo, ...), and the server redirects there.
// The base URL is a server on 127.0.0.1; "another host" is a second server on 127.0.0.2 that
// serves the same files and records every request. It must get none.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_BASE_URL } from "../../src/core/fetch/index-json";
import { HOSTILE_URLS } from "../helpers/hostile-urls";
import { ENTERPRISE_FIXTURE } from "../helpers/paths";
import { runCli } from "../helpers/cli";

const FILE = "enterprise-attack/enterprise-attack-18.1.json";
const ENTERPRISE = readFileSync(ENTERPRISE_FIXTURE);
const CASES = Object.entries(HOSTILE_URLS);

function indexListing(url: string): Buffer {
	return Buffer.from(JSON.stringify({ collections: [{ name: "Enterprise ATT&CK", versions: [{ version: "18.1", url, modified: "2025-01-01T00:00:00.000Z" }] }] }));
}

function send(res: http.ServerResponse, status: number, body: Buffer | string, headers: Record<string, string> = {}) {
	res.writeHead(status, { "Content-Length": Buffer.byteLength(body), Connection: "close", ...headers });
	res.end(body);
}

let good: http.Server;
let evil: http.Server;
let goodHost = "";
let evilHost = "";
/** Every request the other host received. */
const evilHits: string[] = [];

beforeAll(async () => {
	evil = http.createServer((req, res) => {
		evilHits.push(req.url ?? "");
		if (req.url?.endsWith("index.json")) send(res, 200, indexListing(`${DEFAULT_BASE_URL}${FILE}`));
		else send(res, 200, ENTERPRISE);
	});
	await new Promise<void>((resolve) => evil.listen(0, "127.0.0.2", resolve));
	evilHost = `127.0.0.2:${(evil.address() as AddressInfo).port}`;
	good = http.createServer((req, res) => {
		const [, site = "", ...rest] = (req.url ?? "/").split("/");
		const file = rest.join("/");
		const hostile = /^h(\d+)$/.exec(site);
		if (hostile && file === "index.json") return send(res, 200, indexListing(CASES[Number(hostile[1])][1](evilHost, goodHost)));
		if (site === "redirect-index" && file === "index.json") return send(res, 302, "", { Location: `http://${evilHost}/index.json` });
		if (file === "index.json") return send(res, 200, indexListing(`${DEFAULT_BASE_URL}${FILE}`));
		if (site === "redirect") return send(res, 301, "", { Location: `http://${evilHost}/${FILE}` });
		if (site === "redirect-backslashes") return send(res, 302, "", { Location: `\\\\${evilHost}/${FILE}` });
		if (site === "redirect-userinfo") return send(res, 302, "", { Location: `http://${goodHost}@${evilHost}/${FILE}` });
		// A redirect on the same host is followed.
		if (site === "moved") return send(res, 302, "", { Location: `/h0/${FILE}` });
		if (file.endsWith(FILE)) return send(res, 200, ENTERPRISE);
		send(res, 404, "not found");
	});
	await new Promise<void>((resolve) => good.listen(0, "127.0.0.1", resolve));
	goodHost = `127.0.0.1:${(good.address() as AddressInfo).port}`;
});

afterAll(async () => {
	for (const server of [good, evil]) {
		server.closeAllConnections();
		await new Promise((resolve) => server.close(resolve));
	}
});

const temps: string[] = [];
afterEach(() => {
	for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const cli = (args: string[]) => runCli(args);

async function fetchFrom(site: string) {
	const dir = mkdtempSync(path.join(tmpdir(), "attack-sync-hosts-"));
	temps.push(dir);
	const out = path.join(dir, "e.json");
	const base = `http://${goodHost}/${site}/`;
	return { ...(await cli(["fetch", "--domain", "enterprise-attack", "--base-url", base, "--out", out, "--json"])), dir, out, base };
}

describe("fetch: an index listing URLs on another host", () => {
	CASES.forEach(([what], i) => {
		it(`${what}: downloads from the base URL's host, never from the other`, async () => {
			evilHits.length = 0;
			const r = await fetchFrom(`h${i}`);
			expect(evilHits).toEqual([]);
			expect(r.code, r.stderr).toBe(0);
			const url = new URL((JSON.parse(r.stdout) as { url: string }).url);
			expect(url.host).toBe(goodHost);
			expect(url.pathname.startsWith(`/h${i}/`)).toBe(true);
			expect(readFileSync(r.out).equals(ENTERPRISE)).toBe(true);
		});
	});
});

describe("fetch: redirects", () => {
	it("follows one on the same host", async () => {
		const r = await fetchFrom("moved");
		expect(r.code, r.stderr).toBe(0);
		expect(readFileSync(r.out).equals(ENTERPRISE)).toBe(true);
	});

	for (const [site, file] of [
		["redirect", FILE],
		["redirect-backslashes", FILE],
		["redirect-userinfo", FILE],
		["redirect-index", "index.json"],
	]) {
		it(`refuses one to another host (${site}), in one sentence, saving nothing`, async () => {
			evilHits.length = 0;
			const r = await fetchFrom(site);
			expect(evilHits).toEqual([]);
			expect(r.code).toBe(1);
			expect(r.stdout).toBe("");
			expect(r.stderr).toMatch(new RegExp(`^attack-sync: could not download ${r.base.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}${file.replace(/\./g, "\\.")}: it redirects to another host \\(http://.*127\\.0\\.0\\.2:\\d+/[^)]*\\), which is not followed\\.\\n$`));
			expect(readdirSync(r.dir)).toEqual([]);
		});
	}
});
