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

/**
 * A `sync` works every note out again (`--recheck`) unless `memo`: a test that syncs twice then
 * proves the engine writes nothing the second time, not only that the vault's memo matched.
 */
export function runCli(args: string[], env: Record<string, string> = {}, opts: { memo?: boolean } = {}): Promise<CliResult> {
	const all = args[0] === "sync" && opts.memo !== true && !args.includes("--recheck") ? [...args, "--recheck"] : args;
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, [CLI, ...all], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
		let stdout = "";
		let stderr = "";
		child.stdout.setEncoding("utf8").on("data", (s: string) => (stdout += s));
		child.stderr.setEncoding("utf8").on("data", (s: string) => (stderr += s));
		child.on("error", reject);
		child.on("close", (code) => resolve({ code, stdout, stderr }));
	});
}
