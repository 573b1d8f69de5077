/**
 * Page migration for demotion (migrate_pages with MR_DEMOTION) and the demotion allocator.
 *
 * Allocation follows the kernel's masks: 5.15's alloc_demote_page is GFP_NOWAIT|__GFP_THISNODE on
 * the one target: it passes at LOW, otherwise wakes the target's kswapd and passes at MIN, and
 * never reclaims. 6.1's alloc_demote_folio first tries the preferred node the same way, then
 * walks the preferred node's zonelist restricted to the lower tiers (allowed), at LOW and then
 * at MIN. The first page that finds no memory ends the whole batch (-ENOMEM: "memory is low,
 * don't bother"); it alone counts in pgmigrate_fail, the rest of the batch is not tried and
 * falls back to ordinary reclaim.
 *
 * kswapd's demotions cross nodes, so they travel as records: reclaim (source) writes them, the
 * migrate phase (each target, records in source-node order, in rounds while a 6.1 walk moves a
 * record to another node) allocates and moves, and settle (source) frees what moved and reclaims
 * the rest the ordinary way. Direct reclaim runs in the serial place phase and migrates at once
 * through the same steps.
 */
import { PG_ISOLATED, PG_LRU, PG_MIGRATE_MASK, PG_SWAPBACKED, lruOf } from '../memory/flags.js';
import { giveFrame, takeFrame } from '../memory/frames.js';
import {
  MIGRATE_ABORTED,
  MIGRATE_DONE,
  MIGRATE_NOMEM,
  MIGRATE_PENDING,
  MIGRATE_WORDS,
  M_BATCH,
  M_PREFERRED,
  M_ROUND,
  M_SRC_FRAME,
  M_STAGE,
  M_STATUS,
  M_TARGET,
  M_WALK,
  NODE_WORDS,
  W_ANON_PAGES,
  W_FILE_PAGES,
  W_ISOLATED_ANON,
  W_ISOLATED_FILE,
  W_MIGRATE_COUNT,
} from '../memory/layout.js';
import { lruAddHead } from '../memory/lru.js';
import type { SimState } from '../memory/state.js';
import {
  NR_COUNTERS,
  NUMA_FOREIGN,
  NUMA_HIT,
  NUMA_LOCAL,
  NUMA_MISS,
  PGALLOC_NORMAL,
  PGFREE,
} from '../metrics/vmstat.js';
import { wakeupKswapd } from './kswapd.js';
import { WMARK_LOW, WMARK_MIN, watermarkOk } from './watermark.js';

/** Allocation stages of a demotion (M_STAGE). */
export const STAGE_PREFERRED = 0;
export const STAGE_WALK_LOW = 1;
export const STAGE_WALK_MIN = 2;

/**
 * Fallback walks: for a source node and one of its preferred targets, the target's zonelist
 * restricted to the source's allowed (lower-tier) nodes. Empty under 5.15.
 */
export function demotionWalks(s: SimState): number[][][] {
  const { machine } = s;
  return machine.nodes.map((_, src) => {
    const allowed = new Set(machine.demotion.allowed[src]);
    return machine.nodes.map((__, target) => machine.zonelists[target].filter((n) => allowed.has(n)));
  });
}

/**
 * One allocation attempt of a demotion at `nid` in `stage`: the preferred node passes at LOW or,
 * after waking its kswapd, at MIN; a LOW walk step passes at LOW only; a MIN walk step wakes the
 * node's kswapd and passes at MIN. Returns a frame or -1.
 */
export function demotionAllocStep(s: SimState, nid: number, stage: number): number {
  if (stage !== STAGE_WALK_MIN && watermarkOk(s, nid, WMARK_LOW)) return takeFrame(s, nid);
  if (stage === STAGE_WALK_LOW) return -1;
  wakeupKswapd(s, nid);
  return watermarkOk(s, nid, WMARK_MIN) ? takeFrame(s, nid) : -1;
}

/**
 * Where a demotion that failed at (stage, walk index) tries next, packed as stage * 65536 + walk
 * index, or -1 when it has nowhere left to go (-ENOMEM).
 */
export function nextDemotionStep(walk: readonly number[], stage: number, walkIndex: number): number {
  if (walk.length === 0) return -1;
  if (stage === STAGE_PREFERRED) return STAGE_WALK_LOW * 65536;
  if (walkIndex + 1 < walk.length) return stage * 65536 + walkIndex + 1;
  if (stage === STAGE_WALK_LOW) return STAGE_WALK_MIN * 65536;
  return -1;
}

/**
 * Move the page in `srcFrame` into the already allocated `dstFrame` (folio_migrate_flags): flags,
 * dirty bit and LRU list travel; the PTE arrives old in 5.15 and keeps its young bit in 6.1.
 * The source frame is left isolated for the caller to free. `cpuNid` is the node of the CPU
 * running the migration (kswapd's node, or the faulting CPU's for direct reclaim);
 * `preferredNid` the node the allocation named first. A 6.1 fallback landing elsewhere is a
 * numa_miss here and a numa_foreign on the preferred node, which the caller counts (it may
 * belong to another thread in this phase).
 */
export function movePage(
  s: SimState,
  srcFrame: number,
  dstFrame: number,
  dstNid: number,
  cpuNid: number,
  preferredNid: number,
): void {
  const page = s.framePage[srcFrame];
  const flags = s.frameFlags[srcFrame] & PG_MIGRATE_MASK;
  s.framePage[dstFrame] = page;
  s.frameFlags[dstFrame] = flags | PG_LRU;
  s.frameDirty[dstFrame] = s.frameDirty[srcFrame];
  s.frameAccessed[dstFrame] = s.frameAccessed[srcFrame];
  s.frameYoung[dstFrame] = s.params.kernelVersion === '5.15' ? 0 : s.frameYoung[srcFrame];
  s.pte[page] = dstFrame + 1;
  lruAddHead(s, dstNid, lruOf(flags), dstFrame);
  const w = dstNid * NODE_WORDS;
  s.nodeWords[w + ((flags & PG_SWAPBACKED) !== 0 ? W_ANON_PAGES : W_FILE_PAGES)]++;
  const row = dstNid * NR_COUNTERS;
  s.counters[row + PGALLOC_NORMAL]++;
  s.counters[row + (dstNid === preferredNid ? NUMA_HIT : NUMA_MISS)]++;
  s.counters[row + NUMA_LOCAL + (dstNid === cpuNid ? 0 : 1)]++;
}

/** Free the source frame of a page that was isolated and has moved (or been evicted). */
export function releaseIsolatedFrame(s: SimState, nid: number, frame: number): void {
  const flags = s.frameFlags[frame];
  const w = nid * NODE_WORDS;
  const anon = (flags & PG_SWAPBACKED) !== 0;
  s.nodeWords[w + (anon ? W_ANON_PAGES : W_FILE_PAGES)]--;
  if ((flags & PG_ISOLATED) !== 0) s.nodeWords[w + (anon ? W_ISOLATED_ANON : W_ISOLATED_FILE)]--;
  giveFrame(s, nid, frame);
  s.counters[nid * NR_COUNTERS + PGFREE]++;
}

/**
 * The migrate phase of node `nid` (one round): take every pending demotion record addressed to
 * this node and due in this round, in source-node then record order, and allocate + move.
 * Returns true when some record moved on to another node and another round is needed.
 */
export function migrateRound(
  s: SimState,
  nid: number,
  round: number,
  walks: readonly (readonly (readonly number[])[])[],
): boolean {
  const box = s.migrateBox;
  const per = s.layout.migrateMax * MIGRATE_WORDS;
  let forwarded = false;
  for (let src = 0; src < s.layout.nodes; src++) {
    const base = src * per;
    const count = s.nodeWords[src * NODE_WORDS + W_MIGRATE_COUNT];
    for (let i = 0; i < count; i++) {
      const r = base + i * MIGRATE_WORDS;
      if (box[r + M_STATUS] !== MIGRATE_PENDING || box[r + M_TARGET] !== nid || box[r + M_ROUND] > round)
        continue;
      // The batch ended at an earlier page (-ENOMEM): this one is never tried. Pages of a batch
      // move through the same nodes in order, so the earlier page is settled by now.
      if (i > 0 && box[r - MIGRATE_WORDS + M_BATCH] === box[r + M_BATCH]) {
        const prev = box[r - MIGRATE_WORDS + M_STATUS];
        if (prev === MIGRATE_NOMEM || prev === MIGRATE_ABORTED) {
          box[r + M_STATUS] = MIGRATE_ABORTED;
          continue;
        }
      }
      const stage = box[r + M_STAGE];
      const frame = demotionAllocStep(s, nid, stage);
      if (frame >= 0) {
        movePage(s, box[r + M_SRC_FRAME], frame, nid, src, box[r + M_PREFERRED]);
        box[r + M_STATUS] = MIGRATE_DONE;
        continue;
      }
      const walk = walks[src][box[r + M_PREFERRED]];
      const next = nextDemotionStep(walk, stage, box[r + M_WALK]);
      if (next < 0) {
        box[r + M_STATUS] = MIGRATE_NOMEM;
        continue;
      }
      const walkIndex = next & 0xffff;
      box[r + M_STAGE] = next >>> 16;
      box[r + M_WALK] = walkIndex;
      box[r + M_TARGET] = walk[walkIndex]!;
      box[r + M_ROUND] = round + 1;
      forwarded = true;
    }
  }
  return forwarded;
}

/**
 * Synchronous demotion of a batch (direct reclaim, in the serial place phase): same allocation
 * steps as the rounds above. Returns how many of `frames[0..count)` moved (always a prefix: the
 * first -ENOMEM ends the batch); those frames are freed, the rest stay isolated for the caller's
 * fallback pass. moved < count means -ENOMEM was hit.
 */
export function demoteBatchNow(
  s: SimState,
  srcNid: number,
  target: number,
  frames: Int32Array,
  count: number,
  cpuNid: number,
  walk: readonly number[],
): number {
  let moved = 0;
  for (let i = 0; i < count; i++) {
    const srcFrame = frames[i];
    let stage = STAGE_PREFERRED;
    let walkIndex = 0;
    let node = target;
    let frame: number;
    for (;;) {
      frame = demotionAllocStep(s, node, stage);
      if (frame >= 0) break;
      const next = nextDemotionStep(walk, stage, walkIndex);
      if (next < 0) break;
      stage = next >>> 16;
      walkIndex = next & 0xffff;
      node = walk[walkIndex]!;
    }
    if (frame < 0) return moved;
    movePage(s, srcFrame, frame, node, cpuNid, target);
    if (node !== target) s.counters[target * NR_COUNTERS + NUMA_FOREIGN]++;
    releaseIsolatedFrame(s, srcNid, srcFrame);
    moved++;
  }
  return moved;
}

/**
 * Coordinator, between migrate and settle: numa_foreign for every kswapd demotion that a 6.1
 * fallback placed on another node than the preferred one. Counted here, serially, because the
 * preferred node's counters belong to another thread during the migrate phase.
 */
export function countForeignDemotions(s: SimState): void {
  const box = s.migrateBox;
  const per = s.layout.migrateMax * MIGRATE_WORDS;
  for (let src = 0; src < s.layout.nodes; src++) {
    const count = s.nodeWords[src * NODE_WORDS + W_MIGRATE_COUNT];
    for (let i = 0, r = src * per; i < count; i++, r += MIGRATE_WORDS) {
      if (box[r + M_STATUS] === MIGRATE_DONE && box[r + M_TARGET] !== box[r + M_PREFERRED]) {
        s.counters[box[r + M_PREFERRED] * NR_COUNTERS + NUMA_FOREIGN]++;
      }
    }
  }
}
