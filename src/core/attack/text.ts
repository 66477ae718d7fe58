/**
 * What ATT&CK descriptions carry inside their text: `(Citation: Name)` markers, resolved
 * against the object's external references, and links to attack.mitre.org pages, mapped to the
 * ATT&CK IDs they name so later steps can turn them into wiki-links.
 */
import type { StixObject } from "./stix";

export interface Citation {
	/** The name inside `(Citation: Name)`. */
	readonly name: string;
	/** [start, end) of the whole `(Citation: Name)` marker in the text. */
	readonly start: number;
	readonly end: number;
	/** The matching external reference's text and URL; both absent when nothing matched. */
	readonly description?: string;
	readonly url?: string;
	readonly found: boolean;
}

const CITATION = /\(Citation: ([^)]+)\)/g;

/** Every `(Citation: Name)` in `text`, resolved against `o.external_references`. */
export function citationsIn(text: string, o: StixObject): Citation[] {
	const refs = new Map<string, { description?: string; url?: string }>();
	for (const ref of o.external_references ?? []) refs.set(ref.source_name, ref);
	const result: Citation[] = [];
	for (const m of text.matchAll(CITATION)) {
		const name = m[1].trim();
		const ref = refs.get(name);
		result.push({ name, start: m.index, end: m.index + m[0].length, description: ref?.description, url: ref?.url, found: ref !== undefined });
	}
	return result;
}

export interface AttackUrl {
	readonly url: string;
	readonly id: string;
	/** [start, end) of the URL in the text. */
	readonly start: number;
	readonly end: number;
}

const PAGE_PREFIX: Readonly<Record<string, string>> = {
	techniques: "T",
	tactics: "TA",
	mitigations: "M",
	groups: "G",
	software: "S",
	campaigns: "C",
	datasources: "DS",
	datacomponents: "DC",
	detectionstrategies: "DET",
	analytics: "AN",
	assets: "A",
};

const ATTACK_URL = /https?:\/\/attack\.mitre\.org\/([a-z]+)\/([A-Z]{1,3}\d{4})(?:\/(\d{3}))?\/?/g;

/** The ATT&CK ID a URL names (`https://attack.mitre.org/techniques/T1566/002` -> `T1566.002`), or null. */
export function attackIdOfUrl(url: string): string | null {
	return urlsIn(url)[0]?.id ?? null;
}

/** Every attack.mitre.org page URL in `text` that names an ATT&CK object, with its ID. */
export function urlsIn(text: string): AttackUrl[] {
	const result: AttackUrl[] = [];
	for (const m of text.matchAll(ATTACK_URL)) {
		const [url, page, base, sub] = m;
		const prefix = PAGE_PREFIX[page];
		// The ID must fit the page: /techniques/T1566 yes, /techniques/M1031 no.
		if (prefix === undefined || !new RegExp(`^${prefix}\\d{4}$`).test(base)) continue;
		if (sub !== undefined && page !== "techniques") continue;
		result.push({ url, id: sub === undefined ? base : `${base}.${sub}`, start: m.index, end: m.index + url.length });
	}
	return result;
}
