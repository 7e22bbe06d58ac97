import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExtractor } from '../extract/extract-document.js';
import { ingestFiles } from '../ingest/ingest-files.js';
import { loadKnowledgeBase } from '../kb/load-kb.js';
import type { GraphStore } from '../store/graph-store.js';
import { openSqliteStore } from '../store/sqlite/sqlite-graph-store.js';
import { buildLedger, claimsOf, hedgeOf, type Claim } from './claims.js';

describe('hedging words', () => {
  it.each([
    ['The FBI confirmed that TraderTraitor was behind the theft.', 90],
    ['Researchers assess the group is likely linked to China.', 70],
    ['The activity is suspected to involve China.', 40],
    ['警察庁は北朝鮮の犯行と特定した。', 90],
    ['中国の関与が疑われると評価している。', 40],
    ['中国の関与があるとみられる。', 70],
    ['Mandiant attributes the campaign to APT41.', 80],
  ])('%s → %i', (sentence, confidence) => {
    expect(hedgeOf(sentence).confidence).toBe(confidence);
  });
});

describe('the claims ledger', () => {
  const claim = (claimant: string, object: string, extra: Partial<Claim> = {}): Claim => ({
    claimant,
    subject: 'Zorgon Group',
    object,
    relation: 'attributed-to',
    confidence: 70,
    negated: false,
    document: `report--${claimant}`,
    sentence: '',
    start: 0,
    end: 0,
    ...extra,
  });

  it('shows agreement, contradiction and first/latest dates', () => {
    const ledger = buildLedger([
      claim('Vendor A', 'China', { published: '2025-01-01T00:00:00Z' }),
      claim('Agency B', 'China', { published: '2025-01-05T00:00:00Z' }),
      claim('Vendor C', 'Russia', { published: '2025-01-03T00:00:00Z' }),
      claim('Vendor D', 'Russia', { negated: true }),
    ]);
    const china = ledger.find((e) => e.object === 'China');
    expect(china).toMatchObject({
      claimants: ['Vendor A', 'Agency B'],
      contradictedBy: ['Russia'],
      firstSeen: '2025-01-01T00:00:00Z',
      latestSeen: '2025-01-05T00:00:00Z',
    });
    expect(ledger.find((e) => e.object === 'Russia')?.claimants).toEqual(['Vendor C']);
    const repeated = buildLedger([
      claim('Agency B', 'China', { published: '2025-01-01T00:00:00Z', document: 'report--first' }),
      claim('Agency B', 'China', { published: '2025-01-02T00:00:00Z', document: 'report--outlet-copy' }),
    ]);
    expect(repeated[0]?.repeatedBy).toEqual(['report--outlet-copy']);
    expect(repeated[0]?.claimants).toEqual(['Agency B']);
  });

  it('contradicts an attack’s attribution with another actor named for it, unless the two are linked', () => {
    const attack = (claimant: string, actor: string): Claim =>
      claim(claimant, actor, { subject: 'Japan Airlines', relation: 'attack-attributed-to', document: `report--${claimant}` });
    const ledger = buildLedger([attack('Outlet A', 'NoName057(16)'), attack('Vendor B', 'Anonymous Sudan')]);
    expect(ledger.map((e) => `${e.subject} ${e.relation} ${e.object}: ${e.contradictedBy.join()}`)).toEqual([
      'Japan Airlines attack-attributed-to NoName057(16): Anonymous Sudan',
      'Japan Airlines attack-attributed-to Anonymous Sudan: NoName057(16)',
    ]);
    const linked = buildLedger([
      attack('FBI', 'TraderTraitor'),
      attack('Outlet A', 'Lazarus Group'),
      claim('FBI', 'Lazarus Group', { subject: 'TraderTraitor', relation: 'linked-to' }),
    ]);
    expect(linked.every((e) => e.contradictedBy.length === 0)).toBe(true);
  });

  describe('on the sample corpus', () => {
    let store: GraphStore;
    beforeAll(async () => {
      store = openSqliteStore(join(await mkdtemp(join(tmpdir(), 'kizashi-claims-')), 'c.db'));
      await ingestFiles(
        [resolve(import.meta.dirname, '../../corpus')],
        createExtractor(await loadKnowledgeBase({ ignoreHome: true })),
        store,
      );
    });
    afterAll(() => store.close());

    const claimsIn = async (titleFragment: string): Promise<Claim[]> => {
      const doc = (await store.listDocuments({ limit: 100 })).find((d) => d.title.includes(titleFragment));
      if (!doc) throw new Error(titleFragment);
      return claimsOf(store, doc);
    };

    it('records who attributes what, with the hedge, in Japanese and English', async () => {
      const ja = await claimsIn('DMMビットコインの暗号資産流出');
      expect(ja).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            claimant: 'National Police Agency (Japan)',
            subject: 'TraderTraitor',
            object: 'North Korea',
            confidence: 90,
          }),
        ]),
      );
      const en = await claimsIn("Japan's police agency links MirrorFace");
      expect(en).toEqual(
        expect.arrayContaining([expect.objectContaining({ subject: 'MirrorFace', object: 'China', confidence: 40, hedge: 'suspected' })]),
      );
      // The headline "links MirrorFace campaign to China" cuts the body's hedge: the body's words are the claim.
      expect(en.filter((c) => c.object === 'China').map((c) => c.confidence)).toEqual([40]);
      // An attack attributed: by an agency ("FBI attributes DMM Bitcoin theft to …") and by the gang itself (犯行声明).
      const dmm = await claimsIn('FBI attributes DMM Bitcoin theft');
      expect(dmm.filter((c) => c.relation === 'attack-attributed-to').map((c) => `${c.claimant}: ${c.subject} → ${c.object}`)).toEqual([
        'FBI: DMM Bitcoin → TraderTraitor',
      ]);
      const kadokawa = await claimsIn('ランサムウェア集団BlackSuitが犯行声明');
      expect(kadokawa.map((c) => `${c.claimant}: ${c.subject} ${c.relation} ${c.object}`)).toEqual(
        expect.arrayContaining(['BlackSuit: KADOKAWA attack-attributed-to BlackSuit']),
      );
      // Victims are not attribution targets.
      expect(en.some((c) => c.object === 'Japan')).toBe(false);
    });
  });
});

/** The claims of one document written to a fresh SQLite store: "claimant: subject relation object (confidence)". */
async function claimsOfText(markdown: string): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), 'kizashi-claims-'));
  await writeFile(join(dir, 'a.md'), markdown);
  const store = openSqliteStore(join(dir, 'c.db'));
  try {
    await ingestFiles([join(dir, 'a.md')], createExtractor(await loadKnowledgeBase({ ignoreHome: true })), store);
    const doc = (await store.listDocuments({ limit: 1 }))[0];
    if (!doc) throw new Error('not stored');
    return (await claimsOf(store, doc)).map((c) => `${c.claimant}: ${c.subject} ${c.relation} ${c.object} (${c.confidence})`);
  } finally {
    await store.close();
  }
}

describe('claims naming a state service', () => {
  it('records an attribution to an intelligence or military service, and no claimant as its object', async () => {
    expect(
      await claimsOfText(
        '---\ntitle: APT44\npublished: 2024-04-17\nlang: en\n---\nMandiant attributed the APT44 operations to GRU Unit 74455 with high confidence, CISA said.\n',
      ),
    ).toEqual(['Mandiant: Sandworm Team attributed-to GRU (90)']);
  });
});

describe('claims in a headline', () => {
  it('are claims when the body does not make them', async () => {
    expect(
      await claimsOfText(
        '---\ntitle: Mandiant links APT44 to GRU Unit 74455\npublished: 2024-04-17\nlang: en\n---\nThe group hit Ukrainian energy firms.\n',
      ),
    ).toEqual(['Mandiant: Sandworm Team attributed-to GRU (80)']);
  });
});

describe('claims of an attack', () => {
  it('name the actor given for an attack on an organisation the graph says it targets, not a sector', async () => {
    expect(
      await claimsOfText(
        '---\ntitle: JAL DDoS\npublished: 2024-12-27\nsource: Example News\nlang: en\n---\nNoName057(16) targeted Japan Airlines and banks with DDoS attacks. Japanese media said NoName057(16) was behind the attack on Japan Airlines and the banks.\n',
      ),
    ).toEqual(['Example News: Japan Airlines attack-attributed-to NoName057(16) (80)']);
  });

  it('take a gang’s own claim that names no victim as a claim of the attack the document reports', async () => {
    expect(
      await claimsOfText(
        '---\ntitle: アサヒ\npublished: 2025-10-08\nlang: ja\n---\nアサヒグループホールディングスは、ランサムウェア攻撃でシステムが停止したと発表した。ランサムウェア集団「Qilin」がリークサイトで犯行声明を出した。\n',
      ),
    ).toEqual(['Qilin: Asahi Group Holdings attack-attributed-to Qilin (80)']);
  });

  it('take an attribution of "the intrusion" that names no victim as one of the attack the document reports', async () => {
    expect(
      await claimsOfText(
        '---\ntitle: Treasury\npublished: 2024-12-31\nsource: Example News\nlang: en\n---\nThe US Treasury Department said a state-sponsored group broke into its networks. The intrusion was later attributed to Silk Typhoon.\n',
      ),
    ).toEqual(['Example News: US Department of the Treasury attack-attributed-to Silk Typhoon (80)']);
  });
});
