/** `changes --from FILE --to FILE [--vault DIR] [--json]`: what a newer release changed for the vault's notes. Reads only. */
import type { AttackModel } from "../core/attack/model";
import { changesIndex, computeChanges, formatChanges } from "../core/commands/changes";
import { UserError } from "../core/errors";
import { versionFromFileName } from "../core/fetch/index-json";
import type { Parsed } from "./args";
import { FsVault } from "./fs-vault";

/** `readBundle`: cli.ts's checked reader (size cap, strict UTF-8), passed in so that this module does not import the CLI's entry. */
export async function runChangesCommand(args: Parsed, readBundle: (file: string) => AttackModel): Promise<number> {
	const fromFile = args.value("from", true);
	const toFile = args.value("to", true);
	const root = args.value("vault");
	const vault = root === undefined ? null : new FsVault(root, args.value("config-dir") ?? undefined);
	const from = readBundle(fromFile);
	const to = readBundle(toFile);
	if (from.domain !== to.domain) throw new UserError(`${fromFile} is ${from.domain} and ${toFile} is ${to.domain}; give two releases of one domain.`);
	const index = vault ? await changesIndex(vault, from, to) : null;
	const report = computeChanges(from, to, index, { fromVersion: versionFromFileName(fromFile), toVersion: versionFromFileName(toFile) });
	process.stdout.write(args.flag("json") ? `${JSON.stringify(report, null, 2)}\n` : `${formatChanges(report)}\n`);
	return 0;
}
