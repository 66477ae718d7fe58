// Notes known only by name (notes/named.ts: reuteras wrote ATT&CK 17.1's data components, which
// had no ID, as `.../Data Components/Enterprise attack/Active DNS - .md`) are ATT&CK notes for
// every command that has a release loaded, not only for `sync`: `links --bundle`, `changes` and
// `layer --bundle`, run as users run them on a copy of the reuteras 17.1 peer vault. A user's note
// that merely bears a component's name (`Study/Passive DNS.md`) stays the user's. What is expected
// is worked out from the bundles, not copied from the commands' output.
import { cpSync, chmodSync, readFileSync, readdirSync, statSync, writeFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { attackIdOf, counterpart, loadBundle, type AttackModel } from "../../src/core/attack/model";
import { describeChange, writeChangesNote, type ChangesReport } from "../../src/core/commands/changes";
import type { LinksReport } from "../../src/core/commands/links";
import type { NavigatorLayer } from "../../src/core/commands/layer";
import { LinkResolver } from "../../src/core/links/resolve";
import { runCli } from "../helpers/cli";
import { MemoryVault } from "../helpers/memory-vault";
import { HAVE_SHARED, SHARED, SHARED_STIX } from "../helpers/paths";
import { tempDir } from "../helpers/temp";
import { readTree } from "../sync/helpers";

const PEER = path.join(SHARED, "peer-vaults", "reuteras-17.1");
const DC_FOLDER = "MITRE/Defenses/Detections/Data Components/Enterprise attack";
const BUNDLE = (v: string) => path.join(SHARED_STIX, `enterprise-attack-${v}.stix20.json`);
const load = (file: string): AttackModel => loadBundle(readFileSync(file, "utf8"), file);

/** The peer vault's data component notes (`Name - .md`), by the component's name. */
const componentNotes = (): Map<string, string> =>
	new Map(
		readdirSync(path.join(PEER, DC_FOLDER))
			.filter((f) => f.endsWith(" - .md"))
			.map((f) => [f.slice(0, -" - .md".length), `${DC_FOLDER}/${f}`]),
	);

/** The ID `model` gives the data component of this name (exactly one). */
function idNamed(model: AttackModel, name: string): string {
	const found = model.all("dataComponent").filter((c) => c.name === name);
	expect(found).toHaveLength(1);
	return attackIdOf(found[0]) ?? "";
}

/** A writable copy of the peer vault (the shared one is read-only), with a user's study notes. */
function vaultCopy(study: Record<string, string>): string {
	const dir = path.join(tempDir("named"), "vault");
	cpSync(PEER, dir, { recursive: true });
	const writable = (p: string) => {
		chmodSync(p, statSync(p).mode | 0o200);
		if (statSync(p).isDirectory()) for (const e of readdirSync(p)) writable(path.join(p, e));
	};
	writable(dir);
	for (const [rel, text] of Object.entries(study)) {
		mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
		writeFileSync(path.join(dir, rel), text);
	}
	return dir;
}

async function cliJson<T>(args: string[]): Promise<T> {
	const r = await runCli([...args, "--json"]);
	expect(r.stderr).toBe("");
	expect(r.code).toBe(0);
	return JSON.parse(r.stdout) as T;
}

describe.skipIf(!HAVE_SHARED)("reuteras' 17.1 data component notes (no ATT&CK ID) in links, changes and layer", () => {
	it("links --bundle: a link to one resolves to its data component, a link claiming its ID is fixed to it, nothing else moves", async () => {
		const fresh = load(BUNDLE("18.1"));
		const active = idNamed(fresh, "Active DNS");
		const passive = idNamed(fresh, "Passive DNS");
		const study = "Study/DNS.md";
		const dir = vaultCopy({
			[study]: `# DNS\n\nSee [[Active DNS - .md]].\n\nAlso [[Active DNS]] (${active}).\n\nAnd [[Passive DNS]].\n`,
			// A user's note bearing a component's name is no data component note.
			"Study/Passive DNS.md": "## Passive DNS\n\nMy notes on passive DNS.\n",
		});
		const activeNote = `${DC_FOLDER}/Active DNS - .md`;
		const mine = (r: LinksReport) => r.links.filter((l) => l.source === study);

		// Without a release the note is not an ATT&CK note: the link to it is not judged, the one claiming its ID lands nowhere.
		const without = await cliJson<LinksReport>(["links", "--vault", dir]);
		expect(mine(without).map((l) => [l.raw, l.status, l.problemKind])).toEqual([["[[Active DNS]]", "broken", "missing"]]);

		const withBundle = await cliJson<LinksReport>(["links", "--vault", dir, "--bundle", BUNDLE("18.1")]);
		expect(mine(withBundle)).toEqual([
			expect.objectContaining({ raw: "[[Active DNS - .md]]", status: "ok", resolved: activeNote, resolvedId: active }),
			expect.objectContaining({ raw: "[[Active DNS]]", expectedId: active, status: "broken", proposed: "[[Active DNS - .md]]" }),
		]);
		// The user's `Passive DNS.md` is theirs: no link to it is judged, no note claims the component's ID but the generator's.
		expect(withBundle.links.filter((l) => l.resolved === "Study/Passive DNS.md")).toEqual([]);
		expect(withBundle.links.some((l) => l.resolvedId === passive)).toBe(false);
		// No new ambiguity and no note claimed twice; every other link is judged as before.
		expect(withBundle.summary.sharedIds).toEqual(without.summary.sharedIds);
		expect(withBundle.summary.ambiguous).toBe(without.summary.ambiguous);
		const others = (r: LinksReport) => r.links.filter((l) => l.source !== study);
		expect(others(withBundle)).toEqual(others(without));

		const fixed = await cliJson<LinksReport>(["links", "--vault", dir, "--bundle", BUNDLE("18.1"), "--fix"]);
		// The study note, and the notes whose links were fixable without the release too (reuteras' own data source links).
		const fixableBefore = new Set(without.links.filter((l) => l.proposed !== undefined).map((l) => l.source));
		expect(new Set(fixed.summary.notesChanged)).toEqual(new Set([...fixableBefore, study]));
		expect(readFileSync(path.join(dir, study), "utf8")).toContain(`Also [[Active DNS - .md]] (${active}).`);
		const again = await cliJson<LinksReport>(["links", "--vault", dir, "--bundle", BUNDLE("18.1")]);
		expect(mine(again).map((l) => [l.status, l.resolvedId])).toEqual([
			["ok", active],
			["ok", active],
		]);
		// 0 broken links to the data component notes, whichever way they are written.
		expect(again.links.filter((l) => l.expectedId !== null && /^DC\d{4}$/.test(l.expectedId) && l.status !== "ok")).toEqual([]);
	});

	it("changes: each data component note is reported as ATT&CK changed its component from 17.1 to 18.1; the user's note is not", async () => {
		const dir = vaultCopy({ "Study/Passive DNS.md": "## Passive DNS\n\nMy notes on passive DNS.\n" });
		const [old, fresh] = [load(BUNDLE("17.1")), load(BUNDLE("18.1"))];
		const report = await cliJson<ChangesReport>(["changes", "--from", BUNDLE("17.1"), "--to", BUNDLE("18.1"), "--vault", dir]);
		// Expected from the bundles: the component's 17.1 counterpart (by STIX id) renamed or its description changed.
		const expected = [...componentNotes()]
			.map(([name, note]) => {
				const after = fresh.get(idNamed(fresh, name));
				const before = after && counterpart(old, after);
				expect(before?.name).toBe(name);
				const changed = before!.name !== after!.name || describeChange(before!.description ?? "", after!.description ?? "") !== null;
				return { id: attackIdOf(after!) ?? "", name, notes: [note], changed };
			})
			.filter((c) => c.changed)
			.map(({ changed: _, ...c }) => c)
			.sort((a, b) => (a.id < b.id ? -1 : 1));
		expect(expected.length).toBeGreaterThan(0);
		const components = report.changed.filter((c) => c.kind === "datacomponent");
		expect(components.map((c) => ({ id: c.id, name: c.name, notes: c.notes }))).toEqual(expected);
		for (const c of components) expect(c.description?.wordsChanged).toBeGreaterThan(0);
		expect(report.changed.filter((c) => c.notes.some((n) => n.startsWith("Study/")))).toEqual([]);
		// Every data component note is looked at (changed or not), beside the techniques, tactics and mitigations.
		const without = await cliJson<ChangesReport>(["changes", "--from", BUNDLE("17.1"), "--to", BUNDLE("18.1")]);
		expect(without.changed.some((c) => c.kind === "datacomponent")).toBe(false);

		// The plugin's note: the same, its links to the notes resolving (`Name - .md` keeps its extension: a link's path is trimmed).
		const vault = new MemoryVault(readTree(dir));
		const release = (v: string, model: AttackModel) => ({ model, meta: { attackVersion: null, source: BUNDLE(v) } });
		const written = await writeChangesNote(vault, release("17.1", old), release("18.1", fresh));
		const text = await vault.read(written);
		const resolver = new LinkResolver([...vault.files.keys()]);
		for (const c of expected) {
			const link = `[[${c.notes[0]}|${c.name} (${c.id})]]`;
			expect(text).toContain(link);
			expect(resolver.resolve(c.notes[0], written).path).toBe(c.notes[0]);
		}
	});

	it("layer --bundle: only techniques, as before; the data component notes recognized add no entry", async () => {
		const dir = vaultCopy({});
		const out = path.join(tempDir("named-layer"), "coverage.json");
		const r = await runCli(["layer", "--vault", dir, "--out", out, "--bundle", BUNDLE("18.1")]);
		expect(r.stderr).toBe("");
		expect(r.code).toBe(0);
		const layer = JSON.parse(readFileSync(out, "utf8")) as NavigatorLayer;
		const ids = layer.techniques.map((t) => t.techniqueID);
		// The peer vault's 56 technique IDs (its README), each once; no data component.
		expect(ids).toHaveLength(56);
		expect(new Set(ids).size).toBe(56);
		expect(ids.filter((id) => !/^T\d{4}(\.\d{3})?$/.test(id))).toEqual([]);
		expect(layer.techniques.flatMap((t) => t.links ?? []).filter((l) => l.label.endsWith(" - "))).toEqual([]);
	});
});
