// The release each note came from, as a user meets it: the sample vault (written from 15.1, no
// attack_version) synced to 18.1 with no --previous-bundle. Sync reads index.json from the base
// URL (a real server on 127.0.0.1 serving the committed fixtures as attack-stix-data does), infers
// each note's release from its text, downloads only what it needs into the cache folder, and
// replaces the old release's text: no superseded text and no `(Citation:` is left, and the result
// equals the golden outputs of a sync told the release with --previous-bundle. A second run writes
// nothing and asks the network nothing; --offline never touches it and says what to do.
import { cpSync, readdirSync, readFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENTERPRISE_FIXTURE, FIXTURES } from "../helpers/paths";
import { tempDir } from "../helpers/temp";
import { runCli } from "../helpers/cli";

const FILES: Record<string, string> = {
	"enterprise-attack/enterprise-attack-15.1.json": path.join(FIXTURES, "enterprise-attack-15.1-subset.json"),
	"enterprise-attack/enterprise-attack-17.1.json": path.join(FIXTURES, "enterprise-attack-17.1-subset.json"),
	"enterprise-attack/enterprise-attack-18.1.json": ENTERPRISE_FIXTURE,
};

let server: http.Server;
let port = 0;
const hits: string[] = [];

function index(): string {
	const versions = ["18.1", "17.1", "15.1"].map((v) => ({ version: v, url: `https://raw.githubusercontent.com/mitre-attack/attack-stix-data/master/enterprise-attack/enterprise-attack-${v}.json`, modified: "2025-01-01T00:00:00.000Z" }));
	return JSON.stringify({ id: "x", name: "MITRE ATT&CK", collections: [{ id: "x-mitre-collection--1f5f1533-f617-4ca8-9ab4-6a02367fa019", name: "Enterprise ATT&CK", versions }] });
}

beforeAll(async () => {
	server = http.createServer((req, res) => {
		const url = (req.url ?? "/").split("?")[0].replace(/^\//, "");
		hits.push(url);
		const file = FILES[url];
		if (url === "index.json") res.writeHead(200, { "Content-Type": "application/json", Connection: "close" }).end(index());
		else if (file) res.writeHead(200, { "Content-Type": "application/json", Connection: "close" }).end(readFileSync(file));
		else res.writeHead(404, { Connection: "close" }).end("not found");
	});
	await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
	port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
	server.closeAllConnections();
	await new Promise((resolve) => server.close(resolve));
});

const temp = () => tempDir("base");

const cli = (args: string[]) => runCli(args);

interface Report {
	notes: Array<{ path: string; action: string; baseRelease?: string | null; baseWhy?: string }>;
	summary: Record<string, number>;
	warnings: string[];
	downloaded: string[];
}

const ATTACK = "CyberSecurity/Security+/1-Threats-Attacks-Vulnerabilities/Attacking-Frameworks/MITRE ATT&CK/Enterprise-Attack";

function walk(dir: string, rel = ""): string[] {
	return readdirSync(path.join(dir, rel), { withFileTypes: true }).flatMap((e) => {
		const p = rel === "" ? e.name : `${rel}/${e.name}`;
		return e.name.startsWith(".") ? [] : e.isDirectory() ? walk(dir, p) : [p];
	});
}

describe("sync knows the release each note came from", () => {
	it("infers 15.1 for the sample vault, downloads what it needs once, and leaves no old ATT&CK text", async () => {
		const root = temp();
		const vault = path.join(root, "vault");
		cpSync(path.join(FIXTURES, "sample-vault"), vault, { recursive: true });
		const cache = path.join(root, "cache");
		const args = ["sync", "--vault", vault, "--bundle", ENTERPRISE_FIXTURE, "--attack-version", "18.1", "--base-url", `http://127.0.0.1:${port}/`, "--cache-dir", cache, "--json"];
		hits.length = 0;
		const r = await cli(args);
		expect(r.code, r.stderr).toBe(0);
		const report = JSON.parse(r.stdout) as Report;
		expect(report.warnings).toEqual([]);
		const technique = report.notes.filter((n) => n.path.startsWith(`${ATTACK}/techniques/`));
		const bases = new Map<string, number>();
		for (const n of technique) bases.set(String(n.baseRelease), (bases.get(String(n.baseRelease)) ?? 0) + 1);
		// Most notes are told apart only by 15.1 (the rest read the same in every release).
		expect(bases.get("15.1") ?? 0, JSON.stringify([...bases])).toBeGreaterThan(technique.length / 2);
		expect(report.downloaded.sort()).toEqual(["15.1", "17.1"]);

		for (const p of walk(vault).filter((f) => f.startsWith(`${ATTACK}/techniques/`))) {
			const text = readFileSync(path.join(vault, p), "utf8");
			if (text.includes("[!warning] Revoked in ATT&CK")) continue;
			expect(text, p).not.toContain("(Citation:");
		}
		// What a sync told the release wrote (the golden outputs with --previous-bundle 15.1).
		const golden = path.join(FIXTURES, "..", "golden", "expected", "previous-15.1");
		const phishing = readFileSync(path.join(golden, "classic Phishing (callout, tags, my notes).md"), "utf8");
		expect(readFileSync(path.join(vault, ATTACK, "techniques", "Phishing.md"), "utf8")).toBe(phishing);

		// Again: nothing to write, and no request at all (the notes now record 18.1).
		hits.length = 0;
		const again = JSON.parse((await cli(args)).stdout) as Report;
		expect(again.summary.updated).toBe(0);
		expect(hits).toEqual([]);
	});

	it("--offline asks nothing, keeps what it cannot attribute, and says what to do once", async () => {
		const root = temp();
		const vault = path.join(root, "vault");
		cpSync(path.join(FIXTURES, "sample-vault"), vault, { recursive: true });
		hits.length = 0;
		const r = await cli(["sync", "--offline", "--vault", vault, "--bundle", ENTERPRISE_FIXTURE, "--attack-version", "18.1", "--base-url", `http://127.0.0.1:${port}/`, "--cache-dir", path.join(root, "cache"), "--json"]);
		expect(r.code, r.stderr).toBe(0);
		expect(hits).toEqual([]);
		const report = JSON.parse(r.stdout) as Report;
		expect(report.warnings).toHaveLength(1);
		expect(report.warnings[0]).toMatch(/without --offline/);
		expect(report.notes.some((n) => n.baseRelease === null && n.baseWhy)).toBe(true);
	});
});
