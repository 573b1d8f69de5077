/**
 * From a topology config and the kernel knobs to the `Machine` every other part of tiersim reads:
 * the one place that decides node order, CPU numbering and access latencies, and that wires the
 * kernel algorithms (zonelists, tiers, demotion, watermarks) together.
 */
import {
  versionAtLeast,
  type KernelConfig,
  type KernelVersion,
  type NodeConfig,
  type TopologyConfig,
} from '../config/schema.js';
import { assert } from '../util/assert.js';
import { buildDemotionTargets } from './demotion.js';
import { buildDistances } from './distances.js';
import type { Machine, NodeSpec } from './machine.js';
import { resolveDevice } from './presets.js';
import { buildMemoryTiers, topTierNodes } from './tiers.js';
import { fixedWatermarks } from './watermarks.js';
import { pageblockPages } from '../util/pageblock.js';
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
  const totalCpus = configs.reduce((sum, c) => sum + c.cpus, 0);
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
    const fixed = c.watermarks !== undefined || top === undefined;
    const managed = fixed ? nodes[i].managedPages : top.managedPages;
    const marks = fixed ? watermarks[i] : top.watermarks;
    const lower = fixed ? [] : nodeZones.slice(0, -1);
    const lowerReserve = lower.reduce((sum, z) => sum + z.watermarks.low + z.lowmemReserve[ZONE_MOVABLE], 0);
    const batch = zoneBatchsize(managed, pageSize);
    const refill = pcpRefill(kernel.version, batch, marks.low, managed, c.cpus || totalCpus);
    return { high: marks.high, managed, lowerReserve, batch, refill };
  });

  const unmovableFree = configs.map((c, i) =>
    Math.min(
      nodes[i].managedPages,
      c.unmovable_free_pages === 'auto'
        ? autoUnmovableFree(c, pageSize, boostZone[i].managed)
        : (c.unmovable_free_pages ?? 0),
    ),
  );

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
    unmovableFree,
    unmovableBlockPages: configs.map((c, i) => {
      const free = unmovableFree[i];
      const blocks = c.unmovable_pageblocks ?? Math.ceil(free / pageblockPages(pageSize));
      return free === 0 ? 0 : Math.ceil(free / blocks);
    }),
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

/**
 * zone_batchsize() as zone_set_pageset_high_and_batch() uses it (at least 1): about 0.1 % of the
 * zone or 1 MiB, whichever is smaller, a quarter of it times 1.5 rounded down to a power of two,
 * minus one (63 for zones of 256 MiB and more with 4 KiB pages).
 */
export function zoneBatchsize(managed: number, pageSize: number): number {
  let batch = Math.min(Math.floor(managed / 1024), Math.floor((1024 * 1024) / pageSize));
  batch = Math.max(1, Math.floor(batch / 4));
  const x = batch + Math.floor(batch / 2);
  return Math.max(1, 2 ** Math.floor(Math.log2(x)) - 1);
}

/**
 * nr_pcp_alloc() for order 0 on a CPU that only allocates (a task filling memory): the pages one
 * rmqueue_bulk() refill of the per-CPU list takes. The batch doubles with every refill without a
 * free in between, up to what the list may hold, max(high - batch, batch) with an empty list.
 * high is zone_highsize(): the zone's LOW shared among the CPUs of its node (at least 4 batches);
 * from 6.7 ("mm: tune PCP high automatically") it grows towards high_max, managed / 8 per CPU
 * (MIN_PERCPU_PAGELIST_HIGH_FRACTION) while the zone is above HIGH, and the doubling stops at
 * CONFIG_PCP_BATCH_SCALE_MAX = 5. `cpus`: the node's CPUs (all CPUs for a CPU-less node).
 */
export function pcpRefill(
  version: KernelVersion,
  batch: number,
  low: number,
  managed: number,
  cpus: number,
): number {
  const split = Math.max(1, cpus);
  if (versionAtLeast(version, '6.12')) {
    const highMax = Math.max(Math.floor(Math.floor(managed / 8) / split), batch * 4);
    return Math.min(batch * 2 ** PCP_BATCH_SCALE_MAX, Math.max(highMax - batch, batch));
  }
  const high = Math.max(Math.floor(low / split), batch * 4);
  return Math.max(high - batch, batch);
}

/** CONFIG_PCP_BATCH_SCALE_MAX's default (6.7+). */
const PCP_BATCH_SCALE_MAX = 5;

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
