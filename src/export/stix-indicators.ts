// STIX 2.1 objects for extracted indicators: an SCO per observable, an indicator SDO with a STIX pattern for
// the ones defenders act on, and TLP markings named in the text.
import { scoId, stixId, type DistributiveOmit, type Evidence, type Indicator, type Sco } from '../core/stix.js';
import type { ExtractedIndicator, Extraction } from '../extract/extract-document.js';

/** The TLP 2.0 marking definitions STIX 2.1 defines (section 7.2.1.4), by label. */
export const TLP_MARKINGS: Readonly<Record<string, string>> = {
  'TLP:CLEAR': 'marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9',
  'TLP:WHITE': 'marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9',
  'TLP:GREEN': 'marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da',
  'TLP:AMBER': 'marking-definition--f88d31f6-486f-44da-b317-01333bde0b82',
  'TLP:AMBER+STRICT': 'marking-definition--f88d31f6-486f-44da-b317-01333bde0b82',
  'TLP:RED': 'marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed',
};

const HASH_NAMES: Record<string, string> = { md5: 'MD5', sha1: 'SHA-1', sha256: 'SHA-256', sha512: 'SHA-512', ssdeep: 'SSDEEP' };

/** A STIX pattern string literal: backslashes and quotes escaped. */
function literal(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function macValue(raw: string): string {
  const hex = raw.replace(/[^0-9a-f]/gi, '').toLowerCase();
  return hex.match(/../g)?.join(':') ?? hex;
}

/** The SCO and (when it is actionable) the STIX pattern of one indicator, or undefined for kinds with no SCO. */
function observable(
  x: ExtractedIndicator,
): { sco?: DistributiveOmit<Sco, 'spec_version' | 'x_kizashi_evidence' | 'x_kizashi_warning'>; pattern?: string } | undefined {
  const v = x.value;
  switch (x.kind) {
    case 'ipv4':
    case 'ipv4-cidr':
      return { sco: { type: 'ipv4-addr', id: scoId('ipv4-addr', { value: v }), value: v }, pattern: `[ipv4-addr:value = ${literal(v)}]` };
    case 'ipv6':
      return { sco: { type: 'ipv6-addr', id: scoId('ipv6-addr', { value: v }), value: v }, pattern: `[ipv6-addr:value = ${literal(v)}]` };
    case 'domain':
      return {
        sco: { type: 'domain-name', id: scoId('domain-name', { value: v }), value: v },
        pattern: `[domain-name:value = ${literal(v)}]`,
      };
    case 'url':
      return { sco: { type: 'url', id: scoId('url', { value: v }), value: v }, pattern: `[url:value = ${literal(v)}]` };
    case 'email':
      return {
        sco: { type: 'email-addr', id: scoId('email-addr', { value: v }), value: v },
        pattern: `[email-addr:value = ${literal(v)}]`,
      };
    case 'mac': {
      const value = macValue(v);
      return { sco: { type: 'mac-addr', id: scoId('mac-addr', { value }), value } };
    }
    case 'asn': {
      const number = Number(v.replace(/^ASN/, ''));
      return {
        sco: { type: 'autonomous-system', id: scoId('autonomous-system', { number }), number },
        pattern: `[autonomous-system:number = ${number}]`,
      };
    }
    case 'registry-key':
      return {
        sco: { type: 'windows-registry-key', id: scoId('windows-registry-key', { key: v }), key: v },
        pattern: `[windows-registry-key:key = ${literal(v)}]`,
      };
    case 'md5':
    case 'sha1':
    case 'sha256':
    case 'sha512':
    case 'ssdeep': {
      const algo = HASH_NAMES[x.kind] ?? x.kind;
      const hashes = { [algo]: v };
      return { sco: { type: 'file', id: scoId('file', { hashes }), hashes }, pattern: `[file:hashes.'${algo}' = ${literal(v)}]` };
    }
    case 'imphash': {
      const extensions = { 'windows-pebinary-ext': { pe_type: 'exe', imphash: v } };
      return {
        sco: { type: 'file', id: scoId('file', { extensions }), extensions },
        pattern: `[file:extensions.'windows-pebinary-ext'.imphash = ${literal(v)}]`,
      };
    }
    case 'file-name':
      return { sco: { type: 'file', id: scoId('file', { name: v }), name: v } };
    case 'user-agent':
      return { pattern: `[network-traffic:extensions.'http-request-ext'.request_header.'User-Agent' = ${literal(v)}]` };
    default:
      return undefined; // CVEs become vulnerabilities; paths, wallets, ATT&CK ids, YARA names stay in the JSON output
  }
}

/**
 * SCOs and indicators for an extraction, plus the TLP marking ids the text declares.
 * @param time created/modified/valid_from timestamp
 */
export function indicatorObjects(
  extraction: Extraction,
  time: string,
  createdBy: string,
): { objects: (Sco | Indicator)[]; markings: string[] } {
  const objects: (Sco | Indicator)[] = [];
  const markings = new Set<string>();
  const doc = extraction.document;
  for (const x of extraction.indicators) {
    if (x.kind === 'tlp') {
      const id = TLP_MARKINGS[x.value];
      if (id) markings.add(id);
      continue;
    }
    const o = observable(x);
    if (!o) continue;
    const evidence: Evidence[] = x.mentions.map((m) => {
      const sentence = extraction.sentences[m.sentence];
      return {
        document: doc.id,
        start: m.start,
        end: m.end,
        text: m.raw,
        sentence: sentence?.text ?? '',
        sentence_start: sentence?.start ?? 0,
      };
    });
    const warning = x.warnings.length > 0 ? { x_kizashi_warning: x.warnings } : {};
    if (o.sco) objects.push({ ...o.sco, spec_version: '2.1', x_kizashi_evidence: evidence, ...warning });
    if (o.pattern) {
      objects.push({
        type: 'indicator',
        spec_version: '2.1',
        id: stixId('indicator', o.pattern),
        created: time,
        modified: time,
        created_by_ref: createdBy,
        name: x.value.length > 200 ? `${x.value.slice(0, 197)}…` : x.value,
        indicator_types: [x.warnings.length > 0 ? 'benign' : 'unknown'],
        pattern: o.pattern,
        pattern_type: 'stix',
        valid_from: doc.published ?? time,
        x_kizashi_evidence: evidence,
        ...warning,
      });
    }
  }
  return { objects, markings: [...markings] };
}
