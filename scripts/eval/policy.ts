// Policy extraction on kizashi's own English and Japanese test texts (scripts/eval/policy-cases.yaml): instruments,
// stances (with negation) and actor roles, scored as sets per case. Shared by `npm run eval` and the policy test.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { extractDocument, type Extractor } from '../../src/extract/extract-document.js';

interface Case {
  split: PolicySplit;
  id: string;
  lang: 'ja' | 'en';
  text: string;
  instruments?: { name: string; kind: string }[];
  stances?: { party: string; type: string; instrument: string; negated?: boolean }[];
  roles?: { entity: string; role: string }[];
  sponsors?: { mercenary: string; sponsor: string }[];
}

export interface Counts {
  tp: number;
  fp: number;
  fn: number;
}

export interface PolicyEvaluation {
  readonly cases: number;
  readonly instruments: Counts;
  readonly instrumentKinds: Counts;
  readonly stances: Counts;
  readonly negatedStances: Counts;
  readonly roles: Counts;
  readonly sponsors: Counts;
  readonly byLang: Record<'ja' | 'en', Counts>;
  readonly errors: { id: string; missed: string[]; spurious: string[] }[];
}

/** dev: tuned on; test: the first held-out batch; test2: the second, written 2026-12-03. */
export type PolicySplit = 'dev' | 'test' | 'test2';

export function loadPolicyCases(split?: PolicySplit): Case[] {
  const cases = (parse(readFileSync(join(import.meta.dirname, 'policy-cases.yaml'), 'utf8')) as { cases: Case[] }).cases;
  return split ? cases.filter((c) => c.split === split) : cases;
}

const empty = (): Counts => ({ tp: 0, fp: 0, fn: 0 });

function score(gold: Set<string>, found: Set<string>, into: Counts[], missed: string[], spurious: string[]): void {
  for (const g of gold) {
    if (found.has(g)) for (const c of into) c.tp++;
    else {
      for (const c of into) c.fn++;
      missed.push(g);
    }
  }
  for (const f of found) {
    if (gold.has(f)) continue;
    for (const c of into) c.fp++;
    spurious.push(f);
  }
}

export function evaluatePolicy(extractor: Extractor, cases: readonly Case[] = loadPolicyCases()): PolicyEvaluation {
  const r = {
    instruments: empty(),
    instrumentKinds: empty(),
    stances: empty(),
    negatedStances: empty(),
    roles: empty(),
    sponsors: empty(),
    byLang: { ja: empty(), en: empty() },
  };
  const errors: PolicyEvaluation['errors'] = [];
  for (const c of cases) {
    const x = extractDocument(extractor, { id: `report--${c.id}`, title: '', text: c.text, lang: c.lang, origin: c.id });
    const name = new Map(x.entities.map((e) => [e.entity.key, e.entity.name]));
    const instruments = x.entities.filter((e) => e.entity.kind === 'policy-instrument');
    const missed: string[] = [];
    const spurious: string[] = [];
    const lang = r.byLang[c.lang];
    score(
      new Set((c.instruments ?? []).map((i) => i.name)),
      new Set(instruments.map((e) => e.entity.name)),
      [r.instruments, lang],
      missed,
      spurious,
    );
    score(
      new Set((c.instruments ?? []).map((i) => `${i.name}:${i.kind}`)),
      new Set(instruments.map((e) => `${e.entity.name}:${e.entity.policy?.kind ?? '?'}`)),
      [r.instrumentKinds],
      [],
      [],
    );
    const stanceTypes = new Set(['supports', 'opposes', 'criticizes', 'signs', 'joins', 'proposes', 'listed-under']);
    const stanceKey = (party: string, type: string, instrument: string, negated: boolean): string =>
      `${party} ${negated ? 'NOT ' : ''}${type} ${instrument}`;
    const goldStances = new Set((c.stances ?? []).map((s) => stanceKey(s.party, s.type, s.instrument, s.negated ?? false)));
    const foundStances = new Set(
      x.relations
        .filter((rel) => stanceTypes.has(rel.type))
        .map((rel) => stanceKey(name.get(rel.source) ?? rel.source, rel.type, name.get(rel.target) ?? rel.target, rel.negated ?? false)),
    );
    score(goldStances, foundStances, [r.stances, lang], missed, spurious);
    score(
      new Set([...goldStances].filter((s) => s.includes(' NOT '))),
      new Set([...foundStances].filter((s) => s.includes(' NOT '))),
      [r.negatedStances],
      [],
      [],
    );
    score(
      new Set((c.roles ?? []).map((g) => `${g.entity} as ${g.role}`)),
      new Set(x.roles.map((g) => `${name.get(g.entity) ?? g.entity} as ${g.role}`)),
      [r.roles, lang],
      missed,
      spurious,
    );
    score(
      new Set((c.sponsors ?? []).map((g) => `${g.mercenary} for ${g.sponsor}`)),
      new Set(
        x.relations
          .filter((rel) => rel.type === 'works-for' || rel.type === 'supplies')
          .map((rel) => `${name.get(rel.source) ?? rel.source} for ${name.get(rel.target) ?? rel.target}`),
      ),
      [r.sponsors, lang],
      missed,
      spurious,
    );
    if (missed.length + spurious.length > 0) errors.push({ id: c.id, missed, spurious });
  }
  return { cases: cases.length, ...r, errors };
}
