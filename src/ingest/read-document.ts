// Reads a document file (.md/.txt with optional YAML front matter, .html) into a KizashiDocument.
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import { parse as parseYaml } from 'yaml';
import { toTimestamp } from '../core/dates.js';
import { documentId, titledText, type KizashiDocument } from '../core/document.js';
import { InputError } from '../core/errors.js';
import { detectLanguage } from '../text/language.js';

const MAX_BYTES = 50 * 1024 * 1024;

/** Read and decode one document file; throws InputError naming the file for every kind of bad input. */
export async function readDocumentFile(path: string): Promise<KizashiDocument> {
  let bytes: Buffer;
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw new InputError(path, 'is a directory, not a document file');
    if (info.size > MAX_BYTES) throw new InputError(path, `file is larger than ${MAX_BYTES / 1024 / 1024} MB`);
    bytes = await readFile(path);
  } catch (error) {
    if (error instanceof InputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new InputError(path, 'no such file', { cause: error });
    if (code === 'EACCES') throw new InputError(path, 'permission denied', { cause: error });
    throw new InputError(path, `cannot read file (${code ?? String(error)})`, { cause: error });
  }
  return parseDocumentBytes(bytes, path);
}

/** Parse document bytes read from `origin` (a path or URL; its extension picks the format). */
export function parseDocumentBytes(bytes: Uint8Array, origin: string, contentType?: string): KizashiDocument {
  if (bytes.length === 0) throw new InputError(origin, 'file is empty');
  if (looksBinary(bytes)) throw new InputError(origin, 'looks like a binary file, not text (expected .md, .txt or .html)');
  const raw = decodeText(bytes, origin);
  if (raw.trim() === '') throw new InputError(origin, 'file contains only whitespace');
  const ext = extname(origin.split(/[?#]/)[0] ?? '').toLowerCase();
  const isHtml = ext === '.html' || ext === '.htm' || (contentType ?? '').includes('html') || /^\s*<(!doctype html|html)/i.test(raw);
  const parsed = isHtml ? parseHtml(raw, origin) : parseTextWithFrontMatter(raw, origin);
  const body = parsed.text.replace(/\r\n?/g, '\n');
  if (body.trim() === '') throw new InputError(origin, 'no text found in the document');
  // The id hashes the body alone, as it did before titles were read: a file ingested again keeps its report.
  const hash = createHash('sha256').update(body).digest('hex');
  const declared = parsed.meta.lang;
  const lang = declared === 'ja' || declared === 'en' ? declared : detectLanguage(body).lang;
  const title = parsed.meta.title ?? firstLine(body) ?? basename(origin);
  const url = parsed.meta.url;
  return {
    id: documentId({ url }, hash),
    title,
    text: parsed.meta.title === undefined ? body : titledText(parsed.meta.title, body),
    lang,
    origin,
    ...(parsed.meta.published ? { published: parsed.meta.published } : {}),
    ...(url ? { url } : {}),
    ...(parsed.meta.source ? { source: parsed.meta.source } : {}),
  };
}

interface Meta {
  title?: string;
  published?: string;
  url?: string;
  source?: string;
  lang?: string;
}

/** Binary: NUL bytes or control characters beyond a stray few (a text with one NUL is a damaged text, kept). */
function looksBinary(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 8192);
  let control = 0;
  let nul = 0;
  for (let i = 0; i < n; i++) {
    const b = bytes[i] ?? 0;
    if (b === 0) nul++;
    if (b < 0x09 || (b > 0x0d && b < 0x20 && b !== 0x1b)) control++;
  }
  return nul / n > 0.01 || control / n > 0.1;
}

/** UTF-8 first (with or without BOM), then the Japanese legacy encodings; anything else is refused. */
function decodeText(bytes: Uint8Array, origin: string): string {
  for (const encoding of ['utf-8', 'shift_jis', 'euc-jp', 'iso-2022-jp']) {
    try {
      const text = new TextDecoder(encoding, { fatal: true, ignoreBOM: false }).decode(bytes);
      if (encoding === 'utf-8' || /[\u3040-\u30ff]/.test(text)) return text;
    } catch {
      // try the next encoding
    }
  }
  // Mostly UTF-8 with a few damaged bytes (scraped pages, truncated copies): keep it, damage shown as U+FFFD.
  const lossy = new TextDecoder('utf-8', { fatal: false, ignoreBOM: false }).decode(bytes);
  const damaged = lossy.split('\uFFFD').length - 1;
  if (damaged <= Math.max(2, lossy.length * 0.01)) return lossy;
  throw new InputError(origin, 'cannot decode the text: not valid UTF-8, Shift_JIS, EUC-JP or ISO-2022-JP');
}

function parseTextWithFrontMatter(raw: string, origin: string): { text: string; meta: Meta } {
  const match = /^\uFEFF?---\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/.exec(raw);
  if (!match) return { text: raw.replace(/^\uFEFF/, ''), meta: {} };
  let data: unknown;
  try {
    data = parseYaml(match[1] ?? '', { maxAliasCount: 50 });
  } catch (error) {
    // The parser counts lines from the front matter's first line; the file's first line is the opening `---`.
    const at = (error as { linePos?: { line: number; col: number }[] }).linePos?.[0];
    const reason = ((error as Error).message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
    const where = at ? ` (line ${at.line + 1}, column ${at.col})` : '';
    throw new InputError(origin, `invalid YAML front matter${where}: ${reason}`, { cause: error });
  }
  return { text: raw.slice(match[0].length), meta: readMeta(data, origin) };
}

function readMeta(data: unknown, origin: string): Meta {
  if (data === null || data === undefined) return {};
  if (typeof data !== 'object' || Array.isArray(data)) throw new InputError(origin, 'front matter must be a YAML mapping');
  const record = data as Record<string, unknown>;
  const meta: Meta = {};
  for (const key of ['title', 'url', 'source', 'lang'] as const) {
    const value = record[key];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string') throw new InputError(origin, `front matter field "${key}" must be a string`);
    meta[key] = value;
  }
  const published = record.published ?? record.date;
  if (published !== undefined && published !== null) {
    // YAML gives a Date for some spellings, a string for others (checked: 2025-02-30 is no date).
    const date =
      published instanceof Date && !Number.isNaN(published.getTime())
        ? published.toISOString()
        : typeof published === 'string'
          ? toTimestamp(published)
          : undefined;
    if (date === undefined) throw new InputError(origin, `front matter field "published" is not a date: ${JSON.stringify(published)}`);
    meta.published = date;
  }
  return meta;
}

function parseHtml(raw: string, origin: string): { text: string; meta: Meta } {
  const { document } = parseHTML(raw);
  const meta: Meta = {};
  const attr = (selector: string): string | undefined => document.querySelector(selector)?.getAttribute('content') ?? undefined;
  const published = attr('meta[property="article:published_time"]') ?? attr('meta[name="date"]');
  if (published && !Number.isNaN(new Date(published).getTime())) meta.published = new Date(published).toISOString();
  const canonical = document.querySelector('link[rel="canonical"]')?.getAttribute('href') ?? attr('meta[property="og:url"]');
  if (canonical && /^https?:\/\//.test(canonical)) meta.url = canonical;
  const site = attr('meta[property="og:site_name"]');
  if (site) meta.source = site;
  const htmlLang = document.documentElement?.getAttribute('lang')?.slice(0, 2).toLowerCase();
  if (htmlLang === 'ja' || htmlLang === 'en') meta.lang = htmlLang;
  let article: { title?: string | null; content?: string | null } | null = null;
  try {
    article = new Readability(document, { charThreshold: 100 }).parse();
  } catch {
    article = null;
  }
  const title = article?.title ?? document.querySelector('title')?.textContent ?? undefined;
  if (title) meta.title = title.trim();
  const body = article?.content ? parseHTML(`<html><body>${article.content}</body></html>`).document.body : document.body;
  let text = body ? blockText(body) : '';
  text = text
    .split('\n')
    .map((line: string) => line.trim())
    .filter((line: string, i: number, lines: string[]) => line !== '' || (lines[i - 1] ?? '') !== '')
    .join('\n')
    .trim();
  if (text === '') throw new InputError(origin, 'the HTML page has no readable article text');
  return { text, meta };
}

function firstLine(text: string): string | undefined {
  const line = text
    .split('\n')
    .map((l) => l.replace(/^#+\s*/, '').trim())
    .find((l) => l !== '');
  return line ? line.slice(0, 200) : undefined;
}

interface HtmlNode {
  nodeType: number;
  nodeName: string;
  textContent: string | null;
  childNodes: ArrayLike<HtmlNode>;
}

const BLOCKS = new Set([
  'P',
  'DIV',
  'LI',
  'H1',
  'H2',
  'H3',
  'H4',
  'H5',
  'H6',
  'TR',
  'PRE',
  'BLOCKQUOTE',
  'SECTION',
  'ARTICLE',
  'BR',
  'TABLE',
  'UL',
  'OL',
  'DT',
  'DD',
  'FIGCAPTION',
]);
const SKIPPED = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'NAV', 'FOOTER']);

/** Text of an element with a line break after every block, so sentences and paragraphs survive. */
function blockText(root: HtmlNode): string {
  const parts: string[] = [];
  const walk = (node: HtmlNode): void => {
    if (node.nodeType === 3) {
      parts.push((node.textContent ?? '').replace(/\s+/g, ' '));
      return;
    }
    if (node.nodeType !== 1 || SKIPPED.has(node.nodeName)) return;
    const block = BLOCKS.has(node.nodeName);
    if (block) parts.push('\n');
    for (let i = 0; i < node.childNodes.length; i++) {
      const child = node.childNodes[i];
      if (child) walk(child);
    }
    if (block) parts.push('\n');
  };
  walk(root);
  return parts.join('');
}
