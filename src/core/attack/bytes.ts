/**
 * From bytes to a bundle's text, the same way for the CLI (files and downloads) and the plugin
 * (vault files and requestUrl): a size cap checked before anything is read whole, and strict
 * UTF-8 (a Latin-1 file is refused, not read with U+FFFD in place of its accents).
 */
import { UserError } from "../errors";

/**
 * The largest bundle file or download accepted: the Enterprise bundle is about 45 MB, so this
 * leaves room for years of growth while refusing a 2 GB file before it is read.
 */
export const MAX_BUNDLE_BYTES = 300 * 1024 * 1024;

/** `45 MB`, `2.9 MB`, or `1,000 bytes` below a megabyte. */
export function formatSize(bytes: number): string {
	if (bytes < 1024 * 1024) return `${bytes.toLocaleString("en-US")} bytes`;
	const mb = bytes / (1024 * 1024);
	return `${mb >= 10 ? Math.round(mb).toLocaleString("en-US") : mb.toFixed(1)} MB`;
}

/** The largest index.json accepted (attack-stix-data's is about 30 KB). */
export const MAX_INDEX_BYTES = 16 * 1024 * 1024;

/**
 * Why a file or a download of `bytes` is refused, as a clause; `bytes` null when the size is not
 * known (a download stopped at the cap).
 */
export function tooLargeReason(bytes: number | null, max: number, what: "bundle" | "index" = "bundle"): string {
	const size = bytes === null ? "it is larger than" : `it is ${formatSize(bytes)}, larger than`;
	return `${size} the ${formatSize(max)} an ATT&CK ${what} can be${what === "bundle" ? " (Enterprise is about 45 MB)" : ""}`;
}

/** Throws the UserError for a bundle file larger than `max`, before it is read. */
export function checkBundleSize(bytes: number, source: string, max = MAX_BUNDLE_BYTES): void {
	if (bytes > max) throw new UserError(`${source}: ${tooLargeReason(bytes, max)}; it was not read.`);
}

let decoder: TextDecoder | null = null;

/**
 * The bytes as UTF-8 text (a byte order mark dropped), or one UserError sentence naming `source`
 * and the first byte that is not UTF-8.
 */
export function decodeUtf8(bytes: Uint8Array, source: string, what = "an ATT&CK bundle"): string {
	decoder ??= new TextDecoder("utf-8", { fatal: true });
	try {
		return decoder.decode(bytes);
	} catch {
		const at = firstInvalidByte(bytes);
		const where = at === null ? "" : ` (byte ${(at + 1).toLocaleString("en-US")} is not valid UTF-8)`;
		throw new UserError(`${source}: not UTF-8 text${where}; ${what} is UTF-8 JSON, so this file is in another encoding or damaged.`);
	}
}

/** The offset of the first byte that does not belong to a valid UTF-8 sequence, or null. */
function firstInvalidByte(bytes: Uint8Array): number | null {
	let i = 0;
	while (i < bytes.length) {
		const b = bytes[i];
		if (b < 0x80) {
			i++;
			continue;
		}
		// The sequence's length and the range its second byte must be in (no overlongs, no surrogates).
		let n = 0;
		let lo = 0x80;
		let hi = 0xbf;
		if (b >= 0xc2 && b <= 0xdf) n = 1;
		else if (b >= 0xe0 && b <= 0xef) {
			n = 2;
			if (b === 0xe0) lo = 0xa0;
			if (b === 0xed) hi = 0x9f;
		} else if (b >= 0xf0 && b <= 0xf4) {
			n = 3;
			if (b === 0xf0) lo = 0x90;
			if (b === 0xf4) hi = 0x8f;
		} else return i;
		for (let k = 1; k <= n; k++) {
			const c = bytes[i + k];
			if (c === undefined || c < (k === 1 ? lo : 0x80) || c > (k === 1 ? hi : 0xbf)) return i;
		}
		i += n + 1;
	}
	return null;
}
