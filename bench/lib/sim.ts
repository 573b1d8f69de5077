/**
 * Building simulations for the benches: a config from YAML text (through the real loader and
 * validator), and a prefault that brings every page of a region into memory through the
 * simulator's own fault path.
 */
import path from 'node:path';
import { parseConfigText } from '../../src/config/load.js';
import { createSimulation, type Simulation } from '../../src/engine/simulation.js';
import { InlineRunner } from '../../src/engine/inline.js';
import { C_CURSOR, C_FILL, CPU_WORDS } from '../../src/memory/layout.js';
import { COUNTER_INDEX, NR_COUNTERS } from '../../src/metrics/vmstat.js';
import {
  PATTERN_SEQUENTIAL,
  REGION_WORDS,
  R_FIRST_PAGE,
  R_P0,
  R_PAGES,
  R_PATTERN,
} from '../../src/workload/plan.js';
import { REPO_ROOT } from './env.js';

/** A Simulation from YAML text, loaded as if it were bench/<name>.yaml. */
export function simulationFromYaml(yaml: string, name = 'bench-config.yaml'): Simulation {
  const loaded = parseConfigText(yaml, path.join(REPO_ROOT, 'bench', name));
  return createSimulation(loaded.config);
}

/** Sum of a vmstat counter over all nodes. */
export function counter(sim: Simulation, name: string): number {
  const i = COUNTER_INDEX[name];
  if (i === undefined) throw new Error(`no counter ${name}`);
  let sum = 0;
  for (let nid = 0; nid < sim.spec.layout.nodes; nid++) sum += sim.s.counters[nid * NR_COUNTERS + i];
  return sum;
}

export function nodeCounter(sim: Simulation, nid: number, name: string): number {
  const i = COUNTER_INDEX[name];
  if (i === undefined) throw new Error(`no counter ${name}`);
  return sim.s.counters[nid * NR_COUNTERS + i];
}

/**
 * Fault in every page of region `region` (index in the region table) by running whole epochs of
 * the inline scheduler (access, place, reclaim, ...) with that region's pattern temporarily
 * switched to `sequential` (stride 1); the region's own pattern is restored afterwards and every
 * CPU's access batch is discarded, so the next access phase generates the region's real stream.
 * Returns the number of epochs run. Frames are handed out in fault order, so page i of the
 * region lands in the i-th frame allocated, as with a program that memsets its buffer at start.
 * The config's run.duration must allow the epochs this takes (the series has room for them).
 */
export function prefaultRegion(sim: Simulation, region: number): number {
  const table = sim.s.plan.regionTable;
  const rb = region * REGION_WORDS;
  const saved = table.slice(rb, rb + REGION_WORDS);
  const first = table[rb + R_FIRST_PAGE];
  const end = first + table[rb + R_PAGES];
  table[rb + R_PATTERN] = PATTERN_SEQUENTIAL;
  table[rb + R_P0] = 1;
  const pte = sim.s.pte;
  const runner = new InlineRunner(sim);
  let next = first;
  // A sequential pass faults every epoch; epochs with no new page mean the region does not fit
  // (memory full): stop at once instead of running out the config's epochs (minutes at 16 M).
  let stalled = 0;
  while (next < end && runner.epochsDone < sim.spec.epochs && stalled < 3) {
    const before = next;
    runner.step();
    while (next < end && pte[next] > 0) next++;
    stalled = next === before ? stalled + 1 : 0;
  }
  table.set(saved, rb);
  for (let cpu = 0; cpu < sim.spec.layout.cpus; cpu++) {
    sim.s.cpuWords[cpu * CPU_WORDS + C_CURSOR] = 0;
    sim.s.cpuWords[cpu * CPU_WORDS + C_FILL] = 0;
  }
  if (next !== end) throw new Error(`prefault: page ${next} still absent after ${runner.epochsDone} epochs`);
  return runner.epochsDone;
}
