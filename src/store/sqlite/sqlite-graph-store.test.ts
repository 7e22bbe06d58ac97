import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runGraphStoreContract } from '../graph-store.contract.js';
import type { StixObject } from '../../core/stix.js';
import { actorDocument, TEST_ACTOR_ID } from '../../testkit/actor-document.js';
import { openSqliteStore, type SqliteGraphStore } from './sqlite-graph-store.js';

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

describe('mention sentences', () => {
  it('are read from the mention row where a store written before sentences were kept once has them', async () => {
    const store = openSqliteStore(join(await mkdtemp(join(tmpdir(), 'kizashi-db-')), 'k.db'));
    const { doc, bundle } = actorDocument(1);
    await store.putDocument(doc, bundle, 'h');
    expect((await store.mentions({}))[0]?.sentence).toBe('X did it.');
    // As an older version wrote it: the sentence in the mention row, none in the sentences table.
    const db = (store as unknown as { db: { exec(sql: string): void } }).db;
    db.exec("UPDATE mentions SET sentence = 'X did it (as stored before).'; DELETE FROM sentences;");
    expect((await store.mentions({}))[0]?.sentence).toBe('X did it (as stored before).');
    await store.close();
  });
});

describe('the object cache of a SQLite connection', () => {
  const ACTOR = TEST_ACTOR_ID;
  const put = (store: SqliteGraphStore, n: number, aliases: string[], fail = false) => {
    const { doc, bundle } = actorDocument(n, { aliases }, `2025-01-0${n}T00:00:00.000Z`);
    // An object that cannot be read, after X was written: the document fails and rolls back.
    const unreadable = Object.defineProperty({ type: 'tool', id: 'tool--22222222-2222-4222-8222-222222222222' }, 'name', {
      enumerable: true,
      get: () => {
        throw new Error('unreadable');
      },
    });
    return store.putDocument(
      doc,
      { ...bundle, objects: [...bundle.objects, ...(fail ? [unreadable as unknown as StixObject] : [])] },
      `hash-${n}`,
    );
  };
  const aliasesOf = async (store: SqliteGraphStore): Promise<string[]> => [...((await store.getObject(ACTOR))?.aliases ?? [])].sort();

  it('sees what another connection committed since (PRAGMA data_version), so no alias is lost', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'kizashi-db-')), 'k.db');
    const a = openSqliteStore(path);
    const b = openSqliteStore(path);
    await put(a, 1, ['Alpha']);
    await put(b, 2, ['Bravo']);
    await put(a, 3, ['Charlie']); // a cached X with Alpha only; b has added Bravo since
    expect(await aliasesOf(a)).toEqual(['Alpha', 'Bravo', 'Charlie']);
    expect(await a.getObject(ACTOR)).toMatchObject({ firstSeen: '2025-01-01T00:00:00.000Z', lastSeen: '2025-01-03T00:00:00.000Z' });
    await a.close();
    await b.close();
  });

  it('keeps nothing of a document that failed', async () => {
    const store = openSqliteStore(join(await mkdtemp(join(tmpdir(), 'kizashi-db-')), 'k.db'));
    await store.batch(async () => {
      await put(store, 1, ['Alpha']);
      await expect(put(store, 2, ['Alpha', 'Bravo'], true)).rejects.toThrow('unreadable');
      await put(store, 3, ['Alpha', 'Bravo']); // Bravo is new again: it must be written
    });
    expect(await aliasesOf(store)).toEqual(['Alpha', 'Bravo']);
    await store.close();
  });

  it('forgets what a batch learnt when the batch transaction ends without a commit', async () => {
    const store = openSqliteStore(join(await mkdtemp(join(tmpdir(), 'kizashi-db-')), 'k.db'));
    await put(store, 1, ['Alpha']);
    // The transaction ends inside the batch (as a statement error that aborts it would end it): nothing commits.
    const db = (store as unknown as { db: { exec(sql: string): void } }).db;
    await store.batch(async () => {
      await put(store, 2, ['Alpha', 'Bravo']);
      db.exec('ROLLBACK');
    });
    expect(await aliasesOf(store)).toEqual(['Alpha']);
    await put(store, 3, ['Alpha', 'Bravo']); // Bravo was rolled back: it must be written now
    expect(await aliasesOf(store)).toEqual(['Alpha', 'Bravo']);
    await store.close();
  });

  it('writes the seen ranges a batch widened when it commits, without a failed document, even if the cache started over', async () => {
    const store = openSqliteStore(join(await mkdtemp(join(tmpdir(), 'kizashi-db-')), 'k.db'));
    const seen = async (): Promise<unknown> => {
      const x = await store.getObject(ACTOR);
      return [x?.firstSeen?.slice(0, 10), x?.lastSeen?.slice(0, 10)];
    };
    await store.batch(async () => {
      await put(store, 3, ['Alpha']);
      await put(store, 5, ['Alpha']); // widens to 03-05, pending until the commit
      (store as unknown as { known: Map<string, unknown> }).known.clear(); // the cache starts over (it is bounded)
      await put(store, 4, ['Alpha']); // read back as 03-03 from the table: must not narrow the pending 03-05
      await expect(put(store, 6, ['Alpha'], true)).rejects.toThrow('unreadable'); // rolled back: no 03-06
      await put(store, 2, ['Alpha']);
    });
    expect(await seen()).toEqual(['2025-01-02', '2025-01-05']);
    // A batch whose work fails still commits what it stored before, seen ranges included.
    await expect(
      store.batch(async () => {
        await put(store, 7, ['Alpha']);
        throw new Error('feed went away');
      }),
    ).rejects.toThrow('feed went away');
    expect(await seen()).toEqual(['2025-01-02', '2025-01-07']);
    await store.close();
  });
});
