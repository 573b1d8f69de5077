/**
 * Device presets: what a node of each memory kind costs to use and where 6.1 puts it in the
 * memory tiers. A config names the device and overrides single numbers; the presets keep
 * topology files short and make "pmem" mean the same thing in every experiment.
 */
import type { DeviceKind, NodeConfig } from '../config/schema.js';

/** include/linux/memory-tiers.h: the default type of every memory node no driver claims. */
export const MEMTIER_ADISTANCE_DRAM = 4 * 128 + 64;
/** drivers/dax/kmem.c (6.1–6.6): the type dax/kmem gives the memory it onlines. */
export const MEMTIER_DEFAULT_DAX_ADISTANCE = 5 * MEMTIER_ADISTANCE_DRAM;

export interface DevicePreset {
  /** Load latency from a CPU of the same socket, ns. */
  latencyReadNs: number;
  /** Store latency from a CPU of the same socket, ns. */
  latencyWriteNs: number;
  /** Per node, bytes/s (decimal GB, as vendors quote them). */
  bandwidthReadBps: number;
  bandwidthWriteBps: number;
  adistance: number;
}

const GB = 1e9;

export const DEVICE_PRESETS: Readonly<Record<DeviceKind, Readonly<DevicePreset>>> = {
  dram: {
    latencyReadNs: 80,
    latencyWriteNs: 80,
    bandwidthReadBps: 100 * GB,
    bandwidthWriteBps: 80 * GB,
    adistance: MEMTIER_ADISTANCE_DRAM,
  },
  // Optane DCPMM in App Direct mode: reads are slow, writes land in the module's write buffer
  // (hence the low write latency) but drain at a fraction of the read bandwidth.
  pmem: {
    latencyReadNs: 305,
    latencyWriteNs: 94,
    bandwidthReadBps: 39 * GB,
    bandwidthWriteBps: 13 * GB,
    adistance: MEMTIER_DEFAULT_DAX_ADISTANCE,
  },
  // A CXL type-3 expander onlined through dax/kmem; 6.1 has no HMAT/CDAT-derived distance yet,
  // so it lands in the same tier as PMEM.
  cxl: {
    latencyReadNs: 250,
    latencyWriteNs: 250,
    bandwidthReadBps: 32 * GB,
    bandwidthWriteBps: 28 * GB,
    adistance: MEMTIER_DEFAULT_DAX_ADISTANCE,
  },
};

/** The preset of the node's device with the node's own overrides applied (overrides win). */
export function resolveDevice(node: NodeConfig): DevicePreset {
  const preset = DEVICE_PRESETS[node.device];
  return {
    latencyReadNs: node.latency?.read ?? preset.latencyReadNs,
    latencyWriteNs: node.latency?.write ?? preset.latencyWriteNs,
    bandwidthReadBps: node.bandwidth?.read ?? preset.bandwidthReadBps,
    bandwidthWriteBps: node.bandwidth?.write ?? preset.bandwidthWriteBps,
    adistance: node.adistance ?? preset.adistance,
  };
}
