// Story clustering: documents about the same event — across outlets, languages and a few days — form one story.
// Incremental and pure: documents are taken in publication order; each joins the most similar open story or
// starts one. Similarity = rarity-weighted overlap of the entities, indicators and CVEs the pipeline found
// (which is how a Japanese and an English article meet) plus word overlap for same-language pairs.
import { tokenize } from '../extract/techniques.js';

export interface ClusterDocument {
  readonly id: string;
  readonly published?: string;
  readonly lang: string;
  readonly title: string;
  readonly text: string;
  /** STIX ids of the objects the document mentions, with their types. */
  readonly objects: readonly { readonly id: string; readonly type: string }[];
}

export interface Story {
  readonly id: string;
  readonly documents: readonly ClusterDocument[];
}

export interface ClusterOptions {
  /** Join a story when the similarity reaches this. */
  readonly threshold?: number;
  /** A document more than this many days after a story's latest document starts a new story. */
  readonly maxGapDays?: number;
}

/** How much a shared object of each type says "same event". */
const TYPE_WEIGHT: Readonly<Record<string, number>> = {
  'intrusion-set': 1,
  'threat-actor': 1,
  malware: 1,
  tool: 0.5,
  campaign: 1,
  vulnerability: 1.2,
  identity: 0.6,
  // Broad categories: a country or a sector (identities of class "class", typed so by the caller) says little.
  location: 0.2,
  sector: 0.2,
  'attack-pattern': 0.3,
  indicator: 1.2,
  'ipv4-addr': 1.2,
  'ipv6-addr': 1.2,
  'domain-name': 1.2,
  url: 1.2,
  file: 1.2,
  'email-addr': 1.2,
};

const DAY = 86_400_000;

function time(doc: ClusterDocument): number {
  const t = doc.published ? Date.parse(doc.published) : NaN;
  return Number.isNaN(t) ? 0 : t;
}

/**
 * Cluster documents into stories.
 * @example clusterStories(docs).map((s) => s.documents.map((d) => d.title))
 */
export function clusterStories(documents: readonly ClusterDocument[], options: ClusterOptions = {}): Story[] {
  const threshold = options.threshold ?? 0.15; // tuned on the sample corpus: 0.1 merges two events, 0.2 splits one
  const maxGap = (options.maxGapDays ?? 7) * DAY;
  const docs = [...documents].sort((a, b) => time(a) - time(b) || a.id.localeCompare(b.id));
  // Rarity: an object in many documents (the United States, Microsoft) says little.
  const df = new Map<string, number>();
  for (const d of docs) for (const id of new Set(d.objects.map((o) => o.id))) df.set(id, (df.get(id) ?? 0) + 1);
  const n = Math.max(2, docs.length);
  const weights = (d: ClusterDocument): Map<string, number> => {
    const w = new Map<string, number>();
    for (const o of d.objects) {
      const base = TYPE_WEIGHT[o.type];
      if (base === undefined) continue;
      w.set(o.id, base * Math.log(1 + n / (df.get(o.id) ?? 1)));
    }
    return w;
  };
  const tokenDf = new Map<string, number>();
  const tokenSets = new Map<string, Set<string>>();
  for (const d of docs) {
    const set = new Set(tokenize(`${d.title} ${d.text}`));
    tokenSets.set(d.id, set);
    for (const t of set) tokenDf.set(t, (tokenDf.get(t) ?? 0) + 1);
  }
  const textSimilarity = (a: ClusterDocument, b: ClusterDocument): number => {
    if (a.lang !== b.lang) return 0;
    const sa = tokenSets.get(a.id) ?? new Set<string>();
    const sb = tokenSets.get(b.id) ?? new Set<string>();
    let shared = 0;
    let total = 0;
    const idf = (t: string): number => Math.log(1 + n / (tokenDf.get(t) ?? 1));
    for (const t of sa) {
      total += idf(t);
      if (sb.has(t)) shared += idf(t);
    }
    for (const t of sb) if (!sa.has(t)) total += idf(t);
    return total === 0 ? 0 : shared / total;
  };
  const entitySimilarity = (wa: Map<string, number>, wb: Map<string, number>): number => {
    let shared = 0;
    let union = 0;
    for (const [id, w] of wa) {
      const o = wb.get(id);
      if (o !== undefined) shared += Math.min(w, o);
      union += Math.max(w, o ?? 0);
    }
    for (const [id, w] of wb) if (!wa.has(id)) union += w;
    return union === 0 ? 0 : shared / union;
  };

  const stories: { docs: ClusterDocument[]; weights: Map<string, number>[]; latest: number }[] = [];
  for (const d of docs) {
    const w = weights(d);
    let best: (typeof stories)[number] | undefined;
    let bestScore = 0;
    for (const s of stories) {
      if (time(d) - s.latest > maxGap) continue;
      // Similarity to the story = to its most similar document (single link within the time window).
      let score = 0;
      s.docs.forEach((other, i) => {
        const sim = entitySimilarity(w, s.weights[i] ?? new Map<string, number>()) + 0.5 * textSimilarity(d, other);
        score = Math.max(score, sim);
      });
      if (score > bestScore) {
        bestScore = score;
        best = s;
      }
    }
    if (best && bestScore >= threshold) {
      best.docs.push(d);
      best.weights.push(w);
      best.latest = Math.max(best.latest, time(d));
    } else stories.push({ docs: [d], weights: [w], latest: time(d) });
  }
  return stories.map((s) => ({ id: `story--${s.docs[0]?.id.replace(/^report--/, '') ?? ''}`, documents: s.docs }));
}
