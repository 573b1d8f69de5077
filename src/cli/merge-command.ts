/**
 * `tiersim merge DIR`: the tables of a sweep directory from whatever points it holds (all of
 * them, or those a Slurm array has finished so far): DIR/summary.csv, DIR/summary.json, the
 * seed-group table on the terminal, and with --report DIR/report.html. Points not finished
 * (failed, interrupted, missing) are listed on stderr with what reruns exactly them (the
 * `sbatch --array=...` line for a Slurm sweep directory), and the exit code is 1: a script that
 * merges can tell a complete sweep from a partial one.
 */
import { mergeSweep } from '../sweep/sweep.js';
import { writeReport } from '../sweep/report-files.js';
import { SweepDirError } from '../sweep/sweep-dir.js';
import { seedGroupTable } from '../sweep/tables.js';
import path from 'node:path';
import { arraySpec, ranges, readArrayLayout, shellQuote } from '../sweep/slurm.js';
import { EXIT_CONFIG, EXIT_FAILURE, EXIT_OK } from './exit-codes.js';

export async function mergeCommand(
  dir: string,
  options: { report: boolean; quiet: boolean },
): Promise<number> {
  let merged;
  try {
    merged = mergeSweep(dir);
  } catch (err) {
    if (!(err instanceof SweepDirError)) throw err;
    process.stderr.write(`tiersim: ${err.message}\n`);
    return EXIT_CONFIG;
  }
  const { manifest, rows } = merged;
  const count = (s: string) => rows.filter((r) => r.status === s).length;
  if (!options.quiet) {
    const lines = [
      `${dir}: ${rows.length} point(s): ${count('done')} done, ${count('failed')} failed, ${count('missing')} missing`,
      '',
      seedGroupTable(manifest.keys, manifest.counters, rows),
      '',
      `written to ${dir}/ (summary.csv, summary.json)`,
    ];
    for (const r of rows.filter((x) => x.status === 'failed')) {
      lines.push(`point ${r.index} (${r.name}) failed: ${(r.error ?? '').split('\n')[0]}`);
    }
    process.stdout.write(lines.join('\n') + '\n');
  }
  if (options.report) {
    const file = await writeReport(dir);
    if (!options.quiet) process.stdout.write(`report: ${file}\n`);
  }
  const unfinished = rows.filter((r) => r.status !== 'done').map((r) => r.index);
  if (unfinished.length === 0) return EXIT_OK;
  process.stderr.write(rerunAdvice(dir, manifest, rows) + '\n');
  return EXIT_FAILURE;
}

/** Which points are not finished, by status, and the command that reruns exactly them. */
export function rerunAdvice(
  dir: string,
  manifest: { config_file: string; set: readonly string[] },
  rows: readonly { index: number; status: string }[],
): string {
  const byStatus = new Map<string, number[]>();
  for (const r of rows) {
    if (r.status === 'done') continue;
    byStatus.set(r.status, [...(byStatus.get(r.status) ?? []), r.index]);
  }
  const unfinished = [...byStatus.values()].flat().sort((a, b) => a - b);
  const lists = [...byStatus].map(([status, idx]) => `${status} ${ranges(idx)}`).join('; ');
  const lines = [`tiersim: ${unfinished.length} of ${rows.length} point(s) not finished: ${lists}`];
  const layout = readArrayLayout(dir);
  if (layout !== undefined && layout.points === rows.length) {
    lines.push(
      `  rerun them on Slurm: sbatch --array=${arraySpec(unfinished, layout.pointsPerTask)} ${path.join(path.resolve(dir), 'sweep.sbatch')}`,
    );
  }
  const sets = manifest.set.map((x) => ` --set ${shellQuote(x)}`).join('');
  lines.push(
    `  or here: tiersim sweep ${shellQuote(manifest.config_file)}${sets} --out ${shellQuote(dir)}   (finished points are skipped)`,
  );
  return lines.join('\n');
}
