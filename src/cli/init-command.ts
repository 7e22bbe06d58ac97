// `kizashi init`: writes a config file and the default feed list (OPML) into a folder; never overwrites.
import { copyFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Writable } from 'node:stream';
import { KizashiError, UsageError } from '../core/errors.js';
import { makeDirectory } from '../make-directory.js';

export const DEFAULT_FEEDS = fileURLToPath(new URL('../../data/feeds/default-feeds.opml', import.meta.url));

const CONFIG = `# kizashi configuration (written by \`kizashi init\`)
store:
  sqlite: ./kizashi.db          # or set KIZASHI_DATABASE_URL=postgres://… for PostgreSQL and workers
timezone: Asia/Tokyo            # digests cover calendar days in this zone
languages: [ja, en]
feeds: ./feeds.opml             # OPML or one URL per line; edit, or import your feed reader's OPML
poll_interval_minutes: 15       # each feed, with ±10% jitter; failing feeds back off up to a day
fetch:
  allow_hosts: []               # hosts the fetcher may reach even on private addresses (intranet feeds)
`;

export async function runInit(dir: string, out: Writable): Promise<void> {
  const target = resolve(dir);
  const config = join(target, 'kizashi.config.yaml');
  const feeds = join(target, 'feeds.opml');
  if (existsSync(config) || existsSync(feeds))
    throw new UsageError(`${target} already has kizashi.config.yaml or feeds.opml; not overwriting`);
  await makeDirectory(target);
  try {
    await writeFile(config, CONFIG);
    await copyFile(DEFAULT_FEEDS, feeds);
  } catch (error) {
    throw new KizashiError(`${target}: cannot write the config (${(error as NodeJS.ErrnoException).code ?? String(error)})`, {
      cause: error,
    });
  }
  out.write(`wrote ${config}\nwrote ${feeds} (40 English and Japanese feeds)\nnext: kizashi ingest --feeds ${feeds} --watch\n`);
}
