/**
 * NUMA balancing (kernel/sched/fair.c task_numa_work, mm/memory.c do_numa_page,
 * mm/migrate.c migrate_misplaced_page), with the memory-tiering mode of 5.18 and the hot-page
 * selection, rate limit and threshold adjustment of 6.0. All of it runs in the coordinator's
 * serial place step, so every decision is taken in a fixed order:
 *
 * - scanning: every scan period a task's next window of mapped address space is armed
 *   PROT_NONE (scan_size_mb pages armed, at most 8× that looked at). In tiering-only mode
 *   top-tier pages are skipped; dirty page-cache pages always are. A slow page armed in tiering
 *   mode records the scan time (ms) in its cpupid field (frameScanMs).
 * - hint faults: the access phase charges them and queues them; here each one restores the PTE
 *   and decides: no migration when the page is already on the CPU's node (or the policy binds
 *   it); in tiering mode a slow page goes through should_numa_migrate_memory's tiering branch
 *   (free-space fast path, hot threshold, rate limit); otherwise NORMAL's two-stage filter
 *   (the page's previous hint fault came from the same node). Then migrate_misplaced_page:
 *   dirty page cache refused; the watermark check (free > HIGH + 1) refuses and, in tiering
 *   mode, wakes the target's kswapd (which then balances to PROMO); else the page is isolated
 *   and sent to the target as a migration record (allocated there without reclaim).
 *
 * Simplifications (docs/simplifications.md): the scan period stays at its start value
 * (task_scan_min for the task's size); scanning is driven by simulated time, not task runtime.
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
  T_NEXT_SCAN_NS,
  T_SCAN_CURSOR,
  T_SCAN_PERIOD_MS,
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
import { mustReserve, writeMigrationRecord } from './migrate.js';
import { MPOL_BIND, MPOL_INTERLEAVE, MPOL_PREFERRED, interleaveIndex, type TaskPolicy } from './mempolicy.js';

export const NUMA_BALANCING_NORMAL = 1;
export const NUMA_BALANCING_MEMORY_TIERING = 2;

/** MAX_SCAN_WINDOW: the scanner covers at most 2560 MB per second. */
const MAX_SCAN_WINDOW_MB = 2560;

export function tieringMode(s: SimState): boolean {
  return (s.params.numa.mode & NUMA_BALANCING_MEMORY_TIERING) !== 0;
}

/** A task's mapped address space, for the scanner: (first page, pages) of each mapped region. */
export interface ScanSpace {
  first: number[];
  pages: number[];
  total: number;
}

export function scanSpaces(s: SimState): ScanSpace[] {
  return s.plan.tasks.map((task) => {
    const mapped = task.regions.filter((r) => r.kind === 'anon' || r.access === 'mmap');
    return {
      first: mapped.map((r) => r.firstPage),
      pages: mapped.map((r) => r.pages),
      total: mapped.reduce((n, r) => n + r.pages, 0),
    };
  });
}

/** Before the first epoch: every task's first scan comes after scan_delay. */
export function initNumaScan(s: SimState): void {
  for (let t = 0; t < s.plan.tasks.length; t++)
    s.taskWords[t * TASK_WORDS + T_NEXT_SCAN_NS] = s.params.numa.scanDelayMs * 1e6;
}

/**
 * task_scan_min for a task of `pages` pages: max(1000 / (MAX_SCAN_WINDOW / scan_size_mb),
 * scan_period_min / windows) ms, windows = ceil(size / scan size). The period starts there.
 */
export function scanPeriodMs(s: SimState, pages: number): number {
  const n = s.params.numa;
  const windows = Math.max(1, Math.ceil(pages / n.scanPages));
  // task_scan_min's floor: windows of MAX_SCAN_WINDOW in integer division, as the kernel's.
  const maxWindows = n.scanSizeMb < MAX_SCAN_WINDOW_MB ? Math.floor(MAX_SCAN_WINDOW_MB / n.scanSizeMb) : 1;
  return Math.max(Math.floor(1000 / maxWindows), Math.floor(n.scanPeriodMinMs / windows));
}

/** Coordinator, each epoch: run the scans that are due (task_numa_work). */
export function numaScan(s: SimState, spaces: readonly ScanSpace[]): void {
  if (s.params.numa.mode === 0) return;
  for (let nid = 0; nid < s.layout.nodes; nid++) s.nodeWords[nid * NODE_WORDS + W_PROMO_QUEUED] = 0;
  const now = s.globalWords[G_NOW_NS];
  for (let t = 0; t < spaces.length; t++) {
    const w = t * TASK_WORDS;
    if (now < s.taskWords[w + T_NEXT_SCAN_NS] || spaces[t].total === 0) continue;
    scanTask(s, t, spaces[t], now);
    const period = scanPeriodMs(s, spaces[t].total);
    s.taskWords[w + T_SCAN_PERIOD_MS] = period;
    s.taskWords[w + T_NEXT_SCAN_NS] = now + period * 1e6;
  }
}

function scanTask(s: SimState, task: number, space: ScanSpace, nowNs: number): void {
  const w = task * TASK_WORDS;
  const nowMs = Math.floor(nowNs / 1e6);
  const tiering = tieringMode(s);
  const normal = (s.params.numa.mode & NUMA_BALANCING_NORMAL) !== 0;
  const cpuNid = s.machine.cpuNode[s.plan.tasks[task].cpus[0]];
  let budget = s.params.numa.scanPages;
  let virt = 8 * budget;
  let cursor = s.taskWords[w + T_SCAN_CURSOR] % space.total;
  // Locate the cursor's region.
  let region = 0;
  let offset = cursor;
  while (offset >= space.pages[region]) offset -= space.pages[region++];
  let updated = 0;
  while (budget > 0 && virt > 0) {
    const page = space.first[region] + offset;
    virt--;
    cursor++;
    if (++offset === space.pages[region]) {
      offset = 0;
      region = region + 1 === space.first.length ? 0 : region + 1;
      if (region === 0) cursor = 0;
    }
    const e = s.pte[page];
    if (e <= 0) continue;
    const frame = e - 1;
    const y = s.frameYoung[frame];
    if ((y & PTE_PROT_NONE) !== 0) continue;
    const nid = frameNode(s, frame);
    const topTier = s.machine.topTier[nid];
    // Tiering only: top-tier pages are not worth a fault. Dirty page cache cannot move async.
    if (!normal && topTier) continue;
    if ((s.frameFlags[frame] & PG_SWAPBACKED) === 0 && s.frameDirty[frame] !== 0) continue;
    s.frameYoung[frame] = y | PTE_PROT_NONE;
    if (tiering && !topTier) s.frameScanMs[frame] = nowMs;
    budget--;
    updated++;
  }
  s.taskWords[w + T_SCAN_CURSOR] = cursor;
  s.counters[cpuNid * NR_COUNTERS + NUMA_PTE_UPDATES] += updated;
}

/** Outcome of numaHintFault, for the caller's accounting and tests. */
export const HINT_NO_MIGRATION = 0;
export const HINT_MIGRATING = 1;
export const HINT_REFUSED = 2;

/**
 * do_numa_page for one queued hint fault of `page` by CPU `cpu`. Returns HINT_*.
 */
export function numaHintFault(
  s: SimState,
  policy: TaskPolicy,
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
  if (store !== 0) s.frameDirty[frame] = 1;
  const srcNid = frameNode(s, frame);
  const cpuNid = s.machine.cpuNode[cpu];
  const target = misplacedTarget(s, policy, page, cpuNid);
  if (target < 0 || target === srcNid) return HINT_NO_MIGRATION;
  const tiering = tieringMode(s) && !s.machine.topTier[srcNid];
  if (tiering ? !shouldPromote(s, frame, target) : !normalFilter(s, frame, cpuNid)) return HINT_NO_MIGRATION;
  return migrateMisplaced(s, frame, srcNid, target, cpu);
}

/** mpol_misplaced(): the node the policy wants the page on, or -1 for none. */
function misplacedTarget(s: SimState, policy: TaskPolicy, page: number, cpuNid: number): number {
  switch (policy.mode) {
    // MPOL_BIND migrates on fault only with MPOL_F_NUMA_BALANCING, which tiersim does not model.
    case MPOL_BIND:
      return -1;
    case MPOL_PREFERRED:
      return policy.byTarget[0][0] ?? -1;
    case MPOL_INTERLEAVE:
      return policy.interleave[interleaveIndex(s.plan, page) % policy.interleave.length];
    default:
      return cpuNid;
  }
}

/**
 * NORMAL mode's two-stage filter, reduced to what pinned tasks exercise: migrate when the
 * page's previous hint fault came from the same node (or it has none yet); remember this one.
 */
function normalFilter(s: SimState, frame: number, cpuNid: number): boolean {
  const last = s.frameScanMs[frame];
  s.frameScanMs[frame] = cpuNid + 1;
  return last === 0 || last === cpuNid + 1;
}

/** should_numa_migrate_memory's tiering branch (5.18: always; 6.0: the patches that apply). */
function shouldPromote(s: SimState, frame: number, target: number): boolean {
  const n = s.params.numa;
  if (n.patches === 0) return true;
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

/** numa_promotion_rate_limit(): candidates per 1 s period against the limit. */
function rateLimited(s: SimState, nid: number, nowMs: number): boolean {
  const w = nid * NODE_WORDS;
  const candidates = s.counters[nid * NR_COUNTERS + PGPROMOTE_CANDIDATE];
  if (nowMs > s.nodeWords[w + W_PROMO_RL_START_MS] + 1000) {
    s.nodeWords[w + W_PROMO_RL_START_MS] = nowMs;
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
  if (nowMs <= s.nodeWords[w + W_PROMO_TH_START_MS] + period) return;
  const candidates = s.counters[nid * NR_COUNTERS + PGPROMOTE_CANDIDATE];
  const diff = candidates - s.nodeWords[w + W_PROMO_TH_CANDIDATES];
  const reference = (n.rateLimitPagesPerS * period) / 1000;
  const unit = Math.floor((2 * n.hotThresholdMs) / 16);
  let threshold = s.nodeWords[w + W_PROMO_THRESHOLD_MS] || n.hotThresholdMs;
  if (diff > reference * 1.1) threshold = Math.max(threshold - unit, unit);
  else if (diff < reference * 0.9) threshold = Math.min(threshold + unit, 2 * n.hotThresholdMs);
  s.nodeWords[w + W_PROMO_TH_START_MS] = nowMs;
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
  // the ones already queued count as taken.
  if (s.nodeWords[tw + W_FREE] - s.nodeWords[tw + W_PROMO_QUEUED] <= s.nodeWords[tw + W_WMARK_HIGH] + 1) {
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
