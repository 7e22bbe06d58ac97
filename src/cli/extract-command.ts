// `kizashi extract FILE...`: one STIX bundle (or JSON object, or table) per input file.
import type { Writable } from 'node:stream';
import { describeError } from '../core/errors.js';
import { extractionToLayer } from '../export/navigator.js';
import { entityStixId, extractionToBundle, stixTypeOf } from '../export/stix-bundle.js';
import { extractDocument, type Extraction, type Extractor } from '../extract/extract-document.js';
import { readDocumentFile } from '../ingest/read-document.js';

export type ExtractFormat = 'stix' | 'json' | 'text' | 'navigator';

/** Extract every file; a failing file is reported on `err` and the rest go on. Returns the number that failed. */
export async function runExtract(
  files: readonly string[],
  format: ExtractFormat,
  extractor: Extractor,
  out: Writable,
  err: Writable,
): Promise<number> {
  let failed = 0;
  for (const file of files) {
    try {
      const doc = await readDocumentFile(file);
      const extraction = extractDocument(extractor, doc);
      out.write(render(extraction, format, extractor));
    } catch (error) {
      failed++;
      err.write(`kizashi: ${describeError(error)}\n`);
    }
  }
  return failed;
}

function render(extraction: Extraction, format: ExtractFormat, extractor: Extractor): string {
  switch (format) {
    case 'navigator':
      return `${JSON.stringify(extractionToLayer(extraction, attackMajorVersion(extractor)))}\n`;
    case 'stix':
      return `${JSON.stringify(extractionToBundle(extraction))}\n`;
    case 'json':
      return `${JSON.stringify(extractionToJson(extraction))}\n`;
    case 'text':
      return extractionToText(extraction);
  }
}

/** The simple JSON shape for scripts. */
export function extractionToJson(x: Extraction): unknown {
  const names = new Map(x.entities.map((e) => [e.entity.key, e.entity.name]));
  return {
    document: {
      id: x.document.id,
      title: x.document.title,
      lang: x.document.lang,
      origin: x.document.origin,
      ...(x.document.url ? { url: x.document.url } : {}),
      ...(x.document.published ? { published: x.document.published } : {}),
      ...(x.document.source ? { source: x.document.source } : {}),
    },
    entities: x.entities.map((e) => ({
      id: entityStixId(e.entity),
      type: stixTypeOf(e.entity),
      kind: e.entity.kind,
      name: e.entity.name,
      ...(e.entity.country ? { country: e.entity.country } : {}),
      ...(e.entity.sector ? { sector: e.entity.sector } : {}),
      confidence: e.confidence,
      mentions: e.mentions.map((m) => ({
        start: m.start,
        end: m.end,
        text: m.surface,
        alias: m.alias,
        sentence: x.sentences[m.sentence]?.text ?? '',
      })),
    })),
    indicators: x.indicators.map((i) => ({
      kind: i.kind,
      value: i.value,
      ...(i.warnings.length > 0 ? { warnings: i.warnings } : {}),
      mentions: i.mentions.map((m) => ({
        start: m.start,
        end: m.end,
        text: m.raw,
        defanged: m.defanged,
        sentence: x.sentences[m.sentence]?.text ?? '',
      })),
    })),
    relations: x.relations.map((r) => ({
      type: r.type,
      source: names.get(r.source) ?? r.source,
      target: names.get(r.target) ?? r.target,
      confidence: r.confidence,
      sentence: x.sentences[r.sentence]?.text ?? '',
    })),
  };
}

/** Columns a string takes in a terminal: wide (CJK, full-width) characters take two. */
function displayWidth(s: string): number {
  let width = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    const wide =
      (c >= 0x1100 && c <= 0x115f) ||
      (c >= 0x2e80 && c <= 0xa4cf) ||
      (c >= 0xac00 && c <= 0xd7a3) ||
      (c >= 0xf900 && c <= 0xfaff) ||
      (c >= 0xfe30 && c <= 0xfe4f) ||
      (c >= 0xff00 && c <= 0xff60) ||
      (c >= 0xffe0 && c <= 0xffe6);
    width += wide ? 2 : 1;
  }
  return width;
}
const padTo = (s: string, width: number): string => s + ' '.repeat(Math.max(0, width - displayWidth(s)));

/** A readable table for people. */
export function extractionToText(x: Extraction): string {
  const lines = [`# ${x.document.title}  (${x.document.lang}, ${x.document.origin})`];
  const width = Math.max(8, ...x.entities.map((e) => displayWidth(e.entity.name)));
  const kindWidth = Math.max(14, ...x.entities.map((e) => e.entity.kind.length));
  for (const e of x.entities) {
    const where = e.entity.country && e.entity.kind !== 'location' ? ` [${e.entity.country}]` : '';
    lines.push(
      `  ${e.entity.kind.padEnd(kindWidth)} ${padTo(e.entity.name, width)}  ×${e.mentions.length}  ${e.confidence}%${where}  "${e.mentions[0]?.surface ?? ''}"`,
    );
  }
  const names = new Map(x.entities.map((e) => [e.entity.key, e.entity.name]));
  for (const r of x.relations) lines.push(`  ${names.get(r.source)} —${r.negated ? 'NOT ' : ''}${r.type}→ ${names.get(r.target)}`);
  for (const r of x.roles) lines.push(`  ${names.get(r.entity)}: ${r.role}${r.subtype ? ` (${r.subtype})` : ''}`);
  for (const i of x.indicators) {
    const warn = i.warnings.length > 0 ? `  ⚠ ${i.warnings.join(', ')}` : '';
    lines.push(
      `  ${`indicator/${i.kind}`.padEnd(24)} ${i.value}${i.mentions.some((m) => m.defanged) ? '  (defanged in text)' : ''}${warn}`,
    );
  }
  if (x.entities.length === 0 && x.indicators.length === 0) lines.push('  (nothing found)');
  return `${lines.join('\n')}\n\n`;
}

/** The ATT&CK major version of the loaded bundle ("17"), when the bundle states one. */
function attackMajorVersion(extractor: Extractor): string | undefined {
  const version = extractor.kb.sources.find((s) => s.name === 'mitre-attack')?.version;
  const m = version ? /^(\d+)/.exec(version) : null;
  return m?.[1];
}
