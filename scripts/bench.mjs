// Benchmarks: figures, not pass/fail. `npm run bench [-- [load] [links] [sync] [BUNDLE]]`: the parts
// named run alone, none named runs all; BUNDLE is for `load` (default: Enterprise 18.1).
//   load   Loading Enterprise 18.1: load-and-index time vs a bare JSON.parse of the same text
//          (goal: ratio <= 2.0), peak memory, and the CLI's `inspect` end to end.
//   links  The CLI's `links` over a 3,000-note vault.
//   sync   The CLI's `sync` creating, then resyncing, the whole Enterprise matrix (bench-sync.mjs).
//   kinds  The same with every kind of note (`--kinds all`, about 4,300 notes). Goals: create
//          <= 3x the floor (parsing the bundle + copying the vault), resync <= 2x.
//   domains Every kind of Enterprise, Mobile and ICS in one run: under 10 s, under 400 MB.
//   matrix The matrix view's data for the whole Enterprise 18.1 matrix over a generated 5,000-note
//          vault: what the engine builds (release data and every note's state), what the page
//          recomputes after a note changes (one note read, the matrix combined). Goal: < 200 ms.
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

const PARTS = ["load", "links", "sync", "kinds", "domains", "peers", "matrix"];
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
if (want("kinds")) benchSync({ root, cli, runs, mode: "kinds" });
if (want("domains")) benchSync({ root, cli, runs, mode: "domains" });
if (want("peers")) benchPeers({ root, cli, runs });
if (want("matrix")) await benchMatrix();

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

async function benchMatrix() {
	const bundle = path.join(root, "..", "shared", "attack-stix", "enterprise-attack-18.1.stix20.json");
	if (!existsSync(bundle)) {
		console.log(`matrix: skipped, ${path.relative(process.cwd(), bundle)} is absent`);
		return;
	}
	// The core's matrix and what it needs, bundled for Node.
	const entry = ['export { loadBundle } from "./src/core/attack/model";', 'export { buildVaultIndex } from "./src/core/vault-index";', 'export { combineMatrix, matrixData, noteStateOf, noteStates } from "./src/core/matrix";', 'export { readNote } from "./src/core/notes/read";'].join("\n");
	await esbuild.build({ stdin: { contents: entry, resolveDir: root, loader: "ts" }, bundle: true, platform: "node", format: "cjs", outfile: path.join(root, "dist/bench-matrix.cjs"), logLevel: "warning" });
	const core = createRequire(import.meta.url)(path.join(root, "dist/bench-matrix.cjs"));
	const model = core.loadBundle(readFileSync(bundle, "utf8"), bundle);

	// 5,000 notes: one per technique and sub-technique (about 700, some synced from 17.1, some
	// with a study status), a second copy of every tenth, and the rest the student's own notes.
	const NOTES = 5000;
	const files = new Map();
	const techniques = model.all("technique").map((t) => ({ id: t.external_references?.find((r) => r.source_name === "mitre-attack")?.external_id, name: t.name })).filter((t) => t.id);
	techniques.forEach((t, i) => {
		const fm = [`alias: ${t.id}`, `attack_version: "${i % 3 === 0 ? "17.1" : "18.1"}"`, i % 4 === 0 ? "status: done" : i % 4 === 1 ? "status: learning" : ""].filter(Boolean).join("\n");
		const text = `---\n${fm}\n---\n\n## ${t.id}\n\n${t.name}: my notes ${"and more words ".repeat(40)}\n\n### Tactic\n\n- [[Execution]]\n`;
		files.set(`ATT&CK/techniques/${t.name.replace(/[\\/:*?"<>|]/g, "")} ${t.id}.md`, text);
		if (i % 10 === 0) files.set(`ATT&CK/copies/${t.id} copy.md`, text);
	});
	for (let i = 0; files.size < NOTES; i++) files.set(`Notes/${Math.floor(i / 100)}/Note ${i}.md`, `---\ntags: [study]\n---\n\n# Note ${i}\n\n${"Some words of my own, #secplus and a [[link]]. ".repeat(20)}\n`);
	const bytes = new Map([...files].map(([p, t]) => [p, new TextEncoder().encode(t)]));
	const vault = {
		listFiles: async () => [...bytes.keys()],
		read: async (p) => files.get(p),
		readBinary: async (p) => bytes.get(p),
		process: async () => {
			throw new Error("read-only");
		},
		create: async () => {
			throw new Error("read-only");
		},
		exists: async (p) => bytes.has(p),
		readConfig: async () => null,
	};
	let t = performance.now();
	const index = await core.buildVaultIndex(vault);
	const indexMs = performance.now() - t;

	const engine = [];
	const page = [];
	const oneNote = [];
	let matrix;
	const path0 = [...files.keys()][5];
	for (let i = 0; i < RUNS; i++) {
		globalThis.gc();
		// The engine's side: the release's data and every note's state (what crosses to the page, as JSON).
		t = performance.now();
		const data = JSON.parse(JSON.stringify(core.matrixData(model, "18.1")));
		const states = JSON.parse(JSON.stringify(core.noteStates(index, "status")));
		engine.push(performance.now() - t);
		// The page's side: the matrix combined from them (what each redraw costs).
		t = performance.now();
		matrix = core.combineMatrix(data, states, { studyBy: "status" });
		page.push(performance.now() - t);
		// A note changed: its state read again, the matrix combined again.
		t = performance.now();
		const read = core.readNote(path0, new TextEncoder().encode(files.get(path0).replace("18.1", "17.1")));
		const byPath = new Map(states.map((s) => [s.path, s]));
		if (read.ok) byPath.set(path0, core.noteStateOf(read.note, "status"));
		core.combineMatrix(data, byPath.values(), { studyBy: "status" });
		oneNote.push(performance.now() - t);
	}
	const cells = matrix.columns.reduce((n, c) => n + c.techniques.length + c.techniques.reduce((k, x) => k + x.subtechniques.length, 0), 0);
	const noted = matrix.columns.reduce((n, c) => n + c.counts.noted, 0);
	const total = median(engine.map((e, i) => e + page[i]));
	console.log(`matrix: Enterprise 18.1, ${matrix.columns.length} tactics, ${cells} cells (${noted} with a note), ${index.notes.size} notes (vault read and indexed once in ${ms(indexMs)})`);
	console.log(`  engine: release data + every note's state   median ${ms(median(engine))} over ${RUNS} runs`);
	console.log(`  page:   the matrix combined from them       median ${ms(median(page))}`);
	console.log(`  page:   one note changed, matrix again      median ${ms(median(oneNote))}`);
	console.log(`  the view's data, engine + page:             median ${ms(total)} (goal < 200 ms: ${total < 200 ? "PASS" : "FAIL  <<<"})`);
}
