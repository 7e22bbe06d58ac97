// Extraction speed of two builds side by side in one process, alternating runs, so that this machine's phases fall
// on both alike: `npx tsx scripts/bench-compare.ts OTHER_CHECKOUT [runs]` (both checkouts built with
// `npx tsc -p tsconfig.build.json`; needs ../shared). Prints the median and best of each, English and Japanese, over
// the inputs of `npm run bench` (the 120 AnnoCTR texts; the corpus's Japanese items and the sample report, 8 times).
import { join, resolve } from 'node:path';
import { benchInputs } from './bench-inputs.js';

interface Build {
  readonly extractor: unknown;
  readonly extract: (extractor: unknown, doc: object) => unknown;
}

const SHARED = resolve(process.env.KIZASHI_SHARED ?? join(import.meta.dirname, '../../shared'));
const [other, runsArg] = process.argv.slice(2);
if (!other) {
  console.error('usage: npx tsx scripts/bench-compare.ts OTHER_CHECKOUT [runs]');
  process.exit(2);
}
const runs = Number(runsArg ?? 21);
const roots = { other: resolve(other), this: resolve(import.meta.dirname, '..') };

const builds: Record<string, Build> = {};
for (const [name, root] of Object.entries(roots)) {
  const main = (await import(join(root, 'dist/main.js'))) as { openExtractor: (o: object) => Promise<unknown> };
  const ed = (await import(join(root, 'dist/extract/extract-document.js'))) as { extractDocument: Build['extract'] };
  builds[name] = { extractor: await main.openExtractor({ kbDirs: [join(SHARED, 'data')], ignoreHome: true }), extract: ed.extractDocument };
}

const { english, japanese } = benchInputs(SHARED, join(roots.this, 'corpus'));

const doc = (text: string, lang: 'en' | 'ja') => ({
  id: 'report--00000000-0000-4000-8000-000000000000',
  title: 't',
  text,
  lang,
  origin: 'bench',
});
const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
for (const [label, texts, lang, n] of [
  ['English', english, 'en', runs],
  ['Japanese', japanese, 'ja', runs * 2],
] as const) {
  const pass = (b: Build): number => {
    const t0 = performance.now();
    for (const t of texts) b.extract(b.extractor, doc(t, lang));
    return performance.now() - t0;
  };
  const times: Record<string, number[]> = { other: [], this: [] };
  for (const b of Object.values(builds)) for (let i = 0; i < 2; i++) pass(b); // warm-up
  for (let i = 0; i < n; i++)
    for (const name of i % 2 ? ['this', 'other'] : ['other', 'this']) {
      const b = builds[name];
      if (b) times[name]?.push(pass(b));
    }
  const row = (name: string): string =>
    `${name} median ${median(times[name] ?? []).toFixed(0)} ms, best ${Math.min(...(times[name] ?? [])).toFixed(0)} ms`;
  console.log(`${label} (${n} runs each): ${row('other')} | ${row('this')}`);
}
