/**
 * computeLayout and allocateBuffers (src/memory/layout.ts) on a hand-made machine and plan, so
 * every size is worked out by hand: frame chunks from the smallest node, the non-movable pool's
 * first frame, the fault hash (twice the faults an epoch can take, a power of two, at most
 * 2^16), the migration record bound, the ring capacities and word offsets, and the bytes of each
 * shared buffer (8 at least).
 */
import { describe, expect, it } from 'vitest';
import {
  allocateBuffers,
  assertDisjointFields,
  bytesPerPage,
  computeLayout,
  CPU_WORDS,
  GLOBAL_WORDS,
  LRU_GEN_NODE_WORDS,
  NODE_WORDS,
  TASK_WORDS,
  writebackWords,
  type LayoutParams,
} from '../../src/memory/layout.js';
import type { Machine } from '../../src/topology/machine.js';
import type { WorkloadPlan } from '../../src/workload/plan.js';

const machine = (managed: number[], unmovableFree = managed.map(() => 0), cpus = 3) =>
  ({
    nodes: managed.map((managedPages) => ({ managedPages })),
    unmovableFree,
    cpuNode: Array.from({ length: cpus }, () => 0),
  }) as unknown as Machine;
const plan = (totalPages = 1000, files = 2, maxRegionsPerTask = 0) =>
  ({
    totalPages,
    maxRegionsPerTask,
    tasks: [],
    files: Array.from({ length: files }, () => ({})),
    pageSize: 4096,
  }) as unknown as WorkloadPlan;
const params = (o: Partial<LayoutParams> = {}): LayoutParams => ({
  faultBatchMax: 100,
  epochNs: 1_000_000,
  minorFaultNs: 1000,
  reclaimScanNs: 200,
  lruGen: false,
  ...o,
});

describe('computeLayout', () => {
  it('frames: chunks of 2^floor(log2(smallest node)), each node rounded up to whole chunks', () => {
    // Smallest 64 -> chunk 64: 100 -> 128, 300 -> 320, 64 -> 64.
    const l = computeLayout(machine([100, 300, 64], [10, 0, 500]), plan(), params());
    expect(l.frameShift).toBe(6);
    expect(l.frameStart).toEqual([0, 128, 448]);
    expect(l.totalFrames).toBe(512);
    expect(l.managedPages).toEqual([100, 300, 64]);
    // The pool is each node's top frames: 100 - 10, none, all 64 (500 capped at the node).
    expect(l.unmovableStart).toEqual([90, 428, 448]);
    expect([l.nodes, l.cpus, l.pages, l.tasks, l.files]).toEqual([3, 3, 1000, 0, 2]);
    expect(l.maxRegionsPerTask).toBe(1);
    expect(computeLayout(machine([100]), plan(1000, 2, 3), params()).maxRegionsPerTask).toBe(3);
    // 2^21 pages: the chunk stops at 2^20.
    expect(computeLayout(machine([2 ** 21]), plan(), params()).frameShift).toBe(20);
    // A node with no pages counts as 1 for the chunk (2^0): no log2(0).
    const empty = computeLayout(machine([0, 8]), plan(), params());
    expect([empty.frameShift, empty.totalFrames]).toEqual([0, 8]);
    expect(empty.frameStart).toEqual([0, 0]);
  });

  it('at most 2^30 frames and 2^30 pages', () => {
    expect(() => computeLayout(machine([2 ** 30]), plan(), params())).toThrow('more than 2^30 frames');
    expect(computeLayout(machine([2 ** 30 - 2 ** 20]), plan(), params()).totalFrames).toBe(2 ** 30 - 2 ** 20);
    expect(() => computeLayout(machine([64]), plan(2 ** 30 + 1), params())).toThrow('more than 2^30 pages');
    expect(computeLayout(machine([64]), plan(2 ** 30), params()).pages).toBe(2 ** 30);
  });

  it('the fault hash: 2 * (epoch / minor fault + 16) rounded up to a power of two, at most 2^16', () => {
    // 1 ms / 1 us = 1000 faults + 16 -> 2032 -> 2048.
    expect(computeLayout(machine([64]), plan(), params()).faultHashSize).toBe(2048);
    // 1008 + 16 = 1024 -> 2048 exactly: not doubled again.
    expect(computeLayout(machine([64]), plan(), params({ epochNs: 1_008_000 })).faultHashSize).toBe(2048);
    expect(computeLayout(machine([64]), plan(), params({ epochNs: 1_009_000 })).faultHashSize).toBe(4096);
    // A free minor fault counts as 1 ns: 10^6 faults, capped at 2^16.
    expect(computeLayout(machine([64]), plan(), params({ minorFaultNs: 0 })).faultHashSize).toBe(65536);
    // 1 us epochs: 1 + 16 = 17 -> 34 -> 64.
    expect(computeLayout(machine([64]), plan(), params({ epochNs: 1000 })).faultHashSize).toBe(64);
  });

  it('migration records: max(1024, scans an epoch + 64); rings sized for them', () => {
    // 1 ms / 200 ns = 5000 scans -> 5064.
    const l = computeLayout(machine([100, 300, 64]), plan(), params());
    expect(l.migrateMax).toBe(5064);
    expect(l.faultMax).toBe(100);
    // fault 100 -> 128; demote 5064 -> 8192; migrate and ack 3 * 5064 -> 16384; settle 8192.
    expect(l.ringCapacity).toEqual([128, 8192, 16384, 16384, 8192]);
    expect(l.ringRecordWords).toEqual([3, 9, 9, 9, 9]);
    // Ring words: a 32-word header + capacity * record words each.
    const sizes = [32 + 128 * 3, 32 + 8192 * 9, 32 + 16384 * 9, 32 + 16384 * 9, 32 + 8192 * 9];
    const perNode = sizes.reduce((a, b) => a + b, 0);
    expect(perNode).toBe(442912);
    expect(l.ringBase[0]).toEqual([0, 416, 74176, 221664, 369152]);
    expect(l.ringBase[1][0]).toBe(perNode);
    expect(l.ringBase[2][4]).toBe(2 * perNode + 369152);
    expect(l.ringWordsTotal).toBe(3 * perNode);
    // 1 ms scans free (as 1 ns): 10^6 + 64; 1 ms per page: 1 scan, so the floor of 1024.
    expect(computeLayout(machine([64]), plan(), params({ reclaimScanNs: 0 })).migrateMax).toBe(1_000_064);
    expect(computeLayout(machine([64]), plan(), params({ reclaimScanNs: 1e6 })).migrateMax).toBe(1024);
    expect(computeLayout(machine([64]), plan(), params({ reclaimScanNs: 1000 })).migrateMax).toBe(1064);
  });

  it('the writeback queue holds at least 4096 writes', () => {
    expect(computeLayout(machine([64]), plan(), params()).writebackQueueMax).toBe(4096);
    expect(computeLayout(machine([64]), plan(), params({ writebackQueueMax: 100 })).writebackQueueMax).toBe(
      4096,
    );
    expect(computeLayout(machine([64]), plan(), params({ writebackQueueMax: 5000 })).writebackQueueMax).toBe(
      5000,
    );
    expect(computeLayout(machine([64]), plan(), params({ lruGen: true })).lruGen).toBe(true);
  });
});

describe('allocateBuffers', () => {
  it('bytes per buffer for 3 nodes, 3 CPUs, 512 frames, 1000 pages', () => {
    const l = computeLayout(machine([100, 300, 64]), plan(), params());
    const b = allocateBuffers(l);
    const bytes = Object.fromEntries(
      Object.entries(b as unknown as Record<string, SharedArrayBuffer>).map(([k, v]) => [k, v.byteLength]),
    );
    expect(bytes).toEqual({
      framePage: 512 * 4,
      frameFlags: 512,
      frameYoung: 512,
      frameDirty: 512,
      frameAccessed: 512,
      frameScanMs: 512 * 4,
      taskWords: 8, // no task: the 8-byte floor
      lruPrev: 512 * 4,
      lruNext: 512 * 4,
      chunkNode: 8, // 512 / 64 chunks
      pte: 1000 * 4,
      nodeWords: 3 * NODE_WORDS * 8,
      counters: b.counters.byteLength,
      accessMatrix: 9 * 8,
      traffic: b.traffic.byteLength,
      cpuWords: 3 * CPU_WORDS * 8,
      prng: 6 * 4 * 4,
      batch: 3 * 4096 * 4,
      seqPos: 3 * 1 * 8,
      faultHash: 3 * 2048 * 4,
      rings: 3 * 442912 * 4,
      globalWords: GLOBAL_WORDS * 8,
      frameGen: 8,
      lruGenWords: 8,
      lruGenBloom: 8,
      writeback: (2 * 6 + 3 * 4096 * 3) * 8,
      pgtableFrame: 8,
    });
    expect(writebackWords(l)).toBe(2 * 6 + 3 * 4096 * 3);
    expect(TASK_WORDS).toBe(16);
    const g = allocateBuffers({ ...l, lruGen: true, tasks: 2 });
    expect(g.frameGen.byteLength).toBe(512);
    expect(g.lruGenWords.byteLength).toBe(3 * LRU_GEN_NODE_WORDS * 8);
    expect(g.lruGenBloom.byteLength).toBe(3 * 2 * 2); // ceil(1000 / 512) PMDs per filter
    expect(g.taskWords.byteLength).toBe(2 * 16 * 8);
    expect(bytesPerPage()).toBe(4);
  });

  it('below 8 frames the columns are padded to 8 bytes and the frame check is skipped', () => {
    const l = computeLayout(machine([4]), plan(4), params());
    expect(l.totalFrames).toBe(4);
    const b = allocateBuffers(l);
    expect(b.framePage.byteLength).toBe(16);
    expect(b.frameFlags.byteLength).toBe(8);
  });
});

describe('assertDisjointFields', () => {
  it('rejects empty or fractional fields and overlap inside a field', () => {
    expect(() => assertDisjointFields([[0, 0]], 4, 'empty')).toThrow('empty');
    expect(() => assertDisjointFields([[1.5, 1]], 4, 'fraction')).toThrow('fraction');
    expect(() =>
      assertDisjointFields(
        [
          [1, 2],
          [2, 1],
        ],
        4,
        'second word',
      ),
    ).toThrow('second word');
    expect(() =>
      assertDisjointFields(
        [
          [0, 2],
          [2, 2],
        ],
        4,
        'x',
      ),
    ).not.toThrow();
  });
});
