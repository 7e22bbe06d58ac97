// UI text in Japanese and English. The choice is kept in localStorage; Japanese is the default.
export type Lang = 'ja' | 'en';

const TEXT = {
  today: ['今日', 'Today'],
  search: ['検索', 'Search'],
  sources: ['ソース', 'Sources'],
  ingest: ['取り込み', 'Ingest'],
  apiKey: ['APIキー', 'API key'],
  save: ['保存', 'Save'],
  digest: ['デイリーダイジェスト', 'Daily digest'],
  stories: ['ストーリー', 'Stories'],
  newEntities: ['新しいエンティティ', 'New entities'],
  watchHits: ['ウォッチリストのヒット', 'Watchlist hits'],
  date: ['日付', 'Date'],
  days: ['期間（日）', 'Range (days)'],
  show: ['表示', 'Show'],
  sourcesOfStory: ['ソース（並列表示）', 'Sources side by side'],
  facts: ['統合された事実', 'Merged facts'],
  claims: ['主張の台帳', 'Claims ledger'],
  timeline: ['タイムライン', 'Timeline'],
  claimant: ['主張者', 'Claimants'],
  subject: ['対象', 'Subject'],
  attributedTo: ['帰属先', 'Attributed to'],
  attackOn: ['への攻撃', 'attack on '],
  itself: ['自身', ' itself'],
  contradicted: ['矛盾する主張', 'Contradicted by'],
  noClaims: ['帰属の主張はありません', 'No attribution claims'],
  mentions: ['言及', 'Mentions'],
  confirm: ['確認', 'Confirm'],
  reject: ['却下', 'Reject'],
  retype: ['種別を変更', 'Retype'],
  openEntity: ['エンティティを開く', 'Open entity'],
  aliases: ['別名', 'Aliases'],
  type: ['種別', 'Type'],
  relationships: ['関係グラフ', 'Relationship graph'],
  heatmap: ['ATT&CK ヒートマップ', 'ATT&CK heat map'],
  documents: ['文書', 'Documents'],
  indicators: ['指標（IOC）', 'Indicators'],
  export: ['エクスポート', 'Export'],
  query: ['検索語', 'Query'],
  all: ['すべて', 'All'],
  results: ['件', 'results'],
  noResults: ['該当なし', 'No results'],
  feedHealth: ['フィードの状態', 'Feed health'],
  lastFetch: ['最終取得', 'Last fetch'],
  errors: ['エラー', 'Errors'],
  items: ['件数', 'Items'],
  nextFetch: ['次回', 'Next'],
  url: ['URL', 'URL'],
  file: ['ファイル', 'File'],
  submit: ['送信', 'Submit'],
  uploading: ['アップロード中', 'Uploading'],
  done: ['完了', 'Done'],
  failed: ['失敗', 'Failed'],
  loading: ['読み込み中…', 'Loading…'],
  needKey: ['APIキーを入力してください（kizashi keys create）', 'Enter an API key (kizashi keys create)'],
  language: ['English', '日本語'],
  noStories: ['この期間のストーリーはありません', 'No stories in this range'],
  whatsNew: ['新着', 'New'],
  published: ['公開日', 'Published'],
  outlet: ['媒体', 'Outlet'],
  lang: ['言語', 'Language'],
  feedbackSaved: ['フィードバックを保存しました', 'Feedback saved'],
  matched: ['一致した別名', 'Matched alias'],
} as const satisfies Record<string, readonly [string, string]>;

export type TextKey = keyof typeof TEXT;

let lang: Lang = (localStorage.getItem('kizashi.lang') as Lang | null) ?? 'ja';

export function t(key: TextKey): string {
  return TEXT[key][lang === 'ja' ? 0 : 1];
}

export function currentLang(): Lang {
  return lang;
}

export function setLang(next: Lang): void {
  lang = next;
  localStorage.setItem('kizashi.lang', next);
  document.documentElement.lang = next;
}
