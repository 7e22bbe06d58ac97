import { describe, expect, it } from 'vitest';
import { foldTerm, foldText, insideLatinWord, INSIDE_WORD, INSIDE_WORD_AT_LETTER } from './fold.js';
import { isLatinAlnum } from './language.js';

describe('foldText', () => {
  it('normalises full-width ASCII and keeps offsets into the original', () => {
    const text = '通信先：ＡＰＴ４１が';
    const f = foldText(text);
    expect(f.text).toBe('通信先:apt41が');
    const at = f.text.indexOf('apt41');
    expect(text.slice(f.start[at], f.end[at + 4])).toBe('ＡＰＴ４１');
  });

  it('turns runs of spaces, hyphens and underscores into one space', () => {
    expect(foldTerm('Earth-Estries')).toBe('earth estries');
    expect(foldTerm('earth  _ estries')).toBe('earth estries');
    expect(foldTerm('do not')).not.toBe(foldTerm('DoNot'));
  });

  it('removes the katakana middle dot and long-vowel mark', () => {
    expect(foldTerm('トレーダー・トレイター')).toBe(foldTerm('トレダトレイタ'));
    expect(foldTerm('アクセス・ナウ')).toBe(foldTerm('アクセスナウ'));
  });

  it('combines half-width katakana with their voiced marks', () => {
    const text = 'ﾗｻﾞﾙｽ';
    const f = foldText(text);
    expect(f.text).toBe('ラザルス');
    expect(f.end[f.text.length - 1]).toBe(text.length);
  });

  it('turns a lone surrogate into U+FFFD in short and long texts alike', () => {
    expect(foldText('a\ud800b').text).toBe('a\ufffdb');
    const long = `${'x'.repeat(300)}\udc00y`;
    expect(foldText(long).text).toBe(`${'x'.repeat(300)}\ufffdy`);
  });

  it('returns offsets that later calls do not overwrite (its work arrays are reused)', () => {
    const first = foldText('Ｅｍｏｔｅｔ and more');
    const starts = Array.from(first.start);
    foldText('ｘ'.repeat(5000));
    foldText('short');
    expect(Array.from(first.start)).toEqual(starts);
    expect(first.text).toBe('emotet and more');
  });

  it('maps offsets of surrogate pairs', () => {
    const text = '𠮷野家 Emotet';
    const f = foldText(text);
    const at = f.text.indexOf('emotet');
    expect(text.slice(f.start[at], f.end[at + 5])).toBe('Emotet');
  });
});

describe('insideLatinWord', () => {
  it('marks the folded units whose original character continues a Latin word', () => {
    const text = 'APT41 use𝐀d ｅｖｉｌ ﾃﾞ日本 Ａﾞx Cobalt-Strike é9 ㍻x ab';
    const folded = foldText(text);
    const map = insideLatinWord(text, folded);
    const naive = Array.from(folded.text, (_, i) => {
      const start = folded.start[i] ?? 0;
      const c = text.charCodeAt(start);
      if (!isLatinAlnum(c) || !isLatinAlnum(text.charCodeAt(start - 1))) return 0;
      return /[A-Za-z]/.test(text[start] ?? '') ? INSIDE_WORD | INSIDE_WORD_AT_LETTER : INSIDE_WORD;
    });
    expect(Array.from(map)).toEqual(naive);
    expect(map.filter((v) => v !== 0).length).toBeGreaterThan(10);
  });
});
