import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExtractor } from '../extract/extract-document.js';
import { ingestFiles } from '../ingest/ingest-files.js';
import { loadKnowledgeBase } from '../kb/load-kb.js';
import type { GraphStore } from '../store/graph-store.js';
import { openSqliteStore } from '../store/sqlite/sqlite-graph-store.js';
import { buildDigest, dayBounds, digestToHtml, digestToMarkdown } from './digest.js';

let store: GraphStore;
beforeAll(async () => {
  const extractor = createExtractor(await loadKnowledgeBase({ ignoreHome: true }));
  store = openSqliteStore(join(await mkdtemp(join(tmpdir(), 'kizashi-digest-')), 'd.db'));
  await ingestFiles([resolve(import.meta.dirname, '../../corpus')], extractor, store);
});
afterAll(() => store.close());

describe('the daily digest', () => {
  it('covers the calendar day in the given time zone', () => {
    expect(dayBounds('2025-01-08', 'Asia/Tokyo')).toEqual({ since: '2025-01-07T15:00:00.000Z', until: '2025-01-08T15:00:00.000Z' });
    expect(dayBounds('2025-01-08', 'UTC')).toEqual({ since: '2025-01-08T00:00:00.000Z', until: '2025-01-09T00:00:00.000Z' });
  });

  it.each(['ja', 'en'] as const)(
    'in %s: ranked stories, each summary sentence a source sentence, every story with its sources',
    async (lang) => {
      const digest = await buildDigest(store, { date: '2025-01-08', lang, tz: 'Asia/Tokyo' });
      expect(digest.stories.length).toBe(2);
      const titles = digest.stories.map((s) => s.title).join(' ');
      expect(titles).toMatch(/MirrorFace/);
      expect(titles).toMatch(/Ivanti/);
      for (const story of digest.stories) {
        expect(story.sources.length).toBeGreaterThanOrEqual(2);
        expect(story.sentences.length).toBeGreaterThan(0);
        for (const sentence of story.sentences) {
          const doc = await store.getDocument(sentence.document);
          expect(doc?.text.slice(sentence.start, sentence.end)).toBe(sentence.text);
          expect(story.summary).toContain(sentence.text);
          // A headline is shown as the story's title and its sources', never as a summary sentence.
          expect(sentence.text).not.toBe(doc?.title);
        }
        // The summary is in the digest's language when a source in that language exists.
        expect(/[\u3040-\u30ff]/.test(story.summary)).toBe(lang === 'ja');
      }
      const md = digestToMarkdown(digest);
      expect(md).toContain(lang === 'ja' ? 'その他の注目ニュース' : 'Other notable news');
      expect(md).toContain(lang === 'ja' ? '情報源' : 'Sources');
    },
  );

  it('renders facts from the knowledge graph in the chosen language and escapes HTML', async () => {
    const ja = await buildDigest(store, { date: '2025-01-08', lang: 'ja', tz: 'Asia/Tokyo' });
    const mirrorFace = ja.stories.find((s) => s.title.includes('MirrorFace'));
    expect(mirrorFace?.facts).toEqual(
      expect.arrayContaining([expect.stringMatching(/^攻撃グループ：.*MirrorFace/), expect.stringMatching(/^マルウェア：.*LODEINFO/)]),
    );
    // Sectors (identities of class "class") get their own line, apart from the organisations; a Japanese digest
    // names countries, organisations and sectors in Japanese, and keeps acronyms and actor names as written.
    const fact = (story: typeof mirrorFace, label: string): string => story?.facts.find((f) => f.startsWith(label)) ?? '';
    expect(fact(mirrorFace, '業種：')).toContain('政府機関');
    expect(fact(mirrorFace, '組織：')).toMatch(/^組織：(?=.*警察庁)(?=.*NISC)(?!.*政府機関)/);
    expect(fact(mirrorFace, '関係国・地域：')).toContain('中国');
    expect(mirrorFace?.claims).toEqual(expect.arrayContaining([expect.objectContaining({ subject: 'MirrorFace', object: '中国' })]));
    const en = await buildDigest(store, { date: '2025-01-08', lang: 'en', tz: 'Asia/Tokyo' });
    const mirrorFaceEn = en.stories.find((s) => s.title.includes('MirrorFace'));
    expect(fact(mirrorFaceEn, 'Sectors: ')).toContain('Government');
    expect(fact(mirrorFaceEn, 'Organisations: ')).toContain('National Police Agency (Japan)');
    expect(mirrorFaceEn?.claims).toEqual(expect.arrayContaining([expect.objectContaining({ object: 'China' })]));
    // Policy instruments too: 能動的サイバー防御法 in Japanese, its English name in English.
    const law = (digest: typeof ja): string =>
      digest.stories.flatMap((s) => s.facts).find((f) => f.startsWith('政策・制度：') || f.startsWith('Policy')) ?? '';
    expect(law(await buildDigest(store, { date: '2025-05-16', lang: 'ja', tz: 'Asia/Tokyo' }))).toContain('能動的サイバー防御法');
    expect(law(await buildDigest(store, { date: '2025-05-16', lang: 'en', tz: 'Asia/Tokyo' }))).toContain(
      'Active Cyber Defense Act (Japan)',
    );
    const html = digestToHtml({ ...ja, stories: [{ ...ja.stories[0]!, title: '<script>alert(1)</script>' }] });
    expect(html).not.toContain('<script>alert(1)');
    expect(html).toContain('&lt;script&gt;');
  });
});

describe('the digest as STIX', () => {
  it('is a report of notes that refer to the source reports, valid against the OASIS schemas', async () => {
    const { digestToStix } = await import('./digest.js');
    const { bundleErrors, HAS_SCHEMAS } = await import('../testkit/stix-schemas.js');
    const digest = await buildDigest(store, { date: '2025-01-08', lang: 'en', tz: 'Asia/Tokyo' });
    const bundle = digestToStix(digest);
    const notes = bundle.objects.filter((o) => (o.type as string) === 'note') as unknown as { object_refs: string[]; abstract: string }[];
    expect(notes).toHaveLength(2);
    for (const n of notes) for (const ref of n.object_refs) expect(await store.getDocument(ref)).toBeDefined();
    if (HAS_SCHEMAS) expect(bundleErrors(bundle as unknown as Parameters<typeof bundleErrors>[0])).toEqual([]);
  });
});

describe("what's new since the last digest", () => {
  it('marks new stories, and a continuing story with the sources and entities it gained', async () => {
    const first = await buildDigest(store, { date: '2024-02-20', lang: 'en', tz: 'Asia/Tokyo' });
    const lockbit1 = first.stories.find((s) => s.title.includes('Operation Cronos'));
    expect(lockbit1?.whatsNew.newStory).toBe(true);
    const next = await buildDigest(store, { date: '2024-02-21', lang: 'ja', tz: 'Asia/Tokyo' });
    const lockbit2 = next.stories.find((s) => s.title.includes('LockBit'));
    expect(lockbit2?.whatsNew.newStory).toBe(false);
    expect(lockbit2?.whatsNew.sources).toEqual(['ランサムウェア「LockBit」の基盤をテイクダウン　警察庁も復号ツールで貢献']);
    expect(digestToMarkdown(next)).toContain('前日からの続報');
    expect((await buildDigest(store, { date: '2025-01-09', lang: 'en', tz: 'Asia/Tokyo' })).stories).toEqual([]);
  });

  it("names the entities a continuing story gained in the brief's language", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kizashi-digest-followup-'));
    await writeFile(
      join(dir, 'mirrorface-followup.md'),
      [
        '---',
        'title: MirrorFaceの注意喚起、防衛省も対策を呼びかけ',
        'published: 2025-01-11T09:00:00+09:00',
        'lang: ja',
        '---',
        '警察庁が公表したMirrorFaceに関する注意喚起を受け、防衛省も対策を呼びかけた。攻撃者は管理者アカウントの認証情報を窃取し、Windows Sandboxを悪用してマルウェアを実行していた。通信先の例として 198.51.100.24 が挙げられている。',
        '',
      ].join('\n'),
    );
    const extractor = createExtractor(await loadKnowledgeBase({ ignoreHome: true }));
    await ingestFiles([dir], extractor, store);
    const ja = await buildDigest(store, { date: '2025-01-11', lang: 'ja', tz: 'Asia/Tokyo' });
    const gained = ja.stories.find((s) => !s.whatsNew.newStory)?.whatsNew.entities ?? [];
    expect(gained).toContain('防衛省');
    expect(gained.join(' ')).not.toMatch(/Ministry of Defense/);
  });
});
