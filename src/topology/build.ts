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
import { machineWatermarks } from './watermarks.js';
import { buildZonelists, type NodeGraph } from './zonelist.js';

export function buildMachine(topology: TopologyConfig, kernel: KernelConfig): Machine {
  const configs = sortedNodes(topology.nodes);
  const pageSize = topology.page_size;
  assert(Number.isInteger(pageSize) && pageSize > 0, 'page size must be a positive integer');

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
      managedPages: Math.floor(config.memory / pageSize),
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
  const managed = nodes.map((n) => n.managedPages);
  const { minFreeKbytes, watermarks } = machineWatermarks(configs, managed, pageSize, kernel);

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

/** Nodes in id order; ids must be exactly 0..N-1 because every table is indexed by them. */
function sortedNodes(nodes: readonly NodeConfig[]): NodeConfig[] {
  const sorted = [...nodes].sort((a, b) => a.id - b.id);
  sorted.forEach((node, i) => assert(node.id === i, 'node ids must be 0..N-1, each used once'));
  return sorted;
}
