/**
 * The page allocator for user faults (__alloc_pages with GFP_HIGHUSER_MOVABLE, order 0, default
 * mempolicy): the fast path takes the first zonelist node above LOW without waking anyone, so a
 * full local DRAM node silently spills to the next node of its zonelist (PMEM first on Optane
 * machines). Only when every node is at or below LOW does the slow path wake all their kswapds,
 * retry at MIN and then reclaim directly.
 */
import type { SimState } from '../memory/state.js';
import {
  NR_COUNTERS,
  NUMA_FOREIGN,
  NUMA_HIT,
  NUMA_INTERLEAVE,
  NUMA_LOCAL,
  NUMA_MISS,
  PGALLOC_NORMAL,
} from '../metrics/vmstat.js';
import { MAX_RECLAIM_RETRIES, wakeupKswapd } from './kswapd.js';
import { rmqueueMovable, rmqueueUnmovable } from './pageblock.js';
import { directReclaim, type ReclaimContext } from './vmscan.js';
import { WMARK_LOW, WMARK_MIN, watermarkOk } from './watermark.js';

/**
 * Take a frame on `nid` for an allocation that preferred `preferredNid`, counting placement:
 * movable (a user page) or unmovable (a page-table page, kernel/pgtable.ts).
 */
function allocateOn(
  s: SimState,
  nid: number,
  preferredNid: number,
  cpuNid: number,
  interleaveNid: number,
  unmovable: boolean,
): number {
  const frame = unmovable ? rmqueueUnmovable(s, nid) : rmqueueMovable(s, nid, true);
  const row = nid * NR_COUNTERS;
  s.counters[row + PGALLOC_NORMAL]++;
  if (nid === interleaveNid) s.counters[row + NUMA_INTERLEAVE]++;
  if (nid === preferredNid) {
    s.counters[row + NUMA_HIT]++;
  } else {
    s.counters[row + NUMA_MISS]++;
    s.counters[preferredNid * NR_COUNTERS + NUMA_FOREIGN]++;
  }
  s.counters[row + NUMA_LOCAL + (nid === cpuNid ? 0 : 1)]++;
  return frame;
}

function firstAbove(s: SimState, zonelist: readonly number[], mark: number): number {
  for (let i = 0; i < zonelist.length; i++) {
    if (watermarkOk(s, zonelist[i], mark)) return zonelist[i];
  }
  return -1;
}

/**
 * Allocate a frame for a page faulted by a CPU of `cpuNid`, walking `zonelist` (the task's
 * memory policy and cpuset already applied; see mempolicy.ts). `interleaveNid` is the node an
 * interleave policy aimed at (-1 otherwise), for numa_interleave. Returns the frame, or -1 when
 * even direct reclaim found nothing (the kernel would OOM-kill). Time spent in direct reclaim
 * is added to ctx.stallNs for the caller to charge to the faulting CPU.
 */
export function allocUserPage(
  s: SimState,
  ctx: ReclaimContext,
  cpuNid: number,
  zonelist: readonly number[],
  interleaveNid: number,
): number {
  return allocPage(s, ctx, cpuNid, zonelist, interleaveNid, false);
}

/**
 * The walk for a page of either mobility: `unmovable` for a GFP_KERNEL page (a page-table page,
 * kernel/pgtable.ts), whose `zonelist` holds only nodes with a zone at or below ZONE_NORMAL
 * (kernelZonelist) and which comes from a non-movable pageblock or a fallback steal
 * (pageblock.ts rmqueueUnmovable).
 */
export function allocPage(
  s: SimState,
  ctx: ReclaimContext,
  cpuNid: number,
  zonelist: readonly number[],
  interleaveNid: number,
  unmovable: boolean,
): number {
  if (zonelist.length === 0) return -1;
  const preferred = zonelist[0];
  let nid = firstAbove(s, zonelist, WMARK_LOW);
  if (nid >= 0) return allocateOn(s, nid, preferred, cpuNid, interleaveNid, unmovable);
  for (let i = 0; i < zonelist.length; i++) wakeupKswapd(s, zonelist[i]);
  nid = firstAbove(s, zonelist, WMARK_MIN);
  if (nid >= 0) return allocateOn(s, nid, preferred, cpuNid, interleaveNid, unmovable);
  for (let attempt = 0; attempt < MAX_RECLAIM_RETRIES; attempt++) {
    const reclaimed = directReclaim(s, ctx, cpuNid, zonelist);
    ctx.stallNs += ctx.sc[cpuNid].costNs;
    nid = firstAbove(s, zonelist, WMARK_MIN);
    if (nid >= 0) return allocateOn(s, nid, preferred, cpuNid, interleaveNid, unmovable);
    if (reclaimed === 0) break;
  }
  return -1;
}
