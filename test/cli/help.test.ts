// What the CLI says about itself: --version, each command's --help (every option it takes, an
// example), and "did you mean" for a mistyped command or option.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { didYouMean, editDistance } from "../../src/cli/help";
import { runCli } from "../helpers/cli";
import { ROOT } from "../helpers/paths";

const COMMANDS = ["inspect", "links", "sync", "fetch", "undo"];

describe("attack-sync --version", () => {
	it("prints package.json's version", async () => {
		const { version } = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { version: string };
		for (const flag of ["--version", "-V"]) {
			const r = await runCli([flag]);
			expect(r.code).toBe(0);
			expect(r.stdout).toBe(`${version}\n`);
		}
	});
});

describe("attack-sync <command> --help", () => {
	it("gives each command's options and an example, and exits 0", async () => {
		const asked = [...COMMANDS.map((name) => [name, "--help"]), ["sync", "-h"], ["help", "sync"], ["sync", "--vault", "x", "--help"]];
		for (const args of asked) {
			const name = args[0] === "help" ? args[1] : args[0];
			{
				const r = await runCli(args);
				expect(r.code, args.join(" ")).toBe(0);
				expect(r.stdout).toContain(`attack-sync ${name} `);
				expect(r.stdout).toContain("Options:");
				expect(r.stdout).toMatch(new RegExp(`Example:\\n  attack-sync ${name} --`));
			}
		}
	});

	it("lists only options the command takes", async () => {
		for (const name of COMMANDS) {
			const help = (await runCli([name, "--help"])).stdout;
			const options = [...help.split("Options:")[1].split("Example:")[0].matchAll(/^ {2}(--[a-z-]+)( [A-Z])?/gm)];
			expect(options.length).toBeGreaterThan(1);
			// All at once, each with a value that cannot exist: the parser takes them all, and the run
			// stops at the first value it checks (no such folder, a bad version), before any work.
			const args = options.map(([, option, value]) => (value === undefined ? option : `${option}=x`));
			const r = await runCli([name, ...args]);
			expect(r.code, `${name} ${args.join(" ")}`).not.toBe(0);
			expect(r.stderr).not.toContain("unknown option");
		}
	});

	it("lists every command with `help`, and `attack-sync` alone is a usage error", async () => {
		const help = await runCli(["help"]);
		expect(help.code).toBe(0);
		for (const name of COMMANDS) expect(help.stdout).toContain(`attack-sync ${name} --`);
		expect(help.stdout).toContain("attack-sync <command> --help");
		expect((await runCli([])).code).toBe(2);
	});
});

describe("did you mean", () => {
	it("names the command meant", async () => {
		const r = await runCli(["synk", "--vault", "x"]);
		expect(r.code).toBe(2);
		expect(r.stderr).toContain(`unknown command "synk"; did you mean "sync"?`);
		expect((await runCli(["inpsect"])).stderr).toContain(`did you mean "inspect"?`);
		expect((await runCli(["frobnicate"])).stderr).not.toContain("did you mean");
		const help = await runCli(["help", "undoo"]);
		expect(help.code).toBe(2);
		expect(help.stderr).toContain(`unknown command "undoo"; did you mean "undo"?`);
	});

	it("names the option meant, with the command's usage", async () => {
		const r = await runCli(["sync", "--vault", "x", "--bundle", "y", "--dry-rn"]);
		expect(r.code).toBe(2);
		expect(r.stderr).toContain(`unknown option "--dry-rn"; did you mean "--dry-run"?`);
		expect(r.stderr).toContain("attack-sync sync --vault DIR");
		expect(r.stderr).toContain(`Run "attack-sync sync --help"`);
		expect((await runCli(["inspect", "--bundel", "x"])).stderr).toContain(`did you mean "--bundle"?`);
		expect((await runCli(["links", "--Vault", "x"])).stderr).toContain(`did you mean "--vault"?`);
		expect((await runCli(["sync", "--create"])).stderr).toContain(`did you mean "--create-missing"?`);
		// An option written without its dashes, or with one.
		expect((await runCli(["links", "vault", "x"])).stderr).toContain(`unexpected argument "vault"; did you mean "--vault"?`);
		expect((await runCli(["sync", "-dry-run"])).stderr).toContain(`did you mean "--dry-run"?`);
		expect((await runCli(["sync", "extra"])).stderr).toMatch(/unexpected argument "extra"\n/);
	});

	it("is an edit distance, with a limit that grows with the word", () => {
		expect(editDistance("sync", "sync")).toBe(0);
		expect(editDistance("synk", "sync")).toBe(1);
		expect(editDistance("inpsect", "inspect")).toBe(2);
		expect(editDistance("", "abc")).toBe(3);
		expect(didYouMean("lnks", ["inspect", "links", "sync", "fetch"])).toBe("links");
		expect(didYouMean("xyz", ["inspect", "links", "sync", "fetch"])).toBeNull();
		expect(didYouMean("--json", ["--json", "--fix"])).toBe("--json");
		// A word that begins several candidates is not guessed.
		expect(didYouMean("--c", ["--cache-dir", "--config-dir"])).toBeNull();
	});
});
