/**
 * The user-page allocator and direct reclaim, hand-computed on the two-node scenario machine
 * (node 0 DRAM with CPU 0, node 1 PMEM; 64 frames each; min 4 / low 8 / high 12; zonelist of
 * node 0 = [0, 1]).
 *
 * Method: fault pages in through the real access-phase and place-phase code (handleMiss, then
 * placeFaults) and check where each page landed and what the kernel counts on the way.
 */
import { describe, expect, it } from 'vitest';
import { assertSound, counter, free, nodeOf, range, scenario, touch, woken } from './scenario.js';

const ANON = 64;

describe('fast path: first zonelist node above LOW, spilling without waking kswapd', () => {
  it('fills node 0 down to LOW, then spills to node 1 silently', () => {
    const sim = scenario();
    touch(sim, 0, range(ANON, 60));
    // Node 0 passes LOW (free > 8) for 56 allocations; pages 57..60 go to node 1.
    expect(range(ANON, 56).every((p) => nodeOf(sim, p) === 0)).toBe(true);
    expect(range(ANON + 56, 4).every((p) => nodeOf(sim, p) === 1)).toBe(true);
    expect(counter(sim, 0, 'numa_hit')).toBe(56);
    expect(counter(sim, 0, 'numa_local')).toBe(56);
    expect(counter(sim, 1, 'numa_miss')).toBe(4);
    expect(counter(sim, 0, 'numa_foreign')).toBe(4);
    expect(counter(sim, 1, 'numa_other')).toBe(4);
    expect(counter(sim, 0, 'pgfault')).toBe(60);
    expect(counter(sim, 0, 'pgmajfault')).toBe(0);
    expect(woken(sim, 0)).toBe(false); // the fast path never wakes kswapd
    expect(woken(sim, 1)).toBe(false);
    assertSound(sim);
  });

  it('enters the slow path only when every node is at LOW: wakes both kswapds, allocates at MIN', () => {
    const sim = scenario();
    touch(sim, 0, range(ANON, 64));
    touch(sim, 0, range(0, 48)); // 112 pages: both nodes exactly at LOW (free 8)
    expect(free(sim, 0)).toBe(8);
    expect(free(sim, 1)).toBe(8);
    expect(woken(sim, 0)).toBe(false);
    touch(sim, 0, [48]); // the 113th page
    expect(woken(sim, 0)).toBe(true);
    expect(woken(sim, 1)).toBe(true);
    expect(nodeOf(sim, 48)).toBe(0); // first node above MIN in zonelist order
    expect(free(sim, 0)).toBe(7);
    expect(counter(sim, 0, 'allocstall_normal')).toBe(0);
    assertSound(sim);
  });
});

describe('direct reclaim', () => {
  it('runs when every node is at MIN, reclaims along the zonelist and demotes synchronously', () => {
    const sim = scenario({ version: '5.15' });
    // 120 pages bring both nodes to MIN: file 0..55 fill node 0 to LOW, file 56..59 and anon
    // 64..115 fill node 1 to LOW, then (slow path, MIN) anon 116..119 on node 0, 120..123 on node 1.
    touch(sim, 0, range(0, 60));
    touch(sim, 0, range(ANON, 60));
    expect(free(sim, 0)).toBe(4);
    expect(free(sim, 1)).toBe(4);
    expect(range(ANON + 52, 4).every((p) => nodeOf(sim, p) === 0)).toBe(true);
    // Nothing has been used since it was faulted.
    sim.s.frameYoung.fill(0);
    touch(sim, 0, [60]);
    // Direct reclaim from CPU 0 along [0, 1], 32 pages wanted, each priority shrinking node 0
    // then node 1. Node 0 (56 inactive file, cache_trim_mode) scans 1, 3, 6 pages at p = 5, 4, 3:
    // each demotion fails (node 1 at MIN; one pgmigrate_fail per batch) and the clean page is
    // dropped. Node 1 cannot reclaim anon (no swap, no target) and its 4 file pages scan only
    // from p = 2: one dropped, so node 1 is at 5 > MIN. p = 2, node 0: 46 >> 2 = 11 dropped
    // (demotions fail, node 1 still at MIN then). p = 1, node 0: 35 >> 1 = 17 scanned: the
    // first page is demoted into the one free frame above node 1's MIN, the second fails and
    // the rest of the batch is dropped. Total 1 + 3 + 6 + 11 + 1 + 17 ≥ 32: stop after node 1.
    expect(counter(sim, 0, 'allocstall_normal')).toBe(1);
    expect(counter(sim, 0, 'pgdemote_direct')).toBe(1);
    expect(counter(sim, 0, 'pgmigrate_fail')).toBe(5);
    expect(counter(sim, 0, 'pgscan_direct')).toBe(1 + 3 + 6 + 11 + 17);
    expect(counter(sim, 0, 'pgsteal_direct')).toBe(1 + 3 + 6 + 11 + 17);
    expect(nodeOf(sim, 60)).toBe(0);
    expect(counter(sim, 0, 'pgdemote_kswapd')).toBe(0);
    // Node 1 scans 1 page at p = 2 and 2 at p = 1 (its 3 cold file pages + the one just demoted
    // in: 4 >> 1 = 2, both from the cold tail), dropping all three.
    expect(counter(sim, 1, 'pgscan_direct')).toBe(3);
    expect(counter(sim, 1, 'pgsteal_direct')).toBe(3);
    // The faulting CPU paid 61 disk reads (80 us + 4 KiB at 3 GB/s = 81 365 ns), 60 minor faults
    // (1 us) and the direct reclaim: 41 pages scanned at 200 ns plus one migration (2 us + 4 KiB
    // at PMEM's 13 GB/s = 315 ns).
    expect(counter(sim, 0, 'tiersim_fault_ns')).toBe(61 * 81_365 + 60 * 1_000 + 41 * 200 + 2_000 + 315);
    assertSound(sim);
  });
});
