/**
 * Goal: the HTML report renders: one self-contained file whose charts are SVG made by Vega-Lite
 * in Node, containing the expected series with the run's own values: per-node occupancy stacked
 * by LRU list (anon/file x active/inactive, free), demotion rates (promotion once the series
 * has it), the score; for a sweep, the score and chosen counters against each loop, one line
 * per setting of the other loop, at the seed means of summary.json.
 * Method: render a SMALL_515 run; build a 8-point sweep directory with `--index` (in this
 * thread) and run `tiersim report` on it; read the data back from the SVG marks' aria labels.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/metrics/result.js';
import { pageKiB } from '../../src/report/charts.js';
import { runReportHtml } from '../../src/report/html.js';
import { MAIN_COUNTERS, type SummaryRow } from '../../src/sweep/tables.js';
import { SMALL_515 } from '../helpers/configs.js';
import { runText } from '../helpers/run.js';
import { smallWith, tempDir, tiersim, writeConfig } from '../sweep/helpers.js';

/** The aria labels of the SVG marks (Vega writes each datum's fields there). */
function labels(html: string): string[] {
  return [...html.matchAll(/aria-label="([^"]*)"/g)].map((m) => m[1]);
}

function svgs(html: string): string[] {
  return [...html.matchAll(/<svg[\s\S]*?<\/svg>/g)].map((m) => m[0]);
}

let result: RunResult;
let html: string;

beforeAll(async () => {
  result = (await runText(SMALL_515)).result;
  html = await runReportHtml(result, MAIN_COUNTERS);
});

describe('run report', () => {
  it('is one self-contained HTML file of inline SVG charts', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).not.toMatch(/<script|<link|<img|src=|href=/);
    const charts = svgs(html);
    // Occupancy, migration rates, reclaim rates, score, memory bandwidth per node.
    expect(charts).toHaveLength(5);
    expect(html).toContain('memory bandwidth per node');
    for (const svg of charts) expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(html).toContain(`seed ${result.seed}`);
  });

  it('stacks each node’s memory by LRU list, with the run’s values', () => {
    const occupancy = svgs(html)[0];
    const areas = labels(occupancy).filter((l) => l.includes('LRU list: '));
    const lists = areas.map((l) => /LRU list: ([a-z ]+);/.exec(l)?.[1]);
    const expected = ['active anon', 'inactive anon', 'active file', 'inactive file', 'free'];
    // One area per list per node, each labelled with its first sample.
    expect(lists).toEqual(result.nodes.flatMap(() => expected));
    expect(pageKiB(result)).toBe(4);
    const s = result.series;
    const first = (node: number, counter: string) =>
      Math.round(((s.nodes[node].counters[counter][0] * 4) / 1024) * 10) / 10;
    expect(areas[1]).toBe(
      `simulated time (s): ${s.time_ns[0] / 1e9}; MiB: ${first(0, 'nr_inactive_anon')}; LRU list: inactive anon; order: 1`,
    );
    for (const label of expected) expect(occupancy).toContain(`>${label}</text>`);
    expect(occupancy).toContain('>node 2 (pmem)</text>');
  });

  it('draws demotion per node, as a rate per simulated second, naming each node’s target', () => {
    const rates = svgs(html)[1];
    const s = result.series;
    const interval = s.interval_ns / 1e9;
    // One point per sample here (no bucketing).
    expect(s.time_ns.length).toBeLessThanOrEqual(300);
    // 5.15 gives each target to one source only: node 0 demotes to PMEM node 2, node 1 nowhere.
    expect(result.nodes.map((n) => n.demotion_targets)).toEqual([[2], [], []]);
    // Only node 0 demoted: one line, in the legend with its target.
    const totals = s.nodes.map((n) => n.counters['pgdemote_kswapd'].reduce((x, y) => x + y, 0));
    expect(totals[0]).toBeGreaterThan(0);
    expect(totals.slice(1)).toEqual([0, 0]);
    const chart = rates.slice(0, rates.indexOf("Title text 'pgdemote_kswapd'"));
    expect(labels(chart)).toContain(
      "Symbol legend titled 'node → demotion target' for stroke color with 1 value: node 0 (dram) → 2",
    );
    // The line's first point is the first sample's rate; the y scale ends at the largest
    // rate, rounded up to a nice number.
    const xs = s.nodes[0].counters['pgdemote_kswapd'];
    expect(labels(chart)).toContain(
      `simulated time (s): ${s.time_ns[0] / 1e9}; pages/s: ${Math.round(xs[0] / interval)}; node → demotion target: node 0 (dram) → 2`,
    );
    const max = Math.max(...xs) / interval;
    const axis = labels(chart).find((l) => l.startsWith("Y-axis titled 'pages/s'"));
    const top = Number(/to ([\d,]+)$/.exec(axis ?? '')?.[1].replace(/,/g, ''));
    expect(top).toBeGreaterThanOrEqual(max);
    expect(top).toBeLessThan(2 * max);
    expect(rates).toContain('>pgdemote_kswapd</text>');
    expect(rates).toContain('counted on the node pages leave');
  });

  it('draws promotion in its own chart once the series has it, per receiving node', async () => {
    const withPromotion: RunResult = structuredClone(result);
    for (const n of withPromotion.series.nodes)
      n.counters['pgpromote_success'] = n.counters['pgdemote_kswapd'].map((x) => (n.id === 0 ? x * 2 : 0));
    const promoted = svgs(await runReportHtml(withPromotion, MAIN_COUNTERS))[1];
    expect(promoted).toContain('>pgpromote_success</text>');
    expect(promoted).toContain('counted on the node pages arrive at');
    // Promotion lines are named by node only (no demotion target), and only node 0 has one.
    expect(labels(promoted).some((l) => l.endsWith('node: node 0 (dram)'))).toBe(true);
    expect(labels(promoted).some((l) => l.endsWith('node: node 1 (dram)'))).toBe(false);
  });

  it('draws the score over time, from 0', () => {
    const score = svgs(html)[3];
    expect(score).toContain('score over time');
    const first = labels(score).find((l) => l.includes('operations/s: '));
    expect(first).toBe(
      `simulated time (s): ${result.series.time_ns[0] / 1e9}; operations/s: ${Math.round(result.series.score[0])}`,
    );
    const axis = labels(score).find((l) => l.startsWith("Y-axis titled 'operations/s'"));
    expect(axis).toMatch(/with values from 0 to /);
  });
});

describe('sweep report', () => {
  const dir = tempDir('report');
  const out = path.join(dir, 'out');

  beforeAll(async () => {
    const file = writeConfig(
      dir,
      'sweep.yaml',
      smallWith(`
sweep:
  grid:
    kernel.demotion_enabled: [true, false]
    kernel.swappiness: [60, 200]
  seeds: [9, 10]
  counters: [pgdemote_kswapd, pswpout]
`),
    );
    for (let i = 0; i < 8; i++) {
      const r = await tiersim('sweep', file, '--out', out, '--index', String(i), '--quiet');
      expect(r.code).toBe(0);
    }
    expect((await tiersim('merge', out, '--quiet')).code).toBe(0);
    const r = await tiersim('report', out);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`wrote ${path.join(out, 'report.html')}\n`);
  });

  it('charts the score and the chosen counters against each loop, at the seed means', () => {
    const report = readFileSync(path.join(out, 'report.html'), 'utf8');
    const charts = svgs(report);
    // (score + 2 counters) x 2 loops.
    expect(charts).toHaveLength(6);
    const titles = charts.map((svg) => /<text[^>]*>([^<]+ vs [^<]+)<\/text>/.exec(svg)?.[1]);
    expect(titles).toEqual([
      'score vs kernel.demotion_enabled',
      'pgdemote_kswapd vs kernel.demotion_enabled',
      'pswpout vs kernel.demotion_enabled',
      'score vs kernel.swappiness',
      'pgdemote_kswapd vs kernel.swappiness',
      'pswpout vs kernel.swappiness',
    ]);
    const summary = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8')) as {
      rows: SummaryRow[];
    };
    const mean = (demotion: boolean, swappiness: number) => {
      const rows = summary.rows.filter(
        (r) =>
          r.values['kernel.demotion_enabled'] === demotion && r.values['kernel.swappiness'] === swappiness,
      );
      expect(rows).toHaveLength(2);
      return rows.reduce((a, r) => a + (r.score ?? 0), 0) / 2;
    };
    const points = labels(charts[3]).filter((l) => l.startsWith('kernel.swappiness: '));
    const expected = [true, false].flatMap((d) =>
      [60, 200].map(
        (sw) =>
          `kernel.swappiness: ${sw}; operations/s: ${+mean(d, sw).toFixed(6)}; kernel.demotion_enabled: ${d}`,
      ),
    );
    for (const e of expected) expect(points).toContain(e);
    expect(charts[3]).toContain('>kernel.demotion_enabled</text>');
    expect(report).toContain('<th>kernel.<wbr>demotion_<wbr>enabled</th>');
  });
});
