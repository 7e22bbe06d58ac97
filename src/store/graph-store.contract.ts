// The GraphStore contract: one suite, run against every backend (SQLite now; PostgreSQL with the same body).
import { beforeAll, beforeEach, afterEach, describe, expect, it } from 'vitest';
import type { KizashiDocument } from '../core/document.js';
import { extractionToBundle } from '../export/stix-bundle.js';
import { createExtractor, extractDocument, type Extractor } from '../extract/extract-document.js';
import { loadKnowledgeBase } from '../kb/load-kb.js';
import { listStories } from '../stories/list-stories.js';
import type { GraphStore } from './graph-store.js';

const docJa: KizashiDocument = {
  id: 'report--11111111-1111-4111-8111-111111111111',
  title: 'MirrorFaceの攻撃',
  text: '警察庁は、ミラーフェイスが台湾と日本の政府機関を標的にしたと発表した。LODEINFOが使われた。通信先は45.77.12[.]9。',
  lang: 'ja',
  published: '2025-01-08T00:00:00.000Z',
  url: 'https://news-ja.example/a',
  source: 'サンプル通信',
  origin: 'a.md',
};
const docEn: KizashiDocument = {
  id: 'report--22222222-2222-4222-8222-222222222222',
  title: 'MirrorFace linked to China',
  text: 'Japan said MirrorFace, also known as Earth Kasha, used LODEINFO against think tanks. Lazarus Group was not involved.',
  lang: 'en',
  published: '2025-01-09T00:00:00.000Z',
  url: 'https://threatwire.example/b',
  source: 'Example Threat Wire',
  origin: 'b.md',
};

/** Run the contract against a backend: `open` returns a fresh, empty store. */
export function runGraphStoreContract(name: string, open: () => Promise<GraphStore>): void {
  describe(`GraphStore contract: ${name}`, () => {
    let extractor: Extractor;
    let store: GraphStore;
    const put = (doc: KizashiDocument, hash = doc.text): ReturnType<GraphStore['putDocument']> =>
      store.putDocument(doc, extractionToBundle(extractDocument(extractor, doc), new Date(doc.published ?? 0)), hash);

    beforeAll(async () => {
      extractor = createExtractor(await loadKnowledgeBase({ ignoreHome: true }));
    });
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close();
    });

    it('stores a document with its objects and mentions', async () => {
      expect(await put(docJa)).toBe('new');
      const stored = await store.getDocument(docJa.id);
      expect(stored).toMatchObject({ title: docJa.title, text: docJa.text, lang: 'ja', url: docJa.url, published: docJa.published });
      const actors = await store.listObjects({ type: 'intrusion-set' });
      expect(actors.map((o) => o.name)).toEqual(['MirrorFace']);
      const mentions = await store.mentions({ objectId: actors[0]?.id ?? '' });
      expect(mentions).toHaveLength(1);
      expect(docJa.text.slice(mentions[0]?.start, mentions[0]?.end)).toBe('ミラーフェイス');
      expect(mentions[0]?.sentence).toContain('標的');
    });

    it('is idempotent: the same document twice changes nothing', async () => {
      await put(docJa);
      const before = await store.counts();
      expect(await put(docJa)).toBe('unchanged');
      expect(await store.counts()).toEqual(before);
    });

    it('merges one entity across documents and languages, accumulating aliases and first/last seen', async () => {
      await put(docJa);
      await put(docEn);
      const [mirrorFace] = (await store.listObjects({ type: 'intrusion-set' })).filter((o) => o.name === 'MirrorFace');
      expect(mirrorFace?.mentionCount).toBe(3); // ミラーフェイス; MirrorFace and Earth Kasha
      expect(mirrorFace?.firstSeen).toBe(docJa.published);
      expect(mirrorFace?.lastSeen).toBe(docEn.published);
      expect(mirrorFace?.aliases).toEqual(expect.arrayContaining(['ミラーフェイス', 'Earth Kasha']));
      const docs = new Set((await store.mentions({ objectId: mirrorFace?.id ?? '' })).map((m) => m.documentId));
      expect(docs).toEqual(new Set([docJa.id, docEn.id]));
    });

    it('widens first/last seen when only the dates of an unchanged entity move', async () => {
      await put(docEn);
      const later = {
        ...docEn,
        id: 'report--55555555-5555-4555-8555-555555555555',
        published: '2025-03-01T00:00:00.000Z',
        origin: 'later.md',
      };
      const earlier = {
        ...docEn,
        id: 'report--66666666-6666-4666-8666-666666666666',
        published: '2024-11-01T00:00:00.000Z',
        origin: 'earlier.md',
      };
      await put(later);
      await put(earlier);
      const [mirrorFace] = (await store.listObjects({ type: 'intrusion-set' })).filter((o) => o.name === 'MirrorFace');
      expect(mirrorFace?.firstSeen).toBe(earlier.published);
      expect(mirrorFace?.lastSeen).toBe(later.published);
      expect(mirrorFace?.mentionCount).toBe(6);
    });

    it('an updated article replaces its own mentions, not others', async () => {
      await put(docJa);
      await put(docEn);
      const updated = { ...docJa, text: '更新：Lazarus Groupの関与が判明した。' };
      expect(await put(updated, updated.text)).toBe('updated');
      expect((await store.getDocument(docJa.id))?.text).toBe(updated.text);
      const ja = await store.mentions({ documentId: docJa.id });
      const names = await Promise.all(ja.map(async (m) => (await store.getObject(m.objectId))?.name));
      expect(names).toEqual(['Lazarus Group']);
      // Each mention brings its sentence, the document's current one (sentences are stored once per document).
      expect(ja.map((m) => m.sentence)).toEqual([updated.text]);
      const en = await store.mentions({ documentId: docEn.id });
      expect(en.length).toBeGreaterThan(3);
      for (const m of en) expect(docEn.text.slice(m.sentenceStart, m.sentenceStart + m.sentence.length)).toBe(m.sentence);
      expect(en.every((m) => m.sentence.length > 0)).toBe(true);
    });

    it('batches writes: a failing document is rolled back alone, and what was stored before an error stays', async () => {
      const bundleOf = (doc: KizashiDocument) => extractionToBundle(extractDocument(extractor, doc), new Date(doc.published ?? 0));
      const broken = { ...docJa, id: 'report--44444444-4444-4444-8444-444444444444', origin: 'broken.md' };
      const bad = bundleOf(broken);
      // An object that cannot be read: the write fails after the document row was inserted.
      const objects = bad.objects.map((o) =>
        o.type === 'intrusion-set'
          ? Object.defineProperty({ ...o }, 'aliases', {
              enumerable: true,
              get: () => {
                throw new Error('unreadable object');
              },
            })
          : o,
      );
      await store.batch(async () => {
        await store.putDocument(docJa, bundleOf(docJa), docJa.text);
        await expect(store.putDocument(broken, { ...bad, objects }, broken.text)).rejects.toThrow();
        await store.putDocument(docEn, bundleOf(docEn), docEn.text);
      });
      expect(await store.getDocument(broken.id)).toBeUndefined();
      expect(await store.mentions({ documentId: broken.id })).toEqual([]);
      expect((await store.listDocuments()).map((d) => d.id).sort()).toEqual([docJa.id, docEn.id].sort());
      const updated = { ...docEn, text: `${docEn.text} Updated.` };
      await expect(
        store.batch(async () => {
          await store.putDocument(updated, bundleOf(updated), updated.text);
          throw new Error('stop');
        }),
      ).rejects.toThrow('stop');
      expect((await store.getDocument(docEn.id))?.text).toBe(updated.text);
    });

    it('searches documents and entities in Japanese and English, including two-character terms', async () => {
      await put(docJa);
      await put(docEn);
      const ids = async (q: string, kind?: 'document' | 'object'): Promise<string[]> =>
        (await store.search(q, kind ? { kind } : {})).map((h) => h.id);
      expect(await ids('ミラーフェイス', 'document')).toEqual([docJa.id]);
      expect(await ids('think tanks', 'document')).toEqual([docEn.id]);
      expect(await ids('tank', 'document')).toEqual([docEn.id]); // a word form (stemmed, or a substring)
      expect(await ids('Earth MirrorFace', 'document')).toEqual([docEn.id]);
      expect(await ids('台湾', 'document')).toEqual([docJa.id]);
      expect(await ids('政府機関 台湾', 'document')).toEqual([docJa.id]);
      const entity = await store.search('Earth Kasha', { kind: 'object' });
      expect(entity.map((h) => h.title)).toContain('MirrorFace');
      const hit = (await store.search('LODEINFO', { kind: 'document' })).find((h) => h.id === docEn.id);
      expect(hit?.snippet).toContain('«LODEINFO»');
      expect(await ids('"unbalanced (quote AND', 'document')).toEqual([]);
      // Quotes around a term are not part of it; a term of punctuation alone matches nothing (not alias-list JSON).
      expect(await ids('"LODEINFO"', 'document')).toContain(docEn.id);
      expect(await ids('「台湾」', 'document')).toEqual([docJa.id]);
      expect(await ids('"')).toEqual([]);
      expect(await ids('[ ,')).toEqual([]);
    });

    it('finds Japanese inside an English article, and follows a document whose text changes script', async () => {
      const ids = async (q: string): Promise<string[]> => (await store.search(q, { kind: 'document' })).map((h) => h.id);
      const mixed: KizashiDocument = {
        ...docEn,
        id: 'report--33333333-3333-4333-8333-333333333333',
        text: 'The contractor i-Soon (安洵信息) sold hacking services to ministries.',
        origin: 'c.md',
      };
      await put(mixed);
      await put(docEn);
      expect(await ids('安洵信息')).toEqual([mixed.id]);
      // Each hit's snippet comes from its own document.
      for (const q of ['MirrorFace', 'services']) {
        for (const h of await store.search(q, { kind: 'document' })) {
          const text = (await store.getDocument(h.id))?.text ?? '';
          expect(text).toContain(h.snippet.replace(/^…|…$/g, '').replace(/[«»]/g, '').slice(0, 12));
        }
      }
      const toJapanese = { ...docEn, text: '英語の記事が日本語に差し替えられた。' };
      await put(toJapanese, toJapanese.text);
      expect(await ids('差し替え')).toEqual([docEn.id]);
      const toEnglish = { ...docEn, text: 'Back to English only.' };
      await put(toEnglish, toEnglish.text);
      expect(await ids('差し替え')).toEqual([]);
      expect(await ids('English')).toEqual([docEn.id]);
    });

    it('filters search by entity and date', async () => {
      await put(docJa);
      await put(docEn);
      const lazarus = (await store.listObjects({ type: 'intrusion-set' })).find((o) => o.name === 'Lazarus Group');
      expect((await store.search('MirrorFace', { kind: 'document', entity: lazarus?.id ?? '' })).map((h) => h.id)).toEqual([docEn.id]);
      expect((await store.search('LODEINFO', { kind: 'document', since: '2025-01-09' })).map((h) => h.id)).toEqual([docEn.id]);
    });

    it('keeps per-feed polling state', async () => {
      expect(await store.getFeedState('https://feeds.example/a.xml')).toBeUndefined();
      const state = {
        url: 'https://feeds.example/a.xml',
        etag: '"v1"',
        consecutiveErrors: 0,
        itemsSeen: 3,
        nextFetchAt: '2025-01-01T00:15:00.000Z',
      };
      await store.putFeedState(state);
      await store.putFeedState({ ...state, itemsSeen: 5 });
      expect(await store.getFeedState(state.url)).toEqual({ ...state, itemsSeen: 5 });
      expect(await store.listFeedStates()).toHaveLength(1);
    });

    it('lists the stories of a window with their sources and entities', async () => {
      await put(docJa);
      await put(docEn);
      const stories = await listStories(store, { since: '2025-01-08', until: '2025-01-09' });
      expect(stories).toHaveLength(1);
      expect(stories[0]?.documents).toEqual([
        { title: docJa.title, url: docJa.url, published: docJa.published, lang: 'ja', source: docJa.source },
      ]);
      expect(stories[0]?.entities).toEqual(
        expect.arrayContaining([
          { type: 'intrusion-set', name: 'MirrorFace' },
          { type: 'identity', name: 'Government', nameJa: '政府機関', sector: true },
        ]),
      );
    });

    it("keeps an object's history in its fields: a document that adds nothing writes no new version", async () => {
      // A bundle of docEn as of another date, with MirrorFace's confidence set as that document would see it.
      const putAs = async (id: string, published: string, confidence: number): Promise<void> => {
        const doc = { ...docEn, id, published, origin: `${id}.md` };
        const bundle = extractionToBundle(extractDocument(extractor, doc), new Date(published));
        const objects = bundle.objects.map((o) => (o.type === 'intrusion-set' && o.name === 'MirrorFace' ? { ...o, confidence } : o));
        await store.putDocument(doc, { ...bundle, objects }, doc.text);
      };
      const mirrorFace = async (): Promise<{ stix: Record<string, unknown>; versions: number }> => {
        const [stored] = (await store.listObjects({ type: 'intrusion-set' })).filter((o) => o.name === 'MirrorFace');
        const added = await store.objectsAdded({ limit: 100, types: ['intrusion-set'] });
        return { stix: stored?.stix ?? {}, versions: added.objects.filter((o) => o.stix.name === 'MirrorFace').length };
      };
      await putAs('report--77777777-7777-4777-8777-777777777771', '2025-01-09T00:00:00.000Z', 80);
      const first = await mirrorFace();
      // Later, and less sure of it: the stored object stays as it was (same version, same confidence).
      await putAs('report--77777777-7777-4777-8777-777777777772', '2025-03-01T00:00:00.000Z', 40);
      expect((await mirrorFace()).stix).toEqual(first.stix);
      // An older report that is surer: the confidence rises, created goes back to the earliest, and the new version's
      // modified stamp still comes after the stored one (versions never go back in time).
      await putAs('report--77777777-7777-4777-8777-777777777773', '2024-11-01T00:00:00.000Z', 95);
      const raised = await mirrorFace();
      expect(raised.stix.confidence).toBe(95);
      expect(raised.stix.created).toBe('2024-11-01T00:00:00.000Z');
      expect(Date.parse(String(raised.stix.modified))).toBeGreaterThan(Date.parse(String(first.stix.modified)));
      expect(raised.versions).toBe(1);
      // An indicator seen again later keeps its earliest valid_from and is not rewritten.
      await put(docJa);
      const [indicator] = await store.listObjects({ type: 'indicator' });
      await put({ ...docJa, id: 'report--77777777-7777-4777-8777-777777777774', published: '2025-06-01T00:00:00.000Z', origin: 'x.md' });
      const [again] = await store.listObjects({ type: 'indicator' });
      expect(again?.stix).toEqual(indicator?.stix);
      expect(again?.stix.valid_from).toBe(docJa.published);
      expect(again?.lastSeen).toBe('2025-06-01T00:00:00.000Z');
    });

    it('pages object versions in the order they were added, each exactly once, while new ones arrive', async () => {
      await put(docJa);
      const seen: string[] = [];
      let page = await store.objectsAdded({ limit: 2 });
      seen.push(...page.objects.map((o) => String(o.stix.id)));
      await put(docEn); // arrives mid-paging
      while (page.next) {
        page = await store.objectsAdded({ after: page.next, limit: 2 });
        seen.push(...page.objects.map((o) => String(o.stix.id)));
      }
      const all = (await store.objectsAdded({ limit: 10_000 })).objects.map((o) => String(o.stix.id));
      expect(new Set(seen).size).toBe(seen.length);
      expect(new Set(seen)).toEqual(new Set(all));
      const actors = await store.objectsAdded({ limit: 100, types: ['intrusion-set'] });
      expect(actors.objects.map((o) => o.stix.name).sort()).toEqual(['Lazarus Group', 'MirrorFace']);
      expect(actors.objects[0]?.version).toMatch(/^\d{4}-/);
      const fromJa = await store.objectsAdded({ limit: 100, source: docJa.source ?? '', types: ['intrusion-set'] });
      expect(fromJa.objects.map((o) => o.stix.name)).toEqual(['MirrorFace']);
      expect(await store.sources()).toEqual([
        { source: 'Example Threat Wire', documents: 1 },
        { source: 'サンプル通信', documents: 1 },
      ]);
      const byDoc = await store.objectsAdded({ limit: 100, documentIds: [docEn.id], types: ['intrusion-set'] });
      expect(byDoc.objects).toHaveLength(2);
    });

    it('lists the relationships of an object', async () => {
      await put(docEn);
      const [mirrorFace] = (await store.listObjects({ type: 'intrusion-set' })).filter((o) => o.name === 'MirrorFace');
      const rels = await store.relationships(mirrorFace?.id ?? '');
      expect(rels.length).toBeGreaterThan(0);
      for (const r of rels) expect([r.stix.source_ref, r.stix.target_ref]).toContain(mirrorFace?.id);
    });

    it('keeps API keys by hash and revokes them', async () => {
      const key = { id: 'k1', name: 'ci', role: 'reader' as const, hash: 'a'.repeat(64), createdAt: '2026-01-01T00:00:00.000Z' };
      await store.putApiKey(key);
      expect(await store.apiKeyByHash(key.hash)).toEqual(key);
      expect(await store.apiKeyByHash('b'.repeat(64))).toBeUndefined();
      expect(await store.revokeApiKey('ci')).toBe(true);
      expect(await store.revokeApiKey('ci')).toBe(false);
      expect((await store.apiKeyByHash(key.hash))?.revokedAt).toBeDefined();
      expect(await store.listApiKeys()).toHaveLength(1);
    });

    it('keeps watchlists and records each hit once until delivered', async () => {
      await put(docJa);
      const wl = {
        id: 'w1',
        name: 'Japan',
        entityIds: [],
        keywords: ['台湾'],
        webhook: 'https://hooks.example/x',
        createdAt: '2026-01-01',
      };
      await store.putWatchlist(wl);
      expect(await store.listWatchlists()).toEqual([wl]);
      const hit = { watchlistId: 'w1', documentId: docJa.id, matched: ['台湾'], createdAt: '2026-01-02', attempts: 0 };
      expect(await store.addWatchHits([hit])).toHaveLength(1);
      expect(await store.addWatchHits([hit])).toHaveLength(0);
      expect(await store.watchHits({ undelivered: true })).toEqual([hit]);
      await store.markWatchHit('w1', docJa.id, { attempts: 1, lastError: 'HTTP 500' });
      expect((await store.watchHits({ undelivered: true }))[0]).toMatchObject({ attempts: 1, lastError: 'HTTP 500' });
      await store.markWatchHit('w1', docJa.id, { attempts: 2, deliveredAt: '2026-01-02T00:01:00Z' });
      expect(await store.watchHits({ undelivered: true })).toEqual([]);
      expect(await store.watchHits({ watchlistId: 'w1' })).toHaveLength(1);
      expect(await store.deleteWatchlist('w1')).toBe(true);
      expect(await store.watchHits({})).toEqual([]);
    });

    it("keeps analysts' verdicts on mentions, the latest per mention", async () => {
      await put(docJa);
      const [m] = await store.mentions({ documentId: docJa.id });
      const base = { documentId: docJa.id, objectId: m?.objectId ?? '', start: m?.start ?? 0, end: m?.end ?? 0, surface: m?.text ?? '' };
      await store.putFeedback({ ...base, verdict: 'confirm', createdAt: '2026-01-01T00:00:00Z', by: 'k1' });
      await store.putFeedback({ ...base, verdict: 'retype', newType: 'malware', createdAt: '2026-01-02T00:00:00Z', by: 'k1' });
      expect(await store.listFeedback({ documentId: docJa.id })).toEqual([
        { ...base, verdict: 'retype', newType: 'malware', createdAt: '2026-01-02T00:00:00Z', by: 'k1' },
      ]);
      expect(await store.listFeedback({ documentId: docEn.id })).toEqual([]);
    });
  });
}
