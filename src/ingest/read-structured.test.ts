import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../core/errors.js';
import { readPdf, readStructuredFile, readStructuredJson } from './read-structured.js';

/** A minimal one-page PDF with the given ASCII text, built by hand (offsets computed). */
function makePdf(text: string, title: string): Uint8Array {
  const content = `BT /F1 12 Tf 72 720 Td (${text}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
    `<< /Title (${title}) >>`,
  ];
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R /Info 6 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return new TextEncoder().encode(out);
}

describe('PDF reports', () => {
  it('extracts the text and title', async () => {
    const doc = await readPdf(makePdf('APT41 used Cobalt Strike against 203.0.113.7', 'Sample report'), 'r.pdf');
    expect(doc.title).toBe('Sample report');
    expect(doc.text).toContain('APT41 used Cobalt Strike');
    expect(doc.lang).toBe('en');
  });

  it('rejects a file that is not a PDF, naming it', async () => {
    await expect(readPdf(new TextEncoder().encode('hello'), 'fake.pdf')).rejects.toThrow(/fake\.pdf: not a PDF/);
    await expect(readPdf(new TextEncoder().encode('%PDF-1.4 garbage'), 'broken.pdf')).rejects.toThrow(InputError);
  });
});

describe('STIX bundles and MISP events', () => {
  it('reads a STIX bundle into a document and its objects', () => {
    const bundle = {
      type: 'bundle',
      id: 'bundle--5d0092c5-5f74-4287-9642-33f4c354e56d',
      objects: [
        {
          type: 'report',
          id: 'report--84e4d88f-44ea-4bcd-bbf3-b2c1c320bcb3',
          spec_version: '2.1',
          name: 'Shared intel',
          published: '2025-01-08T00:00:00Z',
          object_refs: [],
        },
        {
          type: 'intrusion-set',
          id: 'intrusion-set--4e78f46f-a023-4e5f-bc24-71b3ca22ec29',
          spec_version: '2.1',
          name: 'MirrorFace',
          description: 'Targets Japan.',
        },
        {
          type: 'indicator',
          id: 'indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f',
          spec_version: '2.1',
          pattern: "[ipv4-addr:value = '45.77.12.9']",
        },
        { type: 'x-weird', id: 'not-an-id' },
      ],
    };
    const { doc, objects } = readStructuredJson(JSON.stringify(bundle), 'b.json');
    expect(doc).toMatchObject({ title: 'Shared intel', published: '2025-01-08T00:00:00.000Z', source: 'STIX bundle' });
    expect(doc.text).toContain('MirrorFace: Targets Japan.');
    expect(objects.map((o) => o.type)).toEqual(['intrusion-set', 'indicator']);
  });

  it('reads a MISP event into a document whose indicators extraction will find', () => {
    const event = {
      Event: {
        uuid: '5e7c4f1a-2b3c-4d5e-8f90-0a1b2c3d4e5f',
        info: 'Emotet distribution wave',
        date: '2025-01-10',
        Orgc: { name: 'CIRCL' },
        Attribute: [
          { type: 'ip-dst', value: '45.77.12.9', to_ids: true },
          { type: 'sha256', value: '01ba4719c80b6fe911b091a7c05124b64eeece964e09c058ef8f9805daca546b' },
        ],
        Tag: [{ name: 'tlp:amber' }],
      },
    };
    const { doc } = readStructuredJson(JSON.stringify(event), 'e.json');
    expect(doc).toMatchObject({ title: 'Emotet distribution wave', source: 'CIRCL', published: '2025-01-10T00:00:00.000Z' });
    expect(doc.text).toContain('ip-dst: 45.77.12.9');
  });

  it('rejects other JSON and broken JSON, naming the file; __proto__ keys stay inert', async () => {
    expect(() => readStructuredJson('{"hello": 1}', 'x.json')).toThrow(/x\.json: JSON is neither/);
    expect(() => readStructuredJson('{', 'y.json')).toThrow(/y\.json: invalid JSON/);
    readStructuredJson(
      '{"type":"bundle","id":"bundle--5d0092c5-5f74-4287-9642-33f4c354e56d","objects":[{"type":"malware","id":"malware--4e78f46f-a023-4e5f-bc24-71b3ca22ec29","name":"x","__proto__":{"polluted":true}}]}',
      'p.json',
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const dir = await mkdtemp(join(tmpdir(), 'kizashi-s-'));
    await writeFile(join(dir, 'empty.json'), '');
    await expect(readStructuredFile(join(dir, 'empty.json'))).rejects.toThrow(/empty\.json: file is empty/);
  });
});
