/**
 * The result of a run, as written to result.json: the kernel's own views (/proc/vmstat sums,
 * per-node vmstat, meminfo in kB and numastat), the score, per-task figures, the access matrix,
 * the series and the state digest. Everything except `wall` is a function of config and seed.
 */
import type { LoadedConfig } from '../config/load.js';
import {
  NODE_WORDS,
  W_LRU_SIZE,
  W_ANON_PAGES,
  W_FILE_PAGES,
  W_SHMEM_PAGES,
  W_PAGETABLES,
  W_FREE,
} from '../memory/layout.js';
import {
  FRAME_DIRTY,
  FRAME_WRITEBACK,
  LRU_ACTIVE_ANON,
  LRU_ACTIVE_FILE,
  LRU_INACTIVE_ANON,
  LRU_INACTIVE_FILE,
  PG_SWAPBACKED,
} from '../memory/flags.js';
import type { SimState } from '../memory/state.js';
import { usedFrameRanges } from '../memory/frames.js';
import { swapUsedPages } from '../kernel/swap.js';
import { G_MAX_SEQ, G_MIN_SEQ, G_TIMESTAMPS, GEN_WORDS, genOfSeq, genSize } from '../kernel/mglru/lrugen.js';
import { TIERSIM_VERSION } from '../util/version.js';
import { stateDigest } from './digest.js';
import type { Series } from './series.js';
import { taskAccesses, taskOps } from './series.js';
import { COUNTERS, NR_COUNTERS } from './vmstat.js';

export interface NodeResult {
  id: number;
  device: string;
  tier: number;
  cpus: number[];
  /**
   * The node's preferred demotion targets (what the kernel prints at boot as "Demotion targets
   * for Node N"); absent in result.json files written before it was added.
   */
  demotion_targets?: number[];
  vmstat: Record<string, number>;
  /** /sys/devices/system/node/nodeN/meminfo, kB. */
  meminfo: Record<string, number>;
  /** /sys/devices/system/node/nodeN/numastat, pages. */
  numastat: Record<string, number>;
  /** Multi-gen LRU only: the node's generations as /sys/kernel/debug/lru_gen lists them. */
  lru_gen?: LruGenResult;
}

export interface LruGenResult {
  max_seq: number;
  /** min_seq[anon], min_seq[file]. */
  min_seq: [number, number];
  /** From min_seq[anon] to max_seq: age in ms, pages per type. */
  generations: { seq: number; age_ms: number; anon: number; file: number }[];
}

export interface TaskResult {
  name: string;
  cpus: number[];
  accesses: number;
  ops: number;
  /** Operations per simulated second. */
  score: number;
}

export interface RunResult {
  version: string;
  seed: number;
  config_hash: string;
  config_file: string;
  description: string | undefined;
  kernel_version: string;
  demotion_enabled: boolean;
  /** kernel.lru_gen.enabled: reclaim ran on the multi-gen LRU. */
  lru_gen_enabled: boolean;
  /** Bytes per page (topology.page_size): turns page counters into bytes. */
  page_size: number;
  duration_ns: number;
  epoch_ns: number;
  epochs_run: number;
  epochs_planned: number;
  completed: boolean;
  /** Operations of all tasks per simulated second. */
  score: number;
  tasks: TaskResult[];
  vmstat: Record<string, number>;
  nodes: NodeResult[];
  /** Accesses by CPUs of node [row] served by memory of node [column]. */
  access_matrix: number[][];
  swap: { total_pages: number; used_pages: number };
  /** /sys/block/<dev>/stat of the disk and the swap device. */
  block: Record<string, BlockStat>;
  /** Hash of the final state; null when the run failed mid-epoch and the state is not whole. */
  digest: string | null;
  /** Why the run stopped early, when it did (interrupted, or a failure in a phase). */
  stopped_by: string | null;
  series: Series;
  /** Wall-clock facts; the only part that differs between identical runs. */
  wall: WallClock | undefined;
}

/** The fields of /sys/block/<dev>/stat (merges, in-flight and io_ticks are not modelled: 0). */
export interface BlockStat {
  read_ios: number;
  read_merges: number;
  read_sectors: number;
  read_ticks: number;
  write_ios: number;
  write_merges: number;
  write_sectors: number;
  write_ticks: number;
  in_flight: number;
  io_ticks: number;
  time_in_queue: number;
}

function blockStat(vmstat: Record<string, number>, prefix: 'disk' | 'swap'): BlockStat {
  const v = (name: string) => vmstat[`tiersim_${prefix}_${name}`];
  const readTicks = Math.round(v('read_ns') / 1e6);
  const writeTicks = Math.round(v('write_ns') / 1e6);
  return {
    read_ios: v('read_ios'),
    read_merges: 0,
    read_sectors: v('read_sectors'),
    read_ticks: readTicks,
    write_ios: v('write_ios'),
    write_merges: 0,
    write_sectors: v('write_sectors'),
    write_ticks: writeTicks,
    in_flight: 0,
    io_ticks: 0,
    time_in_queue: readTicks + writeTicks,
  };
}

export interface WallClock {
  started_at: string;
  elapsed_ms: number;
  scheduler: string;
  accesses_per_second: number;
  /** Threaded schedulers only: share of each worker's run time spent waiting at barriers, in
   * the order of `threads` (each worker's nodes). */
  barrier_wait_share?: number[];
  /** Threaded schedulers only: the nodes each worker thread ran (engine/thread-plan.ts). */
  threads?: number[][];
  /** `--threads auto` only: what it chose and why (engine/free-cores.ts). */
  auto_choice?: string;
}

function vmstatOf(s: SimState, nid: number): Record<string, number> {
  const row = nid * NR_COUNTERS;
  const out: Record<string, number> = {};
  COUNTERS.forEach((spec, i) => {
    out[spec.name] = s.counters[row + i]!;
  });
  return out;
}

/**
 * meminfo Dirty and Writeback of node `nid`: page-cache pages whose dirty byte is FRAME_DIRTY
 * (NR_FILE_DIRTY) and FRAME_WRITEBACK (a write in flight, kernel/writeback.ts). A dirty
 * anonymous page is not counted: Linux's Dirty sums folios accounted by
 * folio_account_dirtied(), which only mapping-backed (file) folios reach; anon dirtiness lives
 * in the PTE until swap-out. Counted from the frames, independently of the nr_dirty /
 * nr_writeback gauges kept as pages change: one pass over the frames ever handed out (the others
 * are clean), with the columns in locals (a callback per frame made this 1.7 % of a quickstart
 * run's CPU).
 */
function fileDirtyCounts(s: SimState, nid: number): { dirty: number; writeback: number } {
  const flagsCol = s.frameFlags;
  const dirtyCol = s.frameDirty;
  const pageCol = s.framePage;
  let dirty = 0;
  let writeback = 0;
  const [a0, a1, b0, b1] = usedFrameRanges(s, nid);
  for (const [from, to] of [
    [a0, a1],
    [b0, b1],
  ]) {
    for (let f = from; f < to; f++) {
      const state = dirtyCol[f];
      if (state !== FRAME_DIRTY && state !== FRAME_WRITEBACK) continue;
      const flags = flagsCol[f];
      if (pageCol[f] < 0 || flags === 0 || (flags & PG_SWAPBACKED) !== 0) continue;
      if (state === FRAME_DIRTY) dirty++;
      else writeback++;
    }
  }
  return { dirty, writeback };
}

function meminfoOf(s: SimState, nid: number): Record<string, number> {
  const w = nid * NODE_WORDS;
  const kb = s.params.pageKiB;
  const lru = (l: number) => s.nodeWords[w + W_LRU_SIZE + l] * kb;
  const total = s.layout.managedPages[nid] * kb;
  const free = s.nodeWords[w + W_FREE] * kb;
  const file = fileDirtyCounts(s, nid);
  return {
    MemTotal: total,
    MemFree: free,
    MemUsed: total - free,
    Active: lru(LRU_ACTIVE_ANON) + lru(LRU_ACTIVE_FILE),
    Inactive: lru(LRU_INACTIVE_ANON) + lru(LRU_INACTIVE_FILE),
    'Active(anon)': lru(LRU_ACTIVE_ANON),
    'Inactive(anon)': lru(LRU_INACTIVE_ANON),
    'Active(file)': lru(LRU_ACTIVE_FILE),
    'Inactive(file)': lru(LRU_INACTIVE_FILE),
    Dirty: file.dirty * kb,
    Writeback: file.writeback * kb,
    // Shmem pages are swap-backed (on the anon LRU) but page cache: meminfo counts them in
    // FilePages and Shmem (NR_FILE_PAGES, NR_SHMEM), not in AnonPages (NR_ANON_MAPPED).
    FilePages: (s.nodeWords[w + W_FILE_PAGES] + s.nodeWords[w + W_SHMEM_PAGES]) * kb,
    AnonPages: (s.nodeWords[w + W_ANON_PAGES] - s.nodeWords[w + W_SHMEM_PAGES]) * kb,
    Shmem: s.nodeWords[w + W_SHMEM_PAGES] * kb,
    // Page-table pages on this node (NR_PAGETABLE; kernel/pgtable.ts).
    PageTables: s.nodeWords[w + W_PAGETABLES] * kb,
  };
}

/** lru_gen_seq_show() (not the full form): each generation's age and pages of each type. */
function lruGenOf(s: SimState, nid: number, now: number): LruGenResult {
  const g = nid * GEN_WORDS;
  const max = s.lruGenWords[g + G_MAX_SEQ];
  const minAnon = s.lruGenWords[g + G_MIN_SEQ];
  const generations: LruGenResult['generations'] = [];
  for (let seq = minAnon; seq <= max; seq++) {
    const gen = genOfSeq(seq);
    generations.push({
      seq,
      age_ms: Math.floor((now - s.lruGenWords[g + G_TIMESTAMPS + gen]) / 1e6),
      anon: Math.max(0, genSize(s, nid, gen, 0)),
      file: Math.max(0, genSize(s, nid, gen, 1)),
    });
  }
  return { max_seq: max, min_seq: [minAnon, s.lruGenWords[g + G_MIN_SEQ + 1]], generations };
}

function numastatOf(vmstat: Record<string, number>): Record<string, number> {
  return {
    numa_hit: vmstat['numa_hit'],
    numa_miss: vmstat['numa_miss'],
    numa_foreign: vmstat['numa_foreign'],
    interleave_hit: vmstat['numa_interleave'],
    local_node: vmstat['numa_local'],
    other_node: vmstat['numa_other'],
  };
}

export interface ResultInputs {
  loaded: Pick<LoadedConfig, 'config' | 'hash' | 'file'>;
  series: Series;
  epochsDone: number;
  epochsPlanned: number;
  wall: WallClock | undefined;
  stoppedBy: string | null;
  /** False when the state is a snapshot of counters only (no digest). */
  wholeState: boolean;
}

export function buildResult(s: SimState, inputs: ResultInputs): RunResult {
  const { loaded, series, epochsDone, epochsPlanned, wall, stoppedBy, wholeState } = inputs;
  const { machine, params } = s;
  const nodes: NodeResult[] = machine.nodes.map((n) => {
    const vmstat = vmstatOf(s, n.nid);
    return {
      id: n.nid,
      device: n.device,
      tier: machine.tiers[machine.nodeTier[n.nid]]?.id ?? -1,
      cpus: n.cpus,
      demotion_targets: [...machine.demotion.preferred[n.nid]],
      vmstat,
      meminfo: meminfoOf(s, n.nid),
      numastat: numastatOf(vmstat),
      ...(s.layout.lruGen ? { lru_gen: lruGenOf(s, n.nid, epochsDone * params.epochNs) } : {}),
    };
  });
  const vmstat: Record<string, number> = {};
  for (const spec of COUNTERS)
    vmstat[spec.name] =
      spec.machineWide === 'max'
        ? Math.max(...nodes.map((node) => node.vmstat[spec.name]))
        : nodes.reduce((sum, node) => sum + node.vmstat[spec.name], 0);
  const seconds = (epochsDone * params.epochNs) / 1e9;
  const ops = taskOps(s);
  const accesses = taskAccesses(s);
  const tasks: TaskResult[] = s.plan.tasks.map((t, i) => ({
    name: t.name,
    cpus: t.cpus,
    accesses: accesses[i],
    ops: ops[i],
    score: seconds > 0 ? ops[i] / seconds : 0,
  }));
  const n = s.layout.nodes;
  const accessMatrix = Array.from({ length: n }, (_, c) =>
    Array.from(s.accessMatrix.subarray(c * n, (c + 1) * n)),
  );
  return {
    version: TIERSIM_VERSION,
    seed: params.seed,
    config_hash: loaded.hash,
    config_file: loaded.file,
    description: loaded.config.description,
    kernel_version: params.kernelVersion,
    demotion_enabled: params.demotionEnabled,
    lru_gen_enabled: params.lruGen,
    page_size: params.pageSize,
    duration_ns: epochsDone * params.epochNs,
    epoch_ns: params.epochNs,
    epochs_run: epochsDone,
    epochs_planned: epochsPlanned,
    completed: epochsDone === epochsPlanned,
    score: seconds > 0 ? tasks.reduce((sum, t) => sum + t.ops, 0) / seconds : 0,
    tasks,
    vmstat,
    nodes,
    access_matrix: accessMatrix,
    swap: { total_pages: params.swapPages, used_pages: swapUsedPages(s) },
    block: { [params.disk.name]: blockStat(vmstat, 'disk'), [params.swap.name]: blockStat(vmstat, 'swap') },
    digest: wholeState ? stateDigest(s) : null,
    stopped_by: stoppedBy,
    series,
    wall,
  };
}
