// The bundled example: builds the CLI, copies the sample Security+ vault (v15-era notes, edited
// by hand) to .demo/vault, shows what the committed ATT&CK 18.1 fixture holds, checks the vault's
// ATT&CK links, then syncs the notes to 18.1: a dry run, the sync, and a second sync that writes
// nothing.
import { execFileSync } from "node:child_process";
import { cpSync, rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), "..");
const vault = path.join(root, ".demo", "vault");
const cli = (...args) => {
	console.log(`\n$ node dist/cli.js ${args.map((a) => (a.includes(" ") ? JSON.stringify(a) : a)).join(" ")}`);
	execFileSync(process.execPath, [path.join(root, "dist/cli.js"), ...args], { stdio: "inherit" });
};

execFileSync(process.execPath, [path.join(root, "esbuild.config.mjs"), "production"], { stdio: "pipe" });
rmSync(vault, { recursive: true, force: true });
cpSync(path.join(root, "test/fixtures/sample-vault"), vault, { recursive: true });
console.log(`Demo vault: ${path.relative(process.cwd(), vault)} (a copy of test/fixtures/sample-vault)`);

cli("inspect", "--bundle", "test/fixtures/enterprise-attack-18.1-subset.json");
const bundle = "test/fixtures/enterprise-attack-18.1-subset.json";
// The sample vault was generated from ATT&CK 15.1: naming it lets sync replace 15.1's words too, with no download (--offline).
const since = ["--previous-bundle", "test/fixtures/enterprise-attack-15.1-subset.json", "--previous-bundle", "test/fixtures/enterprise-attack-17.1-subset.json", "--offline"];
cli("links", "--vault", ".demo/vault");
cli("sync", "--vault", ".demo/vault", "--bundle", bundle, "--attack-version", "18.1", ...since, "--dry-run");
cli("sync", "--vault", ".demo/vault", "--bundle", bundle, "--attack-version", "18.1", ...since);
cli("sync", "--vault", ".demo/vault", "--bundle", bundle, "--attack-version", "18.1", ...since);
cli("sync", "--vault", ".demo/vault", "--bundle", bundle, "--attack-version", "18.1", ...since, "--create-missing");
cli("links", "--vault", ".demo/vault");
console.log("\nThe second sync changed nothing; --create-missing added the notes the links pointed to. The few links");
console.log("still broken name sub-techniques this small fixture leaves out (the full bundle has them).");
console.log("See what changed, and that your own text stayed: diff -ru test/fixtures/sample-vault .demo/vault");
