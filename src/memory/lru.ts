/**
 * The per-node LRU lists as intrusive doubly-linked lists over the lruPrev/lruNext columns.
 * Like the kernel's, pages enter at the head and reclaim takes them from the tail. Only the
 * node's owner (or the coordinator in a serial phase) calls these.
 */
import { PG_ISOLATED, PG_LRU, PG_SWAPBACKED, lruOf } from './flags.js';
import {
  NODE_WORDS,
  W_ISOLATED_ANON,
  W_ISOLATED_FILE,
  W_LRU_HEAD,
  W_LRU_SIZE,
  W_LRU_TAIL,
} from './layout.js';
import type { SimState } from './state.js';
import { lruGenAddFolio, lruGenDelFolio } from '../kernel/mglru/lrugen.js';
import { assert, debugChecks } from '../util/assert.js';

/**
 * The list primitives, over the lruPrev/lruNext columns, for a list whose head and tail frames
 * are words[head] and words[tail] (-1 when empty): the classic lists keep those in nodeWords,
 * MGLRU's generation lists in lruGenWords (kernel/mglru/lrugen.ts).
 */
export function listPushHead(
  s: SimState,
  words: Float64Array,
  head: number,
  tail: number,
  frame: number,
): void {
  const first = words[head];
  s.lruPrev[frame] = -1;
  s.lruNext[frame] = first;
  if (first >= 0) s.lruPrev[first] = frame;
  else words[tail] = frame;
  words[head] = frame;
}

export function listPushTail(
  s: SimState,
  words: Float64Array,
  head: number,
  tail: number,
  frame: number,
): void {
  const last = words[tail];
  s.lruNext[frame] = -1;
  s.lruPrev[frame] = last;
  if (last >= 0) s.lruNext[last] = frame;
  else words[head] = frame;
  words[tail] = frame;
}

export function listUnlink(
  s: SimState,
  words: Float64Array,
  head: number,
  tail: number,
  frame: number,
): void {
  const prev = s.lruPrev[frame];
  const next = s.lruNext[frame];
  if (prev >= 0) s.lruNext[prev] = next;
  else words[head] = next;
  if (next >= 0) s.lruPrev[next] = prev;
  else words[tail] = prev;
  s.lruPrev[frame] = -1;
  s.lruNext[frame] = -1;
}

export function lruAddHead(s: SimState, nid: number, lru: number, frame: number): void {
  const w = nid * NODE_WORDS;
  listPushHead(s, s.nodeWords, w + W_LRU_HEAD + lru, w + W_LRU_TAIL + lru, frame);
  s.nodeWords[w + W_LRU_SIZE + lru]++;
}

export function lruAddTail(s: SimState, nid: number, lru: number, frame: number): void {
  const w = nid * NODE_WORDS;
  listPushTail(s, s.nodeWords, w + W_LRU_HEAD + lru, w + W_LRU_TAIL + lru, frame);
  s.nodeWords[w + W_LRU_SIZE + lru]++;
}

export function lruDel(s: SimState, nid: number, lru: number, frame: number): void {
  const w = nid * NODE_WORDS;
  listUnlink(s, s.nodeWords, w + W_LRU_HEAD + lru, w + W_LRU_TAIL + lru, frame);
  s.nodeWords[w + W_LRU_SIZE + lru]--;
}

export function lruTail(s: SimState, nid: number, lru: number): number {
  return s.nodeWords[nid * NODE_WORDS + W_LRU_TAIL + lru];
}

export function lruSize(s: SimState, nid: number, lru: number): number {
  return s.nodeWords[nid * NODE_WORDS + W_LRU_SIZE + lru];
}

/**
 * isolate_lru_page(): take a page off its list for reclaim or migration; counted as isolated.
 * With the multi-gen LRU, off its generation (`lru` is then unused), as lruvec_del_folio does.
 */
export function isolate(s: SimState, nid: number, lru: number, frame: number, anon: boolean): void {
  // Precondition (TIERSIM_DEBUG): on an LRU list, the one named, of the kind named.
  if (debugChecks) {
    const flags = s.frameFlags[frame];
    assert(
      (flags & (PG_LRU | PG_ISOLATED)) === PG_LRU && (s.layout.lruGen || lruOf(flags) === lru),
      'isolate: frame not on the LRU list named',
    );
    assert(((flags & PG_SWAPBACKED) !== 0) === anon, 'isolate: anon/file does not match the flags');
  }
  if (s.layout.lruGen) lruGenDelFolio(s, nid, frame, false);
  else lruDel(s, nid, lru, frame);
  s.frameFlags[frame] = (s.frameFlags[frame] & ~PG_LRU) | PG_ISOLATED;
  s.nodeWords[nid * NODE_WORDS + (anon ? W_ISOLATED_ANON : W_ISOLATED_FILE)]++;
}

/**
 * putback_lru_page(): an isolated page back on the list its flags name (head, or tail). With the
 * multi-gen LRU, lru_gen_add_folio picks the generation; the tail is reclaim's rotation.
 */
export function putback(s: SimState, nid: number, frame: number, toTail: boolean): void {
  if (debugChecks)
    assert((s.frameFlags[frame] & (PG_LRU | PG_ISOLATED)) === PG_ISOLATED, 'putback: frame not isolated');
  const flags = (s.frameFlags[frame] & ~PG_ISOLATED) | PG_LRU;
  s.frameFlags[frame] = flags;
  const anon = (flags & PG_SWAPBACKED) !== 0;
  s.nodeWords[nid * NODE_WORDS + (anon ? W_ISOLATED_ANON : W_ISOLATED_FILE)]--;
  if (s.layout.lruGen) return lruGenAddFolio(s, nid, frame, toTail);
  const lru = lruOf(flags);
  if (toTail) lruAddTail(s, nid, lru, frame);
  else lruAddHead(s, nid, lru, frame);
}
