// rebaseUrl against a hostile index.json: whatever URL the index lists, the file is fetched from
// the base URL's host, under the base URL's path. Backslashes, tabs and newlines (which the URL
// parser turns into `/` or drops), `//host`, other hosts, userinfo and dot segments included.
import { describe, expect, it } from "vitest";
import { DEFAULT_BASE_URL, parseIndex, planDownload, rebaseUrl } from "../../src/core/fetch/index-json";
import { HOSTILE_URLS } from "../helpers/hostile-urls";

const FILE = "enterprise-attack/enterprise-attack-18.1.json";
const EVIL = "127.0.0.2:8000";

describe("rebaseUrl keeps every download on the base URL's host", () => {
	for (const base of ["http://127.0.0.1:9000/", "https://mirror.example/attack/data/"]) {
		const host = new URL(base).host;
		for (const [what, make] of Object.entries(HOSTILE_URLS)) {
			it(`${what} (base ${base})`, () => {
				let out: string | null = null;
				try {
					out = rebaseUrl(make(EVIL, host), base);
				} catch (err) {
					// Refusing is fine too, in one sentence naming the URL.
					expect((err as Error).message).toMatch(/^the ATT&CK index lists .*; cannot tell where it is under /);
				}
				if (out !== null) {
					const url = new URL(out);
					expect(url.host, out).toBe(host);
					expect(url.protocol).toBe(new URL(base).protocol);
					expect(url.username + url.password).toBe("");
					expect(url.pathname.startsWith(new URL(base).pathname), out).toBe(true);
				}
			});
		}
	}

	it("keeps the path under the base URL's path: dot segments cannot climb out", () => {
		for (const url of ["../../x/enterprise-attack/e.json", "/%2e%2e/%2e%2e/enterprise-attack/e.json", `${DEFAULT_BASE_URL}../../enterprise-attack/e.json`, `https://o.example/a/../../enterprise-attack/e.json`]) {
			const out = rebaseUrl(url, "http://h/attack/data/");
			expect(out.startsWith("http://h/attack/data/"), `${url} -> ${out}`).toBe(true);
			expect(out).not.toMatch(/\/\.\.?\/|%2e/i);
		}
	});

	it("rebases the ordinary URLs as before", () => {
		expect(rebaseUrl(`${DEFAULT_BASE_URL}${FILE}`, "http://127.0.0.1:8080/")).toBe(`http://127.0.0.1:8080/${FILE}`);
		expect(rebaseUrl(FILE, "http://h/base/")).toBe(`http://h/base/${FILE}`);
		expect(rebaseUrl(`https://other.example/x/y/${FILE}`, "http://h/")).toBe(`http://h/${FILE}`);
		// The index is read with JSON.parse: a hostile URL arrives there as a string like these.
		const index = JSON.stringify({ collections: [{ name: "E", versions: [{ version: "18.1", url: `\\\\${EVIL}/${FILE}` }] }] });
		expect(parseIndex(index, "i").collections[0].versions[0].domain).toBe("enterprise-attack");
		expect(planDownload(index, "i", "http://127.0.0.1:9000/", { domain: "enterprise-attack" }).url).toBe(`http://127.0.0.1:9000/${FILE}`);
	});
});
