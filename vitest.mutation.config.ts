// The tests the mutation run (npm run mutation, stryker.config.json) executes against each
// mutant: the fast unit tests of src/kernel, src/memory and src/topology, all inline (a mutant
// is switched on in the test's own thread, so tests that run nodes in workers could not see it;
// test/memory/debug-*.test.ts do, and take tens of seconds).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'test/kernel/**/*.test.ts',
      'test/memory/layout.test.ts',
      'test/memory/*-mutants.test.ts',
      'test/topology/**/*.test.ts',
    ],
    // counters.test.ts runs whole experiments (seconds each): end-to-end, not unit.
    exclude: ['test/kernel/counters.test.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
