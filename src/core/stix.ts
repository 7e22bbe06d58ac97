// STIX 2.1 objects kizashi produces, as readonly tagged unions, plus deterministic ids and bundles.
import { v5 as uuidv5 } from 'uuid';

/** Namespace STIX 2.1 (section 2.9) defines for SCO ids; we reuse it for our deterministic SDO ids. */
export const STIX_NAMESPACE = '00abedb4-aa42-466c-9c01-fed23315a9b7';

export interface ExternalReference {
  readonly source_name: string;
  readonly external_id?: string;
  readonly url?: string;
  readonly description?: string;
}

/** Where a mention was found: the document, character offsets into its text, and the sentence. */
export interface Evidence {
  readonly document: string;
  readonly start: number;
  readonly end: number;
  readonly text: string;
  readonly sentence: string;
  readonly sentence_start: number;
  readonly alias?: string;
}

interface Common {
  readonly spec_version: '2.1';
  readonly id: string;
  readonly created: string;
  readonly modified: string;
  readonly created_by_ref?: string;
  readonly confidence?: number;
  readonly labels?: readonly string[];
  readonly external_references?: readonly ExternalReference[];
  readonly x_kizashi_evidence?: readonly Evidence[];
  readonly x_kizashi_kb_sources?: readonly string[];
}

export interface IntrusionSet extends Common {
  readonly type: 'intrusion-set';
  readonly name: string;
  readonly description?: string;
  readonly aliases?: readonly string[];
}
export interface ThreatActor extends Common {
  readonly type: 'threat-actor';
  readonly name: string;
  readonly description?: string;
  readonly aliases?: readonly string[];
  readonly threat_actor_types?: readonly string[];
}
export interface Malware extends Common {
  readonly type: 'malware';
  readonly name: string;
  readonly description?: string;
  readonly aliases?: readonly string[];
  readonly is_family: boolean;
  readonly malware_types?: readonly string[];
}
export interface Tool extends Common {
  readonly type: 'tool';
  readonly name: string;
  readonly description?: string;
  readonly aliases?: readonly string[];
}
export interface Campaign extends Common {
  readonly type: 'campaign';
  readonly name: string;
  readonly description?: string;
  readonly aliases?: readonly string[];
}
export interface AttackPattern extends Common {
  readonly type: 'attack-pattern';
  readonly name: string;
  readonly description?: string;
  readonly aliases?: readonly string[];
  readonly kill_chain_phases?: readonly { kill_chain_name: string; phase_name: string }[];
}
export interface Vulnerability extends Common {
  readonly type: 'vulnerability';
  readonly name: string;
  readonly description?: string;
}
export interface Location extends Common {
  readonly type: 'location';
  readonly name: string;
  readonly country?: string;
  readonly region?: string;
}
export interface Identity extends Common {
  readonly type: 'identity';
  readonly name: string;
  readonly description?: string;
  readonly identity_class: 'individual' | 'group' | 'system' | 'organization' | 'class' | 'unknown';
  readonly sectors?: readonly string[];
  readonly x_kizashi_aliases?: readonly string[];
}
export interface Relationship extends Common {
  readonly type: 'relationship';
  readonly relationship_type: string;
  readonly source_ref: string;
  readonly target_ref: string;
  readonly description?: string;
}
export interface Report extends Common {
  readonly type: 'report';
  readonly name: string;
  readonly description?: string;
  readonly published: string;
  readonly report_types?: readonly string[];
  readonly object_refs: readonly string[];
  readonly lang?: string;
}

export type StixDomainObject =
  IntrusionSet | ThreatActor | Malware | Tool | Campaign | AttackPattern | Vulnerability | Location | Identity | Report;

export type StixObject = StixDomainObject | Relationship;
export type StixType = StixObject['type'];

export interface Bundle {
  readonly type: 'bundle';
  readonly id: string;
  readonly objects: readonly StixObject[];
}

/** Narrowing helpers in the companion-object style: `StixObject.is(o, 'malware')`. */
export const StixObject = {
  is<T extends StixType>(o: StixObject, type: T): o is Extract<StixObject, { type: T }> {
    return o.type === type;
  },
};

/**
 * Deterministic id for an object of `type` named by `key` (a canonical name, lowercased by the caller when
 * case must not matter). Same key, same id, on every machine.
 * @example stixId('malware', 'emotet') // 'malware--…' always the same
 */
export function stixId(type: StixType | 'bundle' | 'extension-definition', key: string): string {
  return `${type}--${uuidv5(`${type}:${key}`, STIX_NAMESPACE)}`;
}

/** A bundle whose id derives from its contents' ids, so the same extraction gives the same bundle. */
export function createBundle(objects: readonly StixObject[]): Bundle {
  const key = objects
    .map((o) => o.id)
    .sort()
    .join(',');
  return { type: 'bundle', id: stixId('bundle', key), objects };
}

/** STIX timestamps: RFC 3339 in UTC with millisecond precision. */
export function stixTimestamp(date: Date): string {
  return date.toISOString();
}
