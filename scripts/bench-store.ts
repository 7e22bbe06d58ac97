// `npm run bench` (second part): ingestion and search. End-to-end ingestion (extract + store) into SQLite on one
// core and into PostgreSQL with 1, 2 and 4 worker processes; then stores of 10k and 100k documents (variants of the
// public eval texts and our Japanese items, each stored with its extraction) for store size, search latency
// p50/p95/p99 in English and Japanese, and growth from 10k to 100k. Writes bench-results/store.json.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import type { KizashiDocument } from '../src/core/document.js';
import { documentId } from '../src/core/document.js';
import type { Bundle } from '../src/core/stix.js';
import { extractDocument } from '../src/extract/extract-document.js';
import { extractionToBundle } from '../src/export/stix-bundle.js';
import { inBatches, storeDocument } from '../src/ingest/ingest-files.js';
import { openExtractor } from '../src/main.js';
import { PostgresJobQueue } from '../src/store/postgres/postgres-job-queue.js';
import { openPostgresStore } from '../src/store/postgres/postgres-graph-store.js';
import { openSqliteStore } from '../src/store/sqlite/sqlite-graph-store.js';
import { overallPeakRssMb, sampleChildrenRss, stagePeakRssMb } from './bench-rss.js';

const SHARED = resolve(process.env.KIZASHI_SHARED ?? '../shared');
const PG_URL = process.env.BENCH_DATABASE_URL ?? process.env.KIZASHI_TEST_DATABASE_URL;
const SIZES = (process.env.BENCH_SIZES ?? '10000,100000').split(',').filter(Boolean).map(Number);
const pct = (xs: number[], p: number): number =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? 0;

const extractor = await openExtractor({ kbDirs: [join(SHARED, 'data')], ignoreHome: true });
const english = readdirSync(join(SHARED, 'data/eval/annoctr/text')).map((f) =>
  readFileSync(join(SHARED, 'data/eval/annoctr/text', f), 'utf8'),
);
const newsJa = readdirSync('corpus')
  .filter((f) => f.endsWith('-ja.md'))
  .map((f) => readFileSync(join('corpus', f), 'utf8').replace(/^---[\s\S]*?---\n/, ''));
const newsEn = readdirSync('corpus')
  .filter((f) => f.endsWith('-en.md'))
  .map((f) => readFileSync(join('corpus', f), 'utf8').replace(/^---[\s\S]*?---\n/, ''));
// News-sized items: our corpus items, each with the first 1,500 characters of an eval report appended (English).
const news = [...newsJa, ...newsEn.flatMap((t, i) => [t, `${t}\n\n${(english[i % english.length] ?? '').slice(0, 1500)}`])];

const docOf = (text: string, i: number, lang: 'en' | 'ja'): KizashiDocument => {
  const body = `Item ${i}. ${text}`;
  return {
    id: documentId({}, createHash('sha256').update(body).digest('hex')),
    title: `${body.slice(0, 60)} #${i}`,
    text: body,
    lang,
    published: new Date(Date.UTC(2024, 0, 1) + (i % 700) * 86_400_000).toISOString(),
    source: `outlet-${i % 40}`,
    origin: `bench-${i}`,
  };
};
const langOf = (t: string): 'ja' | 'en' => (/[\u3040-\u30ff]/.test(t) ? 'ja' : 'en');
const out: Record<string, unknown> = { node: process.version, date: new Date().toISOString() };
const lines: string[] = [];

// 1. End-to-end ingestion into SQLite, one core: news-sized items and long reports. Each into a fresh store,
// E2E_RUNS times (the first run includes the JIT's warm-up); the median is the figure.
const E2E_RUNS = Number(process.env.BENCH_E2E_RUNS ?? 3);
for (const [name, texts, n] of [
  ['news items (ja + en, ~1-3 KB)', news, 2000],
  ['long English reports (AnnoCTR, ~12 KB)', english, 300],
] as const) {
  const rates: number[] = [];
  stagePeakRssMb(); // a new stage
  for (let run = 0; run < E2E_RUNS; run++) {
    const dir = mkdtempSync(join(tmpdir(), 'kizashi-bench-'));
    const store = openSqliteStore(join(dir, 'k.db'));
    const docs = Array.from({ length: n }, (_, i) => docOf(texts[i % texts.length] ?? '', i, langOf(texts[i % texts.length] ?? '')));
    const t0 = performance.now();
    // As `kizashi ingest` does: BATCH_SIZE documents per commit, each stored atomically.
    await inBatches(store, docs, async (d) => {
      await storeDocument(d, extractor, store);
    });
    rates.push(n / ((performance.now() - t0) / 1000));
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const median = pct(rates, 50);
  const peakMb = stagePeakRssMb();
  lines.push(
    `| SQLite end-to-end ingestion (extract + store), 1 process, ${name} | ${n} docs | ${median.toFixed(0)} docs/s (median of ${rates.length}: ${rates.map((r) => r.toFixed(0)).join(', ')}); peak RSS ${peakMb.toFixed(0)} MB |`,
  );
  out[`sqlite_e2e_${n}`] = { docsPerSecond: median, runs: rates, peakRssMb: peakMb };
}

// 2. PostgreSQL end-to-end with 1, 2 and 4 worker processes (kizashi worker) over the same 1,800 news items.
if (PG_URL) {
  const dir = mkdtempSync(join(tmpdir(), 'kizashi-bench-files-'));
  const files = Array.from({ length: 1800 }, (_, i) => {
    const t = news[i % news.length] ?? '';
    const path = join(dir, `item-${i}.md`);
    writeFileSync(path, `---\ntitle: Item ${i}\npublished: 2024-01-01\n---\nItem ${i}. ${t}`);
    return path;
  });
  // Worker processes with one item in progress each (how throughput scales with processes), then one worker with
  // the default three items in progress (extraction overlapping the database writes).
  for (const [workers, concurrency] of [
    [1, 1],
    [2, 1],
    [4, 1],
    [1, 3],
  ] as const) {
    const schema = `bench_${workers}_${concurrency}_${Date.now() % 100000}`;
    const queue = await PostgresJobQueue.open(PG_URL, schema);
    await queue.enqueue(files);
    const t0 = performance.now();
    const children = Array.from({ length: workers }, () =>
      spawn(
        process.execPath,
        ['bin/kizashi.js', 'worker', '--until-empty', '--concurrency', String(concurrency), '--kb', join(SHARED, 'data')],
        {
          env: { ...process.env, KIZASHI_DATABASE_URL: PG_URL, KIZASHI_DB_SCHEMA: schema },
          stdio: 'ignore',
        },
      ),
    );
    const sampler = sampleChildrenRss(children.map((c) => c.pid));
    await Promise.all(children.map((c) => new Promise<void>((r) => c.on('exit', () => r()))));
    const workerPeakMb = sampler.stop();
    // Workers exit two seconds after the queue empties and each loads the KB first (~2 s): subtract neither,
    // report the wall time as it is.
    const s = (performance.now() - t0) / 1000;
    const store = await openPostgresStore(PG_URL, { schema });
    const stored = (await store.counts()).documents;
    await store.close();
    await queue.close();
    // Steady state: the middle 80% of finished jobs (from the 10th to the 90th percentile of finishing times), so
    // neither the workers' KB loads (which overlap the first jobs when several workers start at once) nor the tail
    // and idle exit count.
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    const done = await client.query<{ t: number }>(
      `SELECT extract(epoch FROM updated_at)::float AS t FROM ${schema}.jobs WHERE status = 'done' ORDER BY updated_at`,
    );
    await client.end();
    const times = done.rows.map((r) => r.t);
    const lo = Math.floor(times.length * 0.1);
    const hi = Math.max(lo + 1, Math.floor(times.length * 0.9));
    const steady = (hi - lo) / Math.max(0.001, (times[hi] ?? 0) - (times[lo] ?? 0));
    lines.push(
      `| PostgreSQL end-to-end ingestion, ${workers} worker process(es) × ${concurrency} item(s) in progress, news items | ${stored} docs | ${steady.toFixed(0)} docs/s steady state (${(stored / s).toFixed(0)} docs/s wall, incl. KB load and idle exit); peak RSS per worker ${workerPeakMb.toFixed(0)} MB (sampled every 250 ms) |`,
    );
    out[`postgres_e2e_${workers}w_${concurrency}c`] = {
      docs: stored,
      docsPerSecondSteady: steady,
      docsPerSecondWall: stored / s,
      workerPeakRssMb: workerPeakMb,
    };
  }
  rmSync(dir, { recursive: true, force: true });
} else lines.push('| PostgreSQL ingestion | — | skipped: set BENCH_DATABASE_URL |');

// 3. Stores of 10k and 100k documents: each base text extracted once, its variants stored with that bundle.
const bases = [...english, ...news];
const bundles: { text: string; bundle: Bundle; lang: 'en' | 'ja' }[] = bases.map((text, i) => {
  const d = docOf(text, i, langOf(text));
  return { text, lang: d.lang as 'en' | 'ja', bundle: extractionToBundle(extractDocument(extractor, d), new Date('2024-01-01')) };
});
const queriesEn = [
  'ransomware',
  'Cobalt Strike',
  'phishing email',
  'APT29',
  'command and control',
  'Volt Typhoon',
  'zero-day',
  'credential dumping',
  'Lazarus',
  'supply chain',
];
const queriesJa = [
  'ランサムウェア',
  '警察庁',
  '標的型メール',
  '脆弱性',
  '北朝鮮',
  '不正アクセス',
  'ミラーフェイス',
  '台湾',
  '中国',
  '情報流出',
];
const searchRows: Record<number, { en: number[]; ja: number[]; mb: number; storeDocsPerS: number; rss: number }> = {};
for (const size of SIZES) {
  const dir = mkdtempSync(join(tmpdir(), 'kizashi-bench-store-'));
  const path = join(dir, 'k.db');
  const store = openSqliteStore(path);
  stagePeakRssMb(); // a new stage
  const t0 = performance.now();
  await inBatches(
    store,
    Array.from({ length: size }, (_, i) => i),
    async (i) => {
      const b = bundles[i % bundles.length];
      if (!b) return;
      const d = docOf(b.text, i, b.lang);
      await store.putDocument(d, { ...b.bundle, objects: b.bundle.objects.filter((o) => o.type !== 'report') }, d.id);
    },
  );
  const storeS = (performance.now() - t0) / 1000;
  const timings = async (qs: string[]): Promise<number[]> => {
    const ms: number[] = [];
    for (let round = 0; round < 5; round++) {
      for (const q of qs) {
        const t = performance.now();
        await store.search(q, { limit: 20 });
        ms.push(performance.now() - t);
      }
    }
    return ms;
  };
  const en = await timings(queriesEn);
  const ja = await timings(queriesJa);
  await store.close();
  const bytes = ['', '-wal', '-shm'].reduce((n, ext) => {
    try {
      return n + statSync(path + ext).size;
    } catch {
      return n;
    }
  }, 0);
  const peakMb = stagePeakRssMb();
  searchRows[size] = { en, ja, mb: bytes / 1e6, storeDocsPerS: size / storeS, rss: peakMb };
  lines.push(
    `| SQLite store of ${size.toLocaleString('en')} documents (stored with their extraction; no re-extraction), then search | ${(bytes / 1e6).toFixed(0)} MB, ${((bytes / 1e6 / size) * 1000).toFixed(1)} MB per 1,000 docs | ${(size / storeS).toFixed(0)} docs/s stored; peak RSS ${peakMb.toFixed(0)} MB |`,
  );
  lines.push(
    `| search at ${size.toLocaleString('en')} docs, English (10 queries × 5) | p50 ${pct(en, 50).toFixed(1)} ms, p95 ${pct(en, 95).toFixed(1)} ms, p99 ${pct(en, 99).toFixed(1)} ms | |`,
  );
  lines.push(
    `| search at ${size.toLocaleString('en')} docs, Japanese (10 queries × 5) | p50 ${pct(ja, 50).toFixed(1)} ms, p95 ${pct(ja, 95).toFixed(1)} ms, p99 ${pct(ja, 99).toFixed(1)} ms | |`,
  );
  out[`store_${size}`] = {
    mb: bytes / 1e6,
    storeDocsPerSecond: size / storeS,
    searchEn: { p50: pct(en, 50), p95: pct(en, 95), p99: pct(en, 99) },
    searchJa: { p50: pct(ja, 50), p95: pct(ja, 95), p99: pct(ja, 99) },
    peakRssMb: peakMb,
  };
  rmSync(dir, { recursive: true, force: true });
}
const [small, large] = SIZES;
if (small && large && searchRows[small] && searchRows[large]) {
  const a = searchRows[small];
  const b = searchRows[large];
  const growth = `×${(large / small).toFixed(0)} documents → store size ×${(b.mb / a.mb).toFixed(1)}, store rate ×${(b.storeDocsPerS / a.storeDocsPerS).toFixed(2)}, search p95 en ×${(pct(b.en, 95) / pct(a.en, 95)).toFixed(1)}, ja ×${(pct(b.ja, 95) / pct(a.ja, 95)).toFixed(1)}, peak RSS ×${(b.rss / a.rss).toFixed(2)}`;
  lines.push(`| growth ${small.toLocaleString('en')} → ${large.toLocaleString('en')} | ${growth} | |`);
  out.growth = growth;
}
const peakRss = overallPeakRssMb();
lines.push(`| peak RSS of this process (all stages) | ${peakRss.toFixed(0)} MB | |`);
out.peakRssMb = peakRss;
console.log(`\nkizashi store benchmark (node ${process.version})\n\n| measurement | size | figure |\n|---|---|---|\n${lines.join('\n')}`);
mkdirSync('bench-results', { recursive: true });
writeFileSync('bench-results/store.json', `${JSON.stringify(out, null, 2)}\n`);
console.log('\nJSON: bench-results/store.json');
