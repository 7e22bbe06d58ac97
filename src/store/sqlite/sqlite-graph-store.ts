// GraphStore on an embedded SQLite file (better-sqlite3): WAL, versioned migrations, prepared statements, one
// transaction per document, FTS5 trigram search (works for Japanese) with a LIKE fallback for short terms.
import Database from 'better-sqlite3';
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

/** Schema migrations, applied in order; the applied count is kept in `PRAGMA user_version`. */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE documents (
     id TEXT PRIMARY KEY, url TEXT, content_hash TEXT NOT NULL, title TEXT NOT NULL, text TEXT NOT NULL,
     lang TEXT NOT NULL, published TEXT, source TEXT, origin TEXT NOT NULL, ingested_at TEXT NOT NULL, updated_at TEXT NOT NULL);
   CREATE INDEX documents_published ON documents(published);
   CREATE INDEX documents_hash ON documents(content_hash);
   CREATE TABLE objects (
     id TEXT PRIMARY KEY, type TEXT NOT NULL, name TEXT NOT NULL, aliases TEXT NOT NULL, stix TEXT NOT NULL,
     first_seen TEXT, last_seen TEXT, updated_at TEXT NOT NULL);
   CREATE INDEX objects_type ON objects(type);
   CREATE TABLE mentions (
     document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE, object_id TEXT NOT NULL REFERENCES objects(id),
     start INTEGER NOT NULL, "end" INTEGER NOT NULL, text TEXT NOT NULL, alias TEXT, sentence TEXT NOT NULL,
     sentence_start INTEGER NOT NULL, PRIMARY KEY (document_id, object_id, start));
   CREATE INDEX mentions_object ON mentions(object_id);
   CREATE TABLE relationship_evidence (
     relationship_id TEXT NOT NULL REFERENCES objects(id), document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
     start INTEGER NOT NULL, "end" INTEGER NOT NULL, sentence TEXT NOT NULL, PRIMARY KEY (relationship_id, document_id, start));
   CREATE VIRTUAL TABLE documents_fts USING fts5(title, text, content='documents', content_rowid='rowid', tokenize='trigram');
   CREATE TRIGGER documents_ai AFTER INSERT ON documents BEGIN
     INSERT INTO documents_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text); END;
   CREATE TRIGGER documents_ad AFTER DELETE ON documents BEGIN
     INSERT INTO documents_fts(documents_fts, rowid, title, text) VALUES ('delete', old.rowid, old.title, old.text); END;
   CREATE TRIGGER documents_au AFTER UPDATE ON documents BEGIN
     INSERT INTO documents_fts(documents_fts, rowid, title, text) VALUES ('delete', old.rowid, old.title, old.text);
     INSERT INTO documents_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text); END;
   CREATE VIRTUAL TABLE objects_fts USING fts5(name, aliases, content='objects', content_rowid='rowid', tokenize='trigram');
   CREATE TRIGGER objects_ai AFTER INSERT ON objects BEGIN
     INSERT INTO objects_fts(rowid, name, aliases) VALUES (new.rowid, new.name, new.aliases); END;
   CREATE TRIGGER objects_ad AFTER DELETE ON objects BEGIN
     INSERT INTO objects_fts(objects_fts, rowid, name, aliases) VALUES ('delete', old.rowid, old.name, old.aliases); END;
   CREATE TRIGGER objects_au AFTER UPDATE ON objects BEGIN
     INSERT INTO objects_fts(objects_fts, rowid, name, aliases) VALUES ('delete', old.rowid, old.name, old.aliases);
     INSERT INTO objects_fts(rowid, name, aliases) VALUES (new.rowid, new.name, new.aliases); END;`,
  `CREATE TABLE feeds (url TEXT PRIMARY KEY, state TEXT NOT NULL, updated_at TEXT NOT NULL);`,
  // TAXII needs object versions in the order they were added; the entity pages need relationships by end.
  `ALTER TABLE objects ADD COLUMN seq INTEGER;
   ALTER TABLE objects ADD COLUMN date_added TEXT;
   UPDATE objects SET seq = rowid, date_added = updated_at;
   CREATE INDEX objects_seq ON objects(seq);
   ALTER TABLE objects ADD COLUMN source_ref TEXT GENERATED ALWAYS AS (json_extract(stix, '$.source_ref')) VIRTUAL;
   ALTER TABLE objects ADD COLUMN target_ref TEXT GENERATED ALWAYS AS (json_extract(stix, '$.target_ref')) VIRTUAL;
   CREATE INDEX objects_source_ref ON objects(source_ref);
   CREATE INDEX objects_target_ref ON objects(target_ref);
   CREATE TABLE api_keys (id TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL, hash TEXT NOT NULL UNIQUE,
     created_at TEXT NOT NULL, revoked_at TEXT);
   CREATE TABLE watchlists (id TEXT PRIMARY KEY, name TEXT NOT NULL, entity_ids TEXT NOT NULL, keywords TEXT NOT NULL,
     webhook TEXT, created_at TEXT NOT NULL);
   CREATE TABLE watch_hits (
     watchlist_id TEXT NOT NULL REFERENCES watchlists(id) ON DELETE CASCADE,
     document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE, matched TEXT NOT NULL, created_at TEXT NOT NULL,
     delivered_at TEXT, attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT, PRIMARY KEY (watchlist_id, document_id));
   CREATE INDEX watch_hits_created ON watch_hits(created_at);`,
  `CREATE TABLE mention_feedback (
     document_id TEXT NOT NULL, object_id TEXT NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL, surface TEXT NOT NULL,
     verdict TEXT NOT NULL, new_type TEXT, created_at TEXT NOT NULL, created_by TEXT, PRIMARY KEY (document_id, object_id, start));`,
  // Re-index an object for search only when its name or aliases change, not on every mention.
  `DROP TRIGGER objects_au;
   CREATE TRIGGER objects_au AFTER UPDATE OF name, aliases ON objects BEGIN
     INSERT INTO objects_fts(objects_fts, rowid, name, aliases) VALUES ('delete', old.rowid, old.name, old.aliases);
     INSERT INTO objects_fts(rowid, name, aliases) VALUES (new.rowid, new.name, new.aliases); END;`,
  // Latin-script queries use a word index (Porter stemming): several times faster than trigrams on common words.
  `CREATE VIRTUAL TABLE documents_words USING fts5(title, text, content='documents', content_rowid='rowid',
     tokenize='porter unicode61 remove_diacritics 2');
   INSERT INTO documents_words(documents_words) VALUES ('rebuild');
   CREATE TRIGGER documents_words_ai AFTER INSERT ON documents BEGIN
     INSERT INTO documents_words(rowid, title, text) VALUES (new.rowid, new.title, new.text); END;
   CREATE TRIGGER documents_words_ad AFTER DELETE ON documents BEGIN
     INSERT INTO documents_words(documents_words, rowid, title, text) VALUES ('delete', old.rowid, old.title, old.text); END;
   CREATE TRIGGER documents_words_au AFTER UPDATE OF title, text ON documents BEGIN
     INSERT INTO documents_words(documents_words, rowid, title, text) VALUES ('delete', old.rowid, old.title, old.text);
     INSERT INTO documents_words(rowid, title, text) VALUES (new.rowid, new.title, new.text); END;`,
  // The trigram index serves only queries with non-Latin terms, which can only match documents that contain such
  // characters: index just those (most English reports are not), and re-index only when title or text change.
  // Documents stored before keep their entries (flag 1), so nothing is lost.
  `ALTER TABLE documents ADD COLUMN trigram INTEGER NOT NULL DEFAULT 1;
   DROP TRIGGER documents_ai;
   DROP TRIGGER documents_ad;
   DROP TRIGGER documents_au;
   CREATE TRIGGER documents_ai AFTER INSERT ON documents WHEN new.trigram = 1 BEGIN
     INSERT INTO documents_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text); END;
   CREATE TRIGGER documents_ad AFTER DELETE ON documents WHEN old.trigram = 1 BEGIN
     INSERT INTO documents_fts(documents_fts, rowid, title, text) VALUES ('delete', old.rowid, old.title, old.text); END;
   CREATE TRIGGER documents_au AFTER UPDATE OF title, text, trigram ON documents BEGIN
     INSERT INTO documents_fts(documents_fts, rowid, title, text) SELECT 'delete', old.rowid, old.title, old.text WHERE old.trigram = 1;
     INSERT INTO documents_fts(rowid, title, text) SELECT new.rowid, new.title, new.text WHERE new.trigram = 1; END;
   CREATE INDEX documents_trigram_published ON documents(trigram, published);
   DROP TRIGGER objects_au;
   CREATE TRIGGER objects_au AFTER UPDATE OF name, aliases ON objects
     WHEN old.name IS NOT new.name OR old.aliases IS NOT new.aliases BEGIN
     INSERT INTO objects_fts(objects_fts, rowid, name, aliases) VALUES ('delete', old.rowid, old.name, old.aliases);
     INSERT INTO objects_fts(rowid, name, aliases) VALUES (new.rowid, new.name, new.aliases); END;`,
  // Each sentence that holds a mention or relationship evidence is stored once, not with every mention (it was most
  // of a store's size). Rows written before keep their own copy in mentions.sentence; new rows leave it empty.
  `CREATE TABLE sentences (
     document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE, start INTEGER NOT NULL, text TEXT NOT NULL,
     PRIMARY KEY (document_id, start)) WITHOUT ROWID;`,
];
interface ObjectRow {
  id: string;
  type: string;
  name: string;
  aliases: string;
  stix: string;
  first_seen: string | null;
  last_seen: string | null;
  mention_count?: number;
}

/** Open (and migrate) a SQLite store. A file that is not a kizashi database is a clear error. */
export function openSqliteStore(path: string): SqliteGraphStore {
  let db: Database.Database;
  try {
    db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    db.pragma('synchronous = NORMAL');
    // Checkpoint the WAL every ~40 MB instead of every 4 MB: hot index pages are copied back once, not ten times
    // (about +40% documents stored per second); a 64 MB page cache keeps the indexes of a large store in memory.
    db.pragma('wal_autocheckpoint = 10000');
    db.pragma('cache_size = -65536');
  } catch (error) {
    throw new KizashiError(`${path}: cannot open the SQLite database (${(error as Error).message})`, { cause: error });
  }
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > MIGRATIONS.length) {
    db.close();
    throw new KizashiError(
      `${path}: database schema version ${version} is newer than this kizashi (${MIGRATIONS.length}); upgrade kizashi`,
    );
  }
  for (let v = version; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v] ?? '');
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
  return new SqliteGraphStore(db);
}

/** Documents in a TAXII collection's scope: by source and/or an explicit id list. */
const SCOPE_DOCS = '(@source IS NULL OR d.source = @source) AND (@docs IS NULL OR d.id IN (SELECT value FROM json_each(@docs)))';

/** A query term in Latin script (with digits and punctuation): the word index can answer it. */
const LATIN_TERM = /^[\p{Script=Latin}\p{N}\p{P}\p{S}]+$/u;
/** A stored object's JSON without its per-document timestamps (quotes inside JSON strings are escaped, so only keys match). */
function withoutTimestamps(json: string): string {
  return json.replace(/"(?:created|modified)":"[^"]*",?/g, '');
}

/** Document search ranks by relevance among this many most recently stored matches. */
const RANK_WINDOW = 2000;
/** A character no Latin term has: the documents the trigram index must hold. */
const NON_LATIN_CHAR = /[^\p{Script=Latin}\p{N}\p{P}\p{S}\s]/u;

const MAX_STATEMENTS = 256;

/**
 * What putDocument needs to know of a stored object: its aliases, its STIX (parsed, and as JSON without timestamps), and its
 * first/last-seen range. Kept per connection so that the objects most documents name (countries, well-known actors,
 * techniques) are not read back for every document.
 */
interface KnownObject {
  readonly aliases: readonly string[];
  readonly content: string;
  /**
   * The content is JSON this process wrote, key order and all: a byte difference is a content difference, and the
   * canonical comparison (for JSON from elsewhere: another backend, an older version) can be skipped.
   */
  readonly exact: boolean;
  /** The stored STIX object, for merging a new document's view into it (mergeStoredObject). */
  readonly stix: Record<string, unknown>;
  /** Its first/last-seen range, with what the open batch has widened and not yet written. */
  readonly range: SeenRange;
}
interface SeenRange {
  readonly first: string | null;
  readonly last: string | null;
}
/** An object's first/last-seen columns (a row, or what a write left: RETURNING). */
interface SeenRow {
  first_seen: string | null;
  last_seen: string | null;
}
const seenRange = (row: SeenRow | undefined): SeenRange => ({ first: row?.first_seen ?? null, last: row?.last_seen ?? null });
const NO_RANGE: SeenRange = { first: null, last: null };
/** A first/last-seen range widened to include `seen` (ISO timestamps compare as strings, as the SQL does). */
const widen = (range: SeenRange, seen: string | null): SeenRange =>
  seen === null
    ? range
    : {
        first: range.first === null || seen < range.first ? seen : range.first,
        last: range.last === null || seen > range.last ? seen : range.last,
      };
/** The smallest range holding both. */
const union = (a: SeenRange, b: SeenRange): SeenRange => widen(widen(a, b.first), b.last);
/** Cached objects at most (a few MB); the cache starts over when full. */
const MAX_KNOWN_OBJECTS = 5000;

export class SqliteGraphStore implements GraphStore {
  private readonly stmt;
  /** Object cache for putDocument; valid while no other connection commits (checked with PRAGMA data_version). */
  private readonly known = new Map<string, KnownObject>();
  /** Seen ranges widened inside the open batch, written when it commits (see putDocument). */
  private readonly pendingSeen = new Map<string, SeenRange>();
  private dataVersion = -1;
  /** Prepared statements by SQL text: preparing costs more than running most of these queries. */
  private readonly statements = new Map<string, Database.Statement>();

  constructor(private readonly db: Database.Database) {
    this.stmt = {
      getDoc: db.prepare<[string], DocumentRow>('SELECT * FROM documents WHERE id = ?'),
      insertDoc: db.prepare(
        `INSERT INTO documents (id, url, content_hash, title, text, lang, published, source, origin, ingested_at, updated_at, trigram)
         VALUES (@id, @url, @content_hash, @title, @text, @lang, @published, @source, @origin, @now, @now, @trigram)`,
      ),
      updateDoc: db.prepare(
        `UPDATE documents SET url = @url, content_hash = @content_hash, title = @title, text = @text, lang = @lang,
         published = @published, source = @source, origin = @origin, updated_at = @now, trigram = @trigram WHERE id = @id`,
      ),
      deleteMentions: db.prepare('DELETE FROM mentions WHERE document_id = ?'),
      deleteEvidence: db.prepare('DELETE FROM relationship_evidence WHERE document_id = ?'),
      deleteSentences: db.prepare('DELETE FROM sentences WHERE document_id = ?'),
      insertSentence: db.prepare('INSERT OR IGNORE INTO sentences (document_id, start, text) VALUES (?, ?, ?)'),
      getObject: db.prepare<[string], ObjectRow>('SELECT * FROM objects WHERE id = ?'),
      dataVersion: db.prepare<[], number>('PRAGMA data_version').pluck(),
      upsertObject: db.prepare<Record<string, unknown>, SeenRow>(
        `INSERT INTO objects (id, type, name, aliases, stix, first_seen, last_seen, updated_at, seq, date_added)
         VALUES (@id, @type, @name, @aliases, @stix, @seen, @seen, @now, (SELECT coalesce(max(seq), 0) + 1 FROM objects), @now)
         ON CONFLICT(id) DO UPDATE SET name = excluded.name, aliases = @aliases, stix = excluded.stix,
           seq = CASE WHEN objects.stix = excluded.stix THEN objects.seq ELSE excluded.seq END,
           date_added = CASE WHEN objects.stix = excluded.stix THEN objects.date_added ELSE excluded.date_added END,
           first_seen = CASE WHEN @seen IS NULL THEN first_seen WHEN first_seen IS NULL OR @seen < first_seen THEN @seen ELSE first_seen END,
           last_seen = CASE WHEN @seen IS NULL THEN last_seen WHEN last_seen IS NULL OR @seen > last_seen THEN @seen ELSE last_seen END,
           updated_at = @now
         RETURNING first_seen, last_seen`,
      ),
      touchSeen: db.prepare<Record<string, unknown>, SeenRow>(
        `UPDATE objects SET first_seen = CASE WHEN first_seen IS NULL OR @first < first_seen THEN @first ELSE first_seen END,
           last_seen = CASE WHEN last_seen IS NULL OR @last > last_seen THEN @last ELSE last_seen END, updated_at = @now WHERE id = @id
         RETURNING first_seen, last_seen`,
      ),
      insertMention: db.prepare(
        `INSERT OR IGNORE INTO mentions (document_id, object_id, start, "end", text, alias, sentence, sentence_start)
         VALUES (@document_id, @object_id, @start, @end, @text, @alias, @sentence, @sentence_start)`,
      ),
      insertEvidence: db.prepare(
        `INSERT OR IGNORE INTO relationship_evidence (relationship_id, document_id, start, "end", sentence)
         VALUES (@relationship_id, @document_id, @start, @end, @sentence)`,
      ),
    };
  }

  putDocument(doc: KizashiDocument, bundle: Bundle, contentHash: string): Promise<PutResult> {
    const now = new Date().toISOString();
    // Objects this document writes, for the cache once its transaction has succeeded (not before: a failed document
    // rolls back to its savepoint and must leave the cache as it was).
    const written = new Map<string, KnownObject>();
    // Inside a batch, seen ranges that widen are written once per object when the batch commits (news arrives in
    // date order, so nearly every document widens the range of every object it names: one row rewrite each).
    const deferSeen = this.db.inTransaction;
    const widened = new Map<string, SeenRange>();
    const run = this.db.transaction((): PutResult => {
      this.syncKnown();
      const existing = this.stmt.getDoc.get(doc.id);
      if (existing && existing.content_hash === contentHash) return 'unchanged';
      const row = {
        id: doc.id,
        url: doc.url ?? null,
        content_hash: contentHash,
        title: doc.title,
        text: doc.text,
        lang: doc.lang,
        published: doc.published ?? null,
        source: doc.source ?? null,
        origin: doc.origin,
        now,
        trigram: NON_LATIN_CHAR.test(doc.title) || NON_LATIN_CHAR.test(doc.text) ? 1 : 0,
      };
      if (existing) {
        this.stmt.deleteMentions.run(doc.id);
        this.stmt.deleteEvidence.run(doc.id);
        this.stmt.deleteSentences.run(doc.id);
        this.stmt.updateDoc.run(row);
      } else this.stmt.insertDoc.run(row);
      const seen = doc.published ?? null;
      const sentences = new Set<number>();
      const keepSentence = (start: number, text: string): void => {
        if (sentences.has(start)) return;
        sentences.add(start);
        this.stmt.insertSentence.run(doc.id, start, text);
      };
      for (const raw of bundle.objects) {
        if (raw.type === 'report') continue;
        const object = raw as unknown as Record<string, unknown> & { id: string; type: string };
        const { x_kizashi_evidence: evidence, ...stix } = object as { x_kizashi_evidence?: Evidence[] } & Record<string, unknown>;
        // (An object twice in one bundle, as a STIX import may have, sees its first version.)
        const prior = written.get(object.id) ?? this.known.get(object.id) ?? this.readKnown(object.id);
        const aliases = new Set<string>(prior?.aliases);
        const knownAliases = aliases.size;
        for (const a of [stix.aliases, stix.x_kizashi_aliases]) if (Array.isArray(a)) for (const v of a) aliases.add(String(v));
        // Most mentions change nothing about the object: skip the write (and the search-index update) then; when only
        // the first/last-seen range widens (store metadata, not STIX content) update just that.
        const merged = mergeStoredObject(prior?.stix, stix);
        const json = JSON.stringify(merged);
        const content = withoutTimestamps(json);
        const sameObject =
          prior !== undefined &&
          aliases.size === knownAliases &&
          // Fast path: our own JSON, byte for byte, apart from the timestamps; else the canonical comparison.
          (prior.content === content || (!prior.exact && sameContent(prior.stix, merged)));
        if (sameObject && !withinSeen(prior.range.first, prior.range.last, seen)) {
          if (deferSeen) {
            const range = widen(prior.range, seen);
            widened.set(object.id, range);
            written.set(object.id, { ...prior, range });
          } else {
            written.set(object.id, {
              ...prior,
              range: seenRange(this.stmt.touchSeen.get({ id: object.id, first: seen, last: seen, now })),
            });
          }
        } else if (!sameObject) {
          const row = this.stmt.upsertObject.get({
            id: object.id,
            type: object.type,
            name: objectName(merged),
            aliases: JSON.stringify([...aliases]),
            stix: json,
            seen,
            now,
          });
          // (A range widening still pending in this batch is applied at its end; the cache knows it already.)
          const range = union(seenRange(row), this.pendingSeen.get(object.id) ?? NO_RANGE);
          written.set(object.id, { aliases: [...aliases], content, exact: true, stix: merged, range });
        }
        for (const e of evidence ?? []) {
          keepSentence(evidenceSentenceStart(object.type, e), e.sentence);
          if (object.type === 'relationship') {
            this.stmt.insertEvidence.run({ relationship_id: object.id, document_id: doc.id, start: e.start, end: e.end, sentence: '' });
          } else {
            this.stmt.insertMention.run({
              document_id: doc.id,
              object_id: object.id,
              start: e.start,
              end: e.end,
              text: e.text,
              alias: e.alias ?? null,
              sentence: '',
              sentence_start: e.sentence_start,
            });
          }
        }
      }
      return existing ? 'updated' : 'new';
    });
    // A failure is a rejected promise, as from every other backend, not a synchronous throw.
    try {
      const result = run.immediate();
      if (this.known.size + written.size > MAX_KNOWN_OBJECTS) this.known.clear();
      for (const [id, known] of written) this.known.set(id, known);
      for (const [id, range] of widened) {
        const pending = this.pendingSeen.get(id);
        this.pendingSeen.set(id, pending ? union(pending, range) : range);
      }
      return Promise.resolve(result);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  getDocument(id: string): Promise<StoredDocument | undefined> {
    const row = this.stmt.getDoc.get(id);
    return Promise.resolve(row ? toDocument(row) : undefined);
  }

  listDocuments(options: { since?: string; until?: string; limit?: number; offset?: number } = {}): Promise<StoredDocument[]> {
    const rows = this.sql<unknown[], DocumentRow>(
      `SELECT * FROM documents WHERE (@since IS NULL OR published >= @since) AND (@until IS NULL OR published < @until)
         ORDER BY published DESC, id LIMIT @limit OFFSET @offset`,
    ).all({ since: options.since ?? null, until: options.until ?? null, limit: options.limit ?? 100, offset: options.offset ?? 0 });
    return Promise.resolve(rows.map(toDocument));
  }

  getObject(id: string): Promise<StoredObject | undefined> {
    const row = this.sql<[string], ObjectRow>(
      'SELECT o.*, (SELECT count(*) FROM mentions m WHERE m.object_id = o.id) AS mention_count FROM objects o WHERE id = ?',
    ).get(id);
    return Promise.resolve(row ? toObject(row) : undefined);
  }

  listObjects(options: { type?: string; limit?: number; offset?: number } = {}): Promise<StoredObject[]> {
    const rows = this.sql<unknown[], ObjectRow>(
      `SELECT o.*, (SELECT count(*) FROM mentions m WHERE m.object_id = o.id) AS mention_count FROM objects o
         WHERE (@type IS NULL OR type = @type) ORDER BY mention_count DESC, name LIMIT @limit OFFSET @offset`,
    ).all({ type: options.type ?? null, limit: options.limit ?? 100, offset: options.offset ?? 0 });
    return Promise.resolve(rows.map(toObject));
  }

  mentions(options: { objectId?: string; documentId?: string }): Promise<StoredMention[]> {
    const rows = this.sql<unknown[], MentionRow>(
      `SELECT ${MENTION_COLUMNS} FROM mentions m LEFT JOIN sentences s ON s.document_id = m.document_id AND s.start = m.sentence_start
         WHERE (@object IS NULL OR m.object_id = @object) AND (@doc IS NULL OR m.document_id = @doc) ORDER BY m.document_id, m.start`,
    ).all({ object: options.objectId ?? null, doc: options.documentId ?? null });
    return Promise.resolve(rows.map(toMention));
  }

  search(query: string, options: SearchOptions = {}): Promise<SearchHit[]> {
    // Each term is quoted for FTS5 below: no operators from user input.
    const terms = searchTerms(query);
    if (terms.length === 0) return Promise.resolve([]);
    const limit = Math.min(options.limit ?? 20, 200);
    const hits: SearchHit[] = [];
    // FTS5 trigram never matches terms shorter than three characters (台湾, 米国): those use LIKE instead.
    const long = terms.filter((t) => [...t].length >= 3);
    const short = terms.filter((t) => [...t].length < 3);
    const match = long.map((t) => `"${t.replace(/"/g, '""')}"`).join(' AND ');
    const likeClauses = (columns: string[]): string =>
      short.map((_, i) => `(${columns.map((c) => `${c} LIKE @short${i} ESCAPE '\\'`).join(' OR ')})`).join(' AND ');
    const params: Record<string, unknown> = { match, limit, since: options.since ?? null, until: options.until ?? null };
    short.forEach((t, i) => (params[`short${i}`] = `%${t.replace(/[\\%_]/g, (c) => `\\${c}`)}%`));
    if (options.kind !== 'object') {
      // Latin-script terms go to the word index (any length); Japanese and mixed queries to the trigram index,
      // with LIKE for terms under three characters.
      const latin = terms.every((t) => LATIN_TERM.test(t));
      const fts = latin ? 'documents_words' : 'documents_fts';
      const indexed = latin ? terms : long;
      const unindexed = latin ? [] : short;
      params.dmatch = indexed.map((t) => `"${t.replace(/"/g, '""')}"`).join(' AND ');
      const filtered = Boolean(options.since ?? options.until ?? options.source ?? options.entity) || unindexed.length > 0;
      const where = [
        indexed.length > 0 ? `${fts} MATCH @dmatch` : '1',
        unindexed.length > 0 ? likeClauses(['d.title', 'd.text']) : '1',
        // Non-Latin terms are only in documents with non-Latin characters (the ones the trigram index holds).
        latin ? '1' : 'd.trigram = 1',
        '(@since IS NULL OR d.published >= @since)',
        '(@until IS NULL OR d.published < @until)',
        options.source ? 'd.source = @source' : '1',
        options.entity ? 'd.id IN (SELECT document_id FROM mentions WHERE object_id = @entity)' : '1',
      ].join(' AND ');
      if (options.source) params.source = options.source;
      if (options.entity) params.entity = options.entity;
      if (indexed.length > 0) {
        // Relevance among the RANK_WINDOW most recently stored matches: FTS5 walks its index newest first and stops
        // there, so a word found in half of a million documents costs the same as a rare one.
        params.window = RANK_WINDOW;
        // Without filters the window is ranked from the index alone and only the page of hits reads its documents.
        const window = filtered
          ? `SELECT d.rowid AS rid, bm25(${fts}) AS score FROM ${fts} JOIN documents d ON d.rowid = ${fts}.rowid
             WHERE ${where} ORDER BY ${fts}.rowid DESC LIMIT @window`
          : `SELECT rowid AS rid, bm25(${fts}) AS score FROM ${fts} WHERE ${fts} MATCH @dmatch ORDER BY rowid DESC LIMIT @window`;
        const ranked = this.sql<unknown[], { id: string; title: string; published: string | null; text: string; score: number }>(
          // The page is cut before the join, so only its documents are read.
          `SELECT d.id, d.title, d.published, d.text, r.score
             FROM (SELECT rid, score FROM (${window}) ORDER BY score LIMIT @limit) r JOIN documents d ON d.rowid = r.rid
             ORDER BY r.score`,
        ).all(params);
        // Snippets around the first term found in each hit's text (FTS5's snippet() re-tokenises every text: slower).
        for (const r of ranked) {
          hits.push({
            kind: 'document',
            id: r.id,
            title: r.title,
            snippet: highlight(r.text, indexed),
            ...(typeof r.published === 'string' ? { published: r.published } : {}),
            score: -r.score,
          });
        }
      } else {
        const sql = `SELECT d.id, d.title, d.published, d.text FROM documents d WHERE ${where} ORDER BY d.published DESC LIMIT @limit`;
        for (const r of this.sql<unknown[], Record<string, unknown>>(sql).all(params)) {
          hits.push({
            kind: 'document',
            id: String(r.id),
            title: String(r.title),
            snippet: highlight(String(r.text), unindexed),
            ...(typeof r.published === 'string' ? { published: r.published } : {}),
            score: 0,
          });
        }
      }
    }
    if (options.kind !== 'document') {
      const where = [
        long.length > 0 ? 'objects_fts MATCH @match' : '1',
        short.length > 0 ? likeClauses(['o.name', 'o.aliases']) : '1',
        options.type ? 'o.type = @type' : '1',
        "o.type <> 'relationship'",
      ].join(' AND ');
      if (options.type) params.type = options.type;
      const sql =
        long.length > 0
          ? `SELECT o.id, o.name, o.type, bm25(objects_fts) AS score FROM objects_fts JOIN objects o ON o.rowid = objects_fts.rowid
             WHERE ${where} ORDER BY score LIMIT @limit`
          : `SELECT o.id, o.name, o.type, 0 AS score FROM objects o WHERE ${where} LIMIT @limit`;
      for (const r of this.sql<unknown[], Record<string, unknown>>(sql).all(params)) {
        hits.push({
          kind: 'object',
          id: String(r.id),
          title: String(r.name),
          snippet: String(r.name),
          type: String(r.type),
          score: -Number(r.score),
        });
      }
    }
    return Promise.resolve(hits);
  }

  counts(): Promise<StoreCounts> {
    const one = (sql: string): number => (this.sql(sql).pluck().get() as number) ?? 0;
    return Promise.resolve({
      documents: one('SELECT count(*) FROM documents'),
      objects: one("SELECT count(*) FROM objects WHERE type <> 'relationship'"),
      mentions: one('SELECT count(*) FROM mentions'),
      relationships: one("SELECT count(*) FROM objects WHERE type = 'relationship'"),
    });
  }

  getFeedState(url: string): Promise<FeedState | undefined> {
    const row = this.sql<[string], { state: string }>('SELECT state FROM feeds WHERE url = ?').get(url);
    return Promise.resolve(row ? (JSON.parse(row.state) as FeedState) : undefined);
  }

  putFeedState(state: FeedState): Promise<void> {
    this.sql(
      'INSERT INTO feeds (url, state, updated_at) VALUES (?, ?, ?) ON CONFLICT(url) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at',
    ).run(state.url, JSON.stringify(state), new Date().toISOString());
    return Promise.resolve();
  }

  listFeedStates(): Promise<FeedState[]> {
    const rows = this.sql<[], { state: string }>('SELECT state FROM feeds ORDER BY url').all();
    return Promise.resolve(rows.map((r) => JSON.parse(r.state) as FeedState));
  }

  objectsAdded(options: AddedOptions): Promise<AddedPage> {
    const scoped = options.source !== undefined || options.documentIds !== undefined;
    const scope = `(SELECT m.object_id FROM mentions m JOIN documents d ON d.id = m.document_id WHERE ${SCOPE_DOCS}
                    UNION SELECT e.relationship_id FROM relationship_evidence e JOIN documents d ON d.id = e.document_id WHERE ${SCOPE_DOCS})`;
    const rows = this.sql<unknown[], { stix: string; seq: number; date_added: string }>(
      `SELECT stix, seq, date_added FROM objects WHERE seq > @after
           AND (@added_after IS NULL OR date_added > @added_after)
           AND (@types IS NULL OR type IN (SELECT value FROM json_each(@types)))
           AND (@ids IS NULL OR id IN (SELECT value FROM json_each(@ids)))
           ${scoped ? `AND id IN ${scope}` : ''}
         ORDER BY seq LIMIT @limit`,
    ).all({
      after: options.after === undefined ? 0 : Number(options.after) || 0,
      added_after: options.addedAfter ?? null,
      types: options.types ? JSON.stringify(options.types) : null,
      ids: options.ids ? JSON.stringify(options.ids) : null,
      ...(scoped ? { source: options.source ?? null, docs: options.documentIds ? JSON.stringify(options.documentIds) : null } : {}),
      limit: options.limit + 1,
    });
    const page = rows.slice(0, options.limit);
    const last = page[page.length - 1];
    return Promise.resolve({
      objects: page.map((r) => {
        const stix = JSON.parse(r.stix) as Record<string, unknown>;
        return { stix, dateAdded: r.date_added, version: stixVersion(stix, r.date_added) };
      }),
      ...(rows.length > options.limit && last ? { next: String(last.seq) } : {}),
    });
  }

  sources(): Promise<{ source: string; documents: number }[]> {
    return Promise.resolve(
      this.sql<[], { source: string; documents: number }>(
        'SELECT source, count(*) AS documents FROM documents WHERE source IS NOT NULL GROUP BY source ORDER BY source',
      ).all(),
    );
  }

  relationships(objectId: string): Promise<StoredObject[]> {
    const rows = this.sql<[string, string], ObjectRow>(
      `SELECT o.*, (SELECT count(*) FROM relationship_evidence e WHERE e.relationship_id = o.id) AS mention_count FROM objects o
         WHERE type = 'relationship' AND (source_ref = ? OR target_ref = ?) ORDER BY mention_count DESC`,
    ).all(objectId, objectId);
    return Promise.resolve(rows.map(toObject));
  }

  putApiKey(key: ApiKeyRecord): Promise<void> {
    this.sql(`INSERT INTO api_keys (${API_KEY_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)`).run(...apiKeyValues(key));
    return Promise.resolve();
  }

  apiKeyByHash(hash: string): Promise<ApiKeyRecord | undefined> {
    const row = this.sql<[string], ApiKeyRow>('SELECT * FROM api_keys WHERE hash = ?').get(hash);
    return Promise.resolve(row ? toApiKey(row) : undefined);
  }

  listApiKeys(): Promise<ApiKeyRecord[]> {
    return Promise.resolve(this.sql<[], ApiKeyRow>('SELECT * FROM api_keys ORDER BY created_at, id').all().map(toApiKey));
  }

  revokeApiKey(idOrName: string): Promise<boolean> {
    const r = this.sql('UPDATE api_keys SET revoked_at = ? WHERE (id = ? OR name = ?) AND revoked_at IS NULL').run(
      new Date().toISOString(),
      idOrName,
      idOrName,
    );
    return Promise.resolve(r.changes > 0);
  }

  putWatchlist(w: Watchlist): Promise<void> {
    this.sql(
      `INSERT INTO watchlists (id, name, entity_ids, keywords, webhook, created_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET name = excluded.name, entity_ids = excluded.entity_ids, keywords = excluded.keywords,
           webhook = excluded.webhook`,
    ).run(w.id, w.name, JSON.stringify(w.entityIds), JSON.stringify(w.keywords), w.webhook ?? null, w.createdAt);
    return Promise.resolve();
  }

  listWatchlists(): Promise<Watchlist[]> {
    return Promise.resolve(this.sql<[], WatchlistRow>('SELECT * FROM watchlists ORDER BY name, id').all().map(toWatchlist));
  }

  deleteWatchlist(id: string): Promise<boolean> {
    return Promise.resolve(this.sql('DELETE FROM watchlists WHERE id = ?').run(id).changes > 0);
  }

  addWatchHits(hits: readonly WatchHit[]): Promise<WatchHit[]> {
    const insert = this.sql(
      `INSERT OR IGNORE INTO watch_hits (watchlist_id, document_id, matched, created_at, attempts) VALUES (?, ?, ?, ?, 0)`,
    );
    const added = this.db.transaction(() =>
      hits.filter((h) => insert.run(h.watchlistId, h.documentId, JSON.stringify(h.matched), h.createdAt).changes > 0),
    )();
    return Promise.resolve(added.map((h) => ({ ...h, attempts: 0 })));
  }

  watchHits(options: { watchlistId?: string; since?: string; undelivered?: boolean; limit?: number }): Promise<WatchHit[]> {
    const rows = this.sql<unknown[], WatchHitRow>(
      `SELECT * FROM watch_hits WHERE (@wl IS NULL OR watchlist_id = @wl) AND (@since IS NULL OR created_at >= @since)
           AND (@undelivered = 0 OR delivered_at IS NULL) ORDER BY created_at DESC, document_id LIMIT @limit`,
    ).all({
      wl: options.watchlistId ?? null,
      since: options.since ?? null,
      undelivered: options.undelivered ? 1 : 0,
      limit: options.limit ?? 1000,
    });
    return Promise.resolve(rows.map(toWatchHit));
  }

  markWatchHit(
    watchlistId: string,
    documentId: string,
    update: { deliveredAt?: string; attempts: number; lastError?: string },
  ): Promise<void> {
    this.sql('UPDATE watch_hits SET delivered_at = ?, attempts = ?, last_error = ? WHERE watchlist_id = ? AND document_id = ?').run(
      update.deliveredAt ?? null,
      update.attempts,
      update.lastError ?? null,
      watchlistId,
      documentId,
    );
    return Promise.resolve();
  }

  putFeedback(f: MentionFeedback): Promise<void> {
    this.sql(
      `INSERT INTO mention_feedback (document_id, object_id, start, "end", surface, verdict, new_type, created_at, created_by)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(document_id, object_id, start) DO UPDATE SET verdict = excluded.verdict, new_type = excluded.new_type,
           created_at = excluded.created_at, created_by = excluded.created_by`,
    ).run(f.documentId, f.objectId, f.start, f.end, f.surface, f.verdict, f.newType ?? null, f.createdAt, f.by ?? null);
    return Promise.resolve();
  }

  listFeedback(options: { documentId?: string } = {}): Promise<MentionFeedback[]> {
    const rows = this.sql<unknown[], FeedbackRow>(
      'SELECT * FROM mention_feedback WHERE (@doc IS NULL OR document_id = @doc) ORDER BY created_at, document_id, start',
    ).all({ doc: options.documentId ?? null });
    return Promise.resolve(rows.map(toFeedback));
  }

  async batch<T>(work: () => Promise<T>): Promise<T> {
    if (this.db.inTransaction) return work();
    this.db.exec('BEGIN IMMEDIATE');
    try {
      return await work();
    } finally {
      // A statement error that ended the whole transaction leaves nothing to commit, and what the cache learnt
      // inside it is void; so is everything if the commit fails.
      if (!this.db.inTransaction) this.forget();
      else this.commitOrForget();
    }
  }

  /** Write the batch's pending seen ranges, then commit; on any failure roll back and forget what the batch learnt. */
  private commitOrForget(): void {
    try {
      const now = new Date().toISOString();
      for (const [id, range] of this.pendingSeen) this.stmt.touchSeen.run({ id, first: range.first, last: range.last, now });
      this.pendingSeen.clear();
      this.db.exec('COMMIT');
    } catch (error) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      this.forget();
      throw error;
    }
  }

  private forget(): void {
    this.known.clear();
    this.pendingSeen.clear();
  }

  /** Forget the object cache when another connection has committed since we last looked (PRAGMA data_version). */
  private syncKnown(): void {
    const version = this.stmt.dataVersion.get() ?? -1;
    if (version !== this.dataVersion) {
      this.known.clear();
      this.dataVersion = version;
    }
  }

  /** An object's stored state, read into the cache. */
  private readKnown(id: string): KnownObject | undefined {
    const row = this.stmt.getObject.get(id);
    if (!row) return undefined;
    const known = {
      aliases: JSON.parse(row.aliases) as string[],
      content: withoutTimestamps(row.stix),
      stix: JSON.parse(row.stix) as Record<string, unknown>,
      exact: false,
      // (With the range this batch has widened and not yet written.)
      range: union(seenRange(row), this.pendingSeen.get(id) ?? NO_RANGE),
    };
    this.known.set(id, known);
    return known;
  }

  /** A prepared statement for `sql`, prepared once (search builds a few dozen variants at most; the cache is bounded). */
  private sql<P extends unknown[] | object = unknown[], R = unknown>(sql: string): Database.Statement<P, R> {
    let statement = this.statements.get(sql);
    if (!statement) {
      if (this.statements.size >= MAX_STATEMENTS) this.statements.clear();
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement as Database.Statement<P, R>;
  }

  close(): Promise<void> {
    this.db.close();
    return Promise.resolve();
  }
}

function toObject(r: ObjectRow): StoredObject {
  return {
    id: r.id,
    type: r.type,
    name: r.name,
    aliases: JSON.parse(r.aliases) as string[],
    stix: JSON.parse(r.stix) as Record<string, unknown>,
    mentionCount: r.mention_count ?? 0,
    ...(r.first_seen ? { firstSeen: r.first_seen } : {}),
    ...(r.last_seen ? { lastSeen: r.last_seen } : {}),
  };
}
