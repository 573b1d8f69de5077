/**
 * Where on its list a page lands, head or tail, after each kernel move (classic LRU, 6.12
 * mm/swap.c and mm/vmscan.c):
 *
 *   lru_add (new page, folio_putback_lru)   lruvec_add_folio: the head
 *   folio_rotate_reclaimable                lruvec_add_folio_tail: the tail (a PG_reclaim page
 *                                           whose writeback ended, so the next scan takes it first)
 *   folio_activate / activate_locked        the head of the active list, PG_active set
 *   shrink_active_list (deactivation)       the head of the inactive list
 *   folio_mark_accessed (second access)     the head of the active list
 *
 * Pages are placed as scenario.place does (each at the head: the first placed ends at the
 * tail), isolated from their list as reclaim does, then handed to the real code. Lists are
 * read head → tail as page ids.
 */
import { describe, expect, it } from 'vitest';
import type { Simulation } from '../../src/engine/simulation.js';
import { markPageAccessed } from '../../src/kernel/accessed.js';
import { completeWriteback, startWriteback } from '../../src/kernel/writeback.js';
import { RECLAIM_KSWAPD, ScanControl, shrinkActiveList, shrinkPageList } from '../../src/kernel/vmscan.js';
import {
  LRU_ACTIVE_FILE,
  LRU_INACTIVE_FILE,
  PG_ACTIVE,
  PG_RECLAIM,
  PG_SWAPBACKED,
} from '../../src/memory/flags.js';
import { NODE_WORDS, W_LRU_HEAD } from '../../src/memory/layout.js';
import { isolate, putback } from '../../src/memory/lru.js';
import { assertSound, counter, place, scenario } from './scenario.js';

function list(sim: Simulation, nid: number, lru: number): number[] {
  const pages: number[] = [];
  for (let f = sim.s.nodeWords[nid * NODE_WORDS + W_LRU_HEAD + lru]; f >= 0; f = sim.s.lruNext[f])
    pages.push(sim.s.framePage[f]);
  return pages;
}

const frameOf = (sim: Simulation, page: number) => sim.s.pte[page] - 1;

/** Isolate `page` from its list and run shrink_page_list on it alone (kswapd, no demotion). */
function reclaimOne(sim: Simulation, page: number): number {
  const f = frameOf(sim, page);
  const flags = sim.s.frameFlags[f];
  isolate(sim.s, 0, (flags & PG_ACTIVE) !== 0 ? LRU_ACTIVE_FILE : LRU_INACTIVE_FILE, f, false);
  const sc = new ScanControl();
  sc.reset(RECLAIM_KSWAPD, 0, 32);
  const batch = new Int32Array([f]);
  return shrinkPageList(sim.s, sim.ctx, sc, 0, batch, 1, false);
}

describe('LRU order after each move (classic LRU)', () => {
  it('placed pages: the first placed is at the tail (lru_add adds at the head)', () => {
    const sim = scenario({ demotion: false });
    place(sim, [0, 1, 2, 3], 0);
    expect(list(sim, 0, LRU_INACTIVE_FILE)).toEqual([3, 2, 1, 0]);
  });

  it('putback to the head, or to the tail when asked (the rotation)', () => {
    const sim = scenario({ demotion: false });
    place(sim, [0, 1, 2, 3], 0);
    isolate(sim.s, 0, LRU_INACTIVE_FILE, frameOf(sim, 1), false);
    putback(sim.s, 0, frameOf(sim, 1), false);
    expect(list(sim, 0, LRU_INACTIVE_FILE)).toEqual([1, 3, 2, 0]);
    isolate(sim.s, 0, LRU_INACTIVE_FILE, frameOf(sim, 2), false);
    putback(sim.s, 0, frameOf(sim, 2), true);
    expect(list(sim, 0, LRU_INACTIVE_FILE)).toEqual([1, 3, 0, 2]);
    assertSound(sim);
  });

  it('a young page seen once by reclaim (KEEP) goes back to the head of the inactive list', () => {
    const sim = scenario({ demotion: false });
    place(sim, [0, 2, 3], 0);
    place(sim, [1], 0, { young: true });
    expect(list(sim, 0, LRU_INACTIVE_FILE)).toEqual([1, 3, 2, 0]);
    // Make it the tail first, as reclaim finds it.
    isolate(sim.s, 0, LRU_INACTIVE_FILE, frameOf(sim, 1), false);
    putback(sim.s, 0, frameOf(sim, 1), true);
    expect(reclaimOne(sim, 1)).toBe(0);
    expect(list(sim, 0, LRU_INACTIVE_FILE)).toEqual([1, 3, 2, 0]);
    assertSound(sim);
  });

  it('a young, referenced page is activated: the head of the active list (activate_locked)', () => {
    const sim = scenario({ demotion: false });
    place(sim, [4, 5], 0, { active: true });
    place(sim, [0, 1], 0);
    place(sim, [2], 0, { young: true, referenced: true });
    expect(reclaimOne(sim, 2)).toBe(0);
    expect(list(sim, 0, LRU_ACTIVE_FILE)).toEqual([2, 5, 4]);
    expect(list(sim, 0, LRU_INACTIVE_FILE)).toEqual([1, 0]);
    expect(counter(sim, 0, 'pgactivate')).toBe(1);
    assertSound(sim);
  });

  it('a dirty page reclaim meets is marked PG_reclaim and activated; the end of its writeback rotates it to the inactive tail (folio_rotate_reclaimable)', () => {
    const sim = scenario({ demotion: false });
    place(sim, [1, 2], 0);
    place(sim, [0], 0, { dirty: true });
    place(sim, [3], 0);
    place(sim, [4], 0, { active: true });
    expect(list(sim, 0, LRU_INACTIVE_FILE)).toEqual([3, 0, 2, 1]);
    // 6.12 shrink_folio_list: a dirty file page is left to the flushers, PG_reclaim set and
    // activated (the head of the active list); no write by reclaim.
    expect(reclaimOne(sim, 0)).toBe(0);
    const f = frameOf(sim, 0);
    expect(sim.s.frameFlags[f] & PG_RECLAIM).toBe(PG_RECLAIM);
    expect(counter(sim, 0, 'nr_vmscan_immediate_reclaim')).toBe(1);
    expect(counter(sim, 0, 'nr_vmscan_write')).toBe(0);
    expect(list(sim, 0, LRU_ACTIVE_FILE)).toEqual([0, 4]);
    // The flusher writes it; when the write completes, the page goes to the inactive tail, the
    // first the next scan takes, not the head.
    startWriteback(sim.s, 0, f, 1);
    completeWriteback(sim.s, 2);
    expect(list(sim, 0, LRU_ACTIVE_FILE)).toEqual([4]);
    expect(list(sim, 0, LRU_INACTIVE_FILE)).toEqual([3, 2, 1, 0]);
    expect(sim.s.frameFlags[f] & (PG_RECLAIM | PG_ACTIVE)).toBe(0);
    expect(counter(sim, 0, 'pgrotated')).toBe(1);
    assertSound(sim);
  });

  it('deactivation takes the active tail to the inactive head (shrink_active_list)', () => {
    const sim = scenario({ demotion: false });
    place(sim, [0, 1], 0);
    place(sim, [2, 3], 0, { active: true });
    const sc = new ScanControl();
    shrinkActiveList(sim.s, sc, 0, LRU_ACTIVE_FILE, 1);
    expect(list(sim, 0, LRU_ACTIVE_FILE)).toEqual([3]);
    expect(list(sim, 0, LRU_INACTIVE_FILE)).toEqual([2, 1, 0]);
    expect(counter(sim, 0, 'pgdeactivate')).toBe(1);
    assertSound(sim);
  });

  it('a second mark_page_accessed activates to the head of the active list', () => {
    const sim = scenario({ demotion: false });
    place(sim, [4], 0, { active: true });
    place(sim, [0, 1, 2], 0);
    markPageAccessed(sim.s, 1);
    expect(list(sim, 0, LRU_INACTIVE_FILE)).toEqual([2, 1, 0]);
    markPageAccessed(sim.s, 1);
    expect(list(sim, 0, LRU_ACTIVE_FILE)).toEqual([1, 4]);
    expect(list(sim, 0, LRU_INACTIVE_FILE)).toEqual([2, 0]);
    expect(sim.s.frameFlags[frameOf(sim, 1)] & PG_SWAPBACKED).toBe(0);
    assertSound(sim);
  });
});
