/**
 * Where every piece of simulation state lives: one SharedArrayBuffer per column, sized from the
 * machine and the workload. Any thread can build the same views over the same buffers, so a
 * node's phases can run inline or in that node's worker without copying anything.
 *
 * Frames use global frame numbers: node n owns the contiguous range
 * [frameStart[n], frameStart[n] + managedPages[n]); ranges are padded to a multiple of
 * 2^frameShift so that the node of a frame is one lookup, chunkNode[frame >>> frameShift].
 *
 *   frame columns (one entry per frame, 16 bytes):
 *     framePage     Int32  page id held, -1 when free
 *     frameFlags    Uint8  PG_* bits (owner writes only)
 *     frameYoung    Uint8  PTE accessed bit (plain byte stores from any accessing CPU)
 *     frameDirty    Uint8  PTE dirty bit (plain byte stores from any accessing CPU)
 *     frameAccessed Uint8  read()/write() accesses not yet seen by reclaim (see access-loop.ts)
 *     frameScanMs   Uint32 NUMA balancing: scan time of an armed slow page, or last faulting
 *                          node + 1 (the kernel's cpupid field holds one or the other)
 *     lruPrev    Int32   LRU links; lruNext also links the free list
 *     frameGen   Uint8   multi-gen LRU only (else empty): generation + 1 and LRU_REFS (kernel/mglru)
 *     lruNext    Int32
 *   pte          Int32   per page: 0 = never touched, f+1 = present in frame f, <0 = evicted (shadow)
 */
import { trafficWords } from './traffic.js';
import type { Machine } from '../topology/machine.js';
import type { WorkloadPlan } from '../workload/plan.js';
import { NR_COUNTERS } from '../metrics/vmstat.js';
import { PRNG_WORDS } from '../workload/prng.js';
import { assert } from '../util/assert.js';
import { ringCapacityFor, ringWords } from '../shm/ring.js';

// Per-node scalar words (Float64, exact integers up to 2^53).
export const W_FRAME_START = 0;
export const W_FRAME_END = 1;
export const W_FREE = 2;
export const W_FREE_HEAD = 3;
export const W_BUMP = 4;
/** LRU list heads, tails and sizes: W_LRU_HEAD + lru, etc. */
export const W_LRU_HEAD = 5;
export const W_LRU_TAIL = 9;
export const W_LRU_SIZE = 13;
export const W_ISOLATED_ANON = 17;
export const W_ISOLATED_FILE = 18;
export const W_ANON_PAGES = 19;
export const W_FILE_PAGES = 20;
export const W_WMARK_MIN = 21;
export const W_WMARK_LOW = 22;
export const W_WMARK_HIGH = 23;
export const W_WMARK_PROMO = 24;
export const W_KSWAPD_WOKEN = 25;
export const W_KSWAPD_FAILURES = 26;
export const W_NONRESIDENT_AGE = 27;
export const W_ANON_COST = 28;
export const W_FILE_COST = 29;
/** workingset_activate_{anon,file} when reclaim last looked (snapshot_refaults; may_deactivate). */
export const W_REFAULTS_SEEN_ANON = 32;
export const W_REFAULTS_SEEN_FILE = 33;
/** Demotion batches started by this node (batch ids). */
export const W_BATCH_SEQ = 36;
/** Pages isolated by kswapd for demotion and not yet settled (count as reclaimed in flight;
 * also the number of demotion records the node must get back when it settles). */
export const W_DEMOTE_PENDING = 37;
/** Swap slots holding pages this node evicted. */
export const W_SWAP_USED = 39;
/** W_SWAP_USED when the coordinator last refreshed the swap view (see G_SWAP_USED_AT_PHASE). */
export const W_SWAP_BASE = 40;
/** kswapd's balance_pgdat run, which may span epochs: running flag, priority, pages reclaimed. */
export const W_KSWAPD_RUNNING = 41;
export const W_KSWAPD_PRIORITY = 42;
export const W_KSWAPD_RUN_RECLAIMED = 43;
/** Promotions of pages on this node in flight (isolated by the coordinator, settled by the node). */
export const W_PROMOTE_PENDING = 44;
/** 6.0 promotion state of this node as a target: hot threshold (0 = default), rate-limit period
 * start and candidates then, threshold-adjustment period start and candidates then. */
export const W_PROMO_THRESHOLD_MS = 45;
export const W_PROMO_RL_START_MS = 46;
export const W_PROMO_RL_CANDIDATES = 47;
export const W_PROMO_TH_START_MS = 48;
export const W_PROMO_TH_CANDIDATES = 49;
/** Promotions into this node queued in the current place step (their frames are not taken yet). */
export const W_PROMO_QUEUED = 50;
/** watermark_boost of the node (pages), added to every mark (wmark_pages()). */
export const W_WMARK_BOOST = 52;
/** Free pages inside non-movable pageblocks (pageblock.ts). */
export const W_UNMOVABLE_FREE = 53;
/** balance_pgdat's nr_boost_reclaim, and the boost it started with (cleared when it ends). */
export const W_KSWAPD_BOOST_RECLAIM = 54;
export const W_KSWAPD_BOOSTED = 55;
/**
 * kswapd's sleep (kswapd_try_to_sleep): while it naps after balancing, the simulated time the
 * HZ/10 nap ends; 0 when it is awake or fully asleep.
 */
export const W_KSWAPD_NAP_END_NS = 56;
/** kswapd's CPU this epoch (kswapd-cpu.ts): the time it may use (its fair share of its CPUs),
 * set by the coordinator before the reclaim phase, and the time it used, charged to the tasks
 * sharing those CPUs at the end of the epoch. */
export const W_KSWAPD_BUDGET_NS = 57;
export const W_KSWAPD_CPU_NS = 58;
/**
 * A shrink_lruvec pass of kswapd's cut short by its CPU budget, resumed next epoch where it
 * stopped (the kernel's kswapd is only preempted): 0 = none, else 1 + flag bits (vmscan.ts);
 * the pass's pages reclaimed and scanned so far, what is left to scan per LRU and the targets.
 */
export const W_KSWAPD_PASS = 59;
export const W_KSWAPD_PASS_RECLAIMED = 60;
export const W_KSWAPD_PASS_SCANNED = 61;
export const W_KSWAPD_PASS_NR = 62;
export const W_KSWAPD_PASS_TARGETS = 66;
/** kswapd's time beyond its budget (a batch is not split), paid from its next epochs' shares. */
export const W_KSWAPD_DEBT_NS = 70;
/** Shmem pages on the node (NR_SHMEM): swap-backed, so also counted in W_ANON_PAGES. */
export const W_SHMEM_PAGES = 71;
export const NODE_WORDS = 72;

/** Float64 words per node of the multi-gen LRU (GEN_WORDS in kernel/mglru/lrugen.ts). */
export const LRU_GEN_NODE_WORDS = 72;

/** PMDs (512 pages each, page ids as addresses) covering `pages` pages: one filter's bytes. */
export function lruGenPmds(pages: number): number {
  return Math.ceil(pages / 512);
}

// Machine-wide words (Float64), written only by the coordinator between phases.
export const G_EPOCH = 0;
/** Simulated time at the start of the current epoch, ns. */
export const G_NOW_NS = 1;
/** Swap slots in use when the reclaim phase started: nodes reclaiming in parallel each add their
 * own use to it, so a decision never depends on another node's progress (swap may overshoot by
 * what one phase writes; documented in docs/simplifications.md). */
export const G_SWAP_USED_AT_PHASE = 2;
/** Per block device (+ DEV_DISK / DEV_SWAP): queueing wait per request this epoch, and the
 * cumulative busy time and requests at the last update (kernel/blockdev.ts). */
export const G_DISK_WAIT_NS = 3;
export const G_DISK_BUSY_NS = 5;
export const G_DISK_REQUESTS = 7;
/** Promotions queued by this epoch's place step (they need the migrate and settle phases). */
export const G_PROMOTIONS = 9;
export const GLOBAL_WORDS = 16;

// Per-task words (Float64): the NUMA-balancing scanner's state (kernel/numa.ts), with the
// kernel field each stands for.
/** mm->numa_next_scan, ns. */
export const T_NEXT_SCAN_NS = 0;
/** mm->numa_scan_offset: pages into the task's scannable address space. */
export const T_SCAN_CURSOR = 1;
/** p->numa_scan_period, ms. */
export const T_SCAN_PERIOD_MS = 2;
/** p->node_stamp: run time at which the next scan tick is due, ns. */
export const T_NODE_STAMP_NS = 3;
/** mm->numa_scan_seq: completed passes over the address space. */
export const T_MM_SCAN_SEQ = 4;
/** p->numa_scan_seq: the pass of the last task_numa_placement. */
export const T_TASK_SCAN_SEQ = 5;
/** p->numa_faults_locality[0..2]: remote, local, failed-migration hint faults. */
export const T_FAULTS_REMOTE = 6;
export const T_FAULTS_LOCAL = 7;
export const T_FAULTS_FAILED = 8;
/** NUMA_MEMBUF faults since the last placement: shared, private (fault_types[0..1]). */
export const T_FAULTS_SHARED = 9;
export const T_FAULTS_PRIVATE = 10;
/** p->numa_migrate_retry, ms; p->numa_preferred_nid set (1) or NUMA_NO_NODE (0). */
export const T_MIGRATE_RETRY_MS = 11;
export const T_HAS_PREFERRED = 12;
export const TASK_WORDS = 16;

// Per-CPU words (Float64).
export const C_CLOCK = 0;
export const C_ACCESSES = 1;
/** Next unread entry of the CPU's access batch. */
export const C_CURSOR = 2;
/** Entries generated in the batch. */
export const C_FILL = 3;
/** Entries used in the CPU's fault hash this epoch. */
export const C_HASH_USED = 4;
/** Readahead state of the CPU's read() stream: the page a sequential miss would be, the window. */
export const C_NEXT_SEQUENTIAL = 5;
export const C_RA_WINDOW = 6;
/** Swap-in readahead state of the CPU (the kernel keeps it per VMA, vma->swap_readahead_info):
 * page of the last swap fault or swap-cache hit, the window it used, readahead hits since. */
export const C_SWAP_RA_PAGE = 8;
export const C_SWAP_RA_WIN = 9;
export const C_SWAP_RA_HITS = 10;
/** mmap read-around state of the CPU (the kernel's file->f_ra): mmap_miss, and the page after
 * the last read-around window with the pages that window read. */
export const C_MMAP_MISS = 11;
export const C_MMAP_RA_END = 12;
export const C_MMAP_RA_PAGES = 13;
export const CPU_WORDS = 16;

// Fault records (Int32), node → coordinator: page, cpu * 8 + hint * 4 + syscall * 2 + store, and
// the readahead window (a fault) or the frame (a NUMA hint fault).
export const FAULT_WORDS = 3;

// Migration records (Int32), one format on every migration ring; M_KIND tells demotion from promotion.
export const M_PAGE = 0;
export const M_SRC_FRAME = 1;
export const M_SRC = 2;
export const M_TARGET = 3;
export const M_BATCH = 4;
export const M_STATUS = 5;
/** Allocation step of a demotion: stage * 65536 + index into the fallback walk (migrate.ts). */
export const M_STEP = 6;
export const M_PREFERRED = 7;
export const M_KIND = 8;
export const MIGRATE_WORDS = 9;

export const MIGRATE_DEMOTION = 0;
/** NUMA-balancing migration (MR_NUMA_MISPLACED): promotion, or a misplaced page in NORMAL mode. */
export const MIGRATE_NUMA = 1;

export const MIGRATE_PENDING = 0;
export const MIGRATE_DONE = 1;
/** Allocation failed (-ENOMEM): counted in pgmigrate_fail; aborts the rest of the batch. */
export const MIGRATE_NOMEM = 2;
/** Not tried because an earlier page of the batch hit -ENOMEM. */
export const MIGRATE_ABORTED = 3;
/** The 6.1 fallback walk moves the record to another node (M_TARGET, M_STEP updated). */
export const MIGRATE_FORWARD = 4;

/**
 * The rings of each node (SPSC, src/shm/ring.ts). "coordinator" is whichever thread runs the
 * serial steps between phases.
 *
 *   fault     node → coordinator   faults of the node's CPUs (access phase → place phase)
 *   demote    node → coordinator   kswapd's demotion records (reclaim → routing)
 *   migrate   coordinator → node   demotions for this node to allocate (routing → migrate round)
 *   ack       node → coordinator   outcomes: done / -ENOMEM / aborted / forward (→ routing)
 *   settle    coordinator → node   final outcomes of the node's own records (→ settle phase)
 */
export const RING_FAULT = 0;
export const RING_DEMOTE = 1;
export const RING_MIGRATE = 2;
export const RING_ACK = 3;
export const RING_SETTLE = 4;
export const RINGS_PER_NODE = 5;

/** Accesses generated per refill of a CPU's access batch. */
export const BATCH_LEN = 4096;
/** Most migration records one node may emit per epoch (bounded by kswapd's scan budget anyway). */
export const MIGRATE_MAX_FLOOR = 1024;

export interface StateLayout {
  nodes: number;
  cpus: number;
  pages: number;
  frameShift: number;
  totalFrames: number;
  frameStart: number[];
  managedPages: number[];
  faultMax: number;
  migrateMax: number;
  /** Per ring kind: capacity (records) and record words; and each node's ring word offsets. */
  ringCapacity: number[];
  ringRecordWords: number[];
  ringBase: number[][];
  ringWordsTotal: number;
  faultHashSize: number;
  maxRegionsPerTask: number;
  tasks: number;
  /** kernel.lru_gen.enabled: the frameGen column and the per-node generation words exist. */
  lruGen: boolean;
}

export interface LayoutParams {
  faultBatchMax: number;
  epochNs: number;
  minorFaultNs: number;
  reclaimScanNs: number;
  lruGen: boolean;
}

/** Frames of all nodes, each node rounded up to whole chunks: page-table entries are Int32. */
export const MAX_FRAMES = 2 ** 31;
/** Pages of all regions and files: access batches hold page * 4 + syscall * 2 + store in a Uint32. */
export const MAX_PAGES = 2 ** 30;
/** Frames per chunk are 2^min(FRAME_SHIFT_MAX, log2(smallest node)) (computeLayout). */
export const FRAME_SHIFT_MAX = 20;

function ceilPow2(x: number): number {
  let p = 1;
  while (p < x) p *= 2;
  return p;
}

export function computeLayout(machine: Machine, plan: WorkloadPlan, params: LayoutParams): StateLayout {
  const managed = machine.nodes.map((n) => n.managedPages);
  const smallest = Math.max(1, Math.min(...managed));
  const frameShift = Math.min(FRAME_SHIFT_MAX, Math.floor(Math.log2(smallest)));
  const chunk = 2 ** frameShift;
  const frameStart: number[] = [];
  let next = 0;
  for (const m of managed) {
    frameStart.push(next);
    next += Math.ceil(m / chunk) * chunk;
  }
  assert(next < MAX_FRAMES, 'more than 2^31 frames: page-table entries are Int32 frame numbers');
  assert(
    plan.totalPages <= MAX_PAGES,
    'more than 2^30 pages (4 TiB of 4 KiB pages): page ids must fit 30 bits',
  );
  // A CPU cannot fault more often than once per minor-fault cost; the hash stays under half full.
  const faultsPerEpoch = Math.ceil(params.epochNs / Math.max(1, params.minorFaultNs)) + 16;
  const faultHashSize = Math.min(1 << 16, ceilPow2(2 * faultsPerEpoch));
  const scansPerEpoch = Math.ceil(params.epochNs / Math.max(1, params.reclaimScanNs));
  const nodes = machine.nodes.length;
  const migrateMax = Math.max(MIGRATE_MAX_FLOOR, scansPerEpoch + 64);
  // A target may receive every source's records in one round; acks likewise.
  const ringCapacity = [
    ringCapacityFor(params.faultBatchMax),
    ringCapacityFor(migrateMax),
    ringCapacityFor(nodes * migrateMax),
    ringCapacityFor(nodes * migrateMax),
    ringCapacityFor(migrateMax),
  ];
  const ringRecordWords = [FAULT_WORDS, MIGRATE_WORDS, MIGRATE_WORDS, MIGRATE_WORDS, MIGRATE_WORDS];
  const ringBase: number[][] = [];
  let words = 0;
  for (let nid = 0; nid < nodes; nid++) {
    const bases: number[] = [];
    for (let k = 0; k < RINGS_PER_NODE; k++) {
      bases.push(words);
      words += ringWords(ringCapacity[k], ringRecordWords[k]);
    }
    ringBase.push(bases);
  }
  return {
    nodes: machine.nodes.length,
    cpus: machine.cpuNode.length,
    pages: plan.totalPages,
    frameShift,
    totalFrames: next,
    frameStart,
    managedPages: managed,
    faultMax: params.faultBatchMax,
    migrateMax,
    ringCapacity,
    ringRecordWords,
    ringBase,
    ringWordsTotal: words,
    faultHashSize,
    maxRegionsPerTask: Math.max(1, plan.maxRegionsPerTask),
    tasks: plan.tasks.length,
    lruGen: params.lruGen,
  };
}

/** The shared buffers of one simulation; all a worker needs (with the layout) to build views. */
export interface StateBuffers {
  framePage: SharedArrayBuffer;
  frameFlags: SharedArrayBuffer;
  frameYoung: SharedArrayBuffer;
  frameDirty: SharedArrayBuffer;
  frameAccessed: SharedArrayBuffer;
  frameScanMs: SharedArrayBuffer;
  taskWords: SharedArrayBuffer;
  lruPrev: SharedArrayBuffer;
  lruNext: SharedArrayBuffer;
  chunkNode: SharedArrayBuffer;
  pte: SharedArrayBuffer;
  nodeWords: SharedArrayBuffer;
  counters: SharedArrayBuffer;
  accessMatrix: SharedArrayBuffer;
  /** Memory traffic and loaded latency (src/memory/traffic.ts has its layout). */
  traffic: SharedArrayBuffer;
  cpuWords: SharedArrayBuffer;
  prng: SharedArrayBuffer;
  batch: SharedArrayBuffer;
  seqPos: SharedArrayBuffer;
  faultHash: SharedArrayBuffer;
  rings: SharedArrayBuffer;
  globalWords: SharedArrayBuffer;
  /** Multi-gen LRU: frameGen (Uint8 per frame) and GEN_WORDS Float64 per node; 8 bytes when off. */
  frameGen: SharedArrayBuffer;
  lruGenWords: SharedArrayBuffer;
  /** Multi-gen LRU: per node two "Bloom filters" (exact here) of PMDs, LRU_GEN_PMDS(pages) bytes each. */
  lruGenBloom: SharedArrayBuffer;
}

export function allocateBuffers(l: StateLayout): StateBuffers {
  const f = l.totalFrames;
  const chunks = Math.ceil(f / 2 ** l.frameShift);
  const sab = (bytes: number) => new SharedArrayBuffer(Math.max(8, bytes));
  return {
    framePage: sab(f * 4),
    frameFlags: sab(f),
    frameYoung: sab(f),
    frameDirty: sab(f),
    frameAccessed: sab(f),
    frameScanMs: sab(f * 4),
    taskWords: sab(l.tasks * TASK_WORDS * 8),
    lruPrev: sab(f * 4),
    lruNext: sab(f * 4),
    chunkNode: sab(chunks),
    pte: sab(l.pages * 4),
    nodeWords: sab(l.nodes * NODE_WORDS * 8),
    counters: sab(l.nodes * NR_COUNTERS * 8),
    accessMatrix: sab(l.nodes * l.nodes * 8),
    traffic: sab(trafficWords(l.nodes) * 8),
    cpuWords: sab(l.cpus * CPU_WORDS * 8),
    prng: sab((l.cpus + l.nodes) * PRNG_WORDS * 4),
    batch: sab(l.cpus * BATCH_LEN * 4),
    seqPos: sab(l.cpus * l.maxRegionsPerTask * 8),
    faultHash: sab(l.cpus * l.faultHashSize * 4),
    rings: sab(l.ringWordsTotal * 4),
    globalWords: sab(GLOBAL_WORDS * 8),
    frameGen: sab(l.lruGen ? f : 0),
    lruGenWords: sab(l.lruGen ? l.nodes * LRU_GEN_NODE_WORDS * 8 : 0),
    lruGenBloom: sab(l.lruGen ? l.nodes * 2 * lruGenPmds(l.pages) : 0),
  };
}

/** Total bytes of shared state per frame and per page, for the memory budget report. */
export function bytesPerFrame(lruGen = false): number {
  // The multi-gen LRU adds the frameGen byte.
  return 4 + 1 + 1 + 1 + 1 + 4 + 4 + 4 + (lruGen ? 1 : 0);
}
export function bytesPerPage(): number {
  return 4;
}
