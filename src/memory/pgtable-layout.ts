/**
 * Where the slots of page-table pages are (kernel/pgtable.ts has the model): per task, one
 * slot per PTE page its mapped regions can need (a region starts on a PMD boundary: one PTE
 * page per PTRS_PER_PTE pages of it), then its PMD slots (one per PTRS_PER_PTE^2 pages of the
 * task's address space, its mapped regions laid end to end in region order) and its PUD slots
 * (one per PTRS_PER_PTE^3). Computed once at set-up, so a fault only indexes.
 */
import type { WorkloadPlan } from '../workload/plan.js';

/** framePage of a page-table frame: below -1 (free), so every "holds a page" test skips it. */
export const PGTABLE_PAGE = -2;

/** Where each table's slot is (computeLayout); plain data, the same on every thread. */
export interface PgtableLayout {
  /** log2 of PTRS_PER_PTE (entries of one table page: page size / 8 bytes). */
  shift: number;
  /** Per region of the region table: its first PTE slot, -1 when not mapped (read() file). */
  regionBase: number[];
  /** Per region: its first page's offset in the task's address space (pages, PMD-aligned). */
  regionVoff: number[];
  /** Per task: its first PMD slot, first PUD slot, and the end of its PUD slots. */
  pmdBase: number[];
  pudBase: number[];
  upperEnd: number[];
  slots: number;
}

/** The slots of every table the plan's mapped regions can need. */
export function pgtableLayout(plan: WorkloadPlan): PgtableLayout {
  const shift = Math.round(Math.log2(plan.pageSize / 8));
  const perPte = 2 ** shift;
  const perPmd = perPte * perPte;
  const perPud = perPmd * perPte;
  const regionBase: number[] = [];
  const regionVoff: number[] = [];
  const pmdBase: number[] = [];
  const pudBase: number[] = [];
  const upperEnd: number[] = [];
  let slots = 0;
  for (const task of plan.tasks) {
    let voff = 0;
    for (const r of task.regions) {
      const mapped = r.kind !== 'file' || r.access === 'mmap';
      regionBase.push(mapped ? slots : -1);
      regionVoff.push(voff);
      if (!mapped) continue;
      const ptes = Math.ceil(r.pages / perPte);
      slots += ptes;
      voff += ptes * perPte;
    }
    pmdBase.push(slots);
    slots += Math.ceil(voff / perPmd);
    pudBase.push(slots);
    slots += Math.ceil(voff / perPud);
    upperEnd.push(slots);
  }
  return { shift, regionBase, regionVoff, pmdBase, pudBase, upperEnd, slots };
}
