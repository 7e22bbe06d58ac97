// The HTTP surface, measured: the authorisation matrix over every route the application has (roles taken from
// the OpenAPI document, so the documentation and the code cannot drift apart), and a 60-second loopback load test
// (autocannon) on search, entity and TAXII endpoints.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestFiles } from '../ingest/ingest-files.js';
import { openExtractor } from '../main.js';
import type { GraphStore, Role } from '../store/graph-store.js';
import { openSqliteStore } from '../store/sqlite/sqlite-graph-store.js';
import { recordFigure } from '../testkit/security-figures.js';
import { createApp } from './app.js';
import { createApiKey } from './auth.js';
import { openApiDocument } from './openapi.js';
import { listen, type RunningServer } from './server.js';
import { ALL_COLLECTION_ID, TAXII_MEDIA_TYPE } from './taxii.js';

let dir: string;
let store: GraphStore;
let server: RunningServer;
const keys: Record<string, string> = {};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kizashi-apisec-'));
  store = openSqliteStore(join(dir, 'k.db'));
  const extractor = await openExtractor({ ignoreHome: true });
  await ingestFiles([join(import.meta.dirname, '../../corpus')], extractor, store);
  for (const role of ['reader', 'editor', 'admin'] as const) keys[role] = (await createApiKey(store, role, role)).secret;
  keys.revoked = (await createApiKey(store, 'revoked', 'admin')).secret;
  await store.revokeApiKey('revoked');
  server = await listen(createApp({ store, extractor }), { port: 0, host: '127.0.0.1' });
}, 120_000);

afterAll(async () => {
  await server.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('authorisation matrix', () => {
  it('gives every route × caller cell the expected answer, including revoked and malformed keys', async () => {
    const spec = openApiDocument() as { paths: Record<string, Record<string, { description?: string; security?: unknown[] }>> };
    const routes: { method: string; path: string; need: Role | 'public' }[] = [];
    for (const [path, ops] of Object.entries(spec.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const role = /\*\*(reader|editor|admin)\*\*/.exec(op.description ?? '')?.[1] as Role | undefined;
        routes.push({
          method: method.toUpperCase(),
          path: path.replace(/\{(\w+)\}/g, (_, name: string) => (name === 'format' ? 'csv' : 'x')),
          need: role ?? 'public',
        });
      }
    }
    for (const path of [
      '/taxii2/',
      '/taxii2/api/',
      '/taxii2/api/collections/',
      `/taxii2/api/collections/${ALL_COLLECTION_ID}/objects/?limit=1`,
      `/taxii2/api/collections/${ALL_COLLECTION_ID}/manifest/?limit=1`,
    ])
      routes.push({ method: 'GET', path, need: 'reader' });
    const callers: { name: string; auth?: string; role?: Role }[] = [
      { name: 'no key' },
      { name: 'empty bearer', auth: 'Bearer ' },
      { name: 'malformed', auth: 'Bearer kz_short' },
      { name: 'wrong scheme', auth: `Digest ${keys.admin}` },
      { name: 'unknown key', auth: `Bearer kz_${'B'.repeat(43)}` },
      { name: 'revoked', auth: `Bearer ${keys.revoked}` },
      { name: 'basic garbage', auth: 'Basic !!!notbase64' },
      { name: 'reader', auth: `Bearer ${keys.reader}`, role: 'reader' },
      { name: 'editor', auth: `Bearer ${keys.editor}`, role: 'editor' },
      { name: 'admin', auth: `Bearer ${keys.admin}`, role: 'admin' },
      { name: 'admin (Basic)', auth: `Basic ${Buffer.from(`any:${keys.admin}`).toString('base64')}`, role: 'admin' },
    ];
    const rank: Record<Role, number> = { reader: 0, editor: 1, admin: 2 };
    const wrong: string[] = [];
    let cells = 0;
    for (const r of routes) {
      for (const c of callers) {
        const res = await fetch(`${server.url}${r.path}`, {
          method: r.method,
          headers: {
            ...(c.auth !== undefined ? { authorization: c.auth } : {}),
            ...(r.method === 'POST' ? { 'content-type': 'application/json' } : {}),
            ...(r.path.startsWith('/taxii2') ? { accept: TAXII_MEDIA_TYPE } : {}),
          },
          ...(r.method === 'POST' ? { body: '{}' } : {}),
        });
        await res.arrayBuffer();
        cells++;
        const expected = r.need === 'public' ? 'served' : !c.role ? 401 : rank[c.role] >= rank[r.need] ? 'served' : 403;
        // "served": anything but an authentication or authorisation refusal (a 400 for the empty body or a 404 for
        // the dummy id means the request reached the handler).
        const ok = expected === 'served' ? res.status !== 401 && res.status !== 403 && res.status < 500 : res.status === expected;
        if (!ok) wrong.push(`${r.method} ${r.path} as ${c.name}: ${res.status} (expected ${expected})`);
      }
    }
    expect(wrong).toEqual([]);
    recordFigure('authorisation', {
      area: 'Web',
      defence:
        'API keys with roles reader < editor < admin, checked once per request; anonymous access only when the operator enables it; TAXII 401/403/404 per the specification',
      test: 'src/serve/api.security.test.ts',
      figure: `${routes.length} routes (every OpenAPI operation + TAXII) × ${callers.length} callers (no key, empty, malformed, wrong scheme, unknown, revoked, bad Basic, 3 roles, Basic) = ${cells} cells, ${cells - wrong.length} as expected (${(((cells - wrong.length) / cells) * 100).toFixed(0)}%)`,
    });
  }, 120_000);
});

describe('load', () => {
  it('serves search, entity and TAXII for 60 s on loopback without errors', async () => {
    const seconds = Number(process.env.KIZASHI_LOAD_SECONDS ?? 60);
    const [entity] = await store.listObjects({ type: 'intrusion-set', limit: 1 });
    const auth = { authorization: `Bearer ${keys.reader}` };
    const requests = [
      { method: 'GET' as const, path: `/api/search?q=${encodeURIComponent('攻撃')}&limit=20`, headers: auth },
      { method: 'GET' as const, path: '/api/search?q=ransomware&limit=20', headers: auth },
      { method: 'GET' as const, path: `/api/entities/${entity?.id ?? ''}`, headers: auth },
      {
        method: 'GET' as const,
        path: `/taxii2/api/collections/${ALL_COLLECTION_ID}/objects/?limit=100`,
        headers: { ...auth, accept: TAXII_MEDIA_TYPE },
      },
    ];
    const result = await autocannon({ url: server.url, connections: 16, duration: seconds, requests });
    const errors = result.errors + result.timeouts + result.non2xx;
    expect(errors).toBe(0);
    expect(result.requests.total).toBeGreaterThan(100);
    recordFigure('load', {
      area: 'Load',
      defence: 'one Node process, prepared SQLite statements, no per-request KB work',
      test: 'src/serve/api.security.test.ts',
      figure: `${seconds} s, 16 connections, mixed search (ja/en) / entity / TAXII objects on the 31-document corpus: ${result.requests.total} requests (${result.requests.average.toFixed(0)} req/s), errors ${result.errors}, timeouts ${result.timeouts}, non-2xx ${result.non2xx}; latency p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, max ${result.latency.max} ms`,
    });
  }, 180_000);
});
