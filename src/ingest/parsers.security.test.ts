// Hostile documents: XML entities (XXE, billion laughs), prototype pollution in STIX/MISP JSON, PDFs with
// JavaScript, and property-based fuzzing (fast-check) of every parser and the extractor: no crash, no hang over 1 s,
// no unbounded memory.
import fc from 'fast-check';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { extractDocument, type Extractor } from '../extract/extract-document.js';
import { extractIndicators } from '../extract/indicators.js';
import { refangText } from '../extract/refang.js';
import { openExtractor } from '../main.js';
import { acceptsTaxii } from '../serve/taxii.js';
import { credentialOf } from '../serve/auth.js';
import { csvCell } from '../export/store-export.js';
import { recordFigure } from '../testkit/security-figures.js';
import { KizashiError } from '../core/errors.js';
import { parseFeedBytes } from './feeds.js';
import { parseDocumentBytes } from './read-document.js';
import { readPdf, readStructuredJson } from './read-structured.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('XML entities', () => {
  it('never reads local files (XXE) and never expands entity bombs', () => {
    const cases: Record<string, string> = {
      'xxe-file': `<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><rss version="2.0"><channel><title>&xxe;</title><item><title>a &xxe;</title><link>https://x.example/1</link></item></channel></rss>`,
      'xxe-parameter': `<?xml version="1.0"?><!DOCTYPE feed [<!ENTITY % p SYSTEM "file:///etc/hostname"> %p;]><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title></feed>`,
      'xxe-http': `<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "http://169.254.169.254/latest/meta-data/">]><rss><channel><title>&x;</title></channel></rss>`,
      'billion-laughs': `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"><!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;"><!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;"><!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;"><!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;"><!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;"><!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">]><rss><channel><title>&lol9;</title><item><title>&lol9;</title></item></channel></rss>`,
      'quadratic-blowup': `<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "${'x'.repeat(50_000)}">]><rss><channel><title>${'&a;'.repeat(2000)}</title></channel></rss>`,
    };
    let leaked = 0;
    let slowest = 0;
    let largest = 0;
    for (const [name, xml] of Object.entries(cases)) {
      const t0 = performance.now();
      let out = '';
      try {
        out = JSON.stringify(parseFeedBytes(enc(xml), name));
      } catch (error) {
        expect(error, name).toBeInstanceOf(KizashiError); // a clear error, not a crash
        out = (error as Error).message;
      }
      slowest = Math.max(slowest, performance.now() - t0);
      largest = Math.max(largest, out.length);
      if (/root:|daemon:|ami-id|instance-id/.test(out)) leaked++;
    }
    // HTML documents with entity declarations go through the HTML parser, which has no DTD support at all.
    const html = parseDocumentBytes(
      enc(`<!DOCTYPE html [<!ENTITY x SYSTEM "file:///etc/passwd">]><html><body><p>&x; hello</p></body></html>`),
      'x.html',
    );
    if (html.text.includes('root:')) leaked++;
    expect(leaked).toBe(0);
    expect(slowest).toBeLessThan(1000);
    expect(largest).toBeLessThan(1_000_000);
    recordFigure('parsers-xml', {
      area: 'Parsers',
      defence: 'feeds parsed by feedsmith/fast-xml-parser with external entities off and no entity expansion; HTML by linkedom (no DTD)',
      test: 'src/ingest/parsers.security.test.ts',
      figure: `${Object.keys(cases).length + 1} hostile XML/HTML documents (file, parameter and HTTP XXE, billion laughs, quadratic blow-up): 0 leaks, slowest ${slowest.toFixed(0)} ms, largest output ${(largest / 1024).toFixed(0)} KB`,
    });
  });
});

describe('JSON imports', () => {
  it('keep __proto__ and constructor.prototype inert in STIX and MISP imports', () => {
    const stix = `{"type":"bundle","id":"bundle--1","__proto__":{"pollutedA":1},"constructor":{"prototype":{"pollutedB":1}},"objects":[
      {"type":"report","id":"report--6e1f9d3c-9a0b-4c1d-8e2f-3a4b5c6d7e8f","name":"r","published":"2024-01-01T00:00:00Z","description":"APT41 used 45.77.12.9","object_refs":[],"__proto__":{"pollutedC":1}},
      {"type":"malware","id":"malware--6e1f9d3c-9a0b-4c1d-8e2f-3a4b5c6d7e80","name":"X","is_family":true,"constructor":{"prototype":{"pollutedD":1}}}]}`;
    const misp = `{"Event":{"info":"e","__proto__":{"pollutedE":1},"Attribute":[{"type":"ip-dst","value":"45.77.12.9","__proto__":{"pollutedF":1}}],"constructor":{"prototype":{"pollutedG":1}}}}`;
    let parsed = 0;
    for (const [name, json] of [
      ['stix.json', stix],
      ['misp.json', misp],
    ] as const) {
      try {
        readStructuredJson(json, name);
        parsed++;
      } catch (error) {
        expect(error).toBeInstanceOf(KizashiError);
      }
    }
    const probe = {} as Record<string, unknown>;
    const polluted = ['pollutedA', 'pollutedB', 'pollutedC', 'pollutedD', 'pollutedE', 'pollutedF', 'pollutedG'].filter(
      (k) => probe[k] !== undefined,
    );
    expect(polluted).toEqual([]);
    recordFigure('parsers-json', {
      area: 'Parsers',
      defence: 'JSON.parse (own properties only) and no deep merge of untrusted objects into shared ones',
      test: 'src/ingest/parsers.security.test.ts',
      figure: `${parsed} STIX/MISP documents carrying 7 __proto__ / constructor.prototype payloads: Object.prototype polluted by 0`,
    });
  });
});

/** A minimal one-page PDF whose OpenAction runs JavaScript (it must never run). */
function pdfWithJavaScript(): Uint8Array {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R /OpenAction 5 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 144] /Contents 4 0 R /Resources << /Font << /F1 6 0 R >> >> >>',
    null, // contents stream
    '<< /Type /Action /S /JavaScript /JS (app.alert(1); this.exportDataObject({cName: "x", nLaunch: 2});) >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  const stream = 'BT /F1 18 Tf 20 80 Td (APT41 report 45.77.12.9) Tj ET';
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${o ?? `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return enc(out);
}

describe('PDF', () => {
  it('reads text from a PDF with JavaScript without running it, and rejects broken PDFs clearly', async () => {
    const doc = await readPdf(pdfWithJavaScript(), 'js.pdf');
    expect(doc.text).toContain('APT41 report');
    const broken = ['%PDF-1.7\n' + 'x'.repeat(10_000), '%PDF-1.4\n1 0 obj << /Length 999999999 >> stream\n'];
    let clear = 0;
    // PDF.js's own warnings would reach the console (stderr) beside our one-line error.
    const logged = vi.spyOn(console, 'warn');
    for (const b of broken) {
      await readPdf(enc(b), 'broken.pdf').catch((e: unknown) => {
        if (e instanceof KizashiError && /broken\.pdf/.test(e.message)) clear++;
      });
    }
    expect(logged.mock.calls.map((c) => String(c[0]))).toEqual([]);
    logged.mockRestore();
    expect(clear).toBe(broken.length);
    recordFigure('parsers-pdf', {
      area: 'Parsers',
      defence:
        'pdf.js via unpdf with isEvalSupported: false (CVE-2024-4367), no font loading, 60 s limit; scripts in PDFs are never executed',
      test: 'src/ingest/parsers.security.test.ts',
      figure: `PDF with an OpenAction JavaScript: text read, the script never evaluated (pdf.js runs no document JavaScript; eval off); ${broken.length} broken PDFs rejected with an error naming the file`,
    });
  });
});

describe('fuzzing (fast-check)', () => {
  let extractor: Extractor;
  beforeAll(async () => {
    extractor = await openExtractor({ ignoreHome: true });
  });

  // Text that looks like what kizashi reads: Japanese and English words, names, indicators, defang markers, markup.
  const pieces = fc.constantFrom(
    'APT41',
    'ミラーフェイス',
    'Lazarus',
    'LockBit',
    'CVE-2024-3400',
    '45.77.12[.]9',
    'hxxps://evil[.]com/a?b=c',
    'evil(dot)com',
    'user[@]mail[.]com',
    'T1566.001',
    '警察庁',
    'は',
    'が',
    '、',
    '。',
    ' ',
    '\n',
    '.',
    '[.]',
    '<script>',
    '&amp;',
    '"',
    '「',
    '」',
    'ＡＰＴ４１',
    '１９８．５１．１００．２３',
    'd41d8cd98f00b204e9800998ecf8427e',
    'C:\\Windows\\System32\\',
    'HKLM\\Software\\Run',
    'the',
    'used',
    'targeted',
    'Japan',
    '中国',
    '\u0000',
    '\uD800',
    '🙂',
    'a'.repeat(300),
    '1.'.repeat(50),
    '../'.repeat(30),
  );
  const hostileText = fc.oneof(
    fc.string({ maxLength: 2000 }),
    fc.array(pieces, { maxLength: 200 }).map((a) => a.join('')),
    fc.string({ unit: 'binary', maxLength: 500 }),
  );

  it('runs every parser and the extractor on random hostile input: no crash, no hang over 1 s, bounded memory', () => {
    const budgetMs = Number(process.env.KIZASHI_FUZZ_MS ?? 8000);
    const targets: { name: string; run: (s: string) => unknown; arb?: fc.Arbitrary<string> }[] = [
      {
        name: 'extractDocument',
        run: (s) => extractDocument(extractor, { id: 'report--f', title: 't', text: s, lang: 'und', origin: 'fuzz' }),
      },
      { name: 'extractIndicators', run: (s) => extractIndicators(s) },
      { name: 'refangText', run: (s) => refangText(s) },
      {
        name: 'parseFeedBytes (XML)',
        run: (s) =>
          parseFeedBytes(
            enc(`<?xml version="1.0"?><rss><channel><title>${s}</title><item><description>${s}</description></item></channel></rss>`),
            'f.xml',
          ),
      },
      { name: 'parseFeedBytes (raw)', run: (s) => parseFeedBytes(enc(s), 'raw') },
      {
        name: 'parseDocumentBytes (HTML)',
        run: (s) => parseDocumentBytes(enc(`<html><body><article><p>${s}</p></article></body></html>`), 'f.html'),
      },
      { name: 'parseDocumentBytes (Markdown)', run: (s) => parseDocumentBytes(enc(`---\ntitle: ${s.slice(0, 50)}\n---\n${s}`), 'f.md') },
      { name: 'readStructuredJson', run: (s) => readStructuredJson(s, 'f.json'), arb: fc.oneof(fc.json(), hostileText) },
      { name: 'credentialOf / acceptsTaxii / csvCell', run: (s) => [credentialOf(s), acceptsTaxii(s), csvCell(s)] },
    ];
    const rows: string[] = [];
    let crashes = 0;
    let hangs = 0;
    const heapBefore = process.memoryUsage().heapUsed;
    for (const target of targets) {
      let runs = 0;
      let slowest = 0;
      const deadline = Date.now() + budgetMs / targets.length;
      fc.assert(
        fc.property(target.arb ?? hostileText, (s) => {
          runs++;
          const t0 = performance.now();
          try {
            target.run(s);
          } catch (error) {
            // Rejecting bad input with kizashi's own error is the contract; anything else is a crash.
            if (!(error instanceof KizashiError)) {
              crashes++;
              throw error;
            }
          }
          const ms = performance.now() - t0;
          slowest = Math.max(slowest, ms);
          if (ms > 1000) hangs++;
          return Date.now() < deadline || true;
        }),
        { numRuns: 1_000_000, interruptAfterTimeLimit: budgetMs / targets.length, seed: 42 },
      );
      rows.push(`${target.name} ${runs} runs (slowest ${slowest.toFixed(0)} ms)`);
    }
    if (global.gc) global.gc();
    const heapGrowthMb = (process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024;
    expect(crashes).toBe(0);
    expect(hangs).toBe(0);
    expect(heapGrowthMb).toBeLessThan(500);
    recordFigure('fuzzing', {
      area: 'Fuzzing',
      defence: 'property-based fuzzing (fast-check, seed 42) of every parser and the extractor with random and kizashi-shaped hostile text',
      test: 'src/ingest/parsers.security.test.ts',
      figure: `${rows.join('; ')} — crashes ${crashes}, runs over 1 s ${hangs}, heap growth ${heapGrowthMb.toFixed(0)} MB`,
    });
  });
});
