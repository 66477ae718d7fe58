// The plugin as a user meets it: the built main.js in headless Chromium, on a DOM stand-in of
// Obsidian's API (test/browser/obsidian-dom.ts), driven through its commands on a desktop window
// (1280x800) and a phone (390x844). Skipped, with one line saying so, where /usr/bin/chromium is
// absent (`.ci/run` installs it). `SCREENSHOTS=1` writes the screenshots to docs/screenshots.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempDir } from "../helpers/temp";
import type {} from "./obsidian-dom";
import { DESKTOP, HAVE_CHROMIUM, PHONE, openPlugin, screenshotDir, startBrowser, startTestServer, type TestServer } from "./page";

if (!HAVE_CHROMIUM) console.warn("[skip] /usr/bin/chromium is absent: the browser tests (test/browser) are skipped; `apt-get install chromium` runs them.");

describe.skipIf(!HAVE_CHROMIUM)("the plugin in a browser", () => {
	let browser: Browser;
	let server: TestServer;

	beforeAll(async () => {
		server = await startTestServer();
		browser = (await startBrowser()) as Browser;
	});

	afterAll(async () => {
		await browser?.close();
		await server?.server.close();
	});

	it("loads in under 50 ms, reading no ATT&CK data, and sets no hotkeys", async () => {
		const t = await openPlugin(browser, server);
		expect(t.onloadMs).toBeLessThan(50);
		expect(t.onloadReads.filter((p) => /cache|releases/.test(p))).toEqual([]);
		const commands = await t.page.evaluate(() => window.obsidianStandIn.commands.map((c) => ({ id: c.localId, hotkeys: c.hotkeys ?? [] })));
		expect(commands.length).toBeGreaterThan(5);
		for (const c of commands) expect(c.hotkeys).toEqual([]);
		await t.close();
	});

	for (const [size, viewport] of [
		["desktop", DESKTOP],
		["phone", PHONE],
	] as const) {
		it(`fetches, then previews a sync on a ${size}`, async () => {
			const shots = screenshotDir(tempDir("shots"));
			const t = await openPlugin(browser, server, { viewport, shots });
			await t.run("fetch-data");
			expect(await t.notices()).toContainEqual(expect.stringMatching(/ready/));
			await t.run("sync-all");
			await t.page.waitForSelector(".modal .modal-content");
			await t.shot(`sync-preview-${size}`);
			await t.close();
		});
	}
});
