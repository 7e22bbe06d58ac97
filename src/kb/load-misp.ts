// Reads MISP galaxy cluster files into KB records, mapping each galaxy onto a kizashi entity kind.
import type { EntityKind, IdentityRole, KbRecord } from './entity.js';
import { isEnglishWord } from './english-words.js';

interface GalaxyMapping {
  readonly kind: EntityKind;
  readonly roles?: readonly IdentityRole[];
}

/**
 * The galaxies kizashi understands; others are ignored (and listed as such by `kb info`). Countries and sectors
 * come from kizashi's own gazetteers (ISO 3166 and the STIX industry-sector vocabulary), not from galaxies.
 */
export const GALAXIES: Readonly<Record<string, GalaxyMapping>> = {
  'threat-actor': { kind: 'intrusion-set' },
  '360net-threat-actor': { kind: 'intrusion-set' },
  'microsoft-activity-group': { kind: 'intrusion-set' },
  'mitre-intrusion-set': { kind: 'intrusion-set' },
  malpedia: { kind: 'malware' },
  'mitre-malware': { kind: 'malware' },
  backdoor: { kind: 'malware' },
  botnet: { kind: 'malware' },
  ransomware: { kind: 'malware' },
  rat: { kind: 'malware' },
  stealer: { kind: 'malware' },
  'exploit-kit': { kind: 'malware' },
  'mitre-tool': { kind: 'tool' },
  tool: { kind: 'tool' },
  'surveillance-vendor': { kind: 'identity', roles: ['surveillance-vendor'] },
  producer: { kind: 'identity', roles: ['security-vendor'] },
  campaigns: { kind: 'campaign' },
};

interface ClusterValue {
  value?: unknown;
  uuid?: unknown;
  description?: unknown;
  meta?: Record<string, unknown>;
}

/**
 * Records for one galaxy cluster file's JSON. Returns [] for galaxies kizashi does not map.
 * @example mispClusterRecords(JSON.parse(fs.readFileSync('clusters/threat-actor.json', 'utf8')))
 */
export function mispClusterRecords(cluster: unknown): { galaxy: string; version?: string; records: KbRecord[] } {
  if (typeof cluster !== 'object' || cluster === null) throw new Error('not a MISP galaxy cluster: expected a JSON object');
  const { type, values, version } = cluster as { type?: unknown; values?: unknown; version?: unknown };
  if (typeof type !== 'string' || !Array.isArray(values)) throw new Error('not a MISP galaxy cluster: needs "type" and "values"');
  const mapping = GALAXIES[type];
  const versionText = typeof version === 'number' || typeof version === 'string' ? String(version) : undefined;
  if (!mapping) return { galaxy: type, ...(versionText ? { version: versionText } : {}), records: [] };
  const source = `misp:${type}`;
  const records: KbRecord[] = [];
  for (const raw of values as ClusterValue[]) {
    if (typeof raw !== 'object' || raw === null || typeof raw.value !== 'string') continue;
    const meta = raw.meta ?? {};
    let name = raw.value.trim();
    let mitreId = typeof meta.external_id === 'string' ? meta.external_id : undefined;
    // mitre-* galaxies name entries "Emotet - S0367".
    const suffix = / - ([GSTC]\d{4}(?:\.\d{3})?)$/.exec(name);
    if (suffix) {
      name = name.slice(0, suffix.index);
      mitreId ??= suffix[1];
    }
    const synonyms = Array.isArray(meta.synonyms)
      ? meta.synonyms.filter((s): s is string => typeof s === 'string').map(stripKindSuffix)
      : [];
    if (mapping.kind === 'malware') name = stripKindSuffix(name);
    const record: KbRecord = {
      source,
      sourceId: typeof raw.uuid === 'string' ? raw.uuid : name,
      kind: mapping.kind,
      name: mapping.kind === 'location' ? titleCase(name) : name,
      aliases: synonyms.filter((s) => s !== name),
      ...(typeof raw.description === 'string' && raw.description !== '' ? { description: raw.description } : {}),
      ...(mitreId ? { mitreId } : {}),
      ...(mapping.roles ? { roles: mapping.roles } : {}),
      ...countryOf(mapping.kind, meta),
      externalRefs: [{ source_name: source, ...(typeof raw.uuid === 'string' ? { external_id: raw.uuid } : {}) }],
    };
    records.push(record);
  }
  return {
    galaxy: type,
    ...(versionText ? { version: versionText } : {}),
    records: type === 'microsoft-activity-group' ? foldRenamed(records) : type === 'malpedia' ? namePlatformEntries(records) : records,
  };
}

/** Malpedia's platform suffixes: "DarkSide (Windows)", "DarkSide (ELF)". */
export const PLATFORM_SUFFIX = / \((?:Windows|ELF|OS X|Android|iOS|symbian)\)$/;

/**
 * Malpedia names a family that exists on several platforms once per platform ("DarkSide (Windows)", "DarkSide
 * (ELF)"), and news writes the bare name. The bare name goes to the Windows entry, or to the only entry when there
 * is one, as an alias; the other platforms' entries keep theirs (one name can mean unrelated families on
 * two platforms: "Anubis" the Android banker and the Windows loader, so a name with a mobile entry goes to none).
 */
function namePlatformEntries(records: readonly KbRecord[]): KbRecord[] {
  const byBase = new Map<string, KbRecord[]>();
  const names = new Set(records.map((r) => r.name));
  for (const r of records) {
    const m = PLATFORM_SUFFIX.exec(r.name);
    if (!m) continue;
    const base = r.name.slice(0, m.index);
    byBase.set(base, [...(byBase.get(base) ?? []), r]);
  }
  const bareNameOf = new Map<KbRecord, string>();
  for (const [base, group] of byBase) {
    // An entry of that very name exists (it is the one news means), or the name is an ordinary word ("Ares (Windows)").
    if (names.has(base) || isEnglishWord(base)) continue;
    // A mobile entry beside a desktop one is usually another family of the same name; then no entry takes it.
    const mobile = group.some((r) => /\((?:Android|iOS|symbian)\)$/.test(r.name));
    const chosen = group.length === 1 ? group[0] : mobile ? undefined : group.find((r) => r.name.endsWith('(Windows)'));
    if (chosen) bareNameOf.set(chosen, base);
  }
  return records.map((r) => {
    const base = bareNameOf.get(r);
    return base ? { ...r, aliases: [base, ...r.aliases.filter((a) => a !== base)] } : r;
  });
}

/** Microsoft's naming before 2023: chemical elements and volcanoes in capitals (HAFNIUM, PARINACOTA), and
 * temporary Storm-/DEV- numbers. */
const OLD_MICROSOFT_NAME = /^(?:[A-Z]{3,}|(?:Storm|DEV)-\d{4})$/;

/**
 * Microsoft's galaxy keeps an entry under each actor's old name beside the entry under its new name, which lists
 * the old one ("Silk Typhoon": HAFNIUM). One source never merges its own records, so the old entry is folded into
 * the new one here: one actor, with every name.
 */
function foldRenamed(records: readonly KbRecord[]): KbRecord[] {
  const byName = new Map(records.map((r) => [r.name, r]));
  const folded = new Map<KbRecord, KbRecord>();
  for (const r of records) {
    for (const alias of r.aliases) {
      const old = byName.get(alias);
      if (!old || old === r || !OLD_MICROSOFT_NAME.test(old.name) || folded.has(old) || folded.has(r)) continue;
      folded.set(old, r);
    }
  }
  if (folded.size === 0) return [...records];
  const into = new Map<KbRecord, KbRecord[]>();
  for (const [old, renamed] of folded) into.set(renamed, [...(into.get(renamed) ?? []), old]);
  return records
    .filter((r) => !folded.has(r))
    .map((r) => {
      const olds = into.get(r);
      if (!olds) return r;
      const aliases = new Set(r.aliases);
      for (const o of olds) for (const a of [o.name, ...o.aliases]) if (a !== r.name) aliases.add(a);
      const country = r.country ?? olds.find((o) => o.country)?.country;
      return {
        ...r,
        aliases: [...aliases],
        ...(country ? { country } : {}),
        externalRefs: [...(r.externalRefs ?? []), ...olds.flatMap((o) => o.externalRefs ?? [])],
      };
    });
}

function countryOf(kind: EntityKind, meta: Record<string, unknown>): { country?: string } {
  const code = kind === 'location' ? meta.ISO : meta.country;
  return typeof code === 'string' && /^[A-Z]{2}$/.test(code) ? { country: code } : {};
}

function titleCase(name: string): string {
  return name.replace(/\b([a-z])/g, (c) => c.toUpperCase());
}

const KIND_SUFFIX = / (?:ransomware|malware|trojan|backdoor|botnet|worm)$/i;

/** "Ryuk ransomware" → "Ryuk": galaxies often repeat the kind in the name, news says "Ryuk ransomware" too. */
export function stripKindSuffix(name: string): string {
  const m = KIND_SUFFIX.exec(name);
  if (!m) return name;
  const rest = name.slice(0, m.index).trim();
  return rest.length >= 3 && !isEnglishWord(rest) ? rest : name;
}
