// Lint rules: type-aware TypeScript, safe regular expressions, and the layering rule (inner layers never
// import outer ones).
import js from '@eslint/js';
import regexp from 'eslint-plugin-regexp';
import tseslint from 'typescript-eslint';

const layer = (folder, forbidden) => ({
  files: [`src/${folder}/**/*.ts`],
  ignores: ['**/*.test.ts'],
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
  regexp.configs['flat/recommended'],
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['*.js', 'bin/*.js'] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      'regexp/no-super-linear-backtracking': 'error',
      'regexp/no-super-linear-move': 'error',
      // Japanese character ranges (ァ-ヴ, 一-龯) are intended; these stylistic rules add noise, not safety.
      'regexp/no-obscure-range': 'off',
      'regexp/use-ignore-case': 'off',
      'regexp/no-unused-capturing-group': 'off',
      'regexp/no-useless-non-capturing-group': 'off',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  layer('core', ['kb', 'text', 'extract', 'store', 'ingest', 'stories', 'export', 'server', 'cli']),
  layer('text', ['kb', 'extract', 'store', 'ingest', 'stories', 'export', 'server', 'cli']),
  layer('kb', ['extract', 'store', 'ingest', 'stories', 'export', 'server', 'cli']),
  layer('extract', ['store', 'ingest', 'stories', 'export', 'server', 'cli']),
  {
    files: ['**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
);
