// The plugin as a user meets it: the built main.js in headless Chromium, on a DOM stand-in of
// Obsidian's API (test/browser/obsidian-dom.ts), driven through its commands on a desktop window
// (1280x800) and a phone (390x844). Skipped, with one line saying so, where /usr/bin/chromium is
// absent (`.ci/run` installs it). `SCREENSHOTS=1` writes the screenshots to docs/screenshots.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { HAVE_SHARED, ROOT, SHARED_STIX } from "../helpers/paths";
import { tempDir } from "../helpers/temp";
import type {} from "./obsidian-dom";
import { DESKTOP, HAVE_CHROMIUM, PHONE, fixtureAttackFiles, openPlugin, readmeScreenshots, screenshotDir, shotsTaken, startBrowser, startTestServer, type PluginPage, type TestServer } from "./page";

if (!HAVE_CHROMIUM) console.warn("[skip] /usr/bin/chromium is absent: the browser tests (test/browser) are skipped; `apt-get install chromium` runs them.");

/** Whether the element is on screen and nothing covers its middle. */
async function inView(page: Page, selector: string): Promise<boolean> {
	return page.$eval(selector, (el) => {
		const r = el.getBoundingClientRect();
		if (r.width === 0 || r.bottom > window.innerHeight || r.top < 0 || r.right > window.innerWidth || r.left < 0) return false;
		const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
		return hit !== null && (el === hit || el.contains(hit));
	});
}

/** The class names of the elements inside the open modal that scroll (their content is taller than they are). */
async function scrollers(page: Page): Promise<string[]> {
	return page.$$eval(".modal-container .modal *", (els) => els.filter((el) => /auto|scroll/.test(getComputedStyle(el).overflowY) && el.scrollHeight > el.clientHeight).map((el) => el.getAttribute("class") ?? ""));
}

/**
 * Every message every notice showed: the plugin's name first, then words, not the machine IDs of
 * domains, error class names or a double space left by a missing value.
 */
async function expectNoticesInWords(t: PluginPage): Promise<void> {
	const all = await t.page.evaluate(() => window.obsidianStandIn.notices.flatMap((n) => n.messages));
	expect(all.length).toBeGreaterThan(0);
	for (const m of all) {
		expect(m).toMatch(/^ATT&CK Sync: \S/);
		expect(m).not.toMatch(/enterprise-attack|mobile-attack|ics-attack|TypeError|Error:|undefined|null| {2}/);
	}
}

/** Put a bundle the test server serves into the vault at `vaultPath` (a file on disk), then import it with the command and its file picker. */
async function importBundle(t: PluginPage, url: string, vaultPath: string): Promise<void> {
	await t.page.evaluate(
		async ([u, p]) => {
			const store = window.obsidianStandIn.store;
			store.put(p, new Uint8Array(await (await fetch(u)).arrayBuffer()));
			store.onDisk.set(p, u);
		},
		[url, vaultPath] as const,
	);
	await t.resetLongTasks();
	await t.run("import-data");
	await t.page.fill(".prompt-input", vaultPath);
	await t.page.locator(".suggestion-item", { hasText: vaultPath }).first().click();
	await t.settle();
}

describe("the README's screenshots", () => {
	it("are the files in docs/screenshots, no more, no fewer", () => {
		const files = readdirSync(path.join(ROOT, "docs/screenshots")).filter((f) => f.endsWith(".png")).map((f) => f.slice(0, -4)).sort();
		expect(readmeScreenshots().length).toBeGreaterThan(0);
		expect(files).toEqual(readmeScreenshots());
	});
});

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
		// Each screenshot taken is one the README shows; `npm run screenshots` (the whole file) takes every one.
		expect([...shotsTaken].filter((n) => !readmeScreenshots().includes(n))).toEqual([]);
		if (process.env.SCREENSHOTS === "1") expect([...shotsTaken].sort()).toEqual(readmeScreenshots());
	});

	it("loads in under 50 ms, reading no ATT&CK data, and sets no hotkeys", async () => {
		const t = await openPlugin(browser, server);
		console.log(`onload took ${t.onloadMs.toFixed(1)} ms`);
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
		it(`previews a sync on a ${size}: summary and buttons in view, rows by name, word-level diffs built when opened`, async () => {
			const shots = screenshotDir(tempDir("shots"));
			const t = await openPlugin(browser, server, { viewport, shots });
			await t.run("fetch-data");
			await t.run("sync-all");
			const modal = await t.page.waitForSelector(".attack-sync-preview");
			// Planning said what it was doing, in a notice that could cancel it, gone once the preview is open.
			expect(await t.page.evaluate(() => window.obsidianStandIn.notices.some((n) => n.hidden && n.messages.some((m) => m.startsWith("ATT&CK Sync: preparing the sync preview: "))))).toBe(true);
			expect(await inView(t.page, ".attack-sync-preview-summary")).toBe(true);
			expect(await inView(t.page, ".attack-sync-preview-buttons button.mod-cta")).toBe(true);
			expect(await inView(t.page, ".attack-sync-preview-buttons button:not(.mod-cta)")).toBe(true);
			expect(await t.page.locator(".attack-sync-preview-buttons button").allTextContents()).toEqual([expect.stringMatching(/^Apply to \d+ notes$/), "Cancel"]);
			expect(await t.page.textContent(".attack-sync-preview-counts")).toMatch(/^\d+ notes to update/);
			expect(await t.page.locator(".attack-sync-preview-summary .attack-sync-chip").allTextContents()).toEqual(expect.arrayContaining([expect.stringMatching(/^\d+ techniques$/), expect.stringMatching(/^\d+ mitigations$/), expect.stringMatching(/^\d+ new facts$/), expect.stringMatching(/^\d+ changed text$/), expect.stringMatching(/^\d+ revoked or deprecated$/)]));
			// Rows are named by the note; the folder is a muted line of its own.
			const names = await t.page.locator(".attack-sync-note .attack-sync-note-name").allTextContents();
			expect(names).toContain("Malicious Link");
			for (const n of names) expect(n).not.toContain("/");
			expect(await t.page.$eval(".attack-sync-note .attack-sync-note-name", (el) => getComputedStyle(el).fontFamily)).not.toMatch(/mono/i);
			// The folder the notes share is said once, in the summary; a row shows only the rest of its folder, muted.
			const common = /; notes in (.+)$/.exec((await t.page.locator(".attack-sync-preview-summary .attack-sync-muted").first().textContent()) ?? "")?.[1];
			expect(common).toBe("CyberSecurity/Security+");
			const folders = await t.page.$$eval(".attack-sync-note-folder", (els) => els.map((el) => ({ text: el.textContent ?? "", muted: getComputedStyle(el).color === getComputedStyle(document.querySelector(".attack-sync-muted") as Element).color })));
			expect(folders.length).toBeGreaterThan(0);
			for (const f of folders) expect(f).toEqual({ text: expect.not.stringContaining(common ?? "") as unknown, muted: true });
			// Each updated note says the release its ATT&CK text was written from (the sample vault's is 15.1, downloaded by the worker's sync), muted.
			const bases = await t.page.$$eval(".attack-sync-note-base", (els) => els.map((el) => ({ text: el.textContent ?? "", muted: getComputedStyle(el).color === getComputedStyle(document.querySelector(".attack-sync-muted") as Element).color })));
			expect(bases).toContainEqual({ text: "Written from ATT&CK 15.1", muted: true });
			expect(await t.page.evaluate(() => window.obsidianStandIn.requests.filter((r) => /enterprise-attack-1[57]\.1/.test(r)))).toEqual(expect.arrayContaining([expect.stringMatching(/15\.1\.json$/)]));
			// One scrolling part; no diff is built before its row is opened, and none scrolls inside it.
			expect(await scrollers(t.page)).toEqual(["attack-sync-scroll"]);
			expect(await t.page.locator(".attack-sync-diff").count()).toBe(0);
			const row = t.page.locator(".attack-sync-note", { has: t.page.locator(".attack-sync-note-name", { hasText: /^Malicious Link$/ }) }).first();
			await row.locator("summary").click();
			await row.locator(".attack-sync-diff").waitFor();
			expect(await t.page.locator(".attack-sync-diff").count()).toBe(1);
			expect(await row.locator(".attack-sync-diff del, .attack-sync-diff ins").count()).toBeGreaterThan(0);
			expect(await row.locator(".attack-sync-diff").evaluate((el) => getComputedStyle(el).overflowY)).toBe("visible");
			expect(await modal.textContent()).not.toMatch(/@@/);
			await row.scrollIntoViewIfNeeded();
			await t.shot(`sync-preview-${size}`);
			// Scrolled to the end, the summary and the buttons are still there.
			await t.page.locator(".attack-sync-note").last().scrollIntoViewIfNeeded();
			expect(await inView(t.page, ".attack-sync-preview-summary")).toBe(true);
			expect(await inView(t.page, ".attack-sync-preview-buttons button.mod-cta")).toBe(true);
			await t.page.click(".attack-sync-preview-buttons button.mod-cta");
			await t.settle();
			// With nothing left to apply, the one button says Close.
			await t.run("sync-all");
			await t.page.waitForSelector(".attack-sync-preview");
			expect(await t.page.locator(".attack-sync-preview-buttons button").allTextContents()).toEqual(["Close"]);
			await t.close();
		});
	}

	it("syncs the current note and creates missing notes through the same preview", async () => {
		const t = await openPlugin(browser, server);
		await t.run("fetch-data");
		const seed = "CyberSecurity/Security+/1-Threats-Attacks-Vulnerabilities/Attacking-Frameworks/MITRE ATT&CK/Enterprise-Attack/techniques/Malicious Link.md";
		await t.page.evaluate((p) => window.obsidianStandIn.setActive(p), seed);
		const before = await t.page.evaluate((p) => window.obsidianStandIn.readFile(p), seed);
		await t.run("sync-current-note");
		await t.page.waitForSelector(".attack-sync-preview");
		expect(await t.page.locator(".attack-sync-note .attack-sync-note-name").allTextContents()).toEqual(["Malicious Link"]);
		expect(await t.page.evaluate((p) => window.obsidianStandIn.readFile(p), seed)).toBe(before);
		await t.page.click(".attack-sync-preview-buttons button.mod-cta");
		await t.settle();
		expect(await t.page.evaluate((p) => window.obsidianStandIn.readFile(p), seed)).not.toBe(before);

		await t.run("create-missing-notes");
		await t.page.waitForSelector(".attack-sync-preview");
		expect(await t.page.textContent(".attack-sync-preview-counts")).toMatch(/\d+ notes? to create$/);
		expect(await t.page.locator(".attack-sync-note .attack-sync-change-new").count()).toBeGreaterThan(0);
		expect(await t.page.evaluate(() => window.obsidianStandIn.store.vaultWrites.length)).toBe(1);
		await t.page.click(".attack-sync-preview-buttons button:not(.mod-cta)");
		expect(await t.page.locator(".attack-sync-preview").count()).toBe(0);
		expect(await t.page.evaluate(() => window.obsidianStandIn.store.vaultWrites.length)).toBe(1);
		await t.close();
	});

	it("says each outcome once, in words, with the plugin's name; a cancel takes effect at once", async () => {
		const outcomes = async (t: PluginPage) => (await t.notices()).filter((n) => !/Click to cancel\.$/.test(n));
		const offline = await openPlugin(browser, server, { settings: { baseUrl: "http://127.0.0.1:9/" } });
		await offline.run("fetch-data");
		const failed = await outcomes(offline);
		expect(failed).toHaveLength(1);
		expect(failed[0]).toMatch(/^ATT&CK Sync: could not download http:\/\/127\.0\.0\.1:9\/index\.json: /);
		expect(failed[0]).not.toMatch(/TypeError|Failed to fetch|fetch failed/);
		await expectNoticesInWords(offline);
		await offline.close();

		// A pinned release the index does not list: the core's message, with the domain in words.
		const pinned = await openPlugin(browser, server, { settings: { version: "99.9" } });
		await pinned.run("fetch-data");
		expect(await outcomes(pinned)).toEqual([expect.stringMatching(/^ATT&CK Sync: Enterprise ATT&CK 99\.9 is not in the ATT&CK index .*; the latest there is 18\.1\.$/)]);
		await expectNoticesInWords(pinned);
		await pinned.close();

		// The bundle never comes until released: the cancel must not wait for it.
		const t = await openPlugin(browser, server, { settings: { baseUrl: server.held } });
		await t.page.evaluate(() => window.obsidianStandIn.runCommand("fetch-data"));
		const progress = t.page.locator(".notice", { hasText: /downloading release 18\.1/ });
		await progress.click();
		await t.settle();
		expect(await outcomes(t)).toEqual(["ATT&CK Sync: fetching Enterprise ATT&CK was cancelled; nothing was changed."]);
		expect(await t.page.locator(".notice", { hasText: /Click to cancel/ }).count()).toBe(0);
		server.release();
		// The download that arrives after the cancel is dropped: no second notice, no cache.
		await t.page.waitForFunction(() => window.obsidianStandIn.requests.length >= 2);
		await t.settle();
		expect(await outcomes(t)).toHaveLength(1);
		expect(await t.page.evaluate(() => [...window.obsidianStandIn.store.files.keys()].filter((p) => p.includes("plugins/attack-sync/cache")))).toEqual([]);
		await expectNoticesInWords(t);
		await t.close();

		const ok = await openPlugin(browser, server);
		await ok.run("fetch-data");
		expect(await outcomes(ok)).toEqual(["ATT&CK Sync: Enterprise ATT&CK 18.1 is ready."]);
		await ok.run("sync-all");
		await ok.page.click(".attack-sync-preview-buttons button.mod-cta");
		await ok.settle();
		expect((await outcomes(ok)).slice(1)).toEqual([expect.stringMatching(/^ATT&CK Sync: updated \d+ notes\. "Undo last sync" restores them\.$/)]);
		// Undo says which sync it undoes and what it restores, and waits for a yes.
		await ok.run("undo-last-sync");
		const confirm = ok.page.locator(".modal", { has: ok.page.locator(".modal-title", { hasText: /^Undo last sync$/ }) });
		expect(await confirm.locator(".modal-content p").textContent()).toMatch(/^The sync of .+ \(ATT&CK 18\.1\): undoing it restores \d+ notes as they were\. A note changed since is left as it is\.$/);
		await confirm.locator("button.mod-warning").click();
		await ok.settle();
		expect((await outcomes(ok)).slice(2)).toEqual([expect.stringMatching(/^ATT&CK Sync: Restored \d+ notes/)]);
		await expectNoticesInWords(ok);
		await ok.close();
	});

	it("a cancel while the sync preview fetches missing data stops the fetch at once and keeps nothing", async () => {
		// Its own server: the bundle is held until this test releases it.
		const held = await startTestServer();
		try {
			const t = await openPlugin(browser, held, { settings: { baseUrl: held.held } });
			await t.page.evaluate(() => window.obsidianStandIn.runCommand("sync-all"));
			// One notice for the whole task: the preview's, saying it is downloading the missing data.
			const progress = t.page.locator(".notice", { hasText: /^ATT&CK Sync: preparing the sync preview: fetching Enterprise ATT&CK, downloading release 18\.1… Click to cancel\.$/ });
			await progress.waitFor();
			expect(await t.page.locator(".notice").count()).toBe(1);
			await progress.click();
			// The plugin stops waiting at once: idle, one outcome, no progress left, while the bundle is still held.
			await t.settle();
			const outcomes = async () => (await t.notices()).filter((n) => !/Click to cancel\.$/.test(n));
			expect(await outcomes()).toEqual(["ATT&CK Sync: preparing the sync preview was cancelled; nothing was changed."]);
			expect(await t.page.locator(".notice").count()).toBe(1);
			expect(await t.page.evaluate(() => window.obsidianStandIn.answered)).toEqual([`${held.held}index.json`]);
			held.release();
			// The bundle that arrives after the cancel is dropped: no preview, no second notice, no cache.
			await t.page.waitForFunction(() => window.obsidianStandIn.answered.length >= 2);
			await t.settle();
			expect(await t.page.locator(".attack-sync-preview").count()).toBe(0);
			expect(await t.notices()).toHaveLength(2);
			expect(await t.page.evaluate(() => [...window.obsidianStandIn.store.files.keys()].filter((p) => p.includes("plugins/attack-sync/")))).toEqual([]);
			await expectNoticesInWords(t);
			await t.close();
		} finally {
			await held.server.close();
		}
	});

	it("a cancel while the sync preview downloads an earlier release stops the worker's sync at once and keeps nothing", async () => {
		const held = await startTestServer();
		try {
			// 18.1 cached; then the earlier releases come from a base URL that holds them.
			const t = await openPlugin(browser, held);
			await t.run("fetch-data");
			await t.page.evaluate((url) => ((window as unknown as { plugin: { settings: { baseUrl: string } } }).plugin.settings.baseUrl = url), held.held);
			await t.page.evaluate(() => window.obsidianStandIn.runCommand("sync-all"));
			const progress = t.page.locator(".notice", { hasText: /^ATT&CK Sync: preparing the sync preview: downloading release 17\.1 to tell its text from yours… Click to cancel\.$/ });
			await progress.waitFor();
			await progress.click();
			await t.settle();
			const outcomes = async () => (await t.notices()).filter((n) => !/Click to cancel\.$/.test(n));
			expect(await outcomes()).toEqual(["ATT&CK Sync: Enterprise ATT&CK 18.1 is ready.", "ATT&CK Sync: preparing the sync preview was cancelled; nothing was changed."]);
			held.release();
			// The release that arrives after the cancel is dropped; no other is asked for, nothing is kept.
			await t.page.waitForFunction((url) => window.obsidianStandIn.answered.includes(url), `${held.held}enterprise-attack/enterprise-attack-17.1.json`);
			await t.settle();
			expect(await t.page.evaluate((url) => window.obsidianStandIn.requests.filter((r) => r.startsWith(url)), held.held)).toEqual([`${held.held}index.json`, `${held.held}enterprise-attack/enterprise-attack-17.1.json`]);
			expect(await t.page.locator(".attack-sync-preview").count()).toBe(0);
			expect(await outcomes()).toHaveLength(2);
			expect(await t.page.evaluate(() => [...window.obsidianStandIn.store.files.keys()].filter((p) => p.includes("plugins/attack-sync/releases")))).toEqual([]);
			await expectNoticesInWords(t);
			await t.close();
		} finally {
			await held.server.close();
		}
	});

	it("imports a bundle file from the vault: the step shown, one notice, no release named when the bundle names none", async () => {
		const t = await openPlugin(browser, server);
		// A STIX 2.0 bundle (no release inside) under a name with no release in it.
		await importBundle(t, `${server.base}enterprise-attack/enterprise-attack-18.1.json`, "Downloads/attack bundle.json");
		const steps = await t.page.evaluate(() => window.obsidianStandIn.notices.flatMap((n) => n.messages));
		expect(steps).toContain("ATT&CK Sync: importing attack bundle.json: checking and indexing the bundle… Click to cancel.");
		expect((await t.notices()).filter((n) => !/Click to cancel\.$/.test(n))).toEqual(["ATT&CK Sync: imported Enterprise ATT&CK from Downloads/attack bundle.json."]);
		await expect.poll(() => t.page.textContent(".attack-sync-status")).toBe("ATT&CK (release not stated)");
		await t.run("sync-all");
		expect(await t.page.textContent(".attack-sync-preview-counts")).toMatch(/^\d+ notes to update/);
		await t.close();
	});

	it.skipIf(!HAVE_SHARED)("no main-thread task over 200 ms while the full Enterprise bundle is imported from the vault", async () => {
		const files = fixtureAttackFiles();
		files.set("enterprise-attack/enterprise-attack-18.1.json", readFileSync(path.join(SHARED_STIX, "enterprise-attack-18.1.stix20.json")));
		const full = await startTestServer(files);
		try {
			const t = await openPlugin(browser, full);
			await importBundle(t, `${full.base}enterprise-attack/enterprise-attack-18.1.json`, "Downloads/enterprise-attack-18.1.json");
			expect((await t.notices()).filter((n) => !/Click to cancel\.$/.test(n))).toEqual(["ATT&CK Sync: imported Enterprise ATT&CK 18.1 from Downloads/enterprise-attack-18.1.json."]);
			const importing = await t.longestTask();
			console.log(`longest main-thread task: import ${importing.toFixed(0)} ms`);
			expect(importing).toBeLessThan(200);
			await t.close();
		} finally {
			await full.server.close();
		}
	});

	it.skipIf(!HAVE_SHARED)("no main-thread task over 200 ms while the full Enterprise bundle is fetched, cached, shown as the matrix and synced", async () => {
		const files = fixtureAttackFiles();
		files.set("enterprise-attack/enterprise-attack-18.1.json", readFileSync(path.join(SHARED_STIX, "enterprise-attack-18.1.stix20.json")));
		const full = await startTestServer(files);
		try {
			const t = await openPlugin(browser, full);
			await t.resetLongTasks();
			await t.run("fetch-data");
			expect(await t.notices()).toContain("ATT&CK Sync: Enterprise ATT&CK 18.1 is ready.");
			// The step the parsing happens in was shown (and, with no long task, could be painted).
			const steps = await t.page.evaluate(() => window.obsidianStandIn.notices.flatMap((n) => n.messages));
			expect(steps).toContain("ATT&CK Sync: fetching Enterprise ATT&CK: checking and indexing the bundle… Click to cancel.");
			const fetching = await t.longestTask();
			// The whole Enterprise matrix: the release is read in the engine, the page draws it.
			await t.resetLongTasks();
			await t.run("open-matrix");
			await t.page.waitForSelector('.attack-sync-column[data-tactic="TA0040"] .attack-sync-cell');
			expect(await t.page.locator(".attack-sync-column").count()).toBe(14);
			const matrix = await t.longestTask();
			await t.resetLongTasks();
			await t.run("sync-all");
			await t.page.waitForSelector(".attack-sync-preview");
			const planning = await t.longestTask();
			// Applied with the matrix open: every note written is read again for the matrix, in slices.
			await t.resetLongTasks();
			const phishing = t.page.locator('.attack-sync-column[data-tactic="TA0001"] .attack-sync-cell[data-id="T1566"]');
			expect(await phishing.getAttribute("class")).toMatch(/is-outdated/);
			await t.page.click(".attack-sync-preview-buttons button.mod-cta");
			await t.settle();
			await expect.poll(() => phishing.getAttribute("class")).toMatch(/is-current/);
			const applying = await t.longestTask();
			// A technique note edited: the view is drawn again from the notes' states, nothing parsed.
			await t.resetLongTasks();
			const seed = "CyberSecurity/Security+/1-Threats-Attacks-Vulnerabilities/Attacking-Frameworks/MITRE ATT&CK/Enterprise-Attack/techniques/Phishing.md";
			const text = await t.page.evaluate((p) => window.obsidianStandIn.readFile(p), seed);
			await t.page.evaluate(([p, x]) => window.obsidianStandIn.editFile(p, x), [seed, (text ?? "").replace(/^attack_version: .*$/m, 'attack_version: "15.1"')] as const);
			await expect.poll(() => phishing.getAttribute("aria-label")).toMatch(/Out of date \(15\.1\)/);
			const update = await t.longestTask();
			// Two techniques share the name "Spearphishing Link": the picker tells them apart.
			await t.run("insert-technique-link");
			await t.page.fill(".prompt-input", "Spearphishing Link");
			const same = t.page.locator(".suggestion-item", { has: t.page.locator(".attack-sync-technique-name", { hasText: /^Spearphishing Link$/ }) });
			await expect.poll(() => same.count()).toBe(2);
			expect((await same.allTextContents()).sort()).toEqual([expect.stringMatching(/^Spearphishing LinkT1566\.002Sub-technique of Phishing/), expect.stringMatching(/^Spearphishing LinkT1598\.003Sub-technique of Phishing for Information/)]);
			await t.page.keyboard.press("Escape");
			console.log(`longest main-thread task: fetch ${fetching.toFixed(0)} ms, sync preview ${planning.toFixed(0)} ms, apply ${applying.toFixed(0)} ms, matrix ${matrix.toFixed(0)} ms, matrix update ${update.toFixed(0)} ms`);
			expect(Math.max(fetching, planning, applying, matrix, update)).toBeLessThan(200);
			await t.close();
		} finally {
			await full.server.close();
		}
	});

	for (const [size, viewport] of [
		["desktop", DESKTOP],
		["phone", PHONE],
	] as const) {
		it(`settings on a ${size}: the cached release and its date, fetch now, messages for values not saved`, async () => {
			const shots = screenshotDir(tempDir("shots"));
			const t = await openPlugin(browser, server, { viewport, shots });
			await t.run("fetch-data");
			await t.page.evaluate(() => void window.obsidianStandIn.openSettings());
			const cached = t.page.locator(".setting-item", { has: t.page.locator(".setting-item-name", { hasText: /^Enterprise ATT&CK data$/ }) });
			await expect.poll(() => cached.locator(".setting-item-description").textContent()).toMatch(/^Release 18\.1, fetched .+\.$/);
			expect(await cached.locator("button", { hasText: "Fetch now" }).count()).toBe(1);
			const tab = t.page.locator(".vertical-tab-content");
			expect(await tab.textContent()).not.toMatch(/enterprise-attack|mobile-attack|ics-attack/);
			// Every toggle says what it does.
			const undescribed = await t.page.$$eval(".vertical-tab-content .setting-item", (items) => items.filter((i) => i.querySelector(".checkbox-container") && (i.querySelector(".setting-item-description")?.textContent ?? "") === "").map((i) => i.querySelector(".setting-item-name")?.textContent));
			expect(undescribed).toEqual([]);
			// The base URL is shown whole.
			expect(await t.page.$eval(".attack-sync-wide textarea", (el) => el.scrollWidth <= el.clientWidth && el.scrollHeight <= el.clientHeight)).toBe(true);
			if (size === "desktop") {
				await t.shot("settings-desktop");
				// Fetch now fetches that domain and says so once, and the row shows the release again.
				await t.page.evaluate(() => window.obsidianStandIn.notices.splice(0));
				await cached.locator("button", { hasText: "Fetch now" }).click();
				await t.settle();
				expect((await t.notices()).filter((n) => !/Click to cancel\.$/.test(n))).toEqual(["ATT&CK Sync: Enterprise ATT&CK 18.1 is ready."]);
				await expect.poll(() => cached.locator(".setting-item-description").textContent()).toMatch(/^Release 18\.1, fetched .+\.$/);
				expect(await cached.locator("button", { hasText: "Fetch now" }).count()).toBe(1);
			}

			const version = t.page.locator(".setting-item", { has: t.page.locator(".setting-item-name", { hasText: /^Release$/ }) });
			await version.locator("input").fill("eighteen");
			expect(await version.locator(".setting-item-description.attack-sync-invalid").textContent()).toMatch(/"eighteen" is not a release/);
			expect(await t.page.evaluate(() => (window as unknown as { plugin: { settings: { version: string } } }).plugin.settings.version)).toBe("latest");
			await version.locator("input").fill("17.1");
			expect(await version.locator(".attack-sync-invalid").count()).toBe(0);
			expect(await t.page.evaluate(() => (window as unknown as { plugin: { settings: { version: string } } }).plugin.settings.version)).toBe("17.1");

			// The last domain cannot be turned off, and the toggle says so rather than pretending.
			const enterprise = t.page.locator(".setting-item", { has: t.page.locator(".setting-item-name", { hasText: /^Enterprise ATT&CK$/ }) });
			await enterprise.locator(".checkbox-container").click();
			expect(await enterprise.locator(".checkbox-container").getAttribute("class")).toContain("is-enabled");
			expect(await enterprise.locator(".setting-item-description").textContent()).toBe("At least one domain must stay on.");
			await t.close();
		});
	}

	it("the links report counts unverified links, uses the CLI's words, stays open on a click, and fixes", async () => {
		const shots = screenshotDir(tempDir("shots"));
		const t = await openPlugin(browser, server, { shots });
		await t.resetLongTasks();
		await t.run("check-links");
		expect(await t.longestTask()).toBeLessThan(200);
		const counts = await t.page.textContent(".attack-sync-links-counts");
		expect(counts).toMatch(/^\d+ ATT&CK links in \d+ notes: \d+ ok, \d+ broken, [1-9]\d* mismatch, \d+ ambiguous, \d+ unverified; 0 fixed\.$/);
		expect(await t.page.locator(".modal").textContent()).not.toMatch(/wrong note/);
		expect(await t.notices()).toEqual([]);
		await t.shot("links-report-desktop");
		const first = t.page.locator(".attack-sync-link a").first();
		await first.click();
		expect(await t.page.evaluate(() => window.obsidianStandIn.app.workspace.opened.length)).toBe(1);
		expect(await t.page.locator(".attack-sync-links").count()).toBe(1);
		await t.page.click(".modal-button-container button.mod-cta");
		await expect.poll(() => t.page.textContent(".attack-sync-links-counts")).toMatch(/; [1-9]\d* fixed\.$/);
		expect(await t.page.locator(".modal-button-container button.mod-cta").count()).toBe(0);
		expect(await t.page.evaluate(() => window.obsidianStandIn.store.vaultWrites.length)).toBeGreaterThan(0);
		await t.close();
	});

	it("a status bar item, a ribbon icon and the file and editor menus lead to the preview", async () => {
		const shots = screenshotDir(tempDir("shots"));
		const t = await openPlugin(browser, server, { shots });
		const status = t.page.locator(".status-bar-item.attack-sync-status");
		await expect.poll(() => status.textContent()).toBe("ATT&CK: no data yet");
		// The release check is off unless turned on: loading asked the network nothing.
		expect(await t.page.evaluate(() => window.obsidianStandIn.requests)).toEqual([]);
		await t.run("fetch-data");
		await expect.poll(() => status.textContent()).toBe("ATT&CK 18.1");
		await t.page.click('.side-dock-ribbon-action[aria-label="Sync ATT&CK notes"]');
		await t.page.waitForSelector(".attack-sync-preview");
		await expect.poll(() => status.textContent()).toMatch(/^ATT&CK 18\.1 · \d+ notes to sync$/);
		await t.page.click(".attack-sync-preview-buttons button:not(.mod-cta)");

		const seed = "CyberSecurity/Security+/1-Threats-Attacks-Vulnerabilities/Attacking-Frameworks/MITRE ATT&CK/Enterprise-Attack/techniques/Malicious Link.md";
		await t.page.evaluate((p) => window.obsidianStandIn.setActive(p), seed);
		for (const kind of ["file-menu", "editor-menu"] as const) {
			await t.page.evaluate(([k, p]) => void window.obsidianStandIn.openMenu(k, p), [kind, seed] as const);
			if (kind === "file-menu") await t.shot("menu-and-status-bar-desktop");
			await t.page.locator(".menu .menu-item", { hasText: "Sync this note with ATT&CK" }).click();
			await t.settle();
			await t.page.waitForSelector(".attack-sync-preview");
			expect(await t.page.locator(".attack-sync-note .attack-sync-note-name").allTextContents()).toEqual(["Malicious Link"]);
			await t.page.click(".attack-sync-preview-buttons button:not(.mod-cta)");
		}
		await t.close();
	});

	it("says once when ATT&CK has a newer release, only when asked to check, at most daily", async () => {
		const t = await openPlugin(browser, server, { settings: { checkReleases: true } });
		await expect.poll(() => t.notices()).toEqual(['ATT&CK Sync: Enterprise ATT&CK 18.1 is out. Run "Fetch or update ATT&CK data" to get it.']);
		await expectNoticesInWords(t);
		const told = await t.page.evaluate(() => (window as unknown as { plugin: { settings: { toldRelease: string } } }).plugin.settings.toldRelease);
		await t.close();
		// A day later the check runs again, and says nothing about the release it already told of.
		const later = await openPlugin(browser, server, { settings: { checkReleases: true, lastReleaseCheck: Date.now() - 25 * 60 * 60 * 1000, toldRelease: told } });
		await expect.poll(() => later.page.evaluate(() => window.obsidianStandIn.answered.length)).toBe(1);
		await later.settle();
		expect(await later.notices()).toEqual([]);
		await later.close();
		const recent = await openPlugin(browser, server, { settings: { checkReleases: true, lastReleaseCheck: Date.now() } });
		// The status bar is filled in the same layout-ready step that would have checked.
		await expect.poll(() => recent.page.textContent(".attack-sync-status")).toBe("ATT&CK: no data yet");
		expect(await recent.page.evaluate(() => window.obsidianStandIn.requests)).toEqual([]);
		await recent.close();
	});

	it("the technique picker shows each result's ID, parent and whether the vault has a note", async () => {
		const shots = screenshotDir(tempDir("shots"));
		const t = await openPlugin(browser, server, { viewport: PHONE, shots });
		await t.run("fetch-data");
		await t.page.evaluate(() => window.obsidianStandIn.setActive("CyberSecurity/Security+/Security+ Domain 2 - Threats.md"));
		await t.run("insert-technique-link");
		await t.page.fill(".prompt-input", "spearphishing");
		const items = t.page.locator(".suggestion-item");
		await expect.poll(() => items.count()).toBeGreaterThan(0);
		const link = items.filter({ has: t.page.locator(".attack-sync-technique-id", { hasText: /^T1566\.002$/ }) });
		expect(await link.locator(".attack-sync-technique-about").textContent()).toMatch(/^Sub-technique of Phishing(Note in vault|No note yet)$/);
		await t.shot("technique-picker-phone");
		const phishing = await t.page.evaluate(() => window.obsidianStandIn.readFile("CyberSecurity/Security+/1-Threats-Attacks-Vulnerabilities/Attacking-Frameworks/MITRE ATT&CK/Enterprise-Attack/techniques/Phishing.md"));
		expect(phishing).not.toBeNull();
		await t.page.fill(".prompt-input", "T1566 Phishing");
		const parent = items.filter({ has: t.page.locator(".attack-sync-technique-id", { hasText: /^T1566$/ }) });
		expect(await parent.locator(".attack-sync-has-note").textContent()).toBe("Note in vault");
		await parent.click();
		expect(await t.page.evaluate(() => window.obsidianStandIn.inserted)).toEqual(["[[CyberSecurity/Security+/1-Threats-Attacks-Vulnerabilities/Attacking-Frameworks/MITRE ATT&CK/Enterprise-Attack/techniques/Phishing|Phishing (T1566)]]"]);
		await t.close();
	});

	it("where a worker cannot start, the same work runs in the page", async () => {
		const t = await openPlugin(browser, server);
		// A worker that fails as one blocked by a content policy does: an error event, no answer.
		await t.page.evaluate(() => {
			class Blocked {
				onerror: ((e: { message: string; preventDefault(): void }) => void) | null = null;
				onmessage: unknown = null;
				constructor() {
					setTimeout(() => this.onerror?.({ message: "blocked", preventDefault() {} }), 0);
				}
				postMessage(): void {}
				terminate(): void {}
			}
			(window as unknown as { Worker: unknown }).Worker = Blocked;
		});
		await t.run("fetch-data");
		expect(await t.notices()).toContain("ATT&CK Sync: Enterprise ATT&CK 18.1 is ready.");
		await t.run("sync-all");
		await t.page.waitForSelector(".attack-sync-preview");
		expect(await t.page.textContent(".attack-sync-preview-counts")).toMatch(/^\d+ notes to update/);
		await t.close();
	});
});

const PHISHING = "CyberSecurity/Security+/1-Threats-Attacks-Vulnerabilities/Attacking-Frameworks/MITRE ATT&CK/Enterprise-Attack/techniques/Phishing.md";

describe.skipIf(!HAVE_CHROMIUM)("the ATT&CK matrix in a browser", () => {
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

	/** The cell of a technique in a tactic's column. */
	const cell = (t: PluginPage, tactic: string, id: string) => t.page.locator(`.attack-sync-column[data-tactic="${tactic}"] .attack-sync-cell[data-id="${id}"]`).first();

	for (const [size, viewport] of [
		["desktop", DESKTOP],
		["phone", PHONE],
	] as const) {
		it(`on a ${size}: tactics as columns that scroll sideways, counts, sub-techniques, filters, an overlay; no long task`, async () => {
			const shots = screenshotDir(tempDir("shots"));
			const t = await openPlugin(browser, server, { viewport, shots, settings: { studyBy: "status" } });
			await t.run("fetch-data");
			// A Navigator layer to overlay: the plugin's own, written from the vault.
			await t.run("write-layer");
			await t.resetLongTasks();
			await t.run("open-matrix");
			await t.page.waitForSelector(".attack-sync-matrix .attack-sync-cell");
			expect(await t.longestTask()).toBeLessThan(200);
			const tactics = await t.page.locator(".attack-sync-column").evaluateAll((cols) => cols.map((c) => c.getAttribute("data-tactic")));
			expect(tactics.slice(0, 3)).toEqual(["TA0043", "TA0042", "TA0001"]);
			expect(await t.page.locator(".view-header-title").filter({ hasText: "ATT&CK matrix" }).count()).toBe(1);
			// Counts per tactic, the vault's and the study state of each cell.
			const initial = t.page.locator('.attack-sync-column[data-tactic="TA0001"]');
			expect(await initial.locator(".attack-sync-column-counts").textContent()).toMatch(/^\d+ techniques · [1-9]\d* noted( · \d+ out of date)? · 1 studied$/);
			const phishing = cell(t, "TA0001", "T1566");
			expect(await phishing.getAttribute("class")).toContain("is-outdated");
			expect(await phishing.locator(".attack-sync-study").textContent()).toBe("reviewed");
			// The columns scroll sideways; nothing to tap is under 32 px.
			expect(await t.page.$eval(".attack-sync-matrix", (el) => el.scrollWidth > el.clientWidth && getComputedStyle(el).overflowX === "auto")).toBe(true);
			await t.page.locator(".attack-sync-expand").first().click();
			await phishing.locator("xpath=following-sibling::button[1]").click();
			await initial.locator('.attack-sync-subs .attack-sync-cell[data-id="T1566.002"]').waitFor();
			const small = await t.page.$$eval(".attack-sync-cell, .attack-sync-matrix-view button, .attack-sync-matrix-toolbar select, .attack-sync-matrix-toolbar input", (els) => els.filter((el) => el.getBoundingClientRect().height > 0 && el.getBoundingClientRect().height < 32).length);
			expect(small).toBe(0);

			// The overlay: a layer file picked in the vault, a legend, and a control that clears it.
			await t.run("import-overlay");
			await t.page.fill(".prompt-input", "layer.json");
			await t.page.locator(".suggestion-item").first().click();
			await t.settle();
			await t.page.waitForSelector(".attack-sync-overlay-legend");
			expect(await t.page.textContent(".attack-sync-overlay-name")).toBe("Overlay: Security+: ATT&CK notes");
			expect(await t.page.locator(".attack-sync-overlay-legend .attack-sync-legend-item").allTextContents()).toEqual(["a note in the vault"]);
			expect(await phishing.getAttribute("class")).toContain("has-overlay");
			// The shot: notices gone, the columns scrolled to Initial Access (Reconnaissance is empty in the test's subset).
			await t.page.$$eval(".notice", (els) => els.forEach((el) => (el as HTMLElement).click()));
			await t.page.$eval(".attack-sync-matrix", (el) => {
				const column = el.querySelector('[data-tactic="TA0001"]');
				if (column) el.scrollTo({ left: column.getBoundingClientRect().left - el.getBoundingClientRect().left + el.scrollLeft - 8 });
			});
			await t.shot(`matrix-${size}`);
			await t.page.click(".attack-sync-clear-overlay");
			await expect.poll(() => t.page.locator(".attack-sync-overlay-legend").count()).toBe(0);
			expect(await t.page.locator(".attack-sync-cell.has-overlay").count()).toBe(0);

			// Filters: by text (a matching sub-technique keeps its parent), by platform.
			await t.page.fill(".attack-sync-filter", "spearphishing link");
			await expect.poll(() => t.page.locator(".attack-sync-column-body > .attack-sync-cell").evaluateAll((els) => [...new Set(els.map((e) => e.getAttribute("data-id")))])).toEqual(["T1566"]);
			await t.page.fill(".attack-sync-filter", "");
			await t.page.selectOption(".attack-sync-platform", "Linux");
			await expect.poll(() => t.page.locator(".attack-sync-cell[data-id='T1574.002']").count()).toBe(0);
			await t.close();
		});
	}

	it("updates the view and a code block when a note's frontmatter changes; says what a bad block cannot use", async () => {
		const t = await openPlugin(browser, server, { settings: { studyBy: "status" } });
		await t.run("fetch-data");
		await t.run("open-matrix");
		await t.page.waitForSelector(".attack-sync-matrix .attack-sync-cell");
		const phishing = cell(t, "TA0001", "T1566");
		expect(await phishing.getAttribute("class")).toContain("is-outdated");
		const block = await t.page.evaluate(async () => {
			const el = await window.obsidianStandIn.renderCodeBlock("attack-matrix", "tactics: initial-access\nonly-covered: yes");
			return el.className;
		});
		expect(block).toContain("attack-sync-matrix-block");
		const inBlock = t.page.locator('.attack-sync-matrix-block .attack-sync-cell[data-id="T1566"]');
		await inBlock.waitFor();
		expect(await t.page.locator(".attack-sync-matrix-block .attack-sync-column").count()).toBe(1);
		expect(await inBlock.locator(".attack-sync-study").textContent()).toBe("reviewed");

		// The note is synced from 18.1 and marked done, as an edit in Obsidian would: metadataCache fires `changed`.
		const before = await t.page.evaluate((p) => window.obsidianStandIn.readFile(p), PHISHING);
		const after = (before ?? "").replace("alias: T1566\n", 'alias: T1566\nattack_version: "18.1"\n').replace(/^status: .*$/m, "status: done");
		expect(after).not.toBe(before);
		await t.page.evaluate(([p, text]) => window.obsidianStandIn.editFile(p, text), [PHISHING, after] as const);
		await expect.poll(() => inBlock.locator(".attack-sync-study").textContent()).toBe("done");
		expect(await inBlock.getAttribute("class")).toContain("is-current");
		expect(await phishing.getAttribute("class")).toContain("is-current");

		// Redrawn in place: the columns stay scrolled where the user left them.
		await t.run("open-matrix");
		const scrolled = await t.page.$eval(".attack-sync-matrix-view .attack-sync-matrix", (el) => {
			el.scrollLeft = 300;
			return el.scrollLeft;
		});
		expect(scrolled).toBeGreaterThan(0);
		await t.page.evaluate(([p, text]) => window.obsidianStandIn.editFile(p, text), [PHISHING, after.replace("status: done", "status: learning")] as const);
		await expect.poll(() => inBlock.locator(".attack-sync-study").textContent()).toBe("learning");
		expect(await t.page.$eval(".attack-sync-matrix-view .attack-sync-matrix", (el) => el.scrollLeft)).toBe(scrolled);

		// Another study state in the settings: the matrix is read again with it.
		await t.page.evaluate(() => void window.obsidianStandIn.openSettings());
		const study = t.page.locator(".setting-item", { has: t.page.locator(".setting-item-name", { hasText: /^Study state$/ }) });
		await study.locator("input").fill("tag:secplus");
		await t.page.keyboard.press("Escape");
		await expect.poll(() => inBlock.locator(".attack-sync-study").textContent(), { timeout: 10_000 }).toBe("secplus");

		// Options the block cannot use: one sentence, nothing thrown.
		const bad = await t.page.evaluate(async () => {
			const el = await window.obsidianStandIn.renderCodeBlock("attack-matrix", "domain: enterprise-attack\ncolour: red");
			return el.textContent;
		});
		expect(bad).toBe('This attack-matrix block has an option it cannot use (line 2: unknown option "colour" (known: domain, platform, tactics, only-covered, text, study)).');
		const badTactic = await t.page.evaluate(async () => (await window.obsidianStandIn.renderCodeBlock("attack-matrix", "tactics: TA0001, exfil")).textContent);
		expect(badTactic).toBe("This attack-matrix block names a tactic Enterprise ATT&CK does not have: exfil.");
		await t.close();
	});

	it("with two domains cached, a picker chooses the domain's matrix", async () => {
		const t = await openPlugin(browser, server, { settings: { domains: ["enterprise-attack", "mobile-attack"], version: "17.1" } });
		await t.run("fetch-data");
		expect(await t.notices()).toContain("ATT&CK Sync: Enterprise ATT&CK 17.1 and Mobile ATT&CK 17.1 are ready.");
		await t.run("open-matrix");
		await t.page.waitForSelector(".attack-sync-matrix .attack-sync-cell");
		const picker = t.page.locator(".attack-sync-domain");
		expect(await picker.isVisible()).toBe(true);
		expect(await picker.locator("option").allTextContents()).toEqual(["Enterprise ATT&CK", "Mobile ATT&CK"]);
		await picker.selectOption("mobile-attack");
		await expect.poll(() => t.page.textContent(".attack-sync-matrix-caption")).toMatch(/^Mobile ATT&CK 17\.1: /);
		expect(await t.page.locator(".attack-sync-column").count()).toBeGreaterThan(0);
		await t.close();
	});

	it("a Ctrl-click on a cell without a note creates the note create-missing would create, and opens it", async () => {
		const t = await openPlugin(browser, server);
		await t.run("fetch-data");
		const report = await t.page.evaluate(() => (window as unknown as { plugin: { api: { sync(o: unknown): Promise<{ notes: Array<{ id: string; path: string; action: string }> }> } } }).plugin.api.sync({ dryRun: true, createMissing: true }));
		const expected = report.notes.find((n) => n.id === "T1566.003" && n.action === "created")?.path;
		expect(expected).toBeDefined();
		await t.run("open-matrix");
		await t.page.waitForSelector(".attack-sync-matrix .attack-sync-cell");
		await t.page.locator(".attack-sync-column[data-tactic='TA0001'] .attack-sync-expand").filter({ hasText: /sub-technique/ }).first().waitFor();
		await cell(t, "TA0001", "T1566").locator("xpath=following-sibling::button[1]").click();
		const spearphishingService = cell(t, "TA0001", "T1566.003");
		expect(await spearphishingService.getAttribute("class")).toContain("is-none");
		const writes = await t.page.evaluate(() => window.obsidianStandIn.store.vaultWrites.length);
		await spearphishingService.click({ modifiers: ["ControlOrMeta"] });
		await t.settle();
		expect(await t.page.evaluate(() => window.obsidianStandIn.store.vaultWrites.slice())).toEqual(expect.arrayContaining([expected]));
		expect((await t.page.evaluate(() => window.obsidianStandIn.store.vaultWrites.length)) - writes).toBe(1);
		expect(await t.page.evaluate((p) => window.obsidianStandIn.readFile(p), expected as string)).toMatch(/T1566\.003/);
		await expect.poll(() => spearphishingService.getAttribute("class")).toMatch(/is-current/);
		expect(await t.page.evaluate(() => window.obsidianStandIn.app.workspace.opened.map((o) => o.link))).toEqual([expected]);
		// A plain click on a cell without a note offers to create it (phones have no modifier keys).
		const other = t.page.locator(".attack-sync-cell.is-none").first();
		await other.click();
		expect(await t.page.locator(".menu .menu-item").allTextContents()).toEqual([expect.stringMatching(/^Create a note about T\d{4}(\.\d{3})?$/)]);
		await t.close();
	});
});
