/**
 * Goal: the report's charts cannot mislead, checked on the Vega-Lite specs (what is drawn is
 * decided there): demotion, promotion and reclaim rates are per node, in a colour fixed by the
 * node id, with each demoting node's target named; a spike past SPIKE_RATIO times the median
 * puts the chart on a symlog scale with a note saying so (and not at or below the ratio); a
 * series that never moved says "no events" instead of drawing a one-tick axis; sweep and
 * variant charts start at 0 and say their units; the variant bars are horizontal (names never
 * overlap); partial runs, comparisons and sweeps say so at the top of the page.
 * Method: small hand-made RunResults whose rates are known (interval 1 ms: a sample of x
 * pages is 1000·x pages/s).
 */
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/metrics/result.js';
import {
  NODE_COLORS,
  ratesSpec,
  scoreSpec,
  sweepSpec,
  variantBarsSpec,
  MIGRATION_RATES,
} from '../../src/report/charts.js';
import { comparisonReportHtml, runReportHtml, sweepReportHtml } from '../../src/report/html.js';
import { chooseScale, SPIKE_RATIO, symlogTicks } from '../../src/report/scale.js';

/** A spec read as nested records (the tests look at what Vega-Lite will be given). */
interface Spec {
  [key: string | number]: Spec;
}

/** A run of `samples` 1 ms samples on nodes given as {device, targets, counter: samples}. */
function fakeRun(
  nodes: { device: string; targets: number[]; counters: Record<string, number[]> }[],
  extra: Partial<RunResult> = {},
): RunResult {
  const samples = Object.values(nodes[0].counters)[0]?.length ?? 4;
  return {
    version: '0.1.0',
    seed: 1,
    config_hash: 'abcdef0123456789',
    config_file: 'x.yaml',
    description: undefined,
    kernel_version: '6.1',
    demotion_enabled: true,
    completed: true,
    epochs_run: samples,
    epochs_planned: samples,
    stopped_by: null,
    score: 100,
    vmstat: {},
    nodes: nodes.map((n, id) => ({
      id,
      device: n.device,
      tier: 0,
      cpus: [],
      demotion_targets: n.targets,
      vmstat: {},
      meminfo: { MemTotal: 4096 },
      numastat: {},
    })),
    series: {
      interval_ns: 1e6,
      time_ns: Array.from({ length: samples }, (_, i) => (i + 1) * 1e6),
      score: Array.from({ length: samples }, () => 100),
      nodes: nodes.map((n, id) => ({ id, counters: n.counters })),
    },
    ...extra,
  } as RunResult;
}

const zeros = (n: number) => Array.from({ length: n }, () => 0);

describe('rate charts', () => {
  const run = fakeRun([
    {
      device: 'dram',
      targets: [2],
      counters: { pgdemote_kswapd: [5, 6, 5, 6], pgpromote_success: zeros(4) },
    },
    {
      device: 'dram',
      targets: [3],
      counters: { pgdemote_kswapd: [1, 2, 1, 2], pgpromote_success: zeros(4) },
    },
    { device: 'pmem', targets: [], counters: { pgdemote_kswapd: zeros(4), pgpromote_success: zeros(4) } },
    { device: 'pmem', targets: [], counters: { pgdemote_kswapd: zeros(4), pgpromote_success: zeros(4) } },
  ]);

  it('draws one line per demoting node, coloured by node id, naming its demotion target', () => {
    const spec = ratesSpec(run, MIGRATION_RATES, 'rates') as unknown as Spec;
    const demote = spec.vconcat[0];
    expect(demote.title.text).toBe('pgdemote_kswapd');
    expect(demote.encoding.color.field).toBe('node');
    // Nodes 2 and 3 never demoted: not drawn, not in the legend; colours stay those of ids 0, 1.
    expect(demote.encoding.color.scale).toEqual({
      domain: ['node 0 (dram) → 2', 'node 1 (dram) → 3'],
      range: [NODE_COLORS[0], NODE_COLORS[1]],
    });
    const rates = (node: string) =>
      (demote.data.values as unknown as { node: string; rate: number }[])
        .filter((v) => v.node === node)
        .map((v) => v.rate);
    expect(rates('node 0 (dram) → 2')).toEqual([5000, 6000, 5000, 6000]);
    expect(rates('node 1 (dram) → 3')).toEqual([1000, 2000, 1000, 2000]);
    expect(demote.encoding.y.title).toBe('pages/s');
    expect(demote.encoding.y.scale).toEqual({ zero: true });
    // Promotion never happened: a sentence, no chart.
    expect(spec.vconcat).toHaveLength(2);
    expect(spec.vconcat[1].data.values[0].text).toBe('no events: pgpromote_success (0 on every node)');
  });

  it('a node keeps its colour in every chart (promotion lands on node 2 here)', () => {
    const promo = fakeRun([
      { device: 'dram', targets: [1], counters: { pgpromote_success: zeros(4) } },
      { device: 'dram', targets: [], counters: { pgpromote_success: zeros(4) } },
      { device: 'pmem', targets: [], counters: { pgpromote_success: [3, 3, 3, 3] } },
    ]);
    const chart = (ratesSpec(promo, MIGRATION_RATES, 'rates') as unknown as Spec).vconcat[0];
    expect(chart.encoding.color.scale).toEqual({ domain: ['node 2 (pmem)'], range: [NODE_COLORS[2]] });
    expect(chart.title.subtitle).toEqual(['counted on the node pages arrive at']);
  });

  it('says "no events" for a chart whose every series is 0, instead of a one-tick axis', () => {
    const idle = fakeRun([{ device: 'dram', targets: [], counters: { pgdemote_kswapd: zeros(4) } }]);
    const spec = ratesSpec(idle, MIGRATION_RATES, 'demotion') as unknown as Spec;
    expect(spec.mark.type).toBe('text');
    expect(spec.data.values).toEqual([{ text: 'no events: pgdemote_kswapd stayed 0 on every node' }]);
    expect(spec.encoding.y).toEqual({ value: 12 });
    const noScore = fakeRun([{ device: 'dram', targets: [], counters: { pgdemote_kswapd: zeros(4) } }]);
    noScore.series.score = zeros(4);
    expect((scoreSpec(noScore) as unknown as Spec).data.values[0].text).toBe(
      'no events: no operation completed in any sample',
    );
  });

  it('puts a spike past SPIKE_RATIO x the median on a symlog scale, with a note', () => {
    expect(SPIKE_RATIO).toBe(20);
    // A start-up spike of 3000 pages (3M pages/s) over a steady 100 (100k pages/s).
    const spiky = fakeRun([
      { device: 'dram', targets: [1], counters: { pgdemote_kswapd: [3000, 100, 100, 100, 100] } },
      { device: 'pmem', targets: [], counters: { pgdemote_kswapd: zeros(5) } },
    ]);
    const chart = (ratesSpec(spiky, ['pgdemote_kswapd'], 'rates') as unknown as Spec).vconcat[0];
    // median 100k, max 3M: 30x. symlog constant: a tenth of the median.
    expect(chart.encoding.y.scale).toEqual({ type: 'symlog', constant: 10000, zero: true });
    expect(chart.encoding.y.axis.values).toEqual([0, 10000, 100000, 1000000]);
    expect(chart.title.subtitle).toEqual([
      'counted on the node pages leave',
      'symlog scale: the largest value (3M pages/s) is 30x the median of the non-zero values (100k)',
    ]);
  });

  it('keeps a linear scale at exactly SPIKE_RATIO x the median, symlog just past it', () => {
    expect(chooseScale([0, 10, 10, 200], 'pages/s')).toEqual({ scale: { zero: true }, note: undefined });
    expect(chooseScale([0, 10, 10, 201], 'pages/s').scale).toEqual({
      type: 'symlog',
      constant: 1,
      zero: true,
    });
    // Zeros do not count toward the median (a mostly idle series is not a spike).
    expect(chooseScale([0, 0, 0, 0, 0, 100, 100], 'x').scale).toEqual({ zero: true });
    expect(symlogTicks(1, 999)).toEqual([0, 1, 10, 100]);
  });
});

describe('sweep and variant charts', () => {
  const points = [
    {
      x: 'true',
      series: '',
      metrics: { score: { mean: 112, min: 111, max: 113 }, pgmajfault: { mean: 0, min: 0, max: 0 } },
    },
    {
      x: 'false',
      series: '',
      metrics: { score: { mean: 108, min: 107, max: 109 }, pgmajfault: { mean: 0, min: 0, max: 0 } },
    },
  ];

  it('puts the score on an axis from 0 with its unit', () => {
    const spec = sweepSpec(
      points,
      { x: 'kernel.demotion_enabled', series: '' },
      ['true', 'false'],
      'score',
    ) as unknown as Spec;
    const y = spec.layer[0].encoding.y;
    expect(y.scale).toEqual({ zero: true });
    expect(y.title).toBe('operations/s');
    expect(spec.title.subtitle).toBe('mean over seeds · rule: min–max');
  });

  it('says "no events" for a counter that is 0 at every point', () => {
    const spec = sweepSpec(
      points,
      { x: 'k', series: '' },
      ['true', 'false'],
      'pgmajfault',
    ) as unknown as Spec;
    expect(spec.data.values).toEqual([{ text: 'no events: pgmajfault is 0 at every point' }]);
  });

  it('draws variants as horizontal bars from 0, names on the y axis, whole', () => {
    const spec = variantBarsSpec(
      ['tiering-off', 'a-very-long-variant-name'],
      'pgdemote_kswapd',
      [0, 5],
    ) as unknown as Spec;
    expect(spec.encoding.y.field).toBe('variant');
    expect(spec.encoding.y.axis.labelLimit).toBe(1000);
    expect(spec.encoding.x.scale).toEqual({ zero: true });
    expect(spec.encoding.x.title).toBe('pages over the run');
    expect((variantBarsSpec(['a', 'b'], 'score (ops/s)', [1, 2]) as unknown as Spec).encoding.x.title).toBe(
      'operations per simulated second',
    );
  });
});

describe('partial runs in the HTML', () => {
  const one = () =>
    fakeRun([{ device: 'dram', targets: [], counters: { pgdemote_kswapd: [1, 1, 1, 1] } }], {
      completed: false,
      epochs_run: 4,
      epochs_planned: 3000,
      stopped_by: 'SIGTERM',
    });

  it('a single run: "interrupted by SIGTERM at epoch N of M" above everything', async () => {
    const html = await runReportHtml(one(), []);
    const banner = html.indexOf('<div class="partial">');
    expect(banner).toBeGreaterThan(0);
    expect(banner).toBeLessThan(html.indexOf('<h2>Summary</h2>'));
    expect(html).toContain(
      '<b>Partial run: interrupted by SIGTERM at epoch 4 of 3000. The counters and charts cover 4 of 3000 epochs.</b>',
    );
    expect(html).toContain('· 4 of 3000 epochs ·');
    const whole = await runReportHtml(fakeRun([{ device: 'dram', targets: [], counters: { x: [1] } }]), []);
    expect(whole).not.toContain('class="partial"');
  });

  it('a comparison lists its partial and unrun variants; a sweep says how many points finished', async () => {
    const r = one();
    const html = await comparisonReportHtml({
      title: 't',
      subtitle: 's',
      variants: [{ name: 'base', description: null, result: r }],
      table: { header: ['', 'base *'], rows: [] },
      bars: [],
      partial: ['base: interrupted by SIGTERM at epoch 4 of 3000', 'rate-limit: not run'],
    });
    expect(html).toContain(
      '<li>base: interrupted by SIGTERM at epoch 4 of 3000</li><li>rate-limit: not run</li>',
    );
    const sweep = await sweepReportHtml({
      title: 't',
      subtitle: 's',
      loops: [],
      metrics: [],
      table: { header: [], rows: [] },
      notes: ['point 3 (p3): failed: interrupted by SIGINT at epoch 7 of 40'],
      done: 17,
      planned: 18,
    });
    expect(sweep).toContain('<b>Partial sweep: 17 of 18 points finished;');
    expect(sweep).toContain('<li>point 3 (p3): failed: interrupted by SIGINT at epoch 7 of 40</li>');
  });
});
