// Warninglists: data files naming indicators that are almost certainly not malicious (private ranges, public
// resolvers, top sites, reserved domains …). Loaded from data/warninglists and $KIZASHI_HOME/warninglists.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ipaddr from 'ipaddr.js';
import { KbError } from '../core/errors.js';
import { readYamlFiles } from './read-yaml.js';

export const WARNINGLIST_DIR = fileURLToPath(new URL('../../data/warninglists/', import.meta.url));

export type WarninglistType = 'cidr' | 'hostname' | 'hostname-suffix' | 'string';

export interface Warninglist {
  readonly name: string;
  readonly description: string;
  readonly type: WarninglistType;
  readonly appliesTo: ReadonlySet<string>;
  readonly values: readonly string[];
}

type Cidr = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** Compiled lists: answers "which lists flag this indicator?". */
export class Warninglists {
  private readonly compiled: { list: Warninglist; cidrs: Cidr[]; names: Set<string> }[];

  constructor(readonly lists: readonly Warninglist[]) {
    this.compiled = lists.map((list) => ({
      list,
      cidrs:
        list.type === 'cidr' ? list.values.map((v) => ipaddr.parseCIDR(v.includes('/') ? v : `${v}/${v.includes(':') ? 128 : 32}`)) : [],
      names: new Set(list.type === 'cidr' ? [] : list.values.map((v) => v.toLowerCase().replace(/\.$/, ''))),
    }));
  }

  /**
   * Names of the lists that flag an indicator of `kind` with `value` (`host`: the host of a URL or email).
   * @example lists.check('ipv4', '8.8.8.8') // ['public-dns-resolvers']
   */
  check(kind: string, value: string, host?: string): string[] {
    const hits: string[] = [];
    for (const { list, cidrs, names } of this.compiled) {
      if (!list.appliesTo.has(kind)) continue;
      const subject = (kind === 'url' || kind === 'email' ? host : value)?.toLowerCase().replace(/\.$/, '');
      if (!subject) continue;
      let hit = false;
      if (list.type === 'cidr') {
        const address = subject.split('/')[0] ?? '';
        // ipaddr.isValid throws internally on names: test the shape first (hot path).
        if (/^[\d.]+$|:/.test(address) && ipaddr.isValid(address)) {
          const parsed = ipaddr.process(address);
          hit = cidrs.some(([net, bits]) => net.kind() === parsed.kind() && parsed.match(net, bits));
        }
      } else if (list.type === 'hostname' || list.type === 'string') {
        hit = names.has(subject);
      } else {
        const labels = subject.split('.');
        for (let i = 0; i < labels.length && !hit; i++) hit = names.has(labels.slice(i).join('.'));
      }
      if (hit) hits.push(list.name);
    }
    return hits;
  }
}

/** Parse one warninglist file's YAML; errors name the file and field. */
export function parseWarninglist(data: unknown, path: string): Warninglist {
  const d = data as Record<string, unknown>;
  if (typeof d !== 'object' || d === null) throw new KbError(path, 'expected a YAML mapping');
  if (typeof d.name !== 'string' || d.name === '') throw new KbError(path, '"name" must be a non-empty string');
  const type = d.type;
  if (type !== 'cidr' && type !== 'hostname' && type !== 'hostname-suffix' && type !== 'string') {
    throw new KbError(path, '"type" must be cidr, hostname, hostname-suffix or string');
  }
  if (!Array.isArray(d.values) || d.values.some((v) => typeof v !== 'string'))
    throw new KbError(path, '"values" must be a list of strings');
  if (!Array.isArray(d.applies_to) || d.applies_to.some((v) => typeof v !== 'string'))
    throw new KbError(path, '"applies_to" must be a list of indicator kinds');
  const values = d.values as string[];
  if (type === 'cidr') {
    for (const v of values) {
      try {
        ipaddr.parseCIDR(v.includes('/') ? v : `${v}/${v.includes(':') ? 128 : 32}`);
      } catch {
        throw new KbError(path, `"${v}" is not an IP address or CIDR block`);
      }
    }
  }
  return {
    name: d.name,
    description: typeof d.description === 'string' ? d.description : '',
    type,
    appliesTo: new Set(d.applies_to as string[]),
    values,
  };
}

/** Load the shipped lists and the user's own ($KIZASHI_HOME/warninglists). */
export async function loadWarninglists(dirs: readonly string[] = [WARNINGLIST_DIR]): Promise<Warninglists> {
  const lists: Warninglist[] = [];
  for (const dir of dirs) {
    if (!existsSync(dir)) continue;
    for (const { path, data } of await readYamlFiles(dir)) lists.push(parseWarninglist(data, path));
  }
  return new Warninglists(lists);
}
