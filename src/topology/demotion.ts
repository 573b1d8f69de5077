/**
 * Demotion targets: where reclaim on a node sends pages instead of discarding them. The two
 * kernels disagree on real machines (5.15 never shares a target within a pass, 6.1 shares and
 * falls back across lower tiers; 6.1 ignores an untyped CPU-less node), so both are kept.
 */
import { versionAtLeast, type KernelVersion } from '../config/schema.js';
import type { DemotionTargets } from './machine.js';
import type { TierLayout } from './tiers.js';
import { findNextBestNode, NUMA_NO_NODE, type NodeGraph } from './zonelist.js';

export function buildDemotionTargets(
  version: KernelVersion,
  graph: NodeGraph,
  layout: TierLayout,
): DemotionTargets {
  // 5.17's equal-distance multi-target variant is not modelled: 5.18 and 6.0 use 5.15's passes.
  return versionAtLeast(version, '6.1') ? demotionTargets61(graph, layout) : demotionTargets515(graph);
}

/**
 * 5.15 __set_migration_target_nodes(): passes that start from the CPU nodes, each pass's sources
 * joining one `used` set shared by all passes. Sharing it is what keeps two sources of the same
 * pass off the same target and what forbids cycles; a target becomes a source in the next pass,
 * which gives chains when a CPU-less node still has unused nodes after it.
 */
export function demotionTargets515(graph: NodeGraph): DemotionTargets {
  const n = graph.hasCpus.length;
  const target = new Array<number>(n).fill(NUMA_NO_NODE);
  const used = new Set<number>();
  let thisPass: number[] = [];
  for (let node = 0; node < n; node++) if (graph.hasCpus[node]) thisPass.push(node);
  while (thisPass.length > 0) {
    for (const node of thisPass) used.add(node);
    const nextPass = new Set<number>();
    for (const node of thisPass) {
      if (target[node] !== NUMA_NO_NODE) continue;
      const t = findNextBestNode(node, used, graph);
      if (t === NUMA_NO_NODE) continue;
      target[node] = t;
      nextPass.add(t);
    }
    thisPass = [...nextPass].sort((a, b) => a - b);
  }
  return {
    version: '5.15',
    preferred: target.map((t) => (t === NUMA_NO_NODE ? [] : [t])),
    allowed: target.map(() => []),
  };
}

/**
 * 6.1 establish_demotion_targets(). Preferred: the nodes of the next lower tier only, found by
 * repeated find_next_best_node() with every other memory node pre-marked as used, keeping picks
 * while their raw distance equals the first pick's (the search stops at the first that
 * differs, even if a later one would match: the kernel's do-while). Allowed: every node of every
 * lower tier (lower_tier_mask), for allocation fallback. Sources of one pass may share a target.
 */
export function demotionTargets61(graph: NodeGraph, layout: TierLayout): DemotionTargets {
  const n = graph.hasMemory.length;
  const preferred: number[][] = [];
  const allowed: number[][] = [];
  for (let node = 0; node < n; node++) {
    const tierIndex = layout.nodeTier[node];
    if (!graph.hasMemory[node] || tierIndex < 0 || tierIndex === layout.tiers.length - 1) {
      preferred.push([]);
      allowed.push([]);
      continue;
    }
    const nextTier = new Set(layout.tiers[tierIndex + 1].nodes);
    const skip = new Set<number>();
    for (let m = 0; m < n; m++) if (graph.hasMemory[m] && !nextTier.has(m)) skip.add(m);
    const picks: number[] = [];
    let bestDistance = -1;
    for (;;) {
      const t = findNextBestNode(node, skip, graph);
      if (t === NUMA_NO_NODE) break;
      const d = graph.distances[node][t];
      if (bestDistance !== -1 && d !== bestDistance) break;
      bestDistance = d;
      picks.push(t);
    }
    preferred.push(picks.sort((a, b) => a - b));
    allowed.push(
      layout.tiers
        .slice(tierIndex + 1)
        .flatMap((tier) => tier.nodes)
        .sort((a, b) => a - b),
    );
  }
  return { version: '6.1', preferred, allowed };
}
