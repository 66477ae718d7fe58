/**
 * The Node CLI: the same core as the plugin, run on a vault folder or a bundle file.
 *   node dist/cli.js inspect --bundle FILE [--json]
 *   node dist/cli.js links --vault DIR [--fix] [--bundle FILE ...] [--json]
 *   node dist/cli.js sync --vault DIR --bundle FILE [--previous-bundle FILE ...] [--base-url URL] [--cache-dir DIR] [--offline] [--dry-run [--diff]] [--create-missing [--kinds K,...|all]] [--json] [--no-backup]
 *   node dist/cli.js fetch --domain enterprise-attack --out FILE [--version X.Y] [--base-url URL] [--json]
 *   node dist/cli.js undo --vault DIR [--json]
 * Exit codes: 0 success, 1 bad input (a bad bundle, an unreadable vault) or a note that could not
 * be written (a full disk, a read-only note; the report names each), 2 usage error.
 */
import path from "node:path";
import { isUtf8 } from "node:buffer";
import { createHash } from "node:crypto";
import { closeSync, fstatSync, mkdirSync, openSync, readFileSync, readSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { checkBundleSize, decodeUtf8, tooLargeReason } from "../core/attack/bytes";
import { loadBundle, type AttackModel } from "../core/attack/model";
import { formatInspect, inspect } from "../core/commands/inspect";
import { formatLinks, runLinks } from "../core/commands/links";
import { formatSync, planDomains, reportOf, type DomainSync, type SyncReport } from "../core/commands/sync";
import { applyPlan } from "../core/sync/plan";
import { UndoLog } from "../core/sync/undo";
import { backupStore, pluginFolder } from "./backups";
import { runChangesCommand } from "./changes";
import { runLayerCommand } from "./layer";
import { FsVault } from "./fs-vault";
import { backgroundFsyncIo } from "./write-file";
import { UserError, messageOf } from "../core/errors";
import { parseKinds, type NoteKind } from "../core/kinds";
import { parseArgs, UsageError, type Parsed } from "./args";
import { buildPreview, formatPreview } from "../core/sync/preview";
import { wordDiffLines } from "../core/sync/word-diff";
import { VERSION, commandHelp, commandUsage, suggestion, usage } from "./help";
import { fetchBundle, fetchTimeoutMs } from "./download";
import { releaseSource, type ReleaseSource } from "./releases";
import { fetchDeadlineMs, maxBundleBytes } from "./limits";
import { DEFAULT_BASE_URL, formatFetched, isVersionString, normalizeBaseUrl, versionFromFileName } from "../core/fetch/index-json";

/** What the file's bytes are: no more than `max` (checked before reading, and while reading in case it grows or is no regular file). */
function readBundleBytes(file: string, max: number): Buffer {
	let fd: number;
	try {
		fd = openSync(file, "r");
	} catch (err) {
		const code = (err as NodeJS.ErrnoException).code;
		if (code === "ENOENT") throw new UserError(`${file}: no such file.`);
		if (code === "EISDIR") throw new UserError(`${file}: is a folder, not a bundle file.`);
		throw new UserError(`${file}: cannot be read (${messageOf(err)}).`);
	}
	try {
		const stat = fstatSync(fd);
		if (stat.isDirectory()) throw new UserError(`${file}: is a folder, not a bundle file.`);
		// A 2 GB file is refused before it is read, not after.
		checkBundleSize(stat.size, file, max);
		// One read for a regular file (the byte past its size finds the end); a pipe grows the buffer.
		let buffer = Buffer.allocUnsafe(stat.isFile() ? Math.min(stat.size + 1, max + 1) : Math.min(1 << 20, max + 1));
		let total = 0;
		for (;;) {
			if (total === buffer.length) {
				if (total > max) throw new UserError(`${file}: ${tooLargeReason(null, max)}; it was not read.`);
				const grown = Buffer.allocUnsafe(Math.min(buffer.length * 2, max + 1));
				buffer.copy(grown, 0, 0, total);
				buffer = grown;
			}
			const n = readSync(fd, buffer, total, buffer.length - total, null);
			if (n === 0) break;
			total += n;
		}
		if (total > max) throw new UserError(`${file}: ${tooLargeReason(null, max)}; it was not read.`);
		return buffer.subarray(0, total);
	} catch (err) {
		if (err instanceof UserError) throw err;
		throw new UserError(`${file}: cannot be read (${messageOf(err)}).`);
	} finally {
		closeSync(fd);
	}
}

export function readBundleFile(file: string) {
	const bytes = readBundleBytes(file, maxBundleBytes());
	// Strict UTF-8: a Latin-1 file is refused, not read with U+FFFD in place of its accents. Valid
	// bytes are decoded by Node's own decoder (a fifth faster than TextDecoder on a 40 MB bundle),
	// a leading BOM dropped as TextDecoder drops it; others get decodeUtf8's error.
	if (!isUtf8(bytes)) return loadBundle(decodeUtf8(bytes, file), file);
	const text = bytes.toString("utf8");
	return loadBundle(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, file);
}

function runInspect(args: Parsed): number {
	const file = args.value("bundle", true);
	const model = readBundleFile(file);
	const report = inspect(model, file);
	process.stdout.write(args.flag("json") ? `${JSON.stringify(report, null, 2)}\n` : `${formatInspect(report, file)}\n`);
	return 0;
}

/** `--bundle FILE ...` read, one per domain (Enterprise, Mobile, ICS in one vault). */
function bundlesByDomain(files: readonly string[]): Array<{ file: string; model: AttackModel }> {
	const models = files.map((f) => ({ file: f, model: readBundleFile(f) }));
	for (const [k, m] of models.entries()) {
		const other = models.findIndex((x) => x.model.domain === m.model.domain);
		if (other !== k) throw new UsageError(`${models[other].file} and ${m.file} are both ${m.model.domain}: give one bundle per domain`);
	}
	return models;
}

async function runLinksCommand(args: Parsed): Promise<number> {
	const root = args.value("vault", true);
	const vault = new FsVault(root, args.value("config-dir") ?? undefined);
	// With a release, notes known only by name (reuteras' 17.1 data components) are ATT&CK notes too.
	const releases = bundlesByDomain(args.all("bundle")).map((b) => ({ model: b.model }));
	// A run that writes first removes what a killed run left; one that only reads touches nothing.
	if (args.flag("fix")) vault.removeLeftovers();
	const report = await runLinks(vault, { fix: args.flag("fix"), releases });
	process.stdout.write(args.flag("json") ? `${JSON.stringify(report, null, 2)}\n` : `${formatLinks(report, root)}\n`);
	return notWritten(report.summary.failed.length);
}

/**
 * Notes a sync writes at once: each is still written whole to its temporary file, flushed and
 * only then renamed over the note, but the flushes wait side by side (libuv's thread pool), so
 * the file system commits many in one go instead of one disk flush per note.
 */
const WRITES_AT_ONCE = 32;

async function runSyncCommand(args: Parsed): Promise<number> {
	const root = args.value("vault", true);
	args.value("bundle", true);
	const files = args.all("bundle");
	const dryRun = args.flag("dry-run");
	const diff = args.flag("diff");
	if (diff && !dryRun) throw new UsageError("--diff shows what a sync would change: give it with --dry-run");
	const version = args.value("attack-version");
	if (version !== undefined && !/^\d+\.\d+$/.test(version)) throw new UsageError(`--attack-version must look like 18.1, not "${version}"`);
	const kinds = kindsOption(args.value("kinds"), args.flag("create-missing"));
	const baseUrl = baseUrlOf(args);
	// Each note's flush waits in the background, so the notes a sync writes flush side by side.
	const vault = new FsVault(root, args.value("config-dir") ?? undefined, backgroundFsyncIo);
	// One bundle per domain (Enterprise, Mobile, ICS in one vault): each note is synced from its own.
	const models = bundlesByDomain(files);
	// Earlier releases the notes may have been written from: given, cached, or downloaded.
	const given = args.all("previous-bundle").map((f) => {
		const m = readBundleFile(f);
		return { model: m, version: m.attackVersion ?? versionFromFileName(f) };
	});
	const offline = args.flag("offline");
	const json = args.flag("json");
	const progress = !json && process.stderr.isTTY;
	if (!dryRun) vault.removeLeftovers();
	// Planned without writing; then, as the plugin does, what the plan changes is kept for undo
	// before anything is written.
	const problems: string[] = [];
	const downloaded: string[] = [];
	const domains: DomainSync[] = [];
	const sources: ReleaseSource[] = [];
	for (const { file, model } of models) {
		const mine = given.filter((g) => g.model.domain === model.domain);
		const releases = await releaseSource({
			domain: model.domain,
			given: mine,
			cacheDir: path.resolve(args.value("cache-dir") ?? path.join(pluginFolder(root, vault.configDir), "releases")),
			baseUrl,
			offline,
		});
		domains.push({ model, version: model.attackVersion ?? version ?? versionFromFileName(file), previous: mine.map((g) => g.model), releases });
		sources.push(releases);
	}
	// One index of the vault for every domain: each note is read once, however many bundles.
	const memoFile = path.join(pluginFolder(root, vault.configDir), MEMO_FILE);
	const memo = { last: args.flag("recheck") ? null : readMemo(memoFile), salt: `${VERSION} ${BUILD}`, digest: sha256 };
	// New notes' files are written on a second thread while the rest is planned (staged-writes.ts);
	// what the plan did not create from them is removed, whatever happens.
	if (!dryRun) vault.stageNewNotes();
	try {
		const onCreated = dryRun ? undefined : (notePath: string, text: string) => vault.stage(notePath, text);
		const { plan, fingerprintAfter } = await planDomains(vault, domains, { createMissing: kinds ?? args.flag("create-missing"), ...(onCreated ? { onCreated } : {}) }, memo);
		// What finding the notes' releases ran into and downloaded, once planned.
		for (const r of sources) {
			problems.push(...r.problems);
			downloaded.push(...r.downloaded);
		}
		let failed: SyncReport["failed"] = [];
		if (!dryRun) {
			if (!args.flag("no-backup")) await new UndoLog(backupStore(vault.root, vault.configDir)).record(plan, new Date().toISOString());
			const result = await applyPlan(
				vault,
				plan,
				(done, total) => {
					if (progress && total >= 50 && (done % 25 === 0 || done === total)) process.stderr.write(`\rwriting ${done}/${total}${done === total ? "\n" : ""}`);
				},
				{ concurrency: WRITES_AT_ONCE },
			);
			failed = result.failed;
			// The vault as this sync left it, for the next to know (only when every note was written).
			const after = failed.length === 0 ? fingerprintAfter() : null;
			if (after !== null && after !== memo.last) writeMemo(memoFile, after);
		}
		const report = reportOf(plan, dryRun, failed);
		const unknown = report.notes.filter((n) => n.baseRelease === null).length;
		const warnings = [...problems];
		if (unknown > 0 && offline) warnings.push(`${unknown} notes come from a release sync could not tell offline: their old ATT&CK text was kept where it could not be told from yours. Run again without --offline (or give --previous-bundle FILE) to replace it.`);
		// --diff: each note's changes as the plugin's preview shows them, a changed line word by word.
		const preview = diff ? buildPreview(plan) : null;
		if (json) process.stdout.write(`${JSON.stringify({ ...report, warnings, downloaded, ...(preview ? { preview } : {}) }, null, 2)}\n`);
		else process.stdout.write(`${preview ? formatPreview(preview, { lines: wordDiffLines }) : formatSync(report)}\n`);
		if (!json) for (const w of warnings) process.stderr.write(`attack-sync: ${w}\n`);
		return notWritten(report.failed.length);
	} finally {
		await vault.endStaging();
	}
}

/** Where a sync keeps the fingerprint of the vault as it left it (commands/sync.ts planDomains). */
const MEMO_FILE = "last-sync.json";
declare const ATTACK_SYNC_BUILD: string | undefined;
/** The build: a rebuilt CLI may sync differently, so it never trusts another build's memo. */
const BUILD: string = typeof ATTACK_SYNC_BUILD === "string" ? ATTACK_SYNC_BUILD : "dev";

function sha256(parts: Iterable<string>): string {
	const hash = createHash("sha256");
	for (const part of parts) hash.update(part, "utf8");
	return hash.digest("hex");
}

/** The last sync's fingerprint; null when there is none or it cannot be read (a full sync then). */
function readMemo(file: string): string | null {
	try {
		const data: unknown = JSON.parse(readFileSync(file, "utf8"));
		const fingerprint = typeof data === "object" && data !== null ? (data as { fingerprint?: unknown }).fingerprint : undefined;
		return typeof fingerprint === "string" ? fingerprint : null;
	} catch {
		return null;
	}
}

/** Written whole or not at all (a temporary file renamed); a memo that cannot be written is none. */
function writeMemo(file: string, fingerprint: string): void {
	const temp = `${file}.${process.pid}.tmp`;
	try {
		mkdirSync(path.dirname(file), { recursive: true });
		writeFileSync(temp, `${JSON.stringify({ fingerprint })}\n`);
		renameSync(temp, file);
	} catch {
		rmSync(temp, { force: true });
	}
}

/** The exit code after writing: 1, with a line on stderr, when some note could not be written. */
function notWritten(count: number): number {
	if (count === 0) return 0;
	process.stderr.write(`attack-sync: ${count} ${count === 1 ? "note was" : "notes were"} not written (the report says why); ${count === 1 ? "it is" : "they are"} as ${count === 1 ? "it was" : "they were"}.\n`);
	return 1;
}

function baseUrlOf(args: Parsed): string {
	try {
		return normalizeBaseUrl(args.value("base-url") ?? DEFAULT_BASE_URL);
	} catch (err) {
		throw new UsageError(messageOf(err).replace(/^the base URL/, "--base-url").replace(/\.$/, ""));
	}
}

async function runFetchCommand(args: Parsed): Promise<number> {
	const domain = args.value("domain", true);
	const out = args.value("out", true);
	const version = args.value("version") ?? null;
	if (version !== null && !isVersionString(version)) throw new UsageError(`--version must look like 18.1, not "${version}"`);
	const baseUrl = baseUrlOf(args);
	const json = args.flag("json");
	const result = await fetchBundle({ domain, version, baseUrl, out, timeoutMs: fetchTimeoutMs(), maxBytes: maxBundleBytes(), deadlineMs: fetchDeadlineMs(), progress: !json && process.stderr.isTTY });
	process.stdout.write(json ? `${JSON.stringify(result, null, 2)}\n` : `${formatFetched(result)}\n`);
	return 0;
}

/** Restores what the latest sync (the CLI's or the plugin's) changed, where nobody changed it since. */
async function runUndoCommand(args: Parsed): Promise<number> {
	const vault = new FsVault(args.value("vault", true), args.value("config-dir") ?? undefined);
	vault.removeLeftovers();
	const result = await new UndoLog(backupStore(vault.root, vault.configDir)).undoLatest(vault, (p) => vault.remove(p));
	process.stdout.write(args.flag("json") ? `${JSON.stringify(result, null, 2)}\n` : `${result.message}\n`);
	// Files left as they are: the record is kept, and the exit code says not everything was undone.
	return result.refused.length === 0 ? 0 : 1;
}

const COMMANDS: Record<string, { options: string[]; flags: string[]; run: (args: Parsed) => number | Promise<number> }> = {
	inspect: { options: ["bundle"], flags: ["json"], run: runInspect },
	links: { options: ["vault", "config-dir", "bundle"], flags: ["fix", "json"], run: runLinksCommand },
	sync: { options: ["vault", "bundle", "config-dir", "attack-version", "previous-bundle", "base-url", "cache-dir", "kinds"], flags: ["dry-run", "diff", "create-missing", "json", "offline", "no-backup", "recheck"], run: runSyncCommand },
	fetch: { options: ["domain", "version", "base-url", "out"], flags: ["json"], run: runFetchCommand },
	changes: { options: ["from", "to", "vault", "config-dir"], flags: ["json"], run: (args) => runChangesCommand(args, readBundleFile) },
	layer: { options: ["vault", "out", "domain", "score-by", "bundle", "config-dir"], flags: [], run: (args) => runLayerCommand(args, readBundleFile) },
	undo: { options: ["vault", "config-dir"], flags: ["json"], run: runUndoCommand },
};

export async function main(argv: string[]): Promise<number> {
	const [name, ...rest] = argv;
	const list = usage(Object.keys(COMMANDS));
	if (name === "--version" || name === "-V") {
		process.stdout.write(`${VERSION}\n`);
		return 0;
	}
	// `attack-sync help sync` as `attack-sync sync --help` (and `help synk` as `synk`: did you mean).
	if (name === "help" && rest.length > 0) return main([rest[0], "--help"]);
	if (name === undefined || name === "help" || name === "--help" || name === "-h") {
		process.stdout.write(`${list}\n`);
		return name === undefined ? 2 : 0;
	}
	const command = COMMANDS[name];
	if (!command) {
		process.stderr.write(`attack-sync: unknown command "${name}"${suggestion(name, Object.keys(COMMANDS))}\n${list}\n`);
		return 2;
	}
	if (rest.includes("--help") || rest.includes("-h")) {
		process.stdout.write(`${commandHelp(name, command.options, command.flags)}\n`);
		return 0;
	}
	try {
		return await command.run(parseArgs(rest, command.options, command.flags));
	} catch (err) {
		if (err instanceof UsageError) {
			process.stderr.write(`attack-sync: ${err.message}\n${commandUsage(name)}\n`);
			return 2;
		}
		if (err instanceof UserError) {
			process.stderr.write(`attack-sync: ${err.message}\n`);
			return 1;
		}
		process.stderr.write(`attack-sync: internal error, please report it: ${messageOf(err)}\n`);
		return 1;
	}
}

void main(process.argv.slice(2)).then((code) => {
	process.exitCode = code;
});

/** `--kinds a,b|all`: the kinds `--create-missing` creates (undefined: its default). */
function kindsOption(value: string | null | undefined, createMissing: boolean): NoteKind[] | undefined {
	if (value === null || value === undefined) return undefined;
	if (!createMissing) throw new UsageError("--kinds says which missing notes --create-missing creates: add --create-missing, or leave --kinds out.");
	const kinds = parseKinds(value);
	if ("error" in kinds) throw new UsageError(`--kinds: ${kinds.error}`);
	return kinds;
}
