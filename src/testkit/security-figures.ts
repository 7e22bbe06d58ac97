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
