// `kizashi serve`: one HTTP application (Hono) with the REST API under /api, TAXII 2.1 under /taxii2, health and
// metrics. Authentication runs once, here; every route declares the least role it needs.
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, extname, join } from 'node:path';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { isCalendarDay, isIsoDateTime, isTimeZone, toTimestamp } from '../core/dates.js';
import { describeError, KizashiError } from '../core/errors.js';
import { documentId, titledText, type KizashiDocument } from '../core/document.js';
import type { Extractor } from '../extract/extract-document.js';
import {
  exportCsv,
  exportMisp,
  exportNavigator,
  exportStix,
  ExportError,
  selectFromStore,
  type ExportSelection,
} from '../export/store-export.js';
import type { FetchOptions } from '../ingest/fetcher.js';
import { ingestPage } from '../ingest/ingest-feeds.js';
import { ingestFile, storeDocument } from '../ingest/ingest-files.js';
import type { GraphStore, MentionFeedback, Role } from '../store/graph-store.js';
import { RETYPE_TARGETS } from '../ingest/apply-feedback.js';
import { buildLedger, claimsOf } from '../stories/claims.js';
import { buildDigest, dayBounds, digestToHtml, digestToMarkdown, type DigestLang } from '../stories/digest.js';
import { listStories } from '../stories/list-stories.js';
import { detectLanguage } from '../text/language.js';
import { newWatchlist, WatchlistError } from '../watch/watchlists.js';
import { authenticate, createApiKey, isRole, roleAllows } from './auth.js';
import { openApiDocument } from './openapi.js';
import { taxiiError, taxiiRoutes } from './taxii.js';

export interface AppOptions {
  readonly store: GraphStore;
  /** Needed for POST /api/ingest; loaded by the caller (the KB takes a second or two). */
  readonly extractor?: Extractor;
  /** Role of callers without a key; undefined (the default) means every request needs a key. */
  readonly anonymous?: Role;
  /** SSRF rules for URLs submitted to /api/ingest. */
  readonly fetch?: FetchOptions;
  /** Default time zone of the digest. */
  readonly tz?: string;
  /** Extra routes (the web UI) mounted at /. */
  readonly ui?: Hono;
}

type Env = { Variables: { role: Role; keyId?: string } };

/** An API error: status and a message that names the field or resource at fault. */
export class ApiError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 500 | 503,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function errorBody(status: number, code: string, message: string): { error: { status: number; code: string; message: string } } {
  return { error: { status, code, message } };
}

const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
};
const API_CSP = "default-src 'none'; frame-ancestors 'none'";

/** A path parameter (the route guarantees it; typed routes lose that through middleware). */
function param(c: Context, name: string): string {
  return c.req.param(name) ?? '';
}

/** Paging parameters: limit 1–500 (default 50), offset ≥ 0. */
function paging(c: Context): { limit: number; offset: number } {
  const limit = intParam(c, 'limit', 50, 1, 500);
  const offset = intParam(c, 'offset', 0, 0, 10_000_000);
  return { limit, offset };
}

function intParam(c: Context, name: string, fallback: number, min: number, max: number): number {
  const raw = c.req.query(name);
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d{1,9}$/.test(raw)) throw new ApiError(400, 'bad_parameter', `${name}: must be an integer`);
  const n = Number(raw);
  if (n < min || n > max) throw new ApiError(400, 'bad_parameter', `${name}: must be between ${min} and ${max}`);
  return n;
}

function dateParam(c: Context, name: string): string | undefined {
  const v = c.req.query(name);
  if (v === undefined || v === '') return undefined;
  if (!isIsoDateTime(v)) throw new ApiError(400, 'bad_parameter', `${name}: must be an ISO date (2025-01-31) or timestamp`);
  return v;
}

function page<T>(items: T[], p: { limit: number; offset: number }): { items: T[]; limit: number; offset: number; nextOffset?: number } {
  const more = items.length > p.limit;
  return { items: items.slice(0, p.limit), limit: p.limit, offset: p.offset, ...(more ? { nextOffset: p.offset + p.limit } : {}) };
}

interface Metrics {
  requests: Map<string, number>;
  durationMs: Map<string, number>;
  started: number;
}

/** The whole HTTP application. */
export function createApp(options: AppOptions): Hono<Env> {
  const { store } = options;
  const app = new Hono<Env>({ strict: false });
  const metrics: Metrics = { requests: new Map(), durationMs: new Map(), started: Date.now() };

  app.use('*', async (c, next) => {
    const t0 = performance.now();
    await next();
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) c.res.headers.set(k, v);
    if (!c.res.headers.has('content-security-policy')) c.res.headers.set('content-security-policy', API_CSP);
    const route = `${c.req.method} ${c.req.routePath}`;
    const key = `${route} ${c.res.status}`;
    metrics.requests.set(key, (metrics.requests.get(key) ?? 0) + 1);
    metrics.durationMs.set(route, (metrics.durationMs.get(route) ?? 0) + performance.now() - t0);
  });

  app.onError((error, c) => {
    if (error instanceof ApiError) return c.json(errorBody(error.status, error.code, error.message), error.status);
    if (error instanceof ExportError || error instanceof WatchlistError) return c.json(errorBody(400, 'bad_request', error.message), 400);
    if (error instanceof KizashiError) return c.json(errorBody(422, 'unprocessable', describeError(error)), 422);
    console.error(`kizashi serve: ${c.req.method} ${c.req.path}: ${error.stack ?? String(error)}`);
    return c.json(errorBody(500, 'internal', 'internal error (logged on the server)'), 500);
  });

  // --- Public: health, OpenAPI ---------------------------------------------------------------------------------
  app.get('/api/health', async (c) => {
    try {
      const counts = await store.counts();
      return c.json({ status: 'ok', documents: counts.documents, uptimeSeconds: Math.round((Date.now() - metrics.started) / 1000) });
    } catch (error) {
      return c.json({ status: 'error', message: (error as Error).message }, 503);
    }
  });
  app.get('/api/openapi.json', (c) => c.json(openApiDocument()));

  // --- Authentication for everything else under /api and /taxii2 -------------------------------------------------
  const authenticated =
    (taxii: boolean): MiddlewareHandler<Env> =>
    async (c, next) => {
      const result = await authenticate(store, c.req.header('authorization'), options.anonymous);
      if (!result.ok) {
        if (taxii) return taxiiError(401, 'Unauthorized', result.reason);
        c.header('www-authenticate', 'Bearer realm="kizashi"');
        return c.json(errorBody(401, 'unauthorized', result.reason), 401);
      }
      c.set('role', result.role);
      if (result.keyId) c.set('keyId', result.keyId);
      await next();
    };
  app.use('/api/*', authenticated(false));
  app.use('/taxii2/*', authenticated(true));
  app.use('/taxii2', authenticated(true));

  const need =
    (role: Role) =>
    async (c: Context<Env>, next: () => Promise<void>): Promise<Response | undefined> => {
      if (!roleAllows(c.get('role'), role)) return c.json(errorBody(403, 'forbidden', `this needs the ${role} role`), 403);
      await next();
      return undefined;
    };

  // --- Metrics (Prometheus text format) --------------------------------------------------------------------------
  app.get('/api/metrics', need('reader'), async (c) => {
    const counts = await store.counts();
    const lines = [
      '# TYPE kizashi_http_requests_total counter',
      ...[...metrics.requests].map(([k, v]) => {
        const [method = '', route = '', status = ''] = k.split(' ');
        return `kizashi_http_requests_total{method="${method}",route="${route}",status="${status}"} ${v}`;
      }),
      '# TYPE kizashi_http_request_duration_ms_total counter',
      ...[...metrics.durationMs].map(([k, v]) => {
        const [method = '', route = ''] = k.split(' ');
        return `kizashi_http_request_duration_ms_total{method="${method}",route="${route}"} ${v.toFixed(1)}`;
      }),
      '# TYPE kizashi_store_documents gauge',
      `kizashi_store_documents ${counts.documents}`,
      '# TYPE kizashi_store_objects gauge',
      `kizashi_store_objects ${counts.objects}`,
      '# TYPE kizashi_store_relationships gauge',
      `kizashi_store_relationships ${counts.relationships}`,
      '# TYPE kizashi_process_resident_bytes gauge',
      `kizashi_process_resident_bytes ${process.memoryUsage().rss}`,
    ];
    return c.text(`${lines.join('\n')}\n`, 200, { 'content-type': 'text/plain; version=0.0.4' });
  });

  // --- Documents ----------------------------------------------------------------------------------------------------
  app.get('/api/documents', need('reader'), async (c) => {
    const p = paging(c);
    const since = dateParam(c, 'since');
    const until = dateParam(c, 'until');
    const docs = await store.listDocuments({ ...p, limit: p.limit + 1, ...(since ? { since } : {}), ...(until ? { until } : {}) });
    return c.json(
      page(
        docs.map(({ text, ...d }) => ({ ...d, length: text.length })),
        p,
      ),
    );
  });
  app.get('/api/documents/:id', need('reader'), async (c) => {
    const doc = await store.getDocument(param(c, 'id'));
    if (!doc) throw new ApiError(404, 'not_found', `no document ${param(c, 'id')}`);
    const mentions = await store.mentions({ documentId: doc.id });
    const objects = new Map<string, { id: string; type: string; name: string }>();
    for (const id of new Set(mentions.map((m) => m.objectId))) {
      const o = await store.getObject(id);
      if (o) objects.set(id, { id, type: o.type, name: o.name });
    }
    return c.json({ document: doc, mentions, objects: [...objects.values()], feedback: await store.listFeedback({ documentId: doc.id }) });
  });
  app.post('/api/documents/:id/feedback', need('editor'), async (c) => {
    const doc = await store.getDocument(param(c, 'id'));
    if (!doc) throw new ApiError(404, 'not_found', `no document ${param(c, 'id')}`);
    let body: Record<string, unknown>;
    try {
      body = await c.req.json<Record<string, unknown>>();
    } catch {
      throw new ApiError(400, 'bad_json', 'the body is not valid JSON');
    }
    const verdict = body.verdict;
    if (verdict !== 'confirm' && verdict !== 'reject' && verdict !== 'retype')
      throw new ApiError(400, 'bad_request', 'verdict: confirm, reject or retype');
    if (verdict === 'retype' && (typeof body.newType !== 'string' || !RETYPE_TARGETS.includes(body.newType)))
      throw new ApiError(400, 'bad_request', `newType: one of ${RETYPE_TARGETS.join(', ')}`);
    const mention = (await store.mentions({ documentId: doc.id })).find((m) => m.objectId === body.objectId && m.start === body.start);
    if (!mention) throw new ApiError(404, 'not_found', 'objectId/start: no such mention in this document');
    const feedback: MentionFeedback = {
      documentId: doc.id,
      objectId: mention.objectId,
      start: mention.start,
      end: mention.end,
      surface: mention.text,
      verdict,
      createdAt: new Date().toISOString(),
      by: c.get('keyId') ?? 'anonymous',
      ...(verdict === 'retype' ? { newType: body.newType as string } : {}),
    };
    await store.putFeedback(feedback);
    // Re-extract this document with the verdict applied (later documents get it at ingestion).
    let result: string = 'unchanged';
    if (options.extractor && verdict !== 'confirm') {
      const lang = doc.lang === 'ja' || doc.lang === 'en' ? doc.lang : 'und';
      const again: KizashiDocument = {
        id: doc.id,
        title: doc.title,
        text: doc.text,
        lang,
        origin: doc.origin,
        ...(doc.url ? { url: doc.url } : {}),
        ...(doc.published ? { published: doc.published } : {}),
        ...(doc.source ? { source: doc.source } : {}),
      };
      result = (await storeDocument(again, options.extractor, store)).result;
    }
    return c.json({ feedback, result }, 201);
  });
  app.get('/api/feeds', need('reader'), async (c) => c.json({ items: await store.listFeedStates() }));
  app.get('/api/sources', need('reader'), async (c) => c.json({ items: await store.sources() }));

  // --- Entities -----------------------------------------------------------------------------------------------------
  app.get('/api/entities', need('reader'), async (c) => {
    const p = paging(c);
    const type = c.req.query('type');
    const objects = await store.listObjects({ ...p, limit: p.limit + 1, ...(type ? { type } : {}) });
    return c.json(
      page(
        objects.filter((o) => o.type !== 'relationship').map(({ stix: _stix, ...o }) => o),
        p,
      ),
    );
  });
  app.get('/api/entities/:id', need('reader'), async (c) => {
    const entity = await store.getObject(param(c, 'id'));
    if (!entity) throw new ApiError(404, 'not_found', `no entity ${param(c, 'id')}`);
    const mentions = await store.mentions({ objectId: entity.id });
    const relationships = [];
    for (const r of await store.relationships(entity.id)) {
      const outgoing = r.stix.source_ref === entity.id;
      const other = await store.getObject(String(outgoing ? r.stix.target_ref : r.stix.source_ref));
      relationships.push({
        id: r.id,
        type: String(r.stix.relationship_type),
        direction: outgoing ? 'out' : 'in',
        other: other
          ? { id: other.id, type: other.type, name: other.name, ...(other.type === 'attack-pattern' ? techniqueFacts(other.stix) : {}) }
          : { id: String(outgoing ? r.stix.target_ref : r.stix.source_ref) },
        evidence: r.mentionCount,
      });
    }
    const docIds = [...new Set(mentions.map((m) => m.documentId))];
    const documents = (await Promise.all(docIds.map((id) => store.getDocument(id)))).flatMap((d) =>
      d ? [{ id: d.id, title: d.title, published: d.published, source: d.source, lang: d.lang, url: d.url }] : [],
    );
    const timeline = new Map<string, number>();
    const published = new Map(documents.map((d) => [d.id, d.published?.slice(0, 10) ?? 'undated']));
    for (const m of mentions) {
      const day = published.get(m.documentId) ?? 'undated';
      timeline.set(day, (timeline.get(day) ?? 0) + 1);
    }
    // Claims about or by this entity, from the most recent documents that mention it.
    const recent = documents.sort((a, b) => (b.published ?? '').localeCompare(a.published ?? '')).slice(0, 50);
    const stored = (await Promise.all(recent.map((d) => store.getDocument(d.id)))).filter((d) => d !== undefined);
    const claims = buildLedger((await Promise.all(stored.map((d) => claimsOf(store, d)))).flat()).filter(
      (l) => l.subject === entity.name || l.object === entity.name || l.claimants.includes(entity.name),
    );
    return c.json({
      entity,
      claims,
      mentions: mentions.slice(0, 500),
      relationships,
      documents: documents.sort((a, b) => (b.published ?? '').localeCompare(a.published ?? '')),
      timeline: [...timeline].sort(([a], [b]) => a.localeCompare(b)).map(([date, count]) => ({ date, count })),
    });
  });

  // --- Search ---------------------------------------------------------------------------------------------------------
  app.get('/api/search', need('reader'), async (c) => {
    const q = c.req.query('q') ?? '';
    if (q.trim() === '') throw new ApiError(400, 'bad_parameter', 'q: the search terms are missing');
    if (q.length > 500) throw new ApiError(400, 'bad_parameter', 'q: at most 500 characters');
    const kind = c.req.query('kind');
    if (kind !== undefined && kind !== 'document' && kind !== 'object')
      throw new ApiError(400, 'bad_parameter', 'kind: document or object');
    const since = dateParam(c, 'since');
    const until = dateParam(c, 'until');
    const hits = await store.search(q, {
      limit: intParam(c, 'limit', 20, 1, 200),
      ...(kind ? { kind } : {}),
      ...(c.req.query('type') ? { type: c.req.query('type') } : {}),
      ...(c.req.query('entity') ? { entity: c.req.query('entity') } : {}),
      ...(c.req.query('source') ? { source: c.req.query('source') } : {}),
      ...(since ? { since } : {}),
      ...(until ? { until } : {}),
    });
    const facets: Record<string, Record<string, number>> = { kind: {}, type: {} };
    for (const h of hits) {
      facets.kind![h.kind] = (facets.kind![h.kind] ?? 0) + 1;
      if (h.type) facets.type![h.type] = (facets.type![h.type] ?? 0) + 1;
    }
    return c.json({ query: q, hits, facets });
  });

  // --- Stories and digest -------------------------------------------------------------------------------------------
  const storiesOf = async (c: Context) => {
    const since = dateParam(c, 'since');
    const until = dateParam(c, 'until');
    return listStories(store, { ...(since ? { since } : {}), ...(until ? { until } : {}) });
  };
  app.get('/api/stories', need('reader'), async (c) => {
    const p = paging(c);
    const stories = await storiesOf(c);
    return c.json(page(stories.slice(p.offset, p.offset + p.limit + 1), p));
  });
  app.get('/api/stories/:id', need('reader'), async (c) => {
    const story = (await storiesOf(c)).find((s) => s.id === param(c, 'id'));
    if (!story) throw new ApiError(404, 'not_found', `no story ${param(c, 'id')} in the requested window`);
    const docs = (await Promise.all(story.documentIds.map((id) => store.getDocument(id)))).filter((d) => d !== undefined);
    const claims = buildLedger((await Promise.all(docs.map((d) => claimsOf(store, d)))).flat());
    const timeline = docs
      .map((d) => ({ date: d.published ?? d.ingestedAt, document: d.id, title: d.title, source: d.source, lang: d.lang }))
      .sort((a, b) => a.date.localeCompare(b.date));
    return c.json({ story, claims, timeline });
  });
  app.get('/api/digest', need('reader'), async (c) => {
    const lang = (c.req.query('lang') ?? 'ja') as DigestLang;
    if (lang !== 'ja' && lang !== 'en') throw new ApiError(400, 'bad_parameter', 'lang: ja or en');
    const tz = c.req.query('tz') ?? options.tz ?? 'Asia/Tokyo';
    if (!isTimeZone(tz)) throw new ApiError(400, 'bad_parameter', `tz: unknown time zone "${tz}"`);
    const date = c.req.query('date') ?? (await latestDate(store, tz));
    if (!isCalendarDay(date)) throw new ApiError(400, 'bad_parameter', 'date: a day written YYYY-MM-DD');
    const digest = await buildDigest(store, { date, lang, tz });
    const { since, until } = dayBounds(date, tz);
    const hits = await store.watchHits({ limit: 1000 });
    const watchlists = new Map((await store.listWatchlists()).map((w) => [w.id, w.name]));
    const watch = [];
    for (const h of hits) {
      const d = await store.getDocument(h.documentId);
      if (d?.published && d.published >= since && d.published < until)
        watch.push({
          watchlist: watchlists.get(h.watchlistId) ?? h.watchlistId,
          matched: h.matched,
          document: { id: d.id, title: d.title },
        });
    }
    const format = c.req.query('format') ?? 'json';
    if (format === 'markdown') return c.text(digestToMarkdown(digest), 200, { 'content-type': 'text/markdown; charset=utf-8' });
    if (format === 'html') return c.text(digestToHtml(digest), 200, { 'content-type': 'text/html; charset=utf-8' });
    return c.json({ ...digest, watchlistHits: watch });
  });

  // --- Ingest ---------------------------------------------------------------------------------------------------------
  app.post(
    '/api/ingest',
    need('editor'),
    bodyLimit({ maxSize: 25 * 1024 * 1024, onError: (c) => c.json(errorBody(413, 'too_large', 'body larger than 25 MB'), 413) }),
    async (c) => {
      const extractor = options.extractor;
      if (!extractor) throw new ApiError(503, 'unavailable', 'this server was started without an extractor');
      const type = c.req.header('content-type') ?? '';
      if (type.startsWith('multipart/form-data')) {
        const form = await c.req.parseBody();
        const file = form.file;
        if (!(file instanceof File)) throw new ApiError(400, 'bad_request', 'file: a multipart field "file" is required');
        const name = basename(file.name || 'upload.txt').replace(/[^\w.-]/g, '_');
        if (!/\.(?:md|markdown|txt|html?|pdf|json)$/i.test(extname(name)))
          throw new ApiError(415, 'unsupported_type', `${name}: kizashi reads .md .txt .html .pdf and STIX/MISP .json`);
        const dir = await mkdtemp(join(tmpdir(), 'kizashi-upload-'));
        try {
          const path = join(dir, name);
          await writeFile(path, Buffer.from(await file.arrayBuffer()));
          const result = await ingestFile(path, extractor, store).catch((error: unknown) => {
            throw new ApiError(422, 'unprocessable', describeError(error).replace(path, name));
          });
          return c.json({ result, file: name }, result === 'new' ? 201 : 200);
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      }
      if (!type.startsWith('application/json')) throw new ApiError(415, 'unsupported_type', 'send application/json or multipart/form-data');
      let body: Record<string, unknown>;
      try {
        body = await c.req.json<Record<string, unknown>>();
      } catch {
        throw new ApiError(400, 'bad_json', 'the body is not valid JSON');
      }
      if (typeof body !== 'object' || body === null || Array.isArray(body))
        throw new ApiError(400, 'bad_json', 'the body must be an object');
      if (typeof body.url === 'string' && body.text === undefined) {
        const result = await ingestPage(body.url, extractor, store, options.fetch ?? {});
        return c.json({ result, url: body.url, documentId: documentId({ url: body.url }) }, result === 'new' ? 201 : 200);
      }
      if (typeof body.text !== 'string' || body.text.trim() === '') throw new ApiError(400, 'bad_request', 'text: required (or url)');
      const title = typeof body.title === 'string' && body.title.trim() !== '' ? body.title : body.text.slice(0, 80);
      const published = typeof body.published === 'string' ? toTimestamp(body.published) : undefined;
      if (body.published !== undefined && published === undefined) throw new ApiError(400, 'bad_parameter', 'published: not a date');
      const url = typeof body.url === 'string' ? body.url : undefined;
      const lang = body.lang === 'ja' || body.lang === 'en' ? body.lang : detectLanguage(body.text).lang;
      const doc: KizashiDocument = {
        id: url ? documentId({ url }) : documentId({}, createHash('sha256').update(body.text).digest('hex')),
        title,
        text: typeof body.title === 'string' ? titledText(title, body.text) : body.text,
        lang,
        origin: url ?? 'api',
        ...(url ? { url } : {}),
        ...(published ? { published } : {}),
        ...(typeof body.source === 'string' ? { source: body.source } : {}),
      };
      const { result } = await storeDocument(doc, extractor, store);
      return c.json({ result, documentId: doc.id }, result === 'new' ? 201 : 200);
    },
  );

  // --- Watchlists -----------------------------------------------------------------------------------------------------
  app.get('/api/watchlists', need('reader'), async (c) => c.json({ items: await store.listWatchlists() }));
  app.post('/api/watchlists', need('editor'), async (c) => {
    let body: Record<string, unknown>;
    try {
      body = await c.req.json<Record<string, unknown>>();
    } catch {
      throw new ApiError(400, 'bad_json', 'the body is not valid JSON');
    }
    const strings = (v: unknown, field: string): string[] | undefined => {
      if (v === undefined) return undefined;
      if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw new ApiError(400, 'bad_request', `${field}: a list of strings`);
      return v as string[];
    };
    const entityIds = strings(body.entityIds, 'entityIds');
    const keywords = strings(body.keywords, 'keywords');
    const w = newWatchlist({
      name: typeof body.name === 'string' ? body.name : '',
      ...(entityIds ? { entityIds } : {}),
      ...(keywords ? { keywords } : {}),
      ...(typeof body.webhook === 'string' ? { webhook: body.webhook } : {}),
    });
    await store.putWatchlist(w);
    return c.json(w, 201);
  });
  app.delete('/api/watchlists/:id', need('editor'), async (c) => {
    if (!(await store.deleteWatchlist(param(c, 'id')))) throw new ApiError(404, 'not_found', `no watchlist ${param(c, 'id')}`);
    return c.body(null, 204);
  });
  app.get('/api/watchlists/:id/hits', need('reader'), async (c) => {
    const p = paging(c);
    const hits = await store.watchHits({ watchlistId: param(c, 'id'), limit: p.offset + p.limit + 1 });
    return c.json(page(hits.slice(p.offset), p));
  });

  // --- Exports --------------------------------------------------------------------------------------------------------
  const selection = async (c: Context): Promise<ExportSelection> => {
    const entity = c.req.query('entity');
    const story = c.req.query('story');
    const since = dateParam(c, 'since');
    const until = dateParam(c, 'until');
    if (entity) return { kind: 'entity', id: entity };
    if (story) {
      const s = (await listStories(store)).find((x) => x.id === story);
      if (!s) throw new ApiError(404, 'not_found', `no story ${story}`);
      return { kind: 'documents', ids: s.documentIds, title: s.title };
    }
    if (since || until) return { kind: 'range', ...(since ? { since } : {}), ...(until ? { until } : {}) };
    return { kind: 'all' };
  };
  app.get('/api/export/:format', need('reader'), async (c) => {
    const format = param(c, 'format');
    if (!['stix', 'misp', 'navigator', 'csv'].includes(format))
      throw new ApiError(404, 'not_found', `no export format "${format}" (stix, misp, navigator, csv)`);
    const selected = await selectFromStore(store, await selection(c));
    const file = selected.title.replace(/[^\w-]+/g, '_').slice(0, 60) || 'kizashi';
    const attachment = (ext: string): Record<string, string> => ({ 'content-disposition': `attachment; filename="${file}.${ext}"` });
    switch (format) {
      case 'stix':
        return c.body(JSON.stringify(await exportStix(store, selected)), 200, {
          'content-type': 'application/stix+json;version=2.1',
          ...attachment('json'),
        });
      case 'misp':
        return c.json(exportMisp(selected), 200, attachment('misp.json'));
      case 'navigator':
        return c.json(exportNavigator(selected), 200, attachment('layer.json'));
      default:
        return c.body(exportCsv(selected), 200, { 'content-type': 'text/csv; charset=utf-8', ...attachment('csv') });
    }
  });

  // --- API keys (admin) -----------------------------------------------------------------------------------------------
  app.get('/api/keys', need('admin'), async (c) => c.json({ items: (await store.listApiKeys()).map(({ hash: _hash, ...k }) => k) }));
  app.post('/api/keys', need('admin'), async (c) => {
    const body = (await c.req.json().catch(() => ({}))) as Record<string, unknown>;
    const role = typeof body.role === 'string' ? body.role : 'reader';
    if (!isRole(role)) throw new ApiError(400, 'bad_request', 'role: reader, editor or admin');
    if (typeof body.name !== 'string' || body.name.trim() === '') throw new ApiError(400, 'bad_request', 'name: required');
    const { secret, record } = await createApiKey(store, body.name, role);
    const { hash: _hash, ...shown } = record;
    return c.json({ ...shown, secret }, 201);
  });
  app.delete('/api/keys/:id', need('admin'), async (c) => {
    if (!(await store.revokeApiKey(param(c, 'id')))) throw new ApiError(404, 'not_found', `no active key ${param(c, 'id')}`);
    return c.body(null, 204);
  });

  app.all('/api/*', (c) => c.json(errorBody(404, 'not_found', `no route ${c.req.method} ${c.req.path}`), 404));
  app.route('/taxii2', taxiiRoutes(store, {}));
  if (options.ui) app.route('/', options.ui);
  app.notFound((c) => c.json(errorBody(404, 'not_found', `no route ${c.req.method} ${c.req.path}`), 404));
  return app;
}

/** The most recent publication day in the store (in the time zone), or today. */
async function latestDate(store: GraphStore, tz: string): Promise<string> {
  const [latest] = await store.listDocuments({ limit: 1 });
  const when = latest?.published ? new Date(latest.published) : new Date();
  return new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).format(when);
}

/** ATT&CK id and tactics of an attack-pattern (for the heat map). */
function techniqueFacts(stix: Record<string, unknown>): { techniqueId?: string; tactics: string[] } {
  const ref = (stix.external_references as { source_name?: string; external_id?: string }[] | undefined)?.find(
    (r) => r.source_name === 'mitre-attack',
  );
  const phases = (stix.kill_chain_phases as { phase_name?: string }[] | undefined) ?? [];
  return {
    ...(ref?.external_id ? { techniqueId: ref.external_id } : {}),
    tactics: phases.flatMap((p) => (p.phase_name ? [p.phase_name] : [])),
  };
}
