/**
 * From a topology config and the kernel knobs to the `Machine` every other part of tiersim reads:
 * the one place that decides node order, CPU numbering and access latencies, and that wires the
 * kernel algorithms (zonelists, tiers, demotion, watermarks) together.
 */
import type { KernelConfig, NodeConfig, TopologyConfig } from '../config/schema.js';
import { assert } from '../util/assert.js';
import { buildDemotionTargets } from './demotion.js';
import { buildDistances } from './distances.js';
import type { Machine, NodeSpec } from './machine.js';
import { resolveDevice } from './presets.js';
import { buildMemoryTiers, topTierNodes } from './tiers.js';
import { fixedWatermarks } from './watermarks.js';
import { buildZonelists, type NodeGraph } from './zonelist.js';
import { ZONE_MOVABLE, machineZones, nodeWatermarks, onlinedMovable } from './zones.js';

export function buildMachine(topology: TopologyConfig, kernel: KernelConfig): Machine {
  const configs = sortedNodes(topology.nodes);
  const pageSize = topology.page_size;
  assert(Number.isInteger(pageSize) && pageSize > 0, 'page size must be a positive integer');

  const { minFreeKbytes, zones } = machineZones(
    {
      nodes: configs,
      pageSize,
      memoryBelow4g: topology.memory_below_4g,
      structPageSize: topology.struct_page_size,
    },
    kernel,
  );
  let nextCpu = 0;
  const cpuNode: number[] = [];
  const nodes = configs.map((config): NodeSpec => {
    const cpus: number[] = [];
    for (let i = 0; i < config.cpus; i++) {
      cpus.push(nextCpu++);
      cpuNode.push(config.id);
    }
    return {
      nid: config.id,
      socket: config.socket,
      device: config.device,
      cpus,
      memoryBytes: config.memory,
      managedPages: zones[config.id].reduce((sum, z) => sum + z.managedPages, 0),
      zones: zones[config.id],
      ...resolveDevice(config),
    };
  });

  const distances = buildDistances(topology, configs);
  const graph: NodeGraph = {
    distances,
    hasCpus: nodes.map((n) => n.cpus.length > 0),
    hasMemory: nodes.map((n) => n.managedPages > 0),
  };
  const layout = buildMemoryTiers(
    nodes.map((n) => n.adistance),
    graph.hasMemory,
  );
  const watermarks = configs.map((c) => fixedWatermarks(c) ?? nodeWatermarks(zones[c.id]));
  const boostZone = configs.map((c, i) => {
    const nodeZones = zones[c.id];
    const top = nodeZones.at(-1);
    if (c.watermarks !== undefined || top === undefined)
      return { high: watermarks[i].high, managed: nodes[i].managedPages, lowerReserve: 0 };
    const lower = nodeZones.slice(0, -1);
    const lowerReserve = lower.reduce((sum, z) => sum + z.watermarks.low + z.lowmemReserve[ZONE_MOVABLE], 0);
    return { high: top.watermarks.high, managed: top.managedPages, lowerReserve };
  });

  // A CPU reaches memory of its own socket at the device latency; every access that crosses the
  // socket interconnect pays the same extra hop, whatever the device behind it.
  const latency = (pick: (n: NodeSpec) => number) =>
    nodes.map((cpuSide) =>
      nodes.map((mem) => pick(mem) + (cpuSide.socket === mem.socket ? 0 : topology.remote_socket_latency)),
    );

  return {
    name: topology.name ?? `${nodes.length}-node machine`,
    pageSize,
    nodes,
    cpuNode,
    distances,
    zonelists: buildZonelists(graph),
    tiers: layout.tiers,
    nodeTier: layout.nodeTier,
    topTier: topTierNodes(kernel.version, layout, graph.hasCpus),
    demotion: buildDemotionTargets(kernel.version, graph, layout),
    minFreeKbytes,
    watermarks,
    boostZone,
    unmovableFree: configs.map((c, i) =>
      Math.min(
        nodes[i].managedPages,
        c.unmovable_free_pages === 'auto'
          ? autoUnmovableFree(c, pageSize, boostZone[i].managed)
          : (c.unmovable_free_pages ?? 0),
      ),
    ),
    readLatencyNs: latency((n) => n.latencyReadNs),
    writeLatencyNs: latency((n) => n.latencyWriteNs),
    contention: {
      enabled: topology.contention.enabled,
      doubleAt: topology.contention.double_at,
      maxUtilisation: topology.contention.max_utilisation,
      linkBps: topology.contention.link_bandwidth,
      remoteSocketNs: topology.remote_socket_latency,
    },
  };
}

/** MAX_PAGE_ORDER on x86-64 (4 KiB pages): the buddy allocator's largest block is 2^10 pages. */
export const MAX_PAGE_ORDER = 10;

/**
 * Free pages in a boot node's non-movable pageblocks when a run starts, for
 * `unmovable_free_pages: auto` (the default is 0, no fallback steals: see
 * docs/simplifications.md for why it is not on everywhere): the remainder of one MAX_PAGE_ORDER block, 2^10 - 1 = 1023 pages
 * of 4 KiB (4 MiB less a page, whatever the page size). The kernel's own allocations (slab,
 * page tables, kernel stacks, vmalloc) live in unmovable and reclaimable pageblocks; when one
 * finds no free page of its type it falls back to the largest free movable block
 * (__rmqueue_fallback() searches from MAX_PAGE_ORDER down), claims it whole and leaves the rest
 * of it on its own free lists. A booted node has just done so for the program's page tables
 * and the slab it needs, so its kernel memory has one such remainder in hand. Memory onlined
 * into ZONE_MOVABLE has no non-movable pageblocks (only movable allocations may use it).
 * `topZonePages`: managed pages of the node's highest zone (the node with fixed watermarks).
 */
function autoUnmovableFree(c: NodeConfig, pageSize: number, topZonePages: number): number {
  const block = Math.floor((2 ** MAX_PAGE_ORDER * 4096) / pageSize);
  // A zone smaller than one such block never had one to claim (tiny hand-made machines).
  if (onlinedMovable(c) || topZonePages < block) return 0;
  return block - 1;
}

/** Nodes in id order; ids must be exactly 0..N-1 because every table is indexed by them. */
function sortedNodes(nodes: readonly NodeConfig[]): NodeConfig[] {
  const sorted = [...nodes].sort((a, b) => a.id - b.id);
  sorted.forEach((node, i) => assert(node.id === i, 'node ids must be 0..N-1, each used once'));
  return sorted;
}
