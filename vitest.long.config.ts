import { defineConfig } from 'vitest/config';
import { LONG_TESTS } from './test/long.js';

// `npm run test:long`: the soaks, benchmark-like runs and outside-tool tests of test/long.ts.
export default defineConfig({
  test: {
    include: LONG_TESTS,
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
