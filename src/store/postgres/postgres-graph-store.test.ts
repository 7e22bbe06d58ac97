import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { actorDocument, TEST_ACTOR_ID } from '../../testkit/actor-document.js';
import { runGraphStoreContract } from '../graph-store.contract.js';
import { openPostgresStore } from './postgres-graph-store.js';

// A real PostgreSQL server: .ci/run starts one and sets KIZASHI_TEST_DATABASE_URL. Without it these tests skip.
const URL_ = process.env.KIZASHI_TEST_DATABASE_URL;
if (!URL_) console.log('PostgreSQL tests skipped: set KIZASHI_TEST_DATABASE_URL (as .ci/run does) to run them');

describe.skipIf(!URL_)('PostgreSQL backend', () => {
  runGraphStoreContract('PostgreSQL (real server)', () => openPostgresStore(URL_ ?? '', { schema: `t_${randomBytes(6).toString('hex')}` }));

  it('keeps the highest confidence when several connections write the same object at once', async () => {
    const schema = `t_${randomBytes(6).toString('hex')}`;
    const stores = await Promise.all([0, 1, 2, 3].map(() => openPostgresStore(URL_ ?? '', { schema, poolSize: 2 })));
    const put = (n: number, confidence: number) => {
      const store = stores[n % stores.length];
      if (!store) throw new Error('no store');
      const { doc, bundle } = actorDocument(n, { confidence });
      return store.putDocument(doc, bundle, `h${n}`);
    };
    await put(0, 10);
    // Rising confidences from four connections at once: each write must merge into the latest version, not into
    // the one its connection read before another committed.
    await Promise.all(Array.from({ length: 40 }, (_, i) => put(i + 1, 11 + i)));
    const stored = await stores[0]?.getObject(TEST_ACTOR_ID);
    expect(stored?.stix.confidence).toBe(50);
    await Promise.all(stores.map((s) => s.close()));
  });

  it('names the server (without the password) when it cannot connect', async () => {
    await expect(openPostgresStore('postgres://kizashi:secret@127.0.0.1:1/none', { schema: 'x' })).rejects.toThrow(
      /127\.0\.0\.1:1.*cannot open/,
    );
    await expect(openPostgresStore('postgres://kizashi:secret@127.0.0.1:1/none', { schema: 'x' })).rejects.not.toThrow(/secret/);
  });
});
