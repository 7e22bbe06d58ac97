// Stories from the store: the documents of a time window (with a week of context before it) clustered into
// events, listed with their sources and key entities.
import type { GraphStore, StoryEntity, StoryListing } from '../store/graph-store.js';
import { hasJapanese } from '../text/language.js';
import { clusterStories, type ClusterDocument, type ClusterOptions } from './cluster.js';

/**
 * The types a story lists, most telling first (a list cut short keeps the actors): actors, software,
 * vulnerabilities, instruments, organisations, sectors (identities of class "class"), places, techniques.
 */
const TYPE_ORDER = [
  'intrusion-set',
  'threat-actor',
  'campaign',
  'malware',
  'tool',
  'vulnerability',
  'x-kizashi-policy-instrument',
  'identity',
  'sector',
  'location',
  'attack-pattern',
];
const LISTED_TYPES = new Set(TYPE_ORDER);
const rank = (e: StoryEntity): number => TYPE_ORDER.indexOf(e.sector ? 'sector' : e.type);

/** A story listing plus the store ids of its documents, in the same order as `documents`. */
export interface ClusteredStory extends StoryListing {
  readonly documentIds: readonly string[];
}

/**
 * Japanese reporting writes countries, organisations, sectors and policy instruments in Japanese (中国, 警察庁,
 * 政府機関, 能動的サイバー防御法), but keeps actor, malware and technique names, and acronyms (CISA, FBI), as the
 * industry writes them.
 */
const LOCALISED = new Set(['location', 'identity', 'x-kizashi-policy-instrument']);
const ACRONYM = /^[A-Z]{2,6}$/;

/**
 * Stories with at least one document published in [since, until).
 * @example await listStories(store, { since: '2025-01-08', until: '2025-01-09' })
 */
export async function listStories(
  store: GraphStore,
  options: { since?: string; until?: string } & ClusterOptions = {},
): Promise<ClusteredStory[]> {
  const contextSince = options.since
    ? new Date(Date.parse(options.since) - (options.maxGapDays ?? 7) * 86_400_000).toISOString()
    : undefined;
  const docs = await store.listDocuments({
    ...(contextSince ? { since: contextSince } : {}),
    ...(options.until ? { until: options.until } : {}),
    limit: 100_000,
  });
  // Each listed object is read once: for its name, and to tell sectors from organisations (both STIX identities).
  const names = new Map<string, StoryEntity>();
  const describe = async (id: string, type: string): Promise<StoryEntity> => {
    let entity = names.get(id);
    if (entity === undefined) {
      const stored = await store.getObject(id);
      // Sectors are STIX identities of class "class": listed as sectors, not as organisations.
      const sector = stored?.stix.type === 'identity' && stored.stix.identity_class === 'class';
      // A vulnerability known by a nickname is listed with it: "CVE-2021-44228 (Log4Shell)".
      const nickname = type === 'vulnerability' ? stored?.aliases.find((a) => a !== stored.name && !hasJapanese(a)) : undefined;
      const name = nickname ? `${stored?.name ?? id} (${nickname})` : (stored?.name ?? id);
      const nameJa = LOCALISED.has(type) && !ACRONYM.test(name) ? stored?.aliases.find(hasJapanese) : undefined;
      entity = { type, name, ...(sector ? { sector } : {}), ...(nameJa ? { nameJa } : {}) };
      names.set(id, entity);
    }
    return entity;
  };
  const clusterDocs: ClusterDocument[] = [];
  for (const d of docs) {
    const mentions = await store.mentions({ documentId: d.id });
    const objects: { id: string; type: string }[] = [];
    for (const id of new Set(mentions.map((m) => m.objectId))) {
      const type = id.split('--')[0] ?? '';
      // A sector says as little about which event this is as a country does: clustering weighs it apart.
      objects.push({ id, type: type === 'identity' && (await describe(id, type)).sector ? 'sector' : type });
    }
    clusterDocs.push({ id: d.id, lang: d.lang, title: d.title, text: d.text, objects, ...(d.published ? { published: d.published } : {}) });
  }
  const byId = new Map(docs.map((d) => [d.id, d]));
  const out: ClusteredStory[] = [];
  for (const story of clusterStories(clusterDocs, options)) {
    const inWindow = story.documents.some((d) => !options.since || (d.published ?? '') >= options.since);
    if (!inWindow) continue;
    const entities = new Map<string, StoryEntity>();
    for (const d of story.documents) {
      for (const o of d.objects) {
        const type = o.type === 'sector' ? 'identity' : o.type;
        if (!LISTED_TYPES.has(type) || entities.has(o.id)) continue;
        entities.set(o.id, await describe(o.id, type));
      }
    }
    const documents = story.documents.map((c) => {
      const d = byId.get(c.id);
      return {
        title: c.title,
        lang: c.lang,
        ...(d?.url ? { url: d.url } : {}),
        ...(d?.published ? { published: d.published } : {}),
        ...(d?.source ? { source: d.source } : {}),
      };
    });
    out.push({
      id: story.id,
      title: story.documents[0]?.title ?? '',
      documents,
      documentIds: story.documents.map((c) => c.id),
      // By TYPE_ORDER, then by name.
      entities: [...entities.values()].sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name)),
    });
  }
  return out.reverse(); // newest first
}
