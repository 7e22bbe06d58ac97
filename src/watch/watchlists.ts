// Watchlists: entities and keywords an analyst follows. Every stored document is matched against them; new hits
// are kept in the store, shown in the digest and the API, and delivered to each watchlist's webhook with retries.
import { randomUUID } from 'node:crypto';
import type { KizashiDocument } from '../core/document.js';
import type { Bundle } from '../core/stix.js';
import { safeFetch, type FetchOptions } from '../ingest/fetcher.js';
import type { GraphStore, Watchlist, WatchHit } from '../store/graph-store.js';

const fold = (s: string): string => s.normalize('NFKC').toLowerCase();

/** What of a watchlist a document matches: the names of watched entities it mentions and the keywords it contains. */
export function matchWatchlist(
  watchlist: Watchlist,
  doc: { readonly title: string; readonly text: string },
  objects: readonly { readonly id: string; readonly name?: string }[],
): string[] {
  const matched: string[] = [];
  const watched = new Set(watchlist.entityIds);
  for (const o of objects) if (watched.has(o.id)) matched.push(o.name ?? o.id);
  const haystack = fold(`${doc.title}\n${doc.text}`);
  for (const k of watchlist.keywords) if (k.trim() !== '' && haystack.includes(fold(k.trim()))) matched.push(k);
  return [...new Set(matched)];
}

/** Match a just-stored document against every watchlist and record the new hits. */
export async function recordWatchHits(store: GraphStore, doc: KizashiDocument, bundle: Bundle): Promise<WatchHit[]> {
  const watchlists = await store.listWatchlists();
  if (watchlists.length === 0) return [];
  const objects = bundle.objects.map((o) => ({ id: o.id, ...('name' in o && typeof o.name === 'string' ? { name: o.name } : {}) }));
  const createdAt = new Date().toISOString();
  const hits: WatchHit[] = [];
  for (const w of watchlists) {
    const matched = matchWatchlist(w, doc, objects);
    if (matched.length > 0) hits.push({ watchlistId: w.id, documentId: doc.id, matched, createdAt, attempts: 0 });
  }
  return hits.length > 0 ? store.addWatchHits(hits) : [];
}

/** A new watchlist (validated): at least one entity or keyword; the webhook must be http(s). */
export function newWatchlist(input: {
  name: string;
  entityIds?: readonly string[];
  keywords?: readonly string[];
  webhook?: string;
}): Watchlist {
  const name = input.name.trim();
  if (name === '') throw new WatchlistError('name: must not be empty');
  const entityIds = [...new Set(input.entityIds ?? [])];
  const keywords = [...new Set((input.keywords ?? []).map((k) => k.trim()).filter((k) => k !== ''))];
  if (entityIds.length === 0 && keywords.length === 0) throw new WatchlistError('a watchlist needs at least one entity or keyword');
  for (const id of entityIds)
    if (!/^[a-z][a-z0-9-]*--[0-9a-f-]{36}$/.test(id)) throw new WatchlistError(`entityIds: "${id}" is not a STIX id`);
  if (input.webhook !== undefined) {
    let url: URL;
    try {
      url = new URL(input.webhook);
    } catch {
      throw new WatchlistError(`webhook: "${input.webhook}" is not a URL`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new WatchlistError('webhook: must be an http(s) URL');
  }
  return {
    id: randomUUID(),
    name,
    entityIds,
    keywords,
    createdAt: new Date().toISOString(),
    ...(input.webhook ? { webhook: input.webhook } : {}),
  };
}

export class WatchlistError extends Error {}

export interface DeliveryOptions {
  /** SSRF rules for webhook URLs (operators allow internal hosts explicitly). */
  readonly fetch?: FetchOptions;
  /** Attempts per hit across runs before it is given up (kept, with its last error). */
  readonly maxAttempts?: number;
  /** Tries within this run, with exponential backoff from `retryDelayMs`. */
  readonly triesPerRun?: number;
  readonly retryDelayMs?: number;
}

export interface DeliveryReport {
  readonly delivered: number;
  readonly failed: number;
}

/**
 * POST the undelivered hits of every watchlist with a webhook, one JSON message per watchlist, retrying with
 * backoff. A 2xx answer marks the hits delivered; anything else keeps them pending with the error.
 */
export async function deliverWebhooks(store: GraphStore, options: DeliveryOptions = {}): Promise<DeliveryReport> {
  const maxAttempts = options.maxAttempts ?? 8;
  const tries = options.triesPerRun ?? 3;
  const delay = options.retryDelayMs ?? 500;
  let delivered = 0;
  let failed = 0;
  for (const w of await store.listWatchlists()) {
    if (!w.webhook) continue;
    const pending = (await store.watchHits({ watchlistId: w.id, undelivered: true, limit: 500 })).filter((h) => h.attempts < maxAttempts);
    if (pending.length === 0) continue;
    const documents = await Promise.all(pending.map((h) => store.getDocument(h.documentId)));
    const body = JSON.stringify({
      watchlist: { id: w.id, name: w.name },
      hits: pending.map((h, i) => {
        const d = documents[i];
        return {
          matched: h.matched,
          document: { id: h.documentId, title: d?.title, url: d?.url, published: d?.published, source: d?.source },
          detectedAt: h.createdAt,
        };
      }),
    });
    let error: string | undefined;
    let attempts = 0;
    for (let t = 0; t < tries; t++) {
      if (t > 0) await new Promise((r) => setTimeout(r, delay * 2 ** (t - 1)));
      attempts++;
      try {
        const res = await safeFetch(w.webhook, {
          ...options.fetch,
          method: 'POST',
          body,
          headers: { 'content-type': 'application/json', 'x-kizashi-event': 'watchlist.hits' },
          totalTimeoutMs: options.fetch?.totalTimeoutMs ?? 10_000,
        });
        if (res.status >= 200 && res.status < 300) {
          error = undefined;
          break;
        }
        error = `HTTP ${res.status}`;
      } catch (e) {
        error = (e as Error).message;
      }
    }
    const deliveredAt = error === undefined ? new Date().toISOString() : undefined;
    for (const h of pending) {
      await store.markWatchHit(w.id, h.documentId, {
        attempts: h.attempts + attempts,
        ...(deliveredAt ? { deliveredAt } : {}),
        ...(error ? { lastError: error } : {}),
      });
    }
    if (error === undefined) delivered += pending.length;
    else failed += pending.length;
  }
  return { delivered, failed };
}
