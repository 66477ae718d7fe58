/**
 * A throwaway HTTP server on 127.0.0.1 for tests that download (the CLI's `fetch`, the plugin's
 * `requestUrl`). Every response says `Connection: close`, so the server closes each connection
 * once it has answered and no client keeps one for the next request.
 *
 * Why: Node's server drops a kept-alive connection after `keepAliveTimeout` (5 s) without a
 * request. When the test process's event loop is busy for longer than that (a whole sync through
 * the Obsidian stand-in runs as one chain of promises), the client and the server both miss their
 * timers; the client then writes its next request on the kept socket and the server's timer,
 * run before the request is read, closes the socket under it: ECONNRESET. With no connection
 * ever reused, that cannot happen, however loaded the machine is.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface LocalServer {
	/** `http://127.0.0.1:PORT/` */
	url: string;
	port: number;
	server: http.Server;
	/** Connections accepted so far. */
	connections(): number;
	/** Closes the server and every connection still open (one that never got an answer, too). */
	close(): Promise<void>;
}

export async function startLocalServer(handler: http.RequestListener): Promise<LocalServer> {
	let connections = 0;
	const server = http.createServer((req, res) => {
		res.setHeader("Connection", "close");
		handler(req, res);
	});
	server.on("connection", () => connections++);
	await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
	const port = (server.address() as AddressInfo).port;
	return {
		url: `http://127.0.0.1:${port}/`,
		port,
		server,
		connections: () => connections,
		close: () =>
			new Promise<void>((resolve, reject) => {
				server.closeAllConnections();
				server.close((err) => (err ? reject(err) : resolve()));
			}),
	};
}
