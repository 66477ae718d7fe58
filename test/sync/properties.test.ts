// Properties of `sync` on real notes, with the committed fixtures (so they run on a fresh clone)
// and, where ../shared is present, the full ATT&CK 18.1 bundle and the shared sample vault:
// - the user's words survive: a marker line planted anywhere a user writes (frontmatter, between
//   sections, under headings, in lists and tables, footnotes, callouts, comments, a section of
//   their own) is in the synced note exactly once, verbatim, and changes nothing else sync writes;
// - CRLF line endings and a BOM are kept, and sync reads such notes as it reads LF ones;
// - a second sync writes nothing; a dry run writes nothing;
// - syncing 15.1 -> 17.1 -> 18.1 ends where 15.1 -> 18.1 does;
// - notes created for missing objects have safe names and the next sync leaves them alone;
// - binary notes, malformed YAML and JavaScript frontmatter are skipped, never written or run.
// The last block pins, as `it.fails`, the product bugs these properties found (minimal inputs).
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { SyncReport } from "../../src/core/commands/sync";
import { MemoryVault } from "../helpers/memory-vault";
import { ENTERPRISE_FIXTURE, FIXTURES, HAVE_SHARED, SHARED, SHARED_STIX } from "../helpers/paths";
import {
	appConfig,
	changesOf,
	firstDifference,
	lineDiff,
	markerProblems,
	markerSites,
	missingInOrder,
	model,
	plant,
	readTree,
	SEED_PATHS,
	seedFiles,
	snapshot,
	syncOnce,
	textOf,
	toCrlf,
	withBom,
	type Files,
	type Insertion,
	type Marker,
} from "./helpers";

const ATTACK = "CyberSecurity/Security+/1-Threats-Attacks-Vulnerabilities/Attacking-Frameworks/MITRE ATT&CK/Enterprise-Attack";
const short = (p: string) => p.replace(`${ATTACK}/`, "");

interface Setup {
	label: string;
	bundle: string;
	version: string;
	vaultDir: string;
	/** Also the slow checks: one marker at a time, and every variant of create-missing and bad input. */
	thorough: boolean;
}

const COMMITTED: Setup = { label: "committed fixtures", bundle: ENTERPRISE_FIXTURE, version: "18.1", vaultDir: path.join(FIXTURES, "sample-vault"), thorough: true };
const FULL: Setup = {
	label: "full ATT&CK 18.1 and ../shared/sample-vault",
	bundle: path.join(SHARED_STIX, "enterprise-attack-18.1.stix20.json"),
	version: "18.1",
	vaultDir: path.join(SHARED, "sample-vault"),
	thorough: false,
};

/** Notes that also get every marker alone in an otherwise untouched vault: each layout, a revoked technique, a tactic. */
const HANDFUL = [
	`${ATTACK}/techniques/Brute Force.md`,
	`${ATTACK}/techniques/DLL Side-Loading.md`,
	`${ATTACK}/techniques/Password Spraying.md`,
	`${ATTACK}/tactics/Execution.md`,
	SEED_PATHS.classic,
	SEED_PATHS.controls,
	SEED_PATHS.export,
];

/** The sample vault plus the seeds. */
function baseFiles(setup: Setup): Record<string, string> {
	return { ...readTree(setup.vaultDir), ...seedFiles() };
}

const isNote = (p: string) => p.endsWith(".md");

type Pick = (path: string, sites: Insertion[]) => Insertion[];
const everySite: Pick = (_, sites) => sites;

/** Each note with the sites `pick` chooses planted; the markers, by path. */
function planted(files: Record<string, string>, pick: Pick = everySite): { files: Record<string, string>; markers: Map<string, Marker[]> } {
	const out = { ...files };
	const markers = new Map<string, Marker[]>();
	for (const p of Object.keys(files).filter(isNote)) {
		const chosen = pick(p, markerSites(files[p]));
		if (chosen.length === 0) continue;
		out[p] = plant(files[p], chosen);
		markers.set(p, chosen.flatMap((s) => s.markers));
	}
	return { files: out, markers };
}

const crlfBom = (files: Record<string, string>) => Object.fromEntries(Object.entries(files).map(([p, t]) => [p, isNote(p) ? withBom(toCrlf(t)) : t]));

const skippedOf = (report: SyncReport) => report.notes.filter((n) => n.action === "skipped").map((n) => n.path);

/** The note without the marker lines and blank lines: what sync wrote around the user's words. */
function withoutMarkers(text: string, markers: readonly Marker[]): string {
	const planted = new Set([...markers.map((m) => m.line.trim()), "## My section"]);
	return text
		.replace(/^\uFEFF/, "")
		.split(/\r?\n/)
		.filter((l) => l.trim() !== "" && !planted.has(l.trim()))
		.join("\n");
}

function properties(setup: Setup): void {
	const config = appConfig(setup.vaultDir);
	const attack = () => model(setup.bundle);
	const opts = { version: setup.version };
	const vaultOf = (files: Files) => new MemoryVault(files, config);

	/** The vault synced without markers: what marked vaults are compared with. */
	let pristine: Promise<{ report: SyncReport; vault: MemoryVault }> | null = null;
	const syncedPristine = () =>
		(pristine ??= (async () => {
			const vault = vaultOf(baseFiles(setup));
			const { report } = await syncOnce(vault, attack(), opts);
			return { report, vault };
		})());

	/** Sync `files` and list what is wrong: a marker lost or doubled, a note newly skipped, a failed write. */
	async function syncAndCheck(files: Files, markers: ReadonlyMap<string, readonly Marker[]>): Promise<{ vault: MemoryVault; problems: string[] }> {
		const vault = vaultOf(files);
		const { report } = await syncOnce(vault, attack(), opts);
		const problems = [...markers].flatMap(([p, list]) => markerProblems(p, textOf(vault.files.get(p)), list));
		const before = skippedOf((await syncedPristine()).report);
		for (const n of report.notes) if (n.action === "skipped" && !before.includes(n.path)) problems.push(`${n.path}: skipped once marked (${n.reason})`);
		for (const f of report.failed) problems.push(`${f.path}: not written: ${f.reason}`);
		return { vault, problems };
	}

	describe("the user's words survive", () => {
		it("every note with all its markers at once (one vault, every note marked)", async () => {
			const { files, markers } = planted(baseFiles(setup));
			expect((await syncAndCheck(files, markers)).problems).toEqual([]);
		});

		it.runIf(setup.thorough)("every note, one marker at a time (round k plants the k-th marker of every note)", async () => {
			const base = baseFiles(setup);
			const rounds = Math.max(...Object.keys(base).filter(isNote).map((p) => markerSites(base[p]).length));
			const problems: string[] = [];
			for (let k = 0; k < rounds; k++) {
				const { files, markers } = planted(base, (_, sites) => sites.slice(k, k + 1));
				problems.push(...(await syncAndCheck(files, markers)).problems);
			}
			expect(problems).toEqual([]);
		});

		it.each(HANDFUL.map((p) => [short(p), p]))("%s with all its markers, alone in an untouched vault", async (_, note) => {
			const { files, markers } = planted(baseFiles(setup), (p, sites) => (p === note ? sites : []));
			expect([...markers.keys()]).toEqual([note]);
			expect((await syncAndCheck(files, markers)).problems).toEqual([]);
		});

		// One kind of site is left out here: a line put directly above a paragraph joins it, and sync
		// keeps a paragraph the user wrote into (stale ATT&CK words included), by design.
		it("the markers change nothing else: the note without them reads as the note synced unmarked", async () => {
			const { files, markers } = planted(baseFiles(setup), (_, sites) => sites.filter((s) => !s.joinsParagraph));
			const vault = vaultOf(files);
			await syncOnce(vault, attack(), opts);
			const base = (await syncedPristine()).vault;
			const differing: string[] = [];
			for (const [p, list] of markers) {
				const plain = withoutMarkers(textOf(base.files.get(p)), []);
				const marked = withoutMarkers(textOf(vault.files.get(p)), list);
				if (marked !== plain) differing.push(lineDiff(p, plain, marked, ["synced unmarked", "synced marked, markers taken out"]));
			}
			expect(differing, differing[0]).toEqual([]);
		});
	});

	describe("line endings and BOM", () => {
		it.each([
			{ name: "CRLF", crlf: true, bom: false },
			{ name: "BOM", crlf: false, bom: true },
			{ name: "CRLF and BOM", crlf: true, bom: true },
		])("$name: kept in every note, markers kept, synced as the LF note is", async ({ crlf, bom }) => {
			const lf = planted(baseFiles(setup));
			const files: Record<string, string> = {};
			for (const [p, text] of Object.entries(lf.files)) {
				const converted = crlf ? toCrlf(text) : text;
				files[p] = bom && isNote(p) ? withBom(converted) : converted;
			}
			const { vault, problems } = await syncAndCheck(files, lf.markers);
			const lfVault = (await syncAndCheck(lf.files, lf.markers)).vault;
			for (const p of Object.keys(files)) {
				const text = textOf(vault.files.get(p));
				if (crlf && /(?<!\r)\n/.test(text)) problems.push(`${p}: a lone \\n after sync`);
				if (!crlf && text.includes("\r")) problems.push(`${p}: a \\r after sync`);
				if (bom && isNote(p) && !text.startsWith("\uFEFF")) problems.push(`${p}: lost its BOM`);
				if (text.slice(1).includes("\uFEFF")) problems.push(`${p}: a BOM inside the text`);
				if (text.replace(/^\uFEFF/, "").replace(/\r\n/g, "\n") !== textOf(lfVault.files.get(p))) problems.push(`${p}: synced otherwise than its LF copy`);
			}
			expect(problems).toEqual([]);
		});
	});

	describe("idempotence: a second sync writes nothing", () => {
		it.each([
			["the vault", () => baseFiles(setup)],
			["the vault with every marker", () => planted(baseFiles(setup)).files],
			["the vault with every marker, CRLF and BOM", () => crlfBom(planted(baseFiles(setup)).files)],
		])("%s", async (_, files) => {
			const vault = vaultOf(files());
			const first = await syncOnce(vault, attack(), opts);
			expect(first.report.summary.updated).toBeGreaterThan(0);
			const second = await syncOnce(vault, attack(), opts);
			expect(second.wrote, changesOf(second.plan)).toEqual([]);
			expect(second.report.summary).toMatchObject({ updated: 0, created: 0 });
			expect(second.report.failed).toEqual([]);
		});
	});

	describe("a dry run writes nothing", () => {
		it.each([{ createMissing: false }, { createMissing: true }])("createMissing: $createMissing", async ({ createMissing }) => {
			const vault = vaultOf(baseFiles(setup));
			const before = snapshot(vault);
			const { report } = await syncOnce(vault, attack(), { ...opts, dryRun: true, createMissing });
			expect(report.dryRun).toBe(true);
			// There was something to write.
			expect(report.summary.updated).toBeGreaterThan(0);
			if (createMissing) expect(report.summary.created).toBeGreaterThan(0);
			expect(vault.writes).toEqual([]);
			expect(firstDifference(before, vault.files, ["before", "after the dry run"])).toBeNull();
			if (!setup.thorough) return;
			// And it planned exactly what a real run then does.
			const dry = await syncOnce(vault, attack(), { ...opts, dryRun: true, createMissing });
			const real = await syncOnce(vault, attack(), { ...opts, createMissing });
			expect(real.plan).toEqual(dry.plan);
			expect(real.wrote.length).toBe(report.summary.updated + report.summary.created);
		});
	});

	describe("creating missing notes, then syncing again", () => {
		const FORBIDDEN = /[/\\:*?"<>|]/;
		const vaults: Array<[string, () => Files]> = [["the sample vault", () => baseFiles(setup)]];
		if (setup.thorough) vaults.unshift(["an empty vault", () => ({})]);
		it.each(vaults)("%s", async (_, files) => {
			const vault = vaultOf(files());
			const existing = new Set(vault.files.keys());
			const first = await syncOnce(vault, attack(), { ...opts, createMissing: true });
			expect(first.report.failed).toEqual([]);
			const created = first.report.notes.filter((n) => n.action === "created");
			expect(created.length).toBeGreaterThan(0);
			for (const { path: p } of created) {
				expect(existing.has(p), p).toBe(false);
				expect(vault.files.has(p), p).toBe(true);
				expect(p.split("/").pop(), p).not.toMatch(FORBIDDEN);
			}
			// Every new note sits in a folder of ATT&CK notes (a `/` in a name would have made a folder).
			const folders = [...new Set(created.map((n) => n.path.slice(0, n.path.lastIndexOf("/"))))];
			expect(folders.filter((f) => !/\/(?:techniques|tactics|mitigations)$/.test(f))).toEqual([]);
			// Nothing is created for an object the vault already has an ATT&CK note of.
			const had = new Set(first.report.notes.filter((n) => (n.action === "updated" || n.action === "unchanged") && (n.layout === "classic" || n.layout === "export")).map((n) => n.id));
			expect(created.filter((n) => had.has(n.id)).map((n) => n.path)).toEqual([]);

			const second = await syncOnce(vault, attack(), { ...opts, createMissing: true });
			expect(second.wrote, changesOf(second.plan)).toEqual([]);
			expect(second.report.summary).toMatchObject({ updated: 0, created: 0 });
		});
	});

	describe("bad input changes nothing", () => {
		const BAD: Record<string, string | Uint8Array> = {
			"Bad/Binary.md": new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52]),
			"Bad/Malformed YAML.md": "---\nalias: [T1204.001\ntitle: : broken\n---\n\n## T1204.001\n\nMy notes.\n",
			"Bad/Script.md": '---js\nmodule.exports = { alias: "T1204.001" }; throw new Error("ran")\n---\n\n## T1204.001\n\nMy notes.\n',
		};
		it.each(setup.thorough ? [{ createMissing: false }, { createMissing: true }] : [{ createMissing: false }])(
			"skipped with a reason, never written; the rest synced as without them (createMissing: $createMissing)",
			async ({ createMissing }) => {
				const vault = vaultOf({ ...baseFiles(setup), ...BAD });
				const { report } = await syncOnce(vault, attack(), { ...opts, createMissing });
				for (const [p, data] of Object.entries(BAD)) {
					const entry = report.notes.find((n) => n.path === p);
					expect(entry, p).toMatchObject({ action: "skipped" });
					expect(entry?.reason, p).toMatch(/\w/);
					// The script never ran: its error would be the reason.
					expect(entry?.reason, p).not.toMatch(/\bran\b/);
					expect(vault.writes, p).not.toContain(p);
					expect(vault.files.get(p), p).toEqual(data);
				}
				const clean = vaultOf(baseFiles(setup));
				await syncOnce(clean, attack(), { ...opts, createMissing });
				const rest = new Map([...vault.files].filter(([p]) => !(p in BAD)));
				expect(firstDifference(clean.files, rest, ["without the bad files", "with them"])).toBeNull();
			},
		);
	});
}

/** The committed subset of a release. */
const release = (version: string) => model(path.join(FIXTURES, `enterprise-attack-${version}-subset.json`));

/** A vault holding `files`, synced through each release in turn. */
async function syncThrough(files: Files, versions: readonly string[], createMissing = false): Promise<MemoryVault> {
	const vault = new MemoryVault(files, appConfig(COMMITTED.vaultDir));
	for (const [i, version] of versions.entries()) {
		// Each step knows the releases the vault went through, as the plugin's cache does.
		const previous = versions.slice(0, i).map(release);
		const { report } = await syncOnce(vault, release(version), { version, createMissing, previous });
		expect(report.failed).toEqual([]);
	}
	return vault;
}

describe(`sync properties: ${COMMITTED.label}`, () => {
	properties(COMMITTED);

	describe("idempotence with older releases", () => {
		// Sites inside the export seed's never-closed code fence are left out: a bug, pinned below.
		const outsideCode: Pick = (_, sites) => sites.filter((s) => !s.inCode);
		it.each([
			["15.1", "the vault", () => baseFiles(COMMITTED)],
			["15.1", "the vault with every marker", () => planted(baseFiles(COMMITTED), outsideCode).files],
			["17.1", "the vault", () => baseFiles(COMMITTED)],
			["17.1", "the vault with every marker", () => planted(baseFiles(COMMITTED), outsideCode).files],
		])("%s: %s", async (version, _, files) => {
			const vault = new MemoryVault(files(), appConfig(COMMITTED.vaultDir));
			await syncOnce(vault, release(version), { version, createMissing: true });
			const second = await syncOnce(vault, release(version), { version, createMissing: true });
			expect(second.wrote, changesOf(second.plan)).toEqual([]);
			expect(second.report.summary).toMatchObject({ updated: 0, created: 0 });
		});
	});

	describe("release path: 15.1 -> 17.1 -> 18.1 ends where 15.1 -> 18.1 does", () => {
		type Paths = { direct: MemoryVault; stepwise: MemoryVault };
		/** Both paths from the same start, run once per start and shared by the tests below. */
		const cache = new Map<string, Promise<Paths>>();
		const paths = (name: string, files: () => Files): Promise<Paths> => {
			let run = cache.get(name);
			if (!run) cache.set(name, (run = (async () => ({ direct: await syncThrough(files(), ["15.1", "18.1"]), stepwise: await syncThrough(files(), ["15.1", "17.1", "18.1"]) }))()));
			return run;
		};
		const pristine = () => paths("the vault", () => baseFiles(COMMITTED));
		const marked = () => paths("the vault with every marker", () => planted(baseFiles(COMMITTED)).files);
		const sameNotes = async (run: () => Promise<Paths>) => {
			const { direct, stepwise } = await run();
			const diff = firstDifference(direct.files, stepwise.files, ["15.1 -> 18.1", "15.1 -> 17.1 -> 18.1"]);
			expect(diff, diff ?? "").toBeNull();
		};

		// BUG (stale ATT&CK text): 17.1's wording of a line that 18.1 rewrote beyond the similarity
		// threshold stays in the note as if the user wrote it (M1048 "Implementation: Use tools like
		// Google Chrome's built-in sandbox or deploy solutions like Bromium..."; in the export note,
		// 17.1's detection queries). See "bugs" below for the minimal case.
		it("the vault: the same notes", () => sameNotes(pristine));
		// BUG (list reorder): as above, and a user's item appended to the Platforms list, with the
		// paragraphs below the list, ends up inside the list once 18.1 reorders it.
		// User lines attached to list items may sit at a different place in the list when the
		// release in between reordered it; with the markers taken out the notes are the same.
		it("the vault with every marker: the same notes once the markers are taken out", async () => {
			const { markers } = planted(baseFiles(COMMITTED));
			const { direct, stepwise } = await marked();
			const differing: string[] = [];
			for (const [p, data] of direct.files) {
				// The export notes hold 17.1 data, not 15.1: only the stepwise path knows the release
				// they came from, so only it can tell their 17.1 lines from the user's.
				if (p.includes("(T1204.001).md")) continue;
				const list = markers.get(p) ?? [];
				const a = withoutMarkers(textOf(data), list);
				const b = withoutMarkers(textOf(stepwise.files.get(p)), list);
				if (a !== b) differing.push(lineDiff(p, a, b, ["15.1 -> 18.1", "15.1 -> 17.1 -> 18.1"]));
			}
			expect(differing, differing[0]).toEqual([]);
		});

		it("the vault: the stepwise notes hold every line of the direct ones, in order (they only add stale ATT&CK lines)", async () => {
			const { direct, stepwise } = await pristine();
			const problems: string[] = [];
			for (const [p, data] of direct.files) {
				const line = missingInOrder(textOf(data), textOf(stepwise.files.get(p)));
				if (line !== null) problems.push(`${p}: ${line}`);
			}
			expect(problems).toEqual([]);
		});

		it("the vault with every marker: every marker survives both paths", async () => {
			const { markers } = planted(baseFiles(COMMITTED));
			const { direct, stepwise } = await marked();
			const problems = [...markers].flatMap(([p, list]) => [...markerProblems(`${p} (direct)`, textOf(direct.files.get(p)), list), ...markerProblems(`${p} (stepwise)`, textOf(stepwise.files.get(p)), list)]);
			expect(problems).toEqual([]);
		});
	});
});

describe.skipIf(!HAVE_SHARED)(`sync properties: ${FULL.label}`, () => {
	properties(FULL);
});

/** One note, synced alone with the committed 18.1 subset; its new text. */
async function syncAlone(text: string): Promise<string> {
	const vault = new MemoryVault({ "Notes/Note.md": text }, { "app.json": '{"newLinkFormat":"absolute"}' });
	await syncOnce(vault, release("18.1"), { version: "18.1" });
	return textOf(vault.files.get("Notes/Note.md"));
}

describe("bugs these properties found (minimal cases; the open ones are `it.fails`)", () => {
	// A `---` the user put between a table section's table and their own text is taken for the
	// table's `| --- |` delimiter row (classic.ts DELIMITER matches a bare `---`) and deleted. The
	// classic layout's own `---` above `### References` goes the same way as soon as the user writes
	// anything between it and `### References`.
	it("a user's `---` after a classic table, followed by their text, is kept", async () => {
		const note = "---\nalias: T1110\n---\n\n## T1110\n\n### Mitigations\n\n| ID | Name | Description |\n| --- | --- | --- |\n| M1032 | Multi-factor Authentication | x |\n\n---\n\nMy own notes after a rule.\n\n### Sub-techniques\n";
		expect(await syncAlone(note)).toContain("\n---\n\nMy own notes after a rule.\n");
	});

	// With text between the frame's `---` and `### References` in a tactic or mitigation note, the
	// description region runs past the `---`, and ATT&CK's new paragraphs are written below the
	// user's text, in the References part of the note.
	it("ATT&CK's description stays above the `---` when the user writes between it and `### References`", async () => {
		const note = "---\nalias: TA0002\n---\n\n## TA0002\n\nThe adversary is trying to run malicious code.\n\n---\n\nMy own notes.\n\n### References\n\n- mitre-attack: https://attack.mitre.org/tactics/TA0002\n";
		const after = await syncAlone(note);
		const rule = after.indexOf("\n---\n\nMy own notes.");
		expect(rule).toBeGreaterThan(0);
		expect(after.indexOf("Execution consists of techniques")).toBeGreaterThan(0);
		expect(after.indexOf("Execution consists of techniques")).toBeLessThan(rule);
	});

	// A user paragraph above all of ATT&CK's text in a region (here the whole description region)
	// is emitted with no blank line after it, so it runs into ATT&CK's first paragraph and renders
	// as one paragraph with it.
	it("a user's paragraph in a description stays a paragraph of its own", async () => {
		const note = "---\nalias: TA0002\n---\n\n## TA0002\n\nMy own summary of this tactic.\n\n---\n### References\n\n- mitre-attack: https://attack.mitre.org/tactics/TA0002\n";
		expect(await syncAlone(note)).toContain("My own summary of this tactic.\n\n");
	});

	// The same on real data, with no user edit at all: ATT&CK rewrote every mitigation description in
	// v16, sync keeps each v15.1 line of the sample vault (too unlike the new text to be known as
	// ATT&CK's) and runs it into the new first paragraph. (test/golden pins this output today.)
	it("the untouched sample vault synced to 18.1: a kept old description line stands apart from the new text", async () => {
		const files = baseFiles(COMMITTED);
		const note = `${ATTACK}/mitigations/User Training.md`;
		const vault = new MemoryVault(files, appConfig(COMMITTED.vaultDir));
		await syncOnce(vault, release("18.1"), { version: "18.1" });
		const old = "Train users to be aware of access or manipulation attempts by an adversary to reduce the risk of successful spearphishing, social engineering, and other techniques that involve user interaction.";
		expect(files[note]).toContain(`${old}\n`);
		// Gone, or a paragraph of its own.
		const after = textOf(vault.files.get(note));
		const at = after.indexOf(old);
		expect(at === -1 || after.startsWith(`${old}\n\n`, at), after.slice(at, at + old.length + 80)).toBe(true);
	});

	// A user's item appended to a list and a paragraph after the list (blank line between) form one
	// group anchored to the ATT&CK item above the user's item; when ATT&CK reorders the list (18.1
	// sorts platforms), the paragraph lands inside the list and splits it.
	it("a user's paragraph after a list stays after the whole list when ATT&CK reorders it", async () => {
		const note = "---\nalias: T1110\n---\n\n## T1110\n\n### Platforms\n- Windows\n- ESXi\n- my own platform note\n\nMy paragraph about platforms.\n\n### Permissions Required\n";
		const after = await syncAlone(note);
		const platforms = after.slice(after.indexOf("### Platforms"), after.indexOf("### Permissions Required"));
		expect(platforms).toContain("- Windows\n");
		expect(platforms.slice(platforms.indexOf("My paragraph about platforms."))).not.toMatch(/^- /m);
	});

	// The export seed's detection code never closes its fences (```` ``` query``` ````), so a section
	// the user adds after `## Detection` is inside the code block. Sync rewrites the detection
	// without that fence; the user's `## My notes` becomes a heading, and ATT&CK's last query, which
	// sync had put after the user's words, now sits in the user's section: the next sync adds it
	// to the detection again (and leaves the copy in the user's section).
	it.fails("an export note with the seed's open code fence and a section of the user's after it: a second sync writes nothing", async () => {
		const note = `${seedFiles()[SEED_PATHS.export]}\n## My notes\n\nMy words.\n`;
		const vault = new MemoryVault({ "Notes/Malicious Link (T1204.001).md": note }, { "app.json": '{"newLinkFormat":"absolute"}' });
		await syncOnce(vault, release("17.1"), { version: "17.1" });
		const second = await syncOnce(vault, release("17.1"), { version: "17.1" });
		expect(second.wrote, changesOf(second.plan)).toEqual([]);
	});

	// Text ATT&CK superseded is kept when its new wording is too different to be recognized: a note
	// created at 17.1 and synced to 18.1 keeps M1048's 17.1 line next to its 18.1 replacement.
	it("a vault created at 17.1 and synced to 18.1 equals the vault created at 18.1", async () => {
		const stepwise = await syncThrough({}, ["17.1", "18.1"], true);
		const direct = await syncThrough({}, ["18.1"], true);
		const diff = firstDifference(direct.files, stepwise.files, ["created at 18.1", "created at 17.1, synced to 18.1"]);
		expect(diff, diff ?? "").toBeNull();
	});
});
