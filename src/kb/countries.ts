// Country gazetteer: ISO 3166 names in English and Japanese (i18n-iso-countries, CLDR via Intl.DisplayNames)
// plus kizashi's own list of the forms news uses (米国, 英国, マケドニア, one-kanji abbreviations).
import { createRequire } from 'node:module';
import type { KbRecord } from './entity.js';

const require = createRequire(import.meta.url);
interface CountriesLib {
  registerLocale(data: unknown): void;
  getAlpha2Codes(): Record<string, string>;
  getNames(lang: string, options: { select: 'all' }): Record<string, string[]>;
}
const countries = require('i18n-iso-countries') as CountriesLib;
countries.registerLocale(require('i18n-iso-countries/langs/en.json'));
countries.registerLocale(require('i18n-iso-countries/langs/ja.json'));

export interface CountryData {
  /** Extra names per ISO code. */
  readonly names: Readonly<Record<string, readonly string[]>>;
  /** Adjectives of state and people per ISO code (Chinese, Russian). */
  readonly demonyms: Readonly<Record<string, readonly string[]>>;
  /** One-kanji abbreviation per ISO code, matched only in context. */
  readonly abbreviations: Readonly<Record<string, string>>;
  /** Names of world regions per STIX region-ov value (North America, 東南アジア). */
  readonly regions: Readonly<Record<string, readonly string[]>>;
}

/** English display name of a country code. */
export function countryName(code: string): string {
  return new Intl.DisplayNames('en', { type: 'region' }).of(code) ?? code;
}

/**
 * One KB record per ISO 3166-1 country, with every English and Japanese name we know, and one per world region.
 * @example countryRecords(data).find((r) => r.country === 'US')?.aliases // […, '米国', 'アメリカ合衆国', …]
 */
export function countryRecords(data: CountryData): KbRecord[] {
  const en = countries.getNames('en', { select: 'all' });
  const ja = countries.getNames('ja', { select: 'all' });
  const displayEn = new Intl.DisplayNames('en', { type: 'region' });
  const displayJa = new Intl.DisplayNames('ja', { type: 'region' });
  const records: KbRecord[] = [];
  for (const code of Object.keys(countries.getAlpha2Codes())) {
    // Our curated names first (中国 before 中華人民共和国): the first name in a language is the one to display.
    const names = new Set<string>(data.names[code] ?? []);
    for (const n of en[code] ?? []) if (!/,/.test(n) && n.length > 2) names.add(n);
    for (const n of ja[code] ?? []) names.add(n);
    for (const display of [displayEn, displayJa]) {
      const n = display.of(code);
      if (n && n !== code) names.add(n);
    }
    for (const n of data.demonyms[code] ?? []) names.add(n);
    const name = displayEn.of(code) ?? code;
    names.delete(name);
    records.push({
      source: 'kizashi-countries',
      sourceId: code,
      kind: 'location',
      name,
      aliases: [...names],
      country: code,
      caseSensitive: true,
      ...(data.demonyms[code] ? { demonyms: data.demonyms[code] } : {}),
    });
  }
  for (const [region, [name, ...aliases]] of Object.entries(data.regions)) {
    if (!name) continue;
    records.push({ source: 'kizashi-countries', sourceId: region, kind: 'location', name, aliases, region, caseSensitive: true });
  }
  return records;
}
