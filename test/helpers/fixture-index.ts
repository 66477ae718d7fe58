/**
 * The committed index.json (test/fixtures/attack-index.json) as a server holding `served` lists
 * it: each release it lists that the server has, and the ones the server has that it does not
 * list (the fixture index has no 15.1, the sample vault's release). A sync downloads the releases
 * notes were written from: one listed but missing would be a failed download.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { FIXTURES } from "./paths";

const GITHUB = "https://raw.githubusercontent.com/mitre-attack/attack-stix-data/master/";
const COLLECTIONS: Readonly<Record<string, string>> = { "enterprise-attack": "Enterprise ATT&CK", "mobile-attack": "Mobile ATT&CK", "ics-attack": "ICS ATT&CK" };

/** `served`: paths as attack-stix-data has them (`enterprise-attack/enterprise-attack-15.1.json`). */
export function fixtureIndex(served: Iterable<string>): string {
	type Version = { version: string; url: string; modified: string };
	const index = JSON.parse(readFileSync(path.join(FIXTURES, "attack-index.json"), "utf8")) as { collections: Array<{ name: string; versions: Version[] }> };
	const files = new Set(served);
	for (const c of index.collections) c.versions = c.versions.filter((v) => files.has(v.url.slice(GITHUB.length)));
	for (const file of files) {
		const m = /^([a-z-]+)\/\1-(\d+\.\d+)\.json$/.exec(file);
		const c = m && index.collections.find((x) => x.name === COLLECTIONS[m[1]]);
		if (m && c && !c.versions.some((v) => v.version === m[2])) c.versions.push({ version: m[2], url: `${GITHUB}${file}`, modified: "2024-01-01T00:00:00.000Z" });
	}
	return JSON.stringify(index);
}
