/**
 * The counters tiersim keeps, named exactly as Linux names them in /proc/vmstat (and numastat),
 * declared once. Indices, names and the CounterName type all derive from this table, so names
 * cannot drift from indices the way the kernel's comment-synced vmstat_text[] can.
 *
 * kind: 'event' counters are sums of events (vm_event_item / node_stat_item increments);
 * 'gauge' counters are the current state, recomputed from the node's lists at every sample.
 * Every counter is kept per node; the /proc/vmstat view is the sum over nodes. `charged` says
 * which node an event is counted on. Names prefixed `tiersim_` are simulator-only figures.
 */

export type CounterKind = 'event' | 'gauge';

export interface CounterSpec {
  readonly name: string;
  readonly kind: CounterKind;
  readonly unit: 'pages' | 'events' | 'KiB' | 'ns' | 'accesses' | 'bytes' | 'percent';
  readonly charged: string;
  /** How the machine-wide figure combines the nodes' (a per-node setting is not a sum). */
  readonly machineWide: 'sum' | 'max';
}

function c(
  name: string,
  kind: CounterKind,
  unit: CounterSpec['unit'],
  charged: string,
  machineWide: CounterSpec['machineWide'] = 'sum',
): CounterSpec {
  return { name, kind, unit, charged, machineWide };
}

/**
 * Order matters only in one place: the _kswapd and _direct groups are contiguous and equally
 * ordered, so `name_direct = name_kswapd + RECLAIMER_DIRECT` (asserted below).
 */
export const COUNTERS = [
  // Gauges (node_stat_item states), recomputed at each sample.
  c('nr_free_pages', 'gauge', 'pages', 'the node'),
  c('nr_inactive_anon', 'gauge', 'pages', 'the node'),
  c('nr_active_anon', 'gauge', 'pages', 'the node'),
  c('nr_inactive_file', 'gauge', 'pages', 'the node'),
  c('nr_active_file', 'gauge', 'pages', 'the node'),
  c('nr_isolated_anon', 'gauge', 'pages', 'the node'),
  c('nr_isolated_file', 'gauge', 'pages', 'the node'),
  c('nr_anon_pages', 'gauge', 'pages', 'the node'),
  c('nr_file_pages', 'gauge', 'pages', 'the node'),
  c('nr_dirty', 'gauge', 'pages', 'the node (NR_FILE_DIRTY: dirty page cache not under writeback)'),
  c('nr_writeback', 'gauge', 'pages', 'the node (page cache under writeback)'),
  c('nr_page_table_pages', 'gauge', 'pages', 'the node holding the page-table page (NR_PAGETABLE)'),
  c(
    'nr_dirty_threshold',
    'gauge',
    'pages',
    'node 0 holds the machine-wide figure (global_dirty_limits: dirty_ratio of dirtyable memory)',
  ),
  c(
    'nr_dirty_background_threshold',
    'gauge',
    'pages',
    'node 0 holds the machine-wide figure (dirty_background_ratio of dirtyable memory)',
  ),
  c('nr_dirtied', 'event', 'pages', 'node of the page (folio_account_dirtied)'),
  c('nr_written', 'event', 'pages', 'node of the page (writeback completed)'),
  c('nr_vmscan_immediate_reclaim', 'event', 'pages', 'node being reclaimed (dirty pages marked PG_reclaim)'),
  c('pgrotated', 'event', 'pages', 'node of the page (moved to the inactive tail as its writeback ended)'),
  // Allocation placement (§6.3 of the reference): charged to the zone that served it, except
  // numa_foreign, which is charged to the preferred node that could not.
  c('numa_hit', 'event', 'pages', 'serving node'),
  c('numa_miss', 'event', 'pages', 'serving node'),
  c('numa_foreign', 'event', 'pages', 'preferred node'),
  c('numa_interleave', 'event', 'pages', 'serving node'),
  c('numa_local', 'event', 'pages', 'serving node'),
  c('numa_other', 'event', 'pages', 'serving node'),
  c('pgalloc_normal', 'event', 'pages', 'serving node'),
  c('pgfree', 'event', 'pages', 'node of the freed frame'),
  c('pgactivate', 'event', 'pages', 'node of the page'),
  c('pgdeactivate', 'event', 'pages', 'node of the page'),
  c('pgfault', 'event', 'events', 'node of the faulting CPU'),
  c('pgmajfault', 'event', 'events', 'node of the faulting CPU'),
  c('pgpgin', 'event', 'KiB', 'node of the CPU that waited for the read'),
  c('pgpgout', 'event', 'KiB', 'node being reclaimed'),
  c('pswpin', 'event', 'pages', 'node of the faulting CPU'),
  c('pswpout', 'event', 'pages', 'node being reclaimed'),
  c('swap_ra', 'event', 'pages', 'node of the faulting CPU (pages read ahead by a swap-in)'),
  c(
    'swap_ra_hit',
    'event',
    'events',
    'node of the faulting CPU (a fault found a read-ahead page in the swap cache)',
  ),
  c('pgrefill', 'event', 'pages', 'node being reclaimed'),
  // Reclaimer groups: keep _kswapd then _direct adjacent, same order in every group.
  c('pgsteal_kswapd', 'event', 'pages', 'node being reclaimed (includes demoted pages)'),
  c('pgsteal_direct', 'event', 'pages', 'node being reclaimed (includes demoted pages)'),
  c('pgscan_kswapd', 'event', 'pages', 'node being reclaimed'),
  c('pgscan_direct', 'event', 'pages', 'node being reclaimed'),
  c('pgdemote_kswapd', 'event', 'pages', 'source node (the 6.8+ per-node rule)'),
  c('pgdemote_direct', 'event', 'pages', 'source node (the 6.8+ per-node rule)'),
  c('pgscan_anon', 'event', 'pages', 'node being reclaimed'),
  c('pgscan_file', 'event', 'pages', 'node being reclaimed'),
  c('pgsteal_anon', 'event', 'pages', 'node being reclaimed'),
  c('pgsteal_file', 'event', 'pages', 'node being reclaimed'),
  c('pgmigrate_success', 'event', 'pages', 'demotion: source node; NUMA-balancing migration: target node'),
  c('pgmigrate_fail', 'event', 'pages', 'demotion: source node; NUMA-balancing migration: target node'),
  // NUMA balancing (5.18+ tiering mode; 6.0 hot-page selection).
  c('numa_pte_updates', 'event', 'pages', 'node of the scanned task (its first CPU)'),
  c('numa_hint_faults', 'event', 'events', 'node of the faulting CPU'),
  c('numa_hint_faults_local', 'event', 'events', 'node of the faulting CPU (page was on that node)'),
  c('numa_pages_migrated', 'event', 'pages', 'target node of the migration'),
  c('pgpromote_success', 'event', 'pages', 'target (fast) node, as the kernel charges it'),
  c('pgpromote_candidate', 'event', 'pages', 'target node (6.0+: hot pages submitted to the rate limit)'),
  c(
    'tiersim_promote_threshold_ms',
    'gauge',
    'events',
    'target node: the hot threshold in force (ms; the default until adjusted); machine-wide: the highest',
    'max',
  ),
  c(
    'tiersim_promote_not_hot',
    'event',
    'events',
    'target node: hint-faulted slow pages refused as not hot (latency >= threshold)',
  ),
  c('tiersim_promote_rate_limited', 'event', 'events', 'target node: hot pages refused by the rate limit'),
  c(
    'tiersim_promote_no_space',
    'event',
    'events',
    'target node: promotions refused by the watermark check (kswapd woken to PROMO)',
  ),
  // kswapd_try_to_sleep(): woken during its HZ/10 nap (low), or still unbalanced after the nap
  // or right after a run, so it runs again without being woken (high).
  c('kswapd_low_wmark_hit_quickly', 'event', 'events', 'node whose kswapd was woken during its nap'),
  c(
    'kswapd_high_wmark_hit_quickly',
    'event',
    'events',
    'node whose kswapd found it unbalanced after a run or its nap',
  ),
  c('pageoutrun', 'event', 'events', 'node whose kswapd ran balance_pgdat'),
  c('allocstall_normal', 'event', 'events', 'node of the CPU that entered direct reclaim'),
  c('nr_vmscan_write', 'event', 'pages', 'node being reclaimed'),
  c(
    'workingset_refault_anon',
    'event',
    'pages',
    '5.15-6.1: node the page was evicted from; 6.6+: node it is placed on',
  ),
  c(
    'workingset_refault_file',
    'event',
    'pages',
    '5.15-6.1: node the page was evicted from; 6.6+: node it is placed on',
  ),
  c(
    'workingset_activate_anon',
    'event',
    'pages',
    '5.15-6.1: node the page was evicted from; 6.6+: node it is placed on',
  ),
  c(
    'workingset_activate_file',
    'event',
    'pages',
    '5.15-6.1: node the page was evicted from; 6.6+: node it is placed on',
  ),
  c(
    'workingset_restore_anon',
    'event',
    'pages',
    '5.15-6.1: node the page was evicted from; 6.6+: node it is placed on',
  ),
  c(
    'workingset_restore_file',
    'event',
    'pages',
    '5.15-6.1: node the page was evicted from; 6.6+: node it is placed on',
  ),
  // Simulator-only figures.
  c('tiersim_accesses', 'event', 'accesses', 'node of the accessing CPU'),
  c(
    'tiersim_accesses_served',
    'event',
    'accesses',
    'node whose memory served the access (resident pages only: an access that faults is counted in tiersim_accesses but not here)',
  ),
  c('tiersim_memory_ns', 'event', 'ns', 'node of the accessing CPU (time waiting for memory)'),
  c('tiersim_fault_ns', 'event', 'ns', 'node of the faulting CPU (time in faults and direct reclaim)'),
  c(
    'tiersim_read_miss',
    'event',
    'pages',
    'node of the CPU whose read()/write() missed the page cache (not a page fault)',
  ),
  // Block devices, as /sys/block/<dev>/stat counts them: disk then swap, same order (blockdev.ts).
  c('tiersim_disk_read_ios', 'event', 'events', 'node of the CPU that waited for the read'),
  c(
    'tiersim_disk_read_sectors',
    'event',
    'events',
    'node of the CPU that waited for the read (512-byte sectors)',
  ),
  c('tiersim_disk_read_ns', 'event', 'ns', 'node of the CPU that waited for the read'),
  c(
    'tiersim_disk_write_ios',
    'event',
    'events',
    "node being reclaimed (pageout) or the page's node (flusher)",
  ),
  c(
    'tiersim_disk_write_sectors',
    'event',
    'events',
    "node being reclaimed (pageout) or the page's node (flusher; 512-byte sectors)",
  ),
  c('tiersim_disk_write_ns', 'event', 'ns', "node being reclaimed (pageout) or the page's node (flusher)"),
  c('tiersim_swap_read_ios', 'event', 'events', 'node of the CPU that waited for the swap-in'),
  c('tiersim_swap_read_sectors', 'event', 'events', 'node of the CPU that waited (512-byte sectors)'),
  c('tiersim_swap_read_ns', 'event', 'ns', 'node of the CPU that waited'),
  c('tiersim_swap_write_ios', 'event', 'events', 'node being reclaimed (swap-out)'),
  c('tiersim_swap_write_sectors', 'event', 'events', 'node being reclaimed (512-byte sectors)'),
  c('tiersim_swap_write_ns', 'event', 'ns', 'node being reclaimed'),
  c(
    'tiersim_readahead_pages',
    'event',
    'pages',
    'node of the CPU whose sequential read() miss read ahead (pages beyond the one asked for)',
  ),
  c('tiersim_dirty_throttle_ns', 'event', 'ns', 'node of the CPU whose task balance_dirty_pages() paused'),
  c('tiersim_alloc_fail', 'event', 'events', 'node of the faulting CPU (would be an OOM kill)'),
  c('tiersim_fault_stall', 'event', 'events', 'node whose fault queue filled (CPU stalled to epoch end)'),
  c(
    'tiersim_kswapd_budget_exhausted',
    'event',
    'events',
    'node whose kswapd ran out of its per-epoch scan time',
  ),
  c('tiersim_kswapd_ns', 'event', 'ns', 'node whose kswapd ran (CPU time of its reclaim)'),
  c(
    'tiersim_kswapd_delay_ns',
    'event',
    'ns',
    'CPU node: time its tasks lost to the kswapd threads sharing their CPUs',
  ),
  c('tiersim_demote_batch_aborted', 'event', 'events', 'source node whose demotion batch hit -ENOMEM'),
  // Memory traffic and loaded latency (kernel/bandwidth.ts): no Linux counterpart.
  c(
    'tiersim_mem_read_bytes',
    'event',
    'bytes',
    'memory node read: loads (64 B each), migration copies out of it, DMA of block writes',
  ),
  c(
    'tiersim_mem_write_bytes',
    'event',
    'bytes',
    'memory node written: stores (64 B each), migration copies into it, DMA of block reads',
  ),
  c(
    'tiersim_mem_utilisation_pct',
    'gauge',
    'percent',
    'memory node, last epoch, reads and writes against bandwidth',
    'max',
  ),
  c(
    'tiersim_mem_queue_ns',
    'gauge',
    'ns',
    'memory node: queueing delay of its accesses in the next epoch',
    'max',
  ),
  c(
    'tiersim_link_utilisation_pct',
    'gauge',
    'percent',
    'memory node: busiest link of its socket, last epoch',
    'max',
  ),
  c(
    'tiersim_access_latency_ns',
    'gauge',
    'ns',
    'CPU node: mean memory latency of its accesses, last epoch',
    'max',
  ),
] as const satisfies readonly CounterSpec[];

export type CounterName = (typeof COUNTERS)[number]['name'];

export const NR_COUNTERS = COUNTERS.length;

/** Index of each counter in a node's counter row. */
export const COUNTER_INDEX: Readonly<Record<CounterName, number>> = Object.fromEntries(
  COUNTERS.map((spec, i) => [spec.name, i]),
);

function idx(name: CounterName): number {
  return COUNTER_INDEX[name];
}

// Named indices used by the kernel code (module constants keep the hot paths monomorphic).
export const NR_FREE_PAGES = idx('nr_free_pages');
export const NR_INACTIVE_ANON = idx('nr_inactive_anon');
export const NR_ISOLATED_ANON = idx('nr_isolated_anon');
export const NR_ISOLATED_FILE = idx('nr_isolated_file');
export const NR_ANON_PAGES = idx('nr_anon_pages');
export const NR_FILE_PAGES = idx('nr_file_pages');
export const NR_DIRTY = idx('nr_dirty');
export const NR_WRITEBACK = idx('nr_writeback');
export const NR_PAGE_TABLE_PAGES = idx('nr_page_table_pages');
export const NR_DIRTY_THRESHOLD = idx('nr_dirty_threshold');
export const NR_DIRTY_BACKGROUND_THRESHOLD = idx('nr_dirty_background_threshold');
export const NR_DIRTIED = idx('nr_dirtied');
export const NR_WRITTEN = idx('nr_written');
export const NR_VMSCAN_IMMEDIATE = idx('nr_vmscan_immediate_reclaim');
export const PGROTATED = idx('pgrotated');
export const TIERSIM_DIRTY_THROTTLE_NS = idx('tiersim_dirty_throttle_ns');
export const NUMA_HIT = idx('numa_hit');
export const NUMA_MISS = idx('numa_miss');
export const NUMA_FOREIGN = idx('numa_foreign');
export const NUMA_INTERLEAVE = idx('numa_interleave');
export const NUMA_LOCAL = idx('numa_local');
export const NUMA_OTHER = idx('numa_other');
export const PGALLOC_NORMAL = idx('pgalloc_normal');
export const PGFREE = idx('pgfree');
export const PGACTIVATE = idx('pgactivate');
export const PGDEACTIVATE = idx('pgdeactivate');
export const PGFAULT = idx('pgfault');
export const PGMAJFAULT = idx('pgmajfault');
export const PGPGIN = idx('pgpgin');
export const PGPGOUT = idx('pgpgout');
export const PSWPIN = idx('pswpin');
export const PSWPOUT = idx('pswpout');
export const SWAP_RA = idx('swap_ra');
export const SWAP_RA_HIT = idx('swap_ra_hit');
export const PGREFILL = idx('pgrefill');
export const PGSTEAL_KSWAPD = idx('pgsteal_kswapd');
export const PGSCAN_KSWAPD = idx('pgscan_kswapd');
export const PGDEMOTE_KSWAPD = idx('pgdemote_kswapd');
export const PGSCAN_ANON = idx('pgscan_anon');
export const PGSCAN_FILE = idx('pgscan_file');
export const PGSTEAL_ANON = idx('pgsteal_anon');
export const PGSTEAL_FILE = idx('pgsteal_file');
export const PGMIGRATE_SUCCESS = idx('pgmigrate_success');
export const PGMIGRATE_FAIL = idx('pgmigrate_fail');
export const NUMA_PTE_UPDATES = idx('numa_pte_updates');
export const NUMA_HINT_FAULTS = idx('numa_hint_faults');
export const NUMA_HINT_FAULTS_LOCAL = idx('numa_hint_faults_local');
export const NUMA_PAGES_MIGRATED = idx('numa_pages_migrated');
export const PGPROMOTE_SUCCESS = idx('pgpromote_success');
export const PGPROMOTE_CANDIDATE = idx('pgpromote_candidate');
export const TIERSIM_PROMOTE_THRESHOLD_MS = idx('tiersim_promote_threshold_ms');
export const TIERSIM_PROMOTE_NOT_HOT = idx('tiersim_promote_not_hot');
export const TIERSIM_PROMOTE_RATE_LIMITED = idx('tiersim_promote_rate_limited');
export const TIERSIM_PROMOTE_NO_SPACE = idx('tiersim_promote_no_space');
export const KSWAPD_LOW_WMARK_HIT_QUICKLY = idx('kswapd_low_wmark_hit_quickly');
export const KSWAPD_HIGH_WMARK_HIT_QUICKLY = idx('kswapd_high_wmark_hit_quickly');
export const PAGEOUTRUN = idx('pageoutrun');
export const ALLOCSTALL_NORMAL = idx('allocstall_normal');
export const NR_VMSCAN_WRITE = idx('nr_vmscan_write');
export const WORKINGSET_REFAULT_ANON = idx('workingset_refault_anon');
export const WORKINGSET_ACTIVATE_ANON = idx('workingset_activate_anon');
export const WORKINGSET_RESTORE_ANON = idx('workingset_restore_anon');
export const TIERSIM_ACCESSES = idx('tiersim_accesses');
export const TIERSIM_ACCESSES_SERVED = idx('tiersim_accesses_served');
export const TIERSIM_MEMORY_NS = idx('tiersim_memory_ns');
export const TIERSIM_FAULT_NS = idx('tiersim_fault_ns');
export const TIERSIM_ALLOC_FAIL = idx('tiersim_alloc_fail');
export const TIERSIM_READ_MISS = idx('tiersim_read_miss');
export const TIERSIM_DISK_READ_IOS = idx('tiersim_disk_read_ios');
export const TIERSIM_READAHEAD_PAGES = idx('tiersim_readahead_pages');
export const TIERSIM_FAULT_STALL = idx('tiersim_fault_stall');
export const TIERSIM_KSWAPD_BUDGET_EXHAUSTED = idx('tiersim_kswapd_budget_exhausted');
export const TIERSIM_KSWAPD_NS = idx('tiersim_kswapd_ns');
export const TIERSIM_KSWAPD_DELAY_NS = idx('tiersim_kswapd_delay_ns');
export const TIERSIM_DEMOTE_BATCH_ABORTED = idx('tiersim_demote_batch_aborted');
export const TIERSIM_MEM_READ_BYTES = idx('tiersim_mem_read_bytes');
export const TIERSIM_MEM_WRITE_BYTES = idx('tiersim_mem_write_bytes');
export const TIERSIM_MEM_UTILISATION_PCT = idx('tiersim_mem_utilisation_pct');
export const TIERSIM_MEM_QUEUE_NS = idx('tiersim_mem_queue_ns');
export const TIERSIM_LINK_UTILISATION_PCT = idx('tiersim_link_utilisation_pct');
export const TIERSIM_ACCESS_LATENCY_NS = idx('tiersim_access_latency_ns');

/** Add to a _kswapd counter index to get its _direct twin. */
export const RECLAIMER_KSWAPD = 0;
export const RECLAIMER_DIRECT = 1;

/** Add to a *_anon counter index to get its *_file twin (anon and file are adjacent). */
export const TYPE_ANON = 0;
export const TYPE_FILE = 1;

// Layout facts the code relies on, checked at load (the kernel's BUILD_BUG_ON).
for (const base of ['pgsteal', 'pgscan', 'pgdemote'] as const) {
  if (idx(`${base}_direct`) !== idx(`${base}_kswapd`) + RECLAIMER_DIRECT) {
    throw new Error(`vmstat table: ${base}_direct must follow ${base}_kswapd`);
  }
}
for (const base of [
  'pgscan',
  'pgsteal',
  'workingset_refault',
  'workingset_activate',
  'workingset_restore',
] as const) {
  if (idx(`${base}_file`) !== idx(`${base}_anon`) + TYPE_FILE) {
    throw new Error(`vmstat table: ${base}_file must follow ${base}_anon`);
  }
}
if (
  idx('tiersim_swap_read_ios') !== idx('tiersim_disk_read_ios') + 6 ||
  idx('tiersim_disk_write_ns') !== idx('tiersim_disk_read_ios') + 5
) {
  throw new Error('vmstat table: block device counters must be disk then swap, 6 each, in /sys/block order');
}
