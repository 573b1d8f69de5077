/**
 * Trace regions keep the access phase allocation-free: on a warmed simulation replaying a binary
 * trace (two CPUs, with a Zipfian region beside it) and a lackey text trace (a third CPU), both
 * looping dozens of times, a thousand epochs of accesses trigger no minor GC
 * (test/helpers/zero-gc-scenarios.ts; test/integration/zero-gc.test.ts runs it with inlining off
 * and shows the observer does see allocating loops).
 */
import { describe, expect, it } from 'vitest';
import { runZeroGcScenario } from '../helpers/zero-gc-scenarios.js';

describe('zero allocation in the access phase with trace regions', () => {
  it('runs 1000 warmed epochs of looping binary and lackey traces without a minor GC', async () => {
    const result = await runZeroGcScenario('traces');
    const last = result.windows[result.windows.length - 1];
    expect(result.faultsWhileMeasuring).toBe(0);
    // Each CPU went through its trace share dozens of times (20,000 records per pass).
    expect(last.accesses).toBeGreaterThan(2_000_000);
    expect(
      last.minor,
      `minor GCs while replaying traces in warmed access phases: ${JSON.stringify(result.windows)}`,
    ).toBe(0);
  });

  it('and so do the same traces gzip-compressed (the streaming inflater allocates once)', async () => {
    const result = await runZeroGcScenario('gzipTraces');
    const last = result.windows[result.windows.length - 1];
    expect(result.faultsWhileMeasuring).toBe(0);
    expect(last.accesses).toBeGreaterThan(2_000_000);
    expect(last.minor, `minor GCs while replaying gzip traces: ${JSON.stringify(result.windows)}`).toBe(0);
  });
});
