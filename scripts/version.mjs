// `npm run version -- X.Y.Z`: one version in package.json, package-lock.json and manifest.json,
// and a versions.json entry mapping it to manifest.json's minAppVersion (how Obsidian tells which
// release of the plugin an older app can install). Run by `npm version X.Y.Z` as its lifecycle
// script (no argument), it takes the version npm just set and stages the files for npm's commit
// (tagged without a `v`: .npmrc). `--root DIR` works on another checkout (the tests use a copy).
// A version that is not X.Y.Z, or not after the current one, changes nothing.
import { spawnSync } from "node:child_process";
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

function fail(message) {
  process.stderr.write(`version: ${message}\n`);
  process.exit(1);
}

const args = process.argv.slice(2);
let root = path.join(path.dirname(fileURLToPath(import.meta.url)), "..");
const rootAt = args.indexOf("--root");
if (rootAt >= 0) {
  if (args[rootAt + 1] === undefined) fail("--root needs a folder");
  root = path.resolve(args[rootAt + 1]);
  args.splice(rootAt, 2);
}
if (args.length > 1) fail(`one version, please, not ${args.join(" ")}`);

const file = (name) => path.join(root, name);
const read = (name) => JSON.parse(readFileSync(file(name), "utf8"));
const pkg = read("package.json");
const lock = read("package-lock.json");
const manifest = read("manifest.json");
const versions = read("versions.json");

// As `npm version`'s lifecycle script, npm has already written the new version to package.json.
const version = args[0] ?? process.env.npm_package_version;
if (version === undefined) fail("usage: npm run version -- X.Y.Z");
// Obsidian takes plain x.y.z release tags and manifest versions.
if (!/^\d+\.\d+\.\d+$/.test(version)) fail(`"${version}" is not a version of the form X.Y.Z (Obsidian takes no prefix or suffix)`);

const parts = (v) => v.split(".").map(Number);
const after = (a, b) => {
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] > y[i];
  return false;
};
const current = manifest.version;
if (!after(version, current)) fail(`${version} is not after the current version ${current}; nothing was changed`);
if (typeof manifest.minAppVersion !== "string") fail("manifest.json has no minAppVersion");

pkg.version = version;
lock.version = version;
if (lock.packages?.[""]) lock.packages[""].version = version;
manifest.version = version;
versions[version] = manifest.minAppVersion;

// Each file whole, then renamed: a failure leaves it as it was. Two-space JSON and a final newline, as npm writes.
for (const [name, data] of [["package.json", pkg], ["package-lock.json", lock], ["manifest.json", manifest], ["versions.json", versions]]) {
  const temp = file(`.${name}.tmp`);
  writeFileSync(temp, `${JSON.stringify(data, null, 2)}\n`);
  renameSync(temp, file(name));
}
// As `npm version`'s script, the sample plugin's convention: npm commits what is staged.
if (args[0] === undefined) spawnSync("git", ["add", "package.json", "package-lock.json", "manifest.json", "versions.json"], { cwd: root, stdio: "ignore" });
process.stdout.write(`${current} -> ${version}: package.json, package-lock.json, manifest.json; versions.json maps ${version} to Obsidian ${manifest.minAppVersion}.\n`);
