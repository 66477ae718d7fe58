// Benchmark of `sync` on the full Enterprise 18.1 bundle, run by bench.mjs (`npm run bench -- sync`
// runs only this part). Every figure is a whole CLI process, start to exit, median of BENCH_RUNS
// runs (default 5):
//   create  `sync --create-missing` into an empty vault: the whole matrix written;
//   resync  the same command again on a copy of the created vault: nothing should change (the
//           vault is as the create left it, so the memo lets sync take the notes as they are);
//   resync --recheck  the same, every note worked out again (the engine's own speed);
//   floor   a `node` process that only JSON.parses the bundle, plus `cp -r` of the created vault.
// Goals: create <= 3x floor, resync <= 2x floor, peak RSS < 600 MB. Printed, not asserted.
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import path from "node:path";

const GOAL_CREATE = 3;
const GOAL_RESYNC = 2;
const GOAL_RSS_MB = 600;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const tempDir = () => mkdtempSync(path.join(tmpdir(), "attack-sync-bench-"));
const verdict = (ok) => (ok ? "PASS" : "FAIL  <<<");

/** GNU time with -v, for the child's peak RSS; null when it is not installed. */
function findTime() {
	if (!existsSync("/usr/bin/time")) return null;
	const probe = spawnSync("/usr/bin/time", ["-v", "true"], { encoding: "utf8" });
	return probe.status === 0 && /Maximum resident set size/.test(probe.stderr) ? "/usr/bin/time" : null;
}

/** Runs a command to its exit: wall time in ms, and with GNU time its CPU time (user + system)
 * in ms and peak RSS in MB (else null), stdout. */
function timed(timeBin, cmd, args) {
	const argv = timeBin ? [timeBin, ["-v", cmd, ...args]] : [cmd, args];
	const t = performance.now();
	const r = spawnSync(argv[0], argv[1], { encoding: "utf8", maxBuffer: 1 << 28 });
	const wall = performance.now() - t;
	if (r.error) throw r.error;
	if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} exited with ${r.status}:\n${r.stderr}`);
	const field = (name) => (timeBin ? new RegExp(`${name}: ([\\d.]+)`).exec(r.stderr)?.[1] : undefined);
	const kb = field("Maximum resident set size \\(kbytes\\)");
	const user = field("User time \\(seconds\\)");
	const sys = field("System time \\(seconds\\)");
	return {
		wall,
		cpu: user === undefined || sys === undefined ? null : (Number(user) + Number(sys)) * 1000,
		rssMb: kb === undefined ? null : Number(kb) / 1024,
		stdout: r.stdout,
	};
}

/** Active objects of every kind notes are about, with an ATT&CK ID: what --kinds all should write. */
function everyKind(bundle) {
	const types = new Set(["attack-pattern", "x-mitre-tactic", "course-of-action", "intrusion-set", "malware", "tool", "campaign", "x-mitre-data-source", "x-mitre-data-component", "x-mitre-detection-strategy", "x-mitre-analytic", "x-mitre-asset"]);
	let n = 0;
	for (const o of JSON.parse(readFileSync(bundle, "utf8")).objects) {
		if (!types.has(o.type) || o.revoked === true || o.x_mitre_deprecated === true) continue;
		if ((o.external_references ?? []).some((r) => ["mitre-attack", "mitre-mobile-attack", "mitre-ics-attack"].includes(r.source_name) && r.external_id)) n++;
	}
	return n;
}

/** Active techniques, sub-techniques, tactics and mitigations: what --create-missing should write. */
function expectedNotes(bundle) {
	const types = new Set(["attack-pattern", "x-mitre-tactic", "course-of-action"]);
	const counts = { "attack-pattern": 0, "x-mitre-tactic": 0, "course-of-action": 0 };
	for (const o of JSON.parse(readFileSync(bundle, "utf8")).objects) {
		if (!types.has(o.type) || o.revoked === true || o.x_mitre_deprecated === true) continue;
		if (!(o.external_references ?? []).some((r) => r.source_name === "mitre-attack" && r.external_id)) continue;
		counts[o.type]++;
	}
	return counts;
}

function vaultSize(dir) {
	let files = 0;
	let bytes = 0;
	for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
		if (!e.isFile()) continue;
		files++;
		bytes += statSync(path.join(e.parentPath ?? e.path, e.name)).size;
	}
	return { files, bytes };
}

/**
 * `mode`: "core" creates techniques, sub-techniques, tactics and mitigations of Enterprise 18.1;
 * "kinds" every kind (`--kinds all`, about 4,300 notes); "domains" every kind of Enterprise,
 * Mobile and ICS in one run (goal: under 10 s, peak under 400 MB).
 */
export function benchSync({ root, cli, runs, mode = "core" }) {
	const stix = path.join(root, "..", "shared", "attack-stix");
	const bundle = path.join(stix, "enterprise-attack-18.1.stix20.json");
	if (!existsSync(bundle)) {
		console.log(`\nsync benchmark skipped: ${path.relative(process.cwd(), bundle)} not found (needs ../shared)`);
		return;
	}
	const bundles = mode === "domains" ? [bundle, path.join(stix, "mobile-attack-18.1.stix20.json"), path.join(stix, "ics-attack-18.1.json")] : [bundle];
	const extra = mode === "core" ? [] : ["--kinds", "all"];
	console.log(`\nsync (${mode === "core" ? "techniques, tactics, mitigations" : mode === "kinds" ? "every kind" : "every kind of three domains"}) on ${bundles.map((b) => path.relative(process.cwd(), b)).join(" + ")}, ${runs} runs each (BENCH_RUNS to change)`);
	const timeBin = findTime();
	if (!timeBin) console.log("peak RSS: n/a (install the time package: GNU /usr/bin/time -v)");

	const counts = expectedNotes(bundle);
	const expected = mode === "core" ? counts["attack-pattern"] + counts["x-mitre-tactic"] + counts["course-of-action"] : bundles.reduce((n, b) => n + everyKind(b), 0);
	const node = process.execPath;
	const temps = [];
	try {
		// Run a snapshot of the CLI (it is self-contained), so a rebuild meanwhile changes nothing.
		const cliDir = tempDir();
		temps.push(cliDir);
		const snapshot = path.join(cliDir, "cli.js");
		copyFileSync(cli, snapshot);
		// --create-missing on a resync too: it must find nothing left to create.
		const syncArgs = (vault) => [snapshot, "sync", "--vault", vault, ...bundles.flatMap((b) => ["--bundle", b]), "--create-missing", ...extra, "--offline", "--no-backup", "--json"];

		// 1. Create the whole matrix, each run in a fresh empty vault. The last one is kept.
		const create = [];
		let created;
		let vault;
		for (let i = 0; i < runs; i++) {
			if (vault) rmSync(vault, { recursive: true, force: true });
			vault = tempDir();
			temps.push(vault);
			const r = timed(timeBin, node, syncArgs(vault));
			const report = JSON.parse(r.stdout);
			if (created !== undefined && report.summary.created !== created) console.log(`warning: run ${i + 1} created ${report.summary.created}, not ${created}`);
			created = report.summary.created;
			if (report.failed.length > 0) console.log(`warning: ${report.failed.length} writes failed, e.g. ${report.failed[0].path}: ${report.failed[0].reason}`);
			create.push(r);
		}
		const size = vaultSize(vault);

		// 3b. Copying the finished vault (half of the floor), each copy into a fresh folder.
		const copy = [];
		for (let i = 0; i < runs; i++) {
			const dest = tempDir();
			temps.push(dest);
			copy.push(timed(timeBin, "cp", ["-r", vault, path.join(dest, "vault")]));
			rmSync(dest, { recursive: true, force: true });
		}

		// 2. Resync, each run on its own copy of the created vault, so every run starts from the
		// same notes even if a resync (wrongly) changes some.
		// The vault is as the create left it, so a resync takes the notes as they are (the memo in
		// the plugin's folder, cli.ts); `--recheck` works every note out again, and is timed too.
		const resync = [];
		const recheck = [];
		const changed = new Map();
		for (let i = 0; i < runs; i++) {
			for (const [list, more] of [[resync, []], [recheck, ["--recheck"]]]) {
				const dest = tempDir();
				temps.push(dest);
				const copyOf = path.join(dest, "vault");
				timed(null, "cp", ["-r", vault, copyOf]);
				const r = timed(timeBin, node, [...syncArgs(copyOf), ...more]);
				const report = JSON.parse(r.stdout);
				for (const n of report.notes) if (n.action === "updated" || n.action === "created") changed.set(n.path, n.action);
				list.push({ ...r, summary: report.summary });
				rmSync(dest, { recursive: true, force: true });
			}
		}

		// 3a. Parsing the bundle in a bare node process (start-up included).
		const parse = [];
		for (let i = 0; i < runs; i++) parse.push(timed(timeBin, node, ["-e", "JSON.parse(require('fs').readFileSync(process.argv[1], 'utf8'))", bundle]));

		const wall = (rs) => median(rs.map((r) => r.wall));
		const peak = (rs) => (timeBin ? Math.max(...rs.map((r) => r.rssMb)) : null);
		const floor = wall(parse) + wall(copy);
		const createMs = wall(create);
		const resyncMs = wall(resync);
		const same = (a, b) => a.updated === b.updated && a.created === b.created && a.unchanged === b.unchanged && a.skipped === b.skipped;
		const first = resync[0].summary;
		const worst = [...resync, ...recheck].map((r) => r.summary).reduce((a, b) => (b.updated + b.created > a.updated + a.created ? b : a));

		if (mode === "core") console.log(`expected notes: ${expected} (${counts["attack-pattern"]} techniques and sub-techniques, ${counts["x-mitre-tactic"]} tactics, ${counts["course-of-action"]} mitigations; active, with an ATT&CK ID)`);
		else console.log(`expected notes: ${expected} (every active object of every kind, with an ATT&CK ID)`);
		console.log(`created:        ${created}  ${verdict(created === expected)}`);
		console.log(`vault:          ${size.files} files, ${(size.bytes / 1024 / 1024).toFixed(1)} MB`);
		const summaryText = (s) => `${s.updated} updated, ${s.created} created, ${s.unchanged} unchanged, ${s.skipped} skipped`;
		console.log(`resync changes: ${summaryText(worst)}  ${verdict(worst.updated === 0 && worst.created === 0)}`);
		if (!resync.every((r) => same(r.summary, first))) for (const [i, r] of resync.entries()) console.log(`  run ${i + 1}: ${summaryText(r.summary)}`);
		const shown = [...changed].slice(0, 10);
		for (const [file, action] of shown) console.log(`  ${action}: ${file}`);
		if (changed.size > shown.length) console.log(`  ... ${changed.size - shown.length} more`);
		console.log(`floor:          ${floor.toFixed(0)} ms = JSON.parse process ${wall(parse).toFixed(0)} ms + cp -r vault ${wall(copy).toFixed(0)} ms (medians)`);

		const goalRss = mode === "domains" ? 400 : GOAL_RSS_MB;
		const rss = (x) => (x === null ? "n/a" : `${x.toFixed(0)} MB`);
		const rows = [
			["create (wall)", `${createMs.toFixed(0)} ms`, `${(createMs / floor).toFixed(2)}x`, `<= ${GOAL_CREATE}x floor`, verdict(createMs <= GOAL_CREATE * floor)],
			["resync (wall)", `${resyncMs.toFixed(0)} ms`, `${(resyncMs / floor).toFixed(2)}x`, `<= ${GOAL_RESYNC}x floor`, verdict(resyncMs <= GOAL_RESYNC * floor)],
			["resync --recheck", `${wall(recheck).toFixed(0)} ms`, `${(wall(recheck) / floor).toFixed(2)}x`, "", "(every note worked out)"],
			...(mode === "domains" ? [["create (wall)", `${createMs.toFixed(0)} ms`, "", "< 10000 ms", verdict(createMs < 10000)]] : []),
			["create peak RSS", rss(peak(create)), "", `< ${goalRss} MB`, timeBin ? verdict(peak(create) < goalRss) : "n/a"],
			["resync peak RSS", rss(peak(resync)), "", `< ${goalRss} MB`, timeBin ? verdict(peak(resync) < goalRss) : "n/a"],
			["--recheck peak RSS", rss(peak(recheck)), "", `< ${goalRss} MB`, timeBin ? verdict(peak(recheck) < goalRss) : "n/a"],
			["floor (wall)", `${floor.toFixed(0)} ms`, "1.00x", "", ""],
			["parse peak RSS", rss(peak(parse)), "", "", ""],
		];
		const head = ["measure", "median", "/floor", "goal", "result"];
		const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
		const line = (cells) => cells.map((x, c) => (c === 1 || c === 2 ? x.padStart(widths[c]) : x.padEnd(widths[c]))).join("  ").trimEnd();
		console.log(`\n${line(head)}\n${line(widths.map((w) => "-".repeat(w)))}`);
		for (const r of rows) console.log(line(r));
		console.log("(peak RSS: the highest over the runs; wall: process start to exit, median)");
		if (timeBin) {
			const cpu = (rs) => median(rs.map((r) => r.cpu));
			const cpuFloor = cpu(parse) + cpu(copy);
			const ratio = (rs) => `${cpu(rs).toFixed(0)} ms (${(cpu(rs) / cpuFloor).toFixed(2)}x)`;
			console.log(`CPU user+sys, medians: create ${ratio(create)}, resync ${ratio(resync)}, resync --recheck ${ratio(recheck)}, floor ${cpuFloor.toFixed(0)} ms (less swayed by other load than wall time)`);
		}
		const [load1, , load15] = loadavg();
		if (Math.max(load1, load15) > availableParallelism() / 2)
			console.log(`warning: the machine was busy (load average ${load1.toFixed(1)} now, ${load15.toFixed(1)} over 15 min, ${availableParallelism()} CPUs): wall times run high`);
		console.log("note: the Python generators this plugin replaces take minutes for the whole matrix (not measured here).");
	} finally {
		for (const t of temps) rmSync(t, { recursive: true, force: true });
	}
}

/**
 * Syncing each peer vault (../shared/peer-vaults, the generators' output from 17.1) to 18.1 with
 * 17.1 given as the earlier release, offline: the first sync and the second (nothing to write),
 * each a whole CLI process, median of `runs`; notes per second of the first.
 */
export function benchPeers({ root, cli, runs }) {
	const peers = path.join(root, "..", "shared", "peer-vaults");
	const stix = path.join(root, "..", "shared", "attack-stix");
	if (!existsSync(peers)) {
		console.log("\npeer vaults: skipped (../shared/peer-vaults is absent)");
		return;
	}
	const timeBin = findTime();
	const bundle = (v) => path.join(stix, `enterprise-attack-${v}.stix20.json`);
	console.log(`\npeer vaults, 17.1 -> 18.1 (median of ${runs}; whole CLI process)`);
	console.log("vault              notes  first sync  second sync  peak RSS");
	for (const name of readdirSync(peers).filter((n) => n.endsWith("-17.1")).sort()) {
		const first = [];
		const second = [];
		let notes = 0;
		let rss = 0;
		for (let i = 0; i < runs; i++) {
			const dir = tempDir();
			try {
				spawnSync("cp", ["-r", path.join(peers, name), path.join(dir, "v")]);
				spawnSync("chmod", ["-R", "u+w", path.join(dir, "v")]);
				const args = [cli, "sync", "--offline", "--vault", path.join(dir, "v"), "--bundle", bundle("18.1"), "--previous-bundle", bundle("17.1"), "--json"];
				const a = timed(timeBin, process.execPath, args);
				const b = timed(timeBin, process.execPath, args);
				first.push(a.wall);
				second.push(b.wall);
				rss = Math.max(rss, a.rssMb ?? 0, b.rssMb ?? 0);
				notes = JSON.parse(a.stdout).notes.length;
			} finally {
				rmSync(dir, { recursive: true, force: true });
			}
		}
		console.log(`${name.padEnd(18)} ${String(notes).padStart(5)}  ${median(first).toFixed(0).padStart(7)} ms  ${median(second).toFixed(0).padStart(8)} ms  ${timeBin ? `${rss.toFixed(0)} MB` : "n/a"}`);
	}
}
