import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadKnowledgeBase } from './load-kb.js';
import { syncFromDirectory, syncFromNetwork } from './sync.js';

const attack = JSON.stringify({
  type: 'bundle',
  objects: [
    {
      type: 'intrusion-set',
      name: 'Test Actor',
      aliases: ['Test Actor', 'Fixture Panda'],
      external_references: [{ source_name: 'mitre-attack', external_id: 'G9999' }],
    },
  ],
});
const cluster = JSON.stringify({
  type: 'threat-actor',
  version: 3,
  values: [{ value: 'Fixture Panda', uuid: 'u-1', meta: { synonyms: ['Sample Kitten'] } }],
});

let server: Server;
let base: string;
const hits: { url: string; inm?: string }[] = [];
let corrupt = false;

beforeAll(async () => {
  server = createServer((req, res) => {
    hits.push({ url: req.url ?? '', ...(req.headers['if-none-match'] ? { inm: String(req.headers['if-none-match']) } : {}) });
    if (req.url === '/attack.json') {
      if (req.headers['if-none-match'] === '"v1"') return res.writeHead(304).end();
      return res.writeHead(200, { etag: '"v1"', 'content-type': 'application/json' }).end(attack);
    }
    if (req.url === '/clusters/threat-actor.json')
      return res.writeHead(200, { 'content-type': 'application/json' }).end(corrupt ? '{"values": [' : cluster);
    return res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('kb sync', () => {
  it('downloads the sources, then sends conditional requests and keeps unchanged files', async () => {
    const kbDir = join(await mkdtemp(join(tmpdir(), 'kizashi-sync-')), 'kb');
    const options = { attackUrl: `${base}/attack.json`, galaxyBase: `${base}/clusters/` };
    const first = await syncFromNetwork(kbDir, options);
    expect(first.find((r) => r.file.endsWith('enterprise-attack.json'))?.status).toBe('downloaded');
    expect(first.find((r) => r.file.endsWith('threat-actor.json'))?.status).toBe('downloaded');
    expect(first.filter((r) => r.status === 'failed').length).toBeGreaterThan(0); // the fixture server lacks most galaxies

    const second = await syncFromNetwork(kbDir, options);
    expect(second.find((r) => r.file.endsWith('enterprise-attack.json'))?.status).toBe('unchanged');
    expect(hits.filter((h) => h.url === '/attack.json').map((h) => h.inm)).toEqual([undefined, '"v1"']);

    const kb = await loadKnowledgeBase({ kbDirs: [kbDir], ignoreHome: true });
    const e = kb.lookup('Sample Kitten')[0];
    expect(e?.name).toBe('Test Actor');
    expect(e?.mitreId).toBe('G9999');
  });

  it('never replaces a good cached file with a corrupt download', async () => {
    const kbDir = join(await mkdtemp(join(tmpdir(), 'kizashi-sync-')), 'kb');
    const options = { attackUrl: `${base}/attack.json`, galaxyBase: `${base}/clusters/` };
    corrupt = false;
    await syncFromNetwork(kbDir, options);
    corrupt = true;
    const results = await syncFromNetwork(kbDir, options);
    corrupt = false;
    expect(results.find((r) => r.file.endsWith('threat-actor.json'))).toMatchObject({ status: 'failed' });
    expect(await readFile(join(kbDir, 'misp-galaxy', 'clusters', 'threat-actor.json'), 'utf8')).toBe(cluster);
  });

  it('imports from a local folder (air-gapped sites) and refuses a corrupt one', async () => {
    const src = await mkdtemp(join(tmpdir(), 'kizashi-src-'));
    await mkdir(join(src, 'attack'), { recursive: true });
    await mkdir(join(src, 'misp-galaxy', 'clusters'), { recursive: true });
    await writeFile(join(src, 'attack', 'enterprise-attack.json'), attack);
    await writeFile(join(src, 'misp-galaxy', 'clusters', 'threat-actor.json'), cluster);
    const kbDir = join(await mkdtemp(join(tmpdir(), 'kizashi-sync-')), 'kb');
    const results = await syncFromDirectory(src, kbDir);
    expect(results.map((r) => r.status)).toEqual(['copied', 'copied']);
    await writeFile(join(src, 'misp-galaxy', 'clusters', 'threat-actor.json'), '{');
    await expect(syncFromDirectory(src, kbDir)).rejects.toThrow(/threat-actor\.json: corrupt JSON/);
    expect(await readFile(join(kbDir, 'misp-galaxy', 'clusters', 'threat-actor.json'), 'utf8')).toBe(cluster);
  });
});
