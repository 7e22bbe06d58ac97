// GraphStore on PostgreSQL (pg): for teams with several ingestion workers. Versioned migrations, one
// transaction per document serialised per document id by an advisory lock, pg_trgm search (Japanese-safe).
import type pg from 'pg';
import type { KizashiDocument } from '../../core/document.js';
import { KizashiError } from '../../core/errors.js';
import type { Bundle, Evidence } from '../../core/stix.js';
import type {
  AddedOptions,
  AddedPage,
  ApiKeyRecord,
  FeedState,
  MentionFeedback,
  GraphStore,
  PutResult,
  SearchHit,
  SearchOptions,
  StoreCounts,
  StoredDocument,
  StoredMention,
  StoredObject,
  Watchlist,
  WatchHit,
} from '../graph-store.js';
import { schemaPool, withSetupLock } from './pg-setup.js';
import {
  API_KEY_COLUMNS,
  apiKeyValues,
  highlight,
  objectName,
  stixVersion,
  toApiKey,
  toDocument,
  toMention,
  toWatchHit,
  toWatchlist,
  toFeedback,
  type ApiKeyRow,
  type FeedbackRow,
  type DocumentRow,
  type MentionRow,
  type WatchHitRow,
  type WatchlistRow,
  MENTION_COLUMNS,
  evidenceSentenceStart,
  mergeStoredObject,
  sameContent,
  searchTerms,
  withinSeen,
} from '../store-rows.js';

const MIGRATIONS: readonly string[] = [
  `CREATE TABLE documents (
     id TEXT PRIMARY KEY, url TEXT, content_hash TEXT NOT NULL, title TEXT NOT NULL, text TEXT NOT NULL, lang TEXT NOT NULL,
     published TEXT, source TEXT, origin TEXT NOT NULL, ingested_at TEXT NOT NULL, updated_at TEXT NOT NULL);
   CREATE INDEX documents_published ON documents(published);
   CREATE INDEX documents_trgm ON documents USING gin ((title || ' ' || text) gin_trgm_ops);
   CREATE TABLE objects (
     id TEXT PRIMARY KEY, type TEXT NOT NULL, name TEXT NOT NULL, aliases JSONB NOT NULL, stix JSONB NOT NULL,
     first_seen TEXT, last_seen TEXT, updated_at TEXT NOT NULL);
   CREATE INDEX objects_type ON objects(type);
   CREATE INDEX objects_trgm ON objects USING gin ((name || ' ' || aliases::text) gin_trgm_ops);
   CREATE TABLE mentions (
     document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE, object_id TEXT NOT NULL REFERENCES objects(id),
     start INTEGER NOT NULL, "end" INTEGER NOT NULL, text TEXT NOT NULL, alias TEXT, sentence TEXT NOT NULL,
     sentence_start INTEGER NOT NULL, PRIMARY KEY (document_id, object_id, start));
   CREATE INDEX mentions_object ON mentions(object_id);
   CREATE TABLE relationship_evidence (
     relationship_id TEXT NOT NULL REFERENCES objects(id), document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
     start INTEGER NOT NULL, "end" INTEGER NOT NULL, sentence TEXT NOT NULL, PRIMARY KEY (relationship_id, document_id, start));`,
  `CREATE TABLE feeds (url TEXT PRIMARY KEY, state JSONB NOT NULL, updated_at TEXT NOT NULL);`,
  // TAXII order: each version carries the writing transaction's id; readers only see versions of transactions
  // older than every transaction still running (pg_snapshot_xmin), so a page never skips a late commit.
  `CREATE SEQUENCE objects_seq;
   ALTER TABLE objects ADD COLUMN seq BIGINT, ADD COLUMN txid xid8, ADD COLUMN date_added TEXT;
   UPDATE objects SET seq = nextval('objects_seq'), txid = pg_current_xact_id(), date_added = updated_at;
   CREATE INDEX objects_added ON objects(txid, seq);
   CREATE INDEX objects_source_ref ON objects((stix->>'source_ref'));
   CREATE INDEX objects_target_ref ON objects((stix->>'target_ref'));
   CREATE TABLE api_keys (id TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL, hash TEXT NOT NULL UNIQUE,
     created_at TEXT NOT NULL, revoked_at TEXT);
   CREATE TABLE watchlists (id TEXT PRIMARY KEY, name TEXT NOT NULL, entity_ids JSONB NOT NULL, keywords JSONB NOT NULL,
     webhook TEXT, created_at TEXT NOT NULL);
   CREATE TABLE watch_hits (
     watchlist_id TEXT NOT NULL REFERENCES watchlists(id) ON DELETE CASCADE,
     document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE, matched JSONB NOT NULL, created_at TEXT NOT NULL,
     delivered_at TEXT, attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT, PRIMARY KEY (watchlist_id, document_id));
   CREATE INDEX watch_hits_created ON watch_hits(created_at);`,
  `CREATE TABLE mention_feedback (
     document_id TEXT NOT NULL, object_id TEXT NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL, surface TEXT NOT NULL,
     verdict TEXT NOT NULL, new_type TEXT, created_at TEXT NOT NULL, created_by TEXT, PRIMARY KEY (document_id, object_id, start));`,
  // Each sentence that holds a mention or relationship evidence is stored once (see the SQLite migration).
  `CREATE TABLE sentences (
     document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE, start INTEGER NOT NULL, text TEXT NOT NULL,
     PRIMARY KEY (document_id, start));`,
];
export interface PostgresStoreOptions {
  /** Schema to use (created if missing); lets tests and tenants share one server. */
  readonly schema?: string;
  readonly poolSize?: number;
}

/** What putDocument reads of a stored object before deciding whether to write it. */
interface PriorRow {
  id: string;
  stix: Record<string, unknown>;
  aliases: string[];
  first_seen: string | null;
  last_seen: string | null;
}
const PRIOR_SELECT = 'SELECT id, stix, aliases, first_seen, last_seen FROM objects';
/** An object row from putDocument's parameters ($1 id … $5 stix, $6 seen, $7 now); callers add the ON CONFLICT. */
const INSERT_OBJECT = `INSERT INTO objects (id, type, name, aliases, stix, first_seen, last_seen, updated_at, seq, txid, date_added)
           VALUES ($1, $2, $3, $4, $5, $6, $6, $7, nextval('objects_seq'), pg_current_xact_id(), $7)`;

/** Rows as columns, for INSERT … SELECT FROM unnest($1::text[], …): one array per column. */
function columns(rows: readonly (readonly unknown[])[], width: number): unknown[][] {
  return Array.from({ length: width }, (_, c) => rows.map((r) => r[c] ?? null));
}

/** Connect, create the schema and run pending migrations. Errors name the server (without password). */
export async function openPostgresStore(url: string, options: PostgresStoreOptions = {}): Promise<PostgresGraphStore> {
  const schema = options.schema ?? 'kizashi';
  const where = safeUrl(url);
  const pool = schemaPool(url, schema, options.poolSize ?? 4);
  try {
    await withSetupLock(pool, schema, async (client) => {
      await client.query('CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public');
      await client.query('CREATE TABLE IF NOT EXISTS kizashi_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
      const row = await client.query<{ value: string }>("SELECT value FROM kizashi_meta WHERE key = 'schema_version'");
      const version = Number(row.rows[0]?.value ?? 0);
      if (version > MIGRATIONS.length)
        throw new KizashiError(`${where}: database schema version ${version} is newer than this kizashi; upgrade kizashi`);
      for (let v = version; v < MIGRATIONS.length; v++) {
        await client.query('BEGIN');
        await client.query(MIGRATIONS[v] ?? '');
        await client.query(
          "INSERT INTO kizashi_meta (key, value) VALUES ('schema_version', $1) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
          [String(v + 1)],
        );
        await client.query('COMMIT');
      }
    });
  } catch (error) {
    await pool.end().catch(() => undefined);
    if (error instanceof KizashiError) throw error;
    throw new KizashiError(`${where}: cannot open the PostgreSQL store (${(error as Error).message})`, { cause: error });
  }
  return new PostgresGraphStore(pool);
}

function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    u.password = '';
    return u.toString();
  } catch {
    return 'PostgreSQL';
  }
}

export class PostgresGraphStore implements GraphStore {
  constructor(private readonly pool: pg.Pool) {}

  async putDocument(doc: KizashiDocument, bundle: Bundle, contentHash: string): Promise<PutResult> {
    const client = await this.pool.connect();
    const now = new Date().toISOString();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [doc.id]);
      const existing = await client.query<{ content_hash: string }>('SELECT content_hash FROM documents WHERE id = $1', [doc.id]);
      const prior = existing.rows[0];
      if (prior && prior.content_hash === contentHash) {
        await client.query('COMMIT');
        return 'unchanged';
      }
      const values = [
        doc.id,
        doc.url ?? null,
        contentHash,
        doc.title,
        doc.text,
        doc.lang,
        doc.published ?? null,
        doc.source ?? null,
        doc.origin,
        now,
      ];
      if (prior) {
        await client.query('DELETE FROM mentions WHERE document_id = $1', [doc.id]);
        await client.query('DELETE FROM relationship_evidence WHERE document_id = $1', [doc.id]);
        await client.query('DELETE FROM sentences WHERE document_id = $1', [doc.id]);
        await client.query(
          `UPDATE documents SET url = $2, content_hash = $3, title = $4, text = $5, lang = $6, published = $7, source = $8, origin = $9,
           updated_at = $10 WHERE id = $1`,
          values,
        );
      } else {
        await client.query(
          `INSERT INTO documents (id, url, content_hash, title, text, lang, published, source, origin, ingested_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)`,
          values,
        );
      }
      const seen = doc.published ?? null;
      // Objects in id order, so concurrent workers take row locks in the same order (no deadlocks).
      const objects = [...bundle.objects].filter((o) => o.type !== 'report').sort((a, b) => (a.id < b.id ? -1 : 1));
      // Most mentions change nothing about an object: read them first and write (and lock) only those that change,
      // so workers do not queue on the rows of popular entities.
      const priorRows = await client.query<PriorRow>(`${PRIOR_SELECT} WHERE id = ANY($1)`, [objects.map((o) => o.id)]);
      const priors = new Map(priorRows.rows.map((r) => [r.id, r]));
      const mentionRows: unknown[][] = [];
      const sentences = new Map<number, string>();
      const evidenceRows: unknown[][] = [];
      for (const raw of objects) {
        const { x_kizashi_evidence: evidence, ...stix } = raw as unknown as { x_kizashi_evidence?: Evidence[] } & Record<string, unknown>;
        const aliases = [...new Set([stix.aliases, stix.x_kizashi_aliases].flatMap((a) => (Array.isArray(a) ? a.map(String) : [])))];
        let stored = priors.get(String(stix.id));
        let merged = mergeStoredObject(stored?.stix, stix);
        const same = (p: PriorRow | undefined, m: Record<string, unknown>): boolean =>
          p !== undefined && aliases.every((a) => p.aliases.includes(a)) && sameContent(p.stix, m);
        // Only the first/last-seen range widening (store metadata, not STIX content): update just that.
        let sameObject = same(stored, merged);
        // The row locked and read again, and this document's view merged into that latest version.
        const lockAndMerge = async (): Promise<void> => {
          const locked = (await client.query<PriorRow>(`${PRIOR_SELECT} WHERE id = $1 FOR UPDATE`, [stix.id])).rows[0];
          if (!locked) return;
          stored = locked;
          merged = mergeStoredObject(locked.stix, stix);
          sameObject = same(locked, merged);
        };
        const row = () => [stix.id, stix.type, objectName(merged), JSON.stringify(aliases), JSON.stringify(merged), seen, now];
        let created = false;
        if (stored && !sameObject) {
          // About to rewrite it: lock the row and merge into its latest version, which another worker may have written
          // since the read above (objects go in id order, so workers lock in the same order). The upsert below also
          // keeps the higher confidence itself, whatever the interleaving.
          await lockAndMerge();
        } else if (!stored) {
          // A new object: insert it, unless another worker created it since the read above. Then lock its row and
          // merge into that version like any other update (an upsert would overwrite it with this document's view).
          created = (await client.query(`${INSERT_OBJECT} ON CONFLICT (id) DO NOTHING`, row())).rowCount === 1;
          if (!created) await lockAndMerge();
        }
        if (!created && sameObject && stored && !withinSeen(stored.first_seen, stored.last_seen, seen))
          await client.query(
            `UPDATE objects SET first_seen = LEAST(coalesce(first_seen, $2), $2), last_seen = GREATEST(coalesce(last_seen, $2), $2),
               updated_at = $3 WHERE id = $1`,
            [stix.id, seen, now],
          );
        else if (!created && !sameObject)
          await client.query(
            `${INSERT_OBJECT}
           ON CONFLICT (id) DO UPDATE SET name = excluded.name, updated_at = excluded.updated_at,
             stix = CASE WHEN jsonb_typeof(objects.stix->'confidence') = 'number' AND jsonb_typeof(excluded.stix->'confidence') = 'number'
                 AND (objects.stix->>'confidence')::numeric > (excluded.stix->>'confidence')::numeric
               THEN jsonb_set(excluded.stix, '{confidence}', objects.stix->'confidence') ELSE excluded.stix END,
             seq = CASE WHEN objects.stix = excluded.stix THEN objects.seq ELSE excluded.seq END,
             txid = CASE WHEN objects.stix = excluded.stix THEN objects.txid ELSE excluded.txid END,
             date_added = CASE WHEN objects.stix = excluded.stix THEN objects.date_added ELSE excluded.date_added END,
             aliases = (SELECT coalesce(jsonb_agg(DISTINCT a), '[]'::jsonb) FROM jsonb_array_elements(objects.aliases || excluded.aliases) a),
             first_seen = CASE WHEN excluded.first_seen IS NULL THEN objects.first_seen ELSE LEAST(coalesce(objects.first_seen, excluded.first_seen), excluded.first_seen) END,
             last_seen = CASE WHEN excluded.last_seen IS NULL THEN objects.last_seen ELSE GREATEST(coalesce(objects.last_seen, excluded.last_seen), excluded.last_seen) END`,
            row(),
          );
        for (const e of evidence ?? []) {
          const start = evidenceSentenceStart(String(stix.type), e);
          if (!sentences.has(start)) sentences.set(start, e.sentence);
          if (stix.type === 'relationship') evidenceRows.push([String(stix.id), e.start, e.end, '']);
          else mentionRows.push([String(stix.id), e.start, e.end, e.text, e.alias ?? null, '', e.sentence_start]);
        }
      }
      // Sentences, mentions and relationship evidence in one statement (a round trip per row, or even per table,
      // cost more than the rows).
      if (sentences.size + mentionRows.length + evidenceRows.length > 0)
        await client.query(
          `WITH s AS (
             INSERT INTO sentences (document_id, start, text) SELECT $1, * FROM unnest($2::int[], $3::text[]) ON CONFLICT DO NOTHING),
           m AS (
             INSERT INTO mentions (document_id, object_id, start, "end", text, alias, sentence, sentence_start)
             SELECT $1, * FROM unnest($4::text[], $5::int[], $6::int[], $7::text[], $8::text[], $9::text[], $10::int[])
             ON CONFLICT DO NOTHING)
           INSERT INTO relationship_evidence (relationship_id, document_id, start, "end", sentence)
           SELECT r, $1, s, e, t FROM unnest($11::text[], $12::int[], $13::int[], $14::text[]) AS x(r, s, e, t)
           ON CONFLICT DO NOTHING`,
          [doc.id, [...sentences.keys()], [...sentences.values()], ...columns(mentionRows, 7), ...columns(evidenceRows, 4)],
        );
      await client.query('COMMIT');
      return prior ? 'updated' : 'new';
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async getDocument(id: string): Promise<StoredDocument | undefined> {
    const r = await this.pool.query<DocumentRow>('SELECT * FROM documents WHERE id = $1', [id]);
    return r.rows[0] ? toDocument(r.rows[0]) : undefined;
  }

  async listDocuments(options: { since?: string; until?: string; limit?: number; offset?: number } = {}): Promise<StoredDocument[]> {
    const r = await this.pool.query<DocumentRow>(
      `SELECT * FROM documents WHERE ($1::text IS NULL OR published >= $1) AND ($2::text IS NULL OR published < $2)
       ORDER BY published DESC NULLS LAST, id LIMIT $3 OFFSET $4`,
      [options.since ?? null, options.until ?? null, options.limit ?? 100, options.offset ?? 0],
    );
    return r.rows.map(toDocument);
  }

  async getObject(id: string): Promise<StoredObject | undefined> {
    const r = await this.pool.query<ObjectRow>(
      'SELECT o.*, (SELECT count(*) FROM mentions m WHERE m.object_id = o.id)::int AS mention_count FROM objects o WHERE id = $1',
      [id],
    );
    return r.rows[0] ? toObject(r.rows[0]) : undefined;
  }

  async listObjects(options: { type?: string; limit?: number; offset?: number } = {}): Promise<StoredObject[]> {
    const r = await this.pool.query<ObjectRow>(
      `SELECT o.*, (SELECT count(*) FROM mentions m WHERE m.object_id = o.id)::int AS mention_count FROM objects o
       WHERE ($1::text IS NULL OR type = $1) ORDER BY mention_count DESC, name LIMIT $2 OFFSET $3`,
      [options.type ?? null, options.limit ?? 100, options.offset ?? 0],
    );
    return r.rows.map(toObject);
  }

  async mentions(options: { objectId?: string; documentId?: string }): Promise<StoredMention[]> {
    const r = await this.pool.query<MentionRow>(
      `SELECT ${MENTION_COLUMNS} FROM mentions m LEFT JOIN sentences s ON s.document_id = m.document_id AND s.start = m.sentence_start
       WHERE ($1::text IS NULL OR m.object_id = $1) AND ($2::text IS NULL OR m.document_id = $2) ORDER BY m.document_id, m.start`,
      [options.objectId ?? null, options.documentId ?? null],
    );
    return r.rows.map(toMention);
  }

  async search(query: string, options: SearchOptions = {}): Promise<SearchHit[]> {
    const terms = searchTerms(query);
    if (terms.length === 0) return [];
    const limit = Math.min(options.limit ?? 20, 200);
    const patterns = terms.map((t) => `%${t.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    const hits: SearchHit[] = [];
    if (options.kind !== 'object') {
      const r = await this.pool.query<DocumentRow>(
        `SELECT * FROM documents d WHERE (d.title || ' ' || d.text) ILIKE ALL($1::text[])
           AND ($2::text IS NULL OR d.published >= $2) AND ($3::text IS NULL OR d.published < $3)
           AND ($4::text IS NULL OR d.source = $4)
           AND ($5::text IS NULL OR d.id IN (SELECT document_id FROM mentions WHERE object_id = $5))
         LIMIT $6`,
        [patterns, options.since ?? null, options.until ?? null, options.source ?? null, options.entity ?? null, limit * 5],
      );
      // Rank by how often the terms occur (title counts three times).
      const score = (d: DocumentRow): number =>
        terms.reduce((s, t) => s + occurrences(d.text, t) + 3 * occurrences(d.title, t), 0) / Math.sqrt(1 + d.text.length / 1000);
      for (const d of r.rows.sort((a, b) => score(b) - score(a)).slice(0, limit)) {
        hits.push({
          kind: 'document',
          id: d.id,
          title: d.title,
          snippet: highlight(d.text, terms),
          ...(d.published ? { published: d.published } : {}),
          score: score(d),
        });
      }
    }
    if (options.kind !== 'document') {
      const r = await this.pool.query<ObjectRow>(
        `SELECT * FROM objects o WHERE (o.name || ' ' || o.aliases::text) ILIKE ALL($1::text[]) AND type <> 'relationship'
           AND ($2::text IS NULL OR type = $2) ORDER BY length(name) LIMIT $3`,
        [patterns, options.type ?? null, limit],
      );
      for (const o of r.rows) hits.push({ kind: 'object', id: o.id, title: o.name, snippet: o.name, type: o.type, score: 1 });
    }
    return hits;
  }

  async counts(): Promise<StoreCounts> {
    const r = await this.pool.query<Record<string, number>>(
      `SELECT (SELECT count(*) FROM documents)::int AS documents,
              (SELECT count(*) FROM objects WHERE type <> 'relationship')::int AS objects,
              (SELECT count(*) FROM mentions)::int AS mentions,
              (SELECT count(*) FROM objects WHERE type = 'relationship')::int AS relationships`,
    );
    const row = r.rows[0] ?? {};
    return { documents: row.documents ?? 0, objects: row.objects ?? 0, mentions: row.mentions ?? 0, relationships: row.relationships ?? 0 };
  }

  async getFeedState(url: string): Promise<FeedState | undefined> {
    const r = await this.pool.query<{ state: FeedState }>('SELECT state FROM feeds WHERE url = $1', [url]);
    return r.rows[0]?.state;
  }

  async putFeedState(state: FeedState): Promise<void> {
    await this.pool.query(
      'INSERT INTO feeds (url, state, updated_at) VALUES ($1, $2, $3) ON CONFLICT (url) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at',
      [state.url, JSON.stringify(state), new Date().toISOString()],
    );
  }

  async listFeedStates(): Promise<FeedState[]> {
    const r = await this.pool.query<{ state: FeedState }>('SELECT state FROM feeds ORDER BY url');
    return r.rows.map((x) => x.state);
  }

  async objectsAdded(options: AddedOptions): Promise<AddedPage> {
    const [afterTx, afterSeq] = (options.after ?? '0:0').split(':');
    const scoped = options.source !== undefined || options.documentIds !== undefined;
    const docs = `($6::text IS NULL OR d.source = $6) AND ($7::text[] IS NULL OR d.id = ANY($7))`;
    const r = await this.pool.query<{ stix: Record<string, unknown>; seq: string; txid: string; date_added: string }>(
      `SELECT stix, seq, txid::text AS txid, date_added FROM objects
       WHERE (txid, seq) > ($1::xid8, $2::bigint) AND txid < pg_snapshot_xmin(pg_current_snapshot())
         AND ($3::text IS NULL OR date_added > $3) AND ($4::text[] IS NULL OR type = ANY($4)) AND ($5::text[] IS NULL OR id = ANY($5))
         AND (NOT $8::boolean OR id IN (
           SELECT m.object_id FROM mentions m JOIN documents d ON d.id = m.document_id WHERE ${docs}
           UNION SELECT e.relationship_id FROM relationship_evidence e JOIN documents d ON d.id = e.document_id WHERE ${docs}))
       ORDER BY txid, seq LIMIT $9`,
      [
        /^\d+$/.test(afterTx ?? '') ? afterTx : '0',
        /^\d+$/.test(afterSeq ?? '') ? afterSeq : '0',
        options.addedAfter ?? null,
        options.types ?? null,
        options.ids ?? null,
        options.source ?? null,
        options.documentIds ?? null,
        scoped,
        options.limit + 1,
      ],
    );
    const page = r.rows.slice(0, options.limit);
    const last = page[page.length - 1];
    return {
      objects: page.map((row) => ({ stix: row.stix, dateAdded: row.date_added, version: stixVersion(row.stix, row.date_added) })),
      ...(r.rows.length > options.limit && last ? { next: `${last.txid}:${last.seq}` } : {}),
    };
  }

  async sources(): Promise<{ source: string; documents: number }[]> {
    const r = await this.pool.query<{ source: string; documents: number }>(
      'SELECT source, count(*)::int AS documents FROM documents WHERE source IS NOT NULL GROUP BY source ORDER BY source',
    );
    return r.rows;
  }

  async relationships(objectId: string): Promise<StoredObject[]> {
    const r = await this.pool.query<ObjectRow>(
      `SELECT o.*, (SELECT count(*) FROM relationship_evidence e WHERE e.relationship_id = o.id)::int AS mention_count FROM objects o
       WHERE type = 'relationship' AND (stix->>'source_ref' = $1 OR stix->>'target_ref' = $1) ORDER BY mention_count DESC`,
      [objectId],
    );
    return r.rows.map(toObject);
  }

  async putApiKey(key: ApiKeyRecord): Promise<void> {
    await this.pool.query(`INSERT INTO api_keys (${API_KEY_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)`, apiKeyValues(key));
  }

  async apiKeyByHash(hash: string): Promise<ApiKeyRecord | undefined> {
    const r = await this.pool.query<ApiKeyRow>('SELECT * FROM api_keys WHERE hash = $1', [hash]);
    return r.rows[0] ? toApiKey(r.rows[0]) : undefined;
  }

  async listApiKeys(): Promise<ApiKeyRecord[]> {
    return (await this.pool.query<ApiKeyRow>('SELECT * FROM api_keys ORDER BY created_at, id')).rows.map(toApiKey);
  }

  async revokeApiKey(idOrName: string): Promise<boolean> {
    const r = await this.pool.query('UPDATE api_keys SET revoked_at = $1 WHERE (id = $2 OR name = $2) AND revoked_at IS NULL', [
      new Date().toISOString(),
      idOrName,
    ]);
    return (r.rowCount ?? 0) > 0;
  }

  async putWatchlist(w: Watchlist): Promise<void> {
    await this.pool.query(
      `INSERT INTO watchlists (id, name, entity_ids, keywords, webhook, created_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, entity_ids = excluded.entity_ids, keywords = excluded.keywords,
         webhook = excluded.webhook`,
      [w.id, w.name, JSON.stringify(w.entityIds), JSON.stringify(w.keywords), w.webhook ?? null, w.createdAt],
    );
  }

  async listWatchlists(): Promise<Watchlist[]> {
    return (await this.pool.query<WatchlistRow>('SELECT * FROM watchlists ORDER BY name, id')).rows.map(toWatchlist);
  }

  async deleteWatchlist(id: string): Promise<boolean> {
    return ((await this.pool.query('DELETE FROM watchlists WHERE id = $1', [id])).rowCount ?? 0) > 0;
  }

  async addWatchHits(hits: readonly WatchHit[]): Promise<WatchHit[]> {
    const added: WatchHit[] = [];
    for (const h of hits) {
      const r = await this.pool.query(
        `INSERT INTO watch_hits (watchlist_id, document_id, matched, created_at, attempts) VALUES ($1, $2, $3, $4, 0)
         ON CONFLICT DO NOTHING`,
        [h.watchlistId, h.documentId, JSON.stringify(h.matched), h.createdAt],
      );
      if ((r.rowCount ?? 0) > 0) added.push({ ...h, attempts: 0 });
    }
    return added;
  }

  async watchHits(options: { watchlistId?: string; since?: string; undelivered?: boolean; limit?: number }): Promise<WatchHit[]> {
    const r = await this.pool.query<WatchHitRow>(
      `SELECT * FROM watch_hits WHERE ($1::text IS NULL OR watchlist_id = $1) AND ($2::text IS NULL OR created_at >= $2)
         AND (NOT $3::boolean OR delivered_at IS NULL) ORDER BY created_at DESC, document_id LIMIT $4`,
      [options.watchlistId ?? null, options.since ?? null, options.undelivered ?? false, options.limit ?? 1000],
    );
    return r.rows.map(toWatchHit);
  }

  async markWatchHit(
    watchlistId: string,
    documentId: string,
    update: { deliveredAt?: string; attempts: number; lastError?: string },
  ): Promise<void> {
    await this.pool.query(
      'UPDATE watch_hits SET delivered_at = $1, attempts = $2, last_error = $3 WHERE watchlist_id = $4 AND document_id = $5',
      [update.deliveredAt ?? null, update.attempts, update.lastError ?? null, watchlistId, documentId],
    );
  }

  async putFeedback(f: MentionFeedback): Promise<void> {
    await this.pool.query(
      `INSERT INTO mention_feedback (document_id, object_id, start, "end", surface, verdict, new_type, created_at, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (document_id, object_id, start) DO UPDATE SET verdict = excluded.verdict, new_type = excluded.new_type,
         created_at = excluded.created_at, created_by = excluded.created_by`,
      [f.documentId, f.objectId, f.start, f.end, f.surface, f.verdict, f.newType ?? null, f.createdAt, f.by ?? null],
    );
  }

  async listFeedback(options: { documentId?: string } = {}): Promise<MentionFeedback[]> {
    const r = await this.pool.query<FeedbackRow>(
      'SELECT * FROM mention_feedback WHERE ($1::text IS NULL OR document_id = $1) ORDER BY created_at, document_id, start',
      [options.documentId ?? null],
    );
    return r.rows.map(toFeedback);
  }

  /** PostgreSQL commits each document on its own (workers scale instead); the batch is just `work`. */
  batch<T>(work: () => Promise<T>): Promise<T> {
    return work();
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

interface ObjectRow {
  id: string;
  type: string;
  name: string;
  aliases: string[];
  stix: Record<string, unknown>;
  first_seen: string | null;
  last_seen: string | null;
  mention_count?: number;
}

function occurrences(text: string, term: string): number {
  const lower = text.toLowerCase();
  const t = term.toLowerCase();
  let n = 0;
  for (let at = lower.indexOf(t); at >= 0; at = lower.indexOf(t, at + t.length)) n++;
  return n;
}

function toObject(r: ObjectRow): StoredObject {
  return {
    id: r.id,
    type: r.type,
    name: r.name,
    aliases: r.aliases,
    stix: r.stix,
    mentionCount: r.mention_count ?? 0,
    ...(r.first_seen ? { firstSeen: r.first_seen } : {}),
    ...(r.last_seen ? { lastSeen: r.last_seen } : {}),
  };
}
