/**
 * Running a sweep into its directory (layout in sweep-dir.ts): write or check the manifest,
 * skip the points already finished, write each point's config, run the rest on the pool,
 * write each point's output the moment it settles (result files first, point.json last), and
 * rebuild the summary from whatever points exist. A failed point gets point.json with its
 * error and does not stop the others; a rerun runs it again. Merging (`tiersim merge`) is the
 * same summary step on its own.
 */
import path from 'node:path';
import { canonicalJson } from '../config/load.js';
import type { RunResult } from '../metrics/result.js';
import { nameStopSignal, partialNote } from '../report/partial.js';
import { wallIsoNow } from '../report/wallclock.js';
import { FsError } from '../util/fs-errors.js';
import { writeFileAtomic, writeRunOutput } from '../report/write.js';
import type { ExperimentPlan, PlannedPoint } from './plan.js';
import type { ExperimentOutcome } from './protocol.js';
import { executeExperiments, type ExecutionProgress, type Runnable } from './runner.js';
import {
  ensureManifest,
  isFinished,
  manifestOf,
  pointDir,
  readManifest,
  readPointResult,
  readPointStatus,
  SweepDirError,
  writePointStatus,
  type Manifest,
} from './sweep-dir.js';
import { summaryCsv, summaryRow, type SummaryRow } from './tables.js';

export interface SweepOptions {
  out: string;
  jobs: number;
  recycle: boolean;
  /** Run only this point (a Slurm array task), on this thread. */
  index?: number | undefined;
  shouldStop: () => boolean;
  /** The signal that stopped the sweep, if one did (named in interrupted points). */
  stopSignal?: () => string | undefined;
  onProgress: (p: ExecutionProgress & { total: number; epochsTotal: number }) => void;
  /** Each point as it settles (for log lines). */
  onPoint?: (point: PlannedPoint, outcome: PointOutcome) => void;
}

export type PointOutcome =
  | { status: 'done'; result: RunResult }
  | { status: 'failed'; error: string; output?: boolean }
  | { status: 'interrupted' };

export interface SweepReport {
  manifest: Manifest;
  /** Points this run ran to the end, failed, or stopped; and those it found finished. */
  ran: number[];
  failed: { index: number; error: string }[];
  interrupted: number[];
  skipped: number[];
  stopped: boolean;
  rows: SummaryRow[];
}

export async function runSweep(plan: ExperimentPlan, options: SweepOptions): Promise<SweepReport> {
  const manifest = manifestOf(plan);
  const { out } = options;
  if (options.index !== undefined && plan.points[options.index] === undefined) {
    throw new SweepDirError(
      `--index ${options.index} is out of range: this sweep has points 0..${plan.points.length - 1}`,
    );
  }
  ensureManifest(out, manifest);
  const wanted = options.index === undefined ? plan.points : [plan.points[options.index]];
  const skipped: number[] = [];
  const todo: PlannedPoint[] = [];
  for (const p of wanted) {
    if (isFinished(out, manifest.points[p.index])) skipped.push(p.index);
    else todo.push(p);
  }
  const epochsOf = (p: PlannedPoint) => Math.max(1, Math.ceil(p.config.run.duration / p.config.run.epoch));
  const runnables: Runnable[] = todo.map((p) => {
    // The config first: a point that fails can be replayed from it.
    writeFileAtomic(path.join(pointDir(out, p.index), 'config.json'), JSON.stringify(p.raw, null, 1) + '\n');
    return { index: p.index, config: p.config, hash: p.hash, file: plan.file, epochs: epochsOf(p) };
  });
  const epochsTotal = runnables.reduce((n, r) => n + r.epochs, 0);
  const report: Omit<SweepReport, 'rows' | 'stopped'> = {
    manifest,
    ran: [],
    failed: [],
    interrupted: [],
    skipped,
  };
  const byIndex = new Map(plan.points.map((p) => [p.index, p]));

  // A write error (a full disk) fails its point and starts no more: the next would fail alike.
  let outputFailed = false;
  const { stopped } = await executeExperiments(runnables, {
    jobs: options.jobs,
    recycle: options.recycle,
    where: options.index === undefined ? 'pool' : 'this-thread',
    shouldStop: () => outputFailed || options.shouldStop(),
    onProgress: (p) => options.onProgress({ ...p, total: runnables.length, epochsTotal }),
    onSettled: (r, outcome) => {
      const point = byIndex.get(r.index)!;
      if (outcome.ok) nameStopSignal(outcome.result, options.stopSignal?.());
      const settled = settle(out, point, outcome);
      if (settled.status === 'done') report.ran.push(point.index);
      else if (settled.status === 'failed') {
        report.failed.push({ index: point.index, error: settled.error });
        if (settled.output === true) outputFailed = true;
      } else report.interrupted.push(point.index);
      options.onPoint?.(point, settled);
    },
  });
  // An array task (--index) leaves the tables to `tiersim merge`: many of them share DIR.
  const rows = options.index === undefined ? writeSummary(out, manifest) : collectRows(out, manifest);
  return { ...report, stopped, rows };
}

/** Writes a settled point: its output and then point.json (done or failed); nothing if stopped. */
function settle(out: string, point: PlannedPoint, outcome: ExperimentOutcome): PointOutcome {
  const dir = pointDir(out, point.index);
  const run = {
    finished_at: wallIsoNow(),
    elapsed_ms: outcome.ok ? (outcome.result.wall?.elapsed_ms ?? 0) : 0,
    thread_id: outcome.threadId,
    simulations_in_thread: outcome.simulationsInThread,
    heap_used_bytes: outcome.heapUsedBytes,
  };
  const status = { index: point.index, name: point.name, config_hash: point.hash, seed: point.seed, run };
  if (!outcome.ok) {
    writePointStatus(out, { ...status, status: 'failed', error: outcome.error });
    return { status: 'failed', error: outcome.error };
  }
  if (!outcome.result.completed) {
    // Marked, not kept: its counters cover part of the run; a rerun runs the point again.
    const note = partialNote(outcome.result) ?? 'interrupted';
    writePointStatus(out, { ...status, status: 'interrupted', error: note });
    return { status: 'interrupted' };
  }
  try {
    writeRunOutput(dir, outcome.result);
  } catch (err) {
    if (!(err instanceof FsError)) throw err;
    // The point is failed (a rerun runs it again); if even that cannot be written the sweep
    // stops on this error.
    const error = `output: ${err.message}`;
    writePointStatus(out, { ...status, status: 'failed', error });
    return { status: 'failed', error, output: true };
  }
  writePointStatus(out, { ...status, status: 'done', error: null });
  return { status: 'done', result: outcome.result };
}

// ---------------------------------------------------------------------------------------------
// Summary (also `tiersim merge`)
// ---------------------------------------------------------------------------------------------

/** One row per point of the manifest, from whatever DIR holds: done, failed or missing. */
export function collectRows(out: string, manifest: Manifest): SummaryRow[] {
  return manifest.points.map((p) => {
    const status = readPointStatus(out, p.index);
    if (status === undefined || status.config_hash !== p.config_hash) {
      return summaryRow(p, manifest.counters, undefined);
    }
    if (status.status === 'failed') return summaryRow(p, manifest.counters, { error: status.error ?? '' });
    if (status.status === 'interrupted') {
      return summaryRow(p, manifest.counters, { error: status.error ?? 'interrupted', interrupted: true });
    }
    const result = readPointResult(out, p.index);
    return summaryRow(p, manifest.counters, result === undefined ? undefined : { result });
  });
}

/** Writes DIR/summary.csv and DIR/summary.json from the points present; returns the rows. */
export function writeSummary(out: string, manifest: Manifest): SummaryRow[] {
  const rows = collectRows(out, manifest);
  writeFileAtomic(path.join(out, 'summary.csv'), summaryCsv(manifest.keys, manifest.counters, rows));
  const json = {
    config_file: manifest.config_file,
    keys: manifest.keys,
    counters: manifest.counters,
    points: rows.length,
    done: rows.filter((r) => r.status === 'done').length,
    failed: rows.filter((r) => r.status === 'failed').length,
    interrupted: rows.filter((r) => r.status === 'interrupted').length,
    missing: rows.filter((r) => r.status === 'missing').length,
    completed: rows.every((r) => r.status === 'done'),
    rows,
  };
  writeFileAtomic(path.join(out, 'summary.json'), JSON.stringify(json, null, 1) + '\n');
  return rows;
}

/** `tiersim merge DIR`: the summary of a sweep directory, complete or not. */
export function mergeSweep(out: string): { manifest: Manifest; rows: SummaryRow[] } {
  const manifest = readManifest(out);
  if (manifest === undefined) {
    throw new SweepDirError(`${out} has no manifest.json: not a sweep directory (or not started yet)`);
  }
  return { manifest, rows: writeSummary(out, manifest) };
}

/** Whether two manifests describe the same points (used by tests and `--emit`). */
export function sameSweep(a: Manifest, b: Manifest): boolean {
  return canonicalJson(a.points) === canonicalJson(b.points);
}
