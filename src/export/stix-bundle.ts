// Turns an Extraction into a STIX 2.1 bundle: a report for the document, one SDO per entity with its
// evidence, and the relationships the sentences support.
import {
  createBundle,
  stixId,
  stixTimestamp,
  type Bundle,
  type Evidence,
  type ExternalReference,
  type ExtensionDefinition,
  type Identity,
  type Sco,
  type StixObject,
} from '../core/stix.js';
import type { ExtractedEntity, Extraction } from '../extract/extract-document.js';
import type { KbEntity } from '../kb/entity.js';
import { indicatorObjects } from './stix-indicators.js';
import { STANCE_TYPES, stanceRelationshipType } from '../extract/policy.js';

const STANCES = new Set<string>(STANCE_TYPES);

/** The identity kizashi signs its objects with. */
export const KIZASHI_IDENTITY_ID = stixId('identity', 'kizashi');

export function kizashiIdentity(): Identity {
  return {
    type: 'identity',
    spec_version: '2.1',
    id: KIZASHI_IDENTITY_ID,
    created: '2026-01-01T00:00:00.000Z',
    modified: '2026-01-01T00:00:00.000Z',
    name: 'kizashi',
    identity_class: 'system',
    description: 'kizashi threat and policy intelligence extractor',
  };
}

/** kizashi's extension-definition for the policy-instrument SDO; its JSON schema is schemas/x-kizashi-policy-instrument.json. */
export const POLICY_EXTENSION_ID = stixId('extension-definition', 'x-kizashi-policy-instrument/1.0');

export function policyExtensionDefinition(): ExtensionDefinition {
  return {
    type: 'extension-definition',
    spec_version: '2.1',
    id: POLICY_EXTENSION_ID,
    created: '2026-11-25T00:00:00.000Z',
    modified: '2026-11-25T00:00:00.000Z',
    created_by_ref: KIZASHI_IDENTITY_ID,
    name: 'kizashi policy instrument',
    description:
      'A cyber policy instrument: treaty, law, executive order, sanctions or export-control listing, multilateral process, industry accord or guidance, with its status and key dates.',
    schema: 'JSON Schema 2020-12 shipped with kizashi as schemas/x-kizashi-policy-instrument.json',
    version: '1.0.0',
    extension_types: ['new-sdo'],
  };
}

/** The STIX type an entity becomes. */
export function stixTypeOf(
  entity: KbEntity,
): Exclude<StixObject['type'], Sco['type'] | 'relationship' | 'report' | 'indicator' | 'extension-definition'> {
  switch (entity.kind) {
    case 'sector':
      return 'identity';
    case 'policy-instrument':
      return 'x-kizashi-policy-instrument';
    default:
      return entity.kind;
  }
}

const alphanumeric = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]/g, '');

/** Deterministic STIX id of an entity: the same actor gets the same id in every document and on every machine. */
export function entityStixId(entity: KbEntity): string {
  if (entity.kind === 'vulnerability') return stixId('vulnerability', entity.name.toUpperCase());
  if (entity.kind === 'location' && entity.country) return stixId('location', `country:${entity.country}`);
  if (entity.kind === 'sector') {
    // The entry named for its vocabulary value ("Financial Services": financial-services) is that value's identity;
    // a narrower sector filed under the same value ("Cryptocurrency") is its own, not a second name for it.
    const own = entity.sector !== undefined && alphanumeric(entity.name) === alphanumeric(entity.sector);
    return stixId('identity', own || !entity.sector ? `sector:${entity.sector ?? entity.name}` : `sector:${entity.sector}:${entity.key}`);
  }
  return stixId(stixTypeOf(entity), entity.key);
}

const MALWARE_TYPES: Record<string, string> = {
  'misp:ransomware': 'ransomware',
  'misp:rat': 'remote-access-trojan',
  'misp:botnet': 'bot',
  'misp:backdoor': 'backdoor',
  'misp:stealer': 'spyware',
  'misp:exploit-kit': 'exploit',
};

/**
 * The parts of an entity's STIX object that depend on the KB entity alone, built once per entity (an actor with
 * fifty aliases is in thousands of documents).
 */
function entityParts(e: KbEntity): {
  id: string;
  aliasSources: { x_kizashi_alias_sources?: Record<string, readonly string[]> };
  withRefs: { external_references?: ExternalReference[] };
  withDescription: { description?: string };
  withAliases: { aliases?: string[] };
  /** The same aliases for the types STIX gives no `aliases` property (locations, sectors, organisations). */
  withKizashiAliases: { x_kizashi_aliases?: string[] };
} {
  let parts = ENTITY_PARTS.get(e);
  if (!parts) {
    const aliases = e.aliases.map((a) => a.value).filter((a) => a !== e.name);
    const refs: ExternalReference[] = e.externalRefs.filter((r) => r.source_name === 'mitre-attack' || r.source_name === 'cve');
    const description = shortDescription(e.description);
    parts = {
      id: entityStixId(e),
      aliasSources: e.aliases.length > 1 ? { x_kizashi_alias_sources: Object.fromEntries(e.aliases.map((a) => [a.value, a.sources])) } : {},
      withRefs: refs.length > 0 ? { external_references: refs } : {},
      withDescription: description ? { description } : {},
      withAliases: aliases.length > 0 ? { aliases } : {},
      withKizashiAliases: aliases.length > 0 ? { x_kizashi_aliases: aliases } : {},
    };
    // Shared by every object of this entity: frozen, so a change to one object cannot leak into the next.
    Object.freeze(aliases);
    Object.freeze(refs);
    if (parts.aliasSources.x_kizashi_alias_sources) Object.freeze(parts.aliasSources.x_kizashi_alias_sources);
    ENTITY_PARTS.set(e, parts);
  }
  return parts;
}
const ENTITY_PARTS = new WeakMap<KbEntity, ReturnType<typeof entityParts>>();

function shortDescription(text: string | undefined): string | undefined {
  if (!text) return undefined;
  const clean = text.replace(/\s+/g, ' ').trim();
  if (clean.length <= 400) return clean;
  const cut = clean.slice(0, 400);
  const stop = cut.lastIndexOf('. ');
  return stop > 100 ? cut.slice(0, stop + 1) : `${cut}…`;
}

function evidenceOf(x: ExtractedEntity, extraction: Extraction): Evidence[] {
  return x.mentions.map((m) => {
    const sentence = extraction.sentences[m.sentence];
    return {
      document: extraction.document.id,
      start: m.start,
      end: m.end,
      text: m.surface,
      sentence: sentence?.text ?? '',
      sentence_start: sentence?.start ?? 0,
      ...(m.alias !== m.surface ? { alias: m.alias } : {}),
    };
  });
}

function entityObject(x: ExtractedEntity, extraction: Extraction, time: string): StixObject {
  const e = x.entity;
  const { id, aliasSources, withRefs, withDescription, withAliases, withKizashiAliases } = entityParts(e);
  const common = {
    spec_version: '2.1' as const,
    id,
    created: time,
    modified: time,
    created_by_ref: KIZASHI_IDENTITY_ID,
    confidence: x.confidence,
    x_kizashi_evidence: evidenceOf(x, extraction),
    x_kizashi_kb_sources: e.sources,
    // Which source gave which alias (ATT&CK, a MISP galaxy, kizashi's curated Japanese names …).
    ...aliasSources,
  };
  switch (e.kind) {
    case 'intrusion-set':
      return { ...common, type: 'intrusion-set', name: e.name, ...withAliases, ...withDescription, ...withRefs };
    case 'threat-actor':
      return { ...common, type: 'threat-actor', name: e.name, ...withAliases, ...withDescription, ...withRefs };
    case 'campaign':
      return { ...common, type: 'campaign', name: e.name, ...withAliases, ...withDescription, ...withRefs };
    case 'malware': {
      const types = [...new Set(e.sources.map((s) => MALWARE_TYPES[s]).filter((t): t is string => t !== undefined))];
      return {
        ...common,
        type: 'malware',
        name: e.name,
        is_family: true,
        ...(types.length > 0 ? { malware_types: types } : {}),
        ...withAliases,
        ...withDescription,
        ...withRefs,
      };
    }
    case 'tool':
      return { ...common, type: 'tool', name: e.name, ...withAliases, ...withDescription, ...withRefs };
    case 'attack-pattern':
      return {
        ...common,
        type: 'attack-pattern',
        name: e.name,
        ...withDescription,
        ...withRefs,
        ...(e.killChainPhases ? { kill_chain_phases: e.killChainPhases } : {}),
      };
    case 'vulnerability':
      return {
        ...common,
        type: 'vulnerability',
        name: e.name,
        external_references: [{ source_name: 'cve', external_id: e.name }],
        // Nicknames ("Log4Shell"): STIX vulnerabilities have no aliases property.
        ...withKizashiAliases,
      };
    // Locations and sectors have no STIX aliases property: their names in other languages (中国, 政府機関) go in
    // x_kizashi_aliases, as for organisations, so the store can search them and a Japanese digest can name them.
    case 'location':
      return {
        ...common,
        type: 'location',
        name: e.name,
        ...(e.country ? { country: e.country } : { region: e.region ?? 'unknown' }),
        ...withKizashiAliases,
      };
    case 'sector':
      return {
        ...common,
        type: 'identity',
        name: e.name,
        identity_class: 'class',
        sectors: [e.sector ?? 'other'],
        ...withKizashiAliases,
      };
    case 'identity':
      return {
        ...common,
        type: 'identity',
        name: e.name,
        identity_class: 'organization',
        ...withDescription,
        ...withKizashiAliases,
        ...(e.roles.length > 0 ? { x_kizashi_roles: e.roles } : {}),
        ...(e.country ? { x_kizashi_country: e.country } : {}),
        ...actorRoles(e, extraction),
        ...(e.sponsors ? { x_kizashi_sponsors: e.sponsors } : {}),
      };
    case 'policy-instrument': {
      const p = e.policy;
      return {
        ...common,
        type: 'x-kizashi-policy-instrument',
        name: e.name,
        instrument_kind: p?.kind ?? 'multilateral-process',
        ...withAliases,
        ...withDescription,
        ...(p?.status ? { status: p.status } : {}),
        ...(p?.jurisdiction ? { jurisdiction: p.jurisdiction } : {}),
        ...(p?.conveners ? { conveners: p.conveners } : {}),
        ...(p?.dates ? { key_dates: p.dates } : {}),
        extensions: { [POLICY_EXTENSION_ID]: { extension_type: 'new-sdo' } },
      };
    }
  }
}

/** The roles an organisation plays: cyber mercenary from the KB, and whatever this document says. */
function actorRoles(e: KbEntity, extraction: Extraction): { x_kizashi_actor_roles?: string[] } {
  const roles = new Set<string>();
  if (e.roles.includes('surveillance-vendor')) roles.add('cyber-mercenary:spyware-vendor');
  if (e.roles.includes('offensive-contractor')) roles.add('cyber-mercenary:offensive-contractor');
  for (const r of extraction.roles) if (r.entity === e.key) roles.add(r.subtype ? `${r.role}:${r.subtype}` : r.role);
  return roles.size > 0 ? { x_kizashi_actor_roles: [...roles].sort() } : {};
}

/**
 * The STIX 2.1 bundle for one document's extraction.
 * @param now timestamp for created/modified (pass a fixed date for reproducible output)
 */
export function extractionToBundle(extraction: Extraction, now: Date = new Date()): Bundle {
  const time = stixTimestamp(now);
  const doc = extraction.document;
  const objects: StixObject[] = [kizashiIdentity()];
  const idByKey = new Map<string, string>();
  for (const x of extraction.entities) {
    const object = entityObject(x, extraction, time);
    idByKey.set(x.entity.key, object.id);
    objects.push(object);
  }
  for (const r of extraction.relations) {
    const source = idByKey.get(r.source);
    const target = idByKey.get(r.target);
    const sentence = extraction.sentences[r.sentence];
    if (!source || !target || !sentence) continue;
    objects.push({
      type: 'relationship',
      spec_version: '2.1',
      // One relationship per (type, source, target) across documents; each document adds evidence.
      id: stixId('relationship', `${stanceRelationshipType(r.type, r.negated ?? false)}|${source}|${target}`),
      created: time,
      modified: time,
      created_by_ref: KIZASHI_IDENTITY_ID,
      relationship_type: stanceRelationshipType(r.type, r.negated ?? false),
      ...(r.negated ? { x_kizashi_negated: true } : {}),
      ...(STANCES.has(r.type) && doc.published ? { start_time: doc.published } : {}),
      source_ref: source,
      target_ref: target,
      confidence: r.confidence,
      x_kizashi_evidence: [
        {
          document: doc.id,
          start: sentence.start,
          end: sentence.end,
          text: sentence.text,
          sentence: sentence.text,
          sentence_start: sentence.start,
        },
      ],
    });
  }
  if (objects.some((o) => o.type === 'x-kizashi-policy-instrument')) objects.splice(1, 0, policyExtensionDefinition());
  const iocs = indicatorObjects(extraction, time, KIZASHI_IDENTITY_ID);
  const known = new Set(objects.map((o) => o.id));
  for (const o of iocs.objects) {
    if (known.has(o.id)) continue;
    known.add(o.id);
    objects.push(o);
  }
  const published = doc.published ?? time;
  objects.push({
    type: 'report',
    spec_version: '2.1',
    id: doc.id,
    created: time,
    modified: time,
    created_by_ref: KIZASHI_IDENTITY_ID,
    name: doc.title,
    published,
    report_types: ['threat-report'],
    object_refs: objects.map((o) => o.id),
    ...(doc.lang !== 'und' ? { lang: doc.lang } : {}),
    ...(iocs.markings.length > 0 ? { object_marking_refs: iocs.markings } : {}),
    ...(doc.url ? { external_references: [{ source_name: doc.source ?? 'source', url: doc.url }] } : {}),
  });
  return createBundle(objects);
}
