/**
 * Swap-in readahead's window (swap_vma_ra_win and __swapin_nr_pages, 6.12 mm/swap_state.c) and
 * vm_swap_full, traced by hand where the mutation run found them untested: the window forward
 * after a fault on the page before, backward after one on the page after, centred otherwise,
 * grown by readahead hits to a power of two, never shrunk below half the last one, and clamped
 * to the VMA. A window comes back as (pages before the fault) * WINDOW_BACK + length.
 */
import { describe, expect, it } from 'vitest';
import { swapSlotTaken } from '../../src/kernel/swap.js';
import { WINDOW_BACK, swapRaHit, swapRaWindow, vmSwapFull } from '../../src/kernel/swapcache.js';
import { scenario } from './scenario.js';

// The scenario's anon region: page ids [64, 128).
const FIRST = 64;
const END = 128;

describe('swap_vma_ra_win', () => {
  it('page_cluster 3 (8 pages): a fault sequence traced through __swapin_nr_pages', () => {
    const sim = scenario({ version: '6.12', swap: '1MiB' });
    expect(sim.s.params.swapRaMaxPages).toBe(8);
    const s = sim.s;
    // No hits and the previous fault (none: page 0) not adjacent: the page alone.
    expect(swapRaWindow(s, 0, 100, FIRST, END)).toBe(1);
    // Next to it (prev + 1), still no hits: 2 pages, forward from the fault: [101, 103).
    expect(swapRaWindow(s, 0, 101, FIRST, END)).toBe(0 * WINDOW_BACK + 2);
    // Three readahead hits (the last at 105), then a fault at 110: hits + 2 = 5, rounded up
    // to 8; not adjacent to 105, so centred: left = 110 - (8 - 1) / 2 = 107, [107, 115).
    swapRaHit(s, 0, 103);
    swapRaHit(s, 0, 104);
    swapRaHit(s, 0, 105);
    expect(swapRaWindow(s, 0, 110, FIRST, END)).toBe(3 * WINDOW_BACK + 8);
    // The page before (prev == page + 1), no hits: 2, but not below half the last window (4);
    // backward: [109 - 4 + 1, 110) = [106, 110).
    expect(swapRaWindow(s, 0, 109, FIRST, END)).toBe(3 * WINDOW_BACK + 4);
    // Far away, no hits: 1, raised to half of 4 = 2; centred: left = 90 - 0, [90, 92).
    expect(swapRaWindow(s, 0, 90, FIRST, END)).toBe(0 * WINDOW_BACK + 2);
  });

  it('clamped to the region: centred windows of 8 at page 126 and 65 are [123, 128) and [64, 70)', () => {
    const sim = scenario({ version: '6.12', swap: '1MiB' });
    const s = sim.s;
    for (let i = 0; i < 6; i++) swapRaHit(s, 0, 20);
    // hits 6 + 2 = 8: left = 126 - 3 = 123, right 131 clamped to the end, 128.
    expect(swapRaWindow(s, 0, 126, FIRST, END)).toBe(3 * WINDOW_BACK + 5);
    // At the start: six more hits, then a fault at 65: 8 again, centred at 65 - 3 = 62 and
    // clamped to the region's first page: [64, 70).
    for (let i = 0; i < 6; i++) swapRaHit(s, 0, 20);
    expect(swapRaWindow(s, 0, 65, FIRST, END)).toBe(1 * WINDOW_BACK + 6);
  });

  it('never across a 2 MiB (512-page) boundary of the region, and per CPU (CPU 1 here)', () => {
    // A 4 MiB anon region: ids [64, 1088), its second PMD starting at 64 + 512 = 576.
    const sim = scenario({
      version: '6.12',
      swap: '1MiB',
      anonSize: '4MiB',
      cpus: [0, 1],
      nodes: `    - { id: 0, cpus: 2, memory: 256KiB, device: dram, watermarks: { min: 4, low: 8, high: 12 } }`,
    });
    const s = sim.s;
    const end = 64 + 1024;
    // Two hits: 2 + 2 = 4, already a power of two: centred at 600, [599, 603).
    swapRaHit(s, 1, 10);
    swapRaHit(s, 1, 10);
    expect(swapRaWindow(s, 1, 600, FIRST, end)).toBe(1 * WINDOW_BACK + 4);
    // Six hits, 8 pages centred at 577: [574, 582) cut at the PMD start 576.
    for (let i = 0; i < 6; i++) swapRaHit(s, 1, 10);
    expect(swapRaWindow(s, 1, 577, FIRST, end)).toBe(1 * WINDOW_BACK + 6);
    // ... and at 574: [571, 579) cut at the PMD end 576.
    for (let i = 0; i < 6; i++) swapRaHit(s, 1, 10);
    expect(swapRaWindow(s, 1, 574, FIRST, end)).toBe(3 * WINDOW_BACK + 5);
    // CPU 0 has its own state: no hits, no previous fault next to it.
    expect(swapRaWindow(s, 0, 575, FIRST, end)).toBe(1);
  });

  it('page_cluster 0: never any readahead', () => {
    const sim = scenario({ version: '6.12', swap: '1MiB', kernel: 'page_cluster: 0' });
    swapRaHit(sim.s, 0, 99);
    expect(swapRaWindow(sim.s, 0, 100, FIRST, END)).toBe(1);
  });
});

describe('vm_swap_full', () => {
  it('more than half of the swap in use; never without swap', () => {
    expect(vmSwapFull(scenario().s, 0)).toBe(false);
    const sim = scenario({ swap: '64KiB' }); // 16 slots
    for (let i = 0; i < 8; i++) swapSlotTaken(sim.s, 0);
    expect(vmSwapFull(sim.s, 0)).toBe(false); // 8 free: half, not less
    swapSlotTaken(sim.s, 0);
    expect(vmSwapFull(sim.s, 0)).toBe(true);
  });
});
