/**
 * The export layout (`# Malicious Link (T1204.001)`, `## Description`, `## Parent Technique`,
 * `## Tactics`, `## Related Groups`, `## Mitigations`, `## Detection`): plain `Name (ID)` text,
 * no wiki-links. Each section is merged line by line like the classic layout's; the title shows
 * the current name. Detection is ATT&CK's whole section, sub-headings included: before v18 the
 * detection text and data components with their analytics, from v18 the detection strategies.
 * Notes of the other kinds (a group, software, a campaign, a data component...) hold their
 * relationship tables (`## Techniques used`), kept current by tables.ts as in classic notes, in
 * the layout's plain form: a row names its object by its plain ID, its text names pages `Name (ID)`.
 */
import { attackIdOf, isSubtechnique, type AttackModel } from "../attack/model";
import type { StixObject } from "../attack/stix";
import { kindOfObject, type NoteKind } from "../kinds";
import { findSection, type Section } from "../notes/markdown";
import type { Note } from "../notes/read";
import { FootnoteSet, ourFootnoteName, renderAttackText } from "./attack-text";
import { notice } from "./common";
import type { ManagedSection, SyncContext } from "./context";
import { eolOf, mergeEdit, regionOf, type Edit } from "./edits";
import type { Classifier, NewLine, Verdict } from "./merge";
import { NOTICE, proseClassifier, proseLines } from "./prose";
import { baseModelOf, idOfCells } from "./classic";
import { relationTableEdits } from "./tables";

const PLAIN = { link: () => null, mode: "plain" as const };

/**
 * Kinds whose export-layout notes hold no relationship tables, so none is created (skeleton.ts)
 * nor synced: an export-layout technique lists its tactics, groups and mitigations in sections of
 * its own as plain `Name (ID)` items, and a tactic's or mitigation's export note is its
 * description, as the export layout writes it.
 */
export const NO_EXPORT_TABLES: ReadonlySet<NoteKind> = new Set(["technique", "subtechnique", "tactic", "mitigation"]);

/** An ATT&CK ID and nothing else (a row's plain reference). */
const PLAIN_ID = /^[A-Z]{1,3}\d{4}(?:\.\d{3})?$/;

/** A row's ID: its first cell that is a link or a plain ID (a table of the user's may lead with another column). */
function rowId(cells: string[]): string | null {
	const k = cells.findIndex((c) => c.startsWith("[[") || PLAIN_ID.test(c));
	return idOfCells(k < 0 ? cells : cells.slice(k));
}

function item(o: StixObject): NewLine {
	const id = attackIdOf(o) ?? "";
	return { text: `- ${o.name ?? id} (${id})`, key: `id:${id}` };
}

/** List items `- Name (ID)` whose ID has the given prefix are ATT&CK's. */
function itemClassifier(prefix: RegExp): Classifier {
	return (line) => {
		const m = /^[-*+][ \t]+.*\(([A-Z]{1,3}\d{4}(?:\.\d{3})?)\)\s*$/.exec(line);
		return m && prefix.test(m[1]) ? { key: `id:${m[1]}` } : "user";
	};
}

export function syncExport(note: Note, o: StixObject, ctx: SyncContext, stale?: (line: string) => boolean): { edits: Edit[] } {
	const s = note.outline;
	if (!s) return { edits: [] };
	const text = note.text;
	const eol = eolOf(text);
	const edits: Edit[] = [];
	const model = ctx.model;
	const id = attackIdOf(o) ?? "";
	const title = s.sections[0]?.depth === 1 ? s.sections[0] : undefined;
	const active = o.revoked !== true && o.x_mitre_deprecated !== true;

	if (title) {
		const want = `# ${o.name ?? id} (${id})`;
		const line = text.slice(title.headingStart, title.headingEnd);
		if (line !== want && /^# /.test(line)) edits.push({ start: title.headingStart, end: title.headingEnd, text: want });
		// The notice sits between the title and the first section.
		const marker = notice(o, ctx, note.path);
		const span = regionOf(text, s, title);
		const fresh: NewLine[] = marker ? [{ text: marker, key: "notice", pin: true }] : [];
		const classify: Classifier = (l) => (NOTICE.test(l) ? { key: "notice" } : "user");
		const e = mergeEdit(text, span, fresh, classify, { lead: 1, trail: 1 }, eol);
		if (e) edits.push(e);
	}
	if (!active) return { edits };

	const footnotes = new FootnoteSet();
	// The spans this layout merges (left to the user or not): table sync leaves them alone.
	const handled: Array<{ start: number; end: number }> = title ? [regionOf(text, s, title)] : [];
	const merge = (section: Section | undefined, fresh: NewLine[], classify: Classifier, whole = false, part?: ManagedSection) => {
		if (!section) return;
		const span = whole ? { start: section.contentStart, end: section.end } : regionOf(text, s, section);
		handled.push(span);
		if (part !== undefined && !ctx.sections.has(part)) return;
		const e = mergeEdit(text, span, fresh, classify, { lead: 0, trail: 1 }, eol, stale);
		if (e) edits.push(e);
	};
	const description = proseLines(renderAttackText(o.description ?? "", o, PLAIN, footnotes));
	// ATT&CK's text may hold headings of its own: the description runs to the next `##`.
	merge(findSection(s, "Description", 2), description, proseClassifier(description, undefined, stale), true, "description");

	if (o.type === "attack-pattern") {
		const parent = isSubtechnique(o) ? model.parentOf(o) : undefined;
		merge(findSection(s, "Parent Technique", 2), parent ? [item(parent)] : [], itemClassifier(/^T\d{4}$/));
		merge(findSection(s, "Tactics", 2), model.tacticsOf(o).map(item), itemClassifier(/^TA\d{4}$/), false, "tactics");
		merge(findSection(s, "Related Groups", 2), model.groupsUsing(o).map((r) => item(r.object)), itemClassifier(/^G\d{4}$/), false, "groups");
		merge(findSection(s, "Mitigations", 2), model.mitigationsOf(o).map((r) => item(r.object)), itemClassifier(/^M\d{4}$/), false, "mitigations");
		const detection = findSection(s, "Detection", 2);
		if (detection) {
			const fresh = detectionLines(o, model, footnotes);
			merge(detection, fresh, detectionClassifier(fresh, stale), true, "detection");
		}
	}
	const refs = findSection(s, "References", 2);
	// The footnotes only the base release's table rows cite: ATT&CK's, gone with those rows' text.
	const known = new Set<string>();
	const kind = kindOfObject(o);
	if (kind !== null && !NO_EXPORT_TABLES.has(kind)) {
		if (refs) handled.push(regionOf(text, s, refs));
		// Where the note cites nothing yet, the References section comes with the tables' footnotes.
		edits.push(...relationTableEdits(note, o, ctx, baseModelOf(note, ctx), footnotes, handled, eol, rowId, { footnotes: true, known, plain: true }));
	}
	// Footnotes from the texts above go to a References section at the end.
	const defs = footnotes.list().map((f) => ({ text: FootnoteSet.definition(f), key: `fn:${f.name}` }));
	const cited = new Set([...footnotes.list().map((f) => f.name), ...known, ...(o.external_references ?? []).map((r) => r.source_name)]);
	const classify: Classifier = (l) => {
		const name = ourFootnoteName(l);
		return name === null || !cited.has(name) ? "user" : { key: `fn:${name}` };
	};
	if (refs) merge(refs, defs, classify);
	else if (defs.length > 0) {
		const tail = text.endsWith("\n") ? "" : "\n";
		const block = `${tail}\n## References\n${defs.map((d) => d.text).join("\n")}\n`;
		edits.push({ start: text.length, end: text.length, text: eol === "\r\n" ? block.replace(/\n/g, "\r\n") : block });
	}
	return { edits };
}

/** The Detection section's new lines: the detection text, then data components (before v18) or detection strategies (v18+). */
function detectionLines(o: StixObject, model: AttackModel, footnotes: FootnoteSet): NewLine[] {
	const parts: string[] = [];
	const own = renderAttackText(o.x_mitre_detection ?? "", o, PLAIN, footnotes);
	if (own !== "") parts.push(own);
	const components = model.dataComponentsDetecting(o);
	if (components.length > 0) {
		parts.push("### Detailed Detection by Data Source/Component");
		for (const c of components) {
			const source = model.dataSourceOf(c.object);
			const name = source?.name ? `${source.name}: ${c.object.name ?? ""}` : (c.object.name ?? "");
			const sid = (source && attackIdOf(source)) ?? attackIdOf(c.object) ?? "";
			const body = renderAttackText(c.description, c.relationship, PLAIN, footnotes);
			parts.push(body === "" ? `#### ${name} (${sid}):` : `#### ${name} (${sid}):\n${body}`);
		}
	}
	for (const strategy of model.detectionStrategiesFor(o)) {
		parts.push(`### Detection Strategy: ${strategy.name ?? ""} (${attackIdOf(strategy) ?? ""})`);
		for (const a of model.analyticsOf(strategy)) {
			const platforms = (a.x_mitre_platforms ?? []).join(", ");
			const lines = [`#### ${a.name ?? ""} (${attackIdOf(a) ?? ""})${platforms ? `: ${platforms}` : ""}`];
			const body = renderAttackText(a.description ?? "", a, PLAIN, footnotes);
			if (body !== "") lines.push(body);
			const sources = (a.x_mitre_log_source_references ?? []).map((ref) => {
				const dc = model.byStixId(ref.x_mitre_data_component_ref);
				const name = dc ? `${dc.name ?? ""} (${attackIdOf(dc) ?? ""})` : ref.x_mitre_data_component_ref;
				return `- ${name}: ${ref.name} ${ref.channel}`.replace(/\s+$/, "").replace(/\|/g, "\\|");
			});
			if (sources.length > 0) lines.push("", ...sources);
			parts.push(lines.join("\n"));
		}
	}
	return proseLines(parts.join("\n\n"));
}

/** Headings and analytics the export generators wrote under Detection. */
const GENERATED_HEADING = /^(?:### Detailed Detection by Data Source\/Component|#### .*\((?:DS|DC)\d{4}\):?|### Detection Strategy: .*\(DET\d{4}\)|#### .*\(AN\d{4}\).*)\s*$/;
const ANALYTIC = /^Analytic \d+ - /;

/**
 * Detection's classifier: exact and similar lines as for prose; generated headings, `Analytic N`
 * lines and the code blocks after them that the new data no longer has are ATT&CK's stale
 * content. Anything else the new data does not explain is kept as the user's.
 */
function detectionClassifier(fresh: readonly NewLine[], stale?: (line: string) => boolean): Classifier {
	const prose = proseClassifier(fresh, (line) => (GENERATED_HEADING.test(line) ? { key: `p:${line}` } : null), stale);
	let cached: { lines: readonly string[]; verdicts: Map<number, Verdict> } | null = null;
	return (line, index, lines) => {
		if (cached?.lines !== lines) cached = { lines, verdicts: codeAfterAnalytics(lines) };
		return cached.verdicts.get(index) ?? prose(line, index, lines);
	};
}

const COMPONENT_HEADING = /^#### .*\((?:DS|DC)\d{4}\):?\s*$/;

/**
 * Shapes only the generators wrote: the code block after an `Analytic N - ...` line, and a data
 * component's one-line text between its heading and its analytics (or the next heading). A
 * paragraph the user touched (a second line) no longer has the shape and is kept.
 */
function codeAfterAnalytics(lines: readonly string[]): Map<number, Verdict> {
	const verdicts = new Map<number, Verdict>();
	const nonBlank = (from: number, step: number): number => {
		let i = from;
		while (i >= 0 && i < lines.length && lines[i].trim() === "") i += step;
		return i;
	};
	for (let i = 0; i < lines.length; i++) {
		// Paragraph starts only: after a blank line or right under a component's heading.
		const above = i > 0 ? lines[i - 1] : "";
		if (lines[i].trim() === "" || (above.trim() !== "" && !COMPONENT_HEADING.test(above))) continue;
		const single = (lines[i + 1] ?? "").trim() === "";
		const before = nonBlank(i - 1, -1);
		const after = nonBlank(i + 1, 1);
		const next = after < lines.length ? lines[after] : null;
		if (single && before >= 0 && COMPONENT_HEADING.test(lines[before]) && (next === null || ANALYTIC.test(next) || GENERATED_HEADING.test(next))) {
			verdicts.set(i, { key: "stale" });
		}
	}
	let afterAnalytic = false;
	// Only inside a data component's block (under `#### Source: Component (DS0022):`): an
	// `Analytic 1 - ...` of the user's elsewhere in Detection is theirs.
	let inComponent = false;
	for (let i = 0; i < lines.length; i++) {
		const line = lines[i];
		if (/^#{1,6}\s/.test(line)) inComponent = COMPONENT_HEADING.test(line);
		if (!inComponent) {
			afterAnalytic = false;
			continue;
		}
		if (ANALYTIC.test(line)) {
			verdicts.set(i, { key: "stale" });
			afterAnalytic = true;
			continue;
		}
		if (line.trim() === "") continue;
		if (afterAnalytic && line.trimStart().startsWith("```")) {
			// Generators close fences loosely (`...query```` at a line's end).
			let j = i;
			const closesOwn = line.trim().length > 3 && line.trimEnd().endsWith("```") && line.trim() !== "```";
			if (!closesOwn) {
				for (j = i + 1; j < lines.length && !lines[j].trimEnd().endsWith("```"); j++);
			}
			for (let k = i; k <= Math.min(j, lines.length - 1); k++) verdicts.set(k, { key: "stale" });
			i = j;
		}
		afterAnalytic = false;
	}
	return verdicts;
}
