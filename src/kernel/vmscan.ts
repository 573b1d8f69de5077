/**
 * Page reclaim, after mm/vmscan.c of Linux 5.15: shrink_node → shrink_lruvec (get_scan_count's
 * anon/file balance, SWAP_CLUSTER_MAX chunks, proportional stop) → shrink_active_list
 * (deactivation) / shrink_inactive_list → shrink_page_list, whose per-page order is: reference
 * check, then **demotion** (before any swap, unmap or dirty handling), then ordinary reclaim
 * (drop clean file pages, write back dirty ones, swap anon where swap exists, else activate).
 * Failed demotions go through the list again without demotion.
 *
 * Entry points: kswapdRun (balance_pgdat, in the parallel reclaim phase; demotions leave as
 * records), directReclaim (try_to_free_pages, in the serial place phase; demotions happen at
 * once), settleDemotions (the second pass for kswapd's failed demotions) and reclaimPages
 * (MADV_PAGEOUT, never demotes). Simplifications are listed in docs/simplifications.md.
 */
import {
  FRAME_CLEAN,
  FRAME_DIRTY,
  FRAME_WRITEBACK,
  LRU_ACTIVE_ANON,
  LRU_ACTIVE_FILE,
  LRU_INACTIVE_ANON,
  LRU_INACTIVE_FILE,
  PG_ACTIVE,
  PG_LRU,
  PG_RECLAIM,
  PG_REFERENCED,
  PG_SWAPBACKED,
  PG_SWAPCACHE,
  PG_WORKINGSET,
  PTE_PROT_NONE,
  PTE_YOUNG,
} from '../memory/flags.js';
import { isolate, lruAddHead, lruDel, lruSize, lruTail, putback } from '../memory/lru.js';
import { frameNode } from '../memory/frames.js';
import {
  MIGRATE_DONE,
  MIGRATE_NOMEM,
  M_KIND,
  RING_DEMOTE,
  RING_SETTLE,
  M_SRC_FRAME,
  M_STATUS,
  NODE_WORDS,
  W_ANON_COST,
  W_BATCH_SEQ,
  W_DEMOTE_PENDING,
  W_PROMOTE_PENDING,
  MIGRATE_DEMOTION,
  MIGRATE_NUMA,
  W_FILE_COST,
  W_FREE,
  W_KSWAPD_BUDGET_NS,
  W_KSWAPD_CPU_NS,
  W_KSWAPD_DEBT_NS,
  W_KSWAPD_FAILURES,
  W_KSWAPD_PASS,
  W_KSWAPD_PASS_NR,
  W_KSWAPD_PASS_RECLAIMED,
  W_KSWAPD_PASS_SCANNED,
  W_KSWAPD_PASS_TARGETS,
  W_KSWAPD_PRIORITY,
  W_KSWAPD_RUNNING,
  W_KSWAPD_RUN_RECLAIMED,
  G_NOW_NS,
  W_REFAULTS_SEEN_ANON,
  W_REFAULTS_SEEN_FILE,
  W_WMARK_HIGH,
  W_WMARK_BOOST,
  W_KSWAPD_BOOST_RECLAIM,
  W_KSWAPD_BOOSTED,
  W_PGDAT_DIRTY,
  W_WAKE_FLUSHER,
} from '../memory/layout.js';
import { nodeStreamOffset, ringOf, type SimState } from '../memory/state.js';
import { assert } from '../util/assert.js';
import {
  ALLOCSTALL_NORMAL,
  NR_COUNTERS,
  NR_VMSCAN_WRITE,
  NR_VMSCAN_IMMEDIATE,
  PAGEOUTRUN,
  PGACTIVATE,
  PGDEACTIVATE,
  PGDEMOTE_KSWAPD,
  PGMIGRATE_FAIL,
  PGMIGRATE_SUCCESS,
  PGPGOUT,
  PGREFILL,
  PGSCAN_ANON,
  PGSCAN_KSWAPD,
  PGSTEAL_ANON,
  PGSTEAL_KSWAPD,
  PSWPOUT,
  TIERSIM_DEMOTE_BATCH_ABORTED,
  TIERSIM_KSWAPD_BUDGET_EXHAUSTED,
  WORKINGSET_ACTIVATE_ANON,
  TYPE_FILE,
} from '../metrics/vmstat.js';
import { belowN } from '../workload/prng.js';
import { isUnmappedPage } from '../workload/plan.js';
import { kswapdTryToSleep, kswapdWoken, pgdatBalanced, resetKswapdFailures } from './kswapd.js';
import { createKswapdCpu, type KswapdCpu } from './kswapd-cpu.js';
import { buildTaskPolicies, type TaskPolicy } from './mempolicy.js';
import { scanSpaces, type ScanSpace } from './numa.js';
import { DEV_SWAP, countWrite } from './blockdev.js';
import { demoteBatchNow, demotionWalks, releaseIsolatedFrame, writeMigrationRecord } from './migrate.js';
import { swapFreePages, swapSlotTaken } from './swap.js';
import { pageoutFile } from './writeback.js';
import { evictionShadow, noteLruCost, pteOfShadow, workingsetAgeNonresident } from './workingset.js';
import { freeSwapOf, vmSwapFull } from './swapcache.js';
import { lruGenEvictionShadow } from './mglru/workingset.js';
import { lruGenLookAround, vmaBounds, type VmaBounds } from './mglru/aging.js';
import { lruGenAgeNode, lruGenShrinkNode, type ShrinkHooks } from './mglru/evict.js';
import { MIN_LRU_BATCH } from './mglru/lrugen.js';

/** What the multi-gen LRU's eviction borrows from here. */
export const MGLRU_HOOKS: ShrinkHooks = { shrinkPageList, canDemote };

/** SWAP_CLUSTER_MAX: pages per reclaim batch. */
export const SWAP_CLUSTER_MAX = 32;
// ScanControl's batches are MIN_LRU_BATCH long: a classic batch must fit them.
assert(SWAP_CLUSTER_MAX <= MIN_LRU_BATCH, 'vmscan: SWAP_CLUSTER_MAX batches do not fit ScanControl');
/** DEF_PRIORITY: reclaim scans lru_size >> priority per pass. */
export const DEF_PRIORITY = 12;

const DEACTIVATE_ANON = 1;
const DEACTIVATE_FILE = 2;

const SCAN_EQUAL = 0;
const SCAN_FRACT = 1;
const SCAN_ANON = 2;
const SCAN_FILE = 3;

/** kswapd rounds per epoch beyond which we stop even with budget left (a safety bound). */
const KSWAPD_ROUNDS_MAX = 256;

/** Who is reclaiming: picks the _kswapd/_direct counters and how demotions travel. */
export const RECLAIM_KSWAPD = 0;
export const RECLAIM_DIRECT = 1;
/** MADV_PAGEOUT (reclaim_pages): never demotes, counts no pgscan/pgsteal. */
export const RECLAIM_PAGEOUT = 2;

/**
 * struct scan_control, one per node per thread, reused across calls so reclaim allocates
 * nothing while it runs.
 */
export class ScanControl {
  reclaimer = RECLAIM_KSWAPD;
  /** Node of the CPU doing the reclaim (for numa_local/other of demotion allocations). */
  cpuNid = 0;
  nrToReclaim = 0;
  priority = DEF_PRIORITY;
  nrReclaimed = 0;
  nrScanned = 0;
  mayDeactivate = 0;
  forceDeactivate = false;
  skippedDeactivate = false;
  cacheTrimMode = false;
  fileIsTiny = false;
  noDemotion = false;
  /** sc.may_swap / sc.may_writepage: 0 while kswapd only works off a watermark boost. */
  maySwap = true;
  mayWritepage = true;
  /** Simulated CPU time this reclaim has spent, and the most it may spend (kswapd's epoch). */
  costNs = 0;
  costLimitNs = Infinity;
  /** Pages written (swap or file) by the current shrink_page_list call: stat.nr_pageout. */
  nrPageout = 0;
  /** sc->nr.unqueued_dirty and sc->nr.file_taken of the current shrink_node (PGDAT_DIRTY). */
  nrUnqueuedDirty = 0;
  nrFileTaken = 0;
  /** Sized for the larger of the two batches: SWAP_CLUSTER_MAX, MGLRU's MIN_LRU_BATCH. */
  readonly isolated = new Int32Array(MIN_LRU_BATCH);
  /** Pages the multi-gen LRU's last scan_folios isolated into `isolated`. */
  nrIsolated = 0;
  readonly demote = new Int32Array(MIN_LRU_BATCH);
  /** 1 for a file page, per entry of `demote` (frames lose their flags once freed). */
  readonly fileKind = new Uint8Array(MIN_LRU_BATCH);
  /** The fixed migration cost of each page of a direct demotion batch, read before it moves. */
  readonly migrateNs = new Float64Array(MIN_LRU_BATCH);
  readonly nr = new Float64Array(4);
  readonly targets = new Float64Array(4);

  reset(reclaimer: number, cpuNid: number, nrToReclaim: number): void {
    this.reclaimer = reclaimer;
    this.cpuNid = cpuNid;
    this.nrToReclaim = nrToReclaim;
    this.priority = DEF_PRIORITY;
    this.nrReclaimed = 0;
    this.nrScanned = 0;
    this.mayDeactivate = 0;
    this.forceDeactivate = false;
    this.skippedDeactivate = false;
    this.cacheTrimMode = false;
    this.fileIsTiny = false;
    this.noDemotion = reclaimer === RECLAIM_PAGEOUT;
    this.maySwap = true;
    this.mayWritepage = true;
    this.costNs = 0;
    this.costLimitNs = Infinity;
    this.nrPageout = 0;
    this.nrUnqueuedDirty = 0;
    this.nrFileTaken = 0;
  }

  outOfTime(): boolean {
    return this.costNs >= this.costLimitNs;
  }
}

/** Per-thread reclaim context: one ScanControl per node plus the demotion fallback walks. */
export interface ReclaimContext {
  readonly sc: ScanControl[];
  readonly walks: readonly (readonly (readonly number[])[])[];
  /** Direct-reclaim time of the allocation in progress, ns (charged to the faulting CPU). */
  stallNs: number;
  /** Each task's memory policy and cpuset, resolved to zonelists. */
  readonly policies: TaskPolicy[];
  /** Each task's mapped address space, for the NUMA scanner. */
  readonly scanSpaces: ScanSpace[];
  /** Where each kswapd runs and the scratch of its CPU share (coordinator steps). */
  readonly kswapdCpu: KswapdCpu;
  /** Multi-gen LRU: files' and regions' page ranges (lru_gen_look_around), should_run_aging's count. */
  readonly vmas: VmaBounds;
  lruGenNrToScan: number;
}

export function createReclaimContext(s: SimState): ReclaimContext {
  return {
    sc: s.machine.nodes.map(() => new ScanControl()),
    walks: demotionWalks(s),
    stallNs: 0,
    policies: buildTaskPolicies(s.machine, s.plan),
    scanSpaces: scanSpaces(s),
    kswapdCpu: createKswapdCpu(s.machine, s.plan),
    vmas: vmaBounds(s.plan),
    lruGenNrToScan: 0,
  };
}

// ---------------------------------------------------------------------------------------------
// Predicates
// ---------------------------------------------------------------------------------------------

/** can_demote(): demotion enabled, allowed for this reclaim, and the node has a target. */
export function canDemote(s: SimState, nid: number, sc: ScanControl): boolean {
  return s.params.demotionEnabled && !sc.noDemotion && s.machine.demotion.preferred[nid].length > 0;
}

/** can_reclaim_anon_pages(): free swap space, or a demotion target. */
function canReclaimAnon(s: SimState, nid: number, sc: ScanControl): boolean {
  return swapFreePages(s, nid) > 0 || canDemote(s, nid, sc);
}

/** can_age_anon_pages(): swap configured (total_swap_pages), or a demotion target. */
function canAgeAnon(s: SimState, nid: number, sc: ScanControl): boolean {
  return s.params.swapPages > 0 || canDemote(s, nid, sc);
}

/** inactive_is_low(): inactive × int_sqrt(10 × GiB of the pair) < active. */
export function inactiveIsLow(s: SimState, nid: number, inactiveLru: number): boolean {
  const inactive = lruSize(s, nid, inactiveLru);
  const active = lruSize(s, nid, inactiveLru + 1);
  const gb = Math.floor(((inactive + active) * s.params.pageSize) / 2 ** 30);
  const ratio = gb > 0 ? Math.floor(Math.sqrt(10 * gb)) : 1;
  return inactive * ratio < active;
}

function shiftRight(x: number, priority: number): number {
  return Math.floor(x / 2 ** priority);
}

// ---------------------------------------------------------------------------------------------
// shrink_node and below
// ---------------------------------------------------------------------------------------------

/** W_KSWAPD_PASS bits of a pass cut short: set, may_deactivate (2 bits), cache_trim_mode, file_is_tiny, scan adjusted. */
const PASS_SET = 1;
const PASS_DEACTIVATE_SHIFT = 1;
const PASS_CACHE_TRIM = 8;
const PASS_FILE_TINY = 16;
const PASS_SCAN_ADJUSTED = 32;

/**
 * shrink_node(): one pass over the node's LRUs at sc.priority. A pass of kswapd's cut short by
 * its CPU budget (W_KSWAPD_PASS) goes on where it stopped, with the decisions taken at its start.
 */
export function shrinkNode(s: SimState, ctx: ReclaimContext, sc: ScanControl, nid: number): void {
  if (s.layout.lruGen) return lruGenShrinkNode(s, ctx, sc, nid, MGLRU_HOOKS);
  const w = nid * NODE_WORDS;
  const row = nid * NR_COUNTERS;
  const before = sc.nrReclaimed;
  const pass = sc.reclaimer === RECLAIM_KSWAPD ? s.nodeWords[w + W_KSWAPD_PASS] : 0;
  sc.nrUnqueuedDirty = 0;
  sc.nrFileTaken = 0;
  if (pass !== 0) {
    sc.mayDeactivate = (pass >>> PASS_DEACTIVATE_SHIFT) & 3;
    sc.cacheTrimMode = (pass & PASS_CACHE_TRIM) !== 0;
    sc.fileIsTiny = (pass & PASS_FILE_TINY) !== 0;
    shrinkLruvec(s, ctx, sc, nid, pass);
    if (sc.nrReclaimed > before) resetKswapdFailures(s, nid);
    markPgdatDirty(s, sc, nid);
    return;
  }
  if (!sc.forceDeactivate) {
    const anonRefaults = s.counters[row + WORKINGSET_ACTIVATE_ANON];
    const fileRefaults = s.counters[row + WORKINGSET_ACTIVATE_ANON + TYPE_FILE];
    sc.mayDeactivate = 0;
    if (anonRefaults !== s.nodeWords[w + W_REFAULTS_SEEN_ANON] || inactiveIsLow(s, nid, LRU_INACTIVE_ANON)) {
      sc.mayDeactivate |= DEACTIVATE_ANON;
    }
    if (fileRefaults !== s.nodeWords[w + W_REFAULTS_SEEN_FILE] || inactiveIsLow(s, nid, LRU_INACTIVE_FILE)) {
      sc.mayDeactivate |= DEACTIVATE_FILE;
    }
  } else {
    sc.mayDeactivate = DEACTIVATE_ANON | DEACTIVATE_FILE;
  }
  // Plenty of inactive page cache that is not thrashing: reclaim it before anon.
  sc.cacheTrimMode =
    shiftRight(lruSize(s, nid, LRU_INACTIVE_FILE), sc.priority) > 0 &&
    (sc.mayDeactivate & DEACTIVATE_FILE) === 0;
  // Almost out of file pages: force-scan anon rather than thrash the little cache left.
  const file = lruSize(s, nid, LRU_INACTIVE_FILE) + lruSize(s, nid, LRU_ACTIVE_FILE);
  sc.fileIsTiny =
    file + s.nodeWords[w + W_FREE] <= s.nodeWords[w + W_WMARK_HIGH] &&
    (sc.mayDeactivate & DEACTIVATE_ANON) === 0 &&
    shiftRight(lruSize(s, nid, LRU_INACTIVE_ANON), sc.priority) > 0;

  shrinkLruvec(s, ctx, sc, nid, 0);
  if (sc.nrReclaimed > before) resetKswapdFailures(s, nid);
  markPgdatDirty(s, sc, nid);
}

/**
 * shrink_node()'s end for kswapd: when every file page it took was dirty and not yet queued for
 * writeback (the count of none taken included, as the kernel's test), PGDAT_DIRTY lets kswapd
 * write dirty pages itself once it meets them again with PG_reclaim set.
 */
function markPgdatDirty(s: SimState, sc: ScanControl, nid: number): void {
  if (sc.reclaimer !== RECLAIM_KSWAPD) return;
  if (sc.nrUnqueuedDirty === sc.nrFileTaken) s.nodeWords[nid * NODE_WORDS + W_PGDAT_DIRTY] = 1;
}

/** get_scan_count(): pages to scan per LRU at this priority, into sc.nr. */
export function getScanCount(s: SimState, sc: ScanControl, nid: number): void {
  const swappiness = s.params.swappiness;
  let balance: number;
  let ap = 0;
  let fp = 0;
  if (!sc.maySwap || !canReclaimAnon(s, nid, sc)) balance = SCAN_FILE;
  else if (sc.priority === 0 && swappiness > 0) balance = SCAN_EQUAL;
  else if (sc.fileIsTiny) balance = SCAN_ANON;
  else if (sc.cacheTrimMode) balance = SCAN_FILE;
  else {
    balance = SCAN_FRACT;
    const w = nid * NODE_WORDS;
    const a = s.nodeWords[w + W_ANON_COST];
    const f = s.nodeWords[w + W_FILE_COST];
    const total = a + f;
    const anonCost = total + a;
    const fileCost = total + f;
    const sum = anonCost + fileCost;
    ap = Math.floor((swappiness * (sum + 1)) / (anonCost + 1));
    fp = Math.floor(((200 - swappiness) * (sum + 1)) / (fileCost + 1));
  }
  for (let lru = 0; lru < 4; lru++) {
    const isFile = lru >= LRU_INACTIVE_FILE;
    let scan = shiftRight(lruSize(s, nid, lru), sc.priority);
    if (balance === SCAN_FRACT)
      scan = ap + fp === 0 ? 0 : Math.floor((scan * (isFile ? fp : ap)) / (ap + fp));
    else if (balance === SCAN_FILE && !isFile) scan = 0;
    else if (balance === SCAN_ANON && isFile) scan = 0;
    sc.nr[lru] = scan;
  }
}

/**
 * shrink_lruvec(): scan the LRUs in SWAP_CLUSTER_MAX chunks toward sc.nr, then rebalance anon.
 * `pass` ≠ 0 resumes kswapd's pass saved in the node words; kswapd out of CPU time mid-pass saves
 * it there (the kernel's kswapd would just be preempted and go on).
 */
function shrinkLruvec(s: SimState, ctx: ReclaimContext, sc: ScanControl, nid: number, pass: number): void {
  const w = nid * NODE_WORDS;
  const nr = sc.nr;
  const targets = sc.targets;
  let scanAdjusted: boolean;
  let nrReclaimed: number;
  if (pass !== 0) {
    for (let lru = 0; lru < 4; lru++) {
      nr[lru] = s.nodeWords[w + W_KSWAPD_PASS_NR + lru];
      targets[lru] = s.nodeWords[w + W_KSWAPD_PASS_TARGETS + lru];
    }
    scanAdjusted = (pass & PASS_SCAN_ADJUSTED) !== 0;
    nrReclaimed = s.nodeWords[w + W_KSWAPD_PASS_RECLAIMED];
    s.nodeWords[w + W_KSWAPD_PASS] = 0;
  } else {
    getScanCount(s, sc, nid);
    targets.set(nr);
    // Direct reclaim at DEF_PRIORITY scans its whole (small) target before it may stop.
    scanAdjusted = sc.reclaimer === RECLAIM_DIRECT && sc.priority === DEF_PRIORITY;
    nrReclaimed = 0;
  }
  const resumedWith = nrReclaimed;
  while (nr[LRU_INACTIVE_ANON] > 0 || nr[LRU_ACTIVE_FILE] > 0 || nr[LRU_INACTIVE_FILE] > 0) {
    for (let lru = 0; lru < 4; lru++) {
      if (nr[lru] > 0) {
        const n = Math.min(nr[lru], SWAP_CLUSTER_MAX);
        nr[lru] -= n;
        nrReclaimed += shrinkList(s, ctx, sc, nid, lru, n);
      }
    }
    if (nrReclaimed < sc.nrToReclaim || scanAdjusted) {
      if (outOfTimeMidPass(s, sc, nid, scanAdjusted, nrReclaimed, resumedWith)) return;
      if (sc.outOfTime()) break;
      continue;
    }
    // Enough reclaimed: stop the smaller type and trim the other to its original proportion
    // (checked before kswapd's budget, so a pass resumed across epochs stops as one would).
    const nrFile = nr[LRU_INACTIVE_FILE] + nr[LRU_ACTIVE_FILE];
    const nrAnon = nr[LRU_INACTIVE_ANON] + nr[LRU_ACTIVE_ANON];
    if (nrFile === 0 || nrAnon === 0) break;
    let stopBase: number;
    let percentage: number;
    if (nrFile > nrAnon) {
      stopBase = LRU_INACTIVE_ANON;
      percentage = Math.floor((nrAnon * 100) / (targets[LRU_INACTIVE_ANON] + targets[LRU_ACTIVE_ANON] + 1));
    } else {
      stopBase = LRU_INACTIVE_FILE;
      percentage = Math.floor((nrFile * 100) / (targets[LRU_INACTIVE_FILE] + targets[LRU_ACTIVE_FILE] + 1));
    }
    nr[stopBase] = 0;
    nr[stopBase + 1] = 0;
    const otherBase = stopBase === LRU_INACTIVE_FILE ? LRU_INACTIVE_ANON : LRU_INACTIVE_FILE;
    for (let lru = otherBase; lru <= otherBase + 1; lru++) {
      const scanned = targets[lru] - nr[lru];
      const remaining = Math.floor((targets[lru] * (100 - percentage)) / 100);
      nr[lru] = remaining - Math.min(remaining, scanned);
    }
    scanAdjusted = true;
    if (outOfTimeMidPass(s, sc, nid, scanAdjusted, nrReclaimed, resumedWith)) return;
    if (sc.outOfTime()) break;
  }
  sc.nrReclaimed += nrReclaimed - resumedWith;
  // Rebalance the anon lists even when no anon was scanned.
  if (canAgeAnon(s, nid, sc) && inactiveIsLow(s, nid, LRU_INACTIVE_ANON)) {
    shrinkActiveList(s, sc, nid, LRU_ACTIVE_ANON, SWAP_CLUSTER_MAX);
  }
}

/**
 * kswapd out of CPU time with pages of its pass left to scan: save the pass for the next epoch
 * and count what it reclaimed in this one (true). Reclaimers without a budget never stop here.
 */
function outOfTimeMidPass(
  s: SimState,
  sc: ScanControl,
  nid: number,
  scanAdjusted: boolean,
  nrReclaimed: number,
  resumedWith: number,
): boolean {
  if (!sc.outOfTime() || sc.reclaimer !== RECLAIM_KSWAPD) return false;
  const nr = sc.nr;
  if (nr[LRU_INACTIVE_ANON] === 0 && nr[LRU_ACTIVE_FILE] === 0 && nr[LRU_INACTIVE_FILE] === 0) return false;
  savePass(s, sc, nid, scanAdjusted, nrReclaimed);
  sc.nrReclaimed += nrReclaimed - resumedWith;
  return true;
}

/** Save kswapd's pass, cut short by its CPU budget, in the node words (see shrinkLruvec). */
function savePass(
  s: SimState,
  sc: ScanControl,
  nid: number,
  scanAdjusted: boolean,
  nrReclaimed: number,
): void {
  const w = nid * NODE_WORDS;
  s.nodeWords[w + W_KSWAPD_PASS] =
    PASS_SET |
    (sc.mayDeactivate << PASS_DEACTIVATE_SHIFT) |
    (sc.cacheTrimMode ? PASS_CACHE_TRIM : 0) |
    (sc.fileIsTiny ? PASS_FILE_TINY : 0) |
    (scanAdjusted ? PASS_SCAN_ADJUSTED : 0);
  s.nodeWords[w + W_KSWAPD_PASS_RECLAIMED] = nrReclaimed;
  s.nodeWords[w + W_KSWAPD_PASS_SCANNED] = sc.nrScanned;
  for (let lru = 0; lru < 4; lru++) {
    s.nodeWords[w + W_KSWAPD_PASS_NR + lru] = sc.nr[lru];
    s.nodeWords[w + W_KSWAPD_PASS_TARGETS + lru] = sc.targets[lru];
  }
}

/** shrink_list(): deactivate from an active list when allowed, or reclaim from an inactive one. */
function shrinkList(
  s: SimState,
  ctx: ReclaimContext,
  sc: ScanControl,
  nid: number,
  lru: number,
  n: number,
): number {
  if (lru === LRU_ACTIVE_ANON || lru === LRU_ACTIVE_FILE) {
    const bit = lru === LRU_ACTIVE_FILE ? DEACTIVATE_FILE : DEACTIVATE_ANON;
    if ((sc.mayDeactivate & bit) !== 0) shrinkActiveList(s, sc, nid, lru, n);
    else sc.skippedDeactivate = true;
    return 0;
  }
  return shrinkInactiveList(s, ctx, sc, nid, lru, n);
}

/**
 * shrink_active_list(): move pages from the active tail to the inactive head, setting
 * PG_workingset. Referenced pages are deactivated too (only executable file pages get another
 * trip, and tiersim has no executable mappings); the check clears their young bits.
 */
export function shrinkActiveList(s: SimState, sc: ScanControl, nid: number, lru: number, n: number): void {
  let scanned = 0;
  for (; scanned < n; scanned++) {
    const frame = lruTail(s, nid, lru);
    if (frame < 0) break;
    lruDel(s, nid, lru, frame);
    s.frameYoung[frame] &= PTE_PROT_NONE;
    s.frameFlags[frame] = (s.frameFlags[frame] & ~PG_ACTIVE) | PG_WORKINGSET;
    lruAddHead(s, nid, lru - 1, frame);
  }
  const row = nid * NR_COUNTERS;
  s.counters[row + PGREFILL] += scanned;
  s.counters[row + PGDEACTIVATE] += scanned;
  sc.costNs += scanned * s.params.reclaimScanNs;
}

/**
 * shrink_inactive_list(): isolate up to n pages from the tail and run shrink_page_list on them;
 * lru_note_cost with the pages paged out and the ones that stayed. Exported for tests.
 */
export function shrinkInactiveList(
  s: SimState,
  ctx: ReclaimContext,
  sc: ScanControl,
  nid: number,
  lru: number,
  n: number,
): number {
  const batch = sc.isolated;
  const count = isolateFromTail(s, nid, lru, n, batch);
  if (count === 0) return 0;
  const file = lru === LRU_INACTIVE_FILE ? 1 : 0;
  const row = nid * NR_COUNTERS;
  sc.nrScanned += count;
  sc.costNs += count * s.params.reclaimScanNs;
  if (sc.reclaimer !== RECLAIM_PAGEOUT) {
    s.counters[row + PGSCAN_KSWAPD + sc.reclaimer] += count;
    s.counters[row + PGSCAN_ANON + file] += count;
  }
  sc.nrPageout = 0;
  const unqueuedBefore = sc.nrUnqueuedDirty;
  if (file === 1) sc.nrFileTaken += count;
  const reclaimedNow = shrinkPageList(s, ctx, sc, nid, batch, count, canDemote(s, nid, sc));
  noteLruCost(s, nid, file === 1, sc.nrPageout, count - reclaimedNow);
  // Every page taken dirty and not queued: the flushers are not keeping up; nudge them.
  if (sc.nrUnqueuedDirty - unqueuedBefore === count) s.nodeWords[nid * NODE_WORDS + W_WAKE_FLUSHER] = 1;
  return reclaimedNow;
}

function isolateFromTail(s: SimState, nid: number, lru: number, n: number, out: Int32Array): number {
  let count = 0;
  const anon = lru < LRU_INACTIVE_FILE;
  while (count < n) {
    const frame = lruTail(s, nid, lru);
    if (frame < 0) break;
    isolate(s, nid, lru, frame, anon);
    out[count++] = frame;
  }
  return count;
}

// Outcomes of page_check_references().
const PAGEREF_RECLAIM = 0;
const PAGEREF_RECLAIM_CLEAN = 1;
const PAGEREF_KEEP = 2;
const PAGEREF_ACTIVATE = 3;

/**
 * page_check_references(): test-and-clear the young bit and PG_referenced, and decide. (read()
 * accesses have already set PG_referenced or activated the page: kernel/accessed.ts.)
 */
function checkReferences(s: SimState, frame: number, ignoreReferences: boolean): number {
  const flags = s.frameFlags[frame];
  const young = (s.frameYoung[frame] & PTE_YOUNG) !== 0;
  const referencedPage = (flags & PG_REFERENCED) !== 0;
  s.frameYoung[frame] &= PTE_PROT_NONE;
  if (ignoreReferences) {
    s.frameFlags[frame] = flags & ~PG_REFERENCED;
    return PAGEREF_RECLAIM;
  }
  if (young) {
    s.frameFlags[frame] = flags | PG_REFERENCED;
    return referencedPage ? PAGEREF_ACTIVATE : PAGEREF_KEEP;
  }
  s.frameFlags[frame] = flags & ~PG_REFERENCED;
  if (referencedPage && (flags & PG_SWAPBACKED) === 0) return PAGEREF_RECLAIM_CLEAN;
  return PAGEREF_RECLAIM;
}

/**
 * shrink_page_list() over isolated frames batch[0..count). Returns the pages reclaimed now plus,
 * for kswapd, the pages sent off for demotion (they count as reclaimed, as in the kernel, and
 * settle at the end of the epoch). Every page ends freed, back on an LRU, or in flight.
 */
export function shrinkPageList(
  s: SimState,
  ctx: ReclaimContext,
  sc: ScanControl,
  nid: number,
  batch: Int32Array,
  count: number,
  doDemotePass: boolean,
): number {
  const demote = sc.demote;
  let nrDemote = 0;
  let nrReclaimed = 0;
  const row = nid * NR_COUNTERS;
  const lruGen = s.layout.lruGen;
  for (let i = 0; i < count; i++) {
    const frame = batch[i];
    // MGLRU: folio_update_gen() (the aging walk or a look-around) found this isolated page young.
    if (lruGen && sc.reclaimer !== RECLAIM_PAGEOUT && (s.frameFlags[frame] & PG_REFERENCED) !== 0) {
      s.frameFlags[frame] |= PG_ACTIVE;
      putback(s, nid, frame, false);
      continue;
    }
    // folio_check_dirty_writeback(): only page cache counts (the flushers cannot clean anon).
    const fileFrame = (s.frameFlags[frame] & PG_SWAPBACKED) === 0;
    const dirtyState = fileFrame ? s.frameDirty[frame] : FRAME_CLEAN;
    if (dirtyState === FRAME_DIRTY) sc.nrUnqueuedDirty++;
    if (dirtyState === FRAME_WRITEBACK) {
      // Under writeback (global reclaim: writeback_throttling_sane): mark it for immediate
      // reclaim and activate it; the end of its write rotates it to the inactive tail.
      s.frameFlags[frame] |= PG_RECLAIM;
      activateLocked(s, nid, frame);
      continue;
    }
    const ref = checkReferences(s, frame, sc.reclaimer === RECLAIM_PAGEOUT);
    // MGLRU: a young PTE met by the rmap walk has its neighbours scanned (folio_referenced_one).
    if (lruGen && (ref === PAGEREF_ACTIVATE || ref === PAGEREF_KEEP)) {
      lruGenLookAround(s, ctx.vmas, nid, s.framePage[frame], sc.reclaimer === RECLAIM_DIRECT);
    }
    if (ref === PAGEREF_ACTIVATE) {
      activateLocked(s, nid, frame);
      continue;
    }
    if (ref === PAGEREF_KEEP) {
      // MGLRU's evict_folios puts every rejected page in the youngest generation (PG_active).
      if (lruGen) s.frameFlags[frame] |= PG_ACTIVE;
      putback(s, nid, frame, false);
      continue;
    }
    // The demotion point: before swap, unmap or dirty handling, so dirty and mapped pages move as they are.
    if (doDemotePass) {
      demote[nrDemote++] = frame;
      continue;
    }
    nrReclaimed += reclaimOrdinary(s, sc, nid, frame, ref === PAGEREF_RECLAIM_CLEAN);
  }
  if (nrDemote === 0) return nrReclaimed;
  if (sc.reclaimer === RECLAIM_KSWAPD) {
    const queued = queueDemotions(s, nid, demote, nrDemote);
    let fixedNs = 0;
    for (let i = 0; i < queued; i++) fixedNs += migrateFixedNs(s, demote[i]);
    sc.costNs += fixedNs + queued * s.params.copyNsInto[s.machine.demotion.preferred[nid][0]];
    if (queued === nrDemote) return nrReclaimed + queued;
    // No room left in the outbox: the rest fall back to ordinary reclaim now.
    for (let i = queued; i < nrDemote; i++) demote[i - queued] = demote[i]!;
    return nrReclaimed + queued + shrinkPageList(s, ctx, sc, nid, demote, nrDemote - queued, false);
  }
  const target = demotionTarget(s, nid);
  const fileKind = sc.fileKind;
  const fixed = sc.migrateNs;
  for (let i = 0; i < nrDemote; i++) {
    fileKind[i] = (s.frameFlags[demote[i]] & PG_SWAPBACKED) === 0 ? 1 : 0;
    fixed[i] = migrateFixedNs(s, demote[i]);
  }
  const moved = demoteBatchNow(s, nid, target, demote, nrDemote, sc.cpuNid, ctx.walks[nid][target]);
  for (let i = 0; i < moved; i++) sc.costNs += fixed[i];
  sc.costNs += moved * s.params.copyNsInto[target];
  s.counters[row + PGDEMOTE_KSWAPD + sc.reclaimer] += moved;
  s.counters[row + PGMIGRATE_SUCCESS] += moved;
  for (let i = 0; i < moved; i++) countSteal(s, sc, nid, fileKind[i], 1);
  if (moved === nrDemote) return nrReclaimed + moved;
  s.counters[row + PGMIGRATE_FAIL]++;
  s.counters[row + TIERSIM_DEMOTE_BATCH_ABORTED]++;
  for (let i = moved; i < nrDemote; i++) demote[i - moved] = demote[i]!;
  // The second pass (do_demote_pass = false) never adds to `demote`, so it can read from it.
  return nrReclaimed + moved + shrinkPageList(s, ctx, sc, nid, demote, nrDemote - moved, false);
}

/**
 * migrate_pages()'s fixed CPU time for the page in `frame`: a page no process maps skips
 * try_to_unmap, remove_migration_ptes and the TLB flush (costs.migrate_unmapped_per_page).
 */
function migrateFixedNs(s: SimState, frame: number): number {
  const p = s.params;
  if (p.migrateUnmappedNs === p.migrateFixedNs) return p.migrateFixedNs;
  return isUnmappedPage(s.plan, s.framePage[frame]) ? p.migrateUnmappedNs : p.migrateFixedNs;
}

/**
 * next_demotion_node(): the one target (5.15) or a random preferred node (6.1), drawn once per
 * batch from the node's own stream.
 */
export function demotionTarget(s: SimState, nid: number): number {
  const preferred = s.machine.demotion.preferred[nid];
  if (preferred.length === 1) return preferred[0];
  return preferred[belowN(s.prng, nodeStreamOffset(s, nid), preferred.length)];
}

/** Write kswapd's demotion batch to the node's demote ring; returns how many fitted. */
function queueDemotions(s: SimState, nid: number, frames: Int32Array, n: number): number {
  const w = nid * NODE_WORDS;
  const ring = ringOf(s, nid, RING_DEMOTE);
  const queued = Math.min(s.layout.migrateMax - ring.size(), n);
  if (queued <= 0) return 0;
  const target = demotionTarget(s, nid);
  const batchId = s.nodeWords[w + W_BATCH_SEQ];
  s.nodeWords[w + W_BATCH_SEQ] = batchId + 1;
  const box = ring.words;
  for (let i = 0; i < queued; i++) {
    const frame = frames[i];
    const r = ring.reserve();
    writeMigrationRecord(box, r, s.framePage[frame], frame, nid, target, batchId, MIGRATE_DEMOTION);
    // Publish the record to the coordinator (its words are written).
    ring.commit();
  }
  s.nodeWords[w + W_DEMOTE_PENDING] += queued;
  return queued;
}

/**
 * shrink_folio_list's activate_locked: the page goes back active. A swap-cache page gives up its
 * slot when swap is more than half full; the active page then reaches the list through
 * move_folios_to_lru(), which ages the node's nonresident clock (workingset_age_nonresident).
 */
function activateLocked(s: SimState, nid: number, frame: number): void {
  if ((s.frameFlags[frame] & PG_SWAPCACHE) !== 0 && vmSwapFull(s, nid)) freeSwapOf(s, frame);
  s.frameFlags[frame] = s.frameFlags[frame] | PG_ACTIVE;
  s.counters[nid * NR_COUNTERS + PGACTIVATE]++;
  putback(s, nid, frame, false);
  workingsetAgeNonresident(s, nid, 1);
}

/**
 * Ordinary reclaim of one isolated page (the part of shrink_page_list after the demotion point).
 * Returns 1 when the frame was freed.
 */
function reclaimOrdinary(
  s: SimState,
  sc: ScanControl,
  nid: number,
  frame: number,
  cleanOnly: boolean,
): number {
  const flags = s.frameFlags[frame];
  const row = nid * NR_COUNTERS;
  if ((flags & PG_SWAPBACKED) !== 0) {
    if ((flags & PG_SWAPCACHE) === 0) {
      // Anon: needs a swap slot (add_to_swap, which dirties the page); without one the page
      // is activated and stays.
      if (swapFreePages(s, nid) <= 0) {
        activateLocked(s, nid, frame);
        return 0;
      }
      swapSlotTaken(s, nid);
      s.frameDirty[frame] = 1;
    }
    // A swap-cache page not written since it was read back is still in its slot: no pageout.
    if (s.frameDirty[frame] !== 0) {
      s.frameDirty[frame] = 0;
      countWrite(s, nid, DEV_SWAP, 1);
      s.counters[row + PSWPOUT]++;
      s.counters[row + PGPGOUT] += s.params.pageKiB;
      sc.nrPageout++;
    }
    evict(s, nid, frame);
    countSteal(s, sc, nid, 0, 1);
    return 1;
  }
  if (s.frameDirty[frame] !== 0) {
    // Only kswapd writes page cache itself, and only a page it meets a second time (PG_reclaim)
    // on a node where it found nothing but unqueued dirty pages (PGDAT_DIRTY); otherwise the
    // page is left to the flushers, marked for immediate reclaim once written, and activated.
    if (
      sc.reclaimer !== RECLAIM_KSWAPD ||
      (flags & PG_RECLAIM) === 0 ||
      s.nodeWords[nid * NODE_WORDS + W_PGDAT_DIRTY] === 0
    ) {
      s.counters[row + NR_VMSCAN_IMMEDIATE]++;
      s.frameFlags[frame] = flags | PG_RECLAIM;
      activateLocked(s, nid, frame);
      return 0;
    }
    if (cleanOnly || !sc.mayWritepage || !pageoutFile(s, nid, frame)) {
      putback(s, nid, frame, false);
      return 0;
    }
    // pageout(): the write is in flight; the page stays (keep) until it completes and rotates.
    s.counters[row + NR_VMSCAN_WRITE]++;
    sc.nrPageout++;
    putback(s, nid, frame, false);
    return 0;
  }
  evict(s, nid, frame);
  countSteal(s, sc, nid, 1, 1);
  return 1;
}

/** Remove an isolated page from memory, leaving a shadow entry in its page-table slot. */
function evict(s: SimState, nid: number, frame: number): void {
  const page = s.framePage[frame];
  const workingset = (s.frameFlags[frame] & PG_WORKINGSET) !== 0;
  const shadow = s.layout.lruGen ? lruGenEvictionShadow(s, nid, frame) : evictionShadow(s, nid, workingset);
  s.pte[page] = pteOfShadow(shadow);
  releaseIsolatedFrame(s, nid, frame);
}

/**
 * Count freed pages into pgsteal (kswapd / direct, anon / file). The kernel counts nr_reclaimed
 * in shrink_inactive_list; counting where a page is freed gives the same sums and also covers
 * kswapd's demotions, which free their frames only when they settle. MADV_PAGEOUT counts none.
 */
function countSteal(s: SimState, sc: ScanControl, nid: number, file: number, pages: number): void {
  if (sc.reclaimer === RECLAIM_PAGEOUT) return;
  const row = nid * NR_COUNTERS;
  s.counters[row + PGSTEAL_KSWAPD + sc.reclaimer] += pages;
  s.counters[row + PGSTEAL_ANON + file] += pages;
}

// ---------------------------------------------------------------------------------------------
// kswapd
// ---------------------------------------------------------------------------------------------

/** snapshot_refaults(): reclaim has seen the refaults so far. */
function snapshotRefaults(s: SimState, nid: number): void {
  const w = nid * NODE_WORDS;
  const row = nid * NR_COUNTERS;
  s.nodeWords[w + W_REFAULTS_SEEN_ANON] = s.counters[row + WORKINGSET_ACTIVATE_ANON]!;
  s.nodeWords[w + W_REFAULTS_SEEN_FILE] = s.counters[row + WORKINGSET_ACTIVATE_ANON + TYPE_FILE]!;
}

/**
 * kswapd's share of one epoch (the kswapd() loop): balance_pgdat runs while the node is
 * unbalanced, within the CPU time planned for it (kswapd-cpu.ts). A run (priority 12 down to 1)
 * may span epochs: cut short by the budget, it goes on next epoch at the same priority, in the
 * middle of its pass. A run that ends with the node balanced, or hopeless, naps HZ/10; one that
 * went down to priority 1 without balancing it runs again at once (kswapd_high_wmark_hit_quickly),
 * and counts a kswapd failure if it reclaimed nothing (MAX_RECLAIM_RETRIES of them make kswapd
 * stop being woken).
 */
export function kswapdRun(s: SimState, ctx: ReclaimContext, nid: number): void {
  if (!kswapdWoken(s, nid)) return;
  const w = nid * NODE_WORDS;
  const sc = ctx.sc[nid];
  sc.reset(RECLAIM_KSWAPD, nid, 0);
  const budgetNs = s.nodeWords[w + W_KSWAPD_BUDGET_NS];
  if (budgetNs <= 0) return;
  sc.costLimitNs = budgetNs;
  const row = nid * NR_COUNTERS;
  for (let round = 0; round < KSWAPD_ROUNDS_MAX; round++) {
    const boost = s.nodeWords[w + W_WMARK_BOOST];
    if (s.nodeWords[w + W_KSWAPD_RUNNING] === 0) {
      // balance_pgdat() starts.
      s.nodeWords[w + W_KSWAPD_RUNNING] = 1;
      s.nodeWords[w + W_KSWAPD_PRIORITY] = DEF_PRIORITY;
      s.nodeWords[w + W_KSWAPD_RUN_RECLAIMED] = 0;
      // balance_pgdat(): the boost to work off (nr_boost_reclaim), and what to clear at the end.
      s.nodeWords[w + W_KSWAPD_BOOST_RECLAIM] = boost;
      s.nodeWords[w + W_KSWAPD_BOOSTED] = boost;
      s.counters[row + PAGEOUTRUN]++;
    }
    sc.priority = s.nodeWords[w + W_KSWAPD_PRIORITY]!;
    sc.nrToReclaim = Math.max(s.nodeWords[w + W_WMARK_HIGH] + boost, SWAP_CLUSTER_MAX);
    // The pass reclaimed before this epoch, when it resumes one cut short.
    let reclaimedBefore = 0;
    if (s.nodeWords[w + W_KSWAPD_PASS] !== 0) {
      reclaimedBefore = s.nodeWords[w + W_KSWAPD_PASS_RECLAIMED];
      sc.nrScanned = s.nodeWords[w + W_KSWAPD_PASS_SCANNED];
    } else {
      const balanced = pgdatBalanced(s, nid);
      if (!balanced && s.nodeWords[w + W_KSWAPD_BOOST_RECLAIM] > 0) {
        // Imbalanced even counting the boost: ignore boosting and restart as ordinary reclaim
        // (the boosted marks stay, so it balances to HIGH + boost).
        s.nodeWords[w + W_KSWAPD_BOOST_RECLAIM] = 0;
        s.nodeWords[w + W_KSWAPD_PRIORITY] = DEF_PRIORITY;
        sc.priority = DEF_PRIORITY;
      }
      // The top of balance_pgdat's priority loop: stop once the node is balanced (a boosted
      // node that is balanced works off its boost first).
      if (balanced && s.nodeWords[w + W_KSWAPD_BOOST_RECLAIM] === 0) {
        // clear_pgdat_congested().
        s.nodeWords[w + W_PGDAT_DIRTY] = 0;
        endKswapdRun(s, nid, false);
        if (kswapdTryToSleep(s, nid, kswapdNow(s, sc, budgetNs))) break;
        continue;
      }
      // kswapd_age_node(): age the anon lists (MGLRU: the generations), then shrink.
      if (s.layout.lruGen) lruGenAgeNode(s, sc, nid, MGLRU_HOOKS);
      else if (canAgeAnon(s, nid, sc) && inactiveIsLow(s, nid, LRU_INACTIVE_ANON)) {
        shrinkActiveList(s, sc, nid, LRU_ACTIVE_ANON, SWAP_CLUSTER_MAX);
      }
      sc.nrScanned = 0;
    }
    const boostReclaim = s.nodeWords[w + W_KSWAPD_BOOST_RECLAIM];
    // Boosted reclaim neither swaps nor writes back (file pages only): it relieves pressure.
    sc.maySwap = boostReclaim === 0;
    sc.mayWritepage = boostReclaim === 0;
    const before = sc.nrReclaimed;
    shrinkNode(s, ctx, sc, nid);
    // MGLRU's set_initial_priority() may have lowered the run's priority.
    if (s.layout.lruGen) s.nodeWords[w + W_KSWAPD_PRIORITY] = sc.priority;
    s.nodeWords[w + W_KSWAPD_RUN_RECLAIMED] += sc.nrReclaimed - before;
    if (s.nodeWords[w + W_KSWAPD_PASS] !== 0) {
      // Out of CPU time mid-pass: no priority decision until the pass is done.
      s.counters[row + TIERSIM_KSWAPD_BUDGET_EXHAUSTED]++;
      break;
    }
    const reclaimed = reclaimedBefore + sc.nrReclaimed - before;
    if (boostReclaim > 0) {
      s.nodeWords[w + W_KSWAPD_BOOST_RECLAIM] = boostReclaim - Math.min(boostReclaim, reclaimed);
      // No progress on a boost: stop, IO cannot be queued (balance_pgdat's break).
      if (reclaimed === 0) {
        endKswapdRun(s, nid, false);
        if (kswapdTryToSleep(s, nid, kswapdNow(s, sc, budgetNs))) break;
        continue;
      }
    }
    // Raise priority (scan more) unless this pass already scanned what HIGH asks for; boosted
    // reclaim stops raising it at DEF_PRIORITY - 2 so that it never forces writeback.
    const raisePriority =
      sc.nrScanned < sc.nrToReclaim && !(boostReclaim > 0 && sc.priority === DEF_PRIORITY - 2);
    if (raisePriority || reclaimed === 0) s.nodeWords[w + W_KSWAPD_PRIORITY]--;
    if (s.nodeWords[w + W_KSWAPD_PRIORITY] < 1) {
      endKswapdRun(s, nid, true);
      if (kswapdTryToSleep(s, nid, kswapdNow(s, sc, budgetNs))) break;
    }
    if (sc.outOfTime()) {
      s.counters[row + TIERSIM_KSWAPD_BUDGET_EXHAUSTED]++;
      break;
    }
  }
  s.nodeWords[w + W_KSWAPD_CPU_NS] += sc.costNs;
  if (sc.costNs > budgetNs) s.nodeWords[w + W_KSWAPD_DEBT_NS] += sc.costNs - budgetNs;
}

/** Simulated time kswapd has reached in this epoch: its CPU time so far at its share of the CPU. */
function kswapdNow(s: SimState, sc: ScanControl, budgetNs: number): number {
  return s.globalWords[G_NOW_NS] + Math.floor((sc.costNs * s.params.epochNs) / budgetNs);
}

/** The end of a balance_pgdat run: a failure if it went down to priority 1 and reclaimed nothing. */
function endKswapdRun(s: SimState, nid: number, exhausted: boolean): void {
  const w = nid * NODE_WORDS;
  if (exhausted && s.nodeWords[w + W_KSWAPD_RUN_RECLAIMED] === 0) s.nodeWords[w + W_KSWAPD_FAILURES]++;
  s.nodeWords[w + W_KSWAPD_RUNNING] = 0;
  // The boost this run started with is cleared, balanced or not (kcompactd would be woken).
  const boosted = s.nodeWords[w + W_KSWAPD_BOOSTED];
  s.nodeWords[w + W_WMARK_BOOST] -= Math.min(s.nodeWords[w + W_WMARK_BOOST], boosted);
  s.nodeWords[w + W_KSWAPD_BOOSTED] = 0;
  s.nodeWords[w + W_KSWAPD_BOOST_RECLAIM] = 0;
  snapshotRefaults(s, nid);
}

/**
 * Settle kswapd's demotions (source node, after the migrate phase): free the frames whose pages
 * moved, count them as reclaimed and demoted, and send the rest through shrink_page_list again
 * without demotion.
 */
export function settleDemotions(s: SimState, ctx: ReclaimContext, nid: number): void {
  const w = nid * NODE_WORDS;
  const pending = s.nodeWords[w + W_DEMOTE_PENDING];
  const promotions = s.nodeWords[w + W_PROMOTE_PENDING];
  if (pending === 0 && promotions === 0) return;
  const sc = ctx.sc[nid];
  sc.reset(RECLAIM_KSWAPD, nid, 0);
  const ring = ringOf(s, nid, RING_SETTLE);
  const row = nid * NR_COUNTERS;
  const fallback = sc.demote;
  let nrFallback = 0;
  let settled = 0;
  let settledNuma = 0;
  for (let r = ring.peek(); r >= 0; r = ring.peek()) {
    const frame = ring.words[r + M_SRC_FRAME];
    const status = ring.words[r + M_STATUS];
    const kind = ring.words[r + M_KIND];
    ring.release();
    if (kind === MIGRATE_NUMA) {
      // A promoted (or NUMA-migrated) page: its old frame is freed; a failed one goes back.
      settledNuma++;
      if (status === MIGRATE_DONE) releaseIsolatedFrame(s, nid, frame);
      else putback(s, nid, frame, false);
      continue;
    }
    settled++;
    if (status === MIGRATE_DONE) {
      const file = (s.frameFlags[frame] & PG_SWAPBACKED) === 0 ? 1 : 0;
      releaseIsolatedFrame(s, nid, frame);
      s.counters[row + PGDEMOTE_KSWAPD]++;
      s.counters[row + PGMIGRATE_SUCCESS]++;
      countSteal(s, sc, nid, file, 1);
      continue;
    }
    if (status === MIGRATE_NOMEM) {
      s.counters[row + PGMIGRATE_FAIL]++;
      s.counters[row + TIERSIM_DEMOTE_BATCH_ABORTED]++;
    }
    // Second pass without demotion; it never adds to `demote`, so it can read its batch from it.
    fallback[nrFallback++] = frame;
    if (nrFallback === SWAP_CLUSTER_MAX) {
      shrinkPageList(s, ctx, sc, nid, fallback, nrFallback, false);
      nrFallback = 0;
    }
  }
  if (nrFallback > 0) shrinkPageList(s, ctx, sc, nid, fallback, nrFallback, false);
  // Every record sent must come back exactly once (moved, failed or not tried).
  assert(settled === pending, 'settle: demotion records lost or duplicated');
  assert(settledNuma === promotions, 'settle: NUMA-balancing migration records lost or duplicated');
  s.nodeWords[w + W_DEMOTE_PENDING] = 0;
  s.nodeWords[w + W_PROMOTE_PENDING] = 0;
}

// ---------------------------------------------------------------------------------------------
// Direct reclaim and MADV_PAGEOUT
// ---------------------------------------------------------------------------------------------

/**
 * try_to_free_pages() for a fault on `cpuNid` that found no node above MIN: shrink each node of
 * the zonelist once per priority until 32 pages are reclaimed; demotions happen at once. Returns
 * the pages reclaimed; the CPU time spent is left in the node's ScanControl.costNs.
 */
export function directReclaim(
  s: SimState,
  ctx: ReclaimContext,
  cpuNid: number,
  zonelist: readonly number[],
): number {
  const sc = ctx.sc[cpuNid];
  sc.reset(RECLAIM_DIRECT, cpuNid, SWAP_CLUSTER_MAX);
  s.counters[cpuNid * NR_COUNTERS + ALLOCSTALL_NORMAL]++;
  for (;;) {
    for (sc.priority = DEF_PRIORITY; sc.priority >= 0; sc.priority--) {
      sc.nrScanned = 0;
      for (let i = 0; i < zonelist.length; i++) shrinkNode(s, ctx, sc, zonelist[i]);
      if (sc.nrReclaimed >= sc.nrToReclaim) break;
    }
    if (!s.layout.lruGen) for (let i = 0; i < zonelist.length; i++) snapshotRefaults(s, zonelist[i]);
    if (sc.nrReclaimed > 0 || !sc.skippedDeactivate || sc.forceDeactivate) return sc.nrReclaimed;
    // Nothing reclaimed because deactivation was skipped: retry forcing it.
    sc.forceDeactivate = true;
    sc.skippedDeactivate = false;
  }
}

/**
 * reclaim_pages() for MADV_PAGEOUT over the resident pages among page ids [first, end): young
 * bits and PG_referenced are cleared first (madvise_cold_or_pageout_pte_range), then each node's
 * pages go through shrink_page_list with no_demotion: swapped, dropped or, for anon without
 * swap, kept. Runs in the serial place phase.
 */
export function reclaimPages(
  s: SimState,
  ctx: ReclaimContext,
  first: number,
  end: number,
  cpuNid: number,
): void {
  const sc = ctx.sc[cpuNid];
  for (let nid = 0; nid < s.layout.nodes; nid++) {
    sc.reset(RECLAIM_PAGEOUT, cpuNid, 0);
    let n = 0;
    for (let page = first; page < end; page++) {
      const e = s.pte[page];
      if (e <= 0) continue;
      const frame = e - 1;
      if (frameNode(s, frame) !== nid || (s.frameFlags[frame] & PG_LRU) === 0) continue;
      const flags = s.frameFlags[frame];
      const lru =
        ((flags & PG_SWAPBACKED) === 0 ? LRU_INACTIVE_FILE : LRU_INACTIVE_ANON) +
        ((flags & PG_ACTIVE) !== 0 ? 1 : 0);
      isolate(s, nid, lru, frame, (flags & PG_SWAPBACKED) !== 0);
      sc.isolated[n++] = frame;
      if (n === SWAP_CLUSTER_MAX) {
        shrinkPageList(s, ctx, sc, nid, sc.isolated, n, false);
        n = 0;
      }
    }
    if (n > 0) shrinkPageList(s, ctx, sc, nid, sc.isolated, n, false);
  }
}
