/**
 * The derived machine: everything the kernel computes from the firmware tables and its knobs
 * before the first user page is allocated. Plain data (structured-cloneable), indexed by node id
 * (ids are dense 0..N-1), so it can be handed to worker threads as is.
 */
import type { DeviceKind } from '../config/schema.js';

export interface Watermarks {
  /** WMARK_MIN, pages. */
  min: number;
  /** WMARK_LOW, pages. */
  low: number;
  /** WMARK_HIGH, pages. */
  high: number;
  /** WMARK_PROMO (5.18+), pages. */
  promo: number;
}

/** One populated zone of a node (struct zone). */
export interface ZoneSpec {
  /** Zone index: 0 DMA, 1 DMA32, 2 Normal, 3 Movable (zones.ts). */
  zone: number;
  name: string;
  presentPages: number;
  /** Present pages minus memblock reservations (memmap, kernel, ...): what the buddy allocator gets. */
  managedPages: number;
  watermarks: Watermarks;
  /** lowmem_reserve[j]: pages this zone keeps from allocations whose highest zone is j. */
  lowmemReserve: number[];
}

export interface NodeSpec {
  nid: number;
  socket: number;
  device: DeviceKind;
  /** CPU ids on this node (global numbering, node by node in id order). */
  cpus: number[];
  memoryBytes: number;
  /** Pages the allocator manages: the sum over its zones (MemTotal). */
  managedPages: number;
  /** Populated zones, lowest first. */
  zones: ZoneSpec[];
  /** Device latency for a CPU on the same socket, ns. */
  latencyReadNs: number;
  latencyWriteNs: number;
  bandwidthReadBps: number;
  bandwidthWriteBps: number;
  /** Abstract distance used by 6.1 memory tiers. */
  adistance: number;
}

export interface MemoryTier {
  /** sysfs id: adistance >> 7 (memory_tier<id>). */
  id: number;
  /** First abstract distance of the tier's 128-wide chunk. */
  adistanceStart: number;
  nodes: number[];
}

export interface DemotionTargets {
  /** Which algorithm built them: 5.15's passes (also 5.18 and 6.0) or 6.1's memory tiers. */
  version: '5.15' | '6.1';
  /**
   * Per node: the targets next_demotion_node() picks from (5.15: at most one; 6.1: the nearest
   * nodes of the next lower tier, one chosen at random per reclaim batch). Empty = no target.
   */
  preferred: number[][];
  /**
   * Per node: nodes a 6.1 demotion may fall back to when the preferred one is below MIN (all
   * lower tiers). Always empty under 5.15, which never falls back.
   */
  allowed: number[][];
}

export interface Machine {
  name: string;
  pageSize: number;
  nodes: NodeSpec[];
  /** Node of each CPU, indexed by CPU id. */
  cpuNode: number[];
  /** SLIT distances, [from][to]. */
  distances: number[][];
  /** Allocation fallback order per node (ZONELIST_FALLBACK), starting with the node itself. */
  zonelists: number[][];
  /** Memory tiers (6.1 view, computed for both versions), fastest first. */
  tiers: MemoryTier[];
  /** Index into `tiers` of each node. */
  nodeTier: number[];
  /** node_is_toptier(): 5.15 = has CPUs; 6.1 = tier at or above the top tier. */
  topTier: boolean[];
  demotion: DemotionTargets;
  /** vm.min_free_kbytes in effect (computed or from the config). */
  minFreeKbytes: number;
  /**
   * Per node, the marks of its one free count: the sum over its zones of each zone's mark plus
   * its lowmem_reserve for a GFP_HIGHUSER_MOVABLE allocation (zones.ts nodeWatermarks), or the
   * node's fixed watermarks.
   */
  watermarks: Watermarks[];
  /**
   * Per node, the zone a fallback steal boosts (its highest; the node itself with fixed
   * watermarks): its HIGH and managed pages, for boost_watermark(), and what the zones below it
   * keep free from a movable allocation (each one's LOW + lowmem_reserve[ZONE_MOVABLE]), for
   * when the steal happens, its per-CPU list batch (zone_batchsize()) and the pages one refill
   * of that list takes from a filling CPU (build.ts pcpRefill: what a single-page steal takes,
   * kernel/pageblock.ts).
   */
  boostZone: { high: number; managed: number; lowerReserve: number; batch: number; refill: number }[];
  /**
   * Per node, free pages in the non-movable pageblocks of its highest zone at the start
   * (unmovable_free_pages, or the rule in build.ts).
   */
  unmovableFree: number[];
  /**
   * Per node, the frames of each pageblock of that pool (unmovable_pageblocks spreads the free
   * pages evenly; 0 without a pool): a block's free frames decide what a steal does there.
   */
  unmovableBlockPages: number[];
  /** Access latency, ns, indexed [cpu node][memory node]. */
  /** Idle access latency, ns, indexed [cpu node][memory node]. */
  readLatencyNs: number[][];
  writeLatencyNs: number[][];
  /** Loaded latency from bandwidth (src/kernel/bandwidth.ts); off = idle latencies only. */
  contention: Contention;
}

export interface Contention {
  enabled: boolean;
  /** Utilisation at which loaded latency is twice idle. */
  doubleAt: number;
  /** Utilisation the curve is evaluated at, at most. */
  maxUtilisation: number;
  /** Interconnect between two sockets, bytes/s, both directions together. */
  linkBps: number;
  /** Extra latency of a remote-socket access when the link is idle, ns. */
  remoteSocketNs: number;
}
