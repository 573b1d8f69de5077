/**
 * kswapd wake-up and sleep rules (vmscan.c wakeup_kswapd, pgdat_balanced, prepare_kswapd_sleep).
 * The reclaim loop itself (balance_pgdat) is in vmscan.ts.
 */
import {
  NODE_WORDS,
  W_DEMOTE_PENDING,
  W_FREE,
  W_KSWAPD_FAILURES,
  W_KSWAPD_WOKEN,
  W_PROMO_SHORTFALL,
  W_WMARK_BOOST,
  W_WMARK_HIGH,
  W_WMARK_PROMO,
} from '../memory/layout.js';
import type { SimState } from '../memory/state.js';

/** MAX_RECLAIM_RETRIES: kswapd gives up on a node after this many runs that reclaimed nothing. */
export const MAX_RECLAIM_RETRIES = 16;

/**
 * pgdat_balanced(): free pages above HIGH, or above PROMO when NUMA balancing is in tiering
 * mode (5.18+), which leaves room for promotions. Pages kswapd has isolated for demotion this
 * epoch count as free already: the kernel would have migrated them synchronously and they
 * settle at the end of the epoch.
 *
 * In tiering mode the mark is raised by the promotions refused for lack of room since kswapd
 * last slept. A refusal wakes the kernel's kswapd at once; it balances to PROMO, promotions
 * take that room, the next refusal wakes it again, many cycles within one epoch. Here kswapd
 * runs once per epoch, so it makes the room those cycles would have made in one go; without
 * this the promotion rate was capped at PROMO − HIGH pages per epoch and doubled when the epoch
 * was made 5× shorter.
 */
export function pgdatBalanced(s: SimState, nid: number): boolean {
  const w = nid * NODE_WORDS;
  const tiering = (s.params.numa.mode & 2) !== 0;
  const mark = tiering
    ? s.nodeWords[w + W_WMARK_PROMO] + s.nodeWords[w + W_PROMO_SHORTFALL]
    : s.nodeWords[w + W_WMARK_HIGH];
  // high_wmark_pages() / promo_wmark_pages() include the watermark boost.
  return s.nodeWords[w + W_FREE] + s.nodeWords[w + W_DEMOTE_PENDING] > mark + s.nodeWords[w + W_WMARK_BOOST];
}

export function kswapdHopeless(s: SimState, nid: number): boolean {
  return s.nodeWords[nid * NODE_WORDS + W_KSWAPD_FAILURES] >= MAX_RECLAIM_RETRIES;
}

/** pgdat_watermark_boosted(). */
export function watermarkBoosted(s: SimState, nid: number): boolean {
  return s.nodeWords[nid * NODE_WORDS + W_WMARK_BOOST] > 0;
}

/** wakeup_kswapd(): no-op when the node is hopeless, or balanced and not boosted. */
export function wakeupKswapd(s: SimState, nid: number): void {
  if (kswapdHopeless(s, nid) || (pgdatBalanced(s, nid) && !watermarkBoosted(s, nid))) return;
  s.nodeWords[nid * NODE_WORDS + W_KSWAPD_WOKEN] = 1;
}

export function kswapdWoken(s: SimState, nid: number): boolean {
  return s.nodeWords[nid * NODE_WORDS + W_KSWAPD_WOKEN] !== 0;
}

/** kswapd sleeps: the promotions refused before were made room for (or it is hopeless). */
export function kswapdSleep(s: SimState, nid: number): void {
  s.nodeWords[nid * NODE_WORDS + W_KSWAPD_WOKEN] = 0;
  s.nodeWords[nid * NODE_WORDS + W_PROMO_SHORTFALL] = 0;
}

/** Successful reclaim on a node makes kswapd try again (shrink_node resets kswapd_failures). */
export function resetKswapdFailures(s: SimState, nid: number): void {
  s.nodeWords[nid * NODE_WORDS + W_KSWAPD_FAILURES] = 0;
}
