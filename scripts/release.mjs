// `npm run release` (after `npm run build`): the three files Obsidian installs a plugin from,
// main.js, manifest.json and styles.css, copied to release/<version>/ and zipped as
// release/attack-sync-<version>.zip (in an `attack-sync/` folder, to unzip into a vault's
// .obsidian/plugins/). The GitHub workflow (.github/workflows/release.yml) attaches the same
// three files to a tag's release. `--out DIR` writes elsewhere (the tests use a temporary folder).
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { deflateRawSync } from "node:zlib";

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), "..");
const FILES = ["main.js", "manifest.json", "styles.css"];

function fail(message) {
  process.stderr.write(`release: ${message}\n`);
  process.exit(1);
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A zip of `entries` ({name, data}), deflated, with a fixed date so the same files make the same zip. */
function zip(entries) {
  const locals = [];
  const centrals = [];
  let offset = 0;
  const DOS_TIME = 0;
  const DOS_DATE = ((2020 - 1980) << 9) | (1 << 5) | 1; // 2020-01-01
  for (const { name, data } of entries) {
    const nameBytes = Buffer.from(name, "utf8");
    const packed = deflateRawSync(data, { level: 9 });
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(0x031e, 4); // made by: Unix, 3.0
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt16LE(DOS_TIME, 12);
    central.writeUInt16LE(DOS_DATE, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE((0o100644 << 16) >>> 0, 38); // a regular file, rw-r--r--
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, packed);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + packed.length;
  }
  const centralSize = centrals.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, ...centrals, end]);
}

const args = process.argv.slice(2);
const outAt = args.indexOf("--out");
const out = outAt >= 0 ? path.resolve(args[outAt + 1] ?? fail("--out needs a folder")) : path.join(root, "release");

const manifest = JSON.parse(readFileSync(path.join(root, "manifest.json"), "utf8"));
const pkg = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8"));
const { version, id } = manifest;
if (pkg.version !== version) fail(`package.json says ${pkg.version}, manifest.json ${version}: run \`npm run version -- X.Y.Z\` to put them in step`);
const versions = JSON.parse(readFileSync(path.join(root, "versions.json"), "utf8"));
if (versions[version] !== manifest.minAppVersion) fail(`versions.json does not map ${version} to minAppVersion ${manifest.minAppVersion}: run \`npm run version -- X.Y.Z\``);
for (const f of FILES) if (!existsSync(path.join(root, f))) fail(`${f} is missing: run \`npm run build\` first`);
const main = readFileSync(path.join(root, "main.js"), "utf8");
if (main.includes("sourceMappingURL=data:")) fail("main.js is a development build (an inline source map): run `npm run build` first");

const folder = path.join(out, version);
rmSync(folder, { recursive: true, force: true });
mkdirSync(folder, { recursive: true });
const entries = FILES.map((name) => ({ name, data: readFileSync(path.join(root, name)) }));
for (const { name, data } of entries) writeFileSync(path.join(folder, name), data);
const zipFile = path.join(out, `${id}-${version}.zip`);
writeFileSync(zipFile, zip(entries.map((e) => ({ name: `${id}/${e.name}`, data: e.data }))));
process.stdout.write(`${id} ${version}: ${FILES.join(", ")} in ${path.relative(process.cwd(), folder) || "."}, and ${path.relative(process.cwd(), zipFile)}\n`);
