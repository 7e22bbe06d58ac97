import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { runGraphStoreContract } from '../graph-store.contract.js';
import { openPostgresStore } from './postgres-graph-store.js';

// A real PostgreSQL server: .ci/run starts one and sets KIZASHI_TEST_DATABASE_URL. Without it these tests skip.
const URL_ = process.env.KIZASHI_TEST_DATABASE_URL;
if (!URL_) console.log('PostgreSQL tests skipped: set KIZASHI_TEST_DATABASE_URL (as .ci/run does) to run them');

describe.skipIf(!URL_)('PostgreSQL backend', () => {
  runGraphStoreContract('PostgreSQL (real server)', () => openPostgresStore(URL_ ?? '', { schema: `t_${randomBytes(6).toString('hex')}` }));

  it('names the server (without the password) when it cannot connect', async () => {
    await expect(openPostgresStore('postgres://kizashi:secret@127.0.0.1:1/none', { schema: 'x' })).rejects.toThrow(
      /127\.0\.0\.1:1.*cannot open/,
    );
    await expect(openPostgresStore('postgres://kizashi:secret@127.0.0.1:1/none', { schema: 'x' })).rejects.not.toThrow(/secret/);
  });
});
