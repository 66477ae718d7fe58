// `links`: every link left unfixed ends with the command that fixes it.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { remedyOf, type LinkEntry } from "../../src/core/commands/links";
import type { ProblemKind } from "../../src/core/links/judge";
import { runCli } from "../helpers/cli";
import { FIXTURES } from "../helpers/paths";
import { copyWritable } from "../helpers/sample-vault";
import { tempDir } from "../helpers/temp";

const entry = (expectedId: string, problemKind: ProblemKind): LinkEntry => ({
	source: "a.md",
	line: 1,
	raw: "[[x]]",
	expectedId,
	resolved: null,
	resolvedId: null,
	status: "broken",
	problem: "…",
	problemKind,
});

describe("links: what fixes a link left as it is", () => {
	it("ends each not-fixed line of the sample vault with a command for that vault", async () => {
		const vault = path.join(tempDir("links-remedy"), "my vault");
		copyWritable(path.join(FIXTURES, "sample-vault"), vault);
		const r = await runCli(["links", "--vault", vault]);
		expect(r.code, r.stderr).toBe(0);
		const notFixed = r.stdout.split("\n").filter((l) => l.includes("not fixed:"));
		expect(notFixed.length).toBeGreaterThan(0);
		for (const line of notFixed) expect(line).toMatch(/; to fix: .*`attack-sync [a-z]+ --vault '[^']*my vault' [^`]*`$/);
		expect(r.stdout).toContain("not fixed: no note in the vault is about T1566.003; to fix: run `attack-sync sync --vault '");
		expect(r.stdout).toContain("' --bundle FILE --create-missing`");
	});

	it("names sync --create-missing for the IDs it creates, links --fix after a change by hand for the others", () => {
		expect(remedyOf(entry("TA0002", "missing"), "/v")).toBe("run `attack-sync sync --vault /v --bundle FILE --create-missing`");
		expect(remedyOf(entry("T1204.001", "notAlone"))).toBe("run `attack-sync sync --vault DIR --bundle FILE --create-missing`");
		expect(remedyOf(entry("M1031", "missing"), "/v")).toContain("--create-missing");
		expect(remedyOf(entry("G0007", "missing"), "/v")).toBe("add a note about G0007, then run `attack-sync links --vault /v --fix`");
		expect(remedyOf(entry("T1566", "several"), "/v")).toBe("keep one note about T1566 (delete or rename the copies), then run `attack-sync links --vault /v --fix`");
		expect(remedyOf(entry("T1566", "unlinkable"), "/v")).toMatch(/^rename the note, then run `attack-sync links --vault \/v --fix`$/);
		expect(remedyOf(entry("T1566", "unreadable"), "it's mine")).toBe(`mend that file (see "skipped" below), then run \`attack-sync links --vault 'it'\\''s mine' --fix\``);
		// A link to the user's own note is left by choice: nothing to fix.
		expect(remedyOf(entry("T1566", "notAttack"), "/v")).toBeNull();
	});
});
