/**
 * Swap space accounting. Slots are counted per evicting node (the shadow remembers which), so
 * nodes reclaiming in parallel never write a shared word. A node's view of free swap is the
 * machine-wide use when the coordinator last refreshed it plus the node's own use since: a
 * decision never depends on another node's progress inside a phase, at the price of possibly
 * overshooting the swap size by what other nodes write in one phase.
 */
import { G_SWAP_USED_AT_PHASE, NODE_WORDS, W_SWAP_BASE, W_SWAP_USED } from '../memory/layout.js';
import type { SimState } from '../memory/state.js';

export function swapFreePages(s: SimState, nid: number): number {
  if (s.params.swapPages === 0) return 0;
  const w = nid * NODE_WORDS;
  const used =
    s.globalWords[G_SWAP_USED_AT_PHASE] + s.nodeWords[w + W_SWAP_USED] - s.nodeWords[w + W_SWAP_BASE];
  return Math.max(0, s.params.swapPages - used);
}

export function swapSlotTaken(s: SimState, nid: number): void {
  s.nodeWords[nid * NODE_WORDS + W_SWAP_USED]++;
}

/** A swapped page came back in: its slot on the node that evicted it is freed. */
export function swapSlotFreed(s: SimState, evictingNid: number): void {
  s.nodeWords[evictingNid * NODE_WORDS + W_SWAP_USED]--;
}

/** Coordinator, between phases: publish the machine-wide swap use every node starts from. */
export function refreshSwapView(s: SimState): void {
  let used = 0;
  for (let nid = 0; nid < s.layout.nodes; nid++) {
    const w = nid * NODE_WORDS;
    used += s.nodeWords[w + W_SWAP_USED];
    s.nodeWords[w + W_SWAP_BASE] = s.nodeWords[w + W_SWAP_USED]!;
  }
  s.globalWords[G_SWAP_USED_AT_PHASE] = used;
}

export function swapUsedPages(s: SimState): number {
  let used = 0;
  for (let nid = 0; nid < s.layout.nodes; nid++) used += s.nodeWords[nid * NODE_WORDS + W_SWAP_USED];
  return used;
}
