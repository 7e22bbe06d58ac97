// Writes the figures recorded by `npm run test:security` (test-output/security/*.json) into the table of
// docs/SECURITY.md, between the figures markers, with the date and the machine.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { FIGURES_DIR, type Figure } from '../src/testkit/security-figures.js';

const DOC = join(import.meta.dirname, '../docs/SECURITY.md');
const ORDER = ['SSRF', 'Limits', 'Parsers', 'Fuzzing', 'Regex', 'Web', 'Reliability', 'Load'];

if (!existsSync(FIGURES_DIR)) {
  console.error(`no figures in ${FIGURES_DIR}: run the security tests first`);
  process.exit(1);
}
const figures = readdirSync(FIGURES_DIR)
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(join(FIGURES_DIR, f), 'utf8')) as Figure)
  .sort((a, b) => ORDER.indexOf(a.area) - ORDER.indexOf(b.area) || a.defence.localeCompare(b.defence));
const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const table = [
  `Measured ${new Date().toISOString().slice(0, 10)} on ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, Node ${process.version}, by \`npm run test:security\`.`,
  '',
  '| area | defence | test | figure |',
  '|---|---|---|---|',
  ...figures.map((f) => `| ${f.area} | ${cell(f.defence)} | \`${f.test}\` | ${cell(f.figure)} |`),
].join('\n');
const doc = readFileSync(DOC, 'utf8');
const start = '<!-- figures:start -->';
const end = '<!-- figures:end -->';
const a = doc.indexOf(start);
const b = doc.indexOf(end);
if (a < 0 || b < a) throw new Error(`${DOC}: figures markers missing`);
writeFileSync(DOC, `${doc.slice(0, a + start.length)}\n${table}\n${doc.slice(b)}`);
console.log(`docs/SECURITY.md: ${figures.length} figures written`);
