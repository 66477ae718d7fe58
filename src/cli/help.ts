/**
 * What the CLI says about itself: its version, the list of commands, each command's help (its
 * options and an example), and "did you mean" for a mistyped command or option. Kept apart from
 * cli.ts, which only runs the commands.
 */

// Set by esbuild from package.json (esbuild.config.mjs); absent when the sources run unbundled.
declare const ATTACK_SYNC_VERSION: string | undefined;

export const VERSION: string = typeof ATTACK_SYNC_VERSION === "string" ? ATTACK_SYNC_VERSION : "0.0.0-dev";

export interface CommandHelp {
	/** One line: what the command does. */
	about: string;
	/** The synopsis, without the leading `attack-sync `; continuation lines are indented to match. */
	usage: string[];
	/** Each option as written (`--vault DIR`) and what it does. */
	options: Array<[string, string]>;
	/** One command line that works as it is, and what it does. */
	example: [string, string];
}

export const HELP: Record<string, CommandHelp> = {
	inspect: {
		about: "what an ATT&CK STIX bundle holds",
		usage: ["inspect --bundle FILE [--json]"],
		options: [
			["--bundle FILE", "an ATT&CK STIX bundle (STIX 2.1 from attack-stix-data or STIX 2.0 from mitre/cti)"],
			["--json", "print the report as JSON"],
		],
		example: ["attack-sync inspect --bundle enterprise-attack-18.1.json", "the domain, the release and how many techniques, tactics... it holds"],
	},
	links: {
		about: "check (and fix) wiki-links to ATT&CK notes",
		usage: ["links --vault DIR [--fix] [--bundle FILE ...] [--json] [--config-dir .obsidian]"],
		options: [
			["--vault DIR", "the vault's folder"],
			["--fix", "point links that land on the wrong note, or nowhere, at the note about the ID they show"],
			["--bundle FILE", "an ATT&CK release (one per domain, repeatable): notes known only by name, such as reuteras' 17.1 data components (`Active DNS - .md`), count as ATT&CK notes"],
			["--json", "print the report as JSON"],
			["--config-dir NAME", "the vault's config folder (default .obsidian)"],
		],
		example: ["attack-sync links --vault ~/Vault --fix", "fixes the links it can, and says how to fix the others"],
	},
	sync: {
		about: "bring the vault's ATT&CK notes up to date",
		usage: [
			"sync --vault DIR --bundle FILE [--dry-run [--diff]] [--create-missing [--kinds K,...|all]] [--json]",
			"     [--previous-bundle FILE ...] [--base-url URL] [--cache-dir DIR] [--offline]",
			"     [--attack-version X.Y] [--config-dir .obsidian] [--no-backup] [--recheck]",
		],
		options: [
			["--vault DIR", "the vault's folder"],
			["--bundle FILE", "the ATT&CK release to sync to (from `attack-sync fetch`); one per domain, repeatable (Enterprise, Mobile, ICS in one vault)"],
			["--dry-run", "say what would change, write nothing"],
			["--diff", "with --dry-run: each note's changes as a diff, a changed line word by word ([-old-]{+new+})"],
			["--create-missing", "also add the notes the vault lacks: techniques, sub-techniques, tactics, mitigations and the other kinds it has notes of"],
			["--kinds K,...|all", "with --create-missing: only these kinds (technique, subtechnique, tactic, mitigation, group, software, campaign, datasource, datacomponent, detectionstrategy, analytic, asset)"],
			["--json", "print the report as JSON"],
			["--previous-bundle FILE", "an earlier release the notes may come from (repeatable)"],
			["--base-url URL", "where earlier releases are downloaded from when needed (default GitHub's attack-stix-data)"],
			["--cache-dir DIR", "where downloaded earlier releases are kept (default .obsidian/plugins/attack-sync/releases)"],
			["--offline", "download nothing; lines sync cannot tell are ATT&CK's are kept"],
			["--attack-version X.Y", "the bundle's release, when neither the bundle nor its file name says it"],
			["--config-dir NAME", "the vault's config folder (default .obsidian)"],
			["--no-backup", "keep no copy for `attack-sync undo` (by default the last 5 syncs can be undone)"],
			["--recheck", "work every note out again, even when the vault is exactly as the last sync left it"],
		],
		example: ["attack-sync sync --vault ~/Vault --bundle enterprise-attack-18.1.json --dry-run --diff", "shows what a sync to 18.1 would change in each note, writing nothing"],
	},
	fetch: {
		about: "download an ATT&CK release (the latest unless pinned)",
		usage: ["fetch --domain enterprise-attack|mobile-attack|ics-attack --out FILE", "      [--version X.Y] [--base-url URL] [--json]"],
		options: [
			["--domain NAME", "enterprise-attack, mobile-attack or ics-attack"],
			["--out FILE", "where to save the bundle (written whole or not at all)"],
			["--version X.Y", "a release, e.g. 18.1 (default: the latest)"],
			["--base-url URL", "a mirror of attack-stix-data (default GitHub's)"],
			["--json", "print what was saved as JSON"],
		],
		example: ["attack-sync fetch --domain enterprise-attack --out enterprise-attack.json", "saves the latest Enterprise release"],
	},
	changes: {
		about: "what a newer ATT&CK release changed for the vault's notes",
		usage: ["changes --from FILE --to FILE [--vault DIR] [--json] [--config-dir .obsidian]"],
		options: [
			["--from FILE", "the older release's bundle"],
			["--to FILE", "the newer release's bundle"],
			["--vault DIR", "only what concerns this vault's notes, with links to them"],
			["--json", "print the report as JSON"],
			["--config-dir NAME", "the vault's config folder (default .obsidian)"],
		],
		example: ["attack-sync changes --from enterprise-attack-15.1.json --to enterprise-attack-18.1.json --vault ~/Vault", "lists renamed, revoked and changed techniques the vault has notes about"],
	},
	layer: {
		about: "the vault's ATT&CK notes as an ATT&CK Navigator layer (format 4.5)",
		usage: ["layer --vault DIR --out FILE [--domain D] [--score-by PROPERTY|tag:TAG] [--bundle FILE]", "      [--config-dir .obsidian]"],
		options: [
			["--vault DIR", "the vault's folder"],
			["--out FILE", "where to write the layer JSON"],
			["--domain D", "enterprise-attack (default), mobile-attack or ics-attack"],
			["--score-by KEY", "score from a frontmatter property, or tag:TAG for a tag (default: 1 per note)"],
			["--bundle FILE", "an ATT&CK release, for names and the layer's ATT&CK version"],
			["--config-dir NAME", "the vault's config folder (default .obsidian)"],
		],
		example: ["attack-sync layer --vault ~/Vault --out coverage.json --score-by status", "writes a layer to open in ATT&CK Navigator"],
	},
	undo: {
		about: "restore what the last sync changed (the CLI's or the plugin's)",
		usage: ["undo --vault DIR [--json] [--config-dir .obsidian]"],
		options: [
			["--vault DIR", "the vault's folder; the last 5 syncs are kept in .obsidian/plugins/attack-sync/undo"],
			["--json", "print what was restored and what was left as JSON"],
			["--config-dir NAME", "the vault's config folder (default .obsidian)"],
		],
		example: ["attack-sync undo --vault ~/Vault", "restores the notes the last sync changed; a note changed since is left alone and named"],
	},
};

const indent = (lines: string[], by: string) => lines.map((l, i) => (i === 0 ? l : `${by}${l}`));

/** The list of commands: `attack-sync` alone, `attack-sync help`. */
export function usage(commands: readonly string[]): string {
	const lines = ["Usage:"];
	for (const name of commands) {
		const h = HELP[name];
		if (h === undefined) lines.push(`  attack-sync ${name}`);
		else lines.push(...indent([`  attack-sync ${h.usage[0]}`, ...h.usage.slice(1)], "              "), `      ${h.about}`);
	}
	lines.push("  attack-sync <command> --help    a command's options and an example", "  attack-sync --version");
	return lines.join("\n");
}

/** A command's synopsis: what a usage error prints under its message. */
export function commandUsage(name: string): string {
	const h = HELP[name];
	if (h === undefined) return `Usage: attack-sync ${name} ...`;
	return ["Usage:", `  attack-sync ${h.usage[0]}`, ...h.usage.slice(1).map((l) => `              ${l}`), `Run "attack-sync ${name} --help" for its options.`].join("\n");
}

/** `attack-sync <command> --help`: what it does, its options, an example. */
export function commandHelp(name: string, options: readonly string[], flags: readonly string[]): string {
	const h = HELP[name];
	// Every option the command takes is listed, with its text when it has one.
	const documented = new Set((h?.options ?? []).map(([o]) => o.split(" ")[0]));
	const opts: Array<[string, string]> = [
		...(h?.options ?? []),
		...options.filter((o) => !documented.has(`--${o}`)).map((o): [string, string] => [`--${o} VALUE`, ""]),
		...flags.filter((f) => !documented.has(`--${f}`)).map((f): [string, string] => [`--${f}`, ""]),
	];
	const width = Math.max(...opts.map(([o]) => o.length));
	const lines = [`attack-sync ${name}${h ? `: ${h.about}` : ""}`, "", "Usage:"];
	lines.push(h ? `  attack-sync ${h.usage[0]}` : `  attack-sync ${name} [options]`, ...(h?.usage.slice(1).map((l) => `              ${l}`) ?? []));
	lines.push("", "Options:", ...opts.map(([o, text]) => `  ${o.padEnd(width)}  ${text}`.trimEnd()));
	if (h) lines.push("", "Example:", `  ${h.example[0]}`, `      ${h.example[1]}`);
	return lines.join("\n");
}

/** Levenshtein distance, for short words. */
export function editDistance(a: string, b: string): number {
	let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
	for (let i = 1; i <= a.length; i++) {
		const row = [i];
		for (let j = 1; j <= b.length; j++) row.push(Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1)));
		prev = row;
	}
	return prev[b.length];
}

/**
 * The candidate `word` was most likely meant to be: the nearest within a few edits (one for a
 * short word, up to three for a long one), or one it begins (`--dry` for `--dry-run`); null when
 * none is near.
 */
export function didYouMean(word: string, candidates: readonly string[]): string | null {
	const w = word.toLowerCase();
	let best: string | null = null;
	let bestDistance = Infinity;
	for (const c of candidates) {
		const d = editDistance(w, c.toLowerCase());
		if (d < bestDistance) {
			best = c;
			bestDistance = d;
		}
	}
	if (best !== null && bestDistance <= Math.min(3, Math.max(1, Math.floor(w.length / 3)))) return best;
	const prefixed = w.length >= 3 ? candidates.filter((c) => c.toLowerCase().startsWith(w)) : [];
	return prefixed.length === 1 ? prefixed[0] : null;
}

/** `; did you mean "X"?` to end an error message with, or nothing. */
export function suggestion(word: string, candidates: readonly string[]): string {
	const m = didYouMean(word, candidates);
	return m === null ? "" : `; did you mean "${m}"?`;
}
