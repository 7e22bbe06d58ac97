// `kizashi demo`: the main job on the built-in sample corpus, offline — extract every article to STIX and
// summarise what was found.
import { readdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Writable } from 'node:stream';
import { describeError } from '../core/errors.js';
import type { Extraction } from '../extract/extract-document.js';
import { storeDocument } from '../ingest/ingest-files.js';
import { readDocumentFile } from '../ingest/read-document.js';
import { openExtractor, openStore } from '../main.js';
import { makeDirectory } from '../make-directory.js';
import { buildDigest, dayBounds, digestToMarkdown } from '../stories/digest.js';
import { listStories } from '../stories/list-stories.js';

/** The sample corpus shipped with the package. */
export const CORPUS_DIR = fileURLToPath(new URL('../../corpus/', import.meta.url));

export interface DemoOptions {
  readonly outDir: string;
  readonly kbDirs?: readonly string[];
  readonly corpusDir?: string;
}

export async function runDemo(options: DemoOptions, out: Writable): Promise<Extraction[]> {
  const corpus = options.corpusDir ?? CORPUS_DIR;
  const started = Date.now();
  const extractor = await openExtractor({ kbDirs: options.kbDirs ?? [] });
  out.write(
    `knowledge base: ${extractor.kb.entities.length} entities from ${extractor.kb.sources.map((s) => s.name).join(', ')} (${Date.now() - started} ms)\n`,
  );
  const files = (await readdir(corpus)).filter((f) => /\.(md|txt|html?)$/.test(f) && f !== 'README.md').sort();
  const extractions: Extraction[] = [];
  const bundles: string[] = [];
  const outDir = resolve(options.outDir);
  await makeDirectory(outDir);
  const dbPath = join(outDir, 'kizashi.db');
  const digestLines: string[] = [];
  const store = await openStore(dbPath);
  try {
    for (const file of files) {
      try {
        const { extraction, bundle } = await storeDocument(await readDocumentFile(join(corpus, file)), extractor, store);
        extractions.push(extraction);
        bundles.push(JSON.stringify(bundle));
      } catch (error) {
        out.write(`  skipped ${file}: ${describeError(error)}\n`);
      }
    }
    const stories = await listStories(store);
    const multi = stories.filter((st) => st.documents.length > 1).sort((a, b) => b.documents.length - a.documents.length);
    out.write(`stories: ${stories.length} from ${files.length} documents; ${multi.length} told by several sources:\n`);
    for (const st of multi.slice(0, 6)) {
      out.write(`  ${st.documents.length} sources (${[...new Set(st.documents.map((d) => d.lang))].join('+')}): ${st.title}\n`);
    }
    // The digest of the corpus's busiest day (Japan time), in Japanese and English.
    const perDay = new Map<string, number>();
    for (const x of extractions) {
      if (!x.document.published) continue;
      const day = new Date(Date.parse(x.document.published) + 9 * 3_600_000).toISOString().slice(0, 10);
      perDay.set(day, (perDay.get(day) ?? 0) + 1);
    }
    // Of the days with the most articles, the one whose digest has the most stories.
    let busiest: string | undefined;
    let most = 0;
    for (const [day] of [...perDay.entries()].sort((a, b) => b[1] - a[1] || b[0].localeCompare(a[0])).slice(0, 8)) {
      const n = (await listStories(store, dayBounds(day, 'Asia/Tokyo'))).length;
      if (n > most) {
        most = n;
        busiest = day;
      }
    }
    if (busiest) {
      for (const lang of ['ja', 'en'] as const) {
        const digest = await buildDigest(store, { date: busiest, lang, tz: 'Asia/Tokyo' });
        const path = join(outDir, `digest-${busiest}.${lang}.md`);
        await writeFile(path, digestToMarkdown(digest));
        digestLines.push(`digest (${lang}, ${digest.stories.length} stories): ${path}\n`);
      }
    }
  } finally {
    await store.close();
  }
  const bundlePath = join(outDir, 'bundles.jsonl');
  await writeFile(bundlePath, `${bundles.join('\n')}\n`);
  const counts = new Map<string, Map<string, number>>();
  let relations = 0;
  for (const x of extractions) {
    relations += x.relations.length;
    for (const e of x.entities) {
      const byName = counts.get(e.entity.kind) ?? new Map<string, number>();
      byName.set(e.entity.name, (byName.get(e.entity.name) ?? 0) + 1);
      counts.set(e.entity.kind, byName);
    }
  }
  const ja = extractions.filter((x) => x.document.lang === 'ja').length;
  const indicators = extractions.flatMap((x) => x.indicators);
  const warned = indicators.filter((i) => i.warnings.length > 0).length;
  out.write(
    `documents: ${extractions.length} (${ja} Japanese, ${extractions.length - ja} English), relationships: ${relations}, indicators: ${indicators.length} (${warned} on warninglists)\n`,
  );
  for (const kind of ['intrusion-set', 'malware', 'tool', 'vulnerability', 'identity', 'location', 'sector', 'policy-instrument']) {
    const byName = counts.get(kind);
    if (!byName) continue;
    const top = [...byName.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, 8);
    out.write(
      `  ${(kind === 'policy-instrument' ? 'policy' : kind).padEnd(14)} ${String(byName.size).padStart(3)}  ${top.map(([n, c]) => `${n} (${c})`).join(', ')}\n`,
    );
  }
  const stances = extractions.flatMap((x) =>
    x.relations
      .filter((r) => ['supports', 'opposes', 'criticizes', 'signs', 'joins', 'proposes', 'listed-under'].includes(r.type))
      .map((r) => {
        const name = (key: string): string => x.entities.find((e) => e.entity.key === key)?.entity.name ?? key;
        return `${name(r.source)} ${r.negated ? 'does not ' : ''}${r.type} ${name(r.target)}`;
      }),
  );
  if (stances.length > 0)
    out.write(`  stances        ${String(stances.length).padStart(3)}  ${[...new Set(stances)].slice(0, 4).join('; ')}\n`);
  out.write(`STIX 2.1 bundles, one per document: ${bundlePath}\n`);
  out.write(`knowledge store (SQLite): ${dbPath} — try: kizashi search --db ${dbPath} ミラーフェイス\n`);
  for (const line of digestLines) out.write(line);
  out.write(
    `browse it: kizashi serve --db ${dbPath} --anonymous reader   (then http://127.0.0.1:8080/; editing needs a key: kizashi keys create me --role editor --db ${dbPath})\n`,
  );
  return extractions;
}
