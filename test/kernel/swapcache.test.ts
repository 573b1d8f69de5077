/**
 * Swap cache and VMA-based swap-in readahead (6.12 swap_vma_readahead / __swapin_nr_pages),
 * hand-computed on the scenario machine: node 0 with 64 frames, anon region = page ids 64..127,
 * 1 MiB of swap (256 slots), vm.page_cluster 3 (at most 8 pages per swap-in).
 */
import { describe, expect, it } from 'vitest';
import { PG_SWAPCACHE } from '../../src/memory/flags.js';
import { isSwapCachePte } from '../../src/memory/pte.js';
import { swapinNrPages } from '../../src/kernel/swapcache.js';
import { refreshSwapView, swapUsedPages } from '../../src/kernel/swap.js';
import { reclaimPages } from '../../src/kernel/vmscan.js';
import { assertSound, counter, nodeOf, place, range, scenario, touch, touchInOneEpoch } from './scenario.js';

const ANON = 64;
const STORE = 1;
/** The scenario machine with two CPUs on node 0 (for a task running on both). */
const TWO_CPU_NODES = `    - { id: 0, cpus: 2, memory: 256KiB, device: dram, watermarks: { min: 4, low: 8, high: 12 } }
    - { id: 1, cpus: 0, memory: 256KiB, device: pmem, watermarks: { min: 4, low: 8, high: 12 } }`;

function swappedOut(pages: number, kernel?: string, twoCpus = false) {
  const sim = scenario({
    demotion: false,
    swap: '1MiB',
    ...(kernel === undefined ? {} : { kernel }),
    ...(twoCpus ? { nodes: TWO_CPU_NODES, cpus: [0, 1] } : {}),
  });
  place(sim, range(ANON, pages), 0);
  refreshSwapView(sim.s);
  reclaimPages(sim.s, sim.ctx, ANON, ANON + pages, 0);
  refreshSwapView(sim.s);
  return sim;
}

const c = (sim: ReturnType<typeof scenario>, name: Parameters<typeof counter>[2]) => counter(sim, 0, name);
const inSwapCache = (sim: ReturnType<typeof scenario>, page: number) => isSwapCachePte(sim.s.pte[page]);

describe('__swapin_nr_pages', () => {
  it('follows the kernel heuristic: hits + 2 rounded up to a power of 2 (>= 4), capped, shrinking by half at most', () => {
    expect(swapinNrPages(10, 20, 0, 8, 0)).toBe(1); // no hits, not adjacent
    expect(swapinNrPages(19, 20, 0, 8, 0)).toBe(2); // no hits, adjacent
    expect(swapinNrPages(21, 20, 0, 8, 0)).toBe(2);
    expect(swapinNrPages(10, 20, 1, 8, 0)).toBe(4); // 3 -> 4
    expect(swapinNrPages(10, 20, 3, 8, 0)).toBe(8); // 5 -> 8
    expect(swapinNrPages(10, 20, 7, 8, 0)).toBe(8); // 9 -> 16, capped at 8
    expect(swapinNrPages(10, 20, 0, 8, 8)).toBe(4); // 1, but not below half the last window
  });
});

describe('swap-in readahead and the swap cache', () => {
  it('grows the window with readahead hits; a read-ahead page faults minor; clean swap-cache pages are reclaimed without a write', () => {
    const sim = swappedOut(20);
    expect(c(sim, 'pswpout')).toBe(20);
    expect(swapUsedPages(sim.s)).toBe(20);

    // First swap fault, not next to the previous one (none): the page alone.
    touch(sim, 0, [69]);
    expect([c(sim, 'pgmajfault'), c(sim, 'pswpin'), c(sim, 'swap_ra')]).toEqual([1, 1, 0]);
    expect(nodeOf(sim, 70)).toBe(-1);
    // Next to it, no hits: 2 pages forward (70, 71); 71 waits unmapped in the swap cache.
    touch(sim, 0, [70]);
    expect([c(sim, 'pgmajfault'), c(sim, 'pswpin'), c(sim, 'swap_ra')]).toEqual([2, 3, 1]);
    expect(inSwapCache(sim, 71)).toBe(true);
    // Its fault is a swap-cache hit: minor.
    touch(sim, 0, [71]);
    expect([c(sim, 'pgmajfault'), c(sim, 'swap_ra_hit'), c(sim, 'pgfault')]).toEqual([2, 1, 3]);
    expect(nodeOf(sim, 71)).toBe(0);
    // One hit: 1 + 2 = 3 -> 4 pages (72..75); 73..75 hit in the same epoch (this CPU's hash).
    touch(sim, 0, [72, 73, 74, 75]);
    expect([c(sim, 'pgmajfault'), c(sim, 'pswpin'), c(sim, 'swap_ra'), c(sim, 'swap_ra_hit')]).toEqual([
      3, 7, 4, 4,
    ]);
    // Three hits: 5 -> 8 pages, 76..83: the fault reads 8 pages, 7 of them ahead.
    touch(sim, 0, [76]);
    expect([c(sim, 'pgmajfault'), c(sim, 'pswpin'), c(sim, 'swap_ra')]).toEqual([4, 15, 11]);
    expect(range(77, 7).every((p) => inSwapCache(sim, p))).toBe(true);
    expect(c(sim, 'pgpgin')).toBe(15 * 4);
    // Every page read keeps its slot: 20 slots for 5 pages in swap + 15 in the swap cache.
    expect(swapUsedPages(sim.s)).toBe(20);
    expect(sim.s.frameFlags[sim.s.pte[76] - 1] & PG_SWAPCACHE).toBe(PG_SWAPCACHE);

    // A write fault on a swap-cache page drops its slot (should_try_to_free_swap).
    touch(sim, 0, [77], STORE);
    expect(c(sim, 'swap_ra_hit')).toBe(5);
    expect(swapUsedPages(sim.s)).toBe(19);
    expect(sim.s.frameFlags[sim.s.pte[77] - 1] & PG_SWAPCACHE).toBe(0);
    expect(c(sim, 'pgfault')).toBe(4 + 5);

    // MADV_PAGEOUT over the region: the 9 mapped pages (69..77) go; the 8 clean swap-cache pages
    // are freed without a write, page 77 takes a new slot and is written. 78..83 are not mapped,
    // so the page-table walk does not see them.
    refreshSwapView(sim.s);
    reclaimPages(sim.s, sim.ctx, ANON, ANON + 20, 0);
    expect(c(sim, 'pswpout')).toBe(21);
    expect(swapUsedPages(sim.s)).toBe(20);
    expect(range(69, 9).every((p) => nodeOf(sim, p) === -1)).toBe(true);
    expect(range(78, 6).every((p) => inSwapCache(sim, p))).toBe(true);
    assertSound(sim);
  });

  it('two CPUs faulting one read-ahead page in the same epoch count one swap_ra_hit (PG_readahead is cleared once)', () => {
    const sim = swappedOut(4, undefined, true);
    touch(sim, 0, [ANON]);
    // Next to it: ANON + 1 faults and reads ANON + 2 ahead into the swap cache.
    touch(sim, 0, [ANON + 1]);
    expect([c(sim, 'pswpin'), c(sim, 'swap_ra')]).toEqual([3, 1]);
    expect(inSwapCache(sim, ANON + 2)).toBe(true);
    // Both CPUs of the task fault ANON + 2 before the place phase maps it: two minor faults (each
    // CPU's access phase sees it unmapped), one page read ahead, so one hit.
    touchInOneEpoch(sim, [
      [0, [ANON + 2]],
      [1, [ANON + 2]],
    ]);
    expect([c(sim, 'pgfault'), c(sim, 'pgmajfault'), c(sim, 'swap_ra_hit')]).toEqual([4, 2, 1]);
    expect(nodeOf(sim, ANON + 2)).toBe(0);
    assertSound(sim);
  });

  it('vm.page_cluster 0 turns readahead off: one page per swap fault', () => {
    const sim = swappedOut(8, 'page_cluster: 0');
    touch(sim, 0, [ANON]);
    touch(sim, 0, [ANON + 1]);
    touch(sim, 0, [ANON + 2]);
    expect([c(sim, 'pgmajfault'), c(sim, 'pswpin'), c(sim, 'swap_ra')]).toEqual([3, 3, 0]);
    assertSound(sim);
  });

  it('a store to a page mapped by a read fault dirties it: reclaim writes it again to its slot', () => {
    const sim = swappedOut(4);
    touch(sim, 0, [ANON]);
    expect(swapUsedPages(sim.s)).toBe(4);
    sim.s.frameDirty[sim.s.pte[ANON] - 1] = 1; // the access loop's store to a mapped page
    refreshSwapView(sim.s);
    reclaimPages(sim.s, sim.ctx, ANON, ANON + 1, 0);
    expect(c(sim, 'pswpout')).toBe(5);
    expect(swapUsedPages(sim.s)).toBe(4);
    assertSound(sim);
  });
});
