/**
 * MGLRU shadow entries (kernel/mglru/workingset.ts: lru_gen_eviction and lru_gen_refault,
 * mm/workingset.c of 6.1) where the mutation run found them untested, called directly on node 1
 * of the scenario with kernel 6.1 and lru_gen enabled:
 *
 * - eviction: refs = LRU_REFS + PG_workingset (folio_lru_refs), tier = order_base_2(refs + 1),
 *   token = min_seq[type] << LRU_REFS_WIDTH | max(refs - 1, 0), evicted[type][tier]++, and the
 *   shadow's workingset bit = refs != 0;
 * - refault: nothing on another node; workingset_refault always; when the token's generation is
 *   min_seq[type] (mod the bits kept), refaulted[type][tier]++ and workingset_activate with
 *   refs = token's refs + workingset bit; in a fault, or with refs >= 3, the page gets
 *   PG_workingset and full LRU_REFS (workingset_restore).
 *
 * The shadow keeps AGE_BITS = 23 bits of token, so the generation part wraps at 2^21.
 */
import { describe, expect, it } from 'vitest';
import {
  G_EVICTED,
  G_MIN_SEQ,
  G_REFAULTED,
  GEN_WORDS,
  MAX_NR_TIERS,
  REFS_MASK,
} from '../../src/kernel/mglru/lrugen.js';
import { lruGenEvictionShadow, lruGenRefault } from '../../src/kernel/mglru/workingset.js';
import { packShadow, shadowAge, shadowNid, shadowWorkingset } from '../../src/kernel/workingset.js';
import { takeFrame } from '../../src/memory/frames.js';
import { PG_SWAPBACKED, PG_WORKINGSET } from '../../src/memory/flags.js';
import { counter, scenario } from './scenario.js';

const ANON = 0;
const FILE = 1;

function node1() {
  const sim = scenario({ version: '6.1', kernel: 'lru_gen: { enabled: true }' });
  const s = sim.s;
  const g = 1 * GEN_WORDS;
  const setMinSeq = (type: number, seq: number) => {
    s.lruGenWords[g + G_MIN_SEQ + type] = seq;
  };
  const evicted = (type: number) =>
    Array.from({ length: MAX_NR_TIERS }, (_, t) => s.lruGenWords[g + G_EVICTED + type * MAX_NR_TIERS + t]);
  const refaulted = (type: number) =>
    Array.from({ length: MAX_NR_TIERS }, (_, t) => s.lruGenWords[g + G_REFAULTED + type * MAX_NR_TIERS + t]);
  /** A frame of node 1 holding a page with these flags and LRU_REFS counter (0..3), on gen 1. */
  const frame = (flags: number, lruRefs: number) => {
    const f = takeFrame(s, 1);
    s.frameFlags[f] = flags;
    s.frameGen[f] = (1 + 1) | (lruRefs << 3);
    return f;
  };
  return { sim, s, setMinSeq, evicted, refaulted, frame };
}

describe('lru_gen_eviction', () => {
  it('a file page with PG_workingset and LRU_REFS 2: refs 3, tier 2, token 5 << 2 | 2', () => {
    const n = node1();
    n.setMinSeq(FILE, 5);
    n.setMinSeq(ANON, 9);
    const shadow = lruGenEvictionShadow(n.s, 1, n.frame(PG_WORKINGSET, 2));
    expect([shadowNid(shadow), shadowAge(shadow), shadowWorkingset(shadow)]).toEqual([1, 22, true]);
    expect(n.evicted(FILE)).toEqual([0, 0, 1, 0]);
    expect(n.evicted(ANON)).toEqual([0, 0, 0, 0]);
  });

  it('an anon page with no refs: tier 0, token 9 << 2, no workingset bit', () => {
    const n = node1();
    n.setMinSeq(FILE, 5);
    n.setMinSeq(ANON, 9);
    const shadow = lruGenEvictionShadow(n.s, 1, n.frame(PG_SWAPBACKED, 0));
    expect([shadowNid(shadow), shadowAge(shadow), shadowWorkingset(shadow)]).toEqual([1, 36, false]);
    expect(n.evicted(ANON)).toEqual([1, 0, 0, 0]);
    // LRU_REFS 1 without PG_workingset: refs 1, tier 1, token 36 | 0, workingset bit set.
    const one = lruGenEvictionShadow(n.s, 1, n.frame(PG_SWAPBACKED, 1));
    expect([shadowAge(one), shadowWorkingset(one)]).toEqual([36, true]);
    expect(n.evicted(ANON)).toEqual([1, 1, 0, 0]);
  });

  it('the token wraps at the shadow width: min_seq 2^21 gives generation 0', () => {
    const n = node1();
    n.setMinSeq(FILE, 2 ** 21);
    const shadow = lruGenEvictionShadow(n.s, 1, n.frame(PG_WORKINGSET, 2));
    // (2^21 << 2 | 2) mod 2^23 = 2.
    expect(shadowAge(shadow)).toBe(2);
    // ... and refaults as recent while min_seq is still 2^21 (2^21 mod 2^21 = 0).
    expect(lruGenRefault(n.s, shadow, true, 1, n.frame(0, 0), false)).toBe(PG_WORKINGSET);
    expect(counter(n.sim, 1, 'workingset_activate_file')).toBe(1);
  });
});

describe('lru_gen_refault', () => {
  it('onto another node: nothing counted, no flags', () => {
    const n = node1();
    const shadow = packShadow(0, 0, true);
    expect(lruGenRefault(n.s, shadow, true, 1, n.frame(0, 0), true)).toBe(0);
    for (const nid of [0, 1]) {
      expect(counter(n.sim, nid, 'workingset_refault_file')).toBe(0);
      expect(counter(n.sim, nid, 'workingset_activate_file')).toBe(0);
    }
    expect(n.refaulted(FILE)).toEqual([0, 0, 0, 0]);
  });

  it('recent, read() (not in a fault), refs 2 + workingset = 3: tier 2, restored', () => {
    const n = node1();
    n.setMinSeq(FILE, 5);
    const f = n.frame(0, 0);
    expect(lruGenRefault(n.s, packShadow(1, (5 << 2) | 2, true), true, 1, f, false)).toBe(PG_WORKINGSET);
    expect(n.refaulted(FILE)).toEqual([0, 0, 1, 0]);
    expect(n.s.frameGen[f]).toBe(2 | REFS_MASK);
    expect(
      ['workingset_refault_file', 'workingset_activate_file', 'workingset_restore_file'].map((c) =>
        counter(n.sim, 1, c as 'workingset_refault_file'),
      ),
    ).toEqual([1, 1, 1]);
    expect(counter(n.sim, 0, 'workingset_refault_file')).toBe(0);
  });

  it('recent, read(), refs 1 + workingset = 2: tier 2, activated but not restored', () => {
    const n = node1();
    n.setMinSeq(FILE, 5);
    const f = n.frame(0, 0);
    expect(lruGenRefault(n.s, packShadow(1, (5 << 2) | 1, true), true, 1, f, false)).toBe(0);
    expect(n.refaulted(FILE)).toEqual([0, 0, 1, 0]);
    expect(n.s.frameGen[f]).toBe(2);
    expect(counter(n.sim, 1, 'workingset_activate_file')).toBe(1);
    expect(counter(n.sim, 1, 'workingset_restore_file')).toBe(0);
  });

  it('recent anon refault in a fault, no refs: tier 0, restored', () => {
    const n = node1();
    n.setMinSeq(ANON, 7);
    const f = n.frame(PG_SWAPBACKED, 0);
    expect(lruGenRefault(n.s, packShadow(1, 7 << 2, false), false, 1, f, true)).toBe(PG_WORKINGSET);
    expect(n.refaulted(ANON)).toEqual([1, 0, 0, 0]);
    expect(counter(n.sim, 1, 'workingset_restore_anon')).toBe(1);
    expect(n.s.frameGen[f]).toBe(2 | REFS_MASK);
  });

  it('min_seq moved on since the eviction: a refault, not activated', () => {
    const n = node1();
    n.setMinSeq(FILE, 6);
    expect(lruGenRefault(n.s, packShadow(1, (5 << 2) | 2, true), true, 1, n.frame(0, 0), true)).toBe(0);
    expect(counter(n.sim, 1, 'workingset_refault_file')).toBe(1);
    expect(counter(n.sim, 1, 'workingset_activate_file')).toBe(0);
    expect(n.refaulted(FILE)).toEqual([0, 0, 0, 0]);
  });
});
