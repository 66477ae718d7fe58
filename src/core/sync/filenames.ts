/**
 * File names for the notes the sync creates: safe on Windows, macOS, iOS and Android and in
 * Obsidian wiki-links, and distinct within a folder as macOS and Windows compare names (whatever
 * the case and the Unicode normalization), with ` (ID)` telling apart objects that share a name.
 */

const MAX_LENGTH = 120;

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

/** A file name (without extension) safe on Windows, macOS, iOS, Android and in Obsidian links: no `/ \ : * ? " < > |`, no `#`, `^`, `[`, `]` (they break wiki-links), no control chars, no leading/trailing spaces or dots, not a Windows reserved name (CON, PRN, AUX, NUL, COM1-9, LPT1-9, case-insensitive, also with an extension-like suffix); max 120 chars (cut at a word boundary); never empty (fallback given). Characters are replaced by a space or `-` sensibly ("Antivirus/Antimalware" → "Antivirus-Antimalware", "Exploitation: Foo" → "Exploitation - Foo"), runs of spaces collapsed. */
export function safeFileName(name: string, fallback: string): string {
	return clean(name, MAX_LENGTH) || clean(fallback, MAX_LENGTH) || "Untitled";
}

/** `name` made safe and at most `max` characters long; "" when nothing is left. */
function clean(name: string, max: number): string {
	let s = name
		.normalize("NFC")
		.replace(AS_DASH, "-")
		.replace(/:/g, " - ")
		.replace(AS_SPACE, " ")
		.replace(/\s+/g, " ")
		.replace(/^[\s.]+|[\s.]+$/g, "");
	if (s.length > max) {
		const space = s.lastIndexOf(" ", max);
		let cut = space > max / 2 ? space : max;
		const last = s.charCodeAt(cut - 1);
		if (last >= 0xd800 && last <= 0xdbff) cut--; // never split a surrogate pair
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

/** `name (id)`, the name shortened so that the whole stays within the length limit. */
function withId(name: string, id: string): string {
	const suffix = ` (${clean(id, MAX_LENGTH / 2)})`;
	return `${clean(name, MAX_LENGTH - suffix.length) || "Untitled"}${suffix}`;
}
