// Row shapes and conversions shared by the store backends (both use the same table layout).
import type { StoredDocument, StoredMention } from './graph-store.js';

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

/** `«term»` around the first matched term, with some context: the same shape as SQLite's snippets. */
export function highlight(text: string, terms: readonly string[]): string {
  const lower = text.toLowerCase();
  for (const term of terms) {
    const at = lower.indexOf(term.toLowerCase());
    if (at < 0) continue;
    const end = at + term.length;
    return `${at > 40 ? '…' : ''}${text.slice(Math.max(0, at - 40), at)}«${text.slice(at, end)}»${text.slice(end, end + 40)}${end + 40 < text.length ? '…' : ''}`;
  }
  return text.slice(0, 80);
}
