/**
 * mark_page_accessed() (folio_mark_accessed in mm/swap.c) for page-cache reads through read(),
 * which set no PTE bit: the first call sets PG_referenced, the next one on an inactive page
 * activates it at once (folio_activate: to the active list, PG_referenced cleared, pgactivate,
 * workingset_activation). Buffered write() does not call it (the write path looks pages up
 * without FGP_ACCESSED), so writes leave the LRU state alone.
 *
 * Flags are not written during the access phase, so the access loop only reads them: a read() of
 * a page that is not both referenced and active (the one state the call leaves unchanged) queues
 * the call on the fault ring, and the place step applies the calls in node and record order.
 * Every node's records depend only on its own CPUs' accesses and on flags as they were when the
 * phase began, so the outcome does not depend on thread timing.
 */
import { PG_ACTIVE, PG_ISOLATED, PG_LRU, PG_REFERENCED, lruOf } from '../memory/flags.js';
import { frameNode } from '../memory/frames.js';
import { lruAddHead, lruDel } from '../memory/lru.js';
import type { SimState } from '../memory/state.js';
import { NR_COUNTERS, PGACTIVATE } from '../metrics/vmstat.js';
import { folioIncRefs } from './mglru/lrugen.js';
import { workingsetAgeNonresident } from './workingset.js';

/** folio_mark_accessed() on the page-cache page `page`, if it is still in memory (place step). */
export function markPageAccessed(s: SimState, page: number): void {
  const e = s.pte[page];
  if (e <= 0) return;
  const frame = e - 1;
  // With MGLRU on: folio_inc_refs(), never an activation.
  if (s.layout.lruGen) {
    folioIncRefs(s, frame);
    return;
  }
  const flags = s.frameFlags[frame];
  if ((flags & PG_REFERENCED) === 0) {
    s.frameFlags[frame] = flags | PG_REFERENCED;
    return;
  }
  // Referenced and active already, or off the LRU (isolated for a migration): nothing to move.
  if ((flags & PG_ACTIVE) !== 0 || (flags & PG_LRU) === 0 || (flags & PG_ISOLATED) !== 0) return;
  const nid = frameNode(s, frame);
  lruDel(s, nid, lruOf(flags), frame);
  const active = (flags | PG_ACTIVE) & ~PG_REFERENCED;
  s.frameFlags[frame] = active;
  lruAddHead(s, nid, lruOf(active), frame);
  s.counters[nid * NR_COUNTERS + PGACTIVATE]++;
  workingsetAgeNonresident(s, nid, 1);
}
