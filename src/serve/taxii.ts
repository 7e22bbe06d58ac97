// TAXII 2.1 (read-only): discovery, one API root, collections (everything, one per source, one per watchlist),
// objects and manifests paged in the order objects were added, single objects and their versions.
import { Hono, type Context } from 'hono';
import { v5 as uuidv5 } from 'uuid';
import { isIsoDateTime } from '../core/dates.js';
import type { AddedOptions, GraphStore, Role } from '../store/graph-store.js';
import { roleAllows } from './auth.js';

export const TAXII_MEDIA_TYPE = 'application/taxii+json;version=2.1';
const STIX_MEDIA_TYPE = 'application/stix+json;version=2.1';
const MAX_PAGE = 1000;
const DEFAULT_PAGE = 100;

interface Collection {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly scope: Pick<AddedOptions, 'source' | 'documentIds'>;
}

type Env = { Variables: { role: Role } };

/** Stable collection ids: UUIDv5 of the collection's key in kizashi's TAXII namespace. */
const NAMESPACE = '5b9f1d2a-7c1e-5e0a-9b59-6b1c8f0e2d31';
const uuidOf = (key: string): string => uuidv5(`kizashi-taxii:${key}`, NAMESPACE);
export const ALL_COLLECTION_ID = uuidOf('all');

async function collections(store: GraphStore): Promise<Collection[]> {
  const out: Collection[] = [
    { id: ALL_COLLECTION_ID, title: 'kizashi: all objects', description: 'Every object in the knowledge graph.', scope: {} },
  ];
  for (const s of await store.sources()) {
    out.push({
      id: uuidOf(`source:${s.source}`),
      title: `Source: ${s.source}`,
      description: `Objects evidenced in the ${s.documents} document(s) from ${s.source}.`,
      scope: { source: s.source },
    });
  }
  for (const w of await store.listWatchlists()) {
    const documentIds = [...new Set((await store.watchHits({ watchlistId: w.id, limit: 100_000 })).map((h) => h.documentId))];
    out.push({
      id: uuidOf(`watchlist:${w.id}`),
      title: `Watchlist: ${w.name}`,
      description: 'Objects evidenced in the documents that matched this watchlist.',
      scope: { documentIds },
    });
  }
  return out;
}

function collectionResource(c: Collection): Record<string, unknown> {
  return { id: c.id, title: c.title, description: c.description, can_read: true, can_write: false, media_types: [STIX_MEDIA_TYPE] };
}

/** A TAXII error message resource with the TAXII media type. */
export function taxiiError(status: 400 | 401 | 403 | 404 | 406 | 415 | 422, title: string, description?: string): Response {
  return new Response(JSON.stringify({ title, http_status: String(status), ...(description ? { description } : {}) }), {
    status,
    headers: {
      'content-type': TAXII_MEDIA_TYPE,
      ...(status === 401 ? { 'www-authenticate': 'Basic realm="kizashi TAXII", Bearer' } : {}),
    },
  });
}

function taxiiJson(c: Context, body: unknown, headers: Record<string, string> = {}): Response {
  return c.body(JSON.stringify(body), 200, { 'content-type': TAXII_MEDIA_TYPE, ...headers });
}

/** True when the Accept header admits TAXII 2.1 JSON (a version other than 2.1 does not). */
export function acceptsTaxii(accept: string | undefined): boolean {
  if (!accept) return true;
  return accept.split(',').some((part) => {
    const [type = '', ...params] = part.split(';').map((p) => p.trim().toLowerCase());
    if (type === '*/*' || type === 'application/*') return true;
    if (type !== 'application/taxii+json') return false;
    const version = params.find((p) => p.startsWith('version='));
    return !version || version === 'version=2.1';
  });
}

function parseLimit(raw: string | undefined): number | 'bad' {
  if (raw === undefined) return DEFAULT_PAGE;
  if (!/^\d{1,7}$/.test(raw) || Number(raw) < 1) return 'bad';
  return Math.min(Number(raw), MAX_PAGE);
}

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z$/;

/** The TAXII routes, mounted at /taxii2. Authentication has already run and set the caller's role. */
export function taxiiRoutes(store: GraphStore, options: { title?: string }): Hono<Env> {
  const app = new Hono<Env>({ strict: false });
  app.use('*', async (c, next) => {
    if (!acceptsTaxii(c.req.header('accept'))) return taxiiError(406, 'Not Acceptable', `use Accept: ${TAXII_MEDIA_TYPE}`);
    await next();
  });
  const findCollection = async (id: string): Promise<Collection | undefined> => (await collections(store)).find((x) => x.id === id);

  app.get('/', (c) =>
    taxiiJson(c, {
      title: options.title ?? 'kizashi TAXII 2.1',
      description: 'Threat and cyber-policy intelligence extracted by kizashi from Japanese and English reporting.',
      default: new URL('/taxii2/api/', c.req.url).toString(),
      api_roots: [new URL('/taxii2/api/', c.req.url).toString()],
    }),
  );
  app.get('/api', (c) =>
    taxiiJson(c, {
      title: 'kizashi',
      description: 'The kizashi knowledge graph.',
      versions: [TAXII_MEDIA_TYPE],
      max_content_length: 10 * 1024 * 1024,
    }),
  );
  app.get('/api/collections', async (c) => taxiiJson(c, { collections: (await collections(store)).map(collectionResource) }));
  app.get('/api/collections/:id', async (c) => {
    const col = await findCollection(c.req.param('id'));
    return col ? taxiiJson(c, collectionResource(col)) : taxiiError(404, 'Collection not found');
  });

  const page = async (c: Context<Env>, ids?: readonly string[]) => {
    const col = await findCollection(c.req.param('id') ?? '');
    if (!col) return { error: taxiiError(404, 'Collection not found') };
    const limit = parseLimit(c.req.query('limit'));
    if (limit === 'bad') return { error: taxiiError(400, 'Bad limit', 'limit must be a positive integer') };
    const addedAfter = c.req.query('added_after');
    // (A day that does not exist, 2025-02-30, is refused as the REST API refuses it.)
    if (addedAfter !== undefined && !(TIMESTAMP.test(addedAfter) && isIsoDateTime(addedAfter)))
      return { error: taxiiError(400, 'Bad added_after', 'added_after must be a STIX timestamp (UTC, Z)') };
    const next = c.req.query('next');
    let after: string | undefined;
    if (next !== undefined) {
      after = Buffer.from(next, 'base64url').toString('utf8');
      if (!/^\d+(?::\d+)?$/.test(after)) return { error: taxiiError(400, 'Bad next', 'next is not a value this server issued') };
    }
    const split = (v: string | undefined): string[] | undefined => (v ? v.split(',').map((s) => s.trim()) : undefined);
    const types = split(c.req.query('match[type]'));
    const matchIds = ids ?? split(c.req.query('match[id]'));
    const specVersions = split(c.req.query('match[spec_version]'));
    const versions = split(c.req.query('match[version]'));
    const result = await store.objectsAdded({
      ...col.scope,
      limit,
      ...(after ? { after } : {}),
      ...(addedAfter ? { addedAfter } : {}),
      ...(types ? { types } : {}),
      ...(matchIds ? { ids: matchIds } : {}),
    });
    // kizashi keeps the latest version of each object: "last", "first" and "all" all select it.
    const objects = result.objects.filter(
      (o) =>
        (!specVersions || specVersions.includes(typeof o.stix.spec_version === 'string' ? o.stix.spec_version : '2.1')) &&
        (!versions || versions.some((v) => ['last', 'first', 'all', o.version].includes(v))),
    );
    const headers: Record<string, string> = {};
    const first = result.objects[0];
    const last = result.objects[result.objects.length - 1];
    if (first && last) {
      headers['X-TAXII-Date-Added-First'] = first.dateAdded;
      headers['X-TAXII-Date-Added-Last'] = last.dateAdded;
    }
    const more = result.next !== undefined;
    return { objects, headers, more, next: result.next ? Buffer.from(result.next).toString('base64url') : undefined };
  };

  app.get('/api/collections/:id/objects', async (c) => {
    const p = await page(c);
    if ('error' in p) return p.error;
    return taxiiJson(
      c,
      { more: p.more, ...(p.next ? { next: p.next } : {}), ...(p.objects.length > 0 ? { objects: p.objects.map((o) => o.stix) } : {}) },
      p.headers,
    );
  });
  app.get('/api/collections/:id/manifest', async (c) => {
    const p = await page(c);
    if ('error' in p) return p.error;
    const objects = p.objects.map((o) => ({ id: o.stix.id, date_added: o.dateAdded, version: o.version, media_type: STIX_MEDIA_TYPE }));
    return taxiiJson(c, { more: p.more, ...(p.next ? { next: p.next } : {}), ...(objects.length > 0 ? { objects } : {}) }, p.headers);
  });
  app.get('/api/collections/:id/objects/:objectId', async (c) => {
    const p = await page(c, [c.req.param('objectId')]);
    if ('error' in p) return p.error;
    if (p.objects.length === 0) return taxiiError(404, 'Object not found');
    return taxiiJson(c, { more: false, objects: p.objects.map((o) => o.stix) }, p.headers);
  });
  app.get('/api/collections/:id/objects/:objectId/versions', async (c) => {
    const p = await page(c, [c.req.param('objectId')]);
    if ('error' in p) return p.error;
    if (p.objects.length === 0) return taxiiError(404, 'Object not found');
    return taxiiJson(c, { more: false, versions: p.objects.map((o) => o.version) }, p.headers);
  });
  // Writes: the collections are read-only (kizashi's graph is built from documents). A client that may not write
  // gets 403; a request with the wrong media type gets 415 first.
  const refuseWrite = async (c: Context<Env>): Promise<Response> => {
    const col = await findCollection(c.req.param('id') ?? '');
    if (!col) return taxiiError(404, 'Collection not found');
    const type = (c.req.header('content-type') ?? '').replace(/\s+/g, '').toLowerCase();
    if (c.req.method === 'POST' && type !== TAXII_MEDIA_TYPE) return taxiiError(415, 'Unsupported Media Type', `use ${TAXII_MEDIA_TYPE}`);
    return taxiiError(
      403,
      'Forbidden',
      roleAllows(c.get('role'), 'editor') ? 'this collection is read-only (can_write: false)' : 'your role may not write',
    );
  };
  app.post('/api/collections/:id/objects', refuseWrite);
  app.delete('/api/collections/:id/objects/:objectId', refuseWrite);
  app.notFound(() => taxiiError(404, 'Not found'));
  return app;
}
