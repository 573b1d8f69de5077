/**
 * Trace regions keep the access phase allocation-free: on a warmed simulation replaying a binary
 * trace (two CPUs, with a Zipfian region beside it) and a lackey text trace (a third CPU), both
 * looping dozens of times, a thousand epochs of accesses trigger no minor
 * GC. (test/integration/zero-gc.test.ts shows the observer does see allocating loops.)
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/load.js';
import { InlineRunner } from '../../src/engine/inline.js';
import { accessPhase } from '../../src/engine/phases.js';
import { createSimulation } from '../../src/engine/simulation.js';
import { COUNTER_INDEX } from '../../src/metrics/vmstat.js';
import { quietWindows } from '../helpers/gc.js';
import { syntheticRecords, tempDir, writeBinary, writeLackey } from './helpers.js';

const dir = tempDir('tiersim-trace-gc-');
writeBinary(path.join(dir, 'a.tstrace'), syntheticRecords(20_000, 200, 0x4000000, 1));
writeLackey(path.join(dir, 'b.lackey'), syntheticRecords(20_000, 100, 0x7f0000000000, 2));

const CONFIG = `
topology:
  nodes:
    - { id: 0, cpus: 3, memory: 64MiB, device: dram }
    - { id: 1, cpus: 0, memory: 64MiB, device: pmem }
kernel: { demotion_enabled: true }
run: { duration: 2s, epoch: 200us }
workload:
  tasks:
    - name: bin
      cpus: [0, 1]
      regions:
        - { kind: anon, size: 1MiB, weight: 3, pattern: { type: trace, file: a.tstrace, base: 0x4000000 } }
        - { kind: anon, size: 2MiB, pattern: { type: zipfian, theta: 0.9 }, write_fraction: 0.2 }
    - name: text
      cpus: [2]
      regions:
        - { kind: anon, size: 1MiB, pattern: { type: trace, file: b.lackey, base: 0x7f0000000000 } }
`;

describe('zero allocation in the access phase with trace regions', () => {
  it('runs 1000 warmed epochs of looping binary and lackey traces without a minor GC', async () => {
    const sim = createSimulation(parseConfigText(CONFIG, path.join(dir, 'gc.yaml')).config);
    const runner = new InlineRunner(sim);
    for (let i = 0; i < 200; i++) runner.step();
    for (let epoch = 200; epoch < 600; epoch++) accessPhase(sim, 0, epoch);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const faultsBefore = sim.s.counters[COUNTER_INDEX.pgfault];
    const windows = await quietWindows((w) => {
      const before = sim.s.counters[COUNTER_INDEX.tiersim_accesses];
      for (let epoch = 600 + w * 1000; epoch < 1600 + w * 1000; epoch++) accessPhase(sim, 0, epoch);
      return sim.s.counters[COUNTER_INDEX.tiersim_accesses] - before;
    });
    const last = windows[windows.length - 1];
    expect(sim.s.counters[COUNTER_INDEX.pgfault]).toBe(faultsBefore);
    // Each CPU went through its trace share dozens of times (20,000 records per pass).
    expect(last.accesses).toBeGreaterThan(2_000_000);
    expect(
      last.minor,
      `minor GCs while replaying traces in warmed access phases: ${JSON.stringify(windows)}`,
    ).toBe(0);
  });
});
