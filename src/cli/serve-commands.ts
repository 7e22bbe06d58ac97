// `kizashi serve`, `kizashi keys`, `kizashi watch` and `kizashi export`: the commands behind the interfaces.
import { writeFile } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { KizashiError, UsageError } from '../core/errors.js';
import type { Extractor } from '../extract/extract-document.js';
import { exportCsv, exportMisp, exportNavigator, exportStix, selectFromStore, type ExportSelection } from '../export/store-export.js';
import type { FetchOptions } from '../ingest/fetcher.js';
import { readFeedList, watchFeeds } from '../ingest/ingest-feeds.js';
import { createApp } from '../serve/app.js';
import { createApiKey, isRole } from '../serve/auth.js';
import { listen } from '../serve/server.js';
import { uiRoutes } from '../serve/ui.js';
import type { GraphStore, Role } from '../store/graph-store.js';
import { listStories } from '../stories/list-stories.js';
import { deliverWebhooks, newWatchlist } from '../watch/watchlists.js';

export interface ServeOptions {
  readonly port: number;
  readonly host: string;
  readonly anonymous?: Role;
  readonly fetch: FetchOptions;
  readonly tz: string;
  /** Poll these feeds in the background, each on its own interval. */
  readonly feeds?: string;
  readonly pollIntervalMs: number;
  readonly webhookIntervalMs?: number;
}

/** Serve until SIGINT/SIGTERM: the API, TAXII, webhook delivery and (optionally) feed polling. */
export async function runServe(store: GraphStore, extractor: Extractor, options: ServeOptions, out: Writable): Promise<void> {
  const loopback = ['127.0.0.1', '::1', 'localhost'].includes(options.host);
  if (options.anonymous && !loopback)
    out.write(`warning: anonymous ${options.anonymous} access on ${options.host} — anyone who reaches this port can read the store\n`);
  const server = await listen(
    createApp({
      store,
      extractor,
      fetch: options.fetch,
      tz: options.tz,
      ui: uiRoutes(),
      ...(options.anonymous ? { anonymous: options.anonymous } : {}),
    }),
    {
      port: options.port,
      host: options.host,
    },
  );
  const keys = await store.listApiKeys();
  out.write(
    `kizashi serving on ${server.url}  (workspace ${server.url}/, REST ${server.url}/api/, TAXII ${server.url}/taxii2/, OpenAPI ${server.url}/api/openapi.json)\n`,
  );
  if (!options.anonymous && !keys.some((k) => !k.revokedAt))
    out.write('no API key yet: create one with `kizashi keys create NAME --role admin` (or start with --anonymous reader)\n');
  const abort = new AbortController();
  const stop = (): void => abort.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const tasks: Promise<void>[] = [];
  if (options.feeds) {
    const feeds = await readFeedList(options.feeds);
    out.write(`polling ${feeds.length} feeds\n`);
    tasks.push(watchFeeds(feeds, extractor, store, { fetch: options.fetch, intervalMs: options.pollIntervalMs, signal: abort.signal }));
  }
  tasks.push(
    (async () => {
      while (!abort.signal.aborted) {
        await deliverWebhooks(store, { fetch: options.fetch }).catch((error: unknown) =>
          out.write(`webhook delivery failed: ${(error as Error).message}\n`),
        );
        await new Promise<void>((r) => {
          const t = setTimeout(r, options.webhookIntervalMs ?? 60_000);
          abort.signal.addEventListener('abort', () => {
            clearTimeout(t);
            r();
          });
        });
      }
    })(),
  );
  await new Promise<void>((r) => abort.signal.addEventListener('abort', () => r()));
  await server.close();
  await Promise.allSettled(tasks);
}

export async function runKeys(
  action: 'create' | 'list' | 'revoke',
  args: { name?: string; role?: string },
  store: GraphStore,
  out: Writable,
): Promise<void> {
  if (action === 'create') {
    const role = args.role ?? 'reader';
    if (!isRole(role)) throw new UsageError(`--role must be reader, editor or admin, got "${role}"`);
    const { secret, record } = await createApiKey(store, args.name ?? '', role);
    out.write(`created ${record.role} key "${record.name}" (${record.id})\n${secret}\nstore it now: kizashi keeps only its hash\n`);
  } else if (action === 'revoke') {
    if (!(await store.revokeApiKey(args.name ?? ''))) throw new UsageError(`no active key with id or name "${args.name ?? ''}"`);
    out.write(`revoked ${args.name ?? ''}\n`);
  } else {
    for (const k of await store.listApiKeys())
      out.write(`${k.id}  ${k.role.padEnd(6)}  ${k.name}  created ${k.createdAt}${k.revokedAt ? `  REVOKED ${k.revokedAt}` : ''}\n`);
  }
}

export async function runWatchAdd(
  args: { name: string; entity?: string[]; keyword?: string[]; webhook?: string },
  store: GraphStore,
  out: Writable,
): Promise<void> {
  const entityIds: string[] = [];
  for (const e of args.entity ?? []) {
    if (e.includes('--')) entityIds.push(e);
    else {
      const hit =
        (await store.search(e, { kind: 'object', limit: 5 })).find((h) => h.title.toLowerCase() === e.toLowerCase()) ??
        (await store.search(e, { kind: 'object', limit: 1 }))[0];
      if (!hit) throw new UsageError(`--entity "${e}": no such entity in the store (give a name or a STIX id)`);
      entityIds.push(hit.id);
    }
  }
  let w;
  try {
    w = newWatchlist({ name: args.name, entityIds, keywords: args.keyword ?? [], ...(args.webhook ? { webhook: args.webhook } : {}) });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  await store.putWatchlist(w);
  out.write(
    `watchlist ${w.id} "${w.name}": ${entityIds.length} entities, ${w.keywords.length} keywords${w.webhook ? `, webhook ${w.webhook}` : ''}\n`,
  );
}

export type ExportFormat = 'stix' | 'misp' | 'navigator' | 'csv';

/** Export a selection to a file or stdout. */
export async function runExport(
  format: ExportFormat,
  args: { entity?: string; story?: string; since?: string; until?: string; out?: string },
  store: GraphStore,
  out: Writable,
): Promise<void> {
  let selection: ExportSelection = { kind: 'all' };
  if (args.entity) {
    const id = args.entity.includes('--') ? args.entity : (await store.search(args.entity, { kind: 'object', limit: 1 }))[0]?.id;
    if (!id) throw new UsageError(`--entity "${args.entity}": no such entity in the store`);
    selection = { kind: 'entity', id };
  } else if (args.story) {
    const story = (await listStories(store)).find((s) => s.id === args.story);
    if (!story) throw new UsageError(`--story "${args.story}": no such story (see kizashi stories --format json)`);
    selection = { kind: 'documents', ids: story.documentIds, title: story.title };
  } else if (args.since || args.until) {
    selection = { kind: 'range', ...(args.since ? { since: args.since } : {}), ...(args.until ? { until: args.until } : {}) };
  }
  let selected;
  try {
    selected = await selectFromStore(store, selection);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const text =
    format === 'stix'
      ? JSON.stringify(await exportStix(store, selected))
      : format === 'misp'
        ? JSON.stringify(exportMisp(selected))
        : format === 'navigator'
          ? JSON.stringify(exportNavigator(selected))
          : exportCsv(selected);
  if (args.out) {
    await writeFile(args.out, format === 'csv' ? text : `${text}\n`).catch((error: NodeJS.ErrnoException) => {
      throw new KizashiError(`--out ${args.out}: cannot write the file (${error.code ?? error.message})`, { cause: error });
    });
    out.write(`wrote ${args.out} (${selected.objects.length} objects, ${selected.documents.length} documents)\n`);
  } else out.write(format === 'csv' ? text : `${text}\n`);
}
