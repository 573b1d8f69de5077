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

/**
 * Sources. Optane DC PMM and the DRAM beside it: J. Izraelevitz et al., "Basic Performance
 * Measurements of the Intel Optane DC Persistent Memory Module", arXiv:1903.05714 (2019), on a
 * two-socket Cascade Lake with six DDR4-2666 DIMMs and six 256 GB PMMs per socket: random
 * loads 81 ns (DRAM) and 305 ns (PMM, 169 ns sequential); a store + flush about 90 ns on both
 * (the PMM's write lands in the controller's ADR domain); six interleaved PMMs peak at
 * 39.4 GB/s of reads and 13.9 GB/s of writes (one PMM: 6.6 and 2.3 GB/s), and writes saturate
 * with four threads. DRAM per socket: six DDR4-2666 channels are 128 GB/s in theory; 100 GB/s
 * of reads and 80 GB/s of writes is what such a socket sustains under MLC (not a figure from the
 * paper: override it with your machine's `mlc --max_bandwidth`). CXL: a Type-3 expander behind
 * a PCIe 5.0 x8 link (e.g. Samsung CMM-D, Micron CZ120) moves at most 32 GB/s per direction;
 * measured devices load at 2-3x local DRAM latency (Sun et al., "Demystifying CXL Memory with
 * Genuine CXL-Ready Systems and Devices", MICRO 2023). Bandwidth is per node; the loaded-latency
 * curve over it is src/kernel/bandwidth.ts (`npm run loaded-latency` prints it).
 */
export const DEVICE_PRESETS: Readonly<Record<DeviceKind, Readonly<DevicePreset>>> = {
  dram: {
    latencyReadNs: 80,
    latencyWriteNs: 80,
    bandwidthReadBps: 100 * GB,
    bandwidthWriteBps: 80 * GB,
    adistance: MEMTIER_ADISTANCE_DRAM,
  },
  // Optane DCPMM in App Direct mode: reads are slow, writes land in the module's write buffer
  // (hence the low write latency) but drain at a third of the read bandwidth (six PMMs).
  pmem: {
    latencyReadNs: 305,
    latencyWriteNs: 94,
    bandwidthReadBps: 39 * GB,
    bandwidthWriteBps: 13 * GB,
    adistance: MEMTIER_DEFAULT_DAX_ADISTANCE,
  },
  // A CXL type-3 expander onlined through dax/kmem; 6.1 has no HMAT/CDAT-derived distance yet,
  // so it lands in the same tier as PMEM. Reads and writes share the x8 link's two directions.
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
