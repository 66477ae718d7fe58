/**
 * Lines that state one ATT&CK fact after a label: reuteras' info callout (`> Version: 2.1`,
 * `> Platforms: Linux, macOS, Windows`, `> Last Modified: 2025-04-16`, `> Associated Groups:
 * Mustang Panda, TA416`), and the same as a list item or in bold (`- **Version:** 2.1`). Sync does
 * not otherwise manage them, so they kept an earlier release's values.
 *
 * A line is ATT&CK's when its value says what an earlier release given (ctx.previous) said of the
 * note's object for that label, written one of the ways below; it then says what this release
 * says, written the same way. Anything else after a label is the user's and stays: a value of
 * their own, a label ATT&CK has no fact for, a fact the note states in words of its own. A fact
 * this release dropped leaves the label with an empty value (as reuteras writes a technique with
 * no sub-techniques); a fact the note has no line for gets none. Applied to the text sync wrote,
 * like renameQuotedRows; a second sync finds every value current.
 */
import { attackIdOf, counterpart, type AttackModel } from "../attack/model";
import type { StixObject } from "../attack/stix";
import { scanCode } from "../notes/code-scan";
import type { SyncContext } from "./context";

/** One kind of fact: the labels that introduce it, and its value in an object (undefined: the object has no such field). */
interface LabelledFact {
	readonly label: RegExp;
	readonly value: (o: StixObject, model: AttackModel) => readonly string[] | string | undefined;
	/** A date (ISO in STIX): found and written in the form the note uses. */
	readonly date?: boolean;
	/** The ATT&CK ID of an item, for a list the note writes as links (a technique's tactics). */
	readonly idOf?: (name: string, model: AttackModel) => string | null;
	/** The value names another object, `Name (ID)`: the note may write it linked, with or without its ID. */
	readonly names?: boolean;
}

const field = (o: StixObject, key: string): unknown => (o as unknown as Record<string, unknown>)[key];
const text = (key: string) => (o: StixObject): string | undefined => {
	const v = field(o, key);
	return typeof v === "string" ? v : undefined;
};
const list = (key: string) => (o: StixObject): readonly string[] | undefined => {
	const v = field(o, key);
	return Array.isArray(v) && v.every((x): x is string => typeof x === "string") ? v : undefined;
};

/** The facts, by label. Adding one is one row: its labels and where its value is. */
const FACTS: readonly LabelledFact[] = [
	// An ID an earlier release did not give (reuteras' 17.1 data components: `> ID: `).
	{ label: /^id$/i, value: (o) => attackIdOf(o) ?? "" },
	{ label: /^version$/i, value: text("x_mitre_version") },
	{ label: /^(?:last )?modified$/i, value: text("modified"), date: true },
	{ label: /^platforms?$/i, value: list("x_mitre_platforms") },
	{ label: /^contributors?$/i, value: list("x_mitre_contributors") },
	{ label: /^permissions required$/i, value: list("x_mitre_permissions_required") },
	{ label: /^(?:associated groups|associated software|aliases)$/i, value: (o) => list("aliases")(o) ?? list("x_mitre_aliases")(o) },
	// A data component's data source (17.1); 18.1's data components have none.
	{
		label: /^data source$/i,
		value: (o, model) => {
			const ref = field(o, "x_mitre_data_source_ref");
			const source = typeof ref === "string" ? model.byStixId(ref) : undefined;
			return source === undefined ? undefined : `${source.name ?? ""} (${attackIdOf(source) ?? ""})`;
		},
		names: true,
	},
	{ label: /^first seen$/i, value: text("first_seen"), date: true },
	{ label: /^last seen$/i, value: text("last_seen"), date: true },
	{
		label: /^tactics?$/i,
		value: (o, model) => (o.type === "attack-pattern" ? model.tacticsOf(o).map((t) => t.name ?? "") : undefined),
		idOf: (name, model) => {
			const tactic = model.all("tactic").find((t) => t.name === name);
			return tactic === undefined ? null : attackIdOf(tactic);
		},
	},
];

/**
 * `Label: value` on a line of its own: after any `>` of a callout or quote and a list marker, the
 * label plain or in bold (`**Label**:`, `**Label:**`). Groups: what comes before the value, the
 * label, the value (spaces around it excluded).
 */
const LINE = /^((?:[ \t]*>)*[ \t]*(?:[-*+][ \t]+)?(?:\*\*|__)?([A-Za-z][A-Za-z ]{0,30}?)(?:\*\*|__)?[ \t]*:(?:\*\*|__)?[ \t]*)(.*?)([ \t]*\r?)$/gm;

const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/** The forms a date is written in: `2025-04-16`, the ISO timestamp as STIX has it, `16 April 2025`. */
const DATE_FORMS: ReadonlyArray<(iso: string) => string> = [
	(iso) => iso.slice(0, 10),
	(iso) => iso,
	(iso) => {
		const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
		return m ? `${Number(m[3])} ${MONTHS[Number(m[2]) - 1] ?? ""} ${m[1]}` : iso;
	},
];

/** A list value's items as the note shows them: a link counts as the words it shows. */
function shownItems(value: string): string[] {
	return value
		.split(/\s*,\s*/)
		.map((item) => item.replace(/^\[\[(?:[^\]|]*?(?:\\?\|))?([^\]]*)\]\]$/, "$1").trim())
		.filter((item) => item !== "");
}

const sameItems = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((x) => b.includes(x));

/**
 * The value to write in place of `found`, or null to leave it: `found` says what an earlier
 * release said (`was`), and this release (`now`) says something else.
 */
function newValue(found: string, was: readonly string[] | string, now: readonly string[] | string | undefined, fact: LabelledFact, ctx: SyncContext, from: string): string | null {
	if (typeof was === "string" && fact.names === true) {
		// `[[Certificate (DS0037)]] (DS0037)`, `Certificate`, `DS0037`: the words shown, an ID after them aside.
		const shown = found.replace(/\[\[(?:[^\]|]*?\\?\|)?([^\]]*)\]\]/g, "$1").trim();
		const id = /\(([^()]*)\)$/.exec(was)?.[1] ?? "";
		const bare = shown.endsWith(` (${id})`) && shown !== was ? shown.slice(0, -id.length - 3) : shown;
		if (![was, was.slice(0, -id.length - 3), id].includes(bare) || now === was) return null;
		return typeof now === "string" ? now : "";
	}
	if (typeof was === "string") {
		if (typeof now !== "string" && now !== undefined) return null;
		const forms = fact.date === true ? DATE_FORMS : [(s: string) => s];
		const form = forms.find((f) => f(was) === found);
		if (form === undefined) return null;
		const fresh = now === undefined ? "" : form(now);
		return fresh === found ? null : fresh;
	}
	if (typeof now === "string") return null;
	const fresh = now ?? [];
	// A list of words, as ATT&CK's items joined (an item may hold a comma: "Kyaw Pyiyt Htet, @KyawPyiytHtet").
	if (!found.includes("[[")) {
		const sep = [", ", "; ", ","].find((s) => was.join(s) === found);
		// The same items in another order (ATT&CK re-sorts platforms) are left as the note has them.
		if (sep === undefined || sameItems(was, fresh)) return null;
		return fresh.join(sep);
	}
	// A list of links (a technique's tactics), compared by the words they show.
	const items = shownItems(found);
	if (!sameItems(items, was) || sameItems(items, fresh)) return null;
	// Items still there are kept as written (a tactic's link); new ones are written like them.
	const written = found.split(/\s*,\s*/).filter((item) => item.trim() !== "");
	const linked = written.some((item) => item.startsWith("[["));
	const escaped = written.some((item) => /^\[\[[^\]]*\\\|/.test(item));
	return fresh
		.map((name) => {
			const at = items.indexOf(name);
			if (at >= 0) return written[at];
			const id = linked && fact.idOf ? fact.idOf(name, ctx.model) : null;
			return (id === null ? null : ctx.wikiLink(id, from, name, { inTable: escaped, existingOnly: true })) ?? name;
		})
		.join(", ");
}

/** The note's text (its body from `bodyStart`) with every labelled line that says an earlier release's value saying this release's. */
export function labelledFacts(text: string, o: StixObject, ctx: SyncContext, from: string, bodyStart: number): string {
	if (ctx.previous.length === 0 || !text.includes(":")) return text;
	const earlier = ctx.previous.flatMap((p) => {
		const old = counterpart(p.model, o);
		return old === undefined ? [] : [{ old, model: p.model }];
	});
	if (earlier.length === 0) return text;
	// Lines in code are code, not facts.
	let code: Array<[number, number]> | null = null;
	return text.replace(LINE, (line: string, before: string, label: string, found: string, after: string, at: number) => {
		if (at < bodyStart) return line;
		const fact = FACTS.find((f) => f.label.test(label.trim()));
		if (fact === undefined) return line;
		code ??= scanCode(text, bodyStart);
		if (code.some(([s, e]) => at >= s && at < e)) return line;
		const now = fact.value(o, ctx.model);
		for (const { old, model } of earlier) {
			const was = fact.value(old, model);
			if (was === undefined) continue;
			const fresh = newValue(found, was, now, fact, ctx, from);
			if (fresh !== null) return `${before}${fresh}${after}`;
		}
		return line;
	});
}
