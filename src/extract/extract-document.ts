// The extraction pipeline's pure core: a document and a compiled KB in, entities with evidence and
// sentence-level relationships out. No I/O.
import type { KizashiDocument } from '../core/document.js';
import type { EntityKind, KbEntity } from '../kb/entity.js';
import type { KnowledgeBase } from '../kb/knowledge-base.js';
import { foldText } from '../text/fold.js';
import { splitSentences, type Sentence } from '../text/sentences.js';
import { Warninglists } from '../kb/warninglists.js';
import { findPatternEntities, institutionSpans, patternEntity } from './entity-patterns.js';
import { Gazetteer, LIST_GAP } from './gazetteer.js';
import { extractIndicators, hostOf, type IndicatorKind } from './indicators.js';
import {
  findActorRoles,
  findNewInstruments,
  findStances,
  OWN_INTRUSION,
  OWN_SYSTEMS,
  type ActorRole,
  type BystanderRole,
  type PolicyRelation,
} from './policy.js';
import { TechniqueMapper } from './techniques.js';

export interface Mention {
  readonly start: number;
  readonly end: number;
  readonly surface: string;
  /** KB alias that matched (the surface itself for pattern matches). */
  readonly alias: string;
  readonly sentence: number;
  readonly confidence: number;
}

export interface ExtractedEntity {
  readonly entity: KbEntity;
  readonly mentions: readonly Mention[];
  /** Highest mention confidence. */
  readonly confidence: number;
}

export type RelationType = 'uses' | 'targets' | 'originates-from' | 'related-to' | PolicyRelation['type'];

export interface ExtractedRelation {
  readonly type: RelationType;
  readonly source: string;
  readonly target: string;
  readonly sentence: number;
  readonly confidence: number;
  /** A stance stated as not taken ("did not sign", 賛同しなかった). */
  readonly negated?: boolean;
}

export interface IndicatorMention {
  readonly start: number;
  readonly end: number;
  /** As written (possibly defanged). */
  readonly raw: string;
  readonly defanged: boolean;
  readonly sentence: number;
}

/** One indicator (kind + refanged value) with every place it appears. */
export interface ExtractedIndicator {
  readonly kind: IndicatorKind;
  readonly value: string;
  /** Warninglists that flag it as probably harmless. */
  readonly warnings: readonly string[];
  readonly mentions: readonly IndicatorMention[];
}

export interface Extraction {
  readonly document: KizashiDocument;
  readonly sentences: readonly Sentence[];
  readonly entities: readonly ExtractedEntity[];
  readonly relations: readonly ExtractedRelation[];
  readonly indicators: readonly ExtractedIndicator[];
  /** Roles the document gives actors: victim, infrastructure provider, cyber mercenary. */
  readonly roles: readonly ActorRole[];
}

/** A KB compiled for extraction: build once, extract many documents. */
export interface Extractor {
  readonly kb: KnowledgeBase;
  readonly gazetteer: Gazetteer;
  readonly warninglists: Warninglists;
  readonly techniques: TechniqueMapper;
}

/** Compile a knowledge base for extraction (about a second for the full ATT&CK + MISP KB). */
export function createExtractor(kb: KnowledgeBase, warninglists: Warninglists = new Warninglists([])): Extractor {
  return { kb, gazetteer: new Gazetteer(kb), warninglists, techniques: new TechniqueMapper(kb) };
}

/**
 * Extract entities and relationships from one document.
 * @example extractDocument(createExtractor(kb), doc).entities.map((e) => e.entity.name)
 */
export function extractDocument(extractor: Extractor, doc: KizashiDocument): Extraction {
  const text = doc.text;
  const sentences = splitSentences(text);
  const sentenceIndex = makeSentenceIndex(sentences, text.length);
  const sentenceOf = (offset: number): { start: number; end: number } => sentences[sentenceIndex(offset)] ?? { start: 0, end: text.length };
  const folded = foldText(text);
  let kbMentions = [...extractor.gazetteer.find(text, sentenceOf, folded)];
  const found = extractIndicators(text);
  const indicators = groupIndicators(found, extractor.warninglists, sentenceIndex, sourceSite(doc.url));
  // URLs, paths, registry keys and user agents hide words that look like names ("/emotet/", "Microsoft\\Windows",
  // "Mozilla/5.0"): an entity mention inside one is not a mention.
  // So do link targets in Markdown, relative ones included ("](/blogs/research/adwind-rat)").
  const hidden: (readonly [number, number])[] = found
    .filter((f) => f.kind === 'url' || f.kind === 'file-path' || f.kind === 'registry-key' || f.kind === 'email' || f.kind === 'user-agent')
    .map((h) => [h.start, h.end] as const);
  for (const m of text.matchAll(/\]\(([^()\s]{1,2000})\)/g)) hidden.push([m.index + 2, m.index + 2 + (m[1]?.length ?? 0)]);
  const hiddenAt = spanIndex(hidden.sort((a, b) => a[0] - b[0]));
  // A name inside a domain ("rakuten" in rakuten-sec[.]co-jp[.]top) is no mention either; a name that is the whole
  // domain ("Sekoia.io") still is.
  const domains = found
    .filter((f) => f.kind === 'domain')
    .map((f) => [f.start, f.end] as const)
    .sort((a, b) => a[0] - b[0]);
  const inDomain = spanIndex(domains);
  const wholeDomain = new Set(domains.map(([start, end]) => `${start}:${end}`));
  // "United Arab Emirates (UAE)" abbreviates a mention of the same entity; "Turla Driver Loader (TDL)" names no TDL4.
  const entityEndingAt = new Map(kbMentions.map((m) => [m.end, m.entity.key]));
  kbMentions = kbMentions.filter(
    (m) =>
      !hiddenAt(m.start, m.end) &&
      !(inDomain(m.start, m.end) && !wholeDomain.has(`${m.start}:${m.end}`)) &&
      !(
        definedAbbreviation(text, m.start, m.end) &&
        entityEndingAt.get(m.start - 2) !== m.entity.key &&
        entityEndingAt.get(m.start - 1) !== m.entity.key
      ),
  );
  // A hospital or university named in full (岡山県精神科医療センター, 中国労災病院) is one name: a place inside it
  // names no place, and a sector word inside it (医療) stays the institution's sector without hiding its name.
  const institutions = institutionSpans(text);
  const insideInstitution = (m: { start: number; end: number }): boolean =>
    institutions.some(([start, end]) => start <= m.start && m.end <= end && end - start > m.end - m.start);
  if (institutions.length > 0) kbMentions = kbMentions.filter((m) => m.entity.kind !== 'location' || !insideInstitution(m));
  const taken = kbMentions
    .filter((m) => institutions.length === 0 || m.entity.kind !== 'sector' || !insideInstitution(m))
    .map((m) => [m.start, m.end] as const)
    .sort((a, b) => a[0] - b[0]);
  const overlaps = spanIndex(taken);
  const patternMentions = fullNames(findPatternEntities(text, extractor.kb, overlaps, institutions));

  const byKey = new Map<string, { entity: KbEntity; mentions: Mention[] }>();
  const add = (entity: KbEntity, m: Omit<Mention, 'sentence'>): void => {
    let slot = byKey.get(entity.key);
    if (!slot) {
      slot = { entity, mentions: [] };
      byKey.set(entity.key, slot);
    }
    // Bounded work on hostile input: past MAX_MENTIONS an entity's further mentions add no evidence worth the cost.
    const list = slot.mentions;
    if (list.length >= MAX_MENTIONS) return;
    // An entity's mentions are kept in text order and never overlap, so only the neighbours of the new one's place
    // can overlap it (a binary search, not a scan: an entity can have hundreds of mentions).
    const at = countBefore(list.length, (i) => (list[i]?.start ?? 0) < m.start);
    const prev = list[at - 1];
    if (prev && prev.start < m.end && m.start < prev.end) return;
    for (let i = at; i < list.length && (list[i]?.start ?? 0) < m.end; i++) if (m.start < (list[i]?.end ?? 0)) return;
    const mention: Mention = {
      start: m.start,
      end: m.end,
      surface: m.surface,
      alias: m.alias,
      confidence: m.confidence,
      sentence: sentenceIndex(m.start),
    };
    if (at === list.length) list.push(mention);
    else list.splice(at, 0, mention);
  };
  for (const m of kbMentions) add(m.entity, { start: m.start, end: m.end, surface: m.surface, alias: m.alias, confidence: m.confidence });
  // Characters already named by a pattern match (a bitmap: 1 MB of one name repeated makes 80k matches, and a list
  // of spans checked for each would be quadratic).
  const patternCover = new Coverage(text.length);
  for (const m of patternMentions) {
    if (patternCover.overlaps(m.start, m.end)) continue;
    patternCover.cover(m.start, m.end);
    add(m.entity, { start: m.start, end: m.end, surface: m.surface, alias: m.surface, confidence: m.confidence });
  }
  // Policy instruments the KB does not know yet, from their shape ("the X Process", 〜条約, Executive Order 14110).
  // A short form of an instrument the document names in full is that instrument: a headline's サイバー犯罪条約 is the
  // 国連サイバー犯罪条約 of its body (and, alone, could as well be the Budapest Convention).
  // (The first instrument named, in the document's order, whose mention ends with the short form.)
  const knownInstruments = [...byKey.values()].filter((slot) => slot.entity.kind === 'policy-instrument');
  const instrumentRank = new Map(knownInstruments.map((slot, rank) => [slot.entity.key, rank]));
  const shortForms = new SuffixIndex(1);
  for (const [rank, slot] of knownInstruments.entries()) for (const m of slot.mentions) shortForms.add(m.surface, slot.entity, rank);
  const newInstruments = findNewInstruments(text);
  // A measure that a law or an order named before it in its sentence lays down is that instrument's provision, not
  // one more instrument: "the Cyber Security Act … obliges businesses … to report ransomware payments".
  const lawStarts = [
    ...kbMentions.filter((m) => m.entity.kind === 'policy-instrument' && PROVIDING_KINDS.has(m.entity.policy?.kind ?? '')),
    ...newInstruments.filter((f) => !f.measure && PROVIDING_KINDS.has(f.kind)),
  ]
    .map((m) => m.start)
    .sort((a, b) => a - b);
  const providedBy = (found: { start: number }): boolean => {
    // The last law named before the measure, found by bisection (a hostile text may name thousands of each).
    let lo = 0;
    let hi = lawStarts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((lawStarts[mid] ?? 0) < found.start) lo = mid + 1;
      else hi = mid;
    }
    return lo > 0 && (lawStarts[lo - 1] ?? -1) >= sentenceOf(found.start).start;
  };
  for (const found of newInstruments) {
    if (overlaps(found.start, found.end) || patternCover.overlaps(found.start, found.end)) continue;
    if (found.measure && providedBy(found)) continue;
    const named = found.measure ? measureNames(found, found.measure.nameJa, kbMentions, sentenceOf(found.start), extractor.kb) : undefined;
    const p = named ? { ...found, name: named.name } : found;
    patternCover.cover(p.start, p.end);
    const entity =
      extractor.kb.lookup(p.name).find((e) => e.kind === 'policy-instrument') ??
      shortForms.owner('policy-instrument', p.name) ??
      patternEntity('policy-instrument', p.name, {
        policy: { kind: p.kind },
        ...(named ? { aliases: [p.name, named.nameJa].map((value) => ({ value, sources: ['kizashi-pattern'] })) } : {}),
      });
    const surface = text.slice(p.start, p.end);
    const kept = byKey.get(entity.key)?.mentions.length ?? 0;
    add(entity, { start: p.start, end: p.end, surface, alias: p.name, confidence: 55 });
    // A mention a known instrument gains here is one more full form to end with.
    const rank = instrumentRank.get(entity.key);
    if (rank !== undefined && (byKey.get(entity.key)?.mentions.length ?? 0) > kept) shortForms.add(surface, entity, rank);
  }
  // A designation by an agency that keeps a sanctions list lists there, though the text may not name the list
  // ("OFAC sanctioned Intellexa's founder", 米財務省は…を制裁対象に指定した): the designating words are its mention.
  const keepers = [...byKey.values()].filter((slot) => (slot.entity.keeps ?? []).length > 0);
  const namingInstrument = new Set(
    keepers.length === 0
      ? []
      : [...byKey.values()]
          .filter((slot) => slot.entity.kind === 'policy-instrument')
          .flatMap((slot) => slot.mentions.map((m) => m.sentence)),
  );
  for (const slot of keepers) {
    const list = (slot.entity.keeps ?? [])
      .map((name) => extractor.kb.lookup(name).find((e) => e.kind === 'policy-instrument'))
      .find((e) => e !== undefined);
    if (!list) continue;
    for (const m of slot.mentions) {
      const sentence = sentences[m.sentence];
      const cue = sentence && !namingInstrument.has(m.sentence) ? DESIGNATION.exec(text.slice(m.end, sentence.end)) : null;
      if (!cue) continue;
      const start = m.end + cue.index;
      add(list, { start, end: start + cue[0].length, surface: cue[0], alias: cue[0], confidence: 60 });
      namingInstrument.add(m.sentence);
    }
  }
  // CVE ids (any spelling: "CVE-2024-3400", "cve 2014-1001") are vulnerabilities.
  for (const f of found) {
    if (f.kind !== 'cve') continue;
    const entity = patternEntity('vulnerability', f.value, { externalRefs: [{ source_name: 'cve', external_id: f.value }] });
    add(entity, { start: f.start, end: f.end, surface: f.raw, alias: f.value, confidence: 100 });
  }
  // ATT&CK ids written in the text name techniques, tactics, groups and software of the KB.
  for (const f of found) {
    if (f.kind !== 'attack-id' || hiddenAt(f.start, f.end)) continue; // a link to attack.mitre.org/groups/G0040 is not prose
    const entity = extractor.kb.getByMitreId(f.value);
    if (entity) add(entity, { start: f.start, end: f.end, surface: f.raw, alias: f.value, confidence: 100 });
  }
  // Techniques: names, curated phrases and described behaviour; not a word inside the name of an instrument or an
  // organisation ("Ransomware" in the Counter Ransomware Initiative is no encryption).
  const namedSpans = spanIndex(
    kbMentions
      .filter((m) => m.entity.kind === 'policy-instrument' || m.entity.kind === 'identity')
      .map((m) => [m.start, m.end] as const)
      .sort((a, b) => a[0] - b[0]),
  );
  for (const t of extractor.techniques.map(text, sentences, sentenceIndex, folded)) {
    if (t.method !== 'similarity' && namedSpans(t.start, t.end)) continue;
    add(t.technique, {
      start: t.start,
      end: t.end,
      surface: text.slice(t.start, t.end),
      alias: t.technique.name,
      confidence: t.confidence,
    });
  }
  // A name introduced with its abbreviation, "Golden Chickens (GC)", is that entity wherever the document
  // uses the abbreviation.
  for (const slot of [...byKey.values()]) {
    const kind = slot.entity.kind;
    if (kind !== 'intrusion-set' && kind !== 'threat-actor' && kind !== 'malware' && kind !== 'tool' && kind !== 'identity') continue;
    const followed = new Set<string>(); // each abbreviation once per entity, however often it is introduced
    for (const m of [...slot.mentions]) {
      const abbreviation = /^\s?[(（]([A-Z][A-Z0-9]{1,5})[)）]/.exec(text.slice(m.end, m.end + 10))?.[1];
      if (!abbreviation || followed.has(abbreviation)) continue;
      followed.add(abbreviation);
      for (let at = text.indexOf(abbreviation); at >= 0; at = text.indexOf(abbreviation, at + 1)) {
        const end = at + abbreviation.length;
        if (/[\p{L}\p{N}]/u.test(text[at - 1] ?? '') || /[\p{L}\p{N}]/u.test(text[end] ?? '')) continue;
        if (overlaps(at, end) || patternCover.overlaps(at, end)) continue;
        add(slot.entity, { start: at, end, surface: abbreviation, alias: abbreviation, confidence: 60 });
      }
    }
  }
  // A name learnt from its shape in one sentence ("Groove gang") is the same name elsewhere in the document.
  const occupied = patternCover.copy();
  for (const slot of byKey.values()) {
    const e = slot.entity;
    if (!e.sources.includes('kizashi-pattern') || e.kind === 'vulnerability' || e.kind === 'identity' || e.name.length < 3) continue;
    for (let at = text.indexOf(e.name); at >= 0; at = text.indexOf(e.name, at + 1)) {
      const end = at + e.name.length;
      if (/[\p{L}\p{N}]/u.test(text[at - 1] ?? '') || /[\p{L}\p{N}]/u.test(text[end] ?? '')) continue;
      if (overlaps(at, end) || occupied.overlaps(at, end)) continue;
      occupied.cover(at, end);
      add(e, { start: at, end, surface: e.name, alias: e.name, confidence: 50 });
    }
  }
  // "the Taurus stealer" … "Taurus": a document that names software with its kind noun means that software by the
  // bare name too, even where the KB has another entity of that name (a tool called Taurus).
  const byShortName = new Map<string, { entity: KbEntity; mentions: Mention[] }>();
  for (const slot of byKey.values()) {
    if (!SOFTWARE.has(slot.entity.kind)) continue;
    for (const m of slot.mentions) {
      const short = KIND_SUFFIX.exec(m.surface)?.[1];
      if (short) byShortName.set(short.toLowerCase(), slot);
    }
  }
  for (const [key, slot] of byShortName.size > 0 ? [...byKey] : []) {
    const kind = slot.entity.kind;
    if (!SOFTWARE.has(kind) && !ACTORS.has(kind)) continue;
    const short = slot.mentions[0]?.surface.toLowerCase() ?? '';
    const full = byShortName.get(short);
    if (!full || full === slot || !slot.mentions.every((m) => m.surface.toLowerCase() === short)) continue;
    byKey.delete(key);
    for (const m of slot.mentions) add(full.entity, m);
  }
  const entities: ExtractedEntity[] = [...byKey.values()].map((slot) => ({
    entity: slot.entity,
    mentions: slot.mentions.sort((a, b) => a.start - b.start),
    confidence: Math.max(...slot.mentions.map((m) => m.confidence)),
  }));
  entities.sort((a, b) => (a.mentions[0]?.start ?? 0) - (b.mentions[0]?.start ?? 0));
  return { document: doc, sentences, entities, ...findRelations(text, sentences, entities), indicators };
}

/**
 * "Turla Driver Loader (TDL)", "Remote Desktop Protocol (RDP)": letters in parentheses that spell the initials of
 * the words just before them abbreviate those words, whatever else the letters may name in the KB.
 */
function definedAbbreviation(text: string, start: number, end: number): boolean {
  if (text[start - 1] !== '(' || text[end] !== ')') return false;
  const letters = text.slice(start, end);
  if (!/^[A-Z][A-Z0-9]{1,5}$/.test(letters)) return false;
  const words = text
    .slice(Math.max(0, start - 1 - 16 * letters.length), start - 1)
    .trimEnd()
    .split(/[\s-]+/)
    .slice(-letters.length);
  return words.length === letters.length && words.every((w, i) => w[0]?.toUpperCase() === letters[i]);
}

/** One entry per (kind, value), with its mentions and the warninglists that flag it. */
function groupIndicators(
  found: ReturnType<typeof extractIndicators>,
  warninglists: Warninglists,
  sentenceIndex: (offset: number) => number,
  site: string | undefined,
): ExtractedIndicator[] {
  const byKey = new Map<string, { kind: IndicatorKind; value: string; warnings: string[]; mentions: IndicatorMention[] }>();
  for (const f of found) {
    const key = `${f.kind}|${f.value}`;
    let slot = byKey.get(key);
    if (!slot) {
      const warnings = warninglists.check(f.kind, f.value, hostOf(f));
      // The reporting site's own domain (links to itself, its contact address) is not attacker infrastructure.
      const host = (f.kind === 'domain' ? f.value : hostOf(f))?.toLowerCase();
      if (site && host && (host === site || host.endsWith(`.${site}`))) warnings.push('reporting-source-domain');
      slot = { kind: f.kind, value: f.value, warnings, mentions: [] };
      byKey.set(key, slot);
    }
    // Matches arrive in text order, so a repeat of the same span is the previous one; past MAX_MENTIONS the
    // evidence is enough.
    const last = slot.mentions[slot.mentions.length - 1];
    if (slot.mentions.length < MAX_MENTIONS && !(last && last.start === f.start && last.end === f.end)) {
      slot.mentions.push({ start: f.start, end: f.end, raw: f.raw, defanged: f.defanged, sentence: sentenceIndex(f.start) });
    }
  }
  return [...byKey.values()];
}

/**
 * How many leading items of a sorted sequence of `n` satisfy `before` (true for a prefix, false after): a binary
 * search, O(log n).
 */
function countBefore(n: number, before: (i: number) => boolean): number {
  let lo = 0;
  for (let hi = n; lo < hi;) {
    const mid = (lo + hi) >> 1;
    if (before(mid)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function makeSentenceIndex(sentences: readonly Sentence[], length: number): (offset: number) => number {
  const starts = sentences.map((s) => s.start);
  return (offset: number): number => {
    if (offset >= length || starts.length === 0) return Math.max(0, starts.length - 1);
    // The last sentence starting at or before the offset (the first one for an offset before any sentence).
    return Math.max(0, countBefore(starts.length, (i) => (starts[i] ?? 0) <= offset) - 1);
  };
}

/**
 * Overlap test against spans sorted by start, in O(log n): gazetteer mentions never overlap each other, so only
 * the last span starting before `end` can overlap [start, end).
 */
function spanIndex(spans: readonly (readonly [number, number])[]): (start: number, end: number) => boolean {
  return (start, end) => {
    const found = countBefore(spans.length, (i) => (spans[i]?.[0] ?? 0) < end) - 1;
    for (let i = found; i >= 0 && i >= found - 2; i--) if ((spans[i]?.[1] ?? 0) > start) return true;
    return false;
  };
}

/** Which characters of a text some span already covers: overlap tests in O(span length), in any order of spans. */
class Coverage {
  constructor(
    length: number,
    private readonly covered = new Uint8Array(length),
  ) {}

  overlaps(start: number, end: number): boolean {
    for (let i = start; i < end; i++) if (this.covered[i] === 1) return true;
    return false;
  }

  cover(start: number, end: number): void {
    this.covered.fill(1, start, end);
  }

  copy(): Coverage {
    return new Coverage(0, this.covered.slice());
  }
}

/** Limits that keep extraction linear on hostile input (1 MB of one name repeated). */
const MAX_MENTIONS = 500;
const MAX_SENTENCE_ITEMS = 200;

const ACTORS = new Set<EntityKind>(['intrusion-set', 'threat-actor', 'campaign']);
/** Software named with its kind noun: "Taurus Stealer", "Ares malware", "Buer Loader". */
const KIND_SUFFIX =
  /^(.{3,40}?)[ -](?:stealer|infostealer|loader|RAT|ransomware|malware|botnet|backdoor|trojan|banker|bot|miner|wiper|spyware|keylogger|downloader|dropper)$/i;
const SOFTWARE = new Set<EntityKind>(['malware', 'tool']);
const USE_CUE =
  /\b(?:use[sd]?|using|affiliates?|download(?:s|ed|ing)?|load(?:s|ed|ing)?|deploy(?:s|ed|ing)?|leverag(?:e|es|ed|ing)|employ(?:s|ed|ing)?|drop(?:s|ped|ping)?|deliver(?:s|ed|ing)?|distribut(?:e|es|ed|ing)|install(?:s|ed|ing)?|relies on|wielding)\b|使用|利用|展開|用い|使っ|使う|使い|配布|悪用|感染させ|実行させ|仕込|設置|埋め込|アフィリエイト|読み込ま|インストール|ダウンロード/i;
const TARGET_CUE =
  /\b(?:target(?:s|ed|ing)?|(?:cyber-?)?attack(?:s|ed|ing)?|(?<!\b(?:charges|charged|case|cases|lawsuit|action|measures|sanctions|warrants?|indictment|complaint) )against|compromis(?:e|es|ed|ing)|breach(?:es|ed)?|hit|victims?|struck|infiltrat(?:e|ed|ing)|stole|stolen|steal(?:s|ing)?|theft|accessed|gain(?:s|ed|ing)? access to|broke into|break(?:s|ing)? into|hack(?:s|ed|ing)?|extort(?:s|ed|ing)?|(?:sent|sending|sends?) (?:[\w-]+ ){0,3}(?:emails?|messages|lures|invitations) to)\b|標的|窃取|盗|狙|への攻撃|攻撃を(?:行|仕掛|実行|加え)|攻撃(?:を受け|し|され)|被害|侵害|侵入|流出|犯行/i;
const LINK_CUE =
  /\b(?:link(?:s|ed)?|overlap(?:s|ping)?|related|associated|connected|tied|ties|attribut(?:e|ed|es|ion)|part of|subgroup|also known as)\b|関連|重な|関与|同一/i;
/** Words that pin software or an attack on an actor. */
const ATTRIBUTION_CUE = /\battribut(?:e|es|ed|ing)\b|\b(?:linked|tied) (?:it )?to\b|の仕業|によるもの|に帰属/i;
const ORIGIN_AFTER =
  /^(?:-|\s)?(?:linked|based|backed|sponsored|nexus|aligned|affiliated|state-sponsored|state sponsored)\b|^(?:系|関連|拠点の|を拠点とする|との関連|の支援|政府の支援|の国家支援|(?:政府|当局|軍)?(?:と関係|とつながり|とつながる|と繋がり)|に関連|に拠点|(?:政府|当局|軍)?を背景|の関与|が関与|の国家(?:系|主導|ハッカー|背景)|政府が支援)/i;
/**
 * What lies between a country and the actor it describes: "North Korea's Lazarus Group", 中国のAPT41,
 * 北朝鮮の攻撃グループ「ラザルス」 (the actor follows at once, or after a group noun).
 */
const ACTOR_MODIFIER_GAP =
  /^(?:['’]s\s+|\s+|の|の[「『]|の(?:サイバー|国家支援型?の?|政府系の?)?(?:攻撃|スパイ|サイバースパイ|ハッカー|APT|脅威|犯罪)?(?:グループ|集団|アクター|組織)[「『“"]?)$/;
/** "DanaBot, which was run from Russia": where an actor's or a malware's operators work from. */
const RUN_FROM_BEFORE = /\b(?:run|operated|controlled|managed|developed|maintained) (?:out of|from) (?:the )?$/;
/** An actor's own claim of an attack (the claims ledger reads the same words). */
export const CLAIMED_ATTACK =
  /\bclaim(?:s|ed|ing)? (?:responsibility|credit)\b|\bclaim(?:s|ed|ing)? (?:the |an |a )?(?:\w+ )?(?:attack|hack|breach|intrusion)|\bclaim(?:s|ed|ing)? to have (?:stolen|taken|hacked|breached|encrypted)\b|\blist(?:s|ed|ing)? (?:[\w&-]+ ){0,3}on its (?:data )?(?:leak|extortion) (?:site|blog|page)\b|犯行声明|犯行を主張/i;
/** The attack a document reports, said to be by the actor or malware its sentence names (the claims ledger reads it too). */
export const ATTACK_BY =
  /感染したのは|(?:暗号化|攻撃|侵入)に(?:は)?[^。]{0,30}?が(?:使われ|使用され|用いられ)|攻撃を行ったのは|(?:攻撃|犯行|侵入)は[^。]{0,40}?(?:によるもの|の犯行|が実行)|による(?:サイバー|ランサムウェア)?攻撃(?:だ|であ)|使われたのは|\b(?:the|this) (?:cyber-?)?(?:attack|breach|intrusion|incident|hack)s? (?:was|were|has been|had been|is) (?:(?:later|also|since|now|widely|publicly) )?(?:(?:believed|thought|said) to (?:be|have been) )?(?:carried out|conducted|launched|perpetrated|attributed|blamed on|the work)\b|\bbehind (?:the|this) (?:cyber-?)?(?:attack|breach|intrusion|incident|hack)\b|\b(?:was|were) used in the (?:cyber-?)?(?:attack|breach|intrusion)\b/i;
/** After a state: that it is behind what the sentence reports ("North Korea was responsible for"; 北朝鮮が関与 is in ORIGIN_AFTER). */
const STATE_RESPONSIBLE_AFTER = /^ (?:was|is|were|is believed to be|was found to be) (?:responsible|behind)\b/;
/** A group noun and a naming clause between a place and the actor: "state-sponsored group, which they named ". */
const NAMED_GROUP_GAP =
  /^[\s-](?:[\w-]+ ){0,3}(?:group|actor|gang|crew|cluster)s?,? (?:which|that|whom)? ?(?:\w+ ){0,3}(?:named|dubbed|calls?|called|tracks? as|refers? to as) ["“]?$/;
/** How far after a place the actor it describes may start ("China-based group, tracked by Microsoft as Volt Typhoon"). */
const ORIGIN_REACH = 40;
const ORIGIN_BEFORE =
  /\b(?:based in|involve|involving|involvement of|attributed to|linked to|tied to|backed by|sponsored by|on behalf of)\s*(?:the\s*)?$/i;
/**
 * "the group", "the operators", 同グループ: a sentence that refers back to the last actor named, or (ransomware
 * news names a gang by its ransomware) to the last malware when no actor has been named.
 */
const ACTOR_ANAPHOR =
  /\b(?:the|this) (?:same )?(?:ransomware )?(?:group|actors?|gang|crew|operators|affiliates|hackers|attackers|threat actors?|hacking group)\b|同グループ|同アクター|同集団|攻撃者は|手口/i;
/** Another vendor's name for the actor named before: "tracks the same actor as Storm-1849", 同じグループを…と呼ぶ. */
const SAME_ACTOR_AS =
  /\b(?:tracks?|calls?|refers? to|names?) (?:the same|this|that) (?:threat )?(?:actor|group|cluster|activity)(?: \w+){0,2} as\b|同じ(?:グループ|攻撃者|アクター|集団)を/i;
/** Malware deployed, in the passive that Japanese reports use without naming the actor. */
const DEPLOYED_JA = /」?(?:が|を)(?:読み込まれ|実行され|インストールされ|設置され|送り込まれ|展開され|ダウンロードされ)/;
/** A pronoun subject that can refer back to the attackers (only tried when the sentence names tools alone). */
const THEY = /\b(?:they|the attackers|the intruders)\b|彼らは/i;
/** "They …", or "It used …" (an actor's verb: "It is unclear" refers to nobody). */
const THEY_OPENING =
  /^\s*(?:They\b|It (?:also )?(?:used|uses|deployed|deploys|relied|relies|sent|sends|targeted|targets|exploited|exploits|installed|installs|abused|abuses)\b)/;
/** What may precede a tool that is the subject of its sentence: nothing, or an article ("The Mimikatz tool dumps …"). */
const TOOL_AS_SUBJECT = /^\s*(?:(?:the|this|a|an)\s+)?$/i;
/** "the malware", 同ランサムウェア: a sentence that names no software refers back to the last malware named. */
const SOFTWARE_ANAPHOR =
  /\b(?:the|this) (?:malware|ransomware|backdoor|trojan|loader|implant|stealer|wiper|botnet|variant|strain)\b(?! (?:gang|group|operators|crew|affiliates|actors?)\b)|同(?:マルウェア|ランサムウェア|バックドア|ボットネット|ワイパー)|本マルウェア/i;
/**
 * Countries whose agencies issue an advisory speak in the sentence; they are not the victims of the actor it names.
 * English: an authority noun right after the list of countries ("US, Australian and British agencies") or right
 * before it ("partner agencies from Australia and Canada"), and a speaking verb between the list and the attacker
 * ("… released an advisory warning that Volt Typhoon …"); "US agencies were breached by X, officials said" keeps
 * its victim, as the attacker comes before the verb. Japanese puts the verb last: 日本や米国など8カ国の当局は…注意喚起した.
 */
const AUTHORITY_AFTER =
  /^\s+(?:cyber ?security |intelligence |law enforcement |government )?(?:agencies|authorities|officials|governments?|police|partners)\b/;
const AUTHORITY_BEFORE = /\b(?:agencies|authorities|officials|governments?|police|partners) (?:from|of|in) (?:the )?$/;
const SPEAKING_VERB =
  /\b(?:released|issued|published|warn(?:s|ed|ing)?|sa(?:id|ys)|announced|urged|reported|assessed|advised|disclosed|confirmed)\b/;
const ISSUER_JA =
  /^(?:など|を含む)?(?:\d+|[一二三四五六七八九十]+)?(?:カ国|か国|ヶ国)?の?(?:当局|政府|捜査当局|治安当局|情報機関)(?:は|が)[^。]{0,160}?(?:発表|注意喚起|警告|公表|指摘|明らかに)/;
/** Words by which an agency that keeps a sanctions list puts someone on it (see `keeps` in the starter KB). */
const DESIGNATION =
  /\b(?:sanction(?:s|ed|ing)(?! (?:list|lists|regime|regimes|program|programs|programme|programmes)\b)|designat(?:es|ed|ing)|imposed sanctions on)\b|制裁対象に(?:指定|追加)|制裁(?:を科|を発動|指定)/;
/** An organisation noun after a demonym, maybe after a word or two: "a Japanese electronics manufacturer". */
const ORGANISATION_AFTER =
  /^\s(?:[a-z-]{2,20}\s){0,2}(?:compan(?:y|ies)|firms?|manufacturers?|makers?|organi[sz]ations?|government|agenc(?:y|ies)|ministr(?:y|ies)|hospitals?|universit(?:y|ies)|banks?|retailers?|brewers?|carmakers?|automakers?|operators?|providers?|entities|businesses|networks?|targets?|victims?|exchanges?|parties|institutions?|officials|diplomats|embassies|missions|politicians|lawmakers|citizens|journalists|dissidents|activists)\b/;
/** A demonym that describes a person ("a British man believed to lead Scattered Spider") names no actor's origin. */
const PERSON_AFTER =
  /^\s(?:man|woman|men|women|national|nationals|citizen|citizens|teen|teenager|teenagers|youth|student|suspect|suspects)\b/;
/** After a demonym: whom it describes when that is not an actor ("Japanese media said NoName057(16) …"). */
const DEMONYM_OF_OTHER_AFTER =
  /^\s(?:media|press|news|newspapers?|broadcasters?|outlets?|officials?|authorities|government|police|prosecutors?|ministry|researchers?|experts?|companies|company|firms?|organi[sz]ations?|victims?|users|customers|banks?|lawmakers|investigators|services|intelligence|agenc(?:y|ies)|spy|military|army|courts?|regulators?|watchdogs?)\b/;
/** After a country: a nationality (ロシア国籍の, 中国籍の) or the place of an arrest (タイで逮捕). */
const NATIONALITY_OR_ARREST_AFTER = /^(?:の)?(?:国籍|籍)|^で(?:逮捕|拘束|身柄を拘束|検挙|起訴)/;
/** Before a country: where the law caught or sent someone ("arrested in Thailand", "extradited from South Korea"). */
const ARREST_BEFORE =
  /\b(?:arrested|detained|apprehended|extradited|deported|charged|sentenced|indicted)(?: \w+){0,3} (?:in|from|to|by) (?:the )?$/;
/** Exploiting a vulnerability: the actor or malware of the sentence targets it (STIX has no "exploits"). */
const EXPLOIT_CUE = /\bexploit(?:s|ed|ing|ation)?\b|悪用/i;
/** Instrument kinds that lay down measures: a measure one of them names is its provision. */
const PROVIDING_KINDS = new Set(['law', 'executive-order']);
/** "the treaty", 同条約, 条約案: a sentence that refers back to the last policy instrument named. */
const INSTRUMENT_ANAPHOR =
  /\b(?:the|this|that) (?:draft |new )?(?:treaty|convention|order|executive order|process|accord|agreement|list|law|act|directive|statement|pledge|ban|proposal|measure|code(?: of (?:practice|conduct))?)\b|同条約|条約案|本条約|同大統領令|同プロセス|同協定|同法|同リスト|同声明/i;
/** Roles of organisations that report, regulate, sponsor or sell in threat news: named beside an attack, they are no victim. */
const REPORTER_ROLES = new Set([
  'security-vendor',
  'government-agency',
  'intelligence-service',
  'media',
  'international-body',
  'ngo',
  'surveillance-vendor',
]);

/**
 * An organisation's research or response unit ("Microsoft's Digital Crimes Unit", "Google's Mandiant",
 * グーグルの脅威インテリジェンスグループ): it reports on the attack, it is no victim of it.
 */
const REPORTING_UNIT_AFTER =
  /^(?:['’]s? (?:Threat|Security|Digital Crimes|Research|Intelligence|Incident Response|Mandiant|Unit \d|Talos|X-Force|researchers?)\b|の(?:脅威インテリジェンス|脅威分析|脅威リサーチ|セキュリティ(?:研究|チーム|部門|リサーチ)|サイバーセキュリティ(?:部門|チーム)|研究者|研究チーム|調査チーム|デジタル犯罪))/;
/**
 * A platform where a claim is posted ("claimed on Telegram", Telegramで主張した, "posted on its X account"): the place
 * of the statement, no victim.
 */
const POSTED_ON_BEFORE_EN =
  /\b(?:posted|claimed|announced|said|wrote|published|boasted|shared|bragged)\s+(?:\w+\s+){0,3}(?:on|via)\s+(?:its\s+|their\s+|a\s+|the\s+)?$/;
const POSTED_ON_AFTER_JA = /^(?:上|の(?:チャンネル|アカウント|投稿|グループ))?で(?:主張|発表|公表|公開|投稿|声明|犯行)/;
/** The service an intruder logged into with a user's credentials (Slackに不正ログイン, "logged into Slack"): no victim. */
const LOGGED_INTO_AFTER_JA = /^」?(?:に(?:外部から|第三者から|何者かが)?不正(?:に)?ログイン|の(?:アカウント|認証情報)(?:が|に|を))/;
const LOGGED_INTO_BEFORE_EN = /\b(?:logged (?:in)?to|signed in to|accounts? on|credentials? (?:for|to))\s+(?:its\s+|their\s+|the\s+)?$/;
const LOGGED_INTO_AFTER_EN = /^ (?:accounts?|credentials|log-?ins?|passwords?|session tokens?)\b/;
/** Where stolen files went: "uploads stolen files to Dropbox". */
const UPLOADED_TO_BEFORE_EN = /\b(?:upload(?:s|ed|ing)?|exfiltrat\w+|sen(?:d|ds|t)|sync(?:s|ed)?) (?:[\w-]+\s+){0,3}(?:to|via)\s+$/;
/** The platform that held the data taken from its customers ("organisations that stored it in Snowflake"). */
const STORED_IN_BEFORE_EN = /\b(?:stored|kept|hosted|held)\s+(?:\w+\s+){0,2}(?:in|on|with)\s+$/;
/** An organisation as the source of what a sentence reports: "Microsoft said", "Google's Mandiant attributes". */
const SPEAKER_AFTER_EN =
  /^(?:['’]s?(?: [\w-]{1,24}){1,3})?,? (?:said|says|reported|reports|announced|announces|warned|warns|disclosed|discloses|observed|observes|assessed|assesses|believes|noted|wrote|confirmed|tracks|attributed|attributes|revealed|detailed|claimed|claims|alleged|alleges|accused|accuses)\b/;
const SPEAKER_BEFORE_EN = /\baccording to (?:the |a |an )?$/i;
/** 警察庁によると; the topic of a sentence that ends by saying so: マイクロソフトは、…と発表した. */
const SPEAKER_AFTER_JA = /^(?:の[^、。は]{0,24}?)?(?:によると|によれば)/;
const TOPIC_AFTER_JA = /^(?:の[^、。は]{0,24}?|(?:と|や|、)[^、。は]{1,24}?)?は/;
/**
 * The maker of the product whose flaw the sentence is about ("a flaw in Citrix NetScaler", Oracle E-Business Suite（EBS）
 * の脆弱性): exploiting the flaw makes it neither a victim nor a provider the attacker abused.
 */
const FLAW_AFTER_EN = /^(?:['’]s)?(?: [A-Z][\w.-]{0,24}| \([^()]{1,24}\)){0,5} (?:zero-days?|vulnerabilit(?:y|ies)|flaws?|bugs?)\b/;
/** The maker named before its product ("SonicWall SSL VPN appliances", Fortinet製品, Ivanti製VPN): no victim itself. */
const PRODUCT_AFTER_EN =
  /^(?:['’]s)?(?: [A-Z][\w.-]{0,24}){0,4}(?: (?:programmable|logic|industrial|network|edge|remote|management|security|storage|file|email|web))?(?: (?:programmable|logic|industrial|network|edge|remote|management|security|storage|file|email|web))? (?:appliances?|devices?|servers?|firewalls?|routers?|gateways?|products?|software|instances?|endpoints?|controllers?|PLCs?)\b/;
const PRODUCT_AFTER_JA = /^(?:社)?製/;
/** The other makers listed before a product: " and Netgear" in "Cisco and Netgear routers". */
const MAKER_LIST_REST = /^(?:,? (?:and |or )?[A-Z][\w-]{0,24}){1,4}(?=\s)/;
const FLAW_BEFORE_EN = /\b(?:zero-days?|vulnerabilit(?:y|ies)|flaws?|bugs?) in (?:the |its )?$/;
const FLAW_AFTER_JA = /^(?:[ A-Za-z0-9.ァ-ヴー・-]|（[^（）]{1,24}）){0,40}?の?(?:脆弱性|ゼロデイ)/;
const SAYS_JA =
  /(?:と|を)(?:発表|明らかに|指摘|警告|公表|報告|説明|分析|述べ|結論付け|注意喚起|呼んで|名付け)[^、。]{0,12}$|として(?:いる|いた|追跡)[^、。]{0,8}$|とした[^、。]{0,4}$/;
/** The speaker talks of itself ("its systems", 同社): it may be the victim it reports. */
const SELF_REFERENCE = /\b(?:its|it|itself|our|we|us)\b|自社|同社|当社|自ら/;
/** What a victim says of its own attack (攻撃を受けた, ランサムウェア感染, "suffered"): said by an organisation, about itself. */
const SELF_REPORT =
  /\bsuffered\b|\b(?:customer|employee|user|patient|staff)s?(?:'|’)? (?:data|records|information|details) (?:was|were|had been|have been) (?:taken|stolen|exposed|leaked)\b|を受け|被害|感染|障害が発生|流出|不正に引き出され|不正アクセス|不正に持ち出|持ち出され|攻撃(?:で|により|によって)/;

/**
 * What the organisation named at `m` is to the sentence when it does not suffer the attack:
 * - `reporter`: one of its research units, the source of a report ("according to X", Xによると) that does not speak
 *   of itself, or the subject of a speaking verb ("X said", Xは…と発表した) that tells neither of itself nor of an
 *   attack suffered; neither victim nor a provider the attackers abused;
 * - `service`: the service the data was kept in, logged into or uploaded to ("stored it in Snowflake", Slackに
 *   不正ログイン, "uploads stolen files to Dropbox"): no victim, though it may be a provider the attackers abused;
 * - `maker`: the maker of the product named ("a flaw in Citrix NetScaler", "SonicWall SSL VPN appliances",
 *   Oracle EBSの脆弱性): neither victim nor provider (the devices are the victims' own).
 */
function bystanderRole(text: string, sentence: Sentence, m: Mention): BystanderRole | undefined {
  const after = text.slice(m.end, Math.min(sentence.end, m.end + 60));
  const before = text.slice(Math.max(sentence.start, m.start - 24), m.start);
  if (REPORTING_UNIT_AFTER.test(after) || POSTED_ON_BEFORE_EN.test(before) || POSTED_ON_AFTER_JA.test(after)) return 'reporter';
  if (
    STORED_IN_BEFORE_EN.test(before) ||
    UPLOADED_TO_BEFORE_EN.test(before) ||
    LOGGED_INTO_AFTER_JA.test(after) ||
    LOGGED_INTO_BEFORE_EN.test(before) ||
    LOGGED_INTO_AFTER_EN.test(after)
  )
    return 'service';
  if (
    FLAW_AFTER_EN.test(after) ||
    FLAW_AFTER_JA.test(after) ||
    FLAW_BEFORE_EN.test(before) ||
    PRODUCT_AFTER_EN.test(after) ||
    PRODUCT_AFTER_EN.test(after.replace(MAKER_LIST_REST, '')) ||
    PRODUCT_AFTER_JA.test(after)
  )
    return 'maker';
  // (What follows in the sentence, at most 400 characters: a speaking clause is near its speaker, and a hostile
  // "sentence" of a megabyte must not be scanned once per name in it.)
  const rest = text.slice(m.end, Math.min(sentence.end, m.end + 400));
  if (SELF_REFERENCE.test(rest)) return undefined;
  if (SPEAKER_BEFORE_EN.test(before) || SPEAKER_AFTER_JA.test(after)) return 'reporter';
  const says = SPEAKER_AFTER_EN.test(after) || (TOPIC_AFTER_JA.test(after) && SAYS_JA.test(rest.trimEnd().replace(/[。.]$/, '')));
  return says && !SELF_REPORT.test(rest) && !OWN_INTRUSION.test(rest) ? 'reporter' : undefined;
}

/**
 * A measure's names with the country that takes it ("Ransom payment ban (United Kingdom)", 身代金支払い禁止（英国）):
 * the country named nearest before it in its sentence, or the country of a government agency named there; the bare
 * names when none is.
 */
function measureNames(
  measure: { name: string; start: number },
  nameJa: string,
  mentions: readonly { entity: KbEntity; start: number }[],
  sentence: { start: number; end: number },
  kb: KnowledgeBase,
): { name: string; nameJa: string } {
  const inSentence = mentions.filter((m) => m.start >= sentence.start && m.start < sentence.end);
  // Nearest before the measure first, then the rest of the sentence in order.
  const candidates = [...inSentence.filter((m) => m.start < measure.start).reverse(), ...inSentence];
  const country =
    candidates.find((m) => m.entity.kind === 'location' && m.entity.country !== undefined)?.entity ??
    candidates
      .map((m) => (m.entity.roles.includes('government-agency') && m.entity.country ? kb.country(m.entity.country) : undefined))
      .find((e) => e !== undefined);
  if (!country) return { name: measure.name, nameJa };
  const countryJa = country.aliases.find((a) => /^[\p{Script=Han}\p{Script=Katakana}ー・]+$/u.test(a.value))?.value;
  return { name: `${measure.name} (${country.name})`, nameJa: countryJa ? `${nameJa}（${countryJa}）` : nameJa };
}

/**
 * A Japanese organisation the document names in full once and short elsewhere (つるぎ町立半田病院, then 半田病院) is one
 * organisation: a name found by its shape that ends another such name of the same kind takes the longest one's entity.
 */
function fullNames<T extends { entity: KbEntity }>(mentions: readonly T[]): T[] {
  const found = new Map<string, KbEntity>();
  for (const m of mentions) if (m.entity.sources.includes('kizashi-pattern')) found.set(m.entity.key, m.entity);
  if (found.size < 2) return [...mentions];
  const longer = new SuffixIndex(2);
  for (const long of found.values()) longer.add(long.name, long, -long.name.length);
  const full = new Map<string, KbEntity>();
  for (const short of found.values()) {
    const long = /^[^\p{ASCII}]/u.test(short.name) ? longer.owner(short.kind, short.name) : undefined;
    if (long) full.set(short.key, long);
  }
  return mentions.map((m) => {
    const entity = full.get(m.entity.key);
    return entity ? { ...m, entity } : m;
  });
}

/**
 * The names a short form can stand for: every proper suffix (at least `minLength` long) of the names added, to the
 * entity of the lowest-ranked name that ends with it (the first added on a tie). Linear in what is added, however many
 * names a hostile text holds, where comparing every short form with every name would be quadratic.
 */
class SuffixIndex {
  private readonly owners = new Map<string, { entity: KbEntity; rank: number }>();
  constructor(private readonly minLength: number) {}

  add(name: string, entity: KbEntity, rank: number): void {
    for (let i = 1; i <= name.length - this.minLength; i++) {
      const key = `${entity.kind}|${name.slice(i)}`;
      const owner = this.owners.get(key);
      if (!owner || rank < owner.rank) this.owners.set(key, { entity, rank });
    }
  }

  owner(kind: EntityKind, shortForm: string): KbEntity | undefined {
    return this.owners.get(`${kind}|${shortForm}`)?.entity;
  }
}

/** The mention of an entity named earlier, placed where a sentence refers back to it ("the group", 同グループ). */
function referTo(
  earlier: { e: ExtractedEntity; m: Mention },
  anaphor: { index: number; 0: string } | undefined,
  sentenceStart: number,
  sentence: number,
): { e: ExtractedEntity; m: Mention } {
  const start = sentenceStart + (anaphor?.index ?? 0);
  return { e: earlier.e, m: { ...earlier.m, start, end: start + (anaphor?.[0].length ?? 0), sentence } };
}

/**
 * The items that form a list with `first`, in text order: each of `after` (sorted, all after `first`) joined to the
 * one before it by a LIST_GAP ("APT41, APT10 and MirrorFace"). `before` (sorted, all before `first`) extends it
 * backwards the same way.
 */
function listRun<T extends { m: Mention }>(text: string, first: T, after: readonly T[], before: readonly T[] = []): T[] {
  const run = [first];
  for (const next of after) {
    if (!LIST_GAP.test(text.slice(run[run.length - 1]?.m.end ?? 0, next.m.start))) break;
    run.push(next);
  }
  for (const previous of [...before].reverse()) {
    if (!LIST_GAP.test(text.slice(previous.m.end, run[0]?.m.start ?? 0))) break;
    run.unshift(previous);
  }
  return run;
}

/** Where the list of locations that `item` belongs to starts and ends ("US, Australian and British"). */
function listBounds(text: string, items: readonly { e: ExtractedEntity; m: Mention }[], item: { m: Mention }): [number, number] {
  const locations = items.filter((x) => x.e.entity.kind === 'location').sort((a, b) => a.m.start - b.m.start);
  const run = listRun(
    text,
    item,
    locations.filter((x) => x.m.start >= item.m.end),
    locations.filter((x) => x.m.end <= item.m.start),
  );
  return [run[0]?.m.start ?? item.m.start, run[run.length - 1]?.m.end ?? item.m.end];
}

/** Whether a country is among those whose agencies speak in the sentence (see AUTHORITY_AFTER), not a victim. */
function isIssuer(
  text: string,
  items: readonly { e: ExtractedEntity; m: Mention }[],
  country: { m: Mention },
  attackers: readonly { m: Mention }[],
  sentence: Sentence,
): boolean {
  const [start, end] = listBounds(text, items, country);
  const attacker = attackers.find((a) => a.m.start >= end);
  const toAttacker = text.slice(end, attacker?.m.start ?? sentence.end);
  const authority = AUTHORITY_AFTER.test(toAttacker) || AUTHORITY_BEFORE.test(text.slice(Math.max(sentence.start, start - 40), start));
  return (authority && SPEAKING_VERB.test(toAttacker)) || ISSUER_JA.test(text.slice(end, sentence.end));
}

/** Sentence-level relationships that a cue word in the sentence supports. */
function findRelations(
  text: string,
  sentences: readonly Sentence[],
  entities: readonly ExtractedEntity[],
): { relations: ExtractedRelation[]; roles: ActorRole[] } {
  const bySentence = new Map<number, { e: ExtractedEntity; m: Mention }[]>();
  for (const e of entities) {
    for (const m of e.mentions) {
      const list = bySentence.get(m.sentence) ?? [];
      list.push({ e, m });
      bySentence.set(m.sentence, list);
    }
  }
  const out = new Map<string, ExtractedRelation>();
  const roles = new Map<string, ActorRole>();
  const add = (type: RelationType, source: KbEntity, target: KbEntity, sentence: number, confidence: number): void => {
    if (source.key === target.key) return;
    const key = `${type}|${source.key}|${target.key}`;
    if (!out.has(key)) out.set(key, { type, source: source.key, target: target.key, sentence, confidence });
  };
  const addKeyed = (r: PolicyRelation, sentence: number): void => {
    if (r.source === r.target) return;
    const key = `${r.type}|${r.negated ? 'not' : ''}|${r.source}|${r.target}`;
    if (!out.has(key))
      out.set(key, {
        type: r.type,
        source: r.source,
        target: r.target,
        sentence,
        confidence: r.confidence,
        ...(r.negated ? { negated: true } : {}),
      });
  };
  let lastActor: { e: ExtractedEntity; m: Mention } | undefined;
  let lastGroup: { e: ExtractedEntity; m: Mention } | undefined;
  let lastMalware: { e: ExtractedEntity; m: Mention } | undefined;
  let lastInstrument: { entity: KbEntity; sentence: number } | undefined;
  for (const index of [...bySentence.keys()].sort((a, b) => a - b)) {
    // A "sentence" naming hundreds of entities is a list or an attack, not prose: relate its first ones only.
    const items = (bySentence.get(index) ?? []).slice(0, MAX_SENTENCE_ITEMS);
    const sentence = sentences[index];
    if (!sentence) continue;
    const actors = items.filter((x) => ACTORS.has(x.e.entity.kind));
    const software = items.filter((x) => SOFTWARE.has(x.e.entity.kind));
    const referredActor = lastActor ?? lastMalware;
    // "Microsoft tracks the same actor as Storm-1849": another name for the actor named before.
    const sameActor = actors.length > 0 && lastGroup && SAME_ACTOR_AS.test(sentence.text) ? lastGroup : undefined;
    if (actors.length === 0 && referredActor) {
      const anaphor = ACTOR_ANAPHOR.exec(sentence.text);
      if (anaphor) actors.push(referTo(referredActor, anaphor, sentence.start, index));
    }
    // "They deleted shadow copies with vssadmin", 侵入後はMimikatzで認証情報を窃取し…: a sentence naming only tools, none
    // of them its subject (none opens it; Japanese drops the subject), is about the last actor or malware named, which
    // uses the tools. ("Mimikatz dumps credentials" keeps Mimikatz as the user.)
    if (actors.length === 0 && referredActor && software.length > 0 && software.every((x) => x.e.entity.kind === 'tool')) {
      const first = Math.min(...software.map((x) => x.m.start));
      if (!TOOL_AS_SUBJECT.test(text.slice(sentence.start, first))) {
        actors.push(referTo(referredActor, THEY.exec(sentence.text) ?? undefined, sentence.start, index));
      }
    }
    // ファイルを開くとバックドア「X」が読み込まれ…: a Japanese sentence that says malware was deployed, naming no
    // actor, tells what the last actor named did.
    if (actors.length === 0 && lastActor && software.length > 0 && DEPLOYED_JA.test(sentence.text)) {
      actors.push(referTo(lastActor, undefined, sentence.start, index));
    }
    // "They cleared Windows event logs": a sentence opening with "they" that names no actor or software describes
    // what the last one named did.
    if (actors.length === 0 && software.length === 0 && referredActor) {
      const pronoun = THEY_OPENING.exec(sentence.text);
      if (pronoun) actors.push(referTo(referredActor, pronoun, sentence.start, index));
    }
    if (software.length === 0 && lastMalware && !actors.some((a) => a.e === lastMalware?.e)) {
      const anaphor = SOFTWARE_ANAPHOR.exec(sentence.text);
      if (anaphor) software.push(referTo(lastMalware, anaphor, sentence.start, index));
    }
    const named = actors.filter((a) => a.m.sentence === index && a.m.start !== a.m.end && a.e.mentions.includes(a.m));
    // What "the attackers" later refers to: of several actors named together, the document's main one (most mentions;
    // the first named on a tie), not the last: "TraderTraitor … is associated with the Lazarus Group. The attackers
    // later …" are TraderTraitor.
    if (named.length > 0) lastActor = named.reduce((best, a) => (a.e.mentions.length > best.e.mentions.length ? a : best));
    lastGroup = named.filter((a) => a.e.entity.kind !== 'campaign').pop() ?? lastGroup;
    const namedMalware = items.filter((x) => x.e.entity.kind === 'malware');
    if (namedMalware.length > 0) lastMalware = namedMalware[namedMalware.length - 1];
    const origins = new Set<string>();
    for (const x of items) {
      if (x.e.entity.kind !== 'location') continue;
      const after = text.slice(x.m.end, x.m.end + 16);
      const before = text.slice(Math.max(sentence.start, x.m.start - 12), x.m.start);
      // "North Korean hackers known as TraderTraitor": a demonym shortly before an actor names its origin.
      const demonymOfActor =
        (x.e.entity.demonyms?.includes(x.m.alias) ?? false) &&
        !PERSON_AFTER.test(text.slice(x.m.end, x.m.end + 16)) &&
        !DEMONYM_OF_OTHER_AFTER.test(text.slice(x.m.end, x.m.end + 16)) &&
        actors.some((a) => a.m.start >= x.m.end && a.m.start - x.m.end <= 40);
      const modifiesActor = actors.some((a) => a.m.start >= x.m.end && ACTOR_MODIFIER_GAP.test(text.slice(x.m.end, a.m.start)));
      // 親ロシア派の, "pro-Russian": the side an actor takes (no victim), named as other ties are ("Russia-aligned").
      const allegiance = /(?:\bpro-|親)$/i.test(before) && (x.e.entity.demonyms?.includes(x.m.alias) || after.startsWith('派'));
      // "North Korea was responsible for the theft …, which it attributed to the TraderTraitor cluster": the state
      // behind what the sentence's actors did, wherever the sentence names them.
      const responsible = actors.length > 0 && STATE_RESPONSIBLE_AFTER.test(after);
      if (
        ORIGIN_AFTER.test(after) ||
        responsible ||
        allegiance ||
        demonymOfActor ||
        modifiesActor ||
        (actors.length > 0 && ORIGIN_BEFORE.test(before) && !TARGET_CUE.test(before)) ||
        (actors.length + software.length > 0 && RUN_FROM_BEFORE.test(text.slice(Math.max(sentence.start, x.m.start - 24), x.m.start)))
      ) {
        origins.add(x.e.entity.key);
        // "China-linked APT41", 中国関連のSparklingGoblin: the modifier precedes the actors it describes.
        const [first, ...following] = [...actors, ...software].filter((a) => a.m.start >= x.m.end).sort((a, b) => a.m.start - b.m.start);
        // Only an actor close after it: in "Zservers, a Russia-based bulletproof hosting provider, … for supporting
        // LockBit affiliates" the place describes the provider, not LockBit.
        // (Or farther, after a group noun and a naming clause: "a Russian state-sponsored group, which they named
        // Laundry Bear".)
        const reaches =
          first !== undefined &&
          (first.m.start - x.m.end <= ORIGIN_REACH ||
            (first.m.start - x.m.end <= 100 && NAMED_GROUP_GAP.test(text.slice(x.m.end, first.m.start))));
        const described = first && reaches ? listRun(text, first, following) : [];
        const nearestBefore = [...actors, ...software].filter((a) => a.m.end <= x.m.start).sort((a, b) => b.m.end - a.m.end)[0];
        for (const a of responsible ? actors : described.length > 0 ? described : nearestBefore ? [nearestBefore] : []) {
          add('originates-from', a.e.entity, x.e.entity, index, 60);
        }
      }
    }
    // (Each cue is tested only when the sentence names what it would relate: the tests are costly on long texts.)
    if (actors.length > 0 && software.length > 0 && USE_CUE.test(sentence.text)) {
      for (const a of actors) for (const s of software) add('uses', a.e.entity, s.e.entity, index, 60);
    }
    // A technique described in a sentence is used by the actor or malware named there (or referred to). With no
    // actor, software named after the use verb is what the software before it uses, no user itself: "Qilin
    // affiliates … use PowerShell and PsExec" (Qilin uses PsExec; PsExec does not use PowerShell).
    const techniques = items.filter((x) => x.e.entity.kind === 'attack-pattern');
    let users = actors.length > 0 ? actors : software;
    if (actors.length === 0 && software.length > 1) {
      const cue = USE_CUE.exec(sentence.text);
      const at = cue ? sentence.start + cue.index : -1;
      const subjects = software.filter((x) => x.m.end <= at);
      if (cue && subjects.length > 0 && subjects.length < software.length) {
        users = subjects;
        for (const u of subjects)
          for (const o of software)
            if (o.m.start >= at && !subjects.some((x) => x.e === o.e)) add('uses', u.e.entity, o.e.entity, index, 55);
      }
    }
    for (const t of techniques) for (const u of users) add('uses', u.e.entity, t.e.entity, index, Math.min(70, t.m.confidence));
    const vulnerabilities = items.filter((x) => x.e.entity.kind === 'vulnerability');
    if (vulnerabilities.length > 0 && users.length > 0 && EXPLOIT_CUE.test(sentence.text))
      for (const v of vulnerabilities) for (const u of users) add('targets', u.e.entity, v.e.entity, index, 60);
    const targeted = new Set<string>();
    // Organisations that report what this sentence says (their own attack aside), or make the product it names, are
    // not its victims; reporters are no providers the attackers abused either. (A reporter in any of its mentions
    // stays one.)
    const bystanders = new Map<string, BystanderRole>();
    for (const x of items) {
      const role = x.e.entity.kind === 'identity' ? bystanderRole(text, sentence, x.m) : undefined;
      if (role && bystanders.get(x.e.entity.key) !== 'reporter') bystanders.set(x.e.entity.key, role);
    }
    if ((actors.length > 0 || software.length > 0) && TARGET_CUE.test(sentence.text)) {
      const attackers = (actors.length > 0 ? actors : software).sort((a, b) => a.m.start - b.m.start);
      for (const t of items) {
        const kind = t.e.entity.kind;
        // "Japan's National Police Agency", 米司法省: a country naming an organisation is no victim; nor are
        // demonyms ("two Russian nationals").
        const modifiesOrg = items.some((o) => o.e.entity.kind === 'identity' && o.m.start >= t.m.end && o.m.start - t.m.end <= 3);
        // (A demonym before an organisation noun names the victim's country: "a Japanese electronics manufacturer".)
        const demonym = (t.e.entity.demonyms?.includes(t.m.alias) ?? false) && !ORGANISATION_AFTER.test(text.slice(t.m.end, t.m.end + 48));
        const issuer = kind === 'location' && isIssuer(text, items, t, attackers, sentence);
        // ロシア国籍の4人, "arrested in Thailand", タイで逮捕: people's nationality and where the law caught them.
        const lawOrNationality =
          kind === 'location' &&
          (NATIONALITY_OR_ARREST_AFTER.test(text.slice(t.m.end, t.m.end + 12)) ||
            ARREST_BEFORE.test(text.slice(Math.max(sentence.start, t.m.start - 40), t.m.start)));
        const victim =
          (kind === 'location' && !origins.has(t.e.entity.key) && !modifiesOrg && !demonym && !issuer && !lawOrNationality) ||
          kind === 'sector' ||
          (kind === 'identity' &&
            (!t.e.entity.roles.some((r) => REPORTER_ROLES.has(r)) ||
              OWN_SYSTEMS.test(text.slice(t.m.end, Math.min(sentence.end, t.m.end + 400)))) &&
            !bystanders.has(t.e.entity.key));
        if (!victim) continue;
        // The attacker is the nearest one named before the victim (the sentence's subject), else the first.
        const before = attackers.filter((a) => a.m.start < t.m.start);
        const attacker = before[before.length - 1] ?? attackers[0];
        if (attacker) {
          add('targets', attacker.e.entity, t.e.entity, index, 55);
          targeted.add(t.e.entity.key);
        }
      }
    }
    // "Qilin claimed the attack" / 「Qilin」が犯行声明を出した, with no victim named in the sentence: the gang claims
    // the attack on the organisations the document has named as its victims so far.
    // So does the actor or malware a sentence says the attack was by: 攻撃は「Scattered Spider」によるものとみられ,
    // 感染したのはLockBitのランサムウェア, "the attack was carried out by …".
    if ((actors.length > 0 || software.length > 0) && (CLAIMED_ATTACK.test(sentence.text) || ATTACK_BY.test(sentence.text))) {
      const claimant = (actors.length > 0 ? actors : software)[0];
      const victims = [...roles.values()].filter((r) => r.role === 'victim' && r.sentence < index).map((r) => r.entity);
      if (claimant && !items.some((x) => victims.includes(x.e.entity.key)))
        for (const victim of new Set(victims)) {
          const entity = entities.find((e) => e.entity.key === victim)?.entity;
          if (entity) add('targets', claimant.e.entity, entity, index, 50);
        }
    }
    // Policy: stances on instruments, and the roles of the organisations named. A sentence that takes a stance
    // without naming the instrument ("the treaty", 同条約, 「米国は署名しなかった」) is about the last one named.
    const policyItems = items.map((x) => ({ entity: x.e.entity, start: x.m.start, end: x.m.end, alias: x.m.alias }));
    const namedInstrument = items.filter((x) => x.e.entity.kind === 'policy-instrument').pop();
    let implicitInstrument = false;
    if (namedInstrument) lastInstrument = { entity: namedInstrument.e.entity, sentence: index };
    else if (lastInstrument && index - lastInstrument.sentence <= 3) {
      const anaphor = INSTRUMENT_ANAPHOR.exec(sentence.text);
      const at = sentence.start + (anaphor?.index ?? 0);
      implicitInstrument = !anaphor;
      policyItems.push({ entity: lastInstrument.entity, start: at, end: at + (anaphor?.[0].length ?? 0), alias: anaphor?.[0] ?? '' });
    }
    for (const r of findStances(text, sentence, policyItems, { implicitInstrument })) addKeyed(r, index);
    const attackers = [...actors, ...software];
    const found = findActorRoles(text, sentence, index, policyItems, { targeted, bystanders, hasAttacker: attackers.length > 0 });
    for (const role of found.roles) if (!roles.has(`${role.entity}|${role.role}`)) roles.set(`${role.entity}|${role.role}`, role);
    for (const r of found.relations) addKeyed(r, index);
    for (const role of found.roles) {
      if (role.role !== 'infrastructure-provider') continue;
      // The actor abuses the service; the malware it runs there does not ("MirrorFace abused Dropbox to deliver ANEL").
      for (const a of actors.length > 0 ? actors : attackers)
        addKeyed({ type: 'abuses', negated: false, source: a.e.entity.key, target: role.entity, confidence: 50 }, index);
    }
    // "the BRICKSTORM backdoor, which Mandiant attributes to UNC5221": the actor the malware is pinned on uses it.
    if (actors.length > 0 && software.length > 0 && ATTRIBUTION_CUE.test(sentence.text) && !USE_CUE.test(sentence.text)) {
      for (const a of actors) for (const x of software) add('uses', a.e.entity, x.e.entity, index, 50);
    }
    if (sameActor) for (const a of actors) add('related-to', sameActor.e.entity, a.e.entity, index, 50);
    if (actors.length > 1 && LINK_CUE.test(sentence.text)) {
      const first = actors[0];
      if (first) for (const other of actors.slice(1)) add('related-to', first.e.entity, other.e.entity, index, 50);
    }
  }
  return { relations: [...out.values()], roles: [...roles.values()] };
}

/** The registrable part of the document URL's host (last two labels; three for *.co.jp-style names). */
function sourceSite(url: string | undefined): string | undefined {
  if (!url) return undefined;
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return undefined;
  }
  const labels = host.split('.');
  const keep = labels.length >= 3 && /^(?:co|or|ne|ac|go|com|org|gov|net)$/.test(labels[labels.length - 2] ?? '') ? 3 : 2;
  return labels.slice(-keep).join('.');
}
