/** The machine model: node presets, distances, zonelists, memory tiers, demotion, watermarks. */
export type { DemotionTargets, Machine, MemoryTier, NodeSpec, Watermarks, ZoneSpec } from './machine.js';
export { buildMachine } from './build.js';
export {
  DEVICE_PRESETS,
  MEMTIER_ADISTANCE_DRAM,
  MEMTIER_DEFAULT_DAX_ADISTANCE,
  resolveDevice,
  type DevicePreset,
} from './presets.js';
export {
  LOCAL_DISTANCE,
  REMOTE_MEMORY_ONLY_DISTANCE,
  REMOTE_SOCKET_DISTANCE,
  SAME_SOCKET_DISTANCE,
  assertSlit,
  buildDistances,
  derivedDistance,
} from './distances.js';
export { NUMA_NO_NODE, buildZonelists, findNextBestNode, type NodeGraph } from './zonelist.js';
export {
  MEMTIER_CHUNK_BITS,
  MEMTIER_CHUNK_SIZE,
  buildMemoryTiers,
  topTierByTiers,
  topTierNodes,
  type TierLayout,
} from './tiers.js';
export { buildDemotionTargets, demotionTargets515, demotionTargets61 } from './demotion.js';
export {
  MIN_FREE_KBYTES_CEILING,
  MIN_FREE_KBYTES_FLOOR,
  autoMinFreeKbytes,
  computeWatermarks,
  intSqrt,
  fixedWatermarks,
} from './watermarks.js';
export {
  MAX_NR_ZONES,
  ZONE_DMA,
  ZONE_DMA32,
  ZONE_MOVABLE,
  ZONE_NAMES,
  ZONE_NORMAL,
  machineZones,
  nodeWatermarks,
  onlinedMovable,
} from './zones.js';
export {
  formatTopology,
  nodeList,
  topologyJson,
  type TopologyJson,
  type TopologyJsonNode,
} from './format.js';
