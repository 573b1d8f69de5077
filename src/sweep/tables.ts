/**
 * Tables of many experiments: one summary row per sweep point (summary.csv / summary.json), the
 * terminal table that groups a setting's seeds (mean, min, max), and the side-by-side comparison
 * of variants with ratios against the first. All read only RunResults.
 */
import { partialNote } from '../report/partial.js';
import type { RunResult } from '../metrics/result.js';
import { COUNTERS } from '../metrics/vmstat.js';
import { formatCount, renderTable } from '../report/table.js';
import { SEED_KEY, showValue } from './expand.js';

/**
 * Counters every summary row carries, in the order a reader follows the story (those missing
 * from this build's counter table, e.g. promotion before it exists, are left out).
 */
const MAIN_COUNTER_CANDIDATES = [
  'pgfault',
  'pgmajfault',
  'pgscan_kswapd',
  'pgsteal_kswapd',
  'pgsteal_direct',
  'pgdemote_kswapd',
  'pgdemote_direct',
  'pgpromote_success',
  'pgmigrate_success',
  'pgmigrate_fail',
  'workingset_refault_file',
  'workingset_refault_anon',
  'pswpin',
  'pswpout',
  'numa_miss',
  'allocstall_normal',
  'tiersim_read_miss',
  'tiersim_disk_read_sectors',
  'tiersim_disk_write_sectors',
];
const KNOWN = new Set<string>(COUNTERS.map((c) => c.name));
export const MAIN_COUNTERS: readonly string[] = MAIN_COUNTER_CANDIDATES.filter((c) => KNOWN.has(c));

export interface NodeOccupancy {
  id: number;
  device: string;
  anon_mib: number;
  file_mib: number;
  free_mib: number;
}

export interface SummaryRow {
  index: number;
  name: string;
  /** failed includes a point a signal stopped mid-run (error says at which epoch); a rerun runs it. */
  status: 'done' | 'failed' | 'missing';
  /** Swept key → value as written (the variant name and the seed included). */
  values: Record<string, unknown>;
  seed: number;
  config_hash: string;
  score: number | null;
  /** Disk read throughput over the run, MB/s (10^6 bytes per simulated second). */
  disk_read_mb_s: number | null;
  counters: Record<string, number>;
  /** Per-node memory at the end of the run (meminfo). */
  nodes: NodeOccupancy[];
  error: string | null;
}

export interface PointIdentity {
  index: number;
  name: string;
  values: Record<string, unknown>;
  seed: number;
  config_hash: string;
}

export function summaryRow(
  point: PointIdentity,
  counters: readonly string[],
  outcome: { result: RunResult } | { error: string } | undefined,
): SummaryRow {
  const base = {
    index: point.index,
    name: point.name,
    values: point.values,
    seed: point.seed,
    config_hash: point.config_hash,
  };
  if (outcome === undefined) {
    return {
      ...base,
      status: 'missing',
      score: null,
      disk_read_mb_s: null,
      counters: {},
      nodes: [],
      error: null,
    };
  }
  if ('error' in outcome) {
    return {
      ...base,
      status: 'failed',
      score: null,
      disk_read_mb_s: null,
      counters: {},
      nodes: [],
      error: outcome.error,
    };
  }
  const r = outcome.result;
  const values: Record<string, number> = {};
  for (const name of [...MAIN_COUNTERS, ...counters]) values[name] = r.vmstat[name] ?? 0;
  const mib = (kb: number | undefined) => Math.round(((kb ?? 0) / 1024) * 10) / 10;
  return {
    ...base,
    status: 'done',
    score: Math.round(r.score * 10) / 10,
    disk_read_mb_s: Math.round(diskReadMBps(r) * 10) / 10,
    counters: values,
    nodes: r.nodes.map((n) => ({
      id: n.id,
      device: n.device,
      anon_mib: mib(n.meminfo['AnonPages']),
      file_mib: mib(n.meminfo['FilePages']),
      free_mib: mib(n.meminfo['MemFree']),
    })),
    error: null,
  };
}

/** Bytes read from the disk per simulated second / 10^6 (512-byte sectors, as /sys/block counts). */
export function diskReadMBps(r: RunResult): number {
  return mbPerSecond(r, (r.vmstat['tiersim_disk_read_sectors'] ?? 0) * 512);
}

/** Promotion throughput over the run, MB/s: pgpromote_success pages × page size. */
export function promotedMBps(r: RunResult): number {
  return mbPerSecond(r, (r.vmstat['pgpromote_success'] ?? 0) * r.page_size);
}

function mbPerSecond(r: RunResult, bytes: number): number {
  const seconds = r.duration_ns / 1e9;
  return seconds > 0 ? bytes / seconds / 1e6 : 0;
}

// ---------------------------------------------------------------------------------------------
// summary.csv
// ---------------------------------------------------------------------------------------------

/** RFC 4180 field: quoted when it holds a comma, quote or line break. */
function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function summaryCsv(
  keys: readonly string[],
  counters: readonly string[],
  rows: readonly SummaryRow[],
): string {
  const counterNames = [...new Set([...MAIN_COUNTERS, ...counters])];
  const nodeIds = [...new Set(rows.flatMap((r) => r.nodes.map((n) => n.id)))].sort((a, b) => a - b);
  const swept = keys.filter((k) => k !== SEED_KEY);
  const header = [
    'index',
    'status',
    ...swept,
    'seed',
    'score',
    'disk_read_mb_s',
    ...counterNames,
    ...nodeIds.flatMap((id) => [`node${id}_anon_mib`, `node${id}_file_mib`, `node${id}_free_mib`]),
    'config_hash',
    'error',
  ];
  const lines = [header.map(csvField).join(',')];
  for (const r of rows) {
    const node = (id: number) => r.nodes.find((n) => n.id === id);
    const cells = [
      String(r.index),
      r.status,
      ...swept.map((k) => showValue(r.values[k])),
      String(r.seed),
      r.score === null ? '' : String(r.score),
      r.disk_read_mb_s === null ? '' : String(r.disk_read_mb_s),
      ...counterNames.map((c) => (r.status === 'done' ? String(r.counters[c] ?? 0) : '')),
      ...nodeIds.flatMap((id) => {
        const n = node(id);
        return n === undefined ? ['', '', ''] : [String(n.anon_mib), String(n.file_mib), String(n.free_mib)];
      }),
      r.config_hash,
      (r.error ?? '').split('\n')[0],
    ];
    lines.push(cells.map(csvField).join(','));
  }
  return lines.join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------------
// Seed groups
// ---------------------------------------------------------------------------------------------

export interface Stats {
  n: number;
  mean: number;
  min: number;
  max: number;
}

export function stats(xs: readonly number[]): Stats | undefined {
  if (xs.length === 0) return undefined;
  return {
    n: xs.length,
    mean: xs.reduce((a, b) => a + b, 0) / xs.length,
    min: Math.min(...xs),
    max: Math.max(...xs),
  };
}

export interface SeedGroup {
  /** Swept values without the seed. */
  values: Record<string, unknown>;
  rows: SummaryRow[];
  score: Stats | undefined;
  counters: Record<string, Stats | undefined>;
}

/** Rows grouped by every swept key except the seed, in point order. */
export function seedGroups(
  keys: readonly string[],
  counters: readonly string[],
  rows: readonly SummaryRow[],
): SeedGroup[] {
  const swept = keys.filter((k) => k !== SEED_KEY);
  const groups = new Map<string, SummaryRow[]>();
  for (const r of rows) {
    const id = JSON.stringify(swept.map((k) => r.values[k]));
    groups.set(id, [...(groups.get(id) ?? []), r]);
  }
  return [...groups.values()].map((members) => {
    const done = members.filter((r) => r.status === 'done');
    const values: Record<string, unknown> = {};
    for (const k of swept) values[k] = members[0].values[k];
    const perCounter: Record<string, Stats | undefined> = {};
    for (const c of counters) perCounter[c] = stats(done.map((r) => r.counters[c] ?? 0));
    return { values, rows: members, score: stats(done.map((r) => r.score ?? 0)), counters: perCounter };
  });
}

/** 1234 → "1,234"; 123456 → "123.5k"; 12345678 → "12.35M". */
export function compact(x: number): string {
  const a = Math.abs(x);
  if (a >= 1e9) return `${(x / 1e9).toFixed(2)}G`;
  if (a >= 1e6) return `${(x / 1e6).toFixed(2)}M`;
  if (a >= 1e5) return `${(x / 1e3).toFixed(1)}k`;
  return formatCount(Math.round(x));
}

/** The seed-group table as header and rows (the terminal and the HTML report show it). */
export function seedGroupCells(
  keys: readonly string[],
  counters: readonly string[],
  rows: readonly SummaryRow[],
): { header: string[]; rows: string[][] } {
  const swept = keys.filter((k) => k !== SEED_KEY);
  const groups = seedGroups(keys, counters, rows);
  const header = [
    ...(swept.length > 0 ? swept : ['point']),
    'seeds',
    'score mean',
    'min',
    'max',
    ...counters.map((c) => `${c} mean [min–max]`),
  ];
  const body = groups.map((g) => {
    const done = g.rows.filter((r) => r.status === 'done').length;
    const failed = g.rows.filter((r) => r.status === 'failed').length;
    const seeds = `${done}/${g.rows.length}${failed > 0 ? ` (${failed} failed)` : ''}`;
    const s = g.score;
    return [
      ...(swept.length > 0 ? swept.map((k) => showValue(g.values[k])) : [g.rows[0].name]),
      seeds,
      s === undefined ? '-' : formatCount(Math.round(s.mean)),
      s === undefined ? '-' : formatCount(Math.round(s.min)),
      s === undefined ? '-' : formatCount(Math.round(s.max)),
      ...counters.map((c) => {
        const cs = g.counters[c];
        return cs === undefined ? '-' : `${compact(cs.mean)} [${compact(cs.min)}–${compact(cs.max)}]`;
      }),
    ];
  });
  return { header, rows: body };
}

export function seedGroupTable(
  keys: readonly string[],
  counters: readonly string[],
  rows: readonly SummaryRow[],
): string {
  const cells = seedGroupCells(keys, counters, rows);
  return renderTable(cells.header, cells.rows);
}

// ---------------------------------------------------------------------------------------------
// Variant comparison
// ---------------------------------------------------------------------------------------------

export interface ComparedVariant {
  name: string;
  description: string | null;
  result: RunResult;
}

export interface ComparisonRow {
  metric: string;
  /** One per variant; null where the variant has no such thing (a node its machine lacks). */
  values: (number | null)[];
  /** value / first variant's value; null when either is null or the first is 0. */
  ratios: (number | null)[];
}

/** Score, the main counters that are non-zero in some variant, and per-node memory at the end. */
export function comparisonRows(variants: readonly ComparedVariant[]): ComparisonRow[] {
  const metrics: { metric: string; of: (r: RunResult) => number | null }[] = [
    { metric: 'score (ops/s)', of: (r) => r.score },
    { metric: 'disk read MB/s', of: diskReadMBps },
    { metric: 'promoted MB/s', of: promotedMBps },
    ...MAIN_COUNTERS.map((c) => ({ metric: c, of: (r: RunResult) => r.vmstat[c] ?? 0 })),
  ];
  const nodeIds = [...new Set(variants.flatMap((v) => v.result.nodes.map((n) => n.id)))].sort(
    (a, b) => a - b,
  );
  for (const id of nodeIds) {
    for (const [label, key] of [
      ['file', 'FilePages'],
      ['anon', 'AnonPages'],
    ] as const) {
      metrics.push({
        metric: `node ${id} ${label} MiB`,
        of: (r) => {
          const node = r.nodes.find((n) => n.id === id);
          return node === undefined ? null : (node.meminfo[key] ?? 0) / 1024;
        },
      });
    }
  }
  return metrics
    .map(({ metric, of }) => {
      const values = variants.map((v) => of(v.result));
      const first = values[0];
      const ratios = values.map((x) => (x === null || first === null || first === 0 ? null : x / first));
      return { metric, values, ratios };
    })
    .filter((row, i) => i === 0 || row.values.some((v) => v !== null && v !== 0));
}

function ratioText(ratio: number | null, value: number | null): string {
  if (ratio === null) return value === null || value === 0 ? '' : ' (—)';
  return ` (${ratio.toFixed(2)}×)`;
}

export function comparisonCells(
  variants: readonly ComparedVariant[],
  rows: readonly ComparisonRow[],
): { header: string[]; rows: string[][] } {
  // A partial variant's counters cover fewer simulated seconds: marked, and said below the table.
  const header = ['', ...variants.map((v) => (v.result.completed ? v.name : `${v.name} *`))];
  const body = rows.map((row) => [
    row.metric,
    ...row.values.map((x, i) => {
      if (x === null) return '-';
      const shown = /MiB$|MB\/s$/.test(row.metric) ? x.toFixed(1) : formatCount(Math.round(x));
      return i === 0 ? shown : shown + ratioText(row.ratios[i], x);
    }),
  ]);
  return { header, rows: body };
}

export function comparisonTable(
  variants: readonly ComparedVariant[],
  rows: readonly ComparisonRow[],
): string {
  const cells = comparisonCells(variants, rows);
  const notes = variants.flatMap((v) => {
    const note = partialNote(v.result);
    return note === undefined ? [] : [`* ${v.name}: ${note}`];
  });
  return [renderTable(cells.header, cells.rows), ...notes].join('\n');
}

export function comparisonCsv(variants: readonly ComparedVariant[], rows: readonly ComparisonRow[]): string {
  const header = [
    'metric',
    ...variants.flatMap((v, i) => (i === 0 ? [v.name] : [v.name, `${v.name}/${variants[0].name}`])),
  ];
  const lines = [header.map(csvField).join(',')];
  for (const row of rows) {
    const cells = row.values.flatMap((x, i) => {
      const value = x === null ? '' : String(Math.round(x * 10) / 10);
      const ratio = row.ratios[i];
      return i === 0 ? [value] : [value, ratio === null ? '' : ratio.toFixed(4)];
    });
    lines.push([row.metric, ...cells].map(csvField).join(','));
  }
  return lines.join('\n') + '\n';
}
