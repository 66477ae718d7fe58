/**
 * File names for the notes the sync creates: safe on Windows, macOS, iOS and Android and in
 * Obsidian wiki-links, and distinct within a folder as macOS and Windows compare names (whatever
 * the case and the Unicode normalization), with ` (ID)` telling apart objects that share a name.
 */

const MAX_LENGTH = 120;
/**
 * File systems take 255 bytes per name (ext4, APFS, and NTFS's 255 UTF-16 units are more), in
 * UTF-8: 85 CJK characters, fewer emoji. The name goes with `.md`.
 */
const MAX_BYTES = 255 - ".md".length;

/** Separators between alternatives ("Antivirus/Antimalware") keep a `-`; a colon reads as " - ". */
const AS_DASH = /[/\\|]/g;
/** Characters no file system or wiki-link takes, and control characters: a space. */
const AS_SPACE = /[*?"<>#^[\]\p{Cc}]/gu;
/** Device names Windows reserves, with or without an extension (also COM0, LPT0 and ¹²³). */
const RESERVED = /^(?:con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(?:\..*)?$/i;

/**
 * A name as macOS and Windows compare names: Unicode-normalized (NFC: `ä` typed as one character
 * or as `a` and a combining mark are one name) and case-folded (`MITRE ATT&CK` is `mitre att&ck`;
 * upper then lower case also folds `ς` with `σ`, as Windows does). Two names with one fold are one
 * file there, even where Linux keeps two.
 */
export function foldName(name: string): string {
	return name.normalize("NFC").toUpperCase().toLowerCase().normalize("NFC");
}

/** A file name (without extension) safe on Windows, macOS, iOS, Android and in Obsidian links: no `/ \ : * ? " < > |`, no `#`, `^`, `[`, `]` (they break wiki-links), no control chars, no leading/trailing spaces or dots, not a Windows reserved name (CON, PRN, AUX, NUL, COM1-9, LPT1-9, case-insensitive, also with an extension-like suffix); max 120 chars and 252 UTF-8 bytes, so that with `.md` it fits any file system's 255 bytes (cut at a word boundary, else between two characters, never inside one: an accent stays with its letter, an emoji sequence whole); never empty (fallback given). Characters are replaced by a space or `-` sensibly ("Antivirus/Antimalware" → "Antivirus-Antimalware", "Exploitation: Foo" → "Exploitation - Foo"), runs of spaces collapsed. */
export function safeFileName(name: string, fallback: string): string {
	return clean(name, MAX_LENGTH) || clean(fallback, MAX_LENGTH) || "Untitled";
}

/** `name` made safe and at most `max` characters and `maxBytes` UTF-8 bytes long; "" when nothing is left. */
function clean(name: string, max: number, maxBytes = MAX_BYTES): string {
	let s = name
		.normalize("NFC")
		.replace(AS_DASH, "-")
		.replace(/:/g, " - ")
		.replace(AS_SPACE, " ")
		.replace(/\s+/g, " ")
		.replace(/^[\s.]+|[\s.]+$/g, "");
	if (s.length > max || utf8Length(s) > maxBytes) {
		let cut = prefixWithin(s, max, maxBytes);
		const space = s.lastIndexOf(" ", cut);
		if (space > cut / 2) cut = space;
		s = s.slice(0, cut).replace(/[\s.-]+$/, "");
	}
	if (/^[\s-]*$/.test(s)) return ""; // nothing but separators left: no name
	return RESERVED.test(s) ? s.replace(/^[^.]+/, "$&_") : s;
}

/**
 * Pick distinct names for a set of objects to be created in one folder. Input: [{id, name}] plus the names already taken in that folder; names are compared folded (foldName), as macOS and Windows compare them. Output: Map id -> file name. When two objects' safe names collide (e.g. "Spearphishing Link" T1566.002 and T1598.003), or collide with a taken name, the colliding ones get ` (ID)` appended: "Spearphishing Link (T1566.002)", "Spearphishing Link (T1598.003)". Deterministic regardless of input order.
 */
export function distinctNames(items: ReadonlyArray<{ id: string; name: string }>, taken: ReadonlySet<string>): Map<string, string> {
	const sorted = [...items].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
	const safe = new Map(sorted.map((i) => [i.id, safeFileName(i.name, i.id)]));
	const uses = new Map<string, number>();
	for (const s of safe.values()) uses.set(foldName(s), (uses.get(foldName(s)) ?? 0) + 1);
	const used = new Set([...taken].map(foldName));
	const result = new Map<string, string>();
	const clashing: string[] = [];
	for (const [id, s] of safe) {
		if (uses.get(foldName(s)) === 1 && !used.has(foldName(s))) result.set(id, s);
		else clashing.push(id);
	}
	for (const s of result.values()) used.add(foldName(s));
	// With the ID appended a name can still clash (with a name that already ends in it): count on.
	for (const id of clashing) {
		const name = countOn(safe.get(id) ?? id, id, used);
		used.add(foldName(name));
		result.set(id, name);
	}
	return result;
}

/** `name (id)`, or `name (id 2)`, `name (id 3)`... : the first whose fold is not in `used`. */
export function countOn(name: string, id: string, used: ReadonlySet<string>): string {
	const base = name.endsWith(` (${id})`) ? name.slice(0, -` (${id})`.length) : name;
	let result = withId(base, id);
	for (let n = 2; used.has(foldName(result)); n++) result = withId(base, `${id} ${n}`);
	return result;
}

/** `name (id)`, the name shortened so that the whole stays within the limits: the ID is always there. */
export function withId(name: string, id: string): string {
	const suffix = ` (${clean(id, MAX_LENGTH / 2)})`;
	return `${clean(name, MAX_LENGTH - suffix.length, MAX_BYTES - utf8Length(suffix)) || "Untitled"}${suffix}`;
}

/** How many bytes `s` takes in UTF-8. */
export function utf8Length(s: string): number {
	let n = 0;
	for (let i = 0; i < s.length; i++) {
		const c = s.charCodeAt(i);
		if (c < 0x80) n += 1;
		else if (c < 0x800) n += 2;
		else if (c >= 0xd800 && c <= 0xdbff && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
			n += 4; // a surrogate pair: one character beyond U+FFFF
			i++;
		} else n += 3;
	}
	return n;
}

/**
 * The length (UTF-16 units) of the longest start of `s` made of whole characters, as a reader sees
 * them (an emoji with its modifiers and joiners, a letter with its accents), within `max` units
 * and `maxBytes` UTF-8 bytes.
 */
function prefixWithin(s: string, max: number, maxBytes: number): number {
	let units = 0;
	let bytes = 0;
	for (const g of characters(s)) {
		const b = utf8Length(g);
		if (units + g.length > max || bytes + b > maxBytes) break;
		units += g.length;
		bytes += b;
	}
	return units;
}

/** The user-perceived characters of `s` (grapheme clusters), or its code points where Intl.Segmenter is missing (older mobile WebViews). */
function characters(s: string): string[] {
	const Segmenter = (Intl as { Segmenter?: typeof Intl.Segmenter }).Segmenter;
	if (Segmenter === undefined) return Array.from(s);
	return Array.from(new Segmenter(undefined, { granularity: "grapheme" }).segment(s), (x) => x.segment);
}
