/**
 * Hand-computed cases for the topology code's survivors of the mutation run (npm run mutation;
 * docs/testing.md lists them): 5.15's demotion passes taken in node order, 6.1's tiers and
 * node_is_toptier at their chunk boundaries, the disk's name defaults and the SLIT checks'
 * messages. Equivalent mutants (no test can tell them apart) are listed in docs/testing.md.
 */
import { describe, expect, it } from 'vitest';
import { demotionTargets515 } from '../../src/topology/demotion.js';
import { assertSlit } from '../../src/topology/distances.js';
import { resolveBlockDevice } from '../../src/topology/storage.js';
import { buildMemoryTiers, topTierByTiers } from '../../src/topology/tiers.js';

describe('5.15 demotion passes go through the pass in node order', () => {
  it('the second pass: node 2 (found second) picks node 4 before node 3 can', () => {
    // Nodes 0, 1: CPUs + DRAM; 2, 3, 4: CPU-less. Pass 1: 0 -> 3 (20), then 1 -> 2 (20), so the
    // next pass is found as {3, 2}; the kernel walks it as a nodemask, 2 first: 2 -> 4 (20),
    // and 3 finds every node used. Walked in the found order, 3 would take 4 instead.
    const distances = [
      [10, 21, 30, 20, 40],
      [21, 10, 20, 30, 40],
      [30, 20, 10, 30, 20],
      [20, 30, 30, 10, 20],
      [40, 40, 20, 20, 10],
    ];
    const t = demotionTargets515({
      distances,
      hasCpus: [true, true, false, false, false],
      hasMemory: [true, true, true, true, true],
    });
    expect(t.preferred).toEqual([[3], [2], [4], [], []]);
  });
});

describe('6.1 memory tiers and node_is_toptier', () => {
  it('nodes by 128-wide chunk, memoryless node in no tier (-1)', () => {
    const l = buildMemoryTiers([576, 0, 640, 700], [true, false, true, true]);
    expect(l.tiers).toEqual([
      { id: 4, adistanceStart: 512, nodes: [0] },
      { id: 5, adistanceStart: 640, nodes: [2, 3] },
    ]);
    expect(l.nodeTier).toEqual([0, -1, 1, 1]);
  });

  it('top tier ends at the CPU tier chunk end (start + 127): the next chunk (640) is not top; a memoryless node is', () => {
    const l = buildMemoryTiers([576, 0, 640], [true, false, true]);
    expect(topTierByTiers(l, [true, false, false])).toEqual([true, true, false]);
  });

  it('with no CPU node top_tier_adistance stays 0: only a tier starting at 0 is top', () => {
    expect(topTierByTiers(buildMemoryTiers([50, 600], [true, true]), [false, false])).toEqual([true, false]);
    expect(topTierByTiers(buildMemoryTiers([512, 900], [true, true]), [false, false])).toEqual([
      false,
      false,
    ]);
  });
});

describe('block device names', () => {
  it('the configured name, else the default the caller gives, else the preset name', () => {
    expect(resolveBlockDevice({ preset: 'nvme', name: 'md0' }, 'vdb').name).toBe('md0');
    expect(resolveBlockDevice({ preset: 'nvme' }, 'vdb').name).toBe('vdb');
    expect(resolveBlockDevice({ preset: 'nvme' }).name).toBe('nvme0n1');
    expect(resolveBlockDevice({ preset: 'hdd' }).name).toBe('sdb');
  });
});

describe('assertSlit (slit_valid)', () => {
  const ok = [
    [10, 255],
    [255, 10],
  ];
  it('accepts 255, the largest one-byte distance', () => {
    expect(() => assertSlit(ok, 2)).not.toThrow();
  });
  it('names what is wrong', () => {
    expect(() => assertSlit([[10, 20]], 2)).toThrow('distance matrix must have one row per node');
    expect(() => assertSlit([[10, 20], [20]], 2)).toThrow('distance matrix must have one column per node');
    expect(() =>
      assertSlit(
        [
          [10, 256],
          [256, 10],
        ],
        2,
      ),
    ).toThrow('distances must be integers of at most 255');
    expect(() =>
      assertSlit(
        [
          [11, 20],
          [20, 10],
        ],
        2,
      ),
    ).toThrow('the local distance (diagonal) must be 10');
    expect(() =>
      assertSlit(
        [
          [10, 10],
          [10, 10],
        ],
        2,
      ),
    ).toThrow('distances between different nodes must exceed 10');
  });
});
