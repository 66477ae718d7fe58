// Builds main.js and dist/cli.js once before the tests, so end-to-end tests always run the
// current sources (the CLI as users run it, the plugin bundle as Obsidian loads it).
import { execFileSync } from "node:child_process";
import path from "node:path";

export default function setup(): void {
	execFileSync(process.execPath, [path.join(__dirname, "..", "esbuild.config.mjs"), "production"], { stdio: "pipe" });
}
