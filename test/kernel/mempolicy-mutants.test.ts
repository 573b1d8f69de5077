/**
 * Memory policies (kernel/mempolicy.ts) where the mutation run found them untested: the
 * interleave index of a page is its offset in its own file or anonymous/shmem region
 * (offset_il_node uses the VMA's pgoff and the address's offset), which mempolicy.test.ts could
 * not tell from the page id (its regions start at even ids and it interleaves over two nodes);
 * vma_policy_mof() only for default and bind|MPOL_F_NUMA_BALANCING; and page tables of a task
 * bound to a DRAM node allocated there (apply_policy_zone applies the bind: the node has
 * ZONE_NORMAL), not on the faulting CPU's node.
 */
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/load.js';
import { createSimulation } from '../../src/engine/simulation.js';
import { interleaveIndex, policyMof } from '../../src/kernel/mempolicy.js';
import { pageTablePages } from '../../src/kernel/pgtable.js';
import { nodeOf, range, scenario, touch } from './scenario.js';

/**
 * Files f (3 pages, ids 0..2) and g (5 pages, 3..7); task t maps g (3..7), an anon region
 * (8..12) and a shmem region (13..15), interleaved over nodes 0 and 1; task u an anon region
 * (16..17) and f.
 */
function layout() {
  const yaml = `
topology:
  struct_page_size: 0
  memory_below_4g: 0
  nodes:
    - { id: 0, cpus: 1, memory: 1MiB, device: dram }
    - { id: 1, cpus: 1, memory: 1MiB, device: dram }
run: { duration: 1ms, epoch: 1ms }
workload:
  files: [{ name: f, size: 12KiB }, { name: g, size: 20KiB }]
  tasks:
    - name: t
      cpus: [0]
      policy: { mode: interleave, nodes: [0, 1] }
      regions:
        - { kind: file, file: g }
        - { kind: anon, size: 20KiB }
        - { kind: shmem, size: 12KiB }
    - name: u
      cpus: [1]
      regions:
        - { kind: anon, size: 8KiB }
        - { kind: file, file: f }
`;
  const sim = createSimulation(parseConfigText(yaml, '/virtual/interleave.yaml').config);
  (sim.s.params as { pageTables: boolean }).pageTables = false;
  const plan = sim.s.plan;
  expect(plan.files.map((f) => [f.firstPage, f.pages])).toEqual([
    [0, 3],
    [3, 5],
  ]);
  expect(plan.tasks.map((t) => t.regions.map((r) => [r.kind, r.firstPage, r.pages]))).toEqual([
    [
      ['file', 3, 5],
      ['anon', 8, 5],
      ['shmem', 13, 3],
    ],
    [
      ['anon', 16, 2],
      ['file', 0, 3],
    ],
  ]);
  return sim;
}

describe('interleave index', () => {
  it("is the page's offset in its file or its region", () => {
    const plan = layout().s.plan;
    const pages = [0, 2, 3, 7, 8, 12, 13, 15, 16, 17];
    expect(pages.map((p) => interleaveIndex(plan, p))).toEqual([0, 2, 0, 4, 0, 4, 0, 2, 0, 1]);
  });

  it('places g, shmem and anon pages on node (offset mod 2) through the fault path', () => {
    const sim = layout();
    touch(sim, 0, [...range(3, 5), ...range(13, 3), ...range(8, 5)]);
    expect(range(3, 5).map((p) => nodeOf(sim, p))).toEqual([0, 1, 0, 1, 0]);
    expect(range(13, 3).map((p) => nodeOf(sim, p))).toEqual([0, 1, 0]);
    expect(range(8, 5).map((p) => nodeOf(sim, p))).toEqual([0, 1, 0, 1, 0]);
  });
});

describe('vma_policy_mof', () => {
  it('default, and bind with MPOL_F_NUMA_BALANCING; not preferred, interleave or plain bind', () => {
    const p = (mode: 'default' | 'bind' | 'preferred' | 'interleave', numaBalancing: boolean) =>
      policyMof({ mode, nodes: mode === 'default' ? [] : [0], numaBalancing });
    expect([p('default', false), p('bind', true)]).toEqual([true, true]);
    expect([p('bind', false), p('preferred', false), p('interleave', false)]).toEqual([false, false, false]);
    // The flag on a policy that is not bind changes nothing (sanitize_mpol_flags accepts it
    // only with bind; the config refuses it elsewhere).
    expect([p('preferred', true), p('interleave', true)]).toEqual([false, false]);
  });
});

describe('page tables under a bind policy', () => {
  it('bind to DRAM node 1 from a CPU of node 0: the PUD, PMD and PTE pages on node 1', () => {
    const WM = 'watermarks: { min: 4, low: 8, high: 12 }';
    const sim = scenario({
      version: '6.1',
      pageTables: true,
      task: 'policy: { mode: bind, nodes: [1] }',
      nodes: `    - { id: 0, socket: 0, cpus: 1, memory: 256KiB, device: dram, ${WM} }
    - { id: 1, socket: 1, cpus: 1, memory: 256KiB, device: dram, ${WM} }
    - { id: 2, socket: 0, cpus: 0, memory: 256KiB, device: pmem, ${WM} }`,
    });
    touch(sim, 0, range(64, 10));
    expect(range(64, 10).every((p) => nodeOf(sim, p) === 1)).toBe(true);
    expect([pageTablePages(sim.s, 0), pageTablePages(sim.s, 1), pageTablePages(sim.s, 2)]).toEqual([0, 3, 0]);
  });
});
