/**
 * src/memory/state.ts, found by the mutation run: calculate_totalreserve_pages() on hand-built
 * zones, the unit conversions of simParams (each knob in the units the code uses, worked out
 * from the config by hand), the views attachState builds over the buffers, and what initState
 * writes (node ranges, empty lists, the pool, the watermark order it insists on).
 */
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/load.js';
import { createSimulation } from '../../src/engine/simulation.js';
import {
  LRU_GEN_NODE_WORDS,
  lruGenPmds,
  NODE_WORDS,
  CPU_WORDS,
  C_NEXT_SEQUENTIAL,
} from '../../src/memory/layout.js';
import {
  W_BUMP,
  W_FRAME_END,
  W_FRAME_START,
  W_FREE,
  W_FREE_HEAD,
  W_LRU_HEAD,
  W_LRU_TAIL,
  W_UNMOVABLE_FREE,
  W_UNMOV_NEVER_USED,
  W_WMARK_HIGH,
  W_WMARK_LOW,
  W_WMARK_MIN,
  W_WMARK_PROMO,
  RINGS_PER_NODE,
} from '../../src/memory/layout.js';
import { initState, simParams, totalreservePages } from '../../src/memory/state.js';
import type { Machine, ZoneSpec } from '../../src/topology/machine.js';
import { NR_COUNTERS } from '../../src/metrics/vmstat.js';
import { PRNG_WORDS, seedStream } from '../../src/workload/prng.js';

const wm = (high: number) => ({ min: 0, low: 0, high, promo: high });
const zone = (z: number, managedPages: number, high: number, lowmemReserve: number[]): ZoneSpec => ({
  zone: z,
  name: `z${z}`,
  presentPages: managedPages,
  managedPages,
  watermarks: wm(high),
  lowmemReserve,
});

describe('totalreservePages (calculate_totalreserve_pages)', () => {
  it('per zone: the largest lowmem_reserve of it and above, plus HIGH, capped at its managed pages', () => {
    // DMA: max(20, 30, 30) + 2 = 32, capped at 10 managed -> 10.
    // DMA32: max(0, 90, 80) + 30 = 120 (< 1000). Normal: 0 + 40 = 40. Node 0: 170.
    // Its node HIGH (the marks in force, nodeWatermarks: HIGH + lowmem_reserve[MOVABLE] per
    // zone) = (2 + 30) + (30 + 80) + (40 + 0) = 182: the zones' own marks are in force.
    const zones = [
      zone(0, 10, 2, [0, 20, 30, 30]),
      zone(1, 1000, 30, [0, 0, 90, 80]),
      zone(2, 2000, 40, [0, 0, 0, 0]),
    ];
    // Node 1: no zones, fixed HIGH 120 over 100 managed pages -> 100.
    // Node 2: node 0's zones, but fixed HIGH 7 (a watermarks override) -> min(3010, 7) = 7.
    const machine = {
      nodes: [
        { managedPages: 3010, zones },
        { managedPages: 100, zones: [] },
        { managedPages: 3010, zones },
      ],
      watermarks: [wm(182), wm(120), wm(7)],
    } as unknown as Machine;
    expect(totalreservePages(machine)).toBe(170 + 100 + 7);
  });
});

// No memmap or DMA reservation: every page of a node is managed (256 and 512 pages).
const base = (kernel: string, extra = '') => `
topology:
  struct_page_size: 0
  memory_below_4g: 0
  nodes:
    - { id: 0, cpus: 2, memory: 1MiB, device: dram, bandwidth: { write: 1GiB/s } }
    - { id: 1, cpus: 0, memory: 2MiB, device: pmem }
kernel: { version: '6.1', ${kernel} }
storage: { swap: { size: 1MiB }, read_ahead_kb: 128 }
run: { duration: 1ms, epoch: 1ms, seed: 5 }
${extra}
workload:
  files: [{ name: f, size: 256KiB }]
  tasks:
    - name: t
      cpus: [0, 1]
      regions:
        - { kind: anon, size: 256KiB }
`;
const sim = (kernel = '', extra = '') =>
  createSimulation(parseConfigText(base(kernel, extra), '/virtual/state.yaml').config);

describe('simParams: knobs in the units the code uses', () => {
  it('pages from sizes, ns from centisecs, the page-cluster window cap', () => {
    const p = sim(
      'page_cluster: 6, numa_balancing_scan_size_mb: 256, numa_balancing_promote_rate_limit_MBps: 100, dirty_expire_centisecs: 3000, dirty_writeback_centisecs: 500',
    ).s.params;
    expect(p.pageKiB).toBe(4);
    expect(p.swapPages).toBe(256); // 1 MiB of 4 KiB pages
    expect(p.readAheadPages).toBe(32); // 128 KiB
    expect(p.swapRaMaxPages).toBe(32); // 2^min(6, 5)
    expect(p.numa.scanPages).toBe(65536); // 256 MiB
    expect(p.numa.rateLimitPagesPerS).toBe(25600); // 100 MiB/s
    expect(p.dirty.expireNs).toBe(30e9);
    expect(p.dirty.writebackIntervalNs).toBe(5e9);
    // Copying a page into node 0 at 1 GiB/s: 4096 / 2^30 s = 3814.7 ns.
    expect(p.copyNsInto[0]).toBe(3815);
    expect(sim('page_cluster: 3').s.params.swapRaMaxPages).toBe(8);
    expect(sim('page_cluster: 0').s.params.swapRaMaxPages).toBe(1);
  });

  it('promotion patches by version unless given; lru_gen; per-PTE and unmapped costs fall back', () => {
    expect(sim().s.params.numa.patches).toBe(3);
    expect(sim('promotion_patches: 1').s.params.numa.patches).toBe(1);
    const old = createSimulation(
      parseConfigText(base('').replace("'6.1'", "'6.0'"), '/virtual/state.yaml').config,
    );
    expect(old.s.params.numa.patches).toBe(0);
    const off = sim().s.params;
    expect(off.lruGen).toBe(false);
    expect(off.lruGenMinTtlMs).toBe(0);
    expect(off.lruGenWalkNs).toBe(off.reclaimScanNs);
    expect(off.migrateUnmappedNs).toBe(off.migrateFixedNs);
    const on = sim(
      'lru_gen: { enabled: true, min_ttl_ms: 250 }',
      'costs: { reclaim_scan_per_page: 70ns, lru_gen_walk_per_pte: 9ns, migrate_per_page: 2us, migrate_unmapped_per_page: 1500ns }',
    ).s.params;
    expect(on.lruGen).toBe(true);
    expect(on.lruGenMinTtlMs).toBe(250);
    expect(on.lruGenWalkNs).toBe(9);
    expect(on.reclaimScanNs).toBe(70);
    expect(on.migrateFixedNs).toBe(2000);
    expect(on.migrateUnmappedNs).toBe(1500);
  });

  it('simParams of the config gives the params the simulation runs with', () => {
    const s = sim().s;
    const config = parseConfigText(base(''), '/virtual/state.yaml').config;
    expect(simParams(config, s.machine)).toEqual({ ...s.params, pageTables: true });
  });
});

describe('attachState views and initState', () => {
  it('each view spans its rows: nodes, CPUs, frames, pages; the generation views only with lru_gen', () => {
    for (const lruGen of [false, true]) {
      const s = sim(lruGen ? 'lru_gen: { enabled: true }' : '').s;
      const l = s.layout;
      expect(l.nodes).toBe(2);
      expect(l.cpus).toBe(2);
      expect(l.totalFrames).toBe(256 + 512);
      expect(s.framePage.length).toBe(768);
      expect(s.frameScanMs.length).toBe(768);
      expect(s.lruNext.length).toBe(768);
      expect(s.nodeWords.length).toBe(2 * NODE_WORDS);
      expect(s.counters.length).toBe(2 * NR_COUNTERS);
      expect(s.accessMatrix.length).toBe(4);
      expect(s.cpuWords.length).toBe(2 * CPU_WORDS);
      expect(s.prng.length).toBe((2 + 2) * PRNG_WORDS);
      expect(s.pte.length).toBe(l.pages);
      expect(s.rings.length).toBe(2 * RINGS_PER_NODE);
      expect(s.frameGen.length).toBe(lruGen ? 768 : 0);
      expect(s.lruGenWords.length).toBe(lruGen ? 2 * LRU_GEN_NODE_WORDS : 0);
      expect(s.lruGenBloom.length).toBe(lruGen ? 2 * 2 * lruGenPmds(l.pages) : 0);
    }
  });

  it('initState: node ranges, empty lists, free counts, chunk owners, PRNG streams', () => {
    const s = sim().s;
    // Node 0: frames 0..255, node 1: 256..767 (chunk 2^8: the smaller node's 256 pages).
    expect(s.layout.frameShift).toBe(8);
    expect([s.nodeWords[W_FRAME_START], s.nodeWords[W_FRAME_END]]).toEqual([0, 256]);
    expect([s.nodeWords[NODE_WORDS + W_FRAME_START], s.nodeWords[NODE_WORDS + W_FRAME_END]]).toEqual([
      256, 768,
    ]);
    expect(s.nodeWords[NODE_WORDS + W_BUMP]).toBe(256);
    expect(s.nodeWords[NODE_WORDS + W_FREE_HEAD]).toBe(-1);
    for (let lru = 0; lru < 4; lru++) {
      expect(s.nodeWords[NODE_WORDS + W_LRU_HEAD + lru]).toBe(-1);
      expect(s.nodeWords[NODE_WORDS + W_LRU_TAIL + lru]).toBe(-1);
    }
    expect(Array.from(s.chunkNode.subarray(0, 3))).toEqual([0, 1, 1]); // 8-byte buffer floor beyond
    expect(s.cpuWords[C_NEXT_SEQUENTIAL]).toBe(-1);
    expect(s.cpuWords[CPU_WORDS + C_NEXT_SEQUENTIAL]).toBe(-1);
    // Streams: CPU c is stream c, node n stream 2^16 + n, of seed 5.
    const want = new Uint32Array(4 * PRNG_WORDS);
    seedStream(want, 0, 5, 0);
    seedStream(want, PRNG_WORDS, 5, 1);
    seedStream(want, 2 * PRNG_WORDS, 5, 1 << 16);
    seedStream(want, 3 * PRNG_WORDS, 5, (1 << 16) + 1);
    expect(Array.from(s.prng)).toEqual(Array.from(want));
  });

  it('initState: the non-movable pool is the top frames; watermarks as given, ordered or refused', () => {
    const s = createSimulation(
      parseConfigText(
        base('').replace(
          'bandwidth: { write: 1GiB/s } }',
          'bandwidth: { write: 1GiB/s }, unmovable_free_pages: 16, watermarks: { min: 8, low: 8, high: 8 } }',
        ),
        '/virtual/state.yaml',
      ).config,
    ).s;
    expect(s.layout.unmovableStart[0]).toBe(240);
    expect(s.nodeWords[W_UNMOVABLE_FREE]).toBe(16);
    expect(s.nodeWords[W_UNMOV_NEVER_USED]).toBe(16);
    expect(s.nodeWords[NODE_WORDS + W_UNMOVABLE_FREE]).toBe(0);
    expect(s.nodeWords[W_FREE]).toBe(256);
    // min = low = high passes the order check.
    expect([W_WMARK_MIN, W_WMARK_LOW, W_WMARK_HIGH].map((k) => s.nodeWords[k])).toEqual([8, 8, 8]);
    expect(s.nodeWords[W_WMARK_PROMO]).toBe(s.machine.watermarks[0].promo);
    const marks = s.machine.watermarks as { min: number; low: number; high: number; promo: number }[];
    for (const bad of [
      { min: -1, low: 8, high: 8, promo: 8 },
      { min: 9, low: 8, high: 8, promo: 8 },
      { min: 8, low: 9, high: 8, promo: 9 },
      { min: 8, low: 8, high: 9, promo: 8 },
    ]) {
      marks[0] = bad;
      expect(() => initState(s), JSON.stringify(bad)).toThrow('state: watermarks not ordered');
    }
    marks[0] = { min: 8, low: 8, high: 8, promo: 8 };
    expect(() => initState(s)).not.toThrow();
  });
});
