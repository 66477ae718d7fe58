/**
 * Narrow, hand-written types over the STIX JSON of ATT&CK bundles: only the fields the plugin
 * reads. Objects are used as JSON.parse returns them (no copying), which keeps loading the
 * 45 MB Enterprise bundle close to the cost of JSON.parse itself.
 */

export interface ExternalReference {
	readonly source_name: string;
	readonly external_id?: string;
	readonly url?: string;
	readonly description?: string;
}

export interface KillChainPhase {
	readonly kill_chain_name: string;
	readonly phase_name: string;
}

export interface StixObject {
	readonly type: string;
	readonly id: string;
	readonly spec_version?: string;
	readonly created?: string;
	readonly modified?: string;
	readonly name?: string;
	readonly description?: string;
	readonly revoked?: boolean;
	readonly external_references?: readonly ExternalReference[];
	readonly x_mitre_deprecated?: boolean;
	readonly x_mitre_version?: string;
	readonly x_mitre_domains?: readonly string[];
	readonly x_mitre_platforms?: readonly string[];
	readonly x_mitre_aliases?: readonly string[];
	readonly aliases?: readonly string[];
	// campaign
	readonly first_seen?: string;
	readonly last_seen?: string;
	// attack-pattern
	readonly kill_chain_phases?: readonly KillChainPhase[];
	readonly x_mitre_is_subtechnique?: boolean;
	readonly x_mitre_detection?: string;
	readonly x_mitre_permissions_required?: readonly string[];
	readonly x_mitre_data_sources?: readonly string[];
	// x-mitre-tactic
	readonly x_mitre_shortname?: string;
	// x-mitre-matrix
	readonly tactic_refs?: readonly string[];
	// x-mitre-detection-strategy
	readonly x_mitre_analytic_refs?: readonly string[];
	// x-mitre-analytic
	readonly x_mitre_log_source_references?: readonly { readonly x_mitre_data_component_ref: string; readonly name: string; readonly channel: string }[];
	// x-mitre-data-component
	readonly x_mitre_data_source_ref?: string;
	// relationship
	readonly relationship_type?: string;
	readonly source_ref?: string;
	readonly target_ref?: string;
}

export interface StixBundle {
	readonly type: "bundle";
	readonly id?: string;
	readonly spec_version?: string;
	readonly objects: readonly StixObject[];
}

/** The `source_name`s under which ATT&CK puts an object's ID in `external_references`. */
export const ATTACK_SOURCES: ReadonlySet<string> = new Set(["mitre-attack", "mitre-mobile-attack", "mitre-ics-attack"]);

/** Kill-chain name of each domain: technique `kill_chain_phases` name tactics through it. */
export const KILL_CHAIN_OF_DOMAIN: Readonly<Record<string, string>> = {
	"enterprise-attack": "mitre-attack",
	"mobile-attack": "mitre-mobile-attack",
	"ics-attack": "mitre-ics-attack",
};
