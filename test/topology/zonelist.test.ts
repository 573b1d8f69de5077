/**
 * find_next_best_node() and zonelists (reference §1.2, §1.6). Method: small hand-made graphs that
 * isolate each term of the score (distance, lower-id penalty, CPU penalty, id tie-break), then
 * Example A's zonelists as the reference lists them.
 */
import { describe, expect, it } from 'vitest';
import { buildZonelists, findNextBestNode, NUMA_NO_NODE, type NodeGraph } from '../../src/topology/index.js';
import { EXAMPLE_A_SLIT, exampleA, machineOf } from './fixtures.js';

const exampleAGraph: NodeGraph = {
  distances: EXAMPLE_A_SLIT,
  hasCpus: [true, true, false, false],
  hasMemory: [true, true, true, true],
};

/** Three nodes, all at distance 20 from each other. */
function flat(hasCpus: boolean[], hasMemory = [true, true, true]): NodeGraph {
  return {
    distances: [
      [10, 20, 20],
      [20, 10, 20],
      [20, 20, 10],
    ],
    hasCpus,
    hasMemory,
  };
}

describe('findNextBestNode', () => {
  it('returns the node itself first, then by score, marking each pick used', () => {
    const used = new Set<number>();
    // Node 0 of Example A: itself, 2 (17), 1 (21 + CPU 1 = 22), 3 (28).
    expect(findNextBestNode(0, used, exampleAGraph)).toBe(0);
    expect(findNextBestNode(0, used, exampleAGraph)).toBe(2);
    expect(findNextBestNode(0, used, exampleAGraph)).toBe(1);
    expect(findNextBestNode(0, used, exampleAGraph)).toBe(3);
    expect(findNextBestNode(0, used, exampleAGraph)).toBe(NUMA_NO_NODE);
    expect([...used].sort()).toEqual([0, 1, 2, 3]);
  });

  it('skips the node itself when it is already used', () => {
    expect(findNextBestNode(0, new Set([0]), exampleAGraph)).toBe(2);
  });

  it('breaks equal distances toward higher ids (nodes below get +1)', () => {
    // From node 1: node 0 scores 20 + 1, node 2 scores 20.
    expect(findNextBestNode(1, new Set([1]), flat([false, false, false]))).toBe(2);
  });

  it('prefers a node without CPUs at equal distance', () => {
    // From node 0: node 1 scores 20 + 1 (CPUs), node 2 scores 20.
    expect(findNextBestNode(0, new Set([0]), flat([true, true, false]))).toBe(2);
  });

  it('breaks exact ties by the lowest id (standing in for node_load)', () => {
    expect(findNextBestNode(0, new Set([0]), flat([true, false, false]))).toBe(1);
  });

  it('never returns a memoryless node, not even for itself', () => {
    const graph = flat([true, true, false], [false, true, true]);
    const used = new Set<number>();
    expect(findNextBestNode(0, used, graph)).toBe(2);
    expect(findNextBestNode(0, used, graph)).toBe(1);
    expect(findNextBestNode(0, used, graph)).toBe(NUMA_NO_NODE);
  });
});

describe('zonelists', () => {
  it('Example A: each node, then its socket-local PMEM before remote DRAM (§1.6)', () => {
    expect(buildZonelists(exampleAGraph)).toEqual([
      [0, 2, 1, 3],
      [1, 3, 0, 2],
      [2, 0, 3, 1],
      [3, 1, 2, 0],
    ]);
  });

  it('are the same for both kernel versions (zonelists ignore tiers)', () => {
    const expected = [
      [0, 2, 1, 3],
      [1, 3, 0, 2],
      [2, 0, 3, 1],
      [3, 1, 2, 0],
    ];
    expect(machineOf(exampleA(), { version: '5.15' }).zonelists).toEqual(expected);
    expect(machineOf(exampleA(), { version: '6.1' }).zonelists).toEqual(expected);
  });

  it('leave a memoryless node out, including from its own list', () => {
    expect(buildZonelists(flat([true, true, false], [false, true, true]))).toEqual([
      [2, 1],
      [1, 2],
      [2, 1],
    ]);
  });
});
