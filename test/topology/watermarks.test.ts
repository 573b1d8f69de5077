/**
 * Boot-time watermarks (reference §2.2). Method: the reference's worked table for the full-size
 * Example A through the formula (one Normal zone a node, as the reference computes it), the
 * same machine as configured (zones, memmap), then hand-computed zone-by-zone cases for the
 * scaled-down machine, a fixed min_free_kbytes, a large watermark_scale_factor, 64 KiB pages,
 * both clamps, and fixed per-node watermarks. The calibration guest's zones are in zones.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { autoMinFreeKbytes, buildMachine, computeWatermarks, intSqrt } from '../../src/topology/index.js';
import { AssertionError } from '../../src/util/assert.js';
import { config, exampleA, loadConfig, machineOf } from './fixtures.js';

describe('intSqrt', () => {
  it('is the floor of the square root, exactly, beyond 2^53', () => {
    expect(intSqrt(0n)).toBe(0n);
    expect(intSqrt(1n)).toBe(1n);
    expect(intSqrt(15n)).toBe(3n);
    expect(intSqrt(16n)).toBe(4n);
    expect(intSqrt(41943040n)).toBe(6476n); // 6476^2 = 41938576, 6477^2 = 41951529
    const big = (1n << 40n) + 12345n;
    expect(intSqrt(big * big)).toBe(big);
    expect(intSqrt(big * big - 1n)).toBe(big - 1n);
  });
});

describe('full-size Example A (reference §2.2 table: one Normal zone per node, no memmap)', () => {
  const managed = [50331648, 50331648, 201326592, 201326592];

  it('min_free_kbytes = 179477', () => {
    expect(autoMinFreeKbytes(managed, 4096)).toBe(179477);
  });

  it('DRAM 4486/54817/105148/155479, PMEM 17947/219273/420599/621925', () => {
    const dram = { min: 4486, low: 54817, high: 105148, promo: 155479 };
    const pmem = { min: 17947, low: 219273, high: 420599, promo: 621925 };
    expect(computeWatermarks(managed, 4096, 179477, 10)).toEqual([dram, dram, pmem, pmem]);
  });

  it('as configured (PMEM movable, memmap taken) min_free_kbytes is that of DRAM alone', () => {
    // Reference: 80264 KiB with PMEM excluded and no memmap. With the memmap (786432 pages a
    // node) and the hot-plug recomputation (managed - high): 79554 (worked with /tmp arithmetic
    // written out in zones.test.ts's style: boot 2 x 49545216 pages, then minus the highs).
    const c = loadConfig('configs/topologies/two-socket-optane-full.yaml');
    const m = buildMachine(c.topology, c.kernel);
    expect(m.nodes.map((n) => n.managedPages)).toEqual([49545216, 49545216, 201326592, 201326592]);
    expect(m.minFreeKbytes).toBe(79554);
  });
});

describe('scaled-down Example A (2 x 256 MiB DRAM + 2 x 1 GiB PMEM), with zones', () => {
  // Node 0: DMA 4096 + DMA32 61440 pages, memmap 1024 off DMA32 -> 60416. Node 1: all DMA32
  // (below the default 2 GiB), 65536 - 1024 = 64512. PMEM: ZONE_MOVABLE, 262144 each.
  // Boot: freeable 129024 pages = 516096 KiB, sqrt(8257536) = 2873; after hot-plug,
  // freeable minus the highs (12 + 186 + 198 = 396 with 2873): sqrt(16 * 4 * 128628) = 2869.
  // pages_min 717 over lowmem 129024 + 524288 = 653312 (6.1: movable is lowmem):
  // DMA 4, delta max(1, 4) = 4; DMA32(0) 66, delta max(16, 60) = 60; DMA32(1) 70, delta 64;
  // PMEM 287, delta max(71, 262) = 262. lowmem_reserve of node 0's DMA: 60416 / 256 = 236.
  it('auto min_free_kbytes and the formula, zone by zone', () => {
    const m = machineOf(exampleA());
    expect(m.minFreeKbytes).toBe(2869);
    expect(m.nodes[0].zones.map((z) => z.watermarks)).toEqual([
      { min: 4, low: 8, high: 12, promo: 16 },
      { min: 66, low: 126, high: 186, promo: 246 },
    ]);
    expect(m.nodes[0].zones[0].lowmemReserve).toEqual([0, 236, 236, 236]);
    // Node marks: node 0 = DMA + 236 + DMA32.
    const pmem = { min: 287, low: 549, high: 811, promo: 1073 };
    expect(m.watermarks).toEqual([
      { min: 306, low: 370, high: 434, promo: 498 },
      { min: 70, low: 134, high: 198, promo: 262 },
      pmem,
      pmem,
    ]);
  });

  it('a fixed min_free_kbytes replaces the formula', () => {
    const m = machineOf(exampleA(), { min_free_kbytes: 1024 });
    expect(m.minFreeKbytes).toBe(1024);
    // pages_min 256 over 653312: PMEM 102, delta max(25, 262) = 262.
    expect(m.watermarks[2]).toEqual({ min: 102, low: 364, high: 626, promo: 888 });
  });

  it('watermark_scale_factor sets the gaps on large zones', () => {
    const m = machineOf(exampleA(), { watermark_scale_factor: 1000 });
    // Node 1 (64512 managed): delta = 64512 * 1000 / 10000 = 6451. Its min comes from the
    // min_free_kbytes the larger highs give: the hot-plug recomputation lowers it.
    const w = m.nodes[1].zones[0].watermarks;
    expect(w.low - w.min).toBe(6451);
    expect(w.high - w.low).toBe(6451);
  });

  it('min/4 sets the gap when it is larger', () => {
    // One 4 MiB node (DMA only): 1024 pages, memmap 16 -> 1008 managed; 4032 KiB,
    // sqrt(64512) = 253 KiB -> pages_min 63; delta = max(15, 1008 * 10 / 10000 = 1) = 15.
    const m = machineOf({ nodes: [{ id: 0, cpus: 1, memory: '4MiB' }] });
    expect(m.minFreeKbytes).toBe(253);
    expect(m.watermarks).toEqual([{ min: 63, low: 78, high: 93, promo: 108 }]);
  });
});

describe('min_free_kbytes clamps', () => {
  it('to 128 KiB on tiny machines', () => {
    // 128 pages = 512 KiB; sqrt(8192) = 90 -> 128.
    expect(autoMinFreeKbytes([128], 4096)).toBe(128);
  });

  it('to 262144 KiB from 4 TiB of lowmem up', () => {
    // 4 TiB = 2^30 pages = 2^32 KiB: sqrt(2^36) = 2^18 = 262144 exactly; 8 TiB would give 370727.
    expect(autoMinFreeKbytes([2 ** 30], 4096)).toBe(262144);
    expect(autoMinFreeKbytes([2 ** 31], 4096)).toBe(262144);
    // (2^32 - 2^22) KiB * 16 = 68652367872; 262015^2 = 68651860225 <= it < 262016^2 = 68652384256.
    expect(autoMinFreeKbytes([2 ** 30 - 2 ** 20], 4096)).toBe(262015);
  });
});

describe('page sizes other than 4 KiB', () => {
  it('64 KiB pages: kbytes = pages << 6, pages_min = min_free_kbytes >> 6', () => {
    // 4 GiB = 65536 pages = 4194304 KiB; sqrt(67108864) = 8192; pages_min 128;
    // delta = max(32, 65536 * 10 / 10000 = 65).
    expect(autoMinFreeKbytes([65536], 65536)).toBe(8192);
    expect(computeWatermarks([65536], 65536, 8192, 10)).toEqual([
      { min: 128, low: 193, high: 258, promo: 323 },
    ]);
  });

  it('must be a power of two of at least 1 KiB', () => {
    expect(() => computeWatermarks([100], 3000, 128, 10)).toThrow(AssertionError);
  });
});

describe('fixed watermarks in the config', () => {
  it('replace the formula for that node only; promo defaults to high + (high - low)', () => {
    const topology = exampleA();
    const nodes = topology.nodes.map((n) => ({ ...n }));
    nodes[0] = { ...nodes[0], watermarks: { min: 10, low: 20, high: 35 } };
    nodes[2] = { ...nodes[2], watermarks: { min: 1, low: 2, high: 3, promo: 100 } };
    const m = machineOf({ ...topology, nodes });
    expect(m.watermarks[0]).toEqual({ min: 10, low: 20, high: 35, promo: 50 });
    expect(m.watermarks[1]).toEqual(machineOf(topology).watermarks[1]);
    expect(m.watermarks[2]).toEqual({ min: 1, low: 2, high: 3, promo: 100 });
  });

  it('must be ordered', () => {
    const c = config({
      nodes: [{ id: 0, cpus: 1, memory: '1GiB', watermarks: { min: 5, low: 4, high: 6 } }],
    });
    expect(() => buildMachine(c.topology, c.kernel)).toThrow(AssertionError);
  });
});
