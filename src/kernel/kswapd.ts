/**
 * kswapd's wake-up and sleep (vmscan.c wakeup_kswapd, pgdat_balanced, prepare_kswapd_sleep,
 * kswapd_try_to_sleep). The reclaim loop itself (balance_pgdat) is in vmscan.ts, its CPU share
 * in kswapd-cpu.ts.
 *
 * States, in node words: awake (W_KSWAPD_WOKEN; W_KSWAPD_RUNNING while a balance_pgdat run is
 * in progress, which may span epochs), napping (W_KSWAPD_NAP_END_NS > 0: the HZ/10 nap after a
 * run that left the node balanced) or fully asleep (neither). A wake-up during the nap is
 * premature (kswapd_low_wmark_hit_quickly); a node found unbalanced when the nap ends, or right
 * after a run, makes kswapd run again without a wake-up (kswapd_high_wmark_hit_quickly).
 */
import {
  NODE_WORDS,
  W_DEMOTE_PENDING,
  W_FREE,
  W_KSWAPD_FAILURES,
  W_KSWAPD_NAP_END_NS,
  W_KSWAPD_WOKEN,
  W_PROMO_QUEUED,
  W_WMARK_HIGH,
  W_WMARK_PROMO,
} from '../memory/layout.js';
import type { SimState } from '../memory/state.js';
import {
  KSWAPD_HIGH_WMARK_HIT_QUICKLY,
  KSWAPD_LOW_WMARK_HIT_QUICKLY,
  NR_COUNTERS,
} from '../metrics/vmstat.js';

/** MAX_RECLAIM_RETRIES: kswapd gives up on a node after this many runs that reclaimed nothing. */
export const MAX_RECLAIM_RETRIES = 16;

/** kswapd_try_to_sleep()'s short sleep, schedule_timeout(HZ/10): 100 ms whatever HZ is. */
export const KSWAPD_NAP_NS = 100_000_000;

/**
 * pgdat_balanced(): free pages above HIGH, or above PROMO when NUMA balancing is in tiering
 * mode (5.18+), which leaves room for promotions. The kernel migrates synchronously; here pages
 * move in the migrate phase, so the pages kswapd has isolated for demotion count as free
 * already and the promotions queued into the node as taken.
 */
export function pgdatBalanced(s: SimState, nid: number): boolean {
  const w = nid * NODE_WORDS;
  const mark =
    (s.params.numa.mode & 2) !== 0 ? s.nodeWords[w + W_WMARK_PROMO] : s.nodeWords[w + W_WMARK_HIGH];
  const free = s.nodeWords[w + W_FREE] + s.nodeWords[w + W_DEMOTE_PENDING] - s.nodeWords[w + W_PROMO_QUEUED];
  return free > mark;
}

export function kswapdHopeless(s: SimState, nid: number): boolean {
  return s.nodeWords[nid * NODE_WORDS + W_KSWAPD_FAILURES] >= MAX_RECLAIM_RETRIES;
}

/** prepare_kswapd_sleep(): kswapd may sleep on a hopeless node ("leave it to direct reclaim") or a balanced one. */
export function prepareKswapdSleep(s: SimState, nid: number): boolean {
  return kswapdHopeless(s, nid) || pgdatBalanced(s, nid);
}

/**
 * wakeup_kswapd(): nothing while kswapd is awake (its wait queue is empty), on a hopeless node
 * or a balanced one; a wake-up during the nap cuts it short.
 */
export function wakeupKswapd(s: SimState, nid: number): void {
  const w = nid * NODE_WORDS;
  if (s.nodeWords[w + W_KSWAPD_WOKEN] !== 0) return;
  if (prepareKswapdSleep(s, nid)) return;
  if (s.nodeWords[w + W_KSWAPD_NAP_END_NS] !== 0) {
    s.counters[nid * NR_COUNTERS + KSWAPD_LOW_WMARK_HIT_QUICKLY]++;
    s.nodeWords[w + W_KSWAPD_NAP_END_NS] = 0;
  }
  s.nodeWords[w + W_KSWAPD_WOKEN] = 1;
}

export function kswapdWoken(s: SimState, nid: number): boolean {
  return s.nodeWords[nid * NODE_WORDS + W_KSWAPD_WOKEN] !== 0;
}

/**
 * kswapd_try_to_sleep() right after a balance_pgdat run ending at `nowNs`: a node that may sleep
 * starts the HZ/10 nap (returns true); otherwise kswapd runs again at once (false).
 */
export function kswapdTryToSleep(s: SimState, nid: number, nowNs: number): boolean {
  const w = nid * NODE_WORDS;
  if (prepareKswapdSleep(s, nid)) {
    s.nodeWords[w + W_KSWAPD_WOKEN] = 0;
    s.nodeWords[w + W_KSWAPD_NAP_END_NS] = nowNs + KSWAPD_NAP_NS;
    return true;
  }
  s.counters[nid * NR_COUNTERS + KSWAPD_HIGH_WMARK_HIT_QUICKLY]++;
  return false;
}

/**
 * The naps that end by `endNs` (coordinator, before the reclaim phase): kswapd checks the node
 * again (prepare_kswapd_sleep) and sleeps until woken if it may, or runs at once if the node
 * fell out of balance during the nap without anything waking it (an allocation above LOW, a
 * promotion, a demotion into it).
 */
export function kswapdNapsEnd(s: SimState, endNs: number): void {
  for (let nid = 0; nid < s.layout.nodes; nid++) {
    const w = nid * NODE_WORDS;
    const napEnd = s.nodeWords[w + W_KSWAPD_NAP_END_NS];
    if (napEnd === 0 || napEnd > endNs) continue;
    s.nodeWords[w + W_KSWAPD_NAP_END_NS] = 0;
    if (prepareKswapdSleep(s, nid)) continue;
    s.counters[nid * NR_COUNTERS + KSWAPD_HIGH_WMARK_HIT_QUICKLY]++;
    s.nodeWords[w + W_KSWAPD_WOKEN] = 1;
  }
}

/** Successful reclaim on a node makes kswapd try again (shrink_node resets kswapd_failures). */
export function resetKswapdFailures(s: SimState, nid: number): void {
  s.nodeWords[nid * NODE_WORDS + W_KSWAPD_FAILURES] = 0;
}
