/**
 * Killing the survivors of the mutation run (npm run mutation): the unit tests worked on node 0
 * only, where nid * NODE_WORDS and nid / NODE_WORDS are both 0, and never read the swap view's
 * arithmetic or the isolated counts back. Here the same primitives on node 1, with every word
 * they touch checked by hand (scenario machine: nodes of 64 frames; swap 1 MiB = 256 slots).
 */
import { describe, expect, it } from 'vitest';
import {
  refreshSwapView,
  swapFreePages,
  swapSlotFreed,
  swapSlotTaken,
  swapUsedPages,
} from '../../src/kernel/swap.js';
import { watermark, WMARK_HIGH } from '../../src/kernel/watermark.js';
import { LRU_INACTIVE_ANON, LRU_INACTIVE_FILE } from '../../src/memory/flags.js';
import {
  NODE_WORDS,
  W_ISOLATED_ANON,
  W_ISOLATED_FILE,
  W_LRU_HEAD,
  W_LRU_TAIL,
  W_SWAP_USED,
  W_WMARK_BOOST,
} from '../../src/memory/layout.js';
import { isolate, lruAddTail, lruDel, putback } from '../../src/memory/lru.js';
import { assertSound, place, scenario } from '../kernel/scenario.js';

const W1 = 1 * NODE_WORDS;

describe('per-node words on node 1', () => {
  it("swap: slots taken and freed on node 1's word; the view is the published use plus the node's own since", () => {
    const sim = scenario({ swap: '1MiB' });
    const s = sim.s;
    swapSlotTaken(s, 1);
    swapSlotTaken(s, 1);
    swapSlotTaken(s, 0);
    expect([s.nodeWords[W_SWAP_USED], s.nodeWords[W1 + W_SWAP_USED]]).toEqual([1, 2]);
    // Not yet published: each node sees only its own use.
    expect([swapFreePages(s, 0), swapFreePages(s, 1)]).toEqual([255, 254]);
    refreshSwapView(s);
    expect([swapFreePages(s, 0), swapFreePages(s, 1)]).toEqual([253, 253]);
    swapSlotTaken(s, 1);
    swapSlotFreed(s, 0);
    // Node 1 adds its new slot to the published 3; node 0 frees one: 3 - 1.
    expect([swapFreePages(s, 0), swapFreePages(s, 1)]).toEqual([254, 252]);
    expect(swapUsedPages(s)).toBe(3);
  });

  it('watermark() and lruAddTail/putback/isolate address node 1', () => {
    const sim = scenario();
    const s = sim.s;
    s.nodeWords[W1 + W_WMARK_BOOST] = 5;
    expect([watermark(s, 0, WMARK_HIGH), watermark(s, 1, WMARK_HIGH)]).toEqual([12, 17]);
    place(sim, [0, 1], 1);
    place(sim, [64], 1);
    const f0 = s.pte[0] - 1;
    const f64 = s.pte[64] - 1;
    lruDel(s, 1, LRU_INACTIVE_FILE, f0);
    lruAddTail(s, 1, LRU_INACTIVE_FILE, f0);
    expect(s.nodeWords[W1 + W_LRU_TAIL + LRU_INACTIVE_FILE]).toBe(f0);
    expect(s.lruPrev[f0]).toBe(s.pte[1] - 1);
    isolate(s, 1, LRU_INACTIVE_FILE, f0, false);
    isolate(s, 1, LRU_INACTIVE_ANON, f64, true);
    expect([s.nodeWords[W1 + W_ISOLATED_ANON], s.nodeWords[W1 + W_ISOLATED_FILE]]).toEqual([1, 1]);
    putback(s, 1, f64, true);
    expect([s.nodeWords[W1 + W_ISOLATED_ANON], s.nodeWords[W1 + W_ISOLATED_FILE]]).toEqual([0, 1]);
    putback(s, 1, f0, true);
    expect([s.nodeWords[W1 + W_ISOLATED_ANON], s.nodeWords[W1 + W_ISOLATED_FILE]]).toEqual([0, 0]);
    expect(s.nodeWords[W1 + W_LRU_HEAD + LRU_INACTIVE_ANON]).toBe(f64);
    expect(s.lruPrev[f64]).toBe(-1);
    assertSound(sim);
  });
});
