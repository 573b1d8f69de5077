/**
 * The per-node LRU lists as intrusive doubly-linked lists over the lruPrev/lruNext columns.
 * Like the kernel's, pages enter at the head and reclaim takes them from the tail. Only the
 * node's owner (or the coordinator in a serial phase) calls these.
 */
import { NODE_WORDS, W_LRU_HEAD, W_LRU_SIZE, W_LRU_TAIL } from './layout.js';
import type { SimState } from './state.js';

export function lruAddHead(s: SimState, nid: number, lru: number, frame: number): void {
  const w = nid * NODE_WORDS;
  const head = s.nodeWords[w + W_LRU_HEAD + lru];
  s.lruPrev[frame] = -1;
  s.lruNext[frame] = head;
  if (head >= 0) s.lruPrev[head] = frame;
  else s.nodeWords[w + W_LRU_TAIL + lru] = frame;
  s.nodeWords[w + W_LRU_HEAD + lru] = frame;
  s.nodeWords[w + W_LRU_SIZE + lru]++;
}

export function lruAddTail(s: SimState, nid: number, lru: number, frame: number): void {
  const w = nid * NODE_WORDS;
  const tail = s.nodeWords[w + W_LRU_TAIL + lru];
  s.lruNext[frame] = -1;
  s.lruPrev[frame] = tail;
  if (tail >= 0) s.lruNext[tail] = frame;
  else s.nodeWords[w + W_LRU_HEAD + lru] = frame;
  s.nodeWords[w + W_LRU_TAIL + lru] = frame;
  s.nodeWords[w + W_LRU_SIZE + lru]++;
}

export function lruDel(s: SimState, nid: number, lru: number, frame: number): void {
  const w = nid * NODE_WORDS;
  const prev = s.lruPrev[frame];
  const next = s.lruNext[frame];
  if (prev >= 0) s.lruNext[prev] = next;
  else s.nodeWords[w + W_LRU_HEAD + lru] = next;
  if (next >= 0) s.lruPrev[next] = prev;
  else s.nodeWords[w + W_LRU_TAIL + lru] = prev;
  s.lruPrev[frame] = -1;
  s.lruNext[frame] = -1;
  s.nodeWords[w + W_LRU_SIZE + lru]--;
}

export function lruTail(s: SimState, nid: number, lru: number): number {
  return s.nodeWords[nid * NODE_WORDS + W_LRU_TAIL + lru];
}

export function lruSize(s: SimState, nid: number, lru: number): number {
  return s.nodeWords[nid * NODE_WORDS + W_LRU_SIZE + lru];
}
