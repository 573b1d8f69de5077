/**
 * The multi-gen LRU's per-node state and a page's place in it (kernel/mglru/lrugen.ts), where
 * the mutation run found it untested, called directly on node 1 of the scenario (kernel 6.1,
 * lru_gen enabled; a fresh node has max_seq 3, min_seq 0, four generations):
 *
 * - lru_gen_add_folio (include/linux/mm_inline.h): PG_active → max_seq; anon, or a page-cache
 *   page with PG_reclaim that is dirty (or under writeback) → max_seq - 1; reclaiming, or
 *   min_seq + MIN_NR_GENS >= max_seq → min_seq; else min_seq + 1. Reclaim's go to the tail,
 *   the rest to the head; the LRU_REFS bits stay.
 * - lru_gen_del_folio: off the list, PG_active kept for a page of the two youngest generations
 *   outside reclaim; the refs bits stay.
 * - folio_inc_refs: PG_referenced, then PG_workingset, then LRU_REFS up to 3.
 * - lru_tier_from_refs: order_base_2(refs + 1).
 */
import { describe, expect, it } from 'vitest';
import {
  G_HEAD,
  G_MIN_SEQ,
  G_SIZE,
  G_TAIL,
  GEN_WORDS,
  REFS_MASK,
  folioIncRefs,
  frameGenOf,
  frameRefs,
  genSize,
  genTail,
  genWords,
  initLruGen,
  lruGenAddFolio,
  lruGenDelFolio,
  maxSeq,
  minSeq,
  moveToGen,
  tierFromRefs,
} from '../../src/kernel/mglru/lrugen.js';
import { takeFrame } from '../../src/memory/frames.js';
import {
  PG_ACTIVE,
  PG_RECLAIM,
  PG_REFERENCED,
  PG_SWAPBACKED,
  PG_WORKINGSET,
} from '../../src/memory/flags.js';
import { NODE_WORDS, W_LRU_SIZE } from '../../src/memory/layout.js';
import { scenario } from './scenario.js';

const ANON = 0;
const FILE = 1;

function node1() {
  const sim = scenario({ version: '6.1', kernel: 'lru_gen: { enabled: true }' });
  const s = sim.s;
  const g = 1 * GEN_WORDS;
  const frame = (flags: number, refs = 0, dirty = false) => {
    const f = takeFrame(s, 1);
    s.frameFlags[f] = flags;
    s.frameGen[f] = refs << 3;
    s.frameDirty[f] = dirty ? 1 : 0;
    return f;
  };
  const head = (gen: number, type: number) => s.lruGenWords[g + G_HEAD + gen * 2 + type];
  const lruSizes = () => [0, 1, 2, 3].map((l) => s.nodeWords[1 * NODE_WORDS + W_LRU_SIZE + l]);
  return { sim, s, g, frame, head, lruSizes };
}

describe('per-node words', () => {
  it('node 1: init, max_seq, min_seq per type, sizes and tails by generation and type', () => {
    const { s, g } = node1();
    expect(genWords(1)).toBe(GEN_WORDS);
    s.lruGenWords[g + G_MIN_SEQ + ANON] = 5;
    s.lruGenWords[g + G_MIN_SEQ + FILE] = 6;
    expect([minSeq(s, 1, ANON), minSeq(s, 1, FILE)]).toEqual([5, 6]);
    const lastOfNode0 = s.lruGenWords[g - 1];
    initLruGen(s, 1);
    expect([maxSeq(s, 1), minSeq(s, 1, ANON), minSeq(s, 1, FILE)]).toEqual([3, 0, 0]);
    expect(s.lruGenWords[g - 1]).toBe(lastOfNode0);
    // Sizes and tails are indexed gen * 2 + type.
    s.lruGenWords[g + G_SIZE + 2 * 2 + ANON] = 7;
    s.lruGenWords[g + G_SIZE + 2 * 2 + FILE] = 11;
    expect([genSize(s, 1, 2, ANON), genSize(s, 1, 2, FILE)]).toEqual([7, 11]);
    s.lruGenWords[g + G_TAIL + 3 * 2 + FILE] = 42;
    expect([genTail(s, 1, 3, FILE), genTail(s, 1, 3, ANON)]).toEqual([42, -1]);
  });
});

describe('lru_gen_add_folio', () => {
  it('where each page goes with four generations (min 0, max 3)', () => {
    const n = node1();
    const active = n.frame(PG_ACTIVE);
    const anon = n.frame(PG_SWAPBACKED);
    const reclaimDirty = n.frame(PG_RECLAIM, 0, true);
    const reclaimClean = n.frame(PG_RECLAIM);
    const dirtyOnly = n.frame(0, 0, true);
    const rotated = n.frame(0);
    for (const f of [active, anon, reclaimDirty, reclaimClean, dirtyOnly]) lruGenAddFolio(n.s, 1, f, false);
    lruGenAddFolio(n.s, 1, rotated, true);
    expect(
      [active, anon, reclaimDirty, reclaimClean, dirtyOnly, rotated].map((f) => frameGenOf(n.s, f)),
    ).toEqual([3, 2, 2, 1, 1, 0]);
    // PG_active is cleared on the list.
    expect(n.s.frameFlags[active] & PG_ACTIVE).toBe(0);
    // Generations 3 and 2 are active for the classic counters: file active 2 (active,
    // reclaimDirty), anon active 1, file inactive 3 (two in gen 1, one in gen 0).
    expect(n.lruSizes()).toEqual([0, 1, 3, 2]);
  });

  it('three generations (min 1): a page that is not active or anon goes to the oldest', () => {
    const n = node1();
    n.s.lruGenWords[n.g + G_MIN_SEQ + FILE] = 1;
    const f = n.frame(PG_REFERENCED);
    lruGenAddFolio(n.s, 1, f, false);
    expect(frameGenOf(n.s, f)).toBe(1);
  });

  it('keeps the refs bits; reclaim puts pages at the tail, others at the head', () => {
    const n = node1();
    const a = n.frame(0, 2);
    const b = n.frame(0, 0);
    const c = n.frame(0, 0);
    lruGenAddFolio(n.s, 1, a, false);
    lruGenAddFolio(n.s, 1, b, false);
    expect(frameRefs(n.s, a, false)).toBe(2);
    // Both in gen 1: b at the head, a at the tail.
    expect([n.head(1, FILE), genTail(n.s, 1, 1, FILE)]).toEqual([b, a]);
    // A rotation in reclaim into gen 0: c at gen 0's tail; another one after it goes behind it.
    lruGenAddFolio(n.s, 1, c, true);
    const d = n.frame(0, 0);
    lruGenAddFolio(n.s, 1, d, true);
    expect([n.head(0, FILE), genTail(n.s, 1, 0, FILE)]).toEqual([c, d]);
  });
});

describe('lru_gen_del_folio and moves', () => {
  it('outside reclaim a page of an active generation takes PG_active; refs kept, lists emptied', () => {
    const n = node1();
    const young = n.frame(PG_ACTIVE, 1);
    const old = n.frame(0, 1);
    lruGenAddFolio(n.s, 1, young, false);
    lruGenAddFolio(n.s, 1, old, false);
    lruGenDelFolio(n.s, 1, young, false);
    lruGenDelFolio(n.s, 1, old, false);
    expect([n.s.frameFlags[young] & PG_ACTIVE, n.s.frameFlags[old] & PG_ACTIVE]).toEqual([PG_ACTIVE, 0]);
    expect([frameGenOf(n.s, young), frameGenOf(n.s, old)]).toEqual([-1, -1]);
    expect([frameRefs(n.s, young, false), frameRefs(n.s, old, false)]).toEqual([1, 1]);
    expect([n.head(3, FILE), n.head(1, FILE), genTail(n.s, 1, 1, FILE)]).toEqual([-1, -1, -1]);
    expect(n.lruSizes()).toEqual([0, 0, 0, 0]);
  });

  it('in reclaim a page of an active generation does not take PG_active', () => {
    const n = node1();
    const f = n.frame(PG_ACTIVE);
    lruGenAddFolio(n.s, 1, f, false);
    lruGenDelFolio(n.s, 1, f, true);
    expect(n.s.frameFlags[f] & PG_ACTIVE).toBe(0);
  });

  it('moveToGen on node 1: off the old list, onto the new one, sizes moved', () => {
    const n = node1();
    const f = n.frame(0);
    lruGenAddFolio(n.s, 1, f, false);
    expect(frameGenOf(n.s, f)).toBe(1);
    moveToGen(n.s, 1, f, 3, false);
    expect([frameGenOf(n.s, f), n.head(1, FILE), n.head(3, FILE)]).toEqual([3, -1, f]);
    expect([genSize(n.s, 1, 1, FILE), genSize(n.s, 1, 3, FILE)]).toEqual([0, 1]);
    expect(n.lruSizes()).toEqual([0, 0, 0, 1]);
  });
});

describe('refs', () => {
  it('folio_inc_refs: PG_referenced, PG_workingset, then LRU_REFS 1, 2, 3 and no further', () => {
    const n = node1();
    const f = n.frame(0);
    const state = () => [
      n.s.frameFlags[f] & (PG_REFERENCED | PG_WORKINGSET),
      (n.s.frameGen[f] & REFS_MASK) >> 3,
    ];
    const seen = [];
    for (let i = 0; i < 6; i++) {
      folioIncRefs(n.s, f);
      seen.push(state());
    }
    const rw = PG_REFERENCED | PG_WORKINGSET;
    expect(seen).toEqual([
      [PG_REFERENCED, 0],
      [rw, 0],
      [rw, 1],
      [rw, 2],
      [rw, 3],
      [rw, 3],
    ]);
  });

  it('lru_tier_from_refs = order_base_2(refs + 1)', () => {
    expect([0, 1, 2, 3, 4].map(tierFromRefs)).toEqual([0, 1, 2, 2, 3]);
  });
});
