// `npm run eval`: evaluation on the public datasets in ../shared/data/eval (tune on train/dev, report test).
// Usage: npm run eval [-- --split test|dev|train] [--errors]
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { openExtractor } from '../src/main.js';
import { LABELS, evaluateEntities, loadAnnoCtr, prf, type Split } from './eval/annoctr-entities.js';

const SHARED = resolve(process.env.KIZASHI_SHARED ?? '../shared');
const args = process.argv.slice(2);
const split = (args[args.indexOf('--split') + 1] ?? 'test') as Split;
const showErrors = args.includes('--errors');
const pct = (n: number): string => n.toFixed(3);

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
