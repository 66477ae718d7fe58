/**
 * `changes`: what a newer ATT&CK release changed for the notes a vault has (or, without a vault,
 * for every technique, tactic and mitigation of the older release): renamed, revoked (and by
 * what), deprecated, tactics, mitigations and sub-techniques added or removed, detection changed
 * (data components before v18, detection strategies from v18), the description changed (a short
 * word-level excerpt); then the new techniques in the tactics the vault's techniques are in. The
 * vault's data component notes are reported too (renamed, revoked, deprecated, description),
 * those known only by name (reuteras' 17.1 `Active DNS - .md`) among them.
 * A report object, a text formatter (CLI), and a Markdown one (the note the plugin writes).
 */
import { diffIndices } from "node-diff3";
import { attackIdOf, counterpart, isActive, isSubtechnique, type AttackModel } from "../attack/model";
import type { StixObject } from "../attack/stix";
import { idKind, subjectId } from "../notes/recognize";
import { UserError } from "../errors";
import { versionFromFileName } from "../fetch/index-json";
import { learnPlaces } from "../sync/places";
import { buildVaultIndex, type VaultIndex } from "../vault-index";
import type { Vault } from "../vault";

/** An ATT&CK object named in the report, with the vault's notes about it (empty when none). */
export interface ChangeRef {
	id: string;
	name: string;
	notes: string[];
}

export type ChangeKind = "technique" | "subtechnique" | "tactic" | "mitigation" | "datacomponent";

/** One changed span of a description: a few words before, what went, what came, a few words after. */
export interface DescriptionHunk {
	before: string;
	removed: string;
	added: string;
	after: string;
}

export interface ObjectChange extends ChangeRef {
	kind: ChangeKind;
	renamed?: { from: string; to: string };
	/** Revoked in the newer release; `by` is what replaced it (null when ATT&CK names nothing). */
	revoked?: { by: ChangeRef | null };
	deprecated?: true;
	tactics?: { added: ChangeRef[]; removed: ChangeRef[] };
	mitigations?: { added: ChangeRef[]; removed: ChangeRef[] };
	subtechniques?: { added: ChangeRef[]; removed: ChangeRef[] };
	/** Detection labels (`DET0001 Name` from v18, `data component Source: Component` before). */
	detection?: { added: string[]; removed: string[] };
	/** The first changed spans (at most MAX_HUNKS) and how many words changed in all. */
	description?: { hunks: DescriptionHunk[]; wordsChanged: number };
}

export interface NewTechnique extends ChangeRef {
	kind: "technique" | "subtechnique";
	tactics: ChangeRef[];
}

export interface ChangesReport {
	domain: string;
	from: string | null;
	to: string | null;
	/** Whether the report is about a vault's notes (else about every object of the older release). */
	vault: boolean;
	/** Objects looked at: the vault's notes' subjects (techniques, tactics, mitigations, data components), or the older release's (no data components). */
	checked: number;
	changed: ObjectChange[];
	/** IDs the vault has notes about that neither release holds (another domain's, or made up). */
	notInReleases: string[];
	/** The tactics the vault's techniques are in (every tactic without a vault), in matrix order. */
	coveredTactics: ChangeRef[];
	/** Techniques and sub-techniques active in the newer release and not in the older, in those tactics. */
	newTechniques: NewTechnique[];
}

export interface ChangesOptions {
	/** The releases' names when the bundles do not say (mitre/cti 2.0 bundles: from the file name). */
	fromVersion?: string | null;
	toVersion?: string | null;
}

const KINDS: ReadonlySet<string> = new Set(["technique", "subtechnique", "tactic", "mitigation", "datacomponent"]);
const CONTEXT_WORDS = 6;
const MAX_HUNKS = 2;
const MAX_HUNK_WORDS = 24;

const byIdOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The vault's notes by the ID each is about on its own (Sigma rules and notes listing many IDs aside). */
function notesBySubject(index: VaultIndex): Map<string, string[]> {
	const out = new Map<string, string[]>();
	for (const note of index.notes.values()) {
		if (note.recognized.layout === "sigma") continue;
		const id = subjectId(note.recognized);
		if (id === null) continue;
		const list = out.get(id);
		if (list) list.push(note.path);
		else out.set(id, [note.path]);
	}
	return out;
}

/** Text compared word by word: citations, link targets and markup that carry no words left out. */
export function descriptionWords(text: string): string[] {
	return text
		.replace(/\(Citation:[^)]*\)/g, " ")
		.replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
		.replace(/<\/?code>/g, "")
		.split(/\s+/)
		.filter((w) => w !== "");
}

/** The changed spans between two descriptions, as words; null when their words are the same. */
export function describeChange(before: string, after: string): { hunks: DescriptionHunk[]; wordsChanged: number } | null {
	const a = descriptionWords(before);
	const b = descriptionWords(after);
	const diffs = diffIndices(a, b);
	if (diffs.length === 0) return null;
	const cut = (words: string[]) => (words.length > MAX_HUNK_WORDS ? `${words.slice(0, MAX_HUNK_WORDS).join(" ")} …` : words.join(" "));
	let wordsChanged = 0;
	for (const d of diffs) wordsChanged += Math.max(d.buffer1[1], d.buffer2[1]);
	// Changes a few words apart read as one: [start, end) in each text.
	const spans: Array<{ a: [number, number]; b: [number, number] }> = [];
	for (const d of diffs) {
		const a: [number, number] = [d.buffer1[0], d.buffer1[0] + d.buffer1[1]];
		const b: [number, number] = [d.buffer2[0], d.buffer2[0] + d.buffer2[1]];
		const last = spans[spans.length - 1];
		if (last && a[0] - last.a[1] <= CONTEXT_WORDS) {
			last.a[1] = a[1];
			last.b[1] = b[1];
		} else spans.push({ a, b });
	}
	const hunks = spans.slice(0, MAX_HUNKS).map(
		({ a: [aStart, aEnd], b: [bStart, bEnd] }): DescriptionHunk => ({
			before: a.slice(Math.max(0, aStart - CONTEXT_WORDS), aStart).join(" "),
			removed: cut(a.slice(aStart, aEnd)),
			added: cut(b.slice(bStart, bEnd)),
			after: a.slice(aEnd, aEnd + CONTEXT_WORDS).join(" "),
		}),
	);
	return { hunks, wordsChanged };
}

/** What detects a technique in a release: detection strategies (v18) or data components (before). */
function detectionLabels(model: AttackModel, technique: StixObject): string[] {
	const strategies = model.detectionStrategiesFor(technique).map((s) => `${attackIdOf(s) ?? s.id} ${s.name ?? ""}`.trim());
	const components = model.dataComponentsDetecting(technique).map((r) => {
		const source = model.dataSourceOf(r.object)?.name;
		return `data component ${source ? `${source}: ` : ""}${r.object.name ?? attackIdOf(r.object) ?? r.object.id}`;
	});
	return [...new Set([...strategies, ...components])].sort(byIdOrder);
}

function diffRefs(before: readonly ChangeRef[], after: readonly ChangeRef[]): { added: ChangeRef[]; removed: ChangeRef[] } | undefined {
	const had = new Set(before.map((r) => r.id));
	const has = new Set(after.map((r) => r.id));
	const added = after.filter((r) => !had.has(r.id));
	const removed = before.filter((r) => !has.has(r.id));
	return added.length === 0 && removed.length === 0 ? undefined : { added, removed };
}

function diffStrings(before: readonly string[], after: readonly string[]): { added: string[]; removed: string[] } | undefined {
	const added = after.filter((s) => !before.includes(s));
	const removed = before.filter((s) => !after.includes(s));
	return added.length === 0 && removed.length === 0 ? undefined : { added, removed };
}

function kindOf(id: string): ChangeKind | null {
	const kind = idKind(id);
	return kind !== null && KINDS.has(kind) ? (kind as ChangeKind) : null;
}

/**
 * `index`: the vault's, built with `to` (and `from` as an earlier release) so that notes known only
 * by name are among its notes (`changesIndex`).
 */
export function computeChanges(from: AttackModel, to: AttackModel, index?: VaultIndex | null, opts: ChangesOptions = {}): ChangesReport {
	const notes = index ? notesBySubject(index) : new Map<string, string[]>();
	const ref = (o: StixObject): ChangeRef => {
		const id = attackIdOf(o) ?? o.id;
		return { id, name: o.name ?? id, notes: notes.get(id) ?? [] };
	};
	const refs = (list: readonly StixObject[]) => list.map(ref).sort((a, b) => byIdOrder(a.id, b.id));

	// The IDs to look at: the vault's notes' subjects, or every object of the older release.
	let ids: string[];
	if (index) {
		ids = [...notes.keys()].filter((id) => kindOf(id) !== null);
	} else {
		ids = [...from.all("technique"), ...from.all("tactic"), ...from.all("mitigation")].map((o) => attackIdOf(o)).filter((id): id is string => id !== null && kindOf(id) !== null);
	}
	ids = [...new Set(ids)].sort(byIdOrder);

	const changed: ObjectChange[] = [];
	const notInReleases: string[] = [];
	/** The vault's techniques, each with the release whose tactics count (the newer, unless it dropped it). */
	const studied: Array<{ model: AttackModel; technique: StixObject }> = [];
	for (const id of ids) {
		const kind = kindOf(id) as ChangeKind;
		const after = to.get(id);
		// Data components had no ATT&CK ID before v18: the older release's is the one with its STIX id.
		const before = from.get(id) ?? (kind === "datacomponent" && after ? counterpart(from, after) : undefined);
		if (!before && !after) {
			notInReleases.push(id);
			continue;
		}
		if (kind === "technique" || kind === "subtechnique") {
			if (after && (isActive(after) || !before)) studied.push({ model: to, technique: after });
			else if (before) studied.push({ model: from, technique: before });
		}
		// New in the newer release: listed with the new techniques, not here.
		if (!before || !after) continue;
		// Under the newer release's ID (a data component's before v18 has none).
		const change: ObjectChange = { ...ref(before), id, notes: notes.get(id) ?? [], kind };
		let any = false;
		if (after.revoked === true && before.revoked !== true) {
			const by = to.revokedBy(after);
			change.revoked = { by: by ? ref(by) : null };
			any = true;
		} else if (after.x_mitre_deprecated === true && before.x_mitre_deprecated !== true) {
			change.deprecated = true;
			any = true;
		}
		if (isActive(after)) {
			if ((before.name ?? "") !== (after.name ?? "")) {
				change.renamed = { from: before.name ?? "", to: after.name ?? "" };
				any = true;
			}
			if (after.type === "attack-pattern") {
				const tactics = diffRefs(refs(from.tacticsOf(before)), refs(to.tacticsOf(after)));
				const mitigations = diffRefs(refs(from.mitigationsOf(before).map((r) => r.object)), refs(to.mitigationsOf(after).map((r) => r.object)));
				const subtechniques = isSubtechnique(after) ? undefined : diffRefs(refs(from.subtechniquesOf(before)), refs(to.subtechniquesOf(after)));
				const detection = diffStrings(detectionLabels(from, before), detectionLabels(to, after));
				if (tactics) change.tactics = tactics;
				if (mitigations) change.mitigations = mitigations;
				if (subtechniques) change.subtechniques = subtechniques;
				if (detection) change.detection = detection;
				any ||= tactics !== undefined || mitigations !== undefined || subtechniques !== undefined || detection !== undefined;
			}
			const description = describeChange(before.description ?? "", after.description ?? "");
			if (description) {
				change.description = description;
				any = true;
			}
		}
		if (any) changed.push(change);
	}

	// The tactics the vault studies: those its techniques are in (every tactic without a vault).
	const tacticIds = new Set<string>();
	if (index) {
		for (const { model, technique } of studied) for (const tactic of model.tacticsOf(technique)) tacticIds.add(attackIdOf(tactic) ?? "");
	}
	const coveredTactics = to
		.tactics()
		.filter((t) => !index || tacticIds.has(attackIdOf(t) ?? ""))
		.map(ref);
	const covered = new Set(coveredTactics.map((t) => t.id));

	const newTechniques: NewTechnique[] = [];
	for (const t of to.all("technique")) {
		const id = attackIdOf(t);
		if (id === null || !isActive(t)) continue;
		const old = from.get(id);
		if (old && isActive(old)) continue;
		const tactics = to.tacticsOf(t).map(ref);
		if (!tactics.some((x) => covered.has(x.id))) continue;
		newTechniques.push({ ...ref(t), kind: isSubtechnique(t) ? "subtechnique" : "technique", tactics });
	}
	newTechniques.sort((a, b) => byIdOrder(a.id, b.id));

	return {
		domain: to.domain,
		from: from.attackVersion ?? opts.fromVersion ?? null,
		to: to.attackVersion ?? opts.toVersion ?? null,
		vault: index !== undefined && index !== null,
		checked: ids.length - notInReleases.length,
		changed,
		notInReleases,
		coveredTactics,
		newTechniques,
	};
}

/** `Name (ID)`. */
const named = (r: ChangeRef) => `${r.name} (${r.id})`;

/** At most `max` items, then how many more. */
function some(items: readonly string[], max = 6): string {
	return items.length <= max ? items.join(", ") : `${items.slice(0, max).join(", ")} and ${items.length - max} more`;
}

/** A description hunk as git's word diff writes it: `[-old-]{+new+}`. */
function hunkText(h: DescriptionHunk, removed: (s: string) => string, added: (s: string) => string): string {
	const parts = [h.before ? `…${h.before}` : "", h.removed ? removed(h.removed) : "", h.added ? added(h.added) : "", h.after ? `${h.after}…` : ""];
	return parts.filter((p) => p !== "").join(" ");
}

/** The facts of one change, each a line without its bullet; `link` names a related object. */
function facts(c: ObjectChange, link: (r: ChangeRef) => string, removed: (s: string) => string, added: (s: string) => string): string[] {
	const out: string[] = [];
	const list = (refs: readonly ChangeRef[]) => refs.map(link).join(", ");
	if (c.revoked) out.push(c.revoked.by ? `revoked by ${link(c.revoked.by)}` : "revoked (ATT&CK names no replacement)");
	if (c.deprecated) out.push("deprecated");
	if (c.renamed) out.push(`renamed: ${c.renamed.from} → ${c.renamed.to}`);
	for (const [what, d] of [
		["tactics", c.tactics],
		["mitigations", c.mitigations],
		["sub-techniques", c.subtechniques],
	] as const) {
		if (!d) continue;
		if (d.added.length > 0) out.push(`${what} added: ${list(d.added)}`);
		if (d.removed.length > 0) out.push(`${what} removed: ${list(d.removed)}`);
	}
	if (c.detection) {
		if (c.detection.added.length > 0) out.push(`detection added: ${some(c.detection.added)}`);
		if (c.detection.removed.length > 0) out.push(`detection removed: ${some(c.detection.removed)}`);
	}
	if (c.description) {
		const shown = c.description.hunks.map((h) => hunkText(h, removed, added)).join(" ");
		out.push(`description changed (${c.description.wordsChanged} words): ${shown}`);
	}
	return out;
}

function title(report: ChangesReport): string {
	return `ATT&CK ${report.from ?? "?"} to ${report.to ?? "?"}`;
}

/** The report for people (the CLI): one block per changed object, its notes, then the new techniques. */
export function formatChanges(report: ChangesReport): string {
	const lines: string[] = [`${title(report)} (${report.domain}): ${report.changed.length} of ${report.checked} ${report.vault ? "objects the vault has notes about" : "objects"} changed`];
	const plain = (r: ChangeRef) => named(r) + (r.notes.length > 0 ? ` [${r.notes[0]}]` : "");
	for (const c of report.changed) {
		lines.push(`${named(c)}${c.notes.length > 0 ? `: ${c.notes.join(", ")}` : ""}`);
		for (const f of facts(c, plain, (s) => `[-${s}-]`, (s) => `{+${s}+}`)) lines.push(`  ${f}`);
	}
	if (report.notInReleases.length > 0) lines.push(`not in either release (another domain?): ${report.notInReleases.join(", ")}`);
	lines.push(`${report.newTechniques.length} new techniques in ${report.vault ? "the tactics the vault's techniques are in" : "all tactics"}:`);
	for (const t of report.newTechniques) lines.push(`  ${plain(t)} (${t.tactics.map((x) => x.name).join(", ")})`);
	return lines.join("\n");
}

/**
 * A wiki-link to a note by its full path (it resolves whatever the vault's link style). A name
 * that ends in a space without its `.md` (reuteras' `Active DNS - .md`) keeps it: a link's path is
 * trimmed.
 */
export function wikiLinkTo(path: string, label: string): string {
	const target = /\s\.md$/i.test(path) ? path : path.replace(/\.md$/i, "");
	return `[[${target}|${label.replace(/[|[\]]/g, " ")}]]`;
}

/** The note's name: `ATT&CK 15.1 to 18.1.md`. */
export function changesNoteName(report: ChangesReport): string {
	return `${title(report)}.md`;
}

/** The note the plugin writes: the same facts, with wiki-links to the vault's notes. */
export function formatChangesNote(report: ChangesReport): string {
	const link = (r: ChangeRef) => (r.notes.length > 0 ? wikiLinkTo(r.notes[0], named(r)) : named(r));
	const lines: string[] = [`# ${title(report)}`, ""];
	lines.push(
		`What ATT&CK ${report.domain} ${report.to ?? ""} changed since ${report.from ?? "the release before"} for the ${report.checked} techniques, tactics, mitigations and data components this vault has notes about: ${report.changed.length} changed.`,
		"",
	);
	const sections: Array<[string, (c: ObjectChange) => boolean]> = [
		["Revoked and deprecated", (c) => c.revoked !== undefined || c.deprecated === true],
		["Renamed", (c) => c.renamed !== undefined && c.revoked === undefined && c.deprecated === undefined],
		["Changed", (c) => c.renamed === undefined && c.revoked === undefined && c.deprecated === undefined],
	];
	for (const [heading, belongs] of sections) {
		const list = report.changed.filter(belongs);
		if (list.length === 0) continue;
		lines.push(`## ${heading}`, "");
		for (const c of list) {
			lines.push(`- ${link(c)}`);
			for (const f of facts(c, link, (s) => `~~${s}~~`, (s) => `**${s}**`)) lines.push(`    - ${f}`);
			for (const other of c.notes.slice(1)) lines.push(`    - also in ${wikiLinkTo(other, other)}`);
		}
		lines.push("");
	}
	lines.push(`## New techniques in the tactics you study`, "");
	if (report.newTechniques.length === 0) lines.push("None.", "");
	for (const tactic of report.coveredTactics) {
		const list = report.newTechniques.filter((t) => t.tactics.some((x) => x.id === tactic.id));
		if (list.length === 0) continue;
		lines.push(`### ${tactic.name}`, "");
		for (const t of list) lines.push(`- ${link(t)}`);
		lines.push("");
	}
	return lines.join("\n");
}

/** The vault's index for the changes from `from` to `to`: notes known only by name recognized against `to`. */
export function changesIndex(vault: Vault, from: AttackModel, to: AttackModel): Promise<VaultIndex> {
	return buildVaultIndex(vault, [{ model: to, earlier: [from] }]);
}

/** A release as the plugin keeps it: the model and where it came from (its cache's meta). */
export interface Release {
	model: AttackModel;
	meta: { attackVersion: string | null; source: string };
}

/** The release's name: the bundle's, else the one its file name carries (mitre/cti 2.0 bundles). */
export function versionOf(r: Release): string | null {
	return r.meta.attackVersion ?? versionFromFileName(r.meta.source);
}

/** The vault's ATT&CK folder, for the notes and files the plugin writes: the one above its technique notes' folder (`.../Enterprise-Attack`), or `folder` (the setting). */
export function attackFolder(index: VaultIndex, model: AttackModel, folder?: string): string {
	const techniques = learnPlaces(index, model, folder).technique.folder;
	return /(^|\/)techniques$/i.test(techniques) ? techniques.replace(/\/?[^/]*$/, "") : techniques;
}

/**
 * The plugin's command: the changes from `from` to `to` as a note in the vault's ATT&CK folder
 * (the one above its technique notes' folder, or `folder` when the user set one). A note of that
 * name with other text (edited by the user, or from another vault state) is left alone: the new
 * one takes the next free name (`... 2.md`). Returns the note's path.
 */
export async function writeChangesNote(vault: Vault, from: Release | null, to: Release, folder?: string): Promise<string> {
	if (!from) throw new UserError(`no earlier ${to.model.domain} release is kept to compare with; it is kept when "Fetch or update ATT&CK data" brings a new one.`);
	const index = await changesIndex(vault, from.model, to.model);
	const report = computeChanges(from.model, to.model, index, { fromVersion: versionOf(from), toVersion: versionOf(to) });
	const dir = attackFolder(index, to.model, folder);
	const text = formatChangesNote(report);
	const base = `${dir}${dir ? "/" : ""}${changesNoteName(report).replace(/\.md$/, "")}`;
	for (let n = 1; ; n++) {
		const path = `${base}${n === 1 ? "" : ` ${n}`}.md`;
		if (!(await vault.exists(path))) {
			await vault.create(path, text);
			return path;
		}
		if ((await vault.read(path)) === text) return path;
	}
}
