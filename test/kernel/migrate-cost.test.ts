/**
 * The fixed CPU time of a demotion: migrate_pages() unmaps a mapped page (try_to_unmap), remaps it
 * (remove_migration_ptes) and flushes the TLB; a page no process maps (the page cache of a file
 * accessed with read() only, a tmpfs file written with write()) skips all three, so it is charged
 * costs.migrate_unmapped_per_page instead of costs.migrate_per_page. Hand-computed: 8 cold file
 * pages demoted by one kswapd batch, the batch's cost with the unmapped cost at 500 ns against
 * its default (migrate_per_page, 2 us): 8 × 1,500 ns less, and no difference for an mmap'd file.
 */
import { describe, expect, it } from 'vitest';
import { RECLAIM_DIRECT, RECLAIM_KSWAPD, shrinkInactiveList } from '../../src/kernel/vmscan.js';
import { LRU_INACTIVE_FILE } from '../../src/memory/flags.js';
import { isUnmappedPage } from '../../src/workload/plan.js';
import { counter, place, range, scenario } from './scenario.js';

function batchCost(fileAccess: 'mmap' | 'read', costs: string, reclaimer: number): number {
  const sim = scenario({ demotion: true, fileAccess, costs });
  place(sim, range(0, 8), 0);
  const sc = sim.ctx.sc[0];
  sc.reset(reclaimer, 0, 32);
  expect(shrinkInactiveList(sim.s, sim.ctx, sc, 0, LRU_INACTIVE_FILE, 8)).toBe(8);
  if (reclaimer === RECLAIM_DIRECT) expect(counter(sim, 0, 'pgdemote_direct')).toBe(8);
  return sc.costNs;
}

describe('the fixed cost of migrating a page nothing maps', () => {
  it('is costs.migrate_unmapped_per_page for a read() file, by kswapd and by direct reclaim', () => {
    for (const reclaimer of [RECLAIM_KSWAPD, RECLAIM_DIRECT]) {
      const dflt = batchCost('read', '', reclaimer);
      const cheap = batchCost('read', 'migrate_unmapped_per_page: 500ns', reclaimer);
      expect(dflt - cheap).toBe(8 * 1500);
    }
  });

  it('leaves a mapped page at costs.migrate_per_page', () => {
    expect(batchCost('mmap', 'migrate_unmapped_per_page: 500ns', RECLAIM_KSWAPD)).toBe(
      batchCost('mmap', '', RECLAIM_KSWAPD),
    );
  });

  it('knows which pages nothing maps: read()-only files and written tmpfs, never anon', () => {
    const read = scenario({ fileAccess: 'read' });
    expect([
      isUnmappedPage(read.s.plan, 0),
      isUnmappedPage(read.s.plan, 63),
      isUnmappedPage(read.s.plan, 64),
    ]).toEqual([true, true, false]);
    const mapped = scenario({ fileAccess: 'mmap' });
    expect(isUnmappedPage(mapped.s.plan, 0)).toBe(false);
  });
});
