/** Counts of active objects in Enterprise v18.1, as ../shared/attack-stix/README.md states them. */
export const ENTERPRISE_18_1_COUNTS = {
	techniques: 216,
	subtechniques: 475,
	tactics: 14,
	mitigations: 44,
	groups: 172,
	software: 784,
	campaigns: 52,
	detectionStrategies: 691,
	analytics: 1739,
	dataComponents: 106,
	dataSources: 0,
	assets: 0,
	revokedTechniques: 132,
	deprecatedTechniques: 12,
};
