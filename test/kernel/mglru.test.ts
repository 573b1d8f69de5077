/**
 * The multi-gen LRU, hand-computed on the scenario machine (node 0: DRAM, 1 CPU, 64 frames;
 * node 1: PMEM, 64 frames; file f = pages 0..63, anon = 64..127), kernel 6.1 with
 * kernel.lru_gen.enabled. A fresh node has max_seq = 3 and min_seq = 0 for both types
 * (lru_gen_init_lruvec: MIN_NR_GENS + 1), generation seq lives in list seq % 4.
 *
 * Each expectation is worked out from mm/vmscan.c and include/linux/mm_inline.h (6.12) in the
 * comments, not read back from the code.
 */
import { markPageAccessed } from '../../src/kernel/accessed.js';
import { describe, expect, it } from 'vitest';
import { lruGenLookAround, tryToIncMaxSeq } from '../../src/kernel/mglru/aging.js';
import { evictFolios, getTypeToScan, lruGenAgeNode, positiveCtrlErr } from '../../src/kernel/mglru/evict.js';
import {
  G_AVG_REFAULTED,
  G_AVG_TOTAL,
  G_EVICTED,
  G_PROTECTED,
  G_REFAULTED,
  GEN_WORDS,
  MAX_NR_TIERS,
  frameGenOf,
  maxSeq,
  minSeq,
} from '../../src/kernel/mglru/lrugen.js';
import { MGLRU_HOOKS, RECLAIM_DIRECT, RECLAIM_KSWAPD } from '../../src/kernel/vmscan.js';
import { wakeupKswapd } from '../../src/kernel/kswapd.js';
import { NODE_WORDS, W_LRU_SIZE } from '../../src/memory/layout.js';
import type { Simulation } from '../../src/engine/simulation.js';
import { lruGenText } from '../../src/report/kernel-text.js';
import { runText } from '../helpers/run.js';
import {
  assertSound,
  counter,
  nodeOf,
  place,
  range,
  reclaimEpoch,
  scenario,
  setNow,
  touch,
  type ScenarioOptions,
} from './scenario.js';

const ANON = 64;
const FILE_TYPE = 1;

function mglru(opts: ScenarioOptions = {}): Simulation {
  return scenario({ version: '6.1', kernel: 'lru_gen: { enabled: true }', ...opts });
}

/** The generation list (seq % 4) a present page is on, -1 when isolated. */
function genOf(sim: Simulation, page: number): number {
  return frameGenOf(sim.s, sim.s.pte[page] - 1);
}

function lruSizes(sim: Simulation, nid: number): number[] {
  const w = nid * NODE_WORDS + W_LRU_SIZE;
  return [0, 1, 2, 3].map((l) => sim.s.nodeWords[w + l]);
}

function young(sim: Simulation, pages: readonly number[]): void {
  for (const p of pages) sim.s.frameYoung[sim.s.pte[p] - 1] = 1;
}

/** One evict_folios call on node 0 by a reclaimer, at swappiness `swappiness`. */
function evict(sim: Simulation, swappiness: number, reclaimer = RECLAIM_DIRECT): number {
  const sc = sim.ctx.sc[0];
  sc.reset(reclaimer, 0, 32);
  return evictFolios(sim.s, sim.ctx, sc, 0, swappiness, MGLRU_HOOKS);
}

describe('placement (lru_gen_add_folio)', () => {
  it('puts faulted pages in the youngest generation, read() pages in the second oldest, idle anon in the second youngest', () => {
    const sim = mglru({ fileAccess: 'read' });
    expect([maxSeq(sim.s, 0), minSeq(sim.s, 0, 0), minSeq(sim.s, 0, 1)]).toEqual([3, 0, 0]);
    touch(sim, 0, [ANON, ANON + 1]); // page faults (lru_gen_in_fault → PG_active): max_seq = 3
    touch(sim, 0, [0, 1, 2], 2); // read(): not in a fault, file → min_seq + 1 = 1 (0 + 2 < 3)
    place(sim, [ANON + 2], 0); // anon added outside a fault, not in swap cache → max_seq - 1 = 2
    place(sim, [10], 0); // a file page added outside a fault → 1
    expect([ANON, ANON + 1, 0, 1, 2, ANON + 2, 10].map((p) => genOf(sim, p))).toEqual([3, 3, 1, 1, 1, 2, 1]);
    // The two youngest generations (3, 2) are "active" for meminfo: anon 3 active, file 4 inactive.
    expect(lruSizes(sim, 0)).toEqual([0, 3, 4, 0]);
    assertSound(sim);
  });
});

describe('aging (try_to_inc_max_seq)', () => {
  it('moves young pages to the youngest generation, folds the oldest when four exist, and shifts active/inactive', () => {
    const sim = mglru();
    place(sim, range(0, 6), 0); // file pages 0..5 in seq 1
    young(sim, [1, 3]);
    const found = tryToIncMaxSeq(sim.s, sim.ctx.vmas, 0, 3, false);
    // The walk clears the two young PTEs and moves pages 1 and 3 to seq 3 (list 3). inc_max_seq:
    // both types have max - min + 1 = 4 = MAX_NR_GENS, so inc_min_seq folds seq 0 (empty) and
    // min_seq becomes 1 for file and anon (anon without swap just advances); max_seq 4.
    expect(found).toBe(2);
    expect([maxSeq(sim.s, 0), minSeq(sim.s, 0, 0), minSeq(sim.s, 0, 1)]).toEqual([4, 1, 1]);
    expect(range(0, 6).map((p) => genOf(sim, p))).toEqual([1, 3, 1, 3, 1, 1]);
    expect(sim.s.frameYoung[sim.s.pte[1] - 1]).toBe(0);
    // Active = seq 4 and seq 3: pages 1 and 3; the other four are inactive (seq 1).
    expect(lruSizes(sim, 0)).toEqual([0, 0, 4, 2]);
    // A stale seq does nothing.
    expect(tryToIncMaxSeq(sim.s, sim.ctx.vmas, 0, 3, false)).toBe(-1);
    assertSound(sim);
  });

  it('folds a populated oldest generation into the next one (inc_min_seq)', () => {
    const sim = mglru();
    place(sim, range(0, 3), 0); // seq 1
    tryToIncMaxSeq(sim.s, sim.ctx.vmas, 0, 3, false); // max 4, min 1: gens 1..4
    tryToIncMaxSeq(sim.s, sim.ctx.vmas, 0, 4, false); // 4 gens again: seq 1 (pages 0..2) folds into seq 2; max 5
    expect([maxSeq(sim.s, 0), minSeq(sim.s, 0, 1)]).toEqual([5, 2]);
    expect(range(0, 3).map((p) => genOf(sim, p))).toEqual([2, 2, 2]);
    assertSound(sim);
  });
});

describe('eviction (evict_folios)', () => {
  it('takes the oldest generation, and a page found young there goes to the youngest', () => {
    const sim = mglru({ demotion: false });
    place(sim, range(0, 5), 0); // pages 0..4: seq 1
    place(sim, range(5, 5), 0, { young: true }); // pages 5..9: seq 1, young
    tryToIncMaxSeq(sim.s, sim.ctx.vmas, 0, 3, false); // 5..9 → seq 3; max 4, min_seq 1: oldest = seq 1 = 0..4
    young(sim, [2]); // page 2 is accessed again after the aging
    // Swappiness 0 (as get_swappiness gives without a demotion target or swap): file only.
    // scan_folios isolates 0..4 from seq 1's tail; try_to_inc_min_seq then finds seqs 1 and 2
    // empty and moves min_seq[file] to 3, leaving MIN_NR_GENS, so evict_folios reports 0 scanned.
    // shrink_folio_list: page 2 is young (PG_referenced set, FOLIOREF_KEEP, rejected → PG_active
    // → max_seq 4, list 0); 0, 1, 3, 4 are clean and unreferenced: evicted.
    const scanned = evict(sim, 0);
    expect(counter(sim, 0, 'pgscan_direct')).toBe(5);
    expect(counter(sim, 0, 'pgscan_file')).toBe(5);
    expect(counter(sim, 0, 'pgsteal_direct')).toBe(4);
    expect([0, 1, 3, 4].map((p) => nodeOf(sim, p))).toEqual([-1, -1, -1, -1]);
    expect(genOf(sim, 2)).toBe(4 % 4);
    expect(range(5, 5).map((p) => genOf(sim, p))).toEqual([3, 3, 3, 3, 3]);
    expect(minSeq(sim.s, 0, FILE_TYPE)).toBe(3);
    expect(scanned).toBe(0);
    assertSound(sim);
  });

  it('demotes pages of the oldest generation from shrink_folio_list; they join node 1 as the kernel adds them', () => {
    const sim = mglru();
    place(sim, range(ANON, 8), 0); // anon, seq 2 (max_seq - 1)
    tryToIncMaxSeq(sim.s, sim.ctx.vmas, 0, 3, true); // max 4, min 1; anon pages stay in seq 2
    tryToIncMaxSeq(sim.s, sim.ctx.vmas, 0, 4, true); // max 5, min 2 (seq 1 empty folds): oldest = seq 2
    expect(minSeq(sim.s, 0, 0)).toBe(2);
    // A demotion target makes get_swappiness 60; min_seq anon = file = 2, so get_type_to_scan:
    // no refaults anywhere → positive_ctrl_err(anon, file) (file refaulted 0 < 64) → file first,
    // whose oldest generation is empty (0 scanned), then anon: all 8 isolated, demoted at once
    // (direct reclaim), counted as pgdemote_direct and pgsteal_direct.
    evict(sim, 60);
    expect(counter(sim, 0, 'pgscan_anon')).toBe(8);
    expect(counter(sim, 0, 'pgdemote_direct')).toBe(8);
    expect(counter(sim, 0, 'pgsteal_direct')).toBe(8);
    expect(range(ANON, 8).map((p) => nodeOf(sim, p))).toEqual(Array(8).fill(1));
    // On node 1 (max_seq 3): isolated for reclaim, so no PG_active; anon → max_seq - 1 = 2.
    expect(range(ANON, 8).map((p) => genOf(sim, p))).toEqual(Array(8).fill(2));
    assertSound(sim);
  });

  it('kswapd demotes from the eviction and balances the node', () => {
    const sim = mglru();
    place(sim, range(ANON, 56), 0); // 56 idle anon pages, seq 2; free 8 = LOW
    wakeupKswapd(sim.s, 0);
    reclaimEpoch(sim);
    // kswapd starts at priority 12 (set_initial_priority keeps it: nr_to_reclaim = max(HIGH, 32)
    // = 32 < MIN_LRU_BATCH). should_run_aging is false (4 gens) and 56 >> p is 0 down to p = 5,
    // where evict_folios finds seqs 0 and 1 empty and try_to_inc_min_seq moves min_seq to 2:
    // MIN_NR_GENS left, nothing scanned. p = 4: should_run_aging (min_seq + 2 > max_seq) → the
    // aging: max_seq 4, and stop. p = 3: 3 gens, old (seq 2) holds all 56 → no aging, 56 >> 3 = 7
    // to scan: the anon pages of seq 2 are the oldest, all 56 isolated in one batch (fewer than
    // MIN_LRU_BATCH) and demoted; 8 free + 56 in flight > HIGH: balanced.
    expect(counter(sim, 0, 'pgdemote_kswapd')).toBe(56);
    expect(counter(sim, 0, 'pgscan_kswapd')).toBe(56);
    expect(counter(sim, 0, 'pgsteal_kswapd')).toBe(56);
    expect(range(ANON, 56).every((p) => nodeOf(sim, p) === 1)).toBe(true);
    assertSound(sim);
  });

  it('moves a protected tier to the next generation (sort_folio) and counts it', () => {
    const sim = mglru({ demotion: false, fileAccess: 'read' });
    place(sim, range(0, 4), 0); // seq 1
    tryToIncMaxSeq(sim.s, sim.ctx.vmas, 0, 3, false); // max 4, min 1: oldest = seq 1 = pages 0..3
    // Page 1 was read twice: two folio_mark_accessed → folio_inc_refs sets PG_referenced, then
    // PG_workingset: refs = 0 + workingset = 1, tier 1.
    markPageAccessed(sim.s, 1);
    markPageAccessed(sim.s, 1);
    // get_tier_idx with no history: every tier's refaulted < 64 → positive → tier_idx 3, no
    // protection... so force the controller: tier 1 of file refaulted a lot against tier 0.
    const g = 0 * GEN_WORDS;
    sim.s.lruGenWords[g + G_REFAULTED + FILE_TYPE * MAX_NR_TIERS + 1] = 100;
    sim.s.lruGenWords[g + G_EVICTED + FILE_TYPE * MAX_NR_TIERS + 1] = 100;
    // get_tier_idx: sp = tier 0 (0 refaulted, 0 total, gain 1), pv = tier 1 (100, 100, gain 2):
    // 100 * (0 + 64) * 1 <= (0 + 1) * 100 * 2? 6400 <= 200 no → tier_idx 0: tier 1 is protected.
    evict(sim, 0);
    expect(genOf(sim, 1)).toBe(2); // folio_inc_gen: min_seq 1 + 1 = seq 2
    expect(counter(sim, 0, 'pgrefill')).toBe(1);
    // protected[file][0] = 1, then min_seq moved to 2 (seq 1 emptied) and reset_ctrl_pos carried
    // tier 1 over: avg_total = (0 + evicted 100 + protected 1) / 2 = 50, avg_refaulted = 100 / 2.
    expect(sim.s.lruGenWords[g + G_PROTECTED + FILE_TYPE * (MAX_NR_TIERS - 1) + 0]).toBe(0);
    expect(sim.s.lruGenWords[g + G_AVG_TOTAL + FILE_TYPE * MAX_NR_TIERS + 1]).toBe(50);
    expect(sim.s.lruGenWords[g + G_AVG_REFAULTED + FILE_TYPE * MAX_NR_TIERS + 1]).toBe(50);
    expect(minSeq(sim.s, 0, FILE_TYPE)).toBe(2);
    expect([0, 2, 3].map((p) => nodeOf(sim, p))).toEqual([-1, -1, -1]);
    assertSound(sim);
  });

  it('never lets min_seq pass max_seq - 1, however often it evicts', () => {
    const sim = mglru({ demotion: false });
    place(sim, range(0, 40), 0);
    for (let i = 0; i < 20; i++) {
      evict(sim, 0, RECLAIM_KSWAPD);
      if (i % 3 === 0) tryToIncMaxSeq(sim.s, sim.ctx.vmas, 0, maxSeq(sim.s, 0), false);
      for (const type of [0, 1]) expect(minSeq(sim.s, 0, type)).toBeLessThanOrEqual(maxSeq(sim.s, 0) - 1);
      assertSound(sim);
    }
  });
});

describe('type choice (get_type_to_scan, the PID controller)', () => {
  it('positive_ctrl_err on worked numbers', () => {
    // PV with fewer than MIN_LRU_BATCH refaults: always positive.
    expect(positiveCtrlErr(1000, 1000, 1, 63, 64, 1)).toBe(true);
    // 200 * (100 + 64) * 60 = 1,968,000 <= (0 + 1) * 1000 * 140 = 140,000? no.
    expect(positiveCtrlErr(0, 100, 60, 200, 1000, 140)).toBe(false);
    // 100 * (1000 + 64) * 60 = 6,384,000 <= (10 + 1) * 10000 * 140 = 15,400,000: yes.
    expect(positiveCtrlErr(10, 1000, 60, 100, 10000, 140)).toBe(true);
  });

  it('scans the type whose first tier refaults less, weighted by swappiness, and picks the last tier', () => {
    const sim = mglru();
    const g = 0 * GEN_WORDS;
    const set = (base: number, type: number, tier: number, v: number) => {
      sim.s.lruGenWords[g + base + type * MAX_NR_TIERS + tier] = v;
    };
    // Anon tier 0: 0 of 100 refaulted; file tier 0: 200 of 1000. At swappiness 60 (gains 60 :
    // 140) the error is not positive (above): anon is scanned. The tiers of anon against file's
    // tier 0 (gain 140 vs 60): no refaults in tiers 1..3 → tier_idx 3.
    set(G_EVICTED, 0, 0, 100);
    set(G_REFAULTED, 1, 0, 200);
    set(G_EVICTED, 1, 0, 1000);
    expect(getTypeToScan(sim.s, 0, 60)).toBe(0 * MAX_NR_TIERS + 3);
    // Anon tier 1 refaulting 100 of 100: 100 * (1000 + 64) * 140 <= (200 + 1) * 100 * 60? no →
    // tier_idx 0 (tier 1 and up protected).
    set(G_REFAULTED, 0, 1, 100);
    set(G_EVICTED, 0, 1, 100);
    expect(getTypeToScan(sim.s, 0, 60)).toBe(0 * MAX_NR_TIERS + 0);
    // File refaults under MIN_LRU_BATCH: file is scanned, its tiers all unprotected.
    set(G_REFAULTED, 1, 0, 50);
    expect(getTypeToScan(sim.s, 0, 60)).toBe(1 * MAX_NR_TIERS + 3);
  });
});

describe('workingset (lru_gen_eviction / lru_gen_refault)', () => {
  it('a refault before min_seq moves on is recent (activate; restore in a fault); after, it is not', () => {
    const sim = mglru({ demotion: false });
    place(sim, range(0, 4), 0); // seq 1
    tryToIncMaxSeq(sim.s, sim.ctx.vmas, 0, 3, false); // max 4, min 1: oldest = seq 1 = pages 0..3
    place(sim, range(10, 4), 0, { active: true }); // seq 4
    // evict_folios isolates 0..3, then try_to_inc_min_seq moves min_seq[file] past the emptied
    // seqs 1 and 2 to 3 (3 + MIN_NR_GENS > 4), and only then shrink_folio_list evicts: the
    // shadows carry token min_seq 3, refs 0, counted in evicted[file][tier 0].
    evict(sim, 0);
    expect(minSeq(sim.s, 0, FILE_TYPE)).toBe(3);
    expect(sim.s.lruGenWords[G_EVICTED + FILE_TYPE * MAX_NR_TIERS]).toBe(4);
    touch(sim, 0, [0]); // a page fault on page 0: token 3 = min_seq 3, recent
    expect(counter(sim, 0, 'workingset_refault_file')).toBe(1);
    expect(counter(sim, 0, 'workingset_activate_file')).toBe(1);
    expect(counter(sim, 0, 'workingset_restore_file')).toBe(1); // lru_gen_in_fault()
    expect(sim.s.lruGenWords[G_REFAULTED + FILE_TYPE * MAX_NR_TIERS]).toBe(1);
    expect(genOf(sim, 0)).toBe(maxSeq(sim.s, 0) % 4); // added in a fault: youngest
    // Two agings: max 6 with four generations, so the third folds seq 3 and min_seq becomes 4.
    tryToIncMaxSeq(sim.s, sim.ctx.vmas, 0, 4, false);
    tryToIncMaxSeq(sim.s, sim.ctx.vmas, 0, 5, false);
    tryToIncMaxSeq(sim.s, sim.ctx.vmas, 0, 6, false);
    expect(minSeq(sim.s, 0, FILE_TYPE)).toBe(4);
    touch(sim, 0, [1]); // token 3 ≠ 4: a refault, not recent
    expect(counter(sim, 0, 'workingset_refault_file')).toBe(2);
    expect(counter(sim, 0, 'workingset_activate_file')).toBe(1);
    assertSound(sim);
  });
});

describe('min_ttl_ms (lru_gen_age_node)', () => {
  it('counts tiersim_alloc_fail where the kernel OOM-kills: every generation younger than min_ttl', () => {
    const sim = mglru({
      kernel: 'lru_gen: { enabled: true, min_ttl_ms: 1000 }',
      nodes: `    - { id: 0, cpus: 1, memory: 64MiB, device: dram }
    - { id: 1, cpus: 0, memory: 64MiB, device: pmem }`,
      anonSize: '32MiB',
    });
    place(sim, range(ANON, 5000), 0);
    const sc = sim.ctx.sc[0];
    // lruvec_is_sizable: 5000 pages >> priority 12 = 1 > 0. The oldest file generation was born
    // at 0 ms (lru_gen_init_lruvec); at 500 ms it is younger than 1000 ms: no reclaimable memcg.
    setNow(sim, 500);
    sc.reset(RECLAIM_KSWAPD, 0, 0);
    lruGenAgeNode(sim.s, sc, 0, MGLRU_HOOKS);
    expect(counter(sim, 0, 'tiersim_alloc_fail')).toBe(1);
    // At 1001 ms it is older: reclaim may go on.
    setNow(sim, 1001);
    lruGenAgeNode(sim.s, sc, 0, MGLRU_HOOKS);
    expect(counter(sim, 0, 'tiersim_alloc_fail')).toBe(1);
    // Too small to be worth it at this priority (8 pages >> 12 = 0) counts as not reclaimable too.
    const small = mglru({ kernel: 'lru_gen: { enabled: true, min_ttl_ms: 1000 }' });
    place(small, range(ANON, 8), 0);
    setNow(small, 5000);
    small.ctx.sc[0].reset(RECLAIM_KSWAPD, 0, 0);
    lruGenAgeNode(small.s, small.ctx.sc[0], 0, MGLRU_HOOKS);
    expect(counter(small, 0, 'tiersim_alloc_fail')).toBe(1);
  });
});

describe('Bloom filter of the aging walk (walk_pmd_range, lru_gen_look_around)', () => {
  it('walks again only the PMDs that had enough young PTEs, and look-around adds one back', () => {
    // Anon 64..1087 (4 MiB): PMD 0 = pages 0..511 (file 0..63 and anon 64..511), PMD 1 = 512..1023.
    const sim = mglru({
      nodes: `    - { id: 0, cpus: 1, memory: 16MiB, device: dram }
    - { id: 1, cpus: 0, memory: 16MiB, device: pmem }`,
      anonSize: '4MiB',
    });
    const pmd0 = range(ANON, 16); // 16 young of PMD 0's 512 PTEs: 16 * 8 < 512, not suitable
    const pmd1 = range(512, 64); // 64 young of 512: 64 * 8 >= 512, suitable_to_scan
    place(sim, [...pmd0, ...pmd1], 0, { young: true }); // anon, seq 2
    // First walk (seq 3): no filter yet, every PMD is walked; all 80 move to seq 3.
    expect(tryToIncMaxSeq(sim.s, sim.ctx.vmas, 0, 3, true)).toBe(80);
    expect([...pmd0, ...pmd1].every((p) => genOf(sim, p) === 3)).toBe(true);
    young(sim, [...pmd0, ...pmd1]);
    // Second walk (seq 4): only PMD 1 carried over into the filter of seq 4.
    expect(tryToIncMaxSeq(sim.s, sim.ctx.vmas, 0, 4, true)).toBe(64);
    expect(pmd1.every((p) => genOf(sim, p) === 0)).toBe(true); // seq 4
    expect(pmd0.every((p) => genOf(sim, p) === 3)).toBe(true); // skipped: still seq 3, still young
    expect(sim.s.frameYoung[sim.s.pte[ANON] - 1]).toBe(1);
    // Eviction meets page 70 young (the rmap walk clears it) and looks around 64..127: 15 more
    // young + itself = 16, 16 * 8 >= 64 PTEs: PMD 0 goes into the filter of max_seq (5).
    sim.s.frameYoung[sim.s.pte[70] - 1] = 0;
    expect(lruGenLookAround(sim.s, sim.ctx.vmas, 0, 70)).toBe(64);
    expect(pmd0.filter((p) => p !== 70).every((p) => genOf(sim, p) === 5 % 4)).toBe(true);
    young(sim, pmd0);
    // Third walk (seq 5): PMD 0 (from the look-around) and PMD 1 (64 young in walk 2) are walked;
    // only PMD 0's 16 pages are young again.
    expect(tryToIncMaxSeq(sim.s, sim.ctx.vmas, 0, 5, true)).toBe(16);
    assertSound(sim);
  });
});

describe('the generations in the result (result.json lru_gen, DIR/lru_gen as debugfs prints it)', () => {
  it('lists min_seq[anon]..max_seq with the pages of each type, summing to the LRU pages', async () => {
    const run = await runText(`
topology:
  nodes:
    - { id: 0, cpus: 1, memory: 2MiB, device: dram }
    - { id: 1, cpus: 0, memory: 4MiB, device: pmem }
kernel: { version: '6.1', demotion_enabled: true, lru_gen: { enabled: true } }
run: { duration: 40ms, epoch: 1ms, seed: 3 }
workload:
  files: [{ name: f, size: 2MiB }]
  tasks:
    - name: t
      cpus: [0]
      policy: { mode: bind, nodes: [0] }
      regions:
        - { kind: anon, size: 2MiB, pattern: { type: zipfian, theta: 0.9 }, write_fraction: 0.3 }
        - { kind: file, file: f, access: read }
`);
    const r = run.result;
    expect(r.lru_gen_enabled).toBe(true);
    expect(r.vmstat.pgdemote_kswapd + r.vmstat.pgdemote_direct).toBeGreaterThan(0);
    for (const node of r.nodes) {
      const lg = node.lru_gen!;
      expect(lg.generations.map((g) => g.seq)).toEqual(range(lg.min_seq[0], lg.max_seq - lg.min_seq[0] + 1));
      const kb = 4;
      const sum = (k: 'anon' | 'file') => lg.generations.reduce((a, g) => a + g[k], 0) * kb;
      expect(sum('anon')).toBe(node.meminfo['Active(anon)'] + node.meminfo['Inactive(anon)']);
      expect(sum('file')).toBe(node.meminfo['Active(file)'] + node.meminfo['Inactive(file)']);
      // The two youngest generations are what meminfo calls active.
      const young = lg.generations.filter((g) => g.seq >= lg.max_seq - 1);
      expect(young.reduce((a, g) => a + g.anon, 0) * kb).toBe(node.meminfo['Active(anon)']);
    }
    const text = lruGenText(r)!;
    const lines = text.split('\n');
    expect(lines[0]).toBe('memcg     1 /');
    expect(lines[1]).toBe(' node     0');
    const g0 = r.nodes[0].lru_gen!.generations[0];
    const pad = (v: number) => String(v).padStart(10);
    expect(lines[2]).toBe(` ${pad(g0.seq)} ${pad(g0.age_ms)} ${pad(g0.anon)}  ${pad(g0.file)} `);
    // Classic runs have neither.
    const classic = await runText(`
topology:
  nodes: [{ id: 0, cpus: 1, memory: 2MiB }]
run: { duration: 2ms, epoch: 1ms }
workload:
  tasks: [{ name: t, cpus: [0], regions: [{ kind: anon, size: 1MiB }] }]
`);
    expect(classic.result.nodes[0].lru_gen).toBeUndefined();
    expect(lruGenText(classic.result)).toBeNull();
  });
});

describe('look-around by reclaimer', () => {
  for (const [who, reclaimer, activations] of [
    ['direct reclaim (no mm walk: folio_activate, pgactivate)', RECLAIM_DIRECT, 3],
    ['kswapd (mm walk: folio_update_gen, no pgactivate)', RECLAIM_KSWAPD, 0],
  ] as const) {
    it(`moves young neighbours of a young page to the youngest generation: ${who}`, () => {
      const sim = mglru({ demotion: false });
      place(sim, range(0, 4), 0); // seq 1
      tryToIncMaxSeq(sim.s, sim.ctx.vmas, 0, 3, false); // max 4, min 1: oldest = pages 0..3
      place(sim, range(10, 3), 0); // seq min + 1 = 2 (file, not active)
      young(sim, [1, 10, 11, 12]); // page 1 young at eviction, and three neighbours
      evict(sim, 0, reclaimer);
      // Page 1: FOLIOREF_KEEP → youngest (seq 4); look-around over the file's 64 PTEs moves
      // 10..12 from seq 2 to seq 4.
      expect([1, 10, 11, 12].map((p) => genOf(sim, p))).toEqual([0, 0, 0, 0]);
      expect(counter(sim, 0, 'pgactivate')).toBe(activations);
      expect([0, 2, 3].map((p) => nodeOf(sim, p))).toEqual([-1, -1, -1]);
      assertSound(sim);
    });
  }
});

describe('the aging walk costs lru_gen_walk_per_pte per young PTE (not the rmap scan cost)', () => {
  // 56 anon pages faulted by the task: young PTEs, in the youngest generation. kswapd's first
  // aging walk clears all 56 (folio_update_gen), its later ones find none young; the rest of
  // the run (eviction, demotion) does not depend on the walk's price, so kswapd's CPU time
  // differs between two prices by exactly 56 x the difference.
  const kswapdNs = (costs?: string) => {
    const sim = mglru(costs === undefined ? {} : { costs });
    touch(sim, 0, range(ANON, 56), 1);
    wakeupKswapd(sim.s, 0);
    reclaimEpoch(sim);
    expect(counter(sim, 0, 'pgdemote_kswapd')).toBe(56);
    return counter(sim, 0, 'tiersim_kswapd_ns');
  };
  it('56 young PTEs: 56 x (2 us - 1 us) more kswapd time at 2 us; unset, it is reclaim_scan_per_page', () => {
    expect(kswapdNs('lru_gen_walk_per_pte: 2us') - kswapdNs('lru_gen_walk_per_pte: 1us')).toBe(56 * 1000);
    expect(kswapdNs()).toBe(kswapdNs('lru_gen_walk_per_pte: 200ns'));
  });
});
