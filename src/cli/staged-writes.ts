/**
 * Writing new notes' temporary files on a second thread while the rest of the sync is planned.
 *
 * A sync that creates thousands of notes spends about as long in the file system (creating each
 * temporary file, writing it, flushing it to the disk) as in working the notes out. Each new
 * note's text is final once planned (plan.ts's `onCreated`), so a worker thread writes and
 * flushes its temporary file meanwhile, on the machine's other core. Nothing is in the vault's
 * notes until the plan is applied: the apply only renames each staged file over its note (the
 * same last step as every write, fs-vault.ts), and a dry run, a plan that fails or a note planned
 * otherwise removes the staged files. A killed run leaves dot-files of its pid, which the next
 * run removes (write-file.ts).
 */
import { Worker } from "node:worker_threads";

/**
 * The worker: each message is a list of jobs, each a temporary file and its text; it writes the whole text, flushes
 * it to the disk (in the background, so that many flush at once) and answers with the error's
 * message, or null. Plain JavaScript, run from this
 * string: the CLI is one bundled file.
 */
const WORKER = `
const { parentPort } = require("node:worker_threads");
const fs = require("node:fs");
const answer = (id, err) => parentPort.postMessage({ id, error: err ? (err instanceof Error ? err.message : String(err)) : null });
parentPort.on("message", (jobs) => {
	for (const job of jobs) write(job);
});
function write({ id, file, data }) {
	let fd = -1;
	try {
		fd = fs.openSync(file, "w");
		const bytes = Buffer.from(data, "utf8");
		let done = 0;
		while (done < bytes.length) {
			const n = fs.writeSync(fd, bytes, done, bytes.length - done, null);
			if (!(n > 0)) throw new Error("the disk took " + done + " of " + bytes.length + " bytes and then nothing (full?)");
			done += n;
		}
	} catch (err) {
		if (fd >= 0) try { fs.closeSync(fd); } catch {}
		answer(id, err);
		return;
	}
	// The flush waits in libuv's thread pool: files flush side by side, committed together.
	const flushed = fd;
	fs.fsync(flushed, (err) => fs.close(flushed, (closeErr) => answer(id, err || closeErr)));
}
`;

/** Files handed to the thread per message: one message per file cost the planning thread a tenth. */
const BATCH = 16;

/** Temporary files written and flushed by one worker thread, in the order asked. */
export class StagedWrites {
	private worker: Worker | null = null;
	private next = 0;
	private readonly waiting = new Map<number, (error: string | null) => void>();
	private batch: Array<{ id: number; file: string; data: string }> = [];

	/** Writes `data` whole to `file` and flushes it: resolves to null when done, else to why not. */
	write(file: string, data: string): Promise<string | null> {
		const worker = this.started();
		const id = this.next++;
		// The thread keeps the process alive only while a write is under way.
		if (this.waiting.size === 0) worker.ref();
		const done = new Promise<string | null>((resolve) => this.waiting.set(id, resolve));
		this.batch.push({ id, file, data });
		if (this.batch.length >= BATCH) this.flush();
		return done;
	}

	/** Hands the files asked for so far to the thread (a write's caller does before waiting on it). */
	flush(): void {
		if (this.batch.length === 0 || this.worker === null) return;
		this.worker.postMessage(this.batch);
		this.batch = [];
	}

	/** Ends the thread once the writes under way are done (they are awaited by their callers). */
	async close(): Promise<void> {
		this.flush();
		const worker = this.worker;
		this.worker = null;
		if (worker === null) return;
		await Promise.all([...this.waiting.keys()].map((id) => new Promise<void>((resolve) => {
			const resolveWrite = this.waiting.get(id);
			this.waiting.set(id, (error) => {
				resolveWrite?.(error);
				resolve();
			});
		})));
		await worker.terminate();
	}

	private started(): Worker {
		if (this.worker !== null) return this.worker;
		const worker = new Worker(WORKER, { eval: true });
		worker.on("message", ({ id, error }: { id: number; error: string | null }) => {
			const resolve = this.waiting.get(id);
			this.waiting.delete(id);
			if (this.waiting.size === 0) worker.unref();
			resolve?.(error);
		});
		// A worker that dies (out of memory) fails the writes it had: each of those notes is
		// reported not written.
		worker.on("error", (err) => this.failAll(err.message));
		worker.on("exit", () => this.failAll("the writing thread ended"));
		worker.unref();
		this.worker = worker;
		return worker;
	}

	private failAll(why: string): void {
		for (const resolve of this.waiting.values()) resolve(why);
		this.waiting.clear();
	}
}
