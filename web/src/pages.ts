// The workspace's pages: Today, Story, Document, Entity, Search, Sources, Ingest. Each renders into <main> from
// REST API data; every untrusted string goes through text nodes (dom.ts).
import { download, get, post, upload } from './api.js';
import { heatMap, relationshipGraph, timelineChart, type GraphEdge, type HeatTechnique } from './charts.js';
import { h } from './dom.js';
import { currentLang, t } from './i18n.js';

export type Cleanup = () => void;

interface Page<T> {
  items: T[];
  nextOffset?: number;
}
interface DocumentSummary {
  id: string;
  title: string;
  lang: string;
  url?: string;
  published?: string;
  source?: string;
}
interface Story {
  id: string;
  title: string;
  documents: { title: string; url?: string; published?: string; lang: string; source?: string }[];
  documentIds: string[];
  entities: StoryEntity[];
}
/** `nameJa`: the name Japanese readers know a country, organisation or sector by (中国, 警察庁), where it differs. */
interface StoryEntity {
  type: string;
  name: string;
  nameJa?: string;
}
const storyEntityName = (e: StoryEntity): string => (currentLang() === 'ja' ? (e.nameJa ?? e.name) : e.name);
interface LedgerEntry {
  subject: string;
  object: string;
  relation: 'attributed-to' | 'linked-to' | 'attack-attributed-to';
  claimants: string[];
  contradictedBy: string[];
  claims: { claimant: string; confidence: number; negated: boolean; sentence: string; document: string; hedge?: string }[];
}
interface Mention {
  documentId: string;
  objectId: string;
  start: number;
  end: number;
  text: string;
  alias?: string;
  sentence: string;
}
interface Entity {
  id: string;
  type: string;
  name: string;
  aliases: string[];
  stix: Record<string, unknown>;
  firstSeen?: string;
  lastSeen?: string;
  mentionCount: number;
}

const day = (iso?: string): string => (iso ? iso.slice(0, 10) : '—');
const typeClass = (type: string): string => `t-${type.replace(/[^a-z-]/g, '')}`;
const link = (href: string, text: string, attrs: Record<string, string> = {}): HTMLAnchorElement => h('a', { href, ...attrs }, text);

function section(title: string, ...children: (Node | null | undefined | false)[]): HTMLElement {
  return h('section', { class: 'card' }, h('h2', {}, title), ...children);
}

// --- Today ----------------------------------------------------------------------------------------------------------

export async function todayPage(main: HTMLElement, params: URLSearchParams): Promise<Cleanup | void> {
  const lang = currentLang();
  const date = params.get('date') ?? '';
  const days = Number(params.get('days') ?? '7');
  const digest = await get<{
    date: string;
    stories: {
      title: string;
      summary: string;
      facts: string[];
      documentIds: string[];
      sources: { title: string; source?: string; url?: string }[];
      whatsNew: { newStory: boolean };
    }[];
    watchlistHits: { watchlist: string; matched: string[]; document: { id: string; title: string } }[];
  }>(`/api/digest?lang=${lang}${date ? `&date=${date}` : ''}`);
  const until = new Date(Date.parse(`${digest.date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  const since = new Date(Date.parse(`${digest.date}T00:00:00Z`) - (days - 1) * 86_400_000).toISOString().slice(0, 10);
  const [stories, entities] = await Promise.all([
    get<Page<Story>>(`/api/stories?since=${since}&until=${until}&limit=50`),
    get<Page<Entity>>('/api/entities?limit=200'),
  ]);
  const form = h(
    'form',
    {
      class: 'range',
      onsubmit: (e: Event) => {
        e.preventDefault();
        const data = new FormData(e.target as HTMLFormElement);
        location.hash = `#/?date=${(data.get('date') as string | null) ?? ''}&days=${(data.get('days') as string | null) ?? '7'}`;
      },
    },
    h('label', {}, t('date'), ' ', h('input', { type: 'date', name: 'date', value: digest.date })),
    h(
      'label',
      {},
      t('days'),
      ' ',
      h('select', { name: 'days' }, ...[1, 7, 30, 365].map((d) => h('option', { value: d, selected: d === days }, String(d)))),
    ),
    h('button', { type: 'submit' }, t('show')),
  );
  const newEntities = entities.items.filter(
    (e) => (e.firstSeen ?? '') >= since && (e.firstSeen ?? '') < until && e.type !== 'attack-pattern',
  );
  main.append(
    h('h1', {}, `${t('today')} — ${digest.date}`),
    form,
    section(
      t('digest'),
      digest.stories.length === 0 ? h('p', {}, t('noStories')) : null,
      h(
        'ol',
        { class: 'digest', 'data-testid': 'digest' },
        ...digest.stories.map((s, i) =>
          h(
            'li',
            { class: i === 0 ? 'top-story' : '' },
            h(
              'h3',
              {},
              s.documentIds[0] ? link(`#/doc/${s.documentIds[0]}`, s.title) : s.title,
              s.whatsNew.newStory ? h('span', { class: 'badge' }, t('whatsNew')) : null,
            ),
            h('p', {}, s.summary),
            h('ul', { class: 'facts' }, ...s.facts.map((f) => h('li', {}, f))),
            h('p', { class: 'muted' }, s.sources.map((src) => src.source ?? src.title).join(' · ')),
          ),
        ),
      ),
    ),
    section(
      t('stories'),
      h(
        'ol',
        { class: 'stories', 'data-testid': 'stories' },
        ...stories.items.map((s) =>
          h(
            'li',
            {},
            link(`#/story/${s.id}`, s.title),
            h(
              'span',
              { class: 'muted' },
              ` — ${s.documents.length} ${t('documents')}: ${[...new Set(s.documents.map((d) => d.lang))].join('/')}`,
            ),
            h(
              'div',
              { class: 'chips' },
              ...s.entities.slice(0, 8).map((e) => h('span', { class: `chip ${typeClass(e.type)}` }, storyEntityName(e))),
            ),
          ),
        ),
      ),
    ),
    section(
      t('newEntities'),
      h(
        'div',
        { class: 'chips' },
        ...newEntities.slice(0, 40).map((e) => link(`#/entity/${e.id}`, e.name, { class: `chip ${typeClass(e.type)}` })),
      ),
    ),
    section(
      t('watchHits'),
      h(
        'ul',
        {},
        ...digest.watchlistHits.map((w) =>
          h('li', {}, h('strong', {}, w.watchlist), ': ', link(`#/doc/${w.document.id}`, w.document.title), ` (${w.matched.join(', ')})`),
        ),
      ),
    ),
  );
}

// --- Story ----------------------------------------------------------------------------------------------------------

export async function storyPage(main: HTMLElement, id: string): Promise<void> {
  const data = await get<{
    story: Story;
    claims: LedgerEntry[];
    timeline: { date: string; document: string; title: string; source?: string; lang: string }[];
  }>(`/api/stories/${encodeURIComponent(id)}`);
  const s = data.story;
  const byType = new Map<string, string[]>();
  for (const e of s.entities) byType.set(e.type, [...(byType.get(e.type) ?? []), storyEntityName(e)]);
  main.append(
    h('h1', {}, s.title),
    section(
      t('sourcesOfStory'),
      h(
        'div',
        { class: 'side-by-side', 'data-testid': 'story-sources' },
        ...s.documents.map((d, i) =>
          h(
            'article',
            { class: 'source', lang: d.lang },
            h('p', { class: 'muted' }, `${d.source ?? '—'} · ${d.lang} · ${day(d.published)}`),
            h('h3', {}, link(`#/doc/${s.documentIds[i] ?? ''}`, d.title)),
            d.url ? h('p', {}, link(d.url, d.url, { rel: 'noopener noreferrer', target: '_blank' })) : null,
          ),
        ),
      ),
    ),
    section(
      t('facts'),
      h('dl', { class: 'facts' }, ...[...byType].flatMap(([type, names]) => [h('dt', {}, type), h('dd', {}, names.join(', '))])),
    ),
    section(t('claims'), claimsTable(data.claims)),
    section(
      t('timeline'),
      h(
        'ol',
        { class: 'timeline-list' },
        ...data.timeline.map((e) =>
          h(
            'li',
            {},
            h('time', {}, day(e.date)),
            ' ',
            link(`#/doc/${e.document}`, e.title),
            h('span', { class: 'muted' }, ` (${e.source ?? ''}, ${e.lang})`),
          ),
        ),
      ),
    ),
  );
}

/** "attack on KADOKAWA", "KADOKAWAへの攻撃". */
const attackOn = (victim: string): string => (currentLang() === 'ja' ? `${victim}${t('attackOn')}` : `${t('attackOn')}${victim}`);

function claimsTable(ledger: readonly LedgerEntry[]): HTMLElement {
  if (ledger.length === 0) return h('p', { class: 'muted' }, t('noClaims'));
  return h(
    'table',
    { class: 'claims', 'data-testid': 'claims' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, t('subject')),
        h('th', { scope: 'col' }, t('attributedTo')),
        h('th', { scope: 'col' }, t('claimant')),
        h('th', { scope: 'col' }, t('contradicted')),
      ),
    ),
    h(
      'tbody',
      {},
      ...ledger.map((l) =>
        h(
          'tr',
          { class: l.contradictedBy.length > 0 ? 'contradicted' : '' },
          h('td', {}, l.relation === 'attack-attributed-to' ? attackOn(l.subject) : l.subject),
          h('td', {}, l.object),
          h(
            'td',
            {},
            l.claims
              .map((c) => {
                // An actor's own claim for an attack ("BlackSuit itself").
                const who = l.relation === 'attack-attributed-to' && c.claimant === l.object ? `${c.claimant}${t('itself')}` : c.claimant;
                return `${c.negated ? '✗ ' : ''}${who} (${c.confidence}${c.hedge ? `, ${c.hedge}` : ''})`;
              })
              .join('; '),
          ),
          h('td', {}, l.contradictedBy.join(', ')),
        ),
      ),
    ),
  );
}

// --- Document -------------------------------------------------------------------------------------------------------

const RETYPE = ['intrusion-set', 'malware', 'tool', 'identity', 'location', 'vulnerability', 'x-kizashi-policy-instrument'];

export async function documentPage(main: HTMLElement, id: string): Promise<void> {
  const data = await get<{
    document: DocumentSummary & { text: string };
    mentions: Mention[];
    objects: { id: string; type: string; name: string }[];
    feedback: { objectId: string; start: number; verdict: string; newType?: string }[];
  }>(`/api/documents/${encodeURIComponent(id)}`);
  const doc = data.document;
  const objects = new Map(data.objects.map((o) => [o.id, o]));
  const verdicts = new Map(data.feedback.map((f) => [`${f.objectId}|${f.start}`, f.verdict]));
  // Non-overlapping mentions in text order (the longest wins an overlap).
  const spans = [...data.mentions].sort((a, b) => a.start - b.start || b.end - a.end);
  const body = h('div', { class: 'doc-text', lang: doc.lang, 'data-testid': 'doc-text' });
  let at = 0;
  const panel = h(
    'aside',
    { class: 'mention-panel', 'aria-live': 'polite', 'data-testid': 'mention-panel' },
    h('p', { class: 'muted' }, t('mentions')),
  );
  for (const m of spans) {
    if (m.start < at) continue;
    body.append(doc.text.slice(at, m.start));
    const o = objects.get(m.objectId);
    const verdict = verdicts.get(`${m.objectId}|${m.start}`);
    const mark = h(
      'button',
      {
        type: 'button',
        class: `mention ${typeClass(o?.type ?? '')}${verdict ? ` v-${verdict}` : ''}`,
        title: `${o?.name ?? ''} (${o?.type ?? ''}) — ${t('matched')}: ${m.alias ?? m.text}`,
        'data-object': m.objectId,
        onclick: () => showMention(panel, doc.id, m, o, () => void reload()),
      },
      doc.text.slice(m.start, m.end),
    );
    body.append(mark);
    at = m.end;
  }
  body.append(doc.text.slice(at));
  const reload = async (): Promise<void> => {
    main.replaceChildren();
    await documentPage(main, id);
  };
  main.append(
    h('h1', { lang: doc.lang }, doc.title),
    h(
      'p',
      { class: 'muted' },
      `${doc.source ?? '—'} · ${doc.lang} · ${day(doc.published)} `,
      doc.url ? link(doc.url, doc.url, { rel: 'noopener noreferrer', target: '_blank' }) : null,
    ),
    h('div', { class: 'doc-layout' }, h('article', { class: 'card' }, body), panel),
  );
}

function showMention(
  panel: HTMLElement,
  documentId: string,
  m: Mention,
  o: { id: string; type: string; name: string } | undefined,
  reload: () => void,
): void {
  const status = h('p', { role: 'status', class: 'muted' });
  const send = async (verdict: string, newType?: string): Promise<void> => {
    try {
      await post(`/api/documents/${encodeURIComponent(documentId)}/feedback`, {
        objectId: m.objectId,
        start: m.start,
        verdict,
        ...(newType ? { newType } : {}),
      });
      status.textContent = t('feedbackSaved');
      reload();
    } catch (error) {
      status.textContent = `${t('failed')}: ${(error as Error).message}`;
    }
  };
  const select = h('select', { 'aria-label': t('retype') }, ...RETYPE.map((type) => h('option', { value: type }, type)));
  panel.replaceChildren(
    h('h2', {}, o?.name ?? m.text),
    h('p', {}, `${t('type')}: ${o?.type ?? ''}`),
    h('p', {}, `${t('matched')}: ${m.alias ?? m.text}`),
    h('blockquote', {}, m.sentence),
    h('p', {}, link(`#/entity/${m.objectId}`, t('openEntity'))),
    h(
      'div',
      { class: 'buttons' },
      h('button', { type: 'button', onclick: () => void send('confirm') }, t('confirm')),
      h('button', { type: 'button', class: 'danger', onclick: () => void send('reject') }, t('reject')),
    ),
    h('div', { class: 'buttons' }, select, h('button', { type: 'button', onclick: () => void send('retype', select.value) }, t('retype'))),
    status,
  );
}

// --- Entity ---------------------------------------------------------------------------------------------------------

export async function entityPage(main: HTMLElement, id: string): Promise<Cleanup> {
  const data = await get<{
    entity: Entity;
    claims: LedgerEntry[];
    relationships: {
      id: string;
      type: string;
      direction: 'in' | 'out';
      other: { id: string; type?: string; name?: string; techniqueId?: string; tactics?: string[] };
      evidence: number;
    }[];
    documents: DocumentSummary[];
    timeline: { date: string; count: number }[];
  }>(`/api/entities/${encodeURIComponent(id)}`);
  const e = data.entity;
  const kbSources = Array.isArray(e.stix.x_kizashi_kb_sources) ? (e.stix.x_kizashi_kb_sources as string[]) : [];
  const aliasSources = (e.stix.x_kizashi_alias_sources ?? {}) as Record<string, string[]>;
  const graphBox = h('div', { class: 'graph', 'data-testid': 'graph', role: 'img', 'aria-label': t('relationships') });
  const techniques: HeatTechnique[] = data.relationships
    .filter((r) => r.other.type === 'attack-pattern')
    .map((r) => ({
      id: r.other.id,
      name: r.other.name ?? r.other.id,
      tactics: r.other.tactics ?? [],
      score: Math.max(1, r.evidence),
      ...(r.other.techniqueId ? { techniqueId: r.other.techniqueId } : {}),
    }));
  if (e.type === 'attack-pattern') {
    const ref = (e.stix.external_references as { external_id?: string }[] | undefined)?.[0]?.external_id;
    const phases = (e.stix.kill_chain_phases as { phase_name: string }[] | undefined) ?? [];
    techniques.push({
      id: e.id,
      name: e.name,
      tactics: phases.map((p) => p.phase_name),
      score: Math.max(1, e.mentionCount),
      ...(ref ? { techniqueId: ref } : {}),
    });
  }
  const open = (target: string): void => {
    location.hash = `#/entity/${target}`;
  };
  const indicatorsBox = h('ul', { class: 'indicators', 'data-testid': 'indicators' });
  const exportButton = (format: string, ext: string): HTMLButtonElement =>
    h(
      'button',
      { type: 'button', onclick: () => void download(`/api/export/${format}?entity=${encodeURIComponent(e.id)}`, `${e.name}.${ext}`) },
      format.toUpperCase(),
    );
  main.append(
    h('h1', {}, e.name, ' ', h('span', { class: `chip ${typeClass(e.type)}` }, e.type)),
    h('p', {}, typeof e.stix.description === 'string' ? e.stix.description : ''),
    h(
      'p',
      { class: 'muted' },
      `${t('mentions')}: ${e.mentionCount} · ${day(e.firstSeen)} – ${day(e.lastSeen)} · KB: ${kbSources.join(', ')}`,
    ),
    section(
      t('aliases'),
      h(
        'div',
        { class: 'chips', 'data-testid': 'aliases' },
        ...e.aliases.map((a) => {
          const sources = aliasSources[a] ?? [];
          return h(
            'span',
            { class: 'chip', title: sources.join(', ') },
            a,
            sources.length > 0 ? h('small', { class: 'muted' }, ` ${sources.join(', ')}`) : null,
          );
        }),
      ),
    ),
    section(t('timeline'), timelineChart(data.timeline, t('timeline'))),
    section(t('relationships'), graphBox),
    section(t('heatmap'), techniques.length > 0 ? heatMap(techniques, open) : h('p', { class: 'muted' }, '—')),
    section(t('indicators'), indicatorsBox),
    section(t('claims'), claimsTable(data.claims)),
    section(
      t('documents'),
      h(
        'ul',
        {},
        ...data.documents.map((d) =>
          h(
            'li',
            {},
            h('time', {}, day(d.published)),
            ' ',
            link(`#/doc/${d.id}`, d.title),
            h('span', { class: 'muted' }, ` ${d.source ?? ''}`),
          ),
        ),
      ),
    ),
    section(
      t('export'),
      h(
        'div',
        { class: 'buttons' },
        exportButton('stix', 'json'),
        exportButton('misp', 'misp.json'),
        exportButton('navigator', 'layer.json'),
        exportButton('csv', 'csv'),
      ),
    ),
  );
  const edges: GraphEdge[] = data.relationships.map((r) => {
    const other = { id: r.other.id, name: r.other.name ?? r.other.id, type: r.other.type ?? '' };
    const self = { id: e.id, name: e.name, type: e.type };
    return r.direction === 'out' ? { source: self, target: other, label: r.type } : { source: other, target: self, label: r.type };
  });
  const dispose = relationshipGraph(graphBox, { id: e.id, name: e.name, type: e.type }, edges, open);
  // Indicators seen in the documents that mention the entity (the ten most recent).
  void (async () => {
    const seen = new Set<string>();
    for (const d of data.documents.slice(0, 10)) {
      const doc = await get<{ objects: { id: string; type: string; name: string }[] }>(`/api/documents/${encodeURIComponent(d.id)}`);
      for (const o of doc.objects) {
        if (!['ipv4-addr', 'ipv6-addr', 'domain-name', 'url', 'file', 'email-addr', 'indicator'].includes(o.type) || seen.has(o.id))
          continue;
        seen.add(o.id);
        indicatorsBox.append(h('li', {}, h('code', {}, o.name), h('span', { class: 'muted' }, ` ${o.type}`)));
      }
    }
    indicatorsBox.dataset.loaded = 'true';
  })();
  return dispose;
}

// --- Search ---------------------------------------------------------------------------------------------------------

export async function searchPage(main: HTMLElement, params: URLSearchParams): Promise<void> {
  const q = params.get('q') ?? '';
  const kind = params.get('kind') ?? '';
  const type = params.get('type') ?? '';
  const input = h('input', { type: 'search', name: 'q', value: q, id: 'search-q', 'aria-label': t('query'), required: true });
  main.append(
    h('h1', {}, t('search')),
    h(
      'form',
      {
        role: 'search',
        onsubmit: (ev: Event) => {
          ev.preventDefault();
          location.hash = `#/search?q=${encodeURIComponent(input.value)}`;
        },
      },
      h('label', { for: 'search-q' }, t('query')),
      ' ',
      input,
      ' ',
      h('button', { type: 'submit' }, t('search')),
    ),
  );
  if (!q) return;
  const data = await get<{
    hits: { kind: string; id: string; title: string; snippet: string; type?: string; published?: string }[];
    facets: { kind: Record<string, number>; type: Record<string, number> };
  }>(`/api/search?q=${encodeURIComponent(q)}&limit=50${kind ? `&kind=${kind}` : ''}${type ? `&type=${encodeURIComponent(type)}` : ''}`);
  const facet = (name: string, values: Record<string, number>): HTMLElement =>
    h(
      'div',
      { class: 'facet' },
      h('strong', {}, name),
      ' ',
      link(`#/search?q=${encodeURIComponent(q)}`, t('all')),
      ...Object.entries(values)
        .map(([v, n]) => [' · ', link(`#/search?q=${encodeURIComponent(q)}&${name}=${encodeURIComponent(v)}`, `${v} (${n})`)])
        .flat(),
    );
  main.append(
    h('div', { class: 'facets' }, facet('kind', data.facets.kind), facet('type', data.facets.type)),
    h('p', { role: 'status' }, data.hits.length === 0 ? t('noResults') : `${data.hits.length} ${t('results')}`),
    h(
      'ol',
      { class: 'hits', 'data-testid': 'hits' },
      ...data.hits.map((hit) =>
        h(
          'li',
          {},
          link(hit.kind === 'document' ? `#/doc/${hit.id}` : `#/entity/${hit.id}`, hit.title),
          h('span', { class: 'muted' }, ` ${hit.type ?? hit.kind} ${day(hit.published)}`),
          h('p', { class: 'snippet' }, ...snippet(hit.snippet)),
        ),
      ),
    ),
  );
}

/** «…» marks from the store become <mark> elements (the text stays text). */
function snippet(text: string): Node[] {
  return text.split(/(«[^«»]*»)/).map((part) => (part.startsWith('«') ? h('mark', {}, part.slice(1, -1)) : document.createTextNode(part)));
}

// --- Sources and ingest ---------------------------------------------------------------------------------------------

export async function sourcesPage(main: HTMLElement): Promise<void> {
  const [feeds, sources] = await Promise.all([
    get<{
      items: {
        url: string;
        lastFetchAt?: string;
        nextFetchAt?: string;
        consecutiveErrors: number;
        lastError?: string;
        itemsSeen: number;
      }[];
    }>('/api/feeds'),
    get<{ items: { source: string; documents: number }[] }>('/api/sources'),
  ]);
  main.append(
    h('h1', {}, t('sources')),
    section(
      t('feedHealth'),
      h(
        'table',
        { 'data-testid': 'feeds' },
        h(
          'thead',
          {},
          h('tr', {}, ...[t('url'), t('lastFetch'), t('nextFetch'), t('items'), t('errors')].map((c) => h('th', { scope: 'col' }, c))),
        ),
        h(
          'tbody',
          {},
          ...feeds.items.map((f) =>
            h(
              'tr',
              { class: f.consecutiveErrors > 0 ? 'failing' : '' },
              h('td', {}, f.url),
              h('td', {}, f.lastFetchAt ?? '—'),
              h('td', {}, f.nextFetchAt ?? '—'),
              h('td', {}, String(f.itemsSeen)),
              h('td', {}, f.consecutiveErrors > 0 ? `${f.consecutiveErrors}: ${f.lastError ?? ''}` : '0'),
            ),
          ),
        ),
      ),
    ),
    section(
      t('outlet'),
      h(
        'ul',
        { 'data-testid': 'sources' },
        ...sources.items.map((s) => h('li', {}, link(`#/search?q=${encodeURIComponent(s.source)}`, s.source), ` — ${s.documents}`)),
      ),
    ),
  );
}

export function ingestPage(main: HTMLElement): void {
  const status = h('p', { role: 'status', 'data-testid': 'ingest-status' });
  const progress = h('progress', { max: 1, value: 0, 'aria-label': t('uploading') });
  const urlInput = h('input', { type: 'url', id: 'ingest-url', required: true, placeholder: 'https://' });
  const fileInput = h('input', { type: 'file', id: 'ingest-file', accept: '.md,.txt,.html,.htm,.pdf,.json' });
  main.append(
    h('h1', {}, t('ingest')),
    section(
      t('url'),
      h(
        'form',
        {
          onsubmit: (e: Event) => {
            e.preventDefault();
            status.textContent = t('loading');
            post<{ result: string; documentId: string }>('/api/ingest', { url: urlInput.value }).then(
              (r) => status.replaceChildren(`${t('done')}: ${r.result} `, link(`#/doc/${r.documentId}`, r.documentId)),
              (error: Error) => (status.textContent = `${t('failed')}: ${error.message}`),
            );
          },
        },
        h('label', { for: 'ingest-url' }, t('url')),
        ' ',
        urlInput,
        ' ',
        h('button', { type: 'submit' }, t('submit')),
      ),
    ),
    section(
      t('file'),
      h(
        'form',
        {
          onsubmit: (e: Event) => {
            e.preventDefault();
            const file = fileInput.files?.[0];
            if (!file) return;
            status.textContent = t('uploading');
            upload('/api/ingest', file, (f) => (progress.value = f)).then(
              (r) => {
                progress.value = 1;
                status.textContent = `${t('done')}: ${r.result} (${r.file})`;
              },
              (error: Error) => (status.textContent = `${t('failed')}: ${error.message}`),
            );
          },
        },
        h('label', { for: 'ingest-file' }, t('file')),
        ' ',
        fileInput,
        ' ',
        h('button', { type: 'submit' }, t('submit')),
        ' ',
        progress,
      ),
    ),
    status,
  );
}
