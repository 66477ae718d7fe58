/**
 * The Web Worker's entry (esbuild bundles it on its own and main.js carries it as text, started
 * from a Blob URL): it answers engine requests (engine.ts) one message at a time.
 */
import { handle, type EngineRequest } from "./engine";

interface WorkerScope {
	onmessage: ((e: MessageEvent<{ id: number; request?: EngineRequest; ping?: true }>) => void) | null;
	postMessage(message: unknown, transfer?: Transferable[]): void;
}

const scope = self as unknown as WorkerScope;
scope.onmessage = (e) => {
	const request = e.data.request;
	// The page's first message asks whether the worker runs at all.
	if (request === undefined) {
		scope.postMessage({ id: e.data.id });
		return;
	}
	void handle(request).then((reply) => {
		// The cache's bytes move to the page rather than being copied.
		const transfer = reply.ok && "cache" in reply.result ? [reply.result.cache.buffer] : [];
		scope.postMessage({ id: e.data.id, reply }, transfer);
	});
};
