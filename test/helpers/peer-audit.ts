// What "every fact is the new release's" means, checked on a synced note: the new release's
// description paragraphs, mitigations and sub-techniques are in it, the old release's own ones are
// not, no sentence was doubled, every footnote reference is defined. Used by the peer-vault tests.
import { attackIdOf, counterpart, type AttackModel } from "../../src/core/attack/model";
import type { StixObject } from "../../src/core/attack/stix";
import { kindOfObject, kindSpec } from "../../src/core/kinds";
import { containsWords, similarity, tokenize } from "../../src/core/sync/words";

export interface AuditFinding {
	path: string;
	id: string;
	problem: string;
}

const paragraphs = (text: string | undefined): string[] =>
	(text ?? "")
		.split(/\n+/)
		.map((p) => p.trim())
		.filter((p) => p.split(/\s+/).length >= 4);

/** A note's text cut into the pieces ATT&CK text sits in: lines, `<br>` segments, table cells. */
function segments(text: string): string[] {
	const out: string[] = [];
	for (const line of text.split(/\r?\n/)) {
		out.push(line);
		if (line.includes("<br>")) out.push(...line.split(/<br\s*\/?>/));
		if (line.trimStart().startsWith("|")) out.push(...line.replace(/\\\|/g, "\uE000").split("|").map((c) => c.replace(/\uE000/g, "\\|")));
	}
	return out;
}

function holds(segs: readonly string[], paragraph: string): boolean {
	const want = tokenize(paragraph);
	return segs.some((s) => containsWords(s, paragraph) && similarity(tokenize(s), want) >= 0.5);
}

/** Sentences of 8 words or more outside tables that appear more often in `after` than in `before`. */
function doubledSentences(before: string, after: string): string[] {
	const count = (t: string): Map<string, number> => {
		const m = new Map<string, number>();
		// Table rows may repeat a sentence (one mitigation text for several sub-techniques).
		const prose = t.split("\n").filter((l) => !l.trimStart().startsWith("|")).join("\n");
		for (const s of prose.replace(/([.!?])\s+/g, "$1\n").split(/\n|<br>/)) {
			const key = s.replace(/\[\^[^\]]*\]|\(Citation:[^)]*\)/g, "").trim();
			if (key.split(/\s+/).length < 8) continue;
			m.set(key, (m.get(key) ?? 0) + 1);
		}
		return m;
	};
	const a = count(before);
	const out: string[] = [];
	for (const [s, n] of count(after)) if (n > 1 && n > (a.get(s) ?? 0)) out.push(s);
	return out;
}

function undefinedFootnotes(text: string): string[] {
	const defined = new Set<string>();
	for (const m of text.matchAll(/^(?:>\s*)*\[\^([^\]]+)\]:/gm)) defined.add(m[1]);
	const missing = new Set<string>();
	for (const m of text.matchAll(/\[\^([^\]\s|]+)\](?!:)/g)) if (!defined.has(m[1])) missing.add(m[1]);
	return [...missing];
}

/** The problems of one synced note about `id`, against the old and the new release. */
export function auditNote(path: string, id: string, before: string, after: string, old: AttackModel, fresh: AttackModel): AuditFinding[] {
	const found: AuditFinding[] = [];
	const say = (problem: string) => found.push({ path, id, problem });
	const now = fresh.get(id);
	if (!now) return found;
	// The object in the old release: by ID, else by STIX id (17.1's data components had no ID).
	const was = old.get(id) ?? counterpart(old, now);
	const segs = segments(after);
	const freshParas = paragraphs(now.description);
	for (const p of freshParas) if (!holds(segs, p)) say(`new paragraph missing: ${p.slice(0, 60)}`);
	for (const p of paragraphs(was?.description)) {
		if (freshParas.some((q) => containsWords(q, p) && containsWords(p, q))) continue;
		// A segment holding the old paragraph and no new one (a new one may extend the old).
		if (segs.some((s) => containsWords(s, p) && similarity(tokenize(s), tokenize(p)) >= 0.5 && !freshParas.some((q) => containsWords(s, q)))) say(`old paragraph left: ${p.slice(0, 60)}`);
	}
	for (const s of doubledSentences(before, after)) say(`sentence doubled: ${s.slice(0, 60)}`);
	// A generator that cites footnotes it never defines (reuteras' software tables) is not sync's doing.
	const undefinedBefore = new Set(undefinedFootnotes(before));
	for (const f of undefinedFootnotes(after)) if (!undefinedBefore.has(f)) say(`footnote [^${f}] undefined`);
	// Relationship tables (procedures, techniques addressed, techniques and software a group uses...,
	// as the kinds table lists them): when the note listed the old release's rows of a table, it
	// lists the new one's and none ATT&CK dropped.
	const tables = (m: AttackModel, x: StixObject | undefined): string[][] => {
		const kind = x ? kindOfObject(x) : null;
		return x && kind ? kindSpec(kind).tables(m, x).map((t) => t.list.map((r) => attackIdOf(r.object) ?? "")) : [];
	};
	const wantTables = tables(fresh, now);
	const hadTables = tables(old, was);
	// Listed: in a list item, or in a table row's first cells (a row's ID, after reuteras' Domain column).
	const listed = (t: string, id: string) => {
		const re = new RegExp(`[|\\[\\s/]${id.replace(".", "\\.")}(?![.\\d])`);
		return t.split("\n").some((line) => (line.trimStart().startsWith("|") ? re.test(line.replace(/\\\|/g, "/").split("|").slice(0, 4).join("|")) : /^\s*[-*] /.test(line) && re.test(line)));
	};
	wantTables.forEach((wantRel, k) => {
		const hadRel = hadTables[k] ?? [];
		if (hadRel.length === 0 || hadRel.filter((r) => listed(before, r)).length * 2 <= hadRel.length) return;
		// A row the old release had and the note left out (a generator that writes no campaigns) stays out.
		for (const r of wantRel) if (!listed(after, r) && !(hadRel.includes(r) && !listed(before, r))) say(`related ${r} missing`);
		for (const r of hadRel) if (!wantRel.includes(r) && listed(after, r) && !wantTables.some((w) => w.includes(r))) say(`related ${r} left`);
	});
	if (now.type === "attack-pattern") {
		const idsIn = (list: readonly { object: StixObject }[]) => list.map((r) => attackIdOf(r.object) ?? "").filter((x) => x !== "");
		const want = idsIn(fresh.mitigationsOf(now));
		const had = was ? idsIn(old.mitigationsOf(was)) : [];
		const beforeHadAny = had.some((m) => before.includes(m));
		if (beforeHadAny) {
			for (const m of want) if (!after.includes(m)) say(`mitigation ${m} missing`);
			for (const m of had) if (!want.includes(m) && after.includes(m)) say(`mitigation ${m} left`);
		}
		const subs = fresh.subtechniquesOf(now).map((s) => attackIdOf(s) ?? "");
		const hadSubs = was ? old.subtechniquesOf(was).map((s) => attackIdOf(s) ?? "") : [];
		if (hadSubs.some((s) => before.includes(s))) for (const s of subs) if (!after.includes(s)) say(`sub-technique ${s} missing`);
		const fm = after.startsWith("---") ? after.slice(0, after.indexOf("\n---", 3)) : "";
		if (fm !== "" && /platforms/i.test(fm)) for (const p of now.x_mitre_platforms ?? []) if (!fm.includes(p)) say(`platform ${p} missing`);
	}
	return found;
}
