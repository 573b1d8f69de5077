/**
 * What `tiersim run` does beyond one plain run:
 *
 * - a config with `variants:` runs every variant side by side (same seed) on the experiment
 *   pool and prints a comparison table, one column per variant, ratios against the first;
 *   with --out, each variant's output goes to DIR/<variant>/ next to DIR/comparison.{json,csv,txt};
 * - `--from DIR` replays one experiment of a sweep or comparison (DIR/points/N, DIR/<variant>)
 *   from the config.json written there, after checking it still resolves to the recorded hash,
 *   and with --out checks that the replay's state digest equals the recorded one;
 * - `--report` writes DIR/report.html after the run.
 *
 * A config with `sweep:` is refused here (`tiersim sweep` runs it).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../config/load.js';
import type { RunResult } from '../metrics/result.js';
import { ConfigError } from '../util/errors.js';
import { planExperiments } from '../sweep/plan.js';
import { experimentBytes, threadBudget } from '../sweep/pool.js';
import { cachedReader, loadBase, sectionOf } from '../sweep/override-set.js';
import { writeReport } from '../sweep/report-files.js';
import { readJson, SweepDirError, type PointStatus } from '../sweep/sweep-dir.js';
import { comparisonRows } from '../sweep/tables.js';
import {
  compared,
  comparisonText,
  runVariants,
  variantStatus,
  writeVariantsOutput,
} from '../sweep/variants.js';
import { partialNote } from '../report/partial.js';
import { FsError } from '../util/fs-errors.js';
import { prepareOutDir } from '../util/out-dir.js';
import { listenForStop, signalExitCode } from '../util/stop.js';
import { Progress, progressWanted, variantsText } from './progress.js';
import { EXIT_CONFIG, EXIT_FAILURE, EXIT_INTERRUPTED, EXIT_OK } from './exit-codes.js';
import { overridesOf, runCommand, type RunOptions } from './run-command.js';

export interface RunEntryOptions extends RunOptions {
  from?: string | undefined;
  report: boolean;
  jobs?: number | undefined;
  recycle: boolean;
  /** --threads was given on the command line (not its default). */
  threadsGiven?: boolean;
}

function usage(message: string): number {
  process.stderr.write(`tiersim: ${message}\n`);
  return EXIT_CONFIG;
}

/** `tiersim run [CONFIG] [--from DIR]`: a plain run, variants, or a replay. */
export async function runEntry(file: string | undefined, options: RunEntryOptions): Promise<number> {
  if (options.report && options.out === undefined)
    return usage('--report needs --out DIR (report.html goes there)');
  try {
    if (options.from !== undefined) {
      if (file !== undefined) return usage('give either a config or --from DIR, not both');
      return await replayCommand(options.from, options);
    }
    if (file === undefined) return usage('missing config: tiersim run CONFIG (or tiersim run --from DIR)');
    const { tree } = loadBase({ file, set: overridesOf(options), readFile: cachedReader() });
    const sweep = sectionOf(tree, 'sweep');
    if (sweep !== undefined) {
      throw new ConfigError([
        {
          code: 'INCONSISTENT',
          path: 'sweep',
          message: `this config is a sweep: run it with \`tiersim sweep ${file} --out DIR\` (\`--dry-run\` lists its points)`,
          location: sweep.loc,
        },
      ]);
    }
    if (sectionOf(tree, 'variants') !== undefined) return await variantsCommand(file, options);
    const code = await runCommand(file, options);
    return await maybeReport(code, options);
  } catch (err) {
    if (err instanceof SweepDirError) return usage(err.message);
    throw err;
  }
}

async function maybeReport(code: number, options: RunEntryOptions): Promise<number> {
  // Nothing to report when the run wrote nothing (a config that failed, say).
  if (!options.report || options.out === undefined || !existsSync(options.out)) return code;
  const file = await writeReport(options.out);
  if (!options.quiet && !options.json) process.stdout.write(`report: ${file}\n`);
  return code;
}

export async function variantsCommand(file: string, options: RunEntryOptions): Promise<number> {
  const plan = planExperiments(file, overridesOf(options));
  if (options.threadsGiven === true) {
    const out = options.out ?? 'DIR';
    process.stderr.write(
      `tiersim: --threads applies to one experiment; variants run side by side on a pool, each inline ` +
        `(same results bit for bit). One variant on per-node workers: tiersim run --from ${out}/<variant> --threads ${options.threads}\n`,
    );
  }
  const largest = Math.max(...plan.points.map((p) => experimentBytes(p.config)));
  const jobs = options.jobs ?? threadBudget(plan.points.length, largest).jobs;
  if (options.out !== undefined) prepareOutDir(options.out);
  const stop = listenForStop();
  const epochsTotal = plan.points.reduce(
    (n, p) => n + Math.max(1, Math.ceil(p.config.run.duration / p.config.run.epoch)),
    0,
  );
  // The latest counts, read by the bar's text at each redraw.
  let latest = { settled: 0, failed: 0, running: 0 };
  const bar = {
    enabled: progressWanted(options.quiet || options.json),
    total: Math.max(1, epochsTotal),
    describe: () => variantsText(latest, plan.points.length),
  };
  const progress = options.progress ?? new Progress(bar);
  progress.retarget(bar);
  progress.phase(
    `${plan.points.length} variants: starting ${Math.min(jobs, plan.points.length)} pool thread(s)`,
  );
  let run;
  try {
    run = await runVariants(plan, {
      jobs,
      recycle: options.recycle,
      shouldStop: () => stop.requested,
      stopSignal: () => stop.signal,
      onProgress: (p) => {
        latest = p;
        progress.update(p.epochsDone);
      },
    });
  } finally {
    progress.stop();
    stop.dispose();
  }
  const { outcomes, stopped } = run;
  let writeError: FsError | undefined;
  if (options.out !== undefined) {
    try {
      writeVariantsOutput(options.out, plan, outcomes);
    } catch (err) {
      if (!(err instanceof FsError)) throw err;
      writeError = err;
    }
  }
  const ok = compared(outcomes);
  if (options.json) {
    const rows = comparisonRows(ok);
    const variants = outcomes.map(({ result, ...o }) => ({
      ...o,
      status: variantStatus({ ...o, result }),
      note: result === undefined ? null : (partialNote(result) ?? null),
    }));
    process.stdout.write(
      JSON.stringify(
        {
          config_file: plan.file,
          completed: variants.every((v) => v.status === 'done'),
          variants,
          rows,
        },
        null,
        1,
      ) + '\n',
    );
  } else if (!options.quiet) {
    const first = ok[0]?.result;
    const head = `tiersim ${first?.version ?? ''} · ${plan.file} · seed ${first?.seed ?? plan.points[0]?.seed} · ${plan.points.length} variants, ratios against ${ok[0]?.name ?? '-'}`;
    const lines = [head];
    if (plan.description !== undefined) lines.push(plan.description);
    for (const o of outcomes) {
      if (o.description !== null) lines.push(`  ${o.name}: ${o.description}`);
    }
    lines.push('', comparisonText(outcomes));
    if (options.out !== undefined && writeError === undefined) {
      lines.push(
        '',
        `written to ${options.out}/ (comparison.json, comparison.csv, comparison.txt, <variant>/)`,
      );
    }
    process.stdout.write(lines.join('\n') + '\n');
  }
  for (const o of outcomes) {
    if (o.error !== null)
      process.stderr.write(
        `tiersim: variant ${o.name} failed:\n  ${o.error.split('\n').slice(0, 4).join('\n  ')}\n`,
      );
  }
  if (writeError !== undefined) {
    process.stderr.write(
      `tiersim: ${writeError.message}\ntiersim: the comparison is not complete in ${options.out}\n`,
    );
    return EXIT_FAILURE;
  }
  if (stopped) {
    process.stderr.write(
      `tiersim: interrupted (${stop.signal ?? 'stopped'}); the comparison holds partial runs, marked as such\n`,
    );
  }
  const interruptedCode = stop.signal === undefined ? EXIT_INTERRUPTED : signalExitCode(stop.signal);
  const code = outcomes.some((o) => o.error !== null) ? EXIT_FAILURE : stopped ? interruptedCode : EXIT_OK;
  return ok.length > 0 && !stopped ? maybeReport(code, options) : code;
}

/** `tiersim run --from DIR`: one sweep point or variant again, from its config.json. */
export async function replayCommand(dir: string, options: RunEntryOptions): Promise<number> {
  const configFile = path.join(dir, 'config.json');
  if (!existsSync(configFile)) {
    return usage(
      `${dir} has no config.json (expected a sweep point's folder DIR/points/N or a variant's DIR/<variant>)`,
    );
  }
  if (options.set.length > 0 || options.seed !== undefined) {
    return usage('--from replays an experiment exactly: --set and --seed cannot be combined with it');
  }
  const recorded = readJson<RunResult>(path.join(dir, 'result.json'));
  const status = readJson<PointStatus>(path.join(dir, 'point.json'));
  const recordedHash = status?.config_hash ?? recorded?.config_hash;
  const { hash } = loadConfig(configFile);
  if (recordedHash !== undefined && recordedHash !== hash) {
    return usage(
      `${configFile} resolves to config ${hash.slice(0, 12)}, but the experiment ran with ${recordedHash.slice(0, 12)} (edited, or a tiersim with other defaults): it cannot be replayed exactly`,
    );
  }
  const code = await runCommand(configFile, options);
  if (options.out !== undefined && typeof recorded?.digest === 'string') {
    const replayed = readJson<RunResult>(path.join(options.out, 'result.json'));
    const same = replayed?.digest === recorded.digest;
    process.stderr.write(
      same
        ? `tiersim: replayed ${dir} exactly: state digest ${recorded.digest} as recorded\n`
        : `tiersim: replay of ${dir} differs: state digest ${replayed?.digest ?? 'none'}, recorded ${recorded.digest}\n`,
    );
    if (!same) return EXIT_FAILURE;
  }
  return maybeReport(code, options);
}
