// Feed and web-page ingestion: poll each due feed (state kept in the store), turn items into documents,
// extract and store them. A failing feed or item is reported and skipped, never aborting the batch.
import { readFile } from 'node:fs/promises';
import { parseOpml } from 'feedsmith';
import { documentId } from '../core/document.js';
import { describeError, InputError } from '../core/errors.js';
import type { Extractor } from '../extract/extract-document.js';
import type { GraphStore, PutResult } from '../store/graph-store.js';
import { feedItemDocument, parseFeedBytes, pollFeed, type ParsedFeed } from './feeds.js';
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
    if (outcome.kind === 'items') await storeFeedItems(outcome.feed, url, extractor, store, counts);
    results.push({ url, outcome: outcome.kind, counts, ...(outcome.kind === 'error' ? { error: outcome.error } : {}) });
  }
  return results;
}

/** Store a feed's items as documents; a failing item is counted and skipped. */
async function storeFeedItems(
  feed: ParsedFeed,
  url: string,
  extractor: Extractor,
  store: GraphStore,
  counts: Record<PutResult | 'failed', number>,
): Promise<void> {
  for (const item of feed.items) {
    const doc = feedItemDocument(item, feed.title, url);
    if (!doc) continue;
    try {
      counts[(await storeDocument(doc, extractor, store)).result]++;
    } catch {
      counts.failed++;
    }
  }
}

/**
 * A response that is a feed rather than a page: by its content type, or by its first element (servers often send
 * feeds as text/xml or application/xml).
 */
function isFeedResponse(body: Uint8Array, contentType: string | undefined): boolean {
  if (contentType && /(?:rss|atom|rdf)\+xml|feed\+json/i.test(contentType)) return true;
  const head = new TextDecoder()
    .decode(body.subarray(0, 2048))
    .replace(/^\uFEFF/, '')
    .trimStart();
  if (head.startsWith('{')) return /"version"\s*:\s*"https?:\/\/jsonfeed\.org\//.test(head);
  return (
    (head.startsWith('<?xml') || head.startsWith('<rss') || head.startsWith('<feed') || head.startsWith('<rdf:RDF')) && FEED_ROOT.test(head)
  );
}
const FEED_ROOT = /<(?:rss|feed|rdf:RDF)[\s>]/;

/**
 * Fetch a URL given on the command line: a feed has its items ingested, a web page its article text.
 * @example await ingestUrl('https://www.jpcert.or.jp/rss/jpcert.rdf', extractor, store) // { kind: 'feed', … }
 */
export async function ingestUrl(
  url: string,
  extractor: Extractor,
  store: GraphStore,
  fetch: FetchOptions = {},
): Promise<{ kind: 'page'; result: PutResult } | { kind: 'feed'; title: string; counts: Record<PutResult | 'failed', number> }> {
  const response = await fetchOk(url, fetch);
  const type = response.headers['content-type'];
  if (!isFeedResponse(response.body, type)) return { kind: 'page', result: await storePage(url, response.body, type, extractor, store) };
  const feed = parseFeedBytes(response.body, url, type);
  const counts = { new: 0, updated: 0, unchanged: 0, failed: 0 };
  await storeFeedItems(feed, url, extractor, store, counts);
  return { kind: 'feed', title: feed.title, counts };
}

/** Fetch one web page (the article text, not the navigation) and ingest it. A feed is refused: it is no page. */
export async function ingestPage(url: string, extractor: Extractor, store: GraphStore, fetch: FetchOptions = {}): Promise<PutResult> {
  const response = await fetchOk(url, fetch);
  const type = response.headers['content-type'];
  if (isFeedResponse(response.body, type))
    throw new InputError(url, 'is a feed, not a web page: ingest it with kizashi ingest URL or add it to the feed list');
  return storePage(url, response.body, type, extractor, store);
}

async function fetchOk(url: string, fetch: FetchOptions): ReturnType<typeof safeFetch> {
  const response = await safeFetch(url, fetch);
  if (response.status >= 400) throw new InputError(url, `HTTP ${response.status}`);
  return response;
}

async function storePage(
  url: string,
  body: Uint8Array,
  contentType: string | undefined,
  extractor: Extractor,
  store: GraphStore,
): Promise<PutResult> {
  const doc = parseDocumentBytes(body, url.endsWith('/') ? `${url}index.html` : url, contentType);
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
