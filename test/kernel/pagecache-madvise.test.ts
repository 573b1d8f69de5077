/**
 * Page-cache aging through read() (mark_page_accessed, folded in by reclaim), MADV_PAGEOUT
 * (never demotes), and the 6.1 demotion fallback across lower tiers — hand-computed on the
 * scenario machine (64 frames per node, min 4 / low 8 / high 12).
 */
import { describe, expect, it } from 'vitest';
import { PG_ACTIVE, PG_REFERENCED } from '../../src/memory/flags.js';
import { W_NONRESIDENT_AGE } from '../../src/memory/layout.js';
import { wakeupKswapd } from '../../src/kernel/kswapd.js';
import { reclaimPages } from '../../src/kernel/vmscan.js';
import { refreshSwapView } from '../../src/kernel/swap.js';
import {
  assertSound,
  counter,
  free,
  nodeOf,
  place,
  range,
  readPresent,
  reclaimEpoch,
  scenario,
  total,
  touch,
} from './scenario.js';

const ANON = 64;
const READ = 2;

describe('page cache read with read()', () => {
  it('is not a page fault; a re-read activates at once, so reclaim scans only the use-once pages', () => {
    const sim = scenario({ demotion: false });
    touch(sim, 0, range(0, 56), READ);
    expect(counter(sim, 0, 'tiersim_read_miss')).toBe(56);
    expect(counter(sim, 0, 'pgfault')).toBe(0);
    expect(counter(sim, 0, 'pgmajfault')).toBe(0);
    expect(counter(sim, 0, 'pgpgin')).toBe(56 * 4);
    // The read that brought each page in was its first mark_page_accessed: PG_referenced.
    expect(range(0, 56).every((p) => (sim.s.frameFlags[sim.s.pte[p] - 1] & PG_REFERENCED) !== 0)).toBe(true);
    // Pages 0..3 read again: the second call activates them there and then (and ages the clock).
    const age = sim.s.nodeWords[W_NONRESIDENT_AGE];
    readPresent(sim, 0, range(0, 4));
    expect(counter(sim, 0, 'pgactivate')).toBe(4);
    expect(sim.s.nodeWords[W_NONRESIDENT_AGE]).toBe(age + 4);
    expect(
      range(0, 4).every(
        (p) => (sim.s.frameFlags[sim.s.pte[p] - 1] & (PG_ACTIVE | PG_REFERENCED)) === PG_ACTIVE,
      ),
    ).toBe(true);
    // A third read sets PG_referenced on the active page; a fourth changes nothing.
    readPresent(sim, 0, [0]);
    readPresent(sim, 0, [0]);
    expect(sim.s.frameFlags[sim.s.pte[0] - 1] & (PG_ACTIVE | PG_REFERENCED)).toBe(PG_ACTIVE | PG_REFERENCED);
    expect(counter(sim, 0, 'pgactivate')).toBe(4);
    wakeupKswapd(sim.s, 0);
    reclaimEpoch(sim);
    // Inactive file: 52 pages (4..55, page 4 at the tail), each referenced, none young: "reclaim
    // if clean". p = 5: 52 >> 5 = 1 dropped (free 9); p = 4: 51 >> 4 = 3 (free 12, not above
    // HIGH); p = 3: 48 >> 3 = 6 (free 18). The active pages are never scanned.
    expect(counter(sim, 0, 'pgscan_kswapd')).toBe(10);
    expect(counter(sim, 0, 'pgsteal_kswapd')).toBe(10);
    expect(counter(sim, 0, 'pgactivate')).toBe(4);
    expect(range(0, 4).map((p) => nodeOf(sim, p))).toEqual([0, 0, 0, 0]);
    expect(range(4, 10).map((p) => nodeOf(sim, p))).toEqual(Array(10).fill(-1));
    assertSound(sim);
  });

  it('two read()s of a page in one epoch activate it; write() marks nothing', () => {
    const sim = scenario({ demotion: false });
    touch(sim, 0, range(0, 8), READ | 1);
    expect(
      range(0, 8).every((p) => (sim.s.frameFlags[sim.s.pte[p] - 1] & (PG_ACTIVE | PG_REFERENCED)) === 0),
    ).toBe(true);
    // Pages 0..1 read twice by the CPU within one epoch: two calls, referenced then active.
    readPresent(sim, 0, [0, 1, 0, 1]);
    expect(counter(sim, 0, 'pgactivate')).toBe(2);
    expect(range(0, 2).every((p) => (sim.s.frameFlags[sim.s.pte[p] - 1] & PG_ACTIVE) !== 0)).toBe(true);
    // A read() miss followed by a second read() in the same epoch also activates.
    touch(sim, 0, [20, 20], READ);
    expect(sim.s.frameFlags[sim.s.pte[20] - 1] & PG_ACTIVE).toBe(PG_ACTIVE);
    expect(counter(sim, 0, 'pgactivate')).toBe(3);
    assertSound(sim);
  });

  it('mapped pages need a second reference: the first only sets PG_referenced', () => {
    const sim = scenario({ demotion: false });
    place(sim, range(0, 56), 0, { young: true });
    wakeupKswapd(sim.s, 0);
    reclaimEpoch(sim);
    // Every page is young: p = 5: 1 kept, p = 4: 3, p = 3: 7, p = 2: 14, p = 1: 28 kept (each
    // to the head with PG_referenced): a whole run reclaims nothing (one kswapd failure). The 3
    // pages never reached (53..55) are now at the tail, still young. Second run: p = 5: 53
    // kept; p = 4: 54, 55 kept, page 0 (referenced, no longer young) dropped as "reclaim if
    // clean"; p = 3: 55 >> 3 = 6: pages 1..6 dropped → free 15 > 12.
    expect(counter(sim, 0, 'pgactivate')).toBe(0);
    expect(counter(sim, 0, 'pageoutrun')).toBe(2);
    expect(counter(sim, 0, 'pgscan_kswapd')).toBe(1 + 3 + 7 + 14 + 28 + 1 + 3 + 6);
    expect(counter(sim, 0, 'pgsteal_kswapd')).toBe(7);
    expect(range(0, 7).map((p) => nodeOf(sim, p))).toEqual(Array(7).fill(-1));
    expect(free(sim, 0)).toBe(15);
    assertSound(sim);
  });
});

describe('MADV_PAGEOUT', () => {
  it('swaps anon out even with a demotion target (never demotes) and counts no pgsteal', () => {
    const sim = scenario({ swap: '1MiB' });
    place(sim, range(ANON, 20), 0, { young: true, referenced: true });
    refreshSwapView(sim.s);
    reclaimPages(sim.s, sim.ctx, ANON, ANON + 20, 0);
    expect(counter(sim, 0, 'pswpout')).toBe(20);
    expect(total(sim, 'pgdemote_kswapd') + total(sim, 'pgdemote_direct')).toBe(0);
    expect(total(sim, 'pgsteal_kswapd') + total(sim, 'pgsteal_direct')).toBe(0);
    expect(free(sim, 0)).toBe(64);
    assertSound(sim);
  });

  it('keeps anon without swap (activated), and drops clean file pages', () => {
    const sim = scenario();
    place(sim, range(ANON, 10), 0);
    place(sim, range(0, 10), 0);
    refreshSwapView(sim.s);
    reclaimPages(sim.s, sim.ctx, ANON, ANON + 10, 0);
    reclaimPages(sim.s, sim.ctx, 0, 10, 0);
    expect(counter(sim, 0, 'pgactivate')).toBe(10);
    expect(range(ANON, 10).every((p) => nodeOf(sim, p) === 0)).toBe(true);
    expect(range(0, 10).every((p) => nodeOf(sim, p) === -1)).toBe(true);
    expect(total(sim, 'pgdemote_kswapd')).toBe(0);
    assertSound(sim);
  });
});

describe('6.1 demotion falls back across the lower tiers', () => {
  const nodes = `    - { id: 0, cpus: 1, memory: 256KiB, device: dram, watermarks: { min: 4, low: 8, high: 12 } }
    - { id: 1, cpus: 0, memory: 256KiB, device: pmem, watermarks: { min: 4, low: 8, high: 12 } }
    - { id: 2, cpus: 0, memory: 256KiB, device: pmem, watermarks: { min: 4, low: 8, high: 12 } }`;
  const distances = `  distances: [[10, 17, 28], [17, 10, 28], [28, 28, 10]]`;

  it('6.1: preferred node 1 at MIN, the walk over its zonelist ∩ allowed {1, 2} lands on node 2', () => {
    const sim = scenario({ version: '6.1', nodes, distances });
    expect(sim.s.machine.demotion.preferred[0]).toEqual([1]);
    expect(sim.s.machine.demotion.allowed[0]).toEqual([1, 2]);
    place(sim, range(0, 60), 1); // node 1 at MIN
    place(sim, range(ANON, 56), 0);
    wakeupKswapd(sim.s, 0);
    const rounds = reclaimEpoch(sim);
    // As in the 5.15 test, 10 pages leave node 0 (batches of 1, 3, 6). Round 0: node 1 fails
    // LOW and MIN; round 1: the LOW walk tries node 1 again; round 2: node 2 passes LOW.
    expect(rounds).toBe(3);
    expect(counter(sim, 0, 'pgdemote_kswapd')).toBe(10);
    expect(counter(sim, 0, 'pgmigrate_fail')).toBe(0);
    expect(range(ANON, 10).every((p) => nodeOf(sim, p) === 2)).toBe(true);
    expect(counter(sim, 2, 'numa_miss')).toBe(10);
    expect(counter(sim, 1, 'numa_foreign')).toBe(10);
    assertSound(sim);
  });

  it('5.15 on the same machine has one target and no fallback: -ENOMEM, pages kept (anon, no swap)', () => {
    const sim = scenario({ version: '5.15', nodes, distances });
    expect(sim.s.machine.demotion.preferred[0]).toEqual([1]);
    place(sim, range(0, 60), 1);
    place(sim, range(ANON, 56), 0);
    wakeupKswapd(sim.s, 0);
    reclaimEpoch(sim);
    expect(counter(sim, 0, 'pgdemote_kswapd')).toBe(0);
    expect(counter(sim, 0, 'pgmigrate_fail')).toBe(3);
    // The fallback pass cannot swap (no swap space): the anon pages are activated and stay.
    expect(range(ANON, 10).every((p) => nodeOf(sim, p) === 0)).toBe(true);
    expect(counter(sim, 0, 'pgactivate')).toBe(10);
    assertSound(sim);
  });
});

describe('readahead of sequential read() misses', () => {
  it('reads windows of 4, 8, 16, 32 pages (read_ahead_kb 128), stopping at the end of the file', () => {
    const sim = scenario({ demotion: false, readAheadKb: 128 });
    const ns = touch(sim, 0, range(0, 64), READ);
    // Misses at pages 0 (not yet sequential: 1 page), 1 (window 4: 1..4), 5 (8: 5..12),
    // 13 (16: 13..28), 29 (32: 29..60), 61 (window 32, cut at the file's end: 61..63).
    expect(counter(sim, 0, 'tiersim_read_miss')).toBe(6);
    expect(counter(sim, 0, 'tiersim_readahead_pages')).toBe(64 - 6);
    expect(counter(sim, 0, 'tiersim_disk_read_ios')).toBe(6);
    expect(counter(sim, 0, 'tiersim_disk_read_sectors')).toBe(64 * 8);
    expect(counter(sim, 0, 'pgpgin')).toBe(64 * 4);
    expect(counter(sim, 0, 'pgfault')).toBe(0);
    // One request per window: latency 80 us + the window's transfer at 3 GB/s; the 58 pages read
    // ahead cost a local DRAM access (80 ns) when touched in the same epoch.
    const transfer = (pages: number) => (pages * 4096 * 1e9) / 3e9;
    const reads = [1, 4, 8, 16, 32, 3].reduce((sum, p) => sum + Math.round(80_000 + transfer(p)), 0);
    expect(ns).toBe(reads + 58 * 80);
    // Installed in file order: node 0 down to LOW (56 pages), the rest spill to node 1.
    expect(range(0, 56).every((p) => nodeOf(sim, p) === 0)).toBe(true);
    expect(range(56, 8).every((p) => nodeOf(sim, p) === 1)).toBe(true);
    assertSound(sim);
  });

  it('random read() misses read just their page', () => {
    const sim = scenario({ demotion: false, readAheadKb: 128 });
    touch(sim, 0, [10, 3, 40, 22, 7], READ);
    expect(counter(sim, 0, 'tiersim_read_miss')).toBe(5);
    expect(counter(sim, 0, 'tiersim_readahead_pages')).toBe(0);
  });
});
