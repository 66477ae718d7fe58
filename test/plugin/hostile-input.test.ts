// The plugin fed hostile input: bundles and indexes crafted to make it write outside its folder or
// download from elsewhere. Driven through the built main.js and the Obsidian stand-in
// (test/helpers/plugin-harness.ts), with real HTTP servers on 127.0.0.1 (and 127.0.0.2, which
// must never be asked for anything).
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
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
					`ATT&CK Sync: crafted.json is a bundle of ${JSON.stringify(domain)}, not of enterprise-attack, mobile-attack or ics-attack; nothing was saved.`,
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
