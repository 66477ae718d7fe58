// The test harness itself: what keeps the suite deterministic under load.
import { describe, expect, it } from "vitest";
import { startLocalServer } from "../helpers/local-server";

/** Lets the client settle after a response, so it would hand its socket to the next request. */
const pause = () => new Promise((resolve) => setTimeout(resolve, 20));

describe("the local HTTP server tests download from", () => {
	it("closes every connection after its answer, so even Node's pooling fetch never reuses one", async () => {
		const server = await startLocalServer((_req, res) => res.end("ok"));
		try {
			for (let i = 0; i < 3; i++) {
				const res = await fetch(server.url);
				expect(res.headers.get("connection")).toBe("close");
				expect(await res.text()).toBe("ok");
				await pause();
			}
			expect(server.connections()).toBe(3);
		} finally {
			await server.close();
		}
	});
});
