/**
 * The Obsidian adapter: commands, settings, notices, modals and `plugin.api`. It is the only code
 * that imports `obsidian` at run time. Start-up only reads settings and registers commands: no
 * bundle or note is parsed until a command runs. Tasks run one at a time: a command started while
 * another runs waits for it, so two syncs never interleave.
 */
import { Plugin, TFile, normalizePath, type Editor, type Menu, type WorkspaceLeaf } from "obsidian";
import type { LinksReport } from "../core/commands/links";
import { reportOf, type SyncReport } from "../core/commands/sync";
import { UserError, messageOf } from "../core/errors";
import { versionFromFileName } from "../core/fetch/index-json";
import { applyPlan, type SyncOptions, type SyncPlan } from "../core/sync/plan";
import { isReadable } from "../core/notes/read";
import { UndoLog } from "../core/sync/undo";
import { readLayer } from "../core/commands/layer";
import { matrixOverlay } from "../core/matrix";
import { AttackData, Cancelled, type Loaded, type Progress } from "./data";
import type { CacheRef, FileWrite, LinksResult, MatrixResult, PlanRequest, PlanResult, ReleaseRef, ReportResult, TechniqueItem } from "./engine";
import { MatrixStore } from "./matrix-store";
import { MATRIX_VIEW, MatrixBlock, MatrixView, type MatrixHost } from "./matrix-view";
import { Engine } from "./engine-client";
import { ConfirmModal, FileSuggestModal, LinksModal, PreviewModal, ProgressNotice, TechniqueSuggestModal, notify } from "./modals";
import { nameAndFolder } from "./preview-model";
import { AttackSyncSettingTab, domainName, mergeSettings, type AttackSyncSettings } from "./settings";
import { ObsidianVault } from "./vault";

/** What scripts (Templater, QuickAdd, the console) and tests call: the CLI's `--json` reports. */
export interface AttackSyncApi {
	fetchData(opts: { domain: string; version?: string }): Promise<{ domain: string; attackVersion: string | null; modified: string | null; source: string }>;
	/** With the CLI's `warnings` (releases that could not be had) and `downloaded` (earlier releases fetched to know the notes' bases). */
	sync(opts?: { dryRun?: boolean; createMissing?: boolean; domain?: string }): Promise<SyncReport & { warnings: string[]; downloaded: string[] }>;
	checkLinks(opts?: { fix?: boolean }): Promise<LinksReport>;
	undoLastSync(): Promise<string>;
}

export class AttackSyncPlugin extends Plugin {
	settings: AttackSyncSettings = mergeSettings(null);
	api!: AttackSyncApi;
	private queue: Promise<unknown> = Promise.resolve();
	private running = false;
	private dataStore: AttackData | null = null;
	/** Parsing and planning, in a worker (engine-client.ts); started on first use, not at load. */
	private readonly engine = new Engine();
	private status: HTMLElement | null = null;
	/** Notes the last plan found to update or create (null: none planned yet). */
	private toSync: number | null = null;
	/** The matrix view's and code blocks' data; read from the engine the first time one is shown. */
	readonly matrix = new MatrixStore({
		load: (studyBy) => this.loadMatrix(studyBy),
		read: async (path) => {
			const file = this.app.vault.getAbstractFileByPath(path);
			return file instanceof TFile ? this.app.vault.cachedRead(file) : null;
		},
		studyBy: () => this.settings.studyBy || null,
	});

	override async onload(): Promise<void> {
		this.settings = mergeSettings(await this.loadData());
		this.addSettingTab(new AttackSyncSettingTab(this.app, this));
		this.api = {
			fetchData: (o) => this.task(() => this.fetchData(o.domain, o.version ?? null)),
			sync: (o = {}) => this.task(() => this.syncReport(o)),
			checkLinks: (o = {}) => this.task(() => this.runLinks(o.fix === true)),
			undoLastSync: () => this.task(() => this.undo()),
		};
		const command = (id: string, name: string, run: () => Promise<unknown>) => this.addCommand({ id, name, callback: () => void this.run(run) });
		const forNote = (id: string, name: string, run: (file: TFile) => Promise<unknown>) =>
			this.addCommand({
				id,
				name,
				checkCallback: (checking) => {
					const file = this.app.workspace.getActiveFile();
					if (!file || file.extension !== "md") return false;
					if (!checking) void this.run(() => run(file));
					return true;
				},
			});
		command("fetch-data", "Fetch or update ATT&CK data", () => this.fetchConfigured());
		command("import-data", "Import ATT&CK data from a bundle file in the vault", () => this.pickImport());
		command("sync-all", "Sync all ATT&CK notes…", () => this.syncWithPreview({}));
		forNote("sync-current-note", "Sync the current note", (file) => this.syncWithPreview({ only: new Set([file.path]) }));
		command("check-links", "Check ATT&CK links", () => this.links(false));
		command("fix-links", "Fix ATT&CK links in all notes", () => this.links(true));
		forNote("fix-links-current-note", "Fix ATT&CK links in the current note", (file) => this.links(true, file.path));
		command("create-missing-notes", "Create missing tactic and mitigation notes", () => this.syncWithPreview({ createMissing: ["tactic", "mitigation"] }));
		this.addCommand({
			id: "insert-technique-link",
			name: "Insert a link to a technique…",
			editorCallback: (editor: Editor, view) => void this.run(() => this.insertLink(editor, view.file?.path ?? "")),
		});
		command("undo-last-sync", "Undo last sync", () => this.confirmUndo());
		command("write-changes-note", "Write what changed in ATT&CK for my notes", async () => notify(`Wrote ${await this.writeReport("changes")}`));
		command("write-layer", "Write a Navigator layer of my ATT&CK notes", async () => notify(`Wrote ${await this.writeReport("layer")}`));
		this.addCommand({ id: "open-matrix", name: "Open ATT&CK matrix", callback: () => void this.openMatrix() });
		command("import-overlay", "Import Navigator layer as overlay", () => this.pickOverlay());
		this.addMatrix();
		this.addEntryPoints();
	}

	override onunload(): void {
		this.engine.dispose();
		this.matrix.dispose();
		if (this.reloadTimer !== null) window.clearTimeout(this.reloadTimer);
	}

	/**
	 * The matrix view, the `attack-matrix` code block and what keeps them live: each note Obsidian
	 * indexes again, renames or deletes updates the matrix (MatrixStore: that note only, after a
	 * pause). Handlers only; nothing is read until a view or block is shown.
	 */
	private addMatrix(): void {
		const host: MatrixHost = {
			store: this.matrix,
			domains: () => this.settings.domains,
			studyBy: () => this.settings.studyBy || null,
			openNote: (path, newTab) => void this.app.workspace.openLinkText(path, "", newTab),
			createNote: (domain, id) => void this.run(() => this.createNote(domain, id)),
			clearOverlay: () => void this.run(() => this.setOverlay(null)),
			fetchData: () => void this.run(() => this.fetchConfigured()),
		};
		this.registerView(MATRIX_VIEW, (leaf: WorkspaceLeaf) => new MatrixView(leaf, host));
		this.registerMarkdownCodeBlockProcessor("attack-matrix", (source, el, ctx) => ctx.addChild(new MatrixBlock(el, source, host)));
		this.addRibbonIcon("layout-grid", "Open ATT&CK matrix", () => void this.openMatrix());
		this.registerEvent(this.app.metadataCache.on("changed", (file, data) => this.matrix.noteChanged(file.path, data)));
		this.registerEvent(this.app.vault.on("rename", (file, oldPath) => this.matrix.renamed(file.path, oldPath)));
		this.registerEvent(this.app.vault.on("delete", (file) => this.matrix.deleted(file.path)));
	}

	/** The matrix view: the open one, else a new tab. */
	private async openMatrix(): Promise<void> {
		const open = this.app.workspace.getLeavesOfType(MATRIX_VIEW)[0];
		const leaf = open ?? this.app.workspace.getLeaf("tab");
		if (!open) await leaf.setViewState({ type: MATRIX_VIEW, active: true });
		await this.app.workspace.revealLeaf(leaf);
		if (this.settings.overlay !== "" && this.matrix.overlay === null && this.matrix.overlayProblem === null) await this.loadOverlay();
	}

	/** The engine's matrix data for every configured domain with a cached release, and every note's state; null when none is cached. */
	private async loadMatrix(studyBy: string | null): Promise<{ data: MatrixResult["data"]; notes: NonNullable<MatrixResult["notes"]> } | null> {
		const releases: Array<{ cache: Loaded["ref"]; version: string | null }> = [];
		for (const domain of this.settings.domains) {
			const cached = await this.attackData().cached(domain);
			if (cached) releases.push({ cache: cached.ref, version: cached.meta.attackVersion ?? versionFromFileName(cached.meta.source) });
		}
		if (releases.length === 0) return null;
		const result = (await this.engine.run({ kind: "matrix", releases, ...(await this.snapshot()), studyBy })) as MatrixResult;
		return { data: result.data, notes: result.notes ?? [] };
	}

	/**
	 * The domains, the study state or the cached release changed: the matrix is read again, once the
	 * user has stopped typing (the study setting is a text field), if a matrix view is open.
	 */
	matrixSettingsChanged(): void {
		this.matrix.reset();
		if (this.reloadTimer !== null) window.clearTimeout(this.reloadTimer);
		this.reloadTimer = window.setTimeout(() => {
			this.reloadTimer = null;
			if (this.matrix.watched()) void this.matrix.ensure();
		}, 800);
	}

	private reloadTimer: number | null = null;

	/**
	 * A modifier-click on a cell with no note: the note create-missing would create for that ID
	 * (its folder, layout and name learned from the vault, in the engine), created, shown in the
	 * matrix at once, and opened.
	 */
	private async createNote(domain: string, id: string): Promise<void> {
		const { meta, ref } = await this.loaded(domain);
		const plan = (await this.engine.run({ kind: "create", id, release: { cache: ref, version: meta.attackVersion ?? versionFromFileName(meta.source) }, ...(await this.snapshot()), options: this.syncOptions() })) as SyncPlan;
		const note = plan.notes.find((n) => n.action === "created" && n.id === id);
		if (!note || note.after === undefined) throw new UserError(`no note can be created about ${id}: it is not an active technique of ${domainName(domain)}, or the vault already has a note about it.`);
		const result = await applyPlan(this.vault(), { ...plan, notes: [note] });
		if (result.failed.length > 0) throw new UserError(`${note.path} could not be created: ${result.failed[0].reason}`);
		this.matrix.noteWritten(note.path, note.after);
		await this.app.workspace.openLinkText(note.path, "", false);
		notify(`created ${note.path}.`);
	}

	/** "Import Navigator layer as overlay": pick a .json file in the vault. */
	private pickOverlay(): Promise<void> {
		const files = this.app.vault.getFiles().filter((f) => f.extension === "json");
		if (files.length === 0) throw new UserError("there is no .json file in the vault; put an ATT&CK Navigator layer file in it first.");
		new FileSuggestModal(this.app, files, (file) => void this.run(() => this.setOverlay(file.path))).open();
		return Promise.resolve();
	}

	/** Show the layer at `path` over the matrix (null: clear it), remember it, and open the matrix. */
	private async setOverlay(path: string | null): Promise<void> {
		if (path === null) {
			this.matrix.overlay = null;
			this.matrix.overlayProblem = null;
			this.settings.overlay = "";
			await this.saveSettings();
			this.matrix.notify();
			return;
		}
		const file = this.app.vault.getAbstractFileByPath(path);
		if (!(file instanceof TFile)) throw new UserError(`${path} is not in the vault.`);
		const layer = readLayer(await this.app.vault.cachedRead(file), path);
		this.matrix.overlay = matrixOverlay(layer);
		this.matrix.overlayProblem = null;
		this.settings.overlay = path;
		await this.saveSettings();
		this.matrix.notify();
		await this.openMatrix();
		notify(`the matrix shows "${layer.name}" (${layer.techniques.length} ${layer.techniques.length === 1 ? "technique" : "techniques"}) as an overlay.`);
	}

	/** The overlay the settings remember, read when the matrix is first shown; a problem is shown in the view, not thrown. */
	private async loadOverlay(): Promise<void> {
		const path = this.settings.overlay;
		try {
			const file = this.app.vault.getAbstractFileByPath(path);
			if (!(file instanceof TFile)) throw new UserError(`the overlay ${path} is no longer in the vault.`);
			this.matrix.overlay = matrixOverlay(readLayer(await this.app.vault.cachedRead(file), path));
		} catch (err) {
			this.matrix.overlayProblem = messageOf(err);
		}
		this.matrix.notify();
	}

	/**
	 * Where users look besides the palette: a ribbon icon and a status bar item (the cached release,
	 * and how many notes the last plan found to sync; a click opens the preview), "Sync this note"
	 * in the file and editor menus, and the optional daily check for a new release. Only elements
	 * and handlers here: the status bar is filled, and the release checked, once the layout is ready.
	 */
	private addEntryPoints(): void {
		const syncAll = () => void this.run(() => this.syncWithPreview({}));
		this.addRibbonIcon("shield-check", "Sync ATT&CK notes", syncAll);
		this.status = this.addStatusBarItem();
		this.status.addClass("attack-sync-status");
		this.status.setAttr("aria-label", "Sync ATT&CK notes");
		this.registerDomEvent(this.status, "click", syncAll);
		const syncNote = (file: TFile) => void this.run(() => this.syncWithPreview({ only: new Set([file.path]) }));
		const menuItem = (menu: Menu, file: TFile | null) => {
			if (!(file instanceof TFile) || file.extension !== "md") return;
			menu.addItem((item) => item.setTitle("Sync this note with ATT&CK").setIcon("shield-check").onClick(() => syncNote(file)));
		};
		this.registerEvent(this.app.workspace.on("file-menu", (menu, file) => menuItem(menu, file instanceof TFile ? file : null)));
		this.registerEvent(this.app.workspace.on("editor-menu", (menu, _editor, view) => menuItem(menu, view.file)));
		this.app.workspace.onLayoutReady(() => {
			void this.updateStatus();
			void this.checkReleases();
			// At most daily whatever the interval: the check remembers when it last asked.
			this.registerInterval(window.setInterval(() => void this.checkReleases(), 60 * 60 * 1000));
		});
	}

	/** "ATT&CK 18.1 · 3 notes to sync": the cached release, and what the last plan found. */
	private async updateStatus(toSync?: number): Promise<void> {
		if (toSync !== undefined) this.toSync = toSync;
		const releases: string[] = [];
		let cached = false;
		for (const domain of this.settings.domains) {
			const r = await this.cachedRelease(domain);
			cached ||= r !== null;
			if (r?.attackVersion) releases.push(r.attackVersion);
		}
		// A bundle imported from a file that names no release is still data: not "no data yet".
		const release = releases.length > 0 ? `ATT&CK ${[...new Set(releases)].join(", ")}` : cached ? "ATT&CK (release not stated)" : "ATT&CK: no data yet";
		const notes = this.toSync === null ? "" : this.toSync === 0 ? " · notes up to date" : ` · ${this.toSync} ${this.toSync === 1 ? "note" : "notes"} to sync`;
		this.status?.setText(release + notes);
	}

	/**
	 * When the user turned it on: at most once a day, read index.json on the base URL and say once
	 * when a release newer than the cached one is out. Failures are silent (it is a courtesy).
	 */
	private async checkReleases(): Promise<void> {
		const s = this.settings;
		if (!s.checkReleases || Date.now() - s.lastReleaseCheck < 24 * 60 * 60 * 1000) return;
		s.lastReleaseCheck = Date.now();
		await this.saveSettings();
		for (const domain of s.domains) {
			const cached = await this.cachedRelease(domain);
			let latest: string;
			try {
				latest = await this.attackData().latestRelease(domain, s.baseUrl);
			} catch {
				return;
			}
			const told = `${domain} ${latest}`;
			if (cached?.attackVersion === latest || s.toldRelease === told) continue;
			if (cached?.attackVersion && Number.parseFloat(cached.attackVersion) >= Number.parseFloat(latest)) continue;
			s.toldRelease = told;
			await this.saveSettings();
			notify(`${domainName(domain, latest)} is out${cached?.attackVersion ? ` (you have ${cached.attackVersion})` : ""}. Run "Fetch or update ATT&CK data" to get it.`);
		}
	}

	/** For the settings tab: the cached release of a domain (its header only). */
	async cachedRelease(domain: string): Promise<{ attackVersion: string | null; createdAt: string } | null> {
		const meta = await this.attackData().cachedMeta(domain);
		return meta ? { attackVersion: meta.attackVersion ?? versionFromFileName(meta.source), createdAt: meta.createdAt } : null;
	}

	/** The settings tab's "Fetch now": the fetch command for one domain. */
	fetchNow(domain: string): Promise<void> {
		return this.run(async () => {
			notify(`${releaseName(await this.fetchData(domain, null))} is ready.`);
			void this.updateStatus();
			this.matrixSettingsChanged();
		});
	}

	async saveSettings(): Promise<void> {
		await this.saveData(this.settings);
	}

	private vault(): ObsidianVault {
		return new ObsidianVault(this.app);
	}

	private attackData(): AttackData {
		return (this.dataStore ??= new AttackData(this.app, normalizePath(`${this.app.vault.configDir}/plugins/${this.manifest.id}`), this.engine));
	}

	/** Run tasks one after another; the next waits for the one running. */
	private task<T>(work: () => Promise<T>): Promise<T> {
		const next = this.queue.then(async () => {
			this.running = true;
			try {
				return await work();
			} finally {
				this.running = false;
			}
		});
		this.queue = next.catch(() => undefined);
		return next;
	}

	/** A command: queued like any task; a failure becomes its one notice, never a thrown error. */
	private async run(work: () => Promise<unknown>): Promise<void> {
		if (this.running) notify("another task is running; this one starts when it is done.");
		try {
			await this.task(work);
		} catch (err) {
			// The core's messages are shared with the CLI, where domains go by their IDs; a notice names them in words.
			// Only a domain standing as a word: never one inside a URL or a file name.
			notify(messageOf(err).replace(/(^|[\s,(])((?:enterprise|mobile|ics)-attack)(?=[\s,;:)]|$)/g, (_, before: string, d: string) => `${before}${domainName(d)}`), !(err instanceof Cancelled));
		}
	}

	/**
	 * Download and cache a domain's release. Reports nothing itself: the caller's one notice says
	 * how it went (a failure is thrown, a cancel too, as Cancelled naming what stopped).
	 */
	private async fetchData(domain: string, version: string | null, within?: Progress): Promise<Loaded["meta"]> {
		const what = `fetching ${domainName(domain)}`;
		// Inside a task that has its notice (the sync preview's): the steps show there, and its cancel stops this.
		let own: ProgressNotice | null = null;
		const progress = within ? stepsIn(within, what) : (own = new ProgressNotice(what));
		try {
			const loaded = await this.attackData().fetch(domain, version ?? (this.settings.version === "latest" ? null : this.settings.version), this.settings.baseUrl, progress);
			return loaded.meta;
		} catch (err) {
			throw err instanceof Cancelled ? new Cancelled(what) : err;
		} finally {
			own?.close();
		}
	}

	/** Every configured domain, then one notice naming the releases now cached. */
	private async fetchConfigured(): Promise<void> {
		const ready: string[] = [];
		for (const domain of this.settings.domains) ready.push(releaseName(await this.fetchData(domain, null)));
		notify(`${ready.join(" and ")} ${ready.length === 1 ? "is" : "are"} ready.`);
		void this.updateStatus();
		this.matrixSettingsChanged();
	}

	private pickImport(): Promise<void> {
		const files = this.app.vault.getFiles().filter((f) => f.extension === "json");
		if (files.length === 0) throw new UserError("there is no .json file in the vault; put an ATT&CK STIX bundle in it first.");
		new FileSuggestModal(this.app, files, (file) => {
			void this.run(async () => {
				const what = `importing ${file.name}`;
				const progress = new ProgressNotice(what);
				try {
					const loaded = await this.attackData().importFile(file.path, progress);
					notify(`imported ${releaseName(loaded.meta)} from ${file.path}.`);
					void this.updateStatus();
					this.matrixSettingsChanged();
				} catch (err) {
					throw err instanceof Cancelled ? new Cancelled(what) : err;
				} finally {
					progress.close();
				}
			});
		}).open();
		return Promise.resolve();
	}

	/**
	 * The two report commands (what changed, the layer): worked out in the engine from the cached
	 * releases, so no release is parsed on this thread; the page writes the file that comes back.
	 * The changes note needs a release fetched before the current one (the engine says so when
	 * there is none); the layer is written without ATT&CK's names when nothing is cached.
	 */
	private async writeReport(report: "changes" | "layer"): Promise<string> {
		const domain = this.settings.domains[0];
		const data = this.attackData();
		const current = report === "changes" ? await this.loaded(domain) : await data.cached(domain);
		const ref = (l: Loaded | null): ReleaseRef | null => l && { cache: l.ref, meta: { attackVersion: l.meta.attackVersion, source: l.meta.source } };
		const previous = report === "changes" ? await data.previous(domain) : null;
		// Without a release, the layer of the notes alone, as the CLI writes it without --bundle.
		const result = (await this.engine.run({ kind: "report", report, current: ref(current), previous: ref(previous), ...(await this.snapshot((p) => p.endsWith(".layer.json"))), vaultName: this.app.vault.getName(), domain, folder: this.settings.notesFolder || undefined })) as ReportResult;
		const failed = await this.writeFiles(result.writes);
		if (failed.length > 0) throw new UserError(`${failed[0].path} was not written: ${failed[0].reason}`);
		return result.path;
	}

	/**
	 * Writes the engine worked out: each onto the text it was worked out from (a file changed
	 * meanwhile is left alone and named), a new file only where there is none. Returns what was not written.
	 */
	private async writeFiles(writes: readonly FileWrite[]): Promise<Array<{ path: string; reason: string }>> {
		const vault = this.vault();
		const failed: Array<{ path: string; reason: string }> = [];
		for (const w of writes) {
			try {
				if (w.before === null) {
					await vault.create(w.path, w.after);
					continue;
				}
				let changed = false;
				await vault.process(w.path, (current) => {
					if (current !== w.before) {
						changed = true;
						return current;
					}
					return w.after;
				});
				if (changed) failed.push({ path: w.path, reason: "it changed while it was being worked out; run the command again" });
			} catch (err) {
				failed.push({ path: w.path, reason: messageOf(err) });
			}
		}
		return failed;
	}

	private async loaded(domain: string, progress?: Progress): Promise<Loaded> {
		const cached = await this.attackData().cached(domain);
		if (cached) return cached;
		await this.fetchData(domain, null, progress);
		const loaded = await this.attackData().cached(domain);
		if (!loaded) throw new UserError(`no ${domainName(domain)} data; run "Fetch or update ATT&CK data".`);
		return loaded;
	}

	/** What the engine needs of the vault: every path, the notes' bytes, the link settings. */
	private async snapshot(also: (path: string) => boolean = () => false): Promise<{ paths: string[]; files: Array<[string, Uint8Array]>; appJson: string | null }> {
		const vault = this.vault();
		const paths = await vault.listFiles();
		const files: Array<[string, Uint8Array]> = [];
		for (const p of paths) {
			if (!isReadable(p) && !also(p)) continue;
			try {
				files.push([p, await vault.readBinary(p)]);
			} catch {
				// Not sent: the engine's index reports it as a note that cannot be read.
			}
		}
		const appJson = await vault.readConfig("app.json").catch(() => null);
		return { paths, files, appJson };
	}

	private syncOptions(extra: SyncOptions = {}): SyncOptions {
		const s = this.settings;
		return {
			createMissing: s.createMissing && s.createKinds.length > 0 ? s.createKinds : s.createMissing,
			linkStyle: s.linkStyle === "vault" ? undefined : s.linkStyle,
			folder: s.notesFolder || undefined,
			sections: s.sections,
			...extra,
		};
	}

	/**
	 * One plan over the vault for the given domains (by default every configured one), and its
	 * preview; made in the engine. The engine works out each note's base release as the CLI does
	 * (the cached releases first, then those index.json lists), asking this thread for the
	 * releases it needs (AttackData.baseReleases: read from the cache, else downloaded once and
	 * kept). What could not be had is one notice; the sync goes on without it, keeping the lines
	 * it cannot attribute, as the CLI's --offline does.
	 */
	private async plan(extra: SyncOptions = {}, domains = this.settings.domains, progress?: Progress): Promise<PlanResult & { warnings: string[]; downloaded: string[] }> {
		const snapshot = await this.snapshot();
		const data = this.attackData();
		const list: PlanRequest["domains"] = [];
		for (const domain of domains) {
			const { meta, ref } = await this.loaded(domain, progress);
			// STIX 2.0 bundles (mitre/cti) do not name their release; the file they came from does.
			const version = meta.attackVersion ?? versionFromFileName(meta.source);
			const previous = await data.previous(domain);
			list.push({ current: ref, previous: previous?.ref ?? null, version, bases: { local: await data.cachedReleases(domain) } });
		}
		// Cancelled meanwhile: no worker is started for a plan nobody waits for.
		if (progress?.cancelled) throw new Cancelled();
		const bases = data.baseReleases({ baseUrl: this.settings.baseUrl, offline: false, progress });
		const result = (await this.engine.run({ kind: "plan", ...snapshot, domains: list, options: this.syncOptions(extra) }, bases.ask)) as PlanResult;
		const warnings = [...bases.problems, ...result.problems];
		if (warnings.length > 0) notify(basesNotice(warnings, result.plan), true);
		return { ...result, warnings, downloaded: bases.downloaded };
	}

	/** Keep the originals, then write, with progress; a click on the notice stops before the next note. */
	private async apply(plan: SyncPlan): Promise<{ report: SyncReport; cancelled: boolean }> {
		await new UndoLog(this.attackData().backups()).record(plan, new Date().toISOString());
		const progress = new ProgressNotice("syncing");
		try {
			const result = await applyPlan(this.vault(), plan, (done, total) => {
				progress.step(`writing ${done} of ${total} notes…`);
				return !progress.cancelled;
			});
			return { report: reportOf(plan, false, result.failed), cancelled: progress.cancelled };
		} finally {
			progress.close();
		}
	}

	private async syncReport(o: { dryRun?: boolean; createMissing?: boolean; domain?: string }): Promise<SyncReport & { warnings: string[]; downloaded: string[] }> {
		const { plan, warnings, downloaded } = await this.plan(o.createMissing === undefined ? {} : { createMissing: o.createMissing }, o.domain === undefined ? this.settings.domains : [o.domain]);
		// As the CLI's --json: the releases downloaded to know the notes' bases, and what went wrong getting them.
		return { ...(o.dryRun === true ? reportOf(plan, true) : (await this.apply(plan)).report), warnings, downloaded };
	}

	/** Plan, then show the preview; nothing is written until the user chooses Apply. */
	private async syncWithPreview(extra: SyncOptions): Promise<void> {
		// Planning a large vault takes a while (in the worker): say so, and let it be cancelled.
		const what = "preparing the sync preview";
		const progress = new ProgressNotice(what);
		progress.step("reading the notes and working out their changes…");
		let planned: PlanResult;
		try {
			// A fetch of missing data runs under this notice too: one cancel stops both at once.
			planned = await progress.race(this.plan(extra, this.settings.domains, progress));
		} catch (err) {
			if (!(err instanceof Cancelled)) throw err;
			this.engine.stop();
			throw new Cancelled(what);
		} finally {
			progress.close();
		}
		const { plan, preview } = planned;
		if (extra.only === undefined && extra.createMissing === undefined) void this.updateStatus(plan.summary.updated + plan.summary.created);
		const domains = plan.domain.split(", ");
		const versions = (plan.attackVersion ?? "").split(", ");
		const title = `Sync with ${domains.map((d, i) => domainName(d, versions[i] === "?" ? null : versions[i])).join(" and ")}`;
		new PreviewModal(this.app, preview, {
			title,
			unchanged: plan.summary.unchanged,
			apply: () =>
				void this.run(async () => {
					const { report, cancelled } = await this.apply(plan);
					if (!cancelled && report.failed.length === 0 && this.toSync !== null) void this.updateStatus(Math.max(0, this.toSync - report.summary.updated - report.summary.created));
					notify(appliedText(report, cancelled), report.failed.some((f) => !/cancelled/.test(f.reason)));
				}),
		}).open();
	}

	/**
	 * Links are judged in the engine (reading every note's structure is the long part); the fixes
	 * it works out are written here, each through Vault.process and only onto the text it was
	 * worked out from: a note changed meanwhile is left alone and reported, as the core does.
	 */
	private async runLinks(fix: boolean, only?: ReadonlySet<string>): Promise<LinksReport> {
		// The releases already cached (nothing is fetched for links): with them, notes known only by name count.
		const releases: CacheRef[] = [];
		for (const d of this.settings.domains) {
			const cached = await this.attackData().cached(d);
			if (cached) releases.push(cached.ref);
		}
		const { report, writes } = (await this.engine.run({ kind: "links", ...(await this.snapshot()), fix, only, releases })) as LinksResult;
		const vault = this.vault();
		const s = report.summary;
		for (const w of writes) {
			let changed = false;
			let reason: string | null = null;
			try {
				await vault.process(w.path, (current) => {
					// Obsidian's read may keep a leading BOM that the engine's decoding dropped.
					const bom = current.startsWith("\ufeff") && !w.before.startsWith("\ufeff") ? "\ufeff" : "";
					if (current.slice(bom.length) !== w.before) {
						changed = true;
						return current;
					}
					return bom + w.after;
				});
			} catch (err) {
				reason = `links not fixed: ${messageOf(err)}`;
			}
			if (changed) reason = "changed while links were being checked; run again";
			if (reason === null) continue;
			// Not written: its links are proposed fixes again, and the note is named.
			const entry = { path: w.path, reason };
			s.skipped.push(entry);
			if (!changed) s.failed.push(entry);
			s.notesChanged = s.notesChanged.filter((p) => p !== w.path);
			for (const l of report.links) {
				if (l.source !== w.path || l.fixed === undefined) continue;
				l.proposed = l.fixed;
				delete l.fixed;
				s.fixed--;
			}
		}
		return report;
	}

	/** The links report is the outcome; its Fix button runs the fix as a task of its own. */
	private async links(fix: boolean, only?: string): Promise<void> {
		const onlySet = only === undefined ? undefined : new Set([only]);
		const report = await this.runLinks(fix, onlySet);
		const fixNow = async (): Promise<LinksReport> => {
			let fixed: LinksReport | null = null;
			await this.run(async () => (fixed = await this.runLinks(true, onlySet)));
			return fixed ?? report;
		};
		new LinksModal(this.app, report, fix ? "Fixed links to ATT&CK notes" : "Links to ATT&CK notes", fix ? null : fixNow).open();
	}

	private async insertLink(editor: Editor, from: string): Promise<void> {
		const { ref } = await this.loaded(this.settings.domains[0]);
		const snapshot = await this.snapshot();
		const items = (await this.engine.run({ kind: "techniques", cache: ref, ...snapshot, from, options: this.syncOptions({ createMissing: false }) })) as TechniqueItem[];
		new TechniqueSuggestModal(this.app, items, (item) => editor.replaceSelection(item.link)).open();
	}

	/** Say which sync Undo would undo and what it restores; undo only when the user agrees. */
	private async confirmUndo(): Promise<void> {
		const record = await new UndoLog(this.attackData().backups()).latest();
		if (!record) {
			notify("there is no sync to undo.");
			return;
		}
		const restored = record.files.filter((f) => f.before !== null).length;
		const created = record.files.length - restored;
		const when = new Date(record.at).toLocaleString();
		const what = [restored > 0 ? `restores ${restored} ${restored === 1 ? "note" : "notes"} as they were` : "", created > 0 ? `deletes the ${created} ${created === 1 ? "note" : "notes"} it created` : ""].filter(Boolean).join(" and ");
		new ConfirmModal(this.app, {
			title: "Undo last sync",
			text: `The sync of ${when}${record.attackVersion ? ` (ATT&CK ${record.attackVersion})` : ""}: undoing it ${what}. A note changed since is left as it is.`,
			confirm: "Undo sync",
			onConfirm: () => void this.run(async () => notify(await this.undo())),
		}).open();
	}

	private async undo(): Promise<string> {
		const vault = this.vault();
		const result = await new UndoLog(this.attackData().backups()).undoLatest(vault, async (path) => {
			const file = this.app.vault.getAbstractFileByPath(normalizePath(path));
			// Obsidian's trash (the user's "Deleted files" setting), so an undone note can come back.
			if (file instanceof TFile) await this.app.fileManager.trashFile(file);
		});
		return result.message;
	}
}

/** A step of a task shown in the notice of the task it is part of; cancelled when that one is. */
function stepsIn(outer: Progress, what: string): Progress {
	return {
		step: (message) => outer.step(`${what}, ${message}`),
		get cancelled() {
			return outer.cancelled;
		},
		race: (work) => outer.race(work),
	};
}

/** `Enterprise ATT&CK 18.1`: STIX 2.0 bundles do not name their release; the file they came from does. */
function releaseName(meta: Loaded["meta"]): string {
	return domainName(meta.domain, meta.attackVersion ?? versionFromFileName(meta.source));
}

/**
 * Earlier releases that could not be had, in one notice: the first problem, how many more, and
 * what it means for the notes (their old ATT&CK text is kept where sync cannot tell it from theirs).
 */
function basesNotice(problems: readonly string[], plan: SyncPlan): string {
	const unknown = plan.notes.filter((n) => n.baseRelease === null).length;
	const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : "";
	const effect = unknown > 0 ? ` ${unknown} ${unknown === 1 ? "note keeps" : "notes keep"} the old ATT&CK text sync could not tell from yours; sync again once it can be downloaded.` : "";
	return `${problems[0].replace(/\.$/, "")}${more}.${effect}`;
}

/** What a sync did, in one sentence, and how to take it back. */
function appliedText(report: SyncReport, cancelled: boolean): string {
	const s = report.summary;
	const notes = (n: number) => `${n} ${n === 1 ? "note" : "notes"}`;
	const done = [s.updated > 0 ? `updated ${notes(s.updated)}` : "", s.created > 0 ? `created ${notes(s.created)}` : ""].filter(Boolean).join(" and ") || "wrote no note";
	const failed = report.failed.filter((f) => !/cancelled/.test(f.reason));
	const parts = [cancelled ? `sync cancelled after it ${done}` : done];
	if (failed.length > 0) parts.push(`${notes(failed.length)} could not be written (${nameAndFolder(failed[0].path).name}: ${failed[0].reason})`);
	const written = s.updated + s.created;
	return `${parts.join("; ")}.${written > 0 ? ` "Undo last sync" restores ${written === 1 ? "it" : "them"}.` : ""}`;
}
