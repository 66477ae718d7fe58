/**
 * The CLI's undo backups, where the plugin keeps its own: `undo/` in the plugin's folder in the
 * vault's config folder (`.obsidian/plugins/attack-sync/undo/undo-<id>.json`, src/obsidian/data.ts),
 * in the core's format (src/core/sync/undo.ts). So `attack-sync undo` restores a sync the plugin
 * made, and the plugin's "Undo last sync" one the CLI made. Each record is written whole to a
 * temporary file, flushed, then renamed: a full disk leaves no half record.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import path from "node:path";
import { UserError, messageOf } from "../core/errors";
import type { BackupStore } from "../core/sync/undo";
import { nodeIo, writeAll } from "./write-file";

/** The plugin's folder in a vault, as Obsidian names it: `<configDir>/plugins/<manifest id>`. */
export function pluginFolder(root: string, configDir: string): string {
	return path.join(root, configDir, "plugins", "attack-sync");
}

export function backupStore(root: string, configDir: string): BackupStore {
	const dir = path.join(pluginFolder(root, configDir), "undo");
	const file = (name: string) => path.join(dir, name);
	return {
		read: (name) => Promise.resolve(existsSync(file(name)) ? readFileSync(file(name), "utf8") : null),
		write: (name, data) => {
			const temp = file(`.${name}.${process.pid}.tmp`);
			try {
				mkdirSync(dir, { recursive: true });
				const fd = nodeIo.openSync(temp, "w");
				try {
					writeAll(nodeIo, fd, Buffer.from(data, "utf8"));
					nodeIo.fsyncSync(fd);
				} finally {
					nodeIo.closeSync(fd);
				}
				renameSync(temp, file(name));
			} catch (err) {
				rmSync(temp, { force: true });
				throw new UserError(`could not keep a backup for undo in ${dir} (${messageOf(err)}); nothing was synced.`);
			}
			return Promise.resolve();
		},
		remove: (name) => {
			rmSync(file(name), { force: true });
			return Promise.resolve();
		},
		list: () => Promise.resolve(existsSync(dir) ? readdirSync(dir) : []),
	};
}
