// Test kit for `npm run test:security`: each defence test records what it tried and what it measured; the report
// script (scripts/security-report.ts) turns the records into the table of docs/SECURITY.md.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const FIGURES_DIR = join(import.meta.dirname, '../../test-output/security');

export interface Figure {
  /** Section of the threat model (SSRF, Limits, Parsers, Fuzzing, Regex, Web, Reliability, Load). */
  readonly area: string;
  readonly defence: string;
  /** Test file and name. */
  readonly test: string;
  /** What was measured, in words and numbers. */
  readonly figure: string;
}

/** Record one row (a file per row id; later runs overwrite). */
export function recordFigure(id: string, figure: Figure): void {
  mkdirSync(FIGURES_DIR, { recursive: true });
  writeFileSync(join(FIGURES_DIR, `${id}.json`), `${JSON.stringify(figure, null, 2)}\n`);
}

const AREA_ORDER = ['SSRF', 'Limits', 'Parsers', 'Fuzzing', 'Regex', 'Web', 'Reliability', 'Load'];
/** Appended to a row kept from an earlier run. */
export const NOT_RERUN = ' (an earlier run: this run skipped the test)';
const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/**
 * The rows of the figures table: this run's figures, plus the rows of `previousTable` (the table's Markdown) that no
 * figure of this run replaces — a suite skipped for want of Chromium or the shared data keeps its earlier row, marked
 * so, instead of vanishing. Rows are ordered by area, then defence.
 */
export function figureRows(figures: readonly Figure[], previousTable: string): { rows: string[]; kept: string[] } {
  const fresh = new Set(figures.map((f) => `${f.area}|${cell(f.defence)}`));
  const earlier = previousTable
    .split('\n')
    .filter((line) => line.startsWith('| ') && !line.startsWith('| area ') && !line.startsWith('|---'))
    .map((line) => line.split(/(?<!\\)\|/).map((c) => c.trim())) // cells split on unescaped pipes
    .filter(([, area, defence]) => !fresh.has(`${area}|${defence}`))
    .map(([, area = '', defence = '', test = '', figure = '']) => ({
      area,
      defence,
      test,
      figure: figure.endsWith(NOT_RERUN) ? figure : `${figure}${NOT_RERUN}`,
    }));
  const rows = [
    ...figures.map((f) => ({ area: f.area, defence: cell(f.defence), test: `\`${f.test}\``, figure: cell(f.figure) })),
    ...earlier,
  ]
    .sort((x, y) => AREA_ORDER.indexOf(x.area) - AREA_ORDER.indexOf(y.area) || x.defence.localeCompare(y.defence))
    .map((r) => `| ${r.area} | ${r.defence} | ${r.test} | ${r.figure} |`);
  return { rows, kept: earlier.map((r) => `${r.test} (${r.area})`) };
}
