/**
 * workingset_refault's distance test and lru_note_cost's decay (src/kernel/workingset.ts) by
 * hand, on node 1 (the mutation run's survivors were mostly these sums and the node offsets,
 * which node 0 cannot tell apart). Node 1's lists: inactive file 20, active file 8, inactive
 * anon 12, active anon 4 (44 pages). The refault distance is the node's nonresident age now
 * minus the shadow's; the workingset it is compared with (6.12 workingset_test_recent):
 *   file refault: active file, + active anon and inactive anon when swap has room = 8 or 24
 *   anon refault: active file + inactive file, + active anon when swap has room   = 28 or 32
 */
import { describe, expect, it } from 'vitest';
import type { Simulation } from '../../src/engine/simulation.js';
import {
  REFAULT_ACTIVATE,
  REFAULT_RESTORE,
  evictionShadow,
  noteLruCost,
  packShadow,
  shadowAge,
  shadowNid,
  shadowWorkingset,
  workingsetRefault,
} from '../../src/kernel/workingset.js';
import {
  LRU_ACTIVE_ANON,
  LRU_ACTIVE_FILE,
  LRU_INACTIVE_ANON,
  LRU_INACTIVE_FILE,
} from '../../src/memory/flags.js';
import {
  NODE_WORDS,
  W_ANON_COST,
  W_FILE_COST,
  W_LRU_SIZE,
  W_NONRESIDENT_AGE,
} from '../../src/memory/layout.js';
import { counter, place, range, scenario, type ScenarioOptions } from './scenario.js';

const N1 = 1 * NODE_WORDS;
const AGE = 1000;

function node1(opts: ScenarioOptions): Simulation {
  const sim = scenario({ demotion: false, ...opts });
  place(sim, range(0, 20), 1);
  place(sim, range(20, 8), 1, { active: true });
  place(sim, range(64, 12), 1);
  place(sim, range(76, 4), 1, { active: true });
  const w = sim.s.nodeWords;
  expect(
    [LRU_INACTIVE_FILE, LRU_ACTIVE_FILE, LRU_INACTIVE_ANON, LRU_ACTIVE_ANON].map(
      (l) => w[N1 + W_LRU_SIZE + l],
    ),
  ).toEqual([20, 8, 12, 4]);
  w[N1 + W_NONRESIDENT_AGE] = AGE;
  return sim;
}

/** workingsetRefault onto node `nid` (0) of a shadow evicted from node 1 `distance` ago. */
function refault(sim: Simulation, distance: number, file: boolean, workingset = false, nid = 0): number {
  return workingsetRefault(sim.s, packShadow(1, AGE - distance, workingset), file, nid);
}

describe('workingset_refault: distance against the eviction node workingset', () => {
  it('file, no swap: active file only (8): 8 activates, 9 does not', () => {
    const sim = node1({ version: '6.12' });
    expect(refault(sim, 8, true)).toBe(REFAULT_ACTIVATE);
    expect(refault(sim, 9, true)).toBe(0);
  });

  it('file, swap with room: + both anon lists (24)', () => {
    const sim = node1({ version: '6.12', swap: '1MiB' });
    expect(refault(sim, 24, true)).toBe(REFAULT_ACTIVATE);
    expect(refault(sim, 25, true)).toBe(0);
  });

  it('anon, no swap room: both file lists (28); with room: + active anon (32)', () => {
    const noSwap = node1({ version: '6.12' });
    expect(refault(noSwap, 28, false)).toBe(REFAULT_ACTIVATE);
    expect(refault(noSwap, 29, false)).toBe(0);
    const swap = node1({ version: '6.12', swap: '1MiB' });
    expect(refault(swap, 32, false)).toBe(REFAULT_ACTIVATE);
    expect(refault(swap, 33, false)).toBe(0);
  });

  it('6.12 counts on the new page node (0), 6.1 on the eviction node (1), and ages that node', () => {
    const now = node1({ version: '6.12' });
    refault(now, 1, true);
    expect([counter(now, 0, 'workingset_refault_file'), counter(now, 1, 'workingset_refault_file')]).toEqual([
      1, 0,
    ]);
    expect([
      counter(now, 0, 'workingset_activate_file'),
      counter(now, 1, 'workingset_activate_file'),
    ]).toEqual([1, 0]);
    expect(now.s.nodeWords[0 * NODE_WORDS + W_NONRESIDENT_AGE]).toBe(1);
    expect(now.s.nodeWords[N1 + W_NONRESIDENT_AGE]).toBe(AGE);
    const old = node1({ version: '6.1' });
    refault(old, 1, true);
    expect([counter(old, 0, 'workingset_refault_file'), counter(old, 1, 'workingset_refault_file')]).toEqual([
      0, 1,
    ]);
    expect([
      counter(old, 0, 'workingset_activate_file'),
      counter(old, 1, 'workingset_activate_file'),
    ]).toEqual([0, 1]);
    expect(old.s.nodeWords[N1 + W_NONRESIDENT_AGE]).toBe(AGE + 1);
  });

  it('a shadow of a workingset page restores it: workingset_restore, and one page of I/O cost on the new node', () => {
    // Back onto node 1 itself (node 0 has no LRU pages: any cost there would decay to 0).
    const sim = node1({ version: '6.1' });
    expect(refault(sim, 1, false, true, 1)).toBe(REFAULT_ACTIVATE | REFAULT_RESTORE);
    expect(counter(sim, 1, 'workingset_restore_anon')).toBe(1);
    expect(counter(sim, 1, 'workingset_refault_anon')).toBe(1);
    expect(sim.s.nodeWords[N1 + W_ANON_COST]).toBe(1);
    expect(sim.s.nodeWords[N1 + W_FILE_COST]).toBe(0);
    // Not a workingset page: activated, not restored, no cost.
    expect(refault(sim, 1, false, false, 1)).toBe(REFAULT_ACTIVATE);
    expect(counter(sim, 1, 'workingset_restore_anon')).toBe(1);
    expect(sim.s.nodeWords[N1 + W_ANON_COST]).toBe(1);
    // Too far: counted as a refault only, nothing restored.
    expect(refault(sim, 100, false, true, 1)).toBe(0);
    expect(counter(sim, 1, 'workingset_restore_anon')).toBe(1);
    expect(counter(sim, 1, 'workingset_refault_anon')).toBe(3);
  });
});

describe('workingset_eviction', () => {
  it('ages node 1 clock by one and packs node, age and the workingset bit; a file restore counts as file', () => {
    const sim = node1({ version: '6.12' });
    const shadow = evictionShadow(sim.s, 1, true);
    expect(sim.s.nodeWords[N1 + W_NONRESIDENT_AGE]).toBe(AGE + 1);
    expect(sim.s.nodeWords[0 * NODE_WORDS + W_NONRESIDENT_AGE]).toBe(0);
    expect([shadowNid(shadow), shadowAge(shadow), shadowWorkingset(shadow)]).toEqual([1, AGE + 1, true]);
    expect(workingsetRefault(sim.s, shadow, true, 1)).toBe(REFAULT_ACTIVATE | REFAULT_RESTORE);
    expect([counter(sim, 1, 'workingset_restore_file'), counter(sim, 1, 'workingset_restore_anon')]).toEqual([
      1, 0,
    ]);
  });
});

describe('lru_note_cost', () => {
  it('6.1: one per I/O page, halved both ways once the sum passes a quarter of the LRU pages (44 / 4 = 11)', () => {
    const sim = node1({ version: '6.1' });
    const w = sim.s.nodeWords;
    noteLruCost(sim.s, 1, true, 6, 100); // rotations do not count before 6.12
    expect([w[N1 + W_FILE_COST], w[N1 + W_ANON_COST]]).toEqual([6, 0]);
    noteLruCost(sim.s, 1, false, 5, 0); // 11: not past 11
    expect([w[N1 + W_FILE_COST], w[N1 + W_ANON_COST]]).toEqual([6, 5]);
    noteLruCost(sim.s, 1, false, 1, 0); // 12 > 11: 6 / 2, 6 / 2
    expect([w[N1 + W_FILE_COST], w[N1 + W_ANON_COST]]).toEqual([3, 3]);
    expect([w[W_FILE_COST], w[W_ANON_COST]]).toEqual([0, 0]);
  });

  it('6.12: an I/O page weighs SWAP_CLUSTER_MAX (32), a rotation 1', () => {
    const sim = node1({ version: '6.12' });
    const w = sim.s.nodeWords;
    noteLruCost(sim.s, 1, true, 0, 9);
    expect(w[N1 + W_FILE_COST]).toBe(9);
    noteLruCost(sim.s, 1, false, 1, 3); // anon 35, sum 44 > 11: 9 >> 1 = 4, 35 >> 1 = 17
    expect([w[N1 + W_FILE_COST], w[N1 + W_ANON_COST]]).toEqual([4, 17]);
  });
});
