/**
 * Writing a file whole, for the CLI's notes (fs-vault.ts) and downloads (download.ts). One
 * `writeSync` may write fewer bytes than it was given (a nearly full disk writes what fits and
 * says how much); every byte is written here, or an error says why not. The file operations come
 * through `WriteIo` so that tests can play a full disk or a short write; the CLI uses node:fs.
 */
import { closeSync, fsyncSync, openSync, writeSync } from "node:fs";

export interface WriteIo {
	openSync(path: string, flags: string, mode?: number): number;
	/** Writes up to `length` bytes of `buffer` from `offset`; returns how many it wrote. */
	writeSync(fd: number, buffer: Uint8Array, offset: number, length: number, position: null): number;
	fsyncSync(fd: number): void;
	closeSync(fd: number): void;
}

export const nodeIo: WriteIo = { openSync, writeSync, fsyncSync, closeSync };

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
