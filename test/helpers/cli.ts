/**
 * The built CLI (dist/cli.js) run as a child process without blocking this one, so a test's
 * HTTP server on 127.0.0.1 keeps answering while it runs.
 */
import { spawn } from "node:child_process";
import { CLI } from "./paths";

export interface CliResult {
	code: number | null;
	stdout: string;
	stderr: string;
}

export function runCli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
		let stdout = "";
		let stderr = "";
		child.stdout.setEncoding("utf8").on("data", (s: string) => (stdout += s));
		child.stderr.setEncoding("utf8").on("data", (s: string) => (stderr += s));
		child.on("error", reject);
		child.on("close", (code) => resolve({ code, stdout, stderr }));
	});
}
