/**
 * The plugin's settings and their tab. Loaded with the defaults merged in; every change is saved
 * at once and read by the next command, so nothing needs a restart.
 */
import { PluginSettingTab, Setting, type App, type Plugin } from "obsidian";
import { MANAGED_SECTIONS, type ManagedSection } from "../core/sync/context";
import { DEFAULT_BASE_URL, KNOWN_DOMAINS } from "../core/fetch/index-json";
import type { LinkStyle } from "../core/links/resolve";

export interface AttackSyncSettings {
	/** The ATT&CK domains to fetch and sync (`enterprise-attack`...). */
	domains: string[];
	/** `latest`, or a release to stay on (`17.1`). */
	version: string;
	/** Where attack-stix-data lives: GitHub, a mirror, or a local server in tests. */
	baseUrl: string;
	/** Where new notes go; empty: the folders the vault's ATT&CK notes are in. */
	notesFolder: string;
	/** The parts of notes sync rewrites. */
	sections: ManagedSection[];
	/** Create notes for techniques, tactics and mitigations the vault lacks when syncing. */
	createMissing: boolean;
	/** `vault`: follow Obsidian's "New link format"; else always this style. */
	linkStyle: "vault" | LinkStyle;
}

export const DEFAULT_SETTINGS: AttackSyncSettings = {
	domains: ["enterprise-attack"],
	version: "latest",
	baseUrl: DEFAULT_BASE_URL,
	notesFolder: "",
	sections: [...MANAGED_SECTIONS],
	createMissing: false,
	linkStyle: "vault",
};

/** Saved data merged over the defaults; values of the wrong type fall back to the default. */
export function mergeSettings(saved: unknown): AttackSyncSettings {
	const s = (typeof saved === "object" && saved !== null ? saved : {}) as Partial<Record<keyof AttackSyncSettings, unknown>>;
	const strings = (v: unknown, allowed: readonly string[]) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string" && allowed.includes(x)) : null);
	const text = (v: unknown, fallback: string) => (typeof v === "string" ? v : fallback);
	const domains = strings(s.domains, KNOWN_DOMAINS);
	const sections = strings(s.sections, MANAGED_SECTIONS) as ManagedSection[] | null;
	const style = text(s.linkStyle, "vault");
	return {
		domains: domains && domains.length > 0 ? domains : [...DEFAULT_SETTINGS.domains],
		version: /^(latest|\d+\.\d+)$/.test(text(s.version, "")) ? text(s.version, "latest") : "latest",
		baseUrl: text(s.baseUrl, DEFAULT_BASE_URL).trim() || DEFAULT_BASE_URL,
		notesFolder: text(s.notesFolder, "").trim(),
		sections: sections ?? [...MANAGED_SECTIONS],
		createMissing: s.createMissing === true,
		linkStyle: ["vault", "absolute", "shortest", "relative"].includes(style) ? (style as AttackSyncSettings["linkStyle"]) : "vault",
	};
}

const DOMAIN_NAMES: Readonly<Record<string, string>> = { "enterprise-attack": "Enterprise", "mobile-attack": "Mobile", "ics-attack": "ICS" };

/** A domain as users name it: `Enterprise ATT&CK`; a release when known: `Enterprise ATT&CK 18.1`. */
export function domainName(domain: string, version?: string | null): string {
	return `${DOMAIN_NAMES[domain] ?? domain} ATT&CK${version ? ` ${version}` : ""}`;
}
const SECTION_NAMES: Readonly<Record<ManagedSection, string>> = {
	description: "Description",
	tactics: "Tactics",
	platforms: "Platforms",
	permissions: "Permissions required",
	mitigations: "Mitigations",
	"sub-techniques": "Sub-techniques",
	groups: "Related groups (export layout)",
	detection: "Detection (export layout)",
};

interface SettingsHost extends Plugin {
	settings: AttackSyncSettings;
	saveSettings(): Promise<void>;
}

export class AttackSyncSettingTab extends PluginSettingTab {
	constructor(
		app: App,
		private readonly host: SettingsHost,
	) {
		super(app, host);
	}

	display(): void {
		const { containerEl } = this;
		containerEl.empty();
		const settings = this.host.settings;
		const save = async () => this.host.saveSettings();

		new Setting(containerEl).setName("Data").setHeading();
		for (const domain of KNOWN_DOMAINS) {
			new Setting(containerEl)
				.setName(`${DOMAIN_NAMES[domain]} ATT&CK`)
				.setDesc(`Fetch and sync ${domain}.`)
				.addToggle((t) =>
					t.setValue(settings.domains.includes(domain)).onChange(async (on) => {
						const rest = settings.domains.filter((d) => d !== domain);
						settings.domains = on ? [...rest, domain] : rest.length > 0 ? rest : [domain];
						await save();
					}),
				);
		}
		new Setting(containerEl)
			.setName("Version")
			.setDesc("Latest, or a release to stay on, such as 17.1.")
			.addText((t) =>
				t
					.setPlaceholder("Latest")
					.setValue(settings.version)
					.onChange(async (value) => {
						const v = value.trim();
						if (v === "" || /^(latest|\d+\.\d+)$/.test(v)) {
							settings.version = v === "" ? "latest" : v;
							await save();
						}
					}),
			);
		new Setting(containerEl)
			.setName("Base URL")
			.setDesc("Where the attack-stix-data files are: GitHub, or a mirror.")
			.addText((t) =>
				t.setValue(settings.baseUrl).onChange(async (value) => {
					settings.baseUrl = value.trim() || DEFAULT_BASE_URL;
					await save();
				}),
			);

		new Setting(containerEl).setName("Notes").setHeading();
		new Setting(containerEl)
			.setName("Folder for new notes")
			.setDesc("Leave empty to use the folders your ATT&CK notes are already in.")
			.addText((t) =>
				t.setValue(settings.notesFolder).onChange(async (value) => {
					settings.notesFolder = value.trim();
					await save();
				}),
			);
		new Setting(containerEl)
			.setName("Create missing notes")
			.setDesc("When syncing, create notes for techniques, tactics and mitigations the vault lacks.")
			.addToggle((t) =>
				t.setValue(settings.createMissing).onChange(async (on) => {
					settings.createMissing = on;
					await save();
				}),
			);
		new Setting(containerEl)
			.setName("Link style")
			.setDesc("How links written by sync look. Follows the vault's new link format by default.")
			.addDropdown((d) =>
				d
					.addOptions({ vault: "Follow the vault", shortest: "Shortest path", relative: "Relative path", absolute: "Absolute path" })
					.setValue(settings.linkStyle)
					.onChange(async (value) => {
						settings.linkStyle = value as AttackSyncSettings["linkStyle"];
						await save();
					}),
			);

		new Setting(containerEl).setName("Sections sync manages").setHeading();
		for (const section of MANAGED_SECTIONS) {
			new Setting(containerEl).setName(SECTION_NAMES[section]).addToggle((t) =>
				t.setValue(settings.sections.includes(section)).onChange(async (on) => {
					const rest = settings.sections.filter((s) => s !== section);
					settings.sections = on ? [...rest, section] : rest;
					await save();
				}),
			);
		}
	}
}
