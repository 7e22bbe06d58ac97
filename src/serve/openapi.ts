// The OpenAPI 3.1 description of the REST API, served at /api/openapi.json. A test checks that every /api route
// of the application is described here and every described path exists.

type Schema = Record<string, unknown>;

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const q = (name: string, description: string, schema: Schema = { type: 'string' }, required = false): Schema => ({
  name,
  in: 'query',
  description,
  required,
  schema,
});
const idParam = (description: string): Schema => ({ name: 'id', in: 'path', required: true, description, schema: { type: 'string' } });
const PAGING = [
  q('limit', 'Page size (1–500, default 50).', { type: 'integer', minimum: 1, maximum: 500 }),
  q('offset', 'Items to skip.', { type: 'integer', minimum: 0 }),
];
const RANGE = [q('since', 'ISO date or timestamp (inclusive).'), q('until', 'ISO date or timestamp (exclusive).')];
const json = (schema: Schema, description = 'OK'): Schema => ({ description, content: { 'application/json': { schema } } });
const errors = (...codes: number[]): Record<string, Schema> =>
  Object.fromEntries(codes.map((code) => [String(code), { $ref: `#/components/responses/E${code}` }]));
const pageOf = (item: Schema): Schema => ({
  type: 'object',
  required: ['items', 'limit', 'offset'],
  properties: {
    items: { type: 'array', items: item },
    limit: { type: 'integer' },
    offset: { type: 'integer' },
    nextOffset: { type: 'integer' },
  },
});
const op = (summary: string, role: string | null, extra: Schema): Schema => ({
  summary,
  ...(role ? { description: `Needs the **${role}** role.` } : { security: [] }),
  ...extra,
});

export function openApiDocument(): Schema {
  return {
    openapi: '3.1.0',
    info: {
      title: 'kizashi REST API',
      version: '0.1.0',
      description:
        'Threat and cyber-policy intelligence from Japanese and English reporting: documents, stories, entities, search, the daily digest, ingestion, watchlists and exports. TAXII 2.1 is served at /taxii2/.',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }, { basic: [] }],
    paths: {
      '/api/health': {
        get: op('Liveness and store reachability', null, { responses: { 200: json(ref('Health')), 503: json(ref('Health')) } }),
      },
      '/api/openapi.json': { get: op('This document', null, { responses: { 200: json({ type: 'object' }) } }) },
      '/api/metrics': {
        get: op('Prometheus metrics', 'reader', {
          responses: {
            200: { description: 'Prometheus text format', content: { 'text/plain': { schema: { type: 'string' } } } },
            ...errors(401, 403),
          },
        }),
      },
      '/api/documents': {
        get: op('List documents, newest first', 'reader', {
          parameters: [...PAGING, ...RANGE],
          responses: { 200: json(pageOf(ref('DocumentSummary'))), ...errors(400, 401, 403) },
        }),
      },
      '/api/documents/{id}': {
        get: op('A document with its mentions and the objects they resolve to', 'reader', {
          parameters: [idParam('Report id (report--…)')],
          responses: { 200: json(ref('DocumentDetail')), ...errors(401, 403, 404) },
        }),
      },
      '/api/documents/{id}/feedback': {
        post: op('Confirm, reject or retype a mention; the document is re-extracted and later ones follow the verdict', 'editor', {
          parameters: [idParam('Report id (report--…)')],
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['objectId', 'start', 'verdict'],
                  properties: {
                    objectId: { type: 'string' },
                    start: { type: 'integer' },
                    verdict: { enum: ['confirm', 'reject', 'retype'] },
                    newType: { type: 'string', description: 'STIX type for retype (intrusion-set, malware, tool, identity …)' },
                  },
                },
              },
            },
          },
          responses: { 201: json({ type: 'object' }), ...errors(400, 401, 403, 404) },
        }),
      },
      '/api/feeds': {
        get: op('Feed health: last fetch, errors, items, next poll', 'reader', {
          responses: { 200: json({ type: 'object', properties: { items: { type: 'array' } } }), ...errors(401, 403) },
        }),
      },
      '/api/sources': {
        get: op('The sources documents came from, with counts', 'reader', {
          responses: { 200: json({ type: 'object', properties: { items: { type: 'array' } } }), ...errors(401, 403) },
        }),
      },
      '/api/entities': {
        get: op('List entities, most mentioned first', 'reader', {
          parameters: [...PAGING, q('type', 'STIX type (intrusion-set, malware, …)')],
          responses: { 200: json(pageOf(ref('Entity'))), ...errors(400, 401, 403) },
        }),
      },
      '/api/entities/{id}': {
        get: op('An entity with aliases, mentions, relationships, documents and timeline', 'reader', {
          parameters: [idParam('STIX id')],
          responses: { 200: json(ref('EntityDetail')), ...errors(401, 403, 404) },
        }),
      },
      '/api/search': {
        get: op('Search documents and entities (Japanese and English)', 'reader', {
          parameters: [
            q('q', 'Search terms (space-separated, all must match).', { type: 'string', maxLength: 500 }, true),
            q('kind', 'document or object', { enum: ['document', 'object'] }),
            q('type', 'STIX type filter for objects'),
            q('entity', 'Only documents mentioning this entity id'),
            q('source', 'Only documents from this source'),
            q('limit', 'At most this many hits per kind (1–200)', { type: 'integer' }),
            ...RANGE,
          ],
          responses: { 200: json(ref('SearchResult')), ...errors(400, 401, 403) },
        }),
      },
      '/api/stories': {
        get: op('Stories: documents about the same event, across outlets and languages', 'reader', {
          parameters: [...PAGING, ...RANGE],
          responses: { 200: json(pageOf(ref('Story'))), ...errors(400, 401, 403) },
        }),
      },
      '/api/stories/{id}': {
        get: op('A story with its claims ledger and timeline', 'reader', {
          parameters: [idParam('Story id (story--…)'), ...RANGE],
          responses: {
            200: json({ type: 'object', properties: { story: ref('Story'), claims: { type: 'array' }, timeline: { type: 'array' } } }),
            ...errors(401, 403, 404),
          },
        }),
      },
      '/api/digest': {
        get: op('The daily digest', 'reader', {
          parameters: [
            q('date', 'YYYY-MM-DD (default: the latest day with documents)'),
            q('lang', 'ja or en', { enum: ['ja', 'en'] }),
            q('tz', 'IANA time zone (default Asia/Tokyo)'),
            q('format', 'json, markdown or html', { enum: ['json', 'markdown', 'html'] }),
          ],
          responses: { 200: json({ type: 'object' }), ...errors(400, 401, 403) },
        }),
      },
      '/api/ingest': {
        post: op('Ingest a URL, a text, or an uploaded file', 'editor', {
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  properties: {
                    url: { type: 'string', format: 'uri' },
                    text: { type: 'string' },
                    title: { type: 'string' },
                    published: { type: 'string' },
                    source: { type: 'string' },
                    lang: { enum: ['ja', 'en'] },
                  },
                },
              },
              'multipart/form-data': {
                schema: { type: 'object', properties: { file: { type: 'string', format: 'binary' } }, required: ['file'] },
              },
            },
          },
          responses: {
            200: json(ref('IngestResult'), 'Already stored (unchanged or updated)'),
            201: json(ref('IngestResult'), 'Stored'),
            ...errors(400, 401, 403, 413, 415, 422),
          },
        }),
      },
      '/api/watchlists': {
        get: op('List watchlists', 'reader', {
          responses: {
            200: json({ type: 'object', properties: { items: { type: 'array', items: ref('Watchlist') } } }),
            ...errors(401, 403),
          },
        }),
        post: op('Create a watchlist', 'editor', {
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['name'],
                  properties: {
                    name: { type: 'string' },
                    entityIds: { type: 'array', items: { type: 'string' } },
                    keywords: { type: 'array', items: { type: 'string' } },
                    webhook: { type: 'string', format: 'uri' },
                  },
                },
              },
            },
          },
          responses: { 201: json(ref('Watchlist')), ...errors(400, 401, 403) },
        }),
      },
      '/api/watchlists/{id}': {
        delete: op('Delete a watchlist and its hits', 'editor', {
          parameters: [idParam('Watchlist id')],
          responses: { 204: { description: 'Deleted' }, ...errors(401, 403, 404) },
        }),
      },
      '/api/watchlists/{id}/hits': {
        get: op('Documents that matched a watchlist', 'reader', {
          parameters: [idParam('Watchlist id'), ...PAGING],
          responses: { 200: json(pageOf(ref('WatchHit'))), ...errors(401, 403) },
        }),
      },
      '/api/export/{format}': {
        get: op('Export STIX 2.1, MISP event JSON, ATT&CK Navigator layer or CSV', 'reader', {
          parameters: [
            { name: 'format', in: 'path', required: true, schema: { enum: ['stix', 'misp', 'navigator', 'csv'] } },
            q('entity', 'An entity and its neighbourhood'),
            q('story', 'A story'),
            ...RANGE,
          ],
          responses: {
            200: {
              description: 'The export, as an attachment',
              content: { 'application/stix+json;version=2.1': {}, 'application/json': {}, 'text/csv': {} },
            },
            ...errors(400, 401, 403, 404),
          },
        }),
      },
      '/api/keys': {
        get: op('List API keys (never the secrets)', 'admin', { responses: { 200: json({ type: 'object' }), ...errors(401, 403) } }),
        post: op('Create an API key; the secret is returned once', 'admin', {
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['name'],
                  properties: { name: { type: 'string' }, role: { enum: ['reader', 'editor', 'admin'] } },
                },
              },
            },
          },
          responses: {
            201: json({ type: 'object', properties: { id: { type: 'string' }, secret: { type: 'string' } } }),
            ...errors(400, 401, 403),
          },
        }),
      },
      '/api/keys/{id}': {
        delete: op('Revoke an API key', 'admin', {
          parameters: [idParam('Key id or name')],
          responses: { 204: { description: 'Revoked' }, ...errors(401, 403, 404) },
        }),
      },
    },
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'An API key from `kizashi keys create`.' },
        basic: { type: 'http', scheme: 'basic', description: 'Any user name, the API key as the password (TAXII clients).' },
      },
      responses: Object.fromEntries([400, 401, 403, 404, 413, 415, 422].map((code) => [`E${code}`, json(ref('Error'), `Error ${code}`)])),
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              required: ['status', 'code', 'message'],
              properties: { status: { type: 'integer' }, code: { type: 'string' }, message: { type: 'string' } },
            },
          },
        },
        Health: { type: 'object', properties: { status: { enum: ['ok', 'error'] }, documents: { type: 'integer' } } },
        DocumentSummary: {
          type: 'object',
          required: ['id', 'title', 'lang'],
          properties: {
            id: { type: 'string' },
            title: { type: 'string' },
            lang: { type: 'string' },
            url: { type: 'string' },
            published: { type: 'string' },
            source: { type: 'string' },
            length: { type: 'integer' },
          },
        },
        DocumentDetail: {
          type: 'object',
          properties: { document: { type: 'object' }, mentions: { type: 'array', items: ref('Mention') }, objects: { type: 'array' } },
        },
        Mention: {
          type: 'object',
          properties: {
            documentId: { type: 'string' },
            objectId: { type: 'string' },
            start: { type: 'integer' },
            end: { type: 'integer' },
            text: { type: 'string' },
            alias: { type: 'string' },
            sentence: { type: 'string' },
          },
        },
        Entity: {
          type: 'object',
          required: ['id', 'type', 'name'],
          properties: {
            id: { type: 'string' },
            type: { type: 'string' },
            name: { type: 'string' },
            aliases: { type: 'array', items: { type: 'string' } },
            firstSeen: { type: 'string' },
            lastSeen: { type: 'string' },
            mentionCount: { type: 'integer' },
          },
        },
        EntityDetail: {
          type: 'object',
          properties: {
            entity: ref('Entity'),
            mentions: { type: 'array', items: ref('Mention') },
            relationships: { type: 'array' },
            documents: { type: 'array' },
            timeline: { type: 'array', items: { type: 'object', properties: { date: { type: 'string' }, count: { type: 'integer' } } } },
          },
        },
        SearchResult: {
          type: 'object',
          properties: { query: { type: 'string' }, hits: { type: 'array' }, facets: { type: 'object' } },
        },
        Story: {
          type: 'object',
          properties: {
            id: { type: 'string' },
            title: { type: 'string' },
            documents: { type: 'array' },
            entities: { type: 'array' },
            documentIds: { type: 'array' },
          },
        },
        IngestResult: { type: 'object', properties: { result: { enum: ['new', 'updated', 'unchanged'] }, documentId: { type: 'string' } } },
        Watchlist: {
          type: 'object',
          properties: {
            id: { type: 'string' },
            name: { type: 'string' },
            entityIds: { type: 'array', items: { type: 'string' } },
            keywords: { type: 'array', items: { type: 'string' } },
            webhook: { type: 'string' },
            createdAt: { type: 'string' },
          },
        },
        WatchHit: {
          type: 'object',
          properties: {
            watchlistId: { type: 'string' },
            documentId: { type: 'string' },
            matched: { type: 'array', items: { type: 'string' } },
            createdAt: { type: 'string' },
            deliveredAt: { type: 'string' },
            attempts: { type: 'integer' },
          },
        },
      },
    },
  };
}
