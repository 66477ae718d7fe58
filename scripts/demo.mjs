// The bundled example, as a short story: builds the CLI, copies the sample Security+ vault (notes
// written from ATT&CK 15.1, then edited by hand) to .demo/vault, checks its links, previews and
// runs a sync to the committed ATT&CK 18.1 fixture, syncs again (nothing to write), creates the
// missing notes, and says where to look. Offline: the releases are the fixtures.
//   npm run demo                 the story (under 40 lines)
//   npm run demo -- --verbose    also every command and its whole output
//   --dir DIR, --no-build        another folder for the vault, no build first (the tests use both)
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const verbose = args.includes("--verbose");
const dirAt = args.indexOf("--dir");
const home = dirAt >= 0 ? path.resolve(args[dirAt + 1]) : path.join(root, ".demo");
const vault = path.join(home, "vault");
const shown = path.relative(process.cwd(), vault) || ".";
const fixture = (name) => path.join(root, "test/fixtures", name);
const bundle = fixture("enterprise-attack-18.1-subset.json");
// The sample vault was written from 15.1 (and its export note from 17.1): naming those releases
// lets sync tell their words from yours with no download.
const since = ["--previous-bundle", fixture("enterprise-attack-15.1-subset.json"), "--previous-bundle", fixture("enterprise-attack-17.1-subset.json"), "--offline"];
const say = (line = "") => console.log(line);

/** Runs the CLI; with --verbose, shows the command and all it printed. Stops the demo on a failure. */
function cli(...cliArgs) {
  const r = spawnSync(process.execPath, [path.join(root, "dist/cli.js"), ...cliArgs], { encoding: "utf8", cwd: process.cwd() });
  if (verbose) {
    const word = (a) => (a.startsWith(root) ? path.relative(process.cwd(), a) : a);
    say(`\n$ attack-sync ${cliArgs.map(word).map((a) => (/[\s&]/.test(a) ? JSON.stringify(a) : a)).join(" ")}`);
    process.stdout.write(r.stdout);
    process.stderr.write(r.stderr);
  }
  if (r.status !== 0) {
    process.stderr.write(`The demo stopped: attack-sync ${cliArgs[0]} exited ${r.status}.\n${verbose ? "" : r.stderr}`);
    process.exit(1);
  }
  return r.stdout;
}

const num = (text, re) => Number(re.exec(text)?.[1] ?? 0);
/** The sync report's closing counts: `62 updated, 0 created, 1 unchanged, 12 skipped`. */
function counts(text) {
  const m = /(\d+) (?:would be )?updated, (\d+) (?:would be )?created, (\d+) unchanged, (\d+) skipped/.exec(text);
  return m ? { updated: +m[1], created: +m[2], unchanged: +m[3], skipped: +m[4] } : { updated: 0, created: 0, unchanged: 0, skipped: 0 };
}
/** `links`' closing line, as `105 ok, 17 broken, 1 to the wrong note`. */
function links(text) {
  const last = text.trim().split("\n").at(-1);
  const parts = [`${num(last, /(\d+) ok/)} ok`, `${num(last, /(\d+) broken/)} broken`];
  const wrong = num(last, /(\d+) mismatch/);
  if (wrong > 0) parts.push(`${wrong} to the wrong note`);
  return { total: num(last, /(\d+) ATT&CK links/), text: parts.join(", "), fixable: num(last, /(\d+) fixable/) };
}
const COMMON = /CyberSecurity\/Security\+\/1-Threats-Attacks-Vulnerabilities\/Attacking-Frameworks\/MITRE ATT&CK\//g;
const cut = (line, width = 96) => (line.length > width ? `${line.slice(0, width - 1)}…` : line);

if (!args.includes("--no-build")) execFileSync(process.execPath, [path.join(root, "esbuild.config.mjs"), "production"], { stdio: "pipe" });
rmSync(vault, { recursive: true, force: true });
cpSync(fixture("sample-vault"), vault, { recursive: true });

say("ATT&CK Sync demo: a Security+ study vault, written from ATT&CK 15.1 and edited by hand,");
say("brought up to ATT&CK 18.1. Offline: the ATT&CK releases are the subsets in test/fixtures.");
say();
const inspect = cli("inspect", "--bundle", bundle);
const count = (label) => num(inspect, new RegExp(`${label}\\s+(\\d+)`));
say(`Vault: ${shown} (a copy of test/fixtures/sample-vault)`);
say(`Data:  ATT&CK 18.1 Enterprise, a subset: ${count("Techniques")} techniques, ${count("Sub-techniques")} sub-techniques, ${count("Tactics")} tactics, ${count("Mitigations")} mitigations`);
say();

const before = links(cli("links", "--vault", vault));
say(`1. Links. ${before.total} wiki-links name an ATT&CK ID: ${before.text}${before.fixable > 0 ? `; \`links --fix\` can mend ${before.fixable}` : ""}.`);

const preview = cli("sync", "--vault", vault, "--bundle", bundle, ...since, "--dry-run", "--diff");
const planned = /^(\d+) notes? to update, (\d+) to create/m.exec(preview);
say(`2. Preview. \`sync --dry-run --diff\` shows each change, writing nothing: ${planned?.[1] ?? 0} notes to update.`);
const seed = preview.split("\n\n").find((block) => block.startsWith("updated: ") && block.split("\n")[0].includes("/Malicious Link.md"));
if (seed) {
  say("   In Malicious Link.md (~ a changed line, [-old-]{+new+}; - removed; + added; … is the vault's path):");
  // Lines whose change shows within the width (not the frontmatter keys sync adds).
  const changes = seed
    .split("\n")
    .map((l) => l.replace(COMMON, "…/"))
    .filter((l) => (l.startsWith("~") ? Math.max(l.indexOf("[-"), l.indexOf("{+")) < 80 : /^[+-]/.test(l) && !l.startsWith("+attack_")));
  for (const line of changes.slice(0, 5)) say(`     ${cut(line)}`);
}

const synced = cli("sync", "--vault", vault, "--bundle", bundle, ...since);
const s = counts(synced);
say(`3. Sync. ${s.updated} notes updated, ${s.unchanged} unchanged; your own lines and words are kept.`);
const skipped = synced.split("\n").filter((l) => l.startsWith("  skipped: "));
const notIn = skipped.filter((l) => /is not in this bundle/.test(l)).length;
if (skipped.length > 0) say(`   Skipped ${skipped.length}${notIn === skipped.length ? ": Mobile tactic notes, not in this Enterprise bundle" : ""}.`);
for (const line of synced.split("\n").filter((l) => l.includes("renamed in ATT&CK"))) say(`   ${cut(line.replace(/^ {2}note: .*?: renamed/, "Renamed"), 110)}`);

const again = counts(cli("sync", "--vault", vault, "--bundle", bundle, ...since));
say(`4. Again. A second sync writes nothing: ${again.updated} updated, ${again.created} created.`);

const created = counts(cli("sync", "--vault", vault, "--bundle", bundle, ...since, "--create-missing"));
const after = links(cli("links", "--vault", vault));
say(`5. Missing notes. \`sync --create-missing\` added ${created.created} notes, in the vault's folders and layout.`);
say(`   Links now: ${after.text} (the broken ones name sub-techniques this subset leaves out).`);
say(`6. Undo. The plugin's "Undo last sync" restores the last sync, and so does the CLI:`);
say(`   node dist/cli.js undo --vault ${shown}`);
say();
say("Where to look:");
say(`  diff -ru test/fixtures/sample-vault ${shown}   what changed, and that your text stayed`);
say(`  open ${shown} as a vault in Obsidian; \`npm run demo -- --verbose\` shows every command's output`);
