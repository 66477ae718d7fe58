/**
 * The sync preview: what a sync would change, note by note, as line hunks. A pure function of the
 * plan, so the plugin's modal, the CLI and the tests all read the same object.
 *
 * Lines are compared and shown without their `\r` and without a leading BOM, so a CRLF note
 * diffs like its LF twin; a change only in line endings, the BOM or the final newline shows as an
 * updated note with no hunks. The diff is Myers' O(ND) algorithm in linear space (middle snake),
 * after dropping the lines found on one side only (they cannot be in a longest common
 * subsequence), so a 3,000-line note rewritten end to end costs milliseconds and no N×M table.
 */
import { sharedIdText, type PlannedNote, type SyncPlan } from "./plan";

export interface PreviewLine {
	kind: "same" | "added" | "removed";
	text: string;
}

export interface PreviewHunk {
	/**
	 * 1-based line numbers in before/after of the hunk's first line (for a side the hunk has no
	 * lines of, the number the next line there has: 1 for a created note's `before`).
	 */
	beforeLine: number;
	afterLine: number;
	lines: PreviewLine[];
}

export interface PreviewNote {
	path: string;
	id: string | null;
	action: "updated" | "created";
	warnings: string[];
	/** Lines added and removed in the whole note (shown or not). */
	added: number;
	removed: number;
	hunks: PreviewHunk[];
	/**
	 * Changed lines not shown (over `maxLinesPerNote`); when above 0, the last line of the last
	 * hunk is the marker `… N more changed lines` (kind "same", in neither text).
	 */
	omitted: number;
	/** An updated note's base release (the report's `baseRelease`), or null with why (`baseWhy`). */
	baseRelease?: string | null;
	baseWhy?: string;
}

export interface SyncPreview {
	/** "Sync with ATT&CK 18.1 (enterprise-attack)" */
	title: string;
	/** "12 notes to update, 3 to create, 40 unchanged, 2 skipped" */
	summary: string;
	/** The notes sync would update or create, by path. */
	notes: PreviewNote[];
	skipped: Array<{ path: string; reason: string }>;
	/** Every warning of the plan, unchanged notes' too (a Sigma rule tagged with a revoked technique). */
	warnings: Array<{ path: string; text: string }>;
}

export interface PreviewOptions {
	/** Unchanged lines shown around each change (default 2). */
	context?: number;
	/** Lines shown per note, context included (default 400); then `… N more changed lines`. */
	maxLinesPerNote?: number;
}

const BOM = "\ufeff";

export function buildPreview(plan: SyncPlan, opts: PreviewOptions = {}): SyncPreview {
	const context = Math.max(0, Math.floor(opts.context ?? 2));
	const maxLines = Math.max(0, Math.floor(opts.maxLinesPerNote ?? 400));
	const byPath = [...plan.notes].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
	const notes: PreviewNote[] = [];
	const skipped: SyncPreview["skipped"] = [];
	const warnings: SyncPreview["warnings"] = [];
	for (const n of byPath) {
		for (const text of n.warnings ?? []) warnings.push({ path: n.path, text });
		if (n.action === "skipped") skipped.push({ path: n.path, reason: n.reason ?? "" });
		else if ((n.action === "updated" || n.action === "created") && n.after !== undefined) notes.push(previewNote(n, n.action, context, maxLines));
	}
	for (const s of plan.sharedIds ?? []) warnings.push({ path: s.linksTo ?? s.notes[0], text: sharedIdText(s) });
	const version = plan.attackVersion ? ` ${plan.attackVersion}` : "";
	return { title: `Sync with ATT&CK${version} (${plan.domain})`, summary: summaryOf(plan.summary), notes, skipped, warnings };
}

function summaryOf(s: SyncPlan["summary"]): string {
	const notes = (n: number) => `${n} ${n === 1 ? "note" : "notes"}`;
	if (s.updated + s.created === 0) return `Nothing to update or create; ${notes(s.unchanged)} unchanged, ${s.skipped} skipped`;
	return `${notes(s.updated)} to update, ${s.created} to create, ${s.unchanged} unchanged, ${s.skipped} skipped`;
}

function previewNote(n: PlannedNote, action: "updated" | "created", context: number, maxLines: number): PreviewNote {
	const before = action === "created" ? [] : splitLines(n.before ?? "");
	const ops = diffLines(before, splitLines(n.after ?? ""));
	let added = 0;
	let removed = 0;
	for (const op of ops) {
		if (op.kind === "added") added++;
		else if (op.kind === "removed") removed++;
	}
	const { hunks, omitted } = hunksOf(ops, context, maxLines, added + removed);
	const note: PreviewNote = { path: n.path, id: n.id, action, warnings: [...(n.warnings ?? [])], added, removed, hunks, omitted };
	// The release its ATT&CK text came from, for a note that had some.
	if (action === "updated" && n.baseRelease !== undefined) note.baseRelease = n.baseRelease;
	if (action === "updated" && n.baseWhy !== undefined) note.baseWhy = n.baseWhy;
	return note;
}

/** The lines of a text as the preview shows them: no leading BOM, no `\r` before `\n`, nothing after a final newline. */
export function splitLines(text: string): string[] {
	const body = text.startsWith(BOM) ? text.slice(1) : text;
	if (body === "") return [];
	const lines = body.split("\n");
	if (lines[lines.length - 1] === "") lines.pop();
	return lines.map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l));
}

/**
 * A shortest edit script from `a` to `b`, as every line of both in order: common lines "same",
 * the others "removed" (from `a`) or "added" (from `b`); in each changed run removals come first.
 */
export function diffLines(a: readonly string[], b: readonly string[]): PreviewLine[] {
	const ids = new Map<string, number>();
	const intern = (s: string): number => {
		let id = ids.get(s);
		if (id === undefined) ids.set(s, (id = ids.size));
		return id;
	};
	const A = Int32Array.from(a, intern);
	const B = Int32Array.from(b, intern);
	// Lines found on one side only are edits whatever the rest: diff the others.
	const inA = new Uint8Array(ids.size);
	const inB = new Uint8Array(ids.size);
	for (const x of A) inA[x] = 1;
	for (const y of B) inB[y] = 1;
	const aIdx = indicesWhere(A, inB);
	const bIdx = indicesWhere(B, inA);
	const subA = aIdx.map((i) => A[i]);
	const subB = bIdx.map((j) => B[j]);
	const subMatchA = new Uint8Array(subA.length);
	const subMatchB = new Uint8Array(subB.length);
	const size = 2 * Math.ceil((subA.length + subB.length) / 2) + 3;
	markCommon({ A: subA, B: subB, matchA: subMatchA, matchB: subMatchB, vf: new Int32Array(size), vb: new Int32Array(size) }, 0, subA.length, 0, subB.length);
	const matchA = new Uint8Array(a.length);
	const matchB = new Uint8Array(b.length);
	for (let i = 0; i < aIdx.length; i++) matchA[aIdx[i]] = subMatchA[i];
	for (let j = 0; j < bIdx.length; j++) matchB[bIdx[j]] = subMatchB[j];
	// The k-th matched line of `a` is paired with the k-th matched line of `b`.
	const out: PreviewLine[] = [];
	let i = 0;
	let j = 0;
	while (i < a.length || j < b.length) {
		if (i < a.length && matchA[i] === 0) out.push({ kind: "removed", text: a[i++] });
		else if (j < b.length && matchB[j] === 0) out.push({ kind: "added", text: b[j++] });
		else {
			out.push({ kind: "same", text: a[i] });
			i++;
			j++;
		}
	}
	return out;
}

function indicesWhere(xs: Int32Array, keep: Uint8Array): Int32Array {
	const out: number[] = [];
	for (let i = 0; i < xs.length; i++) if (keep[xs[i]] === 1) out.push(i);
	return Int32Array.from(out);
}

interface DiffState {
	A: Int32Array;
	B: Int32Array;
	matchA: Uint8Array;
	matchB: Uint8Array;
	/** Furthest-reaching x per diagonal, forward and backward; shared by every call (each resets what it reads). */
	vf: Int32Array;
	vb: Int32Array;
}

/** Mark a longest common subsequence of A[aLo, aHi) and B[bLo, bHi) in matchA and matchB. */
function markCommon(s: DiffState, aLo: number, aHi: number, bLo: number, bHi: number): void {
	const { A, B, matchA, matchB } = s;
	for (;;) {
		while (aLo < aHi && bLo < bHi && A[aLo] === B[bLo]) {
			matchA[aLo++] = 1;
			matchB[bLo++] = 1;
		}
		while (aLo < aHi && bLo < bHi && A[aHi - 1] === B[bHi - 1]) {
			matchA[--aHi] = 1;
			matchB[--bHi] = 1;
		}
		if (aLo === aHi || bLo === bHi) return;
		// Both sides differ at their ends, so the edit distance is at least 2 and the middle snake
		// splits the box into two strictly smaller ones.
		const [x, y, u, v] = middleSnake(s, aLo, aHi, bLo, bHi);
		markCommon(s, aLo, x, bLo, y);
		for (let i = x, j = y; i < u; i++, j++) {
			matchA[i] = 1;
			matchB[j] = 1;
		}
		aLo = u;
		bLo = v;
	}
}

/** Myers' middle snake of the box: [x, y] to [u, v], absolute indices, on some shortest edit path. */
function middleSnake(s: DiffState, aLo: number, aHi: number, bLo: number, bHi: number): [number, number, number, number] {
	const { A, B, vf, vb } = s;
	const n = aHi - aLo;
	const m = bHi - bLo;
	const delta = n - m;
	const odd = (delta & 1) !== 0;
	const max = Math.ceil((n + m) / 2);
	const off = max + 1;
	vf[off + 1] = 0;
	vb[off + 1] = 0;
	for (let d = 0; d <= max; d++) {
		for (let k = -d; k <= d; k += 2) {
			let x = k === -d || (k !== d && vf[off + k - 1] < vf[off + k + 1]) ? vf[off + k + 1] : vf[off + k - 1] + 1;
			let y = x - k;
			const x0 = x;
			const y0 = y;
			while (x < n && y < m && A[aLo + x] === B[bLo + y]) {
				x++;
				y++;
			}
			vf[off + k] = x;
			// The backward path on the same diagonal, reversed: diagonal delta - k.
			const c = delta - k;
			if (odd && c >= 1 - d && c <= d - 1 && x + vb[off + c] >= n) return [aLo + x0, bLo + y0, aLo + x, bLo + y];
		}
		for (let k = -d; k <= d; k += 2) {
			let x = k === -d || (k !== d && vb[off + k - 1] < vb[off + k + 1]) ? vb[off + k + 1] : vb[off + k - 1] + 1;
			let y = x - k;
			const x0 = x;
			const y0 = y;
			while (x < n && y < m && A[aHi - 1 - x] === B[bHi - 1 - y]) {
				x++;
				y++;
			}
			vb[off + k] = x;
			const c = delta - k;
			if (!odd && c >= -d && c <= d && x + vf[off + c] >= n) return [aHi - x, bHi - y, aHi - x0, bHi - y0];
		}
	}
	throw new Error("internal: no middle snake");
}

/** The edit script grouped into hunks with `context` lines around changes, `maxLines` lines shown at most. */
function hunksOf(ops: readonly PreviewLine[], context: number, maxLines: number, changed: number): { hunks: PreviewHunk[]; omitted: number } {
	// Where each op sits in before and after (1-based numbers of the next line on each side).
	const aAt: number[] = [];
	const bAt: number[] = [];
	let ai = 1;
	let bi = 1;
	const changes: number[] = [];
	ops.forEach((op, k) => {
		aAt.push(ai);
		bAt.push(bi);
		if (op.kind !== "added") ai++;
		if (op.kind !== "removed") bi++;
		if (op.kind !== "same") changes.push(k);
	});
	const ranges: Array<[number, number]> = [];
	for (const k of changes) {
		const last = ranges[ranges.length - 1];
		if (last && k - last[1] - 1 <= 2 * context) last[1] = k;
		else ranges.push([k, k]);
	}
	const hunks: PreviewHunk[] = [];
	let shown = 0;
	let shownChanged = 0;
	for (const [first, last] of ranges) {
		const start = Math.max(0, first - context);
		const end = Math.min(ops.length - 1, last + context);
		const hunk: PreviewHunk = { beforeLine: aAt[start], afterLine: bAt[start], lines: [] };
		hunks.push(hunk);
		for (let k = start; k <= end; k++) {
			if (shown >= maxLines && shownChanged < changed) {
				const omitted = changed - shownChanged;
				hunk.lines.push({ kind: "same", text: `… ${omitted} more changed ${omitted === 1 ? "line" : "lines"}` });
				return { hunks, omitted };
			}
			hunk.lines.push(ops[k]);
			shown++;
			if (ops[k].kind !== "same") shownChanged++;
		}
	}
	return { hunks, omitted: 0 };
}

/**
 * The preview as plain text, unified-diff-like: `@@ -a,n +b,m @@` headers, ` `/`-`/`+` prefixes;
 * `lines` may render a hunk's lines otherwise (word by word: word-diff.ts).
 */
export function formatPreview(p: SyncPreview, opts: { lines?: (lines: readonly PreviewLine[]) => string[] } = {}): string {
	const out: string[] = [p.title, p.summary];
	for (const note of p.notes) {
		out.push("", `${note.action}: ${note.path} (+${note.added} -${note.removed})`);
		for (const w of note.warnings) out.push(`  note: ${w}`);
		if (note.hunks.length === 0) out.push("  (no line changes: only line endings, the byte order mark or the final newline)");
		note.hunks.forEach((hunk, h) => {
			const marker = note.omitted > 0 && h === note.hunks.length - 1 ? hunk.lines[hunk.lines.length - 1] : null;
			const lines = marker ? hunk.lines.slice(0, -1) : hunk.lines;
			const inBefore = lines.filter((l) => l.kind !== "added").length;
			const inAfter = lines.filter((l) => l.kind !== "removed").length;
			// As in unified diffs, an empty side is numbered by the line it follows.
			const from = inBefore === 0 ? hunk.beforeLine - 1 : hunk.beforeLine;
			const to = inAfter === 0 ? hunk.afterLine - 1 : hunk.afterLine;
			out.push(`@@ -${from},${inBefore} +${to},${inAfter} @@`);
			if (opts.lines) out.push(...opts.lines(lines));
			else for (const l of lines) out.push(`${l.kind === "added" ? "+" : l.kind === "removed" ? "-" : " "}${l.text}`);
			if (marker) out.push(marker.text);
		});
	}
	const listed = new Set(p.notes.map((n) => n.path));
	const others = p.warnings.filter((w) => !listed.has(w.path));
	if (p.skipped.length > 0 || others.length > 0) out.push("");
	for (const s of p.skipped) out.push(`skipped: ${s.path}: ${s.reason}`);
	for (const w of others) out.push(`note: ${w.path}: ${w.text}`);
	return out.join("\n");
}
