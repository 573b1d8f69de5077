/**
 * Boot-time watermarks (reference §2.2). Method: the reference's worked table for the full-size
 * Example A, loaded from configs/topologies/two-socket-optane-full.yaml, then hand-computed cases
 * for the scaled-down machine, a fixed min_free_kbytes, a large watermark_scale_factor, 64 KiB
 * pages, both clamps, and fixed per-node watermarks.
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

describe('full-size Example A (reference §2.2 table)', () => {
  const c = loadConfig('configs/topologies/two-socket-optane-full.yaml');
  const m = buildMachine(c.topology, c.kernel);

  it('has the managed pages of the table', () => {
    expect(m.nodes.map((n) => n.managedPages)).toEqual([50331648, 50331648, 201326592, 201326592]);
  });

  it('min_free_kbytes = 179477', () => {
    expect(m.minFreeKbytes).toBe(179477);
  });

  it('DRAM 4486/54817/105148/155479, PMEM 17947/219273/420599/621925', () => {
    const dram = { min: 4486, low: 54817, high: 105148, promo: 155479 };
    const pmem = { min: 17947, low: 219273, high: 420599, promo: 621925 };
    expect(m.watermarks).toEqual([dram, dram, pmem, pmem]);
  });
});

describe('scaled-down Example A (2 x 256 MiB DRAM + 2 x 1 GiB PMEM)', () => {
  // Managed 65536 + 65536 + 262144 + 262144 = 655360 pages; lowmem 2621440 KiB;
  // sqrt(41943040) = 6476; pages_min = 1619.
  it('auto min_free_kbytes and the formula', () => {
    const m = machineOf(exampleA());
    expect(m.minFreeKbytes).toBe(6476);
    // DRAM: 1619 * 65536 / 655360 = 161; delta = max(40, 65) = 65.
    // PMEM: 1619 * 262144 / 655360 = 647; delta = max(161, 262) = 262.
    const dram = { min: 161, low: 226, high: 291, promo: 356 };
    const pmem = { min: 647, low: 909, high: 1171, promo: 1433 };
    expect(m.watermarks).toEqual([dram, dram, pmem, pmem]);
  });

  it('a fixed min_free_kbytes replaces the formula', () => {
    const m = machineOf(exampleA(), { min_free_kbytes: 1024 });
    expect(m.minFreeKbytes).toBe(1024);
    // pages_min 256. DRAM: 25, delta max(6, 65) = 65. PMEM: 102, delta max(25, 262) = 262.
    expect(m.watermarks[0]).toEqual({ min: 25, low: 90, high: 155, promo: 220 });
    expect(m.watermarks[2]).toEqual({ min: 102, low: 364, high: 626, promo: 888 });
  });

  it('watermark_scale_factor sets the gaps on large zones', () => {
    const m = machineOf(exampleA(), { watermark_scale_factor: 1000 });
    // DRAM: delta = max(40, 65536 * 1000 / 10000 = 6553).
    expect(m.watermarks[0]).toEqual({ min: 161, low: 6714, high: 13267, promo: 19820 });
  });

  it('min/4 sets the gap when it is larger', () => {
    // One 4 MiB node: 1024 pages, lowmem 4096 KiB, sqrt(65536) = 256 KiB -> pages_min 64;
    // delta = max(16, 1024 * 10 / 10000 = 1) = 16.
    const m = machineOf({ nodes: [{ id: 0, cpus: 1, memory: '4MiB' }] });
    expect(m.minFreeKbytes).toBe(256);
    expect(m.watermarks).toEqual([{ min: 64, low: 80, high: 96, promo: 112 }]);
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
    const m = machineOf({ page_size: '64KiB', nodes: [{ id: 0, cpus: 1, memory: '4GiB' }] });
    expect(m.minFreeKbytes).toBe(8192);
    expect(m.watermarks).toEqual([{ min: 128, low: 193, high: 258, promo: 323 }]);
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
    expect(m.watermarks[1]).toEqual({ min: 161, low: 226, high: 291, promo: 356 });
    expect(m.watermarks[2]).toEqual({ min: 1, low: 2, high: 3, promo: 100 });
    expect(m.minFreeKbytes).toBe(6476);
  });

  it('must be ordered', () => {
    const c = config({
      nodes: [{ id: 0, cpus: 1, memory: '1GiB', watermarks: { min: 5, low: 4, high: 6 } }],
    });
    expect(() => buildMachine(c.topology, c.kernel)).toThrow(AssertionError);
  });
});
