/**
 * `layer --vault DIR --out FILE [--domain D] [--score-by PROPERTY|tag:TAG] [--bundle FILE]`: the
 * vault's notes as an ATT&CK Navigator layer. Reads the vault; writes only `--out`, whole (through
 * a temporary file beside it, renamed over it).
 */
import { statSync } from "node:fs";
import path from "node:path";
import type { AttackModel } from "../core/attack/model";
import { buildLayer, layerJson } from "../core/commands/layer";
import { UserError, messageOf } from "../core/errors";
import { KNOWN_DOMAINS, versionFromFileName } from "../core/fetch/index-json";
import { buildVaultIndex } from "../core/vault-index";
import { UsageError, type Parsed } from "./args";
import { FsVault } from "./fs-vault";
import { writeFileAtomically } from "./write-file";

/** `readBundle`: cli.ts's checked reader, passed in so that this module does not import the CLI's entry. */
export async function runLayerCommand(args: Parsed, readBundle: (file: string) => AttackModel): Promise<number> {
	const vault = new FsVault(args.value("vault", true), args.value("config-dir") ?? undefined);
	const out = path.resolve(args.value("out", true));
	const domain = args.value("domain");
	if (domain !== undefined && !(KNOWN_DOMAINS as readonly string[]).includes(domain)) throw new UsageError(`--domain must be one of ${KNOWN_DOMAINS.join(", ")}, not "${domain}"`);
	const scoreBy = args.value("score-by");
	if (scoreBy !== undefined && /^tag:\s*#?$/i.test(scoreBy.trim())) throw new UsageError("--score-by tag: needs a tag, as in tag:studied");
	const bundle = args.value("bundle");
	const model = bundle === undefined ? null : readBundle(bundle);
	if (model && domain !== undefined && model.domain !== domain) throw new UserError(`${bundle} is ${model.domain}, not ${domain}.`);
	let isDir = false;
	try {
		isDir = statSync(out).isDirectory();
	} catch {
		// A new file.
	}
	if (isDir) throw new UserError(`${out}: is a folder; --out takes the layer file's name.`);
	// Notes known only by name (reuteras' 17.1 data components) are recognized as everywhere a release is loaded; the layer keeps to techniques.
	const index = await buildVaultIndex(vault, model ? [{ model }] : []);
	const layer = buildLayer(index, { vaultName: path.basename(vault.root), domain, scoreBy, model, attackVersion: bundle === undefined ? null : versionFromFileName(bundle) });
	try {
		writeFileAtomically(out, layerJson(layer));
	} catch (err) {
		throw new UserError(`${out}: could not be written (${messageOf(err)}); nothing was written.`);
	}
	process.stdout.write(`wrote ${out}: ${layer.techniques.length} techniques from ${index.notes.size} notes\n`);
	return 0;
}
