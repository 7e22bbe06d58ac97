// The kizashi CLI: parses arguments, runs a command, and is the one place that turns errors into exit codes.
import { resolve } from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { generateOpml } from 'feedsmith';
import { isCalendarDay, isIsoDateTime, isTimeZone } from '../core/dates.js';
import { KizashiError, UsageError, describeError } from '../core/errors.js';
import { loadKnowledgeBase, kizashiHome, syncedKbDir } from '../kb/load-kb.js';
import { syncFromDirectory, syncFromNetwork } from '../kb/sync.js';
import { loadConfig } from '../config.js';
import { ingestFeeds, ingestUrl, readFeedList, watchFeeds } from '../ingest/ingest-feeds.js';
import { buildDigest, digestToHtml, digestToMarkdown, digestToStix, type DigestLang } from '../stories/digest.js';
import { runInit } from './init-command.js';
import { listDocumentFiles } from '../ingest/ingest-files.js';
import { runWorker } from '../ingest/worker.js';
import { openExtractor, openQueue, openStore } from '../main.js';
import { runDemo } from './demo-command.js';
import { runExtract, type ExtractFormat } from './extract-command.js';
import type { GraphStore } from '../store/graph-store.js';
import { runIngest, runSearch, runStories } from './store-commands.js';
import { runExport, runKeys, runServe, runWatchAdd, type ExportFormat } from './serve-commands.js';
import { isRole } from '../serve/auth.js';
import { deliverWebhooks } from '../watch/watchlists.js';

/** Run the CLI with `argv` (as process.argv); resolves to the exit code. */
export async function main(argv: readonly string[], io = { out: process.stdout, err: process.stderr }): Promise<number> {
  let exitCode = 0;
  const program = new Command();
  program
    .name('kizashi')
    .description('Cyber threat and cyber policy intelligence from Japanese and English news, as STIX 2.1')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out.write(s), writeErr: (s) => io.err.write(s) });

  const kbOption = (): Option =>
    new Option('--kb <dir>', 'extra knowledge-base folder laid out like attack/ + misp-galaxy/clusters/ (repeatable)').argParser(
      (value: string, previous: string[] | undefined) => [...(previous ?? []), value],
    );

  /** --since / --until: a day or an ISO 8601 timestamp, checked here (they are compared with stored timestamps as text). */
  const dateOption = (flags: string, description: string): Option =>
    new Option(flags, description).argParser((value: string) => {
      if (!isIsoDateTime(value)) throw new InvalidArgumentError('Use a day (YYYY-MM-DD) or an ISO 8601 timestamp.');
      return value;
    });

  /** A whole-number option in [min, max], checked by commander so every such option fails the same way (exit 64). */
  const wholeNumberOption = (flags: string, description: string, fallback: number, min: number, max: number): Option =>
    new Option(flags, description).default(fallback).argParser((value: string) => {
      const n = /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
      if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`Use a whole number from ${min} to ${max}.`);
      return n;
    });

  program
    .command('extract')
    .description('extract entities, indicators, techniques and relationships from documents (.md, .txt, .html)')
    .argument('<files...>', 'document files')
    .addOption(new Option('--format <format>', 'output format').choices(['stix', 'json', 'text', 'navigator']).default('stix'))
    .addOption(kbOption())
    .action(async (files: string[], opts: { format: ExtractFormat; kb?: string[] }) => {
      const extractor = await openExtractor({ kbDirs: opts.kb ?? [] });
      const failed = await runExtract(files, opts.format, extractor, io.out, io.err);
      if (failed > 0) exitCode = 2;
    });

  const kb = program.command('kb').description('manage the knowledge base');
  kb.command('sync')
    .description(`download MITRE ATT&CK and MISP galaxies into ${syncedKbDir()} (or import with --from)`)
    .option('--from <dir>', 'import from a local folder laid out like attack/ + misp-galaxy/clusters/ instead of downloading')
    .action(async (opts: { from?: string }) => {
      const target = syncedKbDir();
      const results = opts.from ? await syncFromDirectory(opts.from, target) : await syncFromNetwork(target);
      for (const r of results) io.out.write(`${r.status.padEnd(10)} ${r.file}${r.detail ? `  ${r.detail}` : ''}\n`);
      const failed = results.filter((r) => r.status === 'failed').length;
      io.out.write(`kb sync: ${results.length - failed} ok, ${failed} failed → ${target}\n`);
      if (failed > 0) exitCode = 1;
    });
  kb.command('info')
    .description('print the knowledge base sources, versions and counts')
    .addOption(kbOption())
    .action(async (opts: { kb?: string[] }) => {
      const started = Date.now();
      const base = await loadKnowledgeBase({ kbDirs: opts.kb ?? [] });
      io.out.write(`kizashi home: ${kizashiHome()}\nsources:\n`);
      for (const s of base.sources) {
        io.out.write(
          `  ${s.name.padEnd(30)} ${String(s.records).padStart(6)} records${s.version ? `  version ${s.version}` : ''}${s.path ? `  ${s.path}` : ''}\n`,
        );
      }
      io.out.write('entities:\n');
      for (const [kind, n] of Object.entries(base.countByKind()).sort()) io.out.write(`  ${kind.padEnd(30)} ${String(n).padStart(6)}\n`);
      const aliases = base.entities.reduce((n, e) => n + e.aliases.length, 0);
      io.out.write(
        `  ${'total'.padEnd(30)} ${String(base.entities.length).padStart(6)}  (${aliases} aliases, loaded in ${Date.now() - started} ms)\n`,
      );
    });

  const dbOption = (): Option => new Option('--db <path>', 'SQLite database file (default $KIZASHI_DB or ./kizashi.db)');
  /** Run `fn` with the store open, closing it whatever happens. */
  const withStore = async (db: string | undefined, fn: (store: GraphStore) => Promise<void>): Promise<void> => {
    const store = await openStore(db);
    try {
      await fn(store);
    } finally {
      await store.close();
    }
  };

  program
    .command('ingest')
    .description('extract documents (files, folders, web pages, feeds) and store them in the knowledge store')
    .argument('[paths...]', 'files or folders (.md, .txt, .html) or http(s) URLs of pages')
    .addOption(dbOption())
    .addOption(kbOption())
    .option('--enqueue', 'PostgreSQL mode: only queue the files for `kizashi worker` processes')
    .option('--feeds <file>', 'poll the feeds listed in FILE (one URL per line, or OPML)')
    .option('--force', 'poll feeds even when they are not due yet')
    .option('--watch', 'keep polling the feeds, each on its own interval (Ctrl-C to stop)')
    .addOption(
      new Option('--allow-host <host>', 'let the fetcher reach this host even on a private address (repeatable)').argParser(
        (value: string, previous: string[] | undefined) => [...(previous ?? []), value],
      ),
    )
    .action(
      async (
        paths: string[],
        opts: { db?: string; kb?: string[]; enqueue?: boolean; feeds?: string; force?: boolean; allowHost?: string[]; watch?: boolean },
      ) => {
        const config = loadConfig();
        const feedFile = opts.feeds ?? (paths.length === 0 ? config.feeds : undefined);
        if (opts.enqueue) {
          const queue = await openQueue();
          try {
            const files = (await listDocumentFiles(paths)).map((f) => resolve(f));
            const added = await queue.enqueue(files);
            const c = await queue.counts();
            io.out.write(
              `enqueued ${added} of ${files.length} files — queue: ${c.queued} queued, ${c.running} running, ${c.done} done, ${c.failed} failed\n`,
            );
          } finally {
            await queue.close();
          }
          return;
        }
        const extractor = await openExtractor({ kbDirs: opts.kb ?? [] });
        const store = await openStore(opts.db);
        const fetch = {
          allowHosts: [
            ...config.allowHosts,
            ...(opts.allowHost ?? []),
            ...(process.env.KIZASHI_ALLOW_HOSTS ?? '').split(',').filter(Boolean),
          ],
        };
        try {
          const urls = paths.filter((p) => /^https?:\/\//i.test(p));
          const files = paths.filter((p) => !/^https?:\/\//i.test(p));
          const feeds = feedFile ? await readFeedList(feedFile) : [];
          if (files.length > 0 || (urls.length === 0 && feeds.length === 0)) {
            const summary = await runIngest(files, extractor, store, io.out, io.err);
            if (summary.failed.length > 0) exitCode = 2;
          }
          for (const url of urls) {
            try {
              const r = await ingestUrl(url, extractor, store, fetch);
              if (r.kind === 'page') io.out.write(`${r.result.padEnd(9)} ${url}\n`);
              else {
                const c = r.counts;
                io.out.write(`feed ${url}  ${c.new} new, ${c.updated} updated, ${c.unchanged} unchanged, ${c.failed} failed\n`);
                if (c.failed > 0) exitCode = 2;
              }
            } catch (error) {
              io.err.write(`kizashi: ${describeError(error)}\n`);
              exitCode = 2;
            }
          }
          const report = (results: Awaited<ReturnType<typeof ingestFeeds>>): void => {
            for (const r of results) {
              const c = r.counts;
              io.out.write(
                `feed ${r.outcome.padEnd(12)} ${r.url}  ${c.new} new, ${c.updated} updated, ${c.unchanged} unchanged${r.error ? `  — ${r.error}` : ''}\n`,
              );
              if (r.outcome === 'error') exitCode = 2;
            }
          };
          const intervalMs = config.pollIntervalMinutes * 60_000;
          if (opts.watch && feeds.length > 0) {
            const abort = new AbortController();
            process.once('SIGINT', () => abort.abort());
            await watchFeeds(feeds, extractor, store, { fetch, intervalMs, signal: abort.signal, onRound: report });
          } else if (feeds.length > 0) {
            report(await ingestFeeds(feeds, extractor, store, { fetch, intervalMs, ...(opts.force ? { force: true } : {}) }));
          }
        } finally {
          await store.close();
        }
      },
    );

  program
    .command('worker')
    .description('PostgreSQL mode: process queued ingestion jobs (run any number, on any machine)')
    .addOption(
      wholeNumberOption('--lease <seconds>', 'how long a claimed item is reserved before another worker may retry it', 300, 1, 86_400),
    )
    .option('--until-empty', 'exit when the queue has been empty for two seconds')
    .addOption(
      wholeNumberOption('--concurrency <n>', 'items in progress at once in this worker (one extracts while another is written)', 3, 1, 32),
    )
    .addOption(kbOption())
    .action(async (opts: { lease: number; untilEmpty?: boolean; concurrency: number; kb?: string[] }) => {
      const { concurrency } = opts;
      const extractor = await openExtractor({ kbDirs: opts.kb ?? [] });
      const queue = await openQueue();
      const store = await openStore();
      const abort = new AbortController();
      const stop = (): void => abort.abort();
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
      try {
        const n = await runWorker(queue, store, extractor, {
          leaseSeconds: opts.lease,
          signal: abort.signal,
          concurrency,
          ...(opts.untilEmpty ? { stopWhenIdleMs: 2000 } : {}),
          onItem: (payload, result, detail) => io.out.write(`${result.padEnd(9)} ${payload}${detail ? `  ${detail}` : ''}\n`),
        });
        io.out.write(`worker: ${n} items done\n`);
      } finally {
        process.off('SIGTERM', stop);
        process.off('SIGINT', stop);
        await store.close();
        await queue.close();
      }
    });

  program
    .command('search')
    .description('full-text search over documents and entities (Japanese and English)')
    .argument('<query>', 'words to find; all must match')
    .addOption(dbOption())
    .addOption(new Option('--kind <kind>', 'documents or entities only').choices(['document', 'object']))
    .option('--type <stix-type>', 'entity type, e.g. intrusion-set')
    .option('--entity <id>', 'only documents that mention this STIX id')
    .addOption(dateOption('--since <date>', 'published on or after (YYYY-MM-DD)'))
    .addOption(dateOption('--until <date>', 'published before (YYYY-MM-DD)'))
    .addOption(wholeNumberOption('--limit <n>', 'results per kind (1–200)', 20, 1, 200))
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(
      async (
        query: string,
        opts: {
          db?: string;
          kind?: 'document' | 'object';
          type?: string;
          entity?: string;
          since?: string;
          until?: string;
          limit: number;
          format: 'text' | 'json';
        },
      ) => {
        const { db, limit, ...rest } = opts;
        await withStore(db, (store) => runSearch(query, { ...rest, limit }, store, io.out));
      },
    );

  program
    .command('stories')
    .description('list stories (reports of one event across outlets and languages) with their sources and entities')
    .addOption(dbOption())
    .addOption(dateOption('--since <date>', 'published on or after (YYYY-MM-DD)'))
    .addOption(dateOption('--until <date>', 'published before (YYYY-MM-DD)'))
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (opts: { db?: string; since?: string; until?: string; format: 'text' | 'json' }) => {
      const { db, ...rest } = opts;
      await withStore(db, (store) => runStories(rest, store, io.out));
    });

  program
    .command('digest')
    .description('the daily brief: stories with a document published on DATE, ranked, summarised from sources')
    .requiredOption('--date <YYYY-MM-DD>', 'the day')
    .addOption(new Option('--lang <lang>', 'language of the brief').choices(['ja', 'en']).default('ja'))
    .addOption(new Option('--format <format>', 'output format').choices(['md', 'html', 'json', 'stix']).default('md'))
    .option('--tz <zone>', 'time zone of the day', loadConfig().timezone)
    .addOption(dbOption())
    .action(async (opts: { date: string; lang: DigestLang; format: 'md' | 'html' | 'json' | 'stix'; tz: string; db?: string }) => {
      if (!isCalendarDay(opts.date)) throw new UsageError(`--date must be a day written YYYY-MM-DD, got "${opts.date}"`);
      if (!isTimeZone(opts.tz)) throw new UsageError(`--tz: unknown time zone "${opts.tz}" (an IANA name such as Asia/Tokyo or UTC)`);
      await withStore(opts.db, async (store) => {
        const digest = await buildDigest(store, { date: opts.date, lang: opts.lang, tz: opts.tz });
        const json = { date: digest.date, lang: digest.lang, stories: digest.stories.map(({ score: _score, ...rest }) => rest) };
        io.out.write(
          opts.format === 'json'
            ? `${JSON.stringify(json)}\n`
            : opts.format === 'stix'
              ? `${JSON.stringify(digestToStix(digest))}\n`
              : opts.format === 'html'
                ? digestToHtml(digest)
                : digestToMarkdown(digest),
        );
      });
    });

  program
    .command('init')
    .description('write kizashi.config.yaml and the default feed list (feeds.opml) into a folder')
    .argument('[dir]', 'folder', '.')
    .action(async (dir: string) => {
      await runInit(dir, io.out);
    });

  program
    .command('feeds')
    .description('feed health: last fetch, errors, next poll; --opml prints the list as OPML')
    .addOption(dbOption())
    .option('--opml', 'print the polled feeds as OPML (for feed readers)')
    .action(async (opts: { db?: string; opml?: boolean }) => {
      await withStore(opts.db, async (store) => {
        const states = await store.listFeedStates();
        if (opts.opml) {
          io.out.write(
            `${generateOpml({ head: { title: 'kizashi feeds' }, body: { outlines: states.map((s) => ({ text: s.url, type: 'rss', xmlUrl: s.url })) } })}\n`,
          );
          return;
        }
        for (const s of states) {
          const health = s.consecutiveErrors > 0 ? `FAILING ×${s.consecutiveErrors}: ${s.lastError ?? ''}` : 'ok';
          io.out.write(`${s.url}\n    last ${s.lastFetchAt ?? 'never'}, next ${s.nextFetchAt ?? 'now'}, ${s.itemsSeen} items, ${health}\n`);
        }
        if (states.length === 0) io.out.write('no feeds polled yet: kizashi ingest --feeds FILE\n');
      });
    });

  const repeatable = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];
  program
    .command('serve')
    .description('serve the REST API (/api, OpenAPI at /api/openapi.json), TAXII 2.1 (/taxii2/) and webhook delivery')
    .addOption(wholeNumberOption('--port <port>', 'port (0 picks a free one)', 8080, 0, 65535))
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .addOption(new Option('--anonymous <role>', 'role of callers without an API key (default: a key is required)').choices(['reader']))
    .option('--feeds <file>', 'also poll these feeds (one URL per line, or OPML) in the background')
    .option('--allow-host <host>', 'let ingestion and webhooks reach this host even on a private address (repeatable)', repeatable)
    .addOption(dbOption())
    .addOption(kbOption())
    .action(
      async (opts: {
        port: number;
        host: string;
        anonymous?: string;
        feeds?: string;
        allowHost?: string[];
        db?: string;
        kb?: string[];
      }) => {
        const config = loadConfig();
        const extractor = await openExtractor({ kbDirs: opts.kb ?? [] });
        const store = await openStore(opts.db);
        try {
          await runServe(
            store,
            extractor,
            {
              port: opts.port,
              host: opts.host,
              ...(opts.anonymous && isRole(opts.anonymous) ? { anonymous: opts.anonymous } : {}),
              fetch: { allowHosts: [...config.allowHosts, ...(opts.allowHost ?? [])] },
              tz: config.timezone,
              ...(opts.feeds ? { feeds: opts.feeds } : {}),
              pollIntervalMs: config.pollIntervalMinutes * 60_000,
            },
            io.out,
          );
        } finally {
          await store.close();
        }
      },
    );

  const keys = program.command('keys').description('API keys for kizashi serve (stored hashed)');
  keys
    .command('create')
    .argument('<name>', 'who or what the key is for')
    .addOption(new Option('--role <role>', 'what the key may do').choices(['reader', 'editor', 'admin']).default('reader'))
    .addOption(dbOption())
    .action(async (name: string, opts: { role: string; db?: string }) => {
      await withStore(opts.db, (store) => runKeys('create', { name, role: opts.role }, store, io.out));
    });
  keys
    .command('list')
    .addOption(dbOption())
    .action(async (opts: { db?: string }) => {
      await withStore(opts.db, (store) => runKeys('list', {}, store, io.out));
    });
  keys
    .command('revoke')
    .argument('<id-or-name>', 'key id or name')
    .addOption(dbOption())
    .action(async (name: string, opts: { db?: string }) => {
      await withStore(opts.db, (store) => runKeys('revoke', { name }, store, io.out));
    });

  const watch = program.command('watch').description('watchlists: follow entities or keywords; hits go to the digest and a webhook');
  watch
    .command('add')
    .argument('<name>', 'watchlist name')
    .option('--entity <name-or-id>', 'an entity to follow (repeatable)', repeatable)
    .option('--keyword <text>', 'a keyword to follow (repeatable)', repeatable)
    .option('--webhook <url>', 'POST new hits here as JSON')
    .addOption(dbOption())
    .action(async (name: string, opts: { entity?: string[]; keyword?: string[]; webhook?: string; db?: string }) => {
      await withStore(opts.db, (store) => runWatchAdd({ name, ...opts }, store, io.out));
    });
  watch
    .command('list')
    .addOption(dbOption())
    .action(async (opts: { db?: string }) => {
      await withStore(opts.db, async (store) => {
        for (const w of await store.listWatchlists()) {
          const hits = await store.watchHits({ watchlistId: w.id });
          io.out.write(
            `${w.id}  ${w.name}  entities ${w.entityIds.length}, keywords [${w.keywords.join(', ')}], ${hits.length} hits${w.webhook ? `, webhook ${w.webhook}` : ''}\n`,
          );
        }
      });
    });
  watch
    .command('rm')
    .argument('<id>', 'watchlist id')
    .addOption(dbOption())
    .action(async (id: string, opts: { db?: string }) => {
      await withStore(opts.db, async (store) => {
        if (!(await store.deleteWatchlist(id))) throw new UsageError(`no watchlist ${id}`);
        io.out.write(`removed ${id}\n`);
      });
    });
  watch
    .command('deliver')
    .description('deliver pending hits to the webhooks now (kizashi serve does this every minute)')
    .option('--allow-host <host>', 'let webhooks reach this host even on a private address (repeatable)', repeatable)
    .addOption(dbOption())
    .action(async (opts: { db?: string; allowHost?: string[] }) => {
      await withStore(opts.db, async (store) => {
        const r = await deliverWebhooks(store, { fetch: { allowHosts: [...loadConfig().allowHosts, ...(opts.allowHost ?? [])] } });
        io.out.write(`webhooks: ${r.delivered} hits delivered, ${r.failed} pending after errors\n`);
        if (r.failed > 0) exitCode = 2;
      });
    });

  program
    .command('export')
    .description('export the store, an entity and its neighbourhood, a story or a date range')
    .addOption(new Option('--format <format>', 'export format').choices(['stix', 'misp', 'navigator', 'csv']).default('stix'))
    .option('--entity <name-or-id>', 'an entity and its neighbourhood')
    .option('--story <id>', 'a story (ids from kizashi stories --format json)')
    .addOption(dateOption('--since <date>', 'documents published on or after'))
    .addOption(dateOption('--until <date>', 'documents published before'))
    .option('--out <file>', 'write to a file instead of stdout')
    .addOption(dbOption())
    .action(
      async (opts: {
        format: ExportFormat;
        entity?: string;
        story?: string;
        since?: string;
        until?: string;
        out?: string;
        db?: string;
      }) => {
        const { format, db, ...rest } = opts;
        await withStore(db, (store) => runExport(format, rest, store, io.out));
      },
    );

  program
    .command('demo')
    .description('run the main job offline on the built-in sample corpus and starter knowledge base')
    .option('--out <dir>', 'where to write the results', 'kizashi-demo')
    .addOption(kbOption())
    .action(async (opts: { out: string; kb?: string[] }) => {
      await runDemo({ outDir: opts.out, kbDirs: opts.kb ?? [] }, io.out);
    });

  try {
    await program.parseAsync([...argv]);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : new UsageError(error.message).exitCode;
    if (error instanceof KizashiError) {
      io.err.write(`kizashi: ${error.message}\n`);
      return error.exitCode;
    }
    io.err.write(`kizashi: unexpected error: ${describeError(error)}\n`);
    if (process.env.KIZASHI_DEBUG) io.err.write(`${(error as Error).stack ?? ''}\n`);
    return 70;
  }
}
