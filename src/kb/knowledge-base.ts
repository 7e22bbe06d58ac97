// The knowledge base: records from every source merged into canonical entities, with an alias index.
import type { ExternalReference } from '../core/stix.js';
import { foldTerm } from '../text/fold.js';
import { kindFamily, type EntityAlias, type EntityKind, type IdentityRole, type KbEntity, type KbRecord } from './entity.js';
import { PLATFORM_SUFFIX } from './load-misp.js';

/** Where a KB came from and how big each source was, for `kizashi kb info`. */
export interface KbSourceInfo {
  readonly name: string;
  readonly version?: string;
  readonly records: number;
  readonly path?: string;
}

/** Lower number wins the canonical name and kind. */
function sourcePriority(source: string): number {
  if (source === 'mitre-attack') return 0;
  if (source === 'kizashi-starter') return 1;
  if (source.startsWith('misp:mitre-')) return 2;
  if (source === 'misp:threat-actor' || source === 'misp:producer') return 3;
  if (source.startsWith('misp:')) return 4;
  return 5;
}

export class KnowledgeBase {
  readonly entities: readonly KbEntity[];
  readonly sources: readonly KbSourceInfo[];
  /** One-kanji country abbreviations (米 → US), matched only in context. */
  readonly countryAbbreviations: Readonly<Record<string, string>>;
  private readonly byKey: Map<string, KbEntity>;
  private readonly byAlias: Map<string, KbEntity[]>;
  private readonly byMitreId: Map<string, KbEntity>;
  private readonly byCountry: Map<string, KbEntity>;

  private constructor(entities: KbEntity[], sources: KbSourceInfo[], countryAbbreviations: Record<string, string>) {
    this.entities = entities;
    this.sources = sources;
    this.countryAbbreviations = countryAbbreviations;
    this.byKey = new Map(entities.map((e) => [e.key, e]));
    this.byAlias = new Map();
    this.byMitreId = new Map();
    this.byCountry = new Map();
    for (const entity of entities) {
      if (entity.kind === 'location' && entity.country && !this.byCountry.has(entity.country)) this.byCountry.set(entity.country, entity);
      if (entity.mitreId) this.byMitreId.set(entity.mitreId.toUpperCase(), entity);
      for (const alias of entity.aliases) {
        const folded = foldTerm(alias.value);
        const list = this.byAlias.get(folded);
        if (!list) this.byAlias.set(folded, [entity]);
        else if (!list.includes(entity)) list.push(entity);
      }
    }
  }

  /**
   * Merge records from all sources into canonical entities.
   * Records merge when they share a MITRE id, have the same name, one's name is the other's alias, or they share
   * two aliases —
   * never two records of one source (a source lists distinct things), so alias chains cannot snowball.
   */
  static build(
    records: readonly KbRecord[],
    sources: readonly KbSourceInfo[] = [],
    countryAbbreviations: Readonly<Record<string, string>> = {},
  ): KnowledgeBase {
    // Within one priority, a name with Malpedia's platform suffix ("DarkSide (Windows)") names the entity last.
    // (Each record's rank is computed once: the sort compares ~30k records many times.)
    const rank = Int32Array.from(records, (r) => sourcePriority(r.source) * 2 + (PLATFORM_SUFFIX.test(r.name) ? 1 : 0));
    const sorted = [...records.keys()].sort((a, b) => (rank[a] ?? 0) - (rank[b] ?? 0)).flatMap((i) => records[i] ?? []);
    const groups = new UnionFind(sorted.map((r) => r.source));
    const tryJoin = (byKey: Map<string, number[]>): void => {
      for (const members of byKey.values()) {
        const first = members[0];
        if (first === undefined) continue;
        for (const other of members.slice(1)) groups.union(first, other);
      }
    };
    // 1. Same MITRE id.
    const byMitre = new Map<string, number[]>();
    sorted.forEach((r, i) => {
      if (r.mitreId) push(byMitre, `${kindFamily(r.kind)}|${r.mitreId.toUpperCase()}`, i);
    });
    tryJoin(byMitre);
    // 2. Same name.
    const byName = new Map<string, number[]>();
    sorted.forEach((r, i) => push(byName, `${kindFamily(r.kind)}|${foldTerm(r.name)}`, i));
    tryJoin(byName);
    // 3. One record's name is another's alias.
    const byAlias = new Map<string, number[]>();
    sorted.forEach((r, i) => {
      for (const alias of r.aliases) push(byAlias, `${kindFamily(r.kind)}|${foldTerm(alias)}`, i);
    });
    sorted.forEach((r, i) => {
      for (const j of byAlias.get(`${kindFamily(r.kind)}|${foldTerm(r.name)}`) ?? []) groups.union(j, i);
    });

    // 3b. ATT&CK and kizashi's own data are curated: a name they give as an alias is the same entity even where the
    // galaxies keep two entries of one source apart (APT29 and UNC2452, which ATT&CK merged).
    sorted.forEach((r, i) => {
      if (!CURATED_SOURCES.has(r.source)) return;
      for (const alias of r.aliases) {
        for (const j of byName.get(`${kindFamily(r.kind)}|${foldTerm(alias)}`) ?? []) {
          groups.union(i, j, true);
        }
      }
    });

    // 4. "Crimson RAT" (one galaxy) and "Crimson" (ATT&CK): a remote-access trojan named with and without the suffix.
    // And "Dharma Ransomware" beside the ransomware galaxy's "Dharma": one ransomware named with and without the
    // word, even within one source. Only there: "Snake Ransomware" is no Snake, "Akira Stealer" no Akira.
    sorted.forEach((r, i) => {
      if (kindFamily(r.kind) !== 'software') return;
      const stem = /^(.{3,}?)[ -]?RAT$/.exec(r.name)?.[1];
      if (stem) for (const j of byName.get(`software|${foldTerm(stem)}`) ?? []) groups.union(j, i);
      const bare = /^(.{3,}?) Ransomware$/i.exec(r.name)?.[1];
      if (bare)
        for (const j of byName.get(`software|${foldTerm(bare)}`) ?? [])
          if (sorted[j]?.source === 'misp:ransomware') groups.union(j, i, true);
    });

    // 5. Two records that share at least two aliases (a single shared alias is too weak: galaxies reuse them).
    const shared = new Map<string, number>();
    for (const list of byAlias.values()) {
      const unique = [...new Set(list)];
      if (unique.length < 2 || unique.length > 6) continue;
      for (let a = 0; a < unique.length; a++) {
        for (let b = a + 1; b < unique.length; b++) {
          const key = `${unique[a]}|${unique[b]}`;
          shared.set(key, (shared.get(key) ?? 0) + 1);
        }
      }
    }
    for (const [pair, count] of shared) {
      if (count < 2) continue;
      const [a, b] = pair.split('|').map(Number);
      if (a !== undefined && b !== undefined) groups.union(a, b);
    }

    const members = new Map<number, KbRecord[]>();
    sorted.forEach((r, i) => push(members, groups.find(i), r));
    const entities: KbEntity[] = [];
    const seenKeys = new Set<string>();
    for (const group of members.values()) {
      const entity = mergeRecords(group);
      if (seenKeys.has(entity.key)) continue; // two same-named entries of one source: keep the first
      seenKeys.add(entity.key);
      entities.push(entity);
    }
    return new KnowledgeBase(entities, [...sources], { ...countryAbbreviations });
  }

  /** Entities one alias (any spelling that folds the same) may name. */
  lookup(alias: string): readonly KbEntity[] {
    return this.byAlias.get(foldTerm(alias)) ?? [];
  }

  get(key: string): KbEntity | undefined {
    return this.byKey.get(key);
  }

  /** The location entity of an ISO 3166-1 alpha-2 code. */
  country(code: string): KbEntity | undefined {
    return this.byCountry.get(code.toUpperCase());
  }

  getByMitreId(id: string): KbEntity | undefined {
    return this.byMitreId.get(id.toUpperCase());
  }

  /** Every (folded alias → entities) pair, for building matchers. */
  aliasEntries(): IterableIterator<[string, KbEntity[]]> {
    return this.byAlias.entries();
  }

  countByKind(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const e of this.entities) counts[e.kind] = (counts[e.kind] ?? 0) + 1;
    return counts;
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Entity key: family plus folded canonical name. */
export function entityKey(kind: EntityKind, name: string): string {
  return `${kindFamily(kind)}:${foldTerm(name)}`;
}

function mergeRecords(group: readonly KbRecord[]): KbEntity {
  const primary = group[0];
  if (!primary) throw new Error('empty record group');
  const aliasSources = new Map<string, { value: string; sources: Set<string> }>();
  const addAlias = (value: string, source: string): void => {
    const trimmed = value.trim();
    if (!trimmed) return;
    const folded = foldTerm(trimmed);
    if (!folded) return;
    const existing = aliasSources.get(folded);
    if (existing) existing.sources.add(source);
    else aliasSources.set(folded, { value: trimmed, sources: new Set([source]) });
  };
  for (const r of group) {
    addAlias(r.name, r.source);
    for (const a of r.aliases) addAlias(a, r.source);
  }
  const aliases: EntityAlias[] = [...aliasSources.values()].map((a) => ({ value: a.value, sources: [...a.sources] }));
  const refs: ExternalReference[] = [];
  const seenRefs = new Set<string>();
  for (const r of group) {
    for (const ref of r.externalRefs ?? []) {
      const k = `${ref.source_name}|${ref.external_id ?? ''}|${ref.url ?? ''}`;
      if (!seenRefs.has(k)) {
        seenRefs.add(k);
        refs.push(ref);
      }
    }
  }
  const roles = new Set<IdentityRole>();
  for (const r of group) for (const role of r.roles ?? []) roles.add(role);
  const pick = <K extends keyof KbRecord>(field: K): KbRecord[K] | undefined =>
    group.find((r) => r[field] !== undefined && r[field] !== '')?.[field];
  const description = pick('description');
  const country = pick('country');
  const sector = pick('sector');
  const killChainPhases = pick('killChainPhases');
  const mitreId = pick('mitreId');
  const region = pick('region');
  const demonyms = pick('demonyms');
  const examples = group.flatMap((r) => r.examples ?? []);
  const phrases = group.flatMap((r) => r.phrases ?? []);
  const policy = pick('policy');
  const sponsors = [...new Set(group.flatMap((r) => r.sponsors ?? []))];
  const producers = [...new Set(group.flatMap((r) => r.producers ?? []))];
  const keeps = [...new Set(group.flatMap((r) => r.keeps ?? []))];
  return {
    key: entityKey(primary.kind, primary.name),
    kind: primary.kind,
    name: primary.name,
    aliases,
    sources: [...new Set(group.map((r) => r.source))],
    externalRefs: refs,
    roles: [...roles],
    ...(description ? { description } : {}),
    ...(country ? { country } : {}),
    ...(sector ? { sector } : {}),
    ...(killChainPhases ? { killChainPhases } : {}),
    ...(mitreId ? { mitreId } : {}),
    ...(region ? { region } : {}),
    ...(demonyms ? { demonyms } : {}),
    ...(examples.length > 0 ? { examples } : {}),
    ...(phrases.length > 0 ? { phrases } : {}),
    ...(policy ? { policy } : {}),
    ...(sponsors.length > 0 ? { sponsors } : {}),
    ...(producers.length > 0 ? { producers } : {}),
    ...(keeps.length > 0 ? { keeps } : {}),
    ...(group.some((r) => r.caseSensitive) ? { caseSensitive: true } : {}),
    ...(group.some((r) => r.needsContext) ? { needsContext: true } : {}),
  };
}

/** Sources whose aliases are curated, not collected: ATT&CK and kizashi's own data. */
const CURATED_SOURCES = new Set(['mitre-attack', 'kizashi-starter']);

/** Union-find over record indexes that refuses to join two groups holding records of the same source. */
class UnionFind {
  private readonly parent: number[];
  private readonly groupSources: Set<string>[];

  constructor(sources: readonly string[]) {
    this.parent = sources.map((_, i) => i);
    this.groupSources = sources.map((s) => new Set([s]));
  }

  find(i: number): number {
    let root = i;
    while (this.parent[root] !== root) root = this.parent[root] ?? root;
    let cur = i;
    while (this.parent[cur] !== root) {
      const next = this.parent[cur] ?? root;
      this.parent[cur] = root;
      cur = next;
    }
    return root;
  }

  /** Join the groups of `a` and `b`, unless they hold records of one source (or `curated` says they are one). */
  union(a: number, b: number, curated = false): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra === rb) return;
    const sa = this.groupSources[ra] ?? new Set<string>();
    const sb = this.groupSources[rb] ?? new Set<string>();
    // Even a curated alias never joins two objects of one curated source (ATT&CK's More_eggs lists SpicyOmelette,
    // which ATT&CK also has as an object of its own).
    for (const s of sb) if (sa.has(s) && (!curated || CURATED_SOURCES.has(s))) return;
    // Keep the lower index as root: records are sorted by priority, so the root is the canonical record.
    const [root, child] = ra < rb ? [ra, rb] : [rb, ra];
    this.parent[child] = root;
    const merged = new Set([...sa, ...sb]);
    this.groupSources[root] = merged;
  }
}
