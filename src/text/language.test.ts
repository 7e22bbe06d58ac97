import { describe, expect, it } from 'vitest';
import { detectLanguage, hasJapanese, isJapaneseChar } from './language.js';

describe('detectLanguage', () => {
  it.each([
    ['米国のCISAはMirrorFaceによる攻撃について注意喚起を公表した。', 'ja'],
    ['サイバースパイグループ「Earth Estries」が政府機関を標的に', 'ja'],
    ['The Lazarus Group stole cryptocurrency from an exchange in Japan.', 'en'],
    ['12345 !!!', 'und'],
  ])('%s → %s', (text, lang) => {
    expect(detectLanguage(text).lang).toBe(lang);
  });

  it('flags mixed-script text', () => {
    expect(detectLanguage('Trend MicroはEarth EstriesとFamousSparrowの関連を指摘').mixed).toBe(true);
  });
});

describe('hasJapanese', () => {
  it('accepts exactly the characters isJapaneseChar accepts', () => {
    for (let code = 0; code <= 0xffff; code++) {
      if (code >= 0xd800 && code <= 0xdfff) continue; // lone surrogates are not characters
      const ch = String.fromCharCode(code);
      if (hasJapanese(ch) !== isJapaneseChar(code)) expect.fail(`U+${code.toString(16)}: the two disagree`);
    }
    expect(hasJapanese('Earth Estries targets 台湾')).toBe(true);
    expect(hasJapanese('Earth Estries targets Taiwan')).toBe(false);
  });
});
