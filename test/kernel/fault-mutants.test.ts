/**
 * Page faults (kernel/fault.ts) where the mutation run found them untested, each traced by hand.
 * The machine: two DRAM nodes with one CPU each (node 0: loads 80 ns, stores 120 ns; node 1:
 * 90 ns and 130 ns, so local latencies and load/store can be told apart), 64 frames each; file f
 * = page ids 0..63, the task's anon region 64..127; minor and hint faults 1 us; disk and swap
 * are nvme (80 us + pages * 4096 B / 3 GB/s per read). Most checks run on CPU 1 (node 1), so a
 * counter row, hash base or CPU word taken for node or CPU 0 shows.
 *
 * - handle_mm_fault's counting: a zero-fill anon fault is minor (pgfault only); a mmap fault that
 *   reads the page cache is major (pgfault + pgmajfault); a read() miss is no fault (pgpgin,
 *   tiersim_read_miss, tiersim_readahead_pages); a swap-in (do_swap_page) is major and counts
 *   pswpin per page read and swap_ra per page read ahead; a swap-cache hit is minor (swap_ra_hit);
 *   a hint fault counts pgfault and numa_hint_faults (and _local for a page on the CPU's node).
 * - the access phase's per-CPU fault hash: a page faulted this epoch costs the local load
 *   latency after that; a first store after a load costs the store latency and queues one more
 *   record (so the place step dirties the page); a read() queues mark_page_accessed at most
 *   twice; the hash stops remembering at half full.
 * - the place phase: what a fault, a read(), a readahead, a swap-in and a populate leave in the
 *   page's PTE, young/dirty/referenced bits and swap slot (should_try_to_free_swap).
 */
import { describe, expect, it } from 'vitest';
import {
  handleFileDirty,
  handleHintFault,
  handleMiss,
  handleReadAccess,
  placeFaults,
  populatePages,
} from '../../src/kernel/fault.js';
import { refreshSwapView, swapUsedPages } from '../../src/kernel/swap.js';
import { swapRaHit } from '../../src/kernel/swapcache.js';
import { reclaimPages } from '../../src/kernel/vmscan.js';
import {
  GEN_MASK,
  G_MAX_SEQ,
  G_MIN_SEQ,
  GEN_WORDS,
  LRU_GEN_FILE,
  genOfSeq,
} from '../../src/kernel/mglru/lrugen.js';
import { packShadow, pteOfShadow } from '../../src/kernel/workingset.js';
import {
  FRAME_DIRTY,
  PG_ACTIVE,
  PG_REFERENCED,
  PG_SWAPCACHE,
  PG_WORKINGSET,
} from '../../src/memory/flags.js';
import {
  CPU_WORDS,
  C_CLOCK,
  C_HASH_USED,
  C_NR_DIRTIED,
  NODE_WORDS,
  RING_FAULT,
  W_ANON_PAGES,
  W_FILE_DIRTY,
  W_FILE_PAGES,
  W_NONRESIDENT_AGE,
  W_SHMEM_PAGES,
} from '../../src/memory/layout.js';
import { isShadowPte, isSwapCachePte } from '../../src/memory/pte.js';
import { ringOf } from '../../src/memory/state.js';
import type { Simulation } from '../../src/engine/simulation.js';
import { counter, nodeOf, place, range, scenario, type ScenarioOptions } from './scenario.js';

const NODES = `    - { id: 0, cpus: 1, memory: 256KiB, device: dram, latency: { read: 80ns, write: 120ns }, watermarks: { min: 4, low: 8, high: 12 } }
    - { id: 1, cpus: 1, memory: 256KiB, device: dram, latency: { read: 90ns, write: 130ns }, watermarks: { min: 4, low: 8, high: 12 } }`;

/** The two-node machine, task t on CPUs 0 and 1. */
const machine = (o: ScenarioOptions = {}) => scenario({ nodes: NODES, cpus: [0, 1], demotion: false, ...o });

const CPU = 1;
const NID = 1;
const LOAD = 0;
const STORE = 1;
const READ = 2;
const WRITE = 3;

/** nvme read of `pages` pages on an idle device, ns. */
const nvmeRead = (pages: number) => Math.round(80_000 + ((pages * 4096) / 3e9) * 1e9);

const frameOf = (sim: Simulation, page: number) => sim.s.pte[page] - 1;
const records = (sim: Simulation, nid = NID) => ringOf(sim.s, nid, RING_FAULT).size();
const c = (sim: Simulation, name: Parameters<typeof counter>[2]) => counter(sim, NID, name);
const word = (sim: Simulation, w: number, nid = NID) => sim.s.nodeWords[nid * NODE_WORDS + w];
const cpuWord = (sim: Simulation, w: number, cpu = CPU) => sim.s.cpuWords[cpu * CPU_WORDS + w];
/** CPU 1 misses `page` (whose PTE is read now) with `kind`. */
const miss = (sim: Simulation, page: number, kind = LOAD) =>
  handleMiss(sim.s, CPU, NID, page, kind, sim.s.pte[page]);

describe('anonymous zero-fill faults and the per-CPU fault hash', () => {
  it('minor (1 us, pgfault); then the local load latency, a first store the store latency and a record', () => {
    const sim = machine();
    const s = sim.s;
    expect(miss(sim, 64)).toBe(1000);
    expect([c(sim, 'pgfault'), c(sim, 'pgmajfault'), c(sim, 'tiersim_fault_ns')]).toEqual([1, 0, 1000]);
    expect(cpuWord(sim, C_HASH_USED)).toBe(1);
    // Again this epoch: mapped already, a load at node 1's 90 ns, nothing queued or counted.
    expect(miss(sim, 64)).toBe(90);
    expect(records(sim)).toBe(1);
    // The first store: 130 ns and one more record (for the dirty bit); the next store 90 ns.
    expect(miss(sim, 64, STORE)).toBe(130);
    expect(records(sim)).toBe(2);
    expect(miss(sim, 64, STORE)).toBe(90);
    expect(records(sim)).toBe(2);
    expect([c(sim, 'pgfault'), c(sim, 'tiersim_fault_ns')]).toEqual([1, 1000]);
    expect(counter(sim, 0, 'pgfault')).toBe(0);
    placeFaults(s, sim.ctx);
    expect(nodeOf(sim, 64)).toBe(NID);
    const f = frameOf(sim, 64);
    expect([s.frameYoung[f], s.frameDirty[f]]).toEqual([1, 1]);
    // An anon page's dirty bit, not folio_mark_dirty: no nr_dirtied, no NR_FILE_DIRTY.
    expect([c(sim, 'nr_dirtied'), word(sim, W_FILE_DIRTY)]).toEqual([0, 0]);
    expect([word(sim, W_ANON_PAGES), word(sim, W_FILE_PAGES)]).toEqual([1, 0]);
    expect(records(sim)).toBe(0);
  });

  it('a load fault alone leaves the page young and clean; a store fault young and dirty', () => {
    const sim = machine();
    const s = sim.s;
    miss(sim, 80, LOAD);
    miss(sim, 81, STORE);
    placeFaults(s, sim.ctx);
    expect([s.frameYoung[frameOf(sim, 80)], s.frameDirty[frameOf(sim, 80)]]).toEqual([1, 0]);
    expect([s.frameYoung[frameOf(sim, 81)], s.frameDirty[frameOf(sim, 81)]]).toEqual([1, 1]);
    expect(c(sim, 'pgfault')).toBe(2);
  });

  it('every page is found as itself whatever slot it probed to', () => {
    const sim = machine();
    for (let p = 64; p < 128; p++) expect(miss(sim, p)).toBe(1000);
    for (let p = 64; p < 128; p++) expect(miss(sim, p)).toBe(90);
    expect(c(sim, 'pgfault')).toBe(64);
    expect(cpuWord(sim, C_HASH_USED)).toBe(64);
  });

  it('at half full the hash remembers no more pages: each access faults again', () => {
    const sim = machine();
    const half = sim.s.layout.faultHashSize / 2;
    sim.s.cpuWords[CPU * CPU_WORDS + C_HASH_USED] = half - 1;
    expect(miss(sim, 70)).toBe(1000);
    expect(miss(sim, 70)).toBe(90);
    expect(cpuWord(sim, C_HASH_USED)).toBe(half);
    expect(miss(sim, 71)).toBe(1000);
    expect(miss(sim, 71)).toBe(1000);
    expect(cpuWord(sim, C_HASH_USED)).toBe(half);
    expect([c(sim, 'pgfault'), records(sim)]).toEqual([3, 3]);
  });

  it('a full fault ring (fault_batch_max 16) refuses the 17th record: -1 and tiersim_fault_stall', () => {
    const sim = machine({ costs: 'fault_batch_max: 16' });
    for (let i = 0; i < 16; i++) expect(miss(sim, 64 + i)).toBe(1000);
    expect(miss(sim, 100)).toBe(-1);
    expect([c(sim, 'tiersim_fault_stall'), c(sim, 'pgfault')]).toEqual([1, 16]);
    // Not remembered either: once the place step drained the ring, it faults for real.
    placeFaults(sim.s, sim.ctx);
    expect(sim.s.pte[100]).toBe(0);
    expect(miss(sim, 100)).toBe(1000);
  });
});

describe('page-cache misses', () => {
  it('an mmap fault reads around (8 pages, [16, 24) for page 20) minus what is cached: major', () => {
    const sim = machine({ readAheadKb: 32 });
    const s = sim.s;
    place(sim, [17], NID);
    const cached = frameOf(sim, 17);
    const ns = miss(sim, 20);
    expect(ns).toBe(nvmeRead(7));
    expect([c(sim, 'pgfault'), c(sim, 'pgmajfault'), c(sim, 'pgpgin')]).toEqual([1, 1, 7 * 4]);
    expect([c(sim, 'tiersim_read_miss'), c(sim, 'tiersim_readahead_pages')]).toEqual([0, 0]);
    expect(c(sim, 'tiersim_fault_ns')).toBe(ns);
    // The window's pages are remembered: this CPU's load of 21 is now a plain load ...
    expect(miss(sim, 21)).toBe(90);
    // ... and its first read() of one queues a mark_page_accessed, once.
    expect(miss(sim, 22, READ)).toBe(90);
    expect(miss(sim, 22, READ)).toBe(90);
    expect(records(sim)).toBe(2);
    placeFaults(s, sim.ctx);
    // The faulting page is mapped young, the others read ahead (cached, not young), 17 kept.
    expect(s.frameYoung[frameOf(sim, 20)]).toBe(1);
    for (const p of [16, 18, 19, 21, 22, 23]) {
      expect(s.pte[p]).toBeGreaterThan(0);
      expect(s.frameYoung[frameOf(sim, p)]).toBe(0);
    }
    expect(s.frameFlags[frameOf(sim, 22)] & PG_REFERENCED).toBe(PG_REFERENCED);
    expect(s.frameFlags[frameOf(sim, 21)] & PG_REFERENCED).toBe(0);
    expect(frameOf(sim, 17)).toBe(cached);
    expect([s.pte[15], s.pte[24]]).toEqual([0, 0]);
    expect(word(sim, W_FILE_PAGES)).toBe(8);
  });

  it('page 0 (hash slot 0): remembered like any other', () => {
    const sim = machine({ readAheadKb: 32 });
    // [0, 8): centred at 0 - 4, cut at the file start.
    expect(miss(sim, 0)).toBe(nvmeRead(8));
    expect(miss(sim, 0)).toBe(90);
    expect(c(sim, 'pgmajfault')).toBe(1);
  });

  it('a page this CPU already read this epoch is not read again by a later window', () => {
    const sim = machine({ readAheadKb: 32 });
    // read() of 0: no stream yet, the page alone; then a mmap fault at 4: [0, 8) without 0.
    expect(miss(sim, 0, READ)).toBe(nvmeRead(1));
    expect(miss(sim, 4)).toBe(nvmeRead(7));
    expect(c(sim, 'pgpgin')).toBe(8 * 4);
  });

  it("the region's advice: POSIX_FADV_RANDOM reads the faulting page alone", () => {
    const sim = machine({ readAheadKb: 32, fileAdvice: 'random' });
    expect(miss(sim, 20)).toBe(nvmeRead(1));
    placeFaults(sim.s, sim.ctx);
    expect([sim.s.pte[19], sim.s.pte[21]]).toEqual([0, 0]);
  });

  it('read() misses are no faults: pgpgin, tiersim_read_miss and the pages read ahead', () => {
    const sim = machine({ readAheadKb: 32, fileAccess: 'read' });
    const s = sim.s;
    // No stream yet: page 10 alone; then sequential: the initial window, 11..14, in one read.
    expect(miss(sim, 10, READ)).toBe(nvmeRead(1));
    placeFaults(s, sim.ctx);
    expect(miss(sim, 11, READ)).toBe(nvmeRead(4));
    placeFaults(s, sim.ctx);
    expect([c(sim, 'pgfault'), c(sim, 'pgmajfault')]).toEqual([0, 0]);
    expect([c(sim, 'tiersim_read_miss'), c(sim, 'tiersim_readahead_pages'), c(sim, 'pgpgin')]).toEqual([
      2,
      3,
      5 * 4,
    ]);
    // read() maps nothing and marks the page it read accessed; the readahead is untouched.
    for (const p of [10, 11]) {
      expect(s.frameYoung[frameOf(sim, p)]).toBe(0);
      expect(s.frameFlags[frameOf(sim, p)] & PG_REFERENCED).toBe(PG_REFERENCED);
    }
    for (const p of [12, 13, 14]) {
      expect(s.frameFlags[frameOf(sim, p)] & PG_REFERENCED).toBe(0);
      expect(s.frameYoung[frameOf(sim, p)]).toBe(0);
    }
  });

  it('a write() miss dirties the new page through folio_mark_dirty, unmapped and unreferenced', () => {
    const sim = machine({ fileAccess: 'read' });
    const s = sim.s;
    place(sim, [31], NID, { dirty: true });
    miss(sim, 30, WRITE);
    placeFaults(s, sim.ctx);
    const f = frameOf(sim, 30);
    expect(s.frameDirty[f]).toBe(FRAME_DIRTY);
    expect([word(sim, W_FILE_DIRTY), c(sim, 'nr_dirtied'), cpuWord(sim, C_NR_DIRTIED)]).toEqual([2, 2, 1]);
    expect([s.frameYoung[f], s.frameFlags[f] & PG_REFERENCED]).toEqual([0, 0]);
    // No fdatasync on this file: the other dirty page stays dirty.
    expect(s.frameDirty[frameOf(sim, 31)]).toBe(FRAME_DIRTY);
  });

  it('an mmap store fault on a file page maps it young and dirties it once', () => {
    const sim = machine();
    const s = sim.s;
    miss(sim, 40, STORE);
    placeFaults(s, sim.ctx);
    const f = frameOf(sim, 40);
    expect([s.frameYoung[f], s.frameDirty[f]]).toEqual([1, FRAME_DIRTY]);
    expect([c(sim, 'nr_dirtied'), word(sim, W_FILE_DIRTY)]).toEqual([1, 1]);
  });

  it('a read-around over evicted pages brings them back into the page cache, not the swap cache', () => {
    const sim = machine({ readAheadKb: 32 });
    const s = sim.s;
    place(sim, range(16, 8), NID);
    reclaimPages(s, sim.ctx, 16, 24, NID);
    for (let p = 16; p < 24; p++) expect(s.pte[p]).toBeLessThanOrEqual(0);
    expect(miss(sim, 20)).toBe(nvmeRead(8));
    placeFaults(s, sim.ctx);
    for (let p = 16; p < 24; p++) expect(s.pte[p]).toBeGreaterThan(0);
    expect(word(sim, W_FILE_PAGES)).toBe(8);
  });
});

describe('read() of present pages: mark_page_accessed queued at most twice per epoch', () => {
  it('the first referenced, the second activates, the third is dropped', () => {
    const sim = machine({ fileAccess: 'read' });
    place(sim, [5], NID);
    for (const n of [1, 2, 2]) {
      expect(handleReadAccess(sim.s, CPU, NID, 5)).toBe(0);
      expect(records(sim)).toBe(n);
    }
    placeFaults(sim.s, sim.ctx);
    expect(sim.s.frameFlags[frameOf(sim, 5)] & PG_ACTIVE).toBe(PG_ACTIVE);
    expect(c(sim, 'pgactivate')).toBe(1);
  });

  it('page 0 (hash slot 0) likewise', () => {
    const sim = machine({ fileAccess: 'read' });
    place(sim, [0], NID);
    for (let i = 0; i < 3; i++) handleReadAccess(sim.s, CPU, NID, 0);
    expect(records(sim)).toBe(2);
  });

  it('at half the hash a new page is not marked; just below it is', () => {
    const sim = machine({ fileAccess: 'read' });
    const s = sim.s;
    place(sim, [5, 6], NID);
    const half = s.layout.faultHashSize / 2;
    s.cpuWords[CPU * CPU_WORDS + C_HASH_USED] = half;
    expect(handleReadAccess(s, CPU, NID, 5)).toBe(0);
    expect(records(sim)).toBe(0);
    s.cpuWords[CPU * CPU_WORDS + C_HASH_USED] = half - 1;
    expect(handleReadAccess(s, CPU, NID, 6)).toBe(0);
    expect(records(sim)).toBe(1);
    expect(cpuWord(sim, C_HASH_USED)).toBe(half);
    placeFaults(s, sim.ctx);
    expect(s.frameFlags[frameOf(sim, 6)] & PG_REFERENCED).toBe(PG_REFERENCED);
    expect(s.frameFlags[frameOf(sim, 5)] & PG_REFERENCED).toBe(0);
  });

  it('a full ring: -1', () => {
    const sim = machine({ fileAccess: 'read', costs: 'fault_batch_max: 16' });
    place(sim, [5], NID);
    for (let i = 0; i < 16; i++) miss(sim, 64 + i);
    expect(handleReadAccess(sim.s, CPU, NID, 5)).toBe(-1);
    expect(c(sim, 'tiersim_fault_stall')).toBe(1);
  });
});

describe('stores to present clean page-cache pages (folio_mark_dirty queued)', () => {
  it('once per CPU and page per epoch', () => {
    const sim = machine({ fileAccess: 'read' });
    place(sim, [7], NID);
    expect(handleFileDirty(sim.s, CPU, NID, 7)).toBe(0);
    expect(handleFileDirty(sim.s, CPU, NID, 7)).toBe(0);
    expect(records(sim)).toBe(1);
    placeFaults(sim.s, sim.ctx);
    expect(sim.s.frameDirty[frameOf(sim, 7)]).toBe(FRAME_DIRTY);
    expect([c(sim, 'nr_dirtied'), word(sim, W_FILE_DIRTY), cpuWord(sim, C_NR_DIRTIED)]).toEqual([1, 1, 1]);
  });

  it('page 0 (hash slot 0) likewise', () => {
    const sim = machine({ fileAccess: 'read' });
    place(sim, [0], NID);
    handleFileDirty(sim.s, CPU, NID, 0);
    handleFileDirty(sim.s, CPU, NID, 0);
    expect(records(sim)).toBe(1);
  });

  it('a page read() this epoch and then written is still dirtied', () => {
    const sim = machine({ fileAccess: 'read' });
    place(sim, [7], NID);
    handleReadAccess(sim.s, CPU, NID, 7);
    handleFileDirty(sim.s, CPU, NID, 7);
    expect(records(sim)).toBe(2);
    placeFaults(sim.s, sim.ctx);
    expect(sim.s.frameDirty[frameOf(sim, 7)]).toBe(FRAME_DIRTY);
  });

  it('a page evicted before the place step is not dirtied (nothing counted)', () => {
    const sim = machine({ fileAccess: 'read' });
    place(sim, [7], NID);
    handleFileDirty(sim.s, CPU, NID, 7);
    reclaimPages(sim.s, sim.ctx, 7, 8, NID);
    expect(sim.s.pte[7]).toBeLessThan(0);
    placeFaults(sim.s, sim.ctx);
    expect([c(sim, 'nr_dirtied'), word(sim, W_FILE_DIRTY), cpuWord(sim, C_NR_DIRTIED)]).toEqual([0, 0, 0]);
  });
});

describe('NUMA hint faults', () => {
  it('pgfault + numa_hint_faults, _local only for a page on the CPU node; once per page and epoch', () => {
    const sim = machine();
    const s = sim.s;
    place(sim, [70], NID);
    place(sim, [71], 0);
    expect(handleHintFault(s, CPU, NID, frameOf(sim, 70), 70, 0, NID)).toBe(1000);
    expect(handleHintFault(s, CPU, NID, frameOf(sim, 71), 71, 0, 0)).toBe(1000);
    expect(handleHintFault(s, CPU, NID, frameOf(sim, 71), 71, 0, 0)).toBe(0);
    expect([c(sim, 'pgfault'), c(sim, 'numa_hint_faults'), c(sim, 'numa_hint_faults_local')]).toEqual([
      2, 2, 1,
    ]);
    expect(c(sim, 'tiersim_fault_ns')).toBe(2000);
    expect(records(sim)).toBe(2);
  });

  it('page 0 (hash slot 0): once per epoch', () => {
    const sim = machine();
    place(sim, [0], NID);
    expect(handleHintFault(sim.s, CPU, NID, frameOf(sim, 0), 0, 0, NID)).toBe(1000);
    expect(handleHintFault(sim.s, CPU, NID, frameOf(sim, 0), 0, 0, NID)).toBe(0);
  });
});

describe('swap-in (do_swap_page, swapin_readahead) and the swap cache', () => {
  /** Anon pages [first, first + n) on node 1, then swapped out. */
  function swapped(first: number, n: number, o: ScenarioOptions = {}): Simulation {
    const sim = machine({ swap: '1MiB', ...o });
    place(sim, range(first, n), NID);
    refreshSwapView(sim.s);
    reclaimPages(sim.s, sim.ctx, first, first + n, NID);
    refreshSwapView(sim.s);
    for (let p = first; p < first + n; p++) expect(isShadowPte(sim.s.pte[p])).toBe(true);
    return sim;
  }

  it('major, then a forward window of 2; a read-ahead page is a minor swap-cache hit, then a plain load', () => {
    const sim = swapped(96, 16);
    const s = sim.s;
    // No previous fault next to it, no hits: the page alone.
    expect(miss(sim, 100)).toBe(nvmeRead(1));
    expect([c(sim, 'pswpin'), c(sim, 'pgmajfault'), c(sim, 'pgfault'), c(sim, 'pgpgin')]).toEqual([
      1, 1, 1, 4,
    ]);
    expect([c(sim, 'swap_ra'), c(sim, 'tiersim_fault_ns')]).toEqual([0, nvmeRead(1)]);
    // The page after: 2 pages forward, [101, 103), 102 read ahead.
    expect(miss(sim, 101)).toBe(nvmeRead(2));
    expect([c(sim, 'pswpin'), c(sim, 'swap_ra'), c(sim, 'pgmajfault')]).toEqual([3, 1, 2]);
    expect(c(sim, 'tiersim_fault_ns')).toBe(nvmeRead(1) + nvmeRead(2));
    // 102: in the swap cache already, a minor fault; then mapped. Its readahead hit is counted
    // when the place step maps it (once per page, whichever CPUs faulted it).
    expect(miss(sim, 102)).toBe(1000);
    expect([c(sim, 'swap_ra_hit'), c(sim, 'pgfault'), c(sim, 'pgmajfault')]).toEqual([0, 3, 2]);
    expect(c(sim, 'tiersim_fault_ns')).toBe(nvmeRead(1) + nvmeRead(2) + 1000);
    expect(miss(sim, 102)).toBe(90);
    expect(counter(sim, 0, 'pgfault')).toBe(0);
    placeFaults(s, sim.ctx);
    expect(c(sim, 'swap_ra_hit')).toBe(1);
    for (const p of [100, 101, 102]) {
      expect(nodeOf(sim, p)).toBe(NID);
      const f = frameOf(sim, p);
      // Mapped young by a load; swap not half full: each keeps its slot in the swap cache.
      expect([s.frameYoung[f], s.frameDirty[f], s.frameFlags[f] & PG_SWAPCACHE]).toEqual([
        1,
        0,
        PG_SWAPCACHE,
      ]);
    }
    expect(swapUsedPages(s)).toBe(16);
    expect(isShadowPte(s.pte[103])).toBe(true);
  });

  it('a store swap-in drops the slot (should_try_to_free_swap): dirty, out of the swap cache', () => {
    const sim = swapped(96, 16);
    miss(sim, 105, STORE);
    placeFaults(sim.s, sim.ctx);
    const f = frameOf(sim, 105);
    expect([sim.s.frameDirty[f], sim.s.frameFlags[f] & PG_SWAPCACHE]).toEqual([1, 0]);
    expect(swapUsedPages(sim.s)).toBe(15);
  });

  it('a store to a read-ahead swap-cache page maps it dirty and drops its slot', () => {
    const sim = swapped(96, 16);
    miss(sim, 100);
    miss(sim, 101);
    expect(miss(sim, 102, STORE)).toBe(1000);
    placeFaults(sim.s, sim.ctx);
    const f = frameOf(sim, 102);
    expect([sim.s.frameYoung[f], sim.s.frameDirty[f], sim.s.frameFlags[f] & PG_SWAPCACHE]).toEqual([1, 1, 0]);
    expect(swapUsedPages(sim.s)).toBe(15);
  });

  it('a backward window after a fault on the page after: [108, 110) for 109 after 110', () => {
    const sim = swapped(96, 16);
    miss(sim, 110);
    expect(miss(sim, 109)).toBe(nvmeRead(2));
    placeFaults(sim.s, sim.ctx);
    expect(isSwapCachePte(sim.s.pte[108])).toBe(true);
    expect([nodeOf(sim, 109), nodeOf(sim, 110)]).toEqual([NID, NID]);
    expect(isShadowPte(sim.s.pte[107])).toBe(true);
    expect(isShadowPte(sim.s.pte[111])).toBe(true);
  });

  it('only swapped pages are read: a window over a never-touched page leaves it alone', () => {
    const sim = swapped(96, 16);
    miss(sim, 110);
    // [111, 113): 112 was never touched.
    expect(miss(sim, 111)).toBe(nvmeRead(1));
    expect([c(sim, 'pswpin'), c(sim, 'swap_ra')]).toEqual([2, 0]);
    placeFaults(sim.s, sim.ctx);
    expect(sim.s.pte[112]).toBe(0);
  });

  it("a window at the region's first page: [64, 69) after three hits, swapped pages only", () => {
    // 64..66 swapped, 67 and 68 never touched.
    const sim = swapped(64, 3);
    for (let i = 0; i < 3; i++) swapRaHit(sim.s, CPU, 20);
    // 3 + 2 = 5, rounded up to 8, centred at 64 - 3 and cut at the region start: [64, 69).
    expect(miss(sim, 64)).toBe(nvmeRead(3));
    expect([c(sim, 'pswpin'), c(sim, 'swap_ra')]).toEqual([3, 2]);
    placeFaults(sim.s, sim.ctx);
    expect([isSwapCachePte(sim.s.pte[65]), isSwapCachePte(sim.s.pte[66])]).toEqual([true, true]);
    expect([sim.s.pte[67], sim.s.pte[68]]).toEqual([0, 0]);
  });

  it('a page this CPU faulted earlier this epoch is not read again by a later window', () => {
    const sim = swapped(96, 16);
    miss(sim, 102);
    miss(sim, 100);
    // [101, 103): 102 is on its way in already.
    expect(miss(sim, 101)).toBe(nvmeRead(1));
    expect([c(sim, 'pswpin'), c(sim, 'swap_ra')]).toEqual([3, 0]);
  });

  it('a window reads only what the half-full hash can still remember', () => {
    const sim = swapped(96, 16);
    sim.s.cpuWords[CPU * CPU_WORDS + C_HASH_USED] = sim.s.layout.faultHashSize / 2 - 1;
    miss(sim, 100);
    // [101, 103), but 102 cannot be remembered: 101 alone.
    expect(miss(sim, 101)).toBe(nvmeRead(1));
    expect([c(sim, 'pswpin'), c(sim, 'swap_ra')]).toEqual([2, 0]);
    placeFaults(sim.s, sim.ctx);
    expect(isShadowPte(sim.s.pte[102])).toBe(true);
  });

  it('a swap-cache hit with the fault ring full: -1', () => {
    const sim = swapped(96, 16, { costs: 'fault_batch_max: 16' });
    miss(sim, 100);
    miss(sim, 101);
    for (let i = 0; i < 14; i++) expect(miss(sim, 64 + i)).toBe(1000);
    expect(miss(sim, 102)).toBe(-1);
    expect([c(sim, 'tiersim_fault_stall'), c(sim, 'swap_ra_hit')]).toEqual([1, 0]);
  });
});

describe('populatePages', () => {
  it('anon: each page faulted in young and dirty, one pgfault each on the CPU node; present pages skipped', () => {
    const sim = machine();
    const s = sim.s;
    place(sim, [65], NID);
    populatePages(s, sim.ctx, 64, 68, CPU);
    expect([c(sim, 'pgfault'), counter(sim, 0, 'pgfault')]).toEqual([3, 0]);
    for (const p of [64, 66, 67])
      expect([s.frameYoung[frameOf(sim, p)], s.frameDirty[frameOf(sim, p)]]).toEqual([1, 1]);
    expect(s.frameYoung[frameOf(sim, 65)]).toBe(0);
    expect(s.pte[68]).toBe(0);
    expect(word(sim, W_ANON_PAGES)).toBe(4);
  });

  it('page cache: no fault, not young, clean', () => {
    const sim = machine();
    const s = sim.s;
    populatePages(s, sim.ctx, 0, 4, CPU);
    expect(c(sim, 'pgfault')).toBe(0);
    for (let p = 0; p < 4; p++)
      expect([s.frameYoung[frameOf(sim, p)], s.frameDirty[frameOf(sim, p)]]).toEqual([0, 0]);
    expect(word(sim, W_FILE_PAGES)).toBe(4);
  });

  it('shmem written through write() (mapped false): unmapped, dirty, no fault; counted as shmem', () => {
    const sim = machine({ anonKind: 'shmem' });
    const s = sim.s;
    populatePages(s, sim.ctx, 64, 66, CPU, false);
    expect(c(sim, 'pgfault')).toBe(0);
    for (const p of [64, 65])
      expect([s.frameYoung[frameOf(sim, p)], s.frameDirty[frameOf(sim, p)]]).toEqual([0, 1]);
    expect(word(sim, W_SHMEM_PAGES)).toBe(2);
    expect(word(sim, W_SHMEM_PAGES, 0)).toBe(0);
  });
});

describe('allocation in the place step', () => {
  it('a fault that reclaims directly charges the stall to the CPU clock and tiersim_fault_ns alike', () => {
    const sim = machine({ task: 'policy: { mode: bind, nodes: [1] }' });
    const s = sim.s;
    // Node 1 down to its min watermark (4 free) with clean page cache, which reclaim can drop.
    place(sim, range(0, 60), NID);
    const clock = cpuWord(sim, C_CLOCK);
    expect(miss(sim, 64)).toBe(1000);
    const before = c(sim, 'tiersim_fault_ns');
    placeFaults(s, sim.ctx);
    const stall = cpuWord(sim, C_CLOCK) - clock;
    expect(stall).toBeGreaterThan(0);
    expect(c(sim, 'tiersim_fault_ns') - before).toBe(stall);
    expect(counter(sim, 0, 'tiersim_fault_ns')).toBe(0);
    expect(nodeOf(sim, 64)).toBe(NID);
  });

  it('no memory anywhere the policy allows: tiersim_alloc_fail on the CPU node, the page not mapped', () => {
    const sim = machine({ task: 'policy: { mode: bind, nodes: [1] }', anonSize: '512KiB' });
    // Anon ids 64..191. Node 1 full of anon memory, no swap: nothing to reclaim.
    place(sim, range(64, 64), NID);
    miss(sim, 150);
    placeFaults(sim.s, sim.ctx);
    expect(sim.s.pte[150]).toBe(0);
    expect([c(sim, 'tiersim_alloc_fail'), counter(sim, 0, 'tiersim_alloc_fail')]).toEqual([1, 0]);
  });
  it('a page-cache fault that finds no frame is counted once (no readahead retry of the page)', () => {
    const sim = machine({ task: 'policy: { mode: bind, nodes: [1] }' });
    place(sim, range(64, 64), NID);
    miss(sim, 10);
    placeFaults(sim.s, sim.ctx);
    expect(sim.s.pte[10]).toBe(0);
    expect(c(sim, 'tiersim_alloc_fail')).toBe(1);
  });

  it('a fault whose page-table page finds no frame is counted once, by the page-table step', () => {
    const sim = machine({ task: 'policy: { mode: bind, nodes: [1] }', anonSize: '512KiB', pageTables: true });
    place(sim, range(64, 64), NID);
    miss(sim, 150);
    placeFaults(sim.s, sim.ctx);
    expect(sim.s.pte[150]).toBe(0);
    expect(c(sim, 'tiersim_alloc_fail')).toBe(1);
  });
});

describe('refaults (workingset_refault, lru_gen_refault)', () => {
  it('classic LRU: a shadow within the workingset activates, a workingset one is restored too', () => {
    // No swap: a file refault compares with the active file list, 8 pages on node 1.
    const sim = machine();
    const s = sim.s;
    place(sim, range(20, 8), NID, { active: true });
    s.nodeWords[NID * NODE_WORDS + W_NONRESIDENT_AGE] = 1000;
    s.pte[5] = pteOfShadow(packShadow(NID, 1000 - 4, true));
    s.pte[6] = pteOfShadow(packShadow(NID, 1000 - 4, false));
    s.pte[7] = pteOfShadow(packShadow(NID, 1000 - 100, true));
    for (const p of [5, 6, 7]) miss(sim, p);
    placeFaults(s, sim.ctx);
    const flags = (p: number) => s.frameFlags[frameOf(sim, p)] & (PG_ACTIVE | PG_WORKINGSET);
    expect([flags(5), flags(6), flags(7)]).toEqual([PG_ACTIVE | PG_WORKINGSET, PG_ACTIVE, 0]);
  });

  it('MGLRU: a recent shadow refaulting in a fault is a workingset restore (PG_workingset)', () => {
    const sim = machine({ version: '6.1', kernel: 'lru_gen: { enabled: true }' });
    const s = sim.s;
    // min_seq 0 on a fresh node: token 0 is the current generation's.
    expect(s.lruGenWords[NID * GEN_WORDS + G_MIN_SEQ + LRU_GEN_FILE]).toBe(0);
    s.pte[5] = pteOfShadow(packShadow(NID, 0, false));
    miss(sim, 5);
    placeFaults(s, sim.ctx);
    expect(s.frameFlags[frameOf(sim, 5)] & PG_WORKINGSET).toBe(PG_WORKINGSET);
  });
});

describe('MGLRU placement of what the place step adds (lru_gen_in_fault)', () => {
  const genOf = (sim: Simulation, p: number) => (sim.s.frameGen[frameOf(sim, p)] & GEN_MASK) - 1;

  it('the faulting page joins the youngest generation (3), its read-around the second oldest (1)', () => {
    const sim = machine({ version: '6.1', kernel: 'lru_gen: { enabled: true }', readAheadKb: 32 });
    expect(sim.s.lruGenWords[NID * GEN_WORDS + G_MAX_SEQ]).toBe(3);
    miss(sim, 20);
    placeFaults(sim.s, sim.ctx);
    expect(genOf(sim, 20)).toBe(genOfSeq(3));
    for (const p of [16, 17, 18, 19, 21, 22, 23]) expect(genOf(sim, p)).toBe(genOfSeq(1));
  });

  it('shmem written by write() is added outside a fault: anon, so max_seq - 1 (2)', () => {
    const sim = machine({ version: '6.1', kernel: 'lru_gen: { enabled: true }', anonKind: 'shmem' });
    populatePages(sim.s, sim.ctx, 64, 66, CPU, false);
    populatePages(sim.s, sim.ctx, 66, 67, CPU);
    expect([genOf(sim, 64), genOf(sim, 65), genOf(sim, 66)]).toEqual([2, 2, 3]);
  });
});

describe('write() followed by fdatasync (a synced file)', () => {
  /** File f written with fdatasync after each write(), page 31 already dirty. */
  function synced(): Simulation {
    const sim = machine({ fileAccess: 'read' });
    (sim.s.plan.files[0] as { sync: boolean }).sync = true;
    place(sim, [31], NID, { dirty: true });
    return sim;
  }

  it('a write() miss syncs the file: the dirty pages are written; a read() miss does not', () => {
    const read = synced();
    miss(read, 10, READ);
    placeFaults(read.s, read.ctx);
    expect(read.s.frameDirty[frameOf(read, 31)]).toBe(FRAME_DIRTY);
    const written = synced();
    miss(written, 30, WRITE);
    placeFaults(written.s, written.ctx);
    expect(written.s.frameDirty[frameOf(written, 31)]).not.toBe(FRAME_DIRTY);
    expect(written.s.frameDirty[frameOf(written, 30)]).not.toBe(FRAME_DIRTY);
  });

  it('every write() to a present page is queued (each sync leaves it clean), and syncs', () => {
    const sim = synced();
    place(sim, [7], NID);
    expect(handleFileDirty(sim.s, CPU, NID, 7)).toBe(0);
    expect(handleFileDirty(sim.s, CPU, NID, 7)).toBe(0);
    expect(records(sim)).toBe(2);
    placeFaults(sim.s, sim.ctx);
    expect(sim.s.frameDirty[frameOf(sim, 7)]).not.toBe(FRAME_DIRTY);
    expect(sim.s.frameDirty[frameOf(sim, 31)]).not.toBe(FRAME_DIRTY);
    expect(c(sim, 'nr_dirtied')).toBe(3);
  });
});
