/**
 * kswapd's wake-up and sleep (kernel/kswapd.ts) on node 1, where the mutation run found every
 * function tested on node 0 only (a node index divided instead of multiplied went unseen), and
 * pgdat_balanced's boost added to the watermark (high_wmark_pages includes watermark_boost).
 * The scenario: node 1 PMEM, 64 free frames, min 4 / low 8 / high 12.
 */
import { describe, expect, it } from 'vitest';
import {
  KSWAPD_NAP_NS,
  MAX_RECLAIM_RETRIES,
  kswapdHopeless,
  kswapdNapsEnd,
  kswapdTryToSleep,
  pgdatBalanced,
  resetKswapdFailures,
  wakeupKswapd,
  watermarkBoosted,
} from '../../src/kernel/kswapd.js';
import {
  NODE_WORDS,
  W_KSWAPD_FAILURES,
  W_KSWAPD_NAP_END_NS,
  W_KSWAPD_WOKEN,
  W_WMARK_BOOST,
} from '../../src/memory/layout.js';
import { counter, free, scenario, woken } from './scenario.js';

const set = (sim: ReturnType<typeof scenario>, nid: number, w: number, v: number) => {
  sim.s.nodeWords[nid * NODE_WORDS + w] = v;
};
const get = (sim: ReturnType<typeof scenario>, nid: number, w: number) =>
  sim.s.nodeWords[nid * NODE_WORDS + w];

describe('pgdat_balanced and the boost', () => {
  it('node 1: balanced above HIGH + boost, not at or below it', () => {
    const sim = scenario();
    expect(free(sim, 1)).toBe(64);
    expect(pgdatBalanced(sim.s, 1)).toBe(true);
    expect(watermarkBoosted(sim.s, 1)).toBe(false);
    // Boost 52: 12 + 52 = 64, free 64 is not above it.
    set(sim, 1, W_WMARK_BOOST, 52);
    expect(pgdatBalanced(sim.s, 1)).toBe(false);
    expect(watermarkBoosted(sim.s, 1)).toBe(true);
    // Boost 51: 63 < 64, balanced (but boosted).
    set(sim, 1, W_WMARK_BOOST, 51);
    expect(pgdatBalanced(sim.s, 1)).toBe(true);
    // Node 0 has its own words: not boosted.
    expect(watermarkBoosted(sim.s, 0)).toBe(false);
  });
});

describe('kswapd_failures', () => {
  it('node 1 hopeless at MAX_RECLAIM_RETRIES; a reset clears that node only', () => {
    const sim = scenario();
    set(sim, 0, W_KSWAPD_FAILURES, MAX_RECLAIM_RETRIES);
    set(sim, 1, W_KSWAPD_FAILURES, MAX_RECLAIM_RETRIES - 1);
    expect([kswapdHopeless(sim.s, 0), kswapdHopeless(sim.s, 1)]).toEqual([true, false]);
    set(sim, 1, W_KSWAPD_FAILURES, MAX_RECLAIM_RETRIES);
    expect(kswapdHopeless(sim.s, 1)).toBe(true);
    resetKswapdFailures(sim.s, 1);
    expect([get(sim, 0, W_KSWAPD_FAILURES), get(sim, 1, W_KSWAPD_FAILURES)]).toEqual([
      MAX_RECLAIM_RETRIES,
      0,
    ]);
    resetKswapdFailures(sim.s, 0);
    expect(get(sim, 0, W_KSWAPD_FAILURES)).toBe(0);
  });
});

describe("node 1's kswapd naps and wake-ups", () => {
  it('a run that leaves node 1 balanced starts its nap; a boosted wake-up during it is premature', () => {
    const sim = scenario();
    set(sim, 1, W_KSWAPD_WOKEN, 1);
    expect(kswapdTryToSleep(sim.s, 1, 3_000_000)).toBe(true);
    expect(woken(sim, 1)).toBe(false);
    expect(get(sim, 1, W_KSWAPD_NAP_END_NS)).toBe(3_000_000 + KSWAPD_NAP_NS);
    // Balanced but boosted: woken, the nap cut short, counted on node 1.
    set(sim, 1, W_WMARK_BOOST, 2);
    wakeupKswapd(sim.s, 1);
    expect(woken(sim, 1)).toBe(true);
    expect(get(sim, 1, W_KSWAPD_NAP_END_NS)).toBe(0);
    expect(counter(sim, 1, 'kswapd_low_wmark_hit_quickly')).toBe(1);
    expect(counter(sim, 0, 'kswapd_low_wmark_hit_quickly')).toBe(0);
  });

  it('a run that leaves node 1 unbalanced: kswapd runs again, high_wmark_hit_quickly on node 1', () => {
    const sim = scenario();
    set(sim, 1, W_KSWAPD_WOKEN, 1);
    set(sim, 1, W_WMARK_BOOST, 60);
    expect(kswapdTryToSleep(sim.s, 1, 0)).toBe(false);
    expect(woken(sim, 1)).toBe(true);
    expect(counter(sim, 1, 'kswapd_high_wmark_hit_quickly')).toBe(1);
    expect(counter(sim, 0, 'kswapd_high_wmark_hit_quickly')).toBe(0);
  });

  it('a nap of node 1 ending with the node out of balance: kswapd runs without a wake-up', () => {
    const sim = scenario();
    set(sim, 1, W_KSWAPD_NAP_END_NS, 2_000_000);
    set(sim, 1, W_WMARK_BOOST, 60);
    kswapdNapsEnd(sim.s, 1_999_999);
    expect(get(sim, 1, W_KSWAPD_NAP_END_NS)).toBe(2_000_000);
    kswapdNapsEnd(sim.s, 2_000_000);
    expect(get(sim, 1, W_KSWAPD_NAP_END_NS)).toBe(0);
    expect(woken(sim, 1)).toBe(true);
    expect(counter(sim, 1, 'kswapd_high_wmark_hit_quickly')).toBe(1);
    expect(counter(sim, 0, 'kswapd_high_wmark_hit_quickly')).toBe(0);
  });
});
