// Feed and web-page ingestion: poll each due feed (state kept in the store), turn items into documents,
// extract and store them. A failing feed or item is reported and skipped, never aborting the batch.
import { readFile } from 'node:fs/promises';
import { parseOpml } from 'feedsmith';
import { documentId } from '../core/document.js';
import { describeError, InputError } from '../core/errors.js';
import type { Extractor } from '../extract/extract-document.js';
import type { GraphStore, PutResult } from '../store/graph-store.js';
import { feedItemDocument, pollFeed } from './feeds.js';
import { safeFetch, type FetchOptions } from './fetcher.js';
import { storeDocument } from './ingest-files.js';
import { parseDocumentBytes } from './read-document.js';

export interface FeedRunResult {
  readonly url: string;
  readonly outcome: 'items' | 'not-modified' | 'not-due' | 'error';
  readonly error?: string;
  readonly counts: Record<PutResult | 'failed', number>;
}

/** Feed URLs of a list file: one per line (# comments), or an OPML export from a feed reader. */
export async function readFeedList(path: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new InputError(path, `cannot read the feed list (${(error as NodeJS.ErrnoException).code ?? 'error'})`, { cause: error });
  }
  if (/<opml[\s>]/i.test(text.slice(0, 4000))) {
    const opml = parseOpml(text) as unknown as { body?: { outlines?: unknown[] } };
    const urls: string[] = [];
    const walk = (outlines: unknown[] | undefined): void => {
      for (const o of outlines ?? []) {
        const outline = o as { xmlUrl?: string; outlines?: unknown[] };
        if (outline.xmlUrl) urls.push(outline.xmlUrl);
        walk(outline.outlines);
      }
    };
    walk(opml.body?.outlines);
    return urls;
  }
  return text
    .split('\n')
    .map((l) => (l.trim().startsWith('#') ? '' : (l.trim().split(/\s/)[0] ?? '')))
    .filter((l) => /^https?:\/\//i.test(l));
}

/** Poll every due feed once and ingest its items. */
export async function ingestFeeds(
  urls: readonly string[],
  extractor: Extractor,
  store: GraphStore,
  options: { fetch?: FetchOptions; force?: boolean; now?: Date; intervalMs?: number } = {},
): Promise<FeedRunResult[]> {
  const now = options.now ?? new Date();
  const results: FeedRunResult[] = [];
  for (const url of urls) {
    const counts = { new: 0, updated: 0, unchanged: 0, failed: 0 };
    const state = await store.getFeedState(url);
    if (!options.force && state?.nextFetchAt && state.nextFetchAt > now.toISOString()) {
      results.push({ url, outcome: 'not-due', counts });
      continue;
    }
    const outcome = await pollFeed(url, state, {
      ...(options.fetch ? { fetch: options.fetch } : {}),
      now,
      ...(options.intervalMs ? { intervalMs: options.intervalMs } : {}),
    });
    await store.putFeedState(outcome.state);
    if (outcome.kind === 'items') {
      for (const item of outcome.feed.items) {
        const doc = feedItemDocument(item, outcome.feed.title, url);
        if (!doc) continue;
        try {
          counts[(await storeDocument(doc, extractor, store)).result]++;
        } catch {
          counts.failed++;
        }
      }
    }
    results.push({ url, outcome: outcome.kind, counts, ...(outcome.kind === 'error' ? { error: outcome.error } : {}) });
  }
  return results;
}

/** Fetch one web page (the article text, not the navigation) and ingest it. */
export async function ingestPage(url: string, extractor: Extractor, store: GraphStore, fetch: FetchOptions = {}): Promise<PutResult> {
  const response = await safeFetch(url, fetch);
  if (response.status >= 400) throw new InputError(url, `HTTP ${response.status}`);
  const doc = parseDocumentBytes(response.body, url.endsWith('/') ? `${url}index.html` : url, response.headers['content-type']);
  const pageUrl = doc.url ?? url;
  return storeDocument({ ...doc, url: pageUrl, id: documentId({ url: pageUrl }) }, extractor, store).then(
    (stored) => stored.result,
    (error: unknown) => {
      throw new InputError(url, describeError(error));
    },
  );
}

/**
 * Poll the feeds forever (or `cycles` times): after each round, sleep until the next feed is due, with ±10%
 * jitter so many kizashi instances do not hit a site at the same second.
 */
export async function watchFeeds(
  urls: readonly string[],
  extractor: Extractor,
  store: GraphStore,
  options: {
    fetch?: FetchOptions;
    intervalMs: number;
    cycles?: number;
    signal?: AbortSignal;
    sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
    onRound?: (results: FeedRunResult[]) => void;
  },
): Promise<void> {
  const sleep =
    options.sleep ??
    ((ms: number, signal?: AbortSignal) =>
      new Promise<void>((r) => {
        const t = setTimeout(r, ms);
        signal?.addEventListener('abort', () => {
          clearTimeout(t);
          r();
        });
      }));
  for (let round = 0; options.cycles === undefined || round < options.cycles; round++) {
    if (options.signal?.aborted) return;
    const results = await ingestFeeds(urls, extractor, store, {
      intervalMs: options.intervalMs,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
    options.onRound?.(results);
    const states = await store.listFeedStates();
    const now = Date.now();
    const next = Math.min(
      ...states.filter((s) => urls.includes(s.url)).map((s) => new Date(s.nextFetchAt ?? now).getTime()),
      now + options.intervalMs,
    );
    const jitter = 1 + (Math.random() * 0.2 - 0.1);
    await sleep(Math.max(1000, (next - now) * jitter), options.signal);
  }
}
