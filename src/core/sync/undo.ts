/**
 * "Undo last sync": before a sync writes, the original text of every file it will change is kept
 * (one JSON file per sync, `undo-<id>.json`, in a BackupStore: the plugin's folder in Obsidian),
 * for the last few syncs. Undo restores the latest sync's files through `Vault.process`, and
 * leaves alone any file changed since that sync wrote it: the user's later words are never lost.
 */
import { messageOf, UserError } from "../errors";
import type { Vault } from "../vault";
import type { SyncPlan } from "./plan";

/** Where backups live: the plugin adapter implements it with Obsidian's DataAdapter (in the plugin folder); tests with an in-memory map. */
export interface BackupStore {
	read(name: string): Promise<string | null>;
	write(name: string, data: string): Promise<void>;
	remove(name: string): Promise<void>;
	list(): Promise<string[]>;
}

export interface UndoRecord {
	/** Sortable by time: the UTC time with its punctuation dropped (`20250301T142233123Z`), then `-001`… when taken. */
	id: string;
	/** ISO time of the sync. */
	at: string;
	attackVersion: string | null;
	/** Every file the sync changes: its text before (null: the sync created it) and after. */
	files: Array<{ path: string; before: string | null; after: string }>;
}

export interface UndoResult {
	restored: string[];
	refused: Array<{ path: string; reason: string }>;
	/** One sentence for the user. */
	message: string;
}

const BOM = "\ufeff";
const NAME = /^undo-(.+)\.json$/;
const nameOf = (id: string) => `undo-${id}.json`;

/** Why a file was left as it is; each has its own clause in the message. */
const REASONS = {
	changed: "changed since the sync",
	deleted: "deleted since the sync",
	created: "created by the sync; delete it to finish the undo",
} as const;

export class UndoLog {
	private readonly keep: number;

	constructor(
		private readonly store: BackupStore,
		opts: { keep?: number } = {},
	) {
		this.keep = Math.max(1, Math.floor(opts.keep ?? 5));
	}

	/**
	 * Record the plan's changes (call before applying); returns the record id, or null when the
	 * plan changes nothing (no record, so a sync that writes nothing does not push out older ones).
	 * Prunes to the `keep` newest records.
	 */
	async record(plan: SyncPlan, at: string): Promise<string | null> {
		const files: UndoRecord["files"] = [];
		for (const n of plan.notes) {
			if (n.after === undefined) continue;
			if (n.action === "created") files.push({ path: n.path, before: null, after: n.after });
			else if (n.action === "updated" && n.before !== undefined) files.push({ path: n.path, before: n.before, after: n.after });
		}
		if (files.length === 0) return null;
		const time = Date.parse(at);
		if (Number.isNaN(time)) throw new Error(`internal: undo record time "${at}" is not an ISO time`);
		const base = new Date(time).toISOString().replace(/[^0-9TZ]/g, "");
		const taken = new Set(await this.ids());
		let id = base;
		for (let seq = 1; taken.has(id); seq++) id = `${base}-${String(seq).padStart(3, "0")}`;
		const record: UndoRecord = { id, at, attackVersion: plan.attackVersion, files };
		await this.store.write(nameOf(id), JSON.stringify(record));
		const ids = [...taken, id].sort();
		for (const old of ids.slice(0, Math.max(0, ids.length - this.keep))) await this.store.remove(nameOf(old));
		return id;
	}

	/** The newest record, or null when there is none. */
	async latest(): Promise<UndoRecord | null> {
		const ids = (await this.ids()).sort();
		const id = ids[ids.length - 1];
		if (id === undefined) return null;
		const name = nameOf(id);
		const text = await this.store.read(name);
		if (text === null) return null;
		let record: unknown;
		try {
			record = JSON.parse(text);
		} catch (err) {
			throw new UserError(`The undo record ${name} in the plugin folder is damaged (${messageOf(err)}); delete it to undo earlier syncs.`);
		}
		if (!isRecord(record)) throw new UserError(`The undo record ${name} in the plugin folder is not one this plugin wrote; delete it to undo earlier syncs.`);
		return record;
	}

	/**
	 * Restore the latest record through `vault.process` (a created note is deleted only via the
	 * injected `remove` callback, else its text is left and reported): a file whose current text
	 * differs from `after` is refused and reported; the others are restored; the record is removed
	 * when everything was restored (kept, and the refused files named, otherwise).
	 */
	async undoLatest(vault: Vault, remove?: (path: string) => Promise<void>): Promise<UndoResult> {
		const record = await this.latest();
		if (!record) return { restored: [], refused: [], message: "There is no sync to undo." };
		const restored: string[] = [];
		const refused: UndoResult["refused"] = [];
		let deleted = 0;
		for (const f of record.files) {
			try {
				const outcome = f.before === null ? await undoCreate(vault, f.path, f.after, remove) : await undoUpdate(vault, f.path, f.before, f.after);
				if (outcome === "restored" || outcome === "removed") {
					restored.push(f.path);
					if (outcome === "removed") deleted++;
				} else refused.push({ path: f.path, reason: REASONS[outcome] });
			} catch (err) {
				refused.push({ path: f.path, reason: `could not be restored: ${messageOf(err)}` });
			}
		}
		if (refused.length === 0) await this.store.remove(nameOf(record.id));
		return { restored, refused, message: messageFor(restored.length - deleted, deleted, refused) };
	}

	private async ids(): Promise<string[]> {
		const out: string[] = [];
		for (const name of await this.store.list()) {
			const m = NAME.exec(name);
			if (m) out.push(m[1]);
		}
		return out;
	}
}

/** Whether `current` is `text` as read: exactly, or with the leading BOM Obsidian's read may drop. */
function sameAs(current: string, text: string): { same: boolean; bomDropped: boolean } {
	if (current === text) return { same: true, bomDropped: false };
	if (text.startsWith(BOM) && `${BOM}${current}` === text) return { same: true, bomDropped: true };
	return { same: false, bomDropped: false };
}

async function undoUpdate(vault: Vault, path: string, before: string, after: string): Promise<"restored" | "changed" | "deleted"> {
	if (!(await vault.exists(path))) return "deleted";
	let outcome: "restored" | "changed" = "changed";
	await vault.process(path, (current) => {
		const was = sameAs(current, after);
		if (was.same) {
			outcome = "restored";
			// As applyPlan does: a read that dropped the BOM gets text without it.
			return was.bomDropped && before.startsWith(BOM) ? before.slice(1) : before;
		}
		// Already as before the sync (applying it failed for this file): nothing to do.
		if (sameAs(current, before).same) outcome = "restored";
		return current;
	});
	return outcome;
}

async function undoCreate(vault: Vault, path: string, after: string, remove?: (path: string) => Promise<void>): Promise<"removed" | "restored" | "changed" | "created"> {
	// Gone already (never written, or deleted by the user): as before the sync.
	if (!(await vault.exists(path))) return "restored";
	if (!sameAs(await vault.read(path), after).same) return "changed";
	if (!remove) return "created";
	await remove(path);
	return "removed";
}

function isRecord(x: unknown): x is UndoRecord {
	if (typeof x !== "object" || x === null) return false;
	const r = x as Partial<UndoRecord>;
	return (
		typeof r.id === "string" &&
		typeof r.at === "string" &&
		(r.attackVersion === null || typeof r.attackVersion === "string") &&
		Array.isArray(r.files) &&
		r.files.every((f: unknown) => {
			const file = f as Partial<UndoRecord["files"][number]> | null;
			return typeof file === "object" && file !== null && typeof file.path === "string" && typeof file.after === "string" && (file.before === null || typeof file.before === "string");
		})
	);
}

const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** A note's name as the user knows it: the file name without `.md`. */
function noteName(path: string): string {
	return path.slice(path.lastIndexOf("/") + 1).replace(/\.md$/i, "");
}

function names(paths: readonly string[]): string {
	const shown = paths.slice(0, 5).map(noteName);
	if (paths.length > 5) return `${shown.join(", ")} and ${paths.length - 5} more`;
	if (shown.length <= 1) return shown.join("");
	return `${shown.slice(0, -1).join(", ")} and ${shown[shown.length - 1]}`;
}

/** "Restored 12 notes; 1 was changed since the sync and was left as it is: X." */
function messageFor(restored: number, deleted: number, refused: UndoResult["refused"]): string {
	let head: string;
	if (restored + deleted === 0) head = "Nothing was restored";
	else if (deleted === 0) head = `Restored ${count(restored, "note", "notes")}`;
	else if (restored === 0) head = `Deleted the ${deleted === 1 ? "note" : `${deleted} notes`} the sync created`;
	else head = `Restored ${count(restored, "note", "notes")} and deleted ${deleted === 1 ? "the one" : `the ${deleted}`} the sync created`;
	const by = (reason: string) => refused.filter((r) => r.reason === reason).map((r) => r.path);
	const was = (n: number) => (n === 1 ? "was" : "were");
	const clauses: string[] = [];
	const changed = by(REASONS.changed);
	if (changed.length > 0) clauses.push(`${changed.length} ${was(changed.length)} changed since the sync and ${was(changed.length)} left as ${changed.length === 1 ? "it is" : "they are"}: ${names(changed)}`);
	const gone = by(REASONS.deleted);
	if (gone.length > 0) clauses.push(`${gone.length} ${was(gone.length)} deleted since the sync and ${was(gone.length)} not brought back: ${names(gone)}`);
	const created = by(REASONS.created);
	if (created.length > 0) clauses.push(`${created.length} created by the sync ${was(created.length)} left for you to delete: ${names(created)}`);
	const failed = refused.filter((r) => !Object.values<string>(REASONS).includes(r.reason));
	if (failed.length > 0) clauses.push(`${failed.length} could not be restored: ${failed.map((r) => `${noteName(r.path)} (${r.reason.replace(/^could not be restored: /, "")})`).join(", ")}`);
	return `${[head, ...clauses].join("; ")}.`;
}
