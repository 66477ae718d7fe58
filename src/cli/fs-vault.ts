/**
 * The core's Vault interface over a vault folder on disk, for the CLI. Follows Obsidian: files
 * and folders whose names start with a dot (the `.obsidian` config folder among them) are not
 * part of the vault. Writes go to a temporary file, written whole and flushed, that is then
 * renamed over the note, so neither a crash nor a full disk leaves half a note behind.
 */
import { accessSync, chmodSync, constants, lstatSync, realpathSync, rmSync, rmdirSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, existsSync, type Dirent } from "node:fs";
import path from "node:path";
import { UserError, messageOf } from "../core/errors";
import { foldName } from "../core/sync/filenames";
import type { Vault } from "../core/vault";
import { StagedWrites } from "./staged-writes";
import { isStale, nodeIo, noteTempName, noteTempPid, writeAll, type WriteIo } from "./write-file";

export class FsVault implements Vault {
	readonly root: string;
	/** Every write, in order (vault paths); tests and reports count them. */
	readonly writes: string[] = [];

	// On disk there is no Vault#configDir to ask: Obsidian's default name, which the CLI's
	// users can change with --config-dir. `io` writes the files: node:fs, or a test's full disk.
	constructor(
		root: string,
		readonly configDir = ".obsidian",
		private readonly io: WriteIo = nodeIo,
	) {
		this.root = path.resolve(root);
		let isDir = false;
		try {
			isDir = statSync(this.root).isDirectory();
		} catch {
			throw new UserError(`${root}: no such folder.`);
		}
		if (!isDir) throw new UserError(`${root}: not a folder; --vault takes the vault's folder.`);
	}

	private abs(vaultPath: string): string {
		const abs = path.resolve(this.root, ...vaultPath.split("/"));
		if (abs !== this.root && !abs.startsWith(this.root + path.sep)) throw new UserError(`${vaultPath}: outside the vault.`);
		return abs;
	}

	/**
	 * Every entry of the vault's folders, with its vault path. Dot-folders are not entered; symbolic
	 * links are followed, as Obsidian desktop does, and a folder seen twice is a loop.
	 */
	private entries(): Array<{ abs: string; vaultPath: string; entry: Dirent; kind: "dir" | "file" | null }> {
		const out: Array<{ abs: string; vaultPath: string; entry: Dirent; kind: "dir" | "file" | null }> = [];
		const seen = new Set<string>();
		const walk = (dir: string, prefix: string) => {
			const real = realpathSync(dir);
			if (seen.has(real)) return;
			seen.add(real);
			for (const entry of readdirSync(dir, { withFileTypes: true })) {
				const abs = path.join(dir, entry.name);
				const vaultPath = prefix + entry.name;
				let kind: "dir" | "file" | null = entry.isDirectory() ? "dir" : entry.isFile() ? "file" : null;
				if (entry.isSymbolicLink()) {
					try {
						const target = statSync(abs);
						kind = target.isDirectory() ? "dir" : target.isFile() ? "file" : null;
					} catch {
						kind = null; // a dangling link
					}
				}
				out.push({ abs, vaultPath, entry, kind });
				if (kind === "dir" && !entry.name.startsWith(".")) walk(abs, `${vaultPath}/`);
			}
		};
		walk(this.root, "");
		return out;
	}

	listFiles(): Promise<string[]> {
		const files = this.entries()
			.filter((e) => e.kind === "file" && !e.entry.name.startsWith("."))
			.map((e) => e.vaultPath);
		// A stable order: Obsidian's own order is its load order, which a folder cannot tell.
		return Promise.resolve(files.sort());
	}

	/**
	 * Removes the temporary files an earlier run left when it was killed mid-write (see
	 * write-file.ts: only regular files of exactly that pattern, whose run is over). Called at the
	 * start of a run that writes; returns their vault paths.
	 */
	removeLeftovers(now = Date.now()): string[] {
		const removed: string[] = [];
		for (const { abs, vaultPath, entry } of this.entries()) {
			const pid = entry.isFile() ? noteTempPid(entry.name) : null;
			if (pid === null) continue;
			try {
				if (!isStale(pid, lstatSync(abs).mtimeMs, now)) continue;
				rmSync(abs);
				removed.push(vaultPath);
			} catch {
				// Gone meanwhile, or not ours to remove: left alone.
			}
		}
		return removed;
	}

	read(vaultPath: string): Promise<string> {
		return Promise.resolve(readFileSync(this.abs(vaultPath), "utf8"));
	}

	readBinary(vaultPath: string): Promise<Uint8Array> {
		return Promise.resolve(new Uint8Array(readFileSync(this.abs(vaultPath))));
	}

	async process(vaultPath: string, update: (current: string) => string): Promise<string> {
		const current = await this.read(vaultPath);
		const next = update(current);
		if (next !== current) await this.writeAtomically(vaultPath, next, "the note is unchanged");
		return next;
	}

	async create(vaultPath: string, data: string): Promise<void> {
		// A failure rejects the promise, as Obsidian's create does. The checks and the folder are
		// done before the first await, in the order notes are created; the write may end later.
		if (existsSync(this.abs(vaultPath))) throw new UserError(`${vaultPath}: already exists.`);
		const staged = this.staged.get(vaultPath);
		if (staged !== undefined) {
			this.staged.delete(vaultPath);
			if (staged.data === data) return this.commit(vaultPath, staged);
			// Planned otherwise after all (two domains' plans of one path): written the usual way.
			await this.drop(staged);
		}
		// Names that are one on macOS and Windows are one here too: a folder the vault has as
		// `mitre att&ck/` takes `MITRE ATT&CK/...` notes (the core spells it so when it knows
		// the folder from its files; an empty one only the disk knows), and a twin file is
		// refused, or the vault would not survive a copy there.
		const abs = this.abs(vaultPath);
		const folder = this.folderFor(vaultPath, abs);
		if ("refused" in folder) throw new UserError(folder.refused);
		await this.writeAtomically(vaultPath, data, "it was not created", path.join(folder.dir, path.basename(abs)));
	}

	/** New notes whose temporary files are written ahead (stage), by vault path. */
	private readonly staged = new Map<string, Staged>();
	/** The thread that writes them; null until `stageNewNotes`. */
	private stager: StagedWrites | null = null;
	/** Folders made for new notes: removed again, when empty, by `endStaging`. */
	private readonly stagedFolders: string[] = [];

	/** From now on `stage` writes new notes' temporary files ahead, on a second thread (the CLI's sync). */
	stageNewNotes(): void {
		this.stager ??= new StagedWrites();
	}

	/**
	 * A note the plan creates, as soon as its text is final: its temporary file is written and
	 * flushed in the background, and `create` with the same text then only renames it over the
	 * note. Nothing is staged where `create` would refuse the note (it exists, or has a twin), or
	 * without `stageNewNotes`; `create` then works as always.
	 */
	stage(vaultPath: string, data: string): void {
		if (this.stager === null || this.staged.has(vaultPath)) return;
		let abs: string;
		try {
			abs = this.abs(vaultPath);
		} catch {
			return;
		}
		// A note that exists is no concern here: `create` refuses it before anything is renamed.
		const folder = this.folderFor(vaultPath, abs);
		if ("refused" in folder) return;
		const target = path.join(folder.dir, path.basename(abs));
		const temp = this.tempFor(target);
		this.temps.add(temp);
		this.staged.set(vaultPath, { data, temp, target, written: this.stager.write(temp, data) });
	}

	/**
	 * Ends staging: the staged files no note was created from (a dry run, a plan that failed, a
	 * cancel) are removed, with the folders made for them when they are empty, and the thread ends.
	 */
	async endStaging(): Promise<void> {
		const left = [...this.staged.values()];
		this.staged.clear();
		for (const s of left) await this.drop(s);
		// The deepest first: a folder is empty only once the folders made inside it are gone.
		for (const dir of [...this.stagedFolders].sort((a, b) => b.length - a.length)) {
			try {
				if (readdirSync(dir).length === 0) rmdirSync(dir);
			} catch {
				// Gone, or not empty: left as it is.
			}
		}
		this.stagedFolders.length = 0;
		await this.stager?.close();
		this.stager = null;
	}

	/** The staged note renamed into place once its temporary file is written. */
	private async commit(vaultPath: string, s: Staged): Promise<void> {
		try {
			this.stager?.flush();
			const error = await s.written;
			if (error !== null) throw new Error(error);
			// Created meanwhile by someone else (`create` has looked at the path as asked for): theirs stays.
			if (s.target !== this.abs(vaultPath) && existsSync(s.target)) throw new UserError(`${vaultPath}: already exists.`);
			renameSync(s.temp, s.target);
		} catch (err) {
			removeQuietly(s.temp);
			if (err instanceof UserError) throw err;
			throw new UserError(`${vaultPath}: could not be written (${messageOf(err)}); it was not created.`);
		} finally {
			this.temps.delete(s.temp);
		}
		this.writes.push(vaultPath);
	}

	private async drop(s: Staged): Promise<void> {
		this.stager?.flush();
		await s.written;
		removeQuietly(s.temp);
		this.temps.delete(s.temp);
	}

	/**
	 * The folder a new note at `abs` goes in, as spelled on disk, made if need be (and noted, for
	 * `endStaging` to remove again if it stays empty); or why `create` refuses the note: a file of
	 * its name is in the folder as spelled on disk, or one that is the same name on macOS and Windows.
	 */
	private folderFor(vaultPath: string, abs: string): { dir: string } | { refused: string } {
		const made = this.made.get(path.dirname(abs));
		const dir = made ?? this.spelledAsOnDisk(path.dirname(abs));
		const name = path.basename(abs);
		if (dir !== path.dirname(abs) && existsSync(path.join(dir, name))) return { refused: `${vaultPath}: already exists (in ${path.relative(this.root, dir).split(path.sep).join("/")}).` };
		const twin = this.twinOf(dir, name);
		if (twin !== null) return { refused: `${vaultPath}: already exists as "${twin}" (the same name on macOS and Windows).` };
		if (made === undefined) {
			const first = mkdirSync(dir, { recursive: true });
			if (first !== undefined) for (let d = dir; d.length >= first.length; d = path.dirname(d)) this.stagedFolders.push(d);
			this.made.set(path.dirname(abs), dir);
		}
		return { dir };
	}

	/** Folders notes were created in (as asked for -> as spelled on disk): made and spelled once. */
	private readonly made = new Map<string, string>();

	/** `dir` (in the vault) with each part that exists under another case or normalization spelled so. */
	private spelledAsOnDisk(dir: string): string {
		const rel = path.relative(this.root, dir);
		if (rel === "") return this.root;
		let spelled = this.root;
		for (const part of rel.split(path.sep)) {
			const exact = path.join(spelled, part);
			spelled = existsSync(exact) ? exact : path.join(spelled, this.twinOf(spelled, part) ?? part);
		}
		return spelled;
	}

	/** Folder -> its entries by folded name, read once per folder (creating 700 notes reads each once). */
	private readonly folded = new Map<string, Map<string, string>>();

	/** An entry of `dir` that is `name` as macOS and Windows compare names, but not `name` itself; null when none. */
	private twinOf(dir: string, name: string): string | null {
		let entries = this.folded.get(dir);
		if (!entries) {
			entries = new Map();
			try {
				for (const e of readdirSync(dir)) entries.set(foldName(e), e);
			} catch {
				// A folder still to be made.
			}
			this.folded.set(dir, entries);
		}
		const twin = entries.get(foldName(name));
		if (twin === undefined) entries.set(foldName(name), name); // about to be created
		return twin === undefined || twin === name ? null : twin;
	}

	/** Deletes a note (undo of a note a sync created, once it is known to be as the sync wrote it). */
	remove(vaultPath: string): Promise<void> {
		rmSync(this.abs(vaultPath));
		this.writes.push(vaultPath);
		return Promise.resolve();
	}

	exists(vaultPath: string): Promise<boolean> {
		return Promise.resolve(existsSync(this.abs(vaultPath)));
	}

	readConfig(name: string): Promise<string | null> {
		const file = path.join(this.root, this.configDir, name);
		return Promise.resolve(existsSync(file) ? readFileSync(file, "utf8") : null);
	}

	/** Temporary files of the writes under way (a sync writes several notes at once). */
	private readonly temps = new Set<string>();

	/** A temporary file's name beside `target`: two long names may be cut to one, and a write under way keeps its own. */
	private tempFor(target: string): string {
		let temp = path.join(path.dirname(target), noteTempName(path.basename(target)));
		for (let n = 2; this.temps.has(temp); n++) temp = path.join(path.dirname(target), noteTempName(`${n}~${path.basename(target)}`));
		return temp;
	}

	/**
	 * The whole text goes to a temporary file beside the note, is flushed to the disk, and only
	 * then replaces the note: a full disk or a crash leaves the note as it was, never cut short.
	 */
	private async writeAtomically(vaultPath: string, data: string, unchanged: string, abs = this.abs(vaultPath)): Promise<void> {
		const target = realpathOr(abs);
		const temp = this.tempFor(target);
		// Keep an existing note's permissions; a new file gets the usual ones (umask applies). The
		// rename replaces the directory entry, so a hard-linked note becomes a file of its own.
		let mode: number | null = null;
		try {
			mode = statSync(target).mode & 0o7777;
		} catch {
			// A new file.
		}
		// The rename would go around a note's mode or immutable flag: a note that cannot be written
		// as it is stays as it is, as it would in Obsidian.
		const readOnly = mode === null ? null : whyReadOnly(target, mode);
		if (readOnly !== null) throw new UserError(`${vaultPath}: ${readOnly}; left as it is (make it writable to sync it).`);
		this.temps.add(temp);
		try {
			const fd = this.io.openSync(temp, "w");
			try {
				writeAll(this.io, fd, Buffer.from(data, "utf8"));
				// On the disk before the rename, so a crash leaves the old note or the new one (and a
				// file system that reports a full disk only now, as NFS may, is caught here). In the
				// background when the io can: other notes are written meanwhile, and flushed together.
				if (this.io.fsync) await this.io.fsync(fd);
				else this.io.fsyncSync(fd);
			} finally {
				this.io.closeSync(fd);
			}
			if (mode !== null) chmodSync(temp, mode);
			renameSync(temp, target);
		} catch (err) {
			rmSync(temp, { force: true });
			throw new UserError(`${vaultPath}: could not be written (${messageOf(err)}); ${unchanged}.`);
		} finally {
			this.temps.delete(temp);
		}
		this.writes.push(vaultPath);
	}
}

/**
 * Why an existing file cannot be written as it is, or null when it can. access() answers for the
 * user running the CLI (mode, owner, immutable and append-only flags, a read-only mount); root
 * passes every mode check, so a file with no write bit for anyone counts as read-only too.
 */
function whyReadOnly(file: string, mode: number): string | null {
	try {
		accessSync(file, constants.W_OK);
	} catch (err) {
		const code = (err as NodeJS.ErrnoException).code;
		if (code === "EACCES") return `is read-only for you (mode ${modeString(mode)})`;
		if (code === "EPERM") return "cannot be written (it is immutable or append-only)";
		if (code === "EROFS") return "is on a read-only file system";
		return `cannot be written (${messageOf(err)})`;
	}
	return (mode & 0o222) === 0 ? `is read-only (mode ${modeString(mode)})` : null;
}

/** `r--r--r--` for 0o444. */
function modeString(mode: number): string {
	return [6, 3, 0].map((shift) => ["r", "w", "x"].map((c, i) => ((mode >> shift) & (4 >> i) ? c : "-")).join("")).join("");
}

/** Where a symbolic link points (so a write replaces the note, not the link), or the path itself. */
function realpathOr(abs: string): string {
	try {
		// The system's realpath(3): one call, where the JavaScript one looks at every folder on the way.
		return realpathSync.native(abs);
	} catch {
		return abs;
	}
}

/** Removes a temporary file, if there is one: what cannot be removed is left, never an error of its own. */
function removeQuietly(file: string): void {
	try {
		rmSync(file, { force: true });
	} catch {
		// A folder, say: not ours.
	}
}

/** A new note's temporary file, written ahead on the staging thread. */
interface Staged {
	data: string;
	temp: string;
	/** The note's file, in its folder as spelled on disk. */
	target: string;
	/** Null once written and flushed; else why it could not be. */
	written: Promise<string | null>;
}
