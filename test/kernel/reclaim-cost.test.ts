/**
 * lru_note_cost() as each version computes it (mm/swap.c, mm/vmscan.c shrink_inactive_list):
 * 6.1 adds the pages paged out; 6.12 adds nr_io × SWAP_CLUSTER_MAX (32) + nr_rotated, the
 * rotated pages being those scanned and not reclaimed (nr_scanned - nr_reclaimed).
 */
import { describe, expect, it } from 'vitest';
import { RECLAIM_KSWAPD, shrinkInactiveList } from '../../src/kernel/vmscan.js';
import { LRU_INACTIVE_ANON } from '../../src/memory/flags.js';
import { W_ANON_COST, W_FILE_COST } from '../../src/memory/layout.js';
import { counter, place, range, scenario } from './scenario.js';

const ANON = 1024; // the file is 1024 pages (4 MiB), the anon region follows

/** 8 inactive anon pages on node 0: 2 young (activated), 6 cold (swapped out); 900 file pages. */
function costs(version: '6.1' | '6.6' | '6.12'): [number, number, number] {
  const sim = scenario({
    version,
    demotion: false,
    swap: '1MiB',
    fileSize: '4MiB',
    nodes: `    - { id: 0, cpus: 1, memory: 4MiB, device: dram, watermarks: { min: 4, low: 8, high: 12 } }
    - { id: 1, cpus: 0, memory: 256KiB, device: pmem, watermarks: { min: 4, low: 8, high: 12 } }`,
  });
  place(sim, range(0, 900), 0);
  place(sim, range(ANON, 6), 0);
  place(sim, range(ANON + 6, 2), 0, { young: true });
  const sc = sim.ctx.sc[0];
  sc.reset(RECLAIM_KSWAPD, 0, 32);
  const reclaimed = shrinkInactiveList(sim.s, sim.ctx, sc, 0, LRU_INACTIVE_ANON, 8);
  expect(reclaimed).toBe(6);
  expect(counter(sim, 0, 'pswpout')).toBe(6);
  return [sim.s.nodeWords[W_ANON_COST], sim.s.nodeWords[W_FILE_COST], reclaimed];
}

describe('the reclaim cost of a shrink_inactive_list batch (lru_note_cost)', () => {
  it('6.1 and 6.6: the 6 pages of I/O', () => {
    expect(costs('6.1')).toEqual([6, 0, 6]);
    expect(costs('6.6')).toEqual([6, 0, 6]);
  });

  it('6.12: 6 × 32 + the 2 pages scanned and kept = 194 (below a quarter of the 902 LRU pages: no decay)', () => {
    expect(costs('6.12')).toEqual([194, 0, 6]);
  });
});
