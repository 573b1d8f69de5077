/**
 * Zones of every node as an x86-64 kernel sets them up at boot and at memory hot-plug
 * (mm_init.c free_area_init(), memory_hotplug.c online_pages(), page_alloc.c
 * __setup_per_zone_wmarks(), setup_per_zone_lowmem_reserve(), calculate_min_free_kbytes()):
 *
 * - Boot memory is laid out in physical order, node by node in id order. The first 16 MiB is
 *   ZONE_DMA, the rest of the RAM below 4 GiB (`memory_below_4g`) ZONE_DMA32, everything above
 *   ZONE_NORMAL, so DMA/DMA32 sit on the node(s) holding the low addresses.
 * - Memory onlined movable (dax/kmem PMEM and CXL by default) is hot-plugged after boot, all in
 *   ZONE_MOVABLE; its memmap lives in DRAM (`map=mem`), so its managed pages are its memory.
 * - Boot memory loses its memmap (64 bytes of struct page per page, allocated top-down from
 *   the node's highest zone, as memblock does) and the node's `reserved` memory (kernel image,
 *   initrd, swiotlb, firmware, per-CPU areas) before the buddy allocator gets it: managed pages,
 *   and MemTotal, are what is left.
 * - Watermarks per zone from min_free_kbytes, which the kernel recomputes at every hot-plug
 *   from the free-able lowmem (managed - high of every zone up to ZONE_NORMAL), so it is
 *   iterated here to the value the kernel settles on; lowmem_reserve from
 *   sysctl_lowmem_reserve_ratio.
 *
 * Integer arithmetic in BigInt where the kernel multiplies in u64.
 */
import type { KernelConfig, KernelVersion, NodeConfig } from '../config/schema.js';
import { versionAtLeast } from '../config/schema.js';
import { assert } from '../util/assert.js';
import type { Watermarks, ZoneSpec } from './machine.js';
import { MIN_FREE_KBYTES_CEILING, MIN_FREE_KBYTES_FLOOR, intSqrt } from './watermarks.js';

export const ZONE_DMA = 0;
export const ZONE_DMA32 = 1;
export const ZONE_NORMAL = 2;
export const ZONE_MOVABLE = 3;
export const MAX_NR_ZONES = 4;
export const ZONE_NAMES = ['DMA', 'DMA32', 'Normal', 'Movable'] as const;
export type ZoneName = (typeof ZONE_NAMES)[number];

/** sysctl_lowmem_reserve_ratio defaults (DMA, DMA32, Normal, Movable). */
export const LOWMEM_RESERVE_RATIO = [256, 256, 32, 0] as const;
/** MAX_DMA_ADDRESS on x86-64. */
export const DMA_LIMIT_BYTES = 16 * 1024 * 1024;
/** sizeof(struct page) on x86-64 (the topology's struct_page_size default). */
export const MEMMAP_BYTES_PER_PAGE = 64;
/** SWAP_CLUSTER_MAX: the floor of a movable zone's min watermark. */
const SWAP_CLUSTER_MAX = 32n;

export interface ZoneLayoutInput {
  /** Nodes in id order. */
  nodes: readonly NodeConfig[];
  pageSize: number;
  /** RAM below 4 GiB (DMA + DMA32), bytes. */
  memoryBelow4g: number;
  /** sizeof(struct page), bytes (MEMMAP_BYTES_PER_PAGE on x86-64). */
  structPageSize: number;
}

/** A zone before watermarks: which node, which zone, its pages. */
interface ZoneSize {
  nid: number;
  zone: number;
  present: number;
  managed: number;
  hotplugged: boolean;
}

/** Whether a node's memory is onlined into ZONE_MOVABLE (dax/kmem default for PMEM and CXL). */
export function onlinedMovable(node: NodeConfig): boolean {
  const online = node.online ?? (node.device === 'dram' ? 'normal' : 'movable');
  return online === 'movable';
}

/** Present and managed pages of every zone of every node, lowest zone first within a node. */
export function zoneSizes(input: ZoneLayoutInput): ZoneSize[][] {
  const { nodes, pageSize } = input;
  const dmaPages = Math.floor(DMA_LIMIT_BYTES / pageSize);
  let lowLeft = Math.floor(input.memoryBelow4g / pageSize);
  let physPage = 0;
  return nodes.map((node) => {
    const pages = Math.floor(node.memory / pageSize);
    if (onlinedMovable(node)) {
      return pages > 0
        ? [{ nid: node.id, zone: ZONE_MOVABLE, present: pages, managed: pages, hotplugged: true }]
        : [];
    }
    const present = [0, 0, 0, 0];
    const low = Math.min(pages, lowLeft);
    present[ZONE_DMA] = Math.max(0, Math.min(low, dmaPages - physPage));
    present[ZONE_DMA32] = low - present[ZONE_DMA];
    present[ZONE_NORMAL] = pages - low;
    lowLeft -= low;
    physPage += pages;

    const reserved = reservedPages(node, pageSize, input.structPageSize, pages, present);
    const zones: ZoneSize[] = [];
    for (let z = ZONE_DMA; z <= ZONE_NORMAL; z++) {
      if (present[z] === 0) continue;
      const managed = present[z] - reserved[z];
      assert(managed >= 0, `node ${node.id}: more memory reserved in ${ZONE_NAMES[z]} than it has`);
      zones.push({ nid: node.id, zone: z, present: present[z], managed, hotplugged: false });
    }
    return zones;
  });
}

/**
 * Pages memblock keeps from each zone of a boot node: the memmap, top-down from the highest
 * zone, then `reserved` (a size, also top-down, or per zone).
 */
function reservedPages(
  node: NodeConfig,
  pageSize: number,
  structPageSize: number,
  pages: number,
  present: number[],
): number[] {
  const reserved = [0, 0, 0, 0];
  const free = [...present];
  const topDown = (want: number, what: string) => {
    for (let z = ZONE_NORMAL; z >= ZONE_DMA && want > 0; z--) {
      const take = Math.min(want, free[z]);
      reserved[z] += take;
      free[z] -= take;
      want -= take;
    }
    assert(want === 0, `node ${node.id}: ${what} is larger than the node`);
  };
  topDown(Math.ceil((pages * structPageSize) / pageSize), 'the memmap');
  const r = node.reserved;
  if (typeof r === 'number') {
    topDown(Math.ceil(r / pageSize), 'reserved');
  } else if (r !== undefined) {
    for (const [name, bytes] of Object.entries(r)) {
      const z = ZONE_NAMES.indexOf(name as ZoneName);
      const want = Math.ceil((bytes ?? 0) / pageSize);
      assert(want <= free[z], `node ${node.id}: reserved.${name} is larger than the zone`);
      reserved[z] += want;
      free[z] -= want;
    }
  }
  return reserved;
}

/** log2(page size / 1 KiB). */
function kbShift(pageSize: number): bigint {
  return BigInt(Math.log2(pageSize) - 10);
}

/** The highest zone GFP_USER may use, the one nr_free_buffer_pages() counts up to. */
const isBufferZone = (z: ZoneSize) => z.zone <= ZONE_NORMAL;

/**
 * min/low/high/promo of every zone (__setup_per_zone_wmarks). Since 6.12 (some release after
 * 6.1) ZONE_MOVABLE is left out of lowmem_pages and its min is capped to managed/1024 in
 * [32, 128]; before, it is a lowmem zone like the others.
 */
function zoneWatermarks(
  zones: readonly ZoneSize[],
  pageSize: number,
  minFreeKbytes: number,
  scaleFactor: number,
  version: KernelVersion,
): Watermarks[] {
  const cappedMovable = versionAtLeast(version, '6.12');
  const special = (z: ZoneSize) => cappedMovable && z.zone === ZONE_MOVABLE;
  const pagesMin = BigInt(minFreeKbytes) >> kbShift(pageSize);
  const lowmem = zones.reduce((sum, z) => (special(z) ? sum : sum + BigInt(z.managed)), 0n);
  assert(lowmem > 0n, 'the machine has no lowmem');
  const scale = BigInt(scaleFactor);
  return zones.map((z) => {
    const managed = BigInt(z.managed);
    const tmp = (pagesMin * managed) / lowmem;
    let min = tmp;
    if (special(z)) {
      min = managed / 1024n;
      min = min < SWAP_CLUSTER_MAX ? SWAP_CLUSTER_MAX : min > 128n ? 128n : min;
    }
    const scaled = (managed * scale) / 10000n;
    const delta = tmp >> 2n > scaled ? tmp >> 2n : scaled;
    return {
      min: Number(min),
      low: Number(min + delta),
      high: Number(min + 2n * delta),
      promo: Number(min + 3n * delta),
    };
  });
}

/** calculate_min_free_kbytes(): from the free-able lowmem, managed - high of buffer zones. */
function minFreeFrom(zones: readonly ZoneSize[], highs: readonly number[], pageSize: number): number {
  let freeable = 0n;
  zones.forEach((z, i) => {
    if (isBufferZone(z)) freeable += BigInt(Math.max(0, z.managed - highs[i]));
  });
  const raw = Number(intSqrt((freeable << kbShift(pageSize)) * 16n));
  return Math.min(Math.max(raw, MIN_FREE_KBYTES_FLOOR), MIN_FREE_KBYTES_CEILING);
}

export interface MachineZones {
  minFreeKbytes: number;
  /** Per node, its populated zones lowest first. */
  zones: ZoneSpec[][];
}

/**
 * Zones with watermarks and lowmem_reserve. min_free_kbytes (when auto) is first computed at
 * boot with every watermark still zero and only boot memory present; each hot-plug of movable
 * memory recomputes it with the watermarks then in place, which here is iterated until it no
 * longer changes (the kernel's 128 MiB memory blocks come one by one, to the same fixed point).
 */
export function machineZones(input: ZoneLayoutInput, kernel: KernelConfig): MachineZones {
  const perNode = zoneSizes(input);
  const all = perNode.flat();
  const boot = all.filter((z) => !z.hotplugged);
  const wm = (zones: readonly ZoneSize[], mfk: number) =>
    zoneWatermarks(zones, input.pageSize, mfk, kernel.watermark_scale_factor, kernel.version);

  let minFreeKbytes: number;
  let marks: Watermarks[];
  if (kernel.min_free_kbytes !== 'auto') {
    minFreeKbytes = kernel.min_free_kbytes;
    marks = wm(all, minFreeKbytes);
  } else {
    minFreeKbytes = minFreeFrom(
      boot,
      boot.map(() => 0),
      input.pageSize,
    );
    marks = wm(all, minFreeKbytes);
    if (boot.length < all.length) {
      for (let round = 0; round < 64; round++) {
        const next = minFreeFrom(
          all,
          marks.map((m) => m.high),
          input.pageSize,
        );
        if (next === minFreeKbytes) break;
        minFreeKbytes = next;
        marks = wm(all, minFreeKbytes);
      }
    }
  }

  let k = 0;
  const zones = perNode.map((nodeZones) => {
    const specs = nodeZones.map((z): ZoneSpec => {
      const w = marks[k++];
      return {
        zone: z.zone,
        name: ZONE_NAMES[z.zone],
        presentPages: z.present,
        managedPages: z.managed,
        watermarks: w,
        lowmemReserve: [0, 0, 0, 0],
      };
    });
    setLowmemReserve(specs);
    return specs;
  });
  return { minFreeKbytes, zones };
}

/** setup_per_zone_lowmem_reserve(): zone i keeps managed(i+1..j) / ratio[i] from allocations up to j. */
function setLowmemReserve(zones: ZoneSpec[]): void {
  const managed = [0, 0, 0, 0];
  for (const z of zones) managed[z.zone] = z.managedPages;
  for (const z of zones) {
    const ratio = LOWMEM_RESERVE_RATIO[z.zone];
    let above = 0;
    for (let j = z.zone + 1; j < MAX_NR_ZONES; j++) {
      above += managed[j];
      z.lowmemReserve[j] = ratio === 0 || z.managedPages === 0 ? 0 : Math.floor(above / ratio);
    }
  }
}

/**
 * The marks one free count per node stands for, for an allocation that may use every zone up
 * to `highestZone` (GFP_HIGHUSER_MOVABLE: ZONE_MOVABLE): zones fill highest first, each down to
 * its mark plus its lowmem_reserve for that allocation, so the node is at a mark when its free
 * pages are the sum of those.
 */
export function nodeWatermarks(zones: readonly ZoneSpec[], highestZone = ZONE_MOVABLE): Watermarks {
  const sum = (pick: (w: Watermarks) => number) =>
    zones.reduce(
      (s, z) => (z.zone > highestZone ? s : s + pick(z.watermarks) + z.lowmemReserve[highestZone]),
      0,
    );
  return {
    min: sum((w) => w.min),
    low: sum((w) => w.low),
    high: sum((w) => w.high),
    promo: sum((w) => w.promo),
  };
}
