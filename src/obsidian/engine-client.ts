/**
 * The page's side of the engine (engine.ts): requests go to a Web Worker started from the code
 * main.js carries, so parsing a bundle and planning a sync never hold Obsidian's window. Where
 * there is no Worker (or it does not answer its first message: a content policy may stop it) the
 * engine runs in the page, as before. `stop()` ends the worker and whatever it was doing (a
 * cancel); the next request starts a new one. A request may ask the page things on the way
 * (`ask`: a plan's earlier releases, which only the page can read or download): the worker's
 * question comes as a message, the answer goes back as one, its bytes moved, not copied.
 */
import workerCode from "attack-sync-worker-code";
import { UserError } from "../core/errors";
import { handle, type Answer, type Ask, type CacheRef, type EngineReply, type EngineRequest, type EngineResult, type Question } from "./engine";

type Pending = { resolve: (reply: EngineReply) => void; ask?: Ask };

export class Engine {
	private worker: Worker | null = null;
	private url: string | null = null;
	private failed = false;
	private starting: Promise<Worker | null> | null = null;
	private next = 1;
	private readonly pending = new Map<number, Pending>();
	/** The caches the engine holds (sent once per worker). */
	private readonly known = new Set<string>();

	/** Whether the engine holds this cache; the caller sends its text otherwise. */
	has(key: string): boolean {
		return this.known.has(key);
	}

	/** `ask`: answers the engine's questions while it works on this request (see engine.ts `Question`). */
	async run(request: EngineRequest, ask?: Ask): Promise<EngineResult> {
		for (const ref of refsOf(request)) if (ref.bytes !== undefined) this.known.add(ref.key);
		const worker = await this.start();
		const inPage: Ask | undefined = ask && (async (q) => this.noted(await ask(q)));
		const reply = worker ? await this.post(worker, request, ask) : await handle(request, inPage);
		if (!reply.ok) throw reply.user ? new UserError(reply.message) : new Error(reply.message);
		const result = reply.result;
		if ("key" in result) this.known.add(result.key);
		return result;
	}

	/** An answer's cache goes with its bytes only once per worker: the engine holds it after (marked as it is sent, never for a worker since stopped). */
	private noted(answer: Answer): Answer {
		if ("ref" in answer && answer.ref?.bytes !== undefined) this.known.add(answer.ref.key);
		return answer;
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

	/**
	 * The worker, once it answered a first message; null where none can run (no Worker, or one
	 * that a content policy stops): the engine then runs in the page.
	 */
	private start(): Promise<Worker | null> {
		if (this.failed) return Promise.resolve(null);
		if (this.worker) return Promise.resolve(this.worker);
		if (typeof Worker === "undefined" || typeof Blob === "undefined" || typeof URL.createObjectURL !== "function") {
			this.failed = true;
			return Promise.resolve(null);
		}
		return (this.starting ??= new Promise<Worker | null>((ready) => {
			const giveUp = () => {
				this.failed = true;
				this.starting = null;
				ready(null);
			};
			let worker: Worker;
			try {
				this.url ??= URL.createObjectURL(new Blob([workerCode], { type: "text/javascript" }));
				worker = new Worker(this.url);
			} catch {
				giveUp();
				return;
			}
			let answered = false;
			// Results come back as bytes or short strings, so taking them costs the page little.
			worker.onmessage = (e: MessageEvent<{ id: number; reply?: EngineReply; ask?: number; question?: Question }>) => {
				if (!answered) {
					answered = true;
					this.worker = worker;
					this.starting = null;
					ready(worker);
				}
				if (e.data.ask !== undefined && e.data.question !== undefined) {
					this.answer(worker, e.data.id, e.data.ask, e.data.question);
					return;
				}
				const p = this.pending.get(e.data.id);
				this.pending.delete(e.data.id);
				if (e.data.reply) p?.resolve(e.data.reply);
			};
			worker.onerror = (e) => {
				e.preventDefault();
				worker.terminate();
				if (!answered) giveUp();
				else {
					this.fail(`the background worker stopped: ${e.message}`);
					this.stop();
				}
			};
			worker.postMessage({ id: 0, ping: true });
		}));
	}

	/** Cache and bundle bytes move to the worker rather than being copied. */
	private post(worker: Worker, request: EngineRequest, ask?: Ask): Promise<EngineReply> {
		const id = this.next++;
		const buffers = new Set<ArrayBuffer>();
		if (request.kind === "store") buffers.add(request.bytes.buffer as ArrayBuffer);
		for (const ref of refsOf(request)) if (ref.bytes) buffers.add(ref.bytes.buffer as ArrayBuffer);
		return new Promise<EngineReply>((resolve) => {
			this.pending.set(id, { resolve, ask });
			worker.postMessage({ id, request }, [...buffers]);
		});
	}

	/**
	 * The worker's question about request `id`, answered by that request's `ask`; whatever goes
	 * wrong answers "none" (the engine goes on without it). No answer goes to a worker since
	 * stopped (a cancel): the next one has no such question.
	 */
	private answer(worker: Worker, id: number, ask: number, question: Question): void {
		const p = this.pending.get(id);
		const none: Answer = question.kind === "listed" ? { versions: [] } : { ref: null };
		void (async () => {
			let value = none;
			try {
				if (p?.ask) value = await p.ask(question);
			} catch {
				value = none;
			}
			if (this.worker !== worker) return;
			this.noted(value);
			const bytes = "ref" in value ? value.ref?.bytes : undefined;
			worker.postMessage({ answer: ask, value }, bytes ? [bytes.buffer as ArrayBuffer] : []);
		})();
	}

	/** Every pending request fails with this message. */
	private fail(message: string): void {
		for (const p of this.pending.values()) p.resolve({ ok: false, message, user: false });
		this.pending.clear();
	}
}

function refsOf(r: EngineRequest): CacheRef[] {
	if (r.kind === "plan") return r.domains.flatMap((d) => (d.previous ? [d.current, d.previous] : [d.current]));
	if (r.kind === "techniques") return [r.cache];
	if (r.kind === "matrix") return r.releases.map((x) => x.cache);
	if (r.kind === "report") return [r.current, r.previous].flatMap((x) => (x ? [x.cache] : []));
	if (r.kind === "create") return [r.release.cache];
	if (r.kind === "links") return r.releases ?? [];
	return [];
}
