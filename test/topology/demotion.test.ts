/**
 * Demotion targets and tiers under 5.15 (node_demotion[] passes) and 6.1 (memory tiers),
 * reference §1.3–§1.5. Method: build machines from configs through the real schema and compare
 * with the reference's tables for Examples A, B and C, plus hand-traced cases for chains,
 * untyped CPU-less DRAM, several lower tiers and equal-distance preferred sets.
 */
import { describe, expect, it } from 'vitest';
import { exampleA, exampleB, exampleC, machineOf } from './fixtures.js';

describe('Example A (two sockets, PMEM per socket)', () => {
  it('5.15: 0 -> 2, 1 -> 3, PMEM nodes terminal, no fallback', () => {
    const m = machineOf(exampleA(), { version: '5.15' });
    expect(m.demotion).toEqual({
      version: '5.15',
      preferred: [[2], [3], [], []],
      allowed: [[], [], [], []],
    });
    expect(m.topTier).toEqual([true, true, false, false]);
  });

  it('6.1: preferred = own socket PMEM, allowed = both PMEM nodes', () => {
    const m = machineOf(exampleA(), { version: '6.1' });
    expect(m.demotion).toEqual({
      version: '6.1',
      preferred: [[2], [3], [], []],
      allowed: [[2, 3], [2, 3], [], []],
    });
    expect(m.tiers).toEqual([
      { id: 4, adistanceStart: 512, nodes: [0, 1] },
      { id: 22, adistanceStart: 2816, nodes: [2, 3] },
    ]);
    expect(m.nodeTier).toEqual([0, 0, 1, 1]);
    expect(m.topTier).toEqual([true, true, false, false]);
  });
});

describe('Example B (one PMEM node shared by two sockets)', () => {
  it('5.15: node 1 gets no target because node 0 took node 2 in the same pass', () => {
    const m = machineOf(exampleB(), { version: '5.15' });
    expect(m.demotion.preferred).toEqual([[2], [], []]);
    expect(m.demotion.allowed).toEqual([[], [], []]);
  });

  it('6.1: both DRAM nodes share node 2', () => {
    const m = machineOf(exampleB(), { version: '6.1' });
    expect(m.demotion.preferred).toEqual([[2], [2], []]);
    expect(m.demotion.allowed).toEqual([[2], [2], []]);
  });
});

describe('Example C (three DRAM+CPU nodes, one CPU-less node 3 at distance 40)', () => {
  it('5.15: only node 0 gets node 3', () => {
    const m = machineOf(exampleC('pmem'), { version: '5.15' });
    expect(m.demotion.preferred).toEqual([[3], [], [], []]);
  });

  it('6.1 with node 3 typed slower (pmem): every DRAM node demotes to 3', () => {
    const m = machineOf(exampleC('pmem'), { version: '6.1' });
    expect(m.demotion.preferred).toEqual([[3], [3], [3], []]);
    expect(m.demotion.allowed).toEqual([[3], [3], [3], []]);
    expect(m.topTier).toEqual([true, true, true, false]);
  });
});

describe('5.15 chains', () => {
  // Node 0 DRAM+CPUs; PMEM-A (node 1) next to it, PMEM-B (node 2) next to PMEM-A.
  const chain = {
    nodes: [
      { id: 0, cpus: 2, memory: '256MiB', device: 'dram' as const },
      { id: 1, cpus: 0, memory: '1GiB', device: 'pmem' as const },
      { id: 2, cpus: 0, memory: '1GiB', device: 'pmem' as const },
    ],
    distances: [
      [10, 17, 28],
      [17, 10, 17],
      [28, 17, 10],
    ],
  };

  it('DRAM -> PMEM-A -> PMEM-B: the target of one pass is a source of the next', () => {
    // Pass 1 {0}: node 1 (17) beats node 2 (28). Pass 2 {1}: node 2 is the only one left.
    expect(machineOf(chain, { version: '5.15' }).demotion.preferred).toEqual([[1], [2], []]);
  });

  it('6.1 puts both PMEM nodes in one tier, so there is no chain', () => {
    const m = machineOf(chain, { version: '6.1' });
    expect(m.demotion.preferred).toEqual([[1], [], []]);
    expect(m.demotion.allowed).toEqual([[1, 2], [], []]);
  });
});

describe('untyped CPU-less DRAM node', () => {
  it('6.1: it joins the DRAM tier, so nothing demotes and it counts as top tier', () => {
    const m = machineOf(exampleC('dram'), { version: '6.1' });
    expect(m.tiers).toEqual([{ id: 4, adistanceStart: 512, nodes: [0, 1, 2, 3] }]);
    expect(m.demotion.preferred).toEqual([[], [], [], []]);
    expect(m.demotion.allowed).toEqual([[], [], [], []]);
    expect(m.topTier).toEqual([true, true, true, true]);
  });

  it('5.15 uses it anyway (CPU-less is all that counts)', () => {
    const m = machineOf(exampleC('dram'), { version: '5.15' });
    expect(m.demotion.preferred).toEqual([[3], [], [], []]);
    expect(m.topTier).toEqual([true, true, true, false]);
  });
});

describe('6.1 with two lower tiers', () => {
  // DRAM (576, tier 4), PMEM (2880, tier 22), CXL with adistance 5000 (tier 39, start 4992).
  // The CXL node is deliberately nearer to node 0 than the PMEM node: preferred still skips it.
  const threeTiers = {
    nodes: [
      { id: 0, cpus: 2, memory: '256MiB', device: 'dram' as const },
      { id: 1, cpus: 0, memory: '1GiB', device: 'pmem' as const },
      { id: 2, cpus: 0, memory: '1GiB', device: 'cxl' as const, adistance: 5000 },
    ],
    distances: [
      [10, 30, 12],
      [30, 10, 20],
      [12, 20, 10],
    ],
  };

  it('preferred = next lower tier only, allowed = every lower tier', () => {
    const m = machineOf(threeTiers, { version: '6.1' });
    expect(m.tiers).toEqual([
      { id: 4, adistanceStart: 512, nodes: [0] },
      { id: 22, adistanceStart: 2816, nodes: [1] },
      { id: 39, adistanceStart: 4992, nodes: [2] },
    ]);
    expect(m.demotion.preferred).toEqual([[1], [2], []]);
    expect(m.demotion.allowed).toEqual([[1, 2], [2], []]);
    expect(m.topTier).toEqual([true, false, false]);
  });

  it('5.15 ignores tiers and goes by distance', () => {
    // Pass 1 {0}: node 2 (12) beats node 1 (30). Pass 2 {2}: node 1 is left (20).
    expect(machineOf(threeTiers, { version: '5.15' }).demotion.preferred).toEqual([[2], [], [1]]);
  });
});

describe('6.1 preferred sets', () => {
  it('keep every node of the next tier at the same best distance', () => {
    const m = machineOf(
      {
        nodes: [
          { id: 0, cpus: 2, memory: '256MiB' },
          { id: 1, cpus: 0, memory: '1GiB', device: 'pmem' },
          { id: 2, cpus: 0, memory: '1GiB', device: 'pmem' },
          { id: 3, cpus: 0, memory: '1GiB', device: 'pmem' },
        ],
        distances: [
          [10, 17, 17, 20],
          [17, 10, 28, 28],
          [17, 28, 10, 28],
          [20, 28, 28, 10],
        ],
      },
      { version: '6.1' },
    );
    expect(m.demotion.preferred).toEqual([[1, 2], [], [], []]);
    expect(m.demotion.allowed).toEqual([[1, 2, 3], [], [], []]);
  });

  it('stop at the first pick whose distance differs, even if a later pick would match', () => {
    // From node 1 every candidate scores 20: node 0 = 19 + 1 (lower id), node 2 = 20,
    // node 3 = 19 + 1 (CPUs). Id order picks 0 (distance 19), then 2 (20): the search ends
    // there, so node 3, also at 19, is not preferred.
    const m = machineOf(
      {
        nodes: [
          { id: 0, cpus: 0, memory: '1GiB', device: 'pmem' },
          { id: 1, cpus: 2, memory: '256MiB' },
          { id: 2, cpus: 0, memory: '1GiB', device: 'pmem' },
          { id: 3, cpus: 1, memory: '1GiB', device: 'pmem' },
        ],
        distances: [
          [10, 19, 20, 20],
          [19, 10, 20, 19],
          [20, 20, 10, 20],
          [20, 19, 20, 10],
        ],
      },
      { version: '6.1' },
    );
    expect(m.demotion.preferred).toEqual([[], [0], [], []]);
    expect(m.demotion.allowed).toEqual([[], [0, 2, 3], [], []]);
  });

  it('a tier with CPUs below a CPU-less tier moves the top-tier boundary down', () => {
    // Node 1 is slow memory with CPUs (adistance 3000, tier 23): walking up from the slowest
    // tier, tier 23 is the first holding a CPU node, so top_tier_adistance = 2944 + 127 and
    // the PMEM tier 22 above it is top tier as well.
    const m = machineOf(
      {
        nodes: [
          { id: 0, cpus: 2, memory: '256MiB' },
          { id: 1, cpus: 2, memory: '1GiB', device: 'cxl', adistance: 3000 },
          { id: 2, cpus: 0, memory: '1GiB', device: 'pmem' },
        ],
      },
      { version: '6.1' },
    );
    expect(m.tiers.map((t) => t.id)).toEqual([4, 22, 23]);
    expect(m.topTier).toEqual([true, true, true]);
    // Node 0 -> tier 22 only (node 2); node 2 -> tier 23 (node 1).
    expect(m.demotion.preferred).toEqual([[2], [], [1]]);
    expect(m.demotion.allowed).toEqual([[1, 2], [], [1]]);
  });
});
