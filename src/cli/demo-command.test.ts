import { readFile } from 'node:fs/promises';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { bundleErrors, HAS_SCHEMAS } from '../testkit/stix-schemas.js';
import { runDemo } from './demo-command.js';

describe('kizashi demo on the sample corpus', () => {
  it('extracts every sample document offline and writes valid STIX bundles', async () => {
    const outDir = await mkdtemp(join(tmpdir(), 'kizashi-demo-'));
    const out = new PassThrough();
    let printed = '';
    out.on('data', (c: Buffer) => (printed += c.toString()));
    const extractions = await runDemo({ outDir, kbDirs: [] }, out);
    expect(extractions.length).toBeGreaterThanOrEqual(30);
    expect(extractions.filter((x) => x.document.lang === 'ja').length).toBeGreaterThanOrEqual(10);
    expect(extractions.filter((x) => x.document.lang === 'en').length).toBeGreaterThanOrEqual(10);
    // The same event in two languages resolves to the same actor.
    const withMirrorFace = extractions.filter((x) => x.entities.some((e) => e.entity.name === 'MirrorFace'));
    expect(new Set(withMirrorFace.map((x) => x.document.lang))).toEqual(new Set(['ja', 'en']));
    expect(printed).toMatch(/documents: \d+ \(\d+ Japanese, \d+ English\)/);
    expect(printed).toMatch(/stories: \d+ from \d+ documents/);
    const digestPath = /digest \(ja, (\d+) stories\): (\S+)/.exec(printed);
    expect(Number(digestPath?.[1])).toBeGreaterThanOrEqual(2);
    expect(await readFile(digestPath?.[2] ?? '', 'utf8')).toContain('その他の注目ニュース');
    const lines = (await readFile(join(outDir, 'bundles.jsonl'), 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(extractions.length);
    if (HAS_SCHEMAS) {
      for (const line of lines) expect(bundleErrors(JSON.parse(line) as Parameters<typeof bundleErrors>[0])).toEqual([]);
    }
  });
});
