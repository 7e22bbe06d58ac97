import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isBlockedAddress, safeFetch } from './fetcher.js';

let canary: Server;
let port = 0;
let connections = 0;
beforeAll(async () => {
  canary = createServer((req, res) => {
    if (req.url === '/bomb') return res.writeHead(200, { 'content-encoding': 'gzip' }).end(gzipSync(Buffer.alloc(20 * 1024 * 1024)));
    if (req.url === '/to-localhost') return res.writeHead(302, { location: `http://localhost:${port}/ok` }).end();
    if (req.url === '/hang') return; // never answers
    res.writeHead(200).end('ok');
  });
  canary.on('connection', () => connections++);
  await new Promise<void>((r) => canary.listen(0, '127.0.0.1', r));
  port = (canary.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => canary.close(() => r())));

describe('safeFetch refuses internal addresses (SSRF)', () => {
  it('never connects to loopback through any spelling, nor through non-HTTP schemes', async () => {
    const before = connections;
    const urls = [
      `http://127.0.0.1:${port}/`,
      `http://2130706433:${port}/`,
      `http://0177.0.0.1:${port}/`,
      `http://0x7f.1:${port}/`,
      `http://[::1]:${port}/`,
      `http://[::ffff:127.0.0.1]:${port}/`,
      `http://localhost:${port}/`,
      `http://0.0.0.0:${port}/`,
      'file:///etc/passwd',
      `ftp://127.0.0.1:${port}/`,
      `http://user:pw@127.0.0.1:${port}/`,
    ];
    for (const url of urls) await expect(safeFetch(url), url).rejects.toThrow(/refused|resolves to a private/);
    expect(connections - before).toBe(0);
  });

  it('classifies private, link-local, CGNAT and mapped addresses as blocked', () => {
    for (const a of [
      '10.1.2.3',
      '172.16.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '::',
      'fe80::1',
      'fc00::1',
      '::ffff:10.0.0.1',
    ]) {
      expect(isBlockedAddress(a), a).toBe(true);
    }
    for (const a of ['8.8.8.8', '2606:4700:4700::1111']) expect(isBlockedAddress(a), a).toBe(false);
  });

  it('the allow-list unblocks exactly the named host, and a redirect to another internal host is refused', async () => {
    const ok = await safeFetch(`http://127.0.0.1:${port}/`, { allowHosts: ['127.0.0.1'] });
    expect(ok.body.toString()).toBe('ok');
    await expect(safeFetch(`http://localhost:${port}/`, { allowHosts: ['127.0.0.1'] })).rejects.toThrow(/refused/);
    await expect(safeFetch(`http://127.0.0.1:${port}/to-localhost`, { allowHosts: ['127.0.0.1'] })).rejects.toThrow(
      /localhost resolves to a private/,
    );
  });

  it('caps the body after decompression and times out on a silent server', async () => {
    await expect(safeFetch(`http://127.0.0.1:${port}/bomb`, { allowHosts: ['127.0.0.1'], maxBytes: 1024 * 1024 })).rejects.toThrow(
      /larger than 1048576 bytes/,
    );
    await expect(
      safeFetch(`http://127.0.0.1:${port}/hang`, { allowHosts: ['127.0.0.1'], totalTimeoutMs: 500, connectTimeoutMs: 400 }),
    ).rejects.toThrow(/timed out|within 400 ms/);
  });
});
