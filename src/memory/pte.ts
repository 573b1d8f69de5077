/**
 * Page-table entry values (`pte`, Int32 per page):
 *
 *   0                        never touched
 *   f + 1                    present (mapped) in frame f
 *   [-2^30, -1]              evicted: -1 - shadow (kernel/workingset.ts); an anon page then has
 *                            a swap slot
 *   SWAPCACHE_PTE_TOP - f    in the swap cache in frame f but not mapped (read ahead by a swap-in,
 *                            kernel/swapcache.ts); the next access faults (minor) and maps it
 */

import { MAX_FRAMES } from './layout.js';
import { assert } from '../util/assert.js';

/** Shadows occupy [-2^30, -1]; unmapped swap-cache entries lie below. */
const SWAPCACHE_PTE_TOP = -(2 ** 30) - 1;

// Every encoding fits the Int32 column: the highest frame present (MAX_FRAMES - 1 + 1) and in
// the swap cache (SWAPCACHE_PTE_TOP - (MAX_FRAMES - 1)), without meeting the shadows.
assert(MAX_FRAMES <= 2 ** 31 - 1, 'pte: present entries frame + 1 pass Int32');
assert(
  SWAPCACHE_PTE_TOP - (MAX_FRAMES - 1) >= -(2 ** 31),
  'pte: swap-cache entries of MAX_FRAMES pass Int32',
);

export function isSwapCachePte(e: number): boolean {
  return e <= SWAPCACHE_PTE_TOP;
}

export function swapCacheFrameOf(e: number): number {
  return SWAPCACHE_PTE_TOP - e;
}

export function pteOfSwapCache(frame: number): number {
  return SWAPCACHE_PTE_TOP - frame;
}

/** An evicted page's entry (a shadow): for an anon page, a swap entry not in the swap cache. */
export function isShadowPte(e: number): boolean {
  return e < 0 && e > SWAPCACHE_PTE_TOP;
}

/** The frame holding the page of entry `e` (mapped or in the swap cache), or -1. */
export function frameOfPte(e: number): number {
  if (e > 0) return e - 1;
  return e <= SWAPCACHE_PTE_TOP ? SWAPCACHE_PTE_TOP - e : -1;
}
