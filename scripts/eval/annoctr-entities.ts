// AnnoCTR entity evaluation: mention-level P/R/F1 for GROUP, MALWARE, TOOL, LOC (countries) and ORG, and
// document-level F1 for the set of actors + malware + tools. Reads ../shared/data/eval/annoctr at run time.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KizashiDocument } from '../../src/core/document.js';
import { extractDocument, type Extractor } from '../../src/extract/extract-document.js';
import { kindFamily, type KbEntity } from '../../src/kb/entity.js';
import { foldTerm } from '../../src/text/fold.js';

export type Split = 'train' | 'dev' | 'test';
export const LABELS = ['GROUP', 'MALWARE', 'TOOL', 'LOC', 'ORG'] as const;
type Label = (typeof LABELS)[number];

interface Span {
  readonly label: Label;
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

export interface AnnoDoc {
  readonly name: string;
  readonly split: Split;
  readonly text: string;
  readonly gold: readonly Span[];
}

export interface Prf {
  tp: number;
  fp: number;
  fn: number;
}

export function prf(c: Prf): { p: number; r: number; f1: number } {
  const p = c.tp + c.fp === 0 ? 0 : c.tp / (c.tp + c.fp);
  const r = c.tp + c.fn === 0 ? 0 : c.tp / (c.tp + c.fn);
  return { p, r, f1: p + r === 0 ? 0 : (2 * p * r) / (p + r) };
}

/** Load AnnoCTR documents of the given splits, gold spans aligned to character offsets of the text files. */
export function loadAnnoCtr(dir: string, splits: readonly Split[]): AnnoDoc[] {
  const splitOf = new Map<string, Split>();
  for (const line of readFileSync(join(dir, 'splits.tsv'), 'utf8').split('\n')) {
    const [name, split] = line.trim().split('\t');
    if (name && (split === 'train' || split === 'dev' || split === 'test')) splitOf.set(name, split);
  }
  const docs: AnnoDoc[] = [];
  for (const [name, split] of splitOf) {
    if (!splits.includes(split)) continue;
    const textPath = join(dir, 'text', `${name}.txt`);
    const bioPath = join(dir, 'ner_bio', `${name}.bio`);
    if (!existsSync(textPath) || !existsSync(bioPath)) continue;
    const text = readFileSync(textPath, 'utf8');
    docs.push({ name, split, text, gold: alignBio(text, readFileSync(bioPath, 'utf8')) });
  }
  return docs;
}

/** BIO columns: token, ORG/LOC/SECTOR layer (1), …, entity layer with MALWARE/GROUP/TOOL (4). */
function alignBio(text: string, bio: string): Span[] {
  const spans: Span[] = [];
  let cursor = 0;
  const open: Partial<Record<1 | 4, { label: Label; start: number; end: number }>> = {};
  const close = (col: 1 | 4): void => {
    const o = open[col];
    if (o) spans.push({ ...o, text: text.slice(o.start, o.end) });
    open[col] = undefined;
  };
  for (const line of bio.split('\n')) {
    const cols = line.split('\t');
    const token = cols[0];
    if (!token || cols.length < 6 || token === '<DOCSTART>') {
      close(1);
      close(4);
      continue;
    }
    const at = text.indexOf(token, cursor);
    if (at < 0 || at - cursor > 200) continue; // token not in the text (rare tokenisation artefacts)
    const start = at;
    const end = at + token.length;
    cursor = end;
    for (const col of [1, 4] as const) {
      const tag = cols[col] ?? 'O';
      const label = tag.slice(2);
      const wanted = (LABELS as readonly string[]).includes(label) ? (label as Label) : undefined;
      if (tag.startsWith('B-')) {
        close(col);
        if (wanted) open[col] = { label: wanted, start, end };
      } else if (tag.startsWith('I-') && open[col]) {
        const o = open[col];
        if (o) o.end = end;
      } else close(col);
    }
  }
  close(1);
  close(4);
  return spans;
}

function labelOf(entity: KbEntity): Label | undefined {
  switch (entity.kind) {
    case 'intrusion-set':
    case 'threat-actor':
      return 'GROUP';
    case 'malware':
      return 'MALWARE';
    case 'tool':
      return 'TOOL';
    case 'location':
      return entity.country ? 'LOC' : undefined;
    case 'identity':
      return 'ORG';
    default:
      return undefined;
  }
}

export interface EntityEvalResult {
  readonly mentionStrict: Record<Label, Prf>;
  readonly mentionLenient: Record<Label, Prf>;
  readonly document: Prf;
  readonly docErrors: { doc: string; missed: string[]; spurious: string[] }[];
}

/** Evaluate the extractor on AnnoCTR documents. */
export function evaluateEntities(extractor: Extractor, docs: readonly AnnoDoc[]): EntityEvalResult {
  const zero = (): Record<Label, Prf> =>
    Object.fromEntries(LABELS.map((l) => [l, { tp: 0, fp: 0, fn: 0 }])) as unknown as Record<Label, Prf>;
  const strict = zero();
  const lenient = zero();
  const document: Prf = { tp: 0, fp: 0, fn: 0 };
  const docErrors: EntityEvalResult['docErrors'] = [];
  const kb = extractor.kb;
  for (const d of docs) {
    const doc: KizashiDocument = { id: `report--${d.name}`, title: d.name, text: d.text, lang: 'en', origin: d.name };
    const x = extractDocument(extractor, doc);
    const predicted: Span[] = [];
    for (const e of x.entities) {
      const label = labelOf(e.entity);
      if (!label) continue;
      for (const m of e.mentions) predicted.push({ label, start: m.start, end: m.end, text: m.surface });
    }
    // LOC is evaluated as countries: gold LOC spans that name a country (or its people).
    const gold = d.gold.filter(
      (g) => g.label !== 'LOC' || kb.lookup(g.text.split(' .').join('.')).some((e) => e.kind === 'location' && e.country !== undefined),
    );
    for (const label of LABELS) {
      const g = gold.filter((s) => s.label === label);
      const p = predicted.filter((s) => s.label === label);
      const gStrict = new Set(g.map((s) => `${s.start}:${s.end}`));
      const pStrict = new Set(p.map((s) => `${s.start}:${s.end}`));
      const tpS = [...pStrict].filter((k) => gStrict.has(k)).length;
      strict[label].tp += tpS;
      strict[label].fp += pStrict.size - tpS;
      strict[label].fn += gStrict.size - tpS;
      const overlaps = (a: Span, b: Span): boolean => a.start < b.end && b.start < a.end;
      const tpL = g.filter((gs) => p.some((ps) => overlaps(gs, ps))).length;
      lenient[label].tp += tpL;
      lenient[label].fn += g.length - tpL;
      lenient[label].fp += p.filter((ps) => !g.some((gs) => overlaps(gs, ps))).length;
    }
    // Document level: the set of actors, malware and tools, each named by its canonical entity where known.
    // A gold name is linked the way the extractor links text: the longest KB mention inside it.
    const canonical = (surface: string): string => {
      const found = extractor.gazetteer
        .find(surface, () => ({ start: 0, end: surface.length }))
        .filter((m) => kindFamily(m.entity.kind) === 'actor' || kindFamily(m.entity.kind) === 'software')
        .sort((a, b) => b.end - b.start - (a.end - a.start))[0];
      const hits = kb.lookup(surface).filter((e) => kindFamily(e.kind) === 'actor' || kindFamily(e.kind) === 'software');
      return found ? found.entity.key : hits[0] ? hits[0].key : `?:${foldTerm(surface)}`;
    };
    const goldSet = new Map<string, string>();
    const goldSoftware = d.gold.filter((g) => g.label === 'GROUP' || g.label === 'MALWARE' || g.label === 'TOOL');
    for (const g of goldSoftware) goldSet.set(canonical(g.text), g.text);
    const goldFolded = new Set([...goldSet.values()].map((t) => foldTerm(t)));
    const predSet = new Map<string, string>();
    for (const e of x.entities) {
      const fam = kindFamily(e.entity.kind);
      if (fam !== 'actor' && fam !== 'software') continue;
      // A predicted entity matches gold by canonical key, or by any surface the document used for it.
      const key = goldSet.has(e.entity.key)
        ? e.entity.key
        : (e.mentions.map((m) => `?:${foldTerm(m.surface)}`).find((k) => goldSet.has(k)) ?? e.entity.key);
      if (!goldSet.has(key) && e.mentions.some((m) => goldFolded.has(foldTerm(m.surface)))) {
        const hit = [...goldSet.entries()].find(([, t]) => e.mentions.some((m) => foldTerm(m.surface) === foldTerm(t)));
        if (hit) {
          predSet.set(hit[0], e.entity.name);
          continue;
        }
      }
      // Or by place: a mention of it covers a gold span ("Crimson RAT" where the annotator marked "Crimson").
      if (!goldSet.has(key)) {
        const covered = goldSoftware.find(
          (g) => e.mentions.some((m) => m.start < g.end && g.start < m.end) && !predSet.has(canonical(g.text)),
        );
        if (covered) {
          predSet.set(canonical(covered.text), e.entity.name);
          continue;
        }
      }
      predSet.set(key, e.entity.name);
    }
    const tp = [...predSet.keys()].filter((k) => goldSet.has(k)).length;
    document.tp += tp;
    document.fp += predSet.size - tp;
    document.fn += goldSet.size - tp;
    docErrors.push({
      doc: d.name,
      missed: [...goldSet.entries()].filter(([k]) => !predSet.has(k)).map(([, t]) => t),
      spurious: [...predSet.entries()].filter(([k]) => !goldSet.has(k)).map(([, n]) => n),
    });
  }
  return { mentionStrict: strict, mentionLenient: lenient, document, docErrors };
}
