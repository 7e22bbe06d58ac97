// `kizashi kb sync`: fetches MITRE ATT&CK and the MISP galaxies from their official URLs into $KIZASHI_HOME/kb
// (with conditional requests, so an unchanged source is not downloaded again), or imports them from a folder.
import { copyFile, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { KbError } from '../core/errors.js';
import { makeDirectory } from '../make-directory.js';
import { readKbDir } from './load-kb.js';
import { GALAXIES } from './load-misp.js';

/** Official sources. Override the bases with KIZASHI_ATTACK_URL / KIZASHI_MISP_GALAXY_URL (mirrors, tests). */
export const ATTACK_URL = 'https://raw.githubusercontent.com/mitre-attack/attack-stix-data/master/enterprise-attack/enterprise-attack.json';
export const MISP_GALAXY_BASE = 'https://raw.githubusercontent.com/MISP/misp-galaxy/main/clusters/';

/** Cluster file names for the galaxies kizashi maps (galaxy type → file). */
export const CLUSTER_FILES: readonly string[] = Object.keys(GALAXIES).map((galaxy) =>
  galaxy === 'campaigns' ? 'tidal-campaigns.json' : galaxy === '360net-threat-actor' ? '360net.json' : `${galaxy}.json`,
);

export interface SyncItemResult {
  readonly file: string;
  readonly status: 'downloaded' | 'unchanged' | 'copied' | 'failed';
  readonly detail?: string;
}

interface SyncState {
  [url: string]: { etag?: string; lastModified?: string };
}

export interface SyncOptions {
  readonly fetchImpl?: typeof fetch;
  readonly attackUrl?: string;
  readonly galaxyBase?: string;
  readonly timeoutMs?: number;
}

/**
 * Download every source into `kbDir` (layout: attack/enterprise-attack.json, misp-galaxy/clusters/*.json).
 * Each file is validated as JSON before it replaces the cached copy; a failing source never aborts the others.
 */
export async function syncFromNetwork(kbDir: string, options: SyncOptions = {}): Promise<SyncItemResult[]> {
  const doFetch = options.fetchImpl ?? fetch;
  const attackUrl = options.attackUrl ?? process.env.KIZASHI_ATTACK_URL ?? ATTACK_URL;
  const galaxyBase = options.galaxyBase ?? process.env.KIZASHI_MISP_GALAXY_URL ?? MISP_GALAXY_BASE;
  const statePath = join(kbDir, 'sync-state.json');
  const state: SyncState = await readFile(statePath, 'utf8')
    .then((t) => JSON.parse(t) as SyncState)
    .catch(() => ({}));
  const jobs: { url: string; target: string }[] = [
    { url: attackUrl, target: join(kbDir, 'attack', 'enterprise-attack.json') },
    ...CLUSTER_FILES.map((f) => ({ url: new URL(f, galaxyBase).toString(), target: join(kbDir, 'misp-galaxy', 'clusters', f) })),
  ];
  const results: SyncItemResult[] = [];
  for (const job of jobs) {
    try {
      const cached = state[job.url] ?? {};
      const headers: Record<string, string> = { 'user-agent': 'kizashi kb sync' };
      if (cached.etag) headers['if-none-match'] = cached.etag;
      if (cached.lastModified) headers['if-modified-since'] = cached.lastModified;
      const response = await doFetch(job.url, { headers, signal: AbortSignal.timeout(options.timeoutMs ?? 120_000), redirect: 'follow' });
      if (response.status === 304) {
        results.push({ file: job.target, status: 'unchanged' });
        continue;
      }
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const text = await response.text();
      JSON.parse(text); // never cache a corrupt file
      await writeAtomically(job.target, text);
      state[job.url] = {
        ...(response.headers.get('etag') ? { etag: response.headers.get('etag') ?? '' } : {}),
        ...(response.headers.get('last-modified') ? { lastModified: response.headers.get('last-modified') ?? '' } : {}),
      };
      results.push({ file: job.target, status: 'downloaded', detail: `${text.length} bytes` });
    } catch (error) {
      results.push({ file: job.target, status: 'failed', detail: `${job.url}: ${(error as Error).message}` });
    }
  }
  await writeAtomically(statePath, JSON.stringify(state, null, 2));
  return results;
}

/** Import sources from a local copy laid out like a --kb folder (air-gapped sites). Validates before copying. */
export async function syncFromDirectory(sourceDir: string, kbDir: string): Promise<SyncItemResult[]> {
  await readKbDir(sourceDir); // throws a KbError naming any corrupt file before anything is copied
  const results: SyncItemResult[] = [];
  const attack = join(sourceDir, 'attack', 'enterprise-attack.json');
  const files: { from: string; to: string }[] = [{ from: attack, to: join(kbDir, 'attack', 'enterprise-attack.json') }];
  for (const f of CLUSTER_FILES)
    files.push({ from: join(sourceDir, 'misp-galaxy', 'clusters', f), to: join(kbDir, 'misp-galaxy', 'clusters', f) });
  for (const { from, to } of files) {
    await makeDirectory(join(to, '..'));
    try {
      await copyFile(from, `${to}.tmp`);
      await rename(`${to}.tmp`, to);
      results.push({ file: to, status: 'copied' });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') continue; // the local copy need not hold every galaxy
      throw new KbError(from, `cannot copy (${code ?? String(error)})`, { cause: error });
    }
  }
  if (results.length === 0) throw new KbError(sourceDir, 'no known source files found');
  return results;
}

async function writeAtomically(path: string, text: string): Promise<void> {
  await makeDirectory(join(path, '..'));
  await writeFile(`${path}.tmp`, text);
  await rename(`${path}.tmp`, path);
}
