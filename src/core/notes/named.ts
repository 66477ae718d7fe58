/**
 * Notes recognized by the name of what they are about, where nothing else names it: before v18
 * ATT&CK data components had no ID, so reuteras wrote them as `Active DNS - .md` with an empty
 * alias and `url:`, headed `## Domain Name; Active DNS` (data source; component). Such a note is
 * about the data component of that name when the name is unambiguous: exactly one data component
 * of the domain bears it, and the note says so the way the generator does (the `Source; Component`
 * heading or alias naming the component's own data source, or the `Name - .md` file name in a
 * data-components folder or tagged as one). A note of the user's that merely bears a component's
 * name (`Active DNS.md`, `## Active DNS`) is not such a note.
 *
 * Recognition without a model (recognize.ts) cannot know names; this runs where a sync has the
 * releases, and adds what it finds to the vault index (the note's `recognized`, `byId`).
 */
import { attackIdOf, counterpart, type AttackModel } from "../attack/model";
import type { StixObject } from "../attack/stix";
import { readAliases } from "./frontmatter";
import { domainOfNote } from "./note-domain";
import type { Note } from "./read";
import { readTags } from "./recognize";
import type { VaultIndex } from "../vault-index";

const fold = (s: string): string => s.normalize("NFKC").trim().toLowerCase();

/** The one object of `model`'s data components named `name`, or null (none, or several). */
function onlyComponentNamed(model: AttackModel, name: string): StixObject | null {
	const found = model.all("dataComponent").filter((c) => fold(c.name ?? "") === fold(name));
	return found.length === 1 ? found[0] : null;
}

/** `Domain Name; Active DNS` -> the component, when `model` has one of that name whose data source is the one named. */
function fromSourceAndName(model: AttackModel, text: string): StixObject | null {
	const m = /^([^;]+);\s*([^;]+)$/.exec(text.trim());
	if (!m) return null;
	const dc = onlyComponentNamed(model, m[2]);
	if (!dc) return null;
	const source = model.dataSourceOf(dc);
	// From v18 a component names no data source (its ref is ""): the data source of that name must exist.
	if (source) return fold(source.name ?? "") === fold(m[1]) ? dc : null;
	return model.all("dataSource").some((s) => fold(s.name ?? "") === fold(m[1])) ? dc : null;
}

/** The note's first heading, when it opens the body. */
function openingHeading(note: Note): string | null {
	const first = note.outline?.sections[0];
	if (!first) return null;
	return note.text.slice(note.frontmatter?.bodyStart ?? 0, first.headingStart).trim() === "" ? first.title : null;
}

/** `.../Data Components/Enterprise attack/Active DNS - .md` -> `Active DNS`: a generator's name with an empty ID. */
function nameWithEmptyId(note: Note): string | null {
	const m = /^(.*\S)\s+-\s*\.md$/i.exec(note.path.slice(note.path.lastIndexOf("/") + 1));
	if (!m) return null;
	const folders = note.path.split("/").slice(0, -1);
	const tags = note.frontmatter ? readTags(note.frontmatter.data) : [];
	const component = folders.some((f) => /^data[\s_-]?components?$/i.test(f)) || tags.some((t) => /(^|\/)data[\s_-]?components?$/i.test(t));
	return component ? m[1] : null;
}

/**
 * The data component (of `model`, the release synced to) a note with no ID is about, by name,
 * or null. `earlier` are the releases the vault may have been written from.
 */
export function componentByName(note: Note, model: AttackModel, earlier: readonly AttackModel[]): StixObject | null {
	if (note.recognized.ids.length > 0 || note.recognized.layout === "sigma" || !/\.md$/i.test(note.path)) return null;
	const domain = domainOfNote(note);
	if (domain !== null && domain !== model.domain) return null;
	const heading = openingHeading(note);
	const said = [...(heading === null ? [] : [heading]), ...(note.frontmatter ? readAliases(note.frontmatter.data) : [])];
	const found = new Set<StixObject>();
	for (const m of [model, ...earlier]) {
		for (const text of said) {
			const dc = fromSourceAndName(m, text);
			const now = dc ? counterpart(model, dc) : undefined;
			if (now && now.type === "x-mitre-data-component") found.add(now);
		}
	}
	const byFile = nameWithEmptyId(note);
	if (byFile !== null) {
		const dc = onlyComponentNamed(model, byFile) ?? earlier.map((m) => onlyComponentNamed(m, byFile)).map((x) => (x ? counterpart(model, x) : undefined)).find((x) => x !== undefined) ?? null;
		if (dc) found.add(dc);
	}
	// Names that disagree (a heading for one component, a file name for another) name nothing.
	if (found.size !== 1) return null;
	const [dc] = found;
	// Unambiguous in the release synced to: no other data component bears its name.
	return onlyComponentNamed(model, dc.name ?? "") === dc ? dc : null;
}

/**
 * Adds to the index the notes about data components known only by name (see above), as classic
 * notes about the component's ID, unless another note already claims that ID. Notes with an ID are
 * left as they are, so a second call changes nothing.
 */
export function recognizeByName(index: VaultIndex, model: AttackModel, earlier: readonly AttackModel[]): void {
	if (model.all("dataComponent").length === 0) return;
	for (const note of index.notes.values()) {
		if (note.recognized.ids.length > 0) continue;
		const dc = componentByName(note, model, earlier);
		const id = dc ? attackIdOf(dc) : null;
		if (id === null || !/^DC\d{4}$/.test(id) || (index.byId.get(id) ?? []).length > 0) continue;
		note.recognized = { layout: note.recognized.layout === "other" ? "classic" : note.recognized.layout, ids: [id], idSources: [{ id, from: "name" }] };
		index.byId.set(id, [note.path]);
	}
}
