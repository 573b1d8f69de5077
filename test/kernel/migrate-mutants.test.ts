/**
 * Page migration (kernel/migrate.ts) where the mutation run found it untested, traced by hand
 * (so far only the allocation steps; the move, batch and ring survivors are not covered yet):
 * the demotion allocation steps (5.15 alloc_demote_page, 6.1 alloc_demote_folio: the preferred
 * node at LOW or, after waking its kswapd, at MIN; then the walk over the allowed nodes at LOW
 * and then at MIN), the first -ENOMEM ending its batch, folio_migrate_flags and the vmstat
 * counts of the move (numa_hit/miss on the new node, numa_foreign on the preferred one,
 * numa_local/other by the CPU's node), and alloc_misplaced_dst_page for NUMA balancing.
 *
 * The machine: node 0 PMEM (no CPU), node 1 DRAM with the CPU, node 2 PMEM; 64 frames each,
 * watermarks min 4 / low 8 / high 12 (a step passes a mark when free > mark). Node 0 is a
 * demotion target here so that its frame 0, the first it hands out, is a valid result.
 */
import { describe, expect, it } from 'vitest';
import type { Simulation } from '../../src/engine/simulation.js';
import {
  STAGE_PREFERRED,
  STAGE_WALK_LOW,
  STAGE_WALK_MIN,
  demotionAllocStep,
  nextDemotionStep,
} from '../../src/kernel/migrate.js';
import { free, place, scenario, woken, type ScenarioOptions } from './scenario.js';

const WM = 'watermarks: { min: 4, low: 8, high: 12 }';
const NODES = `    - { id: 0, cpus: 0, memory: 256KiB, device: pmem, ${WM} }
    - { id: 1, cpus: 1, memory: 256KiB, device: dram, ${WM} }
    - { id: 2, cpus: 0, memory: 256KiB, device: pmem, ${WM} }`;

/** Anon ids 64..319 (1 MiB), file 0..63. */
function machine(o: ScenarioOptions = {}): Simulation {
  return scenario({ nodes: NODES, version: '6.1', anonSize: '1MiB', ...o });
}

let nextFill = 200;
/** Fill node `nid` with cold anon pages (ids from 200 up) until `left` frames are free. */
function fill(sim: Simulation, nid: number, left: number): void {
  const n = free(sim, nid) - left;
  const pages: number[] = [];
  for (let i = 0; i < n; i++) pages.push((nextFill++ % 120) + 200);
  place(sim, pages, nid);
  expect(free(sim, nid)).toBe(left);
}

describe('nextDemotionStep: preferred, then the walk at LOW, then the walk at MIN', () => {
  it('packs stage * 65536 + walk index, -1 at the end or without a walk (5.15)', () => {
    const walk = [0, 2];
    expect(nextDemotionStep([], STAGE_PREFERRED, 0)).toBe(-1);
    expect(nextDemotionStep(walk, STAGE_PREFERRED, 0)).toBe(STAGE_WALK_LOW * 65536);
    expect(nextDemotionStep(walk, STAGE_WALK_LOW, 0)).toBe(STAGE_WALK_LOW * 65536 + 1);
    expect(nextDemotionStep(walk, STAGE_WALK_LOW, 1)).toBe(STAGE_WALK_MIN * 65536);
    expect(nextDemotionStep(walk, STAGE_WALK_MIN, 0)).toBe(STAGE_WALK_MIN * 65536 + 1);
    expect(nextDemotionStep(walk, STAGE_WALK_MIN, 1)).toBe(-1);
    expect(nextDemotionStep([2], STAGE_WALK_LOW, 0)).toBe(STAGE_WALK_MIN * 65536);
    expect(nextDemotionStep([2], STAGE_WALK_MIN, 0)).toBe(-1);
  });
});

describe('demotionAllocStep on node 2', () => {
  it('free 8 (at LOW): preferred wakes kswapd and passes at MIN; a LOW walk step fails without waking', () => {
    const low = machine();
    fill(low, 2, 8);
    expect(demotionAllocStep(low.s, 2, STAGE_WALK_LOW)).toBe(-1);
    expect(woken(low, 2)).toBe(false);
    expect(demotionAllocStep(low.s, 2, STAGE_PREFERRED)).toBeGreaterThanOrEqual(0);
    expect(woken(low, 2)).toBe(true);
    expect(free(low, 2)).toBe(7);
  });

  it('free 10 (above LOW, not balanced): preferred and LOW pass without waking; a MIN step wakes kswapd', () => {
    for (const [stage, wakes] of [
      [STAGE_PREFERRED, false],
      [STAGE_WALK_LOW, false],
      [STAGE_WALK_MIN, true],
    ] as const) {
      const sim = machine();
      fill(sim, 2, 10);
      expect(demotionAllocStep(sim.s, 2, stage)).toBeGreaterThanOrEqual(128);
      expect([woken(sim, 2), free(sim, 2)]).toEqual([wakes, 9]);
    }
  });

  it('free 4 (at MIN): every stage fails; preferred and MIN wake kswapd', () => {
    for (const [stage, wakes] of [
      [STAGE_PREFERRED, true],
      [STAGE_WALK_LOW, false],
      [STAGE_WALK_MIN, true],
    ] as const) {
      const sim = machine();
      fill(sim, 2, 4);
      expect(demotionAllocStep(sim.s, 2, stage)).toBe(-1);
      expect([woken(sim, 2), free(sim, 2)]).toEqual([wakes, 4]);
    }
  });
});
