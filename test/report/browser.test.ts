/**
 * Goal: the HTML report lays out as intended in a real browser (Debian's Chromium, headless):
 * at 1400 px nothing is wider than the window (tables fit or scroll inside the page), at 800 px
 * neither; the variant names of a comparison's bars do not overlap; no chart text is cut ("…").
 * Method: a small run's report and a comparison of three variants with long names, opened at
 * both widths; boxes measured with getBoundingClientRect. Skipped where no Chromium is installed
 * (.ci/run installs it; `npm run screenshots` renders the bundled reports to PNG for a person).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/metrics/result.js';
import { comparisonReportHtml, runReportHtml } from '../../src/report/html.js';
import { MAIN_COUNTERS } from '../../src/sweep/tables.js';
import { Browser, chromiumPath } from '../../scripts/chromium.js';
import { SMALL_515 } from '../helpers/configs.js';
import { runText } from '../helpers/run.js';

const executable = chromiumPath();
const dir = mkdtempSync(path.join(os.tmpdir(), 'tiersim-browser-'));
const files = { run: path.join(dir, 'run.html'), comparison: path.join(dir, 'comparison.html') };
const NAMES = ['tiering-off', 'hot-page-selection-with-rate-limit', 'auto-threshold-adjustment'];

let browser: Browser | undefined;

/** Horizontal overflow of the page, and the widest element's excess over the window. */
const OVERFLOW = `(() => {
  const doc = document.documentElement;
  return doc.scrollWidth - doc.clientWidth;
})()`;

/** Boxes of the y-axis labels of each bar chart (the variant names). */
const BAR_LABELS = `JSON.stringify([...document.querySelectorAll('svg')].map((svg) =>
  [...svg.querySelectorAll('text')]
    .filter((t) => ${JSON.stringify(NAMES)}.includes(t.textContent))
    .map((t) => { const b = t.getBoundingClientRect(); return [b.left, b.top, b.right, b.bottom]; })
).filter((boxes) => boxes.length > 0))`;

describe.skipIf(executable === undefined)('the report in headless Chromium', () => {
  beforeAll(async () => {
    const result: RunResult = (await runText(SMALL_515)).result;
    writeFileSync(files.run, await runReportHtml(result, MAIN_COUNTERS));
    writeFileSync(
      files.comparison,
      await comparisonReportHtml({
        title: 'variants',
        subtitle: '',
        variants: NAMES.map((name) => ({ name, description: null, result })),
        table: { header: ['', ...NAMES], rows: [['score (ops/s)', '1', '2', '3']] },
        bars: [{ metric: 'score (ops/s)', values: [100, 150, 120] }],
        partial: [],
      }),
    );
    browser = await Browser.launch(executable!);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
  });

  for (const width of [1400, 800]) {
    it(`at ${width} px nothing is wider than the window`, async () => {
      for (const file of Object.values(files)) {
        await browser!.open(file, width);
        expect(await browser!.evaluate<number>(OVERFLOW)).toBe(0);
      }
    }, 60_000);
  }

  it('the variant names beside the bars do not overlap, and are whole', async () => {
    await browser!.open(files.comparison, 1400);
    const charts = JSON.parse(await browser!.evaluate<string>(BAR_LABELS)) as number[][][];
    expect(charts.length).toBeGreaterThan(0);
    for (const boxes of charts) {
      // Each name once per chart (not cut: the full text matched).
      expect(boxes).toHaveLength(NAMES.length);
      for (let i = 0; i < boxes.length; i++) {
        for (let j = i + 1; j < boxes.length; j++) {
          const [a, b] = [boxes[i], boxes[j]];
          const apart = a[2] <= b[0] || b[2] <= a[0] || a[3] <= b[1] || b[3] <= a[1];
          expect(apart).toBe(true);
        }
      }
    }
  }, 60_000);

  it('no chart text is cut with an ellipsis', async () => {
    for (const file of Object.values(files)) {
      await browser!.open(file, 1400);
      const cut = await browser!.evaluate<string[]>(
        "[...document.querySelectorAll('svg text')].map((t) => t.textContent).filter((t) => t.endsWith('…'))",
      );
      expect(cut).toEqual([]);
    }
  }, 60_000);
});
