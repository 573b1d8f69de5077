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
 * kswapd's demotions cross nodes, so they travel as records over rings: reclaim (source)
 * writes them to its demote ring; the coordinator routes them, in node and record order, to the
 * targets' migrate rings; each target allocates and moves in its migrate round and reports on
 * its ack ring; the coordinator sends forwarded records (a 6.1 walk moving on) to the next
 * node for another round and final outcomes to the source's settle ring; the source frees what
 * moved and reclaims the rest the ordinary way. Direct reclaim runs in the serial place phase
 * and migrates at once through the same allocation steps.
 */
import {
  PG_ISOLATED,
  PG_LRU,
  PG_MIGRATE_MASK,
  PG_SWAPBACKED,
  FRAME_DIRTY,
  PTE_OLD,
  PTE_YOUNG,
  lruOf,
} from '../memory/flags.js';
import { versionAtLeast } from '../config/schema.js';
import { frameNode, giveFrame } from '../memory/frames.js';
import {
  MIGRATE_ABORTED,
  MIGRATE_DONE,
  MIGRATE_FORWARD,
  MIGRATE_NUMA,
  MIGRATE_NOMEM,
  MIGRATE_PENDING,
  MIGRATE_WORDS,
  M_BATCH,
  M_KIND,
  M_PAGE,
  M_PREFERRED,
  M_SRC,
  M_SRC_FRAME,
  M_STATUS,
  M_STEP,
  M_TARGET,
  NODE_WORDS,
  RING_ACK,
  RING_DEMOTE,
  RING_MIGRATE,
  RING_SETTLE,
  W_ANON_PAGES,
  W_FILE_PAGES,
  W_SHMEM_PAGES,
  W_FILE_DIRTY,
  W_ISOLATED_ANON,
  W_ISOLATED_FILE,
  W_PROMO_QUEUED,
} from '../memory/layout.js';
import { lruAddHead } from '../memory/lru.js';
import { lruGenAddFolio } from './mglru/lrugen.js';
import { ringOf, type SimState } from '../memory/state.js';
import type { Ring } from '../shm/ring.js';
import { ProtocolError } from '../util/errors.js';
import {
  NR_COUNTERS,
  NUMA_FOREIGN,
  NUMA_HIT,
  NUMA_LOCAL,
  NUMA_MISS,
  NUMA_PAGES_MIGRATED,
  PGALLOC_NORMAL,
  PGFREE,
  PGMIGRATE_FAIL,
  PGMIGRATE_SUCCESS,
  PGPROMOTE_SUCCESS,
} from '../metrics/vmstat.js';
import { wakeupKswapd } from './kswapd.js';
import { rmqueueMovable } from './pageblock.js';
import { WMARK_LOW, WMARK_MIN, watermarkOk } from './watermark.js';
import { isSwapCachePte, pteOfSwapCache } from '../memory/pte.js';
import { isShmemPage } from '../workload/plan.js';

/** Allocation stages of a demotion (M_STEP >>> 16). */
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
  if (stage !== STAGE_WALK_MIN && watermarkOk(s, nid, WMARK_LOW)) return rmqueueMovable(s, nid, false);
  if (stage === STAGE_WALK_LOW) return -1;
  wakeupKswapd(s, nid);
  return watermarkOk(s, nid, WMARK_MIN) ? rmqueueMovable(s, nid, false) : -1;
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
  s.frameYoung[dstFrame] = versionAtLeast(s.params.kernelVersion, '6.1')
    ? s.frameYoung[srcFrame] & PTE_YOUNG
    : PTE_OLD;
  // folio_migrate_flags(): the cpupid moves with the page; 6.1+ resets it across tiers (a slow
  // page's field holds an access time, a fast page's a CPU).
  const srcNid = frameNode(s, srcFrame);
  const crossTier = s.machine.topTier[srcNid] !== s.machine.topTier[dstNid];
  s.frameScanMs[dstFrame] =
    crossTier && versionAtLeast(s.params.kernelVersion, '6.1') ? 0 : s.frameScanMs[srcFrame];
  // An unmapped swap-cache page (read ahead) moves in the swap cache and stays unmapped.
  s.pte[page] = isSwapCachePte(s.pte[page]) ? pteOfSwapCache(dstFrame) : dstFrame + 1;
  // The copy's traffic (kernel/bandwidth.ts): row dstNid, written only by the thread moving
  // pages into dstNid.
  s.traffic.migrated[dstNid * s.layout.nodes + srcNid]++;
  if (s.layout.lruGen) lruGenAddFolio(s, dstNid, dstFrame, false);
  else lruAddHead(s, dstNid, lruOf(flags), dstFrame);
  const w = dstNid * NODE_WORDS;
  s.nodeWords[w + ((flags & PG_SWAPBACKED) !== 0 ? W_ANON_PAGES : W_FILE_PAGES)]++;
  if ((flags & PG_SWAPBACKED) !== 0 && isShmemPage(s.plan, page)) s.nodeWords[w + W_SHMEM_PAGES]++;
  // folio_migrate_mapping(): NR_FILE_DIRTY moves with a dirty page (the source's count drops
  // when its frame is released).
  if ((flags & PG_SWAPBACKED) === 0 && s.frameDirty[dstFrame] === FRAME_DIRTY)
    s.nodeWords[w + W_FILE_DIRTY]++;
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
  if (anon && isShmemPage(s.plan, s.framePage[frame])) s.nodeWords[w + W_SHMEM_PAGES]--;
  if (!anon && s.frameDirty[frame] === FRAME_DIRTY) s.nodeWords[w + W_FILE_DIRTY]--;
  if ((flags & PG_ISOLATED) !== 0) s.nodeWords[w + (anon ? W_ISOLATED_ANON : W_ISOLATED_FILE)]--;
  giveFrame(s, nid, frame);
  s.counters[nid * NR_COUNTERS + PGFREE]++;
}

/** Copy a migration record from one ring slot to another (both rings use MIGRATE_WORDS). */
function copyRecord(from: Int32Array, r: number, to: Int32Array, w: number): void {
  for (let k = 0; k < MIGRATE_WORDS; k++) to[w + k] = from[r + k];
}

/** A new migration record at word r: pending, at its first allocation step, preferred = target. */
export function writeMigrationRecord(
  box: Int32Array,
  r: number,
  page: number,
  frame: number,
  src: number,
  target: number,
  batch: number,
  kind: number,
): void {
  box[r + M_PAGE] = page;
  box[r + M_SRC_FRAME] = frame;
  box[r + M_SRC] = src;
  box[r + M_TARGET] = target;
  box[r + M_BATCH] = batch;
  box[r + M_STATUS] = MIGRATE_PENDING;
  box[r + M_STEP] = 0;
  box[r + M_PREFERRED] = target;
  box[r + M_KIND] = kind;
}

export function mustReserve(ring: Ring, what: string): number {
  const w = ring.reserve();
  if (w < 0) throw new ProtocolError(`${what} ring full (capacity ${ring.capacity})`);
  return w;
}

/**
 * Coordinator, after the reclaim phase: move every node's demotion records, in node order and
 * record order, to the rings of their target nodes. Returns how many were routed.
 */
export function routeDemotions(s: SimState): number {
  let routed = 0;
  for (let src = 0; src < s.layout.nodes; src++) {
    const demote = ringOf(s, src, RING_DEMOTE);
    for (let r = demote.peek(); r >= 0; r = demote.peek()) {
      const to = ringOf(s, demote.words[r + M_TARGET], RING_MIGRATE);
      const w = mustReserve(to, 'migrate');
      copyRecord(demote.words, r, to.words, w);
      demote.release();
      to.commit();
      routed++;
    }
  }
  return routed;
}

/**
 * The migrate phase of node `nid` (one round): take every demotion record in this node's
 * migrate ring, in ring order, allocate and move, and report each outcome on the ack ring.
 */
export function migrateRound(
  s: SimState,
  nid: number,
  walks: readonly (readonly (readonly number[])[])[],
): void {
  const inbox = ringOf(s, nid, RING_MIGRATE);
  const acks = ringOf(s, nid, RING_ACK);
  const words = inbox.words;
  // The batch that hit -ENOMEM in this round: its later pages (right behind it in this ring,
  // since a batch's pages travel together) are not tried.
  let abortedSrc = -1;
  let abortedBatch = -1;
  for (let r = inbox.peek(); r >= 0; r = inbox.peek()) {
    const w = mustReserve(acks, 'ack');
    copyRecord(words, r, acks.words, w);
    inbox.release();
    const a = acks.words;
    const src = a[w + M_SRC];
    if (a[w + M_KIND] === MIGRATE_NUMA) {
      migrateNuma(s, nid, a, w);
    } else if (src === abortedSrc && a[w + M_BATCH] === abortedBatch) {
      a[w + M_STATUS] = MIGRATE_ABORTED;
    } else {
      const step = a[w + M_STEP];
      const frame = demotionAllocStep(s, nid, step >>> 16);
      if (frame >= 0) {
        movePage(s, a[w + M_SRC_FRAME], frame, nid, src, a[w + M_PREFERRED]);
        a[w + M_STATUS] = MIGRATE_DONE;
      } else {
        const walk = walks[src][a[w + M_PREFERRED]];
        const next = nextDemotionStep(walk, step >>> 16, step & 0xffff);
        if (next < 0) {
          a[w + M_STATUS] = MIGRATE_NOMEM;
          abortedSrc = src;
          abortedBatch = a[w + M_BATCH];
        } else {
          a[w + M_STATUS] = MIGRATE_FORWARD;
          a[w + M_STEP] = next;
          a[w + M_TARGET] = walk[next & 0xffff];
        }
      }
    }
    // Publish the outcome: the record's words are written, now the tail moves.
    acks.commit();
  }
}

/**
 * A NUMA-balancing migration into `nid` (promotion, or a misplaced page in NORMAL mode):
 * alloc_misplaced_dst_page is THISNODE with both reclaim bits clear, so it takes a page above
 * LOW, or above MIN on the slow path, and never wakes kswapd. Counted on the target node.
 */
function migrateNuma(s: SimState, nid: number, a: Int32Array, w: number): void {
  const row = nid * NR_COUNTERS;
  // No longer queued: from now on the frame is taken (or the promotion failed).
  s.nodeWords[nid * NODE_WORDS + W_PROMO_QUEUED]--;
  const frame = watermarkOk(s, nid, WMARK_MIN) ? rmqueueMovable(s, nid, false) : -1;
  if (frame < 0) {
    a[w + M_STATUS] = MIGRATE_NOMEM;
    s.counters[row + PGMIGRATE_FAIL]++;
    return;
  }
  const src = a[w + M_SRC];
  movePage(s, a[w + M_SRC_FRAME], frame, nid, nid, nid);
  a[w + M_STATUS] = MIGRATE_DONE;
  s.counters[row + PGMIGRATE_SUCCESS]++;
  s.counters[row + NUMA_PAGES_MIGRATED]++;
  // migrate_misplaced_folio(): a slow-to-fast move is a promotion; from 6.11 (so 6.12 here)
  // only in tiering mode, where 6.1 and 6.6 also count NORMAL mode's moves.
  const counted = !versionAtLeast(s.params.kernelVersion, '6.12') || (s.params.numa.mode & 2) !== 0;
  if (counted && !s.machine.topTier[src] && s.machine.topTier[nid]) s.counters[row + PGPROMOTE_SUCCESS]++;
}

/**
 * Coordinator, after a migrate round: route every outcome, in node order and ring order. A
 * forwarded record goes to its next node's migrate ring for another round; a final outcome goes
 * back to its source's settle ring. Demotions that a 6.1 fallback placed away from the
 * preferred node count numa_foreign there (serially here: that node's counters belong to
 * another thread during the round). Returns true when another round is needed.
 */
export function routeAcks(s: SimState): boolean {
  let forwarded = false;
  for (let nid = 0; nid < s.layout.nodes; nid++) {
    const acks = ringOf(s, nid, RING_ACK);
    for (let r = acks.peek(); r >= 0; r = acks.peek()) {
      const a = acks.words;
      const status = a[r + M_STATUS];
      const forward = status === MIGRATE_FORWARD;
      if (status === MIGRATE_DONE && a[r + M_TARGET] !== a[r + M_PREFERRED]) {
        s.counters[a[r + M_PREFERRED] * NR_COUNTERS + NUMA_FOREIGN]++;
      }
      const to = ringOf(s, forward ? a[r + M_TARGET] : a[r + M_SRC], forward ? RING_MIGRATE : RING_SETTLE);
      const w = mustReserve(to, forward ? 'migrate' : 'settle');
      copyRecord(a, r, to.words, w);
      if (forward) to.words[w + M_STATUS] = MIGRATE_PENDING;
      acks.release();
      to.commit();
      if (forward) forwarded = true;
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
