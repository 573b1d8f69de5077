/**
 * Shadow entries with the multi-gen LRU (lru_gen_eviction / lru_gen_refault, mm/workingset.c of
 * 6.1+). The shadow records the node, a token = min_seq[type] at eviction << LRU_REFS_WIDTH |
 * the page's refs beyond the first, and whether it had any refs (the workingset bit). A refault
 * is "recent" when it comes back before min_seq moved on, i.e. it was evicted from the
 * generation still being evicted; it then counts in refaulted[type][tier], the PID controller's
 * input (evict.ts), and in workingset_activate. Refaults onto another node count nothing, as
 * the kernel's lruvec check.
 */
import { PG_WORKINGSET } from '../../memory/flags.js';
import type { SimState } from '../../memory/state.js';
import {
  NR_COUNTERS,
  TYPE_FILE,
  WORKINGSET_ACTIVATE_ANON,
  WORKINGSET_REFAULT_ANON,
  WORKINGSET_RESTORE_ANON,
} from '../../metrics/vmstat.js';
import { AGE_MASK, packShadow, shadowAge, shadowNid, shadowWorkingset } from '../workingset.js';
import {
  G_EVICTED,
  G_MIN_SEQ,
  G_REFAULTED,
  GEN_WORDS,
  LRU_REFS_WIDTH,
  MAX_NR_TIERS,
  REFS_MASK,
  frameRefs,
  tierFromRefs,
  typeOfFlags,
} from './lrugen.js';

const TOKEN_REFS_MASK = (1 << LRU_REFS_WIDTH) - 1;

/** lru_gen_eviction(): count the eviction in evicted[type][tier] and build the shadow. */
export function lruGenEvictionShadow(s: SimState, nid: number, frame: number): number {
  const flags = s.frameFlags[frame];
  const type = typeOfFlags(flags);
  const refs = frameRefs(s, frame, (flags & PG_WORKINGSET) !== 0);
  const tier = tierFromRefs(refs);
  const g = nid * GEN_WORDS;
  const minSeq = s.lruGenWords[g + G_MIN_SEQ + type];
  const token = minSeq * (1 << LRU_REFS_WIDTH) + Math.max(refs - 1, 0);
  s.lruGenWords[g + G_EVICTED + type * MAX_NR_TIERS + tier]++;
  return packShadow(nid, token % (AGE_MASK + 1), refs !== 0);
}

/**
 * lru_gen_refault() for a page coming back from `shadow` into `frame` on node `nid`, before it
 * joins a generation. Returns the flags to add (PG_workingset for a page that refaulted in a
 * fault or had been accessed several times through file descriptors: a workingset restore,
 * whose refs are set to the maximum too).
 */
export function lruGenRefault(
  s: SimState,
  shadow: number,
  file: boolean,
  nid: number,
  frame: number,
  inFault: boolean,
): number {
  if (shadowNid(shadow) !== nid) return 0;
  const type = file ? TYPE_FILE : 0;
  const row = nid * NR_COUNTERS;
  s.counters[row + WORKINGSET_REFAULT_ANON + type]++;
  const g = nid * GEN_WORDS;
  const token = shadowAge(shadow);
  const minSeq = s.lruGenWords[g + G_MIN_SEQ + type];
  const recent = Math.floor(token / (1 << LRU_REFS_WIDTH)) === minSeq % ((AGE_MASK + 1) >>> LRU_REFS_WIDTH);
  if (!recent) return 0;
  const refs = (token & TOKEN_REFS_MASK) + (shadowWorkingset(shadow) ? 1 : 0);
  const tier = tierFromRefs(refs);
  s.lruGenWords[g + G_REFAULTED + type * MAX_NR_TIERS + tier]++;
  s.counters[row + WORKINGSET_ACTIVATE_ANON + type]++;
  if (inFault || refs >= TOKEN_REFS_MASK) {
    s.frameGen[frame] |= REFS_MASK;
    s.counters[row + WORKINGSET_RESTORE_ANON + type]++;
    return PG_WORKINGSET;
  }
  return 0;
}
