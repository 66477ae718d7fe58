// Bundles that must be refused: the Enterprise fixture saved as Latin-1, or with one field of one
// object given the wrong shape.
import { readFileSync } from "node:fs";
import { ENTERPRISE_FIXTURE } from "./paths";

export const ENTERPRISE_TEXT = readFileSync(ENTERPRISE_FIXTURE, "utf8");

/** The fixture as a Windows-1252/Latin-1 editor would save it: é is one byte (0xE9), not UTF-8. */
export function latin1Bundle(): Buffer {
	// eslint-disable-next-line no-control-regex -- keep every Latin-1 character, replace the rest
	return Buffer.from(ENTERPRISE_TEXT.replace(/[^\u0000-\u00ff]/g, "?"), "latin1");
}

type Json = Record<string, unknown>;

/** The STIX id of the object with this ATT&CK ID in the fixture. */
export function stixIdOf(attackId: string): string {
	const bundle = JSON.parse(ENTERPRISE_TEXT) as { objects: Json[] };
	const found = bundle.objects.find((o) => Array.isArray(o.external_references) && (o.external_references as Json[]).some((r) => r.external_id === attackId));
	if (!found) throw new Error(`${attackId} is not in the fixture`);
	return found.id as string;
}

/** The fixture with `change` applied to the object whose STIX id is `id`. */
export function withObject(id: string, change: (o: Json) => void): string {
	const bundle = JSON.parse(ENTERPRISE_TEXT) as { objects: Json[] };
	const o = bundle.objects.find((x) => x.id === id);
	if (!o) throw new Error(`${id} is not in the fixture`);
	change(o);
	return JSON.stringify(bundle);
}
