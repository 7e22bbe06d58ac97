import { defineConfig } from 'vitest/config';

// `npm run test:security`: the hostile-input, fault and load suite (slower than `npm test`).
export default defineConfig({
  test: {
    include: ['src/**/*.security.test.ts', 'web/**/*.security.test.ts'],
    testTimeout: 240_000,
    hookTimeout: 240_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
