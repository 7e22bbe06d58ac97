import { describe, expect, it } from 'vitest';
import { figureRows, NOT_RERUN, type Figure } from './security-figures.js';

const figure = (area: string, defence: string, value: string): Figure => ({ area, defence, test: `${area}.test.ts`, figure: value });

describe('figureRows', () => {
  const previous = [
    '| area | defence | test | figure |',
    '|---|---|---|---|',
    '| SSRF | refuses loopback | `ssrf.test.ts` | 30 blocked |',
    '| Web | CSP a \\| b | `web.test.ts` | 0 scripts run |',
  ].join('\n');

  it('replaces a row this run measured and keeps, marked, one it did not (a pipe inside a cell stays one cell)', () => {
    const { rows, kept } = figureRows([figure('SSRF', 'refuses loopback', '37 blocked')], previous);
    expect(rows).toEqual([
      '| SSRF | refuses loopback | `SSRF.test.ts` | 37 blocked |',
      `| Web | CSP a \\| b | \`web.test.ts\` | 0 scripts run${NOT_RERUN} |`,
    ]);
    expect(kept).toEqual(['`web.test.ts` (Web)']);
    // Kept again by a later run that skips it too: marked once.
    const again = figureRows([figure('SSRF', 'refuses loopback', '37 blocked')], rows.join('\n'));
    expect(again.rows[1]).toBe(rows[1]);
  });

  it('drops the mark when the test runs again, and orders rows by area', () => {
    const marked = `| Web | CSP a \\| b | \`web.test.ts\` | 0 scripts run${NOT_RERUN} |`;
    const { rows, kept } = figureRows(
      [figure('Web', 'CSP a | b', '0 scripts run'), figure('SSRF', 'refuses loopback', '37 blocked')],
      marked,
    );
    expect(kept).toEqual([]);
    expect(rows.map((r) => r.split(' | ')[0])).toEqual(['| SSRF', '| Web']);
    expect(rows[1]).not.toContain(NOT_RERUN);
  });
});
