/**
 * The multi-gen LRU's per-node state (struct lru_gen_folio, include/linux/mmzone.h of 6.1+) and
 * a page's place in it (lru_gen_add_folio / lru_gen_del_folio, include/linux/mm_inline.h).
 *
 * Each node has, per type (anon 0, file 1), generations numbered by sequence: min_seq[type] is
 * the oldest, max_seq (shared by both types) the youngest, with MIN_NR_GENS (2) to MAX_NR_GENS
 * (4) of them; generation `seq` lives in list `seq % MAX_NR_GENS`. Lists are intrusive over the
 * lruPrev/lruNext columns like the classic ones, head = youngest end, tail = where eviction
 * takes pages. A page's generation + 1 (0 = on no generation list) and its LRU_REFS counter are
 * in its `frameGen` byte, a column allocated only when MGLRU is on.
 *
 * For compatibility the kernel keeps the classic NR_{ACTIVE,INACTIVE}_{ANON,FILE} sizes too: the
 * two youngest generations count as active (lru_gen_update_size); W_LRU_SIZE holds them the same
 * way here, so meminfo and the nr_* gauges read as the kernel's do.
 */
import {
  LRU_ACTIVE_ANON,
  LRU_INACTIVE_ANON,
  PG_ACTIVE,
  PG_RECLAIM,
  PG_REFERENCED,
  PG_SWAPBACKED,
  PG_WORKINGSET,
} from '../../memory/flags.js';
import { LRU_GEN_NODE_WORDS, NODE_WORDS, W_LRU_SIZE } from '../../memory/layout.js';
import type { SimState } from '../../memory/state.js';
import { listPushHead, listPushTail, listUnlink } from '../../memory/lru.js';

export const MIN_NR_GENS = 2;
export const MAX_NR_GENS = 4;
export const MAX_NR_TIERS = 4;
/** LRU_REFS_WIDTH on 64-bit: accesses through file descriptors beyond PG_referenced/PG_workingset. */
export const LRU_REFS_WIDTH = 2;
/** MIN_LRU_BATCH (BITS_PER_LONG) and MAX_LRU_BATCH. */
export const MIN_LRU_BATCH = 64;
export const MAX_LRU_BATCH = MIN_LRU_BATCH * 64;

export const LRU_GEN_ANON = 0;
export const LRU_GEN_FILE = 1;

// frameGen byte: gen + 1 in bits 0..2, LRU_REFS in bits 3..4.
export const GEN_MASK = 7;
export const REFS_SHIFT = 3;
export const REFS_MASK = 3 << REFS_SHIFT;

// Per-node words of s.lruGenWords (Float64; integers).
export const G_MAX_SEQ = 0;
/** min_seq[type]. */
export const G_MIN_SEQ = 1;
/** timestamps[gen]: birth of each generation, simulated ns. */
export const G_TIMESTAMPS = 3;
/** List heads, tails and sizes (nr_pages), index gen * 2 + type. */
export const G_HEAD = 7;
export const G_TAIL = 15;
export const G_SIZE = 23;
/** PID controller history, index type * MAX_NR_TIERS + tier (NR_HIST_GENS = 1). */
export const G_AVG_REFAULTED = 31;
export const G_AVG_TOTAL = 39;
export const G_EVICTED = 47;
export const G_REFAULTED = 55;
/** protected[type][tier - 1], index type * (MAX_NR_TIERS - 1) + tier - 1. */
export const G_PROTECTED = 63;
/** Whether each of the two Bloom filters exists yet (test_bloom_filter passes everything until then). */
export const G_BLOOM_VALID = 69;
export const GEN_WORDS = LRU_GEN_NODE_WORDS;

export function genWords(nid: number): number {
  return nid * GEN_WORDS;
}

export function genOfSeq(seq: number): number {
  return seq % MAX_NR_GENS;
}

export function maxSeq(s: SimState, nid: number): number {
  return s.lruGenWords[nid * GEN_WORDS + G_MAX_SEQ];
}

export function minSeq(s: SimState, nid: number, type: number): number {
  return s.lruGenWords[nid * GEN_WORDS + G_MIN_SEQ + type];
}

/** get_nr_gens(). */
export function nrGens(s: SimState, nid: number, type: number): number {
  return maxSeq(s, nid) - minSeq(s, nid, type) + 1;
}

export function typeOfFlags(flags: number): number {
  return (flags & PG_SWAPBACKED) !== 0 ? LRU_GEN_ANON : LRU_GEN_FILE;
}

/** folio_lru_gen(): the page's generation, -1 when on no generation list. */
export function frameGenOf(s: SimState, frame: number): number {
  return (s.frameGen[frame] & GEN_MASK) - 1;
}

export function genSize(s: SimState, nid: number, gen: number, type: number): number {
  return s.lruGenWords[nid * GEN_WORDS + G_SIZE + gen * 2 + type];
}

export function genTail(s: SimState, nid: number, gen: number, type: number): number {
  return s.lruGenWords[nid * GEN_WORDS + G_TAIL + gen * 2 + type];
}

/** lru_gen_init_lruvec(): empty lists; max_seq starts at MIN_NR_GENS + 1, min_seq at 0 (as the kernel). */
export function initLruGen(s: SimState, nid: number): void {
  const g = nid * GEN_WORDS;
  s.lruGenWords[g + G_MAX_SEQ] = MIN_NR_GENS + 1;
  s.lruGenWords[g + G_MIN_SEQ] = 0;
  s.lruGenWords[g + G_MIN_SEQ + 1] = 0;
  for (let i = 0; i < MAX_NR_GENS * 2; i++) {
    s.lruGenWords[g + G_HEAD + i] = -1;
    s.lruGenWords[g + G_TAIL + i] = -1;
  }
}

/** lru_gen_is_active(): the two youngest generations are "active" for the classic counters. */
export function genIsActive(s: SimState, nid: number, gen: number): boolean {
  const max = maxSeq(s, nid);
  return gen === genOfSeq(max) || gen === genOfSeq(max - 1);
}

/** lru_gen_update_size() for one page entering (delta 1) or leaving (-1) generation `gen`. */
function updateSize(s: SimState, nid: number, gen: number, type: number, delta: number): void {
  s.lruGenWords[nid * GEN_WORDS + G_SIZE + gen * 2 + type] += delta;
  const lru = type * 2 + (genIsActive(s, nid, gen) ? LRU_ACTIVE_ANON : LRU_INACTIVE_ANON);
  s.nodeWords[nid * NODE_WORDS + W_LRU_SIZE + lru] += delta;
}

function listAdd(s: SimState, nid: number, l: number, frame: number, atTail: boolean): void {
  const g = nid * GEN_WORDS;
  if (atTail) listPushTail(s, s.lruGenWords, g + G_HEAD + l, g + G_TAIL + l, frame);
  else listPushHead(s, s.lruGenWords, g + G_HEAD + l, g + G_TAIL + l, frame);
}

function listDel(s: SimState, nid: number, l: number, frame: number): void {
  const g = nid * GEN_WORDS;
  listUnlink(s, s.lruGenWords, g + G_HEAD + l, g + G_TAIL + l, frame);
}

/**
 * Move a listed page to generation `newGen` of its type (list_move / list_move_tail plus
 * lru_gen_update_size): at the head (youngest end) unless `atTail`. Keeps its refs bits.
 */
export function moveToGen(s: SimState, nid: number, frame: number, newGen: number, atTail: boolean): void {
  const type = typeOfFlags(s.frameFlags[frame]);
  const oldGen = frameGenOf(s, frame);
  listDel(s, nid, oldGen * 2 + type, frame);
  if (oldGen !== newGen) {
    updateSize(s, nid, oldGen, type, -1);
    updateSize(s, nid, newGen, type, 1);
    s.frameGen[frame] = (s.frameGen[frame] & ~GEN_MASK) | (newGen + 1);
  }
  listAdd(s, nid, newGen * 2 + type, frame, atTail);
}

/**
 * lru_gen_add_folio(): the generation a page joins. PG_active (a fresh fault, an activated or a
 * rejected page) → the youngest; anon not in the swap cache, or dirty under writeback → the
 * second youngest; reclaim's rotation (`reclaiming`) or only two generations → the oldest;
 * otherwise the second oldest. PG_active is cleared: MGLRU keeps it only while a page is off
 * its lists. Reclaim's rotations go to the tail, everything else to the head.
 */
export function lruGenAddFolio(s: SimState, nid: number, frame: number, reclaiming: boolean): void {
  const flags = s.frameFlags[frame];
  const type = typeOfFlags(flags);
  const g = nid * GEN_WORDS;
  const max = s.lruGenWords[g + G_MAX_SEQ];
  const min = s.lruGenWords[g + G_MIN_SEQ + type];
  let seq: number;
  // An anon page off the LRU keeps no swap-cache state that matters here; a page-cache page
  // waiting for writeback (PG_reclaim, dirty or under writeback: kernel/writeback.ts) is not put
  // where eviction would meet it again at once.
  if ((flags & PG_ACTIVE) !== 0) seq = max;
  else if (type === LRU_GEN_ANON || ((flags & PG_RECLAIM) !== 0 && s.frameDirty[frame] !== 0)) seq = max - 1;
  else if (reclaiming || min + MIN_NR_GENS >= max) seq = min;
  else seq = min + 1;
  const gen = genOfSeq(seq);
  s.frameFlags[frame] = flags & ~PG_ACTIVE;
  s.frameGen[frame] = (s.frameGen[frame] & ~GEN_MASK) | (gen + 1);
  updateSize(s, nid, gen, type, 1);
  listAdd(s, nid, gen * 2 + type, frame, reclaiming);
}

/**
 * lru_gen_del_folio(): off its generation list. Outside reclaim a page of an active generation
 * takes PG_active with it (for folio_migrate_flags: a promoted or migrated page stays young).
 */
export function lruGenDelFolio(s: SimState, nid: number, frame: number, reclaiming: boolean): void {
  const flags = s.frameFlags[frame];
  const type = typeOfFlags(flags);
  const gen = frameGenOf(s, frame);
  listDel(s, nid, gen * 2 + type, frame);
  updateSize(s, nid, gen, type, -1);
  if (!reclaiming && genIsActive(s, nid, gen)) s.frameFlags[frame] = flags | PG_ACTIVE;
  s.frameGen[frame] &= ~GEN_MASK;
}

/** folio_lru_refs(): accesses through file descriptors beyond the first (LRU_REFS + PG_workingset). */
export function frameRefs(s: SimState, frame: number, workingset: boolean): number {
  return ((s.frameGen[frame] & REFS_MASK) >>> REFS_SHIFT) + (workingset ? 1 : 0);
}

/** lru_tier_from_refs(): order_base_2(refs + 1). */
export function tierFromRefs(refs: number): number {
  return refs === 0 ? 0 : refs === 1 ? 1 : refs <= 3 ? 2 : 3;
}

/**
 * folio_inc_refs(): an access through a file descriptor (mark_page_accessed with MGLRU on):
 * PG_referenced first, then PG_workingset, then the LRU_REFS counter up to its maximum.
 */
export function folioIncRefs(s: SimState, frame: number): void {
  const flags = s.frameFlags[frame];
  if ((flags & PG_REFERENCED) === 0) {
    s.frameFlags[frame] = flags | PG_REFERENCED;
    return;
  }
  if ((flags & PG_WORKINGSET) === 0) {
    s.frameFlags[frame] = flags | PG_WORKINGSET;
    return;
  }
  const v = s.frameGen[frame];
  if ((v & REFS_MASK) !== REFS_MASK) s.frameGen[frame] = v + (1 << REFS_SHIFT);
}
