// Regular expressions, measured: every regex in the source is checked by eslint-plugin-regexp's super-linear rules
// (counted here with a throwaway lint pass), and adversarial 1 MB inputs through the whole extractor finish fast and
// grow linearly from 250 KB.
import { ESLint, type Rule } from 'eslint';
import regexp from 'eslint-plugin-regexp';
import tseslint from 'typescript-eslint';
import { beforeAll, describe, expect, it } from 'vitest';
import { openExtractor } from '../main.js';
import { recordFigure } from '../testkit/security-figures.js';
import { extractDocument, type Extractor } from './extract-document.js';

let extractor: Extractor;
beforeAll(async () => {
  extractor = await openExtractor({ ignoreHome: true });
});

let regexCount = 0;
const counter: Rule.RuleModule = {
  create: () => ({
    Literal(node) {
      if ('regex' in node && node.regex) regexCount++;
    },
    NewExpression(node) {
      if (node.callee.type === 'Identifier' && node.callee.name === 'RegExp') regexCount++;
    },
  }),
};

describe('regular expressions', () => {
  it('are all linted for super-linear backtracking, and adversarial 1 MB inputs stay fast and linear', async () => {
    const eslint = new ESLint({
      cwd: `${import.meta.dirname}/../..`,
      overrideConfigFile: true,
      overrideConfig: [
        {
          files: ['**/*.ts'],
          languageOptions: { parser: tseslint.parser },
          plugins: { regexp, count: { rules: { regex: counter } } },
          rules: { 'regexp/no-super-linear-backtracking': 'error', 'regexp/no-super-linear-move': 'error', 'count/regex': 'error' },
        },
      ],
    });
    const results = await eslint.lintFiles(['src/**/*.ts', 'web/src/**/*.ts']);
    const problems = results.flatMap((r) =>
      r.messages.filter((m) => m.ruleId?.startsWith('regexp/')).map((m) => `${r.filePath}:${m.line} ${m.message}`),
    );
    const files = results.length;
    const attacks: Record<string, string> = {
      'a.': 'a.',
      '1.': '1.',
      hex: 'deadbeef',
      '@': 'a@',
      '../': '../',
      '[.]': '[.]',
      hxxp: 'hxxp://',
      ':': '::',
      カタカナ: 'ミラー',
      'CVE-': 'CVE-',
      spaces: ' \t',
      '\\': 'C:\\',
      'one name': 'APT41 ',
      'one IP': '45.77.12.9 ',
      'one file': 'a.exe ',
      'one domain': 'evil.com ',
      'mixed ja': 'ミラーフェイスがLODEINFOを使い45.77.12[.]9に通信した。',
      // Names learnt from their shape, repeated: each was quadratic (18–45 s for 1 MB) until 2026-12-02.
      'new malware': 'Zorb malware ',
      'new gang': 'Zorb gang ',
      'new process': 'the Zorb Process ',
      'new group ja': 'グループ「ゾルブ」',
      abbreviation: 'Golden Chickens (GC) ',
      // An organisation named by a word, inside one long sentence: quadratic (185 s for 1 MB) for one commit of
      // 2026-12-02, when each mention tested the whole sentence before it.
      'organisation word': 'a Google ',
      'measure in act': 'The Zorb Act bans paying ransom. ',
      'ja clauses': '米国はロシアの条約を主導し、日本は案を支持し、',
      'ja victims': 'アスクルや無印良品やKADOKAWAへの攻撃、',
      apposition: 'Zorb, a US provider, ',
    };
    const rows: string[] = [];
    let worstMs = 0;
    let worstGrowth = 0;
    for (const [name, unit] of Object.entries(attacks)) {
      const time = (bytes: number): number => {
        const text = unit.repeat(Math.ceil(bytes / unit.length)).slice(0, bytes);
        const t0 = performance.now();
        extractDocument(extractor, { id: 'report--r', title: '', text, lang: 'und', origin: 'adversarial' });
        return performance.now() - t0;
      };
      // Medians of three runs each, from 250 KB: a 100 KB run takes a few milliseconds once warm, and one GC pause in
      // the large run then doubles the ratio of a linear scan.
      const median = (bytes: number): number => [time(bytes), time(bytes), time(bytes)].sort((a, b) => a - b)[1] ?? 0;
      const small = Math.max(1, median(250_000));
      const big = median(1_000_000);
      worstMs = Math.max(worstMs, big);
      worstGrowth = Math.max(worstGrowth, big / small);
      rows.push(`${name} ${big.toFixed(0)} ms`);
    }
    expect(problems).toEqual([]);
    // Catastrophic backtracking takes minutes; this machine's speed varies by half between phases (the slowest input
    // took 1.5 s in one and 1.9 s in another), so the bound is loose and the growth is the sharper test.
    expect(worstMs).toBeLessThan(4000);
    expect(worstGrowth).toBeLessThan(10); // linear is ×4; quadratic would be ×16
    recordFigure('regex', {
      area: 'Regex',
      defence:
        'eslint-plugin-regexp no-super-linear-backtracking / no-super-linear-move on every regex (part of npm run lint); indicator patterns anchored on cheap literals',
      test: 'src/extract/regex.security.test.ts',
      figure: `${regexCount} regular expressions in ${files} files: ${problems.length} super-linear; ${Object.keys(attacks).length} adversarial 1 MB inputs through the whole extractor: slowest ${worstMs.toFixed(0)} ms, worst growth 250 KB → 1 MB ×${worstGrowth.toFixed(1)} (linear = ×4, quadratic ×16)`,
    });
  }, 180_000);
});
