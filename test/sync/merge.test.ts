// The merge every section goes through: ATT&CK's lines replaced, the user's kept verbatim next to
// what they followed, blank lines around the region kept, and the output a fixed point.
import { describe, expect, it } from "vitest";
import { mergeRegion, type Classifier, type NewLine } from "../../src/core/sync/merge";

/** List items `- X` where X is an uppercase word are ATT&CK's, keyed by X. */
const items: Classifier = (line) => {
	const m = /^- ([A-Z]\w*)$/.exec(line);
	return m ? { key: m[1] } : "user";
};
const fresh = (...names: string[]): NewLine[] => names.map((n) => ({ text: `- ${n}`, key: n }));
const LIST = { lead: 0, trail: 1 };

describe("mergeRegion", () => {
	it("keeps a block of 500k user lines (more than push() takes as arguments)", () => {
		const mine = "my line\n".repeat(500_000);
		expect(mergeRegion(`- Alpha\n${mine}`, fresh("Alpha"), items, LIST)).toBe(`- Alpha\n${mine}`);
	});

	it("replaces ATT&CK's lines and keeps the region's blank lines", () => {
		expect(mergeRegion("- Alpha\n- Beta\n\n", fresh("Alpha", "Gamma"), items, LIST)).toBe("- Alpha\n- Gamma\n\n");
	});

	it("returns the region unchanged when nothing differs (a fixed point)", () => {
		const region = "- Alpha\n- my item\n- Beta\n\nmy paragraph\n\n";
		const once = mergeRegion(region, fresh("Alpha", "Beta"), items, LIST);
		expect(once).toBe(region);
	});

	it("keeps a user item right under the item it followed, wherever that item moves", () => {
		const out = mergeRegion("- Alpha\n- my note on alpha\n- Beta\n", fresh("Beta", "Alpha"), items, LIST);
		expect(out).toBe("- Beta\n- Alpha\n- my note on alpha\n");
	});

	it("keeps one list when the user's item took the place of ATT&CK's only one", () => {
		const once = mergeRegion("- my own tactic note\n\n", fresh("Alpha"), items, LIST);
		expect(once).toBe("- my own tactic note\n- Alpha\n\n");
		expect(mergeRegion(once, fresh("Alpha"), items, LIST)).toBe(once);
		// A paragraph of the user's there still stands apart from the list.
		expect(mergeRegion("My words.\n\n", fresh("Alpha"), items, LIST)).toBe("My words.\n\n- Alpha\n\n");
	});

	it("keeps a paragraph that followed a block after the whole block", () => {
		const out = mergeRegion("- Alpha\n\nMy summary.\n\n", fresh("Beta", "Alpha", "Gamma"), items, LIST);
		expect(out).toBe("- Beta\n- Alpha\n- Gamma\n\nMy summary.\n\n");
	});

	it("keeps user text above all ATT&CK text first, and text after vanished ATT&CK text last", () => {
		expect(mergeRegion("<!-- mine -->\n- Alpha\n", fresh("Beta"), items, LIST)).toBe("<!-- mine -->\n- Beta\n");
		expect(mergeRegion("- Alpha\nafter alpha\n", fresh("Beta"), items, LIST)).toBe("- Beta\n\nafter alpha\n");
	});

	it("empties a section whose data ATT&CK dropped, keeping the user's lines", () => {
		expect(mergeRegion("- User\n- Administrator\n\n", [], items, LIST)).toBe("\n");
		expect(mergeRegion("- User\n\nMy summary.[^mine]\n\n", [], items, LIST)).toBe("\nMy summary.[^mine]\n\n");
	});

	it("fills an empty region with the layout's blank lines", () => {
		expect(mergeRegion("\n", fresh("Alpha"), items, LIST)).toBe("- Alpha\n\n");
		expect(mergeRegion("", fresh("Alpha"), items, { lead: 1, trail: 0 })).toBe("\n- Alpha\n");
	});

	it("keeps pinned lines (a notice) above user text that opens the region", () => {
		const notice: NewLine[] = [{ text: "> [!warning] Revoked", key: "notice", pin: true }];
		const classify: Classifier = (l) => (l.startsWith("> [!warning]") ? { key: "notice" } : "user");
		const once = mergeRegion("\nOld text.\n\n", notice, classify, LIST);
		expect(once).toBe("\n> [!warning] Revoked\n\nOld text.\n\n");
		expect(mergeRegion(once, notice, classify, LIST)).toBe(once);
	});

	it("is a fixed point after one merge for user lines anywhere", () => {
		const region = "mine first\n- Alpha\n- mine under alpha\n- Beta\n\nmine after\n\n- Gamma\nmine last\n";
		const next = fresh("Gamma", "Delta", "Alpha");
		const once = mergeRegion(region, next, items, LIST);
		for (const mine of ["mine first", "- mine under alpha", "mine after", "mine last"]) expect(once).toContain(mine);
		expect(mergeRegion(once, next, items, LIST)).toBe(once);
	});

	it("keeps the note's order of items by ID; a new item goes where ATT&CK's order puts it", () => {
		const byId: Classifier = (line) => {
			const m = /^- .*\((G\d{4})\)$/.exec(line);
			return m ? { key: `id:${m[1]}` } : "user";
		};
		const item = (name: string, id: string): NewLine => ({ text: `- ${name} (${id})`, key: `id:${id}` });
		const region = "- FIN7 (G0046)\n- APT28 (G0007)\n- my note on APT28\n- Turla (G0010)\n";
		// ATT&CK sorts by ID and adds G0016.
		const fresh = [item("APT28", "G0007"), item("Turla", "G0010"), item("APT29", "G0016"), item("FIN7", "G0046")];
		const out = mergeRegion(region, fresh, byId, LIST);
		expect(out).toBe("- FIN7 (G0046)\n- APT28 (G0007)\n- my note on APT28\n- APT29 (G0016)\n- Turla (G0010)\n");
		expect(mergeRegion(out, fresh, byId, LIST)).toBe(out);
	});
});
