// The plugin fed hostile input: bundles and indexes crafted to make it write outside its folder or
// download from elsewhere. Driven through the built main.js and the Obsidian stand-in
// (test/helpers/plugin-harness.ts), with real HTTP servers on 127.0.0.1 (and 127.0.0.2, which
// must never be asked for anything).
import { closeSync, existsSync, ftruncateSync, openSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_BASE_URL } from "../../src/core/fetch/index-json";
import { latin1Bundle, stixIdOf, withObject } from "../helpers/bad-bundles";
import { HOSTILE_URLS } from "../helpers/hostile-urls";
import { ENTERPRISE_FIXTURE } from "../helpers/paths";
import { PLUGIN_DIR, startPlugin } from "../helpers/plugin-harness";

const ENTERPRISE = readFileSync(ENTERPRISE_FIXTURE, "utf8");

/** The Enterprise fixture with its matrix claiming another domain. */
function withMatrixDomain(domain: string): string {
	const bundle = JSON.parse(ENTERPRISE) as { objects: Array<{ type: string; external_references?: Array<{ external_id?: string }> }> };
	const matrix = bundle.objects.find((o) => o.type === "x-mitre-matrix");
	if (!matrix?.external_references?.[0]) throw new Error("the fixture has no matrix");
	matrix.external_references[0].external_id = domain;
	return JSON.stringify(bundle);
}

describe("a bundle naming a domain that is not ATT&CK's", () => {
	it("is refused in one sentence, and nothing is written, inside the vault or out", async () => {
		const t = await startPlugin({ baseUrl: "http://127.0.0.1:9/" });
		try {
			// `cache-<domain>.json` in .obsidian/plugins/attack-sync/ would climb five folders: to
			// the folder around the vault, where a file of the user's is waiting to be replaced.
			const outside = path.join(t.temp, "outside.json");
			writeFileSync(outside, "precious");
			for (const domain of ["x/../../../../../outside", "pre-attack", "..", "enterprise-attack/../x"]) {
				writeFileSync(path.join(t.root, "crafted.json"), withMatrixDomain(domain));
				await t.importFile("crafted.json");
				expect(t.lastNotice()).toBe(
					`ATT&CK Sync: crafted.json is a bundle of ${JSON.stringify(domain)}, not of Enterprise ATT&CK, Mobile ATT&CK or ICS ATT&CK; nothing was saved.`,
				);
			}
			expect(readFileSync(outside, "utf8")).toBe("precious");
			expect(readdirSync(t.temp).sort()).toEqual(["outside.json", "vault"]);
			expect(existsSync(path.join(t.root, PLUGIN_DIR)) ? readdirSync(path.join(t.root, PLUGIN_DIR)) : []).toEqual([]);
			expect(existsSync(path.join(t.root, "outside.json"))).toBe(false);
		} finally {
			t.dispose();
		}
	});

	it("a domain asked of plugin.api is checked before any file is looked for", async () => {
		const t = await startPlugin({ baseUrl: "http://127.0.0.1:9/" });
		try {
			await expect(t.plugin.api.sync({ dryRun: true, domain: "../../x" })).rejects.toThrow(
				'"../../x" is not an ATT&CK domain; ATT&CK Sync knows enterprise-attack, mobile-attack and ics-attack.',
			);
		} finally {
			t.dispose();
		}
	});
});

describe("an index.json listing URLs on another host", () => {
	const FILE = "enterprise-attack/enterprise-attack-18.1.json";
	const CASES = Object.entries(HOSTILE_URLS);
	const bundle = Buffer.from(ENTERPRISE);
	const listing = (url: string) => Buffer.from(JSON.stringify({ collections: [{ name: "Enterprise ATT&CK", versions: [{ version: "18.1", url }] }] }));
	const send = (res: http.ServerResponse, body: Buffer) => {
		res.writeHead(200, { "Content-Length": body.length, Connection: "close" });
		res.end(body);
	};
	let good: http.Server;
	let evil: http.Server;
	let goodHost = "";
	let evilHost = "";
	const evilHits: string[] = [];

	beforeAll(async () => {
		evil = http.createServer((req, res) => {
			evilHits.push(req.url ?? "");
			send(res, req.url?.endsWith("index.json") ? listing(`${DEFAULT_BASE_URL}${FILE}`) : bundle);
		});
		await new Promise<void>((resolve) => evil.listen(0, "127.0.0.2", resolve));
		evilHost = `127.0.0.2:${(evil.address() as AddressInfo).port}`;
		// `/h<i>/index.json` lists case i's URL; the bundle is served wherever a path ends in its name.
		good = http.createServer((req, res) => {
			const [, site = "", ...rest] = (req.url ?? "/").split("/");
			if (rest.join("/") === "index.json") return send(res, listing(CASES[Number(site.slice(1))][1](evilHost, goodHost)));
			if ((req.url ?? "").endsWith(FILE)) return send(res, bundle);
			res.writeHead(404, { Connection: "close" });
			res.end();
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

	it("is fetched from the base URL's host, never from the other, whatever the trick", async () => {
		const t = await startPlugin();
		try {
			for (const [i, [what]] of CASES.entries()) {
				t.plugin.settings.baseUrl = `http://${goodHost}/h${i}/`;
				const meta = await t.plugin.api.fetchData({ domain: "enterprise-attack" });
				expect(meta.domain, what).toBe("enterprise-attack");
				const requested = t.registered.notices.filter((n) => n.startsWith("[request] ")).at(-1) ?? "";
				expect(new URL(requested.slice("[request] ".length)).host, what).toBe(goodHost);
				expect(evilHits, what).toEqual([]);
			}
		} finally {
			t.dispose();
		}
	});
});

describe("a bundle with a field of the wrong shape", () => {
	it("is refused on import, naming the object and the field; nothing is kept", async () => {
		const t = await startPlugin({ baseUrl: "http://127.0.0.1:9/" });
		try {
			const id = stixIdOf("T1204.001");
			writeFileSync(path.join(t.root, "crafted.json"), withObject(id, (o) => (o.kill_chain_phases = "execution")));
			await t.importFile("crafted.json");
			expect(t.lastNotice()).toBe(
				`ATT&CK Sync: crafted.json: not a valid ATT&CK bundle: ${id} has "kill_chain_phases" of the wrong shape (expected a list of objects with "kill_chain_name" and "phase_name" strings).`,
			);
			expect(existsSync(path.join(t.root, PLUGIN_DIR)) ? readdirSync(path.join(t.root, PLUGIN_DIR)) : []).toEqual([]);
		} finally {
			t.dispose();
		}
	});
});

describe("a bundle file far larger than any ATT&CK bundle", () => {
	it("a 2 GB file in the vault is refused before it is read", async () => {
		const t = await startPlugin({ baseUrl: "http://127.0.0.1:9/" });
		try {
			// Sparse: 2 GB long, nothing on disk.
			const fd = openSync(path.join(t.root, "big.json"), "w");
			ftruncateSync(fd, 2 * 1024 ** 3);
			closeSync(fd);
			await t.importFile("big.json");
			expect(t.lastNotice()).toBe("ATT&CK Sync: big.json: it is 2,048 MB, larger than the 300 MB an ATT&CK bundle can be (Enterprise is about 45 MB); it was not read.");
			expect(existsSync(path.join(t.root, PLUGIN_DIR)) ? readdirSync(path.join(t.root, PLUGIN_DIR)) : []).toEqual([]);
		} finally {
			t.dispose();
		}
	});
});

describe("bundles the plugin must not keep", () => {
	const FILE = "enterprise-attack/enterprise-attack-18.1.json";
	const INDEX = Buffer.from(JSON.stringify({ collections: [{ name: "Enterprise ATT&CK", versions: [{ version: "18.1", url: `${DEFAULT_BASE_URL}${FILE}` }] }] }));
	const SITES: Record<string, (file: string, res: http.ServerResponse) => void> = {
		latin1: (file, res) => send(res, file === "index.json" ? INDEX : latin1Bundle()),
		big: (file, res) => send(res, file === "index.json" ? INDEX : Buffer.from(ENTERPRISE)),
		// A byte every 50 ms, for ever (the full Content-Length is announced).
		trickle: (file, res) => {
			if (file === "index.json") return send(res, INDEX);
			res.writeHead(200, { "Content-Length": Buffer.byteLength(ENTERPRISE), Connection: "close" });
			const timer = setInterval(() => res.write(" "), 50);
			trickles.add(timer);
			res.on("close", () => {
				clearInterval(timer);
				trickles.delete(timer);
			});
		},
	};
	const trickles = new Set<NodeJS.Timeout>();
	function send(res: http.ServerResponse, body: Buffer) {
		res.writeHead(200, { "Content-Length": body.length, Connection: "close" });
		res.end(body);
	}
	let server: http.Server;
	let base = "";

	beforeAll(async () => {
		server = http.createServer((req, res) => {
			const [, site = "", ...rest] = (req.url ?? "/").split("/");
			const handler = SITES[site];
			if (handler) return handler(rest.join("/"), res);
			res.writeHead(404, { Connection: "close" });
			res.end();
		});
		await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
		base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
	});

	afterAll(async () => {
		for (const timer of trickles) clearInterval(timer);
		server.closeAllConnections();
		await new Promise((resolve) => server.close(resolve));
	});

	/** Nothing in the plugin's folder: no cache, no temporary file. */
	const nothingKept = (root: string) => expect(existsSync(path.join(root, PLUGIN_DIR)) ? readdirSync(path.join(root, PLUGIN_DIR)) : []).toEqual([]);

	it("a Latin-1 bundle, imported from the vault or downloaded, is refused naming the first bad byte", async () => {
		const t = await startPlugin({ baseUrl: `${base}latin1/` });
		try {
			const bytes = latin1Bundle();
			const at = (bytes.findIndex((b) => b >= 0x80) + 1).toLocaleString("en-US");
			writeFileSync(path.join(t.root, "latin1.json"), bytes);
			await t.importFile("latin1.json");
			expect(t.lastNotice()).toBe(`ATT&CK Sync: latin1.json: not UTF-8 text (byte ${at} is not valid UTF-8); an ATT&CK bundle is UTF-8 JSON, so this file is in another encoding or damaged.`);
			nothingKept(t.root);
			await t.run("fetch-data");
			expect(t.lastNotice()).toBe(`ATT&CK Sync: ${base}latin1/${FILE}: not UTF-8 text (byte ${at} is not valid UTF-8); an ATT&CK bundle is UTF-8 JSON, so this file is in another encoding or damaged.`);
			nothingKept(t.root);
		} finally {
			t.dispose();
		}
	});

	it("a download over the cap is refused before it is decoded or kept", async () => {
		const t = await startPlugin({ baseUrl: `${base}big/` });
		try {
			(t.plugin as unknown as { attackData(): { limits: { maxBytes: number } } }).attackData().limits.maxBytes = 1024 * 1024;
			await t.run("fetch-data");
			expect(t.lastNotice()).toBe(`ATT&CK Sync: could not download ${base}big/${FILE}: it is 3.0 MB, larger than the 1.0 MB an ATT&CK bundle can be (Enterprise is about 45 MB).`);
			nothingKept(t.root);
		} finally {
			t.dispose();
		}
	});

	it("a server sending a byte at a time is given up at the deadline; nothing is kept", async () => {
		const t = await startPlugin({ baseUrl: `${base}trickle/` });
		try {
			(t.plugin as unknown as { attackData(): { limits: { deadlineMs: number } } }).attackData().limits.deadlineMs = 1000;
			await t.run("fetch-data");
			expect(t.lastNotice()).toBe(`ATT&CK Sync: could not download ${base}trickle/${FILE}: it took longer than 1 s.`);
			nothingKept(t.root);
		} finally {
			t.dispose();
		}
	});
});
