// The HTTP application on a real loopback server over a real SQLite store holding the sample corpus.
// Response bodies are untyped JSON here; the assertions are the type checks.
/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-explicit-any */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Extractor } from '../extract/extract-document.js';
import { csvCell } from '../export/store-export.js';
import { ingestFiles, storeDocument } from '../ingest/ingest-files.js';
import { openExtractor } from '../main.js';
import type { GraphStore, Role } from '../store/graph-store.js';
import { openSqliteStore } from '../store/sqlite/sqlite-graph-store.js';
import { HAS_MISP_FORMAT, mispEventErrors } from '../testkit/misp-schema.js';
import { navigatorLayerErrors } from '../testkit/navigator-schema.js';
import { bundleErrors, HAS_SCHEMAS } from '../testkit/stix-schemas.js';
import { deliverWebhooks } from '../watch/watchlists.js';
import { createApp } from './app.js';
import { createApiKey } from './auth.js';
import { listen, type RunningServer } from './server.js';
import { ALL_COLLECTION_ID, TAXII_MEDIA_TYPE } from './taxii.js';

const CORPUS = join(import.meta.dirname, '../../corpus');

let dir: string;
let store: GraphStore;
let extractor: Extractor;
let server: RunningServer;
const keys: Record<Role | 'revoked', string> = { reader: '', editor: '', admin: '', revoked: '' };

async function call(
  path: string,
  init: RequestInit & { key?: string | undefined; auth?: string } = {},
): Promise<{ status: number; body: any; text: string; headers: Headers }> {
  const headers = new Headers(init.headers);
  if (init.key) headers.set('authorization', `Bearer ${init.key}`);
  if (init.auth) headers.set('authorization', init.auth);
  const res = await fetch(`${server.url}${path}`, { ...init, headers });
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, body, text, headers: res.headers };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kizashi-serve-'));
  store = openSqliteStore(join(dir, 'kizashi.db'));
  extractor = await openExtractor({ ignoreHome: true });
  await ingestFiles([CORPUS], extractor, store);
  for (const role of ['reader', 'editor', 'admin'] as const) keys[role] = (await createApiKey(store, `test-${role}`, role)).secret;
  keys.revoked = (await createApiKey(store, 'old', 'admin')).secret;
  await store.revokeApiKey('old');
  server = await listen(createApp({ store, extractor, fetch: { allowHosts: ['127.0.0.1'] } }), { port: 0, host: '127.0.0.1' });
}, 60_000);

afterAll(async () => {
  await server.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('REST API', () => {
  it('answers health and OpenAPI without a key, and documents every /api route', async () => {
    expect((await call('/api/health')).body).toMatchObject({ status: 'ok', documents: 31 });
    const spec = (await call('/api/openapi.json')).body as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(spec.openapi).toBe('3.1.0');
    const app = createApp({ store });
    const routes = new Set(
      app.routes
        .filter((r) => r.path.startsWith('/api/') && r.path !== '/api/*' && r.method !== 'ALL')
        .map((r) => `${r.method.toLowerCase()} ${r.path.replace(/:(\w+)/g, '{$1}')}`),
    );
    const documented = new Set(Object.entries(spec.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m} ${p}`)));
    expect(documented).toEqual(routes);
  });

  it('pages documents and shows one with its mentions', async () => {
    const first = await call('/api/documents?limit=10', { key: keys.reader });
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(10);
    expect(first.body.nextOffset).toBe(10);
    const last = await call('/api/documents?limit=10&offset=30', { key: keys.reader });
    expect(last.body.items).toHaveLength(1);
    expect(last.body.nextOffset).toBeUndefined();
    const id = first.body.items[0].id as string;
    const doc = await call(`/api/documents/${id}`, { key: keys.reader });
    expect(doc.body.document.id).toBe(id);
    for (const m of doc.body.mentions as { start: number; end: number; text: string }[])
      expect(doc.body.document.text.slice(m.start, m.end)).toBe(m.text);
    expect((await call('/api/documents/report--nope', { key: keys.reader })).body.error).toMatchObject({ status: 404, code: 'not_found' });
    expect((await call('/api/documents?limit=abc', { key: keys.reader })).body.error.message).toMatch(/^limit:/);
  });

  it('shows an entity with aliases, relationships, documents and timeline', async () => {
    const search = await call(`/api/search?q=${encodeURIComponent('ミラーフェイス')}&kind=object`, { key: keys.reader });
    const hit = (search.body.hits as { id: string; title: string }[]).find((h) => h.title === 'MirrorFace');
    expect(hit).toBeDefined();
    const entity = await call(`/api/entities/${hit?.id ?? ''}`, { key: keys.reader });
    expect(entity.body.entity.aliases).toEqual(expect.arrayContaining(['ミラーフェイス']));
    expect(entity.body.relationships.length).toBeGreaterThan(0);
    expect(entity.body.documents.length).toBeGreaterThan(1);
    expect(entity.body.timeline.reduce((s: number, t: { count: number }) => s + t.count, 0)).toBe(entity.body.mentions.length);
  });

  it('searches in Japanese and English with facets', async () => {
    const ja = await call(`/api/search?q=${encodeURIComponent('警察庁')}`, { key: keys.reader });
    expect(ja.body.hits.length).toBeGreaterThan(0);
    expect(ja.body.facets.kind.document).toBeGreaterThan(0);
    const en = await call('/api/search?q=Volt%20Typhoon&kind=document', { key: keys.reader });
    expect(en.body.hits.length).toBeGreaterThan(0);
    expect((await call('/api/search', { key: keys.reader })).status).toBe(400);
  });

  it('lists stories and opens one with its claims and timeline; serves the digest', async () => {
    const stories = await call('/api/stories?limit=100', { key: keys.reader });
    const multi = (stories.body.items as { id: string; documents: { lang: string }[] }[]).find(
      (s) => new Set(s.documents.map((d) => d.lang)).size === 2,
    );
    expect(multi).toBeDefined();
    const story = await call(`/api/stories/${multi?.id ?? ''}`, { key: keys.reader });
    expect(story.body.timeline.length).toBe(multi?.documents.length);
    expect(Array.isArray(story.body.claims)).toBe(true);
    const digest = await call('/api/digest?lang=en', { key: keys.reader });
    expect(digest.body.stories.length).toBeGreaterThan(0);
    const md = await call('/api/digest?lang=ja&format=markdown', { key: keys.reader });
    expect(md.headers.get('content-type')).toContain('text/markdown');
    expect((await call('/api/digest?tz=Mars/Olympus', { key: keys.reader })).body.error.message).toMatch(/^tz:/);
    // Days that do not exist are refused, not read as another day or failing inside (500).
    for (const date of ['2025-13-01', '2025-02-30']) {
      const bad = await call(`/api/digest?date=${date}`, { key: keys.reader });
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toMatch(/^date:/);
    }
    expect((await call('/api/stories?since=2025-02-30', { key: keys.reader })).status).toBe(400);
  });

  it('ingests a text, a file upload and refuses a URL on loopback (SSRF) unless allowed', async () => {
    const body = JSON.stringify({
      title: 'API test: Kimsuky returns',
      text: 'JPCERT/CC warned that Lazarus Group used 203.0.113.77 in 2026.',
      published: '2026-11-20',
    });
    const headers = { 'content-type': 'application/json' };
    const first = await call('/api/ingest', { method: 'POST', body, headers, key: keys.editor });
    expect(first.status).toBe(201);
    // The title is read too: what only the headline names is found, with offsets into the stored text.
    const stored = (await call(`/api/documents/${first.body.documentId}`, { key: keys.reader })).body;
    expect(stored.mentions.map((m: { text: string }) => m.text)).toEqual(expect.arrayContaining(['Kimsuky', 'Lazarus Group']));
    const again = await call('/api/ingest', { method: 'POST', body, headers, key: keys.editor });
    expect(again.body.result).toBe('unchanged');
    for (const published of ['2026-02-30', '7', 'someday']) {
      const badDate = await call('/api/ingest', {
        method: 'POST',
        body: JSON.stringify({ text: 'APT41 again.', published }),
        headers,
        key: keys.editor,
      });
      expect(badDate.status, published).toBe(400);
      expect(badDate.body.error.message).toBe('published: not a date');
    }
    const form = new FormData();
    form.append(
      'file',
      new Blob(['---\ntitle: Uploaded\n---\nESETはMirrorFaceの新たな活動を報告した。'], { type: 'text/markdown' }),
      'note.md',
    );
    const upload = await call('/api/ingest', { method: 'POST', body: form, key: keys.editor });
    expect(upload.status).toBe(201);
    const bad = new FormData();
    bad.append('file', new Blob(['MZ'], { type: 'application/octet-stream' }), 'tool.exe');
    expect((await call('/api/ingest', { method: 'POST', body: bad, key: keys.editor })).status).toBe(415);
    const ssrf = await call('/api/ingest', {
      method: 'POST',
      body: JSON.stringify({ url: 'http://169.254.169.254/latest/meta-data/' }),
      headers,
      key: keys.editor,
    });
    expect(ssrf.status).toBe(422);
    expect(ssrf.body.error.message).toMatch(/169\.254\.169\.254.*refused/);
    expect((await call('/api/ingest', { method: 'POST', body: '{', headers, key: keys.editor })).body.error.code).toBe('bad_json');
  });

  it('stores mention feedback: a rejected alias is gone from the document and from later ones; retyping moves it', async () => {
    const headers = { 'content-type': 'application/json' };
    const ingest = async (title: string, text: string): Promise<string> =>
      (
        await call('/api/ingest', {
          method: 'POST',
          headers,
          key: keys.editor,
          body: JSON.stringify({ title, text, published: '2026-11-22' }),
        })
      ).body.documentId as string;
    const first = await ingest('LODEINFO note', 'Operators deployed LODEINFO and Cobalt Strike on the servers.');
    const doc = (await call(`/api/documents/${first}`, { key: keys.reader })).body;
    const quasar = (doc.objects as { id: string; name: string }[]).find((o) => o.name === 'LODEINFO');
    expect(quasar).toBeDefined();
    const mention = (doc.mentions as { objectId: string; start: number }[]).find((m) => m.objectId === quasar?.id);
    const feedback = (verdict: string, extra: object = {}) =>
      call(`/api/documents/${first}/feedback`, {
        method: 'POST',
        headers,
        key: keys.editor,
        body: JSON.stringify({ objectId: quasar?.id, start: mention?.start, verdict, ...extra }),
      });
    expect((await call(`/api/documents/${first}/feedback`, { method: 'POST', headers, key: keys.reader, body: '{}' })).status).toBe(403);
    expect((await feedback('retype', { newType: 'bogus' })).status).toBe(400);
    const rejected = await feedback('reject');
    expect(rejected.status).toBe(201);
    expect(rejected.body.result).toBe('updated');
    const after = (await call(`/api/documents/${first}`, { key: keys.reader })).body;
    expect((after.objects as { name: string }[]).map((o) => o.name)).not.toContain('LODEINFO');
    expect(after.feedback).toHaveLength(1);
    const later = await ingest('Another LODEINFO note', 'LODEINFO was seen again next to Cobalt Strike.');
    const laterDoc = (await call(`/api/documents/${later}`, { key: keys.reader })).body;
    expect((laterDoc.objects as { name: string }[]).map((o) => o.name)).toEqual(['Cobalt Strike']);
    const cobalt = (laterDoc.objects as { id: string; name: string }[])[0];
    const cm = (laterDoc.mentions as { objectId: string; start: number }[]).find((m) => m.objectId === cobalt?.id);
    const retyped = await call(`/api/documents/${later}/feedback`, {
      method: 'POST',
      headers,
      key: keys.editor,
      body: JSON.stringify({ objectId: cobalt?.id, start: cm?.start, verdict: 'retype', newType: 'malware' }),
    });
    expect(retyped.status).toBe(201);
    const final = (await call(`/api/documents/${later}`, { key: keys.reader })).body;
    expect((final.objects as { type: string; name: string }[]).find((o) => o.name === 'Cobalt Strike')?.type).toBe('malware');
  });

  it('records watchlist hits and delivers them to a webhook, retrying on failure', async () => {
    const received: unknown[] = [];
    let failures = 1;
    const hook: Server = createServer((req, res) => {
      let data = '';
      req.on('data', (c: Buffer) => (data += c.toString()));
      req.on('end', () => {
        if (failures-- > 0) {
          res.writeHead(500).end();
          return;
        }
        received.push(JSON.parse(data));
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    const port = (hook.address() as { port: number }).port;
    try {
      const created = await call('/api/watchlists', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        key: keys.editor,
        body: JSON.stringify({ name: 'Volt', keywords: ['Volt Typhoon'], webhook: `http://127.0.0.1:${port}/hook` }),
      });
      expect(created.status).toBe(201);
      const bad = await call('/api/watchlists', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        key: keys.editor,
        body: JSON.stringify({ name: 'x' }),
      });
      expect(bad.body.error.message).toMatch(/at least one entity or keyword/);
      const ingest = await call('/api/ingest', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        key: keys.editor,
        body: JSON.stringify({
          title: 'Volt Typhoon again',
          text: 'CISA said Volt Typhoon returned to US water utilities.',
          published: '2026-11-21',
        }),
      });
      expect(ingest.status).toBe(201);
      const hits = await call(`/api/watchlists/${created.body.id as string}/hits`, { key: keys.reader });
      expect(hits.body.items).toHaveLength(1);
      const report = await deliverWebhooks(store, { fetch: { allowHosts: ['127.0.0.1'] }, retryDelayMs: 10 });
      expect(report).toEqual({ delivered: 1, failed: 0 });
      expect(received).toHaveLength(1);
      expect(received[0]).toMatchObject({
        watchlist: { name: 'Volt' },
        hits: [{ matched: ['Volt Typhoon'], document: { title: 'Volt Typhoon again' } }],
      });
      expect((await store.watchHits({ undelivered: true })).length).toBe(0);
      // Without the operator's allow-list, a webhook on loopback is refused (SSRF) and stays pending.
      await store.markWatchHit(created.body.id as string, ingest.body.documentId as string, { attempts: 0 });
      expect(await deliverWebhooks(store, { triesPerRun: 1 })).toEqual({ delivered: 0, failed: 1 });
      expect((await store.watchHits({ undelivered: true }))[0]?.lastError).toMatch(/refused/);
      const digest = await call('/api/digest?date=2026-11-21&lang=en&tz=UTC', { key: keys.reader });
      expect(digest.body.watchlistHits).toEqual([expect.objectContaining({ watchlist: 'Volt', matched: ['Volt Typhoon'] })]);
    } finally {
      hook.close();
    }
  });

  it('exports STIX, MISP, Navigator and CSV for the store, an entity, a story and a range', async () => {
    const [mirrorFace] = (await store.search('MirrorFace', { kind: 'object', type: 'intrusion-set' })).map((h) => h.id);
    const stories = (await call('/api/stories?limit=1', { key: keys.reader })).body.items as { id: string }[];
    for (const query of ['', `?entity=${mirrorFace ?? ''}`, `?story=${stories[0]?.id ?? ''}`, '?since=2024-01-01&until=2025-01-01']) {
      const stix = await call(`/api/export/stix${query}`, { key: keys.reader });
      expect(stix.status).toBe(200);
      expect(stix.headers.get('content-type')).toBe('application/stix+json;version=2.1');
      expect(stix.body.objects.length).toBeGreaterThan(1);
      if (HAS_SCHEMAS) expect(bundleErrors(stix.body)).toEqual([]);
      const misp = await call(`/api/export/misp${query}`, { key: keys.reader });
      if (HAS_MISP_FORMAT) expect(mispEventErrors(misp.body)).toEqual([]);
      const layer = await call(`/api/export/navigator${query}`, { key: keys.reader });
      expect(navigatorLayerErrors(layer.body)).toEqual([]);
      const csv = await call(`/api/export/csv${query}`, { key: keys.reader });
      expect(csv.text.startsWith('type,name,')).toBe(true); // fetch's text() drops the BOM
      expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    }
    const all = (await call('/api/export/misp', { key: keys.reader })).body;
    expect(all.Event.Tag).toEqual(expect.arrayContaining([{ name: 'misp-galaxy:threat-actor="MirrorFace"' }]));
    const attrs = all.Event.Attribute as { type: string; value: string; to_ids: boolean }[];
    expect(attrs.find((a) => a.value === '203.0.113.77')).toMatchObject({ type: 'ip-dst', to_ids: false }); // documentation range
    expect(attrs.some((a) => a.to_ids)).toBe(true);
    expect((await call('/api/export/pdf', { key: keys.reader })).status).toBe(404);
    expect((await call('/api/export/stix?entity=malware--00000000-0000-4000-8000-000000000000', { key: keys.reader })).status).toBe(400);
  });

  it('neutralises spreadsheet formulas in CSV cells', () => {
    for (const evil of ['=HYPERLINK("http://x")', '+1+1', '-2', '@SUM(A1)', '\tcmd', '\rcmd'])
      expect(csvCell(evil).replace(/^"/, '').startsWith("'")).toBe(true);
    expect(csvCell('a,"b"')).toBe('"a,""b"""');
    expect(csvCell('MirrorFace')).toBe('MirrorFace');
  });
});

describe('authorisation', () => {
  type Case = { method: string; path: string; need: Role | 'public'; body?: () => BodyInit; type?: string };
  const routes: Case[] = [
    { method: 'GET', path: '/api/health', need: 'public' },
    { method: 'GET', path: '/api/openapi.json', need: 'public' },
    { method: 'GET', path: '/api/metrics', need: 'reader' },
    { method: 'GET', path: '/api/documents', need: 'reader' },
    { method: 'GET', path: '/api/entities', need: 'reader' },
    { method: 'GET', path: '/api/search?q=APT', need: 'reader' },
    { method: 'GET', path: '/api/stories', need: 'reader' },
    { method: 'GET', path: '/api/digest?lang=en', need: 'reader' },
    { method: 'GET', path: '/api/watchlists', need: 'reader' },
    { method: 'GET', path: '/api/export/csv', need: 'reader' },
    {
      method: 'POST',
      path: '/api/ingest',
      need: 'editor',
      body: () => JSON.stringify({ text: `matrix ${Math.random()}` }),
      type: 'application/json',
    },
    {
      method: 'POST',
      path: '/api/watchlists',
      need: 'editor',
      body: () => JSON.stringify({ name: 'm', keywords: ['m'] }),
      type: 'application/json',
    },
    { method: 'GET', path: '/api/keys', need: 'admin' },
    {
      method: 'POST',
      path: '/api/keys',
      need: 'admin',
      body: () => JSON.stringify({ name: 'matrix', role: 'reader' }),
      type: 'application/json',
    },
    { method: 'GET', path: '/taxii2/', need: 'reader' },
    { method: 'GET', path: `/taxii2/api/collections/${ALL_COLLECTION_ID}/objects/?limit=1`, need: 'reader' },
  ];
  const callers: { name: string; auth?: () => string; role?: Role }[] = [
    { name: 'no key' },
    { name: 'malformed', auth: () => 'Bearer not-a-key' },
    { name: 'wrong scheme', auth: () => `Token ${keys.admin}` },
    { name: 'unknown key', auth: () => `Bearer kz_${'A'.repeat(43)}` },
    { name: 'revoked', auth: () => `Bearer ${keys.revoked}` },
    { name: 'reader', auth: () => `Bearer ${keys.reader}`, role: 'reader' },
    { name: 'editor', auth: () => `Bearer ${keys.editor}`, role: 'editor' },
    { name: 'admin', auth: () => `Bearer ${keys.admin}`, role: 'admin' },
    { name: 'admin via Basic', auth: () => `Basic ${Buffer.from(`taxii:${keys.admin}`).toString('base64')}`, role: 'admin' },
  ];
  const rank = { reader: 0, editor: 1, admin: 2 };

  it('gives every role × route cell the expected status', async () => {
    const wrong: string[] = [];
    let cells = 0;
    for (const r of routes) {
      for (const c of callers) {
        const res = await fetch(`${server.url}${r.path}`, {
          method: r.method,
          headers: { ...(c.auth ? { authorization: c.auth() } : {}), ...(r.type ? { 'content-type': r.type } : {}) },
          ...(r.body ? { body: r.body() } : {}),
        });
        await res.arrayBuffer();
        const expected = r.need === 'public' ? 'ok' : !c.role ? 401 : rank[c.role] >= rank[r.need] ? 'ok' : 403;
        const ok = expected === 'ok' ? res.status >= 200 && res.status < 300 : res.status === expected;
        cells++;
        if (!ok) wrong.push(`${r.method} ${r.path} as ${c.name}: ${res.status}, expected ${expected}`);
      }
    }
    expect(cells).toBe(routes.length * callers.length);
    expect(wrong).toEqual([]);
  }, 60_000);

  it('lets an admin create and revoke keys over the API; the revoked key stops working at once', async () => {
    const created = await call('/api/keys', {
      method: 'POST',
      key: keys.admin,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'temp', role: 'editor' }),
    });
    expect(created.body.secret).toMatch(/^kz_/);
    expect(created.body.hash).toBeUndefined();
    expect((await call('/api/documents?limit=1', { key: created.body.secret as string })).status).toBe(200);
    expect((await call(`/api/keys/${created.body.id as string}`, { method: 'DELETE', key: keys.admin })).status).toBe(204);
    expect((await call('/api/documents?limit=1', { key: created.body.secret as string })).status).toBe(401);
    const listed = (await call('/api/keys', { key: keys.admin })).body.items as Record<string, unknown>[];
    expect(listed.every((k) => k.hash === undefined)).toBe(true);
  });

  it('allows anonymous reading only when the operator says so', async () => {
    const open = await listen(createApp({ store, anonymous: 'reader' }), { port: 0, host: '127.0.0.1' });
    try {
      expect((await fetch(`${open.url}/api/documents?limit=1`)).status).toBe(200);
      expect((await fetch(`${open.url}/api/keys`)).status).toBe(403);
      expect((await fetch(`${open.url}/api/documents`, { headers: { authorization: 'Bearer junk' } })).status).toBe(401);
    } finally {
      await open.close();
    }
  });

  it('sets security headers on every response', async () => {
    const res = await call('/api/health');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });
});

describe('TAXII 2.1', () => {
  const taxii = (path: string, init: RequestInit & { key?: string } = {}) =>
    call(path, {
      ...init,
      key: init.key ?? keys.reader,
      headers: { accept: TAXII_MEDIA_TYPE, ...(init.headers as Record<string, string>) },
    });

  it('serves discovery, the API root and collections with the TAXII media type', async () => {
    const discovery = await taxii('/taxii2/');
    expect(discovery.headers.get('content-type')).toBe(TAXII_MEDIA_TYPE);
    expect(discovery.body.api_roots).toEqual([`${server.url}/taxii2/api/`]);
    expect((await taxii('/taxii2/api/')).body.versions).toEqual([TAXII_MEDIA_TYPE]);
    const collections = (await taxii('/taxii2/api/collections/')).body.collections as { id: string; title: string; can_write: boolean }[];
    expect(collections[0]).toMatchObject({ id: ALL_COLLECTION_ID, can_read: true, can_write: false });
    expect(collections.some((c) => c.title.startsWith('Source: '))).toBe(true);
    const one = await taxii(`/taxii2/api/collections/${ALL_COLLECTION_ID}/`);
    expect(one.body.id).toBe(ALL_COLLECTION_ID);
  });

  it('answers 401, 404, 406, 415 and 403 as the specification requires, with TAXII error bodies', async () => {
    const unauth = await call('/taxii2/', { headers: { accept: TAXII_MEDIA_TYPE } });
    expect(unauth.status).toBe(401);
    expect(unauth.headers.get('content-type')).toBe(TAXII_MEDIA_TYPE);
    expect(unauth.body.http_status).toBe('401');
    expect((await taxii('/taxii2/api/collections/00000000-0000-4000-8000-000000000000/objects/')).status).toBe(404);
    expect((await taxii('/taxii2/api/', { headers: { accept: 'application/json' } })).status).toBe(406);
    expect((await taxii('/taxii2/api/', { headers: { accept: 'application/taxii+json;version=2.0' } })).status).toBe(406);
    const objects = `/taxii2/api/collections/${ALL_COLLECTION_ID}/objects/`;
    expect((await taxii(objects, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status).toBe(415);
    expect((await taxii(objects, { method: 'POST', headers: { 'content-type': TAXII_MEDIA_TYPE }, body: '{}' })).status).toBe(403);
    expect((await taxii(`${objects}?limit=0`)).status).toBe(400);
    expect((await taxii(`${objects}?added_after=yesterday`)).status).toBe(400);
    expect((await taxii(`${objects}?added_after=2025-02-30T00:00:00Z`)).status).toBe(400);
    expect((await taxii(`${objects}?next=bogus`)).status).toBe(400);
  });

  it('filters by type and id, serves manifests, single objects and versions', async () => {
    const base = `/taxii2/api/collections/${ALL_COLLECTION_ID}`;
    const actors = await taxii(`${base}/objects/?match[type]=intrusion-set&limit=1000`);
    expect(actors.body.objects.length).toBeGreaterThan(3);
    expect(actors.body.objects.every((o: { type: string }) => o.type === 'intrusion-set')).toBe(true);
    expect(actors.headers.get('x-taxii-date-added-first')).toMatch(/^\d{4}-/);
    const id = actors.body.objects[0].id as string;
    const single = await taxii(`${base}/objects/${id}/`);
    expect(single.body.objects.map((o: { id: string }) => o.id)).toEqual([id]);
    expect((await taxii(`${base}/objects/${id}/versions/`)).body.versions).toHaveLength(1);
    const manifest = await taxii(`${base}/manifest/?match[id]=${id}`);
    expect(manifest.body.objects[0]).toMatchObject({ id, media_type: 'application/stix+json;version=2.1' });
    expect((await taxii(`${base}/objects/malware--00000000-0000-4000-8000-000000000000/`)).status).toBe(404);
    const later = await taxii(`${base}/objects/?added_after=2999-01-01T00:00:00.000Z`);
    expect(later.body).toEqual({ more: false });
  });

  it('pages through 2,000+ objects while new ones are inserted, returning each exactly once', async () => {
    const octet = (n: number): string => `${Math.floor(n / 250) + 1}.${n % 250}`;
    const batch = async (from: number, docs: number): Promise<void> => {
      for (let d = 0; d < docs; d++) {
        const ips = Array.from({ length: 25 }, (_, i) => `45.${octet(from + d * 25 + i)}.9`).join(', ');
        const text = `Servers observed: ${ips}.`;
        await storeDocument(
          {
            id: `report--${String(from + d).padStart(8, '0')}-aaaa-4aaa-8aaa-aaaaaaaaaaaa`,
            title: `IOC list ${from + d}`,
            text,
            lang: 'en',
            origin: 'test',
          },
          extractor,
          store,
        );
      }
    };
    await batch(0, 40); // 40 × 25 IPs → 1,000 SCOs + 1,000 indicators
    const seen: string[] = [];
    let next: string | undefined;
    let pages = 0;
    do {
      const res = await taxii(`/taxii2/api/collections/${ALL_COLLECTION_ID}/objects/?limit=150${next ? `&next=${next}` : ''}`);
      seen.push(...((res.body.objects ?? []) as { id: string }[]).map((o) => o.id));
      next = res.body.next as string | undefined;
      expect(res.body.more).toBe(next !== undefined);
      if (pages++ < 5) await batch(1000 + pages * 4, 4); // new objects arrive mid-paging
    } while (next);
    const all = (await store.objectsAdded({ limit: 100_000 })).objects.map((o) => String(o.stix.id));
    expect(all.length).toBeGreaterThan(2000);
    expect(seen.length).toBe(new Set(seen).size);
    expect(new Set(seen)).toEqual(new Set(all));
  }, 60_000);
});
