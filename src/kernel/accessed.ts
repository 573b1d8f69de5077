/**
 * mark_page_accessed() for page-cache accesses through read()/write(), which set no PTE bit.
 *
 * The kernel applies it at each access: first access sets PG_referenced, the second activates.
 * Flags are written only by a frame's owner, so the access loop instead leaves a mark in the
 * frame's `frameAccessed` byte and reclaim folds it in when it next looks at the page. The mark
 * records whether the page was read in one epoch or in more than one since the last look:
 *
 *   0              no read()/write() access since reclaim last looked
 *   tag            accessed in exactly one epoch (tag = epoch mod 127 + 1)
 *   tag | 0x80     accessed in two or more epochs
 *
 * Any CPU of any node may update the byte in the same epoch, and every interleaving ends in the
 * same value (each writer writes what the byte's value at the start of the epoch implies), so
 * the result does not depend on thread scheduling. Accesses within one epoch count once.
 */
import { NODE_WORDS, W_NONRESIDENT_AGE } from '../memory/layout.js';
import { PG_ACTIVE, PG_REFERENCED } from '../memory/flags.js';
import type { SimState } from '../memory/state.js';
import { NR_COUNTERS, PGACTIVATE } from '../metrics/vmstat.js';
import { folioIncRefs } from './mglru/lrugen.js';

export const ACCESSED_MULTI = 0x80;
const TAG_MASK = 0x7f;

export function accessTag(epoch: number): number {
  return (epoch % 127) + 1;
}

/** The access loop's update (inlined there; kept here as the definition and for tests). */
export function markAccessed(accessed: Uint8Array, frame: number, tag: number): void {
  const v = accessed[frame];
  if (v === 0) accessed[frame] = tag;
  else if ((v & ACCESSED_MULTI) === 0 && (v & TAG_MASK) !== tag) accessed[frame] = tag | ACCESSED_MULTI;
}

/**
 * Fold a frame's marks into its flags as one or two mark_page_accessed() calls and clear them.
 * Returns true when the page was activated (it belongs on the active list now).
 */
export function foldAccessed(s: SimState, nid: number, frame: number): boolean {
  const v = s.frameAccessed[frame];
  if (v === 0) return false;
  s.frameAccessed[frame] = 0;
  const calls = (v & ACCESSED_MULTI) !== 0 ? 2 : 1;
  if (s.layout.lruGen) {
    // folio_mark_accessed() with MGLRU on: folio_inc_refs(), never an activation.
    for (let i = 0; i < calls; i++) folioIncRefs(s, frame);
    return false;
  }
  let activated = false;
  for (let i = 0; i < calls; i++) {
    const flags = s.frameFlags[frame];
    if ((flags & PG_REFERENCED) === 0) {
      s.frameFlags[frame] = flags | PG_REFERENCED;
    } else if ((flags & PG_ACTIVE) === 0) {
      s.frameFlags[frame] = (flags | PG_ACTIVE) & ~PG_REFERENCED;
      s.counters[nid * NR_COUNTERS + PGACTIVATE]++;
      // workingset_activation(): activations age the node's nonresident clock.
      s.nodeWords[nid * NODE_WORDS + W_NONRESIDENT_AGE]++;
      activated = true;
    }
  }
  return activated;
}
