// Peer IOC suites: ioc-finder's find_iocs cases and iocextract's valid/invalid lists, run against kizashi's
// indicator extractor. Shared by the test (src/extract/indicators.peers.test.ts) and `npm run eval`.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { extractIndicators, type IndicatorKind, type IndicatorMatch } from '../../src/extract/indicators.js';

export const sha256 = (b: Uint8Array): Uint8Array => createHash('sha256').update(b).digest();

const KIND_OF: Record<string, IndicatorKind> = {
  ipv4s: 'ipv4',
  ipv4_cidrs: 'ipv4-cidr',
  ipv6s: 'ipv6',
  domains: 'domain',
  urls: 'url',
  email_addresses: 'email',
  md5s: 'md5',
  sha1s: 'sha1',
  sha256s: 'sha256',
  sha512s: 'sha512',
  ssdeeps: 'ssdeep',
  imphashes: 'imphash',
  cves: 'cve',
  asns: 'asn',
  mac_addresses: 'mac',
  bitcoin_addresses: 'bitcoin',
  monero_addresses: 'monero',
  file_paths: 'file-path',
  registry_key_paths: 'registry-key',
  user_agents: 'user-agent',
  attack_techniques: 'attack-id',
  attack_tactics: 'attack-id',
  attack_mitigations: 'attack-id',
  tlp_labels: 'tlp',
};
const COMPARED = new Set(Object.values(KIND_OF));

interface Case {
  id: string;
  text: string;
  expected: Record<string, unknown>;
  options: Record<string, unknown>;
}

export interface PeerResult {
  readonly id: string;
  readonly passed: boolean;
  readonly excluded?: string;
  readonly diff: string[];
}

function values(v: unknown): string[] {
  if (Array.isArray(v)) return v.map(String);
  if (v && typeof v === 'object') return Object.values(v).flatMap(values);
  return [];
}

/** Run the ioc-finder cases; `exclusions` maps case id → reason it does not apply. */
export function runIocFinder(dir: string, exclusions: Record<string, string>): PeerResult[] {
  const { cases } = JSON.parse(readFileSync(join(dir, 'find_iocs_cases.json'), 'utf8')) as { cases: Case[] };
  const seen = new Map<string, number>();
  return cases.map((c) => {
    const n = (seen.get(c.id) ?? 0) + 1;
    seen.set(c.id, n);
    const id = n > 1 ? `${c.id}#${n}` : c.id;
    const found = extractIndicators(c.text, { sha256 });
    const diff: string[] = [];
    // ioc-finder options that switch off domains taken from URLs or emails: domains are then not compared.
    const skipDomains =
      c.options.parse_domain_from_url === false ||
      c.options.parse_from_url_path === false ||
      c.options.parse_domain_from_email_address === false;
    for (const kind of COMPARED) {
      if (kind === 'domain' && skipDomains) continue;
      const expected = new Set(
        Object.entries(c.expected)
          .filter(([k]) => KIND_OF[k] === kind)
          .flatMap(([, v]) => values(v))
          .map((v) => normalise(kind, v)),
      );
      const got = new Set(found.filter((f) => f.kind === kind).map((f) => normalise(kind, f.value)));
      for (const v of expected) if (!got.has(v)) diff.push(`missing ${kind} ${v}`);
      for (const v of got) if (!expected.has(v)) diff.push(`extra ${kind} ${v}`);
    }
    const excluded = exclusions[id];
    return { id, passed: diff.length === 0, diff, ...(excluded ? { excluded } : {}) };
  });
}

function normalise(kind: IndicatorKind, v: string): string {
  return kind === 'domain' || kind.startsWith('sha') || kind === 'md5' || kind === 'imphash' || kind === 'email' ? v.toLowerCase() : v;
}

/** iocextract: every line of valid.txt must yield an indicator equal to its refanged form; invalid.txt none. */
export function runIocExtract(dir: string, exclusions: Record<string, string>): PeerResult[] {
  const results: PeerResult[] = [];
  const lines = (file: string): string[] =>
    readFileSync(join(dir, file), 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '');
  for (const line of lines('valid.txt')) {
    const found = extractIndicators(line, { sha256 });
    const whole = found.filter((f) => f.start === 0 && f.end >= line.trimEnd().length - 1);
    const id = `valid:${line}`;
    const diff = whole.length > 0 ? [] : [`no indicator spans the line; found ${found.map(show).join(', ') || 'nothing'}`];
    results.push({ id, passed: diff.length === 0, diff, ...(exclusions[id] ? { excluded: exclusions[id] } : {}) });
  }
  for (const line of lines('invalid.txt')) {
    // iocextract's invalid list names strings that must not come out as a whole indicator.
    const found = extractIndicators(line, { sha256 }).filter(
      (f) => f.kind !== 'file-name' && f.start === 0 && f.end >= line.trimEnd().length,
    );
    const id = `invalid:${line}`;
    const diff = found.map((f) => `unexpected ${show(f)}`);
    results.push({ id, passed: diff.length === 0, diff, ...(exclusions[id] ? { excluded: exclusions[id] } : {}) });
  }
  return results;
}

function show(f: IndicatorMatch): string {
  return `${f.kind}=${f.value}`;
}
