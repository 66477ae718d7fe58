// Review findings: a student's edits to synced notes, against the product's promises:
// (1) a sync never loses a word the user wrote; (2) a second sync changes nothing;
// (3) the note's structure stays sane.
//
// Each note is first synced once (so ATT&CK's own lines are already current), then edited the way a
// user would, then synced twice. `it.fails` pins a real bug (the test states the expected behaviour
// and fails today); `it` pins behaviour verified to work. Bugs are ordered as in the report:
// lost words, then non-idempotence, then structure.
import { describe, expect, it } from "vitest";
import {
	CLASSIC_SEED,
	CONTROLS_PATH,
	CONTROLS_SEED,
	count,
	EXPORT_PATH,
	EXPORT_SEED,
	insertAfter,
	linesOf,
	replaceOnce,
	synced,
	syncTwice,
} from "./harness";

/** The classic seed (T1204.001 Malicious Link) after one sync to 18.1. */
const classic = () => synced(CLASSIC_SEED());
/** The export seed after one sync to 18.1. */
const exported = () => synced(EXPORT_SEED(), EXPORT_PATH);
/** The controls seed after one sync to 18.1. */
const controls = () => synced(CONTROLS_SEED(), CONTROLS_PATH);
/** A classic mitigation note (M1017 User Training) created from an empty frame and synced to 18.1. */
const MITIGATION_PATH = "Notes/User Training.md";
const mitigation = () => synced("---\nalias: M1017\n---\n\n## M1017\n\n---\n### References\n", MITIGATION_PATH);

/** The end of ATT&CK's description paragraph in the classic note. */
const DESCRIPTION_END = "via [Malicious File](https://attack.mitre.org/techniques/T1204/002).";
/** The end of the M1017 row of the classic note's Mitigations table. */
const M1017_ROW_END = "raise suspicion for potentially malicious events. |\n";

describe("bugs: the user's words are lost", () => {
	// INPUT: the synced classic note; the user appends a sentence to ATT&CK's description paragraph
	//   ("... via [Malicious File](...). I saw this in lab 3 with a QR code.").
	// EXPECTED: the sentence survives (the paragraph is the user's now, or at least kept).
	// ACTUAL: the whole line is replaced by ATT&CK's paragraph; the sentence is gone.
	// CAUSE: prose.ts proseClassifier: a line sharing >= 50% of its words with a new line is
	//   classified as ATT&CK's (key of that line) and merge.ts replaces it. Edited ATT&CK paragraphs
	//   are indistinguishable from stale ATT&CK text. (Same for a sentence inserted mid-paragraph.)
	it("a sentence appended to an ATT&CK paragraph survives", async () => {
		const mine = `${DESCRIPTION_END} I saw this in lab 3 with a QR code.`;
		const note = replaceOnce(await classic(), DESCRIPTION_END, mine);
		const { first } = await syncTwice(note);
		expect(first).toContain("I saw this in lab 3 with a QR code.");
	});

	// INPUT: a column of the user's inserted in the MIDDLE of the Mitigations table:
	//   | ID | Name | Priority | Description |  with HIGH/LOW/MID in each row.
	// EXPECTED: the Priority column and its values are kept.
	// ACTUAL: every HIGH/LOW/MID is lost; the header becomes `| ID | Name | Description | Description |`
	//   and the user's column holds a second copy of the old descriptions.
	// CAUSE: classic.ts tablePlan: user columns are assumed to come after ATT&CK's
	//   (`oldHeader.slice(header.length)`, `cells.slice(header.length)`), by position, not by header name.
	it("a user's column between ATT&CK's columns keeps its values", async () => {
		let note = replaceOnce(await classic(), "| ID | Name | Description |\n| --- | --- | --- |", "| ID | Name | Priority | Description |\n| --- | --- | --- | --- |");
		note = replaceOnce(note, "| User Training | Use", "| User Training | HIGH | Use");
		note = replaceOnce(note, "| Restrict Web-Based Content | If", "| Restrict Web-Based Content | LOW | If");
		note = replaceOnce(note, "| Network Intrusion Prevention | If", "| Network Intrusion Prevention | MID | If");
		const { first } = await syncTwice(note);
		expect(first).toContain("| Priority |");
		expect(first).toContain("| HIGH |");
	});

	// INPUT: the user adds words to a cell of an ATT&CK row ("... malicious events. My note: phishing
	//   sims every quarter. |") or to its Name cell ("User Training (my fav)").
	// EXPECTED: the added words survive.
	// ACTUAL: the row is rewritten from ATT&CK by its ID; the words are gone.
	// CAUSE: classic.ts tablePlan classifier: any row whose first cell holds an ATT&CK ID is ATT&CK's.
	it("words added inside an ATT&CK table row survive", async () => {
		const note = replaceOnce(await classic(), M1017_ROW_END, "raise suspicion for potentially malicious events. My note: phishing sims every quarter. |\n");
		const { first } = await syncTwice(note);
		expect(first).toContain("My note: phishing sims every quarter.");
	});

	// INPUT: under `### Platforms`, after the list, a fenced code block of the user's:
	//   ```\n- Linux\n```
	// EXPECTED: the code block is kept verbatim (3 lines).
	// ACTUAL: `- Linux` inside the fence is taken for ATT&CK's platform item, which is already
	//   used, and is deleted: the user's code block is left as ```\n```.
	// CAUSE: merge.ts mergeRegion classifies line by line with no notion of fenced code (the
	//   list classifier in classic.ts sees `- Linux`); an ATT&CK key with no unused slot is dropped.
	it("a line inside the user's code block that looks like a list item survives", async () => {
		const note = insertAfter(await classic(), "- Windows\n", "\n```\n- Linux\n```\n");
		const { first } = await syncTwice(note);
		expect(first).toContain("```\n- Linux\n```");
	});

	// Same cause, HTML comment spanning lines (`<!--\n- Linux\n-->`): the commented line is deleted.
	it("a line inside a multi-line HTML comment survives", async () => {
		const note = insertAfter(await classic(), "- Windows\n", "\n<!--\n- Linux\n-->\n");
		const { first } = await syncTwice(note);
		expect(first).toContain("<!--\n- Linux\n-->");
	});

	// Same cause, Obsidian `%%` comment block (`%%\n- Linux\n%%`).
	it("a line inside a multi-line %% comment survives", async () => {
		const note = insertAfter(await classic(), "- Windows\n", "\n%%\n- Linux\n%%\n");
		const { first } = await syncTwice(note);
		expect(first).toContain("%%\n- Linux\n%%");
	});

	// INPUT: a code block of the user's right under `### Mitigations`, above the table, holding a
	//   table row with an ATT&CK ID:  ```\n| M1017 | x | y |\n```
	// EXPECTED: the code block is kept; the table stays outside it.
	// ACTUAL: `| M1017 | x | y |` is deleted (taken for ATT&CK's M1017 row) and the closing ``` is
	//   re-attached after the M1017 row, so ATT&CK's table now sits INSIDE the user's code block
	//   (renders as code; a later `### ...` inside could be hidden from the outline).
	// CAUSE: as above (merge.ts, classic.ts tablePlan): the fence lines are "user", the row is ATT&CK's,
	//   and the closing fence is anchored `{ at: M1017 row }`.
	it("a user's code block holding a table row stays a code block above the table", async () => {
		const note = insertAfter(await classic(), "### Mitigations\n", "\n```\n| M1017 | x | y |\n```\n");
		const { first } = await syncTwice(note);
		expect(first).toContain("```\n| M1017 | x | y |\n```");
		const section = first.slice(first.indexOf("### Mitigations"), first.indexOf("### References"));
		// The table's header comes after the closing fence, not inside the code block.
		expect(section.indexOf("| ID | Name | Description |")).toBeGreaterThan(section.lastIndexOf("```"));
	});

	// INPUT: in a mitigation note's description (M1017), the user adds their own bullet right under
	//   ATT&CK's "- Conduct phishing simulations to measure user susceptibility and provide targeted
	//   follow-up training.": "- Conduct phishing simulations every quarter at my company to measure susceptibility"
	// EXPECTED: the user's bullet survives.
	// ACTUAL: deleted: it shares >= 50% of its words with ATT&CK's bullet, so it is classified as
	//   that bullet; the ATT&CK line above already took the slot, so the user's line is dropped.
	// CAUSE: prose.ts (similarity) + merge.ts mergeRegion: a line with a key whose new line is already
	//   used (`slot === undefined`) is silently dropped instead of being kept as the user's.
	it("a user's bullet that paraphrases an ATT&CK bullet survives", async () => {
		const mine = "- Conduct phishing simulations every quarter at my company to measure susceptibility";
		const note = insertAfter(await mitigation(), "provide targeted follow-up training.\n", `${mine}\n`);
		const { first } = await syncTwice(note, MITIGATION_PATH);
		expect(count(first, mine)).toBe(1);
	});

	// INPUT: under `### Tactic`, the user adds "- see also Persistence (TA0003)".
	// EXPECTED: kept (it is not one of this technique's tactics; it holds the user's words).
	// ACTUAL: deleted: any item ending in `(TA####)` is ATT&CK's, and TA0003 has no new line.
	// CAUSE: classic.ts techniquePlans, Tactic listClassifier (`/\((TA\d{4})\)$/`).
	it("a user's list item naming another tactic survives", async () => {
		const mine = "- see also Persistence (TA0003)";
		const note = insertAfter(await classic(), "(TA0002)\n", `${mine}\n`);
		const { first } = await syncTwice(note);
		expect(count(first, mine)).toBe(1);
	});

	// INPUT: the user adds a row of their own for a mitigation ATT&CK does not map to this technique:
	//   "| M1036 | Account Use Policies | my words |" (or a second M1017 row with their own words).
	// EXPECTED: kept (a row with words ATT&CK never wrote).
	// ACTUAL: deleted: a row whose first cell is a known mitigation ID is ATT&CK's; no new row → dropped.
	// CAUSE: classic.ts tablePlan classifier (`isOurs(id)`); the "user extended in columns" escape only
	//   looks at extra columns, not at the user's words in ATT&CK's columns.
	it("a user's row for a mitigation ATT&CK does not list here survives", async () => {
		const mine = "| M1036 | Account Use Policies | my words |";
		const note = insertAfter(await classic(), M1017_ROW_END, `${mine}\n`);
		const { first } = await syncTwice(note);
		expect(count(first, mine)).toBe(1);
	});

	// INPUT: in References, a footnote of the user's: "[^lab-1]: Lab 1. We ran the phishing sim and 4 of 10 clicked."
	// EXPECTED: kept (the docstring of ourFootnoteName promises user footnotes are not ours).
	// ACTUAL: deleted: its label is the slug of its first sentence, which is how sync names its own.
	// CAUSE: attack-text.ts ourFootnoteName (label fits `footnoteLabel(text before ". ")`), used by the
	//   References classifier in classic.ts (and export.ts).
	it("a user's footnote whose label matches its first sentence survives", async () => {
		const mine = "[^lab-1]: Lab 1. We ran the phishing sim and 4 of 10 clicked.";
		const note = insertAfter(await classic(), "/techniques/T1204/001\n", `\n${mine}\n`);
		const { first } = await syncTwice(note);
		expect(count(first, mine)).toBe(1);
	});

	// INPUT (export layout): in `## Detection`, the user writes their own analytic in the generators'
	//   style: "Analytic 1 - my own analytic" and a fenced query under it.
	// EXPECTED: kept.
	// ACTUAL: the line and the whole code block are deleted as "stale" ATT&CK content.
	// CAUSE: export.ts detectionClassifier / codeAfterAnalytics: any `^Analytic \d+ - ` line and the
	//   code after it are taken for generator output, with no check against what earlier releases wrote.
	it("export: a user's own 'Analytic 1 - ...' with a query survives", async () => {
		const note = insertAfter(await exported(), "executed on the user's computer.\n", "\nAnalytic 1 - my own analytic\n\n```\nmy query\n```\n");
		const { first } = await syncTwice(note, EXPORT_PATH);
		expect(first).toContain("Analytic 1 - my own analytic");
		expect(first).toContain("```\nmy query\n```");
	});

	// INPUT (controls layout): the user appends to the tactic line:
	//   "**MITRE ATT&CK Tactic(s):** Execution <!-- exam: know this -->"
	// EXPECTED: the comment (and any words after the tactic names) survives.
	// ACTUAL: everything after the label up to the end of the line is replaced by the tactic names.
	// CAUSE: controls.ts TACTICS regex captures `(.*?)` to the end of the line and splices the names over it.
	it("controls: words after the tactic names survive", async () => {
		const line = "**MITRE ATT&CK Tactic(s):** Execution <!-- exam: know this -->";
		const note = replaceOnce(await controls(), "**MITRE ATT&CK Tactic(s):** Execution", line);
		const { first } = await syncTwice(note, CONTROLS_PATH);
		expect(first).toContain(line);
	});

	// INPUT (controls layout): the user writes a note inside the description blockquote:
	//   "<blockquote>My note: see lab 2.<br>An adversary may ..."
	// EXPECTED: kept (or at least not silently dropped).
	// ACTUAL: the whole blockquote content is replaced by ATT&CK's rendering.
	// CAUSE: controls.ts syncControls replaces everything between <blockquote> and </blockquote>.
	it("controls: a note of the user's inside the description blockquote survives", async () => {
		const note = replaceOnce(await controls(), "<blockquote>", "<blockquote>My note: see lab 2.<br>");
		const { first } = await syncTwice(note, CONTROLS_PATH);
		expect(first).toContain("My note: see lab 2.");
	});

	// INPUT: a user paragraph in the description that quotes a source in ATT&CK's citation syntax:
	//   "I read (Citation: my textbook) on this."
	// EXPECTED: kept (short, shares no words with ATT&CK).
	// ACTUAL: deleted as stale ATT&CK text.
	// CAUSE: prose.ts proseClassifier: any line with `(Citation: ` is `{ key: "stale" }`.
	it("a user line that uses (Citation: ...) survives", async () => {
		const mine = "I read (Citation: my textbook) on this.";
		const note = insertAfter(await classic(), `${DESCRIPTION_END}\n`, `\n${mine}\n`);
		const { first } = await syncTwice(note);
		expect(count(first, mine)).toBe(1);
	});
});

describe("bugs: a second sync changes the note", () => {
	// INPUT: a setext heading of the user's between `### References` and its list:
	//   "### References\n\nMy notes\n========\n\n- mitre-attack: https://...".
	// EXPECTED: the first sync changes nothing (the list is under the user's heading) or keeps the
	//   heading a heading; the second sync writes nothing.
	// ACTUAL: References' own region is just the blank line before `My notes`, so sync writes the
	//   `- mitre-attack:` line there with no blank line after it (References' shape has trail 0):
	//   "- mitre-attack: ...\nMy notes\n========" — the user's heading is now a lazy continuation of
	//   the list item (no longer a heading), and the next sync sees both `- mitre-attack:` lines in
	//   References and deletes one: the second sync writes.
	// CAUSE: merge.ts mergeRegion's empty-region branch emits `shape.trail` (0 for References in
	//   classic.ts) blank lines before whatever follows; a setext heading's text line then joins the list.
	it("a setext heading right under ### References: the second sync writes nothing", async () => {
		const note = insertAfter(await classic(), "### References\n", "\nMy notes\n========\n");
		const { first, secondWrites } = await syncTwice(note);
		// The user's heading text stays a heading: a blank line (or the heading) above it.
		const lines = linesOf(first);
		const at = lines.indexOf("My notes");
		expect(lines[at - 1]).toMatch(/^(|#.*)$/);
		expect(secondWrites).toEqual([]);
	});
});

describe("bugs: structure and cosmetics (no words lost)", () => {
	// INPUT: a user heading inside the Mitigations table (between the M1021 and M1031 rows):
	//   "...M1021 row |\n\n### My tips\n\nTip.\n| M1031 row |".
	// EXPECTED: each of ATT&CK's rows once in the note (M1031, or M1017 now that the note's row order is kept).
	// ACTUAL: M1031 is added to the table AND the old row stays under "My tips", glued to "Tip."
	//   (two copies; the second renders as part of the user's paragraph).
	// CAUSE: classic.ts regionOf ends the Mitigations region at the user's heading; rows after it are
	//   invisible to the merge (no "ATT&CK rows outside the region" check).
	it.fails("a user heading that splits the table does not duplicate ATT&CK's rows", async () => {
		const m1021 = "such as zip and rar that may be used to conceal malicious files. |\n";
		const note = insertAfter(await classic(), m1021, "\n### My tips\n\nTip.\n");
		const { first } = await syncTwice(note);
		// Each ATT&CK row once (which row lands under the heading depends on the rows' order).
		const ids = [...first.matchAll(/\|(M\d{4})\]\]/g)].map((m) => m[1]);
		expect(ids.length).toBe(new Set(ids).size);
	});

	// INPUT: a thematic break of the user's between `### Mitigations` and its table ("\n***\n").
	// EXPECTED: one Mitigations table.
	// ACTUAL: a second, full copy of the table is written above the `***`; the old one stays below.
	// CAUSE: edits.ts regionOf stops a section's region at its first thematic break (meant for the
	//   classic frame's `---` above References), so the region is empty and the table is "missing".
	it("a user's *** between ### Mitigations and the table does not duplicate the table", async () => {
		const note = insertAfter(await classic(), "### Mitigations\n", "\n***\n");
		const { first } = await syncTwice(note);
		expect(first.match(/\| ID \| Name \| Description \|/g)?.length).toBe(1);
	});

	// INPUT: the classic seed with LF in the frontmatter and CRLF in the body (an editor that wrote
	//   part of the note with Windows line endings).
	// EXPECTED: the body's CRLF endings survive.
	// ACTUAL: every rewritten region comes back with LF: 3 lone LFs before, 17 after (the user's own
	//   CRLF lines inside a rewritten region lose their \r too).
	// CAUSE: edits.ts eolOf takes the note's FIRST line break as its ending; mergeEdit converts each
	//   region to LF and back only when that is CRLF.
	it("mixed endings: a CRLF body stays CRLF when the frontmatter is LF", async () => {
		const seed = CLASSIC_SEED();
		const fmEnd = seed.indexOf("---\n", 4) + 4;
		const note = seed.slice(0, fmEnd) + seed.slice(fmEnd).replace(/\n/g, "\r\n");
		const loneLf = (t: string) => (t.match(/(?<!\r)\n/g) ?? []).length;
		const { first } = await syncTwice(note);
		expect(loneLf(first)).toBeLessThanOrEqual(loneLf(note) + 3); // the 3 new frontmatter keys
	});
});

describe("verified: edits that survive, and a second sync that writes nothing", () => {
	/** Sync `note` twice; every line of `mine` is in the result exactly as often as in `note`. */
	async function survives(note: string, mine: string[], file?: string): Promise<string> {
		const { first, secondWrites } = await syncTwice(note, file);
		for (const line of mine) expect(count(first, line), line).toBe(count(note, line));
		expect(secondWrites).toEqual([]);
		return first;
	}

	it("a line directly under ### Tactic, and a nested item under ATT&CK's item", async () => {
		let note = insertAfter(await classic(), "### Tactic\n", "My tactic note.\n");
		note = insertAfter(note, "(TA0002)\n", "  - nested note of mine\n");
		await survives(note, ["My tactic note.", "  - nested note of mine"]);
	});

	it("a user row in the middle of the table, and a user column at its end", async () => {
		let note = insertAfter(await classic(), M1017_ROW_END, "| X-1 | mine | my row |\n");
		note = replaceOnce(note, "| ID | Name | Description |\n| --- | --- | --- |", "| ID | Name | Description | Mine |\n| --- | --- | --- | --- |");
		note = replaceOnce(note, M1017_ROW_END, "raise suspicion for potentially malicious events. | my cell |\n");
		const first = await survives(note, ["| X-1 | mine | my row |"]);
		expect(first).toContain("malicious events. | my cell |");
	});

	it("a user section between generated sections, a callout in Mitigations, a renamed ### Tactics", async () => {
		let note = insertAfter(await classic(), "- Windows\n", "\n### My tips\n\nTip text.\n");
		note = insertAfter(note, "### Mitigations\n", "\n> [!tip] My tip\n> keep this\n");
		note = replaceOnce(note, "### Tactic\n", "### Tactics\n");
		await survives(note, ["### My tips", "Tip text.", "> [!tip] My tip", "> keep this", "### Tactics"]);
	});

	it("a code block with #, --- and | lines under Platforms", async () => {
		const note = insertAfter(await classic(), "- Windows\n", "\n```bash\n# comment\n---\n| a |\n```\n");
		await survives(note, ["```bash", "# comment", "---", "| a |", "```"]);
	});

	it("a footnote and a reference of the user's in References", async () => {
		let note = insertAfter(await classic(), "/techniques/T1204/001\n", "- my-blog: https://example.com\n");
		note = insertAfter(note, "https://example.com\n", "\n[^mine]: my footnote\n");
		await survives(note, ["- my-blog: https://example.com", "[^mine]: my footnote"]);
	});

	it("frontmatter comments, anchors, flow lists and an aliases list are kept byte for byte", async () => {
		const fm = "# my comment\nalias: T1204.001 # inline\ntags: [a, b] # flow\naliases:\n  - Malicious Link\n  - ML # c\nbase: &x hello\nref: *x\n";
		const note = replaceOnce(CLASSIC_SEED(), "alias: T1204.001\n", fm);
		const first = await survives(note, linesOf(fm).filter((l) => l !== ""));
		expect(first.startsWith(`---\n${fm}attack_name: Malicious Link\n`)).toBe(true);
	});

	it("the classic seed with a BOM and CRLF: kept, and synced as the LF seed is", async () => {
		const note = `\uFEFF${CLASSIC_SEED().replace(/\n/g, "\r\n")}`;
		const { first, secondWrites } = await syncTwice(note);
		expect(first.startsWith("\uFEFF---\r\n")).toBe(true);
		expect(/(?<!\r)\n/.test(first)).toBe(false);
		expect(first.slice(1).replace(/\r\n/g, "\n")).toBe(await classic());
		expect(secondWrites).toEqual([]);
	});

	it("a note without a final newline keeps its last line and gets no newline added", async () => {
		const note = `${CLASSIC_SEED()}\nMy last words`;
		const first = await survives(note, ["My last words"]);
		expect(first.endsWith("\nMy last words")).toBe(true);
	});

	it("export: a user section inside Detection, a line under the title, a nested item under a group", async () => {
		let note = insertAfter(await exported(), "with quarantine attribute\n", "\n### My queries\n\n```\nindex=main\n```\n");
		note = insertAfter(note, "# Malicious Link (T1204.001)\n", "Studied on Monday.\n");
		note = insertAfter(note, "- APT28 (G0007)\n", "  - seen in 2023 report\n");
		await survives(note, ["### My queries", "```", "index=main", "Studied on Monday.", "  - seen in 2023 report"], EXPORT_PATH);
	});

	it("bad frontmatter (a duplicated key) is skipped with a one-line reason and never written", async () => {
		const note = replaceOnce(CLASSIC_SEED(), "alias: T1204.001\n", "alias: T1204.001\ntags: a\ntags: b\n");
		const { first, entry } = await syncTwice(note);
		expect(first).toBe(note);
		expect(entry?.action).toBe("skipped");
		expect(entry?.reason).toMatch(/^frontmatter line \d+: duplicated mapping key$/);
	});
});
