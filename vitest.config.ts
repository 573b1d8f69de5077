import { defineConfig } from 'vitest/config';
import { LONG_TESTS } from './test/long.js';

// `npm test`: every test but the long ones (test/long.ts; `npm run test:long` runs those).
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['**/node_modules/**', ...LONG_TESTS],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
