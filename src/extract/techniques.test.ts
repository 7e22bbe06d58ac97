import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadKnowledgeBase } from '../kb/load-kb.js';
import type { KnowledgeBase } from '../kb/knowledge-base.js';
import { splitSentences } from '../text/sentences.js';
import { HAS_SHARED_DATA, SHARED_DIR } from '../testkit/stix-schemas.js';
import { TechniqueMapper, tokenize } from './techniques.js';

let kb: KnowledgeBase;
let mapper: TechniqueMapper;
beforeAll(async () => {
  kb = await loadKnowledgeBase({ ignoreHome: true });
  mapper = new TechniqueMapper(kb);
});

function techniquesIn(text: string): string[] {
  const sentences = splitSentences(text);
  const starts = sentences.map((s) => s.start);
  return mapper
    .map(text, sentences, (o) =>
      Math.max(
        0,
        starts.findLastIndex((s) => s <= o),
      ),
    )
    .map((m) => m.technique.mitreId ?? '');
}

// Our own Japanese sentences, one or more per technique, written the way Japanese security news phrases them.
const JAPANESE: [string, string][] = [
  ['攻撃者は標的型メールを政府職員に送り付けた。', 'T1566'],
  ['メールには悪意のある添付ファイルが含まれていた。', 'T1566.001'],
  ['不正なリンクを含むメールで偽サイトに誘導した。', 'T1566.002'],
  ['VPN機器の脆弱性を悪用して侵入したとみられる。', 'T1190'],
  ['攻撃者はVPN経由で侵入し、社内ネットワークに到達した。', 'T1133'],
  ['窃取したアカウントでログインし、正規の利用者を装った。', 'T1078'],
  ['侵入後に管理者アカウントを侵害した。', 'T1078.002'],
  ['Mimikatzで認証情報を窃取した。', 'T1003'],
  ['ブラウザに保存された認証情報を盗み出す機能がある。', 'T1555'],
  ['RDPに対する総当たり攻撃が観測された。', 'T1110'],
  ['その後、ラテラルムーブメントを行ってバックドアを展開した。', 'T1021'],
  ['リモートデスクトップで別のサーバーに接続した。', 'T1021.001'],
  ['攻撃者はPowerShellでスクリプトを実行した。', 'T1059.001'],
  ['コマンドプロンプトから偵察コマンドを実行した。', 'T1059.003'],
  ['ファイルを暗号化して身代金を要求する。', 'T1486'],
  ['ボリュームシャドウコピーを削除して復旧を妨げた。', 'T1490'],
  ['活動の痕跡を消すためにイベントログを削除していた。', 'T1070.001'],
  ['ウイルス対策ソフトを停止してから暗号化を始めた。', 'T1562.001'],
  ['ペイロードは難読化されていた。', 'T1027'],
  ['C2サーバーから追加のツールをダウンロードする。', 'T1105'],
  ['窃取したデータを送信するためにC2サーバーを使った。', 'T1041'],
  ['収集したファイルをクラウドストレージにアップロードした。', 'T1567'],
  ['通信にはプロキシを経由させていた。', 'T1090'],
  ['攻撃には小型ルーターが悪用された。', 'T1584.008'],
  ['C&Cサーバーは仮想専用サーバーでホストされている。', 'T1583.003'],
  ['タスクスケジューラに登録して永続化した。', 'T1053.005'],
  ['レジストリのRunキーに自身を登録する。', 'T1547.001'],
  ['マルウェアはサービスとして登録される。', 'T1543.003'],
  ['正規の実行ファイルを使ったDLLサイドローディングでLODEINFOを読み込む。', 'T1574.001'],
  ['正規のプロセスにコードインジェクションを行う。', 'T1055'],
  ['利用者にマクロを有効化させる手口だった。', 'T1204.002'],
  ['業界団体のサイトを改ざんした水飲み場攻撃だった。', 'T1189'],
  ['ソフトウェア更新を悪用したサプライチェーン攻撃である。', 'T1195'],
  ['DDoS攻撃により予約システムが停止した。', 'T1498'],
  ['ワイパーはデータを破壊する。', 'T1485'],
  ['感染端末のシステム情報を収集する。', 'T1082'],
  ['Windows Sandbox上でマルウェアを実行していた。', 'T1564.006'],
  ['攻撃者はLinkedInでリクルーターを装い接触した。', 'T1656'],
  ['セッション情報を窃取して従業員になりすました。', 'T1539'],
  ['482億円相当の暗号資産が流出した。', 'T1657'],
  ['侵入したサーバーにWebシェルを設置した。', 'T1505.003'],
  ['正規のソフトウェアを装ったインストーラーを配布した。', 'T1036'],
  ['キーロガーで入力内容を記録する。', 'T1056.001'],
];

describe('technique mapping — Japanese phrasing (our own sentences)', () => {
  it('covers at least 30 techniques', () => {
    expect(new Set(JAPANESE.map(([, id]) => id)).size).toBeGreaterThanOrEqual(30);
  });

  it.each(JAPANESE)('%s → %s', (text, id) => {
    expect(techniquesIn(text)).toContain(id);
  });

  it('finds nothing in a sentence that describes no behaviour', () => {
    expect(techniquesIn('警察庁は記者会見を開き、今後も国際的な連携を続けると述べた。')).toEqual([]);
  });
});

describe('technique mapping — English', () => {
  it('finds technique names and phrases with word boundaries', () => {
    expect(techniquesIn('The actor used spear-phishing emails with a malicious attachment.')).toEqual(
      expect.arrayContaining(['T1566', 'T1566.001']),
    );
    expect(techniquesIn('It relies on Scheduled Task for persistence.')).toContain('T1053.005');
    expect(techniquesIn('The cardiac arrhythmia study was published.')).toEqual([]);
  });

  it('tokenises English with a light stem and Japanese as bigrams', () => {
    expect(tokenize('The attackers used encrypted payloads')).toEqual(['encrypt', 'payload']);
    expect(tokenize('横展開')).toEqual(['横展', '展開']);
    expect(tokenize('横展開 via RDP', false)).toEqual(['rdp']);
  });

  it('matches Japanese examples by their bigrams (only an index with Japanese examples makes them)', () => {
    const extra = [{ text: '攻撃者は暗号資産取引所の秘密鍵を盗み出した', label: 'T1552.004' }];
    const withJapanese = new TechniqueMapper(kb, { extraExamples: extra });
    expect(withJapanese.rank('取引所の秘密鍵を盗み出した')[0]?.label).toBe('T1552.004');
    expect(mapper.rank('取引所の秘密鍵を盗み出した')).toEqual([]);
  });
});

describe.skipIf(!HAS_SHARED_DATA)('curated techniques against ATT&CK (../shared/data)', () => {
  it('every curated technique id is a live ATT&CK technique, and procedure examples are loaded', async () => {
    const full = await loadKnowledgeBase({ kbDirs: [join(SHARED_DIR, 'data')], ignoreHome: true });
    const curated = full.entities.filter((e) => e.kind === 'attack-pattern' && e.sources.includes('kizashi-starter'));
    expect(curated.length).toBeGreaterThanOrEqual(50);
    for (const e of curated) expect(e.sources, `${e.mitreId ?? ''} ${e.name}`).toContain('mitre-attack');
    const examples = full.entities.reduce((n, e) => n + (e.examples?.length ?? 0), 0);
    expect(examples).toBeGreaterThan(10_000);
    const fullMapper = new TechniqueMapper(full);
    expect(fullMapper.rank('The malware uses PowerShell to download and execute a second-stage payload')[0]?.label).toMatch(/^T1(059|105)/);
  });
});
