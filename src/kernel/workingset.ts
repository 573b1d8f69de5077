/**
 * Shadow entries and refault detection (mm/workingset.c, 5.15-6.1). An evicted page leaves a shadow
 * in its page-table entry recording the node it was evicted from, that node's nonresident_age at
 * eviction and whether it was in the workingset; a refault compares the distance travelled by
 * the age since then with the node's workingset size to decide whether to activate the page.
 *
 * Page-table entries: 0 = never touched, f+1 = present in frame f, and a negative value
 * -1 - shadow for an evicted page (anon in swap, file only on disk). Demotion leaves no shadow:
 * the page is never evicted, it moves.
 */
import { LRU_ACTIVE_ANON, LRU_ACTIVE_FILE, LRU_INACTIVE_ANON, LRU_INACTIVE_FILE } from '../memory/flags.js';
import { NODE_WORDS, W_ANON_COST, W_FILE_COST, W_LRU_SIZE, W_NONRESIDENT_AGE } from '../memory/layout.js';
import type { SimState } from '../memory/state.js';
import { versionAtLeast } from '../config/schema.js';
import {
  NR_COUNTERS,
  TYPE_FILE,
  WORKINGSET_ACTIVATE_ANON,
  WORKINGSET_REFAULT_ANON,
  WORKINGSET_RESTORE_ANON,
} from '../metrics/vmstat.js';
import { swapFreePages } from './swap.js';

/** Bits of the eviction age kept in a shadow (the kernel keeps what fits beside its other fields). */
const AGE_BITS = 23;
export const AGE_MASK = (1 << AGE_BITS) - 1;
const NID_BITS = 6;

export function packShadow(nid: number, age: number, workingset: boolean): number {
  return (((age & AGE_MASK) << NID_BITS) | nid) * 2 + (workingset ? 1 : 0);
}

export function shadowNid(shadow: number): number {
  return (shadow >>> 1) & ((1 << NID_BITS) - 1);
}

export function shadowAge(shadow: number): number {
  return shadow >>> (1 + NID_BITS);
}

export function shadowWorkingset(shadow: number): boolean {
  return (shadow & 1) === 1;
}

export function pteOfShadow(shadow: number): number {
  return -1 - shadow;
}

export function shadowOfPte(pte: number): number {
  return -1 - pte;
}

/**
 * workingset_age_nonresident(): evictions and activations advance a node's clock, so that a
 * refault's distance counts the pages that competed for the active list meanwhile.
 */
export function workingsetAgeNonresident(s: SimState, nid: number, pages: number): void {
  s.nodeWords[nid * NODE_WORDS + W_NONRESIDENT_AGE] += pages;
}

/** workingset_eviction(): age the node's nonresident clock, then read it into the shadow. */
export function evictionShadow(s: SimState, nid: number, workingset: boolean): number {
  const w = nid * NODE_WORDS + W_NONRESIDENT_AGE;
  s.nodeWords[w]++;
  return packShadow(nid, s.nodeWords[w], workingset);
}

/** SWAP_CLUSTER_MAX (as vmscan.ts's): 6.12's weight of a page of I/O against a rotation. */
const SWAP_CLUSTER_MAX = 32;

/**
 * lru_note_cost(): pages of I/O (paged out, refaulted) and pages rotated (scanned and not
 * reclaimed) raise the cost of their type, decaying by half whenever the sum passes a quarter
 * of the node's LRU pages. Up to 6.1 (and 6.6 here) only I/O counts, one per page; 6.12 counts
 * an I/O page as SWAP_CLUSTER_MAX (32) and a rotated page as 1 ("rotations a secondary factor":
 * mm/swap.c, cost = nr_io * SWAP_CLUSTER_MAX + nr_rotated; docs/kernel-versions.md).
 */
export function noteLruCost(s: SimState, nid: number, file: boolean, nrIo: number, nrRotated: number): void {
  const w = nid * NODE_WORDS;
  const cost = versionAtLeast(s.params.kernelVersion, '6.12') ? nrIo * SWAP_CLUSTER_MAX + nrRotated : nrIo;
  s.nodeWords[w + (file ? W_FILE_COST : W_ANON_COST)] += cost;
  const lruSize =
    s.nodeWords[w + W_LRU_SIZE + LRU_INACTIVE_ANON] +
    s.nodeWords[w + W_LRU_SIZE + LRU_ACTIVE_ANON] +
    s.nodeWords[w + W_LRU_SIZE + LRU_INACTIVE_FILE] +
    s.nodeWords[w + W_LRU_SIZE + LRU_ACTIVE_FILE];
  if (s.nodeWords[w + W_FILE_COST] + s.nodeWords[w + W_ANON_COST] > Math.floor(lruSize / 4)) {
    s.nodeWords[w + W_FILE_COST] = Math.floor(s.nodeWords[w + W_FILE_COST] / 2);
    s.nodeWords[w + W_ANON_COST] = Math.floor(s.nodeWords[w + W_ANON_COST] / 2);
  }
}

/** Result bits of workingset_refault(). */
export const REFAULT_ACTIVATE = 1;
export const REFAULT_RESTORE = 2;

/**
 * workingset_refault() for a page coming back from `shadow` onto node `nid`: counts the refault
 * and says whether to insert it active (and as workingset). The distance and the workingset size
 * are the eviction node's. In 5.15-6.1 the refault, activation and restore are also counted on
 * the eviction node, and an activation ages that node's clock (the lruvec is the shadow's pgdat);
 * from 6.4 (workingset_test_recent) they go to the node of the new page (folio_pgdat), so 6.6 and
 * 6.12 here. lru_note_cost of a restore goes to the new page's node in every version.
 */
export function workingsetRefault(s: SimState, shadow: number, file: boolean, nid: number): number {
  const type = file ? TYPE_FILE : 0;
  const evictionNid = shadowNid(shadow);
  const charged = versionAtLeast(s.params.kernelVersion, '6.6') ? nid : evictionNid;
  const row = charged * NR_COUNTERS;
  s.counters[row + WORKINGSET_REFAULT_ANON + type]++;
  const ew = evictionNid * NODE_WORDS;
  const distance = (s.nodeWords[ew + W_NONRESIDENT_AGE] - shadowAge(shadow)) & AGE_MASK;
  let workingsetSize = s.nodeWords[ew + W_LRU_SIZE + LRU_ACTIVE_FILE];
  if (!file) workingsetSize += s.nodeWords[ew + W_LRU_SIZE + LRU_INACTIVE_FILE];
  if (swapFreePages(s, nid) > 0) {
    workingsetSize += s.nodeWords[ew + W_LRU_SIZE + LRU_ACTIVE_ANON];
    if (file) workingsetSize += s.nodeWords[ew + W_LRU_SIZE + LRU_INACTIVE_ANON];
  }
  if (distance > workingsetSize) return 0;
  workingsetAgeNonresident(s, charged, 1);
  s.counters[row + WORKINGSET_ACTIVATE_ANON + type]++;
  if (!shadowWorkingset(shadow)) return REFAULT_ACTIVATE;
  noteLruCost(s, nid, file, 1, 0);
  s.counters[row + WORKINGSET_RESTORE_ANON + type]++;
  return REFAULT_ACTIVATE | REFAULT_RESTORE;
}
