import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createExtractor } from '../extract/extract-document.js';
import { ingestFiles } from '../ingest/ingest-files.js';
import { loadKnowledgeBase } from '../kb/load-kb.js';
import type { StoryListing } from '../store/graph-store.js';
import { openSqliteStore } from '../store/sqlite/sqlite-graph-store.js';
import { clusterStories } from './cluster.js';
import { listStories } from './list-stories.js';

describe('story clustering on the bilingual sample corpus', () => {
  let stories: StoryListing[];
  beforeAll(async () => {
    const extractor = createExtractor(await loadKnowledgeBase({ ignoreHome: true }));
    const store = openSqliteStore(join(await mkdtemp(join(tmpdir(), 'kizashi-stories-')), 's.db'));
    await ingestFiles([resolve(import.meta.dirname, '../../corpus')], extractor, store);
    stories = await listStories(store);
    await store.close();
  });
  const storyOf = (fragment: string): StoryListing => {
    const story = stories.find((s) => s.documents.some((d) => d.title.includes(fragment)));
    if (!story) throw new Error(`no story with a document titled like "${fragment}"`);
    return story;
  };

  it('puts the Japanese and English reports of one event in one story', () => {
    const mirrorFace = storyOf('MirrorFaceの手口');
    expect(mirrorFace.documents.map((d) => d.lang).sort()).toEqual(['en', 'ja', 'ja']);
    for (const [ja, en] of [
      ['DMMビットコイン', 'DMM Bitcoin theft'],
      ['ソルト・タイフーン', 'Salt Typhoon'],
      ['国連総会', 'UN General Assembly'],
      ['LockBit」の基盤', 'Operation Cronos'],
      ['Ivanti製VPN', 'Attackers chain two Ivanti'],
      ['Connect Secureにゼロデイ', 'CVE-2025-0282'],
      ['KADOKAWAへの', 'KADOKAWA'],
      ['「Earth Estries」', 'Earth Estries espionage'],
      ['能動的サイバー防御法', 'active cyber defense'],
    ]) {
      expect(storyOf(ja ?? ''), `${ja} / ${en}`).toBe(storyOf(en ?? ''));
    }
    expect(mirrorFace.entities).toEqual(expect.arrayContaining([{ type: 'intrusion-set', name: 'MirrorFace' }]));
  });

  it('keeps different events apart even when they share an actor, a country or a day', () => {
    expect(storyOf('Five Eyes warn of Volt Typhoon')).not.toBe(storyOf('ボルト・タイフーンが重要インフラ')); // 2023 vs 2024
    expect(storyOf('Earth Estries espionage')).not.toBe(storyOf('Salt Typhoon')); // FamousSparrow in both
    expect(storyOf('DMM Bitcoin theft')).not.toBe(storyOf('UN General Assembly')); // same day
    expect(storyOf('Attackers chain two Ivanti')).not.toBe(storyOf('CVE-2025-0282')); // one vendor, a year apart
    expect(storyOf('CVE-2025-0282')).not.toBe(storyOf('links MirrorFace campaign')); // same day, both VPN-related
    expect(storyOf('Leaked i-Soon files')).not.toBe(storyOf('i-Soon」の社員らを起訴')); // a year apart
    expect(stories).toHaveLength(20);
  });
});

describe('clusterStories', () => {
  it('is incremental: a later document joins an open story or starts a new one', () => {
    const doc = (id: string, day: string, objects: string[], lang = 'en') => ({
      id,
      lang,
      title: id,
      text: '',
      published: `2025-01-${day}T00:00:00Z`,
      objects: objects.map((o) => ({ id: `malware--${o}`, type: 'malware' })),
    });
    const stories = clusterStories([
      doc('a', '01', ['x', 'y']),
      doc('b', '02', ['x', 'y'], 'ja'),
      doc('c', '03', ['z']),
      doc('d', '20', ['x', 'y']),
    ]);
    expect(stories.map((s) => s.documents.map((d) => d.id))).toEqual([['a', 'b'], ['c'], ['d']]);
  });

  it('weighs a shared sector like a shared country, less than a shared organisation', () => {
    const doc = (id: string, own: string, shared: { id: string; type: string }) => ({
      id,
      lang: id === 'a' ? 'en' : 'ja',
      title: id,
      text: '',
      published: '2025-01-01T00:00:00Z',
      objects: [{ id: `malware--${own}`, type: 'malware' }, shared],
    });
    const pair = (shared: { id: string; type: string }) =>
      clusterStories([doc('a', 'x', shared), doc('b', 'y', shared)]).map((s) => s.documents.map((d) => d.id));
    expect(pair({ id: 'identity--victim', type: 'identity' })).toEqual([['a', 'b']]);
    expect(pair({ id: 'identity--healthcare', type: 'sector' })).toEqual([['a'], ['b']]);
    // It still counts: two reports that name only the same sector, the same day, are one story.
    const only = (id: string) => ({
      id,
      lang: 'en',
      title: id,
      text: '',
      published: '2025-01-01T00:00:00Z',
      objects: [{ id: 'identity--healthcare', type: 'sector' }],
    });
    expect(clusterStories([only('a'), only('b')]).map((s) => s.documents.map((d) => d.id))).toEqual([['a', 'b']]);
  });
});
