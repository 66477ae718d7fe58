/**
 * The word-level three-way merge: the user's edits inside ATT&CK text (a highlight, bold, a link
 * wrapped around a word, an inserted parenthetical, a deleted phrase) carried from the text they
 * were made on (the base: what the note's release of ATT&CK said) onto the new release's text.
 *
 * Lines are cut into tokens (words, whitespace, punctuation, markup) and compared by a canonical
 * form that is blind to how a generator wrote ATT&CK's text: every citation (`(Citation: X)`,
 * `[^x]`, `[^1]`) is one token, a link's opening (`[[path\|`, `[[`, `[`) and closing (`]]`,
 * `](url)`, or ` (T1566)` where a link was written as `Name (ID)`) are one token each, `<br>` is a line break. The merge is node-diff3's
 * (`diff3MergeRegions`, Khanna, Kunal and Pierce's diff3): regions only ATT&CK changed take the
 * new text, regions only the user changed keep the user's, regions both changed are a conflict.
 * A conflict where the user only added text around ATT&CK's (a highlight around a reworded
 * phrase) is placed around the new text; any other conflict is reported, never resolved by
 * dropping the user's words: the caller keeps the user's version beside the new text.
 */
import { diff3MergeRegions, diffIndices } from "node-diff3";

export interface Token {
	/** What the token is compared by. */
	canon: string;
	/** Its text in the line. */
	text: string;
}

const CITE = "\u0001cite";
const OPEN = "\u0001open";
const CLOSE = "\u0001close";
const BREAK = "\u0001br";

/**
 * One token at the start of the rest of a line: citations, links' ends, markup, HTML breaks,
 * URLs, code spans, words, whitespace, then any other character alone.
 */
const TOKEN = new RegExp(
	[
		String.raw`\(Citation:[^)]*\)`,
		String.raw`\[\^[^\]\s]+\]`,
		String.raw`\[\^[^\]\s|]+(?=\s*$)`, // a footnote a generator cut off at the end of a cell: `[^Name`
		String.raw`\[\[[^\]|]*?(?:\\?\|)`, // a wiki-link's target and pipe: `[[path\|`
		String.raw`\[\[`,
		String.raw`\]\]`,
		String.raw`\]\([^)\s]*\)`, // a markdown link's end: `](url)`
		String.raw`<br\s*\/?>`,
		// A URL ends before markup (`</code>`, a backtick) and a sentence's punctuation.
		String.raw`https?:\/\/[^\s)<>\]\x60]*[^\s)<>\]\x60.,;:!?'"]`,
		String.raw`<\/?code>`,
		String.raw`\((?:TA|DS|DC|T|M|G|S|C)\d{4}(?:\.\d{3})?\)`, // an ATT&CK link written as `Name (ID)`
		String.raw`\s-\s(?:TA|DS|DC|T|M|G|S|C)\d{4}(?:\.\d{3})?\]\]`, // a wiki-link to a note named `Name - ID`: ` - ID]]`
		String.raw`==|\*\*|__|~~`,
		String.raw`[\p{L}\p{N}]+`,
		String.raw`\s+`,
		String.raw`[\s\S]`,
	].join("|"),
	"gu",
);

export function tokenize(line: string): Token[] {
	const out: Token[] = [];
	const openBrackets: number[] = [];
	for (const m of line.matchAll(TOKEN)) {
		const text = m[0];
		let canon: string;
		if (text.startsWith("(Citation:") || text.startsWith("[^")) canon = CITE;
		else if (text.startsWith("[[")) canon = OPEN;
		else if (text.endsWith("]]") || text.startsWith("](") || /^\([A-Z]{1,2}\d{4}/.test(text)) canon = CLOSE;
		else if (text.startsWith("<br")) canon = BREAK;
		else if (/^\s+$/.test(text)) canon = " ";
		else if (text === "<code>" || text === "</code>") canon = "w`";
		else canon = `w${text}`;
		if (text === "[") openBrackets.push(out.length);
		out.push({ canon, text });
		// A `[` opens a markdown link only when its `](url)` comes.
		if (text.startsWith("](") && openBrackets.length > 0) out[openBrackets.pop() as number].canon = OPEN;
	}
	return out;
}

const canons = (ts: readonly Token[]): string[] => ts.map((t) => t.canon);
const join = (ts: readonly Token[]): string => ts.map((t) => t.text).join("");

/** Tokens that carry no words: the user's markup around ATT&CK's words. */
function isMarkup(t: Token): boolean {
	return t.canon === " " || t.canon === OPEN || t.canon === CLOSE || /^w(?:==|\*\*|__|~~|\*|_|`)$/.test(t.canon);
}

const isWord = (t: Token): boolean => t.canon.startsWith("w") && /[\p{L}\p{N}]/u.test(t.text);

/** The words two lines share, as a share of the longer (0..1), on canonical tokens. */
export function similarity(a: readonly Token[], b: readonly Token[]): number {
	const wa = a.filter(isWord);
	const wb = b.filter(isWord);
	if (wa.length === 0 || wb.length === 0) return 0;
	const counts = new Map<string, number>();
	for (const t of wb) counts.set(t.canon, (counts.get(t.canon) ?? 0) + 1);
	let common = 0;
	for (const t of wa) {
		const n = counts.get(t.canon) ?? 0;
		if (n > 0) {
			common++;
			counts.set(t.canon, n - 1);
		}
	}
	return common / Math.max(wa.length, wb.length);
}

/**
 * Whether two lines say the same in the same form up to how a generator wrote it: the same words,
 * links and citations in the same places, whatever the link and citation syntax and the spacing.
 */
export function sameText(a: string, b: string): boolean {
	const ca = tokenize(a).filter((t) => t.canon !== " ").map((t) => t.canon);
	const cb = tokenize(b).filter((t) => t.canon !== " ").map((t) => t.canon);
	return ca.length === cb.length && ca.every((c, i) => c === cb[i]);
}

/** Whether two lines have the same words in the same order, whatever markup, links and citations. */
export function sameWords(a: string, b: string): boolean {
	const ca = tokenize(a).filter(isWord).map((t) => t.canon);
	const cb = tokenize(b).filter(isWord).map((t) => t.canon);
	return ca.length === cb.length && ca.every((c, i) => c === cb[i]);
}

/** Whether `line` has every word of `text` in order (and maybe more: a link's ID, the user's words). */
export function containsWords(line: string, text: string): boolean {
	const want = tokenize(text).filter(isWord);
	let k = 0;
	for (const t of tokenize(line)) if (k < want.length && t.canon === want[k].canon) k++;
	return k === want.length;
}

export interface Merged {
	text: string;
	/** Some of the user's edits could not be placed on the new text (the caller keeps their version). */
	conflict: boolean;
}

/**
 * `user` is `base` as the note has it, edited by the user; `fresh` is the new release's text.
 * The result is `fresh` with the user's edits (or `user` itself when ATT&CK did not change).
 */
export function merge3(base: string, user: string, fresh: string): Merged {
	const o = tokenize(base);
	const b = tokenize(fresh);
	const oc = canons(o);
	// Spacing that differs from the base only in spaces is how a generator spaced ATT&CK's text.
	const a = unspaced(o, tokenize(user));
	const ac = canons(a);
	const bc = canons(b);
	// Where each unchanged token of the base is in the new text.
	const inB = mapThrough(oc, bc);
	const inA = mapThrough(oc, ac);
	const out: Token[] = [];
	let conflict = false;
	// A link of the note's that shows what it targets (`[[Bash History]]`) whose words ATT&CK
	// changed (the technique renamed: `[[Bash History|Shell History]]`) takes the new link whole,
	// its end too (` - T1552.003]]` in `[[Bash History - T1552.003]]`): its words are no target.
	let freshEnd = false;
	for (const r of diff3MergeRegions(ac, oc, bc)) {
		if (r.stable) {
			if (r.buffer === "a") out.push(...a.slice(r.bufferStart, r.bufferStart + r.bufferLength));
			else if (r.buffer === "b") out.push(...b.slice(r.bufferStart, r.bufferStart + r.bufferLength));
			// Text all three agree on keeps the note's form of it (a wiki-link `[[Name - ID]]` or
			// with a full path, `<code>`), but the new release's citations, and a wiki-link where
			// the note has a Markdown link (the vault now has the note it points to).
			else for (let i = r.bufferStart; i < r.bufferStart + r.bufferLength; i++) {
				const fresh = b[inB[i]] ?? o[i];
				const mine = a[inA[i]];
				const markdownLink = mine !== undefined && (mine.canon === OPEN || mine.canon === CLOSE) && !mine.text.startsWith("[[") && !mine.text.endsWith("]]");
				let take = mine === undefined || mine.canon === CITE || markdownLink;
				if (!take && mine.text === "[[" && fresh.canon === OPEN && fresh.text !== "[[" && shownAt(a, inA[i]) !== shownAt(b, inB[i])) take = freshEnd = true;
				else if (!take && freshEnd && mine.canon === CLOSE) {
					take = true;
					freshEnd = false;
				}
				out.push(take ? fresh : mine);
			}
			continue;
		}
		const ra = a.slice(r.aStart, r.aStart + r.aLength);
		const ro = o.slice(r.oStart, r.oStart + r.oLength);
		const rb = b.slice(r.bStart, r.bStart + r.bLength);
		const around = wrapping(ra, ro);
		// Both made the same change (the note already has the new text), maybe with the user's markup.
		if (onlyMarkupAdded(rb, ra)) out.push(...ra);
		else if (around) out.push(...around.before, ...rb, ...around.after);
		// The note only left out some of the base's tokens there (a generator that dropped a
		// citation, cut a cell short) and ATT&CK rewrote it: no word of the user's is at stake.
		else if (isSubsequence(canons(ra).filter(bare), canons(ro))) out.push(...rb);
		else {
			out.push(...rb);
			conflict = true;
		}
		if (out.length > 0 && out[out.length - 1].canon === CLOSE) freshEnd = false;
	}
	return { text: join(out), conflict };
}

/** The words a link shows: the tokens after its opening at `at`, up to its end. */
function shownAt(tokens: readonly Token[], at: number | undefined): string {
	let shown = "";
	for (let k = (at ?? tokens.length) + 1; k < tokens.length && tokens[k].canon !== CLOSE; k++) shown += tokens[k].canon;
	return shown;
}

/**
 * `user` is ATT&CK's current text as the note has it, with no base to tell the user's edits from
 * an earlier release's wording: only the markup the user added around ATT&CK's words is
 * carried (the caller keeps their whole sentences); the new text wins elsewhere.
 */
export function carryInsertions(user: string, fresh: string): string {
	const a = tokenize(user);
	const b = tokenize(fresh);
	const out: Token[] = [];
	let at = 0;
	for (const h of diffIndices(canons(b), canons(a))) {
		const [bStart, bLength] = h.buffer1;
		const [aStart, aLength] = h.buffer2;
		out.push(...b.slice(at, bStart));
		const added = a.slice(aStart, aStart + aLength);
		// Markup added, or swapped for markup (a link around a word): the user's. Words are not:
		// without the base they may as well be an earlier release's wording.
		const swapped = b.slice(bStart, bStart + bLength);
		if (added.some((t) => t.canon !== " ") && added.every(isMarkup) && swapped.every(isMarkup)) out.push(...added);
		else out.push(...swapped);
		at = bStart + bLength;
	}
	out.push(...b.slice(at));
	return join(out);
}

/**
 * What `user` added to `base`: its tokens in the hunks of a diff against `base`, spaces
 * collapsed; "" when it added no word. For a cell whose ATT&CK text is gone (ATT&CK writes none
 * any more): the user's own words are what is left of it.
 */
export function userAdditions(base: string, user: string): string {
	const a = tokenize(base);
	const b = tokenize(user);
	const parts: string[] = [];
	for (const h of diffIndices(canons(a), canons(b))) {
		const [uStart, uLength] = h.buffer2;
		const added = b.slice(uStart, uStart + uLength);
		if (added.some(isWord)) parts.push(join(added).trim());
	}
	return parts.join(" ").replace(/\s+/g, " ").trim();
}

/** `user` with its hunks against `base` that only add, drop or change spaces undone. */
function unspaced(base: readonly Token[], user: readonly Token[]): Token[] {
	const out: Token[] = [];
	let at = 0;
	for (const h of diffIndices(canons(base), canons(user))) {
		const [oStart, oLength] = h.buffer1;
		const [uStart, uLength] = h.buffer2;
		out.push(...user.slice(at, uStart));
		const mine = user.slice(uStart, uStart + uLength);
		const theirs = base.slice(oStart, oStart + oLength);
		out.push(...(mine.every((t) => t.canon === " ") && theirs.every((t) => t.canon === " ") ? theirs : mine));
		at = uStart + uLength;
	}
	out.push(...user.slice(at));
	return out;
}

/** Tokens a generator adds or drops around ATT&CK's text: spaces and line breaks. */
const bare = (canon: string): boolean => canon !== " " && canon !== BREAK;

/** Whether `part` is `whole` with some items left out. */
function isSubsequence(part: readonly string[], whole: readonly string[]): boolean {
	let k = 0;
	for (const x of whole) if (k < part.length && part[k] === x) k++;
	return k === part.length;
}

/** For each index of `from`, its index in `to` when the token is unchanged, else -1. */
function mapThrough(from: readonly string[], to: readonly string[]): number[] {
	const map = new Array<number>(from.length).fill(-1);
	let i = 0;
	let j = 0;
	for (const h of diffIndices(from as string[], to as string[])) {
		const [fStart, fLength] = h.buffer1;
		const [tStart, tLength] = h.buffer2;
		while (i < fStart) map[i++] = j++;
		i = fStart + fLength;
		j = tStart + tLength;
	}
	while (i < from.length) map[i++] = j++;
	return map;
}

/** Whether `a` is `b` with only markup (not spaces alone) added or swapped in. */
function onlyMarkupAdded(b: readonly Token[], a: readonly Token[]): boolean {
	for (const h of diffIndices(canons(b), canons(a))) {
		const [bStart, bLength] = h.buffer1;
		const [aStart, aLength] = h.buffer2;
		if (!b.slice(bStart, bStart + bLength).every(isMarkup) || !a.slice(aStart, aStart + aLength).every(isMarkup)) return false;
	}
	return true;
}

/**
 * When the user's side of a conflict is the base's tokens with text added only before and after
 * them (`==` around a phrase ATT&CK reworded), that text; else null.
 */
function wrapping(a: readonly Token[], o: readonly Token[]): { before: Token[]; after: Token[] } | null {
	if (o.length === 0 || a.length < o.length) return null;
	for (let start = 0; start + o.length <= a.length; start++) {
		if (o.every((t, k) => a[start + k].canon === t.canon)) {
			const before = a.slice(0, start);
			const after = a.slice(start + o.length);
			if (before.every(isMarkup) && after.every(isMarkup)) return { before, after };
			return null;
		}
	}
	return null;
}
