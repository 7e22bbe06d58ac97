// A document naming one actor, with the bundle an extraction would give for it: for store tests that need exact
// control of an object's fields (aliases, confidence, dates).
import type { KizashiDocument } from '../core/document.js';
import type { Bundle } from '../core/stix.js';

export const TEST_ACTOR_ID = 'intrusion-set--11111111-1111-4111-8111-111111111111';

/** Document `n` (ids derived from it) naming actor X once, published (and its objects stamped) at `published`. */
export function actorDocument(
  n: number,
  actor: Record<string, unknown> = {},
  published = '2025-01-01T00:00:00.000Z',
): { doc: KizashiDocument; bundle: Bundle } {
  const suffix = `${String(n).padStart(8, '0')}-0000-4000-8000-000000000000`;
  return {
    doc: { id: `report--${suffix}`, title: `Item ${n}`, text: `X did it (${n}).`, lang: 'en', origin: `item-${n}`, published },
    bundle: {
      type: 'bundle',
      id: `bundle--${suffix}`,
      objects: [
        {
          type: 'intrusion-set',
          spec_version: '2.1',
          id: TEST_ACTOR_ID,
          created: published,
          modified: published,
          name: 'X',
          x_kizashi_evidence: [{ document: 'd', start: 0, end: 1, text: 'X', sentence: 'X did it.', sentence_start: 0 }],
          ...actor,
        },
      ],
    } as unknown as Bundle,
  };
}
