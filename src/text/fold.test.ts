import { describe, expect, it } from 'vitest';
import { foldTerm, foldText } from './fold.js';

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

  it('maps offsets of surrogate pairs', () => {
    const text = '𠮷野家 Emotet';
    const f = foldText(text);
    const at = f.text.indexOf('emotet');
    expect(text.slice(f.start[at], f.end[at + 5])).toBe('Emotet');
  });
});
