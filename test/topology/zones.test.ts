/**
 * Zones, boot reservations, per-zone watermarks and lowmem_reserve (zones.ts). Method: the real
 * Linux 6.12 guest of the calibration runs (figures copied from its /proc/zoneinfo and per-node
 * meminfo, identical in all 56 boots), then hand-computed cases for placement of DMA/DMA32, the
 * memmap, the movable-zone rule by version and a fixed min_free_kbytes.
 */
import { describe, expect, it } from 'vitest';
import { buildMachine } from '../../src/topology/index.js';
import { loadConfig, machineOf } from './fixtures.js';

/** The guest's zones_before (pages; protection without the Device zone) and MemTotal (kB). */
const KERNEL_6_12 = {
  minFreeKbytes: 5582,
  memTotalKb: [926796, 1030588, 1966080, 1966080],
  zones: [
    [
      { name: 'DMA', managed: 3840, min: 10, low: 13, high: 16, promo: 19, protection: [0, 138, 890, 890] },
      {
        name: 'DMA32',
        managed: 35459,
        min: 101,
        low: 136,
        high: 171,
        promo: 206,
        protection: [0, 0, 751, 751],
      },
      {
        name: 'Normal',
        managed: 192400,
        min: 548,
        low: 740,
        high: 932,
        promo: 1124,
        protection: [0, 0, 0, 0],
      },
    ],
    [
      {
        name: 'Normal',
        managed: 257647,
        min: 734,
        low: 991,
        high: 1248,
        promo: 1505,
        protection: [0, 0, 0, 0],
      },
    ],
    [
      {
        name: 'Movable',
        managed: 491520,
        min: 128,
        low: 619,
        high: 1110,
        promo: 1601,
        protection: [0, 0, 0, 0],
      },
    ],
    [
      {
        name: 'Movable',
        managed: 491520,
        min: 128,
        low: 619,
        high: 1110,
        promo: 1601,
        protection: [0, 0, 0, 0],
      },
    ],
  ],
};

/**
 * Built inside each test, not once in the describe body: code that runs while the file is
 * collected is covered by no test, so mutation testing would not credit these checks.
 */
function guest() {
  const c = loadConfig('configs/topologies/qemu-6.12-calibration.yaml');
  return buildMachine(c.topology, c.kernel);
}

describe('the calibration guest (Linux 6.12, qemu q35)', () => {
  it('MemTotal per node is the guest’s', () => {
    const m = guest();
    expect(m.nodes.map((n) => n.managedPages * 4)).toEqual(KERNEL_6_12.memTotalKb);
  });

  it('min_free_kbytes settles where the guest’s did after hot-plugging PMEM', () => {
    const m = guest();
    expect(m.minFreeKbytes).toBe(KERNEL_6_12.minFreeKbytes);
  });

  it('every zone’s managed pages, watermarks and protection are the guest’s', () => {
    const m = guest();
    const got = m.nodes.map((n) =>
      n.zones.map((z) => ({
        name: z.name,
        managed: z.managedPages,
        ...z.watermarks,
        protection: z.lowmemReserve,
      })),
    );
    expect(got).toEqual(KERNEL_6_12.zones);
  });

  it('node 0’s marks are its zones’ plus their protection for a user allocation', () => {
    const m = guest();
    // min 10+890 + 101+751 + 548; low 13+890 + 136+751 + 740; high 16+890 + 171+751 + 932.
    expect(m.watermarks[0]).toEqual({ min: 2300, low: 2530, high: 2760, promo: 2990 });
    expect(m.watermarks[1]).toEqual({ min: 734, low: 991, high: 1248, promo: 1505 });
  });
});

describe('zone layout (hand-computed)', () => {
  it('low memory is on the first nodes in id order; the memmap comes off the top zone', () => {
    // 4 KiB pages. Node 0: 64 MiB = 16384 pages, all below 4 GiB (default 2 GiB): DMA 4096,
    // DMA32 12288; memmap 16384 * 64 / 4096 = 256 pages from DMA32. Node 1: 2 GiB = 524288
    // pages, of which 2 GiB - 64 MiB = 507904 below 4 GiB (DMA32) and 16384 Normal; memmap 8192
    // pages all from Normal (16384 -> 8192).
    const m = machineOf({
      nodes: [
        { id: 0, cpus: 1, memory: '64MiB' },
        { id: 1, cpus: 1, memory: '2GiB' },
      ],
    });
    const sizes = m.nodes.map((n) => n.zones.map((z) => [z.name, z.presentPages, z.managedPages]));
    expect(sizes).toEqual([
      [
        ['DMA', 4096, 4096],
        ['DMA32', 12288, 12032],
      ],
      [
        ['DMA32', 507904, 507904],
        ['Normal', 16384, 8192],
      ],
    ]);
  });

  it('a reserved size is taken top-down after the memmap, spilling into the next zone', () => {
    // 32 MiB node: DMA 4096, DMA32 4096 pages; memmap 128 pages; reserved 16 MiB = 4096 pages:
    // DMA32 keeps 4096 - 128 - 3968 = 0, DMA gives 128.
    const m = machineOf({ nodes: [{ id: 0, cpus: 1, memory: '32MiB', reserved: '16MiB' }] });
    expect(m.nodes[0].zones.map((z) => z.managedPages)).toEqual([3968, 0]);
    expect(m.nodes[0].managedPages).toBe(3968);
  });

  it('movable memory is one ZONE_MOVABLE with no memmap taken; normal-onlined PMEM is boot memory', () => {
    const topo = (online: 'normal' | 'movable') => ({
      memory_below_4g: '0B',
      nodes: [
        { id: 0, cpus: 1, memory: '1GiB' },
        { id: 1, memory: '1GiB', device: 'pmem' as const, online },
      ],
    });
    const movable = machineOf(topo('movable'));
    expect(movable.nodes[1].zones.map((z) => [z.name, z.managedPages])).toEqual([['Movable', 262144]]);
    const normal = machineOf(topo('normal'));
    expect(normal.nodes[1].zones.map((z) => [z.name, z.managedPages])).toEqual([['Normal', 258048]]);
  });

  it('before 6.12 ZONE_MOVABLE is a lowmem zone: its min is its share of pages_min', () => {
    // Node 0: 1 GiB Normal, managed 258048 (memmap 4096). Boot: freeable 258048 pages =
    // 1032192 KiB, sqrt(16515072) = 4063 -> pages_min 1015. After hot-plug with high as set
    // then: 6.1 spreads pages_min over 258048 + 262144 = 520192 lowmem pages.
    const topo = {
      memory_below_4g: '0B',
      nodes: [
        { id: 0, cpus: 1, memory: '1GiB' },
        { id: 1, memory: '1GiB', device: 'pmem' as const },
      ],
    };
    const v61 = machineOf(topo, { version: '6.1' });
    const v612 = machineOf(topo, { version: '6.12' });
    // 6.12: movable min = clamp(262144 / 1024 = 256, 32, 128) = 128.
    expect(v612.nodes[1].zones[0].watermarks.min).toBe(128);
    // 6.1: min = pages_min * 262144 / 520192, about half of pages_min.
    const pagesMin = Math.floor(v61.minFreeKbytes / 4);
    expect(v61.nodes[1].zones[0].watermarks.min).toBe(Math.floor((pagesMin * 262144) / 520192));
    // 6.12: Normal gets all of pages_min (movable left out of lowmem).
    expect(v612.nodes[0].zones[0].watermarks.min).toBe(Math.floor(v612.minFreeKbytes / 4));
  });

  it('a fixed min_free_kbytes is used as is', () => {
    const m = machineOf(
      { memory_below_4g: '0B', nodes: [{ id: 0, cpus: 1, memory: '1GiB' }] },
      { min_free_kbytes: 4096 },
    );
    // pages_min 1024, one zone: min 1024, delta max(256, 258048 * 10 / 10000 = 258) = 258.
    expect(m.minFreeKbytes).toBe(4096);
    expect(m.nodes[0].zones[0].watermarks).toEqual({ min: 1024, low: 1282, high: 1540, promo: 1798 });
  });
});

describe('6.12: a movable zone outside lowmem gets min = managed / 1024 within [32, 128]', () => {
  // __setup_per_zone_wmarks() since 6.12 treats ZONE_MOVABLE like highmem: min_pages =
  // managed / 1024 clamped to [SWAP_CLUSTER_MAX, 128]; low and high add max(tmp / 4, managed ×
  // watermark_scale_factor (10) / 10000) as for every zone. A PMEM node onlined movable has no
  // memmap taken from it here (managed = present).
  const pmem = (memory: string) =>
    machineOf(
      {
        nodes: [
          { id: 0, cpus: 1, memory: '1GiB', device: 'dram' },
          { id: 1, cpus: 0, memory, device: 'pmem' },
        ],
      },
      { version: '6.12' },
    ).nodes[1].zones;

  it('below the clamp: 64 MiB = 16,384 pages, 16 → 32; low 32 + 16, high 32 + 2 × 16', () => {
    const [z] = pmem('64MiB');
    expect([z.name, z.managedPages]).toEqual(['Movable', 16384]);
    expect(z.watermarks).toEqual({ min: 32, low: 48, high: 64, promo: 80 });
  });

  it('inside it: 256 MiB = 65,536 pages, min 64; the scale factor gives 65', () => {
    expect(pmem('256MiB')[0].watermarks).toEqual({ min: 64, low: 129, high: 194, promo: 259 });
  });

  it('above it: 1 GiB = 262,144 pages, 256 → 128; 262 from the scale factor', () => {
    expect(pmem('1GiB')[0].watermarks).toEqual({ min: 128, low: 390, high: 652, promo: 914 });
  });
});
