/**
 * A stand-in for the `obsidian` module, for loading the built main.js where Obsidian itself
 * cannot run. It follows the documented API shapes the plugin uses (Plugin, PluginSettingTab,
 * Setting, Notice, Modal, TFile, normalizePath) and records what the plugin registers.
 */
export interface Registered {
	commands: Array<{ id: string; name: string; hotkeys?: unknown[]; callback?: () => unknown; checkCallback?: unknown }>;
	settingTabs: unknown[];
	notices: string[];
	modals: Array<{ titleEl: { text: string }; contentEl: { children: Array<{ text: string }> } }>;
}

export function makeObsidian(registered: Registered) {
	class Component {
		register(): void {}
		registerEvent(): void {}
	}
	class Plugin extends Component {
		app: unknown;
		manifest: unknown;
		constructor(app: unknown, manifest: unknown) {
			super();
			this.app = app;
			this.manifest = manifest;
		}
		addCommand(command: Registered["commands"][number]) {
			registered.commands.push(command);
			return command;
		}
		addSettingTab(tab: unknown): void {
			registered.settingTabs.push(tab);
		}
		addRibbonIcon(): unknown {
			return {};
		}
		loadData(): Promise<unknown> {
			return Promise.resolve(null);
		}
		saveData(): Promise<void> {
			return Promise.resolve();
		}
	}
	class PluginSettingTab {
		containerEl = { empty() {} };
		constructor(
			public app: unknown,
			public plugin: unknown,
		) {}
	}
	class Setting {
		setName() {
			return this;
		}
		setDesc() {
			return this;
		}
		addText() {
			return this;
		}
		addToggle() {
			return this;
		}
		addButton() {
			return this;
		}
		addDropdown() {
			return this;
		}
	}
	class Notice {
		constructor(message: string) {
			registered.notices.push(message);
		}
	}
	const element = () => {
		const el = {
			text: "",
			children: [] as unknown[],
			setText(t: string) {
				el.text = t;
			},
			createEl(_tag: string, o?: { text?: string }) {
				const child = element();
				child.text = o?.text ?? "";
				el.children.push(child);
				return child;
			},
			empty() {
				el.children = [];
			},
		};
		return el;
	};
	class Modal {
		titleEl = element();
		contentEl = element();
		constructor(public app: unknown) {}
		open(): void {
			registered.modals.push(this as unknown as Registered["modals"][number]);
			(this as unknown as { onOpen?: () => void }).onOpen?.();
		}
		close(): void {}
	}
	class TFile {
		constructor(public path: string) {}
		get name() {
			return this.path.slice(this.path.lastIndexOf("/") + 1);
		}
		get extension() {
			return this.name.includes(".") ? this.name.slice(this.name.lastIndexOf(".") + 1) : "";
		}
		get basename() {
			return this.extension ? this.name.slice(0, -this.extension.length - 1) : this.name;
		}
	}
	class TFolder {}
	// Obsidian's normalizePath: forward slashes, no duplicate or edge slashes, NBSP to space.
	const normalizePath = (p: string) =>
		p
			.replace(/[\\/]+/g, "/")
			.replace(/^\/|\/$/g, "")
			.replace(/\u00a0|\u202f/g, " ") || "/";
	return { Component, Plugin, PluginSettingTab, Setting, Notice, Modal, TFile, TFolder, normalizePath, Platform: { isMobile: true, isDesktop: false } };
}

/**
 * An App whose vault holds the given files in memory, behaving as Obsidian's Vault does for the
 * calls the plugin makes: getFiles, getAbstractFileByPath, read, readBinary (ArrayBuffer),
 * process (read-modify-write in one step), create, createFolder, and the config folder through
 * the adapter. `writes` lists every path written.
 */
export function makeApp(obsidian: ReturnType<typeof makeObsidian>, files: Map<string, string | Uint8Array>, config: Map<string, string> = new Map()) {
	const writes: string[] = [];
	const tfiles = new Map<string, InstanceType<typeof obsidian.TFile>>();
	const fileFor = (path: string) => {
		let f = tfiles.get(path);
		if (!f) tfiles.set(path, (f = new obsidian.TFile(path)));
		return f;
	};
	const text = (path: string) => {
		const data = files.get(path);
		if (data === undefined) throw new Error(`ENOENT: ${path}`);
		return typeof data === "string" ? data : new TextDecoder().decode(data);
	};
	const vault = {
		configDir: ".obsidian",
		getFiles: () => [...files.keys()].map(fileFor),
		getAbstractFileByPath: (path: string) => (files.has(path) ? fileFor(path) : null),
		read: (f: { path: string }) => Promise.resolve(text(f.path)),
		cachedRead: (f: { path: string }) => Promise.resolve(text(f.path)),
		readBinary: (f: { path: string }) => {
			const data = files.get(f.path);
			const bytes = typeof data === "string" ? new TextEncoder().encode(data) : (data ?? new Uint8Array());
			return Promise.resolve(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
		},
		process: (f: { path: string }, fn: (data: string) => string) => {
			const current = text(f.path);
			const next = fn(current);
			if (next !== current) {
				files.set(f.path, next);
				writes.push(f.path);
			}
			return Promise.resolve(next);
		},
		create: (path: string, data: string) => {
			if (files.has(path)) return Promise.reject(new Error("File already exists."));
			files.set(path, data);
			writes.push(path);
			return Promise.resolve(fileFor(path));
		},
		createFolder: () => Promise.resolve(),
		adapter: {
			exists: (path: string) => Promise.resolve(config.has(path.replace(/^\.obsidian\//, ""))),
			read: (path: string) => Promise.resolve(config.get(path.replace(/^\.obsidian\//, "")) ?? ""),
		},
	};
	return { app: { vault, workspace: {} }, writes };
}
