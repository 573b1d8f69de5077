/**
 * Goal: the thread plans (src/engine/thread-plan.ts) put each CPU-less node on the worker of its
 * nearest node with CPUs, never start more workers than cores in `auto`, and balance the CPUs.
 *
 * Method: the reference's Example A (2 DRAM+CPU nodes, 2 PMEM nodes) and the bundled 8-node
 * machine (4 sockets of DRAM+2 CPUs and PMEM), plans worked out by hand from their SLIT tables.
 */
import { describe, expect, it } from 'vitest';
import { planThreads } from '../../src/engine/thread-plan.js';
import { buildMachine } from '../../src/topology/index.js';
import { exampleA, exampleB, loadConfig, machineOf } from './fixtures.js';

describe('thread plans', () => {
  const a = machineOf(exampleA());
  it('Example A: every-node is one worker per node; per-node hosts PMEM on its socket', () => {
    expect(planThreads(a, 'every-node', 2)).toEqual([[0], [1], [2], [3]]);
    // Node 2 is 17 from node 0 and 28 from node 1; node 3 the other way round.
    expect(planThreads(a, 'per-node', 2)).toEqual([
      [0, 2],
      [1, 3],
    ]);
    expect(planThreads(a, 'per-node', 1)).toEqual([
      [0, 2],
      [1, 3],
    ]);
    expect(planThreads(a, 'auto', 2)).toEqual([
      [0, 2],
      [1, 3],
    ]);
    // One core: a single group (the scheduler then runs inline).
    expect(planThreads(a, 'auto', 1)).toEqual([[0, 1, 2, 3]]);
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
