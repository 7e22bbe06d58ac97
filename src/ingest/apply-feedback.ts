// Analysts' verdicts on mentions, applied to new extractions: a rejected alias of an entity is not that entity
// again (a deny-list entry), and a retyped surface becomes an entity of the type the analyst chose.
import { createHash } from 'node:crypto';
import type { EntityKind } from '../kb/entity.js';
import { patternEntity } from '../extract/entity-patterns.js';
import type { ExtractedEntity, Extraction } from '../extract/extract-document.js';
import { entityStixId } from '../export/stix-bundle.js';
import type { MentionFeedback } from '../store/graph-store.js';

const fold = (s: string): string => s.normalize('NFKC').toLowerCase().trim();

const KIND_OF_TYPE: Readonly<Record<string, EntityKind>> = {
  'intrusion-set': 'intrusion-set',
  'threat-actor': 'threat-actor',
  malware: 'malware',
  tool: 'tool',
  campaign: 'campaign',
  identity: 'identity',
  location: 'location',
  vulnerability: 'vulnerability',
  'x-kizashi-policy-instrument': 'policy-instrument',
};

export const RETYPE_TARGETS = Object.keys(KIND_OF_TYPE);

/** The verdicts that concern a text (their surface occurs in it), and a fingerprint of them for the content hash. */
export function relevantFeedback(feedback: readonly MentionFeedback[], text: string): { rules: MentionFeedback[]; fingerprint: string } {
  const folded = fold(text);
  const rules = feedback.filter((f) => f.verdict !== 'confirm' && folded.includes(fold(f.surface)));
  if (rules.length === 0) return { rules, fingerprint: '' };
  const key = rules
    .map((f) => `${f.verdict}|${f.objectId}|${fold(f.surface)}|${f.newType ?? ''}`)
    .sort()
    .join('\n');
  return { rules, fingerprint: createHash('sha256').update(key).digest('hex').slice(0, 16) };
}

/** The extraction with rejected mentions removed and retyped ones moved to an entity of the chosen type. */
export function applyFeedback(x: Extraction, rules: readonly MentionFeedback[]): Extraction {
  if (rules.length === 0) return x;
  const rejected = new Set(rules.filter((r) => r.verdict === 'reject').map((r) => `${r.objectId}|${fold(r.surface)}`));
  const retyped = new Map(
    rules
      .filter((r) => r.verdict === 'retype' && r.newType && KIND_OF_TYPE[r.newType])
      .map((r) => [fold(r.surface), KIND_OF_TYPE[r.newType ?? ''] as EntityKind]),
  );
  const entities: ExtractedEntity[] = [];
  const moved = new Map<string, ExtractedEntity>();
  for (const e of x.entities) {
    const id = entityStixId(e.entity);
    const kept = e.mentions.filter((m) => !rejected.has(`${id}|${fold(m.surface)}`) && !retyped.has(fold(m.surface)));
    for (const m of e.mentions) {
      const kind = retyped.get(fold(m.surface));
      if (!kind || kind === e.entity.kind) continue;
      const target = patternEntity(kind, m.surface);
      const slot = moved.get(target.key) ?? { entity: target, mentions: [], confidence: 90 };
      moved.set(target.key, { ...slot, mentions: [...slot.mentions, { ...m, confidence: 90 }] });
    }
    if (kept.length > 0) entities.push(kept.length === e.mentions.length ? e : { ...e, mentions: kept });
  }
  entities.push(...moved.values());
  const keys = new Set(entities.map((e) => e.entity.key));
  return {
    ...x,
    entities,
    relations: x.relations.filter((r) => keys.has(r.source) && keys.has(r.target)),
    roles: x.roles.filter((r) => keys.has(r.entity)),
  };
}
