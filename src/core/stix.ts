// STIX 2.1 objects kizashi produces, as readonly tagged unions, plus deterministic ids and bundles.
import { v5 as uuidv5 } from 'uuid';
import { boundedMemo } from './memo.js';

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
  readonly object_marking_refs?: readonly string[];
}

export interface Indicator extends Common {
  readonly type: 'indicator';
  readonly name: string;
  readonly description?: string;
  readonly indicator_types?: readonly string[];
  readonly pattern: string;
  readonly pattern_type: 'stix';
  readonly valid_from: string;
  readonly x_kizashi_warning?: readonly string[];
}

/** kizashi's extension SDO for policy instruments (treaties, laws, executive orders, sanctions, processes, accords). */
export interface PolicyInstrument extends Common {
  readonly type: 'x-kizashi-policy-instrument';
  readonly name: string;
  readonly description?: string;
  readonly aliases?: readonly string[];
  readonly instrument_kind: string;
  readonly status?: string;
  readonly jurisdiction?: readonly string[];
  readonly conveners?: readonly string[];
  readonly key_dates?: Readonly<Record<string, string>>;
  readonly extensions: Readonly<Record<string, { readonly extension_type: 'new-sdo' }>>;
}

/** STIX 2.1 extension-definition (section 7.3). */
export interface ExtensionDefinition extends Common {
  readonly type: 'extension-definition';
  readonly name: string;
  readonly description?: string;
  readonly schema: string;
  readonly version: string;
  readonly extension_types: readonly ('new-sdo' | 'new-sco' | 'new-sro' | 'property-extension' | 'toplevel-property-extension')[];
}

/** Cyber-observable objects (SCOs): no created/modified, ids from their contributing properties. */
interface ScoCommon {
  readonly spec_version: '2.1';
  readonly id: string;
  readonly x_kizashi_evidence?: readonly Evidence[];
  readonly x_kizashi_warning?: readonly string[];
}
export type Sco =
  | (ScoCommon & { readonly type: 'ipv4-addr' | 'ipv6-addr' | 'domain-name' | 'url' | 'email-addr' | 'mac-addr'; readonly value: string })
  | (ScoCommon & { readonly type: 'autonomous-system'; readonly number: number })
  | (ScoCommon & { readonly type: 'windows-registry-key'; readonly key: string })
  | (ScoCommon & {
      readonly type: 'file';
      readonly name?: string;
      readonly hashes?: Readonly<Record<string, string>>;
      readonly extensions?: Readonly<Record<string, unknown>>;
    });

export type StixDomainObject =
  | IntrusionSet
  | ThreatActor
  | Malware
  | Tool
  | Campaign
  | AttackPattern
  | Vulnerability
  | Location
  | Identity
  | Indicator
  | Report
  | PolicyInstrument
  | ExtensionDefinition;

export type StixObject = StixDomainObject | Relationship | Sco;

/** Omit that keeps a union a union. */
export type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
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
export function stixId(type: Exclude<StixType, Sco['type']> | 'bundle' | 'extension-definition' | 'note', key: string): string {
  return `${type}--${uuidv5Of(`${type}:${key}`)}`;
}
/** The same entities recur in every document: their UUIDs are computed once. */
const uuidv5Of = boundedMemo(50_000, (name) => uuidv5(name, STIX_NAMESPACE));

/** JSON with object keys sorted recursively (RFC 8785 for the strings and integers STIX ids are made of). */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The id STIX 2.1 (section 2.9) prescribes for an SCO: UUIDv5 over the canonical JSON of its id-contributing
 * properties, in the STIX namespace.
 * @example scoId('ipv4-addr', { value: '1.2.3.4' }) // 'ipv4-addr--0198f97b-e65d-5025-87e5-58bc39d4bdb4'
 */
export function scoId(type: Sco['type'], contributing: Record<string, unknown>): string {
  return `${type}--${uuidv5(canonicalJson(contributing), STIX_NAMESPACE)}`;
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
