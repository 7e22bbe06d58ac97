import { describe, expect, it } from 'vitest';
import { execAll } from './exec-all.js';

const spans = (ms: Iterable<RegExpExecArray>): string[] => [...ms].map((m) => `${m.index}:${m[0]}:${m[1] ?? ''}`);

describe('execAll', () => {
  it('gives the matches matchAll gives, empty ones included', () => {
    const text = 'APT41 and FIN7 used x1 — 日本 a.b.c ';
    for (const re of [/\b([A-Z]+)\d+\b/g, /\d*/g, /(?=\b)/g, /[a-z](?:\.[a-z])+/gi, /日本|\s/gu]) {
      expect(spans(execAll(re, text))).toEqual(spans(text.matchAll(re)));
    }
  });

  it('starts from the beginning whatever the last loop left', () => {
    const re = /\d/g;
    for (const m of execAll(re, '1 2 3')) if (m[0] === '2') break;
    expect(re.lastIndex).toBeGreaterThan(0);
    expect(spans(execAll(re, '4 5'))).toEqual(['0:4:', '2:5:']);
  });
});
