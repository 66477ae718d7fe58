import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

export const ROOT = path.resolve(__dirname, "../..");
export const FIXTURES = path.join(ROOT, "test/fixtures");
/** ../shared beside the checkout: big bundles and the sample vault. Tests that need it skip without it. */
export const SHARED = path.resolve(ROOT, "..", "shared");
export const SHARED_STIX = path.join(SHARED, "attack-stix");
export const HAVE_SHARED = existsSync(path.join(SHARED_STIX, "enterprise-attack-18.1.stix20.json"));
if (!HAVE_SHARED) console.warn(`[skip] ${SHARED} is absent: full-bundle and shared sample-vault tests are skipped.`);

export const ENTERPRISE_FIXTURE = path.join(FIXTURES, "enterprise-attack-18.1-subset.json");
export const MOBILE_FIXTURE = path.join(FIXTURES, "mobile-attack-17.1-subset.json");
export const CLI = path.join(ROOT, "dist/cli.js");
export const MAIN_JS = path.join(ROOT, "main.js");

export function readText(file: string): string {
	return readFileSync(file, "utf8");
}
