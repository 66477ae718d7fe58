/**
 * Golden files per generator layout: notes from each peer vault (../shared/peer-vaults, the raw
 * output of four public generators from ATT&CK 17.1) synced to 18.1, the base release inferred
 * from the notes' text. A case is a file: test/golden/expected/peers/<peer>/<ID>.md holds the
 * note about <ID> after the sync; add a file (record it with `-u`) to add a case. Skipped
 * without ../shared.
 */
import { readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { expectGolden } from "../helpers/golden";
import { MemoryVault } from "../helpers/memory-vault";
import { HAVE_SHARED, SHARED, SHARED_STIX } from "../helpers/paths";
import { model, readTree, syncOnce, textOf } from "../sync/helpers";

const EXPECTED = path.join(__dirname, "expected", "peers");
const bundle = (v: string) => path.join(SHARED_STIX, `enterprise-attack-${v}.stix20.json`);

describe.skipIf(!HAVE_SHARED)("golden: each generator's notes synced from 17.1 to 18.1", () => {
	for (const peer of readdirSync(EXPECTED).sort()) {
		it(peer, async () => {
			const vault = new MemoryVault(readTree(path.join(SHARED, "peer-vaults", `${peer}-17.1`)));
			const old = model(bundle("17.1"));
			const opts = { version: "18.1", releases: { local: ["17.1"], remote: () => Promise.resolve([]), load: (v: string) => Promise.resolve(v === "17.1" ? old : null) } };
			const { report } = await syncOnce(vault, model(bundle("18.1")), opts);
			for (const file of readdirSync(path.join(EXPECTED, peer)).sort()) {
				const id = file.replace(/\.md$/, "");
				const note = report.notes.find((n) => n.id === id && n.action !== "skipped");
				expect(note, `${peer}: a synced note about ${id}`).toBeDefined();
				await expectGolden(textOf(vault.files.get(note?.path ?? "")), path.join(EXPECTED, peer, file));
			}
		});
	}
});
