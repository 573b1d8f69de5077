// The tests the mutation run (npm run mutation, stryker.config.json) executes against each
// mutant: the fast unit tests of src/kernel, src/memory and src/topology, all inline (a mutant
// is switched on in the test's own thread, so tests that run nodes in workers could not see it).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/kernel/**/*.test.ts', 'test/memory/**/*.test.ts', 'test/topology/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
