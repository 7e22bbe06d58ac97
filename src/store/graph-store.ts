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
  readonly entities: readonly { type: string; name: string }[];
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

export interface GraphStore {
  /**
   * Store a document and its extraction bundle atomically. Same id and same text: 'unchanged' and nothing
   * written. Same id, new text: the document's own mentions and evidence are replaced, nobody else's.
   */
  putDocument(doc: KizashiDocument, bundle: Bundle, contentHash: string): Promise<PutResult>;
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
  close(): Promise<void>;
}
