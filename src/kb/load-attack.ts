// Reads a MITRE ATT&CK STIX 2.0 or 2.1 bundle into KB records (groups, software, campaigns, techniques).
import type { ExternalReference } from '../core/stix.js';
import type { EntityKind, KbRecord } from './entity.js';

interface AttackObject {
  id?: unknown;
  type?: unknown;
  name?: unknown;
  description?: unknown;
  aliases?: unknown;
  x_mitre_aliases?: unknown;
  external_references?: unknown;
  kill_chain_phases?: unknown;
  revoked?: unknown;
  x_mitre_deprecated?: unknown;
}

const KINDS: Record<string, EntityKind> = {
  'intrusion-set': 'intrusion-set',
  malware: 'malware',
  tool: 'tool',
  campaign: 'campaign',
  'attack-pattern': 'attack-pattern',
};

/** Version string of an ATT&CK bundle (from its x-mitre-collection or matrix object), if stated. */
export function attackVersion(bundle: unknown): string | undefined {
  const objects = (bundle as { objects?: unknown }).objects;
  if (!Array.isArray(objects)) return undefined;
  for (const o of objects as Record<string, unknown>[]) {
    if (o.type === 'x-mitre-collection' && typeof o.x_mitre_version === 'string') return o.x_mitre_version;
  }
  let latest = '';
  for (const o of objects as Record<string, unknown>[]) {
    if (typeof o.modified === 'string' && o.modified > latest) latest = o.modified;
  }
  return latest ? `modified ${latest.slice(0, 10)}` : undefined;
}

/**
 * Records for the live (not revoked, not deprecated) objects of an ATT&CK bundle.
 * @example attackRecords(JSON.parse(fs.readFileSync('enterprise-attack.json', 'utf8')))
 */
export function attackRecords(bundle: unknown): KbRecord[] {
  const objects = (bundle as { objects?: unknown }).objects;
  if (!Array.isArray(objects)) throw new Error('not a STIX bundle: no "objects" array');
  // Procedure examples: the descriptions of "uses" relationships that point at a technique.
  const examples = new Map<string, string[]>();
  for (const raw of objects as Record<string, unknown>[]) {
    if (raw.type !== 'relationship' || raw.relationship_type !== 'uses' || raw.revoked === true) continue;
    if (typeof raw.target_ref !== 'string' || !raw.target_ref.startsWith('attack-pattern--') || typeof raw.description !== 'string')
      continue;
    const list = examples.get(raw.target_ref) ?? [];
    list.push(cleanAttackMarkdown(raw.description));
    examples.set(raw.target_ref, list);
  }
  const records: KbRecord[] = [];
  for (const raw of objects as AttackObject[]) {
    if (typeof raw !== 'object' || raw === null) continue;
    const kind = typeof raw.type === 'string' ? KINDS[raw.type] : undefined;
    if (!kind || typeof raw.name !== 'string') continue;
    if (raw.revoked === true || raw.x_mitre_deprecated === true) continue;
    const refs = Array.isArray(raw.external_references) ? (raw.external_references as ExternalReference[]) : [];
    const mitreRef = refs.find((r) => r.source_name === 'mitre-attack' && typeof r.external_id === 'string');
    const aliases = [...stringList(raw.aliases), ...stringList(raw.x_mitre_aliases)].filter((a) => a !== raw.name);
    const phases = Array.isArray(raw.kill_chain_phases)
      ? (raw.kill_chain_phases as { kill_chain_name: string; phase_name: string }[])
      : undefined;
    records.push({
      source: 'mitre-attack',
      sourceId: mitreRef?.external_id ?? raw.name,
      kind,
      name: raw.name,
      aliases,
      ...(typeof raw.description === 'string' ? { description: cleanAttackMarkdown(raw.description) } : {}),
      externalRefs: mitreRef
        ? [{ source_name: 'mitre-attack', external_id: mitreRef.external_id, ...(mitreRef.url ? { url: mitreRef.url } : {}) }]
        : [],
      ...(mitreRef?.external_id ? { mitreId: mitreRef.external_id } : {}),
      ...(phases ? { killChainPhases: phases } : {}),
      ...(kind === 'attack-pattern' && typeof raw.id === 'string' && examples.has(raw.id) ? { examples: examples.get(raw.id) } : {}),
    });
  }
  return records;
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** ATT&CK descriptions carry markdown links and "(Citation: …)" markers; keep the prose. */
export function cleanAttackMarkdown(text: string): string {
  return text
    .replace(/\(Citation:[^)]*\)/g, '')
    .replace(/\[([^\][]{1,200})\]\([^()]{0,500}\)/g, '$1')
    .replace(/<code>|<\/code>/g, '')
    .trim();
}
