// The word-level three-way merge: the user's edits inside ATT&CK text go onto the new text.
import { describe, expect, it } from "vitest";
import { carryInsertions, merge3, sameWords, tokenize } from "../../src/core/sync/words";

const BASE = "Adversaries may guess passwords to attempt access to accounts. Guessing can cause lockouts.[^cylance]";
const NEW = "Adversaries may guess passwords to attempt access to accounts. Guessing passwords can cause account lockouts.[^cylance]";

describe("merge3", () => {
	it("keeps the user's line when ATT&CK did not change", () => {
		const user = "Adversaries may ==guess passwords== to attempt access to accounts. Guessing can cause lockouts.[^cylance]";
		expect(merge3(BASE, user, BASE)).toEqual({ text: user, conflict: false });
	});

	it("carries a highlight, bold and a wrapped link onto the new text", () => {
		const user = "Adversaries may ==guess passwords== to attempt **access** to [[My notes|accounts]]. Guessing can cause lockouts.[^cylance]";
		expect(merge3(BASE, user, NEW)).toEqual({
			text: "Adversaries may ==guess passwords== to attempt **access** to [[My notes|accounts]]. Guessing passwords can cause account lockouts.[^cylance]",
			conflict: false,
		});
	});

	it("carries an inserted parenthetical and a deletion", () => {
		const user = "Adversaries may guess passwords (like my lab's admin/admin) to attempt access. Guessing can cause lockouts.[^cylance]";
		expect(merge3(BASE, user, NEW).text).toBe("Adversaries may guess passwords (like my lab's admin/admin) to attempt access. Guessing passwords can cause account lockouts.[^cylance]");
	});

	it("puts markup around words ATT&CK reworded", () => {
		const user = "Adversaries may guess passwords to attempt access to accounts. ==Guessing can cause lockouts.==[^cylance]";
		expect(merge3(BASE, user, NEW)).toEqual({ text: "Adversaries may guess passwords to attempt access to accounts. ==Guessing passwords can cause account lockouts.==[^cylance]", conflict: false });
	});

	it("reports a conflict when the user and ATT&CK changed the same words", () => {
		const user = "Adversaries may guess passwords to attempt access to accounts. Guessing may trigger lockouts.[^cylance]";
		expect(merge3(BASE, user, NEW).conflict).toBe(true);
	});

	it("does not take a generator's citation and link forms for edits", () => {
		const base = "Use [[Phishing]] as in [Phishing](https://attack.mitre.org/techniques/T1566).[^a-2020]";
		const user = "Use [Phishing](https://attack.mitre.org/techniques/T1566) as in [Phishing](https://attack.mitre.org/techniques/T1566).(Citation: A 2020)";
		const fresh = "Use [[Phishing]] as in [[Phishing]] often.[^a-2020]";
		expect(merge3(base, user, fresh)).toEqual({ text: fresh, conflict: false });
		expect(sameWords(base, user)).toBe(true);
	});

	it("keeps the note's wiki-link form in text ATT&CK did not change, and takes its new citations", () => {
		// reuteras links `[[Name - ID]]` (a note named so) where ATT&CK links the name alone.
		const base = "Adversaries may use [Proxy](https://attack.mitre.org/techniques/T1090) or VPNs. More text here.[^a]";
		const user = "Adversaries may use [[Proxy - T1090]] or VPNs. More text here.[^a]";
		const fresh = "Adversaries may use [Proxy](https://attack.mitre.org/techniques/T1090) or VPNs. More text here, and new.[^b]";
		expect(merge3(base, user, fresh)).toEqual({ text: "Adversaries may use [[Proxy - T1090]] or VPNs. More text here, and new.[^b]", conflict: false });
		expect(sameWords(base, user)).toBe(true);
	});

	it("takes the new link whole where ATT&CK renamed what a link of the note's shows as its target", () => {
		// Created at 17.1, where T1552.003 was Bash History; 18.1 names it Shell History and the
		// vault's note is still `Bash History.md`.
		const base = "plaintext files (e.g. [[Bash History]]), or registries.";
		const fresh = "plaintext files (e.g. [[Bash History|Shell History]]), or registries.";
		expect(merge3(base, base, fresh)).toEqual({ text: fresh, conflict: false });
		// A note named `Name - ID`: its link's end is the target's too.
		const named = "plaintext files (e.g. [[Bash History - T1552.003]]), or registries.";
		expect(merge3(base, named, "plaintext files (e.g. [[Bash History - T1552.003|Shell History]]), or registries.").text).toBe("plaintext files (e.g. [[Bash History - T1552.003|Shell History]]), or registries.");
		// The same words: the note's form of the link stays.
		expect(merge3(base, base, "plaintext files (e.g. [[techniques/Bash History|Bash History]]), and more.").text).toBe("plaintext files (e.g. [[Bash History]]), and more.");
	});

	it("reads a link written as `Name (ID)` (the export layout) as the same words", () => {
		expect(sameWords("Users may be lured by [Spearphishing Link](https://attack.mitre.org/techniques/T1566/002).", "Users may be lured by Spearphishing Link (T1566.002).")).toBe(true);
	});

	it("tokenizes words, markup, citations and links without losing a character", () => {
		const line = "A ==b== **c** [[x/y\\|Z]] [t](https://e.org/a_(b)) (Citation: Q 1)<br>`code.exe` é.";
		expect(tokenize(line).map((t) => t.text).join("")).toBe(line);
	});
});

describe("carryInsertions (no base)", () => {
	it("carries the markup added around ATT&CK's words", () => {
		expect(carryInsertions("Adversaries may ==guess== passwords.", "Adversaries may guess passwords.")).toBe("Adversaries may ==guess== passwords.");
		expect(carryInsertions("Adversaries may **guess [[Brute|passwords]]**.", "Adversaries may guess passwords.")).toBe("Adversaries may **guess [[Brute|passwords]]**.");
	});

	it("lets the new text win where the note's words differ", () => {
		expect(carryInsertions("Adversaries might guess passwords.", "Adversaries may guess passwords.")).toBe("Adversaries may guess passwords.");
	});
});
