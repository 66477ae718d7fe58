/**
 * A DOM stand-in for the `obsidian` module, run in a real browser page (test/browser/page.ts builds
 * it with esbuild and loads it before main.js). It follows Obsidian's documented API and markup for
 * what the plugin uses, so the plugin's own elements land where Obsidian would put them and the
 * screenshots look like the app:
 * - the DOM helpers Obsidian adds to every element (`createEl`, `createDiv`, `createSpan`,
 *   `setText`, `empty`, `addClass`, `toggleClass`, `setAttr`...), and the global `createEl`,
 *   `createDiv`, `createSpan`, `createFragment`;
 * - Plugin (commands, settings tab, ribbon icon, status bar item, registered events and intervals,
 *   loadData/saveData), Modal (`.modal-container > .modal > .modal-title, .modal-content`; Escape and
 *   the close button close it), Notice (`.notice-container > .notice`; a click hides it, as in
 *   Obsidian), Setting (`.setting-item` with its info and control parts, text, toggle, dropdown and
 *   button components), PluginSettingTab (shown in `.vertical-tab-content`), FuzzySuggestModal
 *   (`.prompt`, `.prompt-input`, `.suggestion-item`), Menu (`.menu > .menu-item`), setIcon;
 * - a Vault and DataAdapter over files held in the page, each call answered in a task of its own
 *   as real file I/O is (a large file the test marks as on disk is read off the window's thread,
 *   and a binary write keeps the caller's buffer, as Node's fs does); `requestUrl` is a real request to the test's 127.0.0.1 server, made
 *   off the window's thread as Obsidian makes it.
 * Everything the plugin registers or shows is recorded on `window.obsidianStandIn` for the test.
 */

type Attrs = Record<string, string | number | boolean | null>;
interface ElOptions {
	cls?: string | string[];
	text?: string | DocumentFragment;
	attr?: Attrs;
	title?: string;
	href?: string;
	type?: string;
	value?: string;
	placeholder?: string;
	parent?: Node;
	prepend?: boolean;
}

declare global {
	interface Window {
		obsidianStandIn: StandIn;
	}
}

// ---------------------------------------------------------------------------------------------
// DOM helpers, as Obsidian defines them on Node, Element and HTMLElement.

function applyOptions(el: HTMLElement, o: ElOptions | string | undefined): void {
	if (o === undefined) return;
	if (typeof o === "string") {
		el.className = o;
		return;
	}
	if (o.cls !== undefined) el.className = Array.isArray(o.cls) ? o.cls.join(" ") : o.cls;
	if (o.text !== undefined) setTextOf(el, o.text);
	if (o.attr) for (const [k, v] of Object.entries(o.attr)) if (v !== null && v !== false) el.setAttribute(k, String(v));
	if (o.title !== undefined) el.title = o.title;
	if (o.href !== undefined) el.setAttribute("href", o.href);
	if (o.type !== undefined) el.setAttribute("type", o.type);
	if (o.value !== undefined) (el as HTMLInputElement).value = o.value;
	if (o.placeholder !== undefined) el.setAttribute("placeholder", o.placeholder);
}

function setTextOf(el: Node, text: string | DocumentFragment): void {
	if (typeof text === "string") el.textContent = text;
	else {
		el.textContent = "";
		el.appendChild(text);
	}
}

function make<K extends keyof HTMLElementTagNameMap>(tag: K, o?: ElOptions | string, callback?: (el: HTMLElementTagNameMap[K]) => void): HTMLElementTagNameMap[K] {
	const el = document.createElement(tag);
	applyOptions(el, o);
	if (typeof o === "object" && o.parent) {
		if (o.prepend) o.parent.insertBefore(el, o.parent.firstChild);
		else o.parent.appendChild(el);
	}
	callback?.(el);
	return el;
}

function installDomHelpers(): void {
	const node = Node.prototype as unknown as Record<string, unknown>;
	const define = (target: Record<string, unknown>, name: string, value: unknown) => Object.defineProperty(target, name, { value, configurable: true, writable: true });
	const create = function (this: Node, tag: keyof HTMLElementTagNameMap, o?: ElOptions | string, callback?: (el: HTMLElement) => void) {
		const el = make(tag, o);
		if (typeof o === "object" && o.prepend) this.insertBefore(el, this.firstChild);
		else this.appendChild(el);
		callback?.(el);
		return el;
	};
	define(node, "createEl", create);
	define(node, "createDiv", function (this: Node, o?: ElOptions | string, cb?: (el: HTMLElement) => void) {
		return create.call(this, "div", o, cb);
	});
	define(node, "createSpan", function (this: Node, o?: ElOptions | string, cb?: (el: HTMLElement) => void) {
		return create.call(this, "span", o, cb);
	});
	define(node, "empty", function (this: Node) {
		while (this.firstChild) this.removeChild(this.firstChild);
	});
	define(node, "detach", function (this: Node) {
		this.parentNode?.removeChild(this);
	});
	define(node, "setText", function (this: Node, text: string | DocumentFragment) {
		setTextOf(this, text);
	});
	define(node, "appendText", function (this: Node, text: string) {
		this.appendChild(document.createTextNode(text));
	});
	const element = Element.prototype as unknown as Record<string, unknown>;
	define(element, "addClass", function (this: Element, ...cls: string[]) {
		this.classList.add(...cls.flatMap((c) => c.split(" ").filter(Boolean)));
	});
	define(element, "addClasses", function (this: Element, cls: string[]) {
		this.classList.add(...cls);
	});
	define(element, "removeClass", function (this: Element, ...cls: string[]) {
		this.classList.remove(...cls);
	});
	define(element, "toggleClass", function (this: Element, cls: string | string[], on: boolean) {
		for (const c of Array.isArray(cls) ? cls : [cls]) this.classList.toggle(c, on);
	});
	define(element, "hasClass", function (this: Element, cls: string) {
		return this.classList.contains(cls);
	});
	define(element, "setAttr", function (this: Element, name: string, value: string | number | boolean | null) {
		if (value === null) this.removeAttribute(name);
		else this.setAttribute(name, String(value));
	});
	define(element, "getText", function (this: Element) {
		return this.textContent ?? "";
	});
	const html = HTMLElement.prototype as unknown as Record<string, unknown>;
	define(html, "show", function (this: HTMLElement) {
		this.style.display = "";
	});
	define(html, "hide", function (this: HTMLElement) {
		this.style.display = "none";
	});
	define(html, "toggle", function (this: HTMLElement, show: boolean) {
		this.style.display = show ? "" : "none";
	});
	define(html, "isShown", function (this: HTMLElement) {
		return this.offsetParent !== null;
	});
	const win = window as unknown as Record<string, unknown>;
	win.createEl = (tag: keyof HTMLElementTagNameMap, o?: ElOptions | string, cb?: (el: HTMLElement) => void) => make(tag, o, cb);
	win.createDiv = (o?: ElOptions | string, cb?: (el: HTMLElement) => void) => make("div", o, cb);
	win.createSpan = (o?: ElOptions | string, cb?: (el: HTMLElement) => void) => make("span", o, cb);
	win.createFragment = (cb?: (f: DocumentFragment) => void) => {
		const f = document.createDocumentFragment();
		cb?.(f);
		return f;
	};
	win.activeWindow = window;
	win.activeDocument = document;
}

// ---------------------------------------------------------------------------------------------
// The app's frame: workspace, ribbon, status bar, notices.

interface Frame {
	ribbon: HTMLElement;
	workspace: HTMLElement;
	statusBar: HTMLElement;
	notices: HTMLElement;
}

function buildFrame(): Frame {
	document.body.addClass("theme-dark", "is-mobile-sized");
	const app = document.body.createDiv({ cls: "app-container" });
	const main = app.createDiv({ cls: "horizontal-main-container" });
	const ribbon = main.createDiv({ cls: "workspace-ribbon side-dock-ribbon mod-left" }).createDiv({ cls: "side-dock-actions" });
	const workspace = main.createDiv({ cls: "workspace" });
	const leaf = workspace.createDiv({ cls: "workspace-leaf mod-active" });
	leaf.createDiv({ cls: "view-header" }).createDiv({ cls: "view-header-title", text: "" });
	leaf.createDiv({ cls: "view-content markdown-preview-view" });
	const statusBar = app.createDiv({ cls: "status-bar" });
	const notices = document.body.createDiv({ cls: "notice-container" });
	return { ribbon, workspace, statusBar, notices };
}

// ---------------------------------------------------------------------------------------------
// Events and components.

type Handler = (...args: unknown[]) => unknown;
interface EventRef {
	events: Events;
	name: string;
	fn: Handler;
}

class Events {
	private readonly handlers = new Map<string, Handler[]>();
	on(name: string, fn: Handler): EventRef {
		const list = this.handlers.get(name) ?? [];
		list.push(fn);
		this.handlers.set(name, list);
		return { events: this, name, fn };
	}
	off(name: string, fn: Handler): void {
		this.handlers.set(name, (this.handlers.get(name) ?? []).filter((f) => f !== fn));
	}
	offref(ref: EventRef): void {
		this.off(ref.name, ref.fn);
	}
	trigger(name: string, ...args: unknown[]): void {
		for (const fn of this.handlers.get(name) ?? []) fn(...args);
	}
}

class Component {
	private readonly cleanups: Array<() => void> = [];
	load(): void {
		(this as unknown as { onload?: () => void }).onload?.();
	}
	unload(): void {
		for (const c of this.cleanups.splice(0)) c();
		(this as unknown as { onunload?: () => void }).onunload?.();
	}
	register(cb: () => void): void {
		this.cleanups.push(cb);
	}
	registerEvent(ref: EventRef): void {
		this.cleanups.push(() => ref.events.offref(ref));
	}
	registerDomEvent(el: EventTarget, type: string, fn: EventListener): void {
		el.addEventListener(type, fn);
		this.cleanups.push(() => el.removeEventListener(type, fn));
	}
	registerInterval(id: number): number {
		this.cleanups.push(() => window.clearInterval(id));
		return id;
	}
}

// ---------------------------------------------------------------------------------------------
// Icons: a square outline, enough to see where an icon is.

function setIcon(parent: HTMLElement, name: string): void {
	parent.empty();
	const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
	svg.setAttribute("viewBox", "0 0 24 24");
	svg.setAttribute("class", `svg-icon lucide-${name}`);
	svg.setAttribute("width", "18");
	svg.setAttribute("height", "18");
	const shape = document.createElementNS("http://www.w3.org/2000/svg", "path");
	shape.setAttribute("d", "M12 2 L21 7 L21 17 L12 22 L3 17 L3 7 Z M12 2 L12 22 M3 7 L21 17 M21 7 L3 17");
	shape.setAttribute("fill", "none");
	shape.setAttribute("stroke", "currentColor");
	shape.setAttribute("stroke-width", "1.5");
	svg.appendChild(shape);
	parent.appendChild(svg);
}

// ---------------------------------------------------------------------------------------------
// Files and the vault.

class TAbstractFile {
	vault!: Vault;
	parent: TFolder | null = null;
	constructor(public path: string) {}
	get name(): string {
		return this.path.slice(this.path.lastIndexOf("/") + 1);
	}
}
class TFile extends TAbstractFile {
	stat = { ctime: 0, mtime: 0, size: 0 };
	get extension(): string {
		const dot = this.name.lastIndexOf(".");
		return dot > 0 ? this.name.slice(dot + 1) : "";
	}
	get basename(): string {
		return this.extension ? this.name.slice(0, -this.extension.length - 1) : this.name;
	}
}
class TFolder extends TAbstractFile {
	children: TAbstractFile[] = [];
	isRoot(): boolean {
		return this.path === "/";
	}
}

/** Obsidian's normalizePath: forward slashes, no doubled or edge slashes, non-breaking spaces to spaces. */
function normalizePath(p: string): string {
	return (
		p
			.replace(/[\\/]+/g, "/")
			.replace(/^\/|\/$/g, "")
			.replace(/\u00a0|\u202f/g, " ")
			.normalize("NFC") || "/"
	);
}

/** A task of its own, as a file read or write that goes to the disk or over IPC finishes in one. */
function io<T>(work: () => T): Promise<T> {
	return new Promise((resolve, reject) => {
		const channel = new MessageChannel();
		channel.port1.onmessage = () => {
			try {
				resolve(work());
			} catch (err) {
				reject(err instanceof Error ? err : new Error(String(err)));
			}
		};
		channel.port2.postMessage(null);
	});
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Files by path, config folder included; what the vault and its adapter read and write. */
class FileStore {
	readonly files = new Map<string, Uint8Array>();
	readonly folders = new Set<string>();
	/** Every path read through the adapter, in order (start-up must read no ATT&CK data). */
	readonly adapterReads: string[] = [];
	/** Every note written through the Vault (process, create, modify). */
	readonly vaultWrites: string[] = [];
	/**
	 * Files that also sit at a URL, as a large file sits on disk: `readBinary` gets their bytes as
	 * Obsidian does, read off the window's thread (the network worker below), not by copying the
	 * page's copy (45 MB copied in the page is a stand-in's cost, not the plugin's). A write forgets it.
	 */
	readonly onDisk = new Map<string, string>();
	addFolders(path: string): void {
		const parts = path.split("/");
		for (let i = 1; i < parts.length; i++) this.folders.add(parts.slice(0, i).join("/"));
	}
	put(path: string, data: Uint8Array): void {
		this.addFolders(path);
		this.files.set(path, data);
		this.onDisk.delete(path);
	}
}

class DataAdapter {
	constructor(private readonly store: FileStore) {}
	getName(): string {
		return "vault";
	}
	exists(path: string): Promise<boolean> {
		const p = normalizePath(path);
		return io(() => this.store.files.has(p) || this.store.folders.has(p));
	}
	stat(path: string): Promise<{ type: "file" | "folder"; ctime: number; mtime: number; size: number } | null> {
		const p = normalizePath(path);
		return io(() => {
			const f = this.store.files.get(p);
			if (f) return { type: "file" as const, ctime: 0, mtime: 0, size: f.length };
			return this.store.folders.has(p) ? { type: "folder" as const, ctime: 0, mtime: 0, size: 0 } : null;
		});
	}
	private bytes(path: string): Uint8Array {
		const f = this.store.files.get(normalizePath(path));
		if (!f) throw new Error(`ENOENT: no such file or directory, open '${path}'`);
		this.store.adapterReads.push(normalizePath(path));
		return f;
	}
	read(path: string): Promise<string> {
		return io(() => decoder.decode(this.bytes(path)));
	}
	readBinary(path: string): Promise<ArrayBuffer> {
		const url = this.store.onDisk.get(normalizePath(path));
		if (url !== undefined) return io(() => this.bytes(path)).then(async () => (await network({ url })).buffer);
		return io(() => this.bytes(path).slice().buffer);
	}
	write(path: string, data: string): Promise<void> {
		return io(() => this.store.put(normalizePath(path), encoder.encode(data)));
	}
	writeBinary(path: string, data: ArrayBuffer): Promise<void> {
		// The caller's buffer itself, as Node's fs writes it (off the window's thread): no copy here.
		return io(() => this.store.put(normalizePath(path), new Uint8Array(data)));
	}
	mkdir(path: string): Promise<void> {
		return io(() => {
			this.store.addFolders(`${normalizePath(path)}/x`);
		});
	}
	remove(path: string): Promise<void> {
		return io(() => {
			this.store.onDisk.delete(normalizePath(path));
			if (!this.store.files.delete(normalizePath(path))) throw new Error(`ENOENT: no such file, unlink '${path}'`);
		});
	}
	rename(from: string, to: string): Promise<void> {
		return io(() => {
			const data = this.store.files.get(normalizePath(from));
			if (!data) throw new Error(`ENOENT: no such file, rename '${from}'`);
			this.store.files.delete(normalizePath(from));
			this.store.put(normalizePath(to), data);
		});
	}
	list(path: string): Promise<{ files: string[]; folders: string[] }> {
		const dir = normalizePath(path);
		return io(() => {
			const inDir = (p: string) => p.startsWith(`${dir}/`) && !p.slice(dir.length + 1).includes("/");
			return { files: [...this.store.files.keys()].filter(inDir), folders: [...this.store.folders].filter(inDir) };
		});
	}
}

class Vault extends Events {
	configDir = ".obsidian";
	readonly adapter: DataAdapter;
	private readonly tfiles = new Map<string, TFile>();
	constructor(private readonly store: FileStore) {
		super();
		this.adapter = new DataAdapter(store);
	}
	getName(): string {
		return "Security+";
	}
	/** Hidden: the config folder and every dot-folder or dot-file, as Obsidian's vault has them. */
	private visible(path: string): boolean {
		return !path.split("/").some((part) => part.startsWith("."));
	}
	private fileAt(path: string): TFile {
		let f = this.tfiles.get(path);
		if (!f) {
			f = new TFile(path);
			f.vault = this;
			this.tfiles.set(path, f);
		}
		f.stat.size = this.store.files.get(path)?.length ?? 0;
		return f;
	}
	getFiles(): TFile[] {
		return [...this.store.files.keys()].filter((p) => this.visible(p)).map((p) => this.fileAt(p));
	}
	getMarkdownFiles(): TFile[] {
		return this.getFiles().filter((f) => f.extension === "md");
	}
	getAbstractFileByPath(path: string): TAbstractFile | null {
		const p = normalizePath(path);
		if (!this.visible(p)) return null;
		if (this.store.files.has(p)) return this.fileAt(p);
		if (this.store.folders.has(p)) return new TFolder(p);
		return null;
	}
	getFileByPath(path: string): TFile | null {
		const f = this.getAbstractFileByPath(path);
		return f instanceof TFile ? f : null;
	}
	private data(file: TFile): Uint8Array {
		const d = this.store.files.get(file.path);
		if (!d) throw new Error(`ENOENT: ${file.path}`);
		return d;
	}
	read(file: TFile): Promise<string> {
		return io(() => decoder.decode(this.data(file)));
	}
	cachedRead(file: TFile): Promise<string> {
		return this.read(file);
	}
	readBinary(file: TFile): Promise<ArrayBuffer> {
		return io(() => this.data(file).slice().buffer);
	}
	/** Reads and writes in one step; the callback's text is written only when it differs. */
	process(file: TFile, fn: (data: string) => string): Promise<string> {
		return io(() => {
			const current = decoder.decode(this.data(file));
			const next = fn(current);
			if (next !== current) {
				this.store.put(file.path, encoder.encode(next));
				this.store.vaultWrites.push(file.path);
				this.trigger("modify", this.fileAt(file.path));
				this.indexed(file.path, next);
			}
			return next;
		});
	}
	modify(file: TFile, data: string): Promise<void> {
		return io(() => {
			this.store.put(file.path, encoder.encode(data));
			this.store.vaultWrites.push(file.path);
			this.trigger("modify", this.fileAt(file.path));
			this.indexed(file.path, data);
		});
	}
	/** Obsidian's metadataCache fires `changed` (file, data, cache) once it has indexed a written Markdown file. */
	private indexed(path: string, data: string): void {
		if (!path.endsWith(".md")) return;
		const file = this.fileAt(path);
		void io(() => metadataCache.trigger("changed", file, data, metadataCache.getFileCache(file) ?? {}));
	}
	/** Fails when a file is already there, as Obsidian's does. */
	create(path: string, data: string): Promise<TFile> {
		const p = normalizePath(path);
		return io(() => {
			if (this.store.files.has(p)) throw new Error("File already exists.");
			this.store.put(p, encoder.encode(data));
			this.store.vaultWrites.push(p);
			const f = this.fileAt(p);
			this.trigger("create", f);
			this.indexed(p, data);
			return f;
		});
	}
	createFolder(path: string): Promise<TFolder> {
		const p = normalizePath(path);
		return io(() => {
			this.store.addFolders(`${p}/x`);
			return new TFolder(p);
		});
	}
	trash(file: TFile): Promise<void> {
		return io(() => {
			this.store.files.delete(file.path);
			this.trigger("delete", file);
		});
	}
	/** FileManager.renameFile's effect on the vault: the file moves, `rename` (file, oldPath) fires. */
	rename(file: TFile, to: string): Promise<void> {
		return io(() => {
			const data = this.data(file);
			const old = file.path;
			this.store.files.delete(old);
			this.tfiles.delete(old);
			this.store.put(normalizePath(to), data);
			this.trigger("rename", this.fileAt(normalizePath(to)), old);
		});
	}
}

// ---------------------------------------------------------------------------------------------
// Menus.

class MenuItem {
	readonly dom: HTMLElement;
	private click: ((e: MouseEvent) => unknown) | null = null;
	constructor(parent: HTMLElement) {
		this.dom = parent.createDiv({ cls: "menu-item" });
		this.dom.createDiv({ cls: "menu-item-icon" });
		this.dom.createDiv({ cls: "menu-item-title" });
		this.dom.addEventListener("click", (e) => {
			this.click?.(e);
			this.dom.closest(".menu")?.detach();
		});
	}
	setTitle(title: string | DocumentFragment): this {
		this.dom.querySelector<HTMLElement>(".menu-item-title")?.setText(title);
		return this;
	}
	setIcon(icon: string | null): this {
		const el = this.dom.querySelector<HTMLElement>(".menu-item-icon");
		if (el && icon) setIcon(el, icon);
		return this;
	}
	setSection(): this {
		return this;
	}
	onClick(fn: (e: MouseEvent) => unknown): this {
		this.click = fn;
		return this;
	}
}

class Menu extends Component {
	readonly dom = createDiv({ cls: "menu" });
	readonly items: MenuItem[] = [];
	addItem(cb: (item: MenuItem) => unknown): this {
		const item = new MenuItem(this.dom);
		this.items.push(item);
		cb(item);
		return this;
	}
	addSeparator(): this {
		this.dom.createDiv({ cls: "menu-separator" });
		return this;
	}
	showAtPosition(pos: { x: number; y: number }): this {
		document.body.appendChild(this.dom);
		this.dom.style.left = `${pos.x}px`;
		this.dom.style.top = `${pos.y}px`;
		return this;
	}
	showAtMouseEvent(e: MouseEvent): this {
		return this.showAtPosition({ x: e.clientX, y: e.clientY });
	}
	hide(): this {
		this.dom.detach();
		return this;
	}
}

// ---------------------------------------------------------------------------------------------
// Notices, modals, settings.

interface NoticeRecord {
	/** The text shown first and each text it was changed to. */
	messages: string[];
	hidden: boolean;
	at: number;
}

class Notice {
	readonly containerEl: HTMLElement;
	readonly noticeEl: HTMLElement;
	readonly messageEl: HTMLElement;
	private readonly record: NoticeRecord;
	private timer: number | undefined;
	constructor(message: string | DocumentFragment, duration?: number) {
		this.containerEl = standIn.frame.notices.createDiv({ cls: "notice" });
		this.noticeEl = this.containerEl;
		this.messageEl = this.containerEl.createDiv({ cls: "notice-message" });
		this.record = { messages: [], hidden: false, at: performance.now() };
		standIn.notices.push(this.record);
		this.setMessage(message);
		// Obsidian hides a notice when it is clicked.
		this.containerEl.addEventListener("click", () => this.hide());
		const ms = duration ?? 5000;
		if (ms > 0) this.timer = window.setTimeout(() => this.hide(), ms);
	}
	setMessage(message: string | DocumentFragment): this {
		this.messageEl.setText(message);
		this.record.messages.push(this.messageEl.textContent ?? "");
		return this;
	}
	hide(): void {
		window.clearTimeout(this.timer);
		this.record.hidden = true;
		this.containerEl.detach();
	}
}

class Modal {
	readonly containerEl: HTMLElement;
	readonly modalEl: HTMLElement;
	readonly titleEl: HTMLElement;
	readonly contentEl: HTMLElement;
	shouldRestoreSelection = true;
	private readonly escape = (e: KeyboardEvent) => {
		if (e.key === "Escape") this.close();
	};
	constructor(public app: App) {
		this.containerEl = createDiv({ cls: "modal-container mod-dim" });
		this.containerEl.createDiv({ cls: "modal-bg" }).addEventListener("click", () => this.close());
		this.modalEl = this.containerEl.createDiv({ cls: "modal" });
		this.modalEl.createDiv({ cls: "modal-close-button" }).addEventListener("click", () => this.close());
		this.titleEl = this.modalEl.createDiv({ cls: "modal-header" }).createDiv({ cls: "modal-title" });
		this.contentEl = this.modalEl.createDiv({ cls: "modal-content" });
	}
	setTitle(title: string): this {
		this.titleEl.setText(title);
		return this;
	}
	setContent(content: string | DocumentFragment): this {
		this.contentEl.setText(content);
		return this;
	}
	open(): void {
		document.body.appendChild(this.containerEl);
		document.addEventListener("keydown", this.escape);
		standIn.modals.push(this);
		this.onOpen();
	}
	close(): void {
		if (!this.containerEl.isConnected) return;
		document.removeEventListener("keydown", this.escape);
		this.containerEl.detach();
		this.onClose();
	}
	onOpen(): void {}
	onClose(): void {}
}

interface FuzzyMatch<T> {
	item: T;
	match: { score: number; matches: Array<[number, number]> };
}

/** Obsidian's prompt: an input over a list of suggestions, arrow keys and Enter to choose. */
abstract class SuggestModal<T> extends Modal {
	readonly inputEl: HTMLInputElement;
	readonly resultContainerEl: HTMLElement;
	limit = 100;
	emptyStateText = "No results found.";
	private shown: T[] = [];
	private selected = 0;
	constructor(app: App) {
		super(app);
		this.modalEl.className = "prompt";
		this.modalEl.empty();
		this.inputEl = this.modalEl.createDiv({ cls: "prompt-input-container" }).createEl("input", { cls: "prompt-input", type: "text" });
		this.resultContainerEl = this.modalEl.createDiv({ cls: "prompt-results" });
		this.inputEl.addEventListener("input", () => this.update());
		this.inputEl.addEventListener("keydown", (e) => {
			if (e.key === "ArrowDown") this.select(this.selected + 1);
			else if (e.key === "ArrowUp") this.select(this.selected - 1);
			else if (e.key === "Enter") this.chooseAt(this.selected, e);
		});
	}
	setPlaceholder(text: string): void {
		this.inputEl.placeholder = text;
	}
	setInstructions(list: Array<{ command: string; purpose: string }>): void {
		const el = this.modalEl.createDiv({ cls: "prompt-instructions" });
		for (const i of list) {
			const row = el.createDiv({ cls: "prompt-instruction" });
			row.createSpan({ cls: "prompt-instruction-command", text: i.command });
			row.createSpan({ text: i.purpose });
		}
	}
	override open(): void {
		super.open();
		this.update();
		this.inputEl.focus();
	}
	private update(): void {
		this.resultContainerEl.empty();
		this.shown = (this.getSuggestions(this.inputEl.value) as T[]).slice(0, this.limit);
		if (this.shown.length === 0) this.resultContainerEl.createDiv({ cls: "suggestion-empty", text: this.emptyStateText });
		this.shown.forEach((item, i) => {
			const el = this.resultContainerEl.createDiv({ cls: "suggestion-item" });
			el.addEventListener("click", (e) => this.chooseAt(i, e));
			this.renderSuggestion(item, el);
		});
		this.select(0);
	}
	private select(i: number): void {
		const items = this.resultContainerEl.querySelectorAll(".suggestion-item");
		if (items.length === 0) return;
		this.selected = (i + items.length) % items.length;
		items.forEach((el, k) => el.toggleClass("is-selected", k === this.selected));
	}
	private chooseAt(i: number, e: MouseEvent | KeyboardEvent): void {
		const item = this.shown[i];
		if (item === undefined) return;
		this.close();
		this.onChooseSuggestion(item, e);
	}
	abstract getSuggestions(query: string): T[] | Promise<T[]>;
	abstract renderSuggestion(value: T, el: HTMLElement): void;
	abstract onChooseSuggestion(item: T, evt: MouseEvent | KeyboardEvent): void;
}

/** A fuzzy match: the query's characters in order, scored by how close together they are. */
function fuzzy(query: string, text: string): FuzzyMatch<unknown>["match"] | null {
	const q = query.toLowerCase().replace(/\s+/g, "");
	const t = text.toLowerCase();
	if (q === "") return { score: 0, matches: [] };
	const matches: Array<[number, number]> = [];
	let at = 0;
	let gaps = 0;
	for (const ch of q) {
		const found = t.indexOf(ch, at);
		if (found < 0) return null;
		gaps += found - at;
		const last = matches[matches.length - 1];
		if (last && last[1] === found) last[1] = found + 1;
		else matches.push([found, found + 1]);
		at = found + 1;
	}
	return { score: -gaps - matches.length, matches };
}

abstract class FuzzySuggestModal<T> extends SuggestModal<FuzzyMatch<T>> {
	getSuggestions(query: string): Array<FuzzyMatch<T>> {
		const out: Array<FuzzyMatch<T>> = [];
		for (const item of this.getItems()) {
			const match = fuzzy(query, this.getItemText(item));
			if (match) out.push({ item, match });
		}
		return query.trim() === "" ? out : out.sort((a, b) => b.match.score - a.match.score);
	}
	renderSuggestion(value: FuzzyMatch<T>, el: HTMLElement): void {
		el.setText(this.getItemText(value.item));
	}
	onChooseSuggestion(value: FuzzyMatch<T>, evt: MouseEvent | KeyboardEvent): void {
		this.onChooseItem(value.item, evt);
	}
	abstract getItems(): T[];
	abstract getItemText(item: T): string;
	abstract onChooseItem(item: T, evt: MouseEvent | KeyboardEvent): void;
}

class ValueComponent<V> {
	protected changed: ((value: V) => unknown) | null = null;
	disabled = false;
	onChange(fn: (value: V) => unknown): this {
		this.changed = fn;
		return this;
	}
	setDisabled(disabled: boolean): this {
		this.disabled = disabled;
		return this;
	}
}

class TextComponent extends ValueComponent<string> {
	readonly inputEl: HTMLInputElement;
	constructor(container: HTMLElement) {
		super();
		this.inputEl = container.createEl("input", { type: "text", attr: { spellcheck: "false" } });
		this.inputEl.addEventListener("input", () => void this.changed?.(this.inputEl.value));
	}
	setValue(v: string): this {
		this.inputEl.value = v;
		return this;
	}
	getValue(): string {
		return this.inputEl.value;
	}
	setPlaceholder(p: string): this {
		this.inputEl.placeholder = p;
		return this;
	}
}

class TextAreaComponent extends ValueComponent<string> {
	readonly inputEl: HTMLTextAreaElement;
	constructor(container: HTMLElement) {
		super();
		this.inputEl = container.createEl("textarea", { attr: { spellcheck: "false" } });
		this.inputEl.addEventListener("input", () => void this.changed?.(this.inputEl.value));
	}
	setValue(v: string): this {
		this.inputEl.value = v;
		return this;
	}
	getValue(): string {
		return this.inputEl.value;
	}
	setPlaceholder(p: string): this {
		this.inputEl.placeholder = p;
		return this;
	}
}

class ToggleComponent extends ValueComponent<boolean> {
	readonly toggleEl: HTMLElement;
	private on = false;
	constructor(container: HTMLElement) {
		super();
		this.toggleEl = container.createDiv({ cls: "checkbox-container" });
		this.toggleEl.createEl("input", { type: "checkbox", attr: { tabindex: 0 } });
		this.toggleEl.addEventListener("click", () => {
			if (this.disabled) return;
			this.setValue(!this.on);
			void this.changed?.(this.on);
		});
	}
	setValue(on: boolean): this {
		this.on = on;
		this.toggleEl.toggleClass("is-enabled", on);
		return this;
	}
	getValue(): boolean {
		return this.on;
	}
	setTooltip(text: string): this {
		this.toggleEl.setAttr("aria-label", text);
		return this;
	}
}

class DropdownComponent extends ValueComponent<string> {
	readonly selectEl: HTMLSelectElement;
	constructor(container: HTMLElement) {
		super();
		this.selectEl = container.createEl("select", { cls: "dropdown" });
		this.selectEl.addEventListener("change", () => void this.changed?.(this.selectEl.value));
	}
	addOption(value: string, text: string): this {
		this.selectEl.createEl("option", { value, text });
		return this;
	}
	addOptions(options: Record<string, string>): this {
		for (const [v, t] of Object.entries(options)) this.addOption(v, t);
		return this;
	}
	setValue(v: string): this {
		this.selectEl.value = v;
		return this;
	}
	getValue(): string {
		return this.selectEl.value;
	}
}

class ButtonComponent {
	readonly buttonEl: HTMLButtonElement;
	constructor(container: HTMLElement) {
		this.buttonEl = container.createEl("button");
	}
	setButtonText(t: string): this {
		this.buttonEl.setText(t);
		return this;
	}
	setCta(): this {
		this.buttonEl.addClass("mod-cta");
		return this;
	}
	setWarning(): this {
		this.buttonEl.addClass("mod-warning");
		return this;
	}
	setDisabled(d: boolean): this {
		this.buttonEl.disabled = d;
		return this;
	}
	setTooltip(t: string): this {
		this.buttonEl.setAttr("aria-label", t);
		return this;
	}
	setIcon(icon: string): this {
		setIcon(this.buttonEl, icon);
		return this;
	}
	onClick(fn: (e: MouseEvent) => unknown): this {
		this.buttonEl.addEventListener("click", (e) => void fn(e));
		return this;
	}
}

class ExtraButtonComponent extends ButtonComponent {
	constructor(container: HTMLElement) {
		super(container);
		this.buttonEl.addClass("clickable-icon", "extra-setting-button");
	}
}

class Setting {
	readonly settingEl: HTMLElement;
	readonly infoEl: HTMLElement;
	readonly nameEl: HTMLElement;
	readonly descEl: HTMLElement;
	readonly controlEl: HTMLElement;
	readonly components: unknown[] = [];
	constructor(containerEl: HTMLElement) {
		this.settingEl = containerEl.createDiv({ cls: "setting-item" });
		this.infoEl = this.settingEl.createDiv({ cls: "setting-item-info" });
		this.nameEl = this.infoEl.createDiv({ cls: "setting-item-name" });
		this.descEl = this.infoEl.createDiv({ cls: "setting-item-description" });
		this.controlEl = this.settingEl.createDiv({ cls: "setting-item-control" });
	}
	setName(name: string | DocumentFragment): this {
		this.nameEl.setText(name);
		return this;
	}
	setDesc(desc: string | DocumentFragment): this {
		this.descEl.setText(desc);
		return this;
	}
	setClass(cls: string): this {
		this.settingEl.addClass(cls);
		return this;
	}
	setHeading(): this {
		this.settingEl.addClass("setting-item-heading");
		return this;
	}
	setDisabled(disabled: boolean): this {
		this.settingEl.toggleClass("is-disabled", disabled);
		return this;
	}
	private add<C>(c: C, cb?: (c: C) => unknown): this {
		this.components.push(c);
		cb?.(c);
		return this;
	}
	addText(cb?: (c: TextComponent) => unknown): this {
		return this.add(new TextComponent(this.controlEl), cb);
	}
	addTextArea(cb?: (c: TextAreaComponent) => unknown): this {
		return this.add(new TextAreaComponent(this.controlEl), cb);
	}
	addToggle(cb?: (c: ToggleComponent) => unknown): this {
		return this.add(new ToggleComponent(this.controlEl), cb);
	}
	addDropdown(cb?: (c: DropdownComponent) => unknown): this {
		return this.add(new DropdownComponent(this.controlEl), cb);
	}
	addButton(cb?: (c: ButtonComponent) => unknown): this {
		return this.add(new ButtonComponent(this.controlEl), cb);
	}
	addExtraButton(cb?: (c: ExtraButtonComponent) => unknown): this {
		return this.add(new ExtraButtonComponent(this.controlEl), cb);
	}
	then(cb: (s: this) => unknown): this {
		cb(this);
		return this;
	}
}

class PluginSettingTab {
	readonly containerEl = createDiv({ cls: "vertical-tab-content" });
	constructor(
		public app: App,
		public plugin: Plugin,
	) {}
	display(): void {}
	hide(): void {
		this.containerEl.empty();
	}
}

// ---------------------------------------------------------------------------------------------
// Workspace, app, plugin.

/**
 * The metadata cache: `changed` (file, data, cache) after a Markdown file is indexed, and
 * `getFileCache` (the frontmatter only, parsed as flat `key: value` lines: enough for the test).
 */
class MetadataCache extends Events {
	getFileCache(file: TFile): { frontmatter?: Record<string, string> } | null {
		const data = store.files.get(file.path);
		if (!data) return null;
		const m = /^---\r?\n([\s\S]*?)\r?\n---/.exec(decoder.decode(data));
		if (!m) return {};
		const frontmatter: Record<string, string> = {};
		for (const line of m[1].split(/\r?\n/)) {
			const kv = /^([\w-]+):\s*(.*)$/.exec(line);
			if (kv) frontmatter[kv[1]] = kv[2];
		}
		return { frontmatter };
	}
}

/**
 * A workspace leaf: `.workspace-leaf` with its header and content, as Obsidian builds one; only the
 * active leaf is shown (one pane, as on a phone). A view is made by the creator registerView gave.
 */
class WorkspaceLeaf extends Events {
	readonly containerEl: HTMLElement;
	view: View | null = null;
	constructor(el?: HTMLElement) {
		super();
		this.containerEl = el ?? standIn.frame.workspace.createDiv({ cls: "workspace-leaf" });
	}
	getViewState(): { type: string } {
		return { type: this.view?.getViewType() ?? "empty" };
	}
	async setViewState(state: { type: string; active?: boolean }): Promise<void> {
		const creator = standIn.views.get(state.type);
		if (!creator) throw new Error(`no view type ${state.type}`);
		await this.view?.close();
		this.containerEl.empty();
		this.view = creator(this);
		this.containerEl.appendChild(this.view.containerEl);
		this.view.headerTitleEl.setText(this.view.getDisplayText());
		if (state.active) workspace.setActiveLeaf(this);
		await this.view.open();
	}
	detach(): void {
		void this.view?.close();
		this.containerEl.detach();
		workspace.leaves.splice(workspace.leaves.indexOf(this), 1);
	}
}

/** View: `containerEl` holds `.view-header` and `.view-content`; ItemView's `contentEl` is the latter. */
abstract class View extends Component {
	readonly containerEl: HTMLElement;
	readonly headerTitleEl: HTMLElement;
	constructor(public leaf: WorkspaceLeaf) {
		super();
		this.containerEl = createDiv({ cls: "view-container" });
		this.headerTitleEl = this.containerEl.createDiv({ cls: "view-header" }).createDiv({ cls: "view-header-title" });
	}
	abstract getViewType(): string;
	abstract getDisplayText(): string;
	getIcon(): string {
		return "document";
	}
	async open(): Promise<void> {
		this.load();
		await this.onOpen();
	}
	async close(): Promise<void> {
		await this.onClose();
		this.unload();
	}
	onOpen(): Promise<void> | void {}
	onClose(): Promise<void> | void {}
}

class ItemView extends View {
	readonly contentEl: HTMLElement;
	constructor(leaf: WorkspaceLeaf) {
		super(leaf);
		this.contentEl = this.containerEl.createDiv({ cls: "view-content" });
	}
	getViewType(): string {
		return "item";
	}
	getDisplayText(): string {
		return "";
	}
}

/** A child of a rendered Markdown section: loaded with it, unloaded when the section is rendered again. */
class MarkdownRenderChild extends Component {
	constructor(public containerEl: HTMLElement) {
		super();
	}
}

/** Keymap.isModEvent: Ctrl (Cmd on macOS) or a middle click asks for a new tab. */
const Keymap = {
	isModEvent(evt?: MouseEvent | KeyboardEvent | null): "tab" | "split" | "window" | boolean {
		if (!evt) return false;
		const mod = evt.ctrlKey || evt.metaKey;
		if (mod && evt.altKey && evt.shiftKey) return "window";
		if (mod && evt.altKey) return "split";
		if (mod || (evt instanceof MouseEvent && evt.button === 1)) return "tab";
		return false;
	},
	isModifier(evt: MouseEvent | KeyboardEvent, modifier: string): boolean {
		return modifier === "Mod" ? evt.ctrlKey || evt.metaKey : modifier === "Shift" ? evt.shiftKey : modifier === "Alt" ? evt.altKey : modifier === "Ctrl" ? evt.ctrlKey : evt.metaKey;
	},
};

class Workspace extends Events {
	active: TFile | null = null;
	readonly opened: Array<{ link: string; line?: number }> = [];
	readonly leaves: WorkspaceLeaf[] = [];
	activeLeaf: WorkspaceLeaf | null = null;
	/** The note leaf the frame starts with (it shows the active note's name). */
	private noteLeaf: WorkspaceLeaf | null = null;
	getLeaf(newLeaf?: boolean | "tab" | "split" | "window"): WorkspaceLeaf {
		if (!newLeaf && this.activeLeaf) return this.activeLeaf;
		const leaf = new WorkspaceLeaf();
		this.leaves.push(leaf);
		return leaf;
	}
	getLeavesOfType(type: string): WorkspaceLeaf[] {
		return this.leaves.filter((l) => l.view?.getViewType() === type);
	}
	setActiveLeaf(leaf: WorkspaceLeaf): void {
		this.noteLeaf ??= new WorkspaceLeaf(standIn.frame.workspace.querySelector<HTMLElement>(".workspace-leaf") ?? undefined);
		for (const el of Array.from(standIn.frame.workspace.children)) el.toggleClass("mod-active", el === leaf.containerEl);
		this.activeLeaf = leaf;
	}
	revealLeaf(leaf: WorkspaceLeaf): Promise<void> {
		this.setActiveLeaf(leaf);
		return Promise.resolve();
	}
	detachLeavesOfType(type: string): void {
		for (const l of this.getLeavesOfType(type)) l.detach();
	}
	layoutReady = true;
	getActiveFile(): TFile | null {
		return this.active;
	}
	getActiveViewOfType(): null {
		return null;
	}
	onLayoutReady(cb: () => unknown): void {
		window.setTimeout(() => void cb(), 0);
	}
	openLinkText(link: string, _source: string, _newLeaf?: boolean, state?: { eState?: { line?: number } }): Promise<void> {
		this.opened.push({ link, line: state?.eState?.line });
		return Promise.resolve();
	}
}

type CodeBlockHandler = (source: string, el: HTMLElement, ctx: { sourcePath: string; addChild(child: Component): void }) => unknown;

interface App {
	vault: Vault;
	workspace: Workspace;
	metadataCache: MetadataCache;
	fileManager: { trashFile(file: TFile): Promise<void> };
	setting: { open(): void; openTabById(id: string): void };
}

interface Command {
	id: string;
	name: string;
	icon?: string;
	hotkeys?: unknown[];
	callback?: () => unknown;
	checkCallback?: (checking: boolean) => boolean | void;
	editorCallback?: (editor: unknown, view: unknown) => unknown;
	editorCheckCallback?: (checking: boolean, editor: unknown, view: unknown) => boolean | void;
}

class Plugin extends Component {
	private saved: unknown = null;
	constructor(
		public app: App,
		public manifest: { id: string; name: string; version: string; dir?: string },
	) {
		super();
	}
	addCommand(command: Command): Command {
		const full = { ...command, id: `${this.manifest.id}:${command.id}`, name: `${this.manifest.name}: ${command.name}` };
		standIn.commands.push({ ...full, localId: command.id });
		return full;
	}
	addSettingTab(tab: PluginSettingTab): void {
		standIn.settingTabs.push(tab);
	}
	registerView(type: string, creator: (leaf: WorkspaceLeaf) => View): void {
		standIn.views.set(type, creator);
		this.register(() => standIn.views.delete(type));
	}
	registerMarkdownCodeBlockProcessor(language: string, handler: CodeBlockHandler): void {
		standIn.codeBlocks.set(language, handler);
		this.register(() => standIn.codeBlocks.delete(language));
	}
	addRibbonIcon(icon: string, title: string, callback: (e: MouseEvent) => unknown): HTMLElement {
		const el = standIn.frame.ribbon.createDiv({ cls: "clickable-icon side-dock-ribbon-action", attr: { "aria-label": title } });
		setIcon(el, icon);
		el.addEventListener("click", (e) => void callback(e));
		this.register(() => el.detach());
		return el;
	}
	addStatusBarItem(): HTMLElement {
		const el = standIn.frame.statusBar.createDiv({ cls: `status-bar-item plugin-${this.manifest.id.replace(/[^a-z0-9-]/gi, "-")}` });
		this.register(() => el.detach());
		return el;
	}
	loadData(): Promise<unknown> {
		return io(() => (this.saved === null ? null : (JSON.parse(JSON.stringify(this.saved)) as unknown)));
	}
	saveData(data: unknown): Promise<void> {
		return io(() => {
			this.saved = JSON.parse(JSON.stringify(data)) as unknown;
		});
	}
	/** The test's way in: data.json as it would be on disk before the plugin loads. */
	seedData(data: unknown): void {
		this.saved = data;
	}
}

// ---------------------------------------------------------------------------------------------
// requestUrl: a real request, answered as Obsidian's is (throw: false keeps HTTP errors as responses).

interface RequestUrlParam {
	url: string;
	method?: string;
	headers?: Record<string, string>;
	body?: string | ArrayBuffer;
	throw?: boolean;
}

/**
 * Obsidian does the request outside the window (Electron's main process on desktop, the native
 * HTTP client on mobile) and hands the body over whole. Here a worker does the fetch and transfers
 * the body, so receiving 45 MB costs the window what it costs in Obsidian, not what a page's own
 * fetch of it costs.
 */
const network = (() => {
	const code = `onmessage = async (e) => {
		const { id, url, method, headers, body } = e.data;
		try {
			const res = await fetch(url, { method, headers, body, cache: "no-store" });
			const buffer = await res.arrayBuffer();
			const h = {};
			res.headers.forEach((v, k) => (h[k] = v));
			postMessage({ id, status: res.status, headers: h, buffer }, [buffer]);
		} catch (err) {
			postMessage({ id, error: String(err && err.message ? err.message : err) });
		}
	};`;
	const worker = new Worker(URL.createObjectURL(new Blob([code], { type: "text/javascript" })));
	const waiting = new Map<number, (r: { status: number; headers: Record<string, string>; buffer: ArrayBuffer } | { error: string }) => void>();
	let next = 1;
	worker.onmessage = (e: MessageEvent<{ id: number; status: number; headers: Record<string, string>; buffer: ArrayBuffer } | { id: number; error: string }>) => {
		waiting.get(e.data.id)?.(e.data);
		waiting.delete(e.data.id);
	};
	return (req: RequestUrlParam) =>
		new Promise<{ status: number; headers: Record<string, string>; buffer: ArrayBuffer }>((resolve, reject) => {
			const id = next++;
			waiting.set(id, (r) => ("error" in r ? reject(new Error(r.error)) : resolve(r)));
			worker.postMessage({ id, url: req.url, method: req.method ?? "GET", headers: req.headers, body: req.body });
		});
})();

async function requestUrl(req: RequestUrlParam) {
	standIn.requests.push(req.url);
	const res = await network(req);
	standIn.answered.push(req.url);
	const arrayBuffer = res.buffer;
	if (req.throw !== false && res.status >= 400) throw new Error(`Request failed, status ${res.status}`);
	return {
		status: res.status,
		headers: res.headers,
		arrayBuffer,
		get text() {
			return decoder.decode(arrayBuffer);
		},
		get json(): unknown {
			return JSON.parse(decoder.decode(arrayBuffer)) as unknown;
		},
	};
}

// ---------------------------------------------------------------------------------------------
// The stand-in the test drives.

export interface StandIn {
	frame: Frame;
	store: FileStore;
	app: App;
	module: Record<string, unknown>;
	commands: Array<Command & { localId: string }>;
	settingTabs: PluginSettingTab[];
	notices: NoticeRecord[];
	modals: Modal[];
	requests: string[];
	/** Requests whose answer came back to the plugin, by URL. */
	answered: string[];
	/** What editor commands inserted (`editor.replaceSelection`). */
	inserted: string[];
	/** Longest main-thread tasks seen (PerformanceObserver "longtask": over 50 ms). */
	longTasks: Array<{ start: number; duration: number }>;
	/** Put the vault's files in (path → base64). */
	loadVault(files: Record<string, string>): void;
	/** Read a vault file as text. */
	readFile(path: string): string | null;
	/** Run a command by its id (without the plugin's prefix), as the palette does. */
	runCommand(id: string): boolean;
	openSettings(): HTMLElement;
	openMenu(kind: "file-menu" | "editor-menu", path: string): Menu;
	setActive(path: string | null): void;
	/** Views registered by type (registerView). */
	views: Map<string, (leaf: WorkspaceLeaf) => View>;
	/** Code block processors registered by language. */
	codeBlocks: Map<string, CodeBlockHandler>;
	/**
	 * A note's reading view with one fenced code block of `language`, rendered as Obsidian renders
	 * it: the processor gets the block's source and its `<div>`; the children it adds are loaded.
	 */
	renderCodeBlock(language: string, source: string, sourcePath?: string): Promise<HTMLElement>;
	/** Write a file as an edit in Obsidian would (Vault.modify: `modify`, then metadataCache `changed`). */
	editFile(path: string, text: string): Promise<void>;
	/** Rename a file (the vault's `rename` event). */
	renameFile(path: string, to: string): Promise<void>;
}

function base64Bytes(b64: string): Uint8Array {
	const bin = atob(b64);
	const out = new Uint8Array(bin.length);
	for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
	return out;
}

installDomHelpers();
const store = new FileStore();
const vault = new Vault(store);
const workspace = new Workspace();
const metadataCache = new MetadataCache();
const app: App = {
	vault,
	workspace,
	metadataCache,
	fileManager: { trashFile: (file) => vault.trash(file) },
	setting: { open: () => void standIn.openSettings(), openTabById: () => undefined },
};

const standIn: StandIn = {
	frame: buildFrame(),
	store,
	app,
	module: {},
	commands: [],
	settingTabs: [],
	notices: [],
	modals: [],
	requests: [],
	answered: [],
	inserted: [],
	longTasks: [],
	loadVault(files) {
		for (const [path, b64] of Object.entries(files)) store.put(path, base64Bytes(b64));
	},
	readFile(path) {
		const f = store.files.get(path);
		return f ? decoder.decode(f) : null;
	},
	runCommand(id) {
		const c = standIn.commands.find((x) => x.localId === id);
		if (!c) throw new Error(`no command ${id}`);
		if (c.callback) {
			void c.callback();
			return true;
		}
		if (c.checkCallback) return c.checkCallback(false) !== false;
		const editor = { replaceSelection: (s: string) => standIn.inserted.push(s), getCursor: () => ({ line: 0, ch: 0 }) };
		const view = { file: workspace.active, editor };
		if (c.editorCallback) {
			void c.editorCallback(editor, view);
			return true;
		}
		if (c.editorCheckCallback) return c.editorCheckCallback(false, editor, view) !== false;
		return false;
	},
	openSettings() {
		const modal = new Modal(app);
		modal.modalEl.addClass("mod-settings");
		modal.titleEl.setText("Settings");
		const tab = standIn.settingTabs[0];
		modal.contentEl.createDiv({ cls: "vertical-tab-content-container" }).appendChild(tab.containerEl);
		modal.open();
		tab.display();
		return tab.containerEl;
	},
	openMenu(kind, path) {
		const menu = new Menu();
		const file = vault.getAbstractFileByPath(path);
		if (kind === "file-menu") workspace.trigger("file-menu", menu, file, "file-explorer-context-menu");
		else workspace.trigger("editor-menu", menu, { getCursor: () => ({ line: 0, ch: 0 }) }, { file });
		menu.showAtPosition({ x: 240, y: 120 });
		return menu;
	},
	views: new Map(),
	codeBlocks: new Map(),
	async renderCodeBlock(language, source, sourcePath = "Index.md") {
		const handler = standIn.codeBlocks.get(language);
		if (!handler) throw new Error(`no code block processor for ${language}`);
		const leaf = workspace.getLeaf("tab");
		leaf.containerEl.addClass("mod-note");
		leaf.containerEl.createDiv({ cls: "view-header" }).createDiv({ cls: "view-header-title", text: sourcePath.replace(/\.md$/, "") });
		const preview = leaf.containerEl.createDiv({ cls: "view-content markdown-preview-view markdown-rendered" });
		const section = preview.createDiv({ cls: "markdown-preview-section" });
		section.createEl("h1", { text: "My ATT&CK index" });
		const el = section.createDiv({ cls: `block-language-${language}` });
		workspace.setActiveLeaf(leaf);
		await handler(source, el, { sourcePath, addChild: (child) => child.load() });
		return el;
	},
	editFile(path, text) {
		const file = vault.getFileByPath(path);
		if (!file) throw new Error(`no file ${path}`);
		return vault.modify(file, text);
	},
	renameFile(path, to) {
		const file = vault.getFileByPath(path);
		if (!file) throw new Error(`no file ${path}`);
		return vault.rename(file, to);
	},
	setActive(path) {
		workspace.active = path === null ? null : vault.getFileByPath(path);
		const title = document.querySelector<HTMLElement>(".view-header-title");
		title?.setText(workspace.active?.basename ?? "");
		workspace.trigger("file-open", workspace.active);
	},
};

standIn.module = {
	App: Object,
	Component,
	Events,
	Plugin,
	PluginSettingTab,
	Setting,
	Notice,
	Modal,
	SuggestModal,
	FuzzySuggestModal,
	Menu,
	MenuItem,
	TAbstractFile,
	TFile,
	TFolder,
	Vault,
	MarkdownView: class MarkdownView {},
	MarkdownRenderChild,
	ItemView,
	View,
	WorkspaceLeaf,
	Keymap,
	MetadataCache,
	TextComponent,
	TextAreaComponent,
	ToggleComponent,
	DropdownComponent,
	ButtonComponent,
	ExtraButtonComponent,
	normalizePath,
	requestUrl,
	setIcon,
	Platform: { isMobile: window.innerWidth < 600, isDesktop: window.innerWidth >= 600, isMobileApp: false, isDesktopApp: true, isPhone: window.innerWidth < 600 },
	moment: undefined,
};

try {
	new PerformanceObserver((list) => {
		for (const e of list.getEntries()) standIn.longTasks.push({ start: e.startTime, duration: e.duration });
	}).observe({ type: "longtask", buffered: true });
} catch {
	// No longtask entries in this browser: the test says so.
}

window.obsidianStandIn = standIn;
