/**
 * The page's side of the engine (engine.ts): requests go to a Web Worker started from the code
 * main.js carries, so parsing a bundle and planning a sync never hold Obsidian's window. Where
 * there is no Worker (or it cannot start) the engine runs in the page, as before. `stop()` ends the
 * worker and whatever it was doing (a cancel); the next request starts a new one.
 */
import workerCode from "attack-sync-worker-code";
import { UserError } from "../core/errors";
import { handle, type CacheRef, type EngineReply, type EngineRequest, type EngineResult } from "./engine";

type Pending = (reply: EngineReply) => void;

export class Engine {
	private worker: Worker | null = null;
	private url: string | null = null;
	private failed = false;
	private next = 1;
	private readonly pending = new Map<number, Pending>();
	/** The caches the engine holds (sent once per worker). */
	private readonly known = new Set<string>();

	/** Whether the engine holds this cache; the caller sends its text otherwise. */
	has(key: string): boolean {
		return this.known.has(key);
	}

	async run(request: EngineRequest, transfer: Transferable[] = []): Promise<EngineResult> {
		for (const ref of refsOf(request)) if (ref.bytes !== undefined) this.known.add(ref.key);
		const worker = this.start();
		const reply = worker ? await this.post(worker, request, transfer) : await handle(request);
		if (!reply.ok) throw reply.user ? new UserError(reply.message) : new Error(reply.message);
		const result = reply.result;
		if ("key" in result) this.known.add(result.key);
		return result;
	}

	/** End the worker and what it was doing; pending requests fail. */
	stop(): void {
		this.worker?.terminate();
		this.worker = null;
		this.known.clear();
		this.fail("the background worker was stopped");
	}

	dispose(): void {
		this.stop();
		if (this.url !== null) URL.revokeObjectURL(this.url);
		this.url = null;
	}

	private start(): Worker | null {
		if (this.worker || this.failed) return this.worker;
		if (typeof Worker === "undefined" || typeof Blob === "undefined" || typeof URL.createObjectURL !== "function") {
			this.failed = true;
			return null;
		}
		try {
			this.url ??= URL.createObjectURL(new Blob([workerCode], { type: "text/javascript" }));
			const worker = new Worker(this.url);
			// Results come back as bytes or short strings, so taking them costs the page little.
			worker.onmessage = (e: MessageEvent<{ id: number; reply: EngineReply }>) => {
				const p = this.pending.get(e.data.id);
				this.pending.delete(e.data.id);
				p?.(e.data.reply);
			};
			worker.onerror = (e) => {
				this.fail(`the background worker stopped: ${e.message}`);
				this.stop();
			};
			this.worker = worker;
		} catch {
			this.failed = true;
		}
		return this.worker;
	}

	private post(worker: Worker, request: EngineRequest, transfer: Transferable[]): Promise<EngineReply> {
		const id = this.next++;
		return new Promise<EngineReply>((resolve) => {
			this.pending.set(id, resolve);
			worker.postMessage({ id, request }, transfer);
		});
	}

	/** Every pending request fails with this message. */
	private fail(message: string): void {
		for (const p of this.pending.values()) p({ ok: false, message, user: false });
		this.pending.clear();
	}
}

function refsOf(r: EngineRequest): CacheRef[] {
	if (r.kind === "plan") return r.domains.flatMap((d) => (d.previous ? [d.current, d.previous] : [d.current]));
	if (r.kind === "techniques") return [r.cache];
	return [];
}
