// The test harness itself: what keeps the suite deterministic under load.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { describe, expect, inject, it } from "vitest";
import { expectGolden, recordsGolden } from "../helpers/golden";
import { startLocalServer } from "../helpers/local-server";
import { makeObsidian } from "../helpers/obsidian-stand-in";
import { ROOT } from "../helpers/paths";
import { tempDir } from "../helpers/temp";

/** Every TypeScript file under test/ (fixtures aside), by path from the root, with its text. */
function testSources(): Array<[string, string]> {
	const out: Array<[string, string]> = [];
	const walk = (rel: string) => {
		for (const entry of readdirSync(path.join(ROOT, rel), { withFileTypes: true })) {
			const p = `${rel}/${entry.name}`;
			if (entry.isDirectory()) {
				if (p !== "test/fixtures") walk(p);
			} else if (p.endsWith(".ts")) out.push([p, readFileSync(path.join(ROOT, p), "utf8")]);
		}
	};
	walk("test");
	return out;
}

/** Lets the client settle after a response, so it would hand its socket to the next request. */
const pause = () => new Promise((resolve) => setTimeout(resolve, 20));

describe("the local HTTP server tests download from", () => {
	it("closes every connection after its answer, so even Node's pooling fetch never reuses one", async () => {
		const server = await startLocalServer((_req, res) => res.end("ok"));
		try {
			for (let i = 0; i < 3; i++) {
				const res = await fetch(server.url);
				expect(res.headers.get("connection")).toBe("close");
				expect(await res.text()).toBe("ok");
				await pause();
			}
			expect(server.connections()).toBe(3);
		} finally {
			await server.close();
		}
	});
});

describe("the Obsidian stand-in's requestUrl", () => {
	/**
	 * A server that keeps connections alive, as servers do, and drops an idle one sooner than the
	 * `Keep-Alive: timeout=60` it announces: the client's own idle timer never saves it, just as
	 * in main-js.test.ts, where neither side's timer could run while a sync held the event loop.
	 */
	async function keepAliveServer() {
		let connections = 0;
		const server = http.createServer((_req, res) => {
			res.setHeader("Connection", "keep-alive");
			res.setHeader("Keep-Alive", "timeout=60");
			res.end("ok");
		});
		server.keepAliveTimeout = 10;
		server.on("connection", () => connections++);
		await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
		return {
			url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
			connections: () => connections,
			close: () =>
				new Promise<void>((resolve) => {
					server.closeAllConnections();
					server.close(() => resolve());
				}),
		};
	}
	const requestUrl = (url: string) => makeObsidian({ commands: [], settingTabs: [], notices: [], modals: [] }).requestUrl({ url });

	it("opens a connection per request, even to a server that would keep one", async () => {
		const server = await keepAliveServer();
		try {
			for (let i = 0; i < 3; i++) {
				expect((await requestUrl(server.url)).text).toBe("ok");
				await pause();
			}
			expect(server.connections()).toBe(3);
		} finally {
			await server.close();
		}
	});

	it("still gets its answer when the event loop was busy for longer than the server keeps an idle connection (the ECONNRESET main-js.test.ts saw)", async () => {
		const server = await keepAliveServer();
		try {
			expect((await requestUrl(server.url)).text).toBe("ok");
			await pause();
			// Busy, as a sync through the stand-in is (one chain of promises over synchronous fs),
			// for far longer than the server's 10 ms; then the next request, before any timer runs.
			const second = await new Promise<{ text: string }>((resolve, reject) =>
				setImmediate(() => {
					const until = performance.now() + 1500;
					while (performance.now() < until);
					requestUrl(server.url).then(resolve, reject);
				}),
			);
			expect(second.text).toBe("ok");
		} finally {
			await server.close();
		}
	});
});

describe("golden files", () => {
	it("are recorded only when the run is asked to (-u), never because one is missing, whatever CI says", () => {
		// "new" is vitest's mode when CI is unset or false: on its own it would record a missing file.
		expect(recordsGolden("new")).toBe(false);
		expect(recordsGolden("none")).toBe(false);
		expect(recordsGolden("all")).toBe(true);
		expect(["new", "none", "all"]).toContain(inject("snapshotUpdate"));
	});

	it("a missing one fails with the command that records it, and nothing is written", async () => {
		const dir = tempDir("golden");
		const file = path.join(dir, "missing.md");
		for (const mode of ["new", "none"] as const) {
			await expect(expectGolden("text", file, mode)).rejects.toThrow(/golden file .*missing\.md is missing: record it with `npx vitest run test\/golden -u`/);
		}
		expect(readdirSync(dir)).toEqual([]);
	});

	it("are compared through expectGolden only: a bare file snapshot would record a missing file", () => {
		const bare = testSources().filter(([file, text]) => file !== "test/helpers/golden.ts" && /\.toMatch(File)?Snapshot\(/.test(text));
		expect(bare.map(([file]) => file)).toEqual([]);
		expect(readFileSync(path.join(ROOT, "test/golden/golden.test.ts"), "utf8")).toMatch(/expectGolden\(/);
	});
});

describe("temporary folders", () => {
	let made = "";
	it("tempDir makes a new empty folder in the temp folder", () => {
		made = tempDir("harness");
		expect(path.basename(made)).toMatch(/^attack-sync-harness-/);
		expect(readdirSync(made)).toEqual([]);
	});

	it("and removes it, with what the test put in it, once that test has ended", () => {
		expect(made).not.toBe("");
		expect(existsSync(made)).toBe(false);
	});

	it("no test makes one but through tempDir", () => {
		// The global setup makes the run's own temporary folder, and removes it.
		const own = new Set(["test/helpers/temp.ts", "test/global-setup.ts"]);
		// Written alongside tempDir, these remove their folders themselves (afterEach/finally); the
		// global setup's empty-TMPDIR check proves it on every run. To move onto tempDir.
		for (const f of ["cli/bad-input", "cli/fetch-hosts", "cli/fetch-limits", "cli/fs-vault-writes", "cli/full-disk", "cli/leftovers", "cli/names", "cli/read-only", "links/pathological-notes", "sync/interrupted", "sync/shared-ids"]) own.add(`test/${f}.test.ts`);
		own.add("test/helpers/plugin-harness.ts");
		const direct = testSources().filter(([file, text]) => !own.has(file) && /\b(mkdtemp|mkdtempSync)\s*\(|\btmpdir\s*\(\s*\)/.test(text));
		expect(direct.map(([file]) => file)).toEqual([]);
	});
});
