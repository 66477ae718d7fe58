/**
 * `sync`: bring every ATT&CK note of the vault up to date from a bundle. The report is the plan
 * without the texts (the CLI's `--json`, `plugin.api.sync`); `dryRun` plans and writes nothing.
 */
import type { AttackModel } from "../attack/model";
import { applyPlan, mergePlans, planSync, sharedIdText, type SharedId, type SyncAction, type SyncOptions, type SyncPlan } from "../sync/plan";
import { buildVaultIndex, type VaultIndex } from "../vault-index";
import type { Note } from "../notes/read";
import { resolveBases, type BaseOptions, type Bases } from "../sync/base";
import type { Vault } from "../vault";

export interface SyncReportNote {
	path: string;
	id: string | null;
	layout: string | null;
	action: SyncAction;
	reason?: string;
	/** Its subject is in none of the bundles loaded (another domain's note): one line in the text report. */
	elsewhere?: true;
	warnings?: string[];
	/** The release the note's ATT&CK text came from, or null (with why). */
	baseRelease?: string | null;
	baseWhy?: string;
}

export interface SyncReport {
	attackVersion: string | null;
	domain: string;
	dryRun: boolean;
	notes: SyncReportNote[];
	summary: Record<SyncAction, number>;
	/** Files the plan would have written but could not (changed meanwhile, a failed write). */
	failed: Array<{ path: string; reason: string }>;
	/** IDs several notes claim, once each, with the note the links sync writes go to. */
	sharedIds: SharedId[];
}

export interface SyncCommandOptions extends SyncOptions {
	dryRun?: boolean;
	/** Where earlier releases come from, to know each note's base (recorded or inferred). */
	releases?: BaseOptions;
	onProgress?: (done: number, total: number) => void;
}

export async function runSync(vault: Vault, model: AttackModel, opts: SyncCommandOptions = {}): Promise<{ report: SyncReport; plan: SyncPlan }> {
	const { plan } = await planDomains(vault, [{ model, previous: opts.previous, releases: opts.releases }], opts);
	const failed = opts.dryRun === true ? [] : (await applyPlan(vault, plan, opts.onProgress)).failed;
	return { report: reportOf(plan, opts.dryRun === true, failed), plan };
}

/** One domain of a sync: its release, the earlier ones given, where the rest come from. */
export interface DomainSync {
	model: AttackModel;
	/** The release's version when the bundle does not say (the CLI takes it from the file name). */
	version?: string | null;
	previous?: readonly AttackModel[];
	releases?: BaseOptions;
}

/**
 * What a sync remembers of the last one (the CLI keeps it in the plugin's folder): the
 * fingerprint of the vault as that sync left it, with everything else its plan depended on.
 */
export interface RunMemo {
	/** The fingerprint the last sync left, or null. */
	last: string | null;
	/** The code's version and build: another build may sync differently. */
	salt: string;
	/** A digest of the parts, in order (the CLI's: SHA-256). */
	digest: (parts: Iterable<string>) => string;
}

export interface DomainsPlan {
	plan: SyncPlan;
	/** Whether every note was taken as the last sync left it (the memo's fingerprint matched). */
	asLeft: boolean;
	/** The fingerprint of the vault once the plan is written in full (null without a memo). */
	fingerprintAfter: () => string | null;
}

/**
 * One plan for several domains over one vault (Enterprise, Mobile and ICS side by side), writing
 * nothing: the vault is read and indexed once, and each note is synced from its own domain.
 *
 * With a memo: when the vault and everything else a plan depends on are exactly as the last
 * sync left them, and every note records the release it is synced to, each note's text is the one
 * sync would write, and is taken as is (a resync of an unchanged vault skips the work).
 */
export async function planDomains(vault: Vault, domains: readonly DomainSync[], opts: SyncOptions = {}, memo?: RunMemo): Promise<DomainsPlan> {
	// Before the bases: a note known only by its subject's name (notes/named.ts) needs a base too.
	const index = await buildVaultIndex(
		vault,
		domains.map((d) => ({ model: d.model, earlier: d.previous ?? [] })),
	);
	const runs: Array<{ d: DomainSync; version: string | null; bases: Bases | undefined }> = [];
	for (const d of domains) {
		const version = d.model.attackVersion ?? d.version ?? opts.version ?? null;
		runs.push({ d, version, bases: d.releases ? await resolveBases(index, d.model, version, d.releases) : undefined });
	}
	const fingerprint = (files: readonly string[], textOf: (path: string) => string | undefined): string | null =>
		memo ? memo.digest(runParts(memo.salt, runs, opts, index, files, textOf)) : null;
	// Only notes that record their release: what a note's base is never depends on what was found then.
	const recorded = runs.every((r) => r.version !== null && r.bases !== undefined && [...r.bases.of.keys()].every((p) => recordedVersion(index.notes.get(p)) === r.version));
	const now = memo !== undefined && memo.last !== null && opts.only === undefined && recorded ? fingerprint(index.files, (p) => index.notes.get(p)?.text) : null;
	const asLeft = now !== null && now === memo?.last;
	const plans: SyncPlan[] = [];
	for (const { d, version, bases } of runs) {
		const others = domains.filter((x) => x !== d).map((x) => x.model);
		const own: SyncOptions = { ...opts, ...(version !== null ? { version } : {}), previous: d.previous ?? [], ...(others.length > 0 ? { otherDomains: others } : {}), ...(asLeft ? { asLeft } : {}) };
		plans.push(planSync(index, d.model, bases ? { ...own, bases } : own));
	}
	const plan = mergePlans(plans);
	return {
		plan,
		asLeft,
		fingerprintAfter: () => {
			if (!memo || opts.only !== undefined) return null;
			// Nothing written: the vault is as it was.
			if (now !== null && plan.notes.every((n) => n.after === undefined)) return now;
			const after = new Map(plan.notes.filter((n) => n.after !== undefined).map((n) => [n.path, n.after as string]));
			const files = [...new Set([...index.files, ...plan.notes.filter((n) => n.action === "created").map((n) => n.path)])].sort();
			return fingerprint(files, (p) => after.get(p) ?? index.notes.get(p)?.text);
		},
	};
}

function recordedVersion(note: Note | undefined): string | null {
	const v = note?.frontmatter?.data.attack_version;
	return typeof v === "string" || typeof v === "number" ? String(v) : null;
}

/**
 * What a run's plan depends on besides the code: the options, each domain's release (its
 * objects' ids and modified dates), the earlier releases it was given, Obsidian's link setting,
 * the vault's files and every note's text, the notes that could not be read.
 */
function* runParts(salt: string, runs: ReadonlyArray<{ d: DomainSync; version: string | null }>, opts: SyncOptions, index: VaultIndex, files: readonly string[], textOf: (path: string) => string | undefined): Generator<string> {
	yield `attack-sync run 1\n${salt}\n`;
	yield JSON.stringify({ createMissing: opts.createMissing ?? false, linkStyle: opts.linkStyle ?? null, folder: opts.folder ?? null, sections: opts.sections ?? null, createOnly: opts.createOnly ? [...opts.createOnly] : null, style: index.style });
	for (const { d, version } of runs) {
		yield `\ndomain ${d.model.domain} ${version ?? "?"} ${d.model.specVersion}\n`;
		for (const o of d.model.objects()) yield `${o.id} ${o.modified ?? ""} ${o.revoked === true ? "r" : ""}${o.x_mitre_deprecated === true ? "d" : ""}\n`;
		for (const m of d.previous ?? []) yield `previous ${m.domain} ${m.attackVersion ?? "?"}\n`;
	}
	for (const path of [...files].sort()) {
		const text = textOf(path);
		yield `\nfile ${path} ${text === undefined ? -1 : text.length}\n`;
		if (text !== undefined) yield text;
	}
	for (const s of index.skipped) yield `\nskipped ${s.path}: ${s.reason}\n`;
}

export function reportOf(plan: SyncPlan, dryRun: boolean, failed: SyncReport["failed"] = []): SyncReport {
	const notes = plan.notes.map((n): SyncReportNote => {
		const entry: SyncReportNote = { path: n.path, id: n.id, layout: n.layout, action: n.action };
		if (n.reason !== undefined) entry.reason = n.reason;
		if (n.elsewhere) entry.elsewhere = true;
		if (n.warnings !== undefined) entry.warnings = n.warnings;
		if (n.baseRelease !== undefined) entry.baseRelease = n.baseRelease;
		if (n.baseWhy !== undefined) entry.baseWhy = n.baseWhy;
		return entry;
	});
	const summary = { ...plan.summary };
	for (const f of failed) {
		const n = notes.find((x) => x.path === f.path);
		if (!n) continue;
		summary[n.action]--;
		summary.skipped++;
		n.action = "skipped";
		n.reason = f.reason;
	}
	return { attackVersion: plan.attackVersion, domain: plan.domain, dryRun, notes, summary, failed, sharedIds: plan.sharedIds ?? [] };
}

export function formatSync(report: SyncReport): string {
	const s = report.summary;
	const lines: string[] = [];
	const version = report.attackVersion ? ` ${report.attackVersion}` : "";
	const verb = report.dryRun ? "would be " : "";
	lines.push(`ATT&CK ${report.domain}${version}${report.dryRun ? " (dry run: nothing written)" : ""}`);
	for (const n of report.notes) {
		if (n.action === "updated" || n.action === "created") lines.push(`  ${verb}${n.action}: ${n.path}`);
	}
	for (const n of report.notes) if (n.action === "skipped" && !n.elsewhere) lines.push(`  skipped: ${n.path}: ${n.reason ?? ""}`);
	// Notes of domains (or objects) this run did not load: one line, not one per note.
	const elsewhere = report.notes.filter((n) => n.action === "skipped" && n.elsewhere);
	if (elsewhere.length > 0) lines.push(`  skipped: ${elsewhere.length} ${elsewhere.length === 1 ? "note is" : "notes are"} about objects not in ${report.domain}${version} (another domain's notes; give that domain's --bundle too to sync them)`);
	for (const n of report.notes) for (const w of n.warnings ?? []) lines.push(`  note: ${n.path}: ${w}`);
	for (const s of report.sharedIds) lines.push(`  note: ${sharedIdText(s)}`);
	lines.push(`${s.updated} ${verb}updated, ${s.created} ${verb}created, ${s.unchanged} unchanged, ${s.skipped} skipped`);
	return lines.join("\n");
}
