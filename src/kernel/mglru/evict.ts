/**
 * The multi-gen LRU's eviction and its reclaim entry (mm/vmscan.c of 6.1+, "the eviction"):
 * lru_gen_shrink_node → try_to_shrink_lruvec, which alternates get_nr_to_scan (should_run_aging,
 * and the aging itself below DEF_PRIORITY) with evict_folios: isolate_folios picks a type (by
 * swappiness and the refault PID controller across tiers), scan_folios takes pages from the tail
 * of that type's oldest generation, sort_folio moves protected tiers on to the next generation,
 * and the rest go through the same shrink_folio_list as the classic LRU (vmscan.ts), which is
 * where demotion happens; pages it keeps return to the youngest generation.
 * lru_gen_age_node is kswapd's per-run check (min_ttl_ms).
 */
import { PG_ISOLATED, PG_LRU, PG_RECLAIM, PG_REFERENCED, PG_WORKINGSET } from '../../memory/flags.js';
import {
  NODE_WORDS,
  G_NOW_NS,
  W_DEMOTE_PENDING,
  W_FREE,
  W_ISOLATED_ANON,
  W_ISOLATED_FILE,
  W_LRU_SIZE,
  W_PROMO_QUEUED,
  W_WMARK_HIGH,
  W_WMARK_PROMO,
} from '../../memory/layout.js';
import type { SimState } from '../../memory/state.js';
import {
  NR_COUNTERS,
  PGREFILL,
  PGSCAN_ANON,
  PGSCAN_KSWAPD,
  TIERSIM_ALLOC_FAIL,
} from '../../metrics/vmstat.js';
import { resetKswapdFailures } from '../kswapd.js';
import { swapFreePages } from '../swap.js';
import type { ReclaimContext, ScanControl } from '../vmscan.js';
import { folioIncGen, lruvecIsSizable, oldestFileBirthNs, tryToIncMaxSeq, tryToIncMinSeq } from './aging.js';
import {
  G_AVG_REFAULTED,
  G_AVG_TOTAL,
  G_EVICTED,
  G_MAX_SEQ,
  G_MIN_SEQ,
  G_PROTECTED,
  G_REFAULTED,
  G_SIZE,
  G_TAIL,
  GEN_WORDS,
  LRU_GEN_ANON,
  LRU_GEN_FILE,
  LRU_REFS_WIDTH,
  MAX_LRU_BATCH,
  MAX_NR_TIERS,
  MIN_LRU_BATCH,
  MIN_NR_GENS,
  REFS_MASK,
  frameRefs,
  genOfSeq,
  lruGenDelFolio,
  moveToGen,
  nrGens,
  tierFromRefs,
  typeOfFlags,
} from './lrugen.js';

/** MAX_SWAPPINESS. */
const MAX_SWAPPINESS = 200;
const DEF_PRIORITY = 12;
/** The classic reclaimers' ids (vmscan.ts RECLAIM_*), repeated to avoid an import cycle. */
const RECLAIM_KSWAPD = 0;

/** What vmscan.ts lends the eviction: its shrink_folio_list and can_demote. */
export interface ShrinkHooks {
  shrinkPageList(
    s: SimState,
    ctx: ReclaimContext,
    sc: ScanControl,
    nid: number,
    batch: Int32Array,
    count: number,
    doDemotePass: boolean,
  ): number;
  canDemote(s: SimState, nid: number, sc: ScanControl): boolean;
}

// ---------------------------------------------------------------------------------------------
// PID controller
// ---------------------------------------------------------------------------------------------

/** read_ctrl_pos(): refaulted and total (evicted + protected) of a tier, averages included. */
function ctrlRefaulted(s: SimState, nid: number, type: number, tier: number): number {
  const g = nid * GEN_WORDS;
  const i = type * MAX_NR_TIERS + tier;
  return s.lruGenWords[g + G_AVG_REFAULTED + i] + s.lruGenWords[g + G_REFAULTED + i];
}

function ctrlTotal(s: SimState, nid: number, type: number, tier: number): number {
  const g = nid * GEN_WORDS;
  const i = type * MAX_NR_TIERS + tier;
  let total = s.lruGenWords[g + G_AVG_TOTAL + i] + s.lruGenWords[g + G_EVICTED + i];
  if (tier > 0) total += s.lruGenWords[g + G_PROTECTED + type * (MAX_NR_TIERS - 1) + tier - 1];
  return total;
}

/**
 * positive_ctrl_err(): true when the process variable (PV) has few refaults or a lower
 * refaulted/total than the setpoint (SP), each weighted by its gain.
 */
export function positiveCtrlErr(
  spRefaulted: number,
  spTotal: number,
  spGain: number,
  pvRefaulted: number,
  pvTotal: number,
  pvGain: number,
): boolean {
  return (
    pvRefaulted < MIN_LRU_BATCH ||
    pvRefaulted * (spTotal + MIN_LRU_BATCH) * spGain <= (spRefaulted + 1) * pvTotal * pvGain
  );
}

/** get_tier_idx(): the last tier of `type` to evict (SP its first tier, gain 1:2). */
function getTierIdx(s: SimState, nid: number, type: number): number {
  const spR = ctrlRefaulted(s, nid, type, 0);
  const spT = ctrlTotal(s, nid, type, 0);
  let tier = 1;
  for (; tier < MAX_NR_TIERS; tier++) {
    if (!positiveCtrlErr(spR, spT, 1, ctrlRefaulted(s, nid, type, tier), ctrlTotal(s, nid, type, tier), 2))
      break;
  }
  return tier - 1;
}

/**
 * get_type_to_scan(): anon's first tier (gain swappiness) against file's (gain 200 −
 * swappiness) picks the type; then the selected type's tiers against the other type's first
 * tier give the last tier to evict. Returns type * MAX_NR_TIERS + tier.
 */
export function getTypeToScan(s: SimState, nid: number, swappiness: number): number {
  const gainAnon = swappiness;
  const gainFile = MAX_SWAPPINESS - swappiness;
  const type = positiveCtrlErr(
    ctrlRefaulted(s, nid, LRU_GEN_ANON, 0),
    ctrlTotal(s, nid, LRU_GEN_ANON, 0),
    gainAnon,
    ctrlRefaulted(s, nid, LRU_GEN_FILE, 0),
    ctrlTotal(s, nid, LRU_GEN_FILE, 0),
    gainFile,
  )
    ? LRU_GEN_FILE
    : LRU_GEN_ANON;
  const other = 1 - type;
  const spGain = other === LRU_GEN_ANON ? gainAnon : gainFile;
  const pvGain = type === LRU_GEN_ANON ? gainAnon : gainFile;
  const spR = ctrlRefaulted(s, nid, other, 0);
  const spT = ctrlTotal(s, nid, other, 0);
  let tier = 1;
  for (; tier < MAX_NR_TIERS; tier++) {
    const pvR = ctrlRefaulted(s, nid, type, tier);
    const pvT = ctrlTotal(s, nid, type, tier);
    if (!positiveCtrlErr(spR, spT, spGain, pvR, pvT, pvGain)) break;
  }
  return type * MAX_NR_TIERS + tier - 1;
}

// ---------------------------------------------------------------------------------------------
// Isolation
// ---------------------------------------------------------------------------------------------

/**
 * sort_folio(): true when the page stays (moved on) rather than being isolated: a protected tier
 * (refs above tier_idx, or at the maximum) goes to the next generation, counted in protected[].
 * A page under writeback, or a dirty file page, waits for writeback: it moves to the next
 * generation's head with PG_reclaim (folio_inc_gen reclaiming), and the end of its write
 * (kernel/writeback.ts) rotates it to the oldest generation's tail. Eviction never writes.
 */
function sortFolio(s: SimState, nid: number, frame: number, tierIdx: number): boolean {
  const flags = s.frameFlags[frame];
  const type = typeOfFlags(flags);
  const refs = frameRefs(s, frame, (flags & PG_WORKINGSET) !== 0);
  const tier = tierFromRefs(refs);
  if (tier > tierIdx || refs === 1 << LRU_REFS_WIDTH) {
    const gen = folioIncGen(s, nid, frame, false);
    moveToGen(s, nid, frame, gen, true);
    s.lruGenWords[nid * GEN_WORDS + G_PROTECTED + type * (MAX_NR_TIERS - 1) + tier - 1]++;
    return true;
  }
  if (type === LRU_GEN_FILE && s.frameDirty[frame] !== 0) {
    const gen = folioIncGen(s, nid, frame, true);
    moveToGen(s, nid, frame, gen, false);
    return true;
  }
  return false;
}

/**
 * isolate_folio(): off the generation for reclaim. Without PG_referenced the page's refs and
 * PG_workingset go (see the comment on MAX_NR_TIERS); PG_referenced and PG_reclaim are cleared
 * for shrink_folio_list.
 */
function isolateFolio(s: SimState, nid: number, frame: number): void {
  let flags = s.frameFlags[frame];
  if ((flags & PG_REFERENCED) === 0) {
    s.frameGen[frame] &= ~REFS_MASK;
    flags &= ~PG_WORKINGSET;
  }
  s.frameFlags[frame] = flags & ~(PG_RECLAIM | PG_REFERENCED);
  lruGenDelFolio(s, nid, frame, true);
  s.frameFlags[frame] = (s.frameFlags[frame] & ~PG_LRU) | PG_ISOLATED;
  const anon = typeOfFlags(flags) === LRU_GEN_ANON;
  s.nodeWords[nid * NODE_WORDS + (anon ? W_ISOLATED_ANON : W_ISOLATED_FILE)]++;
}

/**
 * scan_folios(): from the tail of the oldest generation of `type`, sort or isolate pages until
 * MIN_LRU_BATCH are isolated or MAX_LRU_BATCH scanned, into sc.isolated. Counts pgscan (isolated)
 * and pgrefill (sorted). Returns the pages scanned, or 0 when none could be isolated.
 */
function scanFolios(s: SimState, sc: ScanControl, nid: number, type: number, tierIdx: number): number {
  if (nrGens(s, nid, type) === MIN_NR_GENS) return 0;
  const g = nid * GEN_WORDS;
  const gen = genOfSeq(s.lruGenWords[g + G_MIN_SEQ + type]);
  const list = g + G_TAIL + gen * 2 + type;
  let scanned = 0;
  let sorted = 0;
  let isolated = 0;
  let remaining = MAX_LRU_BATCH;
  for (let frame = s.lruGenWords[list]; frame >= 0; frame = s.lruGenWords[list]) {
    scanned++;
    if (sortFolio(s, nid, frame, tierIdx)) sorted++;
    else {
      isolateFolio(s, nid, frame);
      sc.isolated[isolated++] = frame;
    }
    if (--remaining === 0 || isolated >= MIN_LRU_BATCH) break;
  }
  const row = nid * NR_COUNTERS;
  s.counters[row + PGSCAN_KSWAPD + sc.reclaimer] += isolated;
  s.counters[row + PGREFILL] += sorted;
  s.counters[row + PGSCAN_ANON + type] += isolated;
  sc.nrIsolated = isolated;
  return isolated > 0 || remaining === 0 ? scanned : 0;
}

/**
 * isolate_folios(): the obvious type first (file at swappiness 0 or 1, anon at 200 or when its
 * oldest generation is older), else get_type_to_scan; the other type if nothing was scanned.
 */
function isolateFolios(s: SimState, sc: ScanControl, nid: number, swappiness: number): number {
  const g = nid * GEN_WORDS;
  let type: number;
  let tier = -1;
  if (swappiness === 0) type = LRU_GEN_FILE;
  else if (s.lruGenWords[g + G_MIN_SEQ + LRU_GEN_ANON] < s.lruGenWords[g + G_MIN_SEQ + LRU_GEN_FILE])
    type = LRU_GEN_ANON;
  else if (swappiness === 1) type = LRU_GEN_FILE;
  else if (swappiness === MAX_SWAPPINESS) type = LRU_GEN_ANON;
  else {
    const t = getTypeToScan(s, nid, swappiness);
    type = Math.floor(t / MAX_NR_TIERS);
    tier = t % MAX_NR_TIERS;
  }
  let scanned = 0;
  sc.nrIsolated = 0;
  for (let i = swappiness === 0 ? 1 : 0; i < 2; i++) {
    if (tier < 0) tier = getTierIdx(s, nid, type);
    scanned = scanFolios(s, sc, nid, type, tier);
    if (scanned > 0) break;
    type = 1 - type;
    tier = -1;
  }
  return scanned;
}

/**
 * evict_folios(): isolate a batch, let min_seq move past emptied generations, and run
 * shrink_folio_list (demotion first where there is a target). Pages it does not free are back
 * in a generation already: rejected ones in the youngest (vmscan.ts marks them PG_active, as
 * evict_folios does before move_folios_to_lru), rotated ones at the oldest's tail. Returns the
 * pages scanned (0: nothing to do).
 */
export function evictFolios(
  s: SimState,
  ctx: ReclaimContext,
  sc: ScanControl,
  nid: number,
  swappiness: number,
  hooks: ShrinkHooks,
): number {
  let scanned = isolateFolios(s, sc, nid, swappiness);
  const n = sc.nrIsolated;
  if (tryToIncMinSeq(s, nid, swappiness !== 0)) scanned++;
  if (nrGens(s, nid, swappiness !== 0 ? LRU_GEN_ANON : LRU_GEN_FILE) === MIN_NR_GENS) scanned = 0;
  if (n === 0) return scanned;
  sc.nrScanned += n;
  sc.costNs += n * s.params.reclaimScanNs;
  sc.nrReclaimed += hooks.shrinkPageList(s, ctx, sc, nid, sc.isolated, n, hooks.canDemote(s, nid, sc));
  return scanned;
}

// ---------------------------------------------------------------------------------------------
// Reclaim entry
// ---------------------------------------------------------------------------------------------

/** get_swappiness(): 0 (file only) without a demotion target and with under MIN_LRU_BATCH of swap. */
function getSwappiness(s: SimState, nid: number, sc: ScanControl, hooks: ShrinkHooks): number {
  if (!hooks.canDemote(s, nid, sc) && swapFreePages(s, nid) < MIN_LRU_BATCH) return 0;
  return s.params.swappiness;
}

/**
 * should_run_aging(): true when the eviction is out of cold pages (only MIN_NR_GENS left), or
 * with MIN_NR_GENS + 1 generations, when the youngest holds over 1/MIN_NR_GENS of the pages or the
 * oldest under 1/(MIN_NR_GENS + 2). Sets ctx.lruGenNrToScan to the pages of the eligible types.
 */
export function shouldRunAging(s: SimState, ctx: ReclaimContext, nid: number, canSwap: boolean): boolean {
  const g = nid * GEN_WORDS;
  const max = s.lruGenWords[g + G_MAX_SEQ];
  const firstType = canSwap ? LRU_GEN_ANON : LRU_GEN_FILE;
  if (s.lruGenWords[g + G_MIN_SEQ + firstType] + MIN_NR_GENS > max) {
    ctx.lruGenNrToScan = 0;
    return true;
  }
  let old = 0;
  let young = 0;
  let total = 0;
  for (let type = firstType; type <= LRU_GEN_FILE; type++) {
    for (let seq = s.lruGenWords[g + G_MIN_SEQ + type]; seq <= max; seq++) {
      const size = Math.max(0, s.lruGenWords[g + G_SIZE + genOfSeq(seq) * 2 + type]);
      total += size;
      if (seq === max) young += size;
      else if (seq + MIN_NR_GENS === max) old += size;
    }
  }
  ctx.lruGenNrToScan = total;
  if (s.lruGenWords[g + G_MIN_SEQ + firstType] + MIN_NR_GENS < max) return false;
  if (young * MIN_NR_GENS > total) return true;
  if (old * (MIN_NR_GENS + 2) < total) return true;
  return false;
}

/**
 * get_nr_to_scan(): pages to scan at this priority, or the aging (only below DEF_PRIORITY) when
 * should_run_aging says so; -1 when the aging ran (stop: this node is low on cold pages).
 */
function getNrToScan(
  s: SimState,
  ctx: ReclaimContext,
  sc: ScanControl,
  nid: number,
  canSwap: boolean,
): number {
  const max = s.lruGenWords[nid * GEN_WORDS + G_MAX_SEQ];
  const aging = shouldRunAging(s, ctx, nid, canSwap);
  if (!aging || sc.priority === DEF_PRIORITY) return Math.floor(ctx.lruGenNrToScan / 2 ** sc.priority);
  const young = tryToIncMaxSeq(s, ctx.vmas, nid, max, canSwap);
  // The walk's cost: each young PTE it clears (no rmap walk, unlike a reclaim scan).
  if (young > 0) sc.costNs += young * s.params.lruGenWalkNs;
  return young >= 0 ? -1 : 0;
}

/**
 * should_abort_scan(): enough reclaimed, or (kswapd) every zone above its mark (HIGH, PROMO in
 * tiering mode) + MIN_LRU_BATCH.
 */
function shouldAbortScan(s: SimState, sc: ScanControl, nid: number): boolean {
  if (sc.nrReclaimed >= sc.nrToReclaim) return true;
  if (sc.reclaimer !== RECLAIM_KSWAPD) return false;
  const w = nid * NODE_WORDS;
  const tiering = (s.params.numa.mode & 2) !== 0;
  const mark = tiering ? s.nodeWords[w + W_WMARK_PROMO] : s.nodeWords[w + W_WMARK_HIGH];
  // Pages in flight to a demotion target count as free and promotions queued as taken, as in
  // pgdat_balanced (kswapd.ts).
  const free = s.nodeWords[w + W_FREE] + s.nodeWords[w + W_DEMOTE_PENDING] - s.nodeWords[w + W_PROMO_QUEUED];
  return free > mark + MIN_LRU_BATCH;
}

/** try_to_shrink_lruvec(): evict until the scan target, an abort, or kswapd's time is used up. */
function tryToShrinkLruvec(
  s: SimState,
  ctx: ReclaimContext,
  sc: ScanControl,
  nid: number,
  hooks: ShrinkHooks,
): void {
  const swappiness = getSwappiness(s, nid, sc, hooks);
  let scanned = 0;
  for (;;) {
    const nrToScan = getNrToScan(s, ctx, sc, nid, swappiness !== 0);
    if (nrToScan <= 0) break;
    const delta = evictFolios(s, ctx, sc, nid, swappiness, hooks);
    if (delta === 0) break;
    scanned += delta;
    if (scanned >= nrToScan) break;
    if (shouldAbortScan(s, sc, nid)) break;
    if (sc.outOfTime()) break;
  }
}

function fls(x: number): number {
  return x <= 0 ? 0 : Math.floor(Math.log2(x)) + 1;
}

/**
 * set_initial_priority(): at DEF_PRIORITY with at least MIN_LRU_BATCH to reclaim, start where
 * (reclaimable >> priority) ≈ nr_to_reclaim, reclaimable being the inactive file (+ anon when
 * it can be reclaimed) pages; clamped to [DEF_PRIORITY / 2, DEF_PRIORITY].
 */
export function setInitialPriority(s: SimState, sc: ScanControl, nid: number, hooks: ShrinkHooks): void {
  if (sc.priority !== DEF_PRIORITY || sc.nrToReclaim < MIN_LRU_BATCH) return;
  const w = nid * NODE_WORDS;
  let reclaimable = s.nodeWords[w + W_LRU_SIZE + 2];
  if (swapFreePages(s, nid) > 0 || hooks.canDemote(s, nid, sc)) reclaimable += s.nodeWords[w + W_LRU_SIZE];
  const priority = fls(reclaimable) - 1 - fls(sc.nrToReclaim - 1);
  sc.priority = Math.min(DEF_PRIORITY, Math.max(DEF_PRIORITY / 2, priority));
}

/** lru_gen_shrink_node(): one pass of MGLRU reclaim over the node (root memcg only). */
export function lruGenShrinkNode(
  s: SimState,
  ctx: ReclaimContext,
  sc: ScanControl,
  nid: number,
  hooks: ShrinkHooks,
): void {
  setInitialPriority(s, sc, nid, hooks);
  const reclaimed = sc.nrReclaimed;
  // kswapd measures should_abort_scan's progress from this call.
  if (sc.reclaimer === RECLAIM_KSWAPD) sc.nrReclaimed = 0;
  tryToShrinkLruvec(s, ctx, sc, nid, hooks);
  if (sc.reclaimer === RECLAIM_KSWAPD) sc.nrReclaimed += reclaimed;
  if (sc.nrReclaimed > reclaimed) resetKswapdFailures(s, nid);
}

/**
 * lru_gen_age_node() (kswapd_age_node with MGLRU): set the initial priority and, with min_ttl_ms,
 * check that some generation is older than it; when none is, the kernel OOM-kills (tiersim has
 * no OOM killer and counts tiersim_alloc_fail).
 */
export function lruGenAgeNode(s: SimState, sc: ScanControl, nid: number, hooks: ShrinkHooks): void {
  setInitialPriority(s, sc, nid, hooks);
  const minTtlNs = s.params.lruGenMinTtlMs * 1e6;
  if (minTtlNs === 0) return;
  const canSwap = getSwappiness(s, nid, sc, hooks) !== 0;
  const reclaimable =
    lruvecIsSizable(s, nid, canSwap, sc.priority) &&
    oldestFileBirthNs(s, nid) + minTtlNs < s.globalWords[G_NOW_NS];
  if (!reclaimable) s.counters[nid * NR_COUNTERS + TIERSIM_ALLOC_FAIL]++;
}
