// Knowledge-base records (one per source entry) and the merged entities built from them.
import type { ExternalReference } from '../core/stix.js';

/** What a KB entity is; maps onto a STIX type (sectors and countries become identity/location objects). */
export type EntityKind =
  | 'intrusion-set'
  | 'threat-actor'
  | 'malware'
  | 'tool'
  | 'campaign'
  | 'attack-pattern'
  | 'identity'
  | 'location'
  | 'sector'
  | 'vulnerability'
  | 'policy-instrument';

/** Kinds of policy instrument (treaties, laws, executive orders, sanctions listings, processes, accords, guidance). */
export type InstrumentKind =
  'treaty' | 'law' | 'executive-order' | 'sanctions-listing' | 'multilateral-process' | 'industry-accord' | 'guidance';

export type InstrumentStatus = 'proposed' | 'negotiated' | 'adopted' | 'signed' | 'in-force' | 'withdrawn';

/** What the KB knows about a policy instrument. */
export interface PolicyFacts {
  readonly kind: InstrumentKind;
  readonly status?: InstrumentStatus;
  /** Where it applies: ISO country codes or bodies ("UN", "EU"). */
  readonly jurisdiction?: readonly string[];
  /** Who convened or leads it. */
  readonly conveners?: readonly string[];
  /** Key dates by status (YYYY or YYYY-MM or YYYY-MM-DD). */
  readonly dates?: Readonly<Partial<Record<InstrumentStatus, string>>>;
}

/** Kinds that merge with each other across sources (MISP calls a group what MITRE calls an intrusion-set). */
export function kindFamily(kind: EntityKind): string {
  switch (kind) {
    case 'intrusion-set':
    case 'threat-actor':
      return 'actor';
    case 'malware':
    case 'tool':
      return 'software';
    default:
      return kind;
  }
}

/** Roles an identity can play; used for ranking and, later, the policy model. */
export type IdentityRole =
  | 'security-vendor'
  | 'government-agency'
  | 'international-body'
  | 'technology-company'
  | 'platform'
  | 'ngo'
  | 'media'
  | 'surveillance-vendor'
  | 'offensive-contractor'
  /** A state's intelligence or military service (GRU, MSS): what attributions name, not a reporting agency. */
  | 'intelligence-service'
  | 'state';

/** One entry as a source states it, before merging. */
export interface KbRecord {
  /** Source name, e.g. "mitre-attack", "misp:threat-actor", "kizashi-starter". */
  readonly source: string;
  /** Identifier unique within the source (MITRE id, MISP uuid, starter name). */
  readonly sourceId: string;
  readonly kind: EntityKind;
  readonly name: string;
  readonly aliases: readonly string[];
  readonly description?: string;
  readonly externalRefs?: readonly ExternalReference[];
  /** ISO 3166-1 alpha-2: a location's own code, an actor's suspected sponsor, an organisation's home. */
  readonly country?: string;
  readonly roles?: readonly IdentityRole[];
  /** STIX industry-sector vocabulary value, for sectors. */
  readonly sector?: string;
  readonly killChainPhases?: readonly { kill_chain_name: string; phase_name: string }[];
  /** MITRE ATT&CK id (G0096, S0367, T1059.001) when known. */
  readonly mitreId?: string;
  /** Extra matching rule for this alias set: require exact case for every alias. */
  readonly caseSensitive?: boolean;
  /** The name is also an ordinary word: match it only next to a cue word. */
  readonly needsContext?: boolean;
  readonly region?: string;
  /** For countries: the adjectives among the aliases (Chinese, Russian). */
  readonly demonyms?: readonly string[];
  /** For techniques: procedure examples (sentences of real use, from ATT&CK "uses" relationships). */
  readonly examples?: readonly string[];
  /** For techniques: curated phrases that describe it (Japanese news phrasing). */
  readonly phrases?: readonly string[];
  /** For policy instruments. */
  readonly policy?: PolicyFacts;
  /** For cyber mercenaries: the sponsoring state or customers, by KB name. */
  readonly sponsors?: readonly string[];
  /** For software: who makes it, by KB name ("NSO Group" for Pegasus); named right before it, the maker is a cue. */
  readonly producers?: readonly string[];
  /** For agencies: the sanctions lists they keep, by KB name (OFAC keeps the SDN list); their designations list there. */
  readonly keeps?: readonly string[];
}

export interface EntityAlias {
  readonly value: string;
  readonly sources: readonly string[];
}

/** A canonical entity: every record that names the same thing, merged. */
export interface KbEntity {
  /** Stable key: kind family + canonical name, folded. */
  readonly key: string;
  readonly kind: EntityKind;
  readonly name: string;
  readonly aliases: readonly EntityAlias[];
  readonly description?: string;
  readonly sources: readonly string[];
  readonly externalRefs: readonly ExternalReference[];
  readonly country?: string;
  readonly roles: readonly IdentityRole[];
  readonly sector?: string;
  readonly killChainPhases?: readonly { kill_chain_name: string; phase_name: string }[];
  readonly mitreId?: string;
  readonly caseSensitive?: boolean;
  readonly needsContext?: boolean;
  readonly region?: string;
  readonly demonyms?: readonly string[];
  readonly examples?: readonly string[];
  readonly phrases?: readonly string[];
  readonly policy?: PolicyFacts;
  readonly sponsors?: readonly string[];
  readonly producers?: readonly string[];
  readonly keeps?: readonly string[];
}
