/**
 * The multi-gen LRU's aging (src/kernel/mglru/aging.ts), the parts the mutation run found
 * unpinned, on the scenario machine with kernel 6.1 and lru_gen (max_seq 3, min_seq 0/0; a file
 * page placed outside a fault goes to seq 1, an anon page to seq 2). Expected values from
 * mm/vmscan.c (6.1/6.12): reset_ctrl_pos, folio_inc_gen, try_to_inc_min_seq, the walk's Bloom
 * filters and suitable_to_scan (young * 8 >= PTEs walked), lru_gen_look_around's window of
 * MIN_LRU_BATCH (64) PTEs, lruvec_is_sizable.
 */
import { describe, expect, it } from 'vitest';
import type { Simulation } from '../../src/engine/simulation.js';
import {
  folioIncGen,
  lruGenLookAround,
  lruvecIsSizable,
  oldestFileBirthNs,
  resetCtrlPos,
  tryToIncMaxSeq,
  tryToIncMinSeq,
  vmaBounds,
} from '../../src/kernel/mglru/aging.js';
import {
  G_AVG_REFAULTED,
  G_AVG_TOTAL,
  G_BLOOM_VALID,
  G_EVICTED,
  G_MIN_SEQ,
  G_PROTECTED,
  G_REFAULTED,
  GEN_WORDS,
  REFS_MASK,
  frameGenOf,
  maxSeq,
  minSeq,
} from '../../src/kernel/mglru/lrugen.js';
import { PG_RECLAIM, PG_REFERENCED, PG_WORKINGSET } from '../../src/memory/flags.js';
import { lruGenPmds } from '../../src/memory/layout.js';
import { NR_COUNTERS, PGACTIVATE } from '../../src/metrics/vmstat.js';
import type { WorkloadPlan } from '../../src/workload/plan.js';
import { assertSound, place, range, scenario, setNow, type ScenarioOptions } from './scenario.js';

const mglru = (opts: ScenarioOptions = {}): Simulation =>
  scenario({ version: '6.1', kernel: 'lru_gen: { enabled: true }', ...opts });
const frameOf = (sim: Simulation, page: number) => sim.s.pte[page] - 1;
const genOf = (sim: Simulation, page: number) => frameGenOf(sim.s, frameOf(sim, page));
const setMinSeq = (sim: Simulation, type: number, seq: number) => {
  sim.s.lruGenWords[G_MIN_SEQ + type] = seq;
};
const young = (sim: Simulation, pages: readonly number[], bits = 1) => {
  for (const p of pages) sim.s.frameYoung[frameOf(sim, p)] = bits;
};

describe('reset_ctrl_pos', () => {
  it('on carryover: averages take half of old average + the generation, counts cleared; else nothing', () => {
    const sim = mglru();
    const w = sim.s.lruGenWords;
    const file = 4; // type 1: words type * MAX_NR_TIERS + tier
    const set = (base: number, values: number[]) => values.forEach((v, i) => (w[base + i] = v));
    set(G_AVG_REFAULTED + file, [10, 3, 0, 1]);
    set(G_REFAULTED + file, [5, 4, 2, 0]);
    set(G_AVG_TOTAL + file, [100, 20, 7, 1]);
    set(G_EVICTED + file, [30, 6, 3, 0]);
    set(G_PROTECTED + 3, [8, 5, 2]); // type 1, tiers 1..3
    set(G_AVG_TOTAL, [50, 0, 0, 0]); // anon's: untouched
    const snapshot = Array.from(w);
    resetCtrlPos(sim.s, 0, 1, false);
    expect(Array.from(w)).toEqual(snapshot);
    resetCtrlPos(sim.s, 0, 1, true);
    const get = (base: number, n = 4) => Array.from(w.subarray(base, base + n));
    // refaulted: (10+5)/2, (3+4)/2, (0+2)/2, (1+0)/2 rounded down.
    expect(get(G_AVG_REFAULTED + file)).toEqual([7, 3, 1, 0]);
    // total: (100+30)/2; (20+6+8)/2; (7+3+5)/2; (1+0+2)/2 (tiers above 0 add their protected).
    expect(get(G_AVG_TOTAL + file)).toEqual([65, 17, 7, 1]);
    expect(get(G_REFAULTED + file)).toEqual([0, 0, 0, 0]);
    expect(get(G_EVICTED + file)).toEqual([0, 0, 0, 0]);
    expect(get(G_PROTECTED + 3, 3)).toEqual([0, 0, 0]);
    expect(get(G_AVG_TOTAL)).toEqual([50, 0, 0, 0]);
  });
});

describe('folio_inc_gen', () => {
  it('a page of the oldest generation moves to the next, losing refs, PG_referenced and PG_workingset', () => {
    const sim = mglru();
    place(sim, [0, 1], 0); // seq 1 (gen 1)
    const f = frameOf(sim, 0);
    sim.s.frameFlags[f] |= PG_REFERENCED | PG_WORKINGSET;
    sim.s.frameGen[f] |= REFS_MASK;
    const flags = sim.s.frameFlags[f];
    // min_seq 0: gen 1 is not the oldest, so it stays as it is.
    expect(folioIncGen(sim.s, 0, f, true)).toBe(1);
    expect(sim.s.frameFlags[f]).toBe(flags);
    setMinSeq(sim, 1, 1);
    expect(folioIncGen(sim.s, 0, f, false)).toBe(2);
    expect(sim.s.frameFlags[f] & (PG_REFERENCED | PG_WORKINGSET | PG_RECLAIM)).toBe(0);
    expect(sim.s.frameGen[f] & REFS_MASK).toBe(0);
    // Reclaim's call also sets PG_reclaim; the oldest generation 3 wraps to 0.
    const g = frameOf(sim, 1);
    setMinSeq(sim, 1, 3);
    sim.s.frameGen[g] = 4; // gen 3
    expect(folioIncGen(sim.s, 0, g, true)).toBe(0);
    expect(sim.s.frameFlags[g] & PG_RECLAIM).toBe(PG_RECLAIM);
  });
});

describe('try_to_inc_min_seq', () => {
  it('skips empty generations, keeps MIN_NR_GENS, and anon may not pass file when swapping', () => {
    // File pages in seq 1, no anon: file stops at 1; anon would reach 2 (3 - 2 + 1 = 2 gens) but
    // is held at file's 1.
    const a = mglru();
    place(a, [0, 1, 2], 0);
    expect(tryToIncMinSeq(a.s, 0, true)).toBe(true);
    expect([minSeq(a.s, 0, 0), minSeq(a.s, 0, 1)]).toEqual([1, 1]);
    expect(tryToIncMinSeq(a.s, 0, true)).toBe(false);
    // Without swap only file moves.
    const b = mglru();
    place(b, [0], 0);
    expect(tryToIncMinSeq(b.s, 0, false)).toBe(true);
    expect([minSeq(b.s, 0, 0), minSeq(b.s, 0, 1)]).toEqual([0, 1]);
    // Nothing at all: both to max_seq - 1 = 2.
    const c = mglru();
    expect(tryToIncMinSeq(c.s, 0, true)).toBe(true);
    expect([minSeq(c.s, 0, 0), minSeq(c.s, 0, 1)]).toEqual([2, 2]);
    // Anon pages in seq 2, file in 1, file min_seq already 2 by hand (anon behind file): anon
    // moves to 2, file stays max(2, 2).
    const d = mglru();
    place(d, [64], 0);
    setMinSeq(d, 1, 2);
    expect(tryToIncMinSeq(d.s, 0, true)).toBe(true);
    expect([minSeq(d.s, 0, 0), minSeq(d.s, 0, 1)]).toEqual([2, 2]);
  });

  it('a type whose min_seq moves has its PID averages carried over; the other not', () => {
    const sim = mglru();
    place(sim, [64], 0); // anon in seq 2
    place(sim, [0], 0); // file in seq 1
    sim.s.lruGenWords[G_EVICTED] = 10; // anon tier 0
    sim.s.lruGenWords[G_EVICTED + 4] = 6; // file tier 0
    // canSwap false: file 0 -> 1 (carryover), anon untouched.
    expect(tryToIncMinSeq(sim.s, 0, false)).toBe(true);
    expect(sim.s.lruGenWords[G_AVG_TOTAL + 4]).toBe(3);
    expect(sim.s.lruGenWords[G_EVICTED]).toBe(10);
    expect(sim.s.lruGenWords[G_AVG_TOTAL]).toBe(0);
  });
});

describe('the aging walk (try_to_inc_max_seq) and its Bloom filters', () => {
  // File f: 512 pages (ids 0..511, PMD 0); anon: 64 pages (ids 512..575, PMD 1).
  const walk = () => mglru({ fileSize: '2MiB', anonSize: '256KiB' });

  it('all PMDs the first time; a PMD with a young PTE per 8 walked goes to the next filter', () => {
    const sim = walk();
    place(sim, range(0, 4), 0); // file, seq 1
    place(sim, range(512, 10), 0); // anon, seq 2
    young(sim, range(512, 8)); // 8 of PMD 1's 64 PTEs: 8 * 8 >= 64
    young(sim, [0]); // 1 of PMD 0's 512
    expect(tryToIncMaxSeq(sim.s, sim.ctx.vmas, 0, 3, true)).toBe(9);
    const pmds = lruGenPmds(sim.s.layout.pages);
    // seq 4's filter (4 % 2 = 0) holds PMD 1 only, and is valid.
    expect(sim.s.lruGenBloom[0 * pmds + 1]).toBe(1);
    expect(sim.s.lruGenBloom[0 * pmds + 0]).toBe(0);
    expect(sim.s.lruGenWords[G_BLOOM_VALID + 0]).toBe(1);
    expect(genOf(sim, 512)).toBe(3); // seq 3 = gen 3
    expect(genOf(sim, 0)).toBe(3);
    // The next walk (seq 4) skips PMD 0: file page 1 stays young there; anon page 520 is found.
    young(sim, [1, 520]);
    expect(tryToIncMaxSeq(sim.s, sim.ctx.vmas, 0, 4, true)).toBe(1);
    expect(sim.s.frameYoung[frameOf(sim, 1)]).toBe(1);
    expect(sim.s.frameYoung[frameOf(sim, 520)]).toBe(0);
    // Seq 5's filter (odd) was reset and gets nothing: 1 young of 64.
    expect(sim.s.lruGenBloom[1 * pmds + 1]).toBe(0);
    assertSound(sim);
  });

  it('7 young of 64 PTEs is not enough for the filter', () => {
    const sim = walk();
    place(sim, range(512, 10), 0);
    young(sim, range(512, 7));
    expect(tryToIncMaxSeq(sim.s, sim.ctx.vmas, 0, 3, true)).toBe(7);
    expect(sim.s.lruGenBloom[1]).toBe(0);
  });

  it('ages only this node’s pages, anon only when it can swap, and keeps PROT_NONE', () => {
    const sim = walk();
    place(sim, [0], 0);
    place(sim, [1], 1);
    place(sim, [512], 0);
    young(sim, [0, 1, 512]);
    sim.s.frameYoung[frameOf(sim, 0)] = 3; // young + PROT_NONE (a NUMA hint armed)
    expect(tryToIncMaxSeq(sim.s, sim.ctx.vmas, 0, 3, false)).toBe(1);
    expect(sim.s.frameYoung[frameOf(sim, 0)]).toBe(2);
    expect(sim.s.frameYoung[frameOf(sim, 1)]).toBe(1); // node 1's
    expect(sim.s.frameYoung[frameOf(sim, 512)]).toBe(1); // anon, no swap
    expect(genOf(sim, 512)).toBe(2);
  });

  it('an isolated page found young is marked PG_referenced, not moved', () => {
    const sim = walk();
    place(sim, [0], 0);
    const f = frameOf(sim, 0);
    young(sim, [0]);
    sim.s.frameGen[f] = 0; // off the generations (isolated by reclaim)
    expect(tryToIncMaxSeq(sim.s, sim.ctx.vmas, 0, 3, false)).toBe(1);
    expect(sim.s.frameFlags[f] & PG_REFERENCED).toBe(PG_REFERENCED);
    expect(sim.s.frameGen[f]).toBe(0);
  });

  it('stamps the new generation’s birth time', () => {
    const sim = walk();
    place(sim, [0], 0);
    setNow(sim, 7);
    tryToIncMaxSeq(sim.s, sim.ctx.vmas, 0, 3, false); // seq 4 born at 7 ms; min_seq file 1
    setNow(sim, 9);
    tryToIncMaxSeq(sim.s, sim.ctx.vmas, 0, 4, false); // seq 5 born at 9 ms; page folds to seq 2
    expect(maxSeq(sim.s, 0)).toBe(5);
    expect(minSeq(sim.s, 0, 1)).toBe(2);
    // The oldest file generation is seq 2 (gen 2), born at the start (0).
    expect(oldestFileBirthNs(sim.s, 0)).toBe(0);
    setMinSeq(sim, 1, 4);
    expect(oldestFileBirthNs(sim.s, 0)).toBe(7e6);
    setMinSeq(sim, 1, 5);
    expect(oldestFileBirthNs(sim.s, 0)).toBe(9e6);
  });
});

describe('vmaBounds', () => {
  it('mapped regions once each, in address order, overlaps walked once, split at PMDs', () => {
    const region = (kind: string, firstPage: number, pages: number, access = 'mmap') => ({
      kind,
      firstPage,
      pages,
      access,
    });
    const plan = {
      tasks: [
        { regions: [region('anon', 1000, 600), region('file', 0, 100), region('file', 200, 50, 'read')] },
        { regions: [region('file', 0, 100), region('file', 50, 100)] },
      ],
    } as unknown as WorkloadPlan;
    const v = vmaBounds(plan);
    expect(Array.from(v.starts)).toEqual([0, 50, 1000]);
    expect(Array.from(v.ends)).toEqual([100, 150, 1600]);
    expect(Array.from(v.walkSegs)).toEqual([
      0, 0, 100, 0, 100, 150, 1, 1000, 1024, 2, 1024, 1536, 3, 1536, 1600,
    ]);
  });
});

describe('lru_gen_look_around', () => {
  // File f: 512 pages in one VMA and PMD; the window is 64 PTEs around the page.
  const around = () => mglru({ fileSize: '2MiB', anonSize: '256KiB' });

  it('a window of 64 PTEs: from the PMD start, to its end, or centred on the page', () => {
    for (const [page, first, end] of [
      [5, 0, 64],
      [500, 448, 512],
      [200, 168, 232],
    ]) {
      const sim = around();
      // Young neighbours just inside and just outside the expected window (pages on node 0).
      const inside = [first, end - 1].filter((p) => p !== page);
      const outside = [first - 1, end].filter((p) => p >= 0 && p < 512);
      place(sim, [page, ...inside, ...outside], 0);
      young(sim, [...inside, ...outside]);
      expect(lruGenLookAround(sim.s, sim.ctx.vmas, 0, page), `page ${page}`).toBe(64);
      for (const p of inside) expect(sim.s.frameYoung[frameOf(sim, p)], `page ${page}: ${p}`).toBe(0);
      for (const p of outside) expect(sim.s.frameYoung[frameOf(sim, p)], `page ${page}: ${p}`).toBe(1);
    }
  });

  it('pages outside every VMA or alone in theirs are not looked around', () => {
    const sim = around();
    // 576 pages mapped: 0..511 file, 512..575 anon; page 600 is past them.
    expect(lruGenLookAround(sim.s, sim.ctx.vmas, 0, 600)).toBe(0);
    // The anon VMA's 64 pages are its whole PMD part: window 64.
    place(sim, [512, 575], 0);
    young(sim, [575]);
    expect(lruGenLookAround(sim.s, sim.ctx.vmas, 0, 512)).toBe(64);
    expect(sim.s.frameYoung[frameOf(sim, 575)]).toBe(0);
  });

  it('moves young neighbours to the youngest generation; 8 young in 64 puts the PMD in the filter', () => {
    const sim = around();
    const pages = range(0, 8);
    place(sim, pages, 0); // seq 1
    young(sim, range(1, 7)); // 7 neighbours + the page itself = 8 young: 8 * 8 >= 64
    sim.s.lruGenWords[G_BLOOM_VALID + 1] = 1; // max_seq 3's filter exists
    lruGenLookAround(sim.s, sim.ctx.vmas, 0, 0);
    expect(pages.map((p) => genOf(sim, p))).toEqual([1, 3, 3, 3, 3, 3, 3, 3]);
    const pmds = lruGenPmds(sim.s.layout.pages);
    expect(sim.s.lruGenBloom[1 * pmds + 0]).toBe(1);
    // One fewer young neighbour: 7 * 8 < 64, no filter entry.
    const few = around();
    place(few, pages, 0);
    young(few, range(1, 6));
    few.s.lruGenWords[G_BLOOM_VALID + 1] = 1;
    lruGenLookAround(few.s, few.ctx.vmas, 0, 0);
    expect(few.s.lruGenBloom[1 * pmds + 0]).toBe(0);
    // Without a filter for max_seq nothing is recorded.
    const none = around();
    place(none, pages, 0);
    young(none, range(1, 7));
    lruGenLookAround(none.s, none.ctx.vmas, 0, 0);
    expect(none.s.lruGenBloom[1 * pmds + 0]).toBe(0);
    assertSound(sim);
  });

  it('direct reclaim (no mm walk) activates: refs kept, pgactivate counted; isolated ones referenced', () => {
    const sim = around();
    place(sim, [0, 1, 2, 3], 0);
    young(sim, [1, 2, 3]);
    const f1 = frameOf(sim, 1);
    sim.s.frameGen[f1] |= 1 << 3; // one ref
    sim.s.frameGen[frameOf(sim, 3)] = 0; // page 3 isolated
    lruGenLookAround(sim.s, sim.ctx.vmas, 0, 0, true);
    expect(genOf(sim, 1)).toBe(3);
    expect(sim.s.frameGen[f1] & REFS_MASK).toBe(1 << 3);
    expect(genOf(sim, 2)).toBe(3);
    expect(sim.s.counters[0 * NR_COUNTERS + PGACTIVATE]).toBe(2);
    expect(sim.s.frameFlags[frameOf(sim, 3)] & PG_REFERENCED).toBe(PG_REFERENCED);
    // kswapd's (an mm walk): refs cleared, no pgactivate.
    const k = around();
    place(k, [0, 1], 0);
    young(k, [1]);
    k.s.frameGen[frameOf(k, 1)] |= 1 << 3;
    lruGenLookAround(k.s, k.ctx.vmas, 0, 0, false);
    expect(k.s.frameGen[frameOf(k, 1)] & REFS_MASK).toBe(0);
    expect(k.s.counters[PGACTIVATE]).toBe(0);
  });

  it('skips other nodes’ pages', () => {
    const sim = around();
    place(sim, [0], 0);
    place(sim, [1], 1);
    young(sim, [1]);
    lruGenLookAround(sim.s, sim.ctx.vmas, 0, 0);
    expect(sim.s.frameYoung[frameOf(sim, 1)]).toBe(1);
  });
});

describe('lruvec_is_sizable', () => {
  it('pages of the evictable types in all generations, shifted by priority, above 0', () => {
    const sim = mglru();
    place(sim, range(0, 4), 0); // file: 4
    place(sim, range(64, 8), 0); // anon: 8
    // File only: 4 >> 2 = 1 > 0, 4 >> 3 = 0.
    expect(lruvecIsSizable(sim.s, 0, false, 2)).toBe(true);
    expect(lruvecIsSizable(sim.s, 0, false, 3)).toBe(false);
    // With anon: 12 >> 3 = 1.
    expect(lruvecIsSizable(sim.s, 0, true, 3)).toBe(true);
    expect(lruvecIsSizable(sim.s, 0, true, 4)).toBe(false);
    // Generations below min_seq are not counted: file min_seq 2 leaves none (its pages are seq 1).
    setMinSeq(sim, 1, 2);
    expect(lruvecIsSizable(sim.s, 0, false, 0)).toBe(false);
    expect(sim.s.lruGenWords.length).toBe(2 * GEN_WORDS);
  });
});
