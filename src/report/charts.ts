/**
 * The charts of the HTML report, as Vega-Lite specs built from RunResults and summary rows (no
 * rendering here: svg.ts turns a spec into SVG). Per run: memory per node over time, stacked
 * by LRU list (anon/file × active/inactive, free on top); demotion and promotion rates; reclaim
 * and fault rates; the score. Per sweep: the score and the chosen counters against each swept
 * key (mean over seeds, min–max bar), one line per setting of the other keys. Per comparison:
 * bars per variant.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { RunResult } from '../metrics/result.js';

/** Samples kept per series in a chart (series of up to 2000 samples are bucketed). */
const POINTS_MAX = 300;
const WIDTH = 360;
const HEIGHT = 160;

export const OCCUPANCY_LAYERS = [
  { counter: 'nr_active_anon', label: 'active anon', color: '#c0392b' },
  { counter: 'nr_inactive_anon', label: 'inactive anon', color: '#f1948a' },
  { counter: 'nr_active_file', label: 'active file', color: '#1f618d' },
  { counter: 'nr_inactive_file', label: 'inactive file', color: '#85c1e9' },
  { counter: 'nr_free_pages', label: 'free', color: '#e5e7e9' },
] as const;

/** Event series drawn as rates; promotion appears once the series has it. */
export const MIGRATION_RATES = ['pgdemote_kswapd', 'pgdemote_direct', 'pgpromote_success'] as const;
export const RECLAIM_RATES = [
  'pgsteal_kswapd',
  'pgsteal_direct',
  'pgmajfault',
  'workingset_refault_file',
] as const;

interface Bucket {
  /** Sample indices [from, to). */
  from: number;
  to: number;
}

/** At most POINTS_MAX buckets of consecutive samples. */
function buckets(samples: number): Bucket[] {
  const per = Math.max(1, Math.ceil(samples / POINTS_MAX));
  const out: Bucket[] = [];
  for (let from = 0; from < samples; from += per) out.push({ from, to: Math.min(samples, from + per) });
  return out;
}

/**
 * KiB per page, from the identity managed = free + the four LRU lists at a sample (the result
 * has MemTotal in kB but not the page size), rounded to a power of two.
 */
export function pageKiB(result: RunResult): number {
  const s = result.series;
  const last = s.time_ns.length - 1;
  for (const node of s.nodes) {
    const total = result.nodes.find((n) => n.id === node.id)?.meminfo['MemTotal'] ?? 0;
    const pages = OCCUPANCY_LAYERS.reduce((n, l) => n + (node.counters[l.counter]?.[last] ?? 0), 0);
    if (last >= 0 && total > 0 && pages > 0) return 2 ** Math.round(Math.log2(total / pages));
  }
  return 4;
}

/** Simulated seconds, to the microsecond (epochs may be shorter than a millisecond). */
function seconds(ns: number): number {
  return Math.round(ns / 1e3) / 1e6;
}

/** One small chart per node over simulated time, each on its own y scale. */
function nodeFacets(
  title: string,
  values: object[],
  mark: 'area' | 'line',
  encoding: Record<string, unknown>,
): TopLevelSpec {
  return {
    title,
    data: { values },
    facet: { field: 'node', type: 'nominal', title: null },
    columns: 2,
    spec: {
      width: WIDTH,
      height: HEIGHT,
      mark: { type: mark, interpolate: 'step-after' },
      encoding: { x: { field: 't', type: 'quantitative', title: 'simulated time (s)' }, ...encoding },
    },
    resolve: { scale: { y: 'independent' } },
  };
}

export function occupancySpec(result: RunResult, title = 'Memory per node over time'): TopLevelSpec {
  const s = result.series;
  const mibPerPage = pageKiB(result) / 1024;
  const values: { t: number; node: string; list: string; order: number; mib: number }[] = [];
  for (const node of s.nodes) {
    const device = result.nodes.find((n) => n.id === node.id)?.device ?? '';
    for (const b of buckets(s.time_ns.length)) {
      const i = b.to - 1;
      OCCUPANCY_LAYERS.forEach((l, order) => {
        values.push({
          t: seconds(s.time_ns[i]),
          node: `node ${node.id} (${device})`,
          list: l.label,
          order,
          mib: Math.round((node.counters[l.counter]?.[i] ?? 0) * mibPerPage * 10) / 10,
        });
      });
    }
  }
  return nodeFacets(title, values, 'area', {
    y: { field: 'mib', type: 'quantitative', stack: 'zero', title: 'MiB' },
    color: {
      field: 'list',
      type: 'nominal',
      title: 'LRU list',
      scale: {
        domain: OCCUPANCY_LAYERS.map((l) => l.label),
        range: OCCUPANCY_LAYERS.map((l) => l.color),
      },
    },
    order: { field: 'order', type: 'quantitative' },
  });
}

/** Machine-wide rates (events per simulated second) of the given counters present in the series. */
export function ratesSpec(
  result: RunResult,
  counters: readonly string[],
  title: string,
): TopLevelSpec | undefined {
  const s = result.series;
  const present = counters.filter((c) => s.nodes.some((n) => n.counters[c] !== undefined));
  if (present.length === 0 || s.time_ns.length === 0) return undefined;
  const intervalS = s.interval_ns / 1e9;
  const values: { t: number; counter: string; rate: number }[] = [];
  for (const b of buckets(s.time_ns.length)) {
    for (const c of present) {
      let sum = 0;
      for (const node of s.nodes) {
        const xs = node.counters[c];
        if (xs === undefined) continue;
        for (let i = b.from; i < b.to; i++) sum += xs[i] ?? 0;
      }
      values.push({
        t: seconds(s.time_ns[b.to - 1]),
        counter: c,
        rate: Math.round(sum / ((b.to - b.from) * intervalS)),
      });
    }
  }
  return {
    title,
    width: WIDTH * 2,
    height: HEIGHT,
    data: { values },
    mark: { type: 'line', interpolate: 'step-after' },
    encoding: {
      x: { field: 't', type: 'quantitative', title: 'simulated time (s)' },
      y: { field: 'rate', type: 'quantitative', title: 'pages per simulated second' },
      color: { field: 'counter', type: 'nominal', title: 'counter', sort: present },
    },
  };
}

export function scoreSpec(result: RunResult, title = 'Score over time'): TopLevelSpec {
  const s = result.series;
  const values = buckets(s.time_ns.length).map((b) => {
    let sum = 0;
    for (let i = b.from; i < b.to; i++) sum += s.score[i] ?? 0;
    return { t: seconds(s.time_ns[b.to - 1]), score: Math.round(sum / (b.to - b.from)) };
  });
  return {
    title,
    width: WIDTH * 2,
    height: HEIGHT,
    data: { values },
    mark: { type: 'line', interpolate: 'step-after', color: '#117a65' },
    encoding: {
      x: { field: 't', type: 'quantitative', title: 'simulated time (s)' },
      y: { field: 'score', type: 'quantitative', title: 'operations per simulated second' },
    },
  };
}

/**
 * Memory traffic per node (MB/s of reads and writes, src/kernel/bandwidth.ts), one small chart
 * per node so each tier's load is seen on its own scale; absent when nothing moved.
 */
export function bandwidthSpec(
  result: RunResult,
  title = 'Memory bandwidth per node',
): TopLevelSpec | undefined {
  const s = result.series;
  const intervalS = s.interval_ns / 1e9;
  const values: { t: number; node: string; direction: string; mbs: number }[] = [];
  let moved = 0;
  for (const node of s.nodes) {
    const device = result.nodes.find((n) => n.id === node.id)?.device ?? '';
    for (const [direction, counter] of [
      ['read', 'tiersim_mem_read_bytes'],
      ['write', 'tiersim_mem_write_bytes'],
    ] as const) {
      const xs = node.counters[counter];
      if (xs === undefined) continue;
      for (const b of buckets(s.time_ns.length)) {
        let sum = 0;
        for (let i = b.from; i < b.to; i++) sum += xs[i] ?? 0;
        moved += sum;
        values.push({
          t: seconds(s.time_ns[b.to - 1]),
          node: `node ${node.id} (${device})`,
          direction,
          mbs: Math.round((sum / ((b.to - b.from) * intervalS) / 1e6) * 10) / 10,
        });
      }
    }
  }
  if (moved === 0) return undefined;
  return nodeFacets(title, values, 'line', {
    y: { field: 'mbs', type: 'quantitative', title: 'MB per simulated second' },
    color: { field: 'direction', type: 'nominal', title: 'traffic' },
  });
}

/** Every chart of one run, in report order (prefix: a variant's name). */
export function runSpecs(result: RunResult, prefix = ''): TopLevelSpec[] {
  const p = prefix === '' ? '' : `${prefix}: `;
  const specs: (TopLevelSpec | undefined)[] = [
    occupancySpec(result, `${p}memory per node over time (stacked by LRU list)`),
    ratesSpec(result, MIGRATION_RATES, `${p}demotion and promotion rates`),
    ratesSpec(result, RECLAIM_RATES, `${p}reclaim and major-fault rates`),
    scoreSpec(result, `${p}score over time`),
    bandwidthSpec(result, `${p}memory bandwidth per node (reads and writes)`),
  ];
  return specs.filter((s): s is TopLevelSpec => s !== undefined);
}

// ---------------------------------------------------------------------------------------------
// Sweeps and comparisons
// ---------------------------------------------------------------------------------------------

export interface SweepChartPoint {
  /** The x value: the swept setting (for a zip, its values joined). */
  x: string;
  /** The line it belongs to: the setting of the other loops ('' when there are none). */
  series: string;
  /** metric → stats over the point's seeds. */
  metrics: Record<string, { mean: number; min: number; max: number } | undefined>;
}

/**
 * `metric` against one loop of the sweep: mean over seeds with a min–max rule, one line per
 * setting of the other loops. `order` is the x order (the sweep's).
 */
export function sweepSpec(
  points: readonly SweepChartPoint[],
  axis: { x: string; series: string },
  order: readonly string[],
  metric: string,
): TopLevelSpec {
  const values = points.flatMap((p) => {
    const m = p.metrics[metric];
    return m === undefined ? [] : [{ x: p.x, series: p.series, mean: m.mean, min: m.min, max: m.max }];
  });
  const lines = axis.series !== '';
  return {
    title: `${metric} vs ${axis.x}`,
    width: WIDTH,
    height: HEIGHT,
    data: { values },
    encoding: {
      x: {
        field: 'x',
        type: 'ordinal',
        sort: [...order],
        title: axis.x,
        axis: { labelAngle: 0, labelLimit: 200 },
      },
      ...(lines
        ? {
            color: {
              field: 'series',
              type: 'nominal' as const,
              title: axis.series,
              // Lines in sweep order, not alphabetical.
              sort: [...new Set(points.map((p) => p.series))],
              legend: { labelLimit: 400, titleLimit: 400 },
            },
          }
        : {}),
    },
    layer: [
      {
        mark: { type: 'line', point: true },
        encoding: {
          y: {
            field: 'mean',
            type: 'quantitative',
            scale: { zero: false },
            // Axis labels with SI prefixes ("114k", "1.2M"; a constant 0 reads "0", not
            // "0.000000"); the marks' descriptions keep the exact values.
            axis: { labelExpr: "format(datum.value, '~s')" },
            title: `${metric} (mean over seeds)`,
          },
        },
      },
      { mark: 'rule', encoding: { y: { field: 'min', type: 'quantitative' }, y2: { field: 'max' } } },
    ],
  };
}

/** Bars of one metric per variant. */
export function variantBarsSpec(
  names: readonly string[],
  metric: string,
  values: readonly number[],
): TopLevelSpec {
  return {
    title: metric,
    width: Math.max(120, 60 * names.length),
    height: HEIGHT,
    data: { values: names.map((name, i) => ({ variant: name, value: values[i] })) },
    mark: 'bar',
    encoding: {
      x: { field: 'variant', type: 'nominal', sort: [...names], title: null, axis: { labelAngle: 0 } },
      y: { field: 'value', type: 'quantitative', title: metric },
      color: { field: 'variant', type: 'nominal', sort: [...names], legend: null },
    },
  };
}
