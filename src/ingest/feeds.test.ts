import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExtractor, type Extractor } from '../extract/extract-document.js';
import { loadKnowledgeBase } from '../kb/load-kb.js';
import { openSqliteStore } from '../store/sqlite/sqlite-graph-store.js';
import { SHARED_DIR } from '../testkit/stix-schemas.js';
import { backoffMs, parseFeedBytes, pollFeed } from './feeds.js';
import { ingestFeeds, ingestPage, ingestUrl } from './ingest-feeds.js';

const RSS = `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>サンプル通信</title>
<item><title>ミラーフェイスが台湾を標的に</title><link>https://news.example/1</link><pubDate>Wed, 08 Jan 2025 00:00:00 GMT</pubDate>
<description>&lt;p&gt;警察庁は、ミラーフェイスがLODEINFOを使ったと発表した。&lt;/p&gt;&lt;script&gt;alert(1)&lt;/script&gt;</description></item>
<item><title>LockBit returns</title><link>https://news.example/2</link><description>LockBit ransomware hit a hospital.</description></item></channel></rss>`;
const ATOM = `<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Atom Wire</title>
<entry><title>Volt Typhoon update</title><link href="https://atom.example/v"/><updated>2025-02-01T00:00:00Z</updated>
<content type="html">&lt;p&gt;Volt Typhoon used living-off-the-land techniques.&lt;/p&gt;</content></entry></feed>`;

let server: Server;
let base: string;
const seen: { path: string; inm?: string; ims?: string }[] = [];
let flaky = 0;
beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push({
      path: req.url ?? '',
      ...(req.headers['if-none-match'] ? { inm: String(req.headers['if-none-match']) } : {}),
      ...(req.headers['if-modified-since'] ? { ims: String(req.headers['if-modified-since']) } : {}),
    });
    if (req.url === '/rss.xml') {
      if (req.headers['if-none-match'] === '"r1"') return res.writeHead(304).end();
      return res.writeHead(200, { 'content-type': 'application/rss+xml', etag: '"r1"' }).end(RSS);
    }
    if (req.url === '/atom.xml') {
      if (req.headers['if-modified-since'] === 'Sat, 01 Feb 2025 00:00:00 GMT') return res.writeHead(304).end();
      return res.writeHead(200, { 'content-type': 'application/atom+xml', 'last-modified': 'Sat, 01 Feb 2025 00:00:00 GMT' }).end(ATOM);
    }
    // Feeds and pages as many servers send them: an RSS file as text/xml, an article as HTML.
    if (req.url === '/plain-rss.xml') return res.writeHead(200, { 'content-type': 'text/xml' }).end(RSS);
    if (req.url === '/article.html')
      return res
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
        .end(
          '<html><head><title>APT41 report</title></head><body><article><p>APT41 used Cobalt Strike against a telecom operator in Taiwan.</p></article></body></html>',
        );
    if (req.url === '/busy.xml') return res.writeHead(429, { 'retry-after': '3600' }).end();
    if (req.url === '/down.xml') {
      flaky++;
      return res.writeHead(500).end('oops');
    }
    if (req.url === '/broken.xml')
      return res.writeHead(200, { 'content-type': 'application/rss+xml' }).end('<rss><channel><title>x</title><item><title>unclosed');
    return res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const fetch = { allowHosts: ['127.0.0.1'] };

describe('feed polling against a local server', () => {
  let extractor: Extractor;
  beforeAll(async () => {
    extractor = createExtractor(await loadKnowledgeBase({ ignoreHome: true }));
  });

  it('ingests a URL given on the command line as a feed when it is one (even served as text/xml), else as a page', async () => {
    const store = openSqliteStore(join(await mkdtemp(join(tmpdir(), 'kizashi-url-')), 'u.db'));
    const feed = await ingestUrl(`${base}/plain-rss.xml`, extractor, store, fetch);
    expect(feed).toEqual({ kind: 'feed', title: 'サンプル通信', counts: { new: 2, updated: 0, unchanged: 0, failed: 0 } });
    expect((await store.listDocuments()).map((d) => d.title).sort()).toEqual(['LockBit returns', 'ミラーフェイスが台湾を標的に']);
    expect(await ingestUrl(`${base}/article.html`, extractor, store, fetch)).toEqual({ kind: 'page', result: 'new' });
    // A page ingest (the API's) refuses a feed instead of storing its XML as an article.
    await expect(ingestPage(`${base}/plain-rss.xml`, extractor, store, fetch)).rejects.toThrow(/plain-rss\.xml: is a feed, not a web page/);
    expect(await store.listDocuments()).toHaveLength(3);
    await store.close();
  });

  it('ingests RSS and Atom items, then sends conditional requests and handles 304', async () => {
    const store = openSqliteStore(join(await mkdtemp(join(tmpdir(), 'kizashi-feed-')), 'f.db'));
    const t0 = new Date('2025-02-01T00:00:00Z');
    const first = await ingestFeeds([`${base}/rss.xml`, `${base}/atom.xml`], extractor, store, { fetch, now: t0 });
    expect(first.map((r) => [r.outcome, r.counts.new])).toEqual([
      ['items', 2],
      ['items', 1],
    ]);
    const doc = (await store.listDocuments()).find((d) => d.url === 'https://news.example/1');
    expect(doc).toMatchObject({
      title: 'ミラーフェイスが台湾を標的に',
      source: 'サンプル通信',
      lang: 'ja',
      published: '2025-01-08T00:00:00.000Z',
    });
    expect(doc?.text).not.toContain('alert(1)');
    // Not due yet: no request at all.
    const early = await ingestFeeds([`${base}/rss.xml`], extractor, store, { fetch, now: new Date(t0.getTime() + 60_000) });
    expect(early[0]?.outcome).toBe('not-due');
    const later = new Date(t0.getTime() + 20 * 60_000);
    const second = await ingestFeeds([`${base}/rss.xml`, `${base}/atom.xml`], extractor, store, { fetch, now: later });
    expect(second.map((r) => r.outcome)).toEqual(['not-modified', 'not-modified']);
    expect(seen.filter((s) => s.path === '/rss.xml').map((s) => s.inm)).toEqual([undefined, '"r1"']);
    expect(seen.filter((s) => s.path === '/atom.xml').map((s) => s.ims)).toEqual([undefined, 'Sat, 01 Feb 2025 00:00:00 GMT']);
    expect((await store.counts()).documents).toBe(3);
    await store.close();
  });

  it('backs off on 429 (Retry-After) and on repeated 500s, and reports a malformed feed without crashing', async () => {
    const now = new Date('2025-02-01T00:00:00Z');
    const busy = await pollFeed(`${base}/busy.xml`, undefined, { fetch, now });
    expect(busy.kind).toBe('error');
    expect(busy.state.nextFetchAt).toBe(new Date(now.getTime() + 3600_000).toISOString());
    let state = undefined;
    const delays: number[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await pollFeed(`${base}/down.xml`, state, { fetch, now });
      state = r.state;
      delays.push(new Date(r.state.nextFetchAt ?? 0).getTime() - now.getTime());
    }
    expect(delays).toEqual([15, 30, 60].map((m) => m * 60_000));
    expect(state?.consecutiveErrors).toBe(3);
    expect(flaky).toBe(3);
    const broken = await pollFeed(`${base}/broken.xml`, undefined, { fetch, now });
    expect(broken.kind).toBe('error');
    expect(broken.kind === 'error' ? broken.error : '').toMatch(/broken\.xml: not a valid RSS/);
    expect(backoffMs(20, 15 * 60_000)).toBe(24 * 3600_000);
  });

  it('refuses loopback without the allow-list', async () => {
    const r = await pollFeed(`${base}/rss.xml`, undefined, {});
    expect(r.kind === 'error' ? r.error : '').toMatch(/refused: 127\.0\.0\.1 is a private or reserved address/);
  });
});

const FEEDPARSER = join(SHARED_DIR, 'data/eval/feedparser-tests');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

describe.skipIf(!existsSync(FEEDPARSER))('the feedparser test corpus (../shared/data/eval/feedparser-tests)', () => {
  it('every document parses or is rejected with a clear error: no crash, no hang; well-formed feeds parse', () => {
    const all = files(FEEDPARSER).filter((f) => /\.(xml|rdf|rss|atom|json)$/i.test(f));
    let parsed = 0;
    let rejected = 0;
    let slow = 0;
    const wellformedFailures: string[] = [];
    for (const f of all) {
      const bytes = readFileSync(f);
      const t0 = performance.now();
      const header = /Header:\s*Content-type:\s*(.*)/i.exec(bytes.toString('latin1'))?.[1]?.trim();
      try {
        parseFeedBytes(bytes, f, header);
        parsed++;
      } catch (error) {
        rejected++;
        expect((error as Error).message).toContain(f);
        const expectLine = /Expect:\s*(.*)/.exec(bytes.toString('latin1'))?.[1] ?? '';
        if (f.includes('/wellformed/') && /^not bozo/.test(expectLine)) wellformedFailures.push(f.slice(FEEDPARSER.length));
      }
      if (performance.now() - t0 > 1000) slow++;
    }
    console.log(
      `feedparser corpus: ${all.length} documents, ${parsed} parsed, ${rejected} rejected with an error, 0 crashes, ${slow} over 1 s; well-formed feeds that failed: ${wellformedFailures.length}`,
    );
    for (const f of wellformedFailures.slice(0, 20)) console.log(`  well-formed but rejected: ${f}`);
    expect(all.length).toBeGreaterThan(1500);
    expect(slow).toBe(0);
    expect(wellformedFailures).toEqual([]);
  });

  it('decodes the encoding cases to the expected characters', () => {
    const dir = join(FEEDPARSER, 'encoding');
    const cases = readdirSync(dir).filter((f) => !f.startsWith('bozo') && f.endsWith('.xml'));
    let ok = 0;
    const failures: string[] = [];
    for (const f of cases) {
      const bytes = readFileSync(join(dir, f));
      const header = /Header:\s*Content-type:\s*(.*)/i.exec(bytes.toString('latin1'))?.[1]?.trim();
      try {
        const feed = parseFeedBytes(bytes, f, header);
        // The encoding cases put non-ASCII text in titles; a replacement character means a wrong decoding.
        const textOut = `${feed.title} ${feed.items.map((i) => `${i.title} ${i.text}`).join(' ')}`;
        if (textOut.includes('\uFFFD')) failures.push(f);
        else ok++;
      } catch {
        failures.push(f);
      }
    }
    console.log(
      `feedparser encoding cases: ${ok}/${cases.length} decoded without replacement characters; failures: ${failures.join(', ')}`,
    );
    expect(ok / cases.length).toBeGreaterThanOrEqual(0.95);
  });
});

describe('feed lists', () => {
  it('reads plain lists with comments and OPML exports', async () => {
    const { readFeedList } = await import('./ingest-feeds.js');
    const { writeFile } = await import('node:fs/promises');
    const dir = await mkdtemp(join(tmpdir(), 'kizashi-list-'));
    await writeFile(join(dir, 'feeds.txt'), '# security news\nhttps://a.example/feed.xml  # English\n\nnot a url\nhttps://b.example/rss\n');
    expect(await readFeedList(join(dir, 'feeds.txt'))).toEqual(['https://a.example/feed.xml', 'https://b.example/rss']);
    await writeFile(
      join(dir, 'feeds.opml'),
      '<?xml version="1.0"?><opml version="2.0"><head><title>x</title></head><body><outline text="Sec"><outline text="A" type="rss" xmlUrl="https://a.example/feed.xml"/></outline><outline text="B" xmlUrl="https://b.example/rss"/></body></opml>',
    );
    expect(await readFeedList(join(dir, 'feeds.opml'))).toEqual(['https://a.example/feed.xml', 'https://b.example/rss']);
  });
});

describe('watching feeds', () => {
  it('polls each round and sleeps until the next feed is due, with jitter', async () => {
    const { watchFeeds } = await import('./ingest-feeds.js');
    const extractor = createExtractor(await loadKnowledgeBase({ ignoreHome: true }));
    const store = openSqliteStore(join(await mkdtemp(join(tmpdir(), 'kizashi-watch-')), 'w.db'));
    const sleeps: number[] = [];
    const rounds: string[][] = [];
    await watchFeeds([`${base}/rss.xml`], extractor, store, {
      fetch,
      intervalMs: 10 * 60_000,
      cycles: 2,
      sleep: (ms) => {
        sleeps.push(ms);
        return Promise.resolve();
      },
      onRound: (r) => rounds.push(r.map((x) => x.outcome)),
    });
    expect(rounds).toEqual([['items'], ['not-due']]);
    for (const ms of sleeps) {
      expect(ms).toBeGreaterThanOrEqual(0.9 * 10 * 60_000 - 5000);
      expect(ms).toBeLessThanOrEqual(1.1 * 10 * 60_000);
    }
    await store.close();
  });
});
