// The daily digest: the stories with a document published on a day (in a time zone), ranked, each with an
// extractive summary (source sentences only, with their offsets) and the language-independent facts rendered
// from the knowledge graph by templates in the chosen language, plus the list of sources.
import { isCalendarDay } from '../core/dates.js';
import { isTitleSentence } from '../core/document.js';
import { createBundle, stixId, type Bundle, type StixObject } from '../core/stix.js';
import { KIZASHI_IDENTITY_ID } from '../export/stix-bundle.js';
import type { GraphStore, StoredDocument, StoryEntity } from '../store/graph-store.js';

interface StixNote {
  readonly type: 'note';
  readonly spec_version: '2.1';
  readonly id: string;
  readonly created: string;
  readonly modified: string;
  readonly created_by_ref: string;
  readonly abstract: string;
  readonly content: string;
  readonly object_refs: readonly string[];
  readonly lang: string;
  readonly external_references?: readonly { source_name: string; url: string; description: string }[];
}
import { splitSentences } from '../text/sentences.js';
import { buildLedger, claimsOf, type LedgerEntry } from './claims.js';
import { listStories } from './list-stories.js';

export type DigestLang = 'ja' | 'en';

export interface DigestSentence {
  readonly text: string;
  readonly document: string;
  readonly start: number;
  readonly end: number;
}

export interface DigestStory {
  readonly title: string;
  readonly summary: string;
  /** Every summary sentence with the source sentence it is (document id and offsets). */
  readonly sentences: readonly DigestSentence[];
  /** Facts from the knowledge graph, rendered in the digest's language. */
  readonly facts: readonly string[];
  readonly sources: readonly { title: string; url?: string; published?: string; source?: string }[];
  /** STIX report ids of the source documents. */
  readonly documentIds: readonly string[];
  /** Since the previous day's digest: a new story, or what this story gained (sources and entities). */
  readonly whatsNew: { readonly newStory: boolean; readonly sources: readonly string[]; readonly entities: readonly string[] };
  readonly entities: readonly { type: string; name: string }[];
  /** Attribution claims in the story's sources: who claims what about whom, with confidence. */
  readonly claims: readonly LedgerEntry[];
  readonly score: number;
}

export interface Digest {
  readonly date: string;
  readonly lang: DigestLang;
  readonly stories: readonly DigestStory[];
}

const FACT_TYPES: Readonly<Record<string, { ja: string; en: string; weight: number }>> = {
  'intrusion-set': { ja: '攻撃グループ', en: 'Actors', weight: 3 },
  malware: { ja: 'マルウェア', en: 'Malware', weight: 3 },
  vulnerability: { ja: '脆弱性', en: 'Vulnerabilities', weight: 3 },
  'x-kizashi-policy-instrument': { ja: '政策・制度', en: 'Policy instruments', weight: 2 },
  tool: { ja: 'ツール', en: 'Tools', weight: 1 },
  'attack-pattern': { ja: '手口（ATT&CK）', en: 'Techniques (ATT&CK)', weight: 1 },
  location: { ja: '関係国・地域', en: 'Countries', weight: 0.5 },
  sector: { ja: '業種', en: 'Sectors', weight: 0.5 },
  identity: { ja: '組織', en: 'Organisations', weight: 0.5 },
};
/** The fact line an entity belongs on: sectors are identities, but not organisations. */
const factType = (e: StoryEntity): string => (e.sector ? 'sector' : e.type);
/** An entity's name in the digest's language. */
const nameIn = (e: StoryEntity, lang: DigestLang): string => (lang === 'ja' ? (e.nameJa ?? e.name) : e.name);

/** Start and end of the calendar day `date` in time zone `tz`, as ISO instants. */
export function dayBounds(date: string, tz: string): { since: string; until: string } {
  if (!isCalendarDay(date)) throw new Error(`date must be a day written YYYY-MM-DD, got "${date}"`);
  const utcMidnight = Date.parse(`${date}T00:00:00Z`);
  // The zone's offset at that moment, from Intl (no time-zone library needed).
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: tz,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  })
    .formatToParts(new Date(utcMidnight))
    .reduce<Record<string, string>>((acc, p) => ({ ...acc, [p.type]: p.value }), {});
  const local = Date.parse(`${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:00Z`);
  const offset = local - utcMidnight;
  const start = utcMidnight - offset;
  return { since: new Date(start).toISOString(), until: new Date(start + 86_400_000).toISOString() };
}

/** Sentences of a document with offsets (cut the same way as extraction cuts them). */
/** A document's sentences that can summarise it: not its headline (the digest shows titles apart), not fragments. */
function sentencesOf(doc: StoredDocument): { text: string; start: number; end: number }[] {
  return splitSentences(doc.text).filter((s) => s.text.length >= 15 && !isTitleSentence(doc.title, s.text));
}

/**
 * Build the digest of `date` from the store.
 * @example await buildDigest(store, { date: '2025-01-08', lang: 'ja', tz: 'Asia/Tokyo' })
 */
export async function buildDigest(
  store: GraphStore,
  options: { date: string; lang: DigestLang; tz: string; maxStories?: number },
): Promise<Digest> {
  const { since, until } = dayBounds(options.date, options.tz);
  const stories = await listStories(store, { since, until });
  // The previous day's stories, to tell what is new since the last digest.
  const previous = await listStories(store, { since: new Date(Date.parse(since) - 86_400_000).toISOString(), until: since });
  const out: DigestStory[] = [];
  for (const story of stories) {
    const storyDocs = (await Promise.all(story.documentIds.map((id) => store.getDocument(id)))).filter(
      (d): d is StoredDocument => d !== undefined,
    );
    const names = story.entities.filter((e) => FACT_TYPES[factType(e)]).map((e) => e.name);
    // Extractive summary: the lead sentences that name the most story entities, from documents in the digest's
    // language first (an English-only story still gets its facts rendered in Japanese below).
    const candidates = storyDocs
      .sort((a, b) => Number(b.lang === options.lang) - Number(a.lang === options.lang))
      .flatMap((d, docRank) =>
        sentencesOf(d)
          .slice(0, 6)
          .map((s, i) => ({
            ...s,
            document: d.id,
            lang: d.lang,
            score: names.filter((n) => s.text.includes(n)).length * 2 - i * 0.3 - docRank,
          })),
      );
    const inLang = candidates.filter((c) => c.lang === options.lang);
    const pool = inLang.length > 0 ? inLang : candidates;
    const chosen = pool.sort((a, b) => b.score - a.score).slice(0, 2);
    chosen.sort((a, b) => (a.document === b.document ? a.start - b.start : 0));
    const facts: string[] = [];
    for (const [type, label] of Object.entries(FACT_TYPES)) {
      const list = story.entities.filter((e) => factType(e) === type).map((e) => nameIn(e, options.lang));
      if (list.length > 0)
        facts.push(
          `${label[options.lang]}${options.lang === 'ja' ? '：' : ': '}${list.slice(0, 8).join(options.lang === 'ja' ? '、' : ', ')}`,
        );
    }
    // Claims name their parties as the facts do (MirrorFace → 中国, claimed by 警察庁 in a Japanese digest).
    const localName = new Map(story.entities.map((e) => [e.name, nameIn(e, options.lang)]));
    const local = (name: string): string => localName.get(name) ?? name;
    const claims = buildLedger((await Promise.all(storyDocs.map((doc) => claimsOf(store, doc)))).flat()).map((c) => ({
      ...c,
      subject: local(c.subject),
      object: local(c.object),
      claimants: c.claimants.map(local),
      contradictedBy: c.contradictedBy.map(local),
    }));
    const score =
      story.documents.length * 2 +
      story.entities.reduce((s, e) => s + (FACT_TYPES[factType(e)]?.weight ?? 0), 0) / 4 +
      (story.documents.some((d) => d.lang === options.lang) ? 1 : 0);
    const title = story.documents.find((d) => d.lang === options.lang)?.title ?? story.title;
    const before = previous.find((p) => p.documentIds.some((id) => story.documentIds.includes(id)));
    const whatsNew = before
      ? {
          newStory: false,
          sources: story.documents.filter((_, i) => !before.documentIds.includes(story.documentIds[i] ?? '')).map((sd) => sd.title),
          entities: story.entities
            .filter((e) => !before.entities.some((b) => b.name === e.name && b.type === e.type))
            .map((e) => nameIn(e, options.lang)),
        }
      : { newStory: true, sources: story.documents.map((sd) => sd.title), entities: [] };
    out.push({
      title,
      whatsNew,
      summary: chosen.map((c) => c.text).join(options.lang === 'ja' ? '' : ' '),
      sentences: chosen.map((c) => ({ text: c.text, document: c.document, start: c.start, end: c.end })),
      facts,
      sources: story.documents.map((d) => ({
        title: d.title,
        ...(d.url ? { url: d.url } : {}),
        ...(d.published ? { published: d.published } : {}),
        ...(d.source ? { source: d.source } : {}),
      })),
      entities: story.entities,
      documentIds: storyDocs.map((d) => d.id),
      claims,
      score,
    });
  }
  out.sort((a, b) => b.score - a.score);
  return { date: options.date, lang: options.lang, stories: out.slice(0, options.maxStories ?? 20) };
}

/** The digest as Markdown, in the shape of a daily threat brief: a top story, then the other notable news. */
export function digestToMarkdown(d: Digest): string {
  const ja = d.lang === 'ja';
  const lines = [ja ? `# ${d.date} サイバー脅威デイリー` : `# Daily cyber threat brief — ${d.date}`, ''];
  d.stories.forEach((s, i) => {
    if (i === 1)
      lines.push(
        ja ? `## ${Number(d.date.slice(5, 7))}月${Number(d.date.slice(8, 10))}日：その他の注目ニュース` : '## Other notable news',
        '',
      );
    lines.push(i === 0 ? `## ${s.title}` : `### ${s.title}`, '');
    if (!s.whatsNew.newStory && (s.whatsNew.sources.length > 0 || s.whatsNew.entities.length > 0)) {
      const parts = [...s.whatsNew.sources.map((t) => `“${t}”`), ...s.whatsNew.entities];
      lines.push(ja ? `（前日からの続報：${parts.join('、')}）` : `(Update since yesterday: ${parts.join(', ')})`, '');
    }
    lines.push(s.summary, '');
    for (const f of s.facts) lines.push(`- ${f}`);
    for (const c of s.claims.filter((x) => x.claimants.length > 0)) {
      const best = Math.max(...c.claims.map((x) => x.confidence));
      const hedges = [...new Set(c.claims.map((x) => x.hedge).filter((h): h is string => h !== undefined))].join(ja ? '、' : ', ');
      const repeats =
        c.repeatedBy.length > 0
          ? ja
            ? `（他${c.repeatedBy.length}件は同じ主張の転載）`
            : ` (repeated by ${c.repeatedBy.length} later report(s))`
          : '';
      const against =
        c.contradictedBy.length > 0
          ? ja
            ? `（異説：${c.contradictedBy.join('、')}）`
            : ` (others claim: ${c.contradictedBy.join(', ')})`
          : '';
      // "attack on KADOKAWA → BlackSuit (BlackSuit itself …)": an attack's attribution, and an actor's own claim.
      const subject = c.relation === 'attack-attributed-to' ? (ja ? `${c.subject}への攻撃` : `attack on ${c.subject}`) : c.subject;
      const claimants = c.claimants.map((x) =>
        c.relation === 'attack-attributed-to' && x === c.object ? (ja ? `${x}自身` : `${x} itself`) : x,
      );
      lines.push(
        ja
          ? `- 主張：${subject} → ${c.object}（${claimants.join('、')}、確度${best}${hedges ? `、「${hedges}」` : ''}）${against}${repeats}`
          : `- Claim: ${subject} → ${c.object} (${claimants.join(', ')}, confidence ${best}${hedges ? `, "${hedges}"` : ''})${against}${repeats}`,
      );
    }
    lines.push(
      '',
      `${ja ? '情報源' : 'Sources'}: ${s.sources.map((src) => `${src.source ? `${src.source} ` : ''}“${src.title}”${src.published ? ` (${src.published.slice(0, 10)})` : ''}${src.url ? ` <${src.url}>` : ''}`).join('; ')}`,
      '',
    );
  });
  if (d.stories.length === 0) lines.push(ja ? 'この日の記事はありません。' : 'No articles on this day.');
  return `${lines.join('\n')}\n`;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

/** The digest as a standalone HTML page (all text escaped; links only for http(s) URLs). */
export function digestToHtml(d: Digest): string {
  const ja = d.lang === 'ja';
  const link = (url?: string): string =>
    url && /^https?:\/\//i.test(url) ? ` <a href="${escapeHtml(url)}" rel="noopener noreferrer">${escapeHtml(url)}</a>` : '';
  const body = d.stories
    .map(
      (s, i) =>
        `<section><h${i === 0 ? 2 : 3}>${escapeHtml(s.title)}</h${i === 0 ? 2 : 3}><p>${escapeHtml(s.summary)}</p><ul>${s.facts
          .map((f) => `<li>${escapeHtml(f)}</li>`)
          .join(
            '',
          )}</ul><p>${ja ? '情報源' : 'Sources'}: ${s.sources.map((src) => `${src.source ? `${escapeHtml(src.source)} ` : ''}“${escapeHtml(src.title)}”${link(src.url)}`).join('; ')}</p></section>`,
    )
    .join('\n');
  return `<!doctype html><html lang="${d.lang}"><head><meta charset="utf-8"><title>${escapeHtml(d.date)}</title></head><body><h1>${escapeHtml(
    ja ? `${d.date} サイバー脅威デイリー` : `Daily cyber threat brief — ${d.date}`,
  )}</h1>\n${body}</body></html>\n`;
}

/**
 * The digest as STIX 2.1: a `note` per story (summary, facts and claims; refs to the source reports) and a
 * `report` for the day that refers to the notes.
 */
export function digestToStix(d: Digest): Bundle {
  const time = `${d.date}T00:00:00.000Z`;
  const notes: StixNote[] = d.stories
    .filter((s) => s.documentIds.length > 0)
    .map((s) => ({
      type: 'note',
      spec_version: '2.1',
      id: stixId('note', `digest|${d.date}|${d.lang}|${s.title}`),
      created: time,
      modified: time,
      created_by_ref: KIZASHI_IDENTITY_ID,
      abstract: s.title,
      content: [s.summary, ...s.facts.map((f) => `- ${f}`)].join('\n'),
      object_refs: s.documentIds,
      lang: d.lang,
      ...(s.sources.some((src) => src.url)
        ? {
            external_references: s.sources
              .filter((src) => src.url)
              .map((src) => ({ source_name: src.source ?? 'source', url: src.url ?? '', description: src.title })),
          }
        : {}),
    }));
  const report = {
    type: 'report' as const,
    spec_version: '2.1' as const,
    id: stixId('report', `digest|${d.date}|${d.lang}`),
    created: time,
    modified: time,
    created_by_ref: KIZASHI_IDENTITY_ID,
    name: d.lang === 'ja' ? `${d.date} サイバー脅威デイリー` : `Daily cyber threat brief — ${d.date}`,
    published: time,
    report_types: ['threat-report'],
    object_refs: notes.length > 0 ? notes.map((n) => n.id) : [KIZASHI_IDENTITY_ID],
    lang: d.lang,
  };
  return createBundle([...(notes as unknown as StixObject[]), report]);
}
