import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../store/sqlite/sqlite-graph-store.js';
import { inBatches } from './ingest-files.js';

describe('inBatches', () => {
  const counted = async () => {
    const store = openSqliteStore(join(await mkdtemp(join(tmpdir(), 'kizashi-batches-')), 'k.db'));
    const sizes: number[] = [];
    const batch = store.batch.bind(store);
    store.batch = async (work) => {
      sizes.push(0);
      return batch(work);
    };
    const each = async (pause: number): Promise<void> => {
      sizes[sizes.length - 1] = (sizes.at(-1) ?? 0) + 1;
      if (pause > 0) await sleep(pause);
    };
    return { store, sizes, each };
  };

  it('commits up to 128 quick items at a time, every item once and in order', async () => {
    const { store, sizes, each } = await counted();
    const seen: number[] = [];
    await inBatches(store, [...Array(300).keys()], async (i) => {
      seen.push(i);
      await each(0);
    });
    expect(sizes).toEqual([128, 128, 44]);
    expect(seen).toEqual([...Array(300).keys()]);
    await store.close();
  });

  it('commits slow items after about a quarter of a second, so other writers do not wait long', async () => {
    const { store, sizes, each } = await counted();
    await inBatches(store, [...Array(12).keys()], () => each(60));
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(12);
    expect(sizes.length).toBeGreaterThanOrEqual(3); // 60 ms each: about 5 per commit
    expect(Math.max(...sizes)).toBeLessThanOrEqual(5);
    await store.close();
  });
});
