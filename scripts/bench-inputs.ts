// The texts that `npm run bench` and scripts/bench-compare.ts extract: the 120 AnnoCTR texts in English, and the
// sample corpus's Japanese items with the sample report, eight times over.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export function benchInputs(shared: string, corpus: string): { english: string[]; japanese: string[] } {
  const annoctr = join(shared, 'data/eval/annoctr/text');
  const english = readdirSync(annoctr).map((f) => readFileSync(join(annoctr, f), 'utf8'));
  const japaneseBase = readdirSync(corpus)
    .filter((f) => f.endsWith('-ja.md'))
    .map((f) => readFileSync(join(corpus, f), 'utf8'));
  japaneseBase.push(readFileSync(join(shared, 'seeds/000_4b43a1ed214ff49b.txt'), 'utf8'));
  return { english, japanese: Array.from({ length: 8 }, () => japaneseBase).flat() };
}
