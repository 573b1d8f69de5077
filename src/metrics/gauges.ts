/**
 * Gauges (nr_* node states) are not counted as they change; they are read off the node's words
 * when a sample is taken, and the served-access counts are column sums of the access matrix.
 */
import { NR_LRU_LISTS } from '../memory/flags.js';
import {
  NODE_WORDS,
  W_ANON_PAGES,
  W_FILE_DIRTY,
  W_FILE_PAGES,
  W_WRITEBACK,
  W_FREE,
  W_ISOLATED_ANON,
  W_ISOLATED_FILE,
  W_LRU_SIZE,
  W_SHMEM_PAGES,
  W_PAGETABLES,
} from '../memory/layout.js';
import type { SimState } from '../memory/state.js';
import {
  NR_ANON_PAGES,
  NR_COUNTERS,
  NR_DIRTY,
  NR_FILE_PAGES,
  NR_WRITEBACK,
  NR_PAGE_TABLE_PAGES,
  NR_FREE_PAGES,
  NR_INACTIVE_ANON,
  NR_ISOLATED_ANON,
  NR_ISOLATED_FILE,
  TIERSIM_ACCESSES_SERVED,
} from './vmstat.js';

export function updateGauges(s: SimState): void {
  const nodes = s.layout.nodes;
  for (let nid = 0; nid < nodes; nid++) {
    const w = nid * NODE_WORDS;
    const row = nid * NR_COUNTERS;
    s.counters[row + NR_FREE_PAGES] = s.nodeWords[w + W_FREE]!;
    // nr_inactive_anon, nr_active_anon, nr_inactive_file, nr_active_file follow enum lru_list.
    for (let lru = 0; lru < NR_LRU_LISTS; lru++)
      s.counters[row + NR_INACTIVE_ANON + lru] = s.nodeWords[w + W_LRU_SIZE + lru]!;
    s.counters[row + NR_ISOLATED_ANON] = s.nodeWords[w + W_ISOLATED_ANON]!;
    s.counters[row + NR_ISOLATED_FILE] = s.nodeWords[w + W_ISOLATED_FILE]!;
    // Shmem: swap-backed, so in W_ANON_PAGES, but the kernel counts it as file pages.
    const shmem = s.nodeWords[w + W_SHMEM_PAGES];
    s.counters[row + NR_ANON_PAGES] = s.nodeWords[w + W_ANON_PAGES] - shmem;
    s.counters[row + NR_FILE_PAGES] = s.nodeWords[w + W_FILE_PAGES] + shmem;
    s.counters[row + NR_DIRTY] = s.nodeWords[w + W_FILE_DIRTY]!;
    s.counters[row + NR_WRITEBACK] = s.nodeWords[w + W_WRITEBACK]!;
    s.counters[row + NR_PAGE_TABLE_PAGES] = s.nodeWords[w + W_PAGETABLES]!;
    let served = 0;
    for (let c = 0; c < nodes; c++) served += s.accessMatrix[c * nodes + nid];
    s.counters[row + TIERSIM_ACCESSES_SERVED] = served;
  }
}
