// SSRF and fetch limits, measured: a canary on loopback counts every connection across the whole matrix.
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordFigure } from '../testkit/security-figures.js';
import { safeFetch } from './fetcher.js';

let canary: Server;
let port = 0;
let connections = 0;
let requests = 0;
const sockets = new Set<Socket>();

beforeAll(async () => {
  const bomb = gzipSync(Buffer.alloc(200 * 1024 * 1024)); // 200 MB of zeros, ~200 KB on the wire
  canary = createServer((req, res) => {
    requests++;
    const url = req.url ?? '/';
    if (url === '/bomb') return res.writeHead(200, { 'content-encoding': 'gzip' }).end(bomb);
    if (url === '/hang') return; // accepts, never answers
    if (url === '/drip') {
      res.writeHead(200);
      const t = setInterval(() => res.write('.'), 200);
      res.on('close', () => clearInterval(t));
      return;
    }
    if (url.startsWith('/loop')) return res.writeHead(302, { location: `/loop${url.length}` }).end();
    for (const [path, target] of Object.entries(REDIRECTS)) if (url === path) return res.writeHead(302, { location: target(port) }).end();
    res.writeHead(200).end('ok');
  });
  canary.on('connection', (s: Socket) => {
    connections++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => canary.listen(0, '127.0.0.1', r));
  port = (canary.address() as AddressInfo).port;
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise<void>((r) => canary.close(() => r()));
});

/** Redirects served by the one allowed host (127.0.0.1) to places that must stay unreachable. */
const REDIRECTS: Record<string, (port: number) => string> = {
  '/r-localhost': (p) => `http://localhost:${p}/`,
  '/r-private': () => 'http://10.0.0.1/',
  '/r-loopback-v6': (p) => `http://[::1]:${p}/`,
  '/r-mapped': (p) => `http://[::ffff:127.0.0.1]:${p}/`,
  '/r-metadata': () => 'http://169.254.169.254/latest/meta-data/',
  '/r-file': () => 'file:///etc/passwd',
  '/r-gopher': () => 'gopher://127.0.0.1:6379/_INFO',
};

describe('SSRF', () => {
  it('blocks every internal spelling, scheme and redirect; the canary sees no connection; the allow-list opens exactly one host', async () => {
    const direct = [
      `http://127.0.0.1:${port}/`,
      `http://127.1:${port}/`,
      `http://2130706433:${port}/`,
      `http://0177.0.0.1:${port}/`,
      `http://0x7f000001:${port}/`,
      `http://0x7f.1:${port}/`,
      `http://[::1]:${port}/`,
      `http://[::ffff:127.0.0.1]:${port}/`,
      `http://[::ffff:7f00:1]:${port}/`,
      `http://[0:0:0:0:0:0:0:1]:${port}/`,
      `http://localhost:${port}/`,
      `http://LOCALHOST.:${port}/`,
      `http://0.0.0.0:${port}/`,
      `http://0:${port}/`,
      `http://user:pw@127.0.0.1:${port}/`,
      'http://169.254.169.254/latest/meta-data/',
      'http://[fd00::1]/',
      'http://10.0.0.1/',
      'http://172.16.0.1/',
      'http://192.168.0.1/',
      'http://100.64.0.1/',
      'http://[fe80::1]/',
      'http://224.0.0.1/',
      'http://255.255.255.255/',
      'file:///etc/passwd',
      `ftp://127.0.0.1:${port}/`,
      'gopher://127.0.0.1:6379/_INFO',
      'data:text/plain,hello',
      'javascript:alert(1)',
      `http://127.0.0.1:${port}`.replace('http', 'HTTP'),
    ];
    const before = connections;
    let blocked = 0;
    for (const url of direct) {
      await expect(safeFetch(url, { totalTimeoutMs: 3000 }), url).rejects.toThrow(
        /refused|resolves to a private|not a valid URL|getaddrinfo/,
      );
      blocked++;
    }
    const directConnections = connections - before;
    // Through redirects from the allowed host: the first hop connects (allowed), the second never does.
    const viaRedirect = Object.keys(REDIRECTS);
    const beforeRedirects = requests;
    for (const path of viaRedirect) {
      await expect(safeFetch(`http://127.0.0.1:${port}${path}`, { allowHosts: ['127.0.0.1'] }), path).rejects.toThrow(
        /refused|resolves to a private/,
      );
      blocked++;
    }
    // Requests, not connections: the first hops may share a kept-alive socket.
    const redirectConnections = requests - beforeRedirects - viaRedirect.length;
    // The allow-list unblocks exactly the named host, not its other spellings.
    const allowed = await safeFetch(`http://127.0.0.1:${port}/`, { allowHosts: ['127.0.0.1'] });
    expect(allowed.body.toString()).toBe('ok');
    const beforeOthers = connections;
    for (const other of [`http://localhost:${port}/`, `http://[::1]:${port}/`, `http://127.0.0.2:${port}/`])
      await expect(safeFetch(other, { allowHosts: ['127.0.0.1'] }), other).rejects.toThrow(/refused|resolves/);
    const otherConnections = connections - beforeOthers;
    expect(directConnections).toBe(0);
    expect(redirectConnections).toBe(0);
    expect(otherConnections).toBe(0);
    recordFigure('ssrf', {
      area: 'SSRF',
      defence:
        'fetcher refuses loopback, private, link-local, CGNAT, multicast, unspecified and mapped addresses in any spelling, non-HTTP schemes and credentials; checked at connect time (DNS answer) and after every redirect; operator allow-list per host',
      test: 'src/ingest/network.security.test.ts',
      figure: `${direct.length} URLs + ${viaRedirect.length} redirects tried, ${blocked} blocked, canary connections ${directConnections + redirectConnections + otherConnections}; allow-list opened exactly 127.0.0.1 and still refused localhost, [::1] and 127.0.0.2`,
    });
  });
});

describe('fetch limits', () => {
  it('caps the body after decompression, and aborts slow-drip, silent and looping servers on time', async () => {
    const timed = async (f: () => Promise<unknown>): Promise<{ ms: number; error: string }> => {
      const t0 = performance.now();
      try {
        await f();
        return { ms: performance.now() - t0, error: '' };
      } catch (e) {
        return { ms: performance.now() - t0, error: (e as Error).message };
      }
    };
    const allow = { allowHosts: ['127.0.0.1'] };
    const rssBefore = process.memoryUsage().rss;
    const bomb = await timed(() => safeFetch(`http://127.0.0.1:${port}/bomb`, { ...allow, maxBytes: 5 * 1024 * 1024 }));
    const rssGrowth = (process.memoryUsage().rss - rssBefore) / 1024 / 1024;
    expect(bomb.error).toMatch(/larger than 5242880 bytes/);
    const drip = await timed(() => safeFetch(`http://127.0.0.1:${port}/drip`, { ...allow, totalTimeoutMs: 2000 }));
    expect(drip.error).toMatch(/timed out/);
    expect(drip.ms).toBeLessThan(3000);
    const hang = await timed(() => safeFetch(`http://127.0.0.1:${port}/hang`, { ...allow, connectTimeoutMs: 1000, totalTimeoutMs: 5000 }));
    expect(hang.error).toMatch(/no connection or data|timed out/);
    expect(hang.ms).toBeLessThan(2500);
    const loop = await timed(() => safeFetch(`http://127.0.0.1:${port}/loop`, { ...allow, maxRedirects: 5 }));
    expect(loop.error).toMatch(/more than 5 redirects/);
    recordFigure('limits', {
      area: 'Limits',
      defence: 'connect and total timeouts, at most 5 redirects, body cap counted after decompression (default 20 MB)',
      test: 'src/ingest/network.security.test.ts',
      figure: `gzip bomb (200 MB inflated, 5 MB cap) refused in ${bomb.ms.toFixed(0)} ms, RSS +${rssGrowth.toFixed(0)} MB; slow drip aborted at ${drip.ms.toFixed(0)} ms (limit 2000); silent server at ${hang.ms.toFixed(0)} ms (limit 1000); redirect loop stopped after 5 hops`,
    });
  });
});
