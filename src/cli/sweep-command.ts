/**
 * `tiersim sweep CONFIG --out DIR`: expand the config's sweep (and variants), run the points
 * not yet finished on a pool of threads with a progress bar, write each point's output as it
 * finishes, then the summary tables and (with --report) the HTML report. `--index N` runs one
 * point here (a Slurm array task); `--emit slurm` writes the sbatch script instead of running;
 * `--dry-run` lists the points. Exit codes: 0 all points finished, 1 some failed, 2 bad config
 * or usage, 130 interrupted (finished points are kept; a rerun continues).
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { formatDuration } from '../config/units.js';
import { writeFileAtomic } from '../report/write.js';
import { formatCount, renderTable } from '../report/table.js';
import { planExperiments, type ExperimentPlan } from '../sweep/plan.js';
import { experimentBytes, threadBudget } from '../sweep/pool.js';
import {
  arrayLayout,
  DEFAULT_TIME,
  SLURM_MAX_ARRAY_SIZE,
  slurmScript,
  writeArrayLayout,
} from '../sweep/slurm.js';
import {
  acquireSweepLock,
  ensureManifest,
  manifestOf,
  readPointIndex,
  SweepDirError,
} from '../sweep/sweep-dir.js';
import { prepareOutDir } from '../util/out-dir.js';
import { listenForStop, signalExitCode } from '../util/stop.js';
import { runSweep, type SweepReport } from '../sweep/sweep.js';
import { seedGroupTable } from '../sweep/tables.js';
import { writeSweepReport } from '../sweep/report-files.js';
import { EXIT_CONFIG, EXIT_FAILURE, EXIT_INTERRUPTED, EXIT_OK } from './exit-codes.js';
import { Progress, progressWanted, sweepText } from './progress.js';

export interface SweepCommandOptions {
  out?: string | undefined;
  jobs?: number | undefined;
  set: string[];
  index?: number | undefined;
  /** A Slurm array task's block: points task*pointsPerTask .. +pointsPerTask-1. */
  task?: number | undefined;
  pointsPerTask?: number | undefined;
  emit?: string | undefined;
  /** --emit slurm: the script's --time, and the cluster's MaxArraySize. */
  time?: string | undefined;
  maxArraySize?: number | undefined;
  report: boolean;
  dryRun: boolean;
  quiet: boolean;
  recycle: boolean;
}

export async function sweepCommand(file: string, options: SweepCommandOptions): Promise<number> {
  const indices = taskIndices(options);
  if (typeof indices === 'string') return usage(indices);
  // An array task whose directory has its point index plans only its own points.
  const partial =
    indices !== undefined && options.out !== undefined && readPointIndex(options.out, []) !== undefined;
  const plan = planExperiments(file, options.set, partial ? { only: indices } : {});
  if (options.dryRun) {
    process.stdout.write(pointsTable(plan) + '\n');
    return EXIT_OK;
  }
  if (options.out === undefined) return usage('--out DIR is required (the sweep writes its points there)');
  try {
    prepareOutDir(options.out);
    if (options.emit !== undefined) return emitSlurm(plan, options.out, options);
    // Array tasks (--index, --task) share DIR by design; a whole sweep owns it while it runs.
    const release = indices === undefined ? acquireSweepLock(options.out) : () => undefined;
    try {
      return await run(plan, options.out, options, indices);
    } finally {
      release();
    }
  } catch (err) {
    if (err instanceof SweepDirError) return usage(err.message);
    throw err;
  }
}

/** The points an array task runs (`--index`, or `--task` with `--points-per-task`), or a usage error. */
function taskIndices(o: SweepCommandOptions): number[] | string | undefined {
  if (o.task !== undefined && o.index !== undefined)
    return '--index and --task are exclusive (a task is a block of points)';
  if (o.pointsPerTask !== undefined && o.task === undefined && o.emit === undefined) {
    return '--points-per-task goes with --task (an array task) or --emit slurm';
  }
  if (o.index !== undefined) return [o.index];
  if (o.task === undefined) return undefined;
  const k = o.pointsPerTask ?? 1;
  return Array.from({ length: k }, (_, i) => o.task! * k + i);
}

/**
 * The last task's block may run past the end of the sweep: those indices are dropped. A block
 * wholly past the end is kept, for runSweep to report as out of range.
 */
function inRange(indices: number[], total: number): number[] {
  const kept = indices.filter((i) => i < total);
  return kept.length > 0 ? kept : indices;
}

function usage(message: string): number {
  process.stderr.write(`tiersim: ${message}\n`);
  return EXIT_CONFIG;
}

function largestBytes(plan: ExperimentPlan): number {
  return Math.max(...plan.points.map((p) => experimentBytes(p.config)));
}

async function run(
  plan: ExperimentPlan,
  out: string,
  options: SweepCommandOptions,
  indices: number[] | undefined,
): Promise<number> {
  const budget = threadBudget(plan.points.length, largestBytes(plan));
  const jobs = options.jobs ?? budget.jobs;
  const say = (s: string) => {
    if (!options.quiet) process.stdout.write(s + '\n');
  };
  const stop = listenForStop();
  const showBar = progressWanted(options.quiet);
  let latest = { settled: 0, failed: 0, running: 0, total: 0 };
  let progress: Progress | undefined;
  const where =
    indices === undefined
      ? `on ${jobs} thread(s) (${options.jobs === undefined ? budget.reason : '--jobs'}${options.recycle ? ', a fresh thread per point' : ', threads reused'})`
      : options.task === undefined
        ? `point ${options.index}, on this thread`
        : `task ${options.task}: points ${plan.points.map((p) => p.index).join(', ')}`;
  say(`tiersim sweep ${plan.file}: ${plan.total} point(s) ${where} -> ${out}`);
  let report: SweepReport;
  try {
    report = await runSweep(plan, {
      out,
      jobs,
      recycle: options.recycle,
      indices: indices === undefined ? undefined : inRange(indices, plan.total),
      shouldStop: () => stop.requested,
      stopSignal: () => stop.signal,
      onProgress: (p) => {
        latest = p;
        progress ??= new Progress({
          enabled: showBar,
          total: Math.max(1, p.epochsTotal),
          describe: () => sweepText(latest),
        });
        progress.update(p.epochsDone);
      },
      onPoint: (point, outcome) => {
        if (showBar || options.quiet) return;
        const head = `point ${point.index} (${point.name})`;
        if (outcome.status === 'done') {
          const wall =
            outcome.result.wall === undefined
              ? ''
              : ` in ${(outcome.result.wall.elapsed_ms / 1000).toFixed(1)} s`;
          say(`${head}: score ${formatCount(Math.round(outcome.result.score))}${wall}`);
        } else if (outcome.status === 'failed') {
          say(`${head}: FAILED: ${outcome.error.split('\n')[0]}`);
        }
      },
    });
  } finally {
    progress?.stop();
    stop.dispose();
  }
  printOutcome(report, plan, out, options.quiet);
  if (options.report && indices === undefined) {
    const file = await writeSweepReport(out);
    say(`report: ${file}`);
  }
  if (report.failed.length > 0) return EXIT_FAILURE;
  if (report.stopped) return stop.signal === undefined ? EXIT_INTERRUPTED : signalExitCode(stop.signal);
  return EXIT_OK;
}

function printOutcome(report: SweepReport, plan: ExperimentPlan, out: string, quiet: boolean): void {
  for (const f of report.failed) {
    process.stderr.write(
      `tiersim: point ${f.index} failed (replay it: tiersim run --from ${path.join(out, 'points', String(f.index))}):\n  ${f.error.split('\n').slice(0, 4).join('\n  ')}\n`,
    );
  }
  if (report.stopped && report.failed.length === 0) {
    const marked =
      report.interrupted.length === 0 ? '' : ` (${report.interrupted.length} marked interrupted)`;
    process.stderr.write(
      `tiersim: interrupted; ${report.ran.length} point(s) finished in this run are kept${marked}, rerun the same command to continue\n`,
    );
  }
  if (quiet) return;
  const lines = [
    '',
    `ran ${report.ran.length + report.failed.length} point(s) (${report.failed.length} failed), skipped ${report.skipped.length} already finished`,
  ];
  if (report.rows.length > 0)
    lines.push('', seedGroupTable(report.manifest.keys, plan.counters, report.rows));
  lines.push('', `written to ${out}/ (manifest.json, points/N/, summary.csv, summary.json)`);
  process.stdout.write(lines.join('\n') + '\n');
}

function emitSlurm(plan: ExperimentPlan, out: string, options: SweepCommandOptions): number {
  const abs = path.resolve(out);
  const layout = arrayLayout(plan.total, options.pointsPerTask, options.maxArraySize ?? SLURM_MAX_ARRAY_SIZE);
  if (typeof layout === 'string') return usage(layout);
  ensureManifest(out, manifestOf(plan));
  mkdirSync(path.join(abs, 'slurm'), { recursive: true });
  const script = slurmScript({
    // As given: the script changes to this directory first, so the results name the config as
    // a local sweep of the same command does.
    config: plan.file,
    out: abs,
    set: plan.set,
    points: plan.total,
    pointsPerTask: layout.pointsPerTask,
    tasks: layout.tasks,
    time: options.time ?? DEFAULT_TIME,
    largestBytes: largestBytes(plan),
    cwd: process.cwd(),
    jobName: `tiersim-${path.basename(plan.file).replace(/\.ya?ml$/, '')}`,
  });
  const file = path.join(out, 'sweep.sbatch');
  writeFileAtomic(file, script);
  writeArrayLayout(abs, layout);
  if (!options.quiet) {
    const per = layout.pointsPerTask === 1 ? 'one point each' : `${layout.pointsPerTask} points each`;
    process.stdout.write(
      `wrote ${file}: a Slurm job array of ${layout.tasks} task(s), ${per}\n  submit:  sbatch ${file}\n  tables:  tiersim merge ${out}\n`,
    );
  }
  return EXIT_OK;
}

function pointsTable(plan: ExperimentPlan): string {
  const header = ['#', ...plan.keys, 'config hash', 'simulated'];
  const rows = plan.points.map((p) => [
    String(p.index),
    ...plan.keys.map((k) => {
      const v = p.values[k];
      return typeof v === 'string' ? v : JSON.stringify(v);
    }),
    p.hash.slice(0, 12),
    formatDuration(p.config.run.duration),
  ]);
  return `${plan.file}: ${plan.points.length} point(s), order: ${plan.keys.join(' > ') || '(one point)'} (the last varies fastest)\n${renderTable(header, rows)}`;
}
