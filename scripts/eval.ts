// `npm run eval`: evaluation on the public datasets in ../shared/data/eval (tune on train/dev, report test).
// Usage: npm run eval [-- --split test|dev|train] [--errors]
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { openExtractor } from '../src/main.js';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { TechniqueMapper } from '../src/extract/techniques.js';
import { LABELS, evaluateEntities, loadAnnoCtr, prf, type Split } from './eval/annoctr-entities.js';
import { runIocExtract, runIocFinder } from './eval/ioc-peers.js';
import { evaluatePolicy, loadPolicyCases, type Counts } from './eval/policy.js';
import { annoctrTechniqueGold, evaluateAnnoCtrTechniques, evaluateTram, tramSplit } from './eval/techniques.js';

const SHARED = resolve(process.env.KIZASHI_SHARED ?? '../shared');
const args = process.argv.slice(2);
const split = (args[args.indexOf('--split') + 1] ?? 'test') as Split;
const showErrors = args.includes('--errors');
const pct = (n: number): string => n.toFixed(3);

// Policy instruments, stances and roles: kizashi's own test texts (no shared data needed); rules tuned on dev.
const POLICY_SPLITS = { dev: 'dev (tuned on)', test: 'test (held out)', test2: 'test, second batch (held out, written 2026-12-03)' };
{
  const policyExtractor = await openExtractor({ ignoreHome: true });
  for (const policySplit of ['dev', 'test', 'test2'] as const) {
    const policy = evaluatePolicy(policyExtractor, loadPolicyCases(policySplit));
    console.log(`\nPolicy — ${POLICY_SPLITS[policySplit]}: ${policy.cases} own texts (ja + en), starter KB`);
    const line = (label: string, c: Counts): void => {
      const m = prf(c);
      console.log(`${label.padEnd(26)} P ${pct(m.p)}  R ${pct(m.r)}  F1 ${pct(m.f1)}  (tp ${c.tp}, fp ${c.fp}, fn ${c.fn})`);
    };
    line('instruments', policy.instruments);
    line('instruments with kind', policy.instrumentKinds);
    line('stances', policy.stances);
    line('negated stances', policy.negatedStances);
    line('actor roles', policy.roles);
    line('mercenary → sponsor', policy.sponsors);
    line('all, Japanese texts', policy.byLang.ja);
    line('all, English texts', policy.byLang.en);
    if (showErrors)
      for (const e of policy.errors) console.log(`  ${e.id}\n    missed: ${e.missed.join('; ')}\n    spurious: ${e.spurious.join('; ')}`);
  }
}

if (!existsSync(`${SHARED}/data/eval/annoctr`)) {
  console.log(`skipped: ${SHARED}/data/eval not found (set KIZASHI_SHARED)`);
  process.exit(0);
}
const extractor = await openExtractor({ kbDirs: [`${SHARED}/data`], ignoreHome: true });
const splits: Split[] = args.includes('--split') ? [split] : ['test'];
const docs = loadAnnoCtr(`${SHARED}/data/eval/annoctr`, splits);
const result = evaluateEntities(extractor, docs);
console.log(`\nAnnoCTR entities — split ${splits.join('+')}, ${docs.length} documents (KB: starter + ATT&CK + MISP galaxies)`);
console.log('label     strict P  strict R  strict F1 | overlap P  overlap R  overlap F1');
for (const label of LABELS) {
  const s = prf(result.mentionStrict[label]);
  const l = prf(result.mentionLenient[label]);
  console.log(`${label.padEnd(8)}  ${pct(s.p)}     ${pct(s.r)}     ${pct(s.f1)}     | ${pct(l.p)}      ${pct(l.r)}      ${pct(l.f1)}`);
}
const d = prf(result.document);
console.log(
  `document-level actors+malware+tools: P ${pct(d.p)}  R ${pct(d.r)}  F1 ${pct(d.f1)}  (tp ${result.document.tp}, fp ${result.document.fp}, fn ${result.document.fn})`,
);
if (showErrors) {
  for (const e of result.docErrors) {
    if (e.missed.length + e.spurious.length === 0) continue;
    console.log(`  ${e.doc}\n    missed: ${e.missed.join(', ')}\n    spurious: ${e.spurious.join(', ')}`);
  }
}

// Techniques: AnnoCTR document-level technique ids, and TRAM sentence classification.
const techniqueSplit = splits[0] ?? 'test';
const techniqueResult = evaluateAnnoCtrTechniques(
  new TechniqueMapper(extractor.kb),
  annoctrTechniqueGold(`${SHARED}/data/eval/annoctr`, techniqueSplit),
);
const parent = prf(techniqueResult.parent);
const exact = prf(techniqueResult.exact);
console.log(`\nAnnoCTR techniques — split ${techniqueSplit}, document level`);
console.log(`parent technique: P ${pct(parent.p)}  R ${pct(parent.r)}  F1 ${pct(parent.f1)}`);
console.log(`exact (sub-)technique: P ${pct(exact.p)}  R ${pct(exact.r)}  F1 ${pct(exact.f1)}`);
if (showErrors) {
  const top = (m: Map<string, number>): string =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 12)
      .map(([k, v]) => `${k}×${v}`)
      .join(', ');
  console.log(`  largest misses: ${top(techniqueResult.misses)}\n  largest spurious: ${top(techniqueResult.spurious)}`);
}
const tram = tramSplit(`${SHARED}/data/eval/tram/single_label.json`);
const tramRows = techniqueSplit === 'train' ? tram.train : tram[techniqueSplit];
const tramResult = evaluateTram(extractor.kb, tram.train, tramRows);
console.log(
  `\nTRAM — ${techniqueSplit} split by report (${tram.train.length} train / ${tram.dev.length} dev / ${tram.test.length} test sentences), 50 techniques`,
);
console.log(`top-1 accuracy ${pct(tramResult.accuracy)}  macro-F1 ${pct(tramResult.macroF1)}`);
if (showErrors) {
  const top = [...tramResult.confusions.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 10)
    .map(([k, v]) => `${k}×${v}`);
  console.log(`  largest confusions: ${top.join(', ')}`);
}

// Indicators: the peer suites.
const exclusions = JSON.parse(readFileSync(join(import.meta.dirname, '../src/extract/ioc-peer-exclusions.json'), 'utf8')) as Record<
  string,
  Record<string, string>
>;
for (const [name, results] of [
  ['ioc-finder', runIocFinder(`${SHARED}/data/eval/ioc-finder`, exclusions['ioc-finder'] ?? {})],
  ['iocextract', runIocExtract(`${SHARED}/data/eval/iocextract`, exclusions.iocextract ?? {})],
] as const) {
  const applicable = results.filter((r) => !r.excluded);
  console.log(
    `${name}: ${applicable.filter((r) => r.passed).length}/${applicable.length} applicable cases pass, ${results.length - applicable.length} not applicable (listed in src/extract/ioc-peer-exclusions.json)`,
  );
}
