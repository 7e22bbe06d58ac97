// `kizashi ingest`, `kizashi search`, `kizashi stories`: the commands that read and write the knowledge store.
import type { Writable } from 'node:stream';
import { Presets, SingleBar } from 'cli-progress';
import type { Extractor } from '../extract/extract-document.js';
import { ingestFiles, type IngestSummary } from '../ingest/ingest-files.js';
import type { GraphStore, SearchOptions } from '../store/graph-store.js';
import { listStories } from '../stories/list-stories.js';

/** Ingest and print progress (a line per item; the summary at the end). Returns the summary. */
export async function runIngest(
  paths: readonly string[],
  extractor: Extractor,
  store: GraphStore,
  out: Writable,
  err: Writable,
): Promise<IngestSummary> {
  // A progress bar on a terminal; plain log lines in a pipe or a log file.
  const tty = out === process.stdout && process.stdout.isTTY;
  const bar = tty
    ? new SingleBar({ format: 'ingest [{bar}] {value}/{total} {item}', hideCursor: true }, Presets.shades_classic)
    : undefined;
  const summary = await ingestFiles(paths, extractor, store, (item, result, done, total) => {
    if (bar) {
      if (done === 1) bar.start(total, 0, { item: '' });
      bar.update(done, { item: item.length > 40 ? `…${item.slice(-39)}` : item });
    } else if (result !== 'failed') out.write(`[${done}/${total}] ${result.padEnd(9)} ${item}\n`);
  });
  bar?.stop();
  for (const f of summary.failed) err.write(`kizashi: ${f.reason}\n`);
  const counts = await store.counts();
  out.write(
    `ingest: ${summary.new} new, ${summary.updated} updated, ${summary.unchanged} unchanged, ${summary.failed.length} failed` +
      ` — store holds ${counts.documents} documents, ${counts.objects} objects, ${counts.relationships} relationships, ${counts.mentions} mentions\n`,
  );
  return summary;
}

export async function runSearch(
  query: string,
  options: SearchOptions & { format: 'json' | 'text' },
  store: GraphStore,
  out: Writable,
): Promise<void> {
  const hits = await store.search(query, options);
  if (options.format === 'json') {
    out.write(`${JSON.stringify(hits)}\n`);
    return;
  }
  if (hits.length === 0) out.write(`no results for "${query}"\n`);
  for (const h of hits) {
    const label = h.kind === 'object' ? `${h.type ?? 'object'}` : `document ${h.published?.slice(0, 10) ?? ''}`;
    out.write(`${label.padEnd(24)} ${h.title}\n${h.kind === 'document' ? `    ${h.snippet.replace(/\s+/g, ' ')}\n` : ''}`);
  }
}

export async function runStories(
  options: { since?: string; until?: string; format: 'json' | 'text' },
  store: GraphStore,
  out: Writable,
): Promise<void> {
  const stories = await listStories(store, options);
  if (options.format === 'json') {
    out.write(`${JSON.stringify(stories)}\n`);
    return;
  }
  for (const s of stories) {
    const d = s.documents[0];
    // Where the story was told: each outlet once (its name, else its site), and how many reports in which languages.
    const outlets = [...new Set(s.documents.map((sd) => sd.source ?? siteOf(sd.url)).filter((o) => o !== undefined))];
    const langs = [...new Set(s.documents.map((sd) => sd.lang))].join('+');
    const told = s.documents.length > 1 ? `${s.documents.length} reports${langs ? `, ${langs}` : ''}` : '';
    const where = [told, outlets.join(', ')].filter((part) => part !== '').join(': ');
    out.write(`${d?.published?.slice(0, 10) ?? '          '}  ${s.title}${where ? `  (${where})` : ''}\n`);
    if (s.entities.length > 0) out.write(`            ${s.entities.map((e) => e.name).join(', ')}\n`);
  }
}

/** The host of a document's URL ("news.example" for https://news.example/a), or undefined. */
function siteOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).hostname;
  } catch {
    return undefined;
  }
}
