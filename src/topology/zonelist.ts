/**
 * find_next_best_node() and the allocation fallback order built from it. The same helper picks
 * 5.15 demotion targets and 6.1 preferred targets, which is why its odd penalties (lower ids,
 * nodes with CPUs) show up in demotion tables too.
 */

/** No node (the kernel's NUMA_NO_NODE). */
export const NUMA_NO_NODE = -1;

/** PENALTY_FOR_NODE_WITH_CPUS: prefer headless nodes, so DRAM of the other socket comes last. */
const PENALTY_FOR_NODE_WITH_CPUS = 1;

/** What the helper looks at, indexed by node id. */
export interface NodeGraph {
  distances: readonly (readonly number[])[];
  hasCpus: readonly boolean[];
  /** N_MEMORY: only these can be returned. */
  hasMemory: readonly boolean[];
}

/**
 * The next node `node` should fall back to, skipping `used`; marks the result in `used`.
 *
 * Score = distance + 1 if below `node` + 1 if it has CPUs, lowest wins. The kernel then breaks
 * exact ties with node_load[], leftover state of the previous zonelist build; we take the lowest
 * node id instead (the first minimum met in id order, which is also what the kernel's strict `<`
 * yields when node_load is equal). The node itself counts only if it has memory: 5.15 would
 * return a memoryless node for itself, but it contributes no zones, so no list differs.
 */
export function findNextBestNode(node: number, used: Set<number>, graph: NodeGraph): number {
  if (!used.has(node) && graph.hasMemory[node]) {
    used.add(node);
    return node;
  }
  const row = graph.distances[node];
  let best = NUMA_NO_NODE;
  let bestScore = Infinity;
  for (let n = 0; n < graph.hasMemory.length; n++) {
    if (!graph.hasMemory[n] || used.has(n)) continue;
    const score = row[n] + (n < node ? 1 : 0) + (graph.hasCpus[n] ? PENALTY_FOR_NODE_WITH_CPUS : 0);
    if (score < bestScore) {
      bestScore = score;
      best = n;
    }
  }
  if (best !== NUMA_NO_NODE) used.add(best);
  return best;
}

/**
 * ZONELIST_FALLBACK of every node: itself (if it has memory), then every other memory node in
 * repeated find_next_best_node() order. Tiers play no part, so a DRAM node's allocations spill
 * into its own socket's PMEM before the other socket's DRAM.
 */
export function buildZonelists(graph: NodeGraph): number[][] {
  const lists: number[][] = [];
  for (let node = 0; node < graph.hasMemory.length; node++) {
    const used = new Set<number>();
    const order: number[] = [];
    for (
      let n = findNextBestNode(node, used, graph);
      n !== NUMA_NO_NODE;
      n = findNextBestNode(node, used, graph)
    ) {
      order.push(n);
    }
    lists.push(order);
  }
  return lists;
}
