import { describe, expect, it } from 'vitest';
import { splitSentences } from './sentences.js';

describe('splitSentences', () => {
  it('splits Japanese on 。！？ but not inside 「quotations」', () => {
    const text = '警察庁は注意を呼びかけた。「被害が拡大している。」と述べた！次の文';
    expect(splitSentences(text).map((s) => s.text)).toEqual(['警察庁は注意を呼びかけた。', '「被害が拡大している。」と述べた！', '次の文']);
  });

  it('does not split English after abbreviations, initials, numbers or domains', () => {
    const text = 'The U.S. Treasury sanctioned Mr. Smith on Jan. 5. J. Doe used version 1.2.3 and evil.com today. Next one.';
    expect(splitSentences(text).map((s) => s.text)).toEqual([
      'The U.S. Treasury sanctioned Mr. Smith on Jan. 5.',
      'J. Doe used version 1.2.3 and evil.com today.',
      'Next one.',
    ]);
  });

  it('treats line breaks as boundaries and reports offsets into the text', () => {
    const text = 'Headline\n\n  Body text here.';
    const sentences = splitSentences(text);
    expect(sentences.map((s) => s.text)).toEqual(['Headline', 'Body text here.']);
    for (const s of sentences) expect(text.slice(s.start, s.end)).toBe(s.text);
  });

  it('ends a Japanese headline’s clause at an ideographic space, but not inside a name in running text', () => {
    expect(splitSentences('国連総会、条約を採択　人権団体は懸念表明\n山田　太郎氏は、懸念を述べた。　次の文。').map((s) => s.text)).toEqual(
      ['国連総会、条約を採択', '人権団体は懸念表明', '山田　太郎氏は、懸念を述べた。', '次の文。'],
    );
  });
});
