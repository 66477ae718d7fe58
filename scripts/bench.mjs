// Benchmarks: figures, not pass/fail. `npm run bench [-- [load] [links] [sync] [BUNDLE]]`: the parts
// named run alone, none named runs all; BUNDLE is for `load` (default: Enterprise 18.1).
//   load   Loading Enterprise 18.1: load-and-index time vs a bare JSON.parse of the same text
//          (goal: ratio <= 2.0), peak memory, and the CLI's `inspect` end to end.
//   links  The CLI's `links` over a 3,000-note vault.
//   sync   The CLI's `sync` creating, then resyncing, the whole Enterprise matrix (bench-sync.mjs).
// Medians over several runs.
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import esbuild from "esbuild";
import { benchPeers, benchSync } from "./bench-sync.mjs";

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), "..");
const RUNS = 9;

if (!globalThis.gc) {
	// Re-run with --expose-gc so runs start from a collected heap.
	const r = spawnSync(process.execPath, ["--expose-gc", fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: "inherit" });
	process.exit(r.status ?? 1);
}

const PARTS = ["load", "links", "sync", "peers"];
const args = process.argv.slice(2);
const only = args.filter((a) => PARTS.includes(a));
const want = (part) => only.length === 0 || only.includes(part);
const runs = Number(process.env.BENCH_RUNS) > 0 ? Math.floor(Number(process.env.BENCH_RUNS)) : 5;
const cli = path.join(root, "dist/cli.js");
execFileSync(process.execPath, [path.join(root, "esbuild.config.mjs"), "production"], { stdio: "pipe" });

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x) => `${x.toFixed(1)} ms`;
const mb = (x) => `${(x / 1024 / 1024).toFixed(0)} MB`;

if (want("load")) await benchLoad();
if (want("links")) benchLinks();
if (want("sync")) benchSync({ root, cli, runs });
if (want("peers")) benchPeers({ root, cli, runs });

async function benchLoad() {
	const bundle =
		args.find((a) => !PARTS.includes(a)) ??
		[path.join(root, "..", "shared", "attack-stix", "enterprise-attack-18.1.stix20.json"), path.join(root, "test", "fixtures", "enterprise-attack-18.1-subset.json")].find(
			existsSync,
		);
	console.log(`bundle: ${path.relative(process.cwd(), bundle)}`);

	await esbuild.build({
		entryPoints: [path.join(root, "src/core/attack/model.ts")],
		bundle: true,
		platform: "node",
		format: "cjs",
		outfile: path.join(root, "dist/bench-core.cjs"),
		logLevel: "warning",
	});
	const { loadBundle } = createRequire(import.meta.url)(path.join(root, "dist/bench-core.cjs"));

	const readStart = performance.now();
	const text = readFileSync(bundle, "utf8");
	const readTime = performance.now() - readStart;
	console.log(`file: ${mb(Buffer.byteLength(text))}, read as UTF-8 in ${ms(readTime)}`);

	const parseTimes = [];
	const loadTimes = [];
	let peakRss = 0;
	let model;
	let sink = 0;
	for (let i = 0; i < RUNS; i++) {
		globalThis.gc();
		let t = performance.now();
		sink += JSON.parse(text).objects.length;
		parseTimes.push(performance.now() - t);
		globalThis.gc();
		t = performance.now();
		model = loadBundle(text, bundle);
		loadTimes.push(performance.now() - t);
		peakRss = Math.max(peakRss, process.memoryUsage().rss);
		model = i === RUNS - 1 ? model : null;
	}
	globalThis.gc();
	if (sink === 0) throw new Error("empty bundle");
	const heapWithModel = process.memoryUsage().heapUsed;

	const parse = median(parseTimes);
	const load = median(loadTimes);
	console.log(`bare JSON.parse:      median ${ms(parse)} over ${RUNS} runs`);
	console.log(`load and index:       median ${ms(load)} over ${RUNS} runs (index alone ~${ms(load - parse)})`);
	console.log(`ratio load/parse:     ${(load / parse).toFixed(2)} (goal <= 2.0)`);
	console.log(`peak RSS:             ${mb(peakRss)} (heap holding the model: ${mb(heapWithModel)})`);

	const cliTimes = [];
	for (let i = 0; i < 5; i++) {
		const t = performance.now();
		execFileSync(process.execPath, [cli, "inspect", "--bundle", bundle, "--json"], { stdio: "pipe" });
		cliTimes.push(performance.now() - t);
	}
	console.log(`CLI inspect (process start to exit): median ${ms(median(cliTimes))} over 5 runs`);
}

function benchLinks() {
	// `links` over a larger vault: the sample vault copied 40 times into sibling folders.
	const copies = 40;
	const big = mkdtempSync(path.join(tmpdir(), "attack-sync-bench-"));
	for (let i = 0; i < copies; i++) cpSync(path.join(root, "test/fixtures/sample-vault/CyberSecurity"), path.join(big, `copy-${i}`, "CyberSecurity"), { recursive: true });
	const linkTimes = [];
	let summary;
	for (let i = 0; i < 3; i++) {
		const t = performance.now();
		summary = JSON.parse(execFileSync(process.execPath, [cli, "links", "--vault", big, "--json"], { maxBuffer: 1 << 28 })).summary;
		linkTimes.push(performance.now() - t);
	}
	rmSync(big, { recursive: true, force: true });
	console.log(`CLI links on ${summary.notesRead} notes (${summary.links} ATT&CK links): median ${ms(median(linkTimes))} over 3 runs`);
}
