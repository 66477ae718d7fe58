// One note that a reader chokes on (a stack overflow, say) is skipped with a reason, and every
// other note is still checked and synced. The readers are made to throw for marked notes: the
// shapes that overflowed them for real are no longer handed to them (see pathological-notes).
import { describe, expect, it, vi } from "vitest";
import { loadBundle } from "../../src/core/attack/model";
import { runLinks } from "../../src/core/commands/links";
import { runSync } from "../../src/core/commands/sync";
import { MemoryVault } from "../helpers/memory-vault";
import { ENTERPRISE_FIXTURE, readText } from "../helpers/paths";

vi.mock("../../src/core/notes/markdown", async (original) => {
	const real = await original<typeof import("../../src/core/notes/markdown")>();
	return {
		...real,
		readStructure: (text: string, bodyStart: number) => {
			if (text.includes("BOOM-STRUCTURE")) throw new RangeError("Maximum call stack size exceeded");
			return real.readStructure(text, bodyStart);
		},
	};
});
vi.mock("../../src/core/notes/outline", async (original) => {
	const real = await original<typeof import("../../src/core/notes/outline")>();
	return {
		...real,
		readOutline: (text: string, bodyStart: number) => {
			if (text.includes("BOOM-OUTLINE")) throw new RangeError("Maximum call stack size exceeded");
			return real.readOutline(text, bodyStart);
		},
	};
});

const NIPS = "---\nalias: M1031\n---\n## M1031\n";

describe("a note a reader chokes on", () => {
	it("links: skipped with a reason while its structure is read; the other notes are checked and fixed", async () => {
		const vault = new MemoryVault({ "NIPS.md": NIPS, "bad.md": "BOOM-STRUCTURE [[Gone|M1031]]\n", "ok.md": "[[Gone|M1031]]\n" });
		const report = await runLinks(vault, { fix: true });
		expect(report.summary.skipped).toEqual([{ path: "bad.md", reason: expect.stringMatching(/could not be checked: Maximum call stack/) as unknown }]);
		expect(vault.files.get("ok.md")).toBe("[[NIPS|M1031]]\n");
		expect(vault.files.get("bad.md")).toBe("BOOM-STRUCTURE [[Gone|M1031]]\n");
	});

	it("links and sync: skipped with a reason while it is read; the other notes go on", async () => {
		const files = { "NIPS.md": NIPS, "bad.md": "BOOM-OUTLINE [[Gone|M1031]]\n", "ok.md": "[[Gone|M1031]]\n" };
		const links = await runLinks(new MemoryVault(files), { fix: false });
		expect(links.summary.skipped).toEqual([{ path: "bad.md", reason: expect.stringMatching(/could not be read safely: Maximum call stack/) as unknown }]);
		expect(links.links.map((l) => l.source)).toEqual(["ok.md"]);

		const model = loadBundle(readText(ENTERPRISE_FIXTURE), "enterprise-attack-18.1-subset.json");
		const { report } = await runSync(new MemoryVault(files), model, { version: "18.1" });
		expect(report.notes.find((n) => n.path === "bad.md")).toMatchObject({ action: "skipped", reason: expect.stringMatching(/could not be read safely/) as unknown });
		expect(report.notes.find((n) => n.path === "NIPS.md")?.action).toBe("updated");
	});

	it("sync: a note whose plan throws outside its text edits is skipped; the others are synced", async () => {
		const real = loadBundle(readText(ENTERPRISE_FIXTURE), "enterprise-attack-18.1-subset.json");
		const model = Object.create(real) as typeof real;
		model.getAll = (id: string) => {
			if (id === "T1566") throw new RangeError("Maximum call stack size exceeded");
			return real.getAll(id);
		};
		const vault = new MemoryVault({ "NIPS.md": NIPS, "Phishing.md": "---\nalias: T1566\n---\n## T1566\n" });
		const { report } = await runSync(vault, model, { version: "18.1" });
		expect(report.notes.find((n) => n.path === "Phishing.md")).toMatchObject({ action: "skipped", reason: expect.stringMatching(/could not be synced: Maximum call stack/) as unknown });
		expect(report.notes.find((n) => n.path === "NIPS.md")?.action).toBe("updated");
	});
});
