import { describe, expect, it } from 'vitest';
import { detectLanguage } from './language.js';

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
