// Composition root: loads the knowledge base once and compiles the extractor that every command shares.
import { createExtractor, type Extractor } from './extract/extract-document.js';
import { join } from 'node:path';
import type { GraphStore } from './store/graph-store.js';
import { loadConfig } from './config.js';
import { UsageError } from './core/errors.js';
import { openPostgresStore } from './store/postgres/postgres-graph-store.js';
import { PostgresJobQueue } from './store/postgres/postgres-job-queue.js';
import { openSqliteStore } from './store/sqlite/sqlite-graph-store.js';
import { kizashiHome, loadKnowledgeBase, type LoadKbOptions } from './kb/load-kb.js';
import { loadWarninglists, WARNINGLIST_DIR } from './kb/warninglists.js';

/** Load the KB (starter + synced + --kb folders) and the warninglists (shipped + the user's), compiled. */
export async function openExtractor(options: LoadKbOptions = {}): Promise<Extractor> {
  const dirs = options.ignoreHome ? [WARNINGLIST_DIR] : [WARNINGLIST_DIR, join(options.home ?? kizashiHome(), 'warninglists')];
  const [kb, warninglists] = await Promise.all([loadKnowledgeBase(options), loadWarninglists(dirs)]);
  return createExtractor(kb, warninglists);
}

/**
 * The knowledge store: PostgreSQL when $KIZASHI_DATABASE_URL is set (and no --db path is given), else the
 * embedded SQLite file --db PATH, $KIZASHI_DB or ./kizashi.db.
 */
export async function openStore(path?: string): Promise<GraphStore> {
  const url = process.env.KIZASHI_DATABASE_URL;
  if (url && !path) return openPostgresStore(url, process.env.KIZASHI_DB_SCHEMA ? { schema: process.env.KIZASHI_DB_SCHEMA } : {});
  return openSqliteStore(path ?? process.env.KIZASHI_DB ?? loadConfig().sqlite ?? 'kizashi.db');
}

/** The PostgreSQL ingestion queue ($KIZASHI_DATABASE_URL); scale-out needs the shared server. */
export async function openQueue(): Promise<PostgresJobQueue> {
  const url = process.env.KIZASHI_DATABASE_URL;
  if (!url) throw new UsageError('the ingestion queue needs PostgreSQL: set KIZASHI_DATABASE_URL=postgres://…');
  return PostgresJobQueue.open(url, process.env.KIZASHI_DB_SCHEMA ?? 'kizashi');
}
