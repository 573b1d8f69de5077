/**
 * Watermark checks (zone_watermark_ok, order 0, one zone per node): a node passes a mark when
 * its free pages are strictly above it. Marks are read from the node's words so tests and a
 * future watermark boost can change them at run time.
 */
import {
  NODE_WORDS,
  W_FREE,
  W_WMARK_HIGH,
  W_WMARK_LOW,
  W_WMARK_MIN,
  W_WMARK_PROMO,
} from '../memory/layout.js';
import type { SimState } from '../memory/state.js';

export const WMARK_MIN = W_WMARK_MIN;
export const WMARK_LOW = W_WMARK_LOW;
export const WMARK_HIGH = W_WMARK_HIGH;
export const WMARK_PROMO = W_WMARK_PROMO;

/** `mark` is one of the WMARK_* word offsets. */
export function watermarkOk(s: SimState, nid: number, mark: number, extraPages = 0): boolean {
  const w = nid * NODE_WORDS;
  return s.nodeWords[w + W_FREE] > s.nodeWords[w + mark] + extraPages;
}

export function watermark(s: SimState, nid: number, mark: number): number {
  return s.nodeWords[nid * NODE_WORDS + mark];
}
