import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { KizashiDocument } from '../core/document.js';
import { extractionToBundle } from '../export/stix-bundle.js';
import { loadKnowledgeBase } from '../kb/load-kb.js';
import { parseDocumentBytes } from '../ingest/read-document.js';
import { galaxyCluster, type GalaxyValue } from '../testkit/galaxy-cluster.js';
import { bundleErrors, HAS_SCHEMAS, HAS_SHARED_DATA, SHARED_DIR } from '../testkit/stix-schemas.js';
import { createExtractor, extractDocument, type Extraction, type Extractor } from './extract-document.js';

let starter: Extractor;
beforeAll(async () => {
  starter = createExtractor(await loadKnowledgeBase({ ignoreHome: true }));
});

const doc = (text: string, lang: 'ja' | 'en' = 'ja'): KizashiDocument => ({
  id: 'report--00000000-0000-4000-8000-000000000000',
  title: 't',
  text,
  lang,
  origin: 'test',
});
const names = (x: Extraction, kind?: string): string[] =>
  x.entities.filter((e) => !kind || e.entity.kind === kind).map((e) => e.entity.name);
const countries = (x: Extraction): string[] =>
  x.entities.flatMap((e) => (e.entity.kind === 'location' && e.entity.country ? [e.entity.country] : [])).sort();
/** "APT41 targets Taiwan": the relations of an extraction by entity name, sorted. */
const relationsOf = (x: Extraction): string[] => {
  const byName = new Map(x.entities.map((e) => [e.entity.key, e.entity.name]));
  return x.relations.map((r) => `${byName.get(r.source)} ${r.type} ${byName.get(r.target)}`).sort();
};
/** "Askul: victim": the actor roles of an extraction by entity name, sorted. */
const rolesOf = (x: Extraction): string[] => {
  const name = new Map(x.entities.map((e) => [e.entity.key, e.entity.name]));
  return x.roles.map((r) => `${name.get(r.entity) ?? r.entity}: ${r.role}`).sort();
};
const THREAT_KINDS = new Set(['intrusion-set', 'threat-actor', 'malware', 'tool', 'campaign']);

/** Every bundle a test produces must validate against the OASIS schemas. */
function expectValidStix(x: Extraction): void {
  if (!HAS_SCHEMAS) return;
  expect(bundleErrors(extractionToBundle(x, new Date('2026-11-24T00:00:00Z')))).toEqual([]);
}

describe('Japanese extraction (our own texts)', () => {
  it('finds actors written in katakana, with or without ・ and long-vowel variants', () => {
    const x = extractDocument(
      starter,
      doc(
        '警察庁とNISCは、ミラーフェイスによる攻撃について注意喚起した。また、トレイダー・トレイターが暗号資産取引所を標的にしたと発表し、ラザルスとの関連を指摘した。',
      ),
    );
    expect(names(x, 'intrusion-set')).toEqual(['MirrorFace', 'TraderTraitor', 'Lazarus Group']);
    expect(names(x, 'identity')).toEqual(expect.arrayContaining(['National Police Agency (Japan)', 'NISC']));
    expect(names(x, 'sector')).toContain('Cryptocurrency');
    const mention = x.entities.find((e) => e.entity.name === 'TraderTraitor')?.mentions[0];
    expect(mention?.surface).toBe('トレイダー・トレイター');
    expect(x.document.text.slice(mention?.start, mention?.end)).toBe('トレイダー・トレイター');
    expectValidStix(x);
  });

  it('handles names glued to Japanese particles, brackets and 社', () => {
    const x = extractDocument(
      starter,
      doc(
        'イスラエルのNSOグループ社が開発したスパイウェアのペガサスは、「Earth Estries」が使うHemiGateとは別物だ。ロックビットの亜種も確認された。',
      ),
    );
    expect(names(x)).toEqual(expect.arrayContaining(['NSO Group', 'Pegasus', 'Earth Estries', 'HemiGate', 'LockBit']));
    expect(countries(x)).toEqual(['IL']);
    expectValidStix(x);
  });

  it('reads one-kanji country forms only in context (米英豪加, 米政府), not inside ordinary words', () => {
    const x = extractDocument(starter, doc('米英豪加の当局は共同で勧告を出した。米政府も声明を発表した。期間中に英語の資料も公開された。'));
    expect(countries(x)).toEqual(['AU', 'CA', 'GB', 'US']);
    const none = extractDocument(starter, doc('期間中に英語の資料と中間報告が公開された。3日米国で発表。'));
    expect(countries(none)).toEqual(['US']);
  });

  it('maps sectors and targets to the actor named before them', () => {
    const x = extractDocument(starter, doc('中国との関連が疑われるボルト・タイフーンは、米国の重要インフラや通信事業者を標的にしている。'));
    expect(names(x, 'intrusion-set')).toEqual(['Volt Typhoon']);
    const rel = x.relations.map((r) => `${r.type}:${r.target}`).sort();
    expect(rel).toEqual([
      'originates-from:location:china',
      'targets:location:united states',
      'targets:sector:infrastructure',
      'targets:sector:telecommunications',
    ]);
  });

  it('reads a country directly before an actor as its origin, not its target (北朝鮮の攻撃グループ「ラザルス」)', () => {
    const x = extractDocument(
      starter,
      doc(
        '米連邦捜査局（FBI）は、北朝鮮の攻撃グループ「ラザルス」が暗号資産交換業者を狙っていると警告した。中国のAPT41が台湾の企業を攻撃した。',
      ),
    );
    const rels = relationsOf(x);
    expect(rels).toEqual([
      'APT41 originates-from China',
      'APT41 targets Taiwan',
      'Lazarus Group originates-from North Korea',
      'Lazarus Group targets Cryptocurrency',
    ]);
    // 米 inside 米連邦捜査局 is part of the FBI's name: no mention of the United States of its own.
    expect(countries(x)).toEqual(['CN', 'KP', 'TW']);
    expectValidStix(x);
  });

  it("reads bare 財務省 and 国家安全保障局 as Japan's, and the 米 forms as the US agencies", () => {
    const x = extractDocument(starter, doc('財務省と国家安全保障局は、米財務省および米国家安全保障局と協議した。厚生労働省も参加した。'));
    expect(names(x, 'identity')).toEqual([
      'Ministry of Finance (Japan)',
      'National Security Secretariat (Japan)',
      'US Department of the Treasury',
      'NSA',
      'Ministry of Health, Labour and Welfare',
    ]);
  });

  it('reads spyware named right after its maker (NSOグループの「ペガサス」, Intellexa’s Predator), and not without it', () => {
    const spyware = (text: string, lang: 'ja' | 'en' = 'ja'): string[] => names(extractDocument(starter, doc(text, lang)), 'malware');
    expect(spyware('NSOグループの「ペガサス」が記者の監視に使われた。')).toEqual(['Pegasus']);
    expect(spyware('Intellexaの「Predator」が使われた。')).toEqual(['Predator']);
    expect(spyware('Researchers found Intellexa’s Predator on the phone of a journalist.', 'en')).toEqual(['Predator']);
    expect(spyware('NSO Group and Predator were both in the news.', 'en')).toEqual([]);
    expect(spyware('映画「プレデター」の続編が公開された。')).toEqual([]);
  });

  it('reads an actor placed under its parent (GRU傘下のサンドワーム), holding companies, and への攻撃 as targeting', () => {
    const x = extractDocument(
      starter,
      doc(
        'ロシア軍参謀本部情報総局（GRU）傘下のサンドワームは、ウクライナの電力網を狙った。ランサムウェアグループ「Qilin」はヤマトホールディングスへの攻撃で犯行声明を出した。',
      ),
    );
    const rels = relationsOf(x);
    expect(rels).toEqual(expect.arrayContaining(['Qilin targets ヤマトホールディングス', 'Sandworm Team targets Ukraine']));
    expect(names(x, 'identity')).toEqual(['GRU', 'ヤマトホールディングス']);
  });

  it('resolves companies that news names as victims or vendors in Japanese and English to one entity', () => {
    const ja = extractDocument(starter, doc('三菱電機とNECは、シトリックス製品の脆弱性を悪用した不正アクセスを受けたと発表した。'));
    const en = extractDocument(
      starter,
      doc('Mitsubishi Electric and NEC said attackers exploited a Citrix flaw. The British Library was hit by Rhysida.', 'en'),
    );
    const orgs = (x: Extraction): string[] => names(x, 'identity').sort();
    expect(orgs(ja)).toEqual(['Citrix', 'Mitsubishi Electric', 'NEC']);
    expect(orgs(en)).toEqual(['British Library', 'Citrix', 'Mitsubishi Electric', 'NEC']);
    // "British" inside the library's name is no mention of the United Kingdom.
    expect(countries(en)).toEqual([]);
  });

  it('reads hospitals and universities named in full as victims, and a group by the name it calls itself', () => {
    const x = extractDocument(
      starter,
      doc(
        '岡山県精神科医療センターと中国労災病院がランサムウェアの被害を受け、「SEVENSPIDER」を名乗るグループの関与が指摘されている。同病院や大学病院も狙われた。',
      ),
    );
    expect(names(x, 'identity').sort()).toEqual(['中国労災病院', '岡山県精神科医療センター']);
    expect(names(x, 'intrusion-set')).toEqual(['SEVENSPIDER']);
    // 中国 inside the hospital's name is the Chūgoku region's, no mention of China; 医療 still gives the sector.
    expect(countries(x)).toEqual([]);
    expect(names(x, 'sector')).toEqual(['Healthcare']);
    const officials = extractDocument(starter, doc('スパイウェア「Predator」は米政府職員や公務員の端末を標的にした。'));
    expect(names(officials, 'sector')).toEqual(['Government']);
    expect(relationsOf(x)).toEqual(
      expect.arrayContaining(['SEVENSPIDER targets 中国労災病院', 'SEVENSPIDER targets 岡山県精神科医療センター']),
    );
  });

  it('reads the techniques Japanese reports describe after an intrusion, and attachments in English', () => {
    const x = extractDocument(
      starter,
      doc(
        '攻撃グループ「APT41」はVPN装置の脆弱性も悪用し、窃取した認証情報で社内ネットワークを横断していた。別の組織にはVPN機器から侵入した。',
      ),
    );
    expect(names(x, 'attack-pattern')).toEqual([
      'Exploit Public-Facing Application',
      'Valid Accounts',
      'Remote Services',
      'External Remote Services',
    ]);
    expect(relationsOf(x)).toContain('APT41 uses Remote Services');
    const en = extractDocument(starter, doc('MirrorFace sent emails attaching files that installed LODEINFO.', 'en'));
    expect(names(en, 'attack-pattern')).toEqual(['Spearphishing Attachment']);
  });

  it('reads router firmware rewrites, forged tokens and read mailboxes as techniques, and 手口 as the last actor’s', () => {
    const ja = extractDocument(
      starter,
      doc('中国政府を背景とする攻撃グループ「BlackTech」が活動している。ルーターのファームウェアを書き換えて痕跡を消す手口も確認された。'),
    );
    expect(relationsOf(ja).sort()).toEqual([
      'BlackTech originates-from China',
      'BlackTech uses Indicator Removal',
      'BlackTech uses Modify System Image',
    ]);
    const en = extractDocument(
      starter,
      doc('Storm-0558 used a stolen signing key to forge authentication tokens and read the mailboxes of officials.', 'en'),
    );
    expect(relationsOf(en).sort()).toEqual(['Storm-0558 uses Email Collection', 'Storm-0558 uses Forge Web Credentials']);
  });

  it('reads the attack a later sentence says was by an actor or malware as that one’s, on the victims named before', () => {
    const ja = extractDocument(
      starter,
      doc(
        '英国の小売大手マークス・アンド・スペンサーやCo-opへのサイバー攻撃が相次いだ。攻撃はハッカー集団「Scattered Spider」によるものとみられている。',
      ),
    );
    expect(
      relationsOf(ja)
        .filter((r) => r.includes('targets'))
        .sort(),
    ).toEqual(['Scattered Spider targets Co-op', 'Scattered Spider targets Marks & Spencer']);
    const infected = extractDocument(
      starter,
      doc('名古屋港のシステムがランサムウェアに感染した。感染したのはLockBitのランサムウェアだった。'),
    );
    expect(relationsOf(infected)).toContain('LockBit targets Port of Nagoya');
    const en = extractDocument(
      starter,
      doc('Marks & Spencer was hit by ransomware in April. The attack was carried out by Scattered Spider, police said.', 'en'),
    );
    expect(relationsOf(en)).toContain('Scattered Spider targets Marks & Spencer');
    // A sentence that names another attack of the actor's claims nothing about this one.
    const other = extractDocument(
      starter,
      doc('Marks & Spencer was hit by ransomware in April. Scattered Spider has also hit casinos.', 'en'),
    );
    expect(relationsOf(other).filter((r) => r.includes('Marks'))).toEqual([]);
  });

  it('reads victims listed after "among the victims was", staff data taken as a self-report, and no operation as malware', () => {
    const x = extractDocument(
      starter,
      doc(
        'Cl0p exploited a flaw in MOVEit Transfer. Among the victims was the payroll provider Zellis, whose clients British Airways and Boots said staff details had been taken.',
        'en',
      ),
    );
    expect(rolesOf(x).sort()).toEqual(['Boots: victim', 'British Airways: victim', 'Zellis: victim']);
    // "victims of Snowflake account breaches" lists no victim.
    const of = extractDocument(starter, doc('Ticketmaster and AT&T were among victims of Snowflake account breaches.', 'en'));
    expect(rolesOf(of).sort()).toEqual(['AT&T: victim', 'Ticketmaster: victim']);
    const cronos = extractDocument(
      starter,
      doc('Police seized the infrastructure of the LockBit ransomware gang in an operation named Cronos.', 'en'),
    );
    expect(names(cronos, 'malware')).toEqual(['LockBit']);
  });

  it('reads sectors listed before systems, companies or organisations, and 設置 as installing software', () => {
    const en = extractDocument(
      starter,
      doc('Volt Typhoon targeted communications, energy and water systems, and government organisations.', 'en'),
    );
    expect(relationsOf(en).sort()).toEqual([
      'Volt Typhoon targets Energy',
      'Volt Typhoon targets Government',
      'Volt Typhoon targets Telecommunications',
      'Volt Typhoon targets Utilities',
    ]);
    const ja = extractDocument(starter, doc('攻撃グループ「UNC5337」は侵入後、マルウェア「SPAWN」を設置した。'));
    expect(relationsOf(ja)).toContain('UNC5337 uses SPAWN');
  });

  it('reads an intrusion into the speaker’s own systems as its attack, and a company named in apposition', () => {
    const treasury = extractDocument(
      starter,
      doc(
        'The US Treasury Department told lawmakers that a state-sponsored group broke into its networks. The intrusion was later attributed to Silk Typhoon.',
        'en',
      ),
    );
    expect(rolesOf(treasury)).toEqual(['US Department of the Treasury: victim']);
    expect(relationsOf(treasury)).toContain('Silk Typhoon targets US Department of the Treasury');
    const apposition = extractDocument(
      starter,
      doc('Brightwave, a US provider of software for schools, said a hacker used stolen credentials to access its support portal.', 'en'),
    );
    expect(names(apposition, 'identity')).toEqual(['Brightwave']);
    expect(rolesOf(apposition)).toEqual(['Brightwave: victim']);
    // A name the KB knows keeps its kind.
    expect(names(extractDocument(starter, doc('LockBit, a ransomware provider, hit hospitals.', 'en')), 'identity')).toEqual([]);
    const ascension = extractDocument(
      starter,
      doc(
        'The US health system Ascension diverted ambulances after a ransomware attack disrupted its health records. The Black Basta ransomware was used in the attack.',
        'en',
      ),
    );
    expect(relationsOf(ascension)).toContain('Black Basta targets Ascension');
  });

  it('reads an actor "it tracks as", Talos’s UAT names, a named campaign, two implants named in one phrase, and another vendor’s name', () => {
    const x = extractDocument(
      starter,
      doc(
        'Cisco Talos said a state-sponsored actor it tracks as UAT4356 exploited Cisco firewalls. The campaign, which Cisco calls ArcaneDoor, installed two implants named Line Dancer and Line Runner. Microsoft tracks the same actor as Storm-1849.',
        'en',
      ),
    );
    expect(names(x, 'intrusion-set')).toEqual(['UAT4356', 'Storm-1849']);
    expect(names(x, 'campaign')).toEqual(['ArcaneDoor']);
    expect(names(x, 'malware').sort()).toEqual(['Line Dancer', 'Line Runner']);
    expect(relationsOf(x)).toContain('UAT4356 related-to Storm-1849');
  });

  it('reads a newspaper that speaks of its own systems as a victim, and the service logged into with stolen credentials as none', () => {
    const x = extractDocument(
      starter,
      doc('日本経済新聞社は、社内で利用するSlackに外部から不正ログインがあり、約1万7000人分の情報が流出した可能性があると発表した。'),
    );
    expect(rolesOf(x)).toEqual(['Nikkei: victim']);
    expect(names(x, 'attack-pattern')).toEqual(['Valid Accounts']);
    const reported = extractDocument(starter, doc('日本経済新聞社によると、KADOKAWAはランサムウェア攻撃を受けた。'));
    expect(rolesOf(reported)).toEqual(['KADOKAWA: victim']);
  });

  it('reads who carried out an attack in Japanese (攻撃を行ったのは, による攻撃だ) as attacking the victim named before', () => {
    const cdk = extractDocument(
      starter,
      doc('米CDKグローバルがランサムウェア攻撃を受けた。攻撃を行ったのはランサムウェアグループ「BlackSuit」とされる。'),
    );
    expect(relationsOf(cdk)).toContain('BlackSuit targets CDK Global');
    const synnovis = extractDocument(
      starter,
      doc('血液検査を請け負うSynnovisがランサムウェア攻撃を受けた。専門家は、犯罪グループ「Qilin」による攻撃だと述べた。'),
    );
    expect(relationsOf(synnovis)).toContain('Qilin targets Synnovis');
  });

  it('reads 不正アクセスされ as a victim’s report, an organisation whose contractor was hit as none, and 委託先経由 as a trusted relationship', () => {
    const x = extractDocument(
      starter,
      doc(
        'LINEヤフーは、韓国NAVER Cloudの委託先企業のパソコンがマルウェアに感染し、委託先経由で同社のシステムに不正アクセスされたと発表した。',
      ),
    );
    expect(rolesOf(x)).toEqual(['LY Corporation: victim']);
    expect(names(x, 'attack-pattern')).toEqual(['Trusted Relationship']);
  });

  it('reads help-desk calls and posing as staff as techniques, a ransomware affiliate as its user, a denial as no victim, and customer data copied as a theft', () => {
    const mgm = extractDocument(
      starter,
      doc(
        'The ALPHV ransomware gang said its affiliate Scattered Spider had gained access to MGM Resorts by calling the IT help desk while posing as an employee.',
        'en',
      ),
    );
    expect(relationsOf(mgm).sort()).toEqual([
      'Scattered Spider targets MGM Resorts',
      'Scattered Spider uses ALPHV',
      'Scattered Spider uses Data Encrypted for Impact',
      'Scattered Spider uses Impersonation',
      'Scattered Spider uses Spearphishing Voice',
    ]);
    const denial = extractDocument(starter, doc('Oracle denied that its cloud had been breached.', 'en'));
    expect(rolesOf(denial)).toEqual([]);
    const coinbase = extractDocument(
      starter,
      doc('Coinbase said criminals had bribed support contractors to copy customer data, then demanded $20 million.', 'en'),
    );
    expect(rolesOf(coinbase)).toEqual(['Coinbase: victim']);
  });

  it('reads a dropper "Mandiant tracks as", phishing sent to a country’s parties as targeting, and malware a Japanese passive says was loaded', () => {
    const en = extractDocument(
      starter,
      doc('APT29 sent phishing emails to German political parties. The archive contained a dropper that Mandiant tracks as ROOTSAW.', 'en'),
    );
    expect(names(en, 'malware')).toEqual(['ROOTSAW']);
    expect(
      relationsOf(en)
        .filter((r) => r.includes('targets'))
        .sort(),
    ).toEqual(['APT29 targets Germany', 'APT29 targets Government']);
    // The group noun after the kind noun: the name is the group's.
    const group = extractDocument(starter, doc('The backdoor was used by the espionage group Mandiant tracks as UNC3886.', 'en'));
    expect(names(group, 'malware')).toEqual([]);
    const ja = extractDocument(
      starter,
      doc('北朝鮮の攻撃グループ「ラザルス」は偽の求人を持ちかける。ファイルを開くとバックドア「ScoringMathTea」が読み込まれる。'),
    );
    expect(relationsOf(ja)).toContain('Lazarus Group uses ScoringMathTea');
  });

  it('reads a plural kind noun as a cue ("botnets such as Mirai"), a campaign a vendor named, and a claim as no victim’s report', () => {
    expect(names(extractDocument(starter, doc('Traffic came from botnets such as Mirai.', 'en')), 'malware')).toEqual(['Mirai']);
    const x = extractDocument(
      starter,
      doc(
        'Kaspersky said iPhones of its employees had been infected by spyware. The company named the campaign Operation Triangulation. The FSB claimed that thousands of iPhones had been compromised.',
        'en',
      ),
    );
    expect(names(x, 'campaign')).toEqual(['Operation Triangulation']);
    expect(rolesOf(x)).toEqual(['Kaspersky: victim']);
  });

  it('reads USB worms and archives attached to targeted emails as techniques, and data taken by an insider as a victim’s report', () => {
    const x = extractDocument(
      starter,
      doc('「Earth Preta」はUSBメモリを介して感染を広げ、標的型メールに添付したアーカイブから感染させる。'),
    );
    expect(names(x, 'attack-pattern').sort()).toEqual(['Phishing', 'Replication Through Removable Media', 'Spearphishing Attachment']);
    const insider = extractDocument(starter, doc('NTT西日本は、元派遣社員が顧客情報約900万件を不正に持ち出していたと発表した。'));
    expect(rolesOf(insider)).toEqual(['NTT West: victim']);
  });

  it('reads bootkits, two-word names in capitals, "the X campaign", airports, and no maker of the victims’ devices as a provider', () => {
    const x = extractDocument(
      starter,
      doc(
        'CISA linked the activity to the ArcaneDoor campaign. The attackers installed a bootkit called RayInitiator and a loader named LINE VIPER.',
        'en',
      ),
    );
    expect(names(x, 'campaign')).toEqual(['ArcaneDoor']);
    expect(names(x, 'malware').sort()).toEqual(['LINE VIPER', 'RayInitiator']);
    // A name the document gives a group is the group's campaign, no campaign of its own.
    const group = extractDocument(
      starter,
      doc('The victims of the Zorbicat campaign are in line with the past. We assessed Zorbicat as a high-capability APT group.', 'en'),
    );
    expect(names(group, 'campaign')).toEqual([]);
    expect(names(group, 'intrusion-set')).toEqual(['Zorbicat']);
    // A word is no campaign's name ("the Christmas campaign").
    expect(names(extractDocument(starter, doc('Phishers ran the Christmas campaign again.', 'en')), 'campaign')).toEqual([]);
    expect(names(extractDocument(starter, doc('Brussels Airport cancelled flights.', 'en')), 'identity')).toEqual(['Brussels Airport']);
    const akira = extractDocument(
      starter,
      doc('ランサムウェア「Akira」は、SonicWall製のSSL VPN機器を経由して企業ネットワークに侵入した。'),
    );
    expect(rolesOf(akira)).toEqual([]);
    expect(relationsOf(akira).filter((r) => r.includes('abuses'))).toEqual([]);
  });

  it('reads the organisation that an attack hit, not the topic it affected, and Japanese companies by their name endings', () => {
    const ja = extractDocument(
      starter,
      doc('トヨタ自動車は、取引先の小島プレス工業がサイバー攻撃を受けたため、国内14工場の稼働を停止すると発表した。'),
    );
    expect(rolesOf(ja)).toEqual(['小島プレス工業: victim']);
    const en = extractDocument(
      starter,
      doc(
        'Toyota Motor suspended its plants in Japan after Kojima Industries, a supplier of plastic parts, was hit by a cyberattack.',
        'en',
      ),
    );
    expect(rolesOf(en)).toEqual(['Kojima Industries: victim']);
    // Listed together, they share the verb.
    expect(rolesOf(extractDocument(starter, doc('三菱重工業と日立製作所が被害を受けた。'))).sort()).toEqual([
      'Hitachi: victim',
      'Mitsubishi Heavy Industries: victim',
    ]);
    // A generic stem names no company.
    expect(names(extractDocument(starter, doc('国内の大手建設会社が狙われた。')), 'identity')).toEqual([]);
    // A town written in hiragana opens a hospital's name; a bare 市立病院 or a conjunction does not.
    expect(names(extractDocument(starter, doc('徳島県つるぎ町立半田病院がランサムウェア攻撃を受けた。')), 'identity')).toEqual([
      'つるぎ町立半田病院',
    ]);
    expect(names(extractDocument(starter, doc('そのうち市立病院が被害を受けた。')), 'identity')).toEqual([]);
  });

  it('reads a hospital named with ・, the ransomware a later sentence says was used as the attacker, and VPN flaws exploited', () => {
    const x = extractDocument(
      starter,
      doc(
        '大阪急性期・総合医療センターはランサムウェア攻撃を受けた。攻撃者は委託業者経由で、VPN機器の脆弱性を突いて侵入した。暗号化にはランサムウェア「Phobos」の亜種が使われたとみられる。',
      ),
    );
    expect(rolesOf(x)).toEqual(['大阪急性期・総合医療センター: victim']);
    expect(relationsOf(x)).toContain('Phobos targets 大阪急性期・総合医療センター');
    expect(names(x, 'attack-pattern').sort()).toEqual([
      'Data Encrypted for Impact',
      'Exploit Public-Facing Application',
      'Trusted Relationship',
    ]);
  });

  it('reads where stolen files were uploaded as a service abused, "It used …" as the actor’s, and an origin before a naming clause', () => {
    const x = extractDocument(
      starter,
      doc(
        'The group Gamaredon targeted Ukrainian government institutions with PteroBox, which uploads stolen files to Dropbox. It used Cloudflare tunnels to hide its servers.',
        'en',
      ),
    );
    expect(rolesOf(x).sort()).toEqual(['Cloudflare: infrastructure-provider', 'Dropbox: infrastructure-provider']);
    expect(relationsOf(x).filter((r) => r.includes('Dropbox'))).toEqual(['Gamaredon Group abuses Dropbox']);
    const named = extractDocument(
      starter,
      doc(
        'The Dutch intelligence services AIVD and MIVD said a previously unknown Russian state-sponsored group, which they named Laundry Bear, stole contact details of police employees.',
        'en',
      ),
    );
    expect(relationsOf(named).filter((r) => r.includes('originates-from'))).toEqual(['Laundry Bear originates-from Russia']);
    // "Dutch services expose …": the demonym describes the services, not the actor.
    expect(relationsOf(extractDocument(starter, doc('Dutch services expose Laundry Bear after police breach.', 'en')))).toEqual([]);
  });

  it('reads an attack that halted a company’s own factories as its report, and a gang’s leak-site listing as its claim', () => {
    const x = extractDocument(
      starter,
      doc(
        'Asahi Group Holdings said a ransomware attack that began on September 29 had halted shipments at most of its factories. The Qilin group later listed the company on its leak site and claimed to have stolen 27 gigabytes of data.',
        'en',
      ),
    );
    expect(rolesOf(x)).toEqual(['Asahi Group Holdings: victim']);
    expect(relationsOf(x)).toContain('Qilin targets Asahi Group Holdings');
  });

  it('reads a country before its agency as no origin of the actor named after it, and a Japanese insurer by name', () => {
    // 韓国の国家情報院: の国家 is no 国家支援 (state backing).
    const x = extractDocument(
      starter,
      doc('韓国の国家情報院は、北朝鮮の攻撃グループ「Kimsuky」が防衛産業の関係者を狙っていたと明らかにした。'),
    );
    expect(relationsOf(x)).toEqual(['Kimsuky originates-from North Korea', 'Kimsuky targets Defense']);
    expect(names(x, 'identity')).toEqual(['National Intelligence Service (South Korea)']);
    const insurer = extractDocument(
      starter,
      doc('日本生命保険は、委託先がランサムウェア攻撃を受け、顧客情報が流出した可能性があると発表した。'),
    );
    expect(names(insurer, 'identity')).toEqual(['Nippon Life Insurance']);
    expect(names(insurer, 'location')).toEqual([]);
  });

  it('reports no threat entity in ordinary Japanese prose', () => {
    const x = extractDocument(
      starter,
      doc('今日は東京で桜が満開になり、多くの人がプレデターの映画を観に行った。アキラという名前の猫もいる。サンドワームの小説は人気だ。'),
    );
    expect(x.entities.filter((e) => THREAT_KINDS.has(e.entity.kind))).toEqual([]);
  });

  it('recognises new names from their shape: CVE ids, groups in 「」, ransomware names, 〜省', () => {
    const x = extractDocument(
      starter,
      doc('ランサムウェア「Zorgon」を使う攻撃グループ「Crimson Kettle」がCVE-2024-3400を悪用した。総務省と金融庁が対応した。'),
    );
    expect(names(x, 'malware')).toEqual(['Zorgon']);
    expect(names(x, 'intrusion-set')).toEqual(['Crimson Kettle']);
    expect(names(x, 'vulnerability')).toEqual(['CVE-2024-3400']);
    expect(names(x, 'identity')).toEqual(
      expect.arrayContaining(['Ministry of Internal Affairs and Communications', 'Financial Services Agency']),
    );
    expectValidStix(x);
  });
});

describe('English extraction', () => {
  it('respects word boundaries, possessives and hyphens', () => {
    const x = extractDocument(
      starter,
      doc("Lazarus's operators and APT-41 attacked firms; Turla-linked servers were seen. The Emotetish botnet is fake.", 'en'),
    );
    expect(names(x, 'intrusion-set')).toEqual(['Lazarus Group', 'APT41', 'Turla']);
    // "Emotetish" is not Emotet (though "Emotetish botnet" looks like a new botnet's name).
    expect(names(x, 'malware')).not.toContain('Emotet');
  });

  it('needs context for aliases that are ordinary words', () => {
    const plain = extractDocument(
      starter,
      doc('A royal wedding took place. The equation was simple, and the play was long. Gold prices rose.', 'en'),
    );
    expect(plain.entities.filter((e) => THREAT_KINDS.has(e.entity.kind))).toEqual([]);
    const cued = extractDocument(
      starter,
      doc('Royal ransomware hit a hospital. The Equation group built implants. Play ransomware followed.', 'en'),
    );
    expect(names(cued, 'malware')).toEqual(['Royal', 'Play']);
    expect(names(cued, 'intrusion-set')).toEqual(['Equation']);
    // Ransomware goes by its operators' name: "the Play gang", "operators of Royal".
    const crews = extractDocument(starter, doc('Operators of Royal ran a leak site. Later the Play gang moved on.', 'en'));
    expect(names(crews, 'malware')).toEqual(['Royal', 'Play']);
  });

  it('keeps a narrower sector (cryptocurrency exchanges) apart from its vocabulary value (financial services)', () => {
    const x = extractDocument(starter, doc('The group stole from banks and from cryptocurrency exchanges.', 'en'));
    const sectors = extractionToBundle(x, new Date('2025-01-01T00:00:00Z')).objects.filter(
      (o) => o.type === 'identity' && (o as { identity_class?: string }).identity_class === 'class',
    );
    expect(sectors.map((o) => [(o as { name?: string }).name, (o as { sectors?: string[] }).sectors])).toEqual([
      ['Financial Services', ['financial-services']],
      ['Cryptocurrency', ['financial-services']],
    ]);
    expect(new Set(sectors.map((o) => o.id)).size).toBe(2);
  });

  it('links uses, targets and origin from the sentence', () => {
    const x = extractDocument(
      starter,
      doc('China-linked APT41 used Cobalt Strike and ShadowPad against telecommunications providers in Taiwan.', 'en'),
    );
    const rels = relationsOf(x);
    expect(rels).toEqual([
      'APT41 originates-from China',
      'APT41 targets Taiwan',
      'APT41 targets Telecommunications',
      'APT41 uses Cobalt Strike',
      'APT41 uses ShadowPad',
    ]);
    expectValidStix(x);
  });

  it('refers "the operators", "the malware" and 同ランサムウェア back to the malware named before', () => {
    const en = extractDocument(
      starter,
      doc(
        'The British Library said the Rhysida ransomware gang leaked its data. The operators use Cobalt Strike and PsExec for lateral movement.',
        'en',
      ),
    );
    const rels = relationsOf(en);
    expect(rels).toEqual(expect.arrayContaining(['Rhysida uses Cobalt Strike', 'Rhysida uses PsExec', 'Rhysida uses Remote Services']));
    // The tools are what the operators use, not users of the technique themselves.
    expect(rels.filter((r) => r.startsWith('Cobalt Strike') || r.startsWith('PsExec'))).toEqual([]);
    const ja = extractDocument(
      starter,
      doc('ランサムウェア「Phobos」の管理者が起訴された。同ランサムウェアはRDPの認証情報を悪用して侵入する。'),
    );
    expect(relationsOf(ja)).toContain('Phobos uses Remote Desktop Protocol');
  });

  it('reads "the same group" as the actor named before, access as targeting, and a password spray as the sub-technique', () => {
    const x = extractDocument(
      starter,
      doc(
        'Midnight Blizzard used a password spray attack against a legacy test tenant. Hewlett Packard Enterprise said the same group had accessed its email.',
        'en',
      ),
    );
    expect(relationsOf(x)).toEqual(['APT29 targets Hewlett Packard Enterprise', 'APT29 uses Password Spraying']);
    // 中国政府とつながりのある: the country the actor is tied to is its origin, not its target.
    const ja = extractDocument(starter, doc('中国政府とつながりのあるハッカー集団「ソルト・タイフーン」が米通信大手AT&Tに侵入した。'));
    expect(relationsOf(ja)).toEqual(['Salt Typhoon originates-from China', 'Salt Typhoon targets AT&T']);
  });

  it('reads APT44 as Sandworm, a power grid as the energy sector, and 能動的サイバー防御 and its critics', () => {
    const en = extractDocument(starter, doc('Mandiant said APT44 attacked the power grid in Ukraine.', 'en'));
    expect(relationsOf(en)).toEqual(['Sandworm Team targets Energy', 'Sandworm Team targets Ukraine']);
    const ja = extractDocument(
      starter,
      doc('日本弁護士連合会は、能動的サイバー防御が通信の秘密を侵害するおそれがあるとして懸念を示した。自衛隊も運用に加わる。'),
    );
    expect(relationsOf(ja)).toEqual(['Japan Federation of Bar Associations criticizes Active Cyber Defense Act (Japan)']);
    expect(names(ja, 'identity')).toContain('Japan Self-Defense Forces');
  });

  it('reads no technique inside the name of an instrument, and fake job mails and extra payloads in Japanese', () => {
    const en = extractDocument(starter, doc('Japan signed the Counter Ransomware Initiative statement on ransom payments.', 'en'));
    expect(names(en, 'attack-pattern')).toEqual([]);
    const ja = extractDocument(starter, doc('偽の求人メールの添付ファイルを開くと、マルウェアが追加のペイロードをダウンロードする。'));
    expect(names(ja, 'attack-pattern').sort()).toEqual(['Ingress Tool Transfer', 'Phishing']);
  });

  it('reads malware listed after a plural kind noun ("web shells such as GLASSTOKEN"), not ordinary software in tool lists', () => {
    const x = extractDocument(
      starter,
      doc(
        'The actor deployed web shells such as GLASSTOKEN and LIGHTWIRE, and backdoors including ZIPLINE. The stealer takes passwords from popular tools like Firefox and FileZilla.',
        'en',
      ),
    );
    expect(names(x, 'malware').sort()).toEqual(['GLASSTOKEN', 'LIGHTWIRE', 'ZIPLINE']);
    expect(names(x, 'tool')).toEqual([]);
  });

  it('reads an actor exploiting a CVE as targeting it, and no victim in where suspects were arrested or their nationality', () => {
    const en = extractDocument(starter, doc('UNC5221 has exploited CVE-2023-46805 and CVE-2024-21887 in Ivanti Connect Secure.', 'en'));
    expect(relationsOf(en)).toEqual(['UNC5221 targets CVE-2023-46805', 'UNC5221 targets CVE-2024-21887']);
    const ja = extractDocument(
      starter,
      doc('ランサムウェア「8Base」で企業を攻撃していたとされるロシア国籍の4人をタイで逮捕した。8Baseは日本の中小企業も標的にしていた。'),
    );
    expect(relationsOf(ja).filter((r) => r.includes('targets'))).toEqual(['8Base targets Japan']);
    const arrested = extractDocument(
      starter,
      doc('LockBit affiliates who attacked hospitals were arrested in Poland and extradited to the United States.', 'en'),
    );
    expect(relationsOf(arrested)).toEqual(['LockBit targets Healthcare']);
  });

  it('reads the countries whose agencies issue an advisory as speakers, not as the victims of the actor it names', () => {
    const advisory = extractDocument(
      starter,
      doc(
        'US, Australian and New Zealand agencies released an advisory warning that Volt Typhoon had compromised critical infrastructure operators.',
        'en',
      ),
    );
    expect(relationsOf(advisory)).toEqual(['Volt Typhoon targets Infrastructure']);
    const partners = extractDocument(
      starter,
      doc('The FBI and partner agencies from Australia and Canada warned that APT40 targets government agencies.', 'en'),
    );
    expect(relationsOf(partners)).toEqual(['APT40 targets Government']);
    // The victim stays a victim when the attacker comes before the speaking verb.
    const breached = extractDocument(starter, doc('US government agencies were breached by Salt Typhoon, officials said.', 'en'));
    expect(relationsOf(breached)).toEqual(['Salt Typhoon targets Government', 'Salt Typhoon targets United States']);
    const ja = extractDocument(
      starter,
      doc('日本や米国、英国など8カ国の当局は、中国のAPT40が各国の政府機関のネットワークを繰り返し攻撃していると共同で注意喚起した。'),
    );
    expect(relationsOf(ja)).toEqual(['APT40 originates-from China', 'APT40 targets Government']);
    expect(relationsOf(extractDocument(starter, doc('中国のAPT40が日本の政府機関を攻撃した。')))).toEqual([
      'APT40 originates-from China',
      'APT40 targets Government',
      'APT40 targets Japan',
    ]);
  });

  it('reads "the attackers" as the main actor of a sentence naming several, and a theft (流出, 犯行) as targeting', () => {
    // The actor with most mentions, and the first named on a tie; not the last one named.
    const main = extractDocument(
      starter,
      doc('TraderTraitor stole funds. TraderTraitor is linked to the Lazarus Group. The attackers later used PowerShell.', 'en'),
    );
    expect(relationsOf(main)).toContain('TraderTraitor uses PowerShell');
    const tie = extractDocument(starter, doc('Kimsuky is tied to Lazarus Group. The attackers later used PowerShell.', 'en'));
    expect(relationsOf(tie)).toContain('Kimsuky uses PowerShell');
    const theft = extractDocument(starter, doc('DMMビットコインから暗号資産が流出した事件は、TraderTraitorによる犯行と特定された。'));
    expect(relationsOf(theft)).toContain('TraderTraitor targets DMM Bitcoin');
  });

  it('reads a place as the origin of an actor close after it, and a side taken (親ロシア派, pro-Russian) as no victim', () => {
    // "Russia-based" describes the hosting provider; LockBit comes 60 characters later.
    const far = extractDocument(
      starter,
      doc(
        'OFAC sanctioned Zservers, a Russia-based bulletproof hosting provider, and two of its administrators for supporting LockBit.',
        'en',
      ),
    );
    expect(relationsOf(far)).toEqual(['Zservers listed-under Specially Designated Nationals List']);
    const side = extractDocument(
      starter,
      doc('親ロシア派のハクティビスト集団「NoName057(16)」は、日本の自治体サイトにDDoS攻撃を行ったとTelegramで主張した。'),
    );
    expect(relationsOf(side)).toEqual([
      'NoName057(16) originates-from Russia',
      'NoName057(16) targets Government',
      'NoName057(16) targets Japan',
      'NoName057(16) uses Network Denial of Service',
    ]);
    expect(rolesOf(side)).toEqual([]); // Telegram is where the claim was posted, no victim
    const en = extractDocument(
      starter,
      doc('Pro-Russian hacktivists NoName057(16) claimed on Telegram that they hit Japan Airlines.', 'en'),
    );
    expect(relationsOf(en)).toEqual(['NoName057(16) originates-from Russia', 'NoName057(16) targets Japan Airlines']);
  });

  it('reads a break-in as targeting, data taken as a victim’s, and the platform that held the data as no victim', () => {
    const alphv = extractDocument(
      starter,
      doc('The ALPHV ransomware gang, also known as BlackCat, broke into Change Healthcare in February.', 'en'),
    );
    expect(relationsOf(alphv)).toContain('ALPHV targets Change Healthcare');
    const snowflake = extractDocument(
      starter,
      doc(
        'UNC5537 stole data from organisations that stored it in Snowflake. Ticketmaster, Santander and AT&T confirmed that customer records were taken.',
        'en',
      ),
    );
    expect(rolesOf(snowflake)).toEqual(['AT&T: victim', 'Santander: victim', 'Ticketmaster: victim']);
    expect(rolesOf(extractDocument(starter, doc('Ticketmaster and AT&T among victims of Snowflake account breaches', 'en')))).toEqual([
      'AT&T: victim',
      'Ticketmaster: victim',
    ]);
  });

  it('reads a vendor that speaks of the intrusion into its own systems as the victim, and not when it reports on others', () => {
    const own = extractDocument(
      starter,
      doc('Microsoft said Midnight Blizzard gained access to email accounts of its senior leadership team and staff.', 'en'),
    );
    expect(relationsOf(own)).toContain('APT29 targets Microsoft');
    expect(rolesOf(own)).toEqual(['Microsoft: victim']);
    const others = extractDocument(
      starter,
      doc('Microsoft said Midnight Blizzard gained access to email accounts at European ministries.', 'en'),
    );
    expect(rolesOf(others)).toEqual([]);
    const sectors = extractDocument(starter, doc('攻撃グループは日本の金融や物流、小売の組織に侵入していた。'));
    expect(names(sectors, 'sector')).toEqual(['Financial Services', 'Transportation', 'Retail']);
    expect(names(extractDocument(starter, doc('Marks & Spencer, the Co-op and Harrods reported attacks.', 'en')), 'identity')).toEqual([
      'Marks & Spencer',
      'Co-op',
      'Harrods',
    ]);
  });

  it('reads a gang’s claim of an attack with no victim named as targeting the victims named before, and makers listed', () => {
    const claimed = extractDocument(
      starter,
      doc(
        'アサヒグループホールディングスは、ランサムウェア攻撃で出荷が停止したと発表した。ランサムウェア集団「Qilin」が犯行声明を出した。',
      ),
    );
    expect(relationsOf(claimed)).toContain('Qilin targets Asahi Group Holdings');
    const makers = extractDocument(
      starter,
      doc(
        'The KV botnet was built from outdated Cisco and Netgear routers that Volt Typhoon used while targeting US infrastructure.',
        'en',
      ),
    );
    expect(rolesOf(makers)).toEqual([]);
  });

  it('reads a state "responsible" for what an actor did as its origin, and the sectors of a list of networks', () => {
    const state = extractDocument(
      starter,
      doc(
        'The FBI said North Korea was responsible for the theft of $1.5 billion from the exchange, which it attributed to the TraderTraitor cluster.',
        'en',
      ),
    );
    expect(relationsOf(state)).toEqual(['TraderTraitor originates-from North Korea']);
    const networks = extractDocument(
      starter,
      doc('Salt Typhoon breached telecommunications, government and transport networks in 80 countries.', 'en'),
    );
    expect(relationsOf(networks)).toEqual([
      'Salt Typhoon targets Government',
      'Salt Typhoon targets Telecommunications',
      'Salt Typhoon targets Transportation',
    ]);
  });

  it('reads universities and hospitals named in English, and organisations "among those affected" or attacked as victims', () => {
    const x = extractDocument(
      starter,
      doc(
        'Harvard University confirmed it was among the organisations affected. The University of Manchester was hit. The Hospital said nothing.',
        'en',
      ),
    );
    expect(names(x, 'identity')).toEqual(['Harvard University', 'University of Manchester']);
    expect(rolesOf(x)).toEqual(['Harvard University: victim', 'University of Manchester: victim']);
    // What an attack is on, with no attacker named; not the agency that acted, nor whom hackers worked for.
    const on = extractDocument(
      starter,
      doc(
        "The UK's National Crime Agency arrested four people over the cyberattacks on Marks & Spencer, the Co-op and Harrods. i-Soon hacked on behalf of the Ministry of Public Security.",
        'en',
      ),
    );
    expect(rolesOf(on)).toEqual(['Co-op: victim', 'Harrods: victim', 'Marks & Spencer: victim', 'i-Soon: cyber-mercenary']);
    expect(rolesOf(extractDocument(starter, doc('アスクルへのランサムウェア攻撃で、出荷が止まった。')))).toEqual(['Askul: victim']);
  });

  it('reads a Japanese botnet named in brackets, and a hospital named short after its full name as one', () => {
    const botnet = extractDocument(starter, doc('一連の攻撃にはボットネット「Aisuru」が使われ、三菱UFJ銀行やりそな銀行も被害を受けた。'));
    expect(names(botnet, 'malware')).toEqual(['Aisuru']);
    expect(names(botnet, 'identity')).toEqual(['MUFG Bank', 'Resona Bank']);
    const hospital = extractDocument(starter, doc('町立半田病院はLockBitに感染した。半田病院は通常診療を再開した。'));
    expect(names(hospital, 'identity')).toEqual(['町立半田病院']);
    expect(hospital.entities.find((e) => e.entity.name === '町立半田病院')?.mentions.map((m) => m.surface)).toEqual([
      '町立半田病院',
      '半田病院',
    ]);
  });

  it('reads a demonym that describes a person or the press as no origin of the actor named after it', () => {
    const person = extractDocument(
      starter,
      doc('Spanish police arrested a 22-year-old British man believed to lead Scattered Spider, which hit MGM Resorts.', 'en'),
    );
    expect(relationsOf(person)).toEqual(['Scattered Spider targets MGM Resorts']);
    const hackers = extractDocument(starter, doc('North Korean hackers known as TraderTraitor stole cryptocurrency.', 'en'));
    expect(relationsOf(hackers)).toContain('TraderTraitor originates-from North Korea');
    // Nor does one that describes who reports: the media are Japanese, the group is not.
    const media = extractDocument(starter, doc('Japanese media said NoName057(16) was behind the attack on Japan Airlines.', 'en'));
    expect(relationsOf(media)).toEqual(['NoName057(16) targets Japan Airlines']);
  });

  it('reads the organisation that reports an attack as its source, not its victim, unless it reports on itself', () => {
    // Google's threat intelligence group reports; Salesforce is what the actor stole from.
    const unit = extractDocument(
      starter,
      doc('グーグルの脅威インテリジェンスグループは、UNC6395がSalesforceからデータを窃取したと発表した。'),
    );
    expect(relationsOf(unit)).toEqual(['UNC6395 targets Salesforce']);
    expect(rolesOf(unit)).toEqual(['Salesforce: victim']);
    // The topic of a sentence that ends in a naming or speaking verb is its source (グーグルは…と呼んでいる).
    const naming = extractDocument(
      starter,
      doc('ShinyHuntersはSalesforceの利用企業を狙っており、グーグルはこの活動をUNC6040と呼んでいる。'),
    );
    expect(relationsOf(naming)).toEqual(['ShinyHunters targets Salesforce']);
    // 警察庁によると: the agency is the source of the figure, not a ransomware victim.
    const source = extractDocument(starter, doc('Qilinの攻撃が続いている。警察庁によると、国内のランサムウェア被害は製造業で特に多い。'));
    expect(rolesOf(source)).toEqual([]);
    // マイクロソフトは…悪用されていると発表した: Microsoft reports the abuse of its product; it provides nothing to the attacker.
    const provider = extractDocument(starter, doc('マイクロソフトは、SharePointの脆弱性がStorm-2603によって悪用されていると発表した。'));
    expect(rolesOf(provider)).toEqual([]);
    expect(relationsOf(provider).filter((r) => r.includes('abuses'))).toEqual([]);
    // A company that says it was hit is still the victim.
    const self = extractDocument(starter, doc('Asahi Group said the Qilin ransomware gang attacked its systems.', 'en'));
    expect(relationsOf(self)).toContain('Qilin targets Asahi Group Holdings');
    const selfJa = extractDocument(starter, doc('カシオは、ランサムウェアグループ「Underground」による攻撃を受けたと発表した。'));
    expect(rolesOf(selfJa)).toEqual(['Casio: victim']);
    // "according to Microsoft": the source again.
    const according = extractDocument(starter, doc('According to Microsoft, Storm-2603 compromised SharePoint servers.', 'en'));
    expect(relationsOf(according)).toEqual([]);
  });

  it('reads the news of a ransomware victim that reports its own attack, stolen data, and actors referred to in the plural', () => {
    const askul = extractDocument(
      starter,
      doc('アスクルは、ランサムウェア感染によるシステム障害が発生したと発表した。RansomHouseはアスクルからデータを盗んだと主張した。'),
    );
    expect(rolesOf(askul)).toEqual(['Askul: victim']);
    expect(relationsOf(askul)).toContain('RansomHouse targets Askul');
    const plural = extractDocument(
      starter,
      doc('Agencies warned about Salt Typhoon. The advisory says the actors breached telecommunications providers.', 'en'),
    );
    expect(relationsOf(plural)).toEqual(['Salt Typhoon targets Telecommunications']);
    // 北朝鮮の「TraderTraitor」: a quoted name right after the country's の.
    const quoted = extractDocument(starter, doc('FBIは、この事件が北朝鮮の「TraderTraitor」によるものだと発表した。'));
    expect(relationsOf(quoted)).toEqual(['TraderTraitor originates-from North Korea']);
    // 実行させる: the actor referred to runs the malware.
    const runs = extractDocument(
      starter,
      doc('MirrorFaceの攻撃が続く。攻撃者はマルウェア「ROAMINGMOUSE」を経由してバックドア「ANEL」を実行させる。'),
    );
    expect(relationsOf(runs)).toEqual(['MirrorFace uses ANEL', 'MirrorFace uses ROAMINGMOUSE']);
    const calling = extractDocument(starter, doc('A group calling itself Zorgon Hunters claimed the attack on the carmaker.', 'en'));
    expect(names(calling, 'intrusion-set')).toEqual(['Zorgon Hunters']);
  });

  it('reads the maker of an exploited product as neither victim nor abused provider, and speakers named in a list', () => {
    const oracle = extractDocument(
      starter,
      doc(
        'グーグルとマンディアントは、Oracle E-Business Suite（EBS）の脆弱性CVE-2025-61882を悪用したデータ窃取について、ランサムウェアグループCl0pとの関連を指摘した。攻撃者は8月から脆弱性を悪用していたとみられ、オラクルは10月4日にパッチを公開した。',
      ),
    );
    expect(rolesOf(oracle)).toEqual([]);
    expect(relationsOf(oracle).filter((r) => !r.includes(' uses '))).toEqual(['Clop targets CVE-2025-61882']);
    const citrix = extractDocument(starter, doc('Storm-2603 exploited a flaw in Citrix NetScaler ADC to breach Japan Airlines.', 'en'));
    expect(relationsOf(citrix)).toEqual(['Storm-2603 targets Japan Airlines']);
    // Abusing a platform still makes it the provider the attackers abused.
    const dropbox = extractDocument(starter, doc('MirrorFaceはDropboxを悪用してマルウェアを配布した。'));
    expect(rolesOf(dropbox)).toEqual(['Dropbox: infrastructure-provider']);
  });

  it('reads an organisation named in ordinary words only when capitalised ("Access Now", not "access now")', () => {
    const orgs = (text: string): string[] => names(extractDocument(starter, doc(text, 'en')), 'identity');
    expect(orgs('Users can access now the portal, and a digital agency said policies that change healthcare costs.')).toEqual([]);
    expect(orgs('Routers in small office and home office networks were hit; the state department of health said so.')).toEqual([]);
    expect(orgs('Access Now and the Home Office said Change Healthcare was hit.')).toEqual([
      'Access Now',
      'Home Office',
      'Change Healthcare',
    ]);
  });

  it('reads the maker of a product the attackers went through as no victim, and a pronoun before tools as the attacker', () => {
    const x = extractDocument(
      starter,
      doc(
        'Akira ransomware intrusions began with access to SonicWall SSL VPN appliances. In several cases they deleted volume shadow copies with vssadmin.',
        'en',
      ),
    );
    expect(relationsOf(x).filter((r) => !r.endsWith('Data Encrypted for Impact'))).toEqual(['Akira uses Inhibit System Recovery']);
    expect(x.roles).toEqual([]);
    const memo = extractDocument(
      starter,
      doc('Salt Typhoon breached an Army National Guard network, according to a Department of Homeland Security memo.', 'en'),
    );
    expect(relationsOf(memo)).toEqual(['Salt Typhoon targets US National Guard']);
    const plc = extractDocument(
      starter,
      doc('CyberAv3ngers compromised Unitronics programmable logic controllers used in water utilities.', 'en'),
    );
    expect(relationsOf(plc)).toEqual(['CyberAv3ngers targets Utilities']);
    const claim = extractDocument(
      starter,
      doc('The Qilin ransomware gang claimed the cyberattack that halted shipments at Asahi Group Holdings.', 'en'),
    );
    expect(relationsOf(claim)).toContain('Qilin targets Asahi Group Holdings');
    // The actor abuses the platform; the malware it delivers there does not.
    const abuse = extractDocument(starter, doc('MirrorFaceはDropboxを悪用してバックドア「ANEL」を配布した。'));
    expect(relationsOf(abuse).filter((r) => r.includes('abuses'))).toEqual(['MirrorFace abuses Dropbox']);
  });

  it('reads a demonym before an organisation noun as the victim country, 使った as a use, and a name with parentheses', () => {
    const en = extractDocument(
      starter,
      doc('The Akira ransomware group claimed to have stolen data from a Japanese electronics manufacturer.', 'en'),
    );
    expect(relationsOf(en)).toContain('Akira targets Japan');
    const ja = extractDocument(starter, doc('APT41は新たなバックドア「RevivalStone」を使った攻撃を行った。'));
    expect(relationsOf(ja)).toContain('APT41 uses RevivalStone');
    const hacktivists = extractDocument(starter, doc('The pro-Russian group NoName057(16) claimed the DDoS attack.', 'en'));
    expect(names(hacktivists, 'intrusion-set')).toEqual(['NoName057(16)']);
  });

  it('reads no organisation inside a phishing domain, but a name that is a whole domain', () => {
    const x = extractDocument(starter, doc('楽天証券を装うフィッシングサイト「rakuten-sec[.]co-jp[.]top」が確認された。'));
    expect(names(x, 'identity')).toEqual(['Rakuten Securities']);
    expect(x.indicators.map((i) => i.value)).toEqual(['rakuten-sec.co-jp.top']);
    expect(names(extractDocument(starter, doc('Sekoia.io researchers found it.', 'en')), 'identity')).toEqual(['Sekoia']);
  });

  it('reads a sentence of tools alone as what the last attacker did with them, unless a tool is its subject', () => {
    const ja = extractDocument(starter, doc('LODEINFOが使われた。侵入後はMimikatzで認証情報を窃取し、リモートデスクトップで横展開した。'));
    expect(relationsOf(ja).filter((r) => r.startsWith('Mimikatz'))).toEqual([]);
    expect(relationsOf(ja)).toEqual(expect.arrayContaining(['LODEINFO uses Mimikatz', 'LODEINFO uses Remote Desktop Protocol']));
    const subject = extractDocument(starter, doc('LODEINFO was found. Mimikatz dumps credentials from LSASS memory.', 'en'));
    expect(relationsOf(subject)).toContain('Mimikatz uses LSASS Memory');
    const they = extractDocument(starter, doc('LODEINFO was found. They cleared Windows event logs to hide their tracks.', 'en'));
    expect(relationsOf(they)).toEqual(['LODEINFO uses Clear Windows Event Logs']);
  });

  it('reads no software in the name of the person who sells it (a developer known as "Shamel")', () => {
    const x = extractDocument(
      starter,
      doc('Lumma Stealer, sold as malware-as-a-service by a developer known as "Shamel", was disrupted with help from JC3.', 'en'),
    );
    expect(names(x, 'malware')).toEqual(['Lumma Stealer']);
    expect(names(x, 'identity')).toEqual(['JC3']);
  });

  it('reads the sectors of a list before "sectors", Proofpoint\'s UNK_ names, and Xと呼ばれるバックドア', () => {
    const en = extractDocument(
      starter,
      doc('The agencies said BlackTech targets government, industrial, technology and telecommunication sectors.', 'en'),
    );
    expect(relationsOf(en)).toEqual([
      'BlackTech targets Government',
      'BlackTech targets Technology',
      'BlackTech targets Telecommunications',
    ]);
    expect(names(extractDocument(starter, doc('Both the public and private sectors were warned.', 'en')))).toEqual([]);
    const ja = extractDocument(starter, doc('UNK_FistBumpはVoidlinkと呼ばれるバックドアを感染させていた。'));
    expect(relationsOf(ja)).toEqual(['UNK_FistBump uses Voidlink']);
  });

  it('reads a company by its former name, with no country inside it (ニデック（旧日本電産）)', () => {
    const x = extractDocument(starter, doc('ニデック（旧日本電産）のベトナム子会社がランサムウェアグループ「8Base」の攻撃を受けた。'));
    expect(names(x, 'identity')).toEqual(['Nidec']);
    expect(countries(x)).toEqual(['VN']);
    expect(rolesOf(x)).toEqual(['Nidec: victim']);
  });

  it('reads prefectural police as agencies that report, not as victims', () => {
    const x = extractDocument(starter, doc('愛知県警によると、ランサムウェア「ロックビット」が名古屋港のシステムを攻撃した。'));
    expect(names(x, 'identity')).toEqual(['愛知県警', 'Port of Nagoya']);
    expect(relationsOf(x).filter((r) => r.includes('targets'))).toEqual(['LockBit targets Port of Nagoya']);
  });

  it('reads an agency that several states name alike as the one of the country named beside it', () => {
    const agency = (text: string): string[] => names(extractDocument(starter, doc(text, 'en')), 'identity');
    expect(agency("The Netherlands' National Cyber Security Centre said several organisations were breached.")).toEqual([
      'NCSC (Netherlands)',
    ]);
    expect(agency("New Zealand's National Cyber Security Centre issued an alert.")).toEqual(['NCSC (New Zealand)']);
    expect(agency("The UK's National Cyber Security Centre issued an alert.")).toEqual(['NCSC (UK)']);
    expect(agency("The Netherlands' NCSC issued an alert.")).toEqual(['NCSC (Netherlands)']);
    expect(agency('The National Cyber Security Centre issued an alert.')).toEqual(['NCSC (UK)']);
  });

  it('reads the platforms of our own data though downloaded sources may not name them (Dropbox, Discord, YouTube)', () => {
    const x = extractDocument(starter, doc('The attackers hid payloads on Dropbox, Discord and YouTube.', 'en'));
    expect(names(x, 'identity')).toEqual(['Dropbox', 'Discord', 'YouTube']);
  });

  it('reads software named after the use verb as used by the software before it, and an attributed malware as used', () => {
    const x = extractDocument(starter, doc('Qilin affiliates use PowerShell and PsExec to spread.', 'en'));
    expect(relationsOf(x)).toEqual(['Qilin uses PowerShell', 'Qilin uses PsExec']);
    const attributed = extractDocument(
      starter,
      doc('Researchers linked the intrusion to the BRICKSTORM backdoor, which Mandiant attributes to UNC5221.', 'en'),
    );
    expect(relationsOf(attributed)).toEqual(['UNC5221 uses BRICKSTORM']);
  });

  it('reads regions as locations without a country, where a malware is run from as its origin, and charges against people as no attack', () => {
    const x = extractDocument(
      starter,
      doc(
        'Police in Europe and North America took down Bumblebee, Latrodectus and QakBot servers. Prosecutors filed charges against 16 people accused of deploying DanaBot, which was run from Russia.',
        'en',
      ),
    );
    expect(countries(x)).toEqual(['RU']);
    const regions = x.entities.filter((e) => e.entity.kind === 'location' && !e.entity.country).map((e) => e.entity.region);
    expect(regions.sort()).toEqual(['europe', 'northern-america']);
    expect(names(x, 'malware').sort()).toEqual(['Bumblebee', 'DanaBot', 'Latrodectus', 'QakBot']);
    expect(relationsOf(x)).toEqual(['DanaBot originates-from Russia']);
    const ja = extractDocument(starter, doc('Lazarusは北米と東南アジアの暗号資産企業を標的にした。'));
    expect(relationsOf(ja)).toEqual(
      expect.arrayContaining(['Lazarus Group targets North America', 'Lazarus Group targets Southeast Asia']),
    );
    expectValidStix(ja);
  });

  it("reads a possessive country before an actor as its origin (North Korea's Lazarus Group)", () => {
    const x = extractDocument(starter, doc("North Korea's Lazarus Group targeted banks in Japan.", 'en'));
    const rels = relationsOf(x);
    expect(rels).toEqual([
      'Lazarus Group originates-from North Korea',
      'Lazarus Group targets Financial Services',
      'Lazarus Group targets Japan',
    ]);
  });

  it('reads vulnerability nicknames as their CVE, one object with the id written in the text', () => {
    const x = extractDocument(
      starter,
      doc('Attackers exploited Log4Shell and Citrix Bleed. Zerologon (CVE-2020-1472) followed. 攻撃者はエターナルブルーも悪用した。', 'en'),
    );
    const vulns = x.entities.filter((e) => e.entity.kind === 'vulnerability');
    expect(vulns.map((e) => `${e.entity.name} ${e.mentions.map((m) => m.surface).join('|')}`)).toEqual([
      'CVE-2021-44228 Log4Shell',
      'CVE-2023-4966 Citrix Bleed',
      'CVE-2020-1472 Zerologon|CVE-2020-1472',
      'CVE-2017-0144 エターナルブルー',
    ]);
    const bundle = extractionToBundle(x, new Date('2026-11-24T00:00:00Z'));
    const log4shell = bundle.objects.find((o) => o.type === 'vulnerability' && o.name === 'CVE-2021-44228') as unknown as Record<
      string,
      unknown
    >;
    expect(log4shell).toMatchObject({
      external_references: [{ source_name: 'cve', external_id: 'CVE-2021-44228' }],
      x_kizashi_aliases: ['Log4Shell'],
    });
    expectValidStix(x);
  });

  it("reads Russia's and Iran's intelligence services, and think tanks, journalists and lawmakers as targeted sectors", () => {
    const x = extractDocument(
      starter,
      doc(
        "APT29, run by Russia's Foreign Intelligence Service (SVR), targeted think tanks, journalists and lawmakers. The FSB and the IRGC were named too.",
        'en',
      ),
    );
    expect(names(x, 'identity')).toEqual(['SVR', 'FSB', 'IRGC']);
    expect(names(x, 'sector')).toEqual(['Think Tanks', 'Media', 'Government']);
    const targets = x.relations.filter((r) => r.type === 'targets').map((r) => r.target);
    expect(targets).toEqual(['sector:think tanks', 'sector:media', 'sector:government']);
    expectValidStix(x);
  });

  it('reads a company from its legal suffix, but not a product named after a possessive', () => {
    const x = extractDocument(
      starter,
      doc("Acme Widgets Inc. and Nordlicht Systeme GmbH were breached through Array Networks' ArrayOS AG appliances.", 'en'),
    );
    expect(names(x, 'identity').sort()).toEqual(['Acme Widgets', 'Nordlicht Systeme']);
  });

  it('keeps every mention with its sentence and offsets', () => {
    const text = 'Headline about Emotet\nEmotet returned. Researchers said Emotet spreads via mail.';
    const x = extractDocument(starter, doc(text, 'en'));
    const emotet = x.entities.find((e) => e.entity.name === 'Emotet');
    expect(emotet?.mentions.map((m) => [m.start, text.slice(m.start, m.end), x.sentences[m.sentence]?.text])).toEqual([
      [15, 'Emotet', 'Headline about Emotet'],
      [22, 'Emotet', 'Emotet returned.'],
      [56, 'Emotet', 'Researchers said Emotet spreads via mail.'],
    ]);
  });
});

describe.skipIf(!HAS_SHARED_DATA)('the sample Japanese daily report (../shared/seeds) with the full KB', () => {
  let full: Extractor;
  beforeAll(async () => {
    full = createExtractor(await loadKnowledgeBase({ kbDirs: [join(SHARED_DIR, 'data')], ignoreHome: true }));
  });

  it('yields the actors, malware, organisations and countries of the report and no false threat entity', () => {
    const path = join(SHARED_DIR, 'seeds/000_4b43a1ed214ff49b.txt');
    const x = extractDocument(full, parseDocumentBytes(readFileSync(path), path));
    expect(x.document.lang).toBe('ja');
    const threats = x.entities
      .filter((e) => THREAT_KINDS.has(e.entity.kind))
      .map((e) => e.entity.name)
      .sort();
    expect(threats).toEqual([
      'APT41',
      'DRBControl',
      'Earth Estries',
      'FamousSparrow',
      'HemiGate',
      'SparklingGoblin',
      'TrillClient',
      'Zingdoor',
    ]);
    expect(names(x, 'identity')).toEqual(expect.arrayContaining(['Microsoft', 'Trend Micro', 'Access Now']));
    const targeted = ['US', 'DE', 'ZA', 'MY', 'PH', 'TW', 'IN', 'CA', 'SG'];
    const c2Hosting = ['US', 'IN', 'CA', 'GB', 'FI', 'DE', 'MK', 'CN', 'KR', 'JP', 'ZA', 'AU'];
    expect(countries(x)).toEqual(expect.arrayContaining([...new Set([...targeted, ...c2Hosting])]));
    const estries = x.entities.find((e) => e.entity.name === 'Earth Estries')?.entity.key;
    const targets = x.relations.filter((r) => r.source === estries && r.type === 'targets').map((r) => r.target);
    for (const code of targeted) expect(targets).toContain(full.kb.country(code)?.key);
    expectValidStix(x);
  });
});

describe('indicators in documents', () => {
  it('groups indicators with their sentences, marks warninglisted ones, and validates as STIX', async () => {
    const { loadWarninglists } = await import('../kb/warninglists.js');
    const extractor = createExtractor(starter.kb, await loadWarninglists());
    const text =
      'MirrorFaceはLODEINFOを使い、通信先：１９８．５１．１００．２３と45.77.12[.]9に接続した。\nハッシュ 01ba4719c80b6fe911b091a7c05124b64eeece964e09c058ef8f9805daca546b と hxxps://update-check[.]net/api を確認。TLP:AMBER。T1566.001 も参照。';
    const x = extractDocument(extractor, doc(text));
    const byValue = new Map(x.indicators.map((i) => [`${i.kind}:${i.value}`, i]));
    expect(byValue.get('ipv4:198.51.100.23')?.warnings).toEqual(['documentation-ranges']);
    expect(byValue.get('ipv4:45.77.12.9')?.warnings).toEqual([]);
    expect(byValue.get('ipv4:45.77.12.9')?.mentions[0]?.defanged).toBe(true);
    expect(byValue.get('url:https://update-check.net/api')).toBeDefined();
    expect(
      x.sentences[byValue.get('sha256:01ba4719c80b6fe911b091a7c05124b64eeece964e09c058ef8f9805daca546b')?.mentions[0]?.sentence ?? -1]
        ?.text,
    ).toMatch(/^ハッシュ/);
    if (HAS_SCHEMAS) {
      const bundle = extractionToBundle(x, new Date('2026-11-24T00:00:00Z'));
      expect(bundleErrors(bundle)).toEqual([]);
      const types = bundle.objects.map((o) => o.type);
      expect(types).toEqual(expect.arrayContaining(['ipv4-addr', 'url', 'domain-name', 'file', 'indicator']));
      const indicator = bundle.objects.find((o) => o.type === 'indicator' && o.pattern === "[ipv4-addr:value = '198.51.100.23']");
      expect(indicator).toMatchObject({ x_kizashi_warning: ['documentation-ranges'], indicator_types: ['benign'] });
      const report = bundle.objects.find((o) => o.type === 'report');
      expect(report).toMatchObject({ object_marking_refs: ['marking-definition--f88d31f6-486f-44da-b317-01333bde0b82'] });
    }
  });
});

describe('the reporting site’s own domain', () => {
  it('is marked, not dropped', () => {
    const x = extractDocument(starter, {
      ...doc('詳細は https://www.sample-news.co.jp/archive/1 と、攻撃者の evil-update.net を参照。'),
      url: 'https://sample-news.co.jp/2025/01/08/a',
    });
    const warnings = new Map(x.indicators.map((i) => [`${i.kind}:${i.value}`, i.warnings]));
    expect(warnings.get('domain:www.sample-news.co.jp')).toEqual(['reporting-source-domain']);
    expect(warnings.get('domain:evil-update.net')).toEqual([]);
  });
});

describe('a document’s title', () => {
  const titled = (title: string, body: string): Extraction =>
    extractDocument(starter, parseDocumentBytes(new TextEncoder().encode(`---\ntitle: ${title}\n---\n${body}`), 'news.md'));

  it('is read: a headline that alone names the actor gives it, with offsets into the text', () => {
    const x = titled('MirrorFace targets Japanese think tanks', 'The group sent spear-phishing emails to researchers.');
    const mention = x.entities.find((e) => e.entity.name === 'MirrorFace')?.mentions[0];
    expect(mention).toMatchObject({ start: 0, end: 10, sentence: 0 });
    expect(x.document.text.slice(mention?.start, mention?.end)).toBe('MirrorFace');
    expect(relationsOf(x)).toContain('MirrorFace targets Think Tanks');
  });

  it('splits a Japanese headline’s clauses at the ideographic space: each clause has its own subject', () => {
    // As one sentence, Japan would be the subject of 公表 and propose the process.
    const x = titled('ポール・モール・プロセス、行動規範を公表　日本も賛同', '英国とフランスが主導する。');
    expect(x.sentences.slice(0, 2).map((s) => s.text)).toEqual(['ポール・モール・プロセス、行動規範を公表', '日本も賛同']);
    expect(relationsOf(x)).toEqual([
      'France proposes Pall Mall Process',
      'Japan supports Pall Mall Process',
      'United Kingdom proposes Pall Mall Process',
    ]);
  });

  it('gives the short form of an instrument the body names in full that instrument, not a new one', () => {
    const x = titled('国連総会、サイバー犯罪条約を採択', '国連総会は国連サイバー犯罪条約を採択した。');
    expect(names(x, 'policy-instrument')).toEqual(['UN Convention against Cybercrime']);
    expect(x.entities.find((e) => e.entity.kind === 'policy-instrument')?.mentions.map((m) => m.surface)).toEqual([
      'サイバー犯罪条約',
      '国連サイバー犯罪条約',
    ]);
  });
});

describe('names introduced in the document', () => {
  it('follows an abbreviation given in parentheses, and names given as aliases', () => {
    const x = extractDocument(
      starter,
      doc(
        'The Lazarus Group (LG) hit banks. Later LG moved to crypto. The threat actor is known by the aliases ‘Hydrox’ and ‘Qiix’.',
        'en',
      ),
    );
    const lazarus = x.entities.find((e) => e.entity.name === 'Lazarus Group');
    expect(lazarus?.mentions.map((m) => m.surface)).toEqual(['Lazarus Group', 'LG', 'LG']);
    expect(names(x, 'intrusion-set')).toEqual(expect.arrayContaining(['Hydrox', 'Qiix']));
  });

  it('reads names defined in lists, given with a naming verb, or quoted as aliases', () => {
    const x = extractDocument(
      starter,
      doc(
        'Tools seen:\n• MURKYSHELL: malware capable of scanning ports.\n* **NiiJ Stealer -** A very basic stealer.\n' +
          '* Credential Theft: the malware steals passwords.\nAnalysts describe an APT group named “ReconHellcat”. ' +
          'The campaign is run by a threat actor known by the aliases ‘Hydro’ and ‘JiiN’.',
        'en',
      ),
    );
    expect(names(x, 'malware').sort()).toEqual(['MURKYSHELL', 'NiiJ Stealer']);
    expect(names(x, 'intrusion-set').sort()).toEqual(['Hydro', 'JiiN', 'ReconHellcat']);
    const tools = extractDocument(starter, doc('They used the following tools: “Zorbdump”, “smbexec” and “Mimikatz”. “Seen” twice.', 'en'));
    expect(names(tools, 'tool').sort()).toEqual(['Mimikatz', 'Zorbdump', 'smbexec']);
    // Unquoted, an ordinary word stays a word.
    expect(names(extractDocument(starter, doc('The threat actor is known by the alias Hydro in forums.', 'en')))).toEqual([]);
  });

  it('reads names given in apposition, with "known as", before a packer, or in title case', () => {
    const x = extractDocument(
      starter,
      doc(
        'One leak was called WinspySuite, a remote access and information stealing malware. Internally referred to as ' +
          'Peyvand, the malware was loaded by hand. The builder, known in the underground as “EtterSilent,” is sold on ' +
          'forums. The payload was packed with the CyaX packer. Banking Trojan Zorbix Stealer: a first look. ' +
          'Zebrocy’s Multilanguage Malware is older.',
        'en',
      ),
    );
    expect(names(x, 'malware').sort()).toEqual(['Peyvand', 'WinspySuite', 'Zorbix Stealer']);
    // A builder or a packer is a tool.
    expect(names(x, 'tool').sort()).toEqual(['CyaX', 'EtterSilent']);
    const more = extractDocument(
      starter,
      doc(
        'It runs at.exe ([8]). ZORBTOP: Command line tool for recognition.\nDISHCLOTH: Brute force tool to attack services.\n' +
          'They use brute force tools as DISHCLOTH. OVERVIEW: the malware is old. Another packer that analysts have dubbed ' +
          'BMPack. The malware has classes named “ChromiumProvider”. We assessed Zorbcat as a high-capability APT group.',
        'en',
      ),
    );
    expect(names(more, 'tool').sort()).toEqual(['BMPack', 'DISHCLOTH', 'ZORBTOP']);
    expect(names(more, 'intrusion-set')).toEqual(['Zorbcat']);
    expect(names(more, 'malware')).toEqual([]);
    // A victim named before "ransomware attack", or an organisation the KB knows, is no new ransomware.
    const victims = extractDocument(starter, doc('After the Zorbcorp ransomware attack, the Microsoft ransomware was a hoax.', 'en'));
    expect(names(victims, 'malware')).toEqual([]);
    // No kind noun near the naming phrase: no name.
    expect(names(extractDocument(starter, doc('The town, known locally as Qarvex, lies north.', 'en')))).toEqual([]);
  });

  it('takes a name that is also an ordinary word only when several places cue it, one inside a sentence', () => {
    const ares = 'Ares Malware: a first look\nWe found an Ares sample in March. Two more Ares samples followed. Ares is the son of Zeus.';
    const x = extractDocument(starter, doc(ares, 'en'));
    expect(x.entities.find((e) => e.entity.name === 'Ares')?.mentions.map((m) => m.start)).toEqual(
      [...ares.matchAll(/Ares/g)].map((m) => m.index),
    );
    // Cued twice only, or only where a sentence or heading starts: still words.
    expect(names(extractDocument(starter, doc('We found an Ares sample. Two more Ares samples followed.', 'en')))).toEqual([]);
    expect(names(extractDocument(starter, doc('Final payload.\nFinal payload again.\nFinal payload: dropped.', 'en')))).toEqual([]);
  });
});

describe('names that galaxies list but prose uses as words', () => {
  let galaxy: Extractor;
  beforeAll(async () => {
    // A small galaxy folder with the kinds of entries the public galaxies carry.
    const dir = mkdtempSync(join(tmpdir(), 'kizashi-galaxy-'));
    mkdirSync(join(dir, 'misp-galaxy/clusters'), { recursive: true });
    const cluster = (type: string, values: GalaxyValue[]): void =>
      writeFileSync(join(dir, `misp-galaxy/clusters/${type}.json`), JSON.stringify(galaxyCluster(type, values)));
    cluster('ransomware', [
      { value: 'First' },
      { value: 'Turkish' },
      { value: 'OCT' },
      { value: 'Crypter' },
      { value: 'Christmas' },
      { value: 'Donald Trump' },
      { value: 'CSGO' },
      { value: 'thanos' },
      { value: 'Hakbit' },
      { value: 'RedRum' },
    ]);
    cluster('malpedia', [
      { value: 'Mariposa', synonyms: ['Autorun'] },
      { value: 'Crimson' },
      { value: 'Explorer' },
      { value: 'sihost' },
      { value: 'Taurus Stealer' },
      { value: 'GRIFFON' },
      { value: 'KPOT Stealer', synonyms: ['Kpot'] },
      { value: 'Bread', synonyms: ['Joker'] },
      { value: 'TDL4', synonyms: ['TDL'] },
      { value: 'Hakbit', synonyms: ['Thanos'] },
      { value: 'RedRum', synonyms: ['Thanos'] },
      { value: 'DragonForce' },
    ]);
    cluster('rat', [{ value: 'Crimson RAT' }, { value: 'Cobian RAT' }, { value: 'M00nD3V Logger' }]);
    cluster('exploit-kit', [{ value: 'RIG', synonyms: ['RIG-v'] }]);
    cluster('tool', [{ value: 'certutil', synonyms: ['certutil.exe'] }, { value: 'Taurus' }]);
    cluster('threat-actor', [
      { value: 'Cleaver', synonyms: ['Alibaba', 'Operation Cleaver'] },
      { value: 'DragonForce' },
      { value: 'Blackwing' },
    ]);
    // And an ATT&CK group whose name is an ordinary word.
    mkdirSync(join(dir, 'attack'));
    writeFileSync(
      join(dir, 'attack/enterprise-attack.json'),
      JSON.stringify({
        type: 'bundle',
        id: 'bundle--00000000-0000-4000-8000-000000000002',
        objects: [
          {
            type: 'intrusion-set',
            id: 'intrusion-set--00000000-0000-4000-8000-000000000003',
            name: 'Dropping Elephant',
            aliases: ['Dropping Elephant', 'Quilt'],
            external_references: [{ source_name: 'mitre-attack', external_id: 'G0040' }],
          },
        ],
      }),
    );
    galaxy = createExtractor(await loadKnowledgeBase({ kbDirs: [dir], ignoreHome: true }));
  });

  it('reads a name that is both a group and its ransomware by the noun beside it, and ransomware named after a group as ransomware', () => {
    const kinds = (text: string, lang: 'ja' | 'en' = 'en'): string[] =>
      extractDocument(galaxy, doc(text, lang))
        .entities.filter((e) => THREAT_KINDS.has(e.entity.kind))
        .map((e) => `${e.entity.kind} ${e.entity.name}`);
    expect(kinds('The attackers deployed DragonForce ransomware on the servers.')).toEqual(['malware DragonForce']);
    expect(kinds('攻撃者はランサムウェア「DragonForce」を展開した。', 'ja')).toEqual(['malware DragonForce']);
    expect(kinds('The DragonForce group claimed the attack.')).toEqual(['intrusion-set DragonForce']);
    expect(kinds('A school was hit by Zorgon ransomware.')).toEqual(['malware Zorgon']);
  });

  it('reads a platform as the platform, not as the actor a galaxy lists it for, and no name inside a user agent', () => {
    const x = extractDocument(
      galaxy,
      doc(
        'The A record belongs to Alibaba, and the loader sent User-Agent: Mozilla/5.0 (Windows NT 10.0; Win64; x64) Gecko/20100101 Firefox/91.0 to it.',
        'en',
      ),
    );
    expect(x.entities.filter((e) => THREAT_KINDS.has(e.entity.kind))).toEqual([]);
    expect(names(x, 'identity')).toEqual(['Alibaba Cloud']);
  });

  it('needs a kind noun right next to an ordinary word, and the written case of a name', () => {
    const x = extractDocument(
      galaxy,
      doc(
        'First, the downloader fetches a payload. Turkish media reported it on Oct 15. The autorun key and a crypter hide it. ' +
          'Later the First ransomware encrypted the files.',
        'en',
      ),
    );
    const first = x.entities.find((e) => e.entity.name === 'First');
    expect(first?.mentions.map((m) => m.start)).toEqual([x.document.text.indexOf('First ransomware')]);
    expect(names(x, 'malware').sort()).toEqual(['First']);
    expect(countries(x)).toEqual(['TR']);
    // The kind noun may also come just before the name.
    expect(names(extractDocument(galaxy, doc('Analysts saw the ransomware “First” again in March.', 'en')), 'malware')).toEqual(['First']);
    expect(names(extractDocument(galaxy, doc('The ransomware spread. First it hit hospitals.', 'en')), 'malware')).toEqual([]);
  });

  it('reads a name as the entity that needs no cue when the one named so needs a cue it lacks', () => {
    // The ransomware galaxy's "thanos" needs a cue; Malpedia lists "Thanos" as an alias of Hakbit and of RedRum (the
    // ransomware galaxy's own Hakbit and RedRum keep "thanos" a separate entity, as in the public data).
    const row = extractDocument(galaxy, doc('| Thanos | August 2020 | Over 5 | Raid | No |', 'en'));
    expect(names(row, 'malware')).toEqual([expect.stringMatching(/^(?:Hakbit|RedRum)$/)]);
  });

  it('needs a cue for a name known from the ransomware galaxy alone, and reads "X Crypter" as a tool', () => {
    expect(names(extractDocument(galaxy, doc('The leak included a report on Donald Trump.', 'en')))).toEqual([]);
    const x = extractDocument(galaxy, doc('The Donald Trump ransomware encrypts files. Donald Trump then asks for bitcoin.', 'en'));
    expect(x.entities.find((e) => e.entity.name === 'Donald Trump')?.mentions).toHaveLength(2);
    expect(names(extractDocument(galaxy, doc('* **Coak Crypter -** As the name implies, a packer tool.', 'en')), 'tool')).toEqual([
      'Coak Crypter',
    ]);
  });

  it('reads executables in any case, skips names in link targets, and merges "X RAT" with "X"', () => {
    // cURL is an ordinary word ("curl"): written in its own case only, and only with context — except as an executable.
    const x = extractDocument(starter, doc('The script ran CURL.EXE; see [the report](/blog/emotet-returns) for Emotet.', 'en'));
    expect(names(x).sort()).toEqual(['Emotet', 'cURL']);
    expect(x.entities.find((e) => e.entity.name === 'Emotet')?.mentions).toHaveLength(1);
    expect(names(extractDocument(starter, doc('The script ran CURL to fetch it.', 'en')))).toEqual([]);
    // An organisation of our own data named by a word is the organisation inside a sentence, written in its case.
    const google = extractDocument(starter, doc('Links to Google Drive and Telegram.', 'en'));
    expect(google.entities.map((e) => [e.entity.name, e.mentions.map((m) => m.start)])).toEqual([
      ['Google', [9]],
      ['Telegram', [26]],
    ]);
    const words = 'Google it. Telegram channels grew. You can google it, or use a telegram.';
    expect(names(extractDocument(starter, doc(words, 'en')))).toEqual([]);
    // A name our own data writes in lowercase only is written so: no cue needed.
    expect(names(extractDocument(starter, doc('It resolves hosts with a feature of libcurl, then starts ngrok.', 'en'))).sort()).toEqual([
      'libcurl',
      'ngrok',
    ]);
    // Windows' own utilities that intrusions run, which ATT&CK names only in prose.
    const lol = 'The actor ran whoami.exe and then vssadmin delete shadows /all /quiet; wevtutil cleared the logs.';
    expect(names(extractDocument(starter, doc(lol, 'en')), 'tool').sort()).toEqual(['vssadmin', 'wevtutil', 'whoami']);
    // A longest match that is itself the executable's name, and Windows' own programs named like galaxy malware.
    const y = extractDocument(
      galaxy,
      doc('It ran Certutil.exe, then explorer.exe, sihost.exe and cmd.exe. Did COVID cancel Christmas? Deobfuscated downloader.', 'en'),
    );
    expect(names(y)).toEqual(['certutil']);
    expect(names(extractDocument(galaxy, doc('The miner kills taskmgr.exe, procmon.exe, csgo.exe and dota2.exe.', 'en')))).toEqual([]);
    const [rat] = galaxy.kb.lookup('Crimson RAT');
    expect(rat?.aliases.map((a) => a.value).sort()).toEqual(['Crimson', 'Crimson RAT']);
    expect(galaxy.kb.lookup('Crimson')).toEqual([rat]);
  });

  it('reads a bare name as the software the document names with its kind noun ("the Taurus stealer" … "Taurus")', () => {
    const text = 'We looked at the Taurus stealer. The stealer, named Taurus, is sold on forums.';
    const x = extractDocument(galaxy, doc(text, 'en'));
    expect(names(x).filter((n) => n.startsWith('Taurus'))).toEqual(['Taurus Stealer']);
    expect(x.entities.find((e) => e.entity.name === 'Taurus Stealer')?.mentions.map((m) => m.surface)).toEqual([
      'Taurus stealer',
      'Taurus',
    ]);
    // Without "Taurus stealer" in the document, the galaxy's tool keeps its name.
    expect(names(extractDocument(galaxy, doc('The stealer, named Taurus, is sold on forums.', 'en')))).toEqual(['Taurus']);
  });

  it('reads a name a vendor writes in capitals when another capitalises it inside a sentence, next to a kind noun', () => {
    expect(names(extractDocument(galaxy, doc('It then loaded a Griffon payload.', 'en')))).toEqual(['GRIFFON']);
    expect(names(extractDocument(galaxy, doc('Griffon payload. A Griffon flew by, and a griffon payload.', 'en')))).toEqual([]);
  });

  it('takes "information-stealing" as a kind noun, and no name that opens a longer one ("Joker’s Stash")', () => {
    expect(names(extractDocument(galaxy, doc('They also operate the KPOT information-stealing malware.', 'en')))).toEqual(['KPOT Stealer']);
    expect(names(extractDocument(galaxy, doc('Then the Joker’s Stash operators took the site down.', 'en')), 'malware')).toEqual([]);
  });

  it('reads letters in parentheses that abbreviate the words before them as those words', () => {
    const x = extractDocument(galaxy, doc('It used the Turla Driver Loader (TDL) technique in the United Arab Emirates (UAE).', 'en'));
    expect(names(x, 'malware')).toEqual([]);
    expect(x.entities.find((e) => e.entity.country === 'AE')?.mentions.map((m) => m.surface)).toEqual(['United Arab Emirates', 'UAE']);
    expect(names(extractDocument(galaxy, doc('The TDL rootkit is back.', 'en')), 'malware')).toEqual(['TDL4']);
  });

  it('reads "CobianRAT" as "Cobian RAT", and a short word written in capitals only right next to its kind noun', () => {
    const x = extractDocument(
      galaxy,
      doc('A backdoored CobianRAT and M00nD3VLogger. Then the RIG exploit kit, and the RIG EK gate.', 'en'),
    );
    expect(names(x, 'malware').sort()).toEqual(['Cobian RAT', 'M00nD3V Logger', 'RIG']);
    expect(x.entities.find((e) => e.entity.name === 'RIG')?.mentions).toHaveLength(2);
    expect(names(extractDocument(galaxy, doc('They rig the vote. THE RIG WAS SEIZED. A rig exploit kit.', 'en')), 'malware')).toEqual([]);
  });

  it('takes an ATT&CK link as the name of the entity it points to, and "framework" as a kind noun', () => {
    const linked = 'Its features resemble “[Quilt](https://attack.mitre.org/groups/G0040/)”.';
    expect(names(extractDocument(galaxy, doc(linked, 'en')))).toEqual(['Dropping Elephant']);
    expect(names(extractDocument(galaxy, doc('Its features resemble a quilt and a Quilt.', 'en')))).toEqual([]);
    expect(names(extractDocument(starter, doc('Others include the Veil Framework.', 'en')))).toEqual(['Veil']);
    expect(names(extractDocument(starter, doc('A veil of secrecy and the Veil.', 'en')))).toEqual([]);
  });
});
