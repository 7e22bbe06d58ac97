// Lint rules: type-aware TypeScript, safe regular expressions, and the layering rule (inner layers never
// import outer ones).
import js from '@eslint/js';
import regexp from 'eslint-plugin-regexp';
import tseslint from 'typescript-eslint';

const layer = (folder, forbidden) => ({
  files: [`src/${folder}/**/*.ts`],
  ignores: ['**/*.test.ts', '**/*.contract.ts'],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: forbidden.map((f) => ({
          group: [`../${f}/*`, `../../${f}/*`],
          message: `${folder}/ must not import ${f}/ (dependencies point inward)`,
        })),
      },
    ],
  },
});

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'scratch/', 'test-output/', 'kizashi-demo/', 'web/dist/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  // Regular expressions: the rules that catch bugs and catastrophic backtracking (not the stylistic ones).
  {
    plugins: { regexp },
    rules: {
      'regexp/no-super-linear-backtracking': 'error',
      'regexp/no-super-linear-move': 'error',
      'regexp/no-misleading-capturing-group': 'error',
      'regexp/no-empty-character-class': 'error',
      'regexp/no-empty-alternative': 'error',
      'regexp/no-dupe-disjunctions': 'error',
      'regexp/no-useless-backreference': 'error',
      'regexp/no-contradiction-with-assertion': 'error',
      'regexp/no-invalid-regexp': 'error',
      'regexp/no-lazy-ends': 'error',
      'regexp/no-optional-assertion': 'error',
      'regexp/no-potentially-useless-backreference': 'error',
      'regexp/no-useless-assertions': 'error',
      'regexp/no-zero-quantifier': 'error',
      'regexp/optimal-lookaround-quantifier': 'error',
      'regexp/control-character-escape': 'error',
    },
  },
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['*.js', 'bin/*.js'] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  layer('core', ['kb', 'text', 'extract', 'store', 'ingest', 'stories', 'export', 'server', 'cli']),
  layer('text', ['kb', 'extract', 'store', 'ingest', 'stories', 'export', 'server', 'cli']),
  layer('kb', ['extract', 'store', 'ingest', 'stories', 'export', 'server', 'cli']),
  layer('extract', ['store', 'ingest', 'stories', 'export', 'server', 'cli']),
  layer('store', ['extract', 'ingest', 'stories', 'export', 'server', 'cli']),
  {
    files: ['**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
);
