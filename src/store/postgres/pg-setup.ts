// What every PostgreSQL opener shares: a pool bound to one schema, and the session lock under which schema
// setup runs (concurrent CREATE … IF NOT EXISTS from several workers would otherwise race).
import pg from 'pg';
import { KizashiError } from '../../core/errors.js';

/** A pool whose connections see `schema` first, then public (where pg_trgm lives). */
export function schemaPool(url: string, schema: string, max: number): pg.Pool {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new KizashiError(`invalid PostgreSQL schema name "${schema}"`);
  const pool = new pg.Pool({ connectionString: url, max, options: `-c search_path=${schema},public` });
  pool.on('error', () => undefined); // idle clients dropped by the server are replaced on next use
  // A connection terminated while checked out fails its query (the caller sees that error); the client's own
  // 'error' event must not become an uncaught exception.
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}

/**
 * Create `schema` if needed and run `setup` on one client, holding kizashi's setup lock (advisory locks belong to a
 * session).
 */
export async function withSetupLock(pool: pg.Pool, schema: string, setup: (client: pg.PoolClient) => Promise<void>): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock(727272)');
    try {
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      // This session may have resolved its search path while it waited for the lock, before another opener created
      // the schema; such a session was seen to keep resolving names in public alone. Setting the path again makes
      // it look the schema up now, and the session is closed after setup rather than pooled.
      await client.query(`SET search_path TO ${schema}, public`);
      await setup(client);
    } finally {
      await client.query('SELECT pg_advisory_unlock(727272)');
    }
  } finally {
    client.release(true);
  }
}
