// A vault created at 17.1, synced to 18.1 with new notes:
// - a note 18.1 creates may share its name with one the vault has (the data component "File
//   Deletion", new in 18.1, beside the technique T1070.004 "File Deletion"): links that landed on
//   the vault's note before are pointed at it by path, never left naming both;
// - a technique whose description has code with HTML entities (`&lt;username&gt;`) or a URL in
//   code records 18.1 once synced (`attack_version`), as every other note does.
// Needs the whole releases (../shared); skipped without them.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { LinkResolver } from "../../src/core/links/resolve";
import { scanWikiLinks } from "../../src/core/links/wikilink";
import { MemoryVault } from "../helpers/memory-vault";
import { HAVE_SHARED, SHARED_STIX } from "../helpers/paths";
import { model, syncOnce, textOf } from "./helpers";

const bundle = (v: string) => path.join(SHARED_STIX, `enterprise-attack-${v}.stix20.json`);
const DIR = "MITRE ATT&CK/Enterprise-Attack";

/** Links in the vault's notes that name more than one file. */
function ambiguous(vault: MemoryVault): string[] {
	const files = [...vault.files.keys()];
	const resolver = new LinkResolver(files);
	return files.filter((f) => f.endsWith(".md")).flatMap((f) => scanWikiLinks(textOf(vault.files.get(f))).filter((l) => resolver.resolve(l.target, f).candidates.length > 1).map((l) => `${f}: ${l.raw}`));
}

describe.skipIf(!HAVE_SHARED)("a vault created at 17.1, synced to 18.1", () => {
	const [m17, m18] = HAVE_SHARED ? [model(bundle("17.1")), model(bundle("18.1"))] : [null, null];

	it("points links a new note's name would make ambiguous at the note they reached, and a second sync writes nothing", async () => {
		if (!m17 || !m18) return;
		const vault = new MemoryVault({});
		await syncOnce(vault, m17, { version: "17.1", createMissing: ["technique", "subtechnique"], createOnly: new Set(["T1070", "T1070.004"]) });
		const parent = `${DIR}/techniques/Indicator Removal.md`;
		vault.files.set("My notes.md", "Deleting files: [[File Deletion]], see also [[File Deletion|the technique]].\n");
		expect(textOf(vault.files.get(parent))).toContain("[[File Deletion\\|T1070.004]]");
		await syncOnce(vault, m18, { version: "18.1", previous: [m17], createMissing: ["datacomponent"], createOnly: new Set(["DC0040"]) });
		expect(vault.files.has(`${DIR}/datacomponents/File Deletion.md`)).toBe(true);
		expect(textOf(vault.files.get(parent))).toContain(`[[${DIR}/techniques/File Deletion\\|T1070.004]]`);
		// Sync changes ATT&CK notes only: the user's own note is theirs (links --fix fixes it).
		expect(ambiguous(vault).filter((l) => !l.startsWith("My notes.md"))).toEqual([]);
		expect((await syncOnce(vault, m18, { version: "18.1", previous: [m17] })).wrote).toEqual([]);
	});

	it("records 18.1 in notes whose description has code with entities or a URL", async () => {
		if (!m17 || !m18) return;
		const vault = new MemoryVault({});
		const ids = ["T1216.001", "T1137.001", "T1098.004"];
		await syncOnce(vault, m17, { version: "17.1", createMissing: ["subtechnique"], createOnly: new Set(ids) });
		await syncOnce(vault, m18, { version: "18.1", previous: [m17] });
		const notes = [...vault.files.keys()].filter((f) => f.endsWith(".md"));
		expect(notes).toHaveLength(3);
		for (const f of notes) expect(textOf(vault.files.get(f)), f).toContain('attack_version: "18.1"');
	});
});
