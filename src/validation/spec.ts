/**
 * What the validation compares per workload: which figures, judged how (the tolerances of
 * issues 9-11), and the absolute slack below which a count is not judged relatively.
 */
import type { Check } from './compare.js';

export type MetricClass =
  'placement' | 'reclaim' | 'swap' | 'disk' | 'refault' | 'promotion' | 'hint' | 'pgtables' | 'info';

export interface MetricSpec {
  name: string;
  cls: MetricClass;
  /** Unit of the figure, for the slack: pages, sectors, MiB, s or kB (page tables). */
  unit: 'pages' | 'sectors' | 'MiB' | 's' | 'count' | 'kB';
}

const m = (name: string, cls: MetricClass, unit: MetricSpec['unit'] = 'pages'): MetricSpec => ({
  name,
  cls,
  unit,
});

/** The workload's page tables (meminfo PageTables, end - before): the total judged, per node shown. */
const PGTABLES = [
  m('pagetables_kB', 'pgtables', 'kB'),
  m('pagetables_node0_kB', 'info', 'kB'),
  m('pagetables_node1_kB', 'info', 'kB'),
];

const ANON_INFO = [
  m('pgdemote_kswapd', 'info'),
  m('pgdemote_direct', 'info'),
  m('pgscan_kswapd', 'info'),
  m('pgscan_direct', 'info'),
  m('allocstall', 'info', 'count'),
  m('workload_s', 'info', 's'),
];

export const METRICS: Record<string, MetricSpec[]> = {
  W1p: [
    m('region_pages_node0_end', 'placement'),
    m('region_pages_node2_end', 'placement'),
    m('region_pages_swapped_end', 'placement'),
    m('pgdemote', 'reclaim'),
    m('pswpout', 'swap'),
    m('pswpin', 'swap'),
    m('pgmajfault', 'disk', 'count'),
    m('workingset_refault_anon', 'refault'),
    ...PGTABLES,
    ...ANON_INFO,
  ],
  W2p: [
    m('end_node0_file_MiB', 'placement', 'MiB'),
    m('end_node2_file_MiB', 'placement', 'MiB'),
    m('data_read_sectors', 'disk', 'sectors'),
    m('pgmajfault', 'disk', 'count'),
    m('workingset_refault_file', 'refault'),
    m('pgdemote', 'reclaim'),
    m('pgdemote_kswapd', 'info'),
    m('pgdemote_direct', 'info'),
    m('pgsteal_file', 'info'),
    m('pgscan_kswapd', 'info'),
    m('pgscan_direct', 'info'),
    ...PGTABLES,
    m('workload_s', 'info', 's'),
  ],
  W3p: [
    m('pgpromote_success', 'promotion'),
    m('hot_pages_node0_end', 'promotion'),
    m('numa_hint_faults', 'hint', 'count'),
    m('region_pages_node0_end', 'placement'),
    m('region_pages_node2_end', 'placement'),
    m('pgpromote_candidate', 'info'),
    m('numa_pte_updates', 'info'),
    m('pgmigrate_success', 'info'),
    ...PGTABLES,
    ...ANON_INFO,
  ],
};
METRICS.W2q = METRICS.W2p!;

/** The issues' tolerances: classic LRU (issues 9, 10) and MGLRU (issue 11). */
export function checkFor(cls: MetricClass, lru: 'classic' | 'mglru'): Check {
  switch (cls) {
    case 'info':
      return { kind: 'info' };
    case 'placement':
      return { kind: 'rel', tol: 0.05 };
    case 'promotion':
      return { kind: 'rel', tol: 0.3 };
    case 'hint':
      return { kind: 'factor', factor: 2 };
    case 'pgtables':
      return { kind: 'rel', tol: 0.1 };
    default:
      return { kind: 'rel', tol: lru === 'mglru' ? 0.2 : 0.15 };
  }
}

/** Bytes the workload touches (the slack is 0.5 % of it). */
export const WORKLOAD_BYTES: Record<string, number> = {
  W1p: 1342177280,
  W3p: 1342177280,
  W2p: 2 ** 31,
  W2q: 2 ** 31,
};

/** Absolute slack of the page-table figures, kB (the kernel's node 1 moves by up to ~130 kB under bind0). */
export const PGTABLES_SLACK_KB = 160;

/** Absolute slack of a metric: 0.5 % of the workload's memory in the metric's unit. */
export function floorFor(workload: string, unit: MetricSpec['unit']): number {
  const bytes = (WORKLOAD_BYTES[workload] ?? 2 ** 30) * 0.005;
  switch (unit) {
    case 'sectors':
      return bytes / 512;
    case 'MiB':
      return bytes / 2 ** 20;
    case 's':
      return 1;
    case 'kB':
      // Page tables: the rest of the system's tables move by about 100 kB between snapshots.
      return PGTABLES_SLACK_KB;
    default:
      return bytes / 4096;
  }
}
