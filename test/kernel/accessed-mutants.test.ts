/**
 * mark_page_accessed (src/kernel/accessed.ts) on the pages it must leave alone, found by the
 * mutation run (Stryker: its early return replaced by `false` survived every test). 6.12's
 * folio_mark_accessed activates only a referenced, inactive folio that is on the LRU; an
 * active one stays where it is, and an isolated one (PG_LRU cleared, PG_isolated set: reclaim
 * or migration holds it) is not moved. Dropping just one of the PG_LRU / PG_isolated tests is
 * an equivalent mutant: isolate() always changes both bits together.
 */
import { describe, expect, it } from 'vitest';
import type { Simulation } from '../../src/engine/simulation.js';
import { markPageAccessed } from '../../src/kernel/accessed.js';
import {
  LRU_ACTIVE_FILE,
  LRU_INACTIVE_FILE,
  PG_ACTIVE,
  PG_ISOLATED,
  PG_LRU,
  PG_REFERENCED,
} from '../../src/memory/flags.js';
import { NODE_WORDS, W_LRU_HEAD } from '../../src/memory/layout.js';
import { isolate, putback } from '../../src/memory/lru.js';
import { assertSound, counter, place, scenario } from './scenario.js';

function list(sim: Simulation, lru: number): number[] {
  const pages: number[] = [];
  for (let f = sim.s.nodeWords[W_LRU_HEAD + lru + 0 * NODE_WORDS]; f >= 0; f = sim.s.lruNext[f])
    pages.push(sim.s.framePage[f]);
  return pages;
}

const frameOf = (sim: Simulation, page: number) => sim.s.pte[page] - 1;

describe('mark_page_accessed on a referenced page (classic LRU)', () => {
  it('inactive on the LRU: to the head of the active list, PG_referenced cleared, pgactivate 1', () => {
    const sim = scenario({ version: '6.1' });
    place(sim, [0, 1, 2], 0, { referenced: true });
    expect(list(sim, LRU_INACTIVE_FILE)).toEqual([2, 1, 0]);
    markPageAccessed(sim.s, 1);
    expect(list(sim, LRU_INACTIVE_FILE)).toEqual([2, 0]);
    expect(list(sim, LRU_ACTIVE_FILE)).toEqual([1]);
    expect(sim.s.frameFlags[frameOf(sim, 1)] & (PG_ACTIVE | PG_REFERENCED)).toBe(PG_ACTIVE);
    expect(counter(sim, 0, 'pgactivate')).toBe(1);
    assertSound(sim);
  });

  it('already active: nothing moves, nothing is counted, it stays referenced', () => {
    const sim = scenario({ version: '6.1' });
    place(sim, [0, 1, 2], 0, { active: true, referenced: true });
    expect(list(sim, LRU_ACTIVE_FILE)).toEqual([2, 1, 0]);
    markPageAccessed(sim.s, 1);
    expect(list(sim, LRU_ACTIVE_FILE)).toEqual([2, 1, 0]);
    expect(sim.s.frameFlags[frameOf(sim, 1)] & (PG_ACTIVE | PG_REFERENCED)).toBe(PG_ACTIVE | PG_REFERENCED);
    expect(counter(sim, 0, 'pgactivate')).toBe(0);
    assertSound(sim);
  });

  it('isolated (off the LRU): not put on any list, still inactive; putback returns it as it was', () => {
    const sim = scenario({ version: '6.1' });
    place(sim, [0, 1, 2], 0, { referenced: true });
    const frame = frameOf(sim, 1);
    isolate(sim.s, 0, LRU_INACTIVE_FILE, frame, false);
    markPageAccessed(sim.s, 1);
    expect(sim.s.frameFlags[frame] & (PG_ACTIVE | PG_LRU | PG_ISOLATED)).toBe(PG_ISOLATED);
    expect(list(sim, LRU_ACTIVE_FILE)).toEqual([]);
    expect(list(sim, LRU_INACTIVE_FILE)).toEqual([2, 0]);
    expect(counter(sim, 0, 'pgactivate')).toBe(0);
    putback(sim.s, 0, frame, false);
    expect(list(sim, LRU_INACTIVE_FILE)).toEqual([1, 2, 0]);
    assertSound(sim);
  });

  it('not in memory (never read, or evicted to a shadow entry): nothing happens', () => {
    const sim = scenario({ version: '6.1' });
    place(sim, [0], 0, { referenced: true });
    markPageAccessed(sim.s, 5);
    expect(list(sim, LRU_INACTIVE_FILE)).toEqual([0]);
    expect(counter(sim, 0, 'pgactivate')).toBe(0);
  });
});
