/**
 * kswapd's CPU share (kernel/kswapd-cpu.ts) where the mutation run found it untested: a
 * CPU-less node's kswapd on the nearest node with CPUs and the lowest id on a tie; a share never
 * above the whole epoch when CPUs are idle; each node's kswapd on its own host's CPUs (not node
 * 0's); a task whose regions are all prefault-only leaves its CPU idle; kswapd time on a host
 * with no busy task delays nobody; the delay counted on the host node. Values by hand from the
 * CFS fair share the file's header describes: min(1, cpus / (busy tasks + awake kswapds)) of a
 * 1 ms epoch.
 */
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/load.js';
import { createSimulation } from '../../src/engine/simulation.js';
import { chargeKswapdCpu, kswapdHost, planKswapdCpu } from '../../src/kernel/kswapd-cpu.js';
import {
  CPU_WORDS,
  C_CLOCK,
  NODE_WORDS,
  W_KSWAPD_BUDGET_NS,
  W_KSWAPD_CPU_NS,
  W_KSWAPD_WOKEN,
} from '../../src/memory/layout.js';
import type { Machine } from '../../src/topology/machine.js';
import { counter } from './scenario.js';

const EPOCH = 1_000_000;

function sim(nodes: string, tasks: string, distances = '') {
  const text = `
topology:
  nodes:
${nodes}
${distances}
run: { duration: 1ms, epoch: 1ms }
workload:
  tasks:
${tasks}
`;
  return createSimulation(parseConfigText(text, '/virtual/kswapd-cpu.yaml').config);
}

const word = (x: ReturnType<typeof sim>, nid: number, w: number) => x.s.nodeWords[nid * NODE_WORDS + w];
const clock = (x: ReturnType<typeof sim>, cpu: number) => x.s.cpuWords[cpu * CPU_WORDS + C_CLOCK];

describe('kswapd host', () => {
  it('a CPU-less node equally far from two CPU nodes: the lower id', () => {
    const x = sim(
      `    - { id: 0, cpus: 1, memory: 1MiB, device: dram }
    - { id: 1, cpus: 1, memory: 1MiB, device: dram }
    - { id: 2, cpus: 0, memory: 1MiB, device: pmem }
    - { id: 3, cpus: 0, memory: 1MiB, device: pmem }`,
      `    - { name: t, cpus: [0], regions: [{ kind: anon, size: 64KiB }] }`,
      '  distances: [[10, 21, 20, 30], [21, 10, 20, 17], [20, 20, 10, 30], [30, 17, 30, 10]]',
    );
    // Node 2: 20 to both 0 and 1, so 0; node 3: 30 to 0, 17 to 1, so 1.
    expect([0, 1, 2, 3].map((n) => kswapdHost(x.s.machine, n))).toEqual([0, 1, 0, 1]);
    expect([...x.ctx.kswapdCpu.host]).toEqual([0, 1, 0, 1]);
  });

  it('a machine without any CPU: each node its own host', () => {
    const machine = {
      nodes: [
        { nid: 0, cpus: [] },
        { nid: 1, cpus: [] },
      ],
      distances: [
        [10, 20],
        [20, 10],
      ],
    } as unknown as Machine;
    expect([kswapdHost(machine, 0), kswapdHost(machine, 1)]).toEqual([0, 1]);
  });
});

describe('kswapd budget and delay', () => {
  it('3 CPUs, 1 busy task, 1 kswapd: the whole epoch, not 3/2 of it', () => {
    const x = sim(
      `    - { id: 0, cpus: 3, memory: 1MiB, device: dram }`,
      `    - { name: t, cpus: [0], regions: [{ kind: anon, size: 64KiB }] }`,
    );
    x.s.nodeWords[0 * NODE_WORDS + W_KSWAPD_WOKEN] = 1;
    planKswapdCpu(x.s, x.ctx.kswapdCpu);
    expect(word(x, 0, W_KSWAPD_BUDGET_NS)).toBe(EPOCH);
  });

  it("node 1's kswapd shares node 1's CPUs, and delays node 1's tasks", () => {
    // Node 0: 1 CPU (CPU 0); node 1: 2 CPUs (1, 2); a task busy on all three. Node 1's kswapd
    // alone awake: 2 CPUs for 2 tasks + 1 kswapd, 2/3 of the epoch = 666,666 ns.
    const x = sim(
      `    - { id: 0, cpus: 1, memory: 1MiB, device: dram }
    - { id: 1, cpus: 2, memory: 1MiB, device: dram }`,
      `    - { name: t, cpus: [0, 1, 2], regions: [{ kind: anon, size: 64KiB }] }`,
    );
    x.s.nodeWords[1 * NODE_WORDS + W_KSWAPD_WOKEN] = 1;
    planKswapdCpu(x.s, x.ctx.kswapdCpu);
    expect(word(x, 1, W_KSWAPD_BUDGET_NS)).toBe(666_666);
    // It ran 600,000 ns: no idle CPU on node 1, so 300,000 each off CPUs 1 and 2, counted on
    // node 1; node 0's CPU is not touched.
    x.s.nodeWords[1 * NODE_WORDS + W_KSWAPD_CPU_NS] = 600_000;
    chargeKswapdCpu(x.s, x.ctx.kswapdCpu);
    expect([0, 1, 2].map((c) => clock(x, c))).toEqual([0, 300_000, 300_000]);
    expect(counter(x, 1, 'tiersim_kswapd_delay_ns')).toBe(600_000);
    expect(counter(x, 0, 'tiersim_kswapd_delay_ns')).toBe(0);
    expect(counter(x, 1, 'tiersim_kswapd_ns')).toBe(600_000);
  });

  it("a task of prefault-only regions leaves its CPU idle: kswapd's whole epoch, delay beyond it", () => {
    const x = sim(
      `    - { id: 0, cpus: 2, memory: 1MiB, device: dram }`,
      `    - { name: app, cpus: [0], regions: [{ kind: anon, size: 64KiB }] }
    - { name: idle, cpus: [1], regions: [{ kind: anon, size: 64KiB, weight: 0, prefault: true }] }`,
    );
    expect([...x.ctx.kswapdCpu.busyCpu]).toEqual([1, 0]);
    x.s.nodeWords[0 * NODE_WORDS + W_KSWAPD_WOKEN] = 1;
    planKswapdCpu(x.s, x.ctx.kswapdCpu);
    // 2 CPUs, 1 busy task + kswapd: 1 ms (a busy CPU 1 would make it 2/3 ms).
    expect(word(x, 0, W_KSWAPD_BUDGET_NS)).toBe(EPOCH);
    // 1.2 ms of kswapd (a batch overran): idle CPU 1 gives 1 ms, the other 0.2 ms is the app's.
    x.s.nodeWords[0 * NODE_WORDS + W_KSWAPD_CPU_NS] = 1_200_000;
    chargeKswapdCpu(x.s, x.ctx.kswapdCpu);
    expect([clock(x, 0), clock(x, 1)]).toEqual([200_000, 0]);
    expect(counter(x, 0, 'tiersim_kswapd_delay_ns')).toBe(200_000);
  });

  it('kswapd on a node with no busy task delays nobody, however long it ran', () => {
    // Node 0's one CPU has no task (the task runs on node 1's CPU 1).
    const x = sim(
      `    - { id: 0, cpus: 1, memory: 1MiB, device: dram }
    - { id: 1, cpus: 1, memory: 1MiB, device: dram }`,
      `    - { name: t, cpus: [1], regions: [{ kind: anon, size: 64KiB }] }`,
    );
    x.s.nodeWords[0 * NODE_WORDS + W_KSWAPD_CPU_NS] = 1_300_000;
    chargeKswapdCpu(x.s, x.ctx.kswapdCpu);
    expect(counter(x, 0, 'tiersim_kswapd_ns')).toBe(1_300_000);
    expect(counter(x, 0, 'tiersim_kswapd_delay_ns')).toBe(0);
    expect([clock(x, 0), clock(x, 1)]).toEqual([0, 0]);
  });
});
