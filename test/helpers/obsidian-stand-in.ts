/**
 * A stand-in for the `obsidian` module, for loading the built main.js where Obsidian itself
 * cannot run. It follows the documented API shapes the plugin uses (Plugin, PluginSettingTab,
 * Setting, Notice, Modal, TFile, normalizePath) and records what the plugin registers.
 */
export interface Registered {
	commands: Array<{ id: string; name: string; hotkeys?: unknown[]; callback?: () => unknown; checkCallback?: unknown }>;
	settingTabs: unknown[];
	notices: string[];
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
	class Modal {
		constructor(public app: unknown) {}
		open(): void {}
		close(): void {}
	}
	class TFile {}
	class TFolder {}
	// Obsidian's normalizePath: forward slashes, no duplicate or edge slashes, NBSP to space.
	const normalizePath = (p: string) =>
		p
			.replace(/[\\/]+/g, "/")
			.replace(/^\/|\/$/g, "")
			.replace(/\u00a0|\u202f/g, " ") || "/";
	return { Component, Plugin, PluginSettingTab, Setting, Notice, Modal, TFile, TFolder, normalizePath, Platform: { isMobile: true, isDesktop: false } };
}
