// `sync --create-missing` on an empty vault with Enterprise 18.1: a new technique note has its
// procedure examples and detection strategies, a tactic its techniques, a mitigation the
// techniques it addresses, and no broken link; rows name groups and software the vault has no
// note of in plain text. Once `--kinds group` creates the group notes, a resync
// links their rows; then a sync writes nothing. Needs ../shared.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli";
import { HAVE_SHARED, SHARED_STIX } from "../helpers/paths";
import { tempDir } from "../helpers/temp";
import { rowsUnder } from "../helpers/table-rows";

const BUNDLE = path.join(SHARED_STIX, "enterprise-attack-18.1.stix20.json");
const T1059 = ["MITRE ATT&CK", "Enterprise-Attack", "techniques", "Command and Scripting Interpreter.md"];

describe.skipIf(!HAVE_SHARED)("sync --create-missing: a new technique note's procedure and detection tables (Enterprise 18.1)", () => {
	it("writes them with no broken link, links the groups' rows once their notes exist, then writes nothing", async () => {
		const vault = tempDir("new-tables");
		const sync = async (...more: string[]) => {
			const r = await runCli(["sync", "--vault", vault, "--bundle", BUNDLE, "--offline", "--json", "--no-backup", ...more]);
			expect(r.stderr).toBe("");
			expect(r.code).toBe(0);
			return (JSON.parse(r.stdout) as { summary: Record<string, number> }).summary;
		};
		const broken = async () => (JSON.parse((await runCli(["links", "--vault", vault, "--json"])).stdout) as { summary: Record<string, number> }).summary;

		expect((await sync("--create-missing")).created).toBeGreaterThan(700);
		const file = path.join(vault, ...T1059);
		const note = readFileSync(file, "utf8");
		expect(note).toContain("\n### Procedure Examples\n\n| ID | Name | Use |\n| --- | --- | --- |\n");
		const procedures = rowsUnder(note, "Procedure Examples");
		expect(procedures.length).toBeGreaterThan(20);
		// No group or software note: each row names its object, links nowhere.
		expect(procedures.find((l) => l.startsWith("| G0046 | FIN7 | "))).toMatch(/FIN7.* used SQL scripts/);
		for (const row of procedures) expect(row).toMatch(/^\| [GSC]\d{4} \| [^|]+ \| \S/);
		expect(rowsUnder(note, "Detection Strategies")).toEqual(["| DET0516 | Behavioral Detection of Command and Scripting Interpreter Abuse |  |"]);
		// A tactic lists its techniques and sub-techniques, a mitigation the techniques it addresses
		// with the relationship's text: linked, as this run creates the technique notes.
		const notes = path.join(vault, ...T1059.slice(0, -2));
		const tactic = rowsUnder(readFileSync(path.join(notes, "tactics", "Execution.md"), "utf8"), "Techniques");
		expect(tactic).toContain("| [[Command and Scripting Interpreter\\|T1059]] | Command and Scripting Interpreter |");
		expect(tactic).toContain("| [[PowerShell\\|T1059.001]] | PowerShell |");
		const mitigation = rowsUnder(readFileSync(path.join(notes, "mitigations", "User Training.md"), "utf8"), "Techniques Addressed by Mitigation");
		expect(mitigation.find((l) => l.includes("\\|T1566]]"))).toBe("| [[Phishing\\|T1566]] | Phishing | Users can be trained to identify social engineering techniques and phishing emails. |");
		expect(await broken()).toMatchObject({ broken: 0, ambiguous: 0 });
		expect(await sync("--create-missing")).toMatchObject({ updated: 0, created: 0 });

		// The group notes come: the groups' rows link to them, software's stay plain, nothing else changes.
		const groups = await sync("--create-missing", "--kinds", "group");
		expect(groups.created).toBeGreaterThan(100);
		const after = readFileSync(file, "utf8");
		const linked = rowsUnder(after, "Procedure Examples");
		expect(linked).toHaveLength(procedures.length);
		expect(linked.find((l) => l.includes("| FIN7 | "))).toMatch(/^\| \[\[FIN7\\\|G0046\]\] \| FIN7 \| /);
		for (const row of linked.filter((l) => !l.includes("\\|G"))) expect(row).toMatch(/^\| [SC]\d{4} \| /);
		expect(after.replace(/\[\[[^\]|\\]+\\\|(G\d{4})\]\]/g, "$1")).toBe(note);
		expect(await broken()).toMatchObject({ broken: 0, ambiguous: 0 });
		expect(await sync("--create-missing", "--kinds", "group")).toMatchObject({ updated: 0, created: 0 });
		expect(await sync("--create-missing")).toMatchObject({ updated: 0, created: 0 });
	}, 300_000);
});
