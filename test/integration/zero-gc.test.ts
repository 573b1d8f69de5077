/**
 * The hot path allocates nothing: on a warmed simulation whose pages are all present, running
 * the access phase for thousands of batches triggers no minor GC. A control loop that does
 * allocate shows the observer would have seen them.
 */
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/load.js';
import { InlineRunner } from '../../src/engine/inline.js';
import { accessPhase } from '../../src/engine/phases.js';
import { createSimulation } from '../../src/engine/simulation.js';
import { COUNTER_INDEX } from '../../src/metrics/vmstat.js';
import { minorGcsDuring, quietWindows } from '../helpers/gc.js';

const CONFIG = `
topology:
  nodes:
    - { id: 0, cpus: 2, memory: 64MiB, device: dram }
    - { id: 1, cpus: 0, memory: 64MiB, device: pmem }
kernel: { demotion_enabled: true }
run: { duration: 2s, epoch: 1ms }
workload:
  files: [{ name: f, size: 4MiB }]
  tasks:
    - name: t
      cpus: [0, 1]
      regions:
        - { kind: anon, size: 8MiB, pattern: { type: zipfian, theta: 0.9 }, write_fraction: 0.2, weight: 3 }
        - { kind: file, file: f, access: read, pattern: { type: uniform } }
        - { kind: file, file: f, access: mmap, pattern: { type: hotset } }
`;

describe('zero allocation in the access phase', () => {
  it('runs 1000 warmed epochs of accesses (millions of them) without a minor GC', async () => {
    const sim = createSimulation(parseConfigText(CONFIG, '/virtual/zero-gc.yaml').config);
    const runner = new InlineRunner(sim);
    // Warm up: fault every page in and let the JIT settle.
    for (let i = 0; i < 300; i++) runner.step();
    // Then the measured call itself, until the JIT has settled (a compilation finishing inside
    // the window would allocate on the heap, not the loop).
    for (let epoch = 300; epoch < 800; epoch++) accessPhase(sim, 0, epoch);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const faultsBefore = sim.s.counters[COUNTER_INDEX.pgfault];
    const windows = await quietWindows((w) => {
      const before = sim.s.counters[COUNTER_INDEX.tiersim_accesses];
      for (let epoch = 800 + w * 1000; epoch < 1800 + w * 1000; epoch++) accessPhase(sim, 0, epoch);
      return sim.s.counters[COUNTER_INDEX.tiersim_accesses] - before;
    });
    const last = windows[windows.length - 1];
    expect(sim.s.counters[COUNTER_INDEX.pgfault]).toBe(faultsBefore); // only present pages were touched
    expect(last.accesses).toBeGreaterThan(1_000_000);
    expect(last.minor, `minor GCs while running warmed access phases: ${JSON.stringify(windows)}`).toBe(0);
  });

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
