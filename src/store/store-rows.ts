// Row shapes and conversions shared by the store backends (both use the same table layout).
import { canonicalJson, type Evidence } from '../core/stix.js';
import type { ApiKeyRecord, MentionFeedback, Role, StoredDocument, StoredMention, Watchlist, WatchHit } from './graph-store.js';

export interface DocumentRow {
  id: string;
  url: string | null;
  content_hash: string;
  title: string;
  text: string;
  lang: string;
  published: string | null;
  source: string | null;
  origin: string;
  ingested_at: string;
  updated_at: string;
}

/**
 * The columns of a mention row, its sentence from the sentences table (`s`), or from the row itself when it was
 * written before sentences were stored once.
 */
export const MENTION_COLUMNS = `m.document_id, m.object_id, m.start, m."end", m.text, m.alias,
  coalesce(nullif(m.sentence, ''), s.text, '') AS sentence, m.sentence_start`;

/**
 * Where the sentence of a piece of evidence starts, its key in the sentences table: a relationship's evidence is
 * the sentence itself, a mention lies inside one.
 */
export function evidenceSentenceStart(objectType: string, e: Evidence): number {
  return objectType === 'relationship' ? e.start : e.sentence_start;
}

/** The display name of any stored STIX object (name, value, key, hash, AS number …). */
export function objectName(stix: Record<string, unknown>): string {
  for (const key of ['name', 'value', 'key', 'pattern', 'relationship_type']) {
    const v = stix[key];
    if (typeof v === 'string' && v !== '') return v;
  }
  if (typeof stix.number === 'number') return `AS${stix.number}`;
  const hashes = stix.hashes as Record<string, string> | undefined;
  if (hashes) return Object.values(hashes)[0] ?? String(stix.id);
  return String(stix.id);
}

export function toDocument(r: DocumentRow): StoredDocument {
  return {
    id: r.id,
    title: r.title,
    text: r.text,
    lang: r.lang,
    origin: r.origin,
    contentHash: r.content_hash,
    ingestedAt: r.ingested_at,
    updatedAt: r.updated_at,
    ...(r.url ? { url: r.url } : {}),
    ...(r.published ? { published: r.published } : {}),
    ...(r.source ? { source: r.source } : {}),
  };
}

export interface MentionRow {
  document_id: string;
  object_id: string;
  start: number;
  end: number;
  text: string;
  alias: string | null;
  sentence: string;
  sentence_start: number;
}

export function toMention(r: MentionRow): StoredMention {
  return {
    documentId: r.document_id,
    objectId: r.object_id,
    start: Number(r.start),
    end: Number(r.end),
    text: r.text,
    ...(r.alias ? { alias: r.alias } : {}),
    sentence: r.sentence,
    sentenceStart: Number(r.sentence_start),
  };
}

/** Quotes and brackets a user may put around a search term ("LockBit", 「台湾」): not part of the term. */
const WRAPPING_CHAR = /[\p{Ps}\p{Pi}\p{Pe}\p{Pf}"'`]/u;
/** A term without the quotes and brackets around it (a loop, not a `…+$` pattern: that is quadratic on long input). */
function unwrapTerm(term: string): string {
  const chars = [...term];
  let start = 0;
  let end = chars.length;
  while (start < end && WRAPPING_CHAR.test(chars[start] ?? '')) start++;
  while (end > start && WRAPPING_CHAR.test(chars[end - 1] ?? '')) end--;
  return chars.slice(start, end).join('');
}

/**
 * The terms of a user's search query, for every backend: NFKC, split on spaces, quotes and brackets around a term
 * dropped, and terms without a letter or digit left out (a lone `"` or `[` would otherwise match the JSON syntax of
 * stored alias lists).
 */
export function searchTerms(query: string): string[] {
  return query
    .normalize('NFKC')
    .split(/[\s\u3000]+/)
    .map(unwrapTerm)
    .filter((t) => /[\p{L}\p{N}]/u.test(t));
}

/** `«term»` around the first matched term, with some context: the same shape as SQLite's snippets. */
export function highlight(text: string, terms: readonly string[]): string {
  const lower = text.toLowerCase();
  // Each term as written, then its stem for the word index's other forms ("emails" for "email", "phished").
  const forms = [...terms.map((t) => t.toLowerCase()), ...terms.map((t) => t.toLowerCase().replace(/(?:e?s|ed|ing|e)$/, ''))];
  for (const term of forms) {
    if (term.length < 2) continue;
    const at = lower.indexOf(term);
    if (at < 0) continue;
    let end = at + term.length;
    if (/[a-z]/.test(term)) while (end < text.length && /[\p{L}\p{N}]/u.test(text[end] ?? '')) end++; // the whole word
    return `${at > 40 ? '…' : ''}${text.slice(Math.max(0, at - 40), at)}«${text.slice(at, end)}»${text.slice(end, end + 40)}${end + 40 < text.length ? '…' : ''}`;
  }
  return text.slice(0, 80);
}

/** A JSON column: SQLite returns text, PostgreSQL's JSONB arrives parsed. */
function json<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

export interface ApiKeyRow {
  id: string;
  name: string;
  role: string;
  hash: string;
  created_at: string;
  revoked_at: string | null;
}

export function toApiKey(r: ApiKeyRow): ApiKeyRecord {
  return {
    id: r.id,
    name: r.name,
    role: r.role as Role,
    hash: r.hash,
    createdAt: r.created_at,
    ...(r.revoked_at ? { revokedAt: r.revoked_at } : {}),
  };
}

/** toApiKey's inverse: the values of `INSERT INTO api_keys (API_KEY_COLUMNS)`, in that order. */
export const API_KEY_COLUMNS = 'id, name, role, hash, created_at, revoked_at';
export function apiKeyValues(key: ApiKeyRecord): [string, string, string, string, string, string | null] {
  return [key.id, key.name, key.role, key.hash, key.createdAt, key.revokedAt ?? null];
}

export interface WatchlistRow {
  id: string;
  name: string;
  entity_ids: unknown;
  keywords: unknown;
  webhook: string | null;
  created_at: string;
}

export function toWatchlist(r: WatchlistRow): Watchlist {
  return {
    id: r.id,
    name: r.name,
    entityIds: json<string[]>(r.entity_ids),
    keywords: json<string[]>(r.keywords),
    createdAt: r.created_at,
    ...(r.webhook ? { webhook: r.webhook } : {}),
  };
}

export interface WatchHitRow {
  watchlist_id: string;
  document_id: string;
  matched: unknown;
  created_at: string;
  delivered_at: string | null;
  attempts: number;
  last_error: string | null;
}

export function toWatchHit(r: WatchHitRow): WatchHit {
  return {
    watchlistId: r.watchlist_id,
    documentId: r.document_id,
    matched: json<string[]>(r.matched),
    createdAt: r.created_at,
    attempts: Number(r.attempts),
    ...(r.delivered_at ? { deliveredAt: r.delivered_at } : {}),
    ...(r.last_error ? { lastError: r.last_error } : {}),
  };
}

/** The version of a STIX object (its `modified`, else `created`, else when it was added). */
export function stixVersion(stix: Record<string, unknown>, dateAdded: string): string {
  const v = stix.modified ?? stix.created;
  return typeof v === 'string' ? v : dateAdded;
}

export interface FeedbackRow {
  document_id: string;
  object_id: string;
  start: number;
  end: number;
  surface: string;
  verdict: string;
  new_type: string | null;
  created_at: string;
  created_by: string | null;
}

export function toFeedback(r: FeedbackRow): MentionFeedback {
  return {
    documentId: r.document_id,
    objectId: r.object_id,
    start: Number(r.start),
    end: Number(r.end),
    surface: r.surface,
    verdict: r.verdict as MentionFeedback['verdict'],
    createdAt: r.created_at,
    ...(r.new_type ? { newType: r.new_type } : {}),
    ...(r.created_by ? { by: r.created_by } : {}),
  };
}

/**
 * What a new document says of an object, merged into what the store holds. Each document's bundle describes the
 * object as that document saw it; fields about the object's whole history keep their widest value instead of
 * following the latest document: the highest confidence, the earliest `valid_from` (indicators) and `start_time`
 * (stances), every actor role, and the first `created`. So a document that adds nothing does not rewrite the
 * object, and TAXII clients get no new version without new content. `modified` never goes back: a new version
 * from an older document is stamped just after the stored one.
 */
export function mergeStoredObject(stored: Record<string, unknown> | undefined, next: Record<string, unknown>): Record<string, unknown> {
  if (!stored) return next;
  const merged: Record<string, unknown> = { ...next };
  const keepEarlier = (key: string): void => {
    const a = timeOf(stored[key]);
    const b = timeOf(next[key]);
    if (a !== undefined && (b === undefined || a < b)) merged[key] = stored[key];
  };
  keepEarlier('created');
  if (next.type === 'indicator') keepEarlier('valid_from');
  if (next.type === 'relationship') keepEarlier('start_time');
  const storedModified = timeOf(stored.modified);
  const nextModified = timeOf(next.modified);
  if (storedModified !== undefined && nextModified !== undefined && nextModified <= storedModified) {
    merged.modified = new Date(storedModified + 1).toISOString();
  }
  if (typeof stored.confidence === 'number' && typeof next.confidence === 'number' && stored.confidence > next.confidence) {
    merged.confidence = stored.confidence;
  }
  const roles = (o: Record<string, unknown>): string[] =>
    Array.isArray(o.x_kizashi_actor_roles) ? o.x_kizashi_actor_roles.map(String) : [];
  if (roles(stored).some((r) => !roles(next).includes(r)))
    merged.x_kizashi_actor_roles = [...new Set([...roles(stored), ...roles(next)])].sort();
  return merged;
}

/** A STIX timestamp in milliseconds, or undefined (absent or unparseable). */
function timeOf(value: unknown): number | undefined {
  const t = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  return Number.isNaN(t) ? undefined : t;
}

/** Same STIX content apart from the per-document timestamps (created/modified follow the latest document). */
export function sameContent(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const strip = ({ created: _c, modified: _m, ...rest }: Record<string, unknown>): Record<string, unknown> => rest;
  return canonicalJson(strip(a)) === canonicalJson(strip(b)); // key order differs after a JSONB round trip
}

/** True when `seen` adds nothing to the first/last-seen range. */
export function withinSeen(first: string | null, last: string | null, seen: string | null): boolean {
  if (seen === null) return true;
  return first !== null && last !== null && seen >= first && seen <= last;
}
