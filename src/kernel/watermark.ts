/**
 * Watermark checks (zone_watermark_ok, order 0, the node's zones summed: see zones.ts): a node
 * passes a mark when its free pages are strictly above it plus the watermark boost, as
 * wmark_pages() adds watermark_boost to every mark. Marks are read from the node's words.
 */
import {
  NODE_WORDS,
  W_FREE,
  W_WMARK_HIGH,
  W_WMARK_LOW,
  W_WMARK_MIN,
  W_WMARK_PROMO,
  W_WMARK_BOOST,
} from '../memory/layout.js';
import type { SimState } from '../memory/state.js';

export const WMARK_MIN = W_WMARK_MIN;
export const WMARK_LOW = W_WMARK_LOW;
export const WMARK_HIGH = W_WMARK_HIGH;
export const WMARK_PROMO = W_WMARK_PROMO;

/** `mark` is one of the WMARK_* word offsets. */
export function watermarkOk(s: SimState, nid: number, mark: number, extraPages = 0): boolean {
  const w = nid * NODE_WORDS;
  return s.nodeWords[w + W_FREE] > s.nodeWords[w + mark] + s.nodeWords[w + W_WMARK_BOOST] + extraPages;
}

/** A mark as wmark_pages() reads it: the configured mark plus the boost. */
export function watermark(s: SimState, nid: number, mark: number): number {
  const w = nid * NODE_WORDS;
  return s.nodeWords[w + mark] + s.nodeWords[w + W_WMARK_BOOST];
}
