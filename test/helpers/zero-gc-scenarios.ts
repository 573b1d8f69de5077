/**
 * The zero-allocation scenarios of the access phase, shared by the in-process tests and by
 * `zero-gc-child.ts`, which runs them in a V8 with inlining turned off.
 *
 * Each scenario warms a simulation until every page it touches is present and the JIT has
 * settled, then measures windows of 1000 access phases (quietWindows) and returns them with the
 * page faults taken while measuring (0 when only present pages were touched).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { parseConfigText } from '../../src/config/load.js';
import { InlineRunner } from '../../src/engine/inline.js';
import { accessPhase } from '../../src/engine/phases.js';
import { createSimulation } from '../../src/engine/simulation.js';
import { COUNTER_INDEX } from '../../src/metrics/vmstat.js';
import { syntheticRecords, tempDir, writeBinary, writeLackey } from '../trace/helpers.js';
import { quietWindows, type GcWindow } from './gc.js';

export interface ScenarioResult {
  windows: GcWindow[];
  faultsWhileMeasuring: number;
}

/** Zipfian anon memory, read() and mmap of a shared file, on two CPUs. */
const MIXED = `
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

/**
 * A binary trace shared by two CPUs with a Zipfian region beside it, and a lackey text trace on
 * a third CPU; both loop dozens of times per window (20,000 records per pass).
 */
const TRACES = `
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

/** The same traces gzip-compressed: the streaming inflater must not allocate either. */
const GZIP_TRACES = TRACES.replace('a.tstrace', 'a.tstrace.gz').replace('b.lackey', 'b.lackey.gz');

/** A `phases` program looping over a timed step, and a `splitmix_zipfian` sequence on another CPU. */
const PROGRAMS = `
topology:
  nodes:
    - { id: 0, cpus: 2, memory: 64MiB, device: dram }
run: { duration: 10s, epoch: 1ms }
workload:
  files: [{ name: f, size: 1MiB }]
  tasks:
    - name: prog
      cpus: [0]
      regions:
        - kind: anon
          size: 2MiB
          pattern:
            type: phases
            steps: [{ store: true }, { start: 0, end: 256, duration: 10ms }, { passes: 2 }]
            loop_from: 1
    - name: seq
      cpus: [1]
      cpu_per_access: 10us
      regions:
        - { kind: file, file: f, access: read, pattern: { type: splitmix_zipfian, theta: 0.5, seed: 11, count: 2000000 } }
`;

export const SCENARIOS = {
  programs: { text: PROGRAMS, warmSteps: 200, warmPhases: 400 },
  mixed: { text: MIXED, warmSteps: 300, warmPhases: 500 },
  traces: { text: TRACES, warmSteps: 200, warmPhases: 400 },
  gzipTraces: { text: GZIP_TRACES, warmSteps: 200, warmPhases: 400 },
} as const;

export type ScenarioName = keyof typeof SCENARIOS;

export async function runZeroGcScenario(name: ScenarioName): Promise<ScenarioResult> {
  const scenario = SCENARIOS[name];
  const dir = tempDir('tiersim-zero-gc-');
  if (name === 'traces' || name === 'gzipTraces') {
    const a = writeBinary(path.join(dir, 'a.tstrace'), syntheticRecords(20_000, 200, 0x4000000, 1));
    const b = writeLackey(path.join(dir, 'b.lackey'), syntheticRecords(20_000, 100, 0x7f0000000000, 2));
    for (const f of [a, b]) writeFileSync(`${f}.gz`, gzipSync(readFileSync(f)));
  }
  const sim = createSimulation(parseConfigText(scenario.text, path.join(dir, `${name}.yaml`)).config);
  const runner = new InlineRunner(sim);
  // Fault every page in, then run the measured call itself until the JIT has settled (a
  // compilation finishing inside a window would allocate on the heap, not in the loop).
  for (let i = 0; i < scenario.warmSteps; i++) runner.step();
  const first = scenario.warmSteps + scenario.warmPhases;
  for (let epoch = scenario.warmSteps; epoch < first; epoch++) accessPhase(sim, 0, epoch);
  await new Promise((resolve) => setTimeout(resolve, 200));
  const faultsBefore = sim.s.counters[COUNTER_INDEX.pgfault];
  const windows = await quietWindows((w) => {
    const before = sim.s.counters[COUNTER_INDEX.tiersim_accesses];
    for (let epoch = first + w * 1000; epoch < first + (w + 1) * 1000; epoch++) accessPhase(sim, 0, epoch);
    return sim.s.counters[COUNTER_INDEX.tiersim_accesses] - before;
  });
  return { windows, faultsWhileMeasuring: sim.s.counters[COUNTER_INDEX.pgfault] - faultsBefore };
}
