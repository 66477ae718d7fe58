// The bundled example: builds the CLI, copies the sample Security+ vault to .demo/vault, shows
// what the committed ATT&CK fixture holds, then checks and fixes the vault's ATT&CK links and
// checks again (the second fix writes nothing).
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
cli("links", "--vault", ".demo/vault");
cli("links", "--vault", ".demo/vault", "--fix");
cli("links", "--vault", ".demo/vault", "--fix");
console.log("\nThe second --fix changed nothing. Compare: diff -r test/fixtures/sample-vault .demo/vault");
