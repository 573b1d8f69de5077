/**
 * The swap cache and swap-in readahead, after Linux 6.12 (mm/swap_state.c, mm/swapfile.c and
 * do_swap_page in mm/memory.c).
 *
 * A page read back from swap keeps its slot and stays in the swap cache (PG_SWAPCACHE): while it
 * is not written, the copy in swap is good, and reclaim frees it without writing it again. A write
 * fault at swap-in drops the slot at once (should_try_to_free_swap: the faulting task is the only
 * user), as does a swap-in or a reclaim activation while swap is more than half full
 * (vm_swap_full); dropping it makes the page dirty (folio_free_swap). A store to a page mapped by
 * a read fault only dirties it (the PTE was mapped writable), so reclaim writes it back to the
 * same slot.
 *
 * Swap-in readahead (swap_vma_readahead, the 6.x default) reads the swap entries of a window of
 * virtual pages around the fault into the swap cache without mapping them; a later fault on one
 * of them finds it there (a minor fault, swap_ra_hit) and maps it. The window grows with those
 * hits (__swapin_nr_pages) up to 2^page_cluster pages.
 *
 * An unmapped swap-cache page's page-table entry names its frame (memory/pte.ts).
 */
import { PG_SWAPCACHE } from '../memory/flags.js';
import { frameNode } from '../memory/frames.js';
import { CPU_WORDS, C_SWAP_RA_HITS, C_SWAP_RA_PAGE, C_SWAP_RA_WIN } from '../memory/layout.js';
import type { SimState } from '../memory/state.js';
import { swapFreePages, swapSlotFreed } from './swap.js';

/** SWAP_RA_HITS_MAX: the hit count kept beside the window in vma->swap_readahead_info. */
const SWAP_RA_HITS_MAX = (1 << 6) - 1;
/** Pages per PMD: the VMA window never crosses a 2 MiB boundary (faddr & PMD_MASK). */
const PMD_PAGES = 512;
/** Window encoding in a fault record: pages before the fault * WINDOW_BACK + window length. */
export const WINDOW_BACK = 1 << 16;

/** vm_swap_full(): more than half of the swap space in use, as `nid` sees it. */
export function vmSwapFull(s: SimState, nid: number): boolean {
  return s.params.swapPages > 0 && swapFreePages(s, nid) * 2 < s.params.swapPages;
}

/**
 * folio_free_swap(): the page in `frame` leaves the swap cache and its slot is freed; the page is
 * then the only copy, so it is dirty. The slot is uncounted on the frame's node (per-node counts
 * are the slots a node's pages took net of those they gave back; only their sum has a meaning).
 */
export function freeSwapOf(s: SimState, frame: number): void {
  s.frameFlags[frame] = s.frameFlags[frame] & ~PG_SWAPCACHE;
  s.frameDirty[frame] = 1;
  swapSlotFreed(s, frameNode(s, frame));
}

/**
 * __swapin_nr_pages(): the readahead window after a fault at `page` when the previous one was at
 * `prevPage` with window `prevWin` and `hits` readahead pages were used since.
 */
export function swapinNrPages(
  prevPage: number,
  page: number,
  hits: number,
  maxPages: number,
  prevWin: number,
): number {
  let pages = hits + 2;
  if (pages === 2) {
    // No hits to judge by: read ahead only when the fault is next to the previous one.
    if (page !== prevPage + 1 && page !== prevPage - 1) pages = 1;
  } else {
    let roundup = 4;
    while (roundup < pages) roundup <<= 1;
    pages = roundup;
  }
  if (pages > maxPages) pages = maxPages;
  // Don't shrink readahead too fast.
  const lastRa = Math.floor(prevWin / 2);
  if (pages < lastRa) pages = lastRa;
  return pages;
}

/**
 * swap_vma_ra_win() for a swap fault of CPU `cpu` at `page` of the anonymous region
 * [first, end): updates the CPU's readahead state and returns the window as
 * (page - start) * WINDOW_BACK + length (1 = the faulting page alone).
 */
export function swapRaWindow(s: SimState, cpu: number, page: number, first: number, end: number): number {
  const maxWin = s.params.swapRaMaxPages;
  if (maxWin <= 1) return 1;
  const cw = cpu * CPU_WORDS;
  const prev = s.cpuWords[cw + C_SWAP_RA_PAGE];
  const win = swapinNrPages(
    prev,
    page,
    s.cpuWords[cw + C_SWAP_RA_HITS],
    maxWin,
    s.cpuWords[cw + C_SWAP_RA_WIN],
  );
  s.cpuWords[cw + C_SWAP_RA_PAGE] = page;
  s.cpuWords[cw + C_SWAP_RA_WIN] = win;
  s.cpuWords[cw + C_SWAP_RA_HITS] = 0;
  if (win === 1) return 1;
  // Forward after a fault on the page before, backward after one on the page after, else centred.
  let left: number;
  if (page === prev + 1) left = page;
  else if (prev === page + 1) left = page - win + 1;
  else left = page - Math.floor((win - 1) / 2);
  let right = left + win;
  const pmdStart = first + Math.floor((page - first) / PMD_PAGES) * PMD_PAGES;
  if (left < first) left = first;
  if (left < pmdStart) left = pmdStart;
  if (right > end) right = end;
  if (right > pmdStart + PMD_PAGES) right = pmdStart + PMD_PAGES;
  return (page - left) * WINDOW_BACK + (right - left);
}

/** A fault found a read-ahead page in the swap cache (swap_cache_get_folio): count the hit. */
export function swapRaHit(s: SimState, cpu: number, page: number): void {
  const cw = cpu * CPU_WORDS;
  s.cpuWords[cw + C_SWAP_RA_PAGE] = page;
  s.cpuWords[cw + C_SWAP_RA_HITS] = Math.min(s.cpuWords[cw + C_SWAP_RA_HITS] + 1, SWAP_RA_HITS_MAX);
}
