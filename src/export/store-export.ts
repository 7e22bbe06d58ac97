// Exports of the knowledge store: a selection (everything, an entity and its neighbourhood, a story's documents,
// a date range) becomes a STIX 2.1 bundle, a MISP event, an ATT&CK Navigator layer or a CSV sheet.
import { createHash } from 'node:crypto';
import { createBundle, type Bundle, type StixObject } from '../core/stix.js';
import type { GraphStore, StoredDocument } from '../store/graph-store.js';
import type { NavigatorLayer, NavigatorTechnique } from './navigator.js';
import { KIZASHI_IDENTITY_ID, kizashiIdentity } from './stix-bundle.js';
import { TLP_MARKINGS } from './stix-indicators.js';

export type ExportSelection =
  | { readonly kind: 'all' }
  | { readonly kind: 'entity'; readonly id: string }
  | { readonly kind: 'documents'; readonly ids: readonly string[]; readonly title?: string }
  | { readonly kind: 'range'; readonly since?: string; readonly until?: string };

export interface Selected {
  readonly title: string;
  /** STIX objects (without per-document evidence), entities first. */
  readonly objects: readonly Record<string, unknown>[];
  readonly documents: readonly StoredDocument[];
  /** Mentions per object id, within the selected documents. */
  readonly mentionCounts: ReadonlyMap<string, number>;
}

const PAGE = 1000;
const MAX_DOCUMENTS = 100_000;

async function objectsOfDocuments(store: GraphStore, documentIds?: readonly string[]): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  let after: string | undefined;
  do {
    const page = await store.objectsAdded({
      limit: PAGE,
      ...(after ? { after } : {}),
      ...(documentIds ? { documentIds } : {}),
    });
    out.push(...page.objects.map((o) => o.stix));
    after = page.next;
  } while (after);
  return out;
}

/** Resolve a selection to its objects and documents. Unknown entity ids are a clear error. */
export async function selectFromStore(store: GraphStore, selection: ExportSelection): Promise<Selected> {
  let objects: Record<string, unknown>[];
  let documents: StoredDocument[];
  let title: string;
  switch (selection.kind) {
    case 'all':
      objects = await objectsOfDocuments(store);
      documents = await store.listDocuments({ limit: MAX_DOCUMENTS });
      title = 'kizashi knowledge graph';
      break;
    case 'range': {
      documents = await store.listDocuments({ limit: MAX_DOCUMENTS, ...pick(selection, 'since', 'until') });
      objects =
        documents.length > 0
          ? await objectsOfDocuments(
              store,
              documents.map((d) => d.id),
            )
          : [];
      title = `kizashi ${selection.since?.slice(0, 10) ?? '…'} – ${selection.until?.slice(0, 10) ?? '…'}`;
      break;
    }
    case 'documents': {
      const found = await Promise.all(selection.ids.map((id) => store.getDocument(id)));
      documents = found.filter((d): d is StoredDocument => d !== undefined);
      objects =
        documents.length > 0
          ? await objectsOfDocuments(
              store,
              documents.map((d) => d.id),
            )
          : [];
      title = selection.title ?? documents[0]?.title ?? 'kizashi export';
      break;
    }
    case 'entity': {
      const entity = await store.getObject(selection.id);
      if (!entity) throw new ExportError(`no entity with id ${selection.id}`);
      const relationships = await store.relationships(entity.id);
      const neighbourIds = new Set(relationships.flatMap((r) => [String(r.stix.source_ref), String(r.stix.target_ref)]));
      neighbourIds.delete(entity.id);
      const neighbours = (await Promise.all([...neighbourIds].map((id) => store.getObject(id)))).filter((o) => o !== undefined);
      objects = [entity.stix, ...neighbours.map((o) => o.stix), ...relationships.map((r) => r.stix)];
      const docIds = [...new Set((await store.mentions({ objectId: entity.id })).map((m) => m.documentId))];
      documents = (await Promise.all(docIds.map((id) => store.getDocument(id)))).filter((d) => d !== undefined);
      title = entity.name;
      break;
    }
  }
  const mentionCounts = new Map<string, number>();
  const wanted = new Set(objects.map((o) => String(o.id)));
  for (const d of documents) {
    for (const m of await store.mentions({ documentId: d.id })) {
      if (wanted.has(m.objectId)) mentionCounts.set(m.objectId, (mentionCounts.get(m.objectId) ?? 0) + 1);
    }
  }
  return { title, objects, documents, mentionCounts };
}

export class ExportError extends Error {}

function pick<T extends object, K extends keyof T>(o: T, ...keys: K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

/** The STIX 2.1 bundle of a selection: the objects, a report per document (refs within the export), kizashi's identity. */
export async function exportStix(store: GraphStore, selected: Selected): Promise<Bundle> {
  const ids = new Set(selected.objects.map((o) => String(o.id)));
  const reports: StixObject[] = [];
  for (const d of selected.documents) {
    const refs = [...new Set((await store.mentions({ documentId: d.id })).map((m) => m.objectId))].filter((id) => ids.has(id));
    if (refs.length === 0) continue;
    const time = d.ingestedAt;
    reports.push({
      type: 'report',
      spec_version: '2.1',
      id: d.id.startsWith('report--') ? d.id : `report--${uuidFrom(d.id)}`,
      created: time,
      modified: d.updatedAt,
      created_by_ref: KIZASHI_IDENTITY_ID,
      name: d.title,
      published: d.published ?? time,
      report_types: ['threat-report'],
      object_refs: refs,
      ...(d.lang !== 'und' ? { lang: d.lang } : {}),
      ...(d.url ? { external_references: [{ source_name: d.source ?? 'source', url: d.url }] } : {}),
    });
  }
  const objects = selected.objects.filter((o) => o.id !== KIZASHI_IDENTITY_ID) as unknown as StixObject[];
  return createBundle([kizashiIdentity(), ...objects, ...reports]);
}

function uuidFrom(text: string): string {
  const h = createHash('sha1').update(text).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

// ---------------------------------------------------------------------------------------------------------------
// MISP

export interface MispAttribute {
  readonly uuid: string;
  readonly type: string;
  readonly category: string;
  readonly to_ids: boolean;
  readonly value: string;
  readonly comment: string;
  readonly timestamp: string;
  readonly distribution: string;
  readonly disable_correlation: boolean;
}

export interface MispEvent {
  readonly Event: {
    readonly uuid: string;
    readonly info: string;
    readonly date: string;
    readonly threat_level_id: string;
    readonly analysis: string;
    readonly distribution: string;
    readonly published: boolean;
    readonly timestamp: string;
    readonly Orgc: { readonly name: string; readonly uuid: string };
    readonly Attribute: readonly MispAttribute[];
    readonly Tag: readonly { readonly name: string }[];
  };
}

/** MISP attribute type, category and default to_ids (MISP's describeTypes sane defaults) for a STIX SCO. */
function mispAttributes(o: Record<string, unknown>): { type: string; category: string; toIds: boolean; value: string }[] {
  const value = typeof o.value === 'string' ? o.value : '';
  switch (o.type) {
    case 'ipv4-addr':
    case 'ipv6-addr':
      return [{ type: 'ip-dst', category: 'Network activity', toIds: true, value }];
    case 'domain-name':
      return [{ type: 'domain', category: 'Network activity', toIds: true, value }];
    case 'url':
      return [{ type: 'url', category: 'Network activity', toIds: true, value }];
    case 'email-addr':
      return [{ type: 'email-src', category: 'Payload delivery', toIds: true, value }];
    case 'mac-addr':
      return [{ type: 'mac-address', category: 'Network activity', toIds: false, value }];
    case 'autonomous-system':
      return [{ type: 'AS', category: 'Network activity', toIds: false, value: String(o.number) }];
    case 'windows-registry-key':
      return [{ type: 'regkey', category: 'Persistence mechanism', toIds: true, value: String(o.key) }];
    case 'vulnerability':
      return [{ type: 'vulnerability', category: 'External analysis', toIds: false, value: String(o.name) }];
    case 'file': {
      const out: { type: string; category: string; toIds: boolean; value: string }[] = [];
      const hashes = (o.hashes ?? {}) as Record<string, string>;
      const names: Record<string, string> = { MD5: 'md5', 'SHA-1': 'sha1', 'SHA-256': 'sha256', 'SHA-512': 'sha512', SSDEEP: 'ssdeep' };
      for (const [algo, h] of Object.entries(hashes)) {
        const type = names[algo];
        if (type) out.push({ type, category: 'Payload delivery', toIds: true, value: h });
      }
      const pe = (o.extensions as Record<string, { imphash?: string }> | undefined)?.['windows-pebinary-ext'];
      if (pe?.imphash) out.push({ type: 'imphash', category: 'Payload delivery', toIds: true, value: pe.imphash });
      if (typeof o.name === 'string') out.push({ type: 'filename', category: 'Payload delivery', toIds: false, value: o.name });
      return out;
    }
    default:
      return [];
  }
}

const GALAXY_OF: Readonly<Record<string, string>> = {
  'intrusion-set': 'threat-actor',
  'threat-actor': 'threat-actor',
  malware: 'malpedia',
  tool: 'tool',
};

function mispQuote(value: string): string {
  return value.replace(/"/g, "'");
}

/** A MISP event (MISP core format) for a selection: indicators as attributes, entities as galaxy tags. */
export function exportMisp(selected: Selected, now: Date = new Date()): MispEvent {
  const timestamp = String(Math.floor(now.getTime() / 1000));
  const attributes: MispAttribute[] = [];
  const tags = new Set<string>();
  const seen = new Set<string>();
  for (const o of selected.objects) {
    for (const a of mispAttributes(o)) {
      const key = `${a.type}|${a.value}`;
      if (a.value === '' || seen.has(key)) continue;
      seen.add(key);
      const warnings = Array.isArray(o.x_kizashi_warning) ? (o.x_kizashi_warning as unknown[]).map(String) : [];
      attributes.push({
        uuid: uuidFrom(`misp|${key}`),
        type: a.type,
        category: a.category,
        // Warning-listed values (documentation ranges, vendors' own sites …) are context, never detection.
        to_ids: a.toIds && warnings.length === 0,
        value: a.value,
        comment:
          warnings.length > 0
            ? `kizashi warninglist: ${warnings.join(', ')}`
            : `${selected.mentionCounts.get(String(o.id)) ?? 0} mention(s)`,
        timestamp,
        distribution: '5',
        disable_correlation: false,
      });
    }
    const galaxy = GALAXY_OF[String(o.type)];
    if (galaxy && typeof o.name === 'string') tags.add(`misp-galaxy:${galaxy}="${mispQuote(o.name)}"`);
    if (o.type === 'attack-pattern' && typeof o.name === 'string') {
      const mitre = (o.external_references as { source_name?: string; external_id?: string }[] | undefined)?.find(
        (r) => r.source_name === 'mitre-attack',
      );
      if (mitre?.external_id) tags.add(`misp-galaxy:mitre-attack-pattern="${mispQuote(o.name)} - ${mitre.external_id}"`);
    }
    for (const ref of Array.isArray(o.object_marking_refs) ? (o.object_marking_refs as string[]) : []) {
      const label = Object.entries(TLP_MARKINGS).find(([, id]) => id === ref)?.[0];
      if (label) tags.add(label.toLowerCase());
    }
  }
  const dates = selected.documents.map((d) => d.published ?? d.ingestedAt).sort();
  return {
    Event: {
      uuid: uuidFrom(`misp-event|${selected.title}|${selected.documents.map((d) => d.id).join(',')}`),
      info: selected.title,
      date: (dates[dates.length - 1] ?? now.toISOString()).slice(0, 10),
      threat_level_id: '4', // undefined: kizashi does not rate threat levels
      analysis: '2', // completed: the source reporting is published
      distribution: '0',
      published: false,
      timestamp,
      Orgc: { name: 'kizashi', uuid: KIZASHI_IDENTITY_ID.slice('identity--'.length) },
      Attribute: attributes,
      Tag: [...tags].sort().map((name) => ({ name })),
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// ATT&CK Navigator

/** A Navigator layer for the techniques of a selection, scored by how often the selection mentions them. */
export function exportNavigator(selected: Selected, attackVersion?: string): NavigatorLayer {
  const techniques: NavigatorTechnique[] = [];
  let max = 1;
  for (const o of selected.objects) max = Math.max(max, selected.mentionCounts.get(String(o.id)) ?? 0);
  for (const o of selected.objects) {
    if (o.type !== 'attack-pattern') continue;
    const ref = (o.external_references as { source_name?: string; external_id?: string }[] | undefined)?.find(
      (r) => r.source_name === 'mitre-attack',
    );
    const id = ref?.external_id;
    if (!id?.startsWith('T')) continue;
    const count = selected.mentionCounts.get(String(o.id)) ?? 0;
    techniques.push({
      techniqueID: id,
      score: Math.max(1, Math.round((100 * count) / max)),
      comment: `${count} mention(s) in ${selected.documents.length} document(s)`,
      enabled: true,
      showSubtechniques: id.includes('.'),
      metadata: [{ name: 'mentions', value: String(count) }],
    });
  }
  techniques.sort((a, b) => a.techniqueID.localeCompare(b.techniqueID));
  return {
    name: selected.title.slice(0, 100),
    versions: { layer: '4.5', navigator: '5.1.0', ...(attackVersion ? { attack: attackVersion } : {}) },
    domain: 'enterprise-attack',
    description: `Techniques kizashi found for "${selected.title}" in ${selected.documents.length} document(s)`,
    techniques,
    gradient: { colors: ['#fff7ec', '#fc8d59', '#b30000'], minValue: 0, maxValue: 100 },
    legendItems: [{ label: 'score = share of mentions (100 = most mentioned)', color: '#fc8d59' }],
    metadata: [{ name: 'generated by', value: 'kizashi' }],
    hideDisabled: false,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// CSV

/**
 * One CSV cell: quoted per RFC 4180, and neutralised against formula injection — a cell starting with
 * = + - @ tab or CR gets a leading apostrophe, so Excel and LibreOffice show it as text.
 */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) || safe !== value ? `"${safe.replace(/"/g, '""')}"` : safe;
}

const CSV_COLUMNS = ['type', 'name', 'aliases', 'value_or_pattern', 'mentions', 'warning', 'stix_id'];

/** A CSV sheet (UTF-8 with BOM so Excel reads Japanese) of the selection's objects, relationships excluded. */
export function exportCsv(selected: Selected): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const o of selected.objects) {
    if (o.type === 'relationship') continue;
    const aliases = [o.aliases, o.x_kizashi_aliases].flatMap((a) => (Array.isArray(a) ? a.map(String) : []));
    const value = typeof o.pattern === 'string' ? o.pattern : typeof o.value === 'string' ? o.value : '';
    const row = [
      String(o.type),
      typeof o.name === 'string' ? o.name : value,
      [...new Set(aliases)].join('; '),
      value,
      String(selected.mentionCounts.get(String(o.id)) ?? 0),
      Array.isArray(o.x_kizashi_warning) ? (o.x_kizashi_warning as unknown[]).map(String).join('; ') : '',
      String(o.id),
    ];
    lines.push(row.map(csvCell).join(','));
  }
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
