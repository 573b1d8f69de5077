/**
 * Builders for hand-computed kernel scenarios: a tiny machine (a few dozen frames per node,
 * fixed watermarks), pages placed on chosen nodes with chosen flags, and direct calls into the
 * kernel mechanisms, so each test can predict every counter by hand.
 */
import { parseConfigText } from '../../src/config/load.js';
import { createSimulation, type Simulation } from '../../src/engine/simulation.js';
import { mapPage } from '../../src/kernel/fault.js';
import { folioMarkDirty } from '../../src/kernel/writeback.js';
import { takeFrame } from '../../src/memory/frames.js';
import { checkInvariants } from '../../src/memory/invariants.js';
import {
  CPU_WORDS,
  C_HASH_USED,
  G_NOW_NS,
  NODE_WORDS,
  W_FREE,
  W_KSWAPD_WOKEN,
} from '../../src/memory/layout.js';
import { COUNTER_INDEX, NR_COUNTERS, type CounterName } from '../../src/metrics/vmstat.js';
import { frameNode } from '../../src/memory/frames.js';

export interface ScenarioOptions {
  version?: '5.15' | '5.18' | '6.0' | '6.1' | '6.6' | '6.12';
  /** CPUs of task t (default [0]). */
  cpus?: number[];
  demotion?: boolean;
  swap?: string;
  /** Extra YAML nodes (besides node 0 DRAM with 1 CPU and node 1 PMEM), or a full replacement. */
  nodes?: string;
  distances?: string;
  /** storage.read_ahead_kb (default 0 here: no readahead unless a test asks for it). */
  readAheadKb?: number;
  /** Extra YAML keys of task t (e.g. `policy: { mode: bind, nodes: [0] }`). */
  task?: string;
  /** Extra keys of the kernel block (e.g. `numa_balancing: 2`). */
  kernel?: string;
  /** How task t accesses file f. Default: mmap. */
  fileAccess?: 'mmap' | 'read';
  /** madvise/fadvise advice of task t's file region. Default: normal. */
  fileAdvice?: 'normal' | 'random' | 'sequential';
  /** Size of task t's anon region (default 256KiB = 64 pages, ids 64..). */
  anonSize?: string;
  /** Size of file f (default 256KiB = 64 pages, ids 0..63; the anon region follows it). */
  fileSize?: string;
  /** Kind of that region: anon (default) or shmem (shared anonymous memory). */
  anonKind?: 'anon' | 'shmem';
  /** Keys of the costs block (e.g. `numa_scan_per_pte: 1us`). */
  costs?: string;
  /**
   * Allocate page-table pages (kernel/pgtable.ts), as every run does. Default false here: the
   * scenarios of other mechanisms count frames without them (test/kernel/pgtable.test.ts has them).
   */
  pageTables?: boolean;
}

/**
 * Pages: file "f" = ids 0..63 (page cache), task t's anon region = ids 64..127.
 * Default machine: node 0 DRAM, 1 CPU, 64 frames; node 1 PMEM, 64 frames; watermarks
 * min 4 / low 8 / high 12 on both (promo 16).
 */
export function scenario(opts: ScenarioOptions = {}): Simulation {
  const nodes =
    opts.nodes ??
    `    - { id: 0, cpus: 1, memory: 256KiB, device: dram, watermarks: { min: 4, low: 8, high: 12 } }
    - { id: 1, cpus: 0, memory: 256KiB, device: pmem, watermarks: { min: 4, low: 8, high: 12 } }`;
  // Every page to the allocator and no DMA zones: the hand-computed frame counts are the memory.
  const yaml = `
topology:
  struct_page_size: 0
  memory_below_4g: 0
  nodes:
${nodes}
${opts.distances ?? ''}
kernel: { version: '${opts.version ?? '5.15'}', demotion_enabled: ${opts.demotion ?? true}${opts.kernel === undefined ? '' : `, ${opts.kernel}`} }
storage: { swap: { size: ${opts.swap ?? '0'} }, read_ahead_kb: ${opts.readAheadKb ?? 0} }
run: { duration: 1ms, epoch: 1ms }
${opts.costs === undefined ? '' : `costs: { ${opts.costs} }`}
workload:
  files: [{ name: f, size: ${opts.fileSize ?? '256KiB'} }]
  tasks:
    - name: t
      cpus: [${(opts.cpus ?? [0]).join(', ')}]
      ${opts.task ?? ''}
      regions:
        - { kind: ${opts.anonKind ?? 'anon'}, size: ${opts.anonSize ?? '256KiB'} }
        - { kind: file, file: f, access: ${opts.fileAccess ?? 'mmap'}, advice: ${opts.fileAdvice ?? 'normal'} }
`;
  const loaded = parseConfigText(yaml, '/virtual/scenario.yaml');
  const sim = createSimulation(loaded.config);
  (sim.s.params as { pageTables: boolean }).pageTables = opts.pageTables ?? false;
  return sim;
}

export interface PlaceOptions {
  young?: boolean;
  referenced?: boolean;
  active?: boolean;
  dirty?: boolean;
}

export const PG_ACTIVE_FLAG = 1;
export const PG_REFERENCED_FLAG = 2;

/** Place pages in the given order on node `nid` (each goes to the head: the first ends at the tail). */
export function place(sim: Simulation, pages: readonly number[], nid: number, o: PlaceOptions = {}): void {
  const extra = (o.active === true ? PG_ACTIVE_FLAG : 0) | (o.referenced === true ? PG_REFERENCED_FLAG : 0);
  for (const page of pages) {
    const frame = takeFrame(sim.s, nid);
    if (frame < 0) throw new Error(`node ${nid} has no free frame for page ${page}`);
    const file = page < sim.s.plan.filePages;
    mapPage(sim.s, page, frame, nid, extra, o.young === true ? 1 : 0, o.dirty === true && !file ? 1 : 0, 0);
    // Dirty page cache is dirtied as a store would (counted in nr_dirty, its inode dirtied).
    if (o.dirty === true && file) folioMarkDirty(sim.s, frame, page, -1);
  }
}

export function range(first: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => first + i);
}

export function counter(sim: Simulation, nid: number, name: CounterName): number {
  return sim.s.counters[nid * NR_COUNTERS + COUNTER_INDEX[name]];
}

export function total(sim: Simulation, name: CounterName): number {
  let sum = 0;
  for (let nid = 0; nid < sim.s.layout.nodes; nid++) sum += counter(sim, nid, name);
  return sum;
}

export function free(sim: Simulation, nid: number): number {
  return sim.s.nodeWords[nid * NODE_WORDS + W_FREE];
}

export function woken(sim: Simulation, nid: number): boolean {
  return sim.s.nodeWords[nid * NODE_WORDS + W_KSWAPD_WOKEN] !== 0;
}

/** Node a page is resident on, or -1 when it is not present. */
export function nodeOf(sim: Simulation, page: number): number {
  const e = sim.s.pte[page];
  return e > 0 ? frameNode(sim.s, e - 1) : -1;
}

export function assertSound(sim: Simulation): void {
  const problems = checkInvariants(sim.s);
  if (problems.length > 0) throw new Error(`invariants broken:\n${problems.join('\n')}`);
}

import { acksStep, migratePhase, reclaimPhase, routeStep, settlePhase } from '../../src/engine/phases.js';
import { handleHintFault, handleMiss, handleReadAccess, placeFaults } from '../../src/kernel/fault.js';
import { refreshSwapView } from '../../src/kernel/swap.js';
import { chargeKswapdCpu, planKswapdCpu } from '../../src/kernel/kswapd-cpu.js';

/** The reclaim → route → migrate rounds → settle part of an epoch, for every node. Returns rounds. */
export function reclaimEpoch(sim: Simulation): number {
  const nodes = sim.s.layout.nodes;
  refreshSwapView(sim.s);
  planKswapdCpu(sim.s, sim.ctx.kswapdCpu);
  for (let nid = 0; nid < nodes; nid++) reclaimPhase(sim, nid);
  let rounds = 0;
  for (let more = routeStep(sim) > 0; more; rounds++) {
    for (let nid = 0; nid < nodes; nid++) migratePhase(sim, nid);
    more = acksStep(sim);
  }
  for (let nid = 0; nid < nodes; nid++) settlePhase(sim, nid);
  chargeKswapdCpu(sim.s, sim.ctx.kswapdCpu);
  return rounds;
}

/**
 * CPU `cpu` touches `pages` (loads through a mapping unless `kind` says otherwise: 2 = read(),
 * +1 = store), then the place phase installs what faulted. Returns the summed access cost, ns.
 */
export function touch(sim: Simulation, cpu: number, pages: readonly number[], kind = 0): number {
  return touchInOneEpoch(sim, [[cpu, pages]], kind);
}

/**
 * Several CPUs touch their pages in one epoch's access phase (in the order given, each before
 * the place phase sees any of them), then the place phase installs what faulted.
 */
export function touchInOneEpoch(
  sim: Simulation,
  accesses: readonly (readonly [cpu: number, pages: readonly number[]])[],
  kind = 0,
): number {
  let ns = 0;
  for (const [cpu, pages] of accesses) {
    const nid = sim.s.machine.cpuNode[cpu];
    for (const page of pages) {
      const e = sim.s.pte[page];
      if (e > 0) continue;
      const cost = handleMiss(sim.s, cpu, nid, page, kind, e);
      if (cost < 0) throw new Error('fault queue full');
      ns += cost;
    }
  }
  refreshSwapView(sim.s);
  placeFaults(sim.s, sim.ctx);
  // A new "epoch" for the fault hash: later touches of these pages fault again if evicted.
  sim.s.faultHash.fill(0);
  for (let c = 0; c < sim.s.layout.cpus; c++) sim.s.cpuWords[c * CPU_WORDS + C_HASH_USED] = 0;
  return ns;
}

/**
 * CPU `cpu` read()s each present page of `pages` whose flags the access loop hands to
 * handleReadAccess (not both referenced and active), then the place step applies the calls.
 */
export function readPresent(sim: Simulation, cpu: number, pages: readonly number[]): void {
  const nid = sim.s.machine.cpuNode[cpu];
  for (const page of pages) {
    const e = sim.s.pte[page];
    if (e <= 0 || (sim.s.frameFlags[e - 1] & 3) === 3) continue;
    if (handleReadAccess(sim.s, cpu, nid, page) < 0) throw new Error('fault queue full');
  }
  placeFaults(sim.s, sim.ctx);
  sim.s.faultHash.fill(0);
  for (let c = 0; c < sim.s.layout.cpus; c++) sim.s.cpuWords[c * CPU_WORDS + C_HASH_USED] = 0;
}

/**
 * CPU `cpu` makes a mapped access to each armed page of `pages` (a NUMA hint fault), then the
 * place step handles the faults. Pages not present or not armed are skipped.
 */
export function hint(sim: Simulation, cpu: number, pages: readonly number[], store = 0): void {
  const nid = sim.s.machine.cpuNode[cpu];
  for (const page of pages) {
    const e = sim.s.pte[page];
    if (e <= 0) continue;
    const frame = e - 1;
    if ((sim.s.frameYoung[frame] & 2) === 0) continue;
    if (handleHintFault(sim.s, cpu, nid, frame, page, store, frameNode(sim.s, frame)) < 0)
      throw new Error('fault queue full');
  }
  refreshSwapView(sim.s);
  placeFaults(sim.s, sim.ctx);
  sim.s.faultHash.fill(0);
  for (let c = 0; c < sim.s.layout.cpus; c++) sim.s.cpuWords[c * CPU_WORDS + C_HASH_USED] = 0;
}

/** Arm pages as the scanner would at `scanMs` (PROT_NONE, scan time recorded). */
export function arm(sim: Simulation, pages: readonly number[], scanMs: number): void {
  for (const page of pages) {
    const frame = sim.s.pte[page] - 1;
    sim.s.frameYoung[frame] = sim.s.frameYoung[frame] | 2;
    sim.s.frameScanMs[frame] = scanMs;
  }
}

/** Set the simulated time the coordinator sees. */
export function setNow(sim: Simulation, ms: number): void {
  sim.s.globalWords[G_NOW_NS] = ms * 1e6;
}
