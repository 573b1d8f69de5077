/**
 * Goal: the thread plans (src/engine/thread-plan.ts) put each CPU-less node on the worker of its
 * nearest node with CPUs, never start more workers than cores in `auto`, and balance the CPUs.
 *
 * Method: the reference's Example A (2 DRAM+CPU nodes, 2 PMEM nodes) and the bundled 8-node
 * machine (4 sockets of DRAM+2 CPUs and PMEM), plans worked out by hand from their SLIT tables.
 */
import { describe, expect, it } from 'vitest';
import { MAX_WORKER_SHARE, planThreads } from '../../src/engine/thread-plan.js';
import { buildMachine } from '../../src/topology/index.js';
import { exampleA, exampleB, loadConfig, machineOf } from './fixtures.js';

/** Work 1 on each listed CPU of an 8-CPU machine, 0 elsewhere. */
function busy(...cpus: number[]): number[] {
  return Array.from({ length: 8 }, (_, c) => (cpus.includes(c) ? 1 : 0));
}

describe('thread plans', () => {
  // Built in each test (see docs/testing.md: per-test coverage sees only what a test runs).
  const a = () => machineOf(exampleA());
  it('Example A: every-node is one worker per node; per-node hosts PMEM on its socket', () => {
    expect(planThreads(a(), 'every-node', 2)).toEqual([[0], [1], [2], [3]]);
    // Node 2 is 17 from node 0 and 28 from node 1; node 3 the other way round.
    expect(planThreads(a(), 'per-node', 2)).toEqual([
      [0, 2],
      [1, 3],
    ]);
    expect(planThreads(a(), 'per-node', 1)).toEqual([
      [0, 2],
      [1, 3],
    ]);
    expect(planThreads(a(), 'auto', 2)).toEqual([
      [0, 2],
      [1, 3],
    ]);
    // One core: a single group (the scheduler then runs inline).
    expect(planThreads(a(), 'auto', 1)).toEqual([[0, 1, 2, 3]]);
  });

  it('auto with the CPUs that run tasks: a worker per node with work, the busy nodes dealt apart', () => {
    // Example A, tasks only on node 0's CPUs 0-3 (promotion.yaml's shape): node 1's worker would
    // only wait at barriers, so one group, and the scheduler runs inline.
    expect(planThreads(a(), 'auto', 2, busy(0, 1, 2, 3))).toEqual([[0, 1, 2, 3]]);
    // One CPU on each node is enough to make both nodes busy.
    expect(planThreads(a(), 'auto', 2, busy(3, 4))).toEqual([
      [0, 2],
      [1, 3],
    ]);
    // No task at all: nothing to share.
    expect(planThreads(a(), 'auto', 2, busy())).toEqual([[0, 1, 2, 3]]);
    // per-node and every-node ignore it: the design card's shapes stay available.
    expect(planThreads(a(), 'per-node', 2, busy(0))).toEqual([
      [0, 2],
      [1, 3],
    ]);
  });

  it('auto with work that does not split: one group when the busier worker would hold over 3/4', () => {
    expect(MAX_WORKER_SHARE).toBe(0.75);
    const work = (n0: number, n1: number) => [n0, 0, 0, 0, n1, 0, 0, 0];
    // 3 : 1 is exactly 3/4 on worker 0: two workers (the bound is strict).
    expect(planThreads(a(), 'auto', 2, work(3, 1))).toEqual([
      [0, 2],
      [1, 3],
    ]);
    expect(planThreads(a(), 'auto', 2, work(3.1, 0.9))).toEqual([[0, 1, 2, 3]]);
    // The quickstart's shape: 4 CPUs at 1000 / (50 + 100) ns a µs against 4 at 1000 / (10,000 + 100).
    const app = 1000 / 150;
    const batch = 1000 / 10_100;
    const qs = [app, app, app, app, batch, batch, batch, batch];
    expect(planThreads(a(), 'auto', 2, qs)).toEqual([[0, 1, 2, 3]]);
    // per-node keeps its one worker per CPU node whatever the work.
    expect(planThreads(a(), 'per-node', 2, qs)).toHaveLength(2);
  });

  it('auto on the 8-node machine with tasks on nodes 0 and 2 only: each worker gets one of them', () => {
    const c = loadConfig('configs/topologies/four-socket-optane.yaml');
    const m = buildMachine(c.topology, c.kernel);
    // Nodes 0-3 have CPUs 0-1, 2-3, 4-5, 6-7. By CPU count alone (all 2) the deal goes 0, 1, 2, 3
    // with ties to the lower worker: nodes 0 and 2 on worker 0, the busy ones together. By busy
    // CPUs nodes 0 and 2 are dealt first, one to each worker.
    const plan = planThreads(m, 'auto', 2, busy(0, 1, 4, 5));
    expect(plan).toHaveLength(2);
    expect(plan.map((g) => g.filter((nid) => nid === 0 || nid === 2))).toEqual([[0], [2]]);
    expect(plan.flat().sort((x, y) => x - y)).toEqual(m.nodes.map((n) => n.nid));
  });

  it('Example B: the shared PMEM node goes to the nearer socket (17 < 28)', () => {
    expect(planThreads(machineOf(exampleB()), 'per-node', 4)).toEqual([[0, 2], [1]]);
  });

  it('the 8-node machine: 4 CPU nodes dealt to 2 cores, each PMEM node with its socket', () => {
    const c = loadConfig('configs/topologies/four-socket-optane.yaml');
    const m = buildMachine(c.topology, c.kernel);
    const cpuNodes = m.nodes.filter((n) => n.cpus.length > 0).map((n) => n.nid);
    expect(cpuNodes).toHaveLength(4);
    const perNode = planThreads(m, 'per-node', 2);
    expect(perNode).toHaveLength(4);
    const auto = planThreads(m, 'auto', 2);
    expect(auto).toHaveLength(2);
    // Two CPU nodes (2 CPUs each) per worker, and every node exactly once.
    for (const g of auto) expect(g.filter((nid) => cpuNodes.includes(nid))).toHaveLength(2);
    expect(auto.flat().sort((x, y) => x - y)).toEqual(m.nodes.map((n) => n.nid));
    // Each CPU-less node sits with the CPU node nearest to it.
    for (const g of perNode) {
      const host = g.find((nid) => cpuNodes.includes(nid))!;
      for (const nid of g.filter((x) => !cpuNodes.includes(x))) {
        const nearest = Math.min(...cpuNodes.map((cn) => m.distances[nid][cn]));
        expect(m.distances[nid][host]).toBe(nearest);
      }
    }
    expect(planThreads(m, 'auto', 8)).toEqual(perNode);
  });
});
