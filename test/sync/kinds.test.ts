// Every kind of ATT&CK note: the kinds table, how group, software and campaign notes are
// recognized (an attack.mitre.org `url:` key, a generator's `G0001-Axiom` file name), and that
// their notes are synced like technique notes: description and relationship tables current,
// the user's words kept, a second sync writing nothing.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { attackIdOf } from "../../src/core/attack/model";
import { KINDS, kindOfId, parseKinds } from "../../src/core/kinds";
import { recognizeNote } from "../../src/core/notes/recognize";
import { readFrontmatter } from "../../src/core/notes/frontmatter";
import { MemoryVault } from "../helpers/memory-vault";
import { HAVE_SHARED, SHARED, SHARED_STIX } from "../helpers/paths";
import { model, readTree, syncOnce, textOf } from "./helpers";

const recognize = (p: string, text: string) => {
	const r = readFrontmatter(text);
	if (!r.ok) throw new Error(r.error);
	return recognizeNote(p, text, r.frontmatter, null);
};

describe("the kinds table", () => {
	it("gives each ID its kind, and reads --kinds", () => {
		expect(["T1059", "T1059.001", "TA0002", "M1031", "G0006", "S0357", "C0028", "DS0036", "DC0001", "DET0001", "AN0001", "A0001"].map(kindOfId)).toEqual(KINDS.map((k) => k.kind));
		expect(parseKinds("technique, group,Software")).toEqual(["technique", "group", "software"]);
		expect(parseKinds("all")).toHaveLength(KINDS.length);
		expect(parseKinds("data-sources")).toEqual(["datasource"]);
		expect(parseKinds("grups")).toEqual({ error: expect.stringContaining('"grups" is not a kind of ATT&CK note') as string });
	});
});

describe("recognizing group, software and campaign notes", () => {
	it("takes the ID from a key holding the object's attack.mitre.org page", () => {
		const text = "---\naliases:\n  - APT1\n  - Comment Crew\nurl: https://attack.mitre.org/groups/G0006\n---\n\n## APT1\n\nText.\n";
		expect(recognize("MITRE/CTI/Groups/APT1.md", text).ids).toEqual(["G0006"]);
		expect(recognize("x.md", "---\nlink: https://attack.mitre.org/techniques/T1003/001/\n---\n").ids).toEqual(["T1003.001"]);
		// The page's key wins over a file name that looks like another ID (the group TA2541).
		expect(recognize("Groups/TA2541.md", "---\nurl: https://attack.mitre.org/groups/G1018\n---\n").ids).toEqual(["G1018"]);
	});

	it("takes the ID from a generator's file name when nothing else names it", () => {
		expect(recognize("kb/mitre/attack/groups/G0001-Axiom.md", "## Description\n").ids).toEqual(["G0001"]);
		expect(recognize("groups/G0001 - Axiom.md", "").ids).toEqual(["G0001"]);
		expect(recognize("x/Valid Accounts - T1078.md", "").ids).toEqual(["T1078"]);
		expect(recognize("x/notes on T1078.md", "").ids).toEqual([]);
	});
});

const BUNDLE = (v: string) => path.join(SHARED_STIX, `enterprise-attack-${v}.stix20.json`);

describe.skipIf(!HAVE_SHARED)("syncing group, software and campaign notes (17.1 -> 18.1)", () => {
	const opts = () => {
		const old = model(BUNDLE("17.1"));
		return { version: "18.1", releases: { local: ["17.1"], remote: () => Promise.resolve([]), load: (v: string) => Promise.resolve(v === "17.1" ? old : null) } };
	};

	it("brings a group note's description and techniques table up to date, keeping the user's words", async () => {
		const old = model(BUNDLE("17.1"));
		const fresh = model(BUNDLE("18.1"));
		const g = old.get("G0129");
		const rows = old.usedBy(g!).filter((r) => r.object.type === "attack-pattern").slice(0, 3);
		const row = (r: (typeof rows)[number]) => {
			const id = r.object.external_references?.find((x) => x.external_id)?.external_id ?? "";
			return `| [[${r.object.name}\\|${id}]] | ${r.object.name} | ${r.description.replace(/\(Citation:[^)]*\)/g, "").replace(/\n/g, " ")} |`;
		};
		const before = [
			"---",
			"url: https://attack.mitre.org/groups/G0129",
			"my_key: mine # a comment",
			"---",
			"",
			"## Mustang Panda",
			"",
			(g?.description ?? "").replace(/\(Citation:[^)]*\)/g, "").replace("cyber espionage", "==cyber espionage=="),
			"",
			"My own line about this group.",
			"",
			"### Techniques Used",
			"| ID | Name | Use |",
			"| --- | --- | --- |",
			...rows.map(row),
			"",
		].join("\n");
		const vault = new MemoryVault({ "Groups/Mustang Panda.md": before });
		const { report } = await syncOnce(vault, fresh, opts());
		expect(report.notes.find((n) => n.path === "Groups/Mustang Panda.md")).toMatchObject({ id: "G0129", action: "updated" });
		const after = textOf(vault.files.get("Groups/Mustang Panda.md"));
		for (const mine of ["My own line about this group.", "my_key: mine # a comment", "==cyber espionage=="]) expect(after).toContain(mine);
		expect(after).toContain("has been conducting operations since at least 2012");
		// Every technique 18.1 says the group uses has its row: the note's own rows keep their links,
		// new ones name their technique by its plain ID (the vault has no technique notes to link to).
		const linked = new Set(rows.map((r) => r.object.external_references?.find((x) => x.external_id)?.external_id));
		for (const r of fresh.usedBy(fresh.get("G0129")!)) {
			if (r.object.type !== "attack-pattern") continue;
			const id = r.object.external_references?.find((x) => x.external_id)?.external_id ?? "";
			expect(after, id).toContain(linked.has(id) ? `\\|${id}]]` : `\n| ${id} | ${r.object.name ?? ""} |`);
		}
		expect((await syncOnce(vault, fresh, opts())).wrote).toEqual([]);
	});

	it("leaves alone a note of the user's whose file name starts with an ID", async () => {
		const vault = new MemoryVault({ "Study/T1059 - my notes.md": "Things I learned.\n" });
		const { report } = await syncOnce(vault, model(BUNDLE("18.1")), opts());
		expect(report.notes.filter((n) => n.action !== "skipped")).toEqual([]);
		expect(textOf(vault.files.get("Study/T1059 - my notes.md"))).toBe("Things I learned.\n");
	});

	it("marks a data source note deprecated in 18.1 and names the data components that replaced it", async () => {
		const file = "MITRE/Defenses/Detections/Data Components/Enterprise attack/Group.md";
		const before = readFileSync(path.join(SHARED, "peer-vaults", "reuteras-17.1", file), "utf8");
		const vault = new MemoryVault({ [file]: before });
		const { report } = await syncOnce(vault, model(BUNDLE("18.1")), opts());
		expect(report.notes.find((n) => n.path === file)).toMatchObject({ id: "DS0036", action: "updated" });
		const after = textOf(vault.files.get(file));
		expect(after).toContain("## Group\n\n> [!warning] Deprecated in ATT&CK 18.1: ATT&CK no longer has data sources; its data components stand on their own: Group Enumeration (DC0099), Group Metadata (DC0105), Group Modification (DC0094).\n\nA collection");
		expect(after).toContain("attack_status: deprecated");
		// Nothing else of the note changed: only the notice and the keys sync owns were added.
		expect(after.replace(/^> \[!warning\].*\n\n/m, "").replace(/^attack_\w+: .*\n/gm, "")).toBe(before);
		expect((await syncOnce(vault, model(BUNDLE("18.1")), opts())).wrote).toEqual([]);
	});

	it.each([
		["enterprise-attack-17.1.stix20.json", "enterprise-attack-18.1.stix20.json"],
		["mobile-attack-17.1.json", "mobile-attack-18.1.stix20.json"],
	])("names in each deprecated data source's notice every data component %s gave it, named after it or not", async (then, now) => {
		const [old, fresh] = [model(path.join(SHARED_STIX, then)), model(path.join(SHARED_STIX, now))];
		const sources = fresh.all("dataSource").filter((o) => o.x_mitre_deprecated === true);
		expect(sources.length).toBeGreaterThan(5);
		const vault = new MemoryVault(Object.fromEntries(sources.map((o) => [`DS/${attackIdOf(o)}.md`, `## ${attackIdOf(o)}\n\n${o.description ?? ""}\n`])));
		await syncOnce(vault, fresh, { version: "18.1" });
		let named = 0;
		for (const o of sources) {
			const text = textOf(vault.files.get(`DS/${attackIdOf(o)}.md`));
			const notice = /^> \[!warning\] Deprecated in ATT&CK 18\.1: .*$/m.exec(text)?.[0] ?? "";
			// Those still active in 18.1 (it deprecated three, Pod Metadata among them).
			const components = old.all("dataComponent").flatMap((c) => {
				const now = c.x_mitre_data_source_ref === o.id ? fresh.byStixId(c.id) : undefined;
				return now === undefined || now.x_mitre_deprecated === true || now.revoked === true ? [] : [now];
			});
			for (const c of components) expect(notice, `${attackIdOf(o)} ${o.name}`).toContain(`${c.name} (${attackIdOf(c) ?? ""})`);
			if (components.length > 0) named++;
		}
		expect(named).toBeGreaterThan(5);
	});

	it("puts a new domain's notes beside the vault's domain folder, spelled as it is, and leaves the other domain's notes alone", async () => {
		const before = readTree(path.join(SHARED, "peer-vaults", "fancyp4nda-17.1"));
		const vault = new MemoryVault(before);
		const { report } = await syncOnce(vault, model(path.join(SHARED_STIX, "mobile-attack-18.1.stix20.json")), { version: "18.1", createMissing: true });
		const created = report.notes.filter((n) => n.action === "created");
		expect(created.length).toBeGreaterThan(100);
		expect(created.filter((n) => !n.path.startsWith("mobile-attack/"))).toEqual([]);
		expect(created.some((n) => n.path.startsWith("mobile-attack/software/"))).toBe(true);
		expect(report.notes.filter((n) => n.action === "updated")).toEqual([]);
		for (const [p, text] of Object.entries(before)) expect(textOf(vault.files.get(p)), p).toBe(text);
	});
});
