// Writes the figures recorded by `npm run test:security` (test-output/security/*.json) into the table of
// docs/SECURITY.md, between the figures markers, with the date and the machine. `--clear` (run before the tests)
// removes the figures of earlier runs, so the table shows this run's; a row whose test recorded nothing this run
// keeps its earlier figure, marked so (figureRows).
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { FIGURES_DIR, figureRows, type Figure } from '../src/testkit/security-figures.js';

const DOC = join(import.meta.dirname, '../docs/SECURITY.md');

if (process.argv.includes('--clear')) {
  rmSync(FIGURES_DIR, { recursive: true, force: true });
  process.exit(0);
}
if (!existsSync(FIGURES_DIR)) {
  console.error(`no figures in ${FIGURES_DIR}: run the security tests first`);
  process.exit(1);
}
const figures = readdirSync(FIGURES_DIR)
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(join(FIGURES_DIR, f), 'utf8')) as Figure);
const doc = readFileSync(DOC, 'utf8');
const start = '<!-- figures:start -->';
const end = '<!-- figures:end -->';
const a = doc.indexOf(start);
const b = doc.indexOf(end);
if (a < 0 || b < a) throw new Error(`${DOC}: figures markers missing`);
const { rows, kept } = figureRows(figures, doc.slice(a + start.length, b));
for (const k of kept) console.warn(`docs/SECURITY.md: kept the earlier figure of ${k}: not measured in this run`);
const table = [
  `Measured ${new Date().toISOString().slice(0, 10)} on ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, Node ${process.version}, by \`npm run test:security\`.`,
  '',
  '| area | defence | test | figure |',
  '|---|---|---|---|',
  ...rows,
].join('\n');
writeFileSync(DOC, `${doc.slice(0, a + start.length)}\n${table}\n${doc.slice(b)}`);
console.log(`docs/SECURITY.md: ${figures.length} figures written${kept.length > 0 ? `, ${kept.length} kept from an earlier run` : ''}`);
