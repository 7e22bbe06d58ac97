import { describe, expect, it } from 'vitest';
import { InputError } from '../core/errors.js';
import { parseDocumentBytes } from './read-document.js';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('parseDocumentBytes', () => {
  it('reads YAML front matter; the title opens the text, so what it names is extracted with offsets into the text', () => {
    const doc = parseDocumentBytes(
      utf8(
        '---\ntitle: 警察庁が注意喚起\npublished: 2025-01-08\nurl: https://example.org/a\nsource: Example News\n---\nMirrorFaceの攻撃。',
      ),
      'a.md',
    );
    expect(doc).toMatchObject({
      title: '警察庁が注意喚起',
      url: 'https://example.org/a',
      source: 'Example News',
      lang: 'ja',
      text: '警察庁が注意喚起\n\nMirrorFaceの攻撃。',
    });
    expect(doc.published).toBe('2025-01-08T00:00:00.000Z');
    expect(doc.id).toMatch(/^report--[0-9a-f-]{36}$/);
  });

  it('does not repeat a title the body already opens with, and ids hash the body alone', () => {
    const titled = parseDocumentBytes(utf8('---\ntitle: Lazarus hits Bybit\n---\n# Lazarus hits Bybit\n\nThe group stole funds.'), 'a.md');
    expect(titled.text).toBe('# Lazarus hits Bybit\n\nThe group stole funds.');
    // The same body with and without a title is the same report: a file ingested before titles were read keeps its id.
    expect(parseDocumentBytes(utf8('---\ntitle: Lazarus\n---\nThe group stole funds.'), 'b.md').id).toBe(
      parseDocumentBytes(utf8('The group stole funds.'), 'c.md').id,
    );
  });

  it('gives the same id to the same URL and to the same text', () => {
    expect(parseDocumentBytes(utf8('---\nurl: https://x.test/1\n---\nA'), 'a.md').id).toBe(
      parseDocumentBytes(utf8('---\nurl: https://x.test/1\n---\nB'), 'b.md').id,
    );
    expect(parseDocumentBytes(utf8('same text'), 'a.txt').id).toBe(parseDocumentBytes(utf8('same text'), 'b.txt').id);
  });

  it('extracts the article text of an HTML page, not its navigation or scripts', () => {
    const html = `<!doctype html><html lang="en"><head><title>Emotet returns</title><meta property="article:published_time" content="2021-11-16T10:00:00Z"></head>
      <body><nav><a href="/">Home</a> <a href="/about">About us</a></nav><script>alert(1)</script>
      <article><h1>Emotet returns</h1><p>${'Emotet is back after a ten month break, researchers said on Tuesday. '.repeat(4)}</p>
      <p>The botnet is delivered through TrickBot.</p></article><footer>Copyright</footer></body></html>`;
    const doc = parseDocumentBytes(utf8(html), 'page.html');
    expect(doc.title).toBe('Emotet returns');
    expect(doc.lang).toBe('en');
    expect(doc.published).toBe('2021-11-16T10:00:00.000Z');
    expect(doc.text).toContain('The botnet is delivered through TrickBot.');
    expect(doc.text).not.toContain('alert(1)');
    expect(doc.text).not.toContain('About us');
    expect(doc.text.split('\n').length).toBeGreaterThan(1);
    expect(doc.text.match(/Emotet returns/g)).toHaveLength(1); // the page's own heading, not the title again
  });

  it('decodes Shift_JIS and EUC-JP text', () => {
    // 「米国」 in Shift_JIS and EUC-JP.
    expect(parseDocumentBytes(Uint8Array.from([0x95, 0xc4, 0x8d, 0x91, 0x82, 0xcc, 0x8c, 0x78, 0x8e, 0x40]), 'sjis.txt').text).toBe(
      '米国の警察',
    );
    expect(parseDocumentBytes(Uint8Array.from([0xca, 0xc6, 0xb9, 0xf1, 0xa4, 0xce, 0xb7, 0xd9, 0xbb, 0xa1]), 'euc.txt').text).toBe(
      '米国の警察',
    );
  });

  it.each([
    ['empty.md', new Uint8Array(), /empty\.md: file is empty/],
    ['blank.md', utf8('  \n\n '), /blank\.md: file contains only whitespace/],
    ['bin.txt', Uint8Array.from([0x7f, 0x45, 0x4c, 0x46, 0x00, 0x01, 0x02]), /bin\.txt: looks like a binary file/],
    ['latin1.txt', Uint8Array.from([0x63, 0x61, 0x66, 0xe9, 0x20, 0xff, 0xfe, 0x41]), /latin1\.txt: cannot decode the text/],
    ['bad.md', utf8('---\ntitle: [unclosed\n---\nbody'), /bad\.md: invalid YAML front matter \(line 2, column \d+\): [^:\n]+$/],
    ['date.md', utf8('---\npublished: someday\n---\nbody'), /date\.md: front matter field "published" is not a date/],
    ['feb30.md', utf8('---\npublished: 2025-02-30\n---\nbody'), /feb30\.md: front matter field "published" is not a date: "2025-02-30"/],
  ])('rejects %s with a clear error', (name, bytes, message) => {
    expect(() => parseDocumentBytes(bytes, name)).toThrow(InputError);
    expect(() => parseDocumentBytes(bytes, name)).toThrow(message);
  });
});
