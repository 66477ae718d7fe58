/**
 * A stand-in for Obsidian's link resolution (`MetadataCache.getLinkpathDest` and
 * `fileToLinktext`), for code that runs without a MetadataCache: the CLI and tests. The rules,
 * and which of them are Obsidian's and which are ours, are listed in docs/link-resolution.md.
 */

/** Obsidian's `newLinkFormat` setting in .obsidian/app.json. */
export type LinkStyle = "absolute" | "shortest" | "relative";

/** candidates: every file the link path names, preferred first (more than one: ambiguous). */
export interface Resolution {
	path: string | null;
	candidates: string[];
}

interface Entry {
	path: string;
	lower: string;
}

const NONE: Resolution = { path: null, candidates: [] };

const fileName = (path: string): string => path.slice(path.lastIndexOf("/") + 1);

function parentOf(path: string): string {
	const slash = path.lastIndexOf("/");
	return slash < 0 ? "" : path.slice(0, slash);
}

const isMarkdown = (path: string): boolean => path.endsWith(".md");

export class LinkResolver {
	/** Lower-cased file name (with extension) -> files of that name, in the order given. */
	private readonly byName = new Map<string, Entry[]>();
	private readonly paths: ReadonlySet<string>;

	/** files: every file path in the vault, vault-relative, with `/` separators. */
	constructor(files: readonly string[]) {
		this.paths = new Set(files);
		for (const path of files) {
			const key = fileName(path).toLowerCase();
			const entry = { path, lower: path.toLowerCase() };
			const list = this.byName.get(key);
			if (list) list.push(entry);
			else this.byName.set(key, [entry]);
		}
	}

	resolve(linkpath: string, sourcePath: string): Resolution {
		const found = (entries: Entry[]): Resolution => ({ path: entries[0].path, candidates: entries.map((e) => e.path) });
		const link = linkpath.trim();
		if (link === "") return this.paths.has(sourcePath) ? { path: sourcePath, candidates: [sourcePath] } : NONE;

		// A name with a dot may be a full file name (`rule.yml`, `Note.md`); otherwise `.md` is implied.
		let wanted = link.toLowerCase();
		let name = fileName(wanted);
		let entries = name.includes(".") ? this.byName.get(name) : undefined;
		if (!entries) {
			wanted += ".md";
			name += ".md";
			entries = this.byName.get(name);
		}
		if (!entries) return NONE;
		if (name === wanted && entries.length === 1) return found(entries);

		const exact = (path: string): Resolution | null => {
			const hit = entries.find((e) => e.lower === path);
			return hit ? found([hit]) : null;
		};
		let folder = parentOf(sourcePath).toLowerCase();
		if (wanted.startsWith("./") || wanted.startsWith("../")) {
			if (wanted.startsWith("./../")) wanted = wanted.slice(2);
			if (wanted.startsWith("./")) wanted = wanted.slice(2);
			while (wanted.startsWith("../")) {
				wanted = wanted.slice(3);
				folder = parentOf(folder);
			}
			if (folder !== "") folder += "/";
			wanted = folder + wanted;
			const hit = exact(wanted);
			if (hit) return hit;
		}
		if (wanted.startsWith("/")) wanted = wanted.slice(1);
		const hit = exact(wanted);
		if (hit) return hit;
		if (link.startsWith("/")) return NONE;

		// Obsidian's own test is a bare string prefix, so folder `a` also favours `ab/...`.
		const near: Entry[] = [];
		const far: Entry[] = [];
		for (const e of entries) {
			if (e.lower.endsWith(wanted)) (e.lower.startsWith(folder) ? near : far).push(e);
		}
		const byLength = (a: Entry, b: Entry): number => a.path.length - b.path.length;
		const ranked = [...near.sort(byLength), ...far.sort(byLength)];
		return ranked.length > 0 ? found(ranked) : NONE;
	}

	/** The link path to write in a note at sourcePath so that it resolves to targetPath, in the given style (no `.md` for markdown files). */
	linkpathFor(targetPath: string, sourcePath: string, style: LinkStyle): string {
		const plain = this.styled(targetPath, sourcePath, style, true);
		// Obsidian writes `plain` even where it resolves elsewhere (`sub/Note` shadowed by a root
		// `sub/Note.md`); an explicit `./`, or the extension, makes the link name the target.
		const tries = [plain, this.styled(targetPath, sourcePath, style, false)];
		if (style === "relative") tries.push(...tries.filter((t) => !t.startsWith("../")).map((t) => `./${t}`));
		// The link must name the target alone, or the next check would call it ambiguous.
		return (
			tries.find((t) => {
				const r = this.resolve(t, sourcePath);
				return r.path === targetPath && r.candidates.length === 1;
			}) ?? plain
		);
	}

	private styled(target: string, source: string, style: LinkStyle, omitMd: boolean): string {
		const strip = omitMd && isMarkdown(target);
		const full = strip ? target.slice(0, -3) : target;
		if (style === "absolute") return full;
		if (style === "relative") {
			let up = "";
			let folder = parentOf(source);
			while (folder !== "" && !full.startsWith(`${folder}/`)) {
				up += "../";
				folder = parentOf(folder);
			}
			return up + (folder === "" ? full : full.slice(folder.length + 1));
		}
		const short = fileName(full);
		const named = this.resolve(short, source).candidates;
		return named.length === 1 && named[0] === target ? short : full;
	}
}

/** The `newLinkFormat` of .obsidian/app.json; "shortest", Obsidian's default, when absent or unreadable. */
export function parseLinkStyle(appJson: string | null): LinkStyle {
	if (appJson === null) return "shortest";
	try {
		const config: unknown = JSON.parse(appJson);
		if (typeof config === "object" && config !== null && "newLinkFormat" in config) {
			const format = config.newLinkFormat;
			if (format === "absolute" || format === "relative" || format === "shortest") return format;
		}
	} catch {
		// A hand-edited app.json that no longer parses: Obsidian falls back to its defaults too.
	}
	return "shortest";
}
