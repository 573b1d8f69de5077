/**
 * Watermark boosting (pageblock.ts, kswapd's boosted reclaim in vmscan.ts), hand-computed.
 * Method: scenario machines with fixed watermarks large enough for the kernel to boost (a zone
 * of at least four 2 MiB pageblocks = 2048 pages); faults go through the real fault and place
 * code, kswapd through the real reclaim phase.
 */
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/load.js';
import { createSimulation } from '../../src/engine/simulation.js';
import { boostWatermark, rmqueueMovable, rmqueueUnmovable } from '../../src/kernel/pageblock.js';
import { giveFrame, takeFrame, takeUnmovableFrame } from '../../src/memory/frames.js';
import {
  NODE_WORDS,
  W_KSWAPD_WOKEN,
  W_PAGETABLES,
  W_PCP_STOLEN,
  W_UNMOVABLE_FREE,
  W_UNMOV_CLAIMED,
  W_WMARK_BOOST,
} from '../../src/memory/layout.js';
import { pcpRefill, zoneBatchsize } from '../../src/topology/build.js';

/** SWAP_CLUSTER_MAX: reclaim without the boost would stop within a batch of HIGH. */
const SWAP_CLUSTER = 32;
import type { Simulation } from '../../src/engine/simulation.js';
import {
  assertSound,
  counter,
  free,
  nodeOf,
  place,
  range,
  reclaimEpoch,
  scenario,
  touch,
  woken,
} from './scenario.js';

const boost = (sim: Simulation, nid: number) => sim.s.nodeWords[nid * NODE_WORDS + W_WMARK_BOOST];
const setBoost = (sim: Simulation, nid: number, pages: number) => {
  sim.s.nodeWords[nid * NODE_WORDS + W_WMARK_BOOST] = pages;
};

/** Node 0: 2048 frames, min 100 / low 200 / high 300; node 1 PMEM likewise. */
function boostMachine(extra0 = '', kernel?: string, files = '256KiB') {
  return scenario({
    version: '6.1',
    ...(kernel === undefined ? {} : { kernel }),
    fileSize: files,
    anonSize: '8MiB',
    nodes: `    - { id: 0, cpus: 1, memory: 8MiB, device: dram, watermarks: { min: 100, low: 200, high: 300 }${extra0} }
    - { id: 1, cpus: 0, memory: 8MiB, device: pmem, watermarks: { min: 100, low: 200, high: 300 } }`,
  });
}

function touchAll(sim: Simulation, pages: readonly number[]): void {
  for (let i = 0; i < pages.length; i += 200) touch(sim, 0, pages.slice(i, i + 200));
}

describe('boost_watermark()', () => {
  it('adds a pageblock, capped at watermark_boost_factor / 10000 × HIGH but never below a pageblock', () => {
    // factor 30000: max_boost = max(512, 300 * 30000 / 10000 = 900) = 900.
    const sim = boostMachine('', 'watermark_boost_factor: 30000');
    expect(boostWatermark(sim.s, 0)).toBe(true);
    expect(boost(sim, 0)).toBe(512);
    expect(boostWatermark(sim.s, 0)).toBe(true);
    expect(boost(sim, 0)).toBe(900);
    boostWatermark(sim.s, 0);
    expect(boost(sim, 0)).toBe(900);
    // Default 15000: max(512, 450) = 512, so one steal reaches the cap.
    const dflt = boostMachine();
    boostWatermark(dflt.s, 0);
    boostWatermark(dflt.s, 0);
    expect(boost(dflt, 0)).toBe(512);
  });

  it('does nothing with factor 0 or in a zone of fewer than four pageblocks', () => {
    const off = boostMachine('', 'watermark_boost_factor: 0');
    expect(boostWatermark(off.s, 0)).toBe(false);
    expect(boost(off, 0)).toBe(0);
    const small = scenario(); // 64-page nodes: 4 * 512 > 64
    expect(boostWatermark(small.s, 0)).toBe(false);
  });
});

describe('a fallback steal', () => {
  it('boosts by the formula and wakes kswapd from the fast path; the boosted LOW then spills', () => {
    // 400 free pages sit in one unmovable pageblock. Anon (movable) pages 1..1648 take movable
    // pages (free 2048 -> 400); the 1649th finds only unmovable ones: a steal from a block at
    // least half free (400 of 512) boosts by 512, claims the block whole (its 400 pages are
    // movable now) and wakes kswapd although no node is below LOW. LOW + boost = 712 > 399:
    // the next page spills.
    const sim = boostMachine(', unmovable_free_pages: 400');
    const anon = sim.s.plan.filePages;
    touchAll(sim, range(anon, 1648));
    expect(free(sim, 0)).toBe(400);
    expect(boost(sim, 0)).toBe(0);
    expect(woken(sim, 0)).toBe(false);
    touch(sim, 0, [anon + 1648]);
    expect(nodeOf(sim, anon + 1648)).toBe(0);
    expect(boost(sim, 0)).toBe(512);
    expect(sim.s.nodeWords[W_UNMOVABLE_FREE]).toBe(0);
    expect(free(sim, 0)).toBe(399);
    expect(woken(sim, 0)).toBe(true);
    expect(woken(sim, 1)).toBe(false);
    touch(sim, 0, [anon + 1649]);
    expect(nodeOf(sim, anon + 1649)).toBe(1);
    expect(counter(sim, 0, 'allocstall_normal')).toBe(0);
    assertSound(sim);
  });

  it('never happens without free pages in non-movable pageblocks', () => {
    const sim = boostMachine(); // default 0
    expect(sim.s.nodeWords[W_UNMOVABLE_FREE]).toBe(0);
    touchAll(sim, range(sim.s.plan.filePages, 1900));
    expect(boost(sim, 0)).toBe(0);
    expect(woken(sim, 0)).toBe(false);
  });

  it('auto: 1023 pages in a free pageblock and one with 511, taken over in that order', () => {
    // Node 0 (2048 frames, a boot node) keeps 2^10 - 1 = 1023 such pages, the rest of a
    // MAX_PAGE_ORDER block after one page: a wholly free pageblock (512) and one with 511 free.
    // Pages 1..1025 take movable ones (free 2048 -> 1023). The 1026th finds the free pageblock
    // first (the largest chunk) and takes it over without a boost; pages 1026..1537 use it. The
    // 1538th claims the 511-page block: one boost of 512 and kswapd woken.
    const sim = boostMachine(', unmovable_free_pages: auto');
    expect(sim.s.nodeWords[W_UNMOVABLE_FREE]).toBe(1023);
    expect(sim.s.nodeWords[NODE_WORDS + W_UNMOVABLE_FREE]).toBe(0); // PMEM (no auto there)
    expect(sim.s.machine.unmovableBlockPages).toEqual([512, 0]);
    const anon = sim.s.plan.filePages;
    touchAll(sim, range(anon, 1025));
    expect(boost(sim, 0)).toBe(0);
    touch(sim, 0, [anon + 1025]);
    expect(sim.s.nodeWords[W_UNMOVABLE_FREE]).toBe(511);
    expect(free(sim, 0)).toBe(1022);
    expect(boost(sim, 0)).toBe(0);
    expect(woken(sim, 0)).toBe(false);
    touchAll(sim, range(anon + 1026, 511));
    expect(free(sim, 0)).toBe(511);
    expect(boost(sim, 0)).toBe(0);
    touch(sim, 0, [anon + 1537]);
    expect(nodeOf(sim, anon + 1537)).toBe(0);
    expect(sim.s.nodeWords[W_UNMOVABLE_FREE]).toBe(0);
    expect(boost(sim, 0)).toBe(512);
    expect(woken(sim, 0)).toBe(true);
    assertSound(sim);
  });

  it('a fuller pageblock gives single pages, as many as one per-CPU refill, each boosting', () => {
    // unmovable_pageblocks 2: 200 free pages in each of two blocks (fewer than half free). The
    // 1649th page takes single pages: the refill of a CPU that only allocates, 6.1:
    // max(high - batch, batch) with high = max(LOW 200 / 1 CPU, 4 batches) = 200 and batch 1
    // (zone_batchsize of 2048 pages) = 199 pages; one for the fault, 198 on the per-CPU list,
    // out of the free count; 199 boosts, capped at 512.
    const sim = boostMachine(', unmovable_free_pages: 400, unmovable_pageblocks: 2');
    expect(sim.s.machine.boostZone[0].refill).toBe(199);
    const anon = sim.s.plan.filePages;
    touchAll(sim, range(anon, 1649));
    expect(sim.s.nodeWords[W_UNMOVABLE_FREE]).toBe(201);
    expect(sim.s.nodeWords[W_PCP_STOLEN]).toBe(198);
    expect(free(sim, 0)).toBe(201);
    expect(boost(sim, 0)).toBe(512);
    expect(woken(sim, 0)).toBe(true);
    assertSound(sim);
  });

  it('takes a top frame; a pool frame goes back to the pool when freed, a claimed one to movable', () => {
    const sim = boostMachine(', unmovable_free_pages: 400');
    const anon = sim.s.plan.filePages;
    touchAll(sim, range(anon, 1649));
    // The 1649th page claimed the top 400 frames' block and took frame 2048 - 400 = 1648, the
    // first of them; the block is movable now, so a frame freed there stays movable.
    expect(sim.s.layout.unmovableStart[0]).toBe(1648);
    expect(sim.s.pte[anon + 1648] - 1).toBe(1648);
    expect(sim.s.nodeWords[W_UNMOVABLE_FREE]).toBe(0);
    const claimed = boostMachine(', unmovable_free_pages: 400');
    touchAll(claimed, range(anon, 1649));
    const next = takeFrame(claimed.s, 0);
    expect(next).toBe(1649);
    giveFrame(claimed.s, 0, next);
    expect(claimed.s.nodeWords[W_UNMOVABLE_FREE]).toBe(0);
    expect(takeFrame(claimed.s, 0)).toBe(1649);
    // A frame freed there goes back to its pageblock's free list, and only a steal (or an
    // otherwise empty node) takes it: a fresh node shows it without LRU bookkeeping.
    const fresh = boostMachine(', unmovable_free_pages: 400');
    const f = takeUnmovableFrame(fresh.s, 0);
    expect(f).toBe(1648);
    expect(fresh.s.nodeWords[W_UNMOVABLE_FREE]).toBe(399);
    giveFrame(fresh.s, 0, f);
    expect(fresh.s.nodeWords[W_UNMOVABLE_FREE]).toBe(400);
    expect(free(fresh, 0)).toBe(2048);
    assertSound(fresh);
    expect(takeFrame(fresh.s, 0)).toBe(0);
    expect(fresh.s.nodeWords[W_UNMOVABLE_FREE]).toBe(400);
  });

  it('for a migration target boosts but does not wake kswapd (no __GFP_KSWAPD_RECLAIM)', () => {
    const sim = boostMachine(', unmovable_free_pages: 400');
    touchAll(sim, range(sim.s.plan.filePages, 1648));
    expect(free(sim, 0)).toBe(400);
    expect(rmqueueMovable(sim.s, 0, false)).toBe(1648);
    expect(boost(sim, 0)).toBe(512);
    expect(woken(sim, 0)).toBe(false);
  });
});

describe('a batch steal (rmqueue_bulk refilling the per-CPU list)', () => {
  it('zone_batchsize: 0.1 % of the zone or 1 MiB, /4, x1.5 rounded down to 2^n, minus 1', () => {
    expect(zoneBatchsize(192_400, 4096)).toBe(63); // the calibration guest's Normal zone
    expect(zoneBatchsize(16_384, 4096)).toBe(3); // 16 -> 4 -> 6 -> 4 - 1
    expect(zoneBatchsize(4096, 4096)).toBe(1); // 4 -> 1 -> 1 -> 0, at least 1
    expect(zoneBatchsize(1 << 22, 4096)).toBe(63); // capped at 1 MiB = 256 pages
  });

  it('nr_pcp_alloc for a CPU that only allocates: the list may fill to high, 6.7+ grows high', () => {
    // The calibration guest's Normal zone: batch 63, LOW 740, 192,400 managed, one CPU.
    // 6.1: high = max(740 / 1, 4 * 63) = 740, the refill max(740 - 63, 63) = 677.
    expect(pcpRefill('6.1', 63, 740, 192_400, 1)).toBe(677);
    // Two CPUs on the node share LOW: high = max(370, 252) = 370, 307 pages.
    expect(pcpRefill('6.6', 63, 740, 192_400, 2)).toBe(307);
    // 6.12: high grows to high_max = 192,400 / 8 = 24,050; the batch doubles at most 5 times:
    // min(63 << 5, 24,050 - 63) = 2016.
    expect(pcpRefill('6.12', 63, 740, 192_400, 1)).toBe(2016);
    // Small zones: batch 1, LOW 200, 2048 pages: 6.1 max(200 - 1, 1) = 199; 6.12
    // min(1 << 5, max(2048 / 8, 4) - 1) = 32.
    expect(pcpRefill('6.1', 1, 200, 2048, 1)).toBe(199);
    expect(pcpRefill('6.12', 1, 200, 2048, 1)).toBe(32);
  });

  it('takes a refill: one for the fault, the rest held out of the free count until used', () => {
    // 64 MiB node 0 (16384 frames, batch 3), 400 free pages in two non-movable pageblocks (200
    // each: single pages). Pages 1..15984 take movable ones (free 16384 -> 400); page 15985
    // steals a refill, 6.1: max(high 200 - 3, 3) = 197 (free 203, 196 on the per-CPU list),
    // boosts 197 times up to max(512, 300 * 1.5) = 512 and wakes kswapd. LOW + boost = 712
    // sends page 15986 to node 1; once the boost is gone, page 15987 passes LOW (203 > 200)
    // and takes a page from the list: no steal, no boost, the free count unchanged.
    const sim = scenario({
      version: '6.1',
      fileSize: '256KiB',
      anonSize: '64MiB',
      nodes: `    - { id: 0, cpus: 1, memory: 64MiB, device: dram, watermarks: { min: 100, low: 200, high: 300 }, unmovable_free_pages: 400, unmovable_pageblocks: 2 }
    - { id: 1, cpus: 0, memory: 64MiB, device: pmem, watermarks: { min: 100, low: 200, high: 300 } }`,
    });
    expect(sim.s.machine.boostZone[0].batch).toBe(3);
    expect(sim.s.machine.boostZone[0].refill).toBe(197);
    const anon = sim.s.plan.filePages;
    touchAll(sim, range(anon, 15_984));
    expect(free(sim, 0)).toBe(400);
    expect(boost(sim, 0)).toBe(0);
    touch(sim, 0, [anon + 15_984]);
    expect(nodeOf(sim, anon + 15_984)).toBe(0);
    expect(free(sim, 0)).toBe(203);
    expect(sim.s.nodeWords[W_UNMOVABLE_FREE]).toBe(203);
    expect(sim.s.nodeWords[W_PCP_STOLEN]).toBe(196);
    expect(boost(sim, 0)).toBe(512);
    expect(woken(sim, 0)).toBe(true);
    assertSound(sim);
    touch(sim, 0, [anon + 15_985]);
    expect(nodeOf(sim, anon + 15_985)).toBe(1);
    expect(sim.s.nodeWords[W_PCP_STOLEN]).toBe(196);
    setBoost(sim, 0, 0);
    touch(sim, 0, [anon + 15_986]);
    expect(nodeOf(sim, anon + 15_986)).toBe(0);
    expect(sim.s.nodeWords[W_PCP_STOLEN]).toBe(195);
    expect(free(sim, 0)).toBe(203);
    expect(sim.s.nodeWords[W_UNMOVABLE_FREE]).toBe(203);
    expect(boost(sim, 0)).toBe(0);
    assertSound(sim);
  });
});

/**
 * A two-zone toy node from the zone formulas (kernel 6.12, min_free_kbytes 4096 = 1024 pages,
 * watermark_scale_factor 10): node 0 is 24 MiB with the first 8 MiB below 4 GiB, so DMA 2048
 * pages and Normal 4096 (no memmap, nothing reserved); node 1 8 MiB PMEM (ZONE_MOVABLE, left out
 * of lowmem in 6.12). lowmem 6144 pages:
 *   DMA:    min 1024*2048/6144 = 341, delta max(341>>2, 2) = 85: low 426, high 511;
 *           lowmem_reserve[Movable] = 4096/256 = 16.
 *   Normal: min 1024*4096/6144 = 682, delta max(170, 4) = 170: low 852, high 1022.
 * Node LOW = 426 + 16 + 852 = 1294. The steal zone is Normal (HIGH 1022: max_boost =
 * max(512, 1022 * 15000 / 10000 = 1533) = 1533); DMA keeps 426 + 16 = 442 from a movable page.
 */
function twoZoneNode(): Simulation {
  const yaml = `
topology:
  memory_below_4g: 8MiB
  struct_page_size: 0
  nodes:
    - { id: 0, cpus: 1, memory: 24MiB, device: dram, unmovable_free_pages: auto }
    - { id: 1, cpus: 0, memory: 8MiB, device: pmem, unmovable_free_pages: auto }
kernel: { version: '6.12', min_free_kbytes: 4096, watermark_scale_factor: 10, demotion_enabled: true }
run: { duration: 1ms, epoch: 1ms }
workload:
  tasks:
    - name: t
      cpus: [0]
      regions:
        - { kind: anon, size: 24MiB }
`;
  return createSimulation(parseConfigText(yaml, '/virtual/two-zone.yaml').config);
}

describe('a fallback steal in a two-zone node (DMA + Normal)', () => {
  it('the zones and marks are the hand-computed ones', () => {
    const sim = twoZoneNode();
    const zones = sim.s.machine.nodes[0].zones;
    expect(zones.map((z) => [z.name, z.managedPages, z.watermarks.low, z.watermarks.high])).toEqual([
      ['DMA', 2048, 426, 511],
      ['Normal', 4096, 852, 1022],
    ]);
    expect(sim.s.machine.watermarks[0].low).toBe(1294);
    // refill, 6.12: min(batch << 5, max(high_max - batch, batch)), high_max = max(4096 / 8, 4).
    expect(sim.s.machine.boostZone[0]).toEqual({
      high: 1022,
      managed: 4096,
      lowerReserve: 442,
      batch: 1,
      refill: 32,
    });
    expect(sim.s.machine.unmovableFree).toEqual([1023, 0]);
  });

  it('waits for DMA to be down to its mark, steals in Normal, boosts, wakes kswapd above LOW', () => {
    // Movable pages first: 6144 - 1023 - 442 = 4679 of them. Their page tables (PUD, PMD and
    // the PTE pages of 2 MiB chunks 0..9: 12 unmovable pages) come out of the 1023 pages of
    // non-movable pageblocks (1011 left), not out of the movable ones: free 6144 -> 1453.
    // The tables came out of the pool's first pageblock (500 free left); the second has 511
    // free. Page 4680 steals (free 1453 > LOW 1294) from the second, the largest chunk: a block
    // at least half free, claimed whole (500 left in the pool) after boosting Normal by 512 and
    // waking kswapd; LOW + boost = 1806 then sends page 4681 to node 1 without waking anyone.
    const sim = twoZoneNode();
    touchAll(sim, range(0, 4679));
    expect(sim.s.nodeWords[W_PAGETABLES]).toBe(12);
    expect(free(sim, 0)).toBe(1453);
    expect(sim.s.nodeWords[W_UNMOVABLE_FREE]).toBe(1011);
    expect(boost(sim, 0)).toBe(0);
    expect(woken(sim, 0)).toBe(false);
    touch(sim, 0, [4679]);
    expect(nodeOf(sim, 4679)).toBe(0);
    expect(sim.s.nodeWords[W_UNMOVABLE_FREE]).toBe(500);
    expect(boost(sim, 0)).toBe(512);
    expect(woken(sim, 0)).toBe(true);
    expect(free(sim, 0)).toBeGreaterThan(1294);
    touch(sim, 0, [4680]);
    expect(nodeOf(sim, 4680)).toBe(1);
    expect(woken(sim, 1)).toBe(false);
    expect(counter(sim, 0, 'allocstall_normal')).toBe(0);
    assertSound(sim);
  });

  it("a page table claims only Normal's own free pages as a block, never the ones DMA keeps", () => {
    // Empty the pool (1023 pages) and leave DMA's 442 plus `top` movable pages free.
    const drained = (top: number) => {
      const sim = twoZoneNode();
      for (let i = 0; i < 1023; i++) takeUnmovableFrame(sim.s, 0);
      while (free(sim, 0) > 442 + top) takeFrame(sim.s, 0);
      return sim;
    };
    // 600 of Normal's own: a whole pageblock (512) free, claimed without a boost; the table
    // takes one of it. (Counting DMA's pages, 1042 would have looked like a free 1024 block.)
    const block = drained(600);
    expect(rmqueueUnmovable(block.s, 0)).toBeGreaterThanOrEqual(0);
    expect(block.s.nodeWords[W_UNMOVABLE_FREE]).toBe(511);
    expect(boost(block, 0)).toBe(0);
    // 300: less than a pageblock, at least half of one: boost, wake kswapd, claim the 300.
    const half = drained(300);
    rmqueueUnmovable(half.s, 0);
    expect(half.s.nodeWords[W_UNMOVABLE_FREE]).toBe(299);
    expect(boost(half, 0)).toBe(512);
    expect(woken(half, 0)).toBe(true);
    // The 512 claimed in `block` (511 left, one went to the table) stay on the movable list:
    // once the other movable pages are down to DMA's 442, a movable steal finds them as one
    // block at least half free and gives it back whole, with a boost.
    while (free(block, 0) - block.s.nodeWords[W_UNMOVABLE_FREE] > 442) takeFrame(block.s, 0);
    expect(rmqueueMovable(block.s, 0, true)).toBeGreaterThanOrEqual(0);
    expect(block.s.nodeWords[W_UNMOVABLE_FREE]).toBe(0);
    expect(block.s.nodeWords[W_UNMOV_CLAIMED]).toBe(0);
    expect(boost(block, 0)).toBe(512);
    expect(woken(block, 0)).toBe(true);
  });

  it("clamps the boost at Normal's max_boost, 1533", () => {
    const sim = twoZoneNode();
    for (const expected of [512, 1024, 1533, 1533]) {
      expect(boostWatermark(sim.s, 0)).toBe(true);
      expect(boost(sim, 0)).toBe(expected);
    }
  });

  it('kswapd woken by the boost demotes from the imbalanced node (boost ignored, may_swap)', () => {
    const sim = twoZoneNode();
    touchAll(sim, range(0, 4680));
    expect(woken(sim, 0)).toBe(true);
    // free 1452 <= HIGH 1549 + boost 512: balance_pgdat restarts as ordinary reclaim, which
    // ages and demotes anon pages to node 1 (the boosted run would scan file pages only).
    for (let i = 0; i < 20 && counter(sim, 0, 'pgdemote_kswapd') === 0; i++) reclaimEpoch(sim);
    expect(counter(sim, 0, 'pgdemote_kswapd')).toBeGreaterThan(0);
    assertSound(sim);
  });
});

describe("kswapd's boosted reclaim (balance_pgdat with nr_boost_reclaim)", () => {
  it('balanced with the boost: reclaims file pages only, at least the boost, then clears it', () => {
    // Node 0 (8192 frames): 7000 clean file pages and 100 anon pages, all cold, swap available:
    // free 1092 > HIGH + boost = 400, so balance_pgdat works off nr_boost_reclaim = 100 with
    // may_swap = may_writepage = 0: file pages only (7000 >> 12 = 1 at priority 12, then 3, then
    // 6 a round, as the priority stops rising at DEF_PRIORITY - 2), until 100 are reclaimed.
    const sim = scenario({
      version: '6.1',
      swap: '8MiB',
      fileSize: '28000KiB',
      anonSize: '1MiB',
      nodes: `    - { id: 0, cpus: 1, memory: 32MiB, device: dram, watermarks: { min: 100, low: 200, high: 300 } }
    - { id: 1, cpus: 0, memory: 8MiB, device: pmem, watermarks: { min: 100, low: 200, high: 300 } }`,
      demotion: false,
    });
    const anon = sim.s.plan.filePages;
    place(sim, range(0, 7000), 0);
    place(sim, range(anon, 100), 0);
    expect(free(sim, 0)).toBe(1092);
    setBoost(sim, 0, 100);
    sim.s.nodeWords[0 * NODE_WORDS + W_KSWAPD_WOKEN] = 1; // as the steal's wake-up sets it
    reclaimEpoch(sim);
    const stolen = counter(sim, 0, 'pgsteal_file');
    expect(stolen).toBeGreaterThanOrEqual(100);
    expect(stolen).toBeLessThan(100 + 7);
    expect(counter(sim, 0, 'pgsteal_anon')).toBe(0);
    expect(counter(sim, 0, 'pswpout')).toBe(0);
    expect(counter(sim, 0, 'pgscan_anon')).toBe(0);
    expect(boost(sim, 0)).toBe(0);
    expect(woken(sim, 0)).toBe(false);
    assertSound(sim);
  });

  it('anon pages only: boosted reclaim swaps nothing, makes no progress, stops and clears the boost', () => {
    // 20000 cold anon pages, swap free: 20000 >> 12 = 4 would be scanned and swapped by ordinary
    // reclaim; may_swap = 0 scans file only (SCAN_FILE), there is none, so the run breaks.
    const sim = scenario({
      version: '6.1',
      swap: '96MiB',
      anonSize: '80000KiB',
      nodes: `    - { id: 0, cpus: 1, memory: 96MiB, device: dram, watermarks: { min: 100, low: 200, high: 300 } }
    - { id: 1, cpus: 0, memory: 8MiB, device: pmem, watermarks: { min: 100, low: 200, high: 300 } }`,
      demotion: false,
    });
    place(sim, range(sim.s.plan.filePages, 20000), 0);
    setBoost(sim, 0, 100);
    sim.s.nodeWords[0 * NODE_WORDS + W_KSWAPD_WOKEN] = 1;
    reclaimEpoch(sim);
    expect(counter(sim, 0, 'pswpout')).toBe(0);
    expect(counter(sim, 0, 'pgscan_anon')).toBe(0);
    expect(boost(sim, 0)).toBe(0);
    expect(woken(sim, 0)).toBe(false);
    assertSound(sim);
  });

  it('dirty file pages are not written back by boosted reclaim', () => {
    const sim = scenario({
      version: '6.1',
      fileSize: '28000KiB',
      nodes: `    - { id: 0, cpus: 1, memory: 32MiB, device: dram, watermarks: { min: 100, low: 200, high: 300 } }
    - { id: 1, cpus: 0, memory: 8MiB, device: pmem, watermarks: { min: 100, low: 200, high: 300 } }`,
      demotion: false,
    });
    place(sim, range(0, 7000), 0, { dirty: true });
    setBoost(sim, 0, 100);
    sim.s.nodeWords[0 * NODE_WORDS + W_KSWAPD_WOKEN] = 1;
    reclaimEpoch(sim);
    expect(counter(sim, 0, 'nr_vmscan_write')).toBe(0);
    expect(counter(sim, 0, 'pgsteal_file')).toBe(0);
    // No progress on a boost stops the run, and the boost is cleared all the same.
    expect(boost(sim, 0)).toBe(0);
    assertSound(sim);
  });

  it('imbalanced even with the boost: ignores boosting, swaps as usual, to HIGH + boost, and clears it', () => {
    // Only anon pages (1800, cold) and swap: free 248 <= HIGH + boost = 812. Ordinary reclaim
    // (may_swap) aims at HIGH + boost, so it frees more than the 53 pages HIGH alone asks for;
    // its priorities run out before 812 (1800 >> p summed), and the run's end clears the boost.
    const sim = scenario({
      version: '6.1',
      swap: '8MiB',
      anonSize: '8MiB',
      nodes: `    - { id: 0, cpus: 1, memory: 8MiB, device: dram, watermarks: { min: 100, low: 200, high: 300 } }
    - { id: 1, cpus: 0, memory: 8MiB, device: pmem, watermarks: { min: 100, low: 200, high: 300 } }`,
      demotion: false,
    });
    const anon = sim.s.plan.filePages;
    place(sim, range(anon, 1800), 0);
    setBoost(sim, 0, 512);
    sim.s.nodeWords[0 * NODE_WORDS + W_KSWAPD_WOKEN] = 1;
    reclaimEpoch(sim);
    expect(counter(sim, 0, 'pswpout')).toBeGreaterThan(300 - 248 + SWAP_CLUSTER);
    expect(free(sim, 0)).toBe(248 + counter(sim, 0, 'pswpout'));
    expect(boost(sim, 0)).toBe(0);
    expect(woken(sim, 0)).toBe(false);
    assertSound(sim);
  });
});
