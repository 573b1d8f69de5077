/**
 * 6.1 memory tiers (mm/memory-tiers.c): nodes grouped by 128-wide chunks of abstract distance.
 * Built for both kernel versions because reports show them, but only 6.1 demotion and 6.1
 * node_is_toptier() depend on them.
 */
import { versionAtLeast, type KernelVersion } from '../config/schema.js';
import type { MemoryTier } from './machine.js';

export const MEMTIER_CHUNK_BITS = 7;
export const MEMTIER_CHUNK_SIZE = 1 << MEMTIER_CHUNK_BITS;

export interface TierLayout {
  /** Fastest (lowest adistance) first, as the kernel keeps its memory_tiers list. */
  tiers: MemoryTier[];
  /** Index into `tiers` per node; -1 for a memoryless node, which joins no tier. */
  nodeTier: number[];
}

/** Groups the memory nodes (hasMemory) by the chunk their adistance falls in. */
export function buildMemoryTiers(adistance: readonly number[], hasMemory: readonly boolean[]): TierLayout {
  const byId = new Map<number, MemoryTier>();
  for (let n = 0; n < adistance.length; n++) {
    if (!hasMemory[n]) continue;
    const id = adistance[n] >> MEMTIER_CHUNK_BITS;
    let tier = byId.get(id);
    if (tier === undefined) {
      tier = { id, adistanceStart: id << MEMTIER_CHUNK_BITS, nodes: [] };
      byId.set(id, tier);
    }
    tier.nodes.push(n);
  }
  const tiers = [...byId.values()].sort((a, b) => a.adistanceStart - b.adistanceStart);
  const nodeTier = adistance.map(() => -1);
  tiers.forEach((tier, index) => {
    for (const n of tier.nodes) nodeTier[n] = index;
  });
  return { tiers, nodeTier };
}

/**
 * node_is_toptier() of 6.1. Walking up from the slowest tier, the first one holding a CPU node
 * sets top_tier_adistance to the end of its chunk, and everything at or above it is top tier:
 * a CPU-less DRAM node in the DRAM tier is top tier too. A memoryless node has no tier and the
 * kernel counts it as top tier. With no CPU node in any tier top_tier_adistance keeps its
 * initial 0, so only a tier starting at 0 would qualify.
 */
export function topTierByTiers(layout: TierLayout, hasCpus: readonly boolean[]): boolean[] {
  let topTierAdistance = 0;
  for (let i = layout.tiers.length - 1; i >= 0; i--) {
    const tier = layout.tiers[i];
    if (tier.nodes.some((n) => hasCpus[n])) {
      topTierAdistance = tier.adistanceStart + MEMTIER_CHUNK_SIZE - 1;
      break;
    }
  }
  return layout.nodeTier.map((t) => t < 0 || layout.tiers[t].adistanceStart <= topTierAdistance);
}

/**
 * node_is_toptier() of the given kernel: 5.15 has no tiers, and the 5.18 definition (a node
 * with CPUs) is what tiersim uses for it; 6.1 uses the tier rule above.
 */
export function topTierNodes(
  version: KernelVersion,
  layout: TierLayout,
  hasCpus: readonly boolean[],
): boolean[] {
  return versionAtLeast(version, '6.1') ? topTierByTiers(layout, hasCpus) : [...hasCpus];
}
