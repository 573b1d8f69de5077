/**
 * The long tests: soaks over many random machines, benchmark-like runs and tests that drive
 * outside tools. `npm test` leaves them out to stay within five minutes on a 2-core machine;
 * `npm run test:long` runs exactly these, and CI (.ci/run) runs both. One of them alone:
 *   npx vitest run --config vitest.long.config.ts test/property/conservation.test.ts
 */
export const LONG_TESTS = [
  // 250 random machines, every invariant checked after every epoch.
  'test/property/conservation.test.ts',
  // Random machines on real worker threads in every shape, against inline.
  'test/determinism/schedulers.test.ts',
  // 1000 warmed epochs of trace replay watched for minor GCs.
  'test/trace/zero-gc.test.ts',
  // valgrind lackey recording real programs.
  'test/trace/valgrind.test.ts',
  // npm pack + a global install from the packed tarball.
  'test/package/install.test.ts',
  // A real one-node Slurm (skips when none starts).
  'test/sweep/slurm-real.test.ts',
];
