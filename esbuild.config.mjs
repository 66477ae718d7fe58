// Builds main.js (the Obsidian plugin: CommonJS, loads on desktop and mobile) and
// dist/cli.js (the Node CLI). `node esbuild.config.mjs production` builds once, minified;
// without an argument it watches main.js.
import esbuild from "esbuild";
import { createHash } from "node:crypto";
import { readFileSync, readdirSync } from "node:fs";
import { builtinModules } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.dirname(fileURLToPath(import.meta.url));
const production = process.argv[2] === "production";
const { version } = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8"));
// The build, as a digest of what it is made of (the sources and the locked dependencies): the
// CLI trusts a sync memo only from its own build (src/cli/cli.ts), and the same sources give the same.
const build = (() => {
  const hash = createHash("sha256");
  const files = readdirSync(path.join(root, "src"), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath ?? e.path, e.name))
    .sort();
  for (const f of [...files, path.join(root, "package-lock.json")]) hash.update(`${path.relative(root, f)}\0`).update(readFileSync(f));
  return hash.digest("hex").slice(0, 16);
})();

// Keep code that Obsidian mobile cannot run out of main.js: gray-matter's `eval` engine,
// js-yaml's `new Function` (its full schema's !!js/function type) and the `fs` require.
const mobileSafe = {
  name: "mobile-safe",
  setup(build) {
    build.onResolve({ filter: /^fs$/ }, () => ({ path: path.join(root, "build/shim-fs.js") }));
    // Its browser build decodes HTML entities through innerHTML on a DOM element; the plain
    // build uses a table and runs anywhere.
    build.onResolve({ filter: /^decode-named-character-reference$/ }, () => ({
      path: path.join(root, "node_modules/decode-named-character-reference/index.js"),
    }));
    // Both replacements resolve their requires from the replaced file's folder, so they get
    // gray-matter's own js-yaml 3, not another version hoisted in node_modules.
    build.onLoad({ filter: /gray-matter[\\/]lib[\\/]engines\.js$/ }, (args) => ({
      contents: readFileSync(path.join(root, "build/gray-matter-engines.js"), "utf8"),
      loader: "js",
      resolveDir: path.dirname(args.path),
    }));
    build.onLoad({ filter: /js-yaml[\\/]lib[\\/]js-yaml[\\/]schema[\\/]default_full\.js$/ }, (args) => ({
      contents: `module.exports = require("./default_safe");`,
      loader: "js",
      resolveDir: path.dirname(args.path),
    }));
    // js-yaml's !!binary type probes require("buffer") at load time; without Node it keeps
    // plain arrays, so main.js gives it none rather than a require that mobile cannot answer.
    build.onLoad({ filter: /js-yaml[\\/]lib[\\/]js-yaml[\\/]type[\\/]binary\.js$/ }, (args) => ({
      contents: readFileSync(args.path, "utf8").replace("_require('buffer').Buffer", "undefined"),
      loader: "js",
      resolveDir: path.dirname(args.path),
    }));
  },
};

// The plugin's Web Worker (src/obsidian/worker.ts: parsing bundles, planning syncs), built on its
// own and carried in main.js as the text of the module "attack-sync-worker-code": a plugin is one
// file, and a Blob URL starts the worker on desktop and mobile alike.
const worker = {
  entryPoints: [path.join(root, "src/obsidian/worker.ts")],
  bundle: true,
  format: "iife",
  platform: "browser",
  target: "es2020",
  logLevel: "warning",
  minify: true,
  write: false,
  treeShaking: true,
  inject: [path.join(root, "build/shim-buffer.js")],
  plugins: [mobileSafe],
};

async function workerCode() {
  const out = await esbuild.build(worker);
  return out.outputFiles[0].text;
}

const workerModule = {
  name: "worker-code",
  setup(build) {
    build.onResolve({ filter: /^attack-sync-worker-code$/ }, () => ({ path: "attack-sync-worker-code", namespace: "worker-code" }));
    build.onLoad({ filter: /.*/, namespace: "worker-code" }, async () => ({
      contents: `export default ${JSON.stringify(await workerCode())};`,
      loader: "js",
      // Rebuilt with main.js when a source changes (watch mode).
      watchDirs: [path.join(root, "src")],
    }));
  },
};

const banner = "/* ATT&CK Sync: built by esbuild from the TypeScript sources at https://github.com/ (see README.md) */";

const plugin = {
  banner: { js: banner },
  entryPoints: [path.join(root, "main.ts")],
  bundle: true,
  external: ["obsidian", "electron", "@codemirror/*", "@lezer/*"],
  format: "cjs",
  platform: "browser",
  target: "es2020",
  logLevel: "info",
  sourcemap: production ? false : "inline",
  treeShaking: true,
  minify: production,
  inject: [path.join(root, "build/shim-buffer.js")],
  plugins: [mobileSafe, workerModule],
  outfile: path.join(root, "main.js"),
};

const cli = {
  // Run by name (package.json `bin`): `npx attack-sync ...` needs the shebang.
  banner: { js: "#!/usr/bin/env node" },
  // `attack-sync --version` (src/cli/help.ts).
  define: { ATTACK_SYNC_VERSION: JSON.stringify(version), ATTACK_SYNC_BUILD: JSON.stringify(build) },
  entryPoints: [path.join(root, "src/cli/cli.ts")],
  bundle: true,
  format: "cjs",
  platform: "node",
  target: "node20",
  logLevel: "info",
  external: [...builtinModules, ...builtinModules.map((m) => `node:${m}`)],
  plugins: [mobileSafe],
  outfile: path.join(root, "dist/cli.js"),
};

if (production) {
  await Promise.all([esbuild.build(plugin), esbuild.build(cli)]);
} else {
  await esbuild.build(cli);
  const ctx = await esbuild.context(plugin);
  await ctx.watch();
}
