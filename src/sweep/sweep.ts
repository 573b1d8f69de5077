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
  POINT_INDEX,
  readManifest,
  readPointIndex,
  readPointResult,
  readPointStatus,
  SweepDirError,
  writePointStatus,
  type Manifest,
} from './sweep-dir.js';
import { summaryCsv, summaryRow, type SummaryRow } from './tables.js';
import { TIERSIM_VERSION } from '../util/version.js';

export interface SweepOptions {
  out: string;
  jobs: number;
  recycle: boolean;
  /**
   * Run only these points (a Slurm array task: `--index N`, or a block with `--task`); the
   * plan may then hold only them. One point runs on this thread, a block one point at a time
   * on a fresh pool thread each.
   */
  indices?: readonly number[] | undefined;
  shouldStop: () => boolean;
  /** The signal that asked to stop (SIGTERM from Slurm, SIGINT), named in an interrupted point's record. */
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
  const indices = options.indices;
  let wanted: PlannedPoint[];
  if (indices === undefined) {
    ensureManifest(out, manifest);
    wanted = plan.points;
  } else {
    const outside = indices.find((i) => i >= plan.total);
    if (outside !== undefined) {
      throw new SweepDirError(
        `${indices.length === 1 ? `--index ${outside}` : `point ${outside} of this task`} is out of range: this sweep has points 0..${plan.total - 1}`,
      );
    }
    checkTaskPoints(out, plan, indices);
    const chosen = new Set(indices);
    wanted = plan.points.filter((p) => chosen.has(p.index));
  }
  const skipped: number[] = [];
  const todo: PlannedPoint[] = [];
  for (const p of wanted) {
    if (isFinished(out, { index: p.index, config_hash: p.hash })) skipped.push(p.index);
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
    where: indices?.length === 1 ? 'this-thread' : 'pool',
    shouldStop: () => outputFailed || options.shouldStop(),
    onProgress: (p) => options.onProgress({ ...p, total: runnables.length, epochsTotal }),
    onSettled: (r, outcome) => {
      const point = byIndex.get(r.index)!;
      const settled = settle(out, point, outcome, options.stopSignal?.());
      if (settled.status === 'done') report.ran.push(point.index);
      else if (settled.status === 'failed') {
        report.failed.push({ index: point.index, error: settled.error });
        if (settled.output === true) outputFailed = true;
      } else report.interrupted.push(point.index);
      options.onPoint?.(point, settled);
    },
  });
  // An array task leaves the tables to `tiersim merge`: many of them share DIR, and reading
  // every point would make each task's work grow with the sweep.
  const rows = indices === undefined ? writeSummary(out, manifest) : [];
  return { ...report, stopped, rows };
}

/**
 * An array task's check of DIR: the point index written with the manifest (`--emit slurm`, or
 * the first task) must be this tiersim's and record, for each of the task's points, the hash
 * the point resolves to here. With no index yet, the plan is the whole sweep and the manifest
 * is written as a full sweep would.
 */
function checkTaskPoints(out: string, plan: ExperimentPlan, indices: readonly number[]): void {
  const index = readPointIndex(out, indices);
  if (index === undefined) {
    if (plan.points.length !== plan.total) {
      throw new SweepDirError(
        `${out} has no ${POINT_INDEX}: write the sweep directory first (tiersim sweep CONFIG --out ${out} --emit slurm)`,
      );
    }
    ensureManifest(out, manifestOf(plan));
    return;
  }
  const { header, hashes } = index;
  const another = (why: string) =>
    new SweepDirError(
      `${out} holds another sweep (${why}); use another --out directory, or remove ${out} to start over`,
    );
  if (header.tiersim_version !== TIERSIM_VERSION) {
    throw another(`made by tiersim ${header.tiersim_version}, this is ${TIERSIM_VERSION}`);
  }
  if (header.points !== plan.total) throw another(`${header.points} points there, ${plan.total} here`);
  for (const p of plan.points) {
    const recorded = hashes.get(p.index);
    if (recorded !== p.hash) {
      throw another(
        `point ${p.index} resolves to config ${p.hash.slice(0, 12)} here, ${recorded?.slice(0, 12)} there: the config or a trace it replays changed`,
      );
    }
  }
}

/** Writes a settled point: its output and then point.json (done or failed); nothing if stopped. */
function settle(out: string, point: PlannedPoint, outcome: ExperimentOutcome, signal?: string): PointOutcome {
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
    // Recorded as failed with the reason (its counters cover part of the run): a Slurm task
    // stopped at its time limit says so, and `merge` lists the point; a rerun runs it again.
    const r = outcome.result;
    const error = `interrupted${signal === undefined ? '' : ` by ${signal}`} at epoch ${r.epochs_run} of ${r.epochs_planned}${signal === 'SIGTERM' ? ' (a Slurm time limit or scancel?)' : ''}; rerun to run it again`;
    writePointStatus(out, { ...status, status: 'failed', error });
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
