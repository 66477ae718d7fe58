/**
 * The Web Worker's entry (esbuild bundles it on its own and main.js carries it as text, started
 * from a Blob URL): it answers engine requests (engine.ts), each as its own message. A request
 * that needs something of the page on the way (a plan's earlier releases) asks it: `{id, ask,
 * question}` out, `{answer, value}` back; other requests are answered meanwhile.
 */
import { handle, type Answer, type EngineRequest, type Question } from "./engine";

interface WorkerScope {
	onmessage: ((e: MessageEvent<{ id: number; request?: EngineRequest; ping?: true } | { answer: number; value: Answer }>) => void) | null;
	postMessage(message: unknown, transfer?: Transferable[]): void;
}

const scope = self as unknown as WorkerScope;
const waiting = new Map<number, (value: Answer) => void>();
let nextAsk = 1;

scope.onmessage = (e) => {
	const data = e.data;
	if ("answer" in data) {
		const resolve = waiting.get(data.answer);
		waiting.delete(data.answer);
		resolve?.(data.value);
		return;
	}
	const request = data.request;
	// The page's first message asks whether the worker runs at all.
	if (request === undefined) {
		scope.postMessage({ id: data.id });
		return;
	}
	const ask = (question: Question) =>
		new Promise<Answer>((resolve) => {
			const n = nextAsk++;
			waiting.set(n, resolve);
			scope.postMessage({ id: data.id, ask: n, question });
		});
	void handle(request, ask).then((reply) => {
		// The cache's bytes move to the page rather than being copied.
		const transfer = reply.ok && "cache" in reply.result ? [reply.result.cache.buffer] : [];
		scope.postMessage({ id: data.id, reply }, transfer);
	});
};
