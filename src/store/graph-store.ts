// The knowledge store's one interface. SQLite (embedded, default) and PostgreSQL implement it; one contract test
// suite (graph-store.contract.ts) runs against both.
import type { KizashiDocument } from '../core/document.js';
import type { Bundle } from '../core/stix.js';

export type PutResult = 'new' | 'updated' | 'unchanged';

export interface StoredDocument {
  readonly id: string;
  readonly title: string;
  readonly text: string;
  readonly lang: string;
  readonly url?: string;
  readonly published?: string;
  readonly source?: string;
  readonly origin: string;
  readonly contentHash: string;
  readonly ingestedAt: string;
  readonly updatedAt: string;
}

export interface StoredObject {
  readonly id: string;
  readonly type: string;
  readonly name: string;
  readonly aliases: readonly string[];
  /** The STIX object (without per-document evidence). */
  readonly stix: Record<string, unknown>;
  readonly firstSeen?: string;
  readonly lastSeen?: string;
  readonly mentionCount: number;
}

export interface StoredMention {
  readonly documentId: string;
  readonly objectId: string;
  readonly start: number;
  readonly end: number;
  readonly text: string;
  readonly alias?: string;
  readonly sentence: string;
  readonly sentenceStart: number;
}

export interface SearchHit {
  readonly kind: 'document' | 'object';
  readonly id: string;
  readonly title: string;
  /** Text around the match with the matched terms in «…». */
  readonly snippet: string;
  readonly type?: string;
  readonly published?: string;
  readonly score: number;
}

export interface SearchOptions {
  readonly kind?: 'document' | 'object';
  /** STIX type filter for objects ("intrusion-set"). */
  readonly type?: string;
  /** Only documents that mention this object id. */
  readonly entity?: string;
  readonly source?: string;
  readonly since?: string;
  readonly until?: string;
  readonly limit?: number;
}

export interface StoryListing {
  readonly id: string;
  readonly title: string;
  readonly documents: readonly { title: string; url?: string; published?: string; lang: string; source?: string }[];
  readonly entities: readonly StoryEntity[];
}

/**
 * An entity a story names: its STIX type and name; `sector` marks an identity that is an industry sector, and
 * `nameJa` is the name Japanese readers know it by, where that differs (警察庁, 中国, 政府機関; not for actors).
 */
export interface StoryEntity {
  readonly type: string;
  readonly name: string;
  readonly sector?: boolean;
  readonly nameJa?: string;
}

/** Per-feed polling state, kept by the store for `kizashi ingest --feeds` and `kizashi feeds`. */
export interface FeedState {
  readonly url: string;
  readonly etag?: string;
  readonly lastModified?: string;
  readonly lastFetchAt?: string;
  readonly nextFetchAt?: string;
  readonly consecutiveErrors: number;
  readonly lastError?: string;
  readonly itemsSeen: number;
}

export interface StoreCounts {
  readonly documents: number;
  readonly objects: number;
  readonly mentions: number;
  readonly relationships: number;
}

/** One object version as the TAXII feed serves it: in the order it was added, with a resumable cursor. */
export interface AddedObject {
  readonly stix: Record<string, unknown>;
  readonly dateAdded: string;
  readonly version: string;
}

export interface AddedOptions {
  /** Opaque cursor from a previous page's `next`. */
  readonly after?: string;
  /** Only versions added after this timestamp. */
  readonly addedAfter?: string;
  readonly types?: readonly string[];
  readonly ids?: readonly string[];
  /** Only objects evidenced in documents from this source, or in these documents. */
  readonly source?: string;
  readonly documentIds?: readonly string[];
  readonly limit: number;
}

export interface AddedPage {
  readonly objects: AddedObject[];
  /** Cursor for the next page; absent when this page reached the end. */
  readonly next?: string;
}

export type Role = 'reader' | 'editor' | 'admin';

/** An API key as stored: only the SHA-256 of the secret is kept. */
export interface ApiKeyRecord {
  readonly id: string;
  readonly name: string;
  readonly role: Role;
  readonly hash: string;
  readonly createdAt: string;
  readonly revokedAt?: string;
}

/** Entities or keywords an analyst follows; matches go to the digest and, if set, a webhook. */
export interface Watchlist {
  readonly id: string;
  readonly name: string;
  readonly entityIds: readonly string[];
  readonly keywords: readonly string[];
  readonly webhook?: string;
  readonly createdAt: string;
}

export interface WatchHit {
  readonly watchlistId: string;
  readonly documentId: string;
  /** What matched: entity names and keywords. */
  readonly matched: readonly string[];
  readonly createdAt: string;
  readonly deliveredAt?: string;
  readonly attempts: number;
  readonly lastError?: string;
}

/** An analyst's verdict on one extracted mention; it changes how later documents are extracted. */
export interface MentionFeedback {
  readonly documentId: string;
  readonly objectId: string;
  readonly start: number;
  readonly end: number;
  /** The text that was matched. */
  readonly surface: string;
  readonly verdict: 'confirm' | 'reject' | 'retype';
  /** For "retype": the STIX type the surface should be (intrusion-set, malware, tool, identity …). */
  readonly newType?: string;
  readonly createdAt: string;
  /** API key id (or "cli") of the analyst. */
  readonly by?: string;
}

export interface GraphStore {
  /**
   * Store a document and its extraction bundle atomically. Same id and same text: 'unchanged' and nothing
   * written. Same id, new text: the document's own mentions and evidence are replaced, nobody else's.
   */
  putDocument(doc: KizashiDocument, bundle: Bundle, contentHash: string): Promise<PutResult>;
  /**
   * Run `work` with its writes grouped into one commit where the backend gains from it (SQLite: index pages that
   * every document touches are written once per batch). Each putDocument inside stays atomic on its own — a
   * failing one is rolled back alone — and what was stored before an error in `work` stays stored.
   */
  batch<T>(work: () => Promise<T>): Promise<T>;
  getDocument(id: string): Promise<StoredDocument | undefined>;
  listDocuments(options?: { since?: string; until?: string; limit?: number; offset?: number }): Promise<StoredDocument[]>;
  getObject(id: string): Promise<StoredObject | undefined>;
  listObjects(options?: { type?: string; limit?: number; offset?: number }): Promise<StoredObject[]>;
  mentions(options: { objectId?: string; documentId?: string }): Promise<StoredMention[]>;
  search(query: string, options?: SearchOptions): Promise<SearchHit[]>;
  counts(): Promise<StoreCounts>;
  /** Per-feed polling state (ETag, Last-Modified, errors, next fetch). */
  getFeedState(url: string): Promise<FeedState | undefined>;
  putFeedState(state: FeedState): Promise<void>;
  listFeedStates(): Promise<FeedState[]>;
  /** Object versions in the order they were added (TAXII); exactly once per version while writers keep adding. */
  objectsAdded(options: AddedOptions): Promise<AddedPage>;
  /** The sources (outlets, feeds) documents came from, with how many documents each. */
  sources(): Promise<{ source: string; documents: number }[]>;
  /** Relationships whose source or target is the object. */
  relationships(objectId: string): Promise<StoredObject[]>;
  putApiKey(key: ApiKeyRecord): Promise<void>;
  apiKeyByHash(hash: string): Promise<ApiKeyRecord | undefined>;
  listApiKeys(): Promise<ApiKeyRecord[]>;
  /** Revoke by id or name; false when no active key matched. */
  revokeApiKey(idOrName: string): Promise<boolean>;
  putWatchlist(watchlist: Watchlist): Promise<void>;
  listWatchlists(): Promise<Watchlist[]>;
  deleteWatchlist(id: string): Promise<boolean>;
  /** Record hits; returns those that were new (a document matches a watchlist once). */
  addWatchHits(hits: readonly WatchHit[]): Promise<WatchHit[]>;
  watchHits(options: { watchlistId?: string; since?: string; undelivered?: boolean; limit?: number }): Promise<WatchHit[]>;
  markWatchHit(
    watchlistId: string,
    documentId: string,
    update: { deliveredAt?: string; attempts: number; lastError?: string },
  ): Promise<void>;
  /** Record a verdict (the latest verdict on a mention wins). */
  putFeedback(feedback: MentionFeedback): Promise<void>;
  listFeedback(options?: { documentId?: string }): Promise<MentionFeedback[]>;
  close(): Promise<void>;
}
