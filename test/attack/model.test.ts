import { describe, expect, it } from "vitest";
import { attackIdOf, isActive, loadBundle, type AttackModel, type Related } from "../../src/core/attack/model";
import type { StixObject } from "../../src/core/attack/stix";
import { citationsIn, urlsIn, attackIdOfUrl } from "../../src/core/attack/text";
import { UserError } from "../../src/core/errors";
import { ENTERPRISE_FIXTURE, MOBILE_FIXTURE, readText } from "../helpers/paths";

const enterprise = loadBundle(readText(ENTERPRISE_FIXTURE), "enterprise-attack-18.1-subset.json");
const mobile = loadBundle(readText(MOBILE_FIXTURE), "mobile-attack-17.1-subset.json");

const ids = (list: ReadonlyArray<StixObject | Related>) => list.map((x) => attackIdOf("relationship" in x && "object" in x ? x.object : x));

function must(model: AttackModel, id: string) {
	const o = model.get(id);
	if (!o) throw new Error(`${id} missing`);
	return o;
}

describe("the ATT&CK model from a STIX 2.0 Enterprise v18.1 subset", () => {
	it("says what the bundle is", () => {
		expect(enterprise.domain).toBe("enterprise-attack");
		expect(enterprise.specVersion).toBe("2.0");
		expect(enterprise.attackVersion).toBeNull();
	});

	it("finds techniques by ATT&CK ID and STIX id", () => {
		const link = must(enterprise, "T1204.001");
		expect(link.name).toBe("Malicious Link");
		expect(enterprise.byStixId(link.id)).toBe(link);
		expect(enterprise.get("t1204.001")).toBe(link);
		expect(enterprise.get("T9999")).toBeUndefined();
	});

	it("links sub-techniques to their parent and back", () => {
		const link = must(enterprise, "T1204.001");
		const parent = enterprise.parentOf(link);
		expect(parent && attackIdOf(parent)).toBe("T1204");
		expect(ids(enterprise.subtechniquesOf(must(enterprise, "T1204")))).toEqual(["T1204.001", "T1204.002", "T1204.003", "T1204.004", "T1204.005"]);
	});

	it("gives tactics through kill-chain phases, in the matrix's order", () => {
		expect(ids(enterprise.tacticsOf(must(enterprise, "T1204.001")))).toEqual(["TA0002"]);
		// T1112 Modify Registry gained Persistence in v18: Persistence comes before Defense Evasion in the matrix.
		expect(ids(enterprise.tacticsOf(must(enterprise, "T1112")))).toEqual(["TA0003", "TA0005"]);
		const order = ids(enterprise.tactics());
		expect(order.slice(0, 4)).toEqual(["TA0043", "TA0042", "TA0001", "TA0002"]);
		expect(order).toHaveLength(14);
	});

	it("gives mitigations with the relationship's text", () => {
		const m = enterprise.mitigationsOf(must(enterprise, "T1204.001"));
		expect(ids(m)).toEqual(["M1017", "M1021", "M1031"]);
		expect(m[0].description).toMatch(/user training/i);
		expect(ids(enterprise.techniquesMitigatedBy(must(enterprise, "M1017")))).toContain("T1204.001");
	});

	it("gives the groups, software and campaigns that use a technique", () => {
		const t = must(enterprise, "T1204.001");
		// ATT&CK v18.1 lists 47 groups for T1204.001 (v17 had 46, as seed 002 shows).
		expect(enterprise.groupsUsing(t)).toHaveLength(47);
		expect(enterprise.groupsUsing(t).every((r) => r.object.type === "intrusion-set")).toBe(true);
		expect(enterprise.softwareUsing(t).every((r) => r.object.type === "malware" || r.object.type === "tool")).toBe(true);
		expect(enterprise.campaignsUsing(t).length).toBeGreaterThan(0);
		expect(enterprise.groupsUsing(t).find((r) => attackIdOf(r.object) === "G0046")?.description).toMatch(/FIN7/);
	});

	it("gives v18 detection strategies with their analytics and data components", () => {
		const strategies = enterprise.detectionStrategiesFor(must(enterprise, "T1204.001"));
		expect(strategies).toHaveLength(1);
		expect(attackIdOf(strategies[0])).toMatch(/^DET\d{4}$/);
		const analytics = enterprise.analyticsOf(strategies[0]);
		expect(analytics.length).toBeGreaterThan(0);
		expect(analytics.every((a) => /^AN\d{4}$/.test(attackIdOf(a) ?? ""))).toBe(true);
		const component = enterprise.byStixId(analytics[0].x_mitre_log_source_references?.[0].x_mitre_data_component_ref ?? "");
		expect(component?.type).toBe("x-mitre-data-component");
	});

	it("follows revoked-by to the replacement", () => {
		const old = enterprise.getAll("T1574.002")[0];
		expect(old.revoked).toBe(true);
		const replacement = enterprise.revokedBy(old);
		expect(replacement && attackIdOf(replacement)).toBe("T1574.001");
		expect(replacement?.name).toBe("DLL");
		expect(enterprise.revokedBy(must(enterprise, "T1204.001"))).toBeNull();
	});

	it("marks deprecated techniques", () => {
		const scripting = must(enterprise, "T1064");
		expect(scripting.x_mitre_deprecated).toBe(true);
		expect(isActive(scripting)).toBe(false);
		expect(enterprise.counts().deprecatedTechniques).toBe(1);
	});

	it("resolves citations against the object's references", () => {
		const phishing = must(enterprise, "T1566");
		const cites = citationsIn(phishing.description ?? "", phishing);
		expect(cites.length).toBeGreaterThan(3);
		expect(cites.every((c) => c.found)).toBe(true);
		const luna = cites.find((c) => c.name === "sygnia Luna Month");
		expect(luna?.url).toBe("https://blog.sygnia.co/luna-moth-false-subscription-scams");
		expect(phishing.description?.slice(luna?.start, luna?.end)).toBe("(Citation: sygnia Luna Month)");
		expect(citationsIn("(Citation: Nobody)", phishing)[0]).toMatchObject({ name: "Nobody", found: false });
	});

	it("maps attack.mitre.org URLs in descriptions to ATT&CK IDs", () => {
		const text = must(enterprise, "T1204.001").description ?? "";
		expect(urlsIn(text).map((u) => u.id)).toEqual(["T1566.002", "T1203", "T1204.002"]);
		for (const u of urlsIn(text)) expect(text.slice(u.start, u.end)).toBe(u.url);
		expect(attackIdOfUrl("https://attack.mitre.org/tactics/TA0002")).toBe("TA0002");
		expect(attackIdOfUrl("https://attack.mitre.org/mitigations/M1031/")).toBe("M1031");
		expect(attackIdOfUrl("https://attack.mitre.org/software/S0605")).toBe("S0605");
		expect(attackIdOfUrl("https://attack.mitre.org/detectionstrategies/DET0738")).toBe("DET0738");
		expect(attackIdOfUrl("https://attack.mitre.org/techniques/M1031")).toBeNull();
		expect(attackIdOfUrl("https://example.com/techniques/T1566")).toBeNull();
	});
});

describe("the ATT&CK model from a STIX 2.1 Mobile v17.1 subset", () => {
	it("reads the release from the collection and tactics from the mobile kill chain", () => {
		expect(mobile.specVersion).toBe("2.1");
		expect(mobile.attackVersion).toBe("17.1");
		expect(mobile.domain).toBe("mobile-attack");
		expect(attackIdOf(mobile.tacticFor("mitre-mobile-attack", "execution") ?? ({} as never))).toBe("TA0041");
		expect(mobile.tacticFor("mitre-attack", "execution")).toBeUndefined();
	});

	it("gives pre-v18 detection through data components", () => {
		const detected = mobile.active("technique", { subtechniques: true }).filter((t) => mobile.dataComponentsDetecting(t).length > 0);
		expect(detected.length).toBeGreaterThan(0);
		const component = mobile.dataComponentsDetecting(detected[0])[0].object;
		expect(mobile.dataSourceOf(component)?.type).toBe("x-mitre-data-source");
	});
});

describe("bad bundles", () => {
	const cases: Array<[string, string, RegExp]> = [
		["empty", "", /the file is empty/],
		["blank", "  \n", /the file is empty/],
		["truncated", readText(MOBILE_FIXTURE).slice(0, 5000), /not valid JSON .*truncated/],
		["not JSON", "<html>Not found</html>", /not valid JSON/],
		["a JSON list", "[1, 2]", /not a STIX bundle/],
		["JSON without type", '{"objects": []}', /not a STIX bundle/],
		["the collection index", '{"id": "x", "name": "MITRE ATT&CK", "collections": []}', /not a STIX bundle/],
		["an object without id", '{"type": "bundle", "objects": [{"type": "attack-pattern"}]}', /object 1 of 1 has no "type" or "id"/],
		["no ATT&CK content", '{"type": "bundle", "objects": [{"type": "identity", "id": "identity--1"}]}', /no ATT&CK techniques or tactics/],
	];
	for (const [what, text, message] of cases) {
		it(`refuses ${what} with one clear line naming the file`, () => {
			let caught: unknown;
			try {
				loadBundle(text, "bundle.json");
			} catch (err) {
				caught = err;
			}
			expect(caught).toBeInstanceOf(UserError);
			const msg = (caught as UserError).message;
			expect(msg).toMatch(/^bundle\.json: /);
			expect(msg).toMatch(message);
			expect(msg).not.toContain("\n");
		});
	}

	it("reads a bundle that starts with a byte order mark", () => {
		expect(loadBundle(`\ufeff${readText(MOBILE_FIXTURE)}`, "bom.json").domain).toBe("mobile-attack");
	});
});

describe("bundles with objects of the wrong shape", () => {
	const bundle = (o: object) => JSON.stringify({ type: "bundle", objects: [{ type: "attack-pattern", id: "attack-pattern--1", ...o }] });
	for (const [what, text] of [
		["a null external reference", bundle({ external_references: [null] })],
		["tactic_refs that is not a list", JSON.stringify({ type: "bundle", objects: [{ type: "x-mitre-matrix", id: "x-mitre-matrix--1", tactic_refs: 5 }] })],
	]) {
		it(`refuses ${what} with one line, not an internal error`, () => {
			expect(() => loadBundle(text, "odd.json")).toThrow(UserError);
			expect(() => loadBundle(text, "odd.json")).toThrow(/^odd\.json: not a valid ATT&CK bundle/);
		});
	}

	it("keeps the message of a binary file to one printable line", () => {
		const png = String.fromCharCode(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d) + "IHDR";
		let message = "";
		try {
			loadBundle(png, "image.json");
		} catch (err) {
			message = (err as Error).message;
		}
		expect(message).toMatch(/^image\.json: not valid JSON/);
		// eslint-disable-next-line no-control-regex -- checking that none are left
		expect(message).not.toMatch(/[\u0000-\u001f]/);
	});
});
