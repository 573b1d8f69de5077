/**
 * Memory policies and cpusets applied by the allocator, on a four-node machine shaped like the
 * reference's Example A (nodes 0 and 1 DRAM with one CPU each, 2 and 3 PMEM; zonelists
 * 0: [0, 2, 1, 3], 1: [1, 3, 0, 2]); 64 frames per node, min 4 / low 8 / high 12. Pages
 * faulted from CPU 0 through the real access and place phases; placements and numastat counters
 * worked out by hand.
 */
import { describe, expect, it } from 'vitest';
import { wakeupKswapd } from '../../src/kernel/kswapd.js';
import { assertSound, counter, nodeOf, range, reclaimEpoch, scenario, touch } from './scenario.js';

const ANON = 64;
const WM = 'watermarks: { min: 4, low: 8, high: 12 }';
const NODES = `    - { id: 0, socket: 0, cpus: 1, memory: 256KiB, device: dram, ${WM} }
    - { id: 1, socket: 1, cpus: 1, memory: 256KiB, device: dram, ${WM} }
    - { id: 2, socket: 0, cpus: 0, memory: 256KiB, device: pmem, ${WM} }
    - { id: 3, socket: 1, cpus: 0, memory: 256KiB, device: pmem, ${WM} }`;

function machine(task: string, demotion = true) {
  return scenario({ nodes: NODES, task, demotion, version: '6.1' });
}

describe('memory policies', () => {
  it('default: fills the local node to LOW, then PMEM node 2 before remote DRAM node 1', () => {
    const sim = machine('');
    touch(sim, 0, range(ANON, 64));
    touch(sim, 0, range(0, 60));
    // 56 on node 0, 56 on node 2, then node 1.
    expect(range(ANON, 56).every((p) => nodeOf(sim, p) === 0)).toBe(true);
    expect([...range(ANON + 56, 8), ...range(0, 48)].every((p) => nodeOf(sim, p) === 2)).toBe(true);
    expect(range(48, 12).every((p) => nodeOf(sim, p) === 1)).toBe(true);
    expect(counter(sim, 2, 'numa_miss')).toBe(56);
    expect(counter(sim, 1, 'numa_miss')).toBe(12);
    expect(counter(sim, 0, 'numa_foreign')).toBe(68);
    assertSound(sim);
  });

  it('preferred node 1 from a CPU of node 0: node 1 first (hit, other), then its zonelist (node 3)', () => {
    const sim = machine('policy: { mode: preferred, nodes: [1] }');
    touch(sim, 0, range(ANON, 60));
    expect(range(ANON, 56).every((p) => nodeOf(sim, p) === 1)).toBe(true);
    expect(range(ANON + 56, 4).every((p) => nodeOf(sim, p) === 3)).toBe(true);
    expect(counter(sim, 1, 'numa_hit')).toBe(56);
    expect(counter(sim, 1, 'numa_other')).toBe(56);
    expect(counter(sim, 3, 'numa_miss')).toBe(4);
    expect(counter(sim, 1, 'numa_foreign')).toBe(4);
    expect(counter(sim, 0, 'numa_local') + counter(sim, 0, 'numa_hit')).toBe(0);
  });

  it('interleave over nodes 0 and 1: page i of the region on node i mod 2, counted as interleave hits', () => {
    const sim = machine('policy: { mode: interleave, nodes: [0, 1] }');
    touch(sim, 0, range(ANON, 20));
    for (let i = 0; i < 20; i++) expect(nodeOf(sim, ANON + i)).toBe(i % 2);
    expect(counter(sim, 0, 'numa_interleave')).toBe(10);
    expect(counter(sim, 1, 'numa_interleave')).toBe(10);
    expect(counter(sim, 0, 'numa_hit') + counter(sim, 1, 'numa_hit')).toBe(20);
    expect(counter(sim, 1, 'numa_other')).toBe(10);
    // File pages interleave by their index in the file.
    touch(sim, 0, [5, 6]);
    expect([nodeOf(sim, 5), nodeOf(sim, 6)]).toEqual([1, 0]);
  });

  it('bind to node 0: never falls back to another node; reclaim (demotion) makes room instead', () => {
    const sim = machine('policy: { mode: bind, nodes: [0] }');
    touch(sim, 0, range(ANON, 60));
    // Node 0 to LOW (56), then the slow path: kswapd woken, 4 more down to MIN.
    expect(range(ANON, 60).every((p) => nodeOf(sim, p) === 0)).toBe(true);
    expect(counter(sim, 0, 'numa_hit')).toBe(60);
    // Demotion ignores the mempolicy: kswapd moves the bound task's cold pages to PMEM node 2.
    sim.s.frameYoung.fill(0);
    wakeupKswapd(sim.s, 0);
    reclaimEpoch(sim);
    expect(counter(sim, 0, 'pgdemote_kswapd')).toBeGreaterThan(0);
    expect(nodeOf(sim, ANON)).toBe(2);
    assertSound(sim);
  });

  it('bind without a demotion target or swap: the allocation fails instead of spilling', () => {
    const sim = machine('policy: { mode: bind, nodes: [0] }', false);
    touch(sim, 0, range(ANON, 64));
    expect(range(ANON, 60).every((p) => nodeOf(sim, p) === 0)).toBe(true);
    expect(range(ANON + 60, 4).map((p) => nodeOf(sim, p))).toEqual([-1, -1, -1, -1]);
    expect(counter(sim, 0, 'tiersim_alloc_fail')).toBe(4);
    expect(counter(sim, 0, 'allocstall_normal')).toBe(4);
  });

  it('cpuset.mems [0, 2]: the default policy spills only within the cpuset', () => {
    const sim = machine('cpuset_mems: [0, 2]');
    touch(sim, 0, range(ANON, 64));
    touch(sim, 0, range(0, 56));
    // 56 + 56 to LOW on nodes 0 and 2, then the slow path at MIN on 0 and 2: nodes 1 and 3 untouched.
    expect(range(0, 56).every((p) => nodeOf(sim, p) === 0 || nodeOf(sim, p) === 2)).toBe(true);
    expect(counter(sim, 1, 'pgalloc_normal') + counter(sim, 3, 'pgalloc_normal')).toBe(0);
  });
});
