import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KbError } from '../core/errors.js';
import { HAS_SHARED_DATA, SHARED_DIR } from '../testkit/stix-schemas.js';
import { loadKnowledgeBase } from './load-kb.js';
import { parseStarterFile } from './load-starter.js';

describe('starter knowledge base', () => {
  it('loads offline with Japanese names for the entities Japanese news writes in katakana and kanji', async () => {
    const kb = await loadKnowledgeBase({ ignoreHome: true });
    const name = (alias: string): string | undefined => kb.lookup(alias)[0]?.name;
    expect(name('ミラーフェイス')).toBe('MirrorFace');
    expect(name('Earth Kasha')).toBe('MirrorFace');
    expect(name('ラザルス')).toBe('Lazarus Group');
    expect(name('トレーダートレイター')).toBe('TraderTraitor');
    expect(name('トレイダー・トレイター')).toBe('TraderTraitor');
    expect(name('ペガサス')).toBe('Pegasus');
    expect(name('ブラックスーツ')).toBe('BlackSuit');
    expect(name('ロックビット')).toBe('LockBit');
    expect(name('警察庁')).toBe('National Police Agency (Japan)');
    expect(name('NISC')).toBe('NISC');
    expect(name('米国')).toBe('United States');
    expect(name('マケドニア')).toBe('North Macedonia');
    expect(kb.sources.map((s) => s.name)).toEqual(['kizashi-starter', 'kizashi-countries']);
  });

  it('rejects a malformed starter entry, naming the file and entry', () => {
    expect(() => parseStarterFile({ kind: 'malware', entities: [{ name: 'X', aliases: 'not a list' }] }, 'bad.yaml')).toThrow(
      /bad\.yaml: entry 1 \(X\): "aliases" must be a list/,
    );
    expect(() => parseStarterFile({ kind: 'galaxy', entities: [{ name: 'X' }] }, 'bad.yaml')).toThrow(/unknown kind "galaxy"/);
    expect(() => parseStarterFile({ kind: 'vulnerability', entities: [{ name: 'Log4Shell' }] }, 'bad.yaml')).toThrow(
      /bad\.yaml: entry 1 \(Log4Shell\): a vulnerability's name must be its CVE id/,
    );
    expect(() => parseStarterFile({ kind: 'malware', entities: [{ name: 'X', producers: 'NSO Group' }] }, 'bad.yaml')).toThrow(
      /bad\.yaml: entry 1 \(X\): "producers" must be a list of names/,
    );
    expect(parseStarterFile({ kind: 'malware', entities: [{ name: 'X', producers: ['NSO Group'] }] }, 'ok.yaml')[0]?.producers).toEqual([
      'NSO Group',
    ]);
    expect(() => parseStarterFile({ kind: 'identity', entities: [{ name: 'X', keeps: [3] }] }, 'bad.yaml')).toThrow(
      /bad\.yaml: entry 1 \(X\): "keeps" must be a list of names/,
    );
  });

  it('names only sanctions lists it knows as the lists an agency keeps', async () => {
    const kb = await loadKnowledgeBase({ ignoreHome: true });
    const keepers = kb.entities.filter((e) => (e.keeps ?? []).length > 0);
    expect(keepers.map((e) => e.name).sort()).toEqual(
      expect.arrayContaining(['Bureau of Industry and Security', 'OFAC', 'US Department of the Treasury']),
    );
    for (const keeper of keepers)
      for (const list of keeper.keeps ?? [])
        expect(
          kb.lookup(list).map((e) => e.policy?.kind),
          `${keeper.name} keeps ${list}`,
        ).toContain('sanctions-listing');
  });
});

describe('--kb folders', () => {
  it('names the corrupt JSON file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kizashi-kb-'));
    await mkdir(join(dir, 'misp-galaxy', 'clusters'), { recursive: true });
    const bad = join(dir, 'misp-galaxy', 'clusters', 'threat-actor.json');
    await writeFile(bad, '{"type": "threat-actor", "values": [');
    await expect(loadKnowledgeBase({ kbDirs: [dir], ignoreHome: true })).rejects.toThrow(KbError);
    await expect(loadKnowledgeBase({ kbDirs: [dir], ignoreHome: true })).rejects.toThrow(bad);
  });

  it('rejects a missing folder and a folder without sources', async () => {
    await expect(loadKnowledgeBase({ kbDirs: ['/nonexistent/kb'], ignoreHome: true })).rejects.toThrow(/no such folder/);
    const empty = await mkdtemp(join(tmpdir(), 'kizashi-kb-'));
    await expect(loadKnowledgeBase({ kbDirs: [empty], ignoreHome: true })).rejects.toThrow(/neither attack/);
  });

  it('adds to the starter data, never replaces it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kizashi-kb-'));
    await mkdir(join(dir, 'misp-galaxy', 'clusters'), { recursive: true });
    await writeFile(
      join(dir, 'misp-galaxy', 'clusters', 'threat-actor.json'),
      JSON.stringify({
        type: 'threat-actor',
        version: 7,
        values: [{ value: 'MirrorFace', uuid: 'u1', meta: { synonyms: ['Space Pirate Test'] } }],
      }),
    );
    const kb = await loadKnowledgeBase({ kbDirs: [dir], ignoreHome: true });
    const e = kb.lookup('Space Pirate Test')[0];
    expect(e?.name).toBe('MirrorFace');
    expect(kb.lookup('ミラーフェイス')[0]).toBe(e);
    expect([...(e?.sources ?? [])].sort()).toEqual(['kizashi-starter', 'misp:threat-actor']);
    expect(kb.sources.find((s) => s.name === 'misp:threat-actor')?.version).toBe('7');
  });
});

describe.skipIf(!HAS_SHARED_DATA)('full ATT&CK + MISP knowledge base (../shared/data)', () => {
  it('merges MITRE and MISP names of one actor and keeps every alias source', async () => {
    const kb = await loadKnowledgeBase({ kbDirs: [join(SHARED_DIR, 'data')], ignoreHome: true });
    const counts = kb.countByKind();
    expect(counts['intrusion-set']).toBeGreaterThan(500);
    expect(counts.malware).toBeGreaterThan(3000);
    expect(counts['attack-pattern']).toBeGreaterThan(500);
    const apt29 = kb.lookup('Cozy Bear').find((e) => e.kind === 'intrusion-set');
    expect(apt29?.name).toBe('APT29');
    expect(apt29?.sources).toEqual(expect.arrayContaining(['mitre-attack', 'misp:threat-actor', 'kizashi-starter']));
    expect(kb.lookup('コージーベア')[0]).toBe(apt29);
    expect(kb.getByMitreId('G0016')).toBe(apt29);
  });
});
