/**
 * Page-table pages: the memory a workload uses without owning it.
 *
 * A user fault walks the task's page tables down to the PTE, allocating each missing level on
 * the way (__handle_mm_fault: pud_alloc, pmd_alloc, then do_anonymous_page / do_fault's
 * pte_alloc → __pte_alloc). Each is one order-0 page from pagetable_alloc(GFP_PGTABLE_USER):
 * GFP_KERNEL | __GFP_ZERO | __GFP_ACCOUNT, so unmovable (no __GFP_MOVABLE: ZONE_NORMAL is the
 * highest zone it may use, never ZONE_MOVABLE, so never a dax/kmem PMEM node), allowed to
 * reclaim and to wake kswapd, following the task's mempolicy (alloc_pages → the task policy;
 * a bind policy only applies when its nodes have memory below ZONE_MOVABLE, apply_policy_zone).
 * Every level is counted in NR_PAGETABLE (pagetable_{pte,pmd,pud}_ctor), meminfo PageTables,
 * and stays until the mapping goes (free_pgtables at munmap/exit): reclaim frees the pages the
 * table maps, never the table.
 *
 * Modelled: PTE pages (one per 2 MiB of a region: a region starts on a PMD boundary), PMD pages
 * (one per 1 GiB) and PUD pages (one per 512 GiB) of each task's address space, with the task's
 * mapped regions laid end to end in region order from a 512 GiB boundary. Not modelled: the PGD
 * (allocated at fork, before the workload) and the tables of the program's own text, stack and
 * libraries. A task is one mm: its CPUs (threads) share its tables.
 *
 * State: `pgtableFrame` (Int32, frame + 1, 0 = not allocated), one slot per table the task's
 * mapped regions can need, laid out at set-up (pgtableLayout) so that a fault allocates nothing.
 * A table's frame holds PGTABLE_PAGE in framePage and no flags, off every list.
 */
import { frameNode, giveUnmovableFrame } from '../memory/frames.js';
import { NODE_WORDS, W_PAGETABLES } from '../memory/layout.js';
import { PGTABLE_PAGE } from '../memory/pgtable-layout.js';
import type { SimState } from '../memory/state.js';
import { NR_COUNTERS, PGFREE, TIERSIM_ALLOC_FAIL } from '../metrics/vmstat.js';
import { allocPage } from './alloc.js';
import { MPOL_INTERLEAVE, type TaskPolicy } from './mempolicy.js';
import type { ReclaimContext } from './vmscan.js';

/** Allocated table pages of a node (NR_PAGETABLE). */
export function pageTablePages(s: SimState, nid: number): number {
  return s.nodeWords[nid * NODE_WORDS + W_PAGETABLES];
}

/**
 * The zonelist a page-table allocation of a task walks: the policy's user-page zonelist without
 * the nodes that only have ZONE_MOVABLE (gfp_zone(GFP_KERNEL) is ZONE_NORMAL). A bind policy
 * (or cpuset) that leaves none is not applied to it (apply_policy_zone: the nodes have movable
 * memory only), so the default zonelist is walked.
 */
export function kernelZonelist(
  s: SimState,
  policy: TaskPolicy,
  cpuNid: number,
  userZonelist: readonly number[],
): readonly number[] {
  const filtered = policy.kernelZonelists.get(userZonelist);
  if (filtered !== undefined && filtered.length > 0) return filtered;
  return policy.kernelDefault[cpuNid];
}

/**
 * Before a fault of `page` by CPU `cpu` maps it: allocate the PUD, PMD and PTE pages its
 * address needs that the task does not have yet, in that order (the walk down). Returns false
 * when one could not be allocated (the fault fails with VM_FAULT_OOM: counted, page not mapped).
 * Direct-reclaim time is added to ctx.stallNs. Coordinator only (place step).
 */
export function ensurePgtables(
  s: SimState,
  ctx: ReclaimContext,
  cpu: number,
  page: number,
  userZonelist: readonly number[],
): boolean {
  const task = s.plan.cpuTask[cpu];
  if (task < 0 || !s.params.pageTables) return true;
  const t = s.plan.tasks[task];
  const regions = t.regions;
  const pl = s.layout.pgtables;
  for (let i = 0; i < regions.length; i++) {
    const r = regions[i];
    if (page < r.firstPage || page >= r.firstPage + r.pages) continue;
    const base = pl.regionBase[t.firstRegion + i];
    if (base < 0) return true;
    const off = page - r.firstPage;
    const pteSlot = base + (off >>> pl.shift);
    // The common case: the PTE page is there, and so are the levels above it.
    if (s.pgtableFrame[pteSlot] !== 0) return true;
    const vaddr = pl.regionVoff[t.firstRegion + i] + off;
    const pudSlot = pl.pudBase[task] + Math.floor(vaddr / 2 ** (3 * pl.shift));
    const pmdSlot = pl.pmdBase[task] + Math.floor(vaddr / 2 ** (2 * pl.shift));
    const policy = ctx.policies[task];
    const cpuNid = s.machine.cpuNode[cpu];
    const zonelist = kernelZonelist(s, policy, cpuNid, userZonelist);
    const interleaveNid = policy.mode === MPOL_INTERLEAVE ? zonelist[0] : -1;
    return (
      allocTable(s, ctx, pudSlot, cpuNid, zonelist, interleaveNid) &&
      allocTable(s, ctx, pmdSlot, cpuNid, zonelist, interleaveNid) &&
      allocTable(s, ctx, pteSlot, cpuNid, zonelist, interleaveNid)
    );
  }
  return true;
}

/** pagetable_alloc() + the level's ctor for table `slot` if it is not there; false on failure. */
function allocTable(
  s: SimState,
  ctx: ReclaimContext,
  slot: number,
  cpuNid: number,
  zonelist: readonly number[],
  interleaveNid: number,
): boolean {
  if (s.pgtableFrame[slot] !== 0) return true;
  const frame = allocPage(s, ctx, cpuNid, zonelist, interleaveNid, true);
  if (frame < 0) {
    s.counters[cpuNid * NR_COUNTERS + TIERSIM_ALLOC_FAIL]++;
    return false;
  }
  s.framePage[frame] = PGTABLE_PAGE;
  s.pgtableFrame[slot] = frame + 1;
  s.nodeWords[frameNode(s, frame) * NODE_WORDS + W_PAGETABLES]++;
  return true;
}

/**
 * free_pgtables() for region `regionIndex` of task `task` once its pages are unmapped: its PTE
 * pages go back to their nodes' free lists (as a freed unmovable page, to its pageblock's list),
 * and so do the PMD and PUD pages when no other region of the task is left mapped (the task's
 * whole address space goes, as at exit). Coordinator only, between phases.
 */
export function freeRegionPgtables(s: SimState, task: number, regionIndex: number): void {
  const t = s.plan.tasks[task];
  const pl = s.layout.pgtables;
  const base = pl.regionBase[t.firstRegion + regionIndex];
  if (base < 0) return;
  const ptes = Math.ceil(t.regions[regionIndex].pages / 2 ** pl.shift);
  for (let slot = base; slot < base + ptes; slot++) freeSlot(s, slot);
  for (let i = 0; i < t.regions.length; i++) {
    const b = pl.regionBase[t.firstRegion + i];
    if (b < 0 || i === regionIndex) continue;
    const n = Math.ceil(t.regions[i].pages / 2 ** pl.shift);
    for (let slot = b; slot < b + n; slot++) if (s.pgtableFrame[slot] !== 0) return;
  }
  for (let slot = pl.pmdBase[task]; slot < pl.upperEnd[task]; slot++) freeSlot(s, slot);
}

function freeSlot(s: SimState, slot: number): void {
  const frame = s.pgtableFrame[slot] - 1;
  if (frame < 0) return;
  const nid = frameNode(s, frame);
  s.pgtableFrame[slot] = 0;
  s.nodeWords[nid * NODE_WORDS + W_PAGETABLES]--;
  giveUnmovableFrame(s, nid, frame);
  s.counters[nid * NR_COUNTERS + PGFREE]++;
}
