/**
 * The configuration schema: the single source of truth for every key a tiersim YAML file may
 * hold. TypeScript types are inferred from it and `configs/schema.json` is generated from it
 * (`npm run schema`; a test fails when the file is stale). Every object is strict, so an
 * unknown key is an error, and every field says its unit and default in its description.
 *
 * A file is either a topology file (`topology:` and optionally `kernel:`) or an experiment that
 * includes one (`include: ../topologies/x.yaml`) and adds `run:` and `workload:`.
 */
import { z } from 'zod';
import { DURATION_UNITS, SIZE_UNITS, parseDuration, parseRate, parseSize } from './units.js';

// ---------------------------------------------------------------------------------------------
// Quantities with units
// ---------------------------------------------------------------------------------------------

function quantity(kind: 'size' | 'duration' | 'rate') {
  const parse = kind === 'size' ? parseSize : kind === 'duration' ? parseDuration : parseRate;
  const expected =
    kind === 'size'
      ? `a size such as 16GiB or 4KiB (units: ${SIZE_UNITS}; a bare number is bytes)`
      : kind === 'duration'
        ? `a duration such as 305ns or 1ms (units: ${DURATION_UNITS}; a bare number is nanoseconds)`
        : 'a rate such as 10GB/s or 512MiB/s (a bare number is bytes per second)';
  // `error` phrases a wrong type (a list, a mapping) as the quantity expected rather than as
  // "number or string"; `params.code` tells the loader which ConfigErrorCode an issue is.
  return z
    .union([z.number(), z.string()], { error: `expected ${expected}` })
    .transform((input, ctx): number => {
      const value = parse(input);
      if (value === undefined || !Number.isFinite(value)) {
        ctx.addIssue({
          code: 'custom',
          params: { code: 'BAD_UNIT' },
          message: `expected ${expected}, received ${JSON.stringify(input)}`,
        });
        return z.NEVER;
      }
      if (value < 0) {
        ctx.addIssue({
          code: 'custom',
          params: { code: 'OUT_OF_RANGE' },
          message: `must not be negative, received ${JSON.stringify(input)}`,
        });
        return z.NEVER;
      }
      return value;
    });
}

/** A size in bytes (`16GiB`). */
export const Size = quantity('size');
/** A duration in integer nanoseconds (`305ns`, `1ms`). */
export const Duration = quantity('duration');
/** A transfer rate in bytes per second (`10GB/s`). */
export const Rate = quantity('rate');

const fraction = z.number().min(0).max(1);

// ---------------------------------------------------------------------------------------------
// Topology
// ---------------------------------------------------------------------------------------------

export const DEVICE_KINDS = ['dram', 'pmem', 'cxl'] as const;

const LatencyOverride = z.strictObject({
  read: Duration.optional().describe(
    'Load latency from a CPU of the same socket. Unit: ns. Default: from the device preset.',
  ),
  write: Duration.optional().describe(
    'Store latency from a CPU of the same socket. Unit: ns. Default: from the device preset.',
  ),
});

const BandwidthOverride = z.strictObject({
  read: Rate.optional().describe(
    'Read bandwidth of the node. Unit: bytes/s. Default: from the device preset.',
  ),
  write: Rate.optional().describe(
    'Write bandwidth of the node (sets page-copy time of migrations into it). Unit: bytes/s. Default: from the device preset.',
  ),
});

const WatermarkOverride = z.strictObject({
  min: z.int().nonnegative().describe('WMARK_MIN. Unit: pages.'),
  low: z.int().nonnegative().describe('WMARK_LOW. Unit: pages.'),
  high: z.int().nonnegative().describe('WMARK_HIGH. Unit: pages.'),
  promo: z.int().nonnegative().optional().describe('WMARK_PROMO. Unit: pages. Default: high + (high - low).'),
});

export const NodeSchema = z.strictObject({
  id: z
    .int()
    .min(0)
    .max(63)
    .describe('NUMA node id. Ids must be 0..N-1, each used once. Unit: none. No default.'),
  socket: z
    .int()
    .min(0)
    .max(63)
    .describe(
      'Socket (package) the node belongs to; decides remote latency and derived distances. Default: 0.',
    )
    .default(0),
  cpus: z
    .int()
    .min(0)
    .max(1024)
    .describe(
      'Number of CPUs on the node (0 for a memory-only PMEM/CXL node). CPU ids are numbered node by node in id order. Default: 0.',
    )
    .default(0),
  memory: Size.describe('Memory of the node (managed pages = memory / page_size). Unit: bytes. No default.'),
  device: z
    .enum(DEVICE_KINDS)
    .describe(
      'Device preset giving latency, bandwidth and the memory-tier abstract distance: dram, pmem (Optane DCPMM via dax/kmem) or cxl. Default: dram.',
    )
    .default('dram'),
  latency: LatencyOverride.optional().describe('Overrides of the preset latency.'),
  bandwidth: BandwidthOverride.optional().describe('Overrides of the preset bandwidth.'),
  adistance: z
    .int()
    .min(0)
    .max(65535)
    .optional()
    .describe(
      'Abstract distance (6.1 memory tiers). Unit: none. Default: 576 for dram, 2880 for pmem and cxl (MEMTIER_DEFAULT_DAX_ADISTANCE).',
    ),
  watermarks: WatermarkOverride.optional().describe(
    'tiersim extension for small hand-computed scenarios: fixed watermarks instead of the kernel formula. Unit: pages. Default: computed.',
  ),
  unmovable_free_pages: z
    .union([z.int().min(0), z.literal('auto')])
    .optional()
    .describe(
      "Free pages inside the unmovable/reclaimable pageblocks of the node's highest zone when the run starts (/proc/pagetypeinfo's Unmovable + Reclaimable free counts). A user (movable) allocation that finds only these left (the lower zones down to their marks) steals them a per-CPU batch (zone_batchsize) at a time, boosts the watermark and wakes kswapd. auto: 2^MAX_PAGE_ORDER - 1 = 1023 on a boot node (the rest of the largest buddy block an unmovable allocation claims when it falls back), 0 on memory onlined movable or a zone smaller than that block. Unit: pages. Default: 0 (no fallback steals).",
    ),
  unmovable_pageblocks: z
    .int()
    .min(1)
    .optional()
    .describe(
      "How many non-movable pageblocks (2 MiB each) hold the unmovable_free_pages, evenly (/proc/pagetypeinfo's Unmovable + Reclaimable block counts with free pages). Decides what a fallback steal does: a wholly free pageblock is taken over as movable without a boost; one at least half free is claimed whole (its free pages become movable) with one boost; a fuller one gives single pages, each boosting, as many as one refill of the per-CPU list takes. Unit: pageblocks. Default: as few as hold them (free blocks; auto's 1023 pages: one free block and one with 511 free).",
    ),
  online: z
    .enum(['normal', 'movable'])
    .optional()
    .describe(
      'How the memory is onlined: normal (boot memory: DMA/DMA32 below 4 GiB, ZONE_NORMAL above) or movable (hot-plugged by dax/kmem into ZONE_MOVABLE, its memmap in DRAM). Default: normal for dram, movable for pmem and cxl.',
    ),
  reserved: z
    .union([
      Size,
      z.strictObject({
        DMA: Size.optional(),
        DMA32: Size.optional(),
        Normal: Size.optional(),
      }),
    ])
    .optional()
    .describe(
      'Boot memory memblock keeps besides the memmap (64 B per page, always taken): kernel image, initrd, swiotlb, firmware, per-CPU areas. A size is taken top-down from the highest zone; per zone as {DMA, DMA32, Normal}. Lowers managed pages and MemTotal. Unit: bytes. Default: 0.',
    ),
});

const ContentionSchema = z.strictObject({
  enabled: z
    .boolean()
    .describe(
      'Turn loaded latency on. Off, every access costs the idle latency of its device (and the remote-socket term). Default: false.',
    )
    .default(false),
  double_at: z
    .number()
    .gt(0)
    .lt(1)
    .describe(
      'Utilisation at which the loaded latency is twice the idle latency; sets the queueing constant of the M/M/1-shaped curve idle + q·ρ/(1−ρ), q = idle·(1−double_at)/double_at. Unit: fraction. Default: 0.8.',
    )
    .default(0.8),
  max_utilisation: z
    .number()
    .gt(0)
    .lt(1)
    .describe(
      'Cap on the utilisation the curve is evaluated at (offered load beyond the bandwidth shows as this). Unit: fraction. Default: 0.98.',
    )
    .default(0.98),
  link_bandwidth: Rate.describe(
    'Bandwidth of the interconnect between two sockets, both directions together (UPI: 2 links × 2 directions × 20.8 GB/s at 10.4 GT/s on a two-socket Cascade Lake). Unit: bytes/s. Default: 83.2GB/s.',
  ).default(83.2e9),
});

export const TopologySchema = z.strictObject({
  name: z.string().optional().describe('A name for the machine, shown in reports.'),
  page_size: Size.describe('Base page size. Unit: bytes. Default: 4KiB.').default(4096),
  nodes: z.array(NodeSchema).min(1).max(64).describe('NUMA nodes of the machine.'),
  distances: z
    .array(z.array(z.int()))
    .optional()
    .describe(
      'SLIT distance matrix, rows and columns in node-id order; local distance 10, others 11..254. Default: derived (10 local, 17 same socket, 21 across sockets, 28 across sockets when either node has no CPUs).',
    ),
  remote_socket_latency: Duration.describe(
    'Latency added to an access whose memory is on another socket than the CPU. Unit: ns. Default: 60ns.',
  ).default(60),
  contention: ContentionSchema.prefault({}).describe(
    "tiersim: loaded latency. Each epoch, every node's read and write traffic (accesses, page migrations, block I/O) against its bandwidth sets the next epoch's queueing delay; remote accesses also load the socket interconnect. Default: off (idle latencies only).",
  ),
  struct_page_size: Size.describe(
    'sizeof(struct page): the memmap memblock takes from boot memory, per page. 0 gives every page to the allocator (hand-computed scenarios). Unit: bytes. Default: 64B (x86-64).',
  ).default(64),
  memory_below_4g: Size.describe(
    'RAM below 4 GiB (the rest of that range is the PCI hole): its first 16 MiB is ZONE_DMA, the rest ZONE_DMA32, on the boot nodes holding the lowest addresses (node by node in id order); boot memory above is ZONE_NORMAL. Unit: bytes. Default: 2GiB.',
  ).default(2 * 1024 ** 3),
});

// ---------------------------------------------------------------------------------------------
// Kernel knobs (kernel names and defaults)
// ---------------------------------------------------------------------------------------------

/** Kernel versions tiersim models, oldest first (comparisons use this order). */
export const KERNEL_VERSIONS = ['5.15', '5.18', '6.0', '6.1', '6.6', '6.12'] as const;

const ms = (what: string, dflt: number) =>
  z.int().min(0).describe(`${what} Unit: ms. Default: ${dflt}.`).default(dflt);

/**
 * `version: 6.1` unquoted in YAML, or `--set kernel.version=5.18`, arrives as a number: read it
 * back as the version it was written as (6.0 parses as 6).
 */
const kernelVersion = z.union([
  z.enum(KERNEL_VERSIONS),
  z
    .literal(KERNEL_VERSIONS.map(Number))
    .transform((v) => KERNEL_VERSIONS.find((name) => Number(name) === v)!),
]);

export const KernelSchema = z.strictObject({
  version: kernelVersion
    .describe(
      'Kernel to model. Demotion targets: node_demotion[] passes, one unshared target (5.15, 5.18, 6.0) or memory tiers with preferred + allowed targets (6.1, 6.6, 6.12). NUMA balancing tiering mode (numa_balancing 2) exists from 5.18; 5.18 and 6.0 promote a hint-faulted slow page through the ordinary two-stage filter (the previous hint fault came from the same node), 6.1+ selects hot pages by hint-fault latency with a rate limit and threshold adjustment. 6.6 and 6.12 are 6.1 plus the tiering changes listed in docs/kernel-versions.md; 6.12 also has its ZONE_MOVABLE watermark rule (min capped, left out of lowmem). Default: 6.1.',
    )
    .default('6.1'),
  numa_balancing: z
    .int()
    .min(0)
    .max(3)
    .describe(
      'kernel.numa_balancing: 0 off, 1 NUMA_BALANCING_NORMAL (misplaced pages follow their CPU), 2 NUMA_BALANCING_MEMORY_TIERING (promote hot pages of slow nodes), 3 both. Default: 0 here (distributions often build with 1; tiersim keeps runs without promotion free of scanning).',
    )
    .default(0),
  numa_balancing_scan_delay_ms: ms("Delay before a task's first NUMA scan.", 1000),
  numa_balancing_scan_period_min_ms: ms('Shortest scan period (for the whole address space).', 1000),
  numa_balancing_scan_period_max_ms: ms(
    'Longest scan period (for the whole address space); also the hot-threshold adjustment period (6.1+).',
    60000,
  ),
  numa_balancing_scan_size_mb: z
    .int()
    .min(1)
    .describe('Address space armed per scan. Unit: MiB. Default: 256.')
    .default(256),
  numa_balancing_hot_threshold_ms: ms(
    'Hot-page threshold of 6.1+ (debugfs numa_balancing/hot_threshold_ms): a slow page whose hint fault comes this long after its scan is not promoted.',
    1000,
  ),
  numa_balancing_promote_rate_limit_MBps: z
    .int()
    .min(0)
    .describe(
      'kernel.numa_balancing_promote_rate_limit_MBps (6.1+): promotion candidates per second per node. Unit: MB/s. Default: 65536 (effectively unlimited).',
    )
    .default(65536),
  promotion_patches: z
    .int()
    .min(0)
    .max(3)
    .optional()
    .describe(
      "tiersim extension, for Huang Ying's table: how many patches of the 'memory tiering: hot page selection' series (merged in 6.1) apply on a 6.1+ kernel: 0 = without the series (5.18/6.0 behaviour: a hint-faulted slow page goes through the two-stage filter), 1 = hot-page selection, 2 = + rate limit, 3 = + threshold adjustment. Default: 0 for 5.18 and 6.0, 3 for 6.1 and later.",
    ),
  demotion_enabled: z
    .boolean()
    .describe('/sys/kernel/mm/numa/demotion_enabled. Default: false (the kernel default).')
    .default(false),
  watermark_scale_factor: z
    .int()
    .min(1)
    .max(3000)
    .describe('vm.watermark_scale_factor: gap between watermarks in 1/10000 of a node. Default: 10.')
    .default(10),
  min_free_kbytes: z
    .union([z.literal('auto'), z.int().min(0)])
    .describe(
      'vm.min_free_kbytes, or auto for the kernel formula clamp(sqrt(16 x lowmem_kbytes), 128, 262144). Unit: KiB. Default: auto.',
    )
    .default('auto'),
  swappiness: z
    .int()
    .min(0)
    .max(200)
    .describe('vm.swappiness: relative cost of anon vs file reclaim. Default: 60.')
    .default(60),
  watermark_boost_factor: z
    .int()
    .min(0)
    .max(1000000)
    .describe(
      'vm.watermark_boost_factor: a fallback steal between migratetypes raises the zone watermarks by a pageblock, up to this many 1/10000 of HIGH, and wakes kswapd; 0 disables boosting. Default: 15000.',
    )
    .default(15000),
  page_cluster: z
    .int()
    .min(0)
    .max(31)
    .describe(
      'vm.page-cluster: swap-in readahead reads up to 2^page_cluster pages around a swap fault (the VMA-based readahead caps it at 2^5). 0 turns swap readahead off. Default: 3 (8 pages).',
    )
    .default(3),
  dirty_background_ratio: z
    .int()
    .min(0)
    .max(100)
    .describe(
      'vm.dirty_background_ratio: the flusher starts background writeback once dirty page cache exceeds this percentage of dirtyable memory (free + file pages - totalreserve_pages). Ignored when dirty_background_bytes is set. Unit: percent. Default: 10.',
    )
    .default(10),
  dirty_ratio: z
    .int()
    .min(0)
    .max(100)
    .describe(
      'vm.dirty_ratio: the dirty limit, as a percentage of dirtyable memory; a task dirtying page cache is throttled (balance_dirty_pages) above the midpoint of the background threshold and this limit. Ignored when dirty_bytes is set. Unit: percent. Default: 20.',
    )
    .default(20),
  dirty_background_bytes: z
    .int()
    .min(0)
    .describe(
      'vm.dirty_background_bytes: the background threshold as an amount; 0 = use dirty_background_ratio. Unit: bytes. Default: 0.',
    )
    .default(0),
  dirty_bytes: z
    .int()
    .min(0)
    .describe('vm.dirty_bytes: the dirty limit as an amount; 0 = use dirty_ratio. Unit: bytes. Default: 0.')
    .default(0),
  dirty_expire_centisecs: z
    .int()
    .min(0)
    .describe(
      'vm.dirty_expire_centisecs: the periodic (kupdate) writeback writes an inode once it has been dirty this long. Unit: 1/100 s. Default: 3000 (30 s).',
    )
    .default(3000),
  dirty_writeback_centisecs: z
    .int()
    .min(0)
    .describe(
      'vm.dirty_writeback_centisecs: how often the flusher wakes for periodic (kupdate) writeback; 0 disables it. Unit: 1/100 s. Default: 500 (5 s).',
    )
    .default(500),
  lru_gen: z
    .strictObject({
      enabled: z
        .boolean()
        .describe(
          '/sys/kernel/mm/lru_gen/enabled: reclaim with the multi-gen LRU (CONFIG_LRU_GEN, 6.1+) instead of the active/inactive lists. Distribution kernels build with CONFIG_LRU_GEN_ENABLED=y (on); tiersim keeps the classic LRU unless told. Default: false.',
        )
        .default(false),
      min_ttl_ms: ms(
        '/sys/kernel/mm/lru_gen/min_ttl_ms: protect the working set of the last N ms; when every generation is younger, the kernel OOM-kills (tiersim counts tiersim_alloc_fail).',
        0,
      ),
    })
    .optional()
    .describe('The multi-gen LRU (6.1+ only: 5.15-6.0 have no lru_gen). Default: absent (off).'),
});

// ---------------------------------------------------------------------------------------------
// Storage (page-cache backing device and swap)
// ---------------------------------------------------------------------------------------------

export const BLOCK_DEVICE_PRESETS = ['nvme', 'sata-ssd', 'hdd'] as const;

function blockDevice(what: string) {
  return {
    preset: z
      .enum(BLOCK_DEVICE_PRESETS)
      .describe(
        `Device preset for ${what}: nvme (80us read, 20us write, 3 GB/s read, 2 GB/s write), sata-ssd (120us, 60us, 550 MB/s, 500 MB/s) or hdd (8ms, 8ms, 150 MB/s, 150 MB/s). Default: nvme.`,
      )
      .default('nvme'),
    name: z
      .string()
      .optional()
      .describe(`Device name in /sys/block. Default: nvme0n1, sda or sdb by preset.`),
    read_latency: Duration.optional().describe(
      'Latency of one read request on an idle device. Unit: ns. Default: from the preset.',
    ),
    write_latency: Duration.optional().describe(
      'Latency of one write request on an idle device. Unit: ns. Default: from the preset.',
    ),
    read_bandwidth: Rate.optional().describe(
      'Read bandwidth; with the load it sets the queueing delay. Unit: bytes/s. Default: from the preset.',
    ),
    write_bandwidth: Rate.optional().describe('Write bandwidth. Unit: bytes/s. Default: from the preset.'),
  };
}

export const StorageSchema = z.strictObject({
  disk: z
    .strictObject(blockDevice('the file system'))
    .prefault({})
    .describe(
      'Block device holding the files. A request costs its latency plus transfer at the bandwidth plus a queueing delay that grows with the device utilisation of the previous epoch.',
    ),
  swap: z
    .strictObject({
      size: Size.describe(
        'Swap space; 0 means no swap (anon pages can then only be demoted, never evicted). Unit: bytes. Default: 0.',
      ).default(0),
      ...blockDevice('swap'),
    })
    .prefault({})
    .describe('Swap device (a separate device from the disk).'),
  read_ahead_kb: z
    .int()
    .min(0)
    .max(65536)
    .describe(
      '/sys/block/<dev>/queue/read_ahead_kb: largest readahead window of sequential read() misses (the window starts at 4 pages and doubles). Unit: KiB. Default: 128.',
    )
    .default(128),
});

// ---------------------------------------------------------------------------------------------
// Simulator cost model (not kernel knobs: hardware and software costs tiersim charges)
// ---------------------------------------------------------------------------------------------

export const CostsSchema = z.strictObject({
  hint_fault: Duration.describe(
    'CPU time of a NUMA hint fault (the page-protection fault of the NUMA-balancing scanner). Unit: ns. Default: 1us.',
  ).default(1000),
  numa_scan_per_pte: Duration.describe(
    "CPU time the NUMA-balancing scanner (task_numa_work's change_prot_numa) spends per present PTE it walks, armed or skipped. The task pays it, and its next scan waits 32 times as long (the kernel's cap of scanning at 3 % of the task's run time). Unit: ns. Default: 0 (the scan is free).",
  ).default(0),
  minor_fault: Duration.describe(
    'CPU time of a fault that needs no I/O (anon zero-fill, page found in the page cache). Unit: ns. Default: 1us.',
  ).default(1000),
  reclaim_scan_per_page: Duration.describe(
    'CPU time reclaim spends per page scanned; bounds how much kswapd scans per epoch and what direct reclaim costs the faulting task. Unit: ns. Default: 200ns.',
  ).default(200),
  lru_gen_walk_per_pte: Duration.optional().describe(
    "CPU time MGLRU's aging walk (try_to_inc_max_seq's page-table walk) spends per young PTE it clears: a test-and-clear of the accessed bit and folio_update_gen, without the rmap walk (page_vma_mapped_walk) and LRU locking a reclaim scan pays per page, so typically an order of magnitude below reclaim_scan_per_page. Unit: ns. Default: reclaim_scan_per_page.",
  ),
  migrate_per_page: Duration.describe(
    'Fixed CPU time of migrating one page (unmap, remap, TLB flush), on top of the copy at the slower side bandwidth. Unit: ns. Default: 2us.',
  ).default(2000),
  migrate_unmapped_per_page: Duration.optional().describe(
    'Fixed CPU time of migrating a page no process maps (the page cache of a file accessed only with read()/write(), a tmpfs file written with write()): migrate_pages() without try_to_unmap, remove_migration_ptes or a TLB flush, on top of the copy. Unit: ns. Default: migrate_per_page (tiersim knows no figure for the difference on real hardware).',
  ),
  fault_batch_max: z
    .int()
    .min(16)
    .max(1 << 20)
    .describe(
      'Faults one node may queue per epoch; a CPU that would exceed it stalls until the next epoch. Unit: records. Default: 65536.',
    )
    .default(65536),
});

// ---------------------------------------------------------------------------------------------
// Run
// ---------------------------------------------------------------------------------------------

export const RunSchema = z.strictObject({
  duration: Duration.describe('Simulated time to run. Unit: ns. Default: 1s.').default(1e9),
  epoch: Duration.describe(
    'Length of one bulk-synchronous epoch (access, place, reclaim, migrate, settle). Unit: ns. Default: 1ms.',
  ).default(1e6),
  seed: z.int().min(0).max(0xffffffff).describe('Root seed of every random stream. Default: 1.').default(1),
  barrier_timeout: Duration.describe(
    'With worker threads (--threads auto, per-node or every-node): the longest a thread waits for the others at a phase boundary before the run fails with an error naming the phase. Unit: ns. Default: 120s.',
  ).default(120e9),
  sample_interval: Duration.optional().describe(
    'Time between samples of the per-node series. Unit: ns. Default: the epoch, or longer so that a run has at most 2000 samples.',
  ),
});

// ---------------------------------------------------------------------------------------------
// Workload
// ---------------------------------------------------------------------------------------------

/** One step of a `phases` pattern: passes over a page range of the region, in page order. */
export const PhaseStepSchema = z.strictObject({
  start: z
    .int()
    .min(0)
    .describe('First page of the range, counted from the start of the region. Unit: pages. Default: 0.')
    .default(0),
  end: z
    .int()
    .min(1)
    .optional()
    .describe('Page after the last of the range (end > start). Unit: pages. Default: the end of the region.'),
  passes: z.int().min(1).describe('Passes over the range, each from start to end. Default: 1.').default(1),
  duration: Duration.optional().describe(
    "Instead of `passes`: repeat passes until this much simulated time has passed since the step began, checked at the end of each pass (a program's `while (now - t0 < T)` loop around its pass). Unit: ns. Default: none.",
  ),
  store: z
    .boolean()
    .describe('Each access of the step is a store (dirties the page); otherwise a load. Default: false.')
    .default(false),
});

export const PatternSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('uniform').describe('Every page of the region equally likely.') }),
  z.strictObject({
    type: z
      .literal('zipfian')
      .describe(
        'Page of rank r (from the start of the region) drawn with probability proportional to 1/r^theta.',
      ),
    theta: z
      .number()
      .gt(0)
      .lt(1)
      .describe('Skew, 0 < theta < 1 (YCSB uses 0.99). Default: 0.99.')
      .default(0.99),
  }),
  z.strictObject({
    type: z.literal('hotset').describe('A hot set (at `offset` in the region) takes most accesses.'),
    offset: fraction
      .describe(
        'Where the hot set starts, as a fraction of the region (it wraps around the end). Default: 0.',
      )
      .default(0),
    fraction: z
      .number()
      .gt(0)
      .max(1)
      .describe('Size of the hot set as a fraction of the region. Default: 0.1.')
      .default(0.1),
    probability: fraction
      .describe('Probability that an access goes to the hot set. Default: 0.9.')
      .default(0.9),
  }),
  z.strictObject({
    type: z
      .literal('normal')
      .describe(
        "pmbench's normal (Gaussian) access address distribution: page = pages/2 + stdev × N(0, 1), truncated; a draw outside the region is its middle page. The hotness falls off smoothly from the middle, so there is no hot/cold boundary (unlike `hotset`).",
      ),
    stdev: z
      .number()
      .gt(0)
      .max(1)
      .describe(
        'Standard deviation as a fraction of the region (pmbench takes it in pages, `-e`). No default.',
      ),
  }),
  z.strictObject({
    type: z.literal('sequential').describe('Pages in order, wrapping around at the end of the region.'),
    stride: z.int().min(1).describe('Pages advanced per access. Default: 1.').default(1),
  }),
  z.strictObject({
    type: z
      .literal('phases')
      .describe(
        "A program of steps run in order by each of the task's CPUs, as a benchmark's phases (fill, re-read passes, a timed hot loop): each step walks a page range of the region in page order. The region's write_fraction is not used (each step says whether it stores). After the last step the CPU idles (the program has ended) unless `loop_from` says where to start again.",
      ),
    steps: z.array(PhaseStepSchema).min(1).max(64).describe('The steps, run in order.'),
    loop_from: z
      .int()
      .min(0)
      .optional()
      .describe(
        'After the last step, start again at this step (index into steps). Default: none (the CPU idles).',
      ),
  }),
  z.strictObject({
    type: z
      .literal('splitmix_zipfian')
      .describe(
        "The page sequence of the Linux calibration workloads (wl_file.c): a splitmix64 stream started at `seed`, u = top 53 bits / 2^53, rank = first r with cdf[r] >= u for Zipf(theta) over the region's pages (cdf summed left to right in double), page = rank * scatter mod pages. `count` accesses, then the CPU idles. The sequence is computed when the run starts (4 bytes per access).",
      ),
    theta: z.number().gt(0).lt(1).describe('Skew, 0 < theta < 1. No default.'),
    seed: z.int().min(0).max(Number.MAX_SAFE_INTEGER).describe('Initial splitmix64 state. No default.'),
    count: z
      .int()
      .min(1)
      .max(1 << 27)
      .describe('Accesses in the sequence; the CPU idles after the last. No default.'),
    scatter: z
      .int()
      .min(1)
      .max(2 ** 32 - 1)
      .describe(
        'Odd multiplier mapping rank to page (a permutation when the region has a power-of-two number of pages). Default: 0x9E3779B1 (2654435761), as wl_file.c.',
      )
      .default(0x9e3779b1),
  }),
  z.strictObject({
    type: z
      .literal('trace')
      .describe(
        "Replays a memory trace (docs/traces.md): a record at address A of S bytes touches pages floor((A - base) / page_size) .. floor((A - base + S - 1) / page_size), each modulo the region's pages; I and L load, S stores, M loads then stores. The task's CPUs share the trace round-robin (record g goes to its g mod n-th CPU).",
      ),
    file: z
      .string()
      .min(1)
      .describe(
        'Trace file, relative to the config file that names it: valgrind lackey output (--tool=lackey --trace-mem=yes) or a tiersim binary trace (`tiersim trace convert`). Streamed, never loaded whole. No default.',
      ),
    format: z
      .enum(['lackey', 'tiersim'])
      .optional()
      .describe('Trace format. Default: tiersim for a file named *.tstrace, else lackey.'),
    loop: z
      .boolean()
      .describe(
        'Start the trace again at its end; with false a CPU whose share has ended idles to the end of the run (the score stops growing). Default: true.',
      )
      .default(true),
    base: z
      .int()
      .min(0)
      .max(2 ** 52 - 1)
      .describe(
        'Address subtracted from every trace address before it is mapped to a page (e.g. 0x4000000). Unit: bytes. Default: 0.',
      )
      .default(0),
  }),
]);

export const RegionSchema = z.strictObject({
  kind: z
    .enum(['anon', 'file', 'shmem'])
    .describe(
      'Anonymous memory of the task (private), a window of a shared file (page cache), or shared anonymous memory (shmem: MAP_SHARED|MAP_ANONYMOUS or SysV shm, swap-backed; NUMA balancing never scans it, as it has no shared policy).',
    ),
  size: Size.optional().describe(
    'Size of the region. Required for anon; for file it defaults to the rest of the file after offset. Unit: bytes.',
  ),
  file: z.string().optional().describe('Name of a file from workload.files (file regions only).'),
  offset: Size.describe(
    'Start of the window inside the file (file regions only). Unit: bytes. Default: 0.',
  ).default(0),
  access: z
    .enum(['mmap', 'read'])
    .describe(
      'How a file region is accessed: through a mapping (mmap) or read() into the page cache. Default: mmap.',
    )
    .default('mmap'),
  advice: z
    .enum(['normal', 'random', 'sequential'])
    .describe(
      'madvise (mmap) / posix_fadvise (read()) advice for a file region: normal (readahead of sequential read() misses; mmap read-around of read_ahead_kb centred on a major fault, until the file misses more than MMAP_LOTSAMISS times), random (MADV_RANDOM / POSIX_FADV_RANDOM: one page per miss, no readahead or read-around), sequential (read(): readahead window up to twice read_ahead_kb; mmap: read_ahead_kb forward from the fault). Default: normal.',
    )
    .default('normal'),
  weight: z
    .number()
    .min(0)
    .describe(
      "Share of the task's accesses that go to this region, relative to its other regions. 0: the run never accesses the region, only `prefault` touches it (memory a program fills before its measured loop, or that the boot left behind, e.g. an initramfs in tmpfs); such regions come after the accessed ones, and a task whose regions all have weight 0 leaves its CPUs idle. Default: 1.",
    )
    .default(1),
  pattern: PatternSchema.describe('Access pattern over the region. Default: uniform.').prefault({
    type: 'uniform',
  }),
  write_fraction: fraction
    .describe('Fraction of accesses that are stores (they dirty the page). Default: 0.')
    .default(0),
  sync: z
    .enum(['none', 'fdatasync'])
    .describe(
      "What the task calls after each write() to the region (file regions with access: read only): none, or fdatasync(fd) as PostgreSQL's commit does with wal_sync_method=fdatasync (file_write_and_wait_range: every dirty page of the file is written, the caller waits for the writes, the pages stay cached and clean). Default: none.",
    )
    .default('none'),
  prefault: z
    .union([z.boolean(), z.literal('written')])
    .describe(
      "Touch every page of the region in order before the run (as pmbench and databases initialise their memory), so pages are placed by first touch before the measured accesses start: true maps each page as a store fault does (young, dirty). 'written' (shmem regions of weight 0 only): write() every page into a tmpfs file instead, as the boot unpacks the initramfs rootfs: in the page cache, swap-backed and dirty, but mapped by no process and not marked accessed (the write path does not), so reclaim finds no reference to it. Default: false.",
    )
    .default(false),
});

export const PolicySchema = z.strictObject({
  mode: z
    .enum(['default', 'bind', 'preferred', 'interleave'])
    .describe(
      "MPOL_DEFAULT (local node, then the zonelist), MPOL_BIND (only `nodes`, nearest first; no fallback outside them), MPOL_PREFERRED (`nodes[0]` first, then its zonelist) or MPOL_INTERLEAVE (page i of a region or file on nodes[i mod n], then that node's zonelist). Default: default.",
    )
    .default('default'),
  nodes: z
    .array(z.int().min(0))
    .describe('Node list of bind, preferred (one node) and interleave.')
    .default([]),
  flags: z
    .array(z.enum(['numa_balancing']))
    .describe(
      'Mode flags of set_mempolicy: numa_balancing = MPOL_F_NUMA_BALANCING (bind only, as 5.15-6.12 accept it for MPOL_BIND; 6.10+ also for preferred_many, which tiersim does not model): the bound pages are scanned and hint-faulted by NUMA balancing and may move between the bind nodes (promotion in tiering mode). Without it only the default policy is scanned (MPOL_F_MOF). Default: none.',
    )
    .default([]),
});

export const PgbenchSchema = z.strictObject({
  scale: z
    .int()
    .min(1)
    .max(100000)
    .describe(
      'pgbench scale factor: 100 000 accounts per unit, about 15 MiB of database (4 KiB pages). No default.',
    ),
  shared_buffers: Size.describe(
    'PostgreSQL shared_buffers (shared anonymous memory). Unit: bytes. Default: 128MiB.',
  ).default(128 * 1024 * 1024),
  wal_size: Size.describe(
    'Size of the WAL written round-robin through the page cache (write()). Unit: bytes. Default: 64MiB.',
  ).default(64 * 1024 * 1024),
  synchronous_commit: z
    .enum(['on', 'off'])
    .describe(
      "PostgreSQL synchronous_commit: on, each commit's WAL write() is followed by fdatasync() of the WAL (wal_sync_method=fdatasync, Linux's default), and the client waits for the disk; off, the WAL is left to the flusher. PostgreSQL's default is on; tiersim's is off, so that configs written before it keep their results (set it on to model a default server). Default: off.",
    )
    .default('off'),
});

export const TaskSchema = z.strictObject({
  name: z.string().min(1).describe('Task name, unique in the workload.'),
  cpus: z
    .array(z.int().min(0))
    .describe(
      'CPUs the task runs on, one thread per CPU (pinned), sharing one address space. At least one; checked against the machine, so the error can list the CPU ids that exist.',
    ),
  regions: z
    .array(RegionSchema)
    .describe('Memory the task touches (at least one region, unless the task is a pgbench client set).')
    .default([]),
  pgbench: PgbenchSchema.optional().describe(
    'Makes the task a pgbench (TPC-B) run: one client per CPU, a database of the given scale in the page cache, shared buffers in shared anonymous memory, WAL appends. Regions are then generated; the score is transactions per second.',
  ),
  policy: PolicySchema.describe(
    'Memory policy of the task (set_mempolicy). Default: default (local node first).',
  ).prefault({
    mode: 'default',
  }),
  cpuset_mems: z
    .array(z.int().min(0))
    .optional()
    .describe(
      "The task's cpuset.mems: the only nodes it may allocate from (demotion ignores it, as the kernel's does). Default: all nodes.",
    ),
  cpu_per_access: Duration.describe(
    'CPU time between two memory accesses (the work that is not waiting for memory). Unit: ns. Default: 20ns.',
  ).default(20),
  accesses_per_op: z
    .int()
    .min(1)
    .describe('Accesses that make one operation of the score. Default: 100.')
    .default(100),
  mlp: z
    .int()
    .min(1)
    .max(64)
    .describe(
      "tiersim: memory-level parallelism, the cache misses a CPU of the task keeps in flight. A present access costs cpu_per_access + latency / mlp of the CPU's time, so a memory-bound CPU moves mlp × 64 B per latency. 1 is a chain of dependent loads (pointer chasing, a B-tree descent); independent misses overlap up to the core's L1D fill buffers (10 per core on Skylake-SP and Cascade Lake, Intel 64 and IA-32 Architectures Optimization Reference Manual). Unit: misses. Default: 1.",
    )
    .default(1),
  read_copy: Size.describe(
    "tiersim: bytes one read() access copies out of the page cache (filemap_read copies the folio's part of the request with copy_folio_to_iter): the access moves read_copy / 64 cache lines from the page's node and costs that many latencies / mlp. A multiple of 64, at most the page size. Unit: bytes. Default: 64B (one cache line per access).",
  ).default(64),
});

export const FileSchema = z.strictObject({
  name: z.string().min(1).describe('File name, unique in the workload.'),
  size: Size.describe('File size. Unit: bytes.'),
});

export const ActionSchema = z.strictObject({
  at: Duration.describe(
    'Simulated time at which the action runs (at the start of the epoch containing it). Unit: ns.',
  ),
  task: z.string().describe('Task the action applies to.'),
  do: z
    .enum(['madvise_pageout'])
    .describe('madvise_pageout: MADV_PAGEOUT over a part of a region (reclaims; never demotes).'),
  region: z.int().min(0).describe('Index of the region in the task. Default: 0.').default(0),
  start: fraction.describe('Start of the range as a fraction of the region. Default: 0.').default(0),
  end: fraction.describe('End of the range as a fraction of the region. Default: 1.').default(1),
});

export const WorkloadSchema = z.strictObject({
  files: z.array(FileSchema).describe('Files shared by the tasks that map or read them.').default([]),
  tasks: z.array(TaskSchema).min(1).describe('Tasks, each pinned to its CPUs.'),
  actions: z.array(ActionSchema).describe('Timed actions (e.g. MADV_PAGEOUT).').default([]),
});

// ---------------------------------------------------------------------------------------------
// Variants and sweeps: named sets of overrides of this config (src/sweep expands and applies them)
// ---------------------------------------------------------------------------------------------

/** Config paths as `--set` takes them (`kernel.demotion_enabled`, `topology.nodes[0].memory`). */
const OverridePath = z.string().min(1);

export const VariantSchema = z.strictObject({
  name: z
    .string()
    .regex(
      /^[A-Za-z][A-Za-z0-9._-]{0,63}$/,
      'a name of letters, digits, ".", "_" and "-", starting with a letter',
    )
    .describe('Name of the variant: a column of the comparison table and the folder DIR/<name>/ of --out.'),
  description: z.string().optional().describe('What this variant is, shown in the comparison.'),
  set: z
    .record(OverridePath, z.unknown())
    .describe(
      'Overrides of this variant: config path (the keys --set takes) -> value, applied to the config as written. Default: none (the config itself).',
    )
    .default({}),
});

const SweptValues = z.record(OverridePath, z.array(z.unknown()).min(1));

export const SweepSchema = z.strictObject({
  grid: SweptValues.optional().describe(
    'Cartesian product: config path -> list of values; the first key is the outermost loop. Default: none.',
  ),
  zip: SweptValues.optional().describe(
    'Lists walked together (the i-th point takes the i-th value of every list; all lists the same length), one loop inside the grid. Default: none.',
  ),
  seeds: z
    .union([z.int().min(1).max(100_000), z.array(z.int().min(0).max(0xffffffff)).min(1)])
    .optional()
    .describe(
      'Repetitions, the innermost loop: a count N (seeds run.seed .. run.seed+N-1) or a list of seeds. Default: run.seed only.',
    ),
  counters: z
    .array(z.string())
    .min(1)
    .optional()
    .describe(
      'vmstat counters charted against each swept key and shown in the seed-group table. Default: pgdemote_kswapd, pgmajfault, workingset_refault_file.',
    ),
});

// ---------------------------------------------------------------------------------------------
// A whole file
// ---------------------------------------------------------------------------------------------

export const ConfigSchema = z.strictObject({
  include: z
    .union([z.string(), z.array(z.string())])
    .optional()
    .describe('Files (paths relative to this one) whose keys this file extends; keys here win.'),
  description: z.string().optional().describe('What this config shows; printed by `tiersim validate`.'),
  topology: TopologySchema.describe('The machine.'),
  kernel: KernelSchema.prefault({}).describe('Kernel knobs, with the kernel names and defaults.'),
  storage: StorageSchema.prefault({}).describe('Storage behind the page cache, and swap.'),
  costs: CostsSchema.prefault({}).describe('Costs tiersim charges (simulator parameters, not kernel knobs).'),
  run: RunSchema.prefault({}).describe('Simulated duration, epoch length and seed.'),
  workload: WorkloadSchema.optional().describe('Tasks and files. Absent in a topology-only file.'),
  variants: z
    .array(VariantSchema)
    .min(1)
    .optional()
    .describe(
      '`tiersim run` runs every variant with the same seed and compares them with the first. In a sweep, the outermost loop. Default: none.',
    ),
  sweep: SweepSchema.optional().describe(
    'Points for `tiersim sweep`: variants x grid x zip x seeds, in that order (the last varies fastest). Default: none.',
  ),
});

export type Config = z.infer<typeof ConfigSchema>;
export type ConfigInput = z.input<typeof ConfigSchema>;
export type TopologyConfig = Config['topology'];
export type NodeConfig = TopologyConfig['nodes'][number];
export type KernelConfig = Config['kernel'];
export type StorageConfig = Config['storage'];
export type CostsConfig = Config['costs'];
export type RunConfig = Config['run'];
export type WorkloadConfig = NonNullable<Config['workload']>;
export type TaskConfig = WorkloadConfig['tasks'][number];
export type RegionConfig = TaskConfig['regions'][number];
export type PatternConfig = RegionConfig['pattern'];
export type PhaseStepConfig = z.infer<typeof PhaseStepSchema>;
export type PgbenchConfig = NonNullable<TaskConfig['pgbench']>;
export type PolicyConfig = TaskConfig['policy'];
export type ActionConfig = WorkloadConfig['actions'][number];
export type DeviceKind = (typeof DEVICE_KINDS)[number];
export type KernelVersion = (typeof KERNEL_VERSIONS)[number];

/** True when kernel `v` is `min` or later. */
export function versionAtLeast(v: KernelVersion, min: KernelVersion): boolean {
  return KERNEL_VERSIONS.indexOf(v) >= KERNEL_VERSIONS.indexOf(min);
}
