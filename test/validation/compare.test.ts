/**
 * The validation's judgement with hand-made numbers: relative tolerance with the absolute slack,
 * the 2× factor, bimodal reps judged by their range, directions with a dead band, and a whole
 * case judged and rendered (README section between markers).
 */
import { describe, expect, it } from 'vitest';
import { direction, isBimodal, judge, kernelDirections, reps } from '../../src/validation/compare.js';
import type { CaseFigures, Figures } from '../../src/validation/import.js';
import {
  README_BEGIN,
  README_END,
  judgeCase,
  markdownReport,
  validationReport,
  withReadmeSection,
} from '../../src/validation/report.js';
import { floorFor } from '../../src/validation/spec.js';

describe('judge', () => {
  const k = reps([100_000, 102_000])!;
  it('relative tolerance around the mean of the reps', () => {
    expect(k.mean).toBe(101_000);
    expect(judge(116_150, k, { kind: 'rel', tol: 0.15 }, 100).ok).toBe(true); // +15.0 %
    expect(judge(116_200, k, { kind: 'rel', tol: 0.15 }, 100).ok).toBe(false); // +15.05 %
    expect(judge(85_850, k, { kind: 'rel', tol: 0.15 }, 100).ok).toBe(true);
    expect(judge(85_800, k, { kind: 'rel', tol: 0.15 }, 100).ok).toBe(false);
    expect(judge(111_100, k, { kind: 'rel', tol: 0.15 }, 100).deviation).toBeCloseTo(0.1, 10);
  });
  it('a kernel zero is judged by the slack only', () => {
    const zero = reps([0, 0])!;
    expect(judge(1638, zero, { kind: 'rel', tol: 0.15 }, 1638.4).ok).toBe(true);
    expect(judge(1639, zero, { kind: 'rel', tol: 0.15 }, 1638.4).ok).toBe(false);
    expect(judge(5, zero, { kind: 'rel', tol: 0.15 }, 1638.4).deviation).toBeUndefined();
  });
  it('a factor: within 2× either way', () => {
    const h = reps([131_624])!;
    expect(judge(263_248, h, { kind: 'factor', factor: 2 }, 10).ok).toBe(true);
    expect(judge(263_300, h, { kind: 'factor', factor: 2 }, 10).ok).toBe(false);
    expect(judge(65_812, h, { kind: 'factor', factor: 2 }, 10).ok).toBe(true);
    expect(judge(65_700, h, { kind: 'factor', factor: 2 }, 10).ok).toBe(false);
  });
  it('bimodal reps (max > 2 × min): tiersim must lie within min × (1 − tol) … max × (1 + tol)', () => {
    const b = reps([1268, 43_924, 1418])!;
    expect(isBimodal(b, 100)).toBe(true);
    expect(judge(20_000, b, { kind: 'rel', tol: 0.15 }, 100)).toMatchObject({ ok: true, rule: 'in range' });
    // 43,924 × 1.15 = 50,512.6; 1268 × 0.85 = 1077.8.
    expect(judge(50_512, b, { kind: 'rel', tol: 0.15 }, 100).ok).toBe(true);
    expect(judge(50_513, b, { kind: 'rel', tol: 0.15 }, 100).ok).toBe(false);
    expect(judge(1078, b, { kind: 'rel', tol: 0.15 }, 100).ok).toBe(true);
    expect(judge(1077, b, { kind: 'rel', tol: 0.15 }, 100).ok).toBe(false);
    // The slack never widens the range: W1p-local-d1's pgdemote reps with W1p's slack of
    // 1638.4 pages, tiersim 0 (it once passed, 0 >= 1366 - 1638.4).
    const d1 = reps([49_787, 47_675, 1366])!;
    expect(isBimodal(d1, 1638.4)).toBe(true);
    expect(judge(0, d1, { kind: 'rel', tol: 0.15 }, 1638.4).ok).toBe(false);
    expect(judge(1162, d1, { kind: 'rel', tol: 0.15 }, 1638.4).ok).toBe(true); // 1366 × 0.85 = 1161.1
    expect(judge(1161, d1, { kind: 'rel', tol: 0.15 }, 1638.4).ok).toBe(false);
    // With a factor: min / f … max × f.
    expect(judge(634, b, { kind: 'factor', factor: 2 }, 100).ok).toBe(true);
    expect(judge(633, b, { kind: 'factor', factor: 2 }, 100).ok).toBe(false);
    expect(judge(87_848, b, { kind: 'factor', factor: 2 }, 100).ok).toBe(true);
    expect(judge(87_849, b, { kind: 'factor', factor: 2 }, 100).ok).toBe(false);
    // Reps within 2× of each other are not bimodal; nor is a spread below the slack.
    expect(isBimodal(reps([10_000, 19_000])!, 100)).toBe(false);
    expect(isBimodal(reps([0, 50])!, 100)).toBe(false);
  });
  it('info rows always pass', () => {
    expect(judge(1e9, k, { kind: 'info' }, 0).ok).toBe(true);
  });
});

describe('direction', () => {
  it('is the sign of the change beyond max(tol × the larger, slack)', () => {
    expect(direction(0, 15_537, 0.15, 1638)).toBe(1);
    expect(direction(15_537, 0, 0.15, 1638)).toBe(-1);
    expect(direction(0, 1000, 0.15, 1638)).toBe(0);
    expect(direction(100_000, 114_000, 0.15, 10)).toBe(0); // 14 % of 114 000 < 15 %
    expect(direction(100_000, 118_000, 0.15, 10)).toBe(1);
  });
});

function fig(
  workload: string,
  policy: string,
  demotion: 0 | 1,
  metrics: Record<string, number[]>,
): CaseFigures {
  return {
    workload,
    policy,
    demotion,
    lru: 'classic',
    numa_balancing: 0,
    runs: [],
    metrics,
    workload_report: [],
  };
}

describe('a case and a pair', () => {
  const on = fig('W1p', 'local', 1, {
    region_pages_node0_end: [212_000, 213_000],
    pgdemote_kswapd: [49_787, 1366],
    pgdemote_direct: [0, 0],
    pswpout: [0, 0],
  });
  const off = fig('W1p', 'local', 0, {
    region_pages_node0_end: [212_000, 213_000],
    pgdemote_kswapd: [0, 0],
    pgdemote_direct: [0, 0],
    pswpout: [1268, 43_924],
  });
  const figures: Figures = {
    source: 'test',
    machine: {} as Figures['machine'],
    cases: { 'W1p-local-d1': on, 'W1p-local-d0': off },
  };
  it('pgdemote is kswapd + direct; placement ±5 %; a case fails on one judged row', () => {
    const r = judgeCase('W1p-local-d1', on, {
      status: 'ran',
      notes: [],
      finished: true,
      metrics: { region_pages_node0_end: 230_000, pgdemote: 20_000, pswpout: 0 },
    });
    expect(r.rows.map((x) => [x.metric, x.ok])).toEqual([
      ['region_pages_node0_end', false], // +8.0 %
      ['pgdemote', true], // bimodal 1 366–49 787
      ['pswpout', true],
    ]);
    expect(r.status).toBe('fail');
  });
  it('directions of demotion off → on: right when tiersim moves the same way, wrong when it does not', () => {
    const runs = new Map([
      [
        'W1p-local-d0',
        {
          status: 'ran' as const,
          notes: [],
          finished: true,
          metrics: { region_pages_node0_end: 212_500, pgdemote: 0, pswpout: 0 },
        },
      ],
      [
        'W1p-local-d1',
        {
          status: 'ran' as const,
          notes: [],
          finished: true,
          metrics: { region_pages_node0_end: 212_500, pgdemote: 30_000, pswpout: 20_000 },
        },
      ],
    ]);
    const report = validationReport(figures, runs);
    const d = Object.fromEntries(report.directions.map((x) => [x.metric, [x.kernel, x.tiersim, x.ok]]));
    // Bimodal reps: each pair of boots gives a direction. pgdemote 0 → 49,787 is up, 0 → 1,366
    // is within the slack (1,638 pages): the kernel shows 0 or +, tiersim's + is one of them.
    expect(d.pgdemote).toEqual([[0, 1], 1, true]);
    // pswpout 1,268 → 0 (slack) or 43,924 → 0 (down): the kernel never swaps more with demotion on.
    expect(d.pswpout).toEqual([[-1, 0], 1, false]);
    // Reps that agree: the means' one direction.
    expect(d.region_pages_node0_end).toEqual([[0], 0, true]);
    expect(report.pass).toBe(false);
    const md = markdownReport(report);
    expect(md).toContain('| pswpout | −/0 | + |');
    const readme = withReadmeSection('# x\n\n## What is modelled\n\nstuff\n', md);
    expect(readme.indexOf('## Validation')).toBeLessThan(readme.indexOf('## What is modelled'));
    expect(readme).toContain(README_BEGIN);
    // Rewriting replaces the section between the markers, nothing else.
    const again = withReadmeSection(readme, 'new table');
    expect(again.split(README_BEGIN)).toHaveLength(2);
    expect(again).toContain(`${README_BEGIN}\nnew table\n${README_END}`);
    expect(again).not.toContain('| pswpout | −/0 | + |');
  });
  it('kernelDirections: the means where the reps agree, every pair of boots where one side is bimodal', () => {
    // W1p-local-d1 classic → MGLRU pgdemote, the kernel's boots: the classic run kept demoting in
    // two boots and slept after the boost in one; MGLRU kept demoting in both.
    const classic = [49_787, 47_675, 1366];
    const mglru = [63_998, 56_459];
    // 49,787 → 63,998: +14,211, 22 % of the larger (> 20 %): up; 47,675 → 56,459: 15.6 %: 0.
    expect(kernelDirections(classic, mglru, 0.2, 1638)).toEqual([0, 1]);
    // The means alone (32,943 → 60,229, +45 % of the larger) would say only "up".
    expect(direction(32_943, 60_229, 0.2, 1638)).toBe(1);
    // Reps within 2x of each other: one direction, the means' (100,500 → 120,500: 16.6 % < 20 %).
    expect(kernelDirections([100_000, 101_000], [120_000, 121_000], 0.2, 10)).toEqual([0]);
    expect(kernelDirections([100_000, 101_000], [130_000, 131_000], 0.2, 10)).toEqual([1]);
    expect(kernelDirections([], [1], 0.2, 10)).toEqual([]);
  });
  it('the slack is 0.5 % of the workload’s memory in the metric’s unit', () => {
    expect(floorFor('W1p', 'pages')).toBeCloseTo(1638.4, 6);
    expect(floorFor('W2q', 'sectors')).toBeCloseTo(20_971.52, 6);
    expect(floorFor('W2q', 'MiB')).toBeCloseTo(10.24, 6);
  });
});
