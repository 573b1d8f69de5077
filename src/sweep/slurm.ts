/**
 * `tiersim sweep CONFIG --emit slurm --out DIR`: an sbatch script running the sweep as a job
 * array. Slurm refuses arrays with indices above MaxArraySize - 1 (default MaxArraySize 1001),
 * so a sweep of more points runs as tasks that each take a contiguous block of points
 * (`--task $SLURM_ARRAY_TASK_ID --points-per-task K`; K = 1 is `--index`). Each task plans,
 * sizes and checks only its own points (DIR/points.idx), so its work does not grow with the
 * sweep; it writes only its points' folders; the manifest is written before submission, and
 * `tiersim merge DIR` builds the tables from whatever points exist and names the array tasks
 * to resubmit.
 *
 * The script runs the Node that wrote it (process.execPath) on this installation's
 * bin/tiersim.js, both absolute (a job's PATH may lack node; the paths must exist on the
 * compute nodes, e.g. on a shared file system), and `exec`s it so that the SIGTERM Slurm sends
 * (`--signal=B:TERM@60` before the time limit, scancel, the limit itself) reaches tiersim,
 * which stops the running point after its epoch and records it.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../report/write.js';
import { packageRoot } from '../util/package-root.js';
import { TIERSIM_VERSION } from '../util/version.js';
import { THREAD_OVERHEAD_BYTES } from './pool.js';

export { DEFAULT_TIME, SLURM_MAX_ARRAY_SIZE } from './slurm-defaults.js';
/** Seconds before the time limit at which Slurm sends SIGTERM to the batch shell (tiersim). */
export const SIGNAL_LEAD_S = 60;

export interface ArrayLayout {
  points: number;
  pointsPerTask: number;
  tasks: number;
}

/** Tasks and points per task for `points` points within `maxArraySize`, or a usage error. */
export function arrayLayout(
  points: number,
  pointsPerTask: number | undefined,
  maxArraySize: number,
): ArrayLayout | string {
  const k = pointsPerTask ?? Math.max(1, Math.ceil(points / maxArraySize));
  const tasks = Math.ceil(points / k);
  if (tasks > maxArraySize) {
    return `${points} points at --points-per-task ${k} make ${tasks} array tasks, more than MaxArraySize ${maxArraySize} allows (indices 0..${maxArraySize - 1}); use --points-per-task ${Math.ceil(points / maxArraySize)} or more`;
  }
  return { points, pointsPerTask: k, tasks };
}

const LAYOUT_FILE = path.join('slurm', 'array.json');

export function writeArrayLayout(dir: string, layout: ArrayLayout): void {
  writeFileAtomic(path.join(dir, LAYOUT_FILE), JSON.stringify(layout) + '\n');
}

/** The layout `--emit slurm` wrote into DIR, if any. */
export function readArrayLayout(dir: string): ArrayLayout | undefined {
  try {
    return JSON.parse(readFileSync(path.join(dir, LAYOUT_FILE), 'utf8')) as ArrayLayout;
  } catch {
    return undefined;
  }
}

/** The array tasks that run `points` (sorted, distinct), as an sbatch --array list: `0-3,7,9-10`. */
export function arraySpec(points: readonly number[], pointsPerTask: number): string {
  const tasks = [...new Set(points.map((p) => Math.floor(p / pointsPerTask)))].sort((a, b) => a - b);
  return ranges(tasks);
}

/** `0-3,7,9-10` for [0,1,2,3,7,9,10]. */
export function ranges(sorted: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    parts.push(i === j ? String(sorted[i]) : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

export interface SlurmOptions {
  /** Config file as given (the script runs in `cwd`); output directory absolute. */
  config: string;
  out: string;
  set: readonly string[];
  points: number;
  pointsPerTask: number;
  tasks: number;
  /** The script's --time. */
  time: string;
  /** Shared state of the largest point, bytes (the memory request adds a thread's overhead). */
  largestBytes: number;
  /** Working directory of the tasks (includes and relative paths resolve from the config). */
  cwd: string;
  jobName: string;
}

/** POSIX shell single quoting. */
export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The tiersim installation's bin/tiersim.js (util/package-root.ts), or a bare `tiersim`. */
export function tiersimBin(): string {
  const root = packageRoot();
  return root === undefined ? 'tiersim' : path.join(root, 'bin', 'tiersim.js');
}

export function slurmScript(o: SlurmOptions): string {
  // A block of points runs one at a time, each on a fresh pool thread next to the main one.
  const memMiB = Math.ceil(
    (o.largestBytes + THREAD_OVERHEAD_BYTES * (o.pointsPerTask > 1 ? 2 : 1)) / 2 ** 20,
  );
  const q = shellQuote;
  const sets = o.set.flatMap((s) => ['--set', q(s)]).join(' ');
  const which =
    o.pointsPerTask === 1
      ? '--index "$SLURM_ARRAY_TASK_ID"'
      : `--task "$SLURM_ARRAY_TASK_ID" --points-per-task ${o.pointsPerTask}`;
  const bin = tiersimBin();
  const launcher = bin === 'tiersim' ? 'tiersim' : `${q(process.execPath)} ${q(bin)}`;
  const command = [
    `exec ${launcher} sweep`,
    q(o.config),
    which,
    '--out',
    q(o.out),
    ...(sets === '' ? [] : [sets]),
    '--quiet',
  ].join(' ');
  const per = o.pointsPerTask === 1 ? 'one point per task' : `${o.pointsPerTask} consecutive points per task`;
  return `#!/bin/bash
# Generated by tiersim ${TIERSIM_VERSION}: \`tiersim sweep ${o.config} --emit slurm --out ${o.out}\` in ${o.cwd}.
# ${o.points} points (0..${o.points - 1}; DIR/manifest.json lists them), ${o.tasks} array task(s), ${per}.
# Submit:   sbatch ${o.out}/sweep.sbatch
# Tables:   tiersim merge ${o.out}     (any time; it lists failed or missing points and the
#           sbatch --array=... line that reruns exactly their tasks)
# --time: give it your points' wall time (tiersim sweep --emit slurm --time). SIGTERM comes
# ${SIGNAL_LEAD_S} s before the limit: the running point stops after its epoch and is recorded as
# interrupted; a resubmission runs it again. Add --partition / --account lines as your cluster needs.
#SBATCH --job-name=${o.jobName}
#SBATCH --array=0-${o.tasks - 1}
#SBATCH --ntasks=1
#SBATCH --cpus-per-task=1
#SBATCH --mem=${memMiB}M
#SBATCH --time=${o.time}
#SBATCH --signal=B:TERM@${SIGNAL_LEAD_S}
#SBATCH --output=${o.out}/slurm/%A_%a.out

set -euo pipefail
cd ${q(o.cwd)}
# A finished point is skipped, a failed one run again: resubmitting the array is safe.
${command}
`;
}
