// `kizashi ingest`: files and folders through extraction into the store. A failing item is reported and
// skipped; each document is written in one transaction, so none is ever half-stored.
import { createHash } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describeError } from '../core/errors.js';
import { extractionToBundle } from '../export/stix-bundle.js';
import type { KizashiDocument } from '../core/document.js';
import type { Bundle, StixObject } from '../core/stix.js';
import { extractDocument, type Extraction, type Extractor } from '../extract/extract-document.js';
import { recordWatchHits } from '../watch/watchlists.js';
import { applyFeedback, relevantFeedback } from './apply-feedback.js';
import type { GraphStore, PutResult } from '../store/graph-store.js';
import { readDocumentFile } from './read-document.js';
import { readStructuredFile } from './read-structured.js';

const DOCUMENT_FILE = /\.(?:md|markdown|txt|html?|pdf|json)$/i;

export interface IngestSummary {
  readonly new: number;
  readonly updated: number;
  readonly unchanged: number;
  readonly failed: readonly { item: string; reason: string }[];
}

/** Every document file under the given paths (folders walked recursively, hidden entries skipped), sorted. */
export async function listDocumentFiles(paths: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  const walk = async (path: string, explicit: boolean): Promise<void> => {
    const info = await stat(path).catch(() => undefined);
    if (!info) {
      out.push(path); // reported as missing when read
      return;
    }
    if (info.isDirectory()) {
      for (const entry of (await readdir(path)).sort()) if (!entry.startsWith('.')) await walk(join(path, entry), false);
    } else if (explicit || (DOCUMENT_FILE.test(path) && !/(?:^|\/)README\.md$/i.test(path))) out.push(path);
  };
  for (const p of paths) await walk(p, true);
  return out;
}

/**
 * Commits when ingesting many (SQLite): up to BATCH_MAX documents, or as many as BATCH_MS allows, so other writers
 * (the web UI, another ingest) wait at most about that long. Fewer commits write each hot index page fewer times.
 */
const BATCH_MAX = 128;
const BATCH_MS = 250;

/** Run `each` over `items` in commits (`GraphStore.batch`: each document still atomic on its own). */
export async function inBatches<T>(store: GraphStore, items: readonly T[], each: (item: T) => Promise<void>): Promise<void> {
  let at = 0;
  while (at < items.length) {
    await store.batch(async () => {
      const started = performance.now();
      const end = Math.min(items.length, at + BATCH_MAX);
      do {
        await each(items[at] as T);
        at++;
      } while (at < end && performance.now() - started < BATCH_MS);
    });
  }
}

/**
 * Ingest files into the store; `onItem` is told about each one (for progress output).
 * @example await ingestFiles(['corpus/'], extractor, store)
 */
export async function ingestFiles(
  paths: readonly string[],
  extractor: Extractor,
  store: GraphStore,
  onItem: (item: string, result: PutResult | 'failed', done: number, total: number) => void = () => undefined,
): Promise<IngestSummary> {
  const files = await listDocumentFiles(paths);
  const counts = { new: 0, updated: 0, unchanged: 0 };
  const failed: { item: string; reason: string }[] = [];
  let done = 0;
  await inBatches(store, files, async (file) => {
    try {
      const result = await ingestFile(file, extractor, store);
      counts[result]++;
      onItem(file, result, ++done, files.length);
    } catch (error) {
      failed.push({ item: file, reason: describeError(error) });
      onItem(file, 'failed', ++done, files.length);
    }
  });
  return { ...counts, failed };
}

/** Read, extract and store one document file (one transaction). PDF, STIX and MISP files are converted first. */
export async function ingestFile(file: string, extractor: Extractor, store: GraphStore): Promise<PutResult> {
  const structured = /\.(?:pdf|json)$/i.test(file) ? await readStructuredFile(file) : undefined;
  const doc = structured?.doc ?? (await readDocumentFile(file));
  return (await storeDocument(doc, extractor, store, structured?.objects)).result;
}

/**
 * Extract one document and store it with its STIX bundle (objects timestamped with the publication date, so
 * re-ingesting gives the same bundle), plus any objects the input brought with it. One transaction.
 */
export async function storeDocument(
  doc: KizashiDocument,
  extractor: Extractor,
  store: GraphStore,
  extraObjects: readonly StixObject[] = [],
): Promise<{ result: PutResult; extraction: Extraction; bundle: Bundle }> {
  // NUL and lone surrogates cannot be stored (PostgreSQL rejects NUL in text); replace them one for one, so offsets hold.
  doc = sanitizeDocument(doc);
  // Analysts' verdicts on earlier mentions (deny-list, retyping) that concern this text; they are part of the
  // content hash, so a document re-ingested after new feedback is re-extracted, and otherwise left alone.
  const feedback = relevantFeedback(await store.listFeedback(), doc.text);
  const extraction = applyFeedback(extractDocument(extractor, doc), feedback.rules);
  const extracted = extractionToBundle(extraction, doc.published ? new Date(doc.published) : new Date());
  const known = new Set(extracted.objects.map((o) => o.id));
  const bundle = { ...extracted, objects: [...extracted.objects, ...extraObjects.filter((o) => !known.has(o.id))] };
  const hash = createHash('sha256').update(doc.text).digest('hex');
  const result = await store.putDocument(doc, bundle, feedback.fingerprint ? `${hash}:${feedback.fingerprint}` : hash);
  if (result !== 'unchanged') await recordWatchHits(store, doc, bundle);
  return { result, extraction, bundle };
}
const UNSTORABLE = /\0|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** A document whose title and text can be stored by every backend: NUL and lone surrogates become U+FFFD. */
export function sanitizeDocument(doc: KizashiDocument): KizashiDocument {
  UNSTORABLE.lastIndex = 0;
  const clean = (s: string): string => s.replace(UNSTORABLE, '\uFFFD');
  return { ...doc, title: clean(doc.title), text: clean(doc.text) };
}
