// Faults, measured: idempotent re-ingestion; SIGKILL of `kizashi ingest` at random points (SQLite) with no partial
// document; PostgreSQL connections terminated (and, when .ci/run says how, the server restarted) under a working
// worker that survives and loses no job; invalid UTF-8, NUL bytes and mislabelled encodings stored sanitised.
import { execSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Extractor } from '../extract/extract-document.js';
import { ingestFiles, storeDocument } from '../ingest/ingest-files.js';
import { parseDocumentBytes } from '../ingest/read-document.js';
import { runWorker } from '../ingest/worker.js';
import { openExtractor } from '../main.js';
import { recordFigure } from '../testkit/security-figures.js';
import type { GraphStore } from './graph-store.js';
import { openPostgresStore } from './postgres/postgres-graph-store.js';
import { PostgresJobQueue } from './postgres/postgres-job-queue.js';
import { openSqliteStore } from './sqlite/sqlite-graph-store.js';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/kizashi.js');
const CORPUS = join(ROOT, 'corpus');
const PG_URL = process.env.KIZASHI_TEST_DATABASE_URL;

let extractor: Extractor;
beforeAll(async () => {
  extractor = await openExtractor({ ignoreHome: true });
});

async function mentionsPerDocument(store: GraphStore): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const d of await store.listDocuments({ limit: 10_000 })) out.set(d.id, (await store.mentions({ documentId: d.id })).length);
  return out;
}

describe('SQLite under crashes', () => {
  it.skipIf(!existsSync(join(ROOT, 'dist/cli/main.js')))(
    'is idempotent, and a SIGKILLed ingest leaves only complete documents; the next run finishes',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'kizashi-crash-'));
      // Eight copies of the corpus items (distinct URLs, a line of their own): 248 documents, so an ingest writes them in
      // several commits and a kill can land between two (the 31 items alone go in one commit).
      const input = join(dir, 'input');
      mkdirSync(input);
      for (const name of readdirSync(CORPUS).filter((f) => f.endsWith('.md') && f !== 'README.md')) {
        const text = readFileSync(join(CORPUS, name), 'utf8');
        for (let copy = 0; copy < 8; copy++) {
          const copied = text
            .replace(/^url: (.+)$/m, `url: $1?copy=${copy}`)
            .replace(/^---\n([\s\S]*?)\n---\n/, `---\n$1\n---\nCopy ${copy}.\n\n`);
          writeFileSync(join(input, `${copy}-${name}`), copied);
        }
      }
      const reference = openSqliteStore(join(dir, 'ref.db'));
      await ingestFiles([input], extractor, reference);
      const again = await ingestFiles([input], extractor, reference);
      const expected = await mentionsPerDocument(reference);
      await reference.close();
      // Each trial ingests into a fresh store and is killed while it writes: after its first commit, at a random
      // moment within the next 400 ms (a kill during the KB load, or into a store already complete, checks nothing).
      const storedCount = (file: string): number => {
        if (!existsSync(file)) return 0;
        const db = new Database(file, { readonly: true, fileMustExist: true });
        try {
          return (db.prepare('SELECT count(*) AS n FROM documents').get() as { n: number }).n;
        } catch {
          return 0; // not created yet
        } finally {
          db.close();
        }
      };
      let kills = 0;
      let partial = 0;
      let checks = 0;
      let db = '';
      for (let trial = 0; trial < 8; trial++) {
        db = join(dir, `crash-${trial}.db`);
        const child = spawn(process.execPath, [BIN, 'ingest', '--db', db, input], {
          stdio: 'ignore',
          env: { ...process.env, KIZASHI_HOME: join(dir, 'home') },
        });
        let running = true;
        const exited = new Promise<void>((r) =>
          child.on('exit', () => {
            running = false;
            r();
          }),
        );
        while (running && storedCount(db) === 0) await new Promise((r) => setTimeout(r, 10));
        await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 400)));
        if (child.exitCode === null) {
          child.kill('SIGKILL');
          kills++;
        }
        await exited;
        const store = openSqliteStore(db);
        for (const [id, n] of await mentionsPerDocument(store)) {
          checks++;
          if (expected.get(id) !== n) partial++;
        }
        await store.close();
      }
      // The next run into the last killed store finishes it.
      const store = openSqliteStore(db);
      await ingestFiles([input], extractor, store);
      const final = await mentionsPerDocument(store);
      await store.close();
      expect(again).toMatchObject({ new: 0, updated: 0 });
      expect(kills).toBeGreaterThan(0);
      expect(checks).toBeGreaterThan(0);
      expect(partial).toBe(0);
      expect(final).toEqual(expected);
      recordFigure('reliability-sqlite', {
        area: 'Reliability',
        defence:
          'each document atomic: its own savepoint inside a commit of up to 128 documents or 250 ms (SQLite WAL); re-ingestion compares a content hash',
        test: 'src/store/reliability.security.test.ts',
        figure: `re-ingesting the corpus: ${again.unchanged} unchanged, 0 new, 0 updated; ${kills} SIGKILLs of \`kizashi ingest\` while it writes (each into a fresh store): ${checks} document checks, ${partial} partial documents; the next run completed all ${expected.size}`,
      });
    },
    180_000,
  );
});

describe.skipIf(!PG_URL)('PostgreSQL under connection loss', () => {
  it('a worker survives terminated connections (and a server restart) and loses no job', async () => {
    const schema = `k_${randomBytes(5).toString('hex')}`;
    const files = readdirSync(CORPUS)
      .filter((f) => f.endsWith('.md') && f !== 'README.md')
      .map((f) => join(CORPUS, f));
    const queue = await PostgresJobQueue.open(PG_URL ?? '', schema);
    await queue.enqueue(files);
    const store = await openPostgresStore(PG_URL ?? '', { schema });
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    let retries = 0;
    let terminated = 0;
    let restarted = false;
    const done = runWorker(queue, store, extractor, {
      leaseSeconds: 2,
      stopWhenIdleMs: 4000,
      pollMs: 100,
      onItem: (_p, result) => {
        if (result === 'retry') retries++;
      },
    });
    for (let i = 0; i < 3; i++) {
      await new Promise((r) => setTimeout(r, 400));
      const r = await admin.query(
        'SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
      );
      terminated += (r.rows[0] as { n: number }).n;
    }
    await admin.end();
    const restart = process.env.KIZASHI_TEST_PG_RESTART;
    if (restart) {
      execSync(restart, { stdio: 'ignore' });
      restarted = true;
    }
    const finished = await done;
    const counts = await queue.counts();
    const stored = await store.counts();
    expect(counts.queued + counts.running + counts.failed).toBe(0);
    expect(stored.documents).toBe(files.length);
    await store.close();
    await queue.close();
    recordFigure('reliability-postgres', {
      area: 'Reliability',
      defence:
        'queue rows with leases (SKIP LOCKED); unexpected database errors leave the job for retry; the pool replaces dropped connections',
      test: 'src/store/reliability.security.test.ts',
      figure: `${files.length} jobs; ${terminated} server connections terminated in 3 waves${restarted ? ' and the server restarted' : ''} mid-ingest: the worker kept running (${retries} retried items), finished ${finished}, lost 0 jobs, ${stored.documents} documents stored`,
    });
  }, 180_000);
});

describe('hostile encodings', () => {
  it('stores invalid UTF-8, NUL bytes and mislabelled encodings sanitised, in SQLite and PostgreSQL', async () => {
    const inputs: [string, Uint8Array][] = [
      [
        'invalid-utf8.txt',
        Uint8Array.from([
          ...Buffer.from('APT41 used ShadowPad against telecom operators in Taiwan, researchers said on Monday. '.repeat(3)),
          0xc3,
          0x28,
          ...Buffer.from(' The campaign ran for months.'),
        ]),
      ],
      ['latin1.txt', Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x20, 0xff, 0xfe])],
      [
        'nul.md',
        Buffer.from(
          `---\ntitle: NUL\u0000title\n---\nLazarus\u0000Group stole\u0000 funds. ${'The FBI attributed the theft to North Korea. '.repeat(8)}`,
        ),
      ],
      [
        'sjis-labelled-utf8.html',
        Buffer.concat([
          Buffer.from('<html><head><meta charset="utf-8"></head><body><p>'),
          Buffer.from([0x82, 0xb1, 0x82, 0xf1]),
          Buffer.from(' APT10</p></body></html>'),
        ]),
      ],
    ];
    const docs = [];
    let rejected = 0;
    for (const [name, bytes] of inputs) {
      try {
        docs.push(parseDocumentBytes(bytes, name));
      } catch {
        rejected++;
      }
    }
    docs.push({
      id: 'report--7c2d1e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f',
      title: 'lone \ud800 surrogate',
      text: 'MirrorFace \ud800 attacked\u0000 Japan.',
      lang: 'en' as const,
      origin: 'api',
    });
    const stores: GraphStore[] = [openSqliteStore(join(mkdtempSync(join(tmpdir(), 'kizashi-enc-')), 'k.db'))];
    if (PG_URL) stores.push(await openPostgresStore(PG_URL, { schema: `k_${randomBytes(5).toString('hex')}` }));
    let stored = 0;
    for (const store of stores) {
      for (const d of docs) {
        await storeDocument(d, extractor, store);
        // (the Latin-1 file is refused above with a clear error: too damaged to be UTF-8, not Japanese)
        const back = await store.getDocument(d.id);
        expect(back?.text.includes('\u0000')).toBe(false);
        expect(back?.text.length).toBe(d.text.length); // replaced one for one: offsets hold
        stored++;
      }
      await store.close();
    }
    recordFigure('reliability-encodings', {
      area: 'Reliability',
      defence: 'decoding with replacement characters; NUL and lone surrogates replaced one-for-one before storing (offsets kept)',
      test: 'src/store/reliability.security.test.ts',
      figure: `${inputs.length + 1} hostile inputs (damaged UTF-8, NUL in title and text, Shift_JIS bytes labelled UTF-8, lone surrogates, Latin-1): ${docs.length} decoded and stored ${stored} times across ${stores.length} backend(s) with 0 crashes and 0 NUL stored; ${rejected} refused with an error naming the file (Latin-1)`,
    });
  });
});
