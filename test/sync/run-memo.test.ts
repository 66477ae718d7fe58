// The sync memo (commands/sync.ts planDomains): when the vault and everything else a plan
// depends on are exactly as the last sync left them, the notes are taken as they are, and the
// plan is the one working every note out again gives. Anything different plans in full.
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { planDomains, type RunMemo } from "../../src/core/commands/sync";
import { applyPlan, type SyncOptions } from "../../src/core/sync/plan";
import { MemoryVault } from "../helpers/memory-vault";
import { ENTERPRISE_FIXTURE } from "../helpers/paths";
import { model, textOf } from "./helpers";

const digest = (parts: Iterable<string>) => {
	const h = createHash("sha256");
	for (const p of parts) h.update(p);
	return h.digest("hex");
};
const memoOf = (last: string | null, salt = "test build"): RunMemo => ({ last, salt, digest });
const report = (notes: ReadonlyArray<{ path: string; action: string; id: string | null; warnings?: string[]; baseRelease?: string | null }>) => notes.map((n) => [n.path, n.action, n.id, n.warnings, n.baseRelease]);

describe("the sync memo", () => {
	const enterprise = model(ENTERPRISE_FIXTURE);
	const releases = { local: [], remote: () => Promise.resolve([]), load: () => Promise.resolve(null) };
	const opts: SyncOptions = { createMissing: ["technique", "subtechnique", "tactic", "mitigation"] };
	const domains = [{ model: enterprise, version: "18.1", releases }];

	/** A vault created by sync, and the fingerprint that sync left. */
	async function created() {
		const vault = new MemoryVault({ "Study/plan.md": "My plan: [[T1059]] first.\n" });
		const first = await planDomains(vault, domains, opts, memoOf(null));
		expect(first.asLeft).toBe(false);
		expect(first.plan.summary.created).toBeGreaterThan(0);
		expect((await applyPlan(vault, first.plan)).failed).toEqual([]);
		return { vault, left: first.fingerprintAfter() };
	}

	it("takes an unchanged vault as it is, reporting what a full sync reports", async () => {
		const { vault, left } = await created();
		expect(left).toMatch(/^[0-9a-f]{64}$/);
		const memo = await planDomains(vault, domains, opts, memoOf(left));
		const full = await planDomains(vault, domains, opts, memoOf(null));
		expect(memo.asLeft).toBe(true);
		expect(full.asLeft).toBe(false);
		expect(memo.plan.summary).toEqual(full.plan.summary);
		expect(memo.plan.summary.updated + memo.plan.summary.created).toBe(0);
		expect(report(memo.plan.notes)).toEqual(report(full.plan.notes));
		// Nothing written: the fingerprint stays.
		expect(memo.fingerprintAfter()).toBe(left);
	});

	it("plans in full when a note, the options, the release or the build differ", async () => {
		const { vault, left } = await created();
		const path = [...vault.files.keys()].find((p) => p.includes("techniques/") && textOf(vault.files.get(p)).includes("attack_name:")) as string;
		const text = textOf(vault.files.get(path));
		// An ATT&CK key the user changed: only a full sync puts it back.
		vault.files.set(path, text.replace(/^attack_name: .*$/m, "attack_name: Something else"));
		const edited = await planDomains(vault, domains, opts, memoOf(left));
		expect(edited.asLeft).toBe(false);
		expect(edited.plan.notes.find((n) => n.path === path)?.action).toBe("updated");
		vault.files.set(path, text);
		expect((await planDomains(vault, domains, opts, memoOf(left))).asLeft).toBe(true);
		expect((await planDomains(vault, domains, { createMissing: ["technique"] }, memoOf(left))).asLeft).toBe(false);
		expect((await planDomains(vault, domains, opts, memoOf(left, "another build"))).asLeft).toBe(false);
		// A new file anywhere changes what links resolve to.
		vault.files.set("Study/T1059.md", "mine\n");
		expect((await planDomains(vault, domains, opts, memoOf(left))).asLeft).toBe(false);
	});

	it("plans in full a note whose release is not recorded", async () => {
		const { vault } = await created();
		const path = [...vault.files.keys()].find((p) => textOf(vault.files.get(p)).includes("attack_version:")) as string;
		vault.files.set(path, textOf(vault.files.get(path)).replace(/^attack_version: .*\n/m, ""));
		const once = await planDomains(vault, domains, opts, memoOf(null));
		// Its memo is that of a vault where a note records no release: never taken as left.
		const again = await planDomains(vault, domains, opts, memoOf(once.fingerprintAfter()));
		expect(once.plan.notes.find((n) => n.path === path)?.action).toBe("updated");
		expect((await applyPlan(vault, once.plan)).failed).toEqual([]);
		expect(again.asLeft).toBe(false);
	});
});
