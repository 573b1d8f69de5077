/**
 * The charts of the HTML report, as Vega-Lite specs built from RunResults and summary rows (no
 * rendering here: svg.ts turns a spec into SVG). Per run: memory per node over time, stacked
 * by LRU list (anon/file × active/inactive, free on top); demotion and promotion rates, and
 * reclaim and fault rates, one small chart per counter with a line per node in the node's
 * colour; the score. Per sweep: the score and the chosen counters against each swept key (mean
 * over seeds, min–max bar, from 0), one line per setting of the other keys. Per comparison:
 * horizontal bars per variant. Every axis says its unit; scale.ts keeps spikes and all-zero
 * series from making a chart say nothing.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { RunResult } from '../metrics/result.js';
import { chooseScale, counterUnit, noEventsSpec, SI_AXIS, textLine, WHOLE_LEGEND } from './scale.js';

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
  title: string | { text: string; subtitle: string },
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
    y: { field: 'mib', type: 'quantitative', stack: 'zero', axis: { ...SI_AXIS }, title: 'MiB' },
    color: {
      field: 'list',
      type: 'nominal',
      title: 'LRU list',
      legend: { ...WHOLE_LEGEND },
      scale: {
        domain: OCCUPANCY_LAYERS.map((l) => l.label),
        range: OCCUPANCY_LAYERS.map((l) => l.color),
      },
    },
    order: { field: 'order', type: 'quantitative' },
  });
}

/**
 * Node colours, the same node in the same colour in every chart of a report (Tableau 10: apart
 * for the common colour deficiencies, and ten nodes before a colour repeats).
 */
export const NODE_COLORS = [
  '#4e79a7',
  '#e15759',
  '#59a14f',
  '#f28e2b',
  '#b07aa1',
  '#76b7b2',
  '#edc948',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
] as const;

/** "node 0 (dram)"; with `demotes`: "node 0 (dram) → 2" (its preferred demotion targets). */
function nodeName(result: RunResult, id: number, demotes = false): string {
  const node = result.nodes.find((n) => n.id === id);
  const base = `node ${id} (${node?.device ?? '?'})`;
  const targets = node?.demotion_targets;
  if (!demotes || targets === undefined || targets.length === 0) return base;
  return `${base} → ${targets.join(',')}`;
}

/**
 * The colour encoding of the nodes drawn (each chart its own legend, of the nodes it draws);
 * a node's colour is fixed by its id, so it is the same in every chart.
 */
function nodeColor(result: RunResult, ids: readonly number[], demotes: boolean): Record<string, unknown> {
  return {
    field: 'node',
    type: 'nominal',
    title: demotes ? 'node → demotion target' : 'node',
    scale: {
      domain: ids.map((id) => nodeName(result, id, demotes)),
      range: ids.map((id) => NODE_COLORS[id % NODE_COLORS.length]),
    },
    legend: { ...WHOLE_LEGEND },
  };
}

/** Which node a counter is counted on, as a line under its chart. */
const COUNTED_ON: Record<string, string> = {
  pgdemote_kswapd: 'counted on the node pages leave',
  pgdemote_direct: 'counted on the node pages leave',
  pgpromote_success: 'counted on the node pages arrive at',
  pgsteal_kswapd: 'counted on the node reclaimed',
  pgsteal_direct: 'counted on the node reclaimed',
};

/**
 * Rates (events per simulated second) of the given counters, per node: one small chart per
 * counter, one line per node in the node's colour (so one sees which node demotes and which
 * receives promotions). A counter that stayed 0 on every node is named in a "no events" line
 * instead of drawing a flat chart; a chart whose spike would flatten the rest is on a symlog
 * scale with a note (scale.ts). undefined when the series has none of the counters.
 */
export function ratesSpec(
  result: RunResult,
  counters: readonly string[],
  title: string,
): TopLevelSpec | undefined {
  const s = result.series;
  const present = counters.filter((c) => s.nodes.some((n) => n.counters[c] !== undefined));
  if (present.length === 0 || s.time_ns.length === 0) return undefined;
  const intervalS = s.interval_ns / 1e9;
  const charts: object[] = [];
  const silent: string[] = [];
  for (const c of present) {
    // Demotion lines name where the node demotes to.
    const demotes = result.demotion_enabled && c.startsWith('pgdemote_');
    const values: { t: number; node: string; rate: number }[] = [];
    const drawn: number[] = [];
    let total = 0;
    for (const node of s.nodes) {
      const xs = node.counters[c];
      if (xs === undefined) continue;
      const rates: { t: number; node: string; rate: number }[] = [];
      let nodeTotal = 0;
      for (const b of buckets(s.time_ns.length)) {
        let sum = 0;
        for (let i = b.from; i < b.to; i++) sum += xs[i] ?? 0;
        nodeTotal += sum;
        rates.push({
          t: seconds(s.time_ns[b.to - 1]),
          node: nodeName(result, node.id, demotes),
          rate: Math.round(sum / ((b.to - b.from) * intervalS)),
        });
      }
      // A node with no events of this counter adds a flat line at 0 and a legend entry.
      if (nodeTotal > 0) {
        values.push(...rates);
        drawn.push(node.id);
      }
      total += nodeTotal;
    }
    if (total === 0) {
      silent.push(c);
      continue;
    }
    const unit = `${counterUnit(c)}/s`;
    const { scale, note, ticks } = chooseScale(
      values.map((v) => v.rate),
      unit,
    );
    const subtitle = [COUNTED_ON[c], note].filter((x): x is string => x !== undefined);
    charts.push({
      title: { text: c, ...(subtitle.length > 0 ? { subtitle } : {}), anchor: 'start', fontSize: 12 },
      width: WIDTH * 2,
      height: HEIGHT,
      data: { values },
      mark: { type: 'line', interpolate: 'step-after' },
      encoding: {
        x: { field: 't', type: 'quantitative', title: 'simulated time (s)' },
        y: {
          field: 'rate',
          type: 'quantitative',
          scale,
          axis: { ...SI_AXIS, ...(ticks === undefined ? {} : { values: ticks }) },
          // Short: a vertical title longer than the chart pushes it down the page.
          title: unit,
        },
        color: nodeColor(result, drawn, demotes),
      },
    });
  }
  if (charts.length === 0)
    return noEventsSpec(title, `${silent.join(', ')} stayed 0 on every node`, WIDTH * 2);
  if (silent.length > 0)
    charts.push(textLine(`no events: ${silent.join(', ')} (0 on every node)`, WIDTH * 2));
  return {
    title: { text: title, anchor: 'start' },
    vconcat: charts,
    spacing: 24,
    resolve: { scale: { color: 'independent' } },
  } as TopLevelSpec;
}

export function scoreSpec(result: RunResult, title = 'Score over time'): TopLevelSpec {
  const s = result.series;
  const values = buckets(s.time_ns.length).map((b) => {
    let sum = 0;
    for (let i = b.from; i < b.to; i++) sum += s.score[i] ?? 0;
    return { t: seconds(s.time_ns[b.to - 1]), score: Math.round(sum / (b.to - b.from)) };
  });
  if (values.every((v) => v.score === 0)) {
    return noEventsSpec(title, 'no operation completed in any sample', WIDTH * 2);
  }
  return {
    title: { text: title, anchor: 'start' },
    width: WIDTH * 2,
    height: HEIGHT,
    data: { values },
    mark: { type: 'line', interpolate: 'step-after', color: '#117a65' },
    encoding: {
      x: { field: 't', type: 'quantitative', title: 'simulated time (s)' },
      y: {
        field: 'score',
        type: 'quantitative',
        scale: { zero: true },
        axis: { ...SI_AXIS },
        title: 'operations/s',
      },
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
  // A node with no traffic would get a facet with a one-tick axis: named in the subtitle instead.
  const idle: string[] = [];
  for (const node of s.nodes) {
    const name = `node ${node.id} (${result.nodes.find((n) => n.id === node.id)?.device ?? ''})`;
    const nodeValues: typeof values = [];
    let moved = 0;
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
        nodeValues.push({
          t: seconds(s.time_ns[b.to - 1]),
          node: name,
          direction,
          mbs: Math.round((sum / ((b.to - b.from) * intervalS) / 1e6) * 10) / 10,
        });
      }
    }
    if (moved > 0) values.push(...nodeValues);
    else idle.push(name);
  }
  if (values.length === 0) return undefined;
  const heading = idle.length === 0 ? title : { text: title, subtitle: `no traffic on ${idle.join(', ')}` };
  return nodeFacets(heading, values, 'line', {
    y: { field: 'mbs', type: 'quantitative', axis: { ...SI_AXIS }, title: 'MB/s' },
    color: { field: 'direction', type: 'nominal', title: 'traffic', legend: { ...WHOLE_LEGEND } },
  });
}

/** Every chart of one run, in report order (prefix: a variant's name). */
export function runSpecs(result: RunResult, prefix = ''): TopLevelSpec[] {
  const p = prefix === '' ? '' : `${prefix}: `;
  const specs: (TopLevelSpec | undefined)[] = [
    occupancySpec(result, `${p}memory per node over time (stacked by LRU list)`),
    ratesSpec(result, MIGRATION_RATES, `${p}demotion and promotion rates per node (per simulated second)`),
    ratesSpec(result, RECLAIM_RATES, `${p}reclaim and major-fault rates per node (per simulated second)`),
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
  if (values.length > 0 && values.every((v) => v.max === 0)) {
    return noEventsSpec(`${metric} vs ${axis.x}`, `${metric} is 0 at every point`, WIDTH);
  }
  const unit = counterUnit(metric);
  return {
    title: {
      text: `${metric} vs ${axis.x}`,
      // Short: Vega sizes the SVG by an estimate of text widths that runs wide.
      subtitle:
        metric === 'score'
          ? 'mean over seeds · rule: min–max'
          : 'over the run · mean over seeds · rule: min–max',
      anchor: 'start',
    },
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
              // Below the chart: two charts side by side fit a 1400 px page.
              legend: { ...WHOLE_LEGEND, orient: 'bottom', direction: 'vertical' },
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
            // From 0: a score 2 % better must not look twice as high.
            scale: { zero: true },
            axis: { ...SI_AXIS },
            // The unit only: a vertical title longer than the chart pushes it down the page.
            title: metric === 'score' ? 'operations/s' : unit,
          },
        },
      },
      { mark: 'rule', encoding: { y: { field: 'min', type: 'quantitative' }, y2: { field: 'max' } } },
    ],
  };
}

/**
 * Bars of one metric per variant, horizontal: the variant names sit one per row at the left,
 * never on top of each other however long they are.
 */
export function variantBarsSpec(
  names: readonly string[],
  metric: string,
  values: readonly number[],
): TopLevelSpec {
  if (values.every((v) => v === 0)) return noEventsSpec(metric, `${metric} is 0 in every variant`, WIDTH);
  return {
    title: metric,
    width: WIDTH,
    height: { step: 22 },
    data: { values: names.map((name, i) => ({ variant: name, value: values[i] })) },
    mark: 'bar',
    encoding: {
      y: {
        field: 'variant',
        type: 'nominal',
        sort: [...names],
        title: null,
        axis: { labelLimit: 1000 },
      },
      x: {
        field: 'value',
        type: 'quantitative',
        scale: { zero: true },
        axis: { ...SI_AXIS },
        title: /per simulated second$/.test(counterUnit(metric))
          ? counterUnit(metric)
          : `${counterUnit(metric)} over the run`,
      },
      color: { field: 'variant', type: 'nominal', sort: [...names], legend: null },
    },
  };
}
