// The optional config file written by `kizashi init` (kizashi.config.yaml in the working folder).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { KizashiError } from './core/errors.js';

export interface KizashiConfig {
  readonly sqlite?: string;
  readonly feeds?: string;
  readonly timezone: string;
  readonly languages: readonly string[];
  readonly pollIntervalMinutes: number;
  readonly allowHosts: readonly string[];
}

const DEFAULTS: KizashiConfig = { timezone: 'Asia/Tokyo', languages: ['ja', 'en'], pollIntervalMinutes: 15, allowHosts: [] };

/** Read `path` (default ./kizashi.config.yaml when it exists); paths in it are relative to the file. */
export function loadConfig(path?: string): KizashiConfig {
  const file = resolve(path ?? process.env.KIZASHI_CONFIG ?? 'kizashi.config.yaml');
  if (!existsSync(file)) {
    if (path) throw new KizashiError(`${file}: no such config file`);
    return DEFAULTS;
  }
  let data: Record<string, unknown>;
  try {
    data = (parseYaml(readFileSync(file, 'utf8')) ?? {}) as Record<string, unknown>;
  } catch (error) {
    throw new KizashiError(`${file}: invalid YAML (${(error as Error).message.split('\n')[0]})`, { cause: error });
  }
  const at = (p: unknown): string | undefined => (typeof p === 'string' && p !== '' ? resolve(dirname(file), p) : undefined);
  const store = (data.store ?? {}) as Record<string, unknown>;
  const fetch = (data.fetch ?? {}) as Record<string, unknown>;
  const minutes = Number(data.poll_interval_minutes ?? DEFAULTS.pollIntervalMinutes);
  if (!Number.isFinite(minutes) || minutes < 1) throw new KizashiError(`${file}: poll_interval_minutes must be a number ≥ 1`);
  const sqlite = at(store.sqlite);
  const feeds = at(data.feeds);
  return {
    timezone: typeof data.timezone === 'string' ? data.timezone : DEFAULTS.timezone,
    languages: Array.isArray(data.languages) ? data.languages.map(String) : DEFAULTS.languages,
    pollIntervalMinutes: minutes,
    allowHosts: Array.isArray(fetch.allow_hosts) ? fetch.allow_hosts.map(String) : [],
    ...(sqlite ? { sqlite } : {}),
    ...(feeds ? { feeds } : {}),
  };
}
