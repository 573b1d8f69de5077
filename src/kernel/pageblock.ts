/**
 * Pageblocks and watermark boosting (page_alloc.c __rmqueue_fallback(), steal_suitable_fallback(),
 * boost_watermark()). Memory is grouped by mobility in 2 MiB pageblocks (pageblock_order 9 with
 * 4 KiB pages). A node's free pages are movable except W_UNMOVABLE_FREE, the free pages inside
 * unmovable/reclaimable pageblocks. A user page (MIGRATE_MOVABLE) that finds no free movable
 * page falls back to one of those (fallbacks[MIGRATE_MOVABLE]: reclaimable, then unmovable):
 * an order-0 movable allocation cannot claim the block (can_steal_fallback), so it takes the
 * single page, and since the free chunk is below pageblock order the steal boosts the zone's
 * watermarks and, the allocation being allowed to wake kswapd (ALLOC_KSWAPD), flags the zone
 * ZONE_BOOSTED_WATERMARK so that rmqueue() wakes kswapd although the node may look balanced.
 */
import { NODE_WORDS, W_FREE, W_UNMOVABLE_FREE, W_WMARK_BOOST } from '../memory/layout.js';
import type { SimState } from '../memory/state.js';
import { wakeupKswapd } from './kswapd.js';

/** pageblock_nr_pages: 2 MiB worth of pages (at least one). */
export function pageblockPages(pageSize: number): number {
  return Math.max(1, Math.floor((2 * 1024 * 1024) / pageSize));
}

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

/**
 * The migratetype bookkeeping of a movable (user) page taken on `nid` (the caller takes the
 * frame): when no free movable page is left, the page comes out of a non-movable pageblock, a
 * fallback steal that boosts the watermark and wakes the node's kswapd (ZONE_BOOSTED_WATERMARK,
 * wakeup_kswapd() from rmqueue()).
 */
export function rmqueueMovable(s: SimState, nid: number): void {
  const w = nid * NODE_WORDS;
  const unmovable = s.nodeWords[w + W_UNMOVABLE_FREE];
  if (unmovable === 0 || s.nodeWords[w + W_FREE] > unmovable) return;
  s.nodeWords[w + W_UNMOVABLE_FREE] = unmovable - 1;
  if (boostWatermark(s, nid)) wakeupKswapd(s, nid);
}
