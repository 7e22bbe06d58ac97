// `npm run bench` (first part): performance measurements (not part of `npm test`): the knowledge-base load and
// extraction throughput against the ioc-extractor peer and a single-pass regex floor. Ingestion, store size and
// search latency at 10k/100k documents are in scripts/bench-store.ts.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { extractIOC } from 'ioc-extractor';
import { extractDocument } from '../src/extract/extract-document.js';
import { extractIndicators } from '../src/extract/indicators.js';
import { openExtractor } from '../src/main.js';
import { benchInputs } from './bench-inputs.js';
import { overallPeakRssMb, stagePeakRssMb } from './bench-rss.js';

const SHARED = resolve(process.env.KIZASHI_SHARED ?? '../shared');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const mb = (texts: readonly string[]): number => texts.reduce((n, t) => n + Buffer.byteLength(t), 0) / 1e6;

function timeRuns(f: () => void): number {
  f(); // warm-up
  const runs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    f();
    runs.push(performance.now() - t0);
  }
  return median(runs);
}

// KB load: the median of cold loads, each in a fresh process (a first load is what a user waits for).
const kbLoads = Array.from({ length: Number(process.env.BENCH_KB_LOADS ?? 3) }, () => {
  const out = execFileSync(process.execPath, ['--import', 'tsx', 'scripts/bench-kb-load.ts'], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as { ms: number; rssMb: number; peakRssMb: number };
});
const kbLoadMs = median(kbLoads.map((l) => l.ms));
const kbRssMb = median(kbLoads.map((l) => l.rssMb));
const kbPeakRssMb = median(kbLoads.map((l) => l.peakRssMb));
const extractor = await openExtractor({ kbDirs: [join(SHARED, 'data')], ignoreHome: true });

const { english, japanese } = benchInputs(SHARED, 'corpus');

const rows: { name: string; mb: number; docs: number; ms: number; peakRssMb: number }[] = [];
const run = (name: string, texts: readonly string[], f: (t: string) => unknown): void => {
  stagePeakRssMb(); // a new stage
  const ms = timeRuns(() => {
    for (const t of texts) f(t);
  });
  rows.push({ name, mb: mb(texts), docs: texts.length, ms, peakRssMb: stagePeakRssMb() });
};
const doc = (text: string, lang: 'en' | 'ja') =>
  ({ id: 'report--00000000-0000-4000-8000-000000000000', title: 't', text, lang, origin: 'bench' }) as const;
run('kizashi full extraction, English (entities + indicators + techniques)', english, (t) => extractDocument(extractor, doc(t, 'en')));
run('kizashi full extraction, Japanese', japanese, (t) => extractDocument(extractor, doc(t, 'ja')));
run('kizashi indicators only, English', english, (t) => extractIndicators(t));
run('ioc-extractor 8.2 (indicators only), English', english, (t) => extractIOC(t));
const FLOOR = /\b(?:\d{1,3}\.){3}\d{1,3}\b|\b[a-z0-9-]{1,63}\.[a-z]{2,24}\b|\b[a-f0-9]{32,64}\b/gi;
run('single-pass regex scan (the floor), English', english, (t) => t.match(FLOOR)?.length ?? 0);

const peak = overallPeakRssMb();
const table = [
  `| measurement | input | median time | throughput | peak RSS |`,
  `|---|---|---|---|---|`,
  `| KB load (starter + ATT&CK + MISP galaxies, compiled), median of ${kbLoads.length} cold loads (${kbLoads.map((l) => l.ms.toFixed(0)).join(', ')} ms) | — | ${kbLoadMs.toFixed(0)} ms | — | ${kbPeakRssMb.toFixed(0)} MB (RSS after the load ${kbRssMb.toFixed(0)} MB) |`,
  ...rows.map(
    (r) =>
      `| ${r.name} | ${r.docs} docs, ${r.mb.toFixed(2)} MB | ${r.ms.toFixed(0)} ms | ${(r.mb / (r.ms / 1000)).toFixed(2)} MB/s, ${(r.docs / (r.ms / 1000)).toFixed(0)} docs/s | ${r.peakRssMb.toFixed(0)} MB |`,
  ),
];
const en = rows[0];
const peer = rows[3];
const floor = rows[4];
if (en && peer && floor) {
  const rate = (r: typeof en): number => r.mb / (r.ms / 1000);
  table.push(
    '',
    `kizashi/ioc-extractor throughput ratio (English): ${(rate(en) / rate(peer)).toFixed(2)}; kizashi/floor: ${(rate(en) / rate(floor)).toFixed(3)}; peak RSS ${peak.toFixed(0)} MB`,
  );
}
console.log(`\nkizashi benchmark — ${RUNS} runs per row, medians, one core (node ${process.version})\n`);
console.log(table.join('\n'));
mkdirSync('bench-results', { recursive: true });
writeFileSync(
  'bench-results/latest.json',
  JSON.stringify(
    { date: new Date().toISOString(), node: process.version, kbLoadMs, kbRssMb, kbPeakRssMb, kbLoads, peakRssMb: peak, rows },
    null,
    2,
  ),
);
console.log('\nJSON: bench-results/latest.json');
