/** `inspect`: what a bundle holds. */
import type { AttackModel, Counts } from "../attack/model";
import { versionFromFileName } from "../fetch/index-json";

export interface InspectReport {
	domain: string;
	specVersion: "2.0" | "2.1";
	/** The release: as the bundle states it, else as its file name gives it (STIX 2.0 bundles state none). */
	attackVersion: string | null;
	attackVersionFrom: "bundle" | "file name" | null;
	counts: Counts;
}

/** What `model` holds; `file` is the bundle's file name, for the release when the bundle does not state it. */
export function inspect(model: AttackModel, file?: string): InspectReport {
	const fromName = file === undefined ? null : versionFromFileName(file);
	const attackVersion = model.attackVersion ?? fromName;
	const attackVersionFrom = model.attackVersion !== null ? "bundle" : fromName !== null ? "file name" : null;
	return { domain: model.domain, specVersion: model.specVersion, attackVersion, attackVersionFrom, counts: model.counts() };
}

const LABELS: ReadonlyArray<[keyof Counts, string]> = [
	["techniques", "Techniques"],
	["subtechniques", "Sub-techniques"],
	["tactics", "Tactics"],
	["mitigations", "Mitigations"],
	["groups", "Groups"],
	["software", "Software"],
	["campaigns", "Campaigns"],
	["detectionStrategies", "Detection strategies"],
	["analytics", "Analytics"],
	["dataComponents", "Data components"],
	["dataSources", "Data sources"],
	["assets", "Assets"],
	["revokedTechniques", "Revoked techniques"],
	["deprecatedTechniques", "Deprecated techniques"],
];

function release(r: InspectReport): string {
	if (r.attackVersion === null) return "release stated neither in the bundle nor in its file name";
	return r.attackVersionFrom === "file name" ? `${r.attackVersion} (from the file name)` : r.attackVersion;
}

export function formatInspect(report: InspectReport, source: string): string {
	const lines = [
		`${source}`,
		`  domain ${report.domain}, STIX ${report.specVersion}, ATT&CK ${release(report)}`,
		...LABELS.map(([key, label]) => `  ${label.padEnd(24)}${String(report.counts[key]).padStart(6)}`),
	];
	return lines.join("\n");
}
