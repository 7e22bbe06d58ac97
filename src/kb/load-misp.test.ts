import { describe, expect, it } from 'vitest';
import { galaxyCluster, type GalaxyValue } from '../testkit/galaxy-cluster.js';
import { mispClusterRecords } from './load-misp.js';

const cluster = (type: string, values: GalaxyValue[]): unknown => galaxyCluster(type, values, 7);

describe('MISP galaxy clusters', () => {
  it('maps a galaxy onto its kind, strips "- S0367" ids and kind suffixes, and ignores galaxies it does not map', () => {
    const { records, version } = mispClusterRecords(cluster('mitre-malware', [{ value: 'Emotet - S0367', synonyms: ['Geodo'] }]));
    expect(version).toBe('7');
    expect(records.map((r) => [r.kind, r.name, r.mitreId, r.aliases])).toEqual([['malware', 'Emotet', 'S0367', ['Geodo']]]);
    expect(mispClusterRecords(cluster('ransomware', [{ value: 'Ryuk ransomware' }])).records[0]?.name).toBe('Ryuk');
    expect(mispClusterRecords(cluster('tea-matrix', [{ value: 'x' }])).records).toEqual([]);
  });

  it('folds the entry under an actor’s old Microsoft name into the entry under its new one', () => {
    const { records } = mispClusterRecords(
      cluster('microsoft-activity-group', [
        { value: 'Silk Typhoon', synonyms: ['HAFNIUM', 'MURKY PANDA'] },
        { value: 'HAFNIUM', country: 'CN' },
        { value: 'Neva Flood', synonyms: ['Storm-1516'] },
        { value: 'Storm-1516', synonyms: ['CopyCop'] },
        // A botnet an actor uses is listed beside it, but it is no old name of the actor.
        { value: 'Storm-0940', synonyms: ['CovertNetwork-1658'] },
        { value: 'CovertNetwork-1658' },
      ]),
    );
    expect(records.map((r) => r.name)).toEqual(['Silk Typhoon', 'Neva Flood', 'Storm-0940', 'CovertNetwork-1658']);
    const silk = records[0];
    expect(silk?.aliases).toEqual(['HAFNIUM', 'MURKY PANDA']);
    expect(silk?.country).toBe('CN');
    expect(silk?.externalRefs).toHaveLength(2);
    expect(records[1]?.aliases).toEqual(['Storm-1516', 'CopyCop']);
  });

  it('gives the bare name of a Malpedia family named per platform to its Windows or only entry', () => {
    const { records } = mispClusterRecords(
      cluster('malpedia', [
        { value: 'DarkSide (Windows)', synonyms: ['BlackMatter'] },
        { value: 'DarkSide (ELF)' },
        { value: 'SysJoker (OS X)' },
        // Android's Anubis is a banking trojan, Windows' a loader: "Anubis" names neither.
        { value: 'Anubis (Android)' },
        { value: 'Anubis (Windows)' },
        // An ordinary word, and a name that has its own entry, get nothing.
        { value: 'Ares (Windows)' },
        { value: 'Emotet' },
        { value: 'Emotet (Windows)' },
      ]),
    );
    expect(records.map((r) => [r.name, r.aliases])).toEqual([
      ['DarkSide (Windows)', ['DarkSide', 'BlackMatter']],
      ['DarkSide (ELF)', []],
      ['SysJoker (OS X)', ['SysJoker']],
      ['Anubis (Android)', []],
      ['Anubis (Windows)', []],
      ['Ares (Windows)', []],
      ['Emotet', []],
      ['Emotet (Windows)', []],
    ]);
  });

  it('rejects JSON that is no galaxy cluster', () => {
    expect(() => mispClusterRecords([])).toThrow(/needs "type" and "values"/);
  });
});
