/**
 * The multi-gen LRU's aging (mm/vmscan.c of 6.1+, "the aging"): try_to_inc_max_seq walks the
 * page tables, moving every page found young into the youngest generation (folio_update_gen),
 * then inc_max_seq opens a new youngest generation; when that would make more than MAX_NR_GENS,
 * inc_min_seq first folds the oldest into the next. lru_gen_look_around is the eviction's
 * feedback: a young page met by the rmap walk has its neighbours' PTEs scanned too.
 *
 * Page ids stand for virtual addresses: the walk visits the mapped regions' PTEs in page-id order,
 * PMD by PMD (512 pages), with the kernel's two Bloom filters per node kept as exact sets of PMDs
 * and without its mm list and batched updates (docs/simplifications.md).
 */
import { PG_REFERENCED, PG_RECLAIM, PG_WORKINGSET, PTE_PROT_NONE, PTE_YOUNG } from '../../memory/flags.js';
import { frameNode } from '../../memory/frames.js';
import { NODE_WORDS, G_NOW_NS, W_LRU_SIZE, lruGenPmds } from '../../memory/layout.js';
import type { SimState } from '../../memory/state.js';
import type { WorkloadPlan } from '../../workload/plan.js';
import {
  G_AVG_REFAULTED,
  G_AVG_TOTAL,
  G_BLOOM_VALID,
  G_EVICTED,
  G_MAX_SEQ,
  G_MIN_SEQ,
  G_PROTECTED,
  G_REFAULTED,
  G_SIZE,
  G_TAIL,
  G_TIMESTAMPS,
  GEN_MASK,
  GEN_WORDS,
  LRU_GEN_ANON,
  LRU_GEN_FILE,
  MAX_NR_GENS,
  MAX_NR_TIERS,
  MIN_LRU_BATCH,
  MIN_NR_GENS,
  REFS_MASK,
  frameGenOf,
  genOfSeq,
  moveToGen,
  nrGens,
  typeOfFlags,
} from './lrugen.js';

/**
 * reset_ctrl_pos() with NR_HIST_GENS = 1 (no CONFIG_LRU_GEN_STATS): on carryover (min_seq moving
 * on) the averages take half of the old average plus the finished generation's counts, which
 * are cleared; otherwise nothing.
 */
export function resetCtrlPos(s: SimState, nid: number, type: number, carryover: boolean): void {
  if (!carryover) return;
  const g = nid * GEN_WORDS;
  for (let tier = 0; tier < MAX_NR_TIERS; tier++) {
    const i = type * MAX_NR_TIERS + tier;
    const refaulted = s.lruGenWords[g + G_AVG_REFAULTED + i] + s.lruGenWords[g + G_REFAULTED + i];
    s.lruGenWords[g + G_AVG_REFAULTED + i] = Math.floor(refaulted / 2);
    let total = s.lruGenWords[g + G_AVG_TOTAL + i] + s.lruGenWords[g + G_EVICTED + i];
    const p = g + G_PROTECTED + type * (MAX_NR_TIERS - 1) + tier - 1;
    if (tier > 0) total += s.lruGenWords[p];
    s.lruGenWords[g + G_AVG_TOTAL + i] = Math.floor(total / 2);
    s.lruGenWords[g + G_REFAULTED + i] = 0;
    s.lruGenWords[g + G_EVICTED + i] = 0;
    if (tier > 0) s.lruGenWords[p] = 0;
  }
}

/**
 * folio_inc_gen(): a page of the oldest generation to the next one, losing its refs,
 * PG_referenced and PG_workingset (and taking PG_reclaim when reclaim is why). Returns the new gen.
 */
export function folioIncGen(s: SimState, nid: number, frame: number, reclaiming: boolean): number {
  const type = typeOfFlags(s.frameFlags[frame]);
  const oldGen = genOfSeq(s.lruGenWords[nid * GEN_WORDS + G_MIN_SEQ + type]);
  const gen = frameGenOf(s, frame);
  if (gen >= 0 && gen !== oldGen) return gen;
  s.frameGen[frame] &= ~REFS_MASK;
  let flags = s.frameFlags[frame] & ~(PG_REFERENCED | PG_WORKINGSET);
  if (reclaiming) flags |= PG_RECLAIM;
  s.frameFlags[frame] = flags;
  return (oldGen + 1) % MAX_NR_GENS;
}

/** inc_min_seq(): fold the oldest generation of `type` into the next, then min_seq[type]++. */
function incMinSeq(s: SimState, nid: number, type: number, canSwap: boolean): void {
  const g = nid * GEN_WORDS;
  if (type !== LRU_GEN_ANON || canSwap) {
    const oldGen = genOfSeq(s.lruGenWords[g + G_MIN_SEQ + type]);
    // The kernel moves MAX_LRU_BATCH pages per lock hold and restarts until the list is empty.
    for (let frame = s.lruGenWords[g + G_TAIL + oldGen * 2 + type]; frame >= 0;) {
      const newGen = folioIncGen(s, nid, frame, false);
      moveToGen(s, nid, frame, newGen, true);
      frame = s.lruGenWords[g + G_TAIL + oldGen * 2 + type];
    }
  }
  resetCtrlPos(s, nid, type, true);
  s.lruGenWords[g + G_MIN_SEQ + type]++;
}

/**
 * try_to_inc_min_seq(): advance min_seq past empty generations (keeping at least MIN_NR_GENS),
 * anon never ahead of file when swapping is possible. Returns true when one moved.
 */
export function tryToIncMinSeq(s: SimState, nid: number, canSwap: boolean): boolean {
  const g = nid * GEN_WORDS;
  const max = s.lruGenWords[g + G_MAX_SEQ];
  let anon = s.lruGenWords[g + G_MIN_SEQ + LRU_GEN_ANON];
  let file = s.lruGenWords[g + G_MIN_SEQ + LRU_GEN_FILE];
  for (let type = canSwap ? LRU_GEN_ANON : LRU_GEN_FILE; type <= LRU_GEN_FILE; type++) {
    let seq = type === LRU_GEN_ANON ? anon : file;
    while (seq + MIN_NR_GENS <= max && s.lruGenWords[g + G_SIZE + genOfSeq(seq) * 2 + type] === 0) seq++;
    if (type === LRU_GEN_ANON) anon = seq;
    else file = seq;
  }
  // See the comment on lru_gen_folio: anon may lag file, file never passes the old anon.
  if (canSwap) {
    anon = Math.min(anon, file);
    file = Math.max(anon, s.lruGenWords[g + G_MIN_SEQ + LRU_GEN_FILE]);
  }
  let success = false;
  for (let type = canSwap ? LRU_GEN_ANON : LRU_GEN_FILE; type <= LRU_GEN_FILE; type++) {
    const seq = type === LRU_GEN_ANON ? anon : file;
    if (seq === s.lruGenWords[g + G_MIN_SEQ + type]) continue;
    resetCtrlPos(s, nid, type, true);
    s.lruGenWords[g + G_MIN_SEQ + type] = seq;
    success = true;
  }
  return success;
}

/**
 * inc_max_seq(): open generation max_seq + 1, folding the oldest first where all MAX_NR_GENS
 * are in use, and move the classic active/inactive sizes: max_seq - 1 stops being active,
 * max_seq + 1 starts. Returns false when `seq` is stale.
 */
export function incMaxSeq(s: SimState, nid: number, seq: number, canSwap: boolean): boolean {
  const g = nid * GEN_WORDS;
  if (seq !== s.lruGenWords[g + G_MAX_SEQ]) return false;
  for (let type = LRU_GEN_FILE; type >= LRU_GEN_ANON; type--) {
    if (nrGens(s, nid, type) === MAX_NR_GENS) incMinSeq(s, nid, type, canSwap);
  }
  const max = s.lruGenWords[g + G_MAX_SEQ];
  const prev = genOfSeq(max - 1);
  const next = genOfSeq(max + 1);
  const w = nid * NODE_WORDS;
  for (let type = 0; type < 2; type++) {
    const delta = s.lruGenWords[g + G_SIZE + prev * 2 + type] - s.lruGenWords[g + G_SIZE + next * 2 + type];
    s.nodeWords[w + W_LRU_SIZE + type * 2] += delta;
    s.nodeWords[w + W_LRU_SIZE + type * 2 + 1] -= delta;
  }
  s.lruGenWords[g + G_TIMESTAMPS + next] = s.globalWords[G_NOW_NS]!;
  s.lruGenWords[g + G_MAX_SEQ] = max + 1;
  return true;
}

/** Pages per PMD (2 MiB of 4 KiB pages); page ids stand for virtual addresses. */
export const PTRS_PER_PTE = 512;
/** suitable_to_scan(): at least one young PTE per cache line of 8 PTEs on average. */
function suitableToScan(total: number, young: number): boolean {
  return young * 8 >= total;
}

/**
 * try_to_inc_max_seq() with its page-table walk (walk_mm → walk_pmd_range → walk_pte_range):
 * every PMD of the mapped VMAs that the Bloom filter of `seq` holds (all of them until the filter
 * exists) has its PTEs scanned; each young one of this node, of a type that can be aged, is
 * cleared and its page moved to the youngest generation (an isolated one gets PG_referenced).
 * A PMD with enough young PTEs carries over into the filter of seq + 1, which is reset first.
 * Then inc_max_seq. Returns the young PTEs found (the caller charges the walk), -1 when `seq` is
 * stale.
 */
export function tryToIncMaxSeq(
  s: SimState,
  vmas: VmaBounds,
  nid: number,
  seq: number,
  canSwap: boolean,
): number {
  const g = nid * GEN_WORDS;
  if (seq !== s.lruGenWords[g + G_MAX_SEQ]) return -1;
  const newGen = genOfSeq(seq);
  const pmds = lruGenPmds(s.layout.pages);
  const cur = (nid * 2 + (seq % 2)) * pmds;
  const next = (nid * 2 + ((seq + 1) % 2)) * pmds;
  const curValid = s.lruGenWords[g + G_BLOOM_VALID + (seq % 2)] !== 0;
  // reset_bloom_filter(seq + 1), at the first mm of the iteration.
  s.lruGenBloom.fill(0, next, next + pmds);
  s.lruGenWords[g + G_BLOOM_VALID + ((seq + 1) % 2)] = 1;
  const segs = vmas.walkSegs;
  let young = 0;
  for (let i = 0; i < segs.length;) {
    const pmd = segs[i];
    if (curValid && s.lruGenBloom[cur + pmd] === 0) {
      while (i < segs.length && segs[i] === pmd) i += 3;
      continue;
    }
    let total = 0;
    let found = 0;
    for (; i < segs.length && segs[i] === pmd; i += 3) {
      for (let page = segs[i + 1]; page < segs[i + 2]; page++) {
        total++;
        const e = s.pte[page];
        if (e <= 0) continue;
        const frame = e - 1;
        // get_pfn_folio(): this node's pages, anon ones only when they can be aged.
        if (frameNode(s, frame) !== nid || (!canSwap && page >= s.plan.filePages)) continue;
        if ((s.frameYoung[frame] & PTE_YOUNG) === 0) continue;
        s.frameYoung[frame] &= PTE_PROT_NONE;
        found++;
        folioUpdateGen(s, nid, frame, newGen);
      }
    }
    young += found;
    if (suitableToScan(total, found)) s.lruGenBloom[next + pmd] = 1;
  }
  incMaxSeq(s, nid, seq, canSwap);
  return young;
}

/**
 * folio_update_gen(): a page whose PTE was young goes to generation `gen`, losing its refs,
 * PG_referenced and PG_workingset; one isolated by reclaim is marked PG_referenced instead.
 */
function folioUpdateGen(s: SimState, nid: number, frame: number, gen: number): void {
  if ((s.frameGen[frame] & GEN_MASK) === 0) {
    s.frameFlags[frame] |= PG_REFERENCED;
    return;
  }
  s.frameGen[frame] &= ~REFS_MASK;
  s.frameFlags[frame] &= ~(PG_REFERENCED | PG_WORKINGSET);
  if (frameGenOf(s, frame) !== gen) moveToGen(s, nid, frame, gen, false);
}

/**
 * The mapped "VMAs" (anonymous regions and mmap'ed files, by page id) for the aging walk and
 * lru_gen_look_around: their ranges, and the walk's segments (pmd, first page, end page) in
 * address order, a PMD shared by two VMAs in consecutive segments.
 */
export interface VmaBounds {
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  readonly walkSegs: Int32Array;
}

export function vmaBounds(plan: WorkloadPlan): VmaBounds {
  const seen = new Set<string>();
  const ranges: [number, number][] = [];
  for (const t of plan.tasks) {
    for (const r of t.regions) {
      if (r.kind === 'file' && r.access !== 'mmap') continue;
      const key = `${r.firstPage}:${r.pages}`;
      if (seen.has(key)) continue;
      seen.add(key);
      ranges.push([r.firstPage, r.firstPage + r.pages]);
    }
  }
  ranges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const segs: number[] = [];
  let covered = 0;
  for (const [first, end] of ranges) {
    // Regions of one file may overlap: walk each page once.
    for (let lo = Math.max(first, covered); lo < end;) {
      const pmd = Math.floor(lo / PTRS_PER_PTE);
      const hi = Math.min(end, (pmd + 1) * PTRS_PER_PTE);
      segs.push(pmd, lo, hi);
      lo = hi;
    }
    covered = Math.max(covered, end);
  }
  return {
    starts: Int32Array.from(ranges, (r) => r[0]),
    ends: Int32Array.from(ranges, (r) => r[1]),
    walkSegs: Int32Array.from(segs),
  };
}

/**
 * lru_gen_look_around() for the young page `page` (its young bit just cleared by the rmap walk):
 * scan up to MIN_LRU_BATCH PTEs around it within its PMD and VMA; each young one of this node
 * (file only when the page is file) is cleared and its page moved to the youngest generation,
 * or marked PG_referenced if reclaim has it isolated. When enough were young, the PMD goes into
 * the Bloom filter of max_seq, for the next aging walk. Returns the PTEs scanned.
 */
export function lruGenLookAround(s: SimState, vmas: VmaBounds, nid: number, page: number): number {
  // The VMA holding the page: the last one starting at or before it that contains it.
  let lo = 0;
  let hi = vmas.starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (vmas.starts[mid] <= page) lo = mid;
    else hi = mid - 1;
  }
  if (vmas.starts.length === 0) return 0;
  while (lo > 0 && vmas.ends[lo] <= page) lo--;
  const vmaStart = vmas.starts[lo];
  const vmaEnd = vmas.ends[lo];
  if (page < vmaStart || page >= vmaEnd) return 0;
  const pmd = Math.floor(page / PTRS_PER_PTE);
  let start = Math.max(pmd * PTRS_PER_PTE, vmaStart);
  let end = Math.min((pmd + 1) * PTRS_PER_PTE, vmaEnd);
  if (end - start === 1) return 0;
  if (end - start > MIN_LRU_BATCH) {
    const half = MIN_LRU_BATCH / 2;
    if (page - start < half) end = start + MIN_LRU_BATCH;
    else if (end - page < half) start = end - MIN_LRU_BATCH;
    else {
      start = page - half;
      end = page + half;
    }
  }
  const fileOnly = page < s.plan.filePages;
  const g = nid * GEN_WORDS;
  const max = s.lruGenWords[g + G_MAX_SEQ];
  const newGen = genOfSeq(max);
  let young = 1;
  for (let q = start; q < end; q++) {
    const e = s.pte[q];
    if (e <= 0) continue;
    const frame = e - 1;
    // get_pfn_folio(): only this node's pages, and file pages only for a file folio.
    if (frameNode(s, frame) !== nid || (fileOnly && q >= s.plan.filePages)) continue;
    if ((s.frameYoung[frame] & PTE_YOUNG) === 0) continue;
    s.frameYoung[frame] &= PTE_PROT_NONE;
    young++;
    folioUpdateGen(s, nid, frame, newGen);
  }
  // update_bloom_filter(max_seq) when the filter exists.
  if (suitableToScan(end - start, young) && s.lruGenWords[g + G_BLOOM_VALID + (max % 2)] !== 0) {
    s.lruGenBloom[(nid * 2 + (max % 2)) * lruGenPmds(s.layout.pages) + pmd] = 1;
  }
  return end - start;
}

/** lruvec_is_sizable(): pages in the generations of the types that can be evicted, >> priority. */
export function lruvecIsSizable(s: SimState, nid: number, canSwap: boolean, priority: number): boolean {
  const g = nid * GEN_WORDS;
  const max = s.lruGenWords[g + G_MAX_SEQ];
  let total = 0;
  for (let type = canSwap ? LRU_GEN_ANON : LRU_GEN_FILE; type <= LRU_GEN_FILE; type++) {
    for (let seq = s.lruGenWords[g + G_MIN_SEQ + type]; seq <= max; seq++) {
      total += s.lruGenWords[g + G_SIZE + genOfSeq(seq) * 2 + type];
    }
  }
  return Math.floor(total / 2 ** priority) > 0;
}

/** The birth time (ns) of the oldest file generation, which min_ttl_ms compares with. */
export function oldestFileBirthNs(s: SimState, nid: number): number {
  const g = nid * GEN_WORDS;
  return s.lruGenWords[g + G_TIMESTAMPS + genOfSeq(s.lruGenWords[g + G_MIN_SEQ + LRU_GEN_FILE])];
}
