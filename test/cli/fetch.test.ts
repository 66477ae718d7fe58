// `node dist/cli.js fetch`, run as users run it, against a real HTTP server on 127.0.0.1 that
// plays raw.githubusercontent.com: an index.json whose URLs point at GitHub (the CLI rebases them
// onto --base-url) and bundles at the rebased paths. Each "site" under the server is one scenario.
import { existsSync, readFileSync, readdirSync, rmSync, utimesSync, writeFileSync, writeSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalServer, type LocalServer } from "../helpers/local-server";
import { fetchBundle } from "../../src/cli/download";
import { nodeIo, type WriteIo } from "../../src/cli/write-file";
import { ENTERPRISE_FIXTURE, FIXTURES, MOBILE_FIXTURE, SHARED_STIX } from "../helpers/paths";
import { tempDir } from "../helpers/temp";
import { runCli } from "../helpers/cli";

const GITHUB = "https://raw.githubusercontent.com/mitre-attack/attack-stix-data/master/";
const SHARED_INDEX = path.join(SHARED_STIX, "index.json");
/** The real index.json when ../shared has it, else the committed copy (same shape, fewer versions). */
const INDEX = readFileSync(existsSync(SHARED_INDEX) ? SHARED_INDEX : path.join(FIXTURES, "attack-index.json"));
const ENTERPRISE = readFileSync(ENTERPRISE_FIXTURE);
const MOBILE = readFileSync(MOBILE_FIXTURE);
const HTML = Buffer.from("<!DOCTYPE html>\n<html><head><title>Rate limited</title></head><body>Try again later.</body></html>\n");

/** An index listing Enterprise 9.0, 10.0 and 1.0, in that order: string order would pick 9.0. */
const ORDERED_INDEX = Buffer.from(
	JSON.stringify({
		collections: [
			{
				name: "Enterprise ATT&CK",
				versions: ["9.0", "10.0", "1.0"].map((v) => ({ version: v, url: `${GITHUB}enterprise-attack/enterprise-attack-${v}.json`, modified: "2021-01-01T00:00:00.000Z" })),
			},
		],
	}),
);

type Handler = (rest: string, req: http.IncomingMessage, res: http.ServerResponse) => void;

function send(res: http.ServerResponse, body: Buffer, type = "application/json") {
	res.writeHead(200, { "Content-Type": type, "Content-Length": body.length });
	res.end(body);
}

function notFound(res: http.ServerResponse) {
	res.writeHead(404, { "Content-Type": "text/plain" });
	res.end("404: Not Found");
}

/** The bundles every working site serves, by path under the site. */
const BUNDLES: Record<string, Buffer> = {
	"enterprise-attack/enterprise-attack-18.1.json": ENTERPRISE,
	"mobile-attack/mobile-attack-17.1.json": MOBILE,
	// A 17.1 bundle where the index says 18.1.
	"mobile-attack/mobile-attack-18.1.json": MOBILE,
	"ics-attack/ics-attack-18.1.json": HTML,
};

const SITES: Record<string, Handler> = {
	ok: (rest, _req, res) => {
		if (rest === "index.json") return send(res, INDEX);
		const body = BUNDLES[rest];
		if (body) send(res, body, body === HTML ? "text/html" : "application/json");
		else notFound(res);
	},
	ordered: (rest, _req, res) => {
		if (rest === "index.json") return send(res, ORDERED_INDEX);
		if (rest === "enterprise-attack/enterprise-attack-10.0.json") return send(res, ENTERPRISE);
		notFound(res);
	},
	index404: (_rest, _req, res) => notFound(res),
	bundle500: (rest, _req, res) => {
		if (rest === "index.json") return send(res, INDEX);
		res.writeHead(500, { "Content-Type": "text/plain" });
		res.end("oops");
	},
	// Half the body, then the connection is destroyed: with a Content-Length, and chunked.
	cut: (rest, _req, res) => {
		if (rest === "index.json") return send(res, INDEX);
		res.writeHead(200, { "Content-Type": "application/json", "Content-Length": ENTERPRISE.length });
		res.write(ENTERPRISE.subarray(0, ENTERPRISE.length >> 1), () => res.socket?.destroy());
	},
	cutchunked: (rest, _req, res) => {
		if (rest === "index.json") return send(res, INDEX);
		res.writeHead(200, { "Content-Type": "application/json" });
		res.write(ENTERPRISE.subarray(0, ENTERPRISE.length >> 1), () => res.socket?.destroy());
	},
	// Never answers at all.
	hang: () => undefined,
	// Answers, sends a little, then nothing.
	stall: (rest, _req, res) => {
		if (rest === "index.json") return send(res, INDEX);
		res.writeHead(200, { "Content-Type": "application/json", "Content-Length": ENTERPRISE.length });
		res.write(ENTERPRISE.subarray(0, 1000));
	},
	// Every file moved, as GitHub does for renamed repositories.
	redirect: (rest, _req, res) => {
		res.writeHead(rest === "index.json" ? 302 : 301, { Location: `/ok/${rest}` });
		res.end();
	},
	loop: (rest, _req, res) => {
		res.writeHead(302, { Location: `/loop/${rest}` });
		res.end();
	},
};

/** Closes every connection after its answer (test/helpers/local-server.ts says why). */
let server: LocalServer;
const base = (site: string) => `${server.url}${site}/`;
let closedPort = 0;

beforeAll(async () => {
	server = await startLocalServer((req, res) => {
		const [, site = "", ...rest] = (req.url ?? "/").split("?")[0].split("/");
		const handler = SITES[site];
		if (handler) handler(rest.join("/"), req, res);
		else notFound(res);
	});
	// A port nothing listens on: open one, note it, close it.
	const closed = http.createServer();
	await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
	closedPort = (closed.address() as AddressInfo).port;
	await new Promise((resolve) => closed.close(resolve));
});

afterAll(() => server.close());

const cli = (args: string[], env: Record<string, string> = {}) => runCli(args, env);

/** A failed run: exit 1, one line on stderr holding `what`, nothing on stdout, and the folder as it was. */
async function expectFailure(args: string[], what: string | RegExp, opts: { env?: Record<string, string>; before?: string } = {}) {
	const dir = tempDir("fetch");
	const out = path.join(dir, "attack.json");
	if (opts.before !== undefined) writeFileSync(out, opts.before);
	const r = await cli(["fetch", ...args, "--out", out], opts.env);
	expect(r.code, r.stderr).toBe(1);
	expect(r.stdout).toBe("");
	expect(r.stderr.trim().split("\n"), r.stderr).toHaveLength(1);
	expect(r.stderr).toMatch(/^attack-sync: .*\.\n$/);
	if (typeof what === "string") expect(r.stderr).toContain(what);
	else expect(r.stderr).toMatch(what);
	expect(r.stderr).not.toMatch(/\bat .*\.js:\d+/);
	expect(r.stderr).not.toContain("internal error");
	// No file at --out (or the old one, untouched) and no temporary file beside it.
	if (opts.before === undefined) expect(readdirSync(dir)).toEqual([]);
	else {
		expect(readdirSync(dir)).toEqual(["attack.json"]);
		expect(readFileSync(out, "utf8")).toBe(opts.before);
	}
	return r;
}

describe("fetch: downloads", () => {
	it("saves the latest release byte for byte and says what it saved", async () => {
		const dir = tempDir("fetch");
		const out = path.join(dir, "enterprise.json");
		const r = await cli(["fetch", "--domain", "enterprise-attack", "--base-url", base("ok"), "--out", out]);
		expect(r.code, r.stderr).toBe(0);
		expect(r.stderr).toBe("");
		expect(r.stdout).toBe(`Saved enterprise-attack 18.1 (${ENTERPRISE.length.toLocaleString("en-US")} bytes) from ${base("ok")}enterprise-attack/enterprise-attack-18.1.json to ${out}.\n`);
		expect(readFileSync(out).equals(ENTERPRISE)).toBe(true);
		expect(readdirSync(dir)).toEqual(["enterprise.json"]);
	});

	it("saves a pinned version, checked against the version the bundle states, and reports it as JSON", async () => {
		const dir = tempDir("fetch");
		const out = path.join(dir, "mobile.json");
		const r = await cli(["fetch", "--domain", "mobile-attack", "--version", "17.1", "--base-url", base("ok").replace(/\/$/, ""), "--out", out, "--json"]);
		expect(r.code, r.stderr).toBe(0);
		expect(JSON.parse(r.stdout)).toEqual({
			domain: "mobile-attack",
			version: "17.1",
			url: `${base("ok")}mobile-attack/mobile-attack-17.1.json`,
			bytes: MOBILE.length,
			out,
		});
		expect(readFileSync(out).equals(MOBILE)).toBe(true);
		expect(readdirSync(dir)).toEqual(["mobile.json"]);
	});

	it("takes the latest by number, not by string order (10.0 over 9.0)", async () => {
		const out = path.join(tempDir("fetch"), "e.json");
		const r = await cli(["fetch", "--domain", "enterprise-attack", "--base-url", base("ordered"), "--out", out, "--json"]);
		expect(r.code, r.stderr).toBe(0);
		expect(JSON.parse(r.stdout)).toMatchObject({ version: "10.0", url: `${base("ordered")}enterprise-attack/enterprise-attack-10.0.json` });
	});

	it("replaces an existing --out file on success", async () => {
		const dir = tempDir("fetch");
		const out = path.join(dir, "e.json");
		writeFileSync(out, "old");
		const r = await cli(["fetch", "--domain", "enterprise-attack", "--base-url", base("ok"), "--out", out]);
		expect(r.code, r.stderr).toBe(0);
		expect(readFileSync(out).equals(ENTERPRISE)).toBe(true);
		expect(readdirSync(dir)).toEqual(["e.json"]);
	});

	it("follows redirects, and gives up on a loop", async () => {
		const out = path.join(tempDir("fetch"), "e.json");
		const r = await cli(["fetch", "--domain", "enterprise-attack", "--base-url", base("redirect"), "--out", out]);
		expect(r.code, r.stderr).toBe(0);
		expect(readFileSync(out).equals(ENTERPRISE)).toBe(true);
		await expectFailure(["--domain", "enterprise-attack", "--base-url", base("loop")], `could not download ${base("loop")}index.json: more than 5 redirects.`);
	});
});

describe("fetch: failures leave nothing behind", () => {
	const domain = ["--domain", "enterprise-attack"];

	it("index.json answering 404", async () => {
		await expectFailure([...domain, "--base-url", base("index404")], `attack-sync: could not download ${base("index404")}index.json: HTTP 404 Not Found.\n`);
	});

	it("the bundle answering 404 or 500, with an older --out kept as it was", async () => {
		await expectFailure(
			[...domain, "--version", "17.1", "--base-url", base("ok")],
			`could not download ${base("ok")}enterprise-attack/enterprise-attack-17.1.json: HTTP 404 Not Found.`,
			{ before: "my old bundle" },
		);
		await expectFailure([...domain, "--base-url", base("bundle500")], `${base("bundle500")}enterprise-attack/enterprise-attack-18.1.json: HTTP 500 Internal Server Error.`, {
			before: "my old bundle",
		});
	});

	it("a body cut off halfway (Content-Length, and chunked)", async () => {
		await expectFailure([...domain, "--base-url", base("cut")], new RegExp(`enterprise-attack-18\\.1\\.json: the connection was cut off after [\\d,]+ of ${ENTERPRISE.length.toLocaleString("en-US")} bytes\\.`), {
			before: "my old bundle",
		});
		await expectFailure([...domain, "--base-url", base("cutchunked")], /enterprise-attack-18\.1\.json: the connection was cut off after [\d,]+ bytes\./);
	});

	it("an HTML page instead of a bundle", async () => {
		await expectFailure(["--domain", "ics-attack", "--base-url", base("ok")], `attack-sync: ${base("ok")}ics-attack/ics-attack-18.1.json sent an HTML page, not an ATT&CK STIX bundle; nothing was saved.`, {
			before: "{}",
		});
	});

	it("a bundle of another version than the index lists", async () => {
		await expectFailure(["--domain", "mobile-attack", "--version", "18.1", "--base-url", base("ok")], "holds ATT&CK 17.1, not the 18.1 the index lists");
	});

	it("a server that never answers, or stops sending (short timeout)", async () => {
		const env = { ATTACK_SYNC_FETCH_TIMEOUT_MS: "500" };
		await expectFailure([...domain, "--base-url", base("hang")], `could not download ${base("hang")}index.json: no answer in 0.50 s.`, { env });
		await expectFailure([...domain, "--base-url", base("stall")], /enterprise-attack-18\.1\.json: the transfer stalled \(nothing for 0\.50 s, after 1,000 bytes\)\./, { env, before: "old" });
	});

	it("connection refused", async () => {
		const url = `http://127.0.0.1:${closedPort}/`;
		await expectFailure([...domain, "--base-url", url], `attack-sync: could not download ${url}index.json: the connection was refused (is the server running?).`, { before: "old" });
	});

	it("a version or a domain the index does not list", async () => {
		await expectFailure([...domain, "--version", "99.9", "--base-url", base("ok")], /enterprise-attack 99\.9 is not in the ATT&CK index .*index\.json; the latest there is 18\.1\./);
		await expectFailure(["--domain", "pre-attack", "--base-url", base("ok")], 'has no domain "pre-attack"; it lists enterprise-attack, mobile-attack and ics-attack.');
	});

	it("an --out whose folder does not exist, or that is a folder", async () => {
		const dir = tempDir("fetch");
		const r = await cli(["fetch", ...domain, "--base-url", base("ok"), "--out", path.join(dir, "no", "e.json")]);
		expect(r.code).toBe(1);
		expect(r.stderr).toContain("does not exist");
		const r2 = await cli(["fetch", ...domain, "--base-url", base("ok"), "--out", dir]);
		expect(r2.code).toBe(1);
		expect(r2.stderr).toContain("is a folder");
		expect(readdirSync(dir)).toEqual([]);
	});
});

describe("fetch: a disk that does not take every byte (FetchOptions.io)", () => {
	const fetchWith = (io: WriteIo, out: string) => fetchBundle({ domain: "enterprise-attack", version: null, baseUrl: base("ok"), out, timeoutMs: 5000, io });

	it("a write that takes only part of a chunk is finished: the bundle is saved whole", async () => {
		const dir = tempDir("fetch-io");
		const out = path.join(dir, "e.json");
		let calls = 0;
		const io: WriteIo = { ...nodeIo, writeSync: (fd, buffer, offset, length, position) => (calls++, writeSync(fd, buffer, offset, Math.min(length, 1000), position)) };
		const result = await fetchWith(io, out);
		expect(result.bytes).toBe(ENTERPRISE.length);
		expect(calls).toBeGreaterThanOrEqual(Math.ceil(ENTERPRISE.length / 1000));
		expect(readFileSync(out).equals(ENTERPRISE)).toBe(true);
		expect(readdirSync(dir)).toEqual(["e.json"]);
	});

	it("a full disk: one clear error, the old --out kept, no .part left", async () => {
		const dir = tempDir("fetch-io");
		const out = path.join(dir, "e.json");
		writeFileSync(out, "old");
		let left = 100_000;
		const io: WriteIo = {
			...nodeIo,
			writeSync: (fd, buffer, offset, length, position) => {
				if (left <= 0) throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
				const n = Math.min(length, left);
				left -= n;
				return writeSync(fd, buffer, offset, n, position);
			},
		};
		await expect(fetchWith(io, out)).rejects.toThrow(`${out}: could not be written (ENOSPC: no space left on device, write); nothing was saved.`);
		expect(readdirSync(dir)).toEqual(["e.json"]);
		expect(readFileSync(out, "utf8")).toBe("old");
		const failingFsync: WriteIo = { ...nodeIo, fsyncSync: () => { throw Object.assign(new Error("EIO: i/o error, fsync"), { code: "EIO" }); } };
		await expect(fetchWith(failingFsync, out)).rejects.toThrow(`${out}: could not be written (EIO: i/o error, fsync); nothing was saved.`);
		expect(readdirSync(dir)).toEqual(["e.json"]);
	});
});

describe("fetch: leftovers of a killed fetch", () => {
	it("removes the stale .part files of the same --out, and only those", async () => {
		const dir = tempDir("fetch-left");
		try {
			const out = path.join(dir, "e.json");
			const dead = 4194305; // above Linux's largest pid_max: never a running process
			const hourAgo = (Date.now() - 3_600_000) / 1000;
			const part = (name: string, old = false) => {
				writeFileSync(path.join(dir, name), "half a bundle");
				if (old) utimesSync(path.join(dir, name), hourAgo, hourAgo);
				return name;
			};
			part(`.e.json.attack-sync-${dead}-0123abcd.part`);
			part(`.e.json.attack-sync-${process.pid}-0123abcd.part`, true);
			const kept = [
				part(`.e.json.attack-sync-${process.pid}-89abcdef.part`), // a live fetch's
				part(`.f.json.attack-sync-${dead}-0123abcd.part`), // another --out's
				part(`.e.json.attack-sync-${dead}.tmp`), // not a download's
			];
			const r = await cli(["fetch", "--domain", "enterprise-attack", "--base-url", base("ok"), "--out", out]);
			expect(r.code, r.stderr).toBe(0);
			expect(readdirSync(dir).sort()).toEqual([...kept, "e.json"].sort());
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});
});

describe("fetch: usage errors exit 2", () => {
	it("missing or malformed options", async () => {
		const out = path.join(tempDir("fetch"), "e.json");
		for (const args of [
			["fetch"],
			["fetch", "--domain", "enterprise-attack"],
			["fetch", "--out", out],
			["fetch", "--domain", "enterprise-attack", "--out", out, "--version", "latest"],
			["fetch", "--domain", "enterprise-attack", "--out", out, "--version"],
			["fetch", "--domain", "enterprise-attack", "--out", out, "--base-url", "ftp://example.test/"],
			["fetch", "--domain", "enterprise-attack", "--out", out, "--base-url", "not a url"],
			["fetch", "--domain", "enterprise-attack", "--out", out, "--bundle", "x"],
			["fetch", "--domain", "enterprise-attack", "--out", out, "extra"],
		]) {
			const r = await cli(args);
			expect(r.code, args.join(" ")).toBe(2);
			expect(r.stderr).toContain("Usage:");
			expect(r.stderr).toContain("attack-sync fetch --domain");
			expect(existsSync(out)).toBe(false);
		}
	});
});
