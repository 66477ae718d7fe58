/**
 * Sync in two steps: plan, then apply. The plan holds, for every note sync looked at, what it
 * will do and the exact text before and after; `--dry-run`, the report, the plugin's preview and
 * the writes all come from this one object. Applying writes each changed file once, through
 * `Vault.process` (a note changed since it was planned is left alone and reported) or
 * `Vault.create` for new notes.
 */
import { attackIdOf, counterpart, isActive, type AttackModel } from "../attack/model";
import type { StixObject } from "../attack/stix";
import { messageOf } from "../errors";
import type { Layout } from "../notes/recognize";
import type { Note } from "../notes/read";
import { sharedIds, type VaultIndex } from "../vault-index";
import type { Vault } from "../vault";
import { syncClassic } from "./classic";
import { factKeys, ownedKeys } from "./common";
import { SyncContext, type ManagedSection } from "./context";
import { noteKindOf, type NoteKind, type PlaceKind } from "./places";
import { isNoteObject } from "../kinds";
import { nameBesideId } from "../notes/recognize";
import { recognizeByName } from "../notes/named";
import { safeFileName, withId } from "./filenames";
import { domainOfNote } from "../notes/note-domain";
import type { LinkStyle } from "../links/resolve";
import { syncControls } from "./controls";
import { applyEdits } from "./edits";
import { syncExport } from "./export";
import { editFrontmatter, missingItems, type FmValue } from "./frontmatter-edit";
import { skeletonNote } from "./skeleton";
import { renameQuotedRows } from "./tables";
import { labelledFacts } from "./labelled";
import type { Bases } from "./base";
import { containsWords } from "./words";
import { ASIDE, normalizeLine, sentences, type Stale } from "./prose";
import { CELL_ASIDE } from "./classic";

export type SyncAction = "updated" | "unchanged" | "created" | "skipped";

export interface PlannedNote {
	path: string;
	id: string | null;
	layout: Layout | null;
	action: SyncAction;
	/** Why a note was skipped. */
	reason?: string;
	/** Skipped because its subject is in none of the bundles loaded (another domain's note, say): reported in one line. */
	elsewhere?: true;
	/** What the user should know: a renamed technique, a Sigma rule tagged with a revoked one. */
	warnings?: string[];
	/** The release the note's ATT&CK text came from (recorded or inferred), or null with why. */
	baseRelease?: string | null;
	baseWhy?: string;
	/** The text before (absent for created notes) and after; only for updated and created notes. */
	before?: string;
	after?: string;
}

/** An ID several notes claim: reported once per run, with the note the links sync writes go to. */
export interface SharedId {
	id: string;
	notes: string[];
	/** Where new links to the ID point (null: to none of them, e.g. when all are controls notes). */
	linksTo: string | null;
}

/** "2 notes claim T1566: A, B; links sync writes go to A." */
export function sharedIdText(s: SharedId): string {
	const where = s.linksTo === null ? "sync links to none of them" : `links sync writes go to ${s.linksTo}`;
	return `${s.notes.length} notes claim ${s.id}: ${s.notes.join(", ")}; ${where}`;
}

export interface SyncPlan {
	attackVersion: string | null;
	domain: string;
	notes: PlannedNote[];
	summary: Record<SyncAction, number>;
	/** IDs claimed by several notes (for "sync the current note", those its notes claim). */
	sharedIds?: SharedId[];
}

export interface SyncOptions {
	/** true: create every missing technique, tactic and mitigation note; a list: only these kinds. */
	createMissing?: boolean | readonly NoteKind[];
	linkStyle?: LinkStyle;
	/** Where new notes go, instead of the folders learned from the vault. */
	folder?: string;
	/** The parts of notes sync rewrites; all when absent. */
	sections?: readonly ManagedSection[];
	/** Only these notes (vault paths) are planned: "sync the current note". */
	only?: ReadonlySet<string>;
	/** Of the missing notes `createMissing` would create, only those about these ATT&CK IDs (the matrix view's modifier-click); created even with `only`. */
	createOnly?: ReadonlySet<string>;
	/** The ATT&CK release when the bundle does not name it (mitre/cti 2.0 bundles). */
	version?: string | null;
	/**
	 * Earlier releases the notes were written from: a line one of them wrote is ATT&CK's, so sync
	 * replaces it even when the new text reads nothing like it (without them, such a line is kept).
	 */
	previous?: readonly AttackModel[];
	/** The other domains synced in the same run (their new notes are link targets' neighbours). */
	otherDomains?: readonly AttackModel[];
	/** Each note's base release, worked out by resolveBases (base.ts); its models join `previous`. */
	bases?: Bases;
	/**
	 * Every note is as the last sync left it, with everything else a plan depends on the same
	 * (commands/sync.ts tells, by fingerprint): each note's text is then the one sync would write
	 * (a second sync changes nothing), so it is taken as is instead of being worked out again.
	 */
	asLeft?: boolean;
	/**
	 * Told each new note's path and text as soon as it is planned (the text is final): the CLI
	 * writes its temporary file meanwhile, so the writing overlaps the rest of the planning.
	 */
	onCreated?: (path: string, text: string) => void;
}

// A note in no layout sync knows ("other": hand-made, or a generator nobody described) is synced
// wherever its ATT&CK text is found (classic.ts locates it), and gets no section it lacks.
const SYNCED: ReadonlySet<Layout> = new Set(["classic", "export", "controls", "other"]);

export function planSync(index: VaultIndex, model: AttackModel, opts: SyncOptions = {}): SyncPlan {
	const version = model.attackVersion ?? opts.version ?? null;
	// Notes known only by the name of their subject (a 17.1 data component has no ID) join the index.
	recognizeByName(index, model, [...(opts.bases?.models.values() ?? []), ...(opts.previous ?? [])]);
	// Other domains' new notes in this run (one sync over Enterprise, Mobile and ICS): links are
	// written knowing they will be there, so a name two domains share is never left ambiguous.
	const alsoCreated = (opts.otherDomains ?? []).flatMap((m) => [...new SyncContext(m, index, { version: m.attackVersion, createMissing: opts.createMissing ?? false, folder: opts.folder }).created.values()]);
	const ctx = new SyncContext(model, index, { version, createMissing: opts.createMissing ?? false, createOnly: opts.createOnly, linkStyle: opts.linkStyle, folder: opts.folder, sections: opts.sections, alsoCreated });
	const previous: Array<[AttackModel, string | null]> = [...(opts.bases?.models ?? [])].map(([v, m]) => [m, m.attackVersion ?? v]);
	for (const m of opts.previous ?? []) if (!previous.some(([p]) => p === m)) previous.push([m, m.attackVersion]);
	ctx.previous = previous.map(([m, v]) => new SyncContext(m, index, { version: v, createMissing: false, linkStyle: opts.linkStyle, folder: opts.folder, sections: opts.sections }));
	ctx.baseOf = opts.bases?.of ?? null;
	const notes: PlannedNote[] = [];
	const wanted = (path: string) => opts.only === undefined || opts.only.has(path);
	for (const s of index.skipped) if (wanted(s.path)) notes.push({ path: s.path, id: null, layout: null, action: "skipped", reason: s.reason });
	for (const note of index.notes.values()) {
		if (!wanted(note.path)) continue;
		let planned: PlannedNote | null;
		try {
			planned = planNote(note, ctx, opts.asLeft === true);
		} catch (err) {
			// One note sync cannot work out (a stack overflow, say) is skipped; the others are synced.
			planned = { path: note.path, id: note.recognized.ids[0] ?? null, layout: note.recognized.layout, action: "skipped", reason: `could not be synced: ${messageOf(err)}` };
		}
		if (planned) notes.push(planned);
	}
	// Syncing chosen notes ("the current note") creates none, unless asked for by ID.
	for (const [id, path] of opts.only === undefined || opts.createOnly !== undefined ? ctx.created : []) {
		const o = model.get(id);
		if (!o) continue;
		const after = createNote(path, id, o, ctx);
		opts.onCreated?.(path, after);
		notes.push({ path, id, layout: ctx.places[kindOf(o)].layout, action: "created", after });
	}
	notes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
	const summary: Record<SyncAction, number> = { updated: 0, unchanged: 0, created: 0, skipped: 0 };
	for (const n of notes) summary[n.action]++;
	const shared = sharedIds(index)
		.filter((s) => s.notes.some(wanted))
		// One note per domain for an ID several domains have is how a multi-domain vault is kept.
		.filter((s) => !oneNotePerDomain(s.notes, index))
		.map((s): SharedId => ({ ...s, linksTo: ctx.noteFor(s.id) }));
	return { attackVersion: version, domain: model.domain, notes, summary, sharedIds: shared };
}

function oneNotePerDomain(paths: readonly string[], index: VaultIndex): boolean {
	const domains = paths.map((p) => {
		const n = index.notes.get(p);
		return n ? domainOfNote(n) : null;
	});
	return domains.every((d) => d !== null) && new Set(domains).size === domains.length;
}

function kindOf(o: StixObject): PlaceKind {
	return noteKindOf(o) ?? "technique";
}

/**
 * One plan from several domains' plans over the same vault (Enterprise and Mobile notes side by
 * side): each note takes the entry of the domain it belongs to, and is skipped only when no domain
 * knows it. Created notes come from every domain (their paths differ by domain folder).
 */
export function mergePlans(plans: readonly SyncPlan[]): SyncPlan {
	if (plans.length === 1) return plans[0];
	const byPath = new Map<string, PlannedNote>();
	// A note another domain syncs is not skipped; of two domains' reasons to skip, the one that is
	// not "another domain's" says more.
	const rank = (n: PlannedNote) => (n.action === "skipped" ? (n.elsewhere ? 0 : n.id === null ? 2 : 1) : 3);
	for (const plan of plans) {
		for (const n of plan.notes) {
			const seen = byPath.get(n.path);
			if (!seen || rank(n) > rank(seen)) byPath.set(n.path, n);
		}
	}
	const notes = [...byPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
	const summary: Record<SyncAction, number> = { updated: 0, unchanged: 0, created: 0, skipped: 0 };
	for (const n of notes) summary[n.action]++;
	// Each shared ID once, with the note some domain links it to.
	const shared = new Map<string, SharedId>();
	for (const plan of plans) {
		for (const s of plan.sharedIds ?? []) {
			const seen = shared.get(s.id);
			if (!seen || (seen.linksTo === null && s.linksTo !== null)) shared.set(s.id, s);
		}
	}
	return { attackVersion: plans.map((p) => p.attackVersion ?? "?").join(", "), domain: plans.map((p) => p.domain).join(", "), notes, summary, sharedIds: [...shared.values()] };
}

/** The object a note is about in this bundle: its first ID that names an object of a kind notes are about. */
function subjectOf(note: Note, model: AttackModel): { id: string; object: StixObject } | null {
	for (const id of note.recognized.ids) {
		const o = model.getAll(id).find(isNoteObject);
		if (o) return { id, object: model.get(id) ?? o };
	}
	return null;
}

/**
 * A note known only by a generator-style file name (`G0001-Axiom.md`) is about the object when
 * the rest of its name is the object's name in this release or an earlier one given; a note of
 * the user's named `T1059 - my notes` is not ATT&CK's page and is left alone.
 */
function namedLikeIt(note: Note, id: string, ctx: SyncContext): boolean {
	const sources = note.recognized.idSources;
	if (sources.length !== 1 || sources[0].from !== "filename") return true;
	const rest = nameBesideId(note.path, id);
	if (rest === null || rest === "") return true;
	const fold = (s: string) => s.normalize("NFKC").toLowerCase().replace(/[^\p{L}\p{N}]+/gu, "");
	const want = fold(rest);
	return [ctx, ...ctx.previous].some((c) => c.model.getAll(id).some((o) => fold(o.name ?? "") === want));
}

function planNote(note: Note, ctx: SyncContext, asLeft = false): PlannedNote | null {
	const { layout, ids } = note.recognized;
	if (ids.length === 0) return null;
	const base = { path: note.path, id: ids[0], layout };
	if (layout === "sigma") return { ...base, action: "unchanged", ...sigmaWarnings(ids, ctx) };
	const subject = subjectOf(note, ctx.model);
	if (subject && !namedLikeIt(note, subject.id, ctx)) return null;
	if (!subject) return { ...base, action: "skipped", elsewhere: true, reason: `${ids.join(", ")} ${ids.length > 1 ? "are" : "is"} not in this bundle (${ctx.model.domain}${ctx.version ? ` ${ctx.version}` : ""})` };
	// A note its folder or tags put in another domain (a group ATT&CK has in Enterprise and Mobile)
	// is that domain's to sync.
	const domain = domainOfNote(note);
	if (domain !== null && domain !== ctx.model.domain) return { ...base, action: "skipped", elsewhere: true, reason: `a note of ${domain}, not ${ctx.model.domain}` };
	// A note in no known layout is synced only when it names one subject (not an index of many).
	if (!SYNCED.has(layout) || (layout === "other" && ids.length > 1)) return { ...base, id: subject.id, action: "skipped", reason: "not in a layout sync knows (classic, export or controls)" };
	let after: string;
	try {
		after = asLeft ? note.text : syncText(note, subject.object, ctx);
	} catch (err) {
		return { ...base, id: subject.id, action: "skipped", reason: `could not be synced: ${messageOf(err)}` };
	}
	const warnings = [...renamed(note, subject.object), ...asides(note.text, after)];
	const planned: PlannedNote = { ...base, id: subject.id, action: after === note.text ? "unchanged" : "updated", ...baseReport(note, ctx) };
	if (warnings.length > 0) planned.warnings = warnings;
	if (after !== note.text) Object.assign(planned, { before: note.text, after });
	return planned;
}

/** The note's new text: body edits spliced, then the frontmatter keys sync owns. */
export function syncText(note: Note, o: StixObject, ctx: SyncContext): string {
	const layout = note.recognized.layout;
	const stale = layout === "controls" ? undefined : staleTest(note, o, ctx);
	const { edits } = layout === "export" ? syncExport(note, o, ctx, stale) : layout === "controls" ? syncControls(note, o, ctx) : syncClassic(note, o, ctx, stale);
	// attack_version says which release the note's ATT&CK text is from, and the next sync takes it
	// as the note's base: it is written only when the new description is there to be found (a
	// layout sync cannot bring up to date keeps what it recorded, so its old text stays ATT&CK's).
	const written = renameQuotedRows(applyEdits(note.text, edits), ctx);
	// Revoked and deprecated notes keep their content: only the notice, the frontmatter and the
	// facts stated of the object (`> Last Modified:` of a deprecated data source) change.
	// Links a note this run creates made ambiguous are pointed where they landed (revoked notes too).
	const bodyStart = note.frontmatter?.bodyStart ?? 0;
	const body = ctx.relink(labelledFacts(written, o, ctx, note.path, bodyStart), note.path, bodyStart);
	const keys = [...factKeys(note.frontmatter?.data, o, ctx), ...ownedKeys(o, ctx).filter(([k]) => k !== "attack_version" || layout === "controls" || recordedRelease(note) === ctx.version || holdsDescription(body, o))];
	// The common case: the keys already hold as read (a second sync, a new note's frame); body
	// edits never touch the frontmatter, so it needs no edit of its own.
	if (note.frontmatter && keys.every(([k, v]) => holds(note.frontmatter?.data[k], v))) return body;
	return editFrontmatter(body, keys);
}

/** Whether each paragraph of the object's description is a line of the note (same words in order). */
function holdsDescription(text: string, o: StixObject): boolean {
	if (o.revoked === true || o.x_mitre_deprecated === true) return true;
	// Code is written with its HTML entities decoded (`<code>&lt;user&gt;</code>` is `` `<user>` ``).
	const entities: Record<string, string> = { "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'", "&amp;": "&" };
	const decoded = (o.description ?? "").replace(/<code>([\s\S]*?)<\/code>/gi, (_, code: string) => `<code>${code.replace(/&(?:lt|gt|quot|#39|amp);/g, (e) => entities[e])}</code>`);
	const paragraphs = decoded.split("\n").filter((p) => p.trim().length >= 40);
	if (paragraphs.length === 0) return true;
	// Lines that share a paragraph's opening words are checked first; any line may hold it.
	const lines = text.split(/\r?\n/).filter((l) => l.length >= 30);
	const plain = lines.map(normalizeLine);
	return paragraphs.every((p) => {
		const start = normalizeLine(p).slice(0, 20);
		const first = plain.findIndex((l) => l.includes(start));
		return (first >= 0 && containsWords(lines[first], p)) || lines.some((l, i) => i !== first && containsWords(l, p));
	});
}

function holds(current: unknown, value: FmValue): boolean {
	if (value === null) return current === undefined;
	if (typeof value === "object" && !Array.isArray(value)) return !Array.isArray(current) || missingItems(current, value.append).length === 0;
	if (typeof value === "string") return current === value;
	return Array.isArray(current) && current.length === value.length && current.every((c, i) => c === value[i]);
}

/**
 * Whether a line is one an earlier release (ctx.previous) wrote into a note like this one. The
 * lines are compared reduced to their words (links to what they show), so one set per object and
 * layout serves every note about it.
 */
/** The release a note came from, as the report gives it. */
function baseReport(note: Note, ctx: SyncContext): { baseRelease: string | null; baseWhy?: string } {
	const resolved = ctx.baseOf?.get(note.path);
	if (resolved) return resolved.release === null ? { baseRelease: null, baseWhy: resolved.why } : { baseRelease: resolved.release };
	const release = recordedRelease(note);
	if (release !== null && (release === ctx.version || ctx.previous.some((p) => p.version === release))) return { baseRelease: release };
	if (ctx.previous.length === 1 && ctx.previous[0].version !== null) return { baseRelease: ctx.previous[0].version };
	return { baseRelease: null, baseWhy: release !== null ? `release ${release} (recorded in attack_version) was not loaded` : ctx.previous.length > 1 ? "one of the earlier releases given" : "not recorded in the note, and no earlier release was given" };
}

function recordedRelease(note: Note): string | null {
	const recorded = note.frontmatter?.data.attack_version;
	return typeof recorded === "string" || typeof recorded === "number" ? String(recorded) : null;
}

function staleTest(note: Note, o: StixObject, ctx: SyncContext): Stale | undefined {
	if (renderingBase > 0) return undefined;
	// The release the note came from: resolved (recorded or inferred), else the one it records
	// (this sync's own, after a sync), else every earlier release given.
	const resolved = ctx.baseOf?.get(note.path)?.release;
	const release = resolved ?? recordedRelease(note);
	const own = release !== null && release === ctx.version;
	const recordedPrev = release === null ? [] : ctx.previous.filter((p) => p.version === release);
	const bases = own ? [ctx] : recordedPrev.length > 0 ? recordedPrev : ctx.previous;
	if (bases.length === 0) return undefined;
	const id = attackIdOf(o);
	const layout = note.recognized.layout === "export" ? "export" : "classic";
	const cacheKey = `${layout} ${o.type} ${id ?? ""} ${own ? "own" : release ?? ""}`;
	// Worked out on first use: a note whose lines all match the new text exactly never needs it.
	const known = (): { set: Set<string>; lines: string[] } => {
		let k = staleLines.get(ctx)?.get(cacheKey);
		if (k) return k;
		const set = new Set<string>();
		const whole = new Set<string>();
		renderingBase++;
		try {
			for (const prev of bases) {
				const found = id === null ? undefined : counterpart(prev.model, o);
				if (!found || id === null) continue;
				// An object that had no ATT&CK ID then (a data component before v18) is rendered
				// under the one it has now, as the note's heading gives it.
				const old: StixObject = attackIdOf(found) !== null ? found : { ...found, external_references: [{ source_name: "mitre-attack", external_id: id }, ...(found.external_references ?? [])] };
				for (const line of syncText(skeletonNote(note.path, layout, id, old, prev, { tables: false }), old, prev).split("\n")) {
					if (line.trim() !== "") whole.add(line);
					// Whole lines, and their sentences (a user's sentence may sit in an old paragraph).
					for (const part of [line, ...sentences(line)]) {
						const n = normalizeLine(part);
						if (n.length >= 12) set.add(n);
					}
				}
			}
		} finally {
			renderingBase--;
		}
		// This release's own text is never "stale": a user's copy of it is theirs.
		k = { set: own ? new Set<string>() : set, lines: [...whole] };
		let perRun = staleLines.get(ctx);
		if (!perRun) staleLines.set(ctx, (perRun = new Map<string, { set: Set<string>; lines: string[] }>()));
		perRun.set(cacheKey, k);
		return k;
	};
	const test = (line: string) => !own && known().set.has(normalizeLine(line));
	return Object.defineProperty(test, "lines", { get: () => known().lines }) as Stale;
}

/** Rendering a base release's text: its own notes need no base. */
let renderingBase = 0;

const staleLines = new WeakMap<SyncContext, Map<string, { set: Set<string>; lines: string[] }>>();

function createNote(path: string, id: string, o: StixObject, ctx: SyncContext): string {
	const layout = ctx.places[kindOf(o)].layout;
	return syncText(skeletonNote(path, layout, id, o, ctx), o, ctx);
}

/** The user's edits this sync could not merge into ATT&CK's new text, kept beside it marked. */
function asides(before: string, after: string): string[] {
	const count = (text: string) => text.split(ASIDE).length - 1 + text.split(CELL_ASIDE).length - 1;
	const n = count(after) - count(before);
	return n > 0 ? [`${n} of your edits inside ATT&CK text could not be merged into the new text: your version is kept beside it, under "Your edited version"`] : [];
}

/** A note whose file name is not the technique's current name: reported, never renamed silently. */
function renamed(note: Note, o: StixObject): string[] {
	if (note.recognized.layout === "controls" || o.name === undefined) return [];
	const id = attackIdOf(o) ?? "";
	// A name with `/` ("Antivirus/Antimalware") was written by some generators as folders, by
	// others in the file name (`Antivirus_Antimalware`, `Antivirus／Antimalware`).
	const now = o.name;
	const depth = now.split("/").length;
	const safe = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, " ").trim();
	// The name as sync itself writes it in a file name (`/` made `-`, cut to fit) is the name too.
	const fileName = safeFileName(o.name, id);
	const same = [...new Set([1, depth])].some((d) => {
		const file = note.path.replace(/\.md$/i, "").split("/").slice(-d).join("/");
		// The ID wherever the vault's naming put it (`Name (ID)`, `ID - Name`, `ID-Name_With_Underscores`).
		const name = file.replace(id, " ").trim();
		return safe(name) === "" || safe(name) === safe(now) || safe(name) === safe(id);
	});
	if (same || [fileName, withId(fileName, id)].some((f) => safe(note.path.slice(note.path.lastIndexOf("/") + 1).replace(/\.md$/i, "")) === safe(f))) return [];
	return [`renamed in ATT&CK: ${id} is now "${o.name}"; the file keeps its name (rename it in Obsidian to update links)`];
}

function sigmaWarnings(ids: readonly string[], ctx: SyncContext): { warnings?: string[] } {
	const warnings: string[] = [];
	for (const id of ids) {
		const o = ctx.model.getAll(id).find((x) => x.type === "attack-pattern");
		if (!o) continue;
		if (o.revoked === true) {
			const by = ctx.model.revokedBy(o);
			warnings.push(`tagged with ${id}, which is revoked${by ? `; use ${attackIdOf(by)} (${by.name ?? ""})` : ""}`);
		} else if (!isActive(o)) warnings.push(`tagged with ${id}, which is deprecated`);
	}
	return warnings.length > 0 ? { warnings } : {};
}

export interface ApplyResult {
	written: string[];
	/** Files not written, and why (changed since the plan was made, or the write failed). */
	failed: Array<{ path: string; reason: string }>;
}

/**
 * Write what the plan says: each file once. `onProgress` may return false to stop before the next
 * file (the plugin's cancel); the files not written are reported as such. `concurrency`: how many
 * writes may be under way at once (the CLI's writes wait on the disk in the background, so
 * several at once let the file system flush them together); 1, one after the other, by default.
 * The result lists files in the plan's order whatever order the writes end in.
 */
export async function applyPlan(vault: Vault, plan: SyncPlan, onProgress?: (done: number, total: number) => boolean | void, opts: { concurrency?: number } = {}): Promise<ApplyResult> {
	const todo = plan.notes.filter((n) => n.after !== undefined && (n.action === "updated" || n.action === "created"));
	// Each file's outcome by its place in `todo`: null written, a reason not; absent, never started.
	const outcome: Array<string | null | undefined> = new Array<string | null | undefined>(todo.length);
	let next = 0;
	let done = 0;
	let stopped = false;
	const write = async (n: PlannedNote): Promise<string | null> => {
		const after = n.after as string;
		try {
			if (n.action === "created") {
				await vault.create(n.path, after);
				return null;
			}
			let changedSince = false;
			await vault.process(n.path, (current) => {
				// Obsidian's read may drop a leading BOM; the note is still the one planned.
				if (current === n.before) return after;
				if (`\ufeff${current}` === n.before && after.startsWith("\ufeff")) return after.slice(1);
				changedSince = true;
				return current;
			});
			return changedSince ? "changed since sync planned; not written" : null;
		} catch (err) {
			return messageOf(err);
		}
	};
	const worker = async () => {
		while (!stopped && next < todo.length) {
			const k = next++;
			outcome[k] = await write(todo[k]);
			if (onProgress?.(++done, todo.length) === false) stopped = true;
		}
	};
	const want = opts.concurrency ?? 1;
	const lanes = Math.max(1, Math.min(Number.isFinite(want) ? Math.floor(want) : 1, todo.length));
	await Promise.all(Array.from({ length: lanes }, worker));
	const result: ApplyResult = { written: [], failed: [] };
	todo.forEach((n, k) => {
		const o = outcome[k];
		if (o === null) result.written.push(n.path);
		else result.failed.push({ path: n.path, reason: o ?? "not written: the sync was cancelled" });
	});
	return result;
}
