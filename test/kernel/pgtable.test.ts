/**
 * Page-table pages (kernel/pgtable.ts), hand-computed. Method: scenario machines with page
 * tables on; faults go through the real access and place code.
 *
 * Machine: node 0 DRAM with CPU 0 and node 1 PMEM (dax/kmem: ZONE_MOVABLE only), 16 MiB = 4096
 * frames each, fixed watermarks min 4 / low 8 / high 12, no non-movable pageblocks at boot.
 * Pages: file f = ids 0..63 (mapped by task t), task t's anon region = ids 64.. (513 pages: two
 * PTE pages' worth plus one page).
 */
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/load.js';
import { runLoaded } from '../helpers/run.js';
import { freeRegionPgtables } from '../../src/kernel/pgtable.js';
import { boostWatermark, MAX_ORDER_PAGES, rmqueueUnmovable } from '../../src/kernel/pageblock.js';
import { reclaimPages } from '../../src/kernel/vmscan.js';
import {
  NODE_WORDS,
  W_KSWAPD_WOKEN,
  W_PAGETABLES,
  W_UNMOVABLE_FREE,
  W_UNMOV_CLAIMED,
  W_WMARK_BOOST,
} from '../../src/memory/layout.js';
import { PGTABLE_PAGE } from '../../src/memory/pgtable-layout.js';
import { ZONE_MOVABLE } from '../../src/topology/zones.js';
import type { Simulation } from '../../src/engine/simulation.js';
import { assertSound, counter, free, nodeOf, place, range, scenario, touch, woken } from './scenario.js';

const ANON = 64;
const word = (sim: Simulation, nid: number, w: number) => sim.s.nodeWords[nid * NODE_WORDS + w];
const tables = (sim: Simulation, nid: number) => word(sim, nid, W_PAGETABLES);

function pgtMachine(opts: { task?: string; swap?: string } = {}): Simulation {
  return scenario({
    pageTables: true,
    anonSize: '2052KiB',
    ...(opts.task === undefined ? {} : { task: opts.task }),
    ...(opts.swap === undefined ? {} : { swap: opts.swap }),
    nodes: `    - { id: 0, cpus: 1, memory: 16MiB, device: dram, watermarks: { min: 4, low: 8, high: 12 } }
    - { id: 1, cpus: 0, memory: 16MiB, device: pmem, watermarks: { min: 4, low: 8, high: 12 } }`,
  });
}

describe('page-table pages of a fault', () => {
  it('513 pages faulted on one CPU: PUD, PMD and two PTE pages on the faulting node', () => {
    const sim = pgtMachine();
    expect(sim.s.plan.tasks[0].regions[0].pages).toBe(513);
    // Slots: the anon region's 2 PTE pages, the file's 1, then 1 PMD and 1 PUD for the task's
    // 1536 pages of address space (both regions rounded up to 2 MiB).
    expect(sim.s.layout.pgtables.slots).toBe(5);
    touch(sim, 0, range(ANON, 513));
    expect(tables(sim, 0)).toBe(4);
    expect(tables(sim, 1)).toBe(0);
    expect(range(ANON, 513).every((p) => nodeOf(sim, p) === 0)).toBe(true);
    // The first table page claimed a free MAX_PAGE_ORDER block of movable pages (no boost): the
    // four tables came from it, so 1020 of its pages are left to unmovable allocations.
    expect(word(sim, 0, W_UNMOVABLE_FREE)).toBe(MAX_ORDER_PAGES - 4);
    expect(word(sim, 0, W_UNMOV_CLAIMED)).toBe(MAX_ORDER_PAGES - 4);
    expect(word(sim, 0, W_WMARK_BOOST)).toBe(0);
    expect(free(sim, 0)).toBe(4096 - 513 - 4);
    // Every allocation is counted where it was served, tables too (zone_statistics).
    expect(counter(sim, 0, 'pgalloc_normal')).toBe(517);
    expect(counter(sim, 0, 'numa_hit')).toBe(517);
    expect(counter(sim, 0, 'pgfault')).toBe(513);
    // A fault in the mapped file needs its own PTE page, under the same PMD and PUD.
    touch(sim, 0, [5]);
    expect(tables(sim, 0)).toBe(5);
    expect(sim.s.framePage[sim.s.pgtableFrame[2] - 1]).toBe(PGTABLE_PAGE);
    assertSound(sim);
  });

  it('PageTables in meminfo and nr_page_table_pages in vmstat', async () => {
    // A whole run: 513 prefaulted anon pages (MAP_POPULATE faults them in through the same path).
    const { result: r } = await runLoaded(
      parseConfigText(
        `topology:
  nodes:
    - { id: 0, socket: 0, cpus: 1, memory: 16MiB, device: dram }
    - { id: 1, socket: 0, cpus: 0, memory: 16MiB, device: pmem }
kernel: { version: '6.12' }
run: { duration: 2ms, epoch: 1ms, seed: 3 }
workload:
  tasks:
    - name: app
      cpus: [0]
      regions:
        - { kind: anon, size: 2052KiB, prefault: true }
`,
        '/virtual/pgtables.yaml',
      ),
    );
    expect(r.nodes[0].meminfo['PageTables']).toBe(4 * 4);
    expect(r.nodes[1].meminfo['PageTables']).toBe(0);
    expect(r.nodes[0].vmstat['nr_page_table_pages']).toBe(4);
    expect(r.vmstat['nr_page_table_pages']).toBe(4);
  });

  it('a PMEM-only (movable) bind target never gets one: the tables go to DRAM node 0', () => {
    // bind to node 1, whose memory is all ZONE_MOVABLE: user pages there, but a GFP_KERNEL
    // allocation may not use ZONE_MOVABLE and apply_policy_zone() leaves the bind unapplied.
    const sim = pgtMachine({ task: 'policy: { mode: bind, nodes: [1] }' });
    expect(sim.s.machine.nodes[1].zones.map((z) => z.zone)).toEqual([ZONE_MOVABLE]);
    touch(sim, 0, range(ANON, 513));
    expect(range(ANON, 513).every((p) => nodeOf(sim, p) === 1)).toBe(true);
    expect(tables(sim, 1)).toBe(0);
    expect(tables(sim, 0)).toBe(4);
    expect(counter(sim, 0, 'pgalloc_normal')).toBe(4);
    expect(counter(sim, 1, 'pgalloc_normal')).toBe(513);
    assertSound(sim);
  });

  it('a preferred PMEM node: the tables walk its zonelist to the first DRAM node', () => {
    const sim = pgtMachine({ task: 'policy: { mode: preferred, nodes: [1] }' });
    touch(sim, 0, range(ANON, 10));
    expect(tables(sim, 0)).toBe(3);
    expect(tables(sim, 1)).toBe(0);
    // zone_statistics() compares with the preferred zone, the zonelist's first usable one
    // (first_zones_zonelist at ZONE_NORMAL: node 0's), so the tables count as numa_hit.
    expect(counter(sim, 0, 'numa_hit')).toBe(3);
    expect(counter(sim, 0, 'numa_miss')).toBe(0);
    expect(counter(sim, 1, 'numa_foreign')).toBe(0);
  });
});

describe('an unmovable allocation with no free page in non-movable pageblocks', () => {
  /** Node 0: 2048 frames (four pageblocks: boost_watermark works), min 100 / low 200 / high 300. */
  function boostMachine(): Simulation {
    return scenario({
      pageTables: true,
      version: '6.1',
      anonSize: '8MiB',
      nodes: `    - { id: 0, cpus: 1, memory: 8MiB, device: dram, watermarks: { min: 100, low: 200, high: 300 } }
    - { id: 1, cpus: 0, memory: 8MiB, device: pmem, watermarks: { min: 100, low: 200, high: 300 } }`,
    });
  }

  it('claims a whole free MAX_PAGE_ORDER block, then a pageblock, without boosting', () => {
    const sim = boostMachine();
    expect(rmqueueUnmovable(sim.s, 0)).toBeGreaterThanOrEqual(0);
    expect(word(sim, 0, W_UNMOVABLE_FREE)).toBe(1023);
    expect(word(sim, 0, W_WMARK_BOOST)).toBe(0);
    // On a fresh node with 1500 pages in use, 548 movable pages are left: less than a block.
    const other = boostMachine();
    place(other, range(ANON, 1500), 0);
    expect(free(other, 0)).toBe(548);
    expect(rmqueueUnmovable(other.s, 0)).toBeGreaterThanOrEqual(0);
    // 548 >= 512: one pageblock claimed whole (ALLOC_NOFRAGMENT finds a free pageblock).
    expect(word(other, 0, W_UNMOVABLE_FREE)).toBe(511);
    expect(word(other, 0, W_WMARK_BOOST)).toBe(0);
  });

  it('below a pageblock: steals with boost_watermark by the formula and wakes kswapd', () => {
    // 300 movable pages free: no whole pageblock, so the steal boosts by one pageblock, capped
    // at max(512, HIGH 300 * 15000 / 10000 = 450) = 512, flags the zone so kswapd wakes
    // although the node is above LOW, and claims the 300 (at least half a pageblock).
    const sim = boostMachine();
    place(sim, range(ANON, 1748), 0);
    expect(free(sim, 0)).toBe(300);
    const frame = rmqueueUnmovable(sim.s, 0);
    expect(frame).toBeGreaterThanOrEqual(0);
    expect(word(sim, 0, W_WMARK_BOOST)).toBe(512);
    expect(woken(sim, 0)).toBe(true);
    expect(word(sim, 0, W_UNMOVABLE_FREE)).toBe(299);
    expect(word(sim, 0, W_UNMOV_CLAIMED)).toBe(299);
    expect(free(sim, 0)).toBe(299);
    // A second such steal cannot pass the cap; boostWatermark alone shows the cap.
    boostWatermark(sim.s, 0);
    expect(word(sim, 0, W_WMARK_BOOST)).toBe(512);
    // With under half a pageblock free the steal takes just its page.
    const few = boostMachine();
    place(few, range(ANON, 1848), 0);
    few.s.nodeWords[W_KSWAPD_WOKEN] = 0;
    rmqueueUnmovable(few.s, 0);
    expect(word(few, 0, W_UNMOVABLE_FREE)).toBe(0);
    expect(free(few, 0)).toBe(199);
    expect(word(few, 0, W_WMARK_BOOST)).toBe(512);
  });
});

describe('page tables and the mapping', () => {
  it('reclaiming every page of the region leaves PageTables unchanged; unmapping frees them', () => {
    const sim = pgtMachine({ swap: '8MiB' });
    touch(sim, 0, range(ANON, 513));
    reclaimPages(sim.s, sim.ctx, ANON, ANON + 513, 0);
    expect(counter(sim, 0, 'pswpout')).toBe(513);
    expect(range(ANON, 513).every((p) => nodeOf(sim, p) === -1)).toBe(true);
    expect(tables(sim, 0)).toBe(4);
    expect(free(sim, 0)).toBe(4096 - 4);
    assertSound(sim);
    // A swap-in refault finds its PTE page in place: no new table.
    touch(sim, 0, [ANON + 3]);
    expect(tables(sim, 0)).toBe(4);
    reclaimPages(sim.s, sim.ctx, ANON, ANON + 513, 0);
    // free_pgtables(): the region's two PTE pages, and with no other table of the task left,
    // its PMD and PUD; they go back to the claimed block (unmovable free pages again).
    freeRegionPgtables(sim.s, 0, 0);
    expect(tables(sim, 0)).toBe(0);
    expect(free(sim, 0)).toBe(4096);
    expect(word(sim, 0, W_UNMOVABLE_FREE)).toBe(MAX_ORDER_PAGES);
    expect(counter(sim, 0, 'pgfree')).toBeGreaterThanOrEqual(4);
    assertSound(sim);
  });
});
