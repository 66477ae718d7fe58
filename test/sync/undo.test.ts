// "Undo last sync": a real sync of the sample vault (with CRLF and BOM notes) recorded, applied and
// undone byte for byte; a note edited after the sync is left as it is and named; notes the sync
// created go only through the callback; records are pruned to `keep`.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runSync } from "../../src/core/commands/sync";
import { applyPlan, type SyncPlan } from "../../src/core/sync/plan";
import { UndoLog, type BackupStore, type UndoRecord } from "../../src/core/sync/undo";
import { MemoryVault } from "../helpers/memory-vault";
import { ENTERPRISE_FIXTURE, FIXTURES } from "../helpers/paths";
import { appConfig, model, readTree, snapshot, toCrlf, withBom } from "./helpers";

const SAMPLE = path.join(FIXTURES, "sample-vault");
const ATTACK = "CyberSecurity/Security+/1-Threats-Attacks-Vulnerabilities/Attacking-Frameworks/MITRE ATT&CK/Enterprise-Attack";
const PHISHING = `${ATTACK}/techniques/Phishing.md`;
const BRUTE = `${ATTACK}/techniques/Brute Force.md`;
const VALID = `${ATTACK}/techniques/Valid Accounts.md`;

class MemoryStore implements BackupStore {
	readonly files = new Map<string, string>();
	read(name: string): Promise<string | null> {
		return Promise.resolve(this.files.get(name) ?? null);
	}
	write(name: string, data: string): Promise<void> {
		this.files.set(name, data);
		return Promise.resolve();
	}
	remove(name: string): Promise<void> {
		this.files.delete(name);
		return Promise.resolve();
	}
	list(): Promise<string[]> {
		return Promise.resolve([...this.files.keys()]);
	}
}

/** Obsidian's read may drop a leading BOM: this vault hands `process` the text without it. */
class BomDroppingVault extends MemoryVault {
	override process(p: string, update: (current: string) => string): Promise<string> {
		return super.process(p, (current) => {
			const read = current.replace(/^\ufeff/, "");
			const next = update(read);
			return next === read ? current : next;
		});
	}
}

/** The sample vault, Phishing in CRLF and Brute Force with a BOM and CRLF. */
function sampleVault(Vault: typeof MemoryVault = MemoryVault): MemoryVault {
	const files = readTree(SAMPLE);
	files[PHISHING] = toCrlf(files[PHISHING]);
	files[BRUTE] = withBom(toCrlf(files[BRUTE]));
	return new Vault(files, appConfig(SAMPLE));
}

async function planFor(vault: MemoryVault): Promise<SyncPlan> {
	return (await runSync(vault, model(ENTERPRISE_FIXTURE), { dryRun: true, createMissing: true, version: "18.1" })).plan;
}

/** Record, then apply, as the plugin does. */
async function syncRecorded(vault: MemoryVault, log: UndoLog, at = "2025-03-01T14:22:33.123Z"): Promise<{ plan: SyncPlan; id: string | null }> {
	const plan = await planFor(vault);
	const id = await log.record(plan, at);
	const applied = await applyPlan(vault, plan);
	expect(applied.failed).toEqual([]);
	return { plan, id };
}

const removeFrom = (vault: MemoryVault) => (p: string) => {
	vault.files.delete(p);
	return Promise.resolve();
};

describe("UndoLog", () => {
	it("restores every file byte for byte (CRLF and BOM included) and deletes created notes through the callback", async () => {
		const vault = sampleVault();
		const original = snapshot(vault);
		const store = new MemoryStore();
		const log = new UndoLog(store);
		const { plan, id } = await syncRecorded(vault, log);
		expect(plan.summary.created).toBeGreaterThan(0);
		expect(vault.files.get(BRUTE)).toMatch(/^\ufeff/);
		expect(vault.files.get(BRUTE)).not.toBe(original.get(BRUTE));
		expect([...store.files.keys()]).toEqual([`undo-${id}.json`]);
		expect(id).toBe("20250301T142233123Z");
		const record = (await log.latest()) as UndoRecord;
		expect(record).toMatchObject({ id, at: "2025-03-01T14:22:33.123Z", attackVersion: "18.1" });
		expect(record.files).toHaveLength(plan.summary.updated + plan.summary.created);

		const removed: string[] = [];
		const result = await log.undoLatest(vault, (p) => {
			removed.push(p);
			return removeFrom(vault)(p);
		});
		expect(result.refused).toEqual([]);
		expect(result.restored).toHaveLength(record.files.length);
		expect(removed).toEqual(plan.notes.filter((n) => n.action === "created").map((n) => n.path));
		expect(result.message).toBe(`Restored ${plan.summary.updated} notes and deleted the ${plan.summary.created} the sync created.`);
		expect(snapshot(vault)).toEqual(original);
		expect(await log.latest()).toBeNull();
		expect(store.files.size).toBe(0);
		expect((await log.undoLatest(vault)).message).toBe("There is no sync to undo.");
	});

	it("leaves a note edited after the sync as it is, names it, and keeps the record until it can be undone", async () => {
		const vault = sampleVault();
		const original = snapshot(vault);
		const log = new UndoLog(new MemoryStore());
		const { plan } = await syncRecorded(vault, log);
		const synced = vault.files.get(PHISHING) as string;
		vault.files.set(PHISHING, `${synced}\r\nMy words after the sync.\r\n`);

		const first = await log.undoLatest(vault, removeFrom(vault));
		expect(first.refused).toEqual([{ path: PHISHING, reason: "changed since the sync" }]);
		expect(first.restored).not.toContain(PHISHING);
		expect(first.message).toBe(`Restored ${plan.summary.updated - 1} notes and deleted the ${plan.summary.created} the sync created; 1 was changed since the sync and was left as it is: Phishing.`);
		expect(vault.files.get(PHISHING)).toBe(`${synced}\r\nMy words after the sync.\r\n`);
		expect(vault.files.get(VALID)).toBe(original.get(VALID));
		expect(await log.latest()).not.toBeNull();

		// The user takes the edit back out: undo finishes, and the record goes.
		vault.files.set(PHISHING, synced);
		const second = await log.undoLatest(vault, removeFrom(vault));
		expect(second.refused).toEqual([]);
		expect(second.restored).toContain(PHISHING);
		expect(snapshot(vault)).toEqual(original);
		expect(await log.latest()).toBeNull();
	});

	it("without a remove callback, leaves created notes and says so; a note deleted since is not brought back", async () => {
		const vault = sampleVault();
		const log = new UndoLog(new MemoryStore());
		const { plan } = await syncRecorded(vault, log);
		vault.files.delete(VALID);
		const created = plan.notes.filter((n) => n.action === "created");
		const result = await log.undoLatest(vault);
		expect(result.refused).toContainEqual({ path: VALID, reason: "deleted since the sync" });
		for (const n of created) {
			expect(result.refused).toContainEqual({ path: n.path, reason: "created by the sync; delete it to finish the undo" });
			expect(vault.files.get(n.path)).toBe(n.after);
		}
		expect(vault.files.has(VALID)).toBe(false);
		expect(result.message).toMatch(new RegExp(`^Restored ${plan.summary.updated - 1} notes; 1 was deleted since the sync and was not brought back: Valid Accounts; ${created.length} created by the sync were left for you to delete: `));
		expect(result.message.endsWith(".")).toBe(true);
		expect(await log.latest()).not.toBeNull();
	});

	it("matches a read that dropped the BOM, and writes back as applyPlan does", async () => {
		const vault = sampleVault(BomDroppingVault);
		const original = snapshot(vault);
		const log = new UndoLog(new MemoryStore());
		await syncRecorded(vault, log);
		const result = await log.undoLatest(vault, removeFrom(vault));
		expect(result.refused).toEqual([]);
		expect(vault.files.get(BRUTE)).toBe((original.get(BRUTE) as string).slice(1));
		expect(vault.files.get(PHISHING)).toBe(original.get(PHISHING));
	});

	it("keeps the newest `keep` records, with ids sortable by time", async () => {
		const store = new MemoryStore();
		const log = new UndoLog(store, { keep: 2 });
		const plan = await planFor(sampleVault());
		const ids = [];
		for (const at of ["2025-03-01T10:00:00.000Z", "2025-03-01T09:00:00+02:00", "2025-03-02T10:00:00.000Z", "2025-03-02T10:00:00.000Z"]) ids.push(await log.record(plan, at));
		expect(ids).toEqual(["20250301T100000000Z", "20250301T070000000Z", "20250302T100000000Z", "20250302T100000000Z-001"]);
		expect([...store.files.keys()].sort()).toEqual(["undo-20250302T100000000Z-001.json", "undo-20250302T100000000Z.json"]);
		expect((await log.latest())?.id).toBe("20250302T100000000Z-001");
	});

	it("records nothing for a sync that changes nothing, and says clearly when there is nothing to undo", async () => {
		const vault = sampleVault();
		const store = new MemoryStore();
		const log = new UndoLog(store);
		await syncRecorded(vault, log);
		await log.undoLatest(vault, removeFrom(vault));
		await runSync(vault, model(ENTERPRISE_FIXTURE), { createMissing: true, version: "18.1" });
		expect(await log.record(await planFor(vault), "2025-03-03T00:00:00.000Z")).toBeNull();
		expect(store.files.size).toBe(0);
		expect(await log.undoLatest(vault)).toEqual({ restored: [], refused: [], message: "There is no sync to undo." });
	});

	it("words the message for one note, and reports a failed removal", async () => {
		const plan: SyncPlan = {
			attackVersion: null,
			domain: "enterprise-attack",
			summary: { updated: 1, unchanged: 0, created: 1, skipped: 0 },
			notes: [
				{ path: "a/Old.md", id: "T1", layout: "classic", action: "updated", before: "old\n", after: "new\n" },
				{ path: "a/New.md", id: "T2", layout: "classic", action: "created", after: "made\n" },
			],
		};
		const run = async (remove: (p: string) => Promise<void>) => {
			const vault = new MemoryVault({ "a/Old.md": "old\n" });
			const log = new UndoLog(new MemoryStore());
			await log.record(plan, "2025-03-01T10:00:00Z");
			await applyPlan(vault, plan);
			return { result: await log.undoLatest(vault, remove), vault, log };
		};
		const ok = await run((p) => Promise.resolve(void p));
		expect(ok.result.message).toBe("Restored 1 note and deleted the one the sync created.");
		const failed = await run(() => Promise.reject(new Error("EACCES: permission denied")));
		expect(failed.result).toEqual({
			restored: ["a/Old.md"],
			refused: [{ path: "a/New.md", reason: "could not be restored: EACCES: permission denied" }],
			message: "Restored 1 note; 1 could not be restored: New (EACCES: permission denied).",
		});
		expect(failed.vault.files.get("a/Old.md")).toBe("old\n");
		expect((await failed.log.latest())?.attackVersion).toBeNull();
	});

	it("refuses a damaged record with a message naming it", async () => {
		const store = new MemoryStore();
		store.files.set("undo-20250301T100000000Z.json", "{not json");
		store.files.set("notes.txt", "not a record");
		await expect(new UndoLog(store).latest()).rejects.toThrow(/undo record undo-20250301T100000000Z\.json .* is damaged/);
	});
});
