// ATT&CK technique mapping from prose: technique names and curated Japanese phrases (exact), and described
// behaviour scored against ATT&CK's own procedure examples with BM25 (k nearest examples vote). Offline, pure.
import type { KbEntity } from '../kb/entity.js';
import type { KnowledgeBase } from '../kb/knowledge-base.js';
import { isEnglishWord } from '../kb/english-words.js';
import { foldText, foldTerm, insideLatinWord, INSIDE_WORD_AT_LETTER, type FoldedText } from '../text/fold.js';
import { isLatinAlnum } from '../text/language.js';
import type { Sentence } from '../text/sentences.js';
import { AhoCorasick } from './aho-corasick.js';

export interface TechniqueMention {
  readonly technique: KbEntity;
  readonly start: number;
  readonly end: number;
  readonly sentence: number;
  /** 0–100. */
  readonly confidence: number;
  readonly method: 'name' | 'phrase' | 'similarity';
}

/** A labelled example sentence for the similarity index. */
export interface LabelledSentence {
  readonly text: string;
  /** ATT&CK technique id. */
  readonly label: string;
}

export interface TechniqueMapperOptions {
  /** Extra labelled sentences (e.g. a training split) added to ATT&CK's procedure examples. */
  readonly extraExamples?: readonly LabelledSentence[];
  /** Minimum BM25 vote for a similarity match (tuned on AnnoCTR train). */
  readonly threshold?: number;
  /** Neighbours that vote. */
  readonly k?: number;
  /** How much the best label must outscore the second (1 = no margin). */
  readonly margin?: number;
}

const STOPWORDS = new Set(
  `a an the and or of to in on at by for from with without into onto over under as is are was were be been being has have had
  do does did this that these those it its their them they he she we you i our your his her not no can could may might will would
  also such than then there here which who whom what when where while after before during via using use used uses other another
  some any all each both more most many much very so if but about against between through within new one two three first second
  may able well like just only same etc based including include includes included known observed reported report reports said
  group actor actors attacker attackers adversary adversaries threat malware campaign operators operator`.split(/\s+/),
);

const isLowerAlnum = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 48 && c <= 57);
const isKanaKanji = (c: number): boolean => (c >= 0x3040 && c <= 0x30ff) || (c >= 0x4e00 && c <= 0x9fff);

/**
 * Lowercase word tokens with a light English stem; Japanese runs become character bigrams (unless `bigrams` is
 * false: an index without Japanese examples has none to match). A word is a run of letters and digits that may hold
 * `_`, `.` and `-` but starts and ends with a letter or digit ("cmd.exe", "t1059-001"). One loop over the
 * characters: this runs on every sentence of every document.
 */
export function tokenize(text: string, bigrams = true): string[] {
  const out: string[] = [];
  const s = text.toLowerCase();
  const n = s.length;
  let i = 0;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (isLowerAlnum(c)) {
      let last = i;
      for (let j = i + 1; j < n; j++) {
        const d = s.charCodeAt(j);
        if (isLowerAlnum(d)) last = j;
        else if (d !== 95 && d !== 46 && d !== 45) break; // _ . -
      }
      if (last > i) {
        const w = s.slice(i, last + 1);
        if (!STOPWORDS.has(w) && !(c <= 57 && ALL_DIGITS.test(w))) out.push(stem(w));
      }
      i = last + 1;
    } else if (isKanaKanji(c)) {
      let j = i + 1;
      while (j < n && isKanaKanji(s.charCodeAt(j))) j++;
      if (bigrams) for (let k = i; k + 1 < j; k++) out.push(s.slice(k, k + 2));
      i = j;
    } else i++;
  }
  return out;
}

const ALL_DIGITS = /^\d+$/;

function stem(w: string): string {
  if (w.length > 5 && w.endsWith('ies')) return `${w.slice(0, -3)}y`;
  if (w.length > 5 && w.endsWith('ing')) return w.slice(0, -3);
  if (w.length > 4 && w.endsWith('ed')) return w.slice(0, -2);
  if (w.length > 4 && w.endsWith('es') && !w.endsWith('ses')) return w.slice(0, -2);
  if (w.length > 3 && w.endsWith('s') && !w.endsWith('ss')) return w.slice(0, -1);
  return w;
}

/** BM25 index over labelled sentences; a query's k best neighbours vote for their labels. */
class Bm25Knn {
  /** Per token: documents and their BM25 weights for it (computed once at build), as flat typed arrays. */
  private readonly postings = new Map<string, { docs: Int32Array; weights: Float64Array }>();
  /** Label of each example, as an index into labelNames. */
  private readonly labelOf: Int32Array;
  private readonly labelNames: string[] = [];
  // Scratch space reused by every vote: per-example scores, the examples touched, the k best, per-label sums.
  private readonly scores: Float64Array;
  private readonly touched: Int32Array;
  private readonly topDocs: Int32Array;
  private readonly topScores: Float64Array;
  private readonly labelScores: Float64Array;
  /** Whether any example has Japanese: if none has, a query's Japanese bigrams can match nothing and are not made. */
  private readonly bigrams: boolean;

  constructor(examples: readonly LabelledSentence[], k: number) {
    const k1 = 1.2;
    const b = 0.75;
    const lengths: number[] = [];
    const labelIndex = new Map<string, number>();
    this.labelOf = new Int32Array(examples.length);
    const build = new Map<string, { docs: number[]; tfs: number[] }>();
    examples.forEach((e, doc) => {
      const tokens = tokenize(e.text);
      lengths.push(tokens.length);
      let label = labelIndex.get(e.label);
      if (label === undefined) {
        label = this.labelNames.length;
        labelIndex.set(e.label, label);
        this.labelNames.push(e.label);
      }
      this.labelOf[doc] = label;
      const tf = new Map<string, number>();
      for (const t of tokens) tf.set(t, (tf.get(t) ?? 0) + 1);
      for (const [t, n] of tf) {
        const list = build.get(t) ?? { docs: [], tfs: [] };
        list.docs.push(doc);
        list.tfs.push(n);
        build.set(t, list);
      }
    });
    const n = lengths.length;
    const avg = lengths.reduce((x, y) => x + y, 0) / Math.max(1, n);
    // Length normalisation folded in at build time: score = idf · tf·(k1+1) / (tf + norm[doc]).
    const norms = Float64Array.from(lengths, (len) => k1 * (1 - b + (b * len) / avg));
    for (const [t, list] of build) {
      if (list.docs.length > n * 0.2) continue; // near-stopwords carry no signal
      const idf = Math.log(1 + (n - list.docs.length + 0.5) / (list.docs.length + 0.5)) * (k1 + 1);
      const weights = Float64Array.from(list.docs, (doc, i) => {
        const tf = list.tfs[i] ?? 0;
        return (idf * tf) / (tf + (norms[doc] ?? 1));
      });
      this.postings.set(t, { docs: Int32Array.from(list.docs), weights });
    }
    this.scores = new Float64Array(n);
    this.touched = new Int32Array(n);
    this.topDocs = new Int32Array(k);
    this.topScores = new Float64Array(k);
    this.labelScores = new Float64Array(this.labelNames.length);
    this.bigrams = [...this.postings.keys()].some((t) => isKanaKanji(t.charCodeAt(0)));
  }

  /** Labels ranked by the summed BM25 scores of the k nearest examples (k at most the k given at build). */
  vote(text: string, k: number): { label: string; score: number }[] {
    const { scores, touched, topDocs, topScores, labelScores, labelOf } = this;
    k = Math.min(k, topDocs.length);
    let touchedCount = 0;
    for (const t of new Set(tokenize(text, this.bigrams))) {
      const p = this.postings.get(t);
      if (!p) continue;
      const { docs, weights } = p;
      for (let i = 0; i < docs.length; i++) {
        const doc = docs[i] ?? 0;
        if (scores[doc] === 0) touched[touchedCount++] = doc;
        scores[doc] = (scores[doc] ?? 0) + (weights[i] ?? 0);
      }
    }
    // Top k kept sorted by insertion (k is about a dozen; ties keep the earlier-touched example first), resetting
    // the touched scores on the way.
    let kept = 0;
    for (let i = 0; i < touchedCount; i++) {
      const doc = touched[i] ?? 0;
      const sc = scores[doc] ?? 0;
      scores[doc] = 0;
      if (kept === k && sc <= (topScores[k - 1] ?? 0)) continue;
      let at = kept < k ? kept++ : k - 1;
      for (; at > 0 && (topScores[at - 1] ?? 0) < sc; at--) {
        topScores[at] = topScores[at - 1] ?? 0;
        topDocs[at] = topDocs[at - 1] ?? 0;
      }
      topScores[at] = sc;
      topDocs[at] = doc;
    }
    for (let rank = 0; rank < kept; rank++) {
      const label = labelOf[topDocs[rank] ?? 0] ?? 0;
      labelScores[label] = (labelScores[label] ?? 0) + (topScores[rank] ?? 0) / (1 + rank * 0.3);
    }
    const out: { label: string; score: number }[] = [];
    for (let rank = 0; rank < kept; rank++) {
      const label = labelOf[topDocs[rank] ?? 0] ?? 0;
      const score = labelScores[label] ?? 0;
      if (score === 0) continue; // already listed
      out.push({ label: this.labelNames[label] ?? '', score });
      labelScores[label] = 0;
    }
    return out.sort((x, y) => y.score - x.score);
  }
}

/** Compiled technique mapper for one KB. */
export class TechniqueMapper {
  private readonly byId = new Map<string, KbEntity>();
  private readonly exact: AhoCorasick;
  private readonly exactTargets: { entity: KbEntity; method: 'name' | 'phrase'; latin: boolean }[] = [];
  private readonly knn: Bm25Knn | undefined;
  private readonly threshold: number;
  private readonly k: number;
  private readonly margin: number;

  constructor(kb: KnowledgeBase, options: TechniqueMapperOptions = {}) {
    const patterns: string[] = [];
    const examples: LabelledSentence[] = [...(options.extraExamples ?? [])];
    for (const e of kb.entities) {
      if (e.kind !== 'attack-pattern' || !e.mitreId?.startsWith('T')) continue;
      this.byId.set(e.mitreId, e);
      // Names: multi-word ("Scheduled Task") or not an ordinary word ("PowerShell", "Rundll32").
      const name = e.name;
      if (name.length >= 4 && (name.includes(' ') || !isEnglishWord(name))) {
        patterns.push(foldTerm(name));
        this.exactTargets.push({ entity: e, method: 'name', latin: true });
      }
      for (const phrase of e.phrases ?? []) {
        patterns.push(foldTerm(phrase));
        this.exactTargets.push({ entity: e, method: 'phrase', latin: /^[A-Za-z]/.test(phrase) });
      }
      for (const ex of e.examples ?? []) examples.push({ text: ex, label: e.mitreId });
      examples.push({
        text: `${e.name}. ${(e.description ?? '')
          .split(/(?<=\.)\s/)
          .slice(0, 2)
          .join(' ')}`,
        label: e.mitreId,
      });
    }
    this.exact = new AhoCorasick(patterns);
    this.k = options.k ?? 12;
    this.knn = examples.length > 0 ? new Bm25Knn(examples, this.k) : undefined;
    this.threshold = options.threshold ?? 40;
    this.margin = options.margin ?? 1.5;
  }

  technique(id: string): KbEntity | undefined {
    return this.byId.get(id);
  }

  /**
   * Best technique labels for one sentence by similarity (no threshold), for evaluation and tuning.
   * @example mapper.rank('The malware used PowerShell to download a payload')[0]?.label // 'T1059.001'
   */
  rank(sentence: string): { label: string; score: number }[] {
    return this.knn?.vote(sentence, this.k) ?? [];
  }

  /** Technique mentions in a text: exact names and phrases, then similarity for sentences with none. */
  map(
    text: string,
    sentences: readonly Sentence[],
    sentenceIndex: (offset: number) => number,
    folded: FoldedText = foldText(text),
  ): TechniqueMention[] {
    const out: TechniqueMention[] = [];
    const seen = new Set<string>();
    // Latin names and phrases cannot start inside a Latin word (the boundary rule below); others start anywhere.
    this.exact.scanFrom(folded.text, insideLatinWord(text, folded), INSIDE_WORD_AT_LETTER, (p, fs, fe) => {
      const target = this.exactTargets[p];
      if (!target) return;
      const start = folded.start[fs] ?? 0;
      const end = folded.end[fe - 1] ?? start;
      if (target.latin && (isLatinAlnum(text.charCodeAt(start - 1)) || isLatinAlnum(text.charCodeAt(end)))) return;
      const key = `${target.entity.key}|${start}`;
      if (seen.has(key)) return;
      seen.add(key);
      out.push({
        technique: target.entity,
        start,
        end,
        sentence: sentenceIndex(start),
        confidence: target.method === 'name' ? 90 : 80,
        method: target.method,
      });
    });
    const covered = new Set(out.map((m) => m.sentence));
    sentences.forEach((s, index) => {
      if (covered.has(index) || s.text.length < 25) return;
      const [best, second] = this.rank(s.text);
      // A clear winner only: the best label must beat the runner-up by a margin.
      if (!best || best.score < this.threshold || (second && second.score * this.margin > best.score)) return;
      const technique = this.byId.get(best.label);
      if (!technique) return;
      const confidence = Math.min(85, Math.round(30 + (best.score - this.threshold) * 2));
      out.push({ technique, start: s.start, end: s.end, sentence: index, confidence, method: 'similarity' });
    });
    return out;
  }
}
