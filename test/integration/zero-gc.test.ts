/**
 * The hot path allocates nothing: on a warmed simulation whose pages are all present, running
 * the access phase for thousands of batches triggers no minor GC (test/helpers/zero-gc-scenarios.ts).
 * The same holds with V8's inlining turned off, in a child process: every call on the hot path
 * passes and returns only small integers and arrays, so the claim does not rest on what the JIT
 * chooses to inline (CI once hit a run where it did not inline the Zipf draw, whose fractional
 * argument was then boxed, 16 B per access). A control loop that does allocate shows the observer
 * would have seen it.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { minorGcsDuring } from '../helpers/gc.js';
import { runZeroGcScenario, type ScenarioResult } from '../helpers/zero-gc-scenarios.js';

const CHILD = fileURLToPath(new URL('../helpers/zero-gc-child.ts', import.meta.url));

function expectQuiet(result: ScenarioResult, minAccesses: number): void {
  const last = result.windows[result.windows.length - 1];
  expect(result.faultsWhileMeasuring).toBe(0); // only present pages were touched
  expect(last.accesses).toBeGreaterThan(minAccesses);
  expect(last.minor, `minor GCs in warmed access phases: ${JSON.stringify(result.windows)}`).toBe(0);
}

describe('zero allocation in the access phase', () => {
  it('runs 1000 warmed epochs of accesses (millions of them) without a minor GC', async () => {
    expectQuiet(await runZeroGcScenario('mixed'), 1_000_000);
    // 10-15 s alone, over 100 s at load 25 on 2 cores: the bound only catches a hang.
  }, 150_000);

  it('phases programs and precomputed sequences allocate nothing either', async () => {
    expectQuiet(await runZeroGcScenario('programs'), 1_000_000);
  }, 150_000);

  for (const [name, minAccesses] of [
    ['mixed', 1_000_000],
    ['traces', 2_000_000],
  ] as const) {
    it(`allocates nothing with inlining turned off (${name})`, () => {
      const out = execFileSync(process.execPath, ['--import', 'tsx', '--no-turbo-inlining', CHILD, name], {
        encoding: 'utf8',
        timeout: 120_000,
      });
      expectQuiet(JSON.parse(out) as ScenarioResult, minAccesses);
      // The test's own bound is above the child's, so a slow child fails with its own error.
    }, 150_000);
  }

  it('the observer does see minor GCs when a loop allocates (control)', async () => {
    const sink: number[][] = [];
    const minor = await minorGcsDuring(() => {
      for (let i = 0; i < 2_000_000; i++) {
        sink.push([i, i + 1]);
        if (sink.length > 1000) sink.length = 0;
      }
    });
    expect(minor).toBeGreaterThan(0);
  });
});
