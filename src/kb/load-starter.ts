// Reads kizashi's curated starter knowledge base (data/starter/*.yaml) into KB records.
import { fileURLToPath } from 'node:url';
import { KbError } from '../core/errors.js';
import type { CountryData } from './countries.js';
import type { EntityKind, IdentityRole, InstrumentKind, InstrumentStatus, KbRecord, PolicyFacts } from './entity.js';
import { readYamlFiles } from './read-yaml.js';

/** The folder of starter data shipped with the package (works from src/ and from dist/). */
export const STARTER_DIR = fileURLToPath(new URL('../../data/starter/', import.meta.url));

const KINDS = new Set<EntityKind>([
  'intrusion-set',
  'threat-actor',
  'malware',
  'tool',
  'campaign',
  'identity',
  'location',
  'sector',
  'policy-instrument',
  'vulnerability',
]);
const INSTRUMENT_KINDS = new Set<InstrumentKind>([
  'treaty',
  'law',
  'executive-order',
  'sanctions-listing',
  'multilateral-process',
  'industry-accord',
  'guidance',
]);
const STATUSES = new Set<InstrumentStatus>(['proposed', 'negotiated', 'adopted', 'signed', 'in-force', 'withdrawn']);
const ROLES = new Set<IdentityRole>([
  'security-vendor',
  'government-agency',
  'international-body',
  'technology-company',
  'platform',
  'ngo',
  'media',
  'surveillance-vendor',
  'offensive-contractor',
  'intelligence-service',
  'state',
]);

export interface StarterData {
  readonly records: KbRecord[];
  readonly countries: CountryData;
}

/** Load every starter file; a malformed entry is an error naming the file and entry. */
export async function loadStarter(dir: string = STARTER_DIR): Promise<StarterData> {
  const records: KbRecord[] = [];
  let countries: CountryData = { names: {}, abbreviations: {}, demonyms: {}, regions: {} };
  for (const { file, path, data } of await readYamlFiles(dir)) {
    if (file === 'countries.yaml') countries = parseCountries(data, path);
    else if (file === 'techniques.yaml') records.push(...parseTechniques(data, path));
    else records.push(...parseStarterFile(data, path));
  }
  return { records, countries };
}

/** Records of one starter file's parsed YAML. */
export function parseStarterFile(data: unknown, path: string): KbRecord[] {
  const doc = data as { kind?: unknown; entities?: unknown };
  if (typeof doc !== 'object' || doc === null || !Array.isArray(doc.entities)) {
    throw new KbError(path, 'expected a mapping with an "entities" list');
  }
  const defaultKind = doc.kind;
  return doc.entities.map((raw: unknown, index: number) => {
    const where = `entry ${index + 1}`;
    const e = raw as Record<string, unknown>;
    if (typeof e !== 'object' || e === null || typeof e.name !== 'string' || e.name.trim() === '') {
      throw new KbError(path, `${where}: "name" must be a non-empty string`);
    }
    const empty = Object.entries(e).find(([, v]) => v === null);
    if (empty) throw new KbError(path, `${where} (${e.name}): "${empty[0]}" has no value (a comma inside an unquoted name?)`);
    const kind = (e.kind ?? defaultKind) as EntityKind;
    if (!KINDS.has(kind)) throw new KbError(path, `${where} (${e.name}): unknown kind "${String(kind)}"`);
    // A vulnerability is named by its CVE id; its nicknames (Log4Shell) are aliases.
    if (kind === 'vulnerability' && !/^CVE-\d{4}-\d{4,7}$/.test(e.name))
      throw new KbError(path, `${where} (${e.name}): a vulnerability's name must be its CVE id (CVE-2021-44228)`);
    const aliases = e.aliases ?? [];
    if (!Array.isArray(aliases) || aliases.some((a) => typeof a !== 'string' && typeof a !== 'number')) {
      throw new KbError(path, `${where} (${e.name}): "aliases" must be a list of strings`);
    }
    const roles = e.roles ?? [];
    if (!Array.isArray(roles) || roles.some((r) => !ROLES.has(r as IdentityRole))) {
      throw new KbError(path, `${where} (${e.name}): "roles" must be a list of known roles`);
    }
    if (e.country !== undefined && (typeof e.country !== 'string' || !/^[A-Z]{2}$/.test(e.country))) {
      throw new KbError(path, `${where} (${e.name}): "country" must be an ISO 3166-1 alpha-2 code`);
    }
    const nameList = (field: 'sponsors' | 'producers' | 'keeps'): string[] => {
      const value = e[field] ?? [];
      if (!Array.isArray(value) || value.some((x) => typeof x !== 'string'))
        throw new KbError(path, `${where} (${String(e.name)}): "${field}" must be a list of names`);
      return value as string[];
    };
    const sponsors = nameList('sponsors');
    const producers = nameList('producers');
    const keeps = nameList('keeps');
    const policy = kind === 'policy-instrument' ? parseInstrument(e.instrument, `${where} (${e.name})`, path) : undefined;
    return {
      source: 'kizashi-starter',
      sourceId: e.name,
      kind,
      name: e.name.trim(),
      aliases: aliases.map(String),
      roles: roles as IdentityRole[],
      ...(typeof e.country === 'string' ? { country: e.country } : {}),
      ...(typeof e.sector === 'string' ? { sector: e.sector } : {}),
      ...(typeof e.description === 'string' ? { description: e.description } : {}),
      ...(e.context === true ? { needsContext: true } : {}),
      ...(e.exact === true ? { caseSensitive: true } : {}),
      ...(policy ? { policy } : {}),
      ...(sponsors.length > 0 ? { sponsors } : {}),
      ...(producers.length > 0 ? { producers } : {}),
      ...(keeps.length > 0 ? { keeps } : {}),
    } satisfies KbRecord;
  });
}

/** The `instrument:` mapping of a policy instrument: kind (required), status, jurisdiction, conveners, dates. */
function parseInstrument(raw: unknown, where: string, path: string): PolicyFacts {
  const i = raw as Record<string, unknown> | undefined;
  if (typeof i !== 'object' || i === null) throw new KbError(path, `${where}: a policy instrument needs an "instrument" mapping`);
  if (!INSTRUMENT_KINDS.has(i.kind as InstrumentKind))
    throw new KbError(path, `${where}: instrument.kind must be one of ${[...INSTRUMENT_KINDS].join(', ')}`);
  if (i.status !== undefined && !STATUSES.has(i.status as InstrumentStatus))
    throw new KbError(path, `${where}: instrument.status must be one of ${[...STATUSES].join(', ')}`);
  const list = (v: unknown, field: string): string[] | undefined => {
    if (v === undefined) return undefined;
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw new KbError(path, `${where}: instrument.${field} must be a list`);
    return v as string[];
  };
  const dates: Partial<Record<InstrumentStatus, string>> = {};
  if (i.dates !== undefined) {
    if (typeof i.dates !== 'object' || i.dates === null) throw new KbError(path, `${where}: instrument.dates must be a mapping`);
    for (const [k, v] of Object.entries(i.dates)) {
      const date = v instanceof Date ? v.toISOString().slice(0, 10) : String(v);
      if (!STATUSES.has(k as InstrumentStatus) || !/^\d{4}(?:-\d{2}(?:-\d{2})?)?$/.test(date))
        throw new KbError(path, `${where}: instrument.dates.${k} must be a status with a date YYYY[-MM[-DD]]`);
      dates[k as InstrumentStatus] = date;
    }
  }
  const jurisdiction = list(i.jurisdiction, 'jurisdiction');
  const conveners = list(i.conveners, 'conveners');
  return {
    kind: i.kind as InstrumentKind,
    ...(i.status ? { status: i.status as InstrumentStatus } : {}),
    ...(jurisdiction ? { jurisdiction } : {}),
    ...(conveners ? { conveners } : {}),
    ...(Object.keys(dates).length > 0 ? { dates } : {}),
  };
}

function parseCountries(data: unknown, path: string): CountryData {
  const doc = data as { names?: unknown; abbreviations?: unknown; demonyms?: unknown; regions?: unknown };
  if (typeof doc !== 'object' || doc === null || typeof doc.names !== 'object' || typeof doc.abbreviations !== 'object') {
    throw new KbError(path, 'expected "names" and "abbreviations" mappings');
  }
  return {
    names: doc.names as Record<string, string[]>,
    abbreviations: doc.abbreviations as Record<string, string>,
    demonyms: (doc.demonyms ?? {}) as Record<string, string[]>,
    regions: (doc.regions ?? {}) as Record<string, string[]>,
  };
}

/** Technique records of techniques.yaml: ATT&CK id, English name, Japanese phrases. */
export function parseTechniques(data: unknown, path: string): KbRecord[] {
  const doc = data as { techniques?: unknown };
  if (typeof doc !== 'object' || doc === null || !Array.isArray(doc.techniques)) throw new KbError(path, 'expected a "techniques" list');
  return doc.techniques.map((raw: unknown, index: number) => {
    const t = raw as { id?: unknown; name?: unknown; ja?: unknown; en?: unknown; tactics?: unknown };
    if (typeof t.id !== 'string' || !/^T\d{4}(?:\.\d{3})?$/.test(t.id))
      throw new KbError(path, `entry ${index + 1}: "id" must be an ATT&CK technique id`);
    if (typeof t.name !== 'string') throw new KbError(path, `entry ${index + 1} (${t.id}): "name" must be a string`);
    if (!Array.isArray(t.ja) || t.ja.some((p) => typeof p !== 'string'))
      throw new KbError(path, `entry ${index + 1} (${t.id}): "ja" must be a list of phrases`);
    return {
      source: 'kizashi-starter',
      sourceId: t.id,
      kind: 'attack-pattern',
      name: t.name,
      aliases: [],
      mitreId: t.id,
      ...(Array.isArray(t.tactics) && t.tactics.every((x) => typeof x === 'string')
        ? { killChainPhases: t.tactics.map((phase_name) => ({ kill_chain_name: 'mitre-attack', phase_name })) }
        : {}),
      phrases: [...(t.ja as string[]), ...(Array.isArray(t.en) ? t.en.filter((p): p is string => typeof p === 'string') : [])],
      externalRefs: [
        { source_name: 'mitre-attack', external_id: t.id, url: `https://attack.mitre.org/techniques/${t.id.replace('.', '/')}` },
      ],
    } satisfies KbRecord;
  });
}
