/**
 * Where every piece of simulation state lives: one SharedArrayBuffer per column, sized from the
 * machine and the workload. Any thread can build the same views over the same buffers, so a
 * node's phases can run inline or in that node's worker without copying anything.
 *
 * Frames use global frame numbers: node n owns the contiguous range
 * [frameStart[n], frameStart[n] + managedPages[n]); ranges are padded to a multiple of
 * 2^frameShift so that the node of a frame is one lookup, chunkNode[frame >>> frameShift].
 *
 *   frame columns (one entry per frame, FRAME_COLUMN_BYTES: 20 bytes, 21 with the multi-gen LRU):
 *     framePage     Int32  page id held, -1 when free
 *     frameFlags    Uint8  PG_* bits (owner writes only)
 *     frameYoung    Uint8  PTE accessed bit (plain byte stores from any accessing CPU)
 *     frameDirty    Uint8  anon: PTE dirty bit (plain byte stores from any accessing CPU);
 *                          page cache: 0 clean, 1 PG_dirty, 2 under writeback (clean), set
 *                          only by serial steps and the frame's owner (kernel/writeback.ts)
 *     frameAccessed Uint8  read()/write() accesses not yet seen by reclaim (see engine/access-phase.ts)
 *     frameScanMs   Uint32 NUMA balancing: scan time of an armed slow page, or last faulting
 *                          node + 1 (the kernel's cpupid field holds one or the other)
 *     lruPrev    Int32   LRU links; lruNext also links the free list
 *     frameGen   Uint8   multi-gen LRU only (else empty): generation + 1 and LRU_REFS (kernel/mglru)
 *     lruNext    Int32
 *   pte          Int32   per page: 0 = never touched, f+1 = present in frame f, <0 = evicted (shadow)
 *   pgtableFrame Int32   per page-table slot (pgtable-layout.ts): f+1 = the table page is frame f
 */
import { trafficWords } from './traffic.js';
import type { Machine } from '../topology/machine.js';
import type { WorkloadPlan } from '../workload/plan.js';
import { NR_COUNTERS } from '../metrics/vmstat.js';
import { PRNG_WORDS } from '../workload/prng.js';
import { assert } from '../util/assert.js';
import { ringCapacityFor, ringWords } from '../shm/ring.js';
import { pgtableLayout, type PgtableLayout } from './pgtable-layout.js';

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
/** Free pages inside non-movable pageblocks (frames.ts, pageblock.ts). */
export const W_UNMOVABLE_FREE = 53;
/** Their LIFO free list's head + 1 (0 = empty), and how many of them were never used yet (the
 * next never-used one is the frame end minus that many; frames.ts). Encoded so that a node
 * without such pages keeps both words 0. */
export const W_UNMOV_HEAD1 = 51;
export const W_UNMOV_NEVER_USED = 78;
/** Of those frames, how many a batch steal moved to the CPU's per-CPU list (pageblock.ts): out
 * of W_FREE and W_UNMOVABLE_FREE as out of NR_FREE_PAGES, still on the lists above. */
export const W_PCP_STOLEN = 79;
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
/**
 * Page-cache writeback (kernel/writeback.ts): NR_FILE_DIRTY and NR_WRITEBACK of the node's
 * frames; PGDAT_DIRTY (kswapd met only dirty pages not queued for I/O, so it may write pages
 * itself); a flusher wake-up asked by reclaim (wakeup_flusher_threads(WB_REASON_VMSCAN)); the
 * node's queue of writes in flight (first record, records).
 */
export const W_FILE_DIRTY = 71;
export const W_WRITEBACK = 72;
export const W_PGDAT_DIRTY = 73;
export const W_WAKE_FLUSHER = 74;
export const W_WB_HEAD = 75;
export const W_WB_SIZE = 76;
/** Shmem pages on the node (NR_SHMEM): swap-backed, so also counted in W_ANON_PAGES. */
export const W_SHMEM_PAGES = 77;
/** Page-table pages on the node (NR_PAGETABLE, meminfo PageTables; kernel/pgtable.ts). */
export const W_PAGETABLES = 80;
/**
 * Of W_UNMOVABLE_FREE, the free pages of movable pageblocks an unmovable allocation claimed
 * (kernel/pageblock.ts rmqueueUnmovable): they stay on the movable free list or under the bump
 * pointer, so popping one takes a movable frame (frames.ts).
 */
export const W_UNMOV_CLAIMED = 81;
/**
 * Bit b set: the b-th pageblock of the non-movable pool (frames unmovableStart + 512 b on) was
 * claimed by a movable fallback steal and is movable now (kernel/pageblock.ts, frames.ts
 * releaseUnmovableBlock): its free frames are on the movable list and freed ones go back there.
 * The first 52 blocks only (a float's exact bits); pool blocks past them are never released.
 */
export const W_UNMOV_RELEASED_MASK = 82;
export const NODE_WORDS = 83;

/**
 * [first word, words] of every per-node field that spans more than one word or that others
 * index from (LRU lists, pass state): checked at load to lie inside NODE_WORDS and not overlap,
 * so adding a field cannot silently alias another.
 */
const NODE_FIELDS: readonly (readonly [number, number])[] = [
  [W_FRAME_START, 1],
  [W_FRAME_END, 1],
  [W_FREE, 1],
  [W_FREE_HEAD, 1],
  [W_BUMP, 1],
  [W_LRU_HEAD, 4],
  [W_LRU_TAIL, 4],
  [W_LRU_SIZE, 4],
  [W_ISOLATED_ANON, 1],
  [W_ISOLATED_FILE, 1],
  [W_ANON_PAGES, 1],
  [W_FILE_PAGES, 1],
  [W_WMARK_MIN, 1],
  [W_WMARK_LOW, 1],
  [W_WMARK_HIGH, 1],
  [W_WMARK_PROMO, 1],
  [W_KSWAPD_WOKEN, 1],
  [W_KSWAPD_FAILURES, 1],
  [W_NONRESIDENT_AGE, 1],
  [W_ANON_COST, 1],
  [W_FILE_COST, 1],
  [W_REFAULTS_SEEN_ANON, 1],
  [W_REFAULTS_SEEN_FILE, 1],
  [W_BATCH_SEQ, 1],
  [W_DEMOTE_PENDING, 1],
  [W_SWAP_USED, 1],
  [W_SWAP_BASE, 1],
  [W_KSWAPD_RUNNING, 1],
  [W_KSWAPD_PRIORITY, 1],
  [W_KSWAPD_RUN_RECLAIMED, 1],
  [W_PROMOTE_PENDING, 1],
  [W_PROMO_THRESHOLD_MS, 1],
  [W_PROMO_RL_START_MS, 1],
  [W_PROMO_RL_CANDIDATES, 1],
  [W_PROMO_TH_START_MS, 1],
  [W_PROMO_TH_CANDIDATES, 1],
  [W_PROMO_QUEUED, 1],
  [W_WMARK_BOOST, 1],
  [W_UNMOVABLE_FREE, 1],
  [W_UNMOV_HEAD1, 1],
  [W_UNMOV_NEVER_USED, 1],
  [W_UNMOV_RELEASED_MASK, 1],
  [W_PCP_STOLEN, 1],
  [W_KSWAPD_BOOST_RECLAIM, 1],
  [W_KSWAPD_BOOSTED, 1],
  [W_KSWAPD_NAP_END_NS, 1],
  [W_KSWAPD_BUDGET_NS, 1],
  [W_KSWAPD_CPU_NS, 1],
  [W_KSWAPD_PASS, 1],
  [W_KSWAPD_PASS_RECLAIMED, 1],
  [W_KSWAPD_PASS_SCANNED, 1],
  [W_KSWAPD_PASS_NR, 4],
  [W_KSWAPD_PASS_TARGETS, 4],
  [W_KSWAPD_DEBT_NS, 1],
  [W_FILE_DIRTY, 1],
  [W_WRITEBACK, 1],
  [W_PGDAT_DIRTY, 1],
  [W_WAKE_FLUSHER, 1],
  [W_WB_HEAD, 1],
  [W_WB_SIZE, 1],
  [W_SHMEM_PAGES, 1],
  [W_PAGETABLES, 1],
  [W_UNMOV_CLAIMED, 1],
];

/** Asserts that fields [start, start + words) lie in [0, size) and are pairwise disjoint. */
export function assertDisjointFields(
  fields: readonly (readonly [number, number])[],
  size: number,
  what: string,
): void {
  const used = new Uint8Array(size);
  for (const [start, words] of fields) {
    assert(Number.isInteger(start) && words >= 1 && start >= 0 && start + words <= size, what);
    for (let i = start; i < start + words; i++) {
      assert(used[i] === 0, what);
      used[i] = 1;
    }
  }
}
assertDisjointFields(NODE_FIELDS, NODE_WORDS, 'layout: per-node words overlap or pass NODE_WORDS');

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
/** The flusher (kernel/writeback.ts): last periodic (kupdate) writeback, ns; pages a wake-up by
 * reclaim still asks it to write (wb_check_start_all); kupdate work in progress (1). */
export const G_WB_LAST_OLD_FLUSH_NS = 10;
export const G_WB_START_ALL_PAGES = 11;
export const G_WB_KUPDATE = 12;
export const GLOBAL_WORDS = 16;
// The per-device words are two wide (DEV_DISK, DEV_SWAP in kernel/blockdev.ts).
assertDisjointFields(
  [
    [G_EPOCH, 1],
    [G_NOW_NS, 1],
    [G_SWAP_USED_AT_PHASE, 1],
    [G_DISK_WAIT_NS, 2],
    [G_DISK_BUSY_NS, 2],
    [G_DISK_REQUESTS, 2],
    [G_PROMOTIONS, 1],
    [G_WB_LAST_OLD_FLUSH_NS, 1],
    [G_WB_START_ALL_PAGES, 1],
    [G_WB_KUPDATE, 1],
  ],
  GLOBAL_WORDS,
  'layout: machine-wide words overlap or pass GLOBAL_WORDS',
);

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
assertDisjointFields(
  [
    T_NEXT_SCAN_NS,
    T_SCAN_CURSOR,
    T_SCAN_PERIOD_MS,
    T_NODE_STAMP_NS,
    T_MM_SCAN_SEQ,
    T_TASK_SCAN_SEQ,
    T_FAULTS_REMOTE,
    T_FAULTS_LOCAL,
    T_FAULTS_FAILED,
    T_FAULTS_SHARED,
    T_FAULTS_PRIVATE,
    T_MIGRATE_RETRY_MS,
    T_HAS_PREFERRED,
  ].map((w) => [w, 1] as const),
  TASK_WORDS,
  'layout: task words overlap or pass TASK_WORDS',
);

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
/** balance_dirty_pages_ratelimited(): pages the CPU's thread dirtied since its last check
 * (current->nr_dirtied), and how many it may dirty before the next (nr_dirtied_pause). */
export const C_NR_DIRTIED = 14;
export const C_DIRTIED_PAUSE = 15;
export const CPU_WORDS = 16;
assertDisjointFields(
  [
    C_CLOCK,
    C_ACCESSES,
    C_CURSOR,
    C_FILL,
    C_HASH_USED,
    C_NEXT_SEQUENTIAL,
    C_RA_WINDOW,
    C_SWAP_RA_PAGE,
    C_SWAP_RA_WIN,
    C_SWAP_RA_HITS,
    C_MMAP_MISS,
    C_MMAP_RA_END,
    C_MMAP_RA_PAGES,
    C_NR_DIRTIED,
    C_DIRTIED_PAUSE,
  ].map((w) => [w, 1] as const),
  CPU_WORDS,
  'layout: per-CPU words overlap or pass CPU_WORDS',
);

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
assertDisjointFields(
  [M_PAGE, M_SRC_FRAME, M_SRC, M_TARGET, M_BATCH, M_STATUS, M_STEP, M_PREFERRED, M_KIND].map(
    (w) => [w, 1] as const,
  ),
  MIGRATE_WORDS,
  'layout: migration record words overlap or pass MIGRATE_WORDS',
);

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
  /**
   * Per node, the first frame of its non-movable pageblocks' free pages (Machine.unmovableFree:
   * the top frames of the node; the frame end when it has none). See src/memory/frames.ts.
   */
  unmovableStart: number[];
  /** Files (inodes) of the plan, FILE_WORDS each in the writeback buffer. */
  files: number;
  /** Writes in flight each node's writeback queue holds (WB_RECORD_WORDS each). */
  writebackQueueMax: number;
  /** The page-table pages' slots (pgtable-layout.ts, kernel/pgtable.ts). */
  pgtables: PgtableLayout;
}

export interface LayoutParams {
  faultBatchMax: number;
  epochNs: number;
  minorFaultNs: number;
  reclaimScanNs: number;
  lruGen: boolean;
  /** Capacity of each node's queue of page writes in flight (default WRITEBACK_QUEUE_FLOOR). */
  writebackQueueMax?: number;
}

/**
 * The writeback buffer (Float64): FILE_WORDS per file (inode), then per node a FIFO of
 * writes in flight, WB_RECORD_WORDS each: frame, page, completion time (ns).
 */
export const I_DIRTY = 0;
export const I_DIRTIED_WHEN_NS = 1;
/** mapping->writeback_index: where the next writeback of the inode goes on (page offset). */
export const I_WB_INDEX = 2;
/** Clean pages scanned in a row since a dirty one: a whole file of them and the inode is clean. */
export const I_CLEAN_RUN = 3;
/**
 * Page offsets [I_SYNC_LO, I_SYNC_HI) of the file that cover every page dirtied since its last
 * fdatasync (the kernel finds them by the xarray's dirty tag; lo = hi: none). A superset: the
 * flusher's writes do not shrink it.
 */
export const I_SYNC_LO = 4;
export const I_SYNC_HI = 5;
export const FILE_WORDS = 6;
export const WB_FRAME = 0;
export const WB_PAGE = 1;
export const WB_DONE_NS = 2;
export const WB_RECORD_WORDS = 3;
export const WRITEBACK_QUEUE_FLOOR = 4096;

/**
 * Frames of all nodes, each node rounded up to whole chunks. Page-table entries are Int32, and
 * the lowest, an unmapped swap-cache page's (pte.ts: -2^30 - 1 - frame), must stay above -2^31:
 * frames < 2^30 (4 TiB of 4 KiB pages). Checked in pte.ts at load.
 */
export const MAX_FRAMES = 2 ** 30;
/** Pages of all regions and files: access batches hold page * 4 + syscall * 2 + store in a Uint32. */
export const MAX_PAGES = 2 ** 30;
/** Frames per chunk are 2^min(FRAME_SHIFT_MAX, log2(smallest node)) (computeLayout). */
export const FRAME_SHIFT_MAX = 20;
// A batch entry is page * 4 + syscall * 2 + store: the largest page id must leave it in a Uint32.
assert((MAX_PAGES - 1) * 4 + 3 <= 0xffff_ffff, 'layout: MAX_PAGES does not fit an access-batch entry');

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
  assert(next < MAX_FRAMES, 'more than 2^30 frames: page-table entries are Int32 frame numbers');
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
    unmovableStart: frameStart.map(
      (start, nid) => start + managed[nid] - Math.min(machine.unmovableFree[nid], managed[nid]),
    ),
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
    files: plan.files.length,
    writebackQueueMax: Math.max(WRITEBACK_QUEUE_FLOOR, params.writebackQueueMax ?? 0),
    pgtables: pgtableLayout(plan),
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
  /** Page-cache writeback: per-file words and per-node queues of writes in flight (see I_*, WB_*). */
  writeback: SharedArrayBuffer;
  /** Page-table pages: frame + 1 per slot (kernel/pgtable.ts). */
  pgtableFrame: SharedArrayBuffer;
}

/**
 * Bytes per frame of each per-frame column (frameGen only with the multi-gen LRU): one table for
 * allocateBuffers and bytesPerFrame (the memory budget), so the two cannot disagree.
 */
export const FRAME_COLUMN_BYTES = {
  framePage: 4,
  frameFlags: 1,
  frameYoung: 1,
  frameDirty: 1,
  frameAccessed: 1,
  frameScanMs: 4,
  lruPrev: 4,
  lruNext: 4,
  frameGen: 1,
} as const;
type FrameColumn = keyof typeof FRAME_COLUMN_BYTES;
const FRAME_COLUMNS = Object.keys(FRAME_COLUMN_BYTES) as FrameColumn[];

export function allocateBuffers(l: StateLayout): StateBuffers {
  const f = l.totalFrames;
  const b = FRAME_COLUMN_BYTES;
  const chunks = Math.ceil(f / 2 ** l.frameShift);
  const sab = (bytes: number) => new SharedArrayBuffer(Math.max(8, bytes));
  const buffers: StateBuffers = {
    framePage: sab(f * b.framePage),
    frameFlags: sab(f * b.frameFlags),
    frameYoung: sab(f * b.frameYoung),
    frameDirty: sab(f * b.frameDirty),
    frameAccessed: sab(f * b.frameAccessed),
    frameScanMs: sab(f * b.frameScanMs),
    taskWords: sab(l.tasks * TASK_WORDS * 8),
    lruPrev: sab(f * b.lruPrev),
    lruNext: sab(f * b.lruNext),
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
    frameGen: sab(l.lruGen ? f * b.frameGen : 0),
    lruGenWords: sab(l.lruGen ? l.nodes * LRU_GEN_NODE_WORDS * 8 : 0),
    lruGenBloom: sab(l.lruGen ? l.nodes * 2 * lruGenPmds(l.pages) : 0),
    writeback: sab(writebackWords(l) * 8),
    pgtableFrame: sab(l.pgtables.slots * 4),
  };
  // Postcondition: the frame columns take exactly what the memory budget charges per frame
  // (below 8 frames the 8-byte floor of sab() pads them).
  if (f >= 8) {
    let bytes = 0;
    for (const c of FRAME_COLUMNS) if (c !== 'frameGen' || l.lruGen) bytes += buffers[c].byteLength;
    assert(bytes === f * bytesPerFrame(l.lruGen), 'layout: frame columns differ from bytesPerFrame');
  }
  return buffers;
}

/** Float64 words of the writeback buffer: the files' words, then each node's queue. */
export function writebackWords(l: StateLayout): number {
  return l.files * FILE_WORDS + l.nodes * l.writebackQueueMax * WB_RECORD_WORDS;
}

/** Total bytes of shared state per frame and per page, for the memory budget report. */
export function bytesPerFrame(lruGen = false): number {
  let bytes = 0;
  // The multi-gen LRU adds the frameGen byte.
  for (const c of FRAME_COLUMNS) if (c !== 'frameGen' || lruGen) bytes += FRAME_COLUMN_BYTES[c];
  return bytes;
}
export function bytesPerPage(): number {
  return 4;
}
