import { describe, expect, it } from 'vitest';
import { AhoCorasick } from './aho-corasick.js';

function naive(patterns: string[], text: string): string[] {
  const out: string[] = [];
  patterns.forEach((p, i) => {
    if (!p) return;
    for (let at = text.indexOf(p); at >= 0; at = text.indexOf(p, at + 1)) out.push(`${i}:${at}:${at + p.length}`);
  });
  return out.sort();
}

/** 50 seeded cases of up to 12 short patterns and a 200-character text over a small alphabet. */
function randomCases(seed: number, alphabet: string): { patterns: string[]; text: string }[] {
  const rand = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const word = (len: number): string => Array.from({ length: len }, () => alphabet[rand(alphabet.length)]).join('');
  return Array.from({ length: 50 }, () => {
    const patterns = Array.from({ length: 1 + rand(12) }, () => word(1 + rand(4)));
    return { patterns, text: word(200) };
  });
}

describe('AhoCorasick', () => {
  it('finds overlapping and nested patterns', () => {
    const ac = new AhoCorasick(['he', 'she', 'his', 'hers']);
    expect(ac.search('ushers').map((m) => `${m.pattern}:${m.start}:${m.end}`)).toEqual(['1:1:4', '0:2:4', '3:2:6']);
  });

  it('handles Japanese and shared suffixes', () => {
    const ac = new AhoCorasick(['ラザルス', 'ザルス', '米国']);
    expect(ac.search('北朝鮮のラザルスと米国').map((m) => m.pattern)).toEqual([0, 1, 2]);
  });

  it('scanFrom finds exactly the occurrences that start where allowed', () => {
    for (const { patterns, text } of randomCases(7, 'ab cア')) {
      const ac = new AhoCorasick(patterns);
      // Starts allowed after a space or at a katakana, as the gazetteer allows them after non-letters.
      const canStart = (i: number): boolean => i === 0 || text[i - 1] === ' ' || text[i] === 'ア';
      // Bit 2 blocks too, and is set everywhere: a mask without it ignores it.
      const blocked = Uint8Array.from(text, (_, i) => (canStart(i) ? 2 : 3));
      const found: string[] = [];
      ac.scanFrom(text, blocked, 1, (p, start, end) => found.push(`${p}:${start}:${end}`));
      expect(found.sort()).toEqual(naive(patterns, text).filter((m) => canStart(Number(m.split(':')[1]))));
    }
  });

  it('agrees with a naive search on random inputs', () => {
    for (const { patterns, text } of randomCases(42, 'abcア')) {
      const ac = new AhoCorasick(patterns);
      expect(
        ac
          .search(text)
          .map((m) => `${m.pattern}:${m.start}:${m.end}`)
          .sort(),
      ).toEqual(naive(patterns, text));
    }
  });
});
