/**
 * A changed line shown word by word, as `git diff --word-diff=plain` does: the words only the old
 * line has in `[-...-]`, the words only the new one has in `{+...+}`, the rest as it is. Used by
 * the preview's text (`formatPreview` with `words`: the CLI's `sync --dry-run --diff`). Pure.
 */
import { diffLines, type PreviewLine } from "./preview";

/** Words (letters, digits, `_`), runs of spaces, and any other character alone. */
const TOKEN = /[\p{L}\p{N}_]+|\s+|[^\p{L}\p{N}_\s]/gu;

export function tokens(line: string): string[] {
	return line.match(TOKEN) ?? [];
}

/** `old` → `next` with `[-removed-]` and `{+added+}` marks; how many tokens (spaces aside) both share. */
export function markWords(old: string, next: string): { text: string; common: number } {
	const ops = diffLines(tokens(old), tokens(next));
	// A space between two changes belongs to both: `[-a b-]{+c d+}`, not `[-a-]{+c+} [-b-]{+d+}`.
	for (let i = 1; i < ops.length - 1; i++) {
		if (ops[i].kind === "same" && /^\s+$/.test(ops[i].text) && ops[i - 1].kind !== "same" && ops[i + 1].kind !== "same") {
			ops.splice(i, 1, { kind: "removed", text: ops[i].text }, { kind: "added", text: ops[i].text });
			i++;
		}
	}
	let text = "";
	let common = 0;
	for (let i = 0; i < ops.length; ) {
		if (ops[i].kind === "same") {
			text += ops[i].text;
			if (!/^\s+$/.test(ops[i].text)) common++;
			i++;
			continue;
		}
		let removed = "";
		let added = "";
		for (; i < ops.length && ops[i].kind !== "same"; i++) {
			if (ops[i].kind === "removed") removed += ops[i].text;
			else added += ops[i].text;
		}
		if (removed !== "") text += `[-${removed}-]`;
		if (added !== "") text += `{+${added}+}`;
	}
	return { text, common };
}

/**
 * Whether two lines are one line changed (shown word by word) rather than one removed and
 * another added: they share at least half the words of the shorter one.
 */
function sameLine(old: string, next: string, common: number): boolean {
	const words = (s: string) => tokens(s).filter((t) => !/^\s+$/.test(t)).length;
	const shorter = Math.min(words(old), words(next));
	return shorter > 0 && common * 2 >= shorter;
}

/**
 * A hunk's lines as text: ` same`, `-removed`, `+added`, and `~changed` with word marks for a
 * removed line and the added line in the same place of a run of changes, when they are alike.
 */
export function wordDiffLines(lines: readonly PreviewLine[]): string[] {
	const out: string[] = [];
	for (let i = 0; i < lines.length; ) {
		if (lines[i].kind === "same") {
			out.push(` ${lines[i].text}`);
			i++;
			continue;
		}
		const removed: string[] = [];
		const added: string[] = [];
		for (; i < lines.length && lines[i].kind !== "same"; i++) (lines[i].kind === "removed" ? removed : added).push(lines[i].text);
		// The k-th removed line with the k-th added one; what is left over stays whole.
		const pairs = Math.min(removed.length, added.length);
		const leftRemoved: string[] = [];
		const leftAdded: string[] = [];
		const changed: string[] = [];
		for (let k = 0; k < pairs; k++) {
			const m = markWords(removed[k], added[k]);
			if (sameLine(removed[k], added[k], m.common)) changed.push(`~${m.text}`);
			else {
				leftRemoved.push(removed[k]);
				leftAdded.push(added[k]);
			}
		}
		out.push(...changed, ...[...leftRemoved, ...removed.slice(pairs)].map((l) => `-${l}`), ...[...leftAdded, ...added.slice(pairs)].map((l) => `+${l}`));
	}
	return out;
}
