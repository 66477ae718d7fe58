/** `inspect`: what a bundle holds. */
import type { AttackModel, Counts } from "../attack/model";

export interface InspectReport {
	domain: string;
	specVersion: "2.0" | "2.1";
	attackVersion: string | null;
	counts: Counts;
}

export function inspect(model: AttackModel): InspectReport {
	return { domain: model.domain, specVersion: model.specVersion, attackVersion: model.attackVersion, counts: model.counts() };
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
	["revokedTechniques", "Revoked techniques"],
	["deprecatedTechniques", "Deprecated techniques"],
];

export function formatInspect(report: InspectReport, source: string): string {
	const lines = [
		`${source}`,
		`  domain ${report.domain}, STIX ${report.specVersion}, ATT&CK ${report.attackVersion ?? "release not stated in the bundle"}`,
		...LABELS.map(([key, label]) => `  ${label.padEnd(24)}${String(report.counts[key]).padStart(6)}`),
	];
	return lines.join("\n");
}
