import { describe, it, expect } from "vitest";
import { distinctNames, foldName, safeFileName, utf8Length } from "../../src/core/sync/filenames";

describe("safeFileName", () => {
	it("keeps ordinary ATT&CK names as they are", () => {
		for (const name of ["Password Spraying", "Spearphishing Link", "T1110.003", "APT28", "Pass the Hash", "Ngrok (S0508)", "Émotet – variant"]) {
			expect(safeFileName(name, "x")).toBe(name);
		}
	});

	it("replaces separators with `-` and a colon with ` - `", () => {
		expect(safeFileName("Antivirus/Antimalware", "M1049")).toBe("Antivirus-Antimalware");
		expect(safeFileName("Exploitation: Foo", "T0")).toBe("Exploitation - Foo");
		expect(safeFileName("Exploit:Foo", "T0")).toBe("Exploit - Foo");
		expect(safeFileName("HTTP\\HTTPS", "T0")).toBe("HTTP-HTTPS");
		expect(safeFileName("curl|wget", "T0")).toBe("curl-wget");
		expect(safeFileName("NetBIOS / SMB", "T0")).toBe("NetBIOS - SMB");
	});

	it("takes out every other forbidden character, with a space", () => {
		for (const ch of ["*", "?", '"', "<", ">", "#", "^", "[", "]"]) {
			expect(safeFileName(`A${ch}B`, "x"), ch).toBe("A B");
			expect(safeFileName(`A ${ch} B`, "x"), ch).toBe("A B");
		}
		expect(safeFileName('What is "Pass the Hash"?', "x")).toBe("What is Pass the Hash");
		expect(safeFileName("C# [beta] #tag ^block", "x")).toBe("C beta tag block");
	});

	it("takes out control characters and collapses whitespace", () => {
		expect(safeFileName("A\u0000B\tC\nD\u001fE\u007fF\u0085G", "x")).toBe("A B C D E F G");
		expect(safeFileName("A  \u00a0 B", "x")).toBe("A B");
	});

	it("has no leading or trailing spaces or dots", () => {
		expect(safeFileName("  .hidden name. . ", "x")).toBe("hidden name");
		expect(safeFileName("Ends with dots...", "x")).toBe("Ends with dots");
		expect(safeFileName("Inc. in the middle", "x")).toBe("Inc. in the middle");
	});

	it("avoids Windows reserved names, in any case, also with an extension", () => {
		for (const name of ["CON", "prn", "Aux", "nul", "COM1", "com9", "LPT1", "lpt9"]) {
			expect(safeFileName(name, "x")).toBe(`${name}_`);
		}
		expect(safeFileName("con.txt", "x")).toBe("con_.txt");
		expect(safeFileName("NUL.tar.gz", "x")).toBe("NUL_.tar.gz");
		expect(safeFileName("CON.", "x")).toBe("CON_");
		expect(safeFileName("Console", "x")).toBe("Console");
		expect(safeFileName("COM10", "x")).toBe("COM10");
		expect(safeFileName("LPT", "x")).toBe("LPT");
		expect(safeFileName("AUX Cable", "x")).toBe("AUX Cable");
	});

	it("cuts long names at a word boundary, to at most 120 characters", () => {
		const words = Array.from({ length: 30 }, (_, i) => `word${i}`).join(" ");
		const cut = safeFileName(words, "x");
		expect(cut.length).toBeLessThanOrEqual(120);
		expect(words.startsWith(cut)).toBe(true);
		expect(words[cut.length]).toBe(" ");
		expect(safeFileName("a".repeat(200), "x")).toBe("a".repeat(120));
		expect(safeFileName(`${"a".repeat(100)} - ${"b".repeat(30)}`, "x")).toBe("a".repeat(100));
		expect(safeFileName(`${"a".repeat(119)}\u{1F600}`, "x")).toBe("a".repeat(119));
	});

	it("is never empty: the fallback, then Untitled", () => {
		expect(safeFileName("", "T1566.002")).toBe("T1566.002");
		expect(safeFileName(" ?*:/ ", "T1566.002")).toBe("T1566.002");
		expect(safeFileName("...", "T1566.002")).toBe("T1566.002");
		expect(safeFileName("  ", "[]")).toBe("Untitled");
	});
});

describe("distinctNames", () => {
	const SPEARPHISHING = [
		{ id: "T1598.003", name: "Spearphishing Link" },
		{ id: "T1566.002", name: "Spearphishing Link" },
		{ id: "T1110.003", name: "Password Spraying" },
	];

	it("appends the ID to names that collide: the Spearphishing Link pair", () => {
		expect(distinctNames(SPEARPHISHING, new Set())).toEqual(
			new Map([
				["T1110.003", "Password Spraying"],
				["T1566.002", "Spearphishing Link (T1566.002)"],
				["T1598.003", "Spearphishing Link (T1598.003)"],
			]),
		);
	});

	it("gives the same names whatever the input order", () => {
		const expected = [...distinctNames(SPEARPHISHING, new Set()).entries()].sort();
		for (const order of [[0, 1, 2], [2, 1, 0], [1, 2, 0], [2, 0, 1]]) {
			const items = order.map((i) => SPEARPHISHING[i]);
			expect([...distinctNames(items, new Set()).entries()].sort()).toEqual(expected);
		}
		const tricky = [
			{ id: "T2", name: "Foo" },
			{ id: "T1", name: "foo" },
			{ id: "T3", name: "Foo (T1)" },
			{ id: "T4", name: "Bar" },
		];
		const a = distinctNames(tricky, new Set(["bar"]));
		const b = distinctNames([...tricky].reverse(), new Set(["bar"]));
		expect([...a.entries()].sort()).toEqual([...b.entries()].sort());
	});

	it("compares case-insensitively, with each other and with taken names", () => {
		const names = distinctNames(
			[
				{ id: "T1", name: "Valid Accounts" },
				{ id: "T2", name: "valid accounts" },
				{ id: "T3", name: "Pass the Hash" },
				{ id: "T4", name: "Brute Force" },
			],
			new Set(["PASS THE HASH", "Something Else"]),
		);
		expect(names).toEqual(
			new Map([
				["T1", "Valid Accounts (T1)"],
				["T2", "valid accounts (T2)"],
				["T3", "Pass the Hash (T3)"],
				["T4", "Brute Force"],
			]),
		);
	});

	it("compares the safe names: names that differ only in forbidden characters collide", () => {
		const names = distinctNames(
			[
				{ id: "M1", name: "Antivirus/Antimalware" },
				{ id: "M2", name: "Antivirus\\Antimalware" },
			],
			new Set(),
		);
		expect(names.get("M1")).toBe("Antivirus-Antimalware (M1)");
		expect(names.get("M2")).toBe("Antivirus-Antimalware (M2)");
	});

	it("keeps names distinct even when a name with its ID is taken too", () => {
		const names = distinctNames(
			[
				{ id: "T1", name: "Foo" },
				{ id: "T2", name: "Foo" },
				{ id: "T3", name: "Foo (T1)" },
			],
			new Set(["foo (t2)"]),
		);
		expect(names).toEqual(
			new Map([
				["T1", "Foo (T1 2)"],
				["T2", "Foo (T2 2)"],
				["T3", "Foo (T1)"],
			]),
		);
		expect(new Set([...names.values()].map((n) => n.toLowerCase())).size).toBe(3);
	});

	it("keeps a long name with its ID within 120 characters", () => {
		const long = Array.from({ length: 30 }, (_, i) => `word${i}`).join(" ");
		const names = distinctNames(
			[
				{ id: "T1566.002", name: long },
				{ id: "T1598.003", name: long },
			],
			new Set(),
		);
		for (const [id, name] of names) {
			expect(name.length).toBeLessThanOrEqual(120);
			expect(name.endsWith(` (${id})`)).toBe(true);
		}
	});

	it("names objects without a usable name by their ID", () => {
		expect(distinctNames([{ id: "T9999", name: "???" }], new Set())).toEqual(new Map([["T9999", "T9999"]]));
	});

	it("compares names as macOS and Windows do: NFC-normalized and case-folded", () => {
		const nfc = "Process Doppelg\u00e4nging";
		const nfd = "Process Doppelga\u0308nging";
		expect(foldName(nfd)).toBe(foldName(nfc));
		expect(foldName("MITRE ATT&CK")).toBe(foldName("mitre att&ck"));
		expect(foldName("\u03c3\u03c2")).toBe(foldName("\u03a3\u03a3"));
		expect(foldName("Password Spraying")).not.toBe(foldName("Password Spray"));
		// A name taken in NFD, or in another case, is taken.
		expect(distinctNames([{ id: "T1055.013", name: nfc }], new Set([nfd]))).toEqual(new Map([["T1055.013", `${nfc} (T1055.013)`]]));
		expect(distinctNames([{ id: "T1", name: "Mitre ATT&CK" }], new Set(["MITRE att&ck"]))).toEqual(new Map([["T1", "Mitre ATT&CK (T1)"]]));
		// Two objects whose names differ only so collide with each other.
		const pair = distinctNames(
			[
				{ id: "T1", name: nfc },
				{ id: "T2", name: nfd },
			],
			new Set(),
		);
		expect(pair).toEqual(
			new Map([
				["T1", `${nfc} (T1)`],
				["T2", `${nfc} (T2)`],
			]),
		);
	});

	it("writes new names in NFC, as Obsidian's paths are", () => {
		expect(safeFileName("Process Doppelga\u0308nging", "T1055.013")).toBe("Process Doppelg\u00e4nging");
	});

	it("keeps names within 255 bytes with .md, cut between characters: CJK, emoji sequences, stacked accents", () => {
		const cjk = safeFileName("\u653b".repeat(100), "x");
		expect(utf8Length(`${cjk}.md`)).toBeLessThanOrEqual(255);
		expect(cjk).toBe("\u653b".repeat(84));
		const family = "\u{1F468}\u200D\u{1F469}\u200D\u{1F467}\u200D\u{1F466}";
		const emoji = safeFileName(family.repeat(30), "x");
		expect(utf8Length(`${emoji}.md`)).toBeLessThanOrEqual(255);
		expect(emoji).toBe(family.repeat(emoji.length / family.length));
		expect(emoji.length).toBeGreaterThan(0);
		const stacked = "q\u0323\u0307"; // in NFC order: dot below, then dot above
		const accents = safeFileName(stacked.repeat(60), "x");
		expect(accents).toBe(stacked.repeat(40));
		// Between words when there is a space in the second half.
		const words = safeFileName(`${"\u653b\u6483".repeat(30)} ${"\u653b".repeat(60)}`, "x");
		expect(words).toBe("\u653b\u6483".repeat(30));
		expect(utf8Length(`${words}.md`)).toBeLessThanOrEqual(255);
	});

	it("keeps the ID of a long CJK name that needs one, within 255 bytes", () => {
		const long = "\u653b".repeat(100);
		const names = distinctNames(
			[
				{ id: "T1566.002", name: long },
				{ id: "T1598.003", name: long },
			],
			new Set(),
		);
		for (const [id, name] of names) {
			expect(name.endsWith(` (${id})`)).toBe(true);
			expect(utf8Length(`${name}.md`)).toBeLessThanOrEqual(255);
			expect(name.startsWith("\u653b".repeat(79))).toBe(true);
		}
	});
});
