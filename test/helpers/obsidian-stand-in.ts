/**
 * A stand-in for the `obsidian` module, for loading the built main.js where Obsidian itself
 * cannot run. It follows Obsidian's documented behaviour for what the plugin uses: a Vault over a
 * real folder (getFiles skips the config folder and dot-folders, `process` reads and writes in one
 * step, `create` fails on an existing file), the DataAdapter for the plugin's folder, `requestUrl`
 * (a real HTTP request; `throw: false` returns the status), Notice, Modal, FuzzySuggestModal,
 * Setting and the workspace's active file. It records what the plugin registers and shows.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";

export interface Registered {
	commands: Array<{ id: string; name: string; hotkeys?: unknown[]; callback?: () => unknown; checkCallback?: (checking: boolean) => boolean | void; editorCallback?: (editor: unknown, view: unknown) => unknown }>;
	settingTabs: Array<{ display(): void }>;
	notices: string[];
	modals: StandInModal[];
	/** The Notice objects, to click one (a progress notice cancels on click). */
	noticeObjects?: Array<{ messageEl: StandInEl; hidden: boolean }>;
	/** Called on every message a notice shows (a test can act at a given step). */
	onMessage?: (notice: { messageEl: StandInEl }, message: string) => void;
}

export interface StandInEl {
	tag: string;
	text: string;
	cls: string;
	children: StandInEl[];
	disabled?: boolean;
	listeners: Record<string, Array<(e: { preventDefault(): void }) => void>>;
	createEl(tag: string, o?: { text?: string; cls?: string; href?: string }): StandInEl;
	createDiv(o?: { text?: string; cls?: string }): StandInEl;
	createSpan(o?: { text?: string; cls?: string }): StandInEl;
	setText(t: string): void;
	addClass(c: string): void;
	removeClass(c: string): void;
	setAttr(name: string, value: string): void;
	empty(): void;
	addEventListener(type: string, fn: (e: { preventDefault(): void }) => void): void;
	click(): void;
	/** All text below this element, one line per element. */
	allText(): string;
}

export interface StandInModal {
	titleEl: StandInEl;
	contentEl: StandInEl;
	closed: boolean;
	/** FuzzySuggestModal only. */
	getItems?(): unknown[];
	getItemText?(item: unknown): string;
	onChooseItem?(item: unknown): void;
}

function element(tag = "div"): StandInEl {
	const add = (t: string, o?: { text?: string; cls?: string }) => {
		const child = element(t);
		child.text = o?.text ?? "";
		child.cls = o?.cls ?? "";
		el.children.push(child);
		return child;
	};
	const el: StandInEl = {
		tag,
		text: "",
		cls: "",
		children: [],
		listeners: {},
		createEl: (t, o) => add(t, o),
		createDiv: (o) => add("div", o),
		createSpan: (o) => add("span", o),
		setText(t) {
			el.text = t;
		},
		addClass(c) {
			el.cls = `${el.cls} ${c}`.trim();
		},
		setAttr() {},
		removeClass(c) {
			el.cls = el.cls
				.split(" ")
				.filter((x) => x !== "" && x !== c)
				.join(" ");
		},
		empty() {
			el.children = [];
		},
		addEventListener(type, fn) {
			(el.listeners[type] ??= []).push(fn);
		},
		click() {
			for (const fn of el.listeners.click ?? []) fn({ preventDefault() {} });
		},
		allText() {
			return [el.text, ...el.children.map((c) => c.allText())].filter((t) => t !== "").join("\n");
		},
	};
	return el;
}

export function makeObsidian(registered: Registered) {
	class Component {
		register(): void {}
		registerEvent(): void {}
		registerDomEvent(): void {}
		registerInterval(id: number): number {
			return id;
		}
	}
	class Plugin extends Component {
		app: unknown;
		manifest: unknown;
		private saved: unknown = null;
		constructor(app: unknown, manifest: unknown) {
			super();
			this.app = app;
			this.manifest = manifest;
		}
		addCommand(command: Registered["commands"][number]) {
			registered.commands.push(command);
			return command;
		}
		addSettingTab(tab: Registered["settingTabs"][number]): void {
			registered.settingTabs.push(tab);
		}
		addRibbonIcon(): unknown {
			return element();
		}
		registerView(): void {}
		registerMarkdownCodeBlockProcessor(): void {}
		addStatusBarItem(): StandInEl {
			return element();
		}
		loadData(): Promise<unknown> {
			return Promise.resolve(this.saved);
		}
		saveData(data: unknown): Promise<void> {
			this.saved = JSON.parse(JSON.stringify(data));
			return Promise.resolve();
		}
	}
	class PluginSettingTab {
		containerEl = element();
		constructor(
			public app: unknown,
			public plugin: unknown,
		) {}
	}
	/** A text, toggle or dropdown component: records its value and change handler. */
	const component = () => {
		const c = {
			value: undefined as unknown,
			change: undefined as ((v: unknown) => unknown) | undefined,
			setValue(v: unknown) {
				c.value = v;
				return c;
			},
			setPlaceholder: () => c,
			addOptions: () => c,
			setButtonText: () => c,
			setCta: () => c,
			setDisabled: () => c,
			onClick(fn: (v: unknown) => unknown) {
				c.change = fn;
				return c;
			},
			onChange(fn: (v: unknown) => unknown) {
				c.change = fn;
				return c;
			},
		};
		return c;
	};
	class Setting {
		static created: Array<{ name: string; desc: string; components: Array<ReturnType<typeof component>> }> = [];
		private readonly own = { name: "", desc: "", components: [] as Array<ReturnType<typeof component>> };
		settingEl = element();
		descEl = element();
		constructor(_container: unknown) {
			Setting.created.push(this.own);
		}
		setName(name: string) {
			this.own.name = name;
			return this;
		}
		setDesc(desc: string) {
			this.own.desc = desc;
			return this;
		}
		setClass() {
			return this;
		}
		setHeading() {
			return this;
		}
		private add(cb?: (c: ReturnType<typeof component>) => unknown) {
			const c = component();
			this.own.components.push(c);
			cb?.(c);
			return this;
		}
		addText(cb?: (c: ReturnType<typeof component>) => unknown) {
			return this.add(cb);
		}
		addToggle(cb?: (c: ReturnType<typeof component>) => unknown) {
			return this.add(cb);
		}
		addTextArea(cb?: (c: ReturnType<typeof component>) => unknown) {
			return this.add((c) => {
				(c as unknown as { inputEl: { rows: number } }).inputEl = { rows: 1 };
				return cb?.(c);
			});
		}
		addDropdown(cb?: (c: ReturnType<typeof component>) => unknown) {
			return this.add(cb);
		}
		addButton(cb?: (c: ReturnType<typeof component>) => unknown) {
			return this.add(cb);
		}
	}
	class Notice {
		messageEl = element();
		noticeEl = this.messageEl;
		hidden = false;
		constructor(message: string, _duration?: number) {
			registered.notices.push(message);
			(registered.noticeObjects ??= []).push(this);
		}
		setMessage(message: string) {
			registered.notices.push(message);
			registered.onMessage?.(this, message);
			return this;
		}
		hide() {
			this.hidden = true;
		}
	}
	class Modal {
		modalEl = element();
		titleEl = element();
		contentEl = element();
		closed = false;
		constructor(public app: unknown) {}
		open(): void {
			registered.modals.push(this);
			(this as unknown as { onOpen?: () => void }).onOpen?.();
		}
		close(): void {
			this.closed = true;
			(this as unknown as { onClose?: () => void }).onClose?.();
		}
	}
	class FuzzySuggestModal extends Modal {
		setPlaceholder(): void {}
	}
	class TAbstractFile {
		constructor(public path: string) {}
		get name() {
			return this.path.slice(this.path.lastIndexOf("/") + 1);
		}
	}
	class TFile extends TAbstractFile {
		get extension() {
			return this.name.includes(".") ? this.name.slice(this.name.lastIndexOf(".") + 1) : "";
		}
		get basename() {
			return this.extension ? this.name.slice(0, -this.extension.length - 1) : this.name;
		}
	}
	class TFolder extends TAbstractFile {}
	class MarkdownView {}
	// The matrix view's classes: defined, so main.js loads; the browser test (test/browser) drives the view.
	class ItemView extends Component {}
	class MarkdownRenderChild extends Component {}
	class Menu {}
	const Keymap = { isModEvent: () => false };
	// Obsidian's normalizePath: forward slashes, no duplicate or edge slashes, NBSP to space.
	const normalizePath = (p: string) =>
		p
			.replace(/[\\/]+/g, "/")
			.replace(/^\/|\/$/g, "")
			.replace(/\u00a0|\u202f/g, " ") || "/";
	/**
	 * Obsidian's requestUrl: a real request; with `throw: false` an HTTP error is a response.
	 * Each request on a connection of its own (`Connection: close`): Node's fetch would keep one
	 * and reuse it, and a server that has meanwhile dropped it answers the next request with a
	 * reset (test/helpers/local-server.ts). Obsidian's requestUrl shares no pool with the tests.
	 */
	const requestUrl = async (req: { url: string; method?: string; throw?: boolean }) => {
		registered.notices.push(`[request] ${req.url}`);
		const res = await fetch(req.url, { method: req.method ?? "GET", headers: { Connection: "close" } });
		const buffer = await res.arrayBuffer();
		const text = new TextDecoder().decode(buffer);
		if (req.throw !== false && res.status >= 400) throw new Error(`Request failed, status ${res.status}`);
		return { status: res.status, text, arrayBuffer: buffer, get json() { return JSON.parse(text) as unknown; }, headers: {} };
	};
	return { Component, Plugin, PluginSettingTab, Setting, Notice, Modal, FuzzySuggestModal, TAbstractFile, TFile, TFolder, MarkdownView, ItemView, MarkdownRenderChild, Menu, Keymap, normalizePath, requestUrl, Platform: { isMobile: true, isDesktop: false } };
}

/**
 * An App over a real folder, as Obsidian's Vault and DataAdapter behave for the calls the plugin
 * makes. `writes` lists every vault path written through the Vault (not the adapter).
 */
export function makeFolderApp(obsidian: ReturnType<typeof makeObsidian>, root: string) {
	const writes: string[] = [];
	const abs = (p: string) => path.join(root, ...p.split("/"));
	const files = new Map<string, InstanceType<typeof obsidian.TFile>>();
	const fileFor = (p: string) => {
		let f = files.get(p);
		if (!f) files.set(p, (f = new obsidian.TFile(p)));
		return f;
	};
	const list = (): string[] => {
		const out: string[] = [];
		const walk = (rel: string) => {
			for (const name of readdirSync(abs(rel))) {
				if (name.startsWith(".")) continue;
				const p = rel ? `${rel}/${name}` : name;
				if (statSync(abs(p)).isDirectory()) walk(p);
				else out.push(p);
			}
		};
		walk("");
		return out.sort();
	};
	let active: string | null = null;
	const opened: string[] = [];
	const write = (p: string, data: string) => {
		mkdirSync(path.dirname(abs(p)), { recursive: true });
		writeFileSync(abs(p), data);
		writes.push(p);
	};
	const vault = {
		configDir: ".obsidian",
		on: (name: string, fn: unknown) => ({ name, fn }),
		getName: () => path.basename(root),
		getFiles: () => list().map(fileFor),
		getAbstractFileByPath: (p: string) => {
			if (!existsSync(abs(p))) return null;
			return statSync(abs(p)).isDirectory() ? new obsidian.TFolder(p) : fileFor(p);
		},
		read: (f: { path: string }) => Promise.resolve(readFileSync(abs(f.path), "utf8")),
		cachedRead: (f: { path: string }) => Promise.resolve(readFileSync(abs(f.path), "utf8")),
		readBinary: (f: { path: string }) => {
			const b = readFileSync(abs(f.path));
			return Promise.resolve(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
		},
		process: (f: { path: string }, fn: (data: string) => string) => {
			const current = readFileSync(abs(f.path), "utf8");
			const next = fn(current);
			if (next !== current) write(f.path, next);
			return Promise.resolve(next);
		},
		create: (p: string, data: string) => {
			if (existsSync(abs(p))) return Promise.reject(new Error("File already exists."));
			write(p, data);
			return Promise.resolve(fileFor(p));
		},
		createFolder: (p: string) => {
			mkdirSync(abs(p), { recursive: true });
			return Promise.resolve();
		},
		adapter: {
			exists: (p: string) => Promise.resolve(existsSync(abs(p))),
			read: (p: string) => Promise.resolve(readFileSync(abs(p), "utf8")),
			stat: (p: string) => {
				if (!existsSync(abs(p))) return Promise.resolve(null);
				const st = statSync(abs(p));
				return Promise.resolve({ type: st.isDirectory() ? "folder" : "file", ctime: st.ctimeMs, mtime: st.mtimeMs, size: st.size });
			},
			readBinary: (p: string) => {
				const b = readFileSync(abs(p));
				return Promise.resolve(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
			},
			write: (p: string, data: string) => {
				mkdirSync(path.dirname(abs(p)), { recursive: true });
				writeFileSync(abs(p), data);
				return Promise.resolve();
			},
			writeBinary: (p: string, data: ArrayBuffer) => {
				mkdirSync(path.dirname(abs(p)), { recursive: true });
				writeFileSync(abs(p), new Uint8Array(data));
				return Promise.resolve();
			},
			remove: (p: string) => {
				rmSync(abs(p));
				return Promise.resolve();
			},
			mkdir: (p: string) => {
				mkdirSync(abs(p), { recursive: true });
				return Promise.resolve();
			},
			rename: (from: string, to: string) => {
				renameSync(abs(from), abs(to));
				return Promise.resolve();
			},
			list: (p: string) => {
				const names = readdirSync(abs(p));
				const full = names.map((n) => `${p}/${n}`);
				return Promise.resolve({ files: full.filter((f) => !statSync(abs(f)).isDirectory()), folders: full.filter((f) => statSync(abs(f)).isDirectory()) });
			},
		},
	};
	const workspace = {
		// Layout-ready work (the status bar, the release check) is not what these tests look at.
		onLayoutReady: () => undefined,
		on: (name: string, fn: unknown) => ({ name, fn }),
		getActiveFile: () => (active === null ? null : fileFor(active)),
		getLeavesOfType: () => [],
		openLinkText: (link: string) => {
			opened.push(link);
			return Promise.resolve();
		},
	};
	const fileManager = {
		trashFile: (f: { path: string }) => {
			rmSync(abs(f.path));
			return Promise.resolve();
		},
	};
	return {
		app: { vault, workspace, fileManager, metadataCache: { on: (name: string, fn: unknown) => ({ name, fn }) } },
		writes,
		opened,
		setActive(p: string | null) {
			active = p;
		},
	};
}
