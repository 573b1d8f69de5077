/**
 * `tiersim run CONFIG`: load and validate (nothing is written for a config that fails), run all
 * epochs with a progress bar, write the output directory, print the summary. Ctrl-C stops after
 * the current epoch; the epochs already run are reported and written, and the exit code is 130.
 */
import path from 'node:path';
import { loadConfig } from '../config/load.js';
import { ConfigError } from '../util/errors.js';
import { formatDuration } from '../config/units.js';
import { runInline } from '../engine/inline.js';
import { createSimulation, type Simulation } from '../engine/simulation.js';
import { taskAccesses } from '../metrics/series.js';
import { buildResult, type RunResult } from '../metrics/result.js';
import { formatSummary } from '../report/summary.js';
import { wallIsoNow, wallNowMs } from '../report/wallclock.js';
import { writeRunOutput } from '../report/write.js';
import { Progress, progressWanted } from './progress.js';

export interface RunOptions {
  out?: string | undefined;
  seed?: number | undefined;
  set: string[];
  quiet: boolean;
  json: boolean;
  threads: string;
}

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_CONFIG = 2;
export const EXIT_INTERRUPTED = 130;

/** Yield to the event loop this often so Ctrl-C and the progress bar get a turn. */
const YIELD_EVERY_MS = 100;

export function overridesOf(options: Pick<RunOptions, 'set' | 'seed'>): string[] {
  return options.seed === undefined ? options.set : [...options.set, `run.seed=${options.seed}`];
}

export async function runCommand(file: string, options: RunOptions): Promise<number> {
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
  if (options.threads !== 'inline') {
    process.stderr.write(`tiersim: --threads ${options.threads} is not available yet; running inline\n`);
  }
  const started = wallIsoNow();
  const t0 = wallNowMs();
  const sim = createSimulation(loaded.config);
  const epochs = sim.spec.epochs;
  const epochNs = sim.spec.params.epochNs;
  let interrupted = false;
  const onSigint = () => {
    interrupted = true;
  };
  process.on('SIGINT', onSigint);
  const progress = new Progress({
    enabled: progressWanted(options.quiet),
    total: epochs,
    describe: (done, elapsedS) =>
      `${formatDuration(done * epochNs)} of ${formatDuration(epochs * epochNs)} simulated | ${(accessesSoFar(sim) / elapsedS / 1e6).toFixed(1)} M accesses/s`,
  });
  let lastYield = wallNowMs();
  let outcome;
  try {
    outcome = await runInline(sim, {
      afterEpoch: async (done) => {
        progress.update(done);
        if (wallNowMs() - lastYield >= YIELD_EVERY_MS) {
          await new Promise((resolve) => setImmediate(resolve));
          lastYield = wallNowMs();
        }
        return !interrupted;
      },
    });
  } finally {
    progress.stop();
    process.off('SIGINT', onSigint);
  }
  const elapsedMs = wallNowMs() - t0;
  const result = buildResult(
    sim.s,
    { ...loaded, file: displayPath(file) },
    outcome.sampler.series,
    outcome.epochsDone,
    epochs,
    {
      started_at: started,
      elapsed_ms: Math.round(elapsedMs),
      scheduler: 'inline',
      accesses_per_second: Math.round(accessesSoFar(sim) / (elapsedMs / 1000)),
    },
  );
  emit(result, options);
  if (interrupted) {
    process.stderr.write(
      `tiersim: interrupted after ${outcome.epochsDone} of ${epochs} epochs; partial results ${options.out === undefined ? 'shown' : `written to ${options.out}`}\n`,
    );
    return EXIT_INTERRUPTED;
  }
  return EXIT_OK;
}

function accessesSoFar(sim: Simulation): number {
  return taskAccesses(sim.s).reduce((a, b) => a + b, 0);
}

function emit(result: RunResult, options: RunOptions): void {
  if (options.out !== undefined) writeRunOutput(options.out, result);
  if (options.json) process.stdout.write(JSON.stringify(result, null, 1) + '\n');
  else if (!options.quiet) process.stdout.write(formatSummary(result) + '\n');
  if (options.out !== undefined && !options.quiet && !options.json)
    process.stdout.write(`\nwritten to ${options.out}/ (result.json, vmstat, series.csv, nodes/)\n`);
}

function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), path.resolve(file));
  return relative.startsWith('..') ? path.resolve(file) : relative;
}
