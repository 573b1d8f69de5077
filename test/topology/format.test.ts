/**
 * The text and JSON views of a machine. Method: the scaled-down Example A from
 * configs/topologies/two-socket-optane.yaml; the text is checked line by line for the parts a
 * user compares with `numactl -H` and the kernel's sysfs, the JSON for its exact shape with
 * values from the reference (tiers, zonelists, demotion) and the hand-computed zones and watermarks.
 */
import { describe, expect, it } from 'vitest';
import { buildMachine, formatTopology, nodeList, topologyJson } from '../../src/topology/index.js';
import { EXAMPLE_A_SLIT, loadConfig, machineOf } from './fixtures.js';

const small = loadConfig('configs/topologies/two-socket-optane.yaml');
// Built in each test (a function, not a module-level value): Stryker's per-test coverage
// counts only code a test runs, so a machine built at collection left build.ts unseen here.
const machine = () => buildMachine(small.topology, small.kernel);

describe('formatTopology', () => {
  // Built inside each test, not once in the describe: Stryker's per-test coverage sees only
  // code run by a test, so text made at collection time left every line check here unseen.
  const view = () => {
    const text = formatTopology(machine());
    return { text, lines: text.split('\n') };
  };

  it('starts like numactl -H', () => {
    const { lines } = view();
    for (const line of [
      'available: 4 nodes (0-3)',
      'node 0 cpus: 0 1 2 3',
      // MemTotal: 256 MiB less the memmap (1024 pages).
      'node 0 size: 252 MB',
      'node 1 cpus: 4 5 6 7',
      'node 2 cpus:',
      'node 2 size: 1024 MB',
      'node distances:',
      'node   0   1   2   3',
      '  0:  10  21  17  28',
      '  3:  28  17  28  10',
    ]) {
      expect(lines).toContain(line);
    }
  });

  it('names device and tier per node', () => {
    const { text, lines } = view();
    expect(text).toContain('node 0 device: dram on socket 0');
    expect(text).toContain('node 2 device: pmem on socket 0, latency r/w 305/94 ns');
    expect(lines).toContain('node 0 tier: 4, adistance 576, top tier');
    expect(lines).toContain('node 3 tier: 22, adistance 2880');
  });

  it('lists tiers, demotion paths, zonelists and watermarks', () => {
    const { text, lines } = view();
    expect(lines.some((l) => /^ {2}4 +512-639 +0-1 +top tier$/.test(l))).toBe(true);
    expect(lines.some((l) => /^ {2}22 +2816-2943 +2-3$/.test(l))).toBe(true);
    expect(lines).toContain('  node 0 -> preferred 2, allowed 2-3');
    expect(lines).toContain('  node 1 -> preferred 3, allowed 2-3');
    expect(lines).toContain('  node 2 -> none');
    expect(lines).toContain('  node 0: 0 2 1 3');
    expect(lines).toContain('  node 3: 3 1 2 0');
    // Hand-computed in watermarks.test.ts (scaled-down Example A, with zones).
    expect(text).toContain('min_free_kbytes 2869');
    expect(lines.some((l) => /^ +0 +node +64512 +306 +370 +434 +498 +1\.7$/.test(l))).toBe(true);
    expect(lines.some((l) => /^ +DMA +4096 +4 +8 +12 +16 +0,236,236,236$/.test(l))).toBe(true);
    expect(lines.some((l) => /^ +Movable +262144 +287 +549 +811 +1073 +0,0,0,0$/.test(l))).toBe(true);
  });

  it('shows 5.15 targets without a fallback set', () => {
    const m = buildMachine(small.topology, { ...small.kernel, version: '5.15' });
    const t = formatTopology(m);
    expect(t).toContain('  node 0 -> 2\n');
    expect(t).toContain('  node 1 -> 3\n');
  });

  it('fits in 100 columns, also with 24 CPUs a node and the full-size watermarks', () => {
    const full = loadConfig('configs/topologies/two-socket-optane-full.yaml');
    const wide = machineOf({ nodes: [{ id: 0, cpus: 96, memory: '1GiB' }] });
    for (const m of [machine(), buildMachine(full.topology, full.kernel), wide]) {
      for (const line of formatTopology(m).split('\n')) expect(line.length).toBeLessThanOrEqual(100);
    }
  });
});

describe('topologyJson', () => {
  it('has the exact shape for Example A', () => {
    // Hand-computed in watermarks.test.ts (scaled-down Example A, with zones).
    const pmem = { min: 287, low: 549, high: 811, promo: 1073 };
    const pmemZones = [{ name: 'Movable', managed: 262144, watermarks: pmem, protection: [0, 0, 0, 0] }];
    const node1 = { min: 70, low: 134, high: 198, promo: 262 };
    const json = topologyJson(machine());
    expect(json).toEqual({
      nodes: [
        {
          id: 0,
          tier: 4,
          zonelist: [0, 2, 1, 3],
          demotion: { preferred: [2], allowed: [2, 3] },
          watermarks: { min: 306, low: 370, high: 434, promo: 498 },
          zones: [
            {
              name: 'DMA',
              managed: 4096,
              watermarks: { min: 4, low: 8, high: 12, promo: 16 },
              protection: [0, 236, 236, 236],
            },
            {
              name: 'DMA32',
              managed: 60416,
              watermarks: { min: 66, low: 126, high: 186, promo: 246 },
              protection: [0, 0, 0, 0],
            },
          ],
        },
        {
          id: 1,
          tier: 4,
          zonelist: [1, 3, 0, 2],
          demotion: { preferred: [3], allowed: [2, 3] },
          watermarks: node1,
          zones: [{ name: 'DMA32', managed: 64512, watermarks: node1, protection: [0, 0, 0, 0] }],
        },
        {
          id: 2,
          tier: 22,
          zonelist: [2, 0, 3, 1],
          demotion: { preferred: [], allowed: [] },
          watermarks: pmem,
          zones: pmemZones,
        },
        {
          id: 3,
          tier: 22,
          zonelist: [3, 1, 2, 0],
          demotion: { preferred: [], allowed: [] },
          watermarks: pmem,
          zones: pmemZones,
        },
      ],
      kernel: '6.1',
      min_free_kbytes: 2869,
      distances: EXAMPLE_A_SLIT,
      tiers: [
        { id: 4, adistance_start: 512, nodes: [0, 1] },
        { id: 22, adistance_start: 2816, nodes: [2, 3] },
      ],
      top_tier_nodes: [0, 1],
    });
    // Key order is part of the format: "nodes" first, node keys as documented.
    expect(Object.keys(json)[0]).toBe('nodes');
    expect(JSON.stringify(json.nodes[0])).toBe(
      '{"id":0,"tier":4,"zonelist":[0,2,1,3],"demotion":{"preferred":[2],"allowed":[2,3]},' +
        '"watermarks":{"min":306,"low":370,"high":434,"promo":498},"zones":[{"name":"DMA","managed":4096,' +
        '"watermarks":{"min":4,"low":8,"high":12,"promo":16},"protection":[0,236,236,236]},{"name":"DMA32",' +
        '"managed":60416,"watermarks":{"min":66,"low":126,"high":186,"promo":246},"protection":[0,0,0,0]}]}',
    );
  });

  it('does not share arrays with the machine', () => {
    const m = machine();
    const json = topologyJson(m);
    json.nodes[0].zonelist.push(9);
    expect(m.zonelists[0]).toEqual([0, 2, 1, 3]);
  });
});

describe('nodeList', () => {
  it('writes sysfs-style ranges', () => {
    expect(nodeList([])).toBe('');
    expect(nodeList([3])).toBe('3');
    expect(nodeList([3, 0, 1])).toBe('0-1,3');
    expect(nodeList([0, 2, 3, 4, 6])).toBe('0,2-4,6');
  });
});
