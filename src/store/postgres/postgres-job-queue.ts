// The ingestion queue for scale-out: jobs in a PostgreSQL table, claimed with SELECT … FOR UPDATE SKIP LOCKED
// under a lease. A worker killed mid-item leaves its job "running" until the lease expires; then another worker
// takes it again. Documents are written in one transaction each, so a retried job never duplicates anything.
import type pg from 'pg';
import { KizashiError } from '../../core/errors.js';
import { schemaPool, withSetupLock } from './pg-setup.js';

export interface Job {
  readonly id: number;
  readonly kind: 'file';
  readonly payload: string;
  readonly attempts: number;
}

export interface QueueCounts {
  readonly queued: number;
  readonly running: number;
  readonly done: number;
  readonly failed: number;
}

const SCHEMA = `CREATE TABLE IF NOT EXISTS jobs (
  id BIGSERIAL PRIMARY KEY, kind TEXT NOT NULL, payload TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'queued',
  attempts INTEGER NOT NULL DEFAULT 0, locked_until TIMESTAMPTZ, last_error TEXT,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(), updated_at TIMESTAMPTZ NOT NULL DEFAULT now(), UNIQUE (kind, payload));
CREATE INDEX IF NOT EXISTS jobs_claim ON jobs (status, id);`;

/** Give up on an item after this many attempts (it keeps failing, or keeps killing its worker). */
const MAX_ATTEMPTS = 5;

export class PostgresJobQueue {
  private constructor(private readonly pool: pg.Pool) {}

  static async open(url: string, schema = 'kizashi'): Promise<PostgresJobQueue> {
    const pool = schemaPool(url, schema, 2);
    try {
      await withSetupLock(pool, schema, async (client) => {
        await client.query(SCHEMA);
      });
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw new KizashiError(`cannot open the job queue (${(error as Error).message})`, { cause: error });
    }
    return new PostgresJobQueue(pool);
  }

  /** Queue items; an item already queued or running is not queued twice. Returns how many were added. */
  async enqueue(paths: readonly string[]): Promise<number> {
    let added = 0;
    for (const payload of paths) {
      const r = await this.pool.query(
        `INSERT INTO jobs (kind, payload) VALUES ('file', $1)
         ON CONFLICT (kind, payload) DO UPDATE SET status = 'queued', attempts = 0, last_error = NULL, updated_at = now()
         WHERE jobs.status IN ('done', 'failed')`,
        [payload],
      );
      added += r.rowCount ?? 0;
    }
    return added;
  }

  /** Claim the next job under a lease of `leaseSeconds`, or undefined when nothing is due. */
  async claim(leaseSeconds: number): Promise<Job | undefined> {
    const r = await this.pool.query<{ id: string; kind: 'file'; payload: string; attempts: number }>(
      `UPDATE jobs SET status = 'running', attempts = attempts + 1, locked_until = now() + make_interval(secs => $1), updated_at = now()
       WHERE id = (SELECT id FROM jobs WHERE status = 'queued' OR (status = 'running' AND locked_until < now())
                   ORDER BY id FOR UPDATE SKIP LOCKED LIMIT 1)
       RETURNING id, kind, payload, attempts`,
      [leaseSeconds],
    );
    const row = r.rows[0];
    if (!row) return undefined;
    if (row.attempts > MAX_ATTEMPTS) {
      await this.fail(Number(row.id), `gave up after ${MAX_ATTEMPTS} attempts`);
      return this.claim(leaseSeconds);
    }
    return { id: Number(row.id), kind: row.kind, payload: row.payload, attempts: row.attempts };
  }

  async complete(id: number): Promise<void> {
    await this.pool.query("UPDATE jobs SET status = 'done', locked_until = NULL, updated_at = now() WHERE id = $1", [id]);
  }

  async fail(id: number, reason: string): Promise<void> {
    await this.pool.query("UPDATE jobs SET status = 'failed', last_error = $2, locked_until = NULL, updated_at = now() WHERE id = $1", [
      id,
      reason,
    ]);
  }

  async counts(): Promise<QueueCounts> {
    const r = await this.pool.query<{ status: string; n: number }>('SELECT status, count(*)::int AS n FROM jobs GROUP BY status');
    const get = (s: string): number => r.rows.find((x) => x.status === s)?.n ?? 0;
    return { queued: get('queued'), running: get('running'), done: get('done'), failed: get('failed') };
  }

  /** Failed jobs with their reasons. */
  async failures(): Promise<{ payload: string; reason: string }[]> {
    const r = await this.pool.query<{ payload: string; last_error: string }>(
      "SELECT payload, last_error FROM jobs WHERE status = 'failed' ORDER BY id",
    );
    return r.rows.map((x) => ({ payload: x.payload, reason: x.last_error }));
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
