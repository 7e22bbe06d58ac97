import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runIocExtract, runIocFinder, type PeerResult } from '../../scripts/eval/ioc-peers.js';
import { SHARED_DIR } from '../testkit/stix-schemas.js';

const EVAL = join(SHARED_DIR, 'data/eval');
const exclusions = JSON.parse(readFileSync(join(import.meta.dirname, 'ioc-peer-exclusions.json'), 'utf8')) as Record<
  string,
  Record<string, string>
>;

function report(name: string, results: readonly PeerResult[]): number {
  const applicable = results.filter((r) => !r.excluded);
  const passed = applicable.filter((r) => r.passed).length;
  console.log(
    `${name}: ${passed}/${applicable.length} applicable cases pass (${((100 * passed) / applicable.length).toFixed(1)}%), ${results.length - applicable.length} not applicable`,
  );
  for (const r of results.filter((x) => x.excluded)) console.log(`  not applicable: ${r.id} — ${r.excluded ?? ''}`);
  for (const r of applicable.filter((x) => !x.passed)) console.log(`  FAIL ${r.id}: ${r.diff.join('; ')}`);
  return passed / applicable.length;
}

describe.skipIf(!existsSync(join(EVAL, 'ioc-finder')))('peer IOC suites (../shared/data/eval)', () => {
  it('passes at least 95% of the applicable ioc-finder cases', () => {
    const results = runIocFinder(join(EVAL, 'ioc-finder'), exclusions['ioc-finder'] ?? {});
    expect(results).toHaveLength(100);
    expect(report('ioc-finder', results)).toBeGreaterThanOrEqual(0.95);
  });

  it('finds every valid iocextract indicator and none of the invalid ones', () => {
    const results = runIocExtract(join(EVAL, 'iocextract'), exclusions.iocextract ?? {});
    expect(report('iocextract', results)).toBeGreaterThanOrEqual(0.95);
  });

  it('excludes only cases that exist, each with a reason', () => {
    const ids = new Set([...runIocFinder(join(EVAL, 'ioc-finder'), {}), ...runIocExtract(join(EVAL, 'iocextract'), {})].map((r) => r.id));
    for (const [id, reason] of [...Object.entries(exclusions['ioc-finder'] ?? {}), ...Object.entries(exclusions.iocextract ?? {})]) {
      expect(ids.has(id), id).toBe(true);
      expect(reason.length).toBeGreaterThan(20);
    }
  });
});
