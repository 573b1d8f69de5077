/**
 * Writing DIR/report.html for an output directory of any kind: a sweep (manifest.json), a
 * comparison of variants (comparison.json) or one run (result.json). Reads only what the
 * directory holds, so `tiersim report DIR` works on a partial sweep and on a copied folder.
 */
import path from 'node:path';
import type { RunResult } from '../metrics/result.js';
import {
  comparisonReportHtml,
  runReportHtml,
  sweepReportHtml,
  type SweepReportData,
} from '../report/html.js';
import { writeFileAtomic } from '../report/write.js';
import { SEED_KEY, showValue } from './expand.js';
import { SweepDirError, readJson, readManifest } from './sweep-dir.js';
import { collectRows } from './sweep.js';
import {
  MAIN_COUNTERS,
  comparisonCells,
  comparisonRows,
  seedGroupCells,
  seedGroups,
  type ComparedVariant,
} from './tables.js';
import { readComparison } from './variants.js';

export const REPORT_FILE = 'report.html';

export type OutputKind = 'sweep' | 'variants' | 'run';

export function outputKind(dir: string): OutputKind {
  if (readManifest(dir) !== undefined) return 'sweep';
  if (readComparison(dir) !== undefined) return 'variants';
  if (readJson<RunResult>(path.join(dir, 'result.json')) !== undefined) return 'run';
  throw new SweepDirError(
    `${dir} holds no tiersim output (no manifest.json, comparison.json or result.json)`,
  );
}

/** Writes DIR/report.html (or `file`) for whatever DIR holds; returns the file written. */
export async function writeReport(dir: string, file = path.join(dir, REPORT_FILE)): Promise<string> {
  const kind = outputKind(dir);
  const html =
    kind === 'sweep'
      ? await sweepHtml(dir)
      : kind === 'variants'
        ? await variantsHtml(dir)
        : await runHtml(dir);
  writeFileAtomic(file, html);
  return file;
}

export function writeSweepReport(dir: string): Promise<string> {
  return writeReport(dir);
}

async function runHtml(dir: string): Promise<string> {
  const result = readJson<RunResult>(path.join(dir, 'result.json'))!;
  return runReportHtml(result, MAIN_COUNTERS);
}

async function variantsHtml(dir: string): Promise<string> {
  const comparison = readComparison(dir)!;
  const variants: ComparedVariant[] = comparison.variants.flatMap((v) => {
    const result = readJson<RunResult>(path.join(dir, v.dir, 'result.json'));
    return result === undefined ? [] : [{ name: v.name, description: v.description, result }];
  });
  if (variants.length === 0) throw new SweepDirError(`${dir}: no variant has a result.json`);
  const rows = comparisonRows(variants);
  const barMetrics = [
    'score (ops/s)',
    'disk read MB/s',
    'promoted MB/s',
    'pgdemote_kswapd',
    'pgmajfault',
    'tiersim_read_miss',
  ];
  return comparisonReportHtml({
    title: `tiersim variants: ${comparison.config_file}`,
    subtitle: `tiersim ${variants[0].result.version} · seed ${variants[0].result.seed} · ${variants.length} variant(s) · ratios against ${variants[0].name}`,
    variants,
    table: comparisonCells(variants, rows),
    bars: rows
      .filter((r) => barMetrics.includes(r.metric))
      .map((r) => ({ metric: r.metric, values: r.values.map((v) => v ?? 0) })),
    partial: comparison.variants
      .filter((v) => v.status !== 'done')
      .map((v) => `${v.name}: ${v.note ?? v.status}`),
  });
}

async function sweepHtml(dir: string): Promise<string> {
  const manifest = readManifest(dir)!;
  const rows = collectRows(dir, manifest);
  const groups = seedGroups(manifest.keys, manifest.counters, rows);
  const label = (values: Record<string, unknown>, keys: readonly string[]) =>
    keys.map((k) => showValue(values[k])).join(', ');
  // Charts against each loop but the seeds; a sweep of seeds alone is charted against them.
  const settingLoops = manifest.loops.filter((l) => !(l.length === 1 && l[0] === SEED_KEY));
  const chartLoops = settingLoops.length > 0 ? settingLoops : [[SEED_KEY]];
  const byRow = settingLoops.length === 0;
  const loops = chartLoops.map((loop) => {
    const others = settingLoops.filter((l) => l !== loop);
    const points = byRow
      ? rows
          .filter((r) => r.status === 'done')
          .map((r) => ({
            x: showValue(r.seed),
            series: '',
            metrics: Object.fromEntries(
              ['score', ...manifest.counters].map((m) => {
                const v = m === 'score' ? (r.score ?? 0) : (r.counters[m] ?? 0);
                return [m, { mean: v, min: v, max: v }];
              }),
            ),
          }))
      : groups.map((g) => ({
          x: label(g.values, loop),
          series: others.map((l) => label(g.values, l)).join(' · '),
          metrics: { score: g.score, ...g.counters },
        }));
    return {
      axis: { x: loop.join(' + '), series: others.map((l) => l.join(' + ')).join(' · ') },
      order: [...new Set(manifest.points.map((p) => label(p.values, loop)))],
      points,
    };
  });
  const done = rows.filter((r) => r.status === 'done').length;
  const notes = rows
    .filter((r) => r.status !== 'done')
    .map(
      (r) =>
        `point ${r.index} (${r.name}): ${r.status}${r.error === null ? '' : `: ${r.error.split('\n')[0]}`}`,
    );
  const data: SweepReportData = {
    title: `tiersim sweep: ${manifest.config_file}`,
    subtitle: `tiersim ${manifest.tiersim_version} · ${done} of ${manifest.points.length} points finished · loops ${manifest.loops.map((l) => l.join(' + ')).join(' > ')}`,
    loops,
    metrics: ['score', ...manifest.counters],
    table: seedGroupCells(manifest.keys, manifest.counters, rows),
    notes,
    done,
    planned: manifest.points.length,
  };
  return sweepReportHtml(data);
}
