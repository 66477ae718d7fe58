/**
 * The one merge sync uses everywhere: a region of a note (a section's own content) is rewritten
 * line by line. Every old line is either ATT&CK's (the classifier names the new line it stands
 * for, by key) or the user's. ATT&CK's lines are replaced by the new ones; the user's lines are
 * kept verbatim and put back next to what they followed:
 *
 * - a user line written directly under an ATT&CK line (a row under a row, a sub-item under an
 *   item, a line continuing a paragraph) goes back right under that line's replacement;
 * - user text separated from ATT&CK text by a blank line (a paragraph, a callout, a comment after
 *   a list or table) goes back after the whole block that line's replacement belongs to;
 * - user text above all ATT&CK text stays first; user text after ATT&CK text that no longer
 *   exists goes last.
 *
 * Blank lines around the region (how far a heading is from its list, the gap before the next
 * heading) are kept as the note had them. The region is LF-only: callers convert line endings.
 */

export interface NewLine {
	text: string;
	/** Identity for anchoring (an ID, a platform name, the line itself); absent on blank lines. */
	key?: string;
	/** Kept above any user text that opens the region (a "revoked" notice). Only leading lines. */
	pin?: boolean;
}

/**
 * What an old line is: ATT&CK's (the key of the new line that replaces it; `keep`: the user's
 * words in it, written after the new line's text; `replace`: the new line's text with the user's
 * edits merged in, written instead of it; `aside`: the user's version of the old line when their
 * edits could not be merged, as lines to write after the new line's block) or the user's.
 */
export type Verdict = { key: string; keep?: string; replace?: string; aside?: string } | "user";

/** Blank lines to put above and below the content when the region had none to copy. */
export interface Shape {
	lead: number;
	trail: number;
}

export type Classifier = (line: string, index: number, lines: readonly string[]) => Verdict;

const isBlank = (line: string): boolean => line.trim() === "";
const LIST_ITEM = /^[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]/;

interface Group {
	lines: string[];
	gapBefore: number;
	gapAfter: number;
	/** Index of its last line in the old region. */
	end: number;
	/** "start", "end", or an index into the new lines: after that line ("at") or after its block ("block"). */
	anchor: "start" | "end" | { at: number } | { block: number };
}

export function mergeRegion(region: string, fresh: readonly NewLine[], classify: Classifier, shape: Shape, isStale?: (line: string) => boolean): string {
	const finalNewline = region.endsWith("\n");
	const body = finalNewline ? region.slice(0, -1) : region;
	const old = body === "" && !finalNewline ? [] : body.split("\n");
	const first = old.findIndex((l) => !isBlank(l));
	const content = trimBlank(fresh);

	if (first === -1) {
		// Nothing but blank lines: keep them when there is still nothing to write.
		if (content.length === 0) return region;
		const lines = [...blank(shape.lead), ...content.map((l) => l.text), ...blank(shape.trail)];
		return lines.join("\n") + (finalNewline || region === "" ? "\n" : "");
	}
	let last = old.length - 1;
	while (isBlank(old[last])) last--;
	const lead = first;
	const trail = old.length - 1 - last;

	// Match ATT&CK lines to new lines by key, in order; collect the user's lines into groups.
	const unused = new Map<string, number[]>();
	content.forEach((l, i) => {
		if (l.key === undefined) return;
		const list = unused.get(l.key);
		if (list) list.push(i);
		else unused.set(l.key, [i]);
	});
	const used = new Set<string>();
	const kept = new Map<number, { keep?: string; replace?: string; aside?: string }>();
	const groups: Group[] = [];
	/** The old line each matched new line replaces (by new index). */
	const oldAt = new Map<number, number>();
	let prevAttack: number | null = null; // new index of the last ATT&CK line seen, -1 when it matched nothing
	let prevMatched: number | null = null;
	let lastNonBlank = -1;
	for (let i = first; i <= last; i++) {
		let line = old[i];
		if (isBlank(line)) continue;
		let verdict = classify(line, i, old);
		// ATT&CK text with the user's edits that has no new counterpart: their version stays, as the aside.
		if (verdict !== "user" && verdict.aside && !unused.get(verdict.key)?.length) {
			line = verdict.aside;
			verdict = "user";
		}
		// A second line standing for a new line already matched is the user's copy: kept.
		if (verdict !== "user" && used.has(verdict.key) && unused.get(verdict.key)?.length === 0) verdict = isStale?.(line) ? { key: "stale" } : "user";
		if (verdict !== "user") {
			used.add(verdict.key);
			const slot = unused.get(verdict.key)?.shift();
			if (slot !== undefined) oldAt.set(slot, i);
			if (slot !== undefined && (verdict.keep || verdict.replace !== undefined || verdict.aside)) kept.set(slot, verdict);
			prevAttack = slot ?? -1;
			if (slot !== undefined) prevMatched = slot;
			lastNonBlank = i;
			continue;
		}
		// A user line: it extends the group of the line right above it; after a blank line it
		// starts a block of its own (a paragraph after a list goes after the whole list).
		const group = groups[groups.length - 1];
		const gap = i - lastNonBlank - 1;
		if (group && lastNonBlank >= 0 && group.end === lastNonBlank && gap === 0) {
			group.lines.push(line);
			group.end = i;
		} else {
			let anchor: Group["anchor"];
			if (prevAttack === null) anchor = "start";
			else if (gap === 0 && prevAttack >= 0) anchor = { at: prevAttack };
			else if (prevMatched !== null) anchor = { block: prevMatched };
			else anchor = "end";
			const g: Group = { lines: [line], gapBefore: lastNonBlank < 0 ? 0 : gap, gapAfter: 0, anchor, end: i };
			groups.push(g);
		}
		lastNonBlank = i;
	}
	for (const g of groups) {
		let next = g.end + 1;
		while (next <= last && isBlank(old[next])) next++;
		// -1: the group ended the region, so nothing in the note says how it meets what follows.
		g.gapAfter = next > last ? -1 : next - g.end - 1;
	}

	// Where each block of new lines ends, so "after the block" anchors land after its last line.
	const blockEnd: number[] = [];
	for (let i = content.length - 1, end = -1; i >= 0; i--) {
		if (isBlank(content[i].text)) end = -1;
		else if (end === -1) end = i;
		blockEnd[i] = end;
	}
	const at = new Map<number, Group[]>();
	const put = (index: number, g: Group) => {
		const list = at.get(index);
		if (list) list.push(g);
		else at.set(index, [g]);
	};
	// The note's order wins: items the note has (a row or item by ID) stay in the order it had them,
	// in the places ATT&CK's items take; new items go where ATT&CK's order puts them.
	const perm = keepOrder(content, oldAt);
	const posOf = new Array<number>(perm.length);
	perm.forEach((i, p) => (posOf[i] = p));
	for (const g of groups) {
		if (typeof g.anchor === "object") put("at" in g.anchor ? g.anchor.at : perm[blockEnd[posOf[g.anchor.block]]], g);
	}

	const out: string[] = [];
	function emitStarts(): void {
		starts.forEach((g, i) => {
			if (out.length > 0 && !isBlank(out[out.length - 1])) out.push("");
			emit(g, i + 1 < starts.length ? starts[i + 1].lines[0] : content[pinned]?.text);
		});
	}
	const emit = (g: Group, nextLine: string | undefined) => {
		if (g.gapBefore > 0 && (out.length === 0 || !isBlank(out[out.length - 1]))) out.push(...blank(g.gapBefore));
		// One by one: a group may hold more lines than push() takes arguments.
		for (const line of g.lines) out.push(line);
		// Text that opened the region and ended it stands apart from the new text after it, unless
		// both are list items (the user's item where ATT&CK's was): one list stays one list.
		const apart = g.anchor === "start" && !(nextLine !== undefined && LIST_ITEM.test(g.lines[g.lines.length - 1]) && LIST_ITEM.test(nextLine));
		const gapAfter = g.gapAfter >= 0 ? g.gapAfter : apart ? 1 : 0;
		if (gapAfter > 0 && nextLine !== undefined && !isBlank(nextLine)) out.push(...blank(gapAfter));
	};
	let pinned = 0;
	while (pinned < content.length && content[pinned].pin === true) pinned++;
	const starts = groups.filter((g) => g.anchor === "start");
	perm.forEach((i, p) => {
		const line = content[i];
		const next = content[perm[p + 1]] as NewLine | undefined;
		if (p === pinned) emitStarts();
		const edit = kept.get(i);
		const text = edit?.replace ?? line.text;
		out.push(edit?.keep ? `${text} ${edit.keep}` : text);
		if (edit?.aside) {
			out.push("", ...edit.aside.split("\n"));
			if (next !== undefined && !isBlank(next.text)) out.push("");
		}
		// Lines attached to this one first, then what followed its block.
		const here = (at.get(i) ?? []).sort((a, b) => Number("block" in (a.anchor as object)) - Number("block" in (b.anchor as object)));
		here.forEach((g) => emit(g, next?.text));
	});
	if (pinned >= content.length) emitStarts();
	// What followed ATT&CK text that is gone stands apart from whatever now comes last.
	for (const g of groups) if (g.anchor === "end") emit({ ...g, gapBefore: Math.max(1, g.gapBefore) }, undefined);

	while (out.length > 0 && isBlank(out[out.length - 1])) out.pop();
	if (out.length === 0) return blank(lead + trail).join("\n") + (finalNewline ? "\n" : "");
	return [...blank(lead), ...out, ...blank(trail)].join("\n") + (finalNewline ? "\n" : "");
}

/**
 * The order to write the new lines in (new indices by position): within each run of item lines
 * (keys `id:...`, no blank between), the ones that replace old lines take the run's places of
 * matched lines in the old lines' order; the others keep ATT&CK's place.
 */
function keepOrder(content: readonly NewLine[], oldAt: ReadonlyMap<number, number>): number[] {
	const perm = content.map((_, i) => i);
	const isItem = (l: NewLine) => l.key !== undefined && l.key.startsWith("id:");
	for (let a = 0; a < content.length; ) {
		if (!isItem(content[a])) {
			a++;
			continue;
		}
		let b = a;
		while (b < content.length && isItem(content[b])) b++;
		const places = perm.slice(a, b).filter((i) => oldAt.has(i));
		const sorted = [...places].sort((x, y) => (oldAt.get(x) as number) - (oldAt.get(y) as number));
		let k = 0;
		for (let p = a; p < b; p++) if (oldAt.has(perm[p])) perm[p] = sorted[k++];
		a = b;
	}
	return perm;
}

function blank(n: number): string[] {
	return new Array<string>(Math.max(0, n)).fill("");
}

function trimBlank(lines: readonly NewLine[]): NewLine[] {
	let a = 0;
	let b = lines.length;
	while (a < b && isBlank(lines[a].text)) a++;
	while (b > a && isBlank(lines[b - 1].text)) b--;
	return lines.slice(a, b);
}
