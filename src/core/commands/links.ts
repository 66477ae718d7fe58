/**
 * `links`: judge every wiki-link that claims an ATT&CK ID (and every link that lands on an
 * ATT&CK note) and, with `fix`, repair the wrong ones. A repair changes only the link's path
 * characters; a note that changed since it was read, or could not be read, is never written.
 */
import { applyFixes, judgeNote, type JudgedLink, type LinkStatus } from "../links/judge";
import { messageOf } from "../errors";
import type { Skipped } from "../notes/read";
import { buildVaultIndex, sharedIds, type KnownRelease } from "../vault-index";
import type { Vault } from "../vault";

/** A judged link as reported: `fixed` when --fix wrote it, `proposed` when it would. */
export type LinkEntry = Omit<JudgedLink, "link" | "fix"> & { fixed?: string; proposed?: string };

export interface LinksReport {
	links: LinkEntry[];
	summary: {
		linkStyle: string;
		notesRead: number;
		links: number;
		ok: number;
		broken: number;
		mismatch: number;
		ambiguous: number;
		unverified: number;
		fixable: number;
		fixed: number;
		notesChanged: string[];
		skipped: Skipped[];
		/** Notes whose links --fix could not write (also in `skipped`): the CLI exits 1. */
		failed: Skipped[];
		sharedIds: Array<{ id: string; notes: string[] }>;
	};
}

const bomLength = (text: string) => (text.charCodeAt(0) === 0xfeff ? 1 : 0);

/**
 * `only`: judge (and fix) the links of these notes alone, as "fix links in the current note" does.
 * `releases`: the releases loaded, so that notes known only by name are ATT&CK notes (links to
 * them judged, links claiming their IDs fixed to them).
 */
export async function runLinks(vault: Vault, opts: { fix: boolean; only?: ReadonlySet<string>; releases?: readonly KnownRelease[] }): Promise<LinksReport> {
	const index = await buildVaultIndex(vault, opts.releases ?? []);
	const judged: JudgedLink[] = [];
	const skipped = [...index.skipped];
	for (const note of index.notes.values()) {
		if (opts.only && !opts.only.has(note.path)) continue;
		let found: JudgedLink[];
		try {
			found = judgeNote(index, note);
		} catch (err) {
			// One note that cannot be read safely (a stack overflow, say) is skipped; the vault goes on.
			skipped.push({ path: note.path, reason: `could not be checked: ${messageOf(err)}` });
			continue;
		}
		// One by one: spreading a note's 150k links into push() overflows the stack.
		for (const l of found) judged.push(l);
	}

	const fixed = new Set<JudgedLink>();
	const notesChanged: string[] = [];
	const failed: Skipped[] = [];
	if (opts.fix) {
		const bySource = new Map<string, JudgedLink[]>();
		for (const l of judged) {
			if (l.fix === undefined) continue;
			const list = bySource.get(l.source);
			if (list) list.push(l);
			else bySource.set(l.source, [l]);
		}
		for (const [path, links] of bySource) {
			const original = index.notes.get(path)?.text ?? "";
			let changedMeanwhile = false;
			try {
				await vault.process(path, (current) => {
					// Obsidian's Vault.read may drop a leading BOM that the bytes we indexed carry.
					const shift = bomLength(current) - bomLength(original);
					if (current.slice(bomLength(current)) !== original.slice(bomLength(original))) {
						changedMeanwhile = true;
						return current;
					}
					return applyFixes(current, links, shift);
				});
			} catch (err) {
				// A note that cannot be written (a full disk, a read-only note): the others still are.
				const entry = { path, reason: `links not fixed: ${messageOf(err)}` };
				skipped.push(entry);
				failed.push(entry);
				continue;
			}
			if (changedMeanwhile) {
				skipped.push({ path, reason: "changed while links were being checked; run again" });
				continue;
			}
			for (const l of links) fixed.add(l);
			notesChanged.push(path);
		}
	}

	const links = judged.map((l): LinkEntry => {
		const { link: _where, fix, ...entry }: JudgedLink & LinkEntry = l;
		if (fix !== undefined) entry[fixed.has(l) ? "fixed" : "proposed"] = fix;
		return entry;
	});
	const count = (s: LinkStatus) => judged.filter((l) => l.status === s).length;
	return {
		links,
		summary: {
			linkStyle: index.style,
			notesRead: index.notes.size,
			links: judged.length,
			ok: count("ok"),
			broken: count("broken"),
			mismatch: count("mismatch"),
			ambiguous: count("ambiguous"),
			unverified: count("unverified"),
			fixable: judged.filter((l) => l.fix !== undefined).length,
			fixed: fixed.size,
			notesChanged,
			skipped,
			failed,
			sharedIds: sharedIds(index),
		},
	};
}

/** A shell word: as it is when it is safe, else in single quotes. */
function shellWord(s: string): string {
	return /^[\w@%+=:,./~-]+$/.test(s) ? s : `'${s.replace(/'/g, "'\\''")}'`;
}

/** IDs `sync --create-missing` makes notes for: techniques, tactics, mitigations. */
const CREATABLE = /^(?:T\d{4}(?:\.\d{3})?|TA\d{4}|M\d{4})$/;

/**
 * What fixes a link left as it is, ending with the CLI command to run (for the vault `vault`, or
 * DIR); null for a link that is the user's choice (it lands on their own note).
 */
export function remedyOf(l: LinkEntry, vault?: string): string | null {
	const v = `--vault ${vault === undefined ? "DIR" : shellWord(vault)}`;
	const relink = `then run \`attack-sync links ${v} --fix\``;
	switch (l.problemKind) {
		case "missing":
		case "notAlone":
			if (l.expectedId !== null && CREATABLE.test(l.expectedId)) return `run \`attack-sync sync ${v} --bundle FILE --create-missing\``;
			return `add a note about ${l.expectedId ?? "the ID"}, ${relink}`;
		case "several":
			return `keep one note about ${l.expectedId ?? "the ID"} (delete or rename the copies), ${relink}`;
		case "unlinkable":
			return `rename the note, ${relink}`;
		case "unreadable":
			return `mend that file (see "skipped" below), ${relink}`;
		default:
			return null;
	}
}

/** The report for people: one line per link that is not ok, then the totals. `vault` spells out the commands that fix what is left. */
export function formatLinks(report: LinksReport, vault?: string): string {
	const lines: string[] = [];
	for (const l of report.links) {
		if (l.status === "ok") continue;
		const what = l.expectedId ? `claims ${l.expectedId}` : "";
		const where = l.resolved ? `lands on ${l.resolved}${l.resolvedId ? ` (${l.resolvedId})` : ""}` : "lands nowhere";
		lines.push(`${l.source}:${l.line}: ${l.status}: ${l.raw} ${what}, ${where}`);
		if (l.candidates) lines.push(`    candidates: ${l.candidates.join(", ")}`);
		if (l.fixed) lines.push(`    fixed: ${l.fixed}`);
		if (l.proposed) lines.push(`    fix (run with --fix): ${l.proposed}`);
		if (l.problem) {
			const remedy = remedyOf(l, vault);
			// A link to the user's own note is theirs to keep: no fix is due.
			lines.push(remedy === null ? `    left: ${l.problem}` : `    not fixed: ${l.problem}; to fix: ${remedy}`);
		}
	}
	const s = report.summary;
	for (const k of s.skipped) lines.push(`skipped ${k.path}: ${k.reason}`);
	for (const d of s.sharedIds) lines.push(`note: ${d.notes.length} notes are about ${d.id}: ${d.notes.join(", ")}`);
	lines.push(
		`${s.notesRead} notes read, ${s.links} ATT&CK links: ${s.ok} ok, ${s.broken} broken, ${s.mismatch} mismatch, ${s.ambiguous} ambiguous` +
			(s.unverified ? `, ${s.unverified} unverified` : "") +
			`; ${s.fixed} fixed in ${s.notesChanged.length} notes` +
			(s.fixable > s.fixed ? `, ${s.fixable - s.fixed} fixable with --fix` : "") +
			(s.skipped.length ? `; ${s.skipped.length} files skipped` : "") +
			`. Link style: ${s.linkStyle}.`,
	);
	return lines.join("\n");
}
