// Cuts the committed test fixtures from the real ATT&CK bundles in ../shared/attack-stix:
// a few dozen techniques with everything they reference, so unit tests run without ../shared.
//   node scripts/make-fixture.mjs [SHARED_DIR]
// Output: test/fixtures/enterprise-attack-18.1-subset.json (STIX 2.0, from mitre/cti),
// test/fixtures/mobile-attack-17.1-subset.json (STIX 2.1, from attack-stix-data, pre-v18 detection),
// and test/fixtures/enterprise-attack-15.1-subset.json and -17.1-subset.json (STIX 2.0, from
// mitre/cti; the same techniques as the 18.1 subset, for tests that sync across releases).
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), "..");
const shared = process.argv[2] ?? path.join(root, "..", "shared", "attack-stix");

// Techniques that keep every group, campaign and piece of software that uses them.
const fullFor = new Set(["T1204.001"]);
const idOf = (o) => o.external_references?.find((r) => r.external_id && r.source_name.startsWith("mitre"))?.external_id;

/**
 * Keep the chosen techniques (with their parents and sub-techniques), then close over what they
 * reference: tactics and matrices, mitigations, groups, campaigns and a bounded set of software
 * that use them (software capped per technique, groups and campaigns capped per technique too:
 * T1204.001 keeps all its groups), revoked-by targets, detection strategies with their analytics, data components
 * and data sources, and the identity and marking every object points to.
 */
function cut(bundle, wanted, maxSoftwarePerTechnique, maxGroupsPerTechnique) {
	const objects = bundle.objects;
	const byId = new Map(objects.map((o) => [o.id, o]));
	const rels = objects.filter((o) => o.type === "relationship");
	const keep = new Set();
	// "T1566" keeps the technique and all its sub-techniques; "T1574.001" keeps that one and its parent.
	const chosen = (id) => id !== undefined && (wanted.includes(id) || wanted.includes(id.split(".")[0]) || wanted.some((w) => w.startsWith(`${id}.`)));
	const techniques = new Set(objects.filter((o) => o.type === "attack-pattern" && chosen(idOf(o))).map((o) => o.id));
	for (const r of rels) {
		if (r.relationship_type === "revoked-by" && techniques.has(r.source_ref)) techniques.add(r.target_ref);
	}
	for (const id of techniques) keep.add(id);
	for (const o of objects) {
		if (["x-mitre-tactic", "x-mitre-matrix", "identity", "marking-definition", "x-mitre-collection"].includes(o.type)) keep.add(o.id);
	}
	const counted = new Map();
	for (const r of rels) {
		if (!techniques.has(r.target_ref)) continue;
		const source = byId.get(r.source_ref);
		// Sub-techniques come in only when chosen, not through their subtechnique-of relationship.
		if (!source || source.type === "attack-pattern") continue;
		const full = fullFor.has(idOf(byId.get(r.target_ref)));
		const cap = full ? Infinity : source.type === "malware" || source.type === "tool" ? maxSoftwarePerTechnique : source.type === "intrusion-set" || source.type === "campaign" ? maxGroupsPerTechnique : Infinity;
		const key = `${r.target_ref} ${source.type}`;
		const n = counted.get(key) ?? 0;
		if (n >= cap) continue;
		counted.set(key, n + 1);
		keep.add(source.id);
		if (source.type === "x-mitre-detection-strategy") {
			for (const a of source.x_mitre_analytic_refs ?? []) {
				keep.add(a);
				for (const ls of byId.get(a)?.x_mitre_log_source_references ?? []) keep.add(ls.x_mitre_data_component_ref);
			}
		}
		if (source.type === "x-mitre-data-component") keep.add(source.id);
	}
	for (const id of [...keep]) {
		const o = byId.get(id);
		if (o?.type === "x-mitre-data-component" && o.x_mitre_data_source_ref) keep.add(o.x_mitre_data_source_ref);
	}
	for (const r of rels) {
		if (keep.has(r.source_ref) && keep.has(r.target_ref)) keep.add(r.id);
	}
	return { ...bundle, objects: objects.filter((o) => keep.has(o.id)) };
}

function write(name, bundle) {
	const file = path.join(root, "test", "fixtures", name);
	writeFileSync(file, `${JSON.stringify(bundle)}\n`);
	console.log(`${path.relative(root, file)}: ${bundle.objects.length} objects`);
}

// The techniques of the seeds and the sample vault, plus revoked (T1574.002), renamed (T1036.005)
// and deprecated (T1064) cases.
const ENTERPRISE_TECHNIQUES = ["T1204", "T1566", "T1110", "T1059.001", "T1036.005", "T1557.001", "T1498", "T1190", "T1078.001", "T1486", "T1112", "T1574.001", "T1574.002", "T1203", "T1608.005", "T1064"];
const readEnterprise = (version) => JSON.parse(readFileSync(path.join(shared, `enterprise-attack-${version}.stix20.json`), "utf8"));

write("enterprise-attack-18.1-subset.json", cut(readEnterprise("18.1"), ENTERPRISE_TECHNIQUES, 2, 5));
// Older releases with the same techniques, for syncing a vault across releases (15.1 -> 17.1 -> 18.1).
// Fewer groups per technique keeps them small; T1204.001 still keeps all of its own.
for (const version of ["15.1", "17.1"]) {
	write(`enterprise-attack-${version}-subset.json`, cut(readEnterprise(version), ENTERPRISE_TECHNIQUES, 2, 2));
}

const mobile = JSON.parse(readFileSync(path.join(shared, "mobile-attack-17.1.json"), "utf8"));
write("mobile-attack-17.1-subset.json", cut(mobile, ["T1660", "T1456", "T1474", "T1417", "T1398"], 3, 8));
