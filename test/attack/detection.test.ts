// Detection in the model, on the real Enterprise bundles (../shared; skipped without it): v18's
// detection strategies, their analytics and the data components those read, and what a data
// component detects before v18 (its own `detects`) and from v18 (through analytics).
import path from "node:path";
import { describe, expect, it } from "vitest";
import { attackIdOf, counterpart, type Related } from "../../src/core/attack/model";
import { kindSpec } from "../../src/core/kinds";
import { HAVE_SHARED, SHARED_STIX } from "../helpers/paths";
import { model } from "../sync/helpers";

const bundle = (v: string) => path.join(SHARED_STIX, `enterprise-attack-${v}.stix20.json`);
const ids = (list: readonly Related[]) => list.map((r) => attackIdOf(r.object));

describe.skipIf(!HAVE_SHARED)("detection in Enterprise 18.1", () => {
	const m = () => model(bundle("18.1"));
	const get = (id: string) => {
		const o = m().get(id);
		if (!o) throw new Error(`${id} missing`);
		return o;
	};

	it("gives a technique its detection strategies, and a strategy its techniques and analytics", () => {
		expect(ids(m().strategiesDetecting(get("T1014")))).toEqual(["DET0377"]);
		expect(ids(m().techniquesDetectedBy(get("DET0039")))).toEqual(["T1568"]);
		expect(ids(m().analyticsIn(get("DET0039")))).toEqual(["AN0109", "AN0110", "AN0111", "AN0112"]);
		expect(m().strategiesOf(get("AN0110")).map(attackIdOf)).toEqual(["DET0039"]);
	});

	it("gives an analytic the data components its log sources come from, with those log sources as the text", () => {
		const dcs = m().dataComponentsOf(get("AN0110"));
		expect(ids(dcs)).toEqual(["DC0078", "DC0085"]);
		expect(dcs[0].description).toBe("auditd:SYSCALL (socket/connect)");
		expect(dcs[1].description).toMatch(/^linux:syslog \(/);
	});

	it("gives a data component the analytics using it and the techniques their strategies detect", () => {
		const dns = get("DC0103");
		expect(ids(m().analyticsUsing(dns))).toEqual(["AN1995", "AN2017", "AN2023", "AN2024", "AN2027"]);
		expect(m().analyticsUsing(dns)[0].description).toBe("Domain Name (None)");
		const detected = m().techniquesDetectedThrough(dns);
		expect(ids(detected)).toEqual(["T1583", "T1583.001", "T1584", "T1584.001", "T1584.002"]);
		// 18.1 gives this relationship no text of its own.
		expect(detected.every((r) => r.description === "")).toBe(true);
	});

	it("lists the tables of each kind of detection note in the kinds table", () => {
		const names = (kind: Parameters<typeof kindSpec>[0], id: string) => kindSpec(kind).tables(m(), get(id)).map((t) => `${t.name} ${t.list.length}`);
		expect(names("technique", "T1014")).toEqual([expect.stringMatching(/^procedures \d+$/), "detection strategies 1"]);
		expect(names("detectionstrategy", "DET0039")).toEqual(["techniques detected 1", "analytics 4"]);
		expect(names("analytic", "AN0110")).toEqual(["data components 2", "detection strategies 1", "techniques detected 1"]);
		expect(names("datacomponent", "DC0103")).toEqual(["techniques detected 5", "analytics 5"]);
	});
});

describe.skipIf(!HAVE_SHARED)("a data component before v18 (17.1)", () => {
	it("has no ATT&CK ID; its 18.1 self is found by STIX id, and it detects techniques itself, with text", () => {
		const old = model(bundle("17.1"));
		const fresh = model(bundle("18.1"));
		const dns = counterpart(old, fresh.get("DC0103")!);
		expect(dns?.name).toBe("Active DNS");
		expect(attackIdOf(dns!)).toBeNull();
		const detected = old.techniquesDetectedThrough(dns!);
		expect(ids(detected)).toEqual(["T1583", "T1583.001", "T1584", "T1584.001", "T1584.002"]);
		expect(detected[0].description).toMatch(/^Monitor for queried domain name system/);
		// No analytics before v18.
		expect(old.analyticsUsing(dns!)).toEqual([]);
	});
});
