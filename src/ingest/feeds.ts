// RSS, Atom, RDF and JSON feeds: polite polling (conditional GET, backoff on 429/5xx, per-feed state) and
// parsing into documents. Parsing uses feedsmith, which refuses external XML entities.
import { XMLValidator } from 'fast-xml-parser';
import { parseFeed } from 'feedsmith';
import { parseHTML } from 'linkedom';
import { documentId, type KizashiDocument } from '../core/document.js';
import { describeError } from '../core/errors.js';
import { toTimestamp } from '../core/dates.js';
import { detectLanguage } from '../text/language.js';
import type { FeedState } from '../store/graph-store.js';
import { FetchError, safeFetch, type FetchOptions } from './fetcher.js';

export type { FeedState };

export interface FeedItem {
  readonly title: string;
  readonly url?: string;
  readonly published?: string;
  /** Plain text of the item's content or summary. */
  readonly text: string;
}

export interface ParsedFeed {
  readonly title: string;
  readonly format: string;
  readonly items: readonly FeedItem[];
}

export type PollOutcome =
  | { readonly kind: 'items'; readonly feed: ParsedFeed; readonly state: FeedState }
  | { readonly kind: 'not-modified'; readonly state: FeedState }
  | { readonly kind: 'error'; readonly error: string; readonly state: FeedState };

const MINUTE = 60_000;

/** UTF-16/32 by byte-order mark or by the "<?" pattern (XML 1.0 appendix F). */
function unicodeFamily(b: Uint8Array): 'utf-16le' | 'utf-16be' | 'utf-32le' | 'utf-32be' | undefined {
  const [b0, b1, b2, b3] = [b[0] ?? -1, b[1] ?? -1, b[2] ?? -1, b[3] ?? -1];
  if (b0 === 0x00 && b1 === 0x00 && ((b2 === 0xfe && b3 === 0xff) || (b2 === 0x00 && b3 === 0x3c))) return 'utf-32be';
  if (b0 === 0xff && b1 === 0xfe && b2 === 0x00 && b3 === 0x00) return 'utf-32le';
  if (b0 === 0x3c && b1 === 0x00 && b2 === 0x00 && b3 === 0x00) return 'utf-32le';
  if ((b0 === 0xfe && b1 === 0xff) || (b0 === 0x00 && b1 === 0x3c && b2 === 0x00)) return 'utf-16be';
  if ((b0 === 0xff && b1 === 0xfe) || (b0 === 0x3c && b1 === 0x00 && b2 === 0x3f)) return 'utf-16le';
  return undefined;
}

function decodeUtf32(b: Uint8Array, littleEndian: boolean): string {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength - (b.byteLength % 4));
  let out = '';
  for (let i = 0; i < view.byteLength; i += 4) {
    const cp = view.getUint32(i, littleEndian);
    out += cp <= 0x10ffff ? String.fromCodePoint(cp) : '\uFFFD';
  }
  return out.replace(/^\uFEFF/, '');
}

/** Decode feed bytes: UTF-16/32 by BOM or pattern, the HTTP charset, the XML declaration, then UTF-8. */
export function decodeFeed(bytes: Uint8Array, contentType?: string): string {
  const family = unicodeFamily(bytes);
  if (family === 'utf-32le' || family === 'utf-32be') return decodeUtf32(bytes, family === 'utf-32le');
  if (family) return new TextDecoder(family).decode(bytes);
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 200));
  const declared = /^\s*<\?xml[^>]*encoding=["']([\w.:-]+)["']/i.exec(head)?.[1];
  const httpCharset = /charset=["']?([\w.:-]+)/i.exec(contentType ?? '')?.[1];
  const hasBom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  for (const label of [hasBom ? 'utf-8' : undefined, httpCharset, declared, 'utf-8']) {
    if (!label) continue;
    try {
      return new TextDecoder(label, { fatal: label !== 'utf-8' }).decode(bytes);
    } catch {
      // unknown label or invalid bytes for it: try the next
    }
  }
  return new TextDecoder('utf-8').decode(bytes);
}

function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && 'value' in value) return text(value.value);
  return '';
}

/** Text of an HTML fragment (scripts and styles dropped, blocks on their own lines). */
export function htmlToText(html: string): string {
  if (!/[<&]/.test(html)) return html.trim();
  const { document } = parseHTML(`<!doctype html><html><body>${html}</body></html>`);
  for (const el of document.querySelectorAll('script, style, noscript, iframe, object')) el.remove();
  for (const el of document.querySelectorAll('p, div, br, li, h1, h2, h3, h4, h5, h6, tr, blockquote, pre')) el.append('\n');
  return (document.body?.textContent ?? '')
    .split('\n')
    .map((l: string) => l.replace(/\s+/g, ' ').trim())
    .filter((l: string) => l !== '')
    .join('\n');
}

function isoDate(value: unknown): string | undefined {
  const raw: unknown = Array.isArray(value) ? (value as unknown[])[0] : value;
  return typeof raw === 'string' ? toTimestamp(raw) : undefined;
}

/**
 * Parse feed bytes into items; throws with the origin named when it is not a feed.
 * @example parseFeedBytes(bytes, 'https://example.org/feed.xml').items[0]?.title
 */
export function parseFeedBytes(bytes: Uint8Array, origin: string, contentType?: string): ParsedFeed {
  const source = decodeFeed(bytes, contentType);
  // Atom 0.3 is Atom 1.0's ancestor with the same shape; read it under the 1.0 namespace.
  let normalised = source.replace(/xmlns=(["'])http:\/\/purl\.org\/atom\/ns#\1/, 'xmlns="http://www.w3.org/2005/Atom"');
  // RSS written entirely in a prefixed namespace (<r:rss>, <r:channel>): read it unprefixed.
  const prefix = /<([A-Za-z][\w-]{0,20}):rss[\s>]/.exec(normalised)?.[1];
  if (prefix) normalised = normalised.replaceAll(`<${prefix}:`, '<').replaceAll(`</${prefix}:`, '</');
  let parsed: { format: string; feed: Record<string, unknown> };
  try {
    parsed = parseFeed(normalised);
  } catch (error) {
    // A well-formed document whose root is a feed element but that holds nothing feedsmith recognises (no
    // channel, no entries) is an empty feed, not an error.
    const root = /<(rss|feed|rdf:RDF|channel)[\s>]/i.exec(normalised.replace(/<!--[\s\S]*?-->/g, ''))?.[1];
    if (root && XMLValidator.validate(normalised) === true) return { title: origin, format: root.toLowerCase(), items: [] };
    throw new FetchError(origin, `not a valid RSS, Atom, RDF or JSON feed (${describeError(error).split('\n')[0]})`);
  }
  const feed = parsed.feed;
  const rawItems = (Array.isArray(feed.items) ? feed.items : Array.isArray(feed.entries) ? feed.entries : []) as Record<string, unknown>[];
  const items: FeedItem[] = [];
  for (const item of rawItems) {
    const links = Array.isArray(item.links) ? (item.links as { href?: string; rel?: string }[]) : [];
    const url =
      (typeof item.link === 'string' ? item.link : undefined) ??
      links.find((l) => !l.rel || l.rel === 'alternate')?.href ??
      (typeof item.url === 'string' ? item.url : undefined);
    const contentNs = item.content as { encoded?: string } | undefined;
    const body =
      (contentNs && typeof contentNs === 'object' && typeof contentNs.encoded === 'string' ? contentNs.encoded : '') ||
      text(item.content) ||
      text(item.description) ||
      text(item.summary) ||
      text(item.content_html) ||
      text(item.content_text);
    const dc = item.dc as { date?: unknown; dates?: unknown } | undefined;
    const published =
      isoDate(item.pubDate) ??
      isoDate(item.published) ??
      isoDate(item.updated) ??
      isoDate(item.date_published) ??
      isoDate(dc?.date) ??
      isoDate(dc?.dates);
    const title = htmlToText(text(item.title)).slice(0, 500);
    items.push({ title, text: htmlToText(body), ...(url ? { url: url.trim() } : {}), ...(published ? { published } : {}) });
  }
  return { title: htmlToText(text(feed.title)) || origin, format: parsed.format, items };
}

/** A feed item as a document (title + text); its id follows its link, so a re-poll finds the same document. */
export function feedItemDocument(item: FeedItem, feedTitle: string, feedUrl: string): KizashiDocument | undefined {
  const body = [item.title, item.text].filter((s) => s.trim() !== '').join('\n');
  if (body.trim() === '') return undefined;
  const url = item.url && /^https?:\/\//i.test(item.url) ? item.url : undefined;
  return {
    id: documentId(url ? { url } : { text: body }, url ? undefined : `${feedUrl}#${body}`),
    title: item.title || body.slice(0, 80),
    text: body,
    lang: detectLanguage(body).lang,
    origin: url ?? feedUrl,
    source: feedTitle,
    ...(url ? { url } : {}),
    ...(item.published ? { published: item.published } : {}),
  };
}

/** When to try again after `errors` consecutive failures: 15 min doubling, at most a day, or Retry-After. */
export function backoffMs(errors: number, intervalMs: number, retryAfterSeconds?: number): number {
  if (retryAfterSeconds !== undefined && retryAfterSeconds > 0) return Math.max(retryAfterSeconds * 1000, intervalMs);
  return Math.min(intervalMs * 2 ** Math.max(0, errors - 1), 24 * 60 * MINUTE);
}

/**
 * Poll one feed: a conditional GET with the stored ETag/Last-Modified; 304 means nothing new; 429 and 5xx
 * back off (Retry-After respected); a malformed feed is an error recorded in the state, never a crash.
 */
export async function pollFeed(
  url: string,
  previous: FeedState | undefined,
  options: { fetch?: FetchOptions; intervalMs?: number; now?: Date } = {},
): Promise<PollOutcome> {
  const now = options.now ?? new Date();
  const interval = options.intervalMs ?? 15 * MINUTE;
  const base: FeedState = previous ?? { url, consecutiveErrors: 0, itemsSeen: 0 };
  const headers: Record<string, string> = { accept: 'application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.5' };
  if (base.etag) headers['if-none-match'] = base.etag;
  if (base.lastModified) headers['if-modified-since'] = base.lastModified;
  const failed = (error: string, retryAfter?: number): PollOutcome => {
    const errors = base.consecutiveErrors + 1;
    return {
      kind: 'error',
      error,
      state: {
        ...base,
        lastFetchAt: now.toISOString(),
        consecutiveErrors: errors,
        lastError: error,
        nextFetchAt: new Date(now.getTime() + backoffMs(errors, interval, retryAfter)).toISOString(),
      },
    };
  };
  let response;
  try {
    response = await safeFetch(url, { ...options.fetch, headers: { ...headers, ...(options.fetch?.headers ?? {}) } });
  } catch (error) {
    return failed(describeError(error));
  }
  if (response.status === 304) {
    return {
      kind: 'not-modified',
      state: {
        ...base,
        lastFetchAt: now.toISOString(),
        consecutiveErrors: 0,
        nextFetchAt: new Date(now.getTime() + interval).toISOString(),
      },
    };
  }
  if (response.status === 429 || response.status >= 500 || response.status >= 400) {
    const retryAfter = Number(response.headers['retry-after']);
    return failed(`${url}: HTTP ${response.status}`, Number.isFinite(retryAfter) ? retryAfter : undefined);
  }
  let feed: ParsedFeed;
  try {
    feed = parseFeedBytes(response.body, url, response.headers['content-type']);
  } catch (error) {
    return failed(describeError(error));
  }
  const { lastError: _lastError, ...rest } = base;
  return {
    kind: 'items',
    feed,
    state: {
      ...rest,
      consecutiveErrors: 0,
      lastFetchAt: now.toISOString(),
      nextFetchAt: new Date(now.getTime() + interval).toISOString(),
      itemsSeen: base.itemsSeen + feed.items.length,
      ...(response.headers.etag ? { etag: response.headers.etag } : {}),
      ...(response.headers['last-modified'] ? { lastModified: response.headers['last-modified'] } : {}),
    },
  };
}
