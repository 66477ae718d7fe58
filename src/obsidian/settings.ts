/**
 * The plugin's settings and their tab. Loaded with the defaults merged in; every change is saved
 * at once and read by the next command, so nothing needs a restart.
 */
import { KINDS, parseKinds, type NoteKind } from "../core/kinds";
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
	/** The kinds of note "Create missing notes" creates; empty: techniques, sub-techniques, tactics, mitigations and the kinds the vault has. */
	createKinds: NoteKind[];
	/** `vault`: follow Obsidian's "New link format"; else always this style. */
	linkStyle: "vault" | LinkStyle;
	/** Check index.json at most daily and say when ATT&CK publishes a release newer than the one cached. */
	checkReleases: boolean;
	/** When that check last ran (ms since the epoch), and the newest release it has told about. */
	lastReleaseCheck: number;
	toldRelease: string;
	/** The matrix's study state: a frontmatter property (`status`) or `tag:TAG`; empty: none. */
	studyBy: string;
	/** The Navigator layer shown over the matrix (a vault path); empty: none. */
	overlay: string;
}

export const DEFAULT_SETTINGS: AttackSyncSettings = {
	domains: ["enterprise-attack"],
	version: "latest",
	baseUrl: DEFAULT_BASE_URL,
	notesFolder: "",
	sections: [...MANAGED_SECTIONS],
	createMissing: false,
	createKinds: [],
	linkStyle: "vault",
	checkReleases: false,
	lastReleaseCheck: 0,
	toldRelease: "",
	studyBy: "",
	overlay: "",
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
		createKinds: (strings(s.createKinds, KINDS.map((k) => k.kind)) ?? []) as NoteKind[],
		linkStyle: ["vault", "absolute", "shortest", "relative"].includes(style) ? (style as AttackSyncSettings["linkStyle"]) : "vault",
		checkReleases: s.checkReleases === true,
		lastReleaseCheck: typeof s.lastReleaseCheck === "number" && Number.isFinite(s.lastReleaseCheck) ? s.lastReleaseCheck : 0,
		toldRelease: text(s.toldRelease, ""),
		studyBy: text(s.studyBy, "").trim(),
		overlay: text(s.overlay, "").trim(),
	};
}

const DOMAIN_NAMES: Readonly<Record<string, string>> = { "enterprise-attack": "Enterprise", "mobile-attack": "Mobile", "ics-attack": "ICS" };

/** A domain as users name it: `Enterprise ATT&CK`; a release when known: `Enterprise ATT&CK 18.1`. */
export function domainName(domain: string, version?: string | null): string {
	return `${DOMAIN_NAMES[domain] ?? domain} ATT&CK${version ? ` ${version}` : ""}`;
}
const DOMAIN_DESCRIPTIONS: Readonly<Record<string, string>> = {
	"enterprise-attack": "Techniques on Windows, macOS, Linux, cloud, network and containers.",
	"mobile-attack": "Techniques on Android and iOS.",
	"ics-attack": "Techniques against industrial control systems.",
};

const SECTION_NAMES: Readonly<Record<ManagedSection, [string, string]>> = {
	description: ["Description", "The technique's text, under its heading."],
	tactics: ["Tactics", "The tactics a technique serves, as links to your tactic notes."],
	platforms: ["Platforms", "The systems it applies to (Windows, Linux...)."],
	permissions: ["Permissions required", "The permissions an adversary needs, where ATT&CK lists them."],
	mitigations: ["Mitigations", "The mitigations table, with how each one applies."],
	"sub-techniques": ["Sub-techniques", "The list of a technique's sub-techniques."],
	groups: ["Related groups", "Groups known to use the technique (notes in the export layout)."],
	detection: ["Detection", "Data components, or detection strategies and analytics from release 18 (export layout)."],
};

/** What the settings tab asks of the plugin. */
export interface SettingsHost extends Plugin {
	settings: AttackSyncSettings;
	saveSettings(): Promise<void>;
	/** The release cached for a domain (its header only), or null. */
	cachedRelease(domain: string): Promise<{ attackVersion: string | null; createdAt: string } | null>;
	/** Fetch a domain now, reporting as the command does; resolves when done. */
	fetchNow(domain: string): Promise<void>;
	/** The matrix's data changed meaning (domains, study state): it is read again when next shown. */
	matrixSettingsChanged(): void;
}

const VERSION = /^(latest|\d+\.\d+)$/;

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
		/** A setting's description, or a message in its place while its value is not valid. */
		const explain = (setting: Setting, desc: string) => (message: string | null) => {
			setting.setDesc(message ?? desc);
			if (message === null) setting.descEl.removeClass("attack-sync-invalid");
			else setting.descEl.addClass("attack-sync-invalid");
		};

		new Setting(containerEl).setName("ATT&CK data").setHeading();
		for (const domain of KNOWN_DOMAINS) {
			const desc = DOMAIN_DESCRIPTIONS[domain];
			const setting = new Setting(containerEl).setName(domainName(domain)).setDesc(desc);
			const say = explain(setting, desc);
			setting.addToggle((t) =>
				t.setValue(settings.domains.includes(domain)).onChange(async (on) => {
					const rest = settings.domains.filter((d) => d !== domain);
					if (!on && rest.length === 0) {
						// The last domain stays on, and the toggle shows it.
						t.setValue(true);
						say("At least one domain must stay on.");
						return;
					}
					say(null);
					settings.domains = on ? [...rest, domain] : rest;
					await save();
					this.host.matrixSettingsChanged();
					this.display();
				}),
			);
			if (settings.domains.includes(domain)) this.cached(containerEl, domain);
		}
		const versionDesc = "Latest, or a release to stay on, such as 17.1.";
		const version = new Setting(containerEl).setName("Release").setDesc(versionDesc);
		const sayVersion = explain(version, versionDesc);
		version.addText((t) =>
			t
				.setPlaceholder("Latest")
				.setValue(settings.version)
				.onChange(async (value) => {
					const v = value.trim() === "" ? "latest" : value.trim().toLowerCase();
					if (!VERSION.test(v)) {
						sayVersion(`"${value.trim()}" is not a release: enter latest, or a number such as 17.1. The setting stays ${settings.version}.`);
						return;
					}
					sayVersion(null);
					settings.version = v;
					await save();
				}),
		);
		const baseDesc = "Where the attack-stix-data files are: GitHub, or a mirror.";
		const base = new Setting(containerEl).setName("Base URL").setDesc(baseDesc).setClass("attack-sync-wide");
		const sayBase = explain(base, baseDesc);
		// A text area, so the whole address shows, on a phone too.
		base.addTextArea((t) => {
			t.inputEl.rows = 2;
			t.setValue(settings.baseUrl).onChange(async (value) => {
				const v = value.trim() || DEFAULT_BASE_URL;
				if (!/^https?:\/\/[^/\s]+/i.test(v)) {
					sayBase(`"${value.trim()}" is not a web address (http:// or https://). The setting stays ${settings.baseUrl}.`);
					return;
				}
				sayBase(null);
				settings.baseUrl = v;
				await save();
			});
		});
		new Setting(containerEl)
			.setName("Tell me about new releases")
			.setDesc("Check the base URL's list of releases at most once a day while Obsidian is open, and show a notice when ATT&CK publishes a newer one. Off: the plugin uses the network only when you fetch.")
			.addToggle((t) =>
				t.setValue(settings.checkReleases).onChange(async (on) => {
					settings.checkReleases = on;
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
		const kindsDesc = `Which kinds of note to create, separated by commas: ${KINDS.map((k) => k.label[1]).join(", ")}, or all. Leave empty for techniques, sub-techniques, tactics, mitigations and the kinds the vault already has notes of.`;
		const kindsSetting = new Setting(containerEl).setName("Kinds of notes to create").setDesc(kindsDesc);
		const sayKinds = explain(kindsSetting, kindsDesc);
		kindsSetting.addText((t) =>
			t.setValue(settings.createKinds.map((k) => KINDS.find((x) => x.kind === k)?.label[1] ?? k).join(", ")).onChange(async (value) => {
				if (value.trim() === "") {
					sayKinds(null);
					settings.createKinds = [];
					await save();
					return;
				}
				const kinds = parseKinds(value);
				if ("error" in kinds) {
					// Not saved: the message says why, in place of the description.
					sayKinds(`Not saved: ${kinds.error.replace(/^"/, "“").replace(/" is/, "” is")}.`);
					return;
				}
				sayKinds(null);
				settings.createKinds = kinds;
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

		const studyDesc = "What marks a technique as studied in the ATT&CK matrix: a frontmatter property (status) or a tag (tag:studied). Leave empty for none.";
		const study = new Setting(containerEl).setName("Study state").setDesc(studyDesc);
		const sayStudy = explain(study, studyDesc);
		study.addText((t) =>
			t
				.setPlaceholder("Status")
				.setValue(settings.studyBy)
				.onChange(async (value) => {
					const v = value.trim();
					if (v !== "" && !/^(tag:#?[\p{L}\p{N}_/-]+|[\p{L}\p{N}_ -]+)$/u.test(v)) {
						sayStudy(`"${v}" is not a property name or tag:TAG. The setting stays ${settings.studyBy || "empty"}.`);
						return;
					}
					sayStudy(null);
					settings.studyBy = v;
					await save();
					this.host.matrixSettingsChanged();
				}),
		);

		new Setting(containerEl).setName("Sections sync manages").setHeading();
		for (const section of MANAGED_SECTIONS) {
			const [name, desc] = SECTION_NAMES[section];
			new Setting(containerEl).setName(name).setDesc(desc).addToggle((t) =>
				t.setValue(settings.sections.includes(section)).onChange(async (on) => {
					const rest = settings.sections.filter((s) => s !== section);
					settings.sections = on ? [...rest, section] : rest;
					await save();
				}),
			);
		}
	}

	/** The release cached for a domain and when it was fetched, with a button to fetch now. */
	private cached(containerEl: HTMLElement, domain: string): void {
		const setting = new Setting(containerEl).setName(`${domainName(domain)} data`).setDesc("Looking for the cached release…").setClass("attack-sync-cached");
		setting.addButton((b) =>
			b
				.setButtonText("Fetch now")
				.setCta()
				.onClick(async () => {
					b.setDisabled(true).setButtonText("Fetching…");
					await this.host.fetchNow(domain);
					this.display();
				}),
		);
		void this.host.cachedRelease(domain).then((meta) => {
			if (!meta) setting.setDesc("Not fetched yet: sync fetches it the first time, or fetch it now.");
			else setting.setDesc(`Release ${meta.attackVersion ?? "unknown"}, fetched ${new Date(meta.createdAt).toLocaleString()}.`);
		});
	}
}
