// The one HTTP client kizashi uses for content it does not control (feeds, pages). Safe by default: only
// http(s); the address is checked at connect time (no DNS-rebinding gap) and again after every redirect, so
// loopback, private, link-local, CGNAT, unspecified and IPv4-mapped addresses are refused unless the operator's
// allow-list names the host; connect and total timeouts; a body cap measured after decompression.
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import zlib from 'node:zlib';
import ipaddr from 'ipaddr.js';
import { KizashiError } from '../core/errors.js';

export class FetchError extends KizashiError {
  constructor(
    readonly url: string,
    reason: string,
    readonly status?: number,
    readonly retryAfterSeconds?: number,
  ) {
    super(`${url}: ${reason}`);
  }
}

export interface FetchOptions {
  /** Host names allowed even when they resolve to private or loopback addresses (exact, case-insensitive). */
  readonly allowHosts?: readonly string[];
  readonly connectTimeoutMs?: number;
  readonly totalTimeoutMs?: number;
  /** Largest body accepted, counted after decompression. */
  readonly maxBytes?: number;
  readonly maxRedirects?: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** POST (webhooks) sends `body` and never follows redirects. */
  readonly method?: 'GET' | 'POST';
  readonly body?: string;
}

export interface FetchResult {
  readonly url: string;
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

const DEFAULTS = { connectTimeoutMs: 10_000, totalTimeoutMs: 30_000, maxBytes: 20 * 1024 * 1024, maxRedirects: 5 };

/** True for addresses a fetch of untrusted content must never reach. */
export function isBlockedAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return true;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  return parsed.range() !== 'unicast';
}

function safeLookup(url: string, allowed: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 4);
      const list = Array.isArray(addresses) ? addresses : [];
      const blocked = list.find((a) => isBlockedAddress(a.address));
      if (blocked && !allowed) {
        return callback(new FetchError(url, `refused: ${hostname} resolves to a private or reserved address (${blocked.address})`), '', 4);
      }
      const first = list[0];
      if (!first) return callback(new FetchError(url, `no address for ${hostname}`), '', 4);
      if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
      return callback(null, first.address, first.family);
    });
  };
}

/**
 * GET `url` with kizashi's safety rules. Non-2xx/304 statuses resolve too (the caller decides); network,
 * policy and size problems reject with a FetchError naming the URL.
 */
export async function safeFetch(url: string, options: FetchOptions = {}): Promise<FetchResult> {
  const o = { ...DEFAULTS, ...options };
  const deadline = Date.now() + o.totalTimeoutMs;
  let current = url;
  for (let hop = 0; hop <= o.maxRedirects; hop++) {
    const result = await fetchOnce(current, o, deadline);
    const location = result.headers.location;
    if (o.method !== 'POST' && result.status >= 300 && result.status < 400 && result.status !== 304 && location) {
      current = new URL(location, current).toString();
      continue;
    }
    return result;
  }
  throw new FetchError(url, `more than ${o.maxRedirects} redirects`);
}

function fetchOnce(url: string, o: typeof DEFAULTS & FetchOptions, deadline: number): Promise<FetchResult> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return Promise.reject(new FetchError(url, 'not a valid URL'));
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    return Promise.reject(new FetchError(url, `refused: scheme ${parsed.protocol} is not http or https`));
  if (parsed.username || parsed.password) return Promise.reject(new FetchError(url, 'refused: credentials in the URL'));
  const host = parsed.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const allowed = (o.allowHosts ?? []).some((h) => h.toLowerCase() === host);
  // Literal addresses (the URL parser already turned 2130706433 and 0177.0.0.1 into dotted form).
  if (ipaddr.isValid(host) && isBlockedAddress(host) && !allowed) {
    return Promise.reject(new FetchError(url, `refused: ${host} is a private or reserved address`));
  }
  const remaining = deadline - Date.now();
  if (remaining <= 0) return Promise.reject(new FetchError(url, 'timed out'));
  return new Promise<FetchResult>((resolvePromise, rejectPromise) => {
    let settled = false;
    const resolve = (r: FetchResult): void => {
      if (!settled) {
        settled = true;
        clearTimeout(total);
        resolvePromise(r);
      }
    };
    const reject = (e: Error): void => {
      if (!settled) {
        settled = true;
        clearTimeout(total);
        rejectPromise(e);
      }
    };
    const lib = parsed.protocol === 'https:' ? https : http;
    const req = lib.request(
      parsed,
      {
        method: o.method ?? 'GET',
        lookup: safeLookup(url, allowed),
        headers: {
          'user-agent': 'kizashi/0.1 (+https://github.com/kizashi)',
          'accept-encoding': 'gzip, deflate, br',
          ...(o.headers ?? {}),
        },
        timeout: o.connectTimeoutMs,
      },
      (res) => {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
        const encoding = (headers['content-encoding'] ?? '').toLowerCase();
        const stream =
          encoding === 'gzip' || encoding === 'x-gzip'
            ? res.pipe(zlib.createGunzip())
            : encoding === 'deflate'
              ? res.pipe(zlib.createInflate())
              : encoding === 'br'
                ? res.pipe(zlib.createBrotliDecompress())
                : res;
        const chunks: Buffer[] = [];
        let size = 0;
        stream.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > o.maxBytes) {
            reject(new FetchError(url, `body larger than ${o.maxBytes} bytes (after decompression)`));
            stream.destroy();
            res.destroy();
            req.destroy();
            return;
          }
          chunks.push(chunk);
        });
        stream.on('end', () => {
          clearTimeout(total);
          resolve({ url, status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks) });
        });
        stream.on('error', (error: Error) =>
          req.destroy(error instanceof FetchError ? error : new FetchError(url, `bad response body (${error.message})`)),
        );
      },
    );
    const total = setTimeout(() => {
      reject(new FetchError(url, `timed out after ${o.totalTimeoutMs} ms`));
      req.destroy();
    }, remaining);
    req.on('timeout', () => {
      reject(new FetchError(url, `no connection or data within ${o.connectTimeoutMs} ms`));
      req.destroy();
    });
    req.on('error', (error: Error) => reject(error instanceof FetchError ? error : new FetchError(url, error.message)));
    req.end(o.body);
  });
}
