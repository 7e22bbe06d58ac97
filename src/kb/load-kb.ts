// Assembles the knowledge base: the starter data (always), then synced sources in $KIZASHI_HOME, then --kb folders.
import { existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { KbError } from '../core/errors.js';
import { countryRecords } from './countries.js';
import type { KbRecord } from './entity.js';
import { KnowledgeBase, type KbSourceInfo } from './knowledge-base.js';
import { attackRecords, attackVersion } from './load-attack.js';
import { mispClusterRecords } from './load-misp.js';
import { loadStarter } from './load-starter.js';

export interface LoadKbOptions {
  /** Folders laid out like shared/data: attack/*.json and misp-galaxy/clusters/*.json. */
  readonly kbDirs?: readonly string[];
  /** Where `kb sync` keeps downloaded sources; defaults to $KIZASHI_HOME or ~/.kizashi. */
  readonly home?: string;
  /** Skip the synced sources in home (tests). */
  readonly ignoreHome?: boolean;
}

/** kizashi's data folder: $KIZASHI_HOME or ~/.kizashi. */
export function kizashiHome(): string {
  return process.env.KIZASHI_HOME ?? join(homedir(), '.kizashi');
}

/** The folder inside home where `kb sync` stores sources, in the same layout as a --kb folder. */
export function syncedKbDir(home: string = kizashiHome()): string {
  return join(home, 'kb');
}

/**
 * Load the starter KB plus every available source, merged.
 * @example const kb = await loadKnowledgeBase({ kbDirs: ['../shared/data'] });
 */
export async function loadKnowledgeBase(options: LoadKbOptions = {}): Promise<KnowledgeBase> {
  const starter = await loadStarter();
  const records: KbRecord[] = [...starter.records];
  const sources: KbSourceInfo[] = [{ name: 'kizashi-starter', records: starter.records.length }];
  const countries = countryRecords(starter.countries);
  records.push(...countries);
  sources.push({ name: 'kizashi-countries', records: countries.length });
  const dirs: string[] = [];
  if (!options.ignoreHome) {
    const synced = syncedKbDir(options.home);
    if (existsSync(synced)) dirs.push(synced);
  }
  dirs.push(...(options.kbDirs ?? []));
  for (const dir of dirs) {
    const loaded = await readKbDir(dir);
    records.push(...loaded.records);
    sources.push(...loaded.sources);
  }
  return KnowledgeBase.build(records, sources, starter.countries.abbreviations);
}

/** Read one KB folder. Missing folder, corrupt JSON or a wrong shape are KbErrors naming the file. */
export async function readKbDir(dir: string): Promise<{ records: KbRecord[]; sources: KbSourceInfo[] }> {
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) throw new KbError(dir, 'no such folder (expected attack/*.json and/or misp-galaxy/clusters/*.json)');
  const records: KbRecord[] = [];
  const sources: KbSourceInfo[] = [];
  const attackDir = join(dir, 'attack');
  const clusterDir = join(dir, 'misp-galaxy', 'clusters');
  const attackFiles = await jsonFiles(attackDir);
  const clusterFiles = await jsonFiles(clusterDir);
  if (attackFiles.length === 0 && clusterFiles.length === 0) {
    throw new KbError(dir, 'contains neither attack/*.json nor misp-galaxy/clusters/*.json');
  }
  for (const file of attackFiles) {
    const json = await readJson(file);
    let recs: KbRecord[];
    try {
      recs = attackRecords(json);
    } catch (error) {
      throw new KbError(file, (error as Error).message, { cause: error });
    }
    records.push(...recs);
    const version = attackVersion(json);
    sources.push({ name: 'mitre-attack', records: recs.length, path: file, ...(version ? { version } : {}) });
  }
  for (const file of clusterFiles) {
    const json = await readJson(file);
    let cluster: ReturnType<typeof mispClusterRecords>;
    try {
      cluster = mispClusterRecords(json);
    } catch (error) {
      throw new KbError(file, (error as Error).message, { cause: error });
    }
    records.push(...cluster.records);
    sources.push({
      name: `misp:${cluster.galaxy}`,
      records: cluster.records.length,
      path: file,
      ...(cluster.version ? { version: cluster.version } : {}),
    });
  }
  return { records, sources };
}

async function jsonFiles(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  return (await readdir(dir))
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => join(dir, f));
}

async function readJson(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new KbError(file, `cannot read (${(error as NodeJS.ErrnoException).code ?? 'error'})`, { cause: error });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new KbError(file, `corrupt JSON: ${(error as Error).message}`, { cause: error });
  }
}
