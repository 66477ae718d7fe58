// `attack-sync fetch` against servers that send what must not be kept: a bundle in Latin-1, more
// bytes than any ATT&CK bundle has, or a byte at a time for ever. One line on stderr, exit 1,
// nothing saved. Limits are lowered for the tests through the environment.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_BASE_URL } from "../../src/core/fetch/index-json";
import { latin1Bundle } from "../helpers/bad-bundles";
import { ENTERPRISE_FIXTURE } from "../helpers/paths";
import { runCli } from "../helpers/cli";

const FILE = "enterprise-attack/enterprise-attack-18.1.json";
const INDEX = Buffer.from(JSON.stringify({ collections: [{ name: "Enterprise ATT&CK", versions: [{ version: "18.1", url: `${DEFAULT_BASE_URL}${FILE}` }] }] }));
const LATIN1 = latin1Bundle();
const ENTERPRISE = readFileSync(ENTERPRISE_FIXTURE);
/** The cap the tests set: 1 MB, a third of the fixture. */
const CAP = { ATTACK_SYNC_MAX_BUNDLE_BYTES: String(1024 * 1024) };

function send(res: http.ServerResponse, body: Buffer) {
	res.writeHead(200, { "Content-Type": "application/json", "Content-Length": body.length, Connection: "close" });
	res.end(body);
}

type Handler = (file: string, req: http.IncomingMessage, res: http.ServerResponse) => void;

/** Timers of the servers that send a byte at a time; each stops when its client goes. */
const trickles = new Set<NodeJS.Timeout>();

/** A 200 with the full Content-Length of `body`, then one byte every 50 ms: never done, never idle. */
function trickle(res: http.ServerResponse, body: Buffer) {
	res.writeHead(200, { "Content-Type": "application/json", "Content-Length": body.length, Connection: "close" });
	let sent = 0;
	const timer = setInterval(() => {
		if (sent < body.length - 1) res.write(body.subarray(sent, ++sent));
	}, 50);
	trickles.add(timer);
	res.on("close", () => {
		clearInterval(timer);
		trickles.delete(timer);
	});
}

const SITES: Record<string, Handler> = {
	latin1: (file, _req, res) => send(res, file === "index.json" ? INDEX : LATIN1),
	latin1index: (_file, _req, res) => send(res, Buffer.from(INDEX.toString("utf8").replace("Enterprise", "Entreprise \u00e9"), "latin1")),
	trickle: (file, _req, res) => (file === "index.json" ? send(res, INDEX) : trickle(res, ENTERPRISE)),
	trickleindex: (_file, _req, res) => trickle(res, INDEX),
	// The fixture bundle, with its Content-Length.
	big: (file, _req, res) => send(res, file === "index.json" ? INDEX : ENTERPRISE),
	// The fixture bundle three times over, chunked (no Content-Length): it must be cut at the cap.
	bigchunked: (file, _req, res) => {
		if (file === "index.json") return send(res, INDEX);
		res.writeHead(200, { "Content-Type": "application/json", Connection: "close" });
		for (let i = 0; i < 3; i++) res.write(ENTERPRISE);
		res.end();
	},
};

let server: http.Server;
let port = 0;
const base = (site: string) => `http://127.0.0.1:${port}/${site}/`;

beforeAll(async () => {
	server = http.createServer((req, res) => {
		const [, site = "", ...rest] = (req.url ?? "/").split("/");
		const handler = SITES[site];
		if (handler) handler(rest.join("/"), req, res);
		else {
			res.writeHead(404, { Connection: "close" });
			res.end();
		}
	});
	await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
	port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
	for (const timer of trickles) clearInterval(timer);
	server.closeAllConnections();
	await new Promise((resolve) => server.close(resolve));
});

const temps: string[] = [];
afterEach(() => {
	for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const cli = (args: string[], env: Record<string, string> = {}) => runCli(args, env);

/** A failed fetch: exit 1, one line on stderr holding `what`, and an empty folder. */
async function expectFailure(site: string, what: string | RegExp, env: Record<string, string> = {}) {
	const dir = mkdtempSync(path.join(tmpdir(), "attack-sync-limits-"));
	temps.push(dir);
	const r = await cli(["fetch", "--domain", "enterprise-attack", "--base-url", base(site), "--out", path.join(dir, "e.json")], env);
	expect(r.code, r.stderr).toBe(1);
	expect(r.stdout).toBe("");
	expect(r.stderr.split("\n"), r.stderr).toHaveLength(2);
	expect(r.stderr).toMatch(/^attack-sync: .*\.\n$/);
	if (typeof what === "string") expect(r.stderr).toContain(what);
	else expect(r.stderr).toMatch(what);
	expect(r.stderr).not.toContain("internal error");
	expect(readdirSync(dir)).toEqual([]);
}

describe("fetch: text that is not UTF-8", () => {
	it("a Latin-1 bundle is not saved", async () => {
		await expectFailure("latin1", `attack-sync: ${base("latin1")}${FILE}: not UTF-8 text (byte `);
	});

	it("a Latin-1 index.json is not read", async () => {
		await expectFailure("latin1index", `attack-sync: ${base("latin1index")}index.json: not UTF-8 text (byte `);
	});
});

describe("fetch: more bytes than an ATT&CK bundle has", () => {
	it("a Content-Length over the cap is refused before the body is read", async () => {
		await expectFailure("big", `attack-sync: could not download ${base("big")}${FILE}: it is 3.0 MB, larger than the 1.0 MB an ATT&CK bundle can be (Enterprise is about 45 MB).\n`, CAP);
	});

	it("a body without Content-Length is cut at the cap, and nothing is left on disk", async () => {
		await expectFailure("bigchunked", `attack-sync: could not download ${base("bigchunked")}${FILE}: it is larger than the 1.0 MB an ATT&CK bundle can be (Enterprise is about 45 MB).\n`, CAP);
	});
});

describe("fetch: a server that sends a byte at a time, for ever", () => {
	// The inactivity timeout (60 s) never fires: bytes keep coming. The overall deadline does.
	const DEADLINE = { ATTACK_SYNC_FETCH_DEADLINE_MS: "1000" };

	it("the bundle: given up at the deadline, nothing saved", async () => {
		await expectFailure(
			"trickle",
			new RegExp(`^attack-sync: could not download ${base("trickle").replace(/\./g, "\\.")}enterprise-attack/enterprise-attack-18\\.1\\.json: it took longer than 1 s \\([\\d,]+ bytes arrived in that time\\); on a slow connection, allow more time with ATTACK_SYNC_FETCH_DEADLINE_MS\\.\\n$`),
			DEADLINE,
		);
	});

	it("index.json: the same deadline", async () => {
		await expectFailure("trickleindex", `could not download ${base("trickleindex")}index.json: it took longer than 1 s (`, DEADLINE);
	});

	it("a bad deadline is one sentence", async () => {
		await expectFailure("trickle", 'attack-sync: ATTACK_SYNC_FETCH_DEADLINE_MS must be a positive whole number of milliseconds, not "soon".\n', { ATTACK_SYNC_FETCH_DEADLINE_MS: "soon" });
	});
});
