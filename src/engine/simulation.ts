/**
 * A Simulation: the SimState of one experiment plus the per-thread objects its phases use (the
 * access-loop closure, the reclaim scan controls) and the protocol's shared buffers. Built from
 * a validated config; every thread that runs phases opens its own Simulation over the same
 * shared buffers.
 */
import { flusherPagesPerEpoch } from '../kernel/writeback.js';
import { fillIdleLatency } from '../memory/traffic.js';
import type { Config } from '../config/schema.js';
import {
  CPU_WORDS,
  NODE_WORDS,
  allocateBuffers,
  computeLayout,
  type StateBuffers,
  type StateLayout,
} from '../memory/layout.js';
import { attachState, initState, simParams, type SimParams, type SimState } from '../memory/state.js';
import { seriesRowWords } from '../metrics/series.js';
import { NR_COUNTERS } from '../metrics/vmstat.js';
import { buildMachine } from '../topology/build.js';
import type { Machine } from '../topology/machine.js';
import { createReclaimContext, type ReclaimContext } from '../kernel/vmscan.js';
import { buildWorkloadPlan, type WorkloadPlan } from '../workload/plan.js';
import { makeAccessRunner, type AccessRunner } from './access-phase.js';
import { initSequentialPositions } from '../workload/generate.js';
import { initNumaScan } from '../kernel/numa.js';
import { CONTROL_INT32S, K_SNAPSHOT_EPOCHS } from './protocol.js';

/** Shared buffers of the epoch protocol (not simulation state): control block, series, snapshot. */
export interface RunBuffers {
  control: SharedArrayBuffer;
  series: SharedArrayBuffer;
  /** Counters, node words and CPU words as of the end of the last finished epoch. */
  snapshot: SharedArrayBuffer;
  maxSamples: number;
  /** Wall-clock statistics of the worker threads, per worker (at most one per node): ms waiting
   * at barriers, ms running (Float64). */
  threadStats: SharedArrayBuffer;
}

/** Everything needed to rebuild a Simulation in another thread (structured-cloneable). */
export interface SimulationSpec {
  layout: StateLayout;
  machine: Machine;
  plan: WorkloadPlan;
  params: SimParams;
  buffers: StateBuffers;
  /** Timed actions, resolved to page ranges and epochs. */
  actions: PlannedAction[];
  epochs: number;
  sampleEveryEpochs: number;
  run: RunBuffers;
  /** Longest a thread waits at a barrier before the run fails, ms. */
  barrierTimeoutMs: number;
}

export interface PlannedAction {
  epoch: number;
  /** madvise_pageout: MADV_PAGEOUT over the pages; populate: read them into the page cache, as
   * `pgbench -i` leaves its database (allocated from `cpu`'s node, in page order). */
  kind: 'madvise_pageout' | 'populate';
  /** populate only: false writes the pages without mapping them (prefault: 'written'). */
  mapped: boolean;
  firstPage: number;
  endPage: number;
  cpuNid: number;
  cpu: number;
}

export interface Simulation {
  readonly spec: SimulationSpec;
  readonly s: SimState;
  readonly ctx: ReclaimContext;
  readonly runCpu: AccessRunner;
  readonly control: Int32Array;
  readonly series: Float64Array;
  readonly snapshot: Float64Array;
}

/** Per worker in RunBuffers.threadStats: [ms waiting at barriers, ms in run()]. */
export const THREAD_STAT_WORDS = 2;

/** Most samples a run keeps for its series unless run.sample_interval says otherwise. */
export const MAX_DEFAULT_SAMPLES = 2000;

/** Float64 words of the end-of-epoch snapshot: counters, node words, CPU words. */
export function snapshotWords(layout: StateLayout): number {
  return layout.nodes * NR_COUNTERS + layout.nodes * NODE_WORDS + layout.cpus * CPU_WORDS;
}

export function planSimulation(config: Config): SimulationSpec {
  const machine = buildMachine(config.topology, config.kernel);
  const plan = buildWorkloadPlan(config, machine);
  const params = simParams(config, machine);
  const layout = computeLayout(machine, plan, {
    faultBatchMax: config.costs.fault_batch_max,
    epochNs: config.run.epoch,
    minorFaultNs: config.costs.minor_fault,
    reclaimScanNs: config.costs.reclaim_scan_per_page,
    lruGen: params.lruGen,
    // Writes in flight per node: many epochs of the flusher's budget (completions lag it).
    writebackQueueMax: 16 * flusherPagesPerEpoch(config.run.epoch, params.disk.writeBps, machine.pageSize),
  });
  const epochs = Math.max(1, Math.ceil(config.run.duration / config.run.epoch));
  const sampleEveryEpochs =
    config.run.sample_interval !== undefined
      ? Math.max(1, Math.round(config.run.sample_interval / config.run.epoch))
      : Math.max(1, Math.ceil(epochs / MAX_DEFAULT_SAMPLES));
  const actions: PlannedAction[] = (config.workload?.actions ?? []).map((action) => {
    const task = plan.tasks.find((t) => t.name === action.task)!;
    const region = task.regions[action.region];
    return {
      epoch: Math.floor(action.at / config.run.epoch),
      kind: action.do,
      mapped: true,
      firstPage: region.firstPage + Math.floor(action.start * region.pages),
      endPage: region.firstPage + Math.floor(action.end * region.pages),
      cpuNid: machine.cpuNode[task.cpus[0]],
      cpu: task.cpus[0],
    };
  });
  // Touch a region's pages in order at epoch 0, from the task's first CPU (or write() them).
  const populate = (
    task: (typeof plan.tasks)[number],
    r: { firstPage: number; pages: number },
    mapped = true,
  ) =>
    actions.push({
      epoch: 0,
      kind: 'populate',
      mapped,
      firstPage: r.firstPage,
      endPage: r.firstPage + r.pages,
      cpuNid: machine.cpuNode[task.cpus[0]],
      cpu: task.cpus[0],
    });
  for (const [t, task] of plan.tasks.entries()) {
    (config.workload?.tasks[t]?.regions ?? []).forEach((region, i) => {
      if (region.prefault !== false) populate(task, task.regions[i], region.prefault !== 'written');
    });
  }
  // A pgbench database starts initialised: in the page cache, placed as its loader left it.
  for (const task of plan.tasks) if (task.pgbench !== undefined) populate(task, task.regions[1]);
  // Stable sort: populate (appended last) runs after the user's actions of epoch 0.
  actions.sort((a, b) => a.epoch - b.epoch);
  const maxSamples = Math.ceil(epochs / sampleEveryEpochs) + 1;
  const run: RunBuffers = {
    control: new SharedArrayBuffer(CONTROL_INT32S * 4),
    series: new SharedArrayBuffer(maxSamples * seriesRowWords(layout.nodes) * 8),
    snapshot: new SharedArrayBuffer(snapshotWords(layout) * 8),
    maxSamples,
    threadStats: new SharedArrayBuffer(layout.nodes * THREAD_STAT_WORDS * 8),
  };
  return {
    layout,
    machine,
    plan,
    params,
    buffers: allocateBuffers(layout),
    actions,
    epochs,
    sampleEveryEpochs,
    run,
    barrierTimeoutMs: config.run.barrier_timeout / 1e6,
  };
}

/** Views and per-thread objects over a spec's buffers; `init` only in the thread that allocated them. */
export function openSimulation(spec: SimulationSpec, init: boolean): Simulation {
  const s = attachState(spec.layout, spec.machine, spec.plan, spec.params, spec.buffers);
  const control = new Int32Array(spec.run.control);
  if (init) {
    initState(s);
    // The loaded-latency table starts idle (kernel/bandwidth.ts loads it each epoch).
    fillIdleLatency(s.traffic.latency, s.machine);
    initSequentialPositions(s);
    initNumaScan(s);
    Atomics.store(control, K_SNAPSHOT_EPOCHS, -1);
  }
  return {
    spec,
    s,
    ctx: createReclaimContext(s),
    runCpu: makeAccessRunner(s),
    control,
    series: new Float64Array(spec.run.series),
    snapshot: new Float64Array(spec.run.snapshot),
  };
}

export function createSimulation(config: Config): Simulation {
  return openSimulation(planSimulation(config), true);
}
