import { describe, expect, it } from 'vitest';
import type { KbRecord } from './entity.js';
import { KnowledgeBase } from './knowledge-base.js';

const rec = (source: string, name: string, aliases: string[] = [], extra: Partial<KbRecord> = {}): KbRecord => ({
  source,
  sourceId: name,
  kind: 'intrusion-set',
  name,
  aliases,
  ...extra,
});

describe('KnowledgeBase.build', () => {
  it('merges the same actor named differently by MITRE, MISP and the starter data, keeping alias sources', () => {
    const kb = KnowledgeBase.build([
      rec('mitre-attack', 'Lazarus Group', ['HIDDEN COBRA', 'ZINC'], { mitreId: 'G0032' }),
      rec('misp:threat-actor', 'Lazarus', ['Hidden Cobra', 'Zinc', 'Labyrinth Chollima']),
      rec('kizashi-starter', 'Lazarus Group', ['ラザルス']),
    ]);
    expect(kb.entities).toHaveLength(1);
    const e = kb.lookup('ラザルス')[0];
    expect(e?.name).toBe('Lazarus Group');
    expect(e?.mitreId).toBe('G0032');
    expect(kb.lookup('labyrinth chollima')[0]).toBe(e);
    const cobra = e?.aliases.find((a) => a.value.toLowerCase() === 'hidden cobra');
    expect([...(cobra?.sources ?? [])].sort()).toEqual(['misp:threat-actor', 'mitre-attack']);
  });

  it('does not merge on one shared alias alone', () => {
    const kb = KnowledgeBase.build([rec('mitre-attack', 'A', ['Shared']), rec('misp:threat-actor', 'B', ['shared', 'other'])]);
    expect(kb.entities).toHaveLength(2);
  });

  it('never merges two entries of one source, even when they share an alias', () => {
    const kb = KnowledgeBase.build([
      rec('mitre-attack', 'APT41', ['Winnti'], { mitreId: 'G0096' }),
      rec('mitre-attack', 'Winnti Group', [], { mitreId: 'G0044' }),
      rec('misp:threat-actor', 'Winnti', ['APT41']),
    ]);
    const names = kb.entities.map((e) => e.name).sort();
    expect(names).toEqual(['APT41', 'Winnti Group']);
    expect(kb.lookup('Winnti').map((e) => e.name)).toEqual(['APT41']);
  });

  it('follows a curated alias across entries one galaxy keeps apart, but never joins two ATT&CK objects', () => {
    const kb = KnowledgeBase.build([
      rec('mitre-attack', 'APT29', ['UNC2452'], { mitreId: 'G0016' }),
      rec('misp:mitre-intrusion-set', 'APT29', ['Cozy Bear']),
      rec('misp:mitre-intrusion-set', 'UNC2452', ['Dark Halo']),
      rec('misp:threat-actor', 'UNC2452', ['Dark Halo', 'StellarParticle']),
      { ...rec('mitre-attack', 'More_eggs', ['SpicyOmelette']), kind: 'malware' },
      { ...rec('mitre-attack', 'SpicyOmelette'), kind: 'malware' },
    ]);
    expect(kb.lookup('StellarParticle').map((e) => e.name)).toEqual(['APT29']);
    expect(kb.entities.filter((e) => e.kind === 'intrusion-set')).toHaveLength(1);
    expect(
      kb.entities
        .filter((e) => e.kind === 'malware')
        .map((e) => e.name)
        .sort(),
    ).toEqual(['More_eggs', 'SpicyOmelette']);
  });

  it('joins "X Ransomware" to the ransomware galaxy’s X, even within one source, but no other kind noun or galaxy', () => {
    const mal = (source: string, name: string): KbRecord => ({ ...rec(source, name), kind: 'malware', sourceId: `${source}/${name}` });
    const kb = KnowledgeBase.build([
      mal('misp:ransomware', 'Dharma'),
      mal('misp:ransomware', 'Dharma Ransomware'),
      mal('misp:malpedia', 'Snake'),
      mal('misp:ransomware', 'Snake Ransomware'),
      mal('misp:ransomware', 'Akira'),
      mal('misp:malpedia', 'Akira Stealer'),
    ]);
    expect(kb.lookup('Dharma Ransomware').map((e) => e.name)).toEqual(['Dharma']);
    expect(kb.entities.map((e) => e.name).sort()).toEqual(['Akira', 'Akira Stealer', 'Dharma', 'Snake', 'Snake Ransomware']);
  });

  it('names a family by another source’s name rather than Malpedia’s platform-suffixed one', () => {
    const mal = (source: string, name: string, aliases: string[] = []): KbRecord => ({
      ...rec(source, name, aliases),
      kind: 'malware',
      sourceId: `${source}/${name}`,
    });
    const kb = KnowledgeBase.build([mal('misp:malpedia', 'DarkSide (Windows)', ['DarkSide']), mal('misp:ransomware', 'Darkside')]);
    expect(kb.entities.map((e) => e.name)).toEqual(['Darkside']);
    expect(kb.lookup('DarkSide (Windows)').map((e) => e.name)).toEqual(['Darkside']);
  });

  it('keeps different kinds apart', () => {
    const kb = KnowledgeBase.build([
      rec('mitre-attack', 'Emotet'),
      { ...rec('mitre-attack', 'Emotet'), kind: 'malware', sourceId: 'S0367' },
    ]);
    expect(kb.entities.map((e) => e.kind).sort()).toEqual(['intrusion-set', 'malware']);
  });

  it('indexes country entities by ISO code', () => {
    const kb = KnowledgeBase.build([{ ...rec('kizashi-countries', 'Japan', ['日本']), kind: 'location', country: 'JP' }]);
    expect(kb.country('jp')?.name).toBe('Japan');
  });
});
