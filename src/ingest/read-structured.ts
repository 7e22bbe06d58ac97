// Non-text inputs: PDF reports (text via pdf.js with script evaluation disabled), STIX 2.x bundles and MISP
// event JSON. Each becomes a KizashiDocument; STIX bundles also carry their own objects into the store.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { extractText, getDocumentProxy, getMeta } from 'unpdf';
import { documentId, type KizashiDocument } from '../core/document.js';
import { InputError } from '../core/errors.js';
import type { StixObject } from '../core/stix.js';
import { detectLanguage } from '../text/language.js';

export interface StructuredInput {
  readonly doc: KizashiDocument;
  /** Objects to store as given (STIX bundles), besides what extraction finds in the text. */
  readonly objects: readonly StixObject[];
}

const PDF_TIMEOUT_MS = 60_000;

/** Text of a PDF report. pdf.js runs with `isEvalSupported: false` (CVE-2024-4367) and a time limit. */
export async function readPdf(bytes: Uint8Array, origin: string): Promise<KizashiDocument> {
  if (!(bytes[0] === 0x25 && bytes[1] === 0x50 && bytes[2] === 0x44 && bytes[3] === 0x46))
    throw new InputError(origin, 'not a PDF file (no %PDF header)');
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new InputError(origin, `PDF text extraction took longer than ${PDF_TIMEOUT_MS / 1000} s`)),
      PDF_TIMEOUT_MS,
    );
  });
  try {
    const work = (async () => {
      // verbosity 0: PDF.js's own warnings ("Warning: Indexing all PDF objects") went to stderr beside our one-line error.
      const pdf = await getDocumentProxy(new Uint8Array(bytes), {
        isEvalSupported: false,
        disableFontFace: true,
        useSystemFonts: false,
        verbosity: 0,
      });
      const { text } = await extractText(pdf, { mergePages: true });
      const meta: { info: Record<string, unknown> } = await getMeta(pdf).catch(() => ({ info: {} }));
      return { text, title: typeof meta.info.Title === 'string' ? meta.info.Title : undefined };
    })();
    const { text, title } = await Promise.race([work, timeout]);
    if (text.trim() === '') throw new InputError(origin, 'the PDF has no extractable text (scanned images?)');
    const hash = createHash('sha256').update(text).digest('hex');
    return { id: documentId({}, hash), title: title?.trim() || basename(origin), text, lang: detectLanguage(text).lang, origin };
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(origin, `cannot read the PDF (${(error as Error).message})`, { cause: error });
  } finally {
    clearTimeout(timer);
  }
}

/** A STIX 2.x bundle or a MISP event, from JSON text. */
export function readStructuredJson(source: string, origin: string): StructuredInput {
  let data: unknown;
  try {
    data = JSON.parse(source);
  } catch (error) {
    throw new InputError(origin, `invalid JSON: ${(error as Error).message}`, { cause: error });
  }
  const record = data as Record<string, unknown>;
  if (record && typeof record === 'object' && record.type === 'bundle' && Array.isArray(record.objects))
    return readStixBundle(record, origin);
  if (record && typeof record === 'object' && (record.Event || record.response)) return readMispEvent(record, origin);
  throw new InputError(origin, 'JSON is neither a STIX bundle ("type": "bundle") nor a MISP event ("Event")');
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function readStixBundle(bundle: Record<string, unknown>, origin: string): StructuredInput {
  const objects = (bundle.objects as unknown[]).filter(
    (o): o is StixObject =>
      typeof o === 'object' &&
      o !== null &&
      typeof (o as { type?: unknown }).type === 'string' &&
      /^[a-z0-9-]+--[0-9a-f-]{36}$/.test(String((o as { id?: unknown }).id)),
  );
  const report = objects.find((o) => o.type === 'report') as { name?: string; description?: string; published?: string } | undefined;
  const lines: string[] = [];
  for (const o of objects as unknown as Record<string, unknown>[]) {
    const parts = [str(o.name), str(o.description), str(o.pattern), str(o.value)].filter((p) => p !== '');
    if (parts.length > 0) lines.push(parts.join(': '));
  }
  const text = lines.join('\n');
  if (text.trim() === '') throw new InputError(origin, 'the STIX bundle holds no named or described objects');
  const published =
    report?.published && !Number.isNaN(new Date(report.published).getTime()) ? new Date(report.published).toISOString() : undefined;
  return {
    doc: {
      id: documentId(
        {},
        createHash('sha256')
          .update(`stix:${String(bundle.id)}`)
          .digest('hex'),
      ),
      title: report?.name ?? basename(origin),
      text,
      lang: detectLanguage(text).lang,
      origin,
      source: 'STIX bundle',
      ...(published ? { published } : {}),
    },
    // Reports describe the original publication; kizashi's own report stands for the document.
    objects: objects.filter((o) => o.type !== 'report' && (o.type as string) !== 'marking-definition'),
  };
}

function readMispEvent(data: Record<string, unknown>, origin: string): StructuredInput {
  const raw = (data.Event ??
    (Array.isArray(data.response) ? (data.response[0] as Record<string, unknown> | undefined)?.Event : undefined)) as
    Record<string, unknown> | undefined;
  if (!raw || typeof raw !== 'object') throw new InputError(origin, 'MISP JSON without an "Event"');
  const info = str(raw.info);
  const attributes = [
    ...(Array.isArray(raw.Attribute) ? (raw.Attribute as unknown[]) : []),
    ...(Array.isArray(raw.Object)
      ? raw.Object.flatMap((o: { Attribute?: unknown[] }) => (Array.isArray(o.Attribute) ? o.Attribute : []))
      : []),
  ] as Record<string, unknown>[];
  const tags = (Array.isArray(raw.Tag) ? raw.Tag : []) as Record<string, unknown>[];
  const lines = [
    info,
    ...attributes.map((a) => `${str(a.type)}: ${str(a.value)}${str(a.comment) ? ` (${str(a.comment)})` : ''}`),
    ...tags.map((t) => str(t.name)),
  ];
  const text = lines.filter((l) => l.trim() !== '').join('\n');
  if (text.trim() === '') throw new InputError(origin, 'the MISP event has no info, attributes or tags');
  const date = str(raw.date);
  const published = date && !Number.isNaN(new Date(date).getTime()) ? new Date(date).toISOString() : undefined;
  return {
    doc: {
      id: documentId(
        {},
        createHash('sha256')
          .update(`misp:${str(raw.uuid) || text}`)
          .digest('hex'),
      ),
      title: info || basename(origin),
      text,
      lang: detectLanguage(text).lang,
      origin,
      source: str((raw.Orgc as Record<string, unknown> | undefined)?.name) || 'MISP event',
      ...(published ? { published } : {}),
    },
    objects: [],
  };
}

/** Read a .pdf or .json input file. */
export async function readStructuredFile(path: string): Promise<StructuredInput> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new InputError(path, (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : 'cannot read file', { cause: error });
  }
  if (bytes.length === 0) throw new InputError(path, 'file is empty');
  if (/\.pdf$/i.test(path)) return { doc: await readPdf(bytes, path), objects: [] };
  return readStructuredJson(bytes.toString('utf8'), path);
}
