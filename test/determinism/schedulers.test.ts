/**
 * Goal: the result does not depend on the scheduler: one worker thread per NUMA node gives the
 * same result, bit for bit, as every node on one thread, on any small machine (not only the
 * bundled configs and the stress config of test/integration/threads.test.ts).
 *
 * Method: fast-check draws random experiments (test/helpers/random-config.ts) and runs each
 * with the inline and the per-node scheduler; results (wall clock left out) and state digests
 * must be equal. Few runs, since each starts a worker per node; fast-check prints the seed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseConfigText, type LoadedConfig } from '../../src/config/load.js';
import { collectResult } from '../../src/engine/results.js';
import { runScheduled, type SchedulerName } from '../../src/engine/scheduler.js';
import { createSimulation } from '../../src/engine/simulation.js';
import type { RunResult } from '../../src/metrics/result.js';
import { build, choicesArb, toYaml } from '../helpers/random-config.js';

const quiet = { onProgress: () => {}, shouldStop: () => false };
/** Each draw also picks the worker shape (engine/thread-plan.ts): all must equal inline. */
const SHAPES = fc.constantFrom<SchedulerName>('per-node', 'every-node', 'auto');

async function runWith(loaded: LoadedConfig, scheduler: SchedulerName): Promise<RunResult> {
  const sim = createSimulation(loaded.config);
  const outcome = await runScheduled(sim, scheduler, quiet);
  expect(outcome.failure).toBeUndefined();
  expect(outcome.stoppedBy).toBeNull();
  return collectResult(sim, { loaded, wall: undefined, stoppedBy: null, fromSnapshot: false });
}

describe('threaded schedulers = inline scheduler on random machines', () => {
  it('gives equal results and digests', async () => {
    let multiNode = 0;
    await fc.assert(
      fc.asyncProperty(choicesArb, SHAPES, async (choices, shape) => {
        const yaml = toYaml(build(choices));
        const loaded = parseConfigText(yaml, '/virtual/random.yaml');
        const inline = await runWith(loaded, 'inline');
        const perNode = await runWith(loaded, shape);
        expect(perNode.digest, `${shape}\n${yaml}`).toBe(inline.digest);
        expect(perNode, `${shape}\n${yaml}`).toStrictEqual(inline);
        if (inline.nodes.length > 1) multiNode++;
      }),
      { numRuns: 12 },
    );
    // Threads only matter with several nodes; most draws have them.
    expect(multiNode).toBeGreaterThanOrEqual(3);
  }, 120_000);
});

describe('per-node scheduler = inline scheduler with phases programs and sequences', () => {
  it('a timed phases step (its start time kept per filler) and a sequence give equal results', async () => {
    const yaml = `
topology:
  nodes:
    - { id: 0, cpus: 1, memory: 1MiB, device: dram }
    - { id: 1, cpus: 1, memory: 8MiB, device: dram }
    - { id: 2, cpus: 0, memory: 8MiB, device: pmem }
kernel: { demotion_enabled: true }
run: { duration: 60ms, epoch: 1ms }
workload:
  files: [{ name: f, size: 2MiB }]
  tasks:
    - name: prog
      cpus: [0]
      policy: { mode: bind, nodes: [0] }
      regions:
        - kind: anon
          size: 2MiB
          pattern:
            type: phases
            steps: [{ store: true }, { start: 0, end: 100, duration: 3ms }, { start: 200, passes: 3 }]
            loop_from: 1
    - name: seq
      cpus: [1]
      regions:
        - { kind: file, file: f, pattern: { type: splitmix_zipfian, theta: 0.9, seed: 7, count: 200000 } }
`;
    const loaded = parseConfigText(yaml, '/virtual/programs.yaml');
    const inline = await runWith(loaded, 'inline');
    const perNode = await runWith(loaded, 'per-node');
    expect(inline.vmstat.pgdemote_kswapd + inline.vmstat.pgdemote_direct).toBeGreaterThan(0);
    expect(perNode.digest).toBe(inline.digest);
    expect(perNode).toStrictEqual(inline);
  }, 60_000);
});
