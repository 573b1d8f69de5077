/**
 * `tiersim run CONFIG`: load and validate (nothing is written for a config that fails), run all
 * epochs on the chosen scheduler with a progress bar, write the output directory, print the
 * summary. `--out` is checked (made, writable) before the simulation starts. Ctrl-C, SIGTERM
 * or SIGHUP stops after the current epoch; the epochs already run are reported and written
 * (`completed: false`, `stopped_by` the signal), and the exit code is 128 + the signal's number
 * (130, 143, 129). A write error is one line and exit code 1, after the summary. A failure in a worker ends the run with an error naming the
 * node, epoch and phase; the epochs finished before it are written; the exit code is 1.
 */
import path from 'node:path';
import { loadConfig } from '../config/load.js';
import { collectResult } from '../engine/results.js';
import { runScheduled, type SchedulerName } from '../engine/scheduler.js';
import { createSimulation, type Simulation } from '../engine/simulation.js';
import type { RunResult, WallClock } from '../metrics/result.js';
import { taskAccesses } from '../metrics/series.js';
import { formatSummary } from '../report/summary.js';
import { wallIsoNow, wallNowMs } from '../report/wallclock.js';
import { writeRunOutput } from '../report/write.js';
import { ConfigError } from '../util/errors.js';
import { FsError } from '../util/fs-errors.js';
import { prepareOutDir } from '../util/out-dir.js';
import { listenForStop, signalExitCode } from '../util/stop.js';
import { EXIT_FAILURE, EXIT_OK } from './exit-codes.js';
import { Progress, progressWanted, runText } from './progress.js';

export interface RunOptions {
  out?: string | undefined;
  seed?: number | undefined;
  set: string[];
  quiet: boolean;
  json: boolean;
  threads: SchedulerName;
  /** When the command started (performance.now() ms; 0 = process start): the printed rate
   * covers loading, the run and the end-of-run state. Default: when runCommand was called. */
  startedMs?: number | undefined;
  /** A bar already on the terminal (main.ts's "loading tiersim"), to go on with. */
  progress?: Progress | undefined;
}

export function overridesOf(options: Pick<RunOptions, 'set' | 'seed'>): string[] {
  return options.seed === undefined ? options.set : [...options.set, `run.seed=${options.seed}`];
}

export async function runCommand(file: string, options: RunOptions): Promise<number> {
  const t0 = options.startedMs ?? wallNowMs();
  const loaded = loadConfig(file, { set: overridesOf(options) });
  if (loaded.config.workload === undefined) {
    throw new ConfigError([
      {
        code: 'MISSING_KEY',
        path: 'workload',
        message: 'this config has no workload to run (a topology file? try `tiersim topology`)',
        location: { file, line: 1, col: 1 },
      },
    ]);
  }
  if (options.out !== undefined) prepareOutDir(options.out);
  const started = wallIsoNow();
  const { run } = loaded.config;
  const nodes = loaded.config.topology.nodes.length;
  // As createSimulation counts them (engine/simulation.ts).
  const epochs = Math.max(1, Math.ceil(run.duration / run.epoch));
  // The bar from the start: building the state and starting the workers take a second or more.
  const built: { sim?: Simulation } = {};
  const bar = {
    enabled: progressWanted(options.quiet),
    total: epochs,
    describe: (done: number, elapsedS: number) =>
      runText(done, epochs, run.epoch, built.sim === undefined ? 0 : accessesSoFar(built.sim), elapsedS),
  };
  // The bar main.ts drew while the modules loaded, or a new one.
  const progress = options.progress ?? new Progress(bar);
  progress.retarget(bar);
  progress.phase(`building the machine: ${nodes} node${nodes === 1 ? '' : 's'}`);
  const sim = createSimulation(loaded.config);
  built.sim = sim;
  progress.phase(
    options.threads === 'per-node' ? `starting ${nodes} node worker${nodes === 1 ? '' : 's'}` : 'starting',
  );
  const stop = listenForStop();
  let outcome;
  try {
    outcome = await runScheduled(sim, options.threads, {
      onProgress: (done) => progress.update(done),
      shouldStop: () => stop.requested,
    });
  } finally {
    progress.stop();
    stop.dispose();
  }
  const wall: WallClock = {
    started_at: started,
    elapsed_ms: 0,
    scheduler: options.threads,
    accesses_per_second: 0,
    ...(outcome.barrierWaitShare === undefined
      ? {}
      : { barrier_wait_share: outcome.barrierWaitShare.map((x) => Math.round(x * 1000) / 1000) }),
    ...(outcome.threads === undefined ? {} : { threads: outcome.threads }),
    ...(outcome.autoChoice === undefined ? {} : { auto_choice: outcome.autoChoice }),
  };
  const result = collectResult(sim, {
    loaded: { ...loaded, file: displayPath(file) },
    stoppedBy: outcome.stoppedBy === 'interrupted' ? (stop.signal ?? 'interrupted') : outcome.stoppedBy,
    fromSnapshot: outcome.failure !== undefined,
    wall,
  });
  // The wall clock covers the whole command up to here (start-up, config, the run, the digest
  // and the other end-of-run scans), not the epochs alone: it is the rate a user waits for.
  const elapsedMs = wallNowMs() - t0;
  wall.elapsed_ms = Math.round(elapsedMs);
  wall.accesses_per_second = Math.round(accessesSoFar(sim) / (elapsedMs / 1000));
  const writeError = emit(result, options);
  if (writeError !== undefined) {
    process.stderr.write(
      `tiersim: ${writeError.message}\ntiersim: the results are not complete in ${options.out}\n`,
    );
    return EXIT_FAILURE;
  }
  const where = options.out === undefined ? 'shown above' : `written to ${options.out}`;
  if (outcome.failure !== undefined) {
    process.stderr.write(
      `tiersim: run failed: ${outcome.failure.message}\ntiersim: the ${result.epochs_run} epochs finished before it are ${where}\n`,
    );
    return EXIT_FAILURE;
  }
  if (stop.signal !== undefined) {
    process.stderr.write(
      `tiersim: interrupted (${stop.signal}) after ${result.epochs_run} of ${epochs} epochs; partial results ${where}\n`,
    );
    return signalExitCode(stop.signal);
  }
  return EXIT_OK;
}

function accessesSoFar(sim: Simulation): number {
  return taskAccesses(sim.s).reduce((a, b) => a + b, 0);
}

/** Writes the output directory and prints; a write error is returned (after the summary). */
function emit(result: RunResult, options: RunOptions): FsError | undefined {
  let writeError: FsError | undefined;
  if (options.out !== undefined) {
    try {
      writeRunOutput(options.out, result);
    } catch (err) {
      if (!(err instanceof FsError)) throw err;
      writeError = err;
    }
  }
  if (options.json) process.stdout.write(JSON.stringify(result, null, 1) + '\n');
  else if (!options.quiet) process.stdout.write(formatSummary(result) + '\n');
  if (options.out !== undefined && writeError === undefined && !options.quiet && !options.json) {
    process.stdout.write(`\nwritten to ${options.out}/ (result.json, vmstat, series.csv, nodes/)\n`);
  }
  return writeError;
}

function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), path.resolve(file));
  return relative.startsWith('..') ? path.resolve(file) : relative;
}
