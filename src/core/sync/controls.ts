/**
 * Controls notes (`# T1204.001: Malicious Link`, a tactic line, the ATT&CK description in a
 * `<blockquote>`, then the user's D3FEND, Sigma and test sections) are about a technique but are
 * not ATT&CK notes: only their ATT&CK parts change, each in place: the name in the title, the
 * tactic names after `**MITRE ATT&CK Tactic(s):**`, and the description inside the first
 * `<blockquote>` after the "MITRE ATT&CK Description" line. Citations are dropped there (HTML
 * shows no footnotes); links stay links to attack.mitre.org.
 */
import { attackIdOf } from "../attack/model";
import type { StixObject } from "../attack/stix";
import type { Note } from "../notes/read";
import { FootnoteSet, renderAttackText } from "./attack-text";
import { notice } from "./common";
import type { SyncContext } from "./context";
import { eolOf, mergeEdit, regionOf, type Edit } from "./edits";
import type { Classifier, NewLine } from "./merge";
import { NOTICE, sentences, userSentences } from "./prose";

/** The label, then the tactic names up to the line's end or a comment of the user's. */
const TACTICS = /^(\*\*MITRE ATT&CK Tactic\(s\):\*\*[ \t]*)([^<%\r\n]*?)[ \t]*(?=<!--|%%|\r?$)/m;

export function syncControls(note: Note, o: StixObject, ctx: SyncContext): { edits: Edit[] } {
	const s = note.outline;
	if (!s) return { edits: [] };
	const text = note.text;
	const edits: Edit[] = [];
	const title = s.sections[0]?.depth === 1 ? s.sections[0] : undefined;
	if (!title) return { edits };
	const heading = text.slice(title.headingStart, title.headingEnd);
	const m = /^(#\s+[A-Z]{1,3}\d{4}(?:\.\d{3})?\s*:\s*)(.*?)\s*$/.exec(heading);
	if (m && o.name !== undefined && m[2] !== o.name) edits.push({ start: title.headingStart + m[1].length, end: title.headingStart + m[1].length + m[2].length, text: o.name });

	const span = regionOf(text, s, title);
	const own = text.slice(span.start, span.end);
	const marker = notice(o, ctx, note.path);
	if (marker !== null) {
		// Revoked and deprecated techniques get the notice and keep the rest as it was.
		const fresh: NewLine[] = [{ text: marker, key: "notice", pin: true }];
		const classify: Classifier = (l) => (NOTICE.test(l) ? { key: "notice" } : "user");
		const e = mergeEdit(text, span, fresh, classify, { lead: 0, trail: 1 }, eolOf(text));
		return { edits: e ? [...edits, e] : edits };
	}
	// Active again: an old notice goes (its line and the blank line after it), the rest is synced.
	const old = /^> \[!warning\] (?:Revoked|Deprecated) in ATT&CK\b.*(?:\r?\n)(?:[ \t]*\r?\n)?/m.exec(own);
	if (old) edits.push({ start: span.start + old.index, end: span.start + old.index + old[0].length, text: "" });

	const t = TACTICS.exec(own);
	if (t) {
		const names = ctx.model.tacticsOf(o).map((x) => x.name ?? attackIdOf(x) ?? "").join(", ");
		const start = span.start + t.index + t[1].length;
		if (t[2] !== names && names !== "") edits.push({ start, end: start + t[2].length, text: names });
	}
	const label = own.indexOf("MITRE ATT&CK Description");
	const open = label < 0 ? -1 : own.indexOf("<blockquote>", label);
	const close = open < 0 ? -1 : own.indexOf("</blockquote>", open);
	if (close > 0) {
		const rendered = renderAttackText(o.description ?? "", o, { link: () => null }, new FootnoteSet())
			.replace(/\[\^[^\]]+\]/g, "")
			.replace(/\n\n/g, "<br><br>")
			.replace(/\n/g, "<br>");
		const start = span.start + open + "<blockquote>".length;
		const end = span.start + close;
		// The user's own sentences in the quote stay, before or after ATT&CK's text as they were.
		const old = text.slice(start, end);
		const plain = (t: string) => t.replace(/<br\s*\/?>/gi, " ");
		const own = userSentences(plain(old), [plain(rendered)]);
		const first = own === "" ? -1 : plain(old).indexOf(sentences(own)[0] ?? own);
		const before = first >= 0 && first < plain(old).length / 2;
		const merged = own === "" ? rendered : before ? `${own}<br>${rendered}` : `${rendered}<br>${own}`;
		if (old !== merged) edits.push({ start, end, text: merged });
	}
	return { edits };
}
