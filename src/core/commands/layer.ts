/**
 * `layer`: the vault's ATT&CK coverage as an ATT&CK Navigator layer (layer format 4.5): one
 * technique entry per technique or sub-technique the vault has a note about, scored by presence, by
 * a frontmatter property (`--score-by status`) or by a tag (`--score-by tag:studied`), each linking
 * to its notes with an `obsidian://open` URL. Only techniques: notes of other kinds (data components,
 * those known only by name among them) are in no layer. And `readLayer`: a layer file read and checked, for
 * the matrix view's overlay (a SOC's detection-coverage layer, say).
 */
import { attackIdOf, isActive, type AttackModel } from "../attack/model";
import { UserError } from "../errors";
import { KNOWN_DOMAINS } from "../fetch/index-json";
import type { Note } from "../notes/read";
import { idKind, readTags, subjectId } from "../notes/recognize";
import { buildVaultIndex, type VaultIndex } from "../vault-index";
import type { Vault } from "../vault";
import { attackFolder, versionOf, type Release } from "./changes";

export const LAYER_FORMAT = "4.5";
export const NAVIGATOR_VERSION = "5.1.0";
/** The start of the description of every layer written here: a file that has it may be written over. */
export const LAYER_MARK = "Written by ATT&CK Sync";

export interface LayerLink {
	label: string;
	url: string;
}

export interface LayerTechnique {
	techniqueID: string;
	tactic?: string;
	score?: number;
	color?: string;
	comment?: string;
	enabled?: boolean;
	links?: LayerLink[];
	showSubtechniques?: boolean;
}

export interface NavigatorLayer {
	name: string;
	versions?: { attack?: string; navigator: string; layer: string };
	domain: string;
	description?: string;
	techniques: LayerTechnique[];
	gradient?: { colors: string[]; minValue: number; maxValue: number };
	legendItems?: Array<{ label: string; color: string }>;
	layout?: { expandedSubtechniques?: string };
}

export interface LayerOptions {
	/** The vault's name, for `obsidian://open?vault=...`. */
	vaultName: string;
	/** `enterprise-attack` (default: the model's, else Enterprise). */
	domain?: string;
	/** `PROPERTY` (a frontmatter property) or `tag:TAG`; default: every technique with a note scores 1. */
	scoreBy?: string;
	/** A release of the domain: names, `versions.attack`, only its techniques, revoked ones disabled. */
	model?: AttackModel | null;
	/** The model's release when its bundle does not say (mitre/cti 2.0: from the file name). */
	attackVersion?: string | null;
}

const NOTED = "#66b1ff";
const WITHOUT = "#ffffff";
const YES = "#8ec843";
const NO = "#ff6666";
/** Colours for a property's values, in the order of the values' names. */
const PALETTE = ["#8ec843", "#ffe766", "#ff6666", "#66b1ff", "#c28bff", "#ffa64d", "#4dd2c8", "#ff80bf", "#a0a0a0"];

/** `obsidian://open` for a note (Obsidian's URI: vault name and file path, each URI-encoded). */
export function obsidianUrl(vaultName: string, path: string): string {
	return `obsidian://open?vault=${encodeURIComponent(vaultName)}&file=${encodeURIComponent(path.replace(/\.md$/i, ""))}`;
}

/** The notes about each technique and sub-technique (their subject), by ID; Sigma rules aside. */
export function techniqueNotes(index: VaultIndex): Map<string, Note[]> {
	const out = new Map<string, Note[]>();
	for (const note of index.notes.values()) {
		if (note.recognized.layout === "sigma") continue;
		const id = subjectId(note.recognized);
		const kind = id === null ? null : idKind(id);
		if (id === null || (kind !== "technique" && kind !== "subtechnique")) continue;
		const list = out.get(id);
		if (list) list.push(note);
		else out.set(id, [note]);
	}
	return out;
}

/** A frontmatter property's value, its key matched exactly, else ignoring case. */
function property(note: Note, name: string): unknown {
	const data = note.frontmatter?.data;
	if (!data) return undefined;
	if (Object.prototype.hasOwnProperty.call(data, name)) return data[name];
	const key = Object.keys(data).find((k) => k.toLowerCase() === name.toLowerCase());
	return key === undefined ? undefined : data[key];
}

/** Whether the note has `tag` (or a tag nested under it), in its frontmatter or as `#tag` in its text. */
export function hasTag(note: Note, tag: string): boolean {
	const want = tag.replace(/^#/, "").toLowerCase();
	const matches = (t: string) => {
		const have = t.toLowerCase();
		return have === want || have.startsWith(`${want}/`);
	};
	if (note.frontmatter && readTags(note.frontmatter.data).some(matches)) return true;
	const body = note.text.slice(note.frontmatter?.bodyStart ?? 0);
	for (const m of body.matchAll(/(?:^|\s)#([\p{L}\p{N}_/-]+)/gu)) if (matches(m[1])) return true;
	return false;
}

/** A property's value as a score: a number, a numeric string, or true/false; else null. */
function numeric(v: unknown): number | null {
	if (typeof v === "number" && Number.isFinite(v)) return v;
	if (typeof v === "boolean") return v ? 1 : 0;
	if (typeof v === "string" && /^\s*-?\d+(\.\d+)?\s*$/.test(v)) return Number(v);
	return null;
}

const text = (v: unknown): string => (Array.isArray(v) ? v.map(text).join(", ") : typeof v === "string" ? v.trim() : v === null || v === undefined ? "" : JSON.stringify(v));

/** The layer for the vault's notes. */
export function buildLayer(index: VaultIndex, opts: LayerOptions): NavigatorLayer {
	const model = opts.model ?? null;
	const domain = opts.domain ?? model?.domain ?? "enterprise-attack";
	const notes = techniqueNotes(index);
	const ids = [...notes.keys()].filter((id) => !model || model.get(id) !== undefined).sort();
	const scoreBy = opts.scoreBy?.trim() || null;
	const tag = scoreBy?.toLowerCase().startsWith("tag:") ? scoreBy.slice(4).replace(/^#/, "") : null;

	// Each technique's value of the property, over its notes (the first note that has one).
	const values = new Map<string, unknown>();
	if (scoreBy !== null && tag === null) {
		for (const id of ids) {
			const v = (notes.get(id) ?? []).map((n) => property(n, scoreBy)).find((x) => x !== undefined && x !== null && text(x) !== "");
			if (v !== undefined) values.set(id, v);
		}
	}
	const isNumeric = [...values.values()].every((v) => numeric(v) !== null);
	const categories = isNumeric ? [] : [...new Set([...values.values()].map(text))].sort();
	const colorOf = (value: string) => PALETTE[categories.indexOf(value) % PALETTE.length];

	const withSubs = new Set(ids.filter((id) => id.includes(".")).map((id) => id.slice(0, id.indexOf("."))));
	const techniques = ids.map((id): LayerTechnique => {
		const own = notes.get(id) ?? [];
		const o = model?.get(id);
		const entry: LayerTechnique = { techniqueID: id };
		const why: string[] = [];
		if (tag !== null) {
			const has = own.some((n) => hasTag(n, tag));
			entry.score = has ? 1 : 0;
			entry.color = has ? YES : NO;
			why.push(has ? `#${tag}` : `no #${tag}`);
		} else if (scoreBy !== null) {
			const v = values.get(id);
			if (v === undefined) {
				entry.score = 0;
				why.push(`no ${scoreBy}`);
			} else if (isNumeric) {
				entry.score = numeric(v) ?? 0;
				why.push(`${scoreBy}: ${text(v)}`);
			} else {
				entry.score = 1;
				entry.color = colorOf(text(v));
				why.push(`${scoreBy}: ${text(v)}`);
			}
		} else {
			entry.score = 1;
		}
		const name = o?.name;
		const revoked = o && !isActive(o) ? (o.revoked === true ? `revoked in ATT&CK${revokedByText(model, o)}` : "deprecated in ATT&CK") : null;
		if (revoked) why.push(revoked);
		entry.comment = `${name ? `${name}: ` : ""}${own.length === 1 ? "note" : "notes"} ${own.map((n) => n.path).join(", ")}${why.length > 0 ? ` (${why.join("; ")})` : ""}`;
		entry.enabled = revoked === null;
		entry.links = own.map((n) => ({ label: n.path.slice(n.path.lastIndexOf("/") + 1).replace(/\.md$/i, ""), url: obsidianUrl(opts.vaultName, n.path) }));
		entry.showSubtechniques = withSubs.has(id);
		return entry;
	});

	let gradient: NavigatorLayer["gradient"];
	let legendItems: NavigatorLayer["legendItems"];
	if (tag !== null) {
		gradient = { colors: [NO, YES], minValue: 0, maxValue: 1 };
		legendItems = [
			{ label: `#${tag}`, color: YES },
			{ label: `no #${tag}`, color: NO },
		];
	} else if (scoreBy !== null && isNumeric) {
		const scores = techniques.map((t) => t.score ?? 0);
		const min = Math.min(0, ...scores);
		const max = Math.max(...scores, min + 1);
		gradient = { colors: [WITHOUT, NOTED], minValue: min, maxValue: max };
		legendItems = [
			{ label: `${scoreBy} ${min}`, color: WITHOUT },
			{ label: `${scoreBy} ${max}`, color: NOTED },
		];
	} else if (scoreBy !== null) {
		gradient = { colors: [WITHOUT, NOTED], minValue: 0, maxValue: 1 };
		legendItems = [...categories.map((c) => ({ label: `${scoreBy}: ${c}`, color: colorOf(c) })), { label: `no ${scoreBy}`, color: WITHOUT }];
	} else {
		gradient = { colors: [WITHOUT, NOTED], minValue: 0, maxValue: 1 };
		legendItems = [{ label: "a note in the vault", color: NOTED }];
	}

	const versions: NonNullable<NavigatorLayer["versions"]> = { navigator: NAVIGATOR_VERSION, layer: LAYER_FORMAT };
	// Navigator names releases by their major number; without a bundle, the one sync recorded in most notes.
	const release = model ? (model.attackVersion ?? opts.attackVersion ?? null) : mostCommon(ids.flatMap((id) => (notes.get(id) ?? []).map((n) => text(property(n, "attack_version")))).filter((v) => /^\d+\.\d+$/.test(v)));
	const major = release?.split(".")[0];
	if (major) versions.attack = major;
	return {
		name: `${opts.vaultName}: ATT&CK notes`,
		versions,
		domain,
		description: `${LAYER_MARK} from the Obsidian vault "${opts.vaultName}": the techniques it has notes about${scoreBy ? `, scored by ${tag !== null ? `the tag #${tag}` : `the property ${scoreBy}`}` : ""}.`,
		techniques,
		gradient,
		legendItems,
		layout: { expandedSubtechniques: "annotated" },
	};
}

function mostCommon(values: readonly string[]): string | null {
	const tally = new Map<string, number>();
	for (const v of values) tally.set(v, (tally.get(v) ?? 0) + 1);
	let best: string | null = null;
	for (const [v, n] of tally) if (best === null || n > (tally.get(best) ?? 0)) best = v;
	return best;
}

function revokedByText(model: AttackModel | null, o: Parameters<AttackModel["revokedBy"]>[0]): string {
	const by = model?.revokedBy(o);
	const id = by ? attackIdOf(by) : null;
	return by && id ? ` by ${by.name ?? id} (${id})` : "";
}

/** The layer as the file holds it: JSON, two-space indented, a final line break. */
export function layerJson(layer: NavigatorLayer): string {
	return `${JSON.stringify(layer, null, 2)}\n`;
}

type Json = Record<string, unknown>;
const isRecord = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const TECHNIQUE_ID = /^T\d{4}(\.\d{3})?$/;

/**
 * A Navigator layer file read for an overlay: one layer (a file of several, as Navigator's "download
 * all" writes, must hold exactly one), format 4.x, its techniques' IDs, scores, colours and links of
 * the right types. Anything else is one UserError of one paragraph naming `source`, what is wrong and
 * where, and what to do.
 */
export function readLayer(text: string, source: string): NavigatorLayer {
	const bad = (what: string, hint = "Export the layer again from ATT&CK Navigator (layer format 4.x) and import that file.") =>
		new UserError(`${source} is not an ATT&CK Navigator layer this plugin can read: ${what}. ${hint}`);
	if (text.trim() === "") throw bad("the file is empty");
	let parsed: unknown;
	try {
		parsed = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
	} catch {
		throw bad("it is not valid JSON (cut short, or not a layer file at all)");
	}
	if (Array.isArray(parsed)) {
		if (parsed.length !== 1) throw bad(`it holds ${parsed.length} layers, not one`, "Download a single layer from ATT&CK Navigator (the layer's own download button) and import that file.");
		parsed = parsed[0];
	}
	if (!isRecord(parsed)) throw bad("it is not a JSON object");
	const o = parsed;
	if (o.version !== undefined && o.versions === undefined) throw bad(`it is in an old layer format (version ${JSON.stringify(o.version)})`, "Open it in ATT&CK Navigator 4.9 or later and download it again: that writes format 4.5.");
	if (typeof o.name !== "string") throw bad('it has no "name" (a string)');
	if (typeof o.domain !== "string" || !(KNOWN_DOMAINS as readonly string[]).includes(o.domain)) throw bad(`its "domain" is ${JSON.stringify(o.domain) ?? "missing"}, not one of ${KNOWN_DOMAINS.join(", ")}`);
	let versions: NavigatorLayer["versions"];
	if (o.versions !== undefined) {
		const v = o.versions;
		if (!isRecord(v) || typeof v.layer !== "string" || (v.attack !== undefined && typeof v.attack !== "string") || (v.navigator !== undefined && typeof v.navigator !== "string")) throw bad('its "versions" is not an object of strings with a "layer"');
		if (!/^4\.\d+$/.test(v.layer)) throw bad(`its layer format is ${v.layer}, not 4.x`);
		versions = { navigator: typeof v.navigator === "string" ? v.navigator : "", layer: v.layer };
		if (typeof v.attack === "string") versions.attack = v.attack;
	}
	const list = o.techniques ?? [];
	if (!Array.isArray(list)) throw bad('its "techniques" is not a list');
	const techniques = list.map((t: unknown, i: number): LayerTechnique => {
		const where = `technique ${i + 1} of ${list.length}`;
		if (!isRecord(t)) throw bad(`${where} is not an object`);
		if (typeof t.techniqueID !== "string" || !TECHNIQUE_ID.test(t.techniqueID)) throw bad(`${where} has "techniqueID" ${JSON.stringify(t.techniqueID) ?? "missing"}, not an ID like T1110 or T1110.001`);
		const id = t.techniqueID;
		const check = (field: string, type: "string" | "number" | "boolean") => {
			if (t[field] !== undefined && typeof t[field] !== type) throw bad(`${id} (${where}) has "${field}" of the wrong type (expected a ${type})`);
		};
		check("tactic", "string");
		check("score", "number");
		check("color", "string");
		check("comment", "string");
		check("enabled", "boolean");
		check("showSubtechniques", "boolean");
		if (typeof t.score === "number" && !Number.isFinite(t.score)) throw bad(`${id} (${where}) has a score that is not a finite number`);
		const entry: LayerTechnique = { techniqueID: id, enabled: t.enabled !== false };
		if (typeof t.tactic === "string") entry.tactic = t.tactic;
		if (typeof t.score === "number") entry.score = t.score;
		if (typeof t.color === "string" && t.color !== "") entry.color = t.color;
		if (typeof t.comment === "string") entry.comment = t.comment;
		if (typeof t.showSubtechniques === "boolean") entry.showSubtechniques = t.showSubtechniques;
		if (t.links !== undefined) {
			if (!Array.isArray(t.links)) throw bad(`${id} (${where}) has "links" that is not a list`);
			// Divider objects ({divider: true}) may sit among the links; they carry no link.
			entry.links = t.links.flatMap((l: unknown): LayerLink[] => {
				if (isRecord(l) && l.divider === true) return [];
				if (!isRecord(l) || typeof l.label !== "string" || typeof l.url !== "string") throw bad(`${id} (${where}) has a link without a "label" and a "url" string`);
				return [{ label: l.label, url: l.url }];
			});
		}
		return entry;
	});
	const layer: NavigatorLayer = { name: o.name, domain: o.domain, techniques };
	if (versions) layer.versions = versions;
	if (typeof o.description === "string") layer.description = o.description;
	const g = o.gradient;
	if (g !== undefined) {
		if (!isRecord(g) || !Array.isArray(g.colors) || g.colors.length < 2 || !g.colors.every((c) => typeof c === "string") || typeof g.minValue !== "number" || typeof g.maxValue !== "number" || !(g.maxValue > g.minValue)) {
			throw bad('its "gradient" is not two or more colours with a minValue below its maxValue');
		}
		layer.gradient = { colors: g.colors, minValue: g.minValue, maxValue: g.maxValue };
	}
	if (o.legendItems !== undefined) {
		if (!Array.isArray(o.legendItems) || !o.legendItems.every((l) => isRecord(l) && typeof l.label === "string" && typeof l.color === "string")) throw bad('its "legendItems" is not a list of objects with a "label" and a "color" string');
		layer.legendItems = (o.legendItems as Array<{ label: string; color: string }>).map((l) => ({ label: l.label, color: l.color }));
	}
	return layer;
}

/**
 * The plugin's command: the layer as `ATT&CK notes (enterprise-attack).layer.json` in the vault's
 * ATT&CK folder. A file of that name written by this command before is replaced; any other is left
 * alone and the next free name taken. `release`: the cached data, when there is some.
 */
export async function writeLayerFile(vault: Vault, vaultName: string, release: Release | null, domain: string, folder?: string): Promise<string> {
	const index = await buildVaultIndex(vault, release ? [{ model: release.model }] : []);
	const layer = buildLayer(index, { vaultName, domain, model: release?.model ?? null, attackVersion: release ? versionOf(release) : null });
	const text = layerJson(layer);
	const dir = release ? attackFolder(index, release.model, folder) : (folder ?? "").replace(/^\/+|\/+$/g, "");
	for (let n = 1; ; n++) {
		const path = `${dir}${dir ? "/" : ""}ATT&CK notes (${domain})${n === 1 ? "" : ` ${n}`}.layer.json`;
		if (!(await vault.exists(path))) {
			await vault.create(path, text);
			return path;
		}
		const current = await vault.read(path);
		if (current === text) return path;
		let ours = false;
		try {
			ours = readLayer(current, path).description?.startsWith(LAYER_MARK) === true;
		} catch {
			// Not a layer: not ours to replace.
		}
		if (ours) {
			await vault.process(path, (now) => (now === current ? text : now));
			return path;
		}
	}
}
