import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runGraphStoreContract } from '../graph-store.contract.js';
import { openSqliteStore } from './sqlite-graph-store.js';

runGraphStoreContract('SQLite (real file)', async () => openSqliteStore(join(await mkdtemp(join(tmpdir(), 'kizashi-db-')), 'kizashi.db')));

describe('SQLite store files', () => {
  it('refuses a file that is not a database, naming it', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'kizashi-db-')), 'not-a-db.db');
    await writeFile(path, 'this is not sqlite'.repeat(100));
    expect(() => openSqliteStore(path)).toThrow(/not-a-db\.db/);
  });

  it('keeps data across reopening', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'kizashi-db-')), 'k.db');
    const a = openSqliteStore(path);
    expect((await a.counts()).documents).toBe(0);
    await a.close();
    const b = openSqliteStore(path);
    expect(await b.counts()).toEqual({ documents: 0, objects: 0, mentions: 0, relationships: 0 });
    await b.close();
  });
});
