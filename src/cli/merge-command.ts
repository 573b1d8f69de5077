/**
 * `tiersim merge DIR`: the tables of a sweep directory from whatever points it holds (all of
 * them, or those a Slurm array has finished so far): DIR/summary.csv, DIR/summary.json, the
 * seed-group table on the terminal, and with --report DIR/report.html. Missing and failed
 * points are listed, not fatal.
 */
import { mergeSweep } from '../sweep/sweep.js';
import { writeReport } from '../sweep/report-files.js';
import { SweepDirError } from '../sweep/sweep-dir.js';
import { seedGroupTable } from '../sweep/tables.js';
import { EXIT_CONFIG, EXIT_OK } from './run-command.js';

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
      `${dir}: ${rows.length} point(s): ${count('done')} done, ${count('failed')} failed, ${count('missing')} missing${count('interrupted') > 0 ? `, ${count('interrupted')} interrupted` : ''}`,
      '',
      seedGroupTable(manifest.keys, manifest.counters, rows),
      '',
      `written to ${dir}/ (summary.csv, summary.json)`,
    ];
    for (const r of rows.filter((x) => x.status === 'failed' || x.status === 'interrupted')) {
      lines.push(`point ${r.index} (${r.name}) ${r.status}: ${(r.error ?? '').split('\n')[0]}`);
    }
    process.stdout.write(lines.join('\n') + '\n');
  }
  if (options.report) {
    const file = await writeReport(dir);
    if (!options.quiet) process.stdout.write(`report: ${file}\n`);
  }
  return EXIT_OK;
}
