/**
 * Per-node page-frame allocation. Free frames come from a LIFO free list threaded through the
 * lruNext column, and, once that is empty, from a bump pointer over frames never used before,
 * so a node's frame columns are only touched as memory is actually used.
 *
 * A node's top frames, from layout.unmovableStart up, stand for the free pages inside its
 * non-movable (unmovable/reclaimable) pageblocks: they have a free list and never-used count of
 * their own (W_UNMOV_HEAD1, W_UNMOV_NEVER_USED; W_UNMOVABLE_FREE counts them, W_FREE counts
 * every free frame), and a frame freed there goes back to them, as __free_one_page() puts a page
 * on the free list of its pageblock's migratetype. takeFrame() hands them out only when nothing
 * else is left; takeUnmovableFrame() is the fallback steal (src/kernel/pageblock.ts), and
 * stashUnmovable() / takeStashedFrame() the rest of a batch steal held on the per-CPU list.
 *
 * An unmovable allocation (a page-table page) that finds no such page claims free movable
 * pageblocks (claimMovableBlock): their pages join W_UNMOVABLE_FREE but stay where they are,
 * counted in W_UNMOV_CLAIMED, so the non-movable pool's frames are its own list, its never-used
 * top frames, then (once those are gone) claimed ones taken from the movable list. A table page
 * freed below unmovableStart goes back to the movable list as a claimed page again
 * (giveUnmovableFrame). Claimed pages never outnumber the movable frames: takeFrame leaves the
 * last W_UNMOV_CLAIMED of them to the pool.
 *
 * The pool is cut into pageblocks from unmovableStart up, Machine.unmovableBlockPages frames each
 * (unmovable_pageblocks spreads the free pages; the last block may be short). A movable fallback
 * steal that finds one with at least half a pageblock free claims it whole
 * (releaseUnmovableBlock, steal_suitable_fallback()'s move_freepages_block): its free frames
 * move to the movable list, W_UNMOV_RELEASED_MASK marks it movable, and frames freed in it go
 * back to the movable list from then on, as __free_one_page() follows the pageblock's type.
 * Claimed pages are given back the same way (releaseClaimed).
 */
import {
  NODE_WORDS,
  W_BUMP,
  W_FRAME_END,
  W_FRAME_START,
  W_FREE,
  W_FREE_HEAD,
  W_UNMOVABLE_FREE,
  W_UNMOV_HEAD1,
  W_UNMOV_NEVER_USED,
  W_PCP_STOLEN,
  W_UNMOV_CLAIMED,
  W_UNMOV_RELEASED_MASK,
} from './layout.js';
import type { SimState } from './state.js';
import { assert, debugChecks } from '../util/assert.js';
import { PG_ISOLATED, PG_LRU } from './flags.js';

/** Take a free frame of node `nid`, or -1 when none is left; its columns are clean (see giveFrame). */
export function takeFrame(s: SimState, nid: number): number {
  const w = nid * NODE_WORDS;
  if (s.nodeWords[w + W_FREE] <= 0) return -1;
  // Nothing movable left but the non-movable pool (its claimed pages look movable here).
  if (s.nodeWords[w + W_FREE] <= s.nodeWords[w + W_UNMOVABLE_FREE]) return takeUnmovableFrame(s, nid);
  const frame = popMovable(s, nid);
  if (frame < 0) return takeUnmovableFrame(s, nid);
  s.nodeWords[w + W_FREE]--;
  // Postcondition (TIERSIM_DEBUG): a frame of this node with no flags (never used frames hold
  // the buffer's zeros, freed ones -1 in framePage: either way nothing on it).
  if (debugChecks)
    assert(frameNode(s, frame) === nid && s.frameFlags[frame] === 0, 'takeFrame: frame not free');
  // The other columns are clean already: giveFrame clears them, and never-used frames are the
  // buffer's zeros (checkInvariants checks free frames).
  s.lruPrev[frame] = -1;
  s.lruNext[frame] = -1;
  return frame;
}

/** The movable free list's head, or the next never-used movable frame, or -1; no counts change. */
function popMovable(s: SimState, nid: number): number {
  const w = nid * NODE_WORDS;
  let frame = s.nodeWords[w + W_FREE_HEAD];
  if (frame >= 0) {
    s.nodeWords[w + W_FREE_HEAD] = s.lruNext[frame]!;
    return frame;
  }
  frame = s.nodeWords[w + W_BUMP]!;
  if (frame >= s.layout.unmovableStart[nid]) return -1;
  s.nodeWords[w + W_BUMP] = frame + 1;
  return frame;
}

/**
 * change_pageblock_range() of free movable pages: `pages` of node `nid`'s movable free pages
 * become the non-movable pool's (claimed in place, see above). The caller checked they are free.
 */
export function claimMovableBlock(s: SimState, nid: number, pages: number): void {
  const w = nid * NODE_WORDS;
  s.nodeWords[w + W_UNMOVABLE_FREE] += pages;
  s.nodeWords[w + W_UNMOV_CLAIMED] += pages;
}

/** Take a free frame from node `nid`'s non-movable pageblocks, or -1 when they have none. */
export function takeUnmovableFrame(s: SimState, nid: number): number {
  const w = nid * NODE_WORDS;
  if (s.nodeWords[w + W_UNMOVABLE_FREE] <= 0) return -1;
  s.nodeWords[w + W_UNMOVABLE_FREE]--;
  s.nodeWords[w + W_FREE]--;
  return popUnmovable(s, nid);
}

/**
 * Move `n` free frames of the non-movable pageblocks to the per-CPU list (W_PCP_STOLEN): no
 * longer counted free, still on their lists until takeStashedFrame() hands them out.
 */
export function stashUnmovable(s: SimState, nid: number, n: number): void {
  const w = nid * NODE_WORDS;
  s.nodeWords[w + W_UNMOVABLE_FREE] -= n;
  s.nodeWords[w + W_FREE] -= n;
  s.nodeWords[w + W_PCP_STOLEN] += n;
}

/** One of the stashed frames (the caller checked W_PCP_STOLEN > 0). */
export function takeStashedFrame(s: SimState, nid: number): number {
  s.nodeWords[nid * NODE_WORDS + W_PCP_STOLEN]--;
  return popUnmovable(s, nid);
}

/**
 * The next frame of the non-movable pageblocks' list, or a never-used one, or a claimed one
 * from the movable list; no free counts change.
 */
function popUnmovable(s: SimState, nid: number): number {
  const w = nid * NODE_WORDS;
  let frame = s.nodeWords[w + W_UNMOV_HEAD1] - 1;
  const neverUsed = s.nodeWords[w + W_UNMOV_NEVER_USED];
  if (frame >= 0) {
    s.nodeWords[w + W_UNMOV_HEAD1] = s.lruNext[frame] + 1;
  } else if (neverUsed > 0 || s.nodeWords[w + W_UNMOV_CLAIMED] <= 0) {
    frame = s.nodeWords[w + W_FRAME_END] - neverUsed;
    s.nodeWords[w + W_UNMOV_NEVER_USED] = neverUsed - 1;
  } else {
    s.nodeWords[w + W_UNMOV_CLAIMED]--;
    frame = popMovable(s, nid);
    if (debugChecks) assert(frame >= 0, 'popUnmovable: claimed pages but no movable frame');
  }
  s.lruPrev[frame] = -1;
  s.lruNext[frame] = -1;
  return frame;
}

/** Pool pageblocks W_UNMOV_RELEASED_MASK can mark (a float's exact integer bits). */
export const POOL_MASK_BLOCKS = 52;

/** Whether `frame` of node `nid` lies in a pageblock of the non-movable pool (not released). */
export function inUnmovablePool(s: SimState, nid: number, frame: number): boolean {
  const start = s.layout.unmovableStart[nid];
  if (frame < start) return false;
  if (s.nodeWords[nid * NODE_WORDS + W_UNMOV_RELEASED_MASK] === 0) return true;
  const b = Math.floor((frame - start) / s.machine.unmovableBlockPages[nid]);
  return b >= POOL_MASK_BLOCKS || !unmovableBlockReleased(s, nid, b);
}

/** Return a frame (already off every list) to node `nid`'s free list (its pageblock's one). */
export function giveFrame(s: SimState, nid: number, frame: number): void {
  const w = nid * NODE_WORDS;
  // Precondition (TIERSIM_DEBUG): this node's frame, off every LRU list.
  if (debugChecks)
    assert(
      frameNode(s, frame) === nid && (s.frameFlags[frame] & (PG_LRU | PG_ISOLATED)) !== PG_LRU,
      'giveFrame: frame of another node or still on an LRU list',
    );
  s.framePage[frame] = -1;
  s.frameFlags[frame] = 0;
  s.frameYoung[frame] = 0;
  s.frameDirty[frame] = 0;
  s.frameAccessed[frame] = 0;
  s.frameScanMs[frame] = 0;
  if (s.layout.lruGen) s.frameGen[frame] = 0;
  s.lruPrev[frame] = -1;
  if (inUnmovablePool(s, nid, frame)) {
    s.lruNext[frame] = s.nodeWords[w + W_UNMOV_HEAD1] - 1;
    s.nodeWords[w + W_UNMOV_HEAD1] = frame + 1;
    s.nodeWords[w + W_UNMOVABLE_FREE]++;
  } else {
    s.lruNext[frame] = s.nodeWords[w + W_FREE_HEAD]!;
    s.nodeWords[w + W_FREE_HEAD] = frame;
  }
  s.nodeWords[w + W_FREE]++;
}

/**
 * Free an unmovable allocation's frame (a page-table page): to the non-movable pool, whose
 * pageblock it came from (a frame below unmovableStart was claimed from a movable block and
 * goes back to the movable list as a claimed page).
 */
export function giveUnmovableFrame(s: SimState, nid: number, frame: number): void {
  giveFrame(s, nid, frame);
  if (!inUnmovablePool(s, nid, frame)) claimMovableBlock(s, nid, 1);
}

/**
 * Free frames of the pool's pageblock `b` on node `nid`. Puts the pool's never-used frames on
 * its free list first (materialiseUnmovable), so a free frame is one holding no page (-1). For
 * fallback steals only: a walk over the block.
 */
export function unmovableBlockFree(s: SimState, nid: number, b: number): number {
  materialiseUnmovable(s, nid);
  const to = poolBlockEnd(s, nid, b);
  let free = 0;
  for (let f = poolBlockStart(s, nid, b); f < to; f++) if (s.framePage[f] === -1) free++;
  return free;
}

/** Pageblocks of node `nid`'s pool that a steal may claim (at most POOL_MASK_BLOCKS). */
export function unmovableBlocks(s: SimState, nid: number): number {
  const pool = s.nodeWords[nid * NODE_WORDS + W_FRAME_END] - s.layout.unmovableStart[nid];
  if (pool <= 0) return 0;
  return Math.min(POOL_MASK_BLOCKS, Math.ceil(pool / s.machine.unmovableBlockPages[nid]));
}

/** Whether the pool's pageblock `b` of node `nid` was released to the movable side. */
export function unmovableBlockReleased(s: SimState, nid: number, b: number): boolean {
  return Math.floor(s.nodeWords[nid * NODE_WORDS + W_UNMOV_RELEASED_MASK] / 2 ** b) % 2 === 1;
}

/**
 * move_freepages_block() + set_pageblock_migratetype(MOVABLE) of the pool's pageblock `b`: its
 * free frames leave the pool's list for the movable one (still free: W_FREE is unchanged) and
 * the block is marked movable. Returns how many free frames moved. No frame may be on the
 * per-CPU list (a steal only happens once that is empty).
 */
export function releaseUnmovableBlock(s: SimState, nid: number, b: number): number {
  const w = nid * NODE_WORDS;
  if (debugChecks)
    assert(s.nodeWords[w + W_PCP_STOLEN] === 0, 'releaseUnmovableBlock: per-CPU list not empty');
  materialiseUnmovable(s, nid);
  const from = poolBlockStart(s, nid, b);
  const to = poolBlockEnd(s, nid, b);
  // The block's frames leave the pool's list in list order and go, in that order, to the head
  // of the movable list (a chain spliced in front of it).
  let moved = 0;
  let prev = -1;
  let chainHead = -1;
  let chainTail = -1;
  let f = s.nodeWords[w + W_UNMOV_HEAD1] - 1;
  while (f >= 0) {
    const next = s.lruNext[f];
    if (f >= from && f < to) {
      if (prev < 0) s.nodeWords[w + W_UNMOV_HEAD1] = next + 1;
      else s.lruNext[prev] = next;
      if (chainTail < 0) chainHead = f;
      else s.lruNext[chainTail] = f;
      chainTail = f;
      moved++;
    } else {
      prev = f;
    }
    f = next;
  }
  if (chainTail >= 0) {
    s.lruNext[chainTail] = s.nodeWords[w + W_FREE_HEAD];
    s.nodeWords[w + W_FREE_HEAD] = chainHead;
  }
  s.nodeWords[w + W_UNMOV_RELEASED_MASK] += 2 ** b;
  s.nodeWords[w + W_UNMOVABLE_FREE] -= moved;
  return moved;
}

/**
 * `pages` of the claimed movable pages (W_UNMOV_CLAIMED) become movable again: they never left
 * the movable list, so only the counts change.
 */
export function releaseClaimed(s: SimState, nid: number, pages: number): void {
  const w = nid * NODE_WORDS;
  if (debugChecks) assert(pages <= s.nodeWords[w + W_UNMOV_CLAIMED], 'releaseClaimed: more than claimed');
  s.nodeWords[w + W_UNMOV_CLAIMED] -= pages;
  s.nodeWords[w + W_UNMOVABLE_FREE] -= pages;
}

/** The first frame of the pool's pageblock `b` on node `nid`. */
function poolBlockStart(s: SimState, nid: number, b: number): number {
  return s.layout.unmovableStart[nid] + b * s.machine.unmovableBlockPages[nid];
}

/** The frame after the pool's pageblock `b` on node `nid` (the last block may be short). */
function poolBlockEnd(s: SimState, nid: number, b: number): number {
  const end = poolBlockStart(s, nid, b) + s.machine.unmovableBlockPages[nid];
  return Math.min(end, s.nodeWords[nid * NODE_WORDS + W_FRAME_END]);
}

/**
 * Appends the pool's never-used frames to the end of its free list, in the order popUnmovable
 * would have handed them out, and marks them free (-1): the pool is then one list, which a
 * block release can split.
 */
function materialiseUnmovable(s: SimState, nid: number): void {
  const w = nid * NODE_WORDS;
  const neverUsed = s.nodeWords[w + W_UNMOV_NEVER_USED];
  if (neverUsed === 0) return;
  let tail = -1;
  for (let f = s.nodeWords[w + W_UNMOV_HEAD1] - 1; f >= 0; f = s.lruNext[f]) tail = f;
  const end = s.nodeWords[w + W_FRAME_END];
  for (let f = end - neverUsed; f < end; f++) {
    s.framePage[f] = -1;
    s.lruPrev[f] = -1;
    s.lruNext[f] = -1;
    if (tail < 0) s.nodeWords[w + W_UNMOV_HEAD1] = f + 1;
    else s.lruNext[tail] = f;
    tail = f;
  }
  s.nodeWords[w + W_UNMOV_NEVER_USED] = 0;
}

export function freePages(s: SimState, nid: number): number {
  return s.nodeWords[nid * NODE_WORDS + W_FREE];
}

/** Node owning a global frame number. */
export function frameNode(s: SimState, frame: number): number {
  return s.chunkNode[frame >>> s.layout.frameShift];
}

/**
 * The frames of node `nid` ever handed out, as two ranges [a0, a1) and [b0, b1): the movable
 * frames below the bump pointer, and the non-movable pageblocks' frames taken so far (they are
 * taken upwards from unmovableStart). End-of-run scans (the state digest, meminfo Dirty, the
 * invariant checks) walk these rather than the node's whole span, so their cost follows use.
 */
export function usedFrameRanges(s: SimState, nid: number): [number, number, number, number] {
  const w = nid * NODE_WORDS;
  const unmovableUsedEnd = s.nodeWords[w + W_FRAME_END] - s.nodeWords[w + W_UNMOV_NEVER_USED];
  return [
    s.nodeWords[w + W_FRAME_START],
    s.nodeWords[w + W_BUMP],
    s.layout.unmovableStart[nid],
    unmovableUsedEnd,
  ];
}

/**
 * Calls `visit` on every frame of node `nid` ever handed out (both usedFrameRanges), in frame
 * order. For end-of-run and debug scans only: it makes a call per frame.
 */
export function forEachUsedFrame(s: SimState, nid: number, visit: (frame: number) => void): void {
  const [a0, a1, b0, b1] = usedFrameRanges(s, nid);
  for (let f = a0; f < a1; f++) visit(f);
  for (let f = b0; f < b1; f++) visit(f);
}
