/**
 * Writing a file whole, for the CLI's notes (fs-vault.ts) and downloads (download.ts). One
 * `writeSync` may write fewer bytes than it was given (a nearly full disk writes what fits and
 * says how much); every byte is written here, or an error says why not. The file operations come
 * through `WriteIo` so that tests can play a full disk or a short write; the CLI uses node:fs.
 */
import { closeSync, fsync, fsyncSync, openSync, realpathSync, renameSync, rmSync, writeSync } from "node:fs";
import path from "node:path";

export interface WriteIo {
	openSync(path: string, flags: string, mode?: number): number;
	/** Writes up to `length` bytes of `buffer` from `offset`; returns how many it wrote. */
	writeSync(fd: number, buffer: Uint8Array, offset: number, length: number, position: null): number;
	fsyncSync(fd: number): void;
	closeSync(fd: number): void;
	/**
	 * The flush, waited for in the background (libuv's thread pool) instead of `fsyncSync`: a
	 * vault's writes then flush side by side, and the file system commits them together.
	 */
	fsync?(fd: number): Promise<void>;
}

export const nodeIo: WriteIo = { openSync, writeSync, fsyncSync, closeSync };

/** node:fs with the flush in the background: the CLI's sync, which writes many notes at once. */
export const backgroundFsyncIo: WriteIo = {
	...nodeIo,
	fsync: (fd) => new Promise<void>((resolve, reject) => fsync(fd, (err) => (err ? reject(err) : resolve()))),
};

/** Writes all of `data` at the file's current position, however many calls that takes. */
export function writeAll(io: WriteIo, fd: number, data: Uint8Array): void {
	let done = 0;
	while (done < data.length) {
		const n = io.writeSync(fd, data, done, data.length - done, null);
		// A regular file never takes 0 bytes without an error; stop rather than loop forever.
		if (!(n > 0)) throw new Error(`the disk took ${done} of ${data.length} bytes and then nothing (full?)`);
		done += n;
	}
}

/**
 * Temporary files a run of the CLI leaves behind only when it is killed (kill -9, a power cut):
 * `.<note>.attack-sync-<pid>.tmp` beside a note, `.<out>.attack-sync-<pid>-<8 hex>.part` beside
 * fetch's --out. The next run removes those of its own pattern, exactly, that are regular files
 * and stale: their process is not running on this machine, or they have not been written to
 * for ten minutes (a note's temporary file lives for milliseconds; a download writes every few
 * seconds and gives up after a minute without data, so no live run's file is that old).
 */
export const STALE_AFTER_MS = 10 * 60_000;

const NOTE_TEMP = /^\..+\.attack-sync-(\d+)\.tmp$/;

/** File systems take 255 bytes per name: a temporary name cuts its note's name to fit. */
const NAME_MAX = 255;

/** The start of `s` in whole code points, at most `max` bytes in UTF-8. */
function cutBytes(s: string, max: number): string {
	let bytes = 0;
	let end = 0;
	for (const ch of s) {
		bytes += Buffer.byteLength(ch);
		if (bytes > max) break;
		end += ch.length;
	}
	return s.slice(0, end);
}

/** The temporary file's name for a note named `base`, within 255 bytes however long `base` is. */
export function noteTempName(base: string, pid = process.pid): string {
	const suffix = `.attack-sync-${pid}.tmp`;
	return `.${cutBytes(base, NAME_MAX - 1 - suffix.length)}${suffix}`;
}

/** The temporary file's name for a download to `base`; `tag` is 8 hex digits, unique per run. */
export function partName(base: string, pid: number, tag: string): string {
	const suffix = `.attack-sync-${pid}-${tag}.part`;
	return `.${cutBytes(base, NAME_MAX - 1 - suffix.length)}${suffix}`;
}

/** The pid in a note's temporary file name, or null when `name` is not one. */
export function noteTempPid(name: string): number | null {
	const m = NOTE_TEMP.exec(name);
	return m ? Number(m[1]) : null;
}

/** The pid in a download's temporary file name for `out`'s base name, or null when `name` is not one. */
export function partPid(name: string, outBase: string): number | null {
	const m = /\.attack-sync-(\d+)-([0-9a-f]{8})\.part$/.exec(name);
	return m && name === partName(outBase, Number(m[1]), m[2]) ? Number(m[1]) : null;
}

/** Whether a process with this pid runs here (kill(pid, 0): no signal is sent). */
export function isRunning(pid: number): boolean {
	// 0 and negative pids name process groups; no real pid is above 2^22 (Linux's pid_max).
	if (!Number.isSafeInteger(pid) || pid <= 0 || pid > 0x7fffffff) return false;
	try {
		process.kill(pid, 0);
		return true;
	} catch (err) {
		// EPERM: it runs, as another user.
		return (err as NodeJS.ErrnoException).code === "EPERM";
	}
}

/**
 * Whether a leftover of `pid`, last written at `mtimeMs`, belongs to no live run. Asked at the
 * start of a run, before it writes: a file with this process's own pid is an earlier process's.
 */
export function isStale(pid: number, mtimeMs: number, now = Date.now()): boolean {
	return pid === process.pid || !isRunning(pid) || now - mtimeMs > STALE_AFTER_MS;
}

/**
 * A file the CLI writes outside a vault (`layer --out`): the whole text to a temporary file beside
 * it (`.<name>.attack-sync-<pid>.tmp`), flushed, then renamed over it, so a full disk or a crash
 * leaves the old file or the new one, never half of one. A symbolic link is followed (its target
 * is replaced). On failure the temporary file is removed and the error says why.
 */
export function writeFileAtomically(target: string, data: string, io: WriteIo = nodeIo): void {
	let real = target;
	try {
		real = realpathSync(target);
	} catch {
		// A new file.
	}
	const temp = path.join(path.dirname(real), noteTempName(path.basename(real)));
	try {
		const fd = io.openSync(temp, "wx");
		try {
			writeAll(io, fd, Buffer.from(data, "utf8"));
			io.fsyncSync(fd);
		} finally {
			io.closeSync(fd);
		}
		renameSync(temp, real);
	} catch (err) {
		rmSync(temp, { force: true });
		throw err;
	}
}
