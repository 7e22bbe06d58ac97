import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createExtractor, type Extractor } from '../extract/extract-document.js';
import { loadKnowledgeBase } from '../kb/load-kb.js';
import { openPostgresStore } from '../store/postgres/postgres-graph-store.js';
import { PostgresJobQueue } from '../store/postgres/postgres-job-queue.js';
import { openSqliteStore } from '../store/sqlite/sqlite-graph-store.js';
import { ingestFiles } from './ingest-files.js';
import { runWorker } from './worker.js';

const URL_ = process.env.KIZASHI_TEST_DATABASE_URL;
const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/kizashi.js');
const CORPUS = join(ROOT, 'corpus');

/** 29 corpus files plus 11 byte-identical copies under other names: 40 items, 29 distinct documents. */
async function makeFolder(): Promise<{ dir: string; files: string[] }> {
  const dir = await mkdtemp(join(tmpdir(), 'kizashi-q-'));
  const names = (await readdir(CORPUS)).filter((f) => f.endsWith('.md') && f !== 'README.md').sort();
  for (const n of names) await copyFile(join(CORPUS, n), join(dir, n));
  for (const n of names.slice(0, 11)) await copyFile(join(CORPUS, n), join(dir, `copy-${n}`));
  await writeFile(join(dir, 'empty.md'), '');
  const files = (await readdir(dir)).sort().map((f) => join(dir, f));
  return { dir, files };
}

/** Mentions per document after a plain sequential ingestion into SQLite: the reference for "complete". */
async function reference(dir: string, extractor: Extractor): Promise<Map<string, number> & { objects?: number; relationships?: number }> {
  const store = openSqliteStore(join(await mkdtemp(join(tmpdir(), 'kizashi-ref-')), 'ref.db'));
  await ingestFiles([dir], extractor, store);
  const out: Map<string, number> & { objects?: number; relationships?: number } = new Map<string, number>();
  for (const d of await store.listDocuments({ limit: 1000 })) out.set(d.id, (await store.mentions({ documentId: d.id })).length);
  const counts = await store.counts();
  out.objects = counts.objects;
  out.relationships = counts.relationships;
  await store.close();
  return out;
}

if (!URL_) console.log('queue and worker tests skipped: set KIZASHI_TEST_DATABASE_URL (as .ci/run does) to run them');

describe.skipIf(!URL_)('PostgreSQL queue and workers', () => {
  let extractor: Extractor;
  beforeAll(async () => {
    extractor = createExtractor(await loadKnowledgeBase({ ignoreHome: true }));
  });

  it('4 concurrent workers, each with 2 items in progress, process every item once and store no duplicate document, object or mention', async () => {
    const schema = `q_${randomBytes(5).toString('hex')}`;
    const { dir, files } = await makeFolder();
    const expected = await reference(dir, extractor);
    const queue = await PostgresJobQueue.open(URL_ ?? '', schema);
    expect(await queue.enqueue(files)).toBe(files.length);
    expect(await queue.enqueue(files)).toBe(0); // already queued: not twice
    const workers = await Promise.all(
      [0, 1, 2, 3].map(async () => ({
        q: await PostgresJobQueue.open(URL_ ?? '', schema),
        s: await openPostgresStore(URL_ ?? '', { schema }),
      })),
    );
    const done = await Promise.all(
      workers.map((w) => runWorker(w.q, w.s, extractor, { leaseSeconds: 60, stopWhenIdleMs: 300, pollMs: 50, concurrency: 2 })),
    );
    expect(done.reduce((a, b) => a + b, 0)).toBe(files.length - 1); // every item but the empty file
    expect(done.filter((n) => n > 0).length).toBeGreaterThan(1); // the work was shared
    expect(await queue.counts()).toEqual({ queued: 0, running: 0, done: files.length - 1, failed: 1 });
    expect((await queue.failures())[0]?.reason).toMatch(/empty\.md: file is empty/);
    const store = workers[0]?.s;
    if (!store) throw new Error('no store');
    const counts = await store.counts();
    expect(counts.documents).toBe(expected.size);
    expect(counts.mentions).toBe([...expected.values()].reduce((a, b) => a + b, 0));
    expect(counts.objects).toBe(expected.objects);
    expect(counts.relationships).toBe(expected.relationships);
    for (const w of workers) {
      await w.q.close();
      await w.s.close();
    }
    await queue.close();
  });

  it.skipIf(!existsSync(join(ROOT, 'dist/cli/main.js')))(
    'survives SIGKILL of workers at random points: documents are absent or complete, and a restarted worker finishes',
    async () => {
      const schema = `k_${randomBytes(5).toString('hex')}`;
      const { dir, files } = await makeFolder();
      const expected = await reference(dir, extractor);
      const queue = await PostgresJobQueue.open(URL_ ?? '', schema);
      await queue.enqueue(files);
      const env = { ...process.env, KIZASHI_DATABASE_URL: URL_, KIZASHI_DB_SCHEMA: schema, KIZASHI_HOME: join(dir, '.home') };
      const worker = (): ReturnType<typeof spawn> =>
        spawn(process.execPath, [BIN, 'worker', '--lease', '1', '--until-empty'], { env, stdio: 'ignore' });
      let kills = 0;
      for (let i = 0; i < 20; i++) {
        const child = worker();
        const exited = new Promise<void>((r) => child.on('exit', () => r()));
        await new Promise((r) => setTimeout(r, 300 + Math.floor(Math.random() * 1200)));
        if (child.exitCode === null) {
          child.kill('SIGKILL');
          kills++;
        }
        await exited;
      }
      expect(kills).toBeGreaterThanOrEqual(15);
      const store = await openPostgresStore(URL_ ?? '', { schema });
      for (const d of await store.listDocuments({ limit: 1000 })) {
        expect((await store.mentions({ documentId: d.id })).length, d.origin).toBe(expected.get(d.id));
      }
      // Let expired leases come due, then one worker finishes the queue.
      await new Promise((r) => setTimeout(r, 1100));
      const last = worker();
      await new Promise<void>((r) => last.on('exit', () => r()));
      expect((await queue.counts()).queued + (await queue.counts()).running).toBe(0);
      const counts = await store.counts();
      expect(counts.documents).toBe(expected.size);
      expect(counts.mentions).toBe([...expected.values()].reduce((a, b) => a + b, 0));
      await store.close();
      await queue.close();
    },
    120_000,
  );
});
