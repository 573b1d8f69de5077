/**
 * SimState: typed-array views over a simulation's shared buffers, plus the read-only facts every
 * phase needs (machine, workload plan, cost parameters). All state of one experiment hangs off
 * one SimState; modules keep no mutable state of their own, so a pooled thread can run many
 * experiments one after another.
 */
import { trafficViews, type TrafficViews } from './traffic.js';
import { versionAtLeast, type Config, type KernelVersion } from '../config/schema.js';
import type { Machine } from '../topology/machine.js';
import type { WorkloadPlan } from '../workload/plan.js';
import { NR_COUNTERS } from '../metrics/vmstat.js';
import { PRNG_WORDS, STREAM_NODE_BASE, seedStream } from '../workload/prng.js';
import {
  CPU_WORDS,
  C_NEXT_SEQUENTIAL,
  NODE_WORDS,
  W_FRAME_END,
  W_FRAME_START,
  W_FREE,
  W_FREE_HEAD,
  W_BUMP,
  W_LRU_HEAD,
  W_LRU_TAIL,
  W_WMARK_HIGH,
  W_WMARK_LOW,
  W_WMARK_MIN,
  W_WMARK_PROMO,
  LRU_GEN_NODE_WORDS,
  lruGenPmds,
  writebackWords,
  W_UNMOVABLE_FREE,
  W_UNMOV_NEVER_USED,
  RINGS_PER_NODE,
  type StateBuffers,
  type StateLayout,
} from './layout.js';
import { NR_LRU_LISTS } from './flags.js';
import { assert } from '../util/assert.js';
import { Ring } from '../shm/ring.js';
import { initLruGen } from '../kernel/mglru/lrugen.js';
import { resolveBlockDevice, type BlockDeviceParams } from '../topology/storage.js';
import { nodeWatermarks } from '../topology/zones.js';

/** Costs and knobs the phases read, in integer nanoseconds / pages / booleans. */
export interface SimParams {
  seed: number;
  epochNs: number;
  durationNs: number;
  pageSize: number;
  pageKiB: number;
  demotionEnabled: boolean;
  /**
   * Page-table pages are allocated (kernel/pgtable.ts). Always true for a run, as on Linux;
   * only the hand-computed scenarios of one other mechanism (test/kernel/scenario.ts) turn it
   * off to keep their frame counts. Not a config key.
   */
  pageTables: boolean;
  kernelVersion: KernelVersion;
  swappiness: number;
  /** kernel.lru_gen.enabled: reclaim with the multi-gen LRU (src/kernel/mglru/). */
  lruGen: boolean;
  /** kernel.lru_gen.min_ttl_ms. */
  lruGenMinTtlMs: number;
  /** vm.watermark_boost_factor. */
  watermarkBoostFactor: number;
  swapPages: number;
  disk: BlockDeviceParams;
  swap: BlockDeviceParams;
  /** Largest readahead window, pages (read_ahead_kb). */
  readAheadPages: number;
  /** Largest swap-in readahead window, pages: 1 << min(vm.page_cluster, 5) (swap_vma_ra_win). */
  swapRaMaxPages: number;
  numa: NumaParams;
  minorFaultNs: number;
  reclaimScanNs: number;
  /** MGLRU aging walk, per young PTE cleared (costs.lru_gen_walk_per_pte). */
  lruGenWalkNs: number;
  migrateFixedNs: number;
  /** costs.migrate_unmapped_per_page: the fixed cost for a page nothing maps (isUnmappedPage). */
  migrateUnmappedNs: number;
  /** Time to copy one page into each node (page size / node write bandwidth), ns. */
  copyNsInto: number[];
  dirty: DirtyParams;
}

/** The vm.dirty_* knobs (kernel/writeback.ts) and the reserve dirtyable memory leaves out. */
export interface DirtyParams {
  backgroundRatio: number;
  ratio: number;
  backgroundBytes: number;
  bytes: number;
  expireNs: number;
  /** dirty_writeback_centisecs in ns; 0 = no periodic writeback. */
  writebackIntervalNs: number;
  /** totalreserve_pages (calculate_totalreserve_pages over every zone of every node). */
  totalreservePages: number;
}

/**
 * calculate_totalreserve_pages(): per zone its largest lowmem_reserve plus its high watermark,
 * capped at its managed pages. A node given fixed watermarks reserves its fixed HIGH (the
 * marks in force) instead of its zones' formula marks.
 */
export function totalreservePages(machine: Machine): number {
  let total = 0;
  machine.nodes.forEach((node, nid) => {
    const high = machine.watermarks[nid].high;
    if (node.zones.length === 0 || nodeWatermarks(node.zones).high !== high) {
      total += Math.min(node.managedPages, high);
      return;
    }
    for (const z of node.zones) {
      let max = 0;
      for (let j = z.zone; j < z.lowmemReserve.length; j++) max = Math.max(max, z.lowmemReserve[j]);
      total += Math.min(z.managedPages, max + z.watermarks.high);
    }
  });
  return total;
}

/** kernel.numa_balancing and its knobs, in the units the code uses. */
export interface NumaParams {
  /** Bit field: NUMA_BALANCING_NORMAL (1), NUMA_BALANCING_MEMORY_TIERING (2). */
  mode: number;
  scanDelayMs: number;
  scanPeriodMinMs: number;
  scanPeriodMaxMs: number;
  /** Pages armed per scan (scan_size_mb). */
  scanPages: number;
  scanSizeMb: number;
  hotThresholdMs: number;
  /** Promotion rate limit, pages per second. */
  rateLimitPagesPerS: number;
  /**
   * Patches of the 6.1 hot-page selection series in force: 0 = none (5.18/6.0: the two-stage
   * filter); 1 hot-page selection; 2 + rate limit; 3 + threshold adjustment.
   */
  patches: number;
  hintFaultNs: number;
  /** CPU time of change_prot_numa per present PTE walked (costs.numa_scan_per_pte). */
  scanPerPteNs: number;
}

function numaParams(config: Config, pageSize: number): NumaParams {
  const k = config.kernel;
  return {
    mode: k.numa_balancing,
    scanDelayMs: k.numa_balancing_scan_delay_ms,
    scanPeriodMinMs: k.numa_balancing_scan_period_min_ms,
    scanPeriodMaxMs: k.numa_balancing_scan_period_max_ms,
    scanPages: Math.floor((k.numa_balancing_scan_size_mb * 1024 * 1024) / pageSize),
    scanSizeMb: k.numa_balancing_scan_size_mb,
    hotThresholdMs: k.numa_balancing_hot_threshold_ms,
    rateLimitPagesPerS: Math.floor((k.numa_balancing_promote_rate_limit_MBps * 1024 * 1024) / pageSize),
    patches: k.promotion_patches ?? (versionAtLeast(k.version, '6.1') ? 3 : 0),
    hintFaultNs: config.costs.hint_fault,
    scanPerPteNs: config.costs.numa_scan_per_pte,
  };
}

export interface SimState {
  readonly layout: StateLayout;
  readonly machine: Machine;
  readonly plan: WorkloadPlan;
  readonly params: SimParams;
  readonly buffers: StateBuffers;
  readonly framePage: Int32Array;
  readonly frameFlags: Uint8Array;
  readonly frameYoung: Uint8Array;
  readonly frameDirty: Uint8Array;
  readonly frameAccessed: Uint8Array;
  readonly frameScanMs: Uint32Array;
  readonly taskWords: Float64Array;
  readonly lruPrev: Int32Array;
  readonly lruNext: Int32Array;
  readonly chunkNode: Uint8Array;
  readonly pte: Int32Array;
  readonly nodeWords: Float64Array;
  readonly counters: Float64Array;
  readonly accessMatrix: Float64Array;
  /** Stores per [cpu node][memory node], beside accessMatrix (src/memory/traffic.ts). */
  readonly storeMatrix: Float64Array;
  readonly traffic: TrafficViews;
  readonly cpuWords: Float64Array;
  readonly prng: Uint32Array;
  readonly batch: Uint32Array;
  readonly seqPos: Float64Array;
  readonly faultHash: Uint32Array;
  readonly ringWords: Int32Array;
  /** rings[nid * RINGS_PER_NODE + kind]: this thread's handles on the shared rings. */
  readonly rings: Ring[];
  readonly globalWords: Float64Array;
  /** Multi-gen LRU (empty when off): per frame generation + 1 and refs; per node its words. */
  readonly frameGen: Uint8Array;
  readonly lruGenWords: Float64Array;
  readonly lruGenBloom: Uint8Array;
  /** Page-cache writeback (layout.ts I_*, WB_*): per-file words, then each node's queue. */
  readonly writeback: Float64Array;
  /** Page-table pages (kernel/pgtable.ts): per slot the table's frame + 1, 0 = none. */
  readonly pgtableFrame: Int32Array;
}

export function simParams(config: Config, machine: Machine): SimParams {
  const pageSize = machine.pageSize;
  return {
    seed: config.run.seed,
    epochNs: config.run.epoch,
    durationNs: config.run.duration,
    pageSize,
    pageKiB: pageSize / 1024,
    demotionEnabled: config.kernel.demotion_enabled,
    pageTables: true,
    kernelVersion: config.kernel.version,
    swappiness: config.kernel.swappiness,
    lruGen: config.kernel.lru_gen?.enabled ?? false,
    lruGenMinTtlMs: config.kernel.lru_gen?.min_ttl_ms ?? 0,
    watermarkBoostFactor: config.kernel.watermark_boost_factor,
    swapPages: Math.floor(config.storage.swap.size / pageSize),
    disk: resolveBlockDevice(config.storage.disk),
    swap: resolveBlockDevice(config.storage.swap, 'swap0'),
    readAheadPages: Math.floor((config.storage.read_ahead_kb * 1024) / pageSize),
    // SWAP_RA_ORDER_CEILING (mm/swap_state.c) caps the VMA-based window at 2^5 pages.
    swapRaMaxPages: 1 << Math.min(config.kernel.page_cluster, 5),
    numa: numaParams(config, pageSize),
    minorFaultNs: config.costs.minor_fault,
    reclaimScanNs: config.costs.reclaim_scan_per_page,
    lruGenWalkNs: config.costs.lru_gen_walk_per_pte ?? config.costs.reclaim_scan_per_page,
    migrateFixedNs: config.costs.migrate_per_page,
    migrateUnmappedNs: config.costs.migrate_unmapped_per_page ?? config.costs.migrate_per_page,
    copyNsInto: machine.nodes.map((n) => Math.round((pageSize / n.bandwidthWriteBps) * 1e9)),
    dirty: {
      backgroundRatio: config.kernel.dirty_background_ratio,
      ratio: config.kernel.dirty_ratio,
      backgroundBytes: config.kernel.dirty_background_bytes,
      bytes: config.kernel.dirty_bytes,
      expireNs: config.kernel.dirty_expire_centisecs * 10_000_000,
      writebackIntervalNs: config.kernel.dirty_writeback_centisecs * 10_000_000,
      totalreservePages: totalreservePages(machine),
    },
  };
}

/** Build views over existing buffers (used by the allocating thread and by node workers alike). */
export function attachState(
  layout: StateLayout,
  machine: Machine,
  plan: WorkloadPlan,
  params: SimParams,
  buffers: StateBuffers,
): SimState {
  const ringWords = new Int32Array(buffers.rings);
  const traffic = trafficViews(buffers.traffic, layout.nodes);
  const rings: Ring[] = [];
  for (let nid = 0; nid < layout.nodes; nid++) {
    for (let k = 0; k < RINGS_PER_NODE; k++) {
      rings.push(
        new Ring(ringWords, layout.ringBase[nid][k], layout.ringCapacity[k], layout.ringRecordWords[k]),
      );
    }
  }
  return {
    layout,
    machine,
    plan,
    params,
    buffers,
    framePage: new Int32Array(buffers.framePage, 0, layout.totalFrames),
    frameFlags: new Uint8Array(buffers.frameFlags, 0, layout.totalFrames),
    frameYoung: new Uint8Array(buffers.frameYoung, 0, layout.totalFrames),
    frameDirty: new Uint8Array(buffers.frameDirty, 0, layout.totalFrames),
    frameAccessed: new Uint8Array(buffers.frameAccessed, 0, layout.totalFrames),
    frameScanMs: new Uint32Array(buffers.frameScanMs, 0, layout.totalFrames),
    taskWords: new Float64Array(buffers.taskWords),
    lruPrev: new Int32Array(buffers.lruPrev, 0, layout.totalFrames),
    lruNext: new Int32Array(buffers.lruNext, 0, layout.totalFrames),
    chunkNode: new Uint8Array(buffers.chunkNode),
    pte: new Int32Array(buffers.pte, 0, layout.pages),
    nodeWords: new Float64Array(buffers.nodeWords, 0, layout.nodes * NODE_WORDS),
    counters: new Float64Array(buffers.counters, 0, layout.nodes * NR_COUNTERS),
    accessMatrix: new Float64Array(buffers.accessMatrix, 0, layout.nodes * layout.nodes),
    storeMatrix: traffic.stores,
    traffic,
    cpuWords: new Float64Array(buffers.cpuWords, 0, layout.cpus * CPU_WORDS),
    prng: new Uint32Array(buffers.prng, 0, (layout.cpus + layout.nodes) * PRNG_WORDS),
    batch: new Uint32Array(buffers.batch),
    seqPos: new Float64Array(buffers.seqPos),
    faultHash: new Uint32Array(buffers.faultHash),
    ringWords,
    rings,
    globalWords: new Float64Array(buffers.globalWords),
    frameGen: new Uint8Array(buffers.frameGen, 0, layout.lruGen ? layout.totalFrames : 0),
    lruGenWords: new Float64Array(
      buffers.lruGenWords,
      0,
      layout.lruGen ? layout.nodes * LRU_GEN_NODE_WORDS : 0,
    ),
    lruGenBloom: new Uint8Array(
      buffers.lruGenBloom,
      0,
      layout.lruGen ? layout.nodes * 2 * lruGenPmds(layout.pages) : 0,
    ),
    writeback: new Float64Array(buffers.writeback, 0, writebackWords(layout)),
    pgtableFrame: new Int32Array(buffers.pgtableFrame, 0, layout.pgtables.slots),
  };
}

/**
 * Initialise freshly allocated (zero-filled) buffers: node ranges, empty lists, watermarks,
 * PRNG streams. Frame columns are left untouched (zero) and are initialised lazily when a
 * frame is first handed out by the bump allocator, so a large machine costs nothing up front.
 */
export function initState(s: SimState): void {
  const { layout, machine } = s;
  const chunk = 2 ** layout.frameShift;
  for (let nid = 0; nid < layout.nodes; nid++) {
    const w = nid * NODE_WORDS;
    const start = layout.frameStart[nid];
    const managed = layout.managedPages[nid];
    s.nodeWords[w + W_FRAME_START] = start;
    s.nodeWords[w + W_FRAME_END] = start + managed;
    s.nodeWords[w + W_FREE] = managed;
    s.nodeWords[w + W_FREE_HEAD] = -1;
    s.nodeWords[w + W_BUMP] = start;
    for (let lru = 0; lru < NR_LRU_LISTS; lru++) {
      s.nodeWords[w + W_LRU_HEAD + lru] = -1;
      s.nodeWords[w + W_LRU_TAIL + lru] = -1;
    }
    const wm = machine.watermarks[nid];
    // __setup_per_zone_wmarks orders the marks; the watermark checks and kswapd's balancing
    // (LOW wakes it, HIGH/PROMO stop it) rely on it. A node starts on a chunk (frameNode).
    assert(
      wm.min >= 0 && wm.min <= wm.low && wm.low <= wm.high && wm.high <= wm.promo,
      'state: watermarks not ordered min <= low <= high <= promo',
    );
    assert(start % chunk === 0, 'state: node frames do not start on a chunk');
    s.nodeWords[w + W_WMARK_MIN] = wm.min;
    s.nodeWords[w + W_WMARK_LOW] = wm.low;
    s.nodeWords[w + W_WMARK_HIGH] = wm.high;
    s.nodeWords[w + W_WMARK_PROMO] = wm.promo;
    // The free pages of the node's non-movable pageblocks are its top frames (frames.ts).
    const unmovable = start + managed - layout.unmovableStart[nid];
    s.nodeWords[w + W_UNMOVABLE_FREE] = unmovable;
    s.nodeWords[w + W_UNMOV_NEVER_USED] = unmovable;
    const firstChunk = start / chunk;
    const chunks = Math.ceil(managed / chunk);
    s.chunkNode.fill(nid, firstChunk, firstChunk + chunks);
    if (layout.lruGen) initLruGen(s, nid);
  }
  for (let cpu = 0; cpu < layout.cpus; cpu++) {
    seedStream(s.prng, cpu * PRNG_WORDS, s.params.seed, cpu);
    s.cpuWords[cpu * CPU_WORDS + C_NEXT_SEQUENTIAL] = -1;
  }
  for (let nid = 0; nid < layout.nodes; nid++) {
    seedStream(s.prng, (layout.cpus + nid) * PRNG_WORDS, s.params.seed, STREAM_NODE_BASE + nid);
  }
}

/** PRNG offset of a node's kernel stream (kswapd's demotion-target choice). */
export function nodeStreamOffset(s: SimState, nid: number): number {
  return (s.layout.cpus + nid) * PRNG_WORDS;
}

/** The ring of kind `kind` (RING_FAULT, ...) belonging to node `nid`. */
export function ringOf(s: SimState, nid: number, kind: number): Ring {
  return s.rings[nid * RINGS_PER_NODE + kind];
}
