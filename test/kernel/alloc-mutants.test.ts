/**
 * The allocator's slow path (src/kernel/alloc.ts allocUserPage) where the mutation run found
 * no test: an empty zonelist, and direct reclaim retried while it makes progress
 * (__alloc_pages_slowpath: should_reclaim_retry goes on while reclaim reclaims something).
 * try_to_free_pages() stops once SWAP_CLUSTER_MAX (32) pages are reclaimed (here at 44, the
 * end of the batch that crossed 32), so a node with 64 clean pages, none free and MIN 50 needs two.
 */
import { describe, expect, it } from 'vitest';
import { allocUserPage } from '../../src/kernel/alloc.js';
import { NODE_WORDS, W_FREE } from '../../src/memory/layout.js';
import { counter, place, range, scenario } from './scenario.js';

describe('allocUserPage slow path', () => {
  it('an empty zonelist (a policy with no allowed node) fails at once: no reclaim, no stall', () => {
    const sim = scenario();
    sim.ctx.stallNs = 0;
    expect(allocUserPage(sim.s, sim.ctx, 0, [], -1)).toBe(-1);
    expect(counter(sim, 0, 'allocstall_normal')).toBe(0);
    expect(sim.ctx.stallNs).toBe(0);
  });

  it('free 0 under MIN 50: direct reclaim frees 44, still under MIN, so again (the other 20), then the page is allocated', () => {
    const sim = scenario({
      version: '6.1',
      demotion: false,
      nodes: `    - { id: 0, cpus: 1, memory: 256KiB, device: dram, watermarks: { min: 50, low: 54, high: 58 } }`,
    });
    place(sim, range(0, 64), 0);
    expect(sim.s.nodeWords[W_FREE]).toBe(0);
    sim.ctx.stallNs = 0;
    const frame = allocUserPage(sim.s, sim.ctx, 0, [0], -1);
    expect(frame).toBeGreaterThanOrEqual(0);
    expect(counter(sim, 0, 'allocstall_normal')).toBe(2);
    expect(counter(sim, 0, 'pgsteal_direct')).toBe(64);
    // 64 freed, one allocated.
    expect(sim.s.nodeWords[0 * NODE_WORDS + W_FREE]).toBe(63);
    expect(sim.ctx.stallNs).toBeGreaterThan(0);
  });
});
