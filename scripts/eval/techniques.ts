// Technique mapping evaluation: AnnoCTR document-level technique ids (linking_mitre_only) and TRAM sentence
// classification (single_label.json, split by doc_title so no report is in both train and test).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KnowledgeBase } from '../../src/kb/knowledge-base.js';
import { extractIndicators } from '../../src/extract/indicators.js';
import { TechniqueMapper, type LabelledSentence } from '../../src/extract/techniques.js';
import { splitSentences } from '../../src/text/sentences.js';
import { prf, type Prf, type Split } from './annoctr-entities.js';

/** Gold technique ids per AnnoCTR document. */
export function annoctrTechniqueGold(dir: string, split: Split): Map<string, { text: string; gold: Set<string> }> {
  const docs = new Map<string, { text: string; gold: Set<string> }>();
  for (const line of readFileSync(join(dir, 'splits.tsv'), 'utf8').split('\n')) {
    const [name, s] = line.trim().split('\t');
    if (!name || s !== split) continue;
    const gold = new Set<string>();
    for (const l of readFileSync(join(dir, 'linking_mitre_only', `${name}.json`), 'utf8').split('\n')) {
      if (!l.trim()) continue;
      const j = JSON.parse(l) as { entity_type?: string; label_link?: string };
      const m = /\/techniques\/(T\d{4})(?:\/(\d{3}))?/.exec(j.label_link ?? '');
      if (j.entity_type === 'TECHNIQUE' && m) gold.add(m[2] ? `${m[1]}.${m[2]}` : (m[1] ?? ''));
    }
    docs.set(name, { text: readFileSync(join(dir, 'text', `${name}.txt`), 'utf8'), gold });
  }
  return docs;
}

export interface DocTechniqueResult {
  readonly parent: Prf;
  readonly exact: Prf;
  readonly misses: Map<string, number>;
  readonly spurious: Map<string, number>;
}

/** Document-level P/R/F1 of technique ids, parent-level and exact. */
export function evaluateAnnoCtrTechniques(
  mapper: TechniqueMapper,
  docs: Map<string, { text: string; gold: Set<string> }>,
): DocTechniqueResult {
  const parent: Prf = { tp: 0, fp: 0, fn: 0 };
  const exact: Prf = { tp: 0, fp: 0, fn: 0 };
  const misses = new Map<string, number>();
  const spurious = new Map<string, number>();
  for (const { text, gold } of docs.values()) {
    const sentences = splitSentences(text);
    const starts = sentences.map((s) => s.start);
    const index = (o: number): number =>
      Math.max(
        0,
        starts.findLastIndex((s) => s <= o),
      );
    const predicted = new Set(mapper.map(text, sentences, index).map((m) => m.technique.mitreId ?? ''));
    for (const f of extractIndicators(text))
      if (f.kind === 'attack-id' && f.value.startsWith('T') && !f.value.startsWith('TA')) predicted.add(f.value);
    const count = (p: Set<string>, g: Set<string>, c: Prf, track: boolean): void => {
      for (const x of p) {
        if (g.has(x)) c.tp++;
        else {
          c.fp++;
          if (track) spurious.set(x, (spurious.get(x) ?? 0) + 1);
        }
      }
      for (const x of g) {
        if (!p.has(x)) {
          c.fn++;
          if (track) misses.set(x, (misses.get(x) ?? 0) + 1);
        }
      }
    };
    count(predicted, gold, exact, false);
    const up = (s: Set<string>): Set<string> => new Set([...s].map((x) => x.split('.')[0] ?? x));
    count(up(predicted), up(gold), parent, true);
  }
  return { parent, exact, misses, spurious };
}

interface TramRow {
  text: string;
  label: string;
  doc_title: string;
}

/** Deterministic split of TRAM by report: about 70% train, 10% dev, 20% test. */
export function tramSplit(path: string): Record<Split, TramRow[]> {
  const rows = JSON.parse(readFileSync(path, 'utf8')) as TramRow[];
  const out: Record<Split, TramRow[]> = { train: [], dev: [], test: [] };
  for (const r of rows) {
    const h = createHash('sha1').update(r.doc_title).digest()[0] ?? 0;
    out[h < 179 ? 'train' : h < 205 ? 'dev' : 'test'].push(r);
  }
  return out;
}

/** Top-1 accuracy and macro-F1 over TRAM's labels on `rows`, with the mapper restricted to those labels. */
export function evaluateTram(
  kb: KnowledgeBase,
  train: readonly TramRow[],
  rows: readonly TramRow[],
): { accuracy: number; macroF1: number; confusions: Map<string, number> } {
  const labels = new Set([...train, ...rows].map((r) => r.label));
  const extra: LabelledSentence[] = train.map((r) => ({ text: r.text, label: r.label }));
  const mapper = new TechniqueMapper(kb, { extraExamples: extra });
  const perLabel = new Map<string, Prf>();
  const get = (l: string): Prf => perLabel.get(l) ?? (perLabel.set(l, { tp: 0, fp: 0, fn: 0 }).get(l) as Prf);
  let correct = 0;
  const confusions = new Map<string, number>();
  for (const r of rows) {
    const guess = mapper.rank(r.text).find((c) => labels.has(c.label))?.label ?? 'none';
    if (guess === r.label) {
      correct++;
      get(r.label).tp++;
    } else {
      get(r.label).fn++;
      get(guess).fp++;
      const key = `${r.label}→${guess}`;
      confusions.set(key, (confusions.get(key) ?? 0) + 1);
    }
  }
  const f1s = [...labels].map((l) => prf(get(l)).f1);
  return { accuracy: correct / Math.max(1, rows.length), macroF1: f1s.reduce((a, b) => a + b, 0) / Math.max(1, f1s.length), confusions };
}
