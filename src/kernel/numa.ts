/**
 * NUMA balancing (kernel/sched/fair.c task_tick_numa, task_numa_work, task_numa_fault,
 * update_task_scan_period; mm/mprotect.c change_pte_range; mm/memory.c do_numa_page;
 * mm/mempolicy.c mpol_misplaced; mm/migrate.c migrate_misplaced_folio), with the memory-tiering
 * mode of 5.18 and the hot-page selection, rate limit and threshold adjustment of 6.1. All of it
 * runs in the coordinator's serial place step, so every decision is taken in a fixed order:
 *
 * - scanning (task_tick_numa, task_numa_work): a task scans when its run time passes node_stamp
 *   plus its scan period and mm->numa_next_scan has come. A scan walks the task's VMAs whose
 *   policy allows migrate on fault (vma_policy_mof) from the scan offset in chunks of the
 *   remaining budget (scan_size_mb pages, aligned to 2 MiB): a chunk in which any PTE was armed
 *   costs its whole size, every chunk counts against 8× that of address space. Reaching the end
 *   of the address space starts a new pass (mm->numa_scan_seq). change_pte_range skips armed
 *   pages, dirty page cache, pages of a single-threaded task's private VMA already on its node,
 *   and in tiering-only mode top-tier pages; a slow page armed with hot-page selection records
 *   the scan time (ms) in its cpupid field (frameScanMs). From 6.6 each VMA also passes the
 *   per-VMA filters (vma_numab_state: scan delay, the task's recent hint faults in it; 6.12's
 *   forced scan of one skipped VMA per call): vmaScanAllowed.
 * - the scan period (update_task_scan_period, from task_numa_placement on the first recorded
 *   hint fault after a pass): doubles (up to task_scan_max) when the faults since the last
 *   update had no local or shared ones, or a migration failed; else moves by slots of a tenth
 *   from the private/shared and local/remote ratios, within task_scan_min..task_scan_max. In
 *   tiering mode hint faults on slow memory are not recorded (task_numa_fault), so only the
 *   promoted pages (remote, private faults) drive it: each pass with promotions doubles it.
 * - hint faults: the access phase charges them and queues them; here each one restores the PTE
 *   and decides (mpol_misplaced): no migration unless the policy has MPOL_F_MOF (default, or bind
 *   with MPOL_F_NUMA_BALANCING and the faulting CPU's node in the bind set); the page should go
 *   to the faulting CPU's node; should_numa_migrate_memory either takes 6.1's tiering branch for
 *   a slow page (free-space fast path, hot threshold, rate limit) or the two-stage filter (the
 *   page's previous hint fault came from the same node, or it has none), which also runs for
 *   a page already on that node. Then migrate_misplaced_folio: dirty page cache refused; the
 *   watermark check (free > HIGH + boost + 1) refuses and, in tiering mode, wakes the target's kswapd;
 *   else the page is isolated and sent to the target as a migration record (allocated there
 *   without reclaim).
 *
 * Simplifications (docs/simplifications.md): a task's threads share one scan period and one set
 * of fault statistics; a task's run time is the simulated time (its CPUs always run it); the
 * scan costs costs.numa_scan_per_pte per present PTE walked (0 by default), charged to the task
 * with node_stamp moved by 32 times it; the cpupid is the faulting CPU (threads are pinned).
 */
import { PG_LRU, PG_SWAPBACKED, PTE_PROT_NONE, PTE_YOUNG, lruOf } from '../memory/flags.js';
import {
  CPU_WORDS,
  C_CLOCK,
  G_NOW_NS,
  G_PROMOTIONS,
  MIGRATE_NUMA,
  NODE_WORDS,
  RING_MIGRATE,
  TASK_WORDS,
  T_FAULTS_FAILED,
  T_FAULTS_LOCAL,
  T_FAULTS_PRIVATE,
  T_FAULTS_REMOTE,
  T_FAULTS_SHARED,
  T_HAS_PREFERRED,
  T_MIGRATE_RETRY_MS,
  T_MM_SCAN_SEQ,
  T_NEXT_SCAN_NS,
  T_NODE_STAMP_NS,
  T_SCAN_CURSOR,
  T_SCAN_PERIOD_MS,
  T_TASK_SCAN_SEQ,
  W_PROMOTE_PENDING,
  W_PROMO_RL_CANDIDATES,
  W_PROMO_RL_START_MS,
  W_PROMO_THRESHOLD_MS,
  W_PROMO_TH_CANDIDATES,
  W_PROMO_TH_START_MS,
  W_WMARK_HIGH,
  W_WMARK_PROMO,
  W_FREE,
  W_PROMO_QUEUED,
} from '../memory/layout.js';
import { versionAtLeast } from '../config/schema.js';
import { isolate } from '../memory/lru.js';
import { ringOf, type SimState } from '../memory/state.js';
import { frameNode } from '../memory/frames.js';
import {
  NR_COUNTERS,
  NUMA_PTE_UPDATES,
  PGPROMOTE_CANDIDATE,
  TIERSIM_PROMOTE_NOT_HOT,
  TIERSIM_PROMOTE_NO_SPACE,
  TIERSIM_PROMOTE_RATE_LIMITED,
  TIERSIM_PROMOTE_THRESHOLD_MS,
} from '../metrics/vmstat.js';
import { wakeupKswapd } from './kswapd.js';
import { watermark } from './watermark.js';
import { mustReserve, writeMigrationRecord } from './migrate.js';
import { MPOL_BIND, policyMof, type TaskPolicy } from './mempolicy.js';
import { folioMarkDirty } from './writeback.js';

export const NUMA_BALANCING_NORMAL = 1;
export const NUMA_BALANCING_MEMORY_TIERING = 2;

/** MAX_SCAN_WINDOW: the scanner covers at most 2560 MB per second. */
const MAX_SCAN_WINDOW_MB = 2560;
/** TICK_NSEC of a CONFIG_HZ=250 kernel (Debian's and most distributions'). */
const TICK_NS = 4e6;
/** NUMA_PERIOD_SLOTS and NUMA_PERIOD_THRESHOLD of update_task_scan_period. */
const NUMA_PERIOD_SLOTS = 10;
const NUMA_PERIOD_THRESHOLD = 7;
/** INITIAL_JIFFIES: jiffies start 300 s before their 32-bit wrap (include/linux/jiffies.h). */
const INITIAL_JIFFIES_BEFORE_WRAP_MS = 300_000;
/** NUMA_MIGRATION_ADJUST_STEPS: the threshold moves in sixteenths of twice the default. */
const NUMA_MIGRATION_ADJUST_STEPS = 16;
/** HPAGE_SIZE: scan chunks end on 2 MiB boundaries. */
const HPAGE_BYTES = 2 * 1024 * 1024;

export function tieringMode(s: SimState): boolean {
  return (s.params.numa.mode & NUMA_BALANCING_MEMORY_TIERING) !== 0;
}

/**
 * folio_use_access_time(): in tiering mode with hot-page selection (6.1), a slow page's cpupid
 * field holds the time it was scanned instead of its last faulting CPU.
 */
function useAccessTime(s: SimState, nid: number): boolean {
  return tieringMode(s) && s.params.numa.patches >= 1 && !s.machine.topTier[nid];
}

/**
 * A task's address space as the scanner walks it: (first page, pages, VM_SHARED) of each VMA
 * it may scan (mapped, and vma_policy_mof), in order.
 */
export interface ScanSpace {
  first: number[];
  pages: number[];
  /** VM_SHARED: file mappings (MAP_SHARED) are; anonymous regions are private. */
  shared: boolean[];
  total: number;
  /** Every mapped region's (first page, pages), scanned or not: get_mm_rss() counts them all. */
  rssFirst: number[];
  rssPages: number[];
  /** mm_users == 1: one thread. */
  singleThreaded: boolean;
  /** Each scanned VMA's first page in scan-space coordinates (the sum of the pages before it). */
  base: number[];
  /** get_nr_threads(): the task's threads (one per CPU). */
  nrThreads: number;
  /**
   * 6.6+: each scanned VMA's vma_numab_state, NUMAB_WORDS per VMA. Coordinator-only state (the
   * scan and the hint faults run in its serial step), so it lives here and not in SimState.
   */
  numab: Float64Array;
}

/** vma_numab_state words: allocated (1) or NULL (0), and its fields (times in ms). */
const NB_ALLOCATED = 0;
const NB_START_SCAN_SEQ = 1;
const NB_PREV_SCAN_SEQ = 2;
const NB_NEXT_SCAN_MS = 3;
const NB_PIDS_RESET_MS = 4;
/** pids_active[0] and [1]: the task's bit (one PID per task, see docs/simplifications.md). */
const NB_PIDS_PREV = 5;
const NB_PIDS_CUR = 6;
export const NUMAB_WORDS = 7;

export function scanSpaces(s: SimState): ScanSpace[] {
  return s.plan.tasks.map((task) => {
    const mapped = task.regions.filter((r) => r.kind !== 'file' || r.access === 'mmap');
    // vma_policy_mof(): a shmem VMA answers from its shared policy (shmem_get_policy), which
    // tiersim never sets, so it is never scanned; the others follow the task's policy.
    const scanned = policyMof(task.policy) ? mapped.filter((r) => r.kind !== 'shmem') : [];
    const base: number[] = [];
    let total = 0;
    for (const r of scanned) {
      base.push(total);
      total += r.pages;
    }
    return {
      first: scanned.map((r) => r.firstPage),
      pages: scanned.map((r) => r.pages),
      shared: scanned.map((r) => r.kind !== 'anon'),
      total,
      rssFirst: mapped.map((r) => r.firstPage),
      rssPages: mapped.map((r) => r.pages),
      singleThreaded: task.cpus.length === 1,
      base,
      nrThreads: task.cpus.length,
      numab: new Float64Array(scanned.length * NUMAB_WORDS),
    };
  });
}

/**
 * Before the first epoch (init_numa_balancing): the first scan is due after scan_delay, and
 * the period starts as scan_delay until the first tick replaces it with task_scan_start.
 */
export function initNumaScan(s: SimState): void {
  for (let t = 0; t < s.plan.tasks.length; t++) {
    const w = t * TASK_WORDS;
    s.taskWords[w + T_NEXT_SCAN_NS] = s.params.numa.scanDelayMs * 1e6;
    s.taskWords[w + T_SCAN_PERIOD_MS] = s.params.numa.scanDelayMs;
  }
}

/**
 * task_nr_scan_windows(): the task's resident pages now (get_mm_rss: its mapped regions'
 * present PTEs) in scan_size windows, rounded up; a task with none counts one window. The
 * kernel reads RSS when it computes the period: at the first tick (after scan_delay of run
 * time, early in a program that is still filling its memory) and at each placement.
 */
export function taskScanWindows(s: SimState, space: ScanSpace): number {
  let rss = 0;
  for (let r = 0; r < space.rssFirst.length; r++) {
    const end = space.rssFirst[r] + space.rssPages[r];
    for (let page = space.rssFirst[r]; page < end; page++) if (s.pte[page] > 0) rss++;
  }
  return rss === 0 ? 1 : Math.ceil(rss / s.params.numa.scanPages);
}

/**
 * task_scan_min() for a task of `windows` scan windows: max(1000 / (MAX_SCAN_WINDOW /
 * scan_size_mb), scan_period_min / windows) ms, in integer division as the kernel's. Without a
 * numa_group task_scan_start() is the same.
 */
export function taskScanMin(s: SimState, windows: number): number {
  const n = s.params.numa;
  const maxWindows = n.scanSizeMb < MAX_SCAN_WINDOW_MB ? Math.floor(MAX_SCAN_WINDOW_MB / n.scanSizeMb) : 1;
  return Math.max(Math.floor(1000 / maxWindows), Math.floor(n.scanPeriodMinMs / windows));
}

/** task_scan_max(): max(task_scan_min, scan_period_max / windows) ms. */
export function taskScanMax(s: SimState, windows: number): number {
  return Math.max(taskScanMin(s, windows), Math.floor(s.params.numa.scanPeriodMaxMs / windows));
}

/** Coordinator, each epoch: every task's scan tick, and the scans that are due. */
export function numaScan(s: SimState, spaces: readonly ScanSpace[]): void {
  if (s.params.numa.mode === 0) return;
  for (let nid = 0; nid < s.layout.nodes; nid++) s.nodeWords[nid * NODE_WORDS + W_PROMO_QUEUED] = 0;
  const now = s.globalWords[G_NOW_NS];
  for (let t = 0; t < spaces.length; t++) {
    if (spaces[t].total === 0) continue;
    if (taskTickNuma(s, t, spaces[t], now)) taskNumaWork(s, t, spaces[t], now);
  }
}

/**
 * task_tick_numa(): once the task's run time (here: the simulated time) passes node_stamp plus
 * its scan period, node_stamp moves on by the period (the first time the period becomes
 * task_scan_start), and the scan work runs if mm->numa_next_scan has come.
 */
function taskTickNuma(s: SimState, task: number, space: ScanSpace, now: number): boolean {
  const w = task * TASK_WORDS;
  const periodNs = s.taskWords[w + T_SCAN_PERIOD_MS] * 1e6;
  if (!(now > s.taskWords[w + T_NODE_STAMP_NS] + periodNs)) return false;
  if (s.taskWords[w + T_NODE_STAMP_NS] === 0)
    s.taskWords[w + T_SCAN_PERIOD_MS] = taskScanMin(s, taskScanWindows(s, space));
  s.taskWords[w + T_NODE_STAMP_NS] += periodNs;
  return now >= s.taskWords[w + T_NEXT_SCAN_NS];
}

/**
 * task_numa_work(): the next scan after one period; arm the next stretch of address space.
 * From 6.6 each VMA first passes vmaScanAllowed (6.4's per-VMA scan delay and PID filter, and
 * in 6.12 the rules 6.7–6.11 added); 6.12 rescans, once, the VMAs its PID filter skipped when
 * nothing else was left (vma_pids_forced), one VMA at most.
 */
function taskNumaWork(s: SimState, task: number, space: ScanSpace, now: number): void {
  const w = task * TASK_WORDS;
  s.taskWords[w + T_NEXT_SCAN_NS] = now + s.taskWords[w + T_SCAN_PERIOD_MS] * 1e6;
  s.taskWords[w + T_NODE_STAMP_NS] += 2 * TICK_NS;
  const cpuNid = s.machine.cpuNode[s.plan.tasks[task].cpus[0]];
  const hpage = Math.max(1, Math.floor(HPAGE_BYTES / s.params.pageSize));
  const numab = versionAtLeast(s.params.kernelVersion, '6.6');
  const late = versionAtLeast(s.params.kernelVersion, '6.12');
  const n = space.first.length;
  let pages = s.params.numa.scanPages;
  let virtpages = 8 * pages;
  let updated = 0;
  walkedPtes = 0;
  pidsSkipped = false;
  let forced = false;
  // Where the walk stopped inside the address space (the kernel's vma != NULL at out:), or -1
  // when it ran past the last VMA (reset_ptenuma_scan).
  let stop = -1;
  retry: for (;;) {
    let start = s.taskWords[w + T_SCAN_CURSOR];
    if (start >= space.total) {
      // vma_next() found nothing past the offset: reset_ptenuma_scan(), a new pass.
      s.taskWords[w + T_MM_SCAN_SEQ]++;
      s.taskWords[w + T_SCAN_CURSOR] = 0;
      start = 0;
    }
    let region = 0;
    while (space.base[region] + space.pages[region] <= start) region++;
    for (; region < n; region++) {
      if (numab && !vmaScanAllowed(s, task, space, region, forced, late)) continue;
      const base = space.base[region];
      const length = space.pages[region];
      let offset = Math.max(start, base) - base;
      do {
        const end = Math.min(Math.ceil((offset + pages) / hpage) * hpage, length);
        const armedNow = changeProtNuma(
          s,
          space.first[region] + offset,
          space.first[region] + end,
          space,
          region,
          cpuNid,
        );
        updated += armedNow;
        if (armedNow > 0) pages -= end - offset;
        virtpages -= end - offset;
        offset = end;
        start = base + offset;
        if (pages <= 0 || virtpages <= 0) {
          stop = start;
          break retry;
        }
      } while (offset !== length);
      // The VMA's scan is complete: not again in this pass.
      if (late) space.numab[region * NUMAB_WORDS + NB_PREV_SCAN_SEQ] = s.taskWords[w + T_MM_SCAN_SEQ];
      if (forced) {
        // Only one VMA per forced scan.
        stop = start;
        break retry;
      }
    }
    // No VMA left and some were skipped for their PIDs: force a scan to make progress.
    if (late && !forced && pidsSkipped) {
      forced = true;
      continue;
    }
    break;
  }
  if (stop >= 0) s.taskWords[w + T_SCAN_CURSOR] = stop;
  else {
    // The last VMA is done: reset_ptenuma_scan().
    s.taskWords[w + T_MM_SCAN_SEQ]++;
    s.taskWords[w + T_SCAN_CURSOR] = 0;
  }
  s.counters[cpuNid * NR_COUNTERS + NUMA_PTE_UPDATES] += updated;
  // The scan ran in the task's context: it pays the walk, and node_stamp moves on by 32 times
  // it ("use at least 32x as much time to run other code than they used here", 3 % at most).
  const costNs = walkedPtes * s.params.numa.scanPerPteNs;
  if (costNs > 0) {
    s.cpuWords[s.plan.tasks[task].cpus[0] * CPU_WORDS + C_CLOCK] += costNs;
    s.taskWords[w + T_NODE_STAMP_NS] += 32 * costNs;
  }
}

/** task_numa_work's vma_pids_skipped (the coordinator's serial step only). */
let pidsSkipped = false;

/**
 * The per-VMA filters of task_numa_work, 6.6+ (vma_numab_state; VMA_PID_RESET_PERIOD = 4 ×
 * scan_delay): allocate the state on the first visit (next_scan one scan_delay away, the PID
 * reset four more, prev_scan_seq one pass back); skip the VMA until next_scan once the first
 * pass is over; age the PID bits (pids_active[0] = [1], [1] = 0) each time the reset time has
 * passed; skip a VMA the task has not faulted in during the last two windows (vma_is_accessed).
 * 6.6 has 6.4's order (the PID aging after the access test, the first two passes of the mm
 * always allowed); 6.12 ages before the test and adds 6.7–6.11's rules: a VMA completed in this
 * pass is skipped (the offset moves past it), the first two passes since the VMA's state was
 * allocated (start_scan_seq), a VMA the scan stopped inside, and one not scanned for more passes
 * than the task has threads are allowed; `forced` (vma_pids_forced) overrides the PID test.
 */
function vmaScanAllowed(
  s: SimState,
  task: number,
  space: ScanSpace,
  region: number,
  forced: boolean,
  late: boolean,
): boolean {
  const nb = space.numab;
  const v = region * NUMAB_WORDS;
  const w = task * TASK_WORDS;
  const seq = s.taskWords[w + T_MM_SCAN_SEQ];
  const nowMs = s.globalWords[G_NOW_NS] / 1e6;
  const delay = s.params.numa.scanDelayMs;
  if (nb[v + NB_ALLOCATED] === 0) {
    nb[v + NB_ALLOCATED] = 1;
    nb[v + NB_START_SCAN_SEQ] = seq;
    nb[v + NB_NEXT_SCAN_MS] = nowMs + delay;
    nb[v + NB_PIDS_RESET_MS] = nb[v + NB_NEXT_SCAN_MS] + 4 * delay;
    nb[v + NB_PREV_SCAN_SEQ] = seq - 1;
  }
  // Short-lived tasks: a new VMA waits scan_delay (not in the mm's first pass).
  if (seq !== 0 && nowMs < nb[v + NB_NEXT_SCAN_MS]) return false;
  if (late) agePids(nb, v, seq, nowMs, delay);
  if (late && nb[v + NB_PREV_SCAN_SEQ] === seq) {
    s.taskWords[w + T_SCAN_CURSOR] = space.base[region] + space.pages[region];
    return false;
  }
  if (!forced && !vmaIsAccessed(s, w, space, v, region, seq, late)) {
    pidsSkipped = true;
    return false;
  }
  if (!late) agePids(nb, v, seq, nowMs, delay);
  return true;
}

/** The PID window moves by one VMA_PID_RESET_PERIOD when its reset time has passed. */
function agePids(nb: Float64Array, v: number, seq: number, nowMs: number, delay: number): void {
  if (seq === 0 || !(nowMs > nb[v + NB_PIDS_RESET_MS])) return;
  nb[v + NB_PIDS_RESET_MS] += 4 * delay;
  nb[v + NB_PIDS_PREV] = nb[v + NB_PIDS_CUR];
  nb[v + NB_PIDS_CUR] = 0;
}

/** vma_is_accessed(), 6.4's (`late` false) or 6.12's. */
function vmaIsAccessed(
  s: SimState,
  w: number,
  space: ScanSpace,
  v: number,
  region: number,
  seq: number,
  late: boolean,
): boolean {
  const nb = space.numab;
  // The first two passes arm every VMA whatever its accesses.
  if (seq - (late ? nb[v + NB_START_SCAN_SEQ] : 0) < 2) return true;
  if (nb[v + NB_PIDS_PREV] !== 0 || nb[v + NB_PIDS_CUR] !== 0) return true;
  if (!late) return false;
  // A scan that stopped inside this VMA is completed whatever the PIDs.
  if (s.taskWords[w + T_SCAN_CURSOR] > space.base[region]) return true;
  // Not scanned for more passes than the task has threads to fault in it: scan it.
  return seq > nb[v + NB_PREV_SCAN_SEQ] + space.nrThreads;
}

/**
 * vma_set_access_pid_bit() from a hint fault of `task` on `page` (6.6+): the bit is set in the
 * faulting task's VMA if it has its numab state.
 */
function setAccessPidBit(space: ScanSpace, page: number): void {
  for (let r = 0; r < space.first.length; r++) {
    if (page >= space.first[r] && page < space.first[r] + space.pages[r]) {
      if (space.numab[r * NUMAB_WORDS + NB_ALLOCATED] !== 0) space.numab[r * NUMAB_WORDS + NB_PIDS_CUR] = 1;
      return;
    }
  }
}

/** Present PTEs the current task_numa_work walked (the coordinator's serial step only). */
let walkedPtes = 0;

/** change_prot_numa() over pages [from, to) of one VMA: returns the PTEs it armed. */
function changeProtNuma(
  s: SimState,
  from: number,
  to: number,
  space: ScanSpace,
  region: number,
  cpuNid: number,
): number {
  const normal = (s.params.numa.mode & NUMA_BALANCING_NORMAL) !== 0;
  const nowMs = Math.floor(s.globalWords[G_NOW_NS] / 1e6);
  // change_protection(): a single-threaded task's private VMA skips pages on its node.
  const targetNode = space.singleThreaded && !space.shared[region] ? cpuNid : -1;
  let updated = 0;
  for (let page = from; page < to; page++) {
    const e = s.pte[page];
    if (e <= 0) continue;
    walkedPtes++;
    const frame = e - 1;
    const y = s.frameYoung[frame];
    if ((y & PTE_PROT_NONE) !== 0) continue;
    // Dirty page cache cannot move in MIGRATE_ASYNC.
    if ((s.frameFlags[frame] & PG_SWAPBACKED) === 0 && s.frameDirty[frame] !== 0) continue;
    const nid = frameNode(s, frame);
    if (nid === targetNode) continue;
    // Tiering only: top-tier pages are not worth a fault.
    if (!normal && s.machine.topTier[nid]) continue;
    s.frameYoung[frame] = y | PTE_PROT_NONE;
    if (useAccessTime(s, nid)) s.frameScanMs[frame] = nowMs;
    updated++;
  }
  return updated;
}

/**
 * task_numa_fault() for a hint fault of `task` on CPU `cpu`: `lastCpupid` is the page's cpupid
 * as do_numa_page read it (0 = unset; CPU + 1), `memNid` the page's node after the fault (the
 * target if it is migrating), `local` whether it was on the CPU's node.
 */
function taskNumaFault(
  s: SimState,
  task: number,
  space: ScanSpace,
  lastCpupid: number,
  cpu: number,
  memNid: number,
  local: boolean,
  failed: boolean,
): void {
  // Statistics of slow memory are not kept in tiering mode (nor for a page never faulted).
  if (!s.machine.topTier[memNid] && (tieringMode(s) || lastCpupid === 0)) return;
  const w = task * TASK_WORDS;
  const priv = lastCpupid === 0 || lastCpupid === cpu + 1;
  const nowMs = s.globalWords[G_NOW_NS] / 1e6;
  if (nowMs > s.taskWords[w + T_MIGRATE_RETRY_MS]) {
    taskNumaPlacement(s, task, space);
    // numa_migrate_preferred(): retry after min(1 s, period / 16) once a node is preferred.
    if (s.taskWords[w + T_HAS_PREFERRED] !== 0) {
      s.taskWords[w + T_MIGRATE_RETRY_MS] = nowMs + Math.min(1000, s.taskWords[w + T_SCAN_PERIOD_MS] / 16);
    }
  }
  if (failed) s.taskWords[w + T_FAULTS_FAILED]++;
  s.taskWords[w + (priv ? T_FAULTS_PRIVATE : T_FAULTS_SHARED)]++;
  s.taskWords[w + (local ? T_FAULTS_LOCAL : T_FAULTS_REMOTE)]++;
}

/**
 * task_numa_placement(), the part that drives scanning: once per pass of the scanner, hand the
 * faults since the last placement to update_task_scan_period. (Task placement itself is not
 * modelled: tasks are pinned.)
 */
function taskNumaPlacement(s: SimState, task: number, space: ScanSpace): void {
  const w = task * TASK_WORDS;
  if (s.taskWords[w + T_TASK_SCAN_SEQ] === s.taskWords[w + T_MM_SCAN_SEQ]) return;
  s.taskWords[w + T_TASK_SCAN_SEQ] = s.taskWords[w + T_MM_SCAN_SEQ];
  const shared = s.taskWords[w + T_FAULTS_SHARED];
  const priv = s.taskWords[w + T_FAULTS_PRIVATE];
  if (shared + priv > 0) s.taskWords[w + T_HAS_PREFERRED] = 1;
  s.taskWords[w + T_FAULTS_SHARED] = 0;
  s.taskWords[w + T_FAULTS_PRIVATE] = 0;
  updateTaskScanPeriod(s, task, space, shared, priv);
}

/** update_task_scan_period(), as 5.18–6.12 compute it. Exported for tests. */
export function updateTaskScanPeriod(
  s: SimState,
  task: number,
  space: ScanSpace,
  shared: number,
  priv: number,
): void {
  const w = task * TASK_WORDS;
  const remote = s.taskWords[w + T_FAULTS_REMOTE];
  const local = s.taskWords[w + T_FAULTS_LOCAL];
  const period = s.taskWords[w + T_SCAN_PERIOD_MS];
  const windows = taskScanWindows(s, space);
  const max = taskScanMax(s, windows);
  // No local or shared faults, or a failed migration: scan slower (the counts are kept).
  if (local + shared === 0 || s.taskWords[w + T_FAULTS_FAILED] !== 0) {
    const next = Math.min(max, period * 2);
    s.taskWords[w + T_SCAN_PERIOD_MS] = next;
    s.taskWords[w + T_NEXT_SCAN_NS] = s.globalWords[G_NOW_NS] + next * 1e6;
    return;
  }
  const slot = Math.ceil(period / NUMA_PERIOD_SLOTS);
  const lrRatio = local + remote === 0 ? 0 : Math.floor((local * NUMA_PERIOD_SLOTS) / (local + remote));
  const psRatio = Math.floor((priv * NUMA_PERIOD_SLOTS) / (priv + shared));
  let diff: number;
  if (psRatio >= NUMA_PERIOD_THRESHOLD) diff = Math.max(1, psRatio - NUMA_PERIOD_THRESHOLD) * slot;
  else if (lrRatio >= NUMA_PERIOD_THRESHOLD) diff = Math.max(1, lrRatio - NUMA_PERIOD_THRESHOLD) * slot;
  else diff = -(NUMA_PERIOD_THRESHOLD - Math.max(lrRatio, psRatio)) * slot;
  const min = taskScanMin(s, windows);
  s.taskWords[w + T_SCAN_PERIOD_MS] = Math.min(max, Math.max(min, period + diff));
  s.taskWords[w + T_FAULTS_REMOTE] = 0;
  s.taskWords[w + T_FAULTS_LOCAL] = 0;
  s.taskWords[w + T_FAULTS_FAILED] = 0;
}

/** Outcome of numaHintFault, for the caller's accounting and tests. */
export const HINT_NO_MIGRATION = 0;
export const HINT_MIGRATING = 1;
export const HINT_REFUSED = 2;

/**
 * do_numa_page for one queued hint fault of `page` by CPU `cpu` (`spaces` as numaScan's).
 * Returns HINT_*.
 */
export function numaHintFault(
  s: SimState,
  policy: TaskPolicy,
  spaces: readonly ScanSpace[],
  page: number,
  cpu: number,
  store: number,
): number {
  const e = s.pte[page];
  if (e <= 0) return HINT_NO_MIGRATION;
  const frame = e - 1;
  // Another CPU's fault on it was handled earlier in this step: the PTE is restored already.
  if ((s.frameYoung[frame] & PTE_PROT_NONE) === 0) return HINT_NO_MIGRATION;
  s.frameYoung[frame] = PTE_YOUNG;
  const task = s.plan.cpuTask[cpu];
  if (versionAtLeast(s.params.kernelVersion, '6.6')) setAccessPidBit(spaces[task], page);
  if (store !== 0) {
    if (page < s.plan.filePages) folioMarkDirty(s, frame, page, cpu);
    else s.frameDirty[frame] = 1;
  }
  const srcNid = frameNode(s, frame);
  const cpuNid = s.machine.cpuNode[cpu];
  // numa_migrate_check(): a slow page's cpupid field holds a time, so it reads as unset.
  const lastCpupid = useAccessTime(s, srcNid) ? 0 : s.frameScanMs[frame];
  const target = mpolMisplaced(s, policy, frame, srcNid, cpu, cpuNid);
  let outcome = HINT_NO_MIGRATION;
  if (target >= 0) outcome = migrateMisplaced(s, frame, srcNid, target, cpu);
  const memNid = outcome === HINT_MIGRATING ? target : srcNid;
  taskNumaFault(s, task, spaces[task], lastCpupid, cpu, memNid, srcNid === cpuNid, outcome === HINT_REFUSED);
  return outcome;
}

/**
 * mpol_misplaced(): the node the policy wants the page on, or -1 for none. Only MPOL_F_MOF
 * policies migrate, and with MPOL_F_MORON (all of them here) towards the faulting CPU's node,
 * if should_numa_migrate_memory agrees; bind only to a node of its set.
 */
function mpolMisplaced(
  s: SimState,
  policy: TaskPolicy,
  frame: number,
  srcNid: number,
  cpu: number,
  cpuNid: number,
): number {
  if (!policy.mof) return -1;
  if (policy.mode === MPOL_BIND && !policy.nodes.includes(cpuNid)) return -1;
  if (!shouldNumaMigrateMemory(s, frame, srcNid, cpu, cpuNid)) return -1;
  return srcNid === cpuNid ? -1 : cpuNid;
}

/**
 * should_numa_migrate_memory(): 6.1's tiering branch for a slow page whose cpupid holds its
 * scan time; otherwise the two-stage filter, reduced to what pinned tasks exercise (no
 * numa_group): migrate when the page's previous hint fault came from a CPU of the same node, or
 * it has none; remember this CPU. In NORMAL-only mode a slow page without a previous fault
 * stays (6.1+).
 */
function shouldNumaMigrateMemory(
  s: SimState,
  frame: number,
  srcNid: number,
  cpu: number,
  dstNid: number,
): boolean {
  if (useAccessTime(s, srcNid)) return hotPageSelect(s, frame, dstNid);
  const last = s.frameScanMs[frame];
  s.frameScanMs[frame] = cpu + 1;
  if (
    !tieringMode(s) &&
    !s.machine.topTier[srcNid] &&
    last === 0 &&
    versionAtLeast(s.params.kernelVersion, '6.1')
  )
    return false;
  return last === 0 || s.machine.cpuNode[last - 1] === dstNid;
}

/**
 * should_numa_migrate_memory's tiering branch (6.1, the hot-page selection series' patches in
 * force): free-space fast path, then hint-fault latency against the threshold (which also
 * stores the fault time, numa_hint_fault_latency), then the rate limit.
 */
function hotPageSelect(s: SimState, frame: number, target: number): boolean {
  const n = s.params.numa;
  const w = target * NODE_WORDS;
  const row = target * NR_COUNTERS;
  const nowMs = Math.floor(s.globalWords[G_NOW_NS] / 1e6);
  if (freeSpaceEnough(s, target)) {
    s.nodeWords[w + W_PROMO_THRESHOLD_MS] = 0;
    return true;
  }
  if (n.patches >= 3) adjustThreshold(s, target, nowMs);
  const threshold = s.nodeWords[w + W_PROMO_THRESHOLD_MS] || n.hotThresholdMs;
  const latency = (nowMs - s.frameScanMs[frame]) >>> 0;
  s.frameScanMs[frame] = nowMs;
  if (latency >= threshold) {
    s.counters[row + TIERSIM_PROMOTE_NOT_HOT]++;
    return false;
  }
  s.counters[row + PGPROMOTE_CANDIDATE]++;
  if (n.patches >= 2 && rateLimited(s, target, nowMs)) {
    s.counters[row + TIERSIM_PROMOTE_RATE_LIMITED]++;
    return false;
  }
  return true;
}

/** pgdat_free_space_enough(): free > PROMO + max(1 GiB, present / 16). */
function freeSpaceEnough(s: SimState, nid: number): boolean {
  const w = nid * NODE_WORDS;
  const enough = Math.max((1 << 30) / s.params.pageSize, Math.floor(s.layout.managedPages[nid] / 16));
  return s.nodeWords[w + W_FREE] > s.nodeWords[w + W_WMARK_PROMO] + enough;
}

/**
 * jiffies_to_msecs(jiffies) as a 32-bit value: jiffies start at INITIAL_JIFFIES, 300 s before
 * they wrap, so the kernel's clock reads boot time - 300,000 ms (mod 2^32). pgdat's
 * nbp_rl_start and nbp_th_start start at 0, so "now - start" (unsigned) is huge at the first
 * call: the first candidate opens a rate-limit window and adjusts the threshold at once.
 */
export function jiffiesMs(nowMs: number): number {
  return (nowMs - INITIAL_JIFFIES_BEFORE_WRAP_MS) >>> 0;
}

/** numa_promotion_rate_limit(): candidates per 1 s period against the limit. */
function rateLimited(s: SimState, nid: number, nowMs: number): boolean {
  const w = nid * NODE_WORDS;
  const candidates = s.counters[nid * NR_COUNTERS + PGPROMOTE_CANDIDATE];
  const now = jiffiesMs(nowMs);
  if ((now - s.nodeWords[w + W_PROMO_RL_START_MS]) >>> 0 > 1000) {
    s.nodeWords[w + W_PROMO_RL_START_MS] = now;
    s.nodeWords[w + W_PROMO_RL_CANDIDATES] = candidates;
  }
  return candidates - s.nodeWords[w + W_PROMO_RL_CANDIDATES] >= s.params.numa.rateLimitPagesPerS;
}

/**
 * numa_promotion_adjust_threshold(): once per scan_period_max, compare the candidates of the
 * period with what the rate limit allows over it and move the threshold one unit (2 × default
 * / 16) down when there were too many (> 110 %), up when too few (< 90 %), within [unit, 2 ×
 * default].
 */
function adjustThreshold(s: SimState, nid: number, nowMs: number): void {
  const n = s.params.numa;
  const w = nid * NODE_WORDS;
  const period = n.scanPeriodMaxMs;
  const now = jiffiesMs(nowMs);
  if ((now - s.nodeWords[w + W_PROMO_TH_START_MS]) >>> 0 <= period) return;
  const candidates = s.counters[nid * NR_COUNTERS + PGPROMOTE_CANDIDATE];
  const diff = candidates - s.nodeWords[w + W_PROMO_TH_CANDIDATES];
  // Integer arithmetic as the kernel's (unsigned long ref_cand, unsigned int unit_th).
  const reference = Math.floor((n.rateLimitPagesPerS * period) / 1000);
  const unit = Math.floor((2 * n.hotThresholdMs) / NUMA_MIGRATION_ADJUST_STEPS);
  let threshold = s.nodeWords[w + W_PROMO_THRESHOLD_MS] || n.hotThresholdMs;
  if (diff > Math.floor((reference * 11) / 10)) threshold = Math.max(threshold - unit, unit);
  else if (diff < Math.floor((reference * 9) / 10))
    threshold = Math.min(threshold + unit, 2 * n.hotThresholdMs);
  s.nodeWords[w + W_PROMO_TH_START_MS] = now;
  s.nodeWords[w + W_PROMO_TH_CANDIDATES] = candidates;
  s.nodeWords[w + W_PROMO_THRESHOLD_MS] = threshold;
}

/**
 * migrate_misplaced_page(): refuse dirty page cache; check the target's watermark (free > HIGH
 * + 1; in tiering mode a refusal wakes its kswapd); isolate the page and queue it for the
 * target's migrate round. The faulting CPU pays the migration, as the kernel's does.
 */
function migrateMisplaced(s: SimState, frame: number, srcNid: number, target: number, cpu: number): number {
  const flags = s.frameFlags[frame];
  const anon = (flags & PG_SWAPBACKED) !== 0;
  if (!anon && s.frameDirty[frame] !== 0) return HINT_REFUSED;
  const tw = target * NODE_WORDS;
  // The kernel allocates each promoted page at once; here they wait for the migrate round, so
  // the ones already queued count as taken. migrate_balanced_pgdat() reads high_wmark_pages(),
  // which includes watermark_boost: while a boost (an unmovable steal's) is up, the promotion
  // is refused and kswapd woken to reclaim it, rather than queued for an allocation that the
  // boosted MIN watermark then fails without waking anyone.
  if (s.nodeWords[tw + W_FREE] - s.nodeWords[tw + W_PROMO_QUEUED] <= watermark(s, target, W_WMARK_HIGH) + 1) {
    // Tiering mode (5.18+): wakeup_kswapd() on the target, which balances it to PROMO.
    if (tieringMode(s)) wakeupKswapd(s, target);
    s.counters[target * NR_COUNTERS + TIERSIM_PROMOTE_NO_SPACE]++;
    return HINT_REFUSED;
  }
  if ((flags & PG_LRU) === 0) return HINT_REFUSED;
  // Serial step: the coordinator may touch the source node's lists.
  isolate(s, srcNid, lruOf(flags), frame, anon);
  s.nodeWords[srcNid * NODE_WORDS + W_PROMOTE_PENDING]++;
  s.nodeWords[tw + W_PROMO_QUEUED]++;
  const ring = ringOf(s, target, RING_MIGRATE);
  const r = mustReserve(ring, 'migrate');
  writeMigrationRecord(ring.words, r, s.framePage[frame], frame, srcNid, target, -1, MIGRATE_NUMA);
  // Publish the record to the target (its words are written).
  ring.commit();
  s.globalWords[G_PROMOTIONS]++;
  s.cpuWords[cpu * CPU_WORDS + C_CLOCK] += s.params.migrateFixedNs + s.params.copyNsInto[target];
  return HINT_MIGRATING;
}

/** Gauge: each node's hot threshold in force (the default until adjusted). */
export function updatePromotionGauges(s: SimState): void {
  for (let nid = 0; nid < s.layout.nodes; nid++) {
    s.counters[nid * NR_COUNTERS + TIERSIM_PROMOTE_THRESHOLD_MS] =
      s.nodeWords[nid * NODE_WORDS + W_PROMO_THRESHOLD_MS] || s.params.numa.hotThresholdMs;
  }
}
