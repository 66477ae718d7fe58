// Bundles whose objects have a field the core reads in another shape: refused in one sentence
// naming the object's id and the field, before anything is indexed or synced.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadBundle } from "../../src/core/attack/model";
import { UserError } from "../../src/core/errors";
import { ENTERPRISE_TEXT, stixIdOf, withObject } from "../helpers/bad-bundles";
import { HAVE_SHARED, MOBILE_FIXTURE, SHARED_STIX } from "../helpers/paths";

/** The message loadBundle throws for `text` (it must throw a UserError). */
function refusal(text: string): string {
	try {
		loadBundle(text, "crafted.json");
	} catch (err) {
		expect(err).toBeInstanceOf(UserError);
		return (err as Error).message;
	}
	throw new Error("the bundle was accepted");
}

const T1204_001 = stixIdOf("T1204.001");
const M1017 = stixIdOf("M1017");
const TA0002 = stixIdOf("TA0002");

/** [what, the object's STIX id, the field, its new value, the shape the message expects]. */
const CASES: Array<[string, string, string, unknown, string]> = [
	["kill_chain_phases a string", T1204_001, "kill_chain_phases", "execution", "a list of objects with"],
	["kill_chain_phases with a phase that is not an object", T1204_001, "kill_chain_phases", ["execution"], "a list of objects with"],
	["kill_chain_phases with a phase_name that is a number", T1204_001, "kill_chain_phases", [{ kill_chain_name: "mitre-attack", phase_name: 7 }], '"kill_chain_name" and "phase_name" strings'],
	["external_references null", M1017, "external_references", null, "a list of references"],
	["external_references an object", M1017, "external_references", { source_name: "mitre-attack", external_id: "M1017" }, "a list of references"],
	["an external reference without source_name", M1017, "external_references", [{ external_id: "M1017" }], '"source_name" string'],
	["an external_id that is a number", M1017, "external_references", [{ source_name: "mitre-attack", external_id: 1017 }], '"external_id"'],
	["a null external reference", M1017, "external_references", [null], "a list of references"],
	["x_mitre_platforms a string", T1204_001, "x_mitre_platforms", "Windows", "a list of strings"],
	["x_mitre_platforms with a null", T1204_001, "x_mitre_platforms", ["Windows", null], "a list of strings"],
	["x_mitre_domains a string", T1204_001, "x_mitre_domains", "enterprise-attack", "a list of strings"],
	["x_mitre_permissions_required an object", T1204_001, "x_mitre_permissions_required", { User: true }, "a list of strings"],
	["name a number", T1204_001, "name", 42, "a string"],
	["name null", T1204_001, "name", null, "a string"],
	["description a list", T1204_001, "description", ["Adversaries"], "a string"],
	["x_mitre_detection an object", T1204_001, "x_mitre_detection", {}, "a string"],
	["x_mitre_shortname a list", TA0002, "x_mitre_shortname", ["execution"], "a string"],
	["revoked a string", T1204_001, "revoked", "false", "true or false"],
	["x_mitre_is_subtechnique a number", T1204_001, "x_mitre_is_subtechnique", 1, "true or false"],
	["modified a number", T1204_001, "modified", 20250101, "a string"],
];

describe("a field of the wrong shape", () => {
	for (const [what, id, field, value, expected] of CASES) {
		it(`${what}: refused, naming the object and the field`, () => {
			const message = refusal(withObject(id, (o) => (o[field] = value)));
			expect(message).toMatch(new RegExp(`^crafted\\.json: not a valid ATT&CK bundle: ${id} has "${field}" of the wrong shape \\(expected .+\\)\\.$`));
			expect(message).toContain(expected);
			expect(message).not.toContain("\n");
		});
	}

	it("relationships: source_ref, target_ref and relationship_type must be strings, and present", () => {
		const relationship = (JSON.parse(ENTERPRISE_TEXT) as { objects: Array<{ type: string; id: string }> }).objects.find((o) => o.type === "relationship");
		if (!relationship) throw new Error("no relationship in the fixture");
		for (const field of ["source_ref", "target_ref", "relationship_type"]) {
			expect(refusal(withObject(relationship.id, (o) => (o[field] = 5)))).toBe(
				`crafted.json: not a valid ATT&CK bundle: ${relationship.id} has "${field}" of the wrong shape (expected a string).`,
			);
			expect(refusal(withObject(relationship.id, (o) => delete o[field]))).toBe(
				`crafted.json: not a valid ATT&CK bundle: ${relationship.id} has no "${field}" (a relationship needs a string there).`,
			);
		}
	});

	it("a relationship's references: checked where they are rendered (mitigates, detects), not on the 17,000 `uses`", () => {
		const objects = (JSON.parse(ENTERPRISE_TEXT) as { objects: Array<{ type: string; id: string; relationship_type?: string }> }).objects;
		const mitigates = objects.find((o) => o.relationship_type === "mitigates");
		const uses = objects.find((o) => o.relationship_type === "uses");
		if (!mitigates || !uses) throw new Error("the fixture lacks relationships");
		expect(refusal(withObject(mitigates.id, (o) => (o.external_references = null)))).toContain(`${mitigates.id} has "external_references" of the wrong shape`);
		expect(() => loadBundle(withObject(uses.id, (o) => (o.external_references = null)), "uses.json")).not.toThrow();
	});

	it("the lists of matrices, detection strategies and analytics", () => {
		const bundle = (o: object) => JSON.stringify({ type: "bundle", objects: [{ type: "x-mitre-tactic", id: "x-mitre-tactic--1", name: "T" }, o] });
		expect(refusal(bundle({ type: "x-mitre-matrix", id: "x-mitre-matrix--1", tactic_refs: "x-mitre-tactic--1" }))).toContain('x-mitre-matrix--1 has "tactic_refs" of the wrong shape');
		expect(refusal(bundle({ type: "x-mitre-detection-strategy", id: "s--1", x_mitre_analytic_refs: [1] }))).toContain('s--1 has "x_mitre_analytic_refs" of the wrong shape');
		expect(refusal(bundle({ type: "x-mitre-analytic", id: "a--1", x_mitre_log_source_references: [{ name: "n", channel: "c" }] }))).toContain('a--1 has "x_mitre_log_source_references" of the wrong shape');
		expect(refusal(bundle({ type: "x-mitre-data-component", id: "dc--1", x_mitre_data_source_ref: ["ds--1"] }))).toContain('dc--1 has "x_mitre_data_source_ref" of the wrong shape');
	});

	it("names a hostile id on one printable line", () => {
		const message = refusal(JSON.stringify({ type: "bundle", objects: [{ type: "attack-pattern", id: `attack-pattern--\u0007\n${"x".repeat(500)}`, name: 1 }] }));
		// eslint-disable-next-line no-control-regex -- checking that none are left
		expect(message).not.toMatch(/[\u0000-\u001f]/);
		expect(message.length).toBeLessThan(300);
	});
});

describe("real bundles pass the checks", () => {
	it("the committed fixtures", () => {
		expect(loadBundle(ENTERPRISE_TEXT, "e.json").domain).toBe("enterprise-attack");
		expect(loadBundle(readFileSync(MOBILE_FIXTURE, "utf8"), "m.json").domain).toBe("mobile-attack");
	});

	it.skipIf(!HAVE_SHARED)("every bundle in ../shared", () => {
		for (const file of ["enterprise-attack-15.1.stix20.json", "enterprise-attack-17.1.stix20.json", "enterprise-attack-18.1.stix20.json", "ics-attack-18.1.json", "mobile-attack-17.1.json", "mobile-attack-18.1.stix20.json"]) {
			expect(() => loadBundle(readFileSync(path.join(SHARED_STIX, file), "utf8"), file), file).not.toThrow();
		}
	});
});
