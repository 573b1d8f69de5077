/**
 * Pageblocks and watermark boosting (page_alloc.c get_page_from_freelist() with ALLOC_NOFRAGMENT,
 * __rmqueue_fallback(), steal_suitable_fallback(), boost_watermark()). Memory is grouped by
 * mobility in 2 MiB pageblocks (pageblock_order 9 with 4 KiB pages). A boot node's free pages
 * are movable except W_UNMOVABLE_FREE, the free pages inside the unmovable/reclaimable
 * pageblocks of its highest zone (frames.ts keeps them apart; Machine.unmovableFree says how
 * many there are at the start, topology/build.ts the rule). ZONE_MOVABLE has none.
 *
 * Which zone steals, and when: a user page (GFP_HIGHUSER_MOVABLE) preferring a node whose
 * highest zone is Normal and that also has DMA32 is allocated with ALLOC_NOFRAGMENT, under
 * which __rmqueue_fallback() may only take whole free pageblocks. So the node's movable free
 * pages go first: the highest zone's, then the lower zones' down to their own marks (LOW plus
 * their lowmem_reserve for a movable allocation). Only then, with the highest zone still above
 * its mark but holding nothing but free pages of non-movable pageblocks, does the walk reach
 * another node (or the end of the zonelist), drop ALLOC_NOFRAGMENT and retry: the highest zone
 * now steals from a non-movable pageblock (rmqueueMovable: by the largest free chunk, a free
 * block taken over quietly, one at least half free claimed whole after a boost, a fuller one a
 * per-CPU refill of single pages, each boosting). A boost, for an allocation allowed to wake
 * kswapd (ALLOC_KSWAPD), flags the zone ZONE_BOOSTED_WATERMARK so that rmqueue() wakes kswapd
 * although the node may look balanced. With one free count per node: a steal happens when the
 * node passes its (summed) watermark but its movable free pages are down to what the lower
 * zones keep (Machine.boostZone.lowerReserve), which is the highest zone passing its own mark
 * with only non-movable free pages left.
 */
import {
  claimMovableBlock,
  releaseClaimed,
  releaseUnmovableBlock,
  stashUnmovable,
  takeFrame,
  takeStashedFrame,
  takeUnmovableFrame,
  unmovableBlockFree,
  unmovableBlockReleased,
  unmovableBlocks,
} from '../memory/frames.js';
import {
  NODE_WORDS,
  W_FREE,
  W_PCP_STOLEN,
  W_UNMOVABLE_FREE,
  W_UNMOV_CLAIMED,
  W_WMARK_BOOST,
} from '../memory/layout.js';
import type { SimState } from '../memory/state.js';
import { pageblockPages } from '../util/pageblock.js';
import { wakeupKswapd } from './kswapd.js';

/**
 * boost_watermark(): raise the node's boost by one pageblock, up to watermark_boost_factor /
 * 10000 × HIGH of the zone (at least one pageblock). No boost when the factor is 0, when the zone
 * is smaller than four pageblocks, or while HIGH is still 0. Returns whether it boosted.
 */
export function boostWatermark(s: SimState, nid: number): boolean {
  const factor = s.params.watermarkBoostFactor;
  if (factor === 0) return false;
  const zone = s.machine.boostZone[nid];
  const block = pageblockPages(s.params.pageSize);
  if (block * 4 > zone.managed) return false;
  // mult_frac(high, factor, 10000) is floor(high * factor / 10000) exactly.
  let maxBoost = Math.floor((zone.high * factor) / 10000);
  if (maxBoost === 0) return false;
  maxBoost = Math.max(block, maxBoost);
  const w = nid * NODE_WORDS;
  s.nodeWords[w + W_WMARK_BOOST] = Math.min(s.nodeWords[w + W_WMARK_BOOST] + block, maxBoost);
  return true;
}

/** Whether a movable allocation on `nid` now has to steal from a non-movable pageblock. */
export function mustSteal(s: SimState, nid: number): boolean {
  const w = nid * NODE_WORDS;
  const unmovable = s.nodeWords[w + W_UNMOVABLE_FREE];
  return unmovable > 0 && s.nodeWords[w + W_FREE] - unmovable <= s.machine.boostZone[nid].lowerReserve;
}

/**
 * rmqueue() of a movable (user) page on `nid`, which the caller's watermark check allowed
 * (order 0 goes through the CPU's per-CPU list, rmqueue_pcplist()): a page a batch steal left
 * on that list if there is one; else a frame of a movable pageblock; else, when those are down
 * to what the lower zones keep, a fallback steal (__rmqueue_fallback()), which looks at the
 * largest free chunk of the non-movable pageblocks first:
 * - a wholly free pageblock: taken over as movable (change_pageblock_range), no boost;
 * - a pageblock with a chunk of at least pageblock_order / 2 (can_steal_fallback() of the
 *   chunk's order) and at least half of it free: boost_watermark(), then the whole block is
 *   claimed (move_freepages_block, set_pageblock_migratetype): its free pages become movable;
 * - otherwise single pages: the per-CPU list is refilled by rmqueue_bulk(), one __rmqueue() per
 *   page of the refill (nr_pcp_alloc(), Machine.boostZone.refill), each stealing a page and
 *   boosting the watermark; the first page is this allocation's, the rest stay on the list,
 *   out of the free count.
 * The pool's pageblocks are frames.ts's; a block at least half free is taken to hold a chunk of
 * pageblock_order / 2 (tiersim does not model the buddy orders inside a block).
 * With `allocKswapd` (the fault path's GFP_HIGHUSER_MOVABLE; not migration targets, whose GFP
 * has no __GFP_KSWAPD_RECLAIM) a boost flags ZONE_BOOSTED_WATERMARK and rmqueue() wakes the
 * node's kswapd. Returns the frame, or -1 when the node has none.
 */
export function rmqueueMovable(s: SimState, nid: number, allocKswapd: boolean): number {
  const w = nid * NODE_WORDS;
  if (s.nodeWords[w + W_PCP_STOLEN] > 0) return takeStashedFrame(s, nid);
  if (!mustSteal(s, nid)) return takeFrame(s, nid);
  const block = pageblockPages(s.params.pageSize);
  let best = -1;
  let bestFree = 0;
  for (let b = 0, n = unmovableBlocks(s, nid); b < n; b++) {
    if (unmovableBlockReleased(s, nid, b)) continue;
    const free = unmovableBlockFree(s, nid, b);
    if (free > bestFree) {
      best = b;
      bestFree = free;
    }
  }
  // Claimed pages (movable pageblocks an unmovable allocation took over) count as one more
  // block, as free as they are up to a whole one.
  const claimed = Math.min(s.nodeWords[w + W_UNMOV_CLAIMED], block);
  if (claimed > bestFree) {
    best = -1;
    bestFree = claimed;
  }
  if (bestFree * 2 >= block) {
    if (bestFree < block && boostWatermark(s, nid) && allocKswapd) wakeupKswapd(s, nid);
    if (best >= 0) releaseUnmovableBlock(s, nid, best);
    else releaseClaimed(s, nid, bestFree);
    return takeFrame(s, nid);
  }
  const frame = takeUnmovableFrame(s, nid);
  const more = Math.min(s.machine.boostZone[nid].refill, s.nodeWords[w + W_UNMOVABLE_FREE] + 1) - 1;
  stashUnmovable(s, nid, more);
  let boosted = false;
  for (let i = 0; i <= more; i++) boosted = boostWatermark(s, nid) || boosted;
  if (boosted && allocKswapd) wakeupKswapd(s, nid);
  return frame;
}

/** Pages of a MAX_PAGE_ORDER (10) buddy block: the largest free chunk __rmqueue_fallback() finds. */
export const MAX_ORDER_PAGES = 1 << 10;

/**
 * __rmqueue() of an unmovable order-0 page (a page-table page, GFP_KERNEL) on `nid`, which the
 * caller's watermark check allowed: a free page of a non-movable pageblock if there is one; else
 * __rmqueue_fallback() from MIGRATE_MOVABLE (fallbacks[MIGRATE_UNMOVABLE]: reclaimable, then
 * movable; tiersim's non-movable pool is both). Under ALLOC_NOFRAGMENT (a Normal zone with DMA32
 * below it) the fallback takes the largest free chunk of at least a pageblock: a free
 * MAX_PAGE_ORDER block (1024 pages) while the zone's own movable free pages hold one (the
 * node's less what the lower zones keep, Machine.boostZone.lowerReserve), else a pageblock, and
 * steal_suitable_fallback() takes ownership of it whole (change_pageblock_range) without a
 * watermark boost. With less than a pageblock of movable pages free the zonelist walk drops
 * ALLOC_NOFRAGMENT and takes a smaller chunk: boost_watermark(), ZONE_BOOSTED_WATERMARK (the
 * allocation may wake kswapd) and, since an unmovable steal may always try the whole block
 * (can_steal_fallback), the block is claimed if at least half of it is free (taken here as the
 * zone's movable free pages, up to a pageblock, as if in one block), else just the page. The claimed
 * pages join the non-movable pool in place (frames.ts claimMovableBlock). Returns the frame, or
 * -1 when the node has none.
 */
export function rmqueueUnmovable(s: SimState, nid: number): number {
  const w = nid * NODE_WORDS;
  if (s.nodeWords[w + W_UNMOVABLE_FREE] > 0) return takeUnmovableFrame(s, nid);
  const movable = s.nodeWords[w + W_FREE] - s.nodeWords[w + W_UNMOVABLE_FREE];
  if (movable <= 0) return -1;
  const block = pageblockPages(s.params.pageSize);
  // The highest zone's own movable pages: the lower zones' are the ones they keep.
  const top = movable - s.machine.boostZone[nid].lowerReserve;
  if (top >= MAX_ORDER_PAGES && MAX_ORDER_PAGES >= block) {
    claimMovableBlock(s, nid, MAX_ORDER_PAGES);
  } else if (top >= block) {
    claimMovableBlock(s, nid, block);
  } else {
    if (boostWatermark(s, nid)) wakeupKswapd(s, nid);
    claimMovableBlock(s, nid, top * 2 >= block ? top : 1);
  }
  return takeUnmovableFrame(s, nid);
}
