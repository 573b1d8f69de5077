/**
 * One experiment, run to its end on the calling thread with the inline scheduler: what a pool
 * thread does per task (workers/experiment.worker.ts re-exports it), and what `--index` runs in
 * the main thread. It never throws: a failure comes back as `{ ok: false, error }`, so one
 * failing point cannot take its thread, or the sweep, down with it.
 */
import { getHeapStatistics } from 'node:v8';
import { threadId } from 'node:worker_threads';
import { collectResult } from '../engine/results.js';
import { runScheduled } from '../engine/scheduler.js';
import { createSimulation, type Simulation } from '../engine/simulation.js';
import { taskAccesses } from '../metrics/series.js';
import { wallIsoNow, wallNowMs } from '../report/wallclock.js';
import { ConfigError, SimulationError } from '../util/errors.js';
import { TraceError } from '../workload/trace/errors.js';
import { PROGRESS_SLOT0, PROGRESS_STOP, type ExperimentOutcome, type ExperimentTask } from './protocol.js';

/**
 * Test-only fault injection: `TIERSIM_INJECT_POINT_FAULT=3,5` makes points 3 and 5 throw after
 * their second epoch (a failure inside a run, as a bug or an impossible state would cause).
 */
export const INJECT_POINT_FAULT_ENV = 'TIERSIM_INJECT_POINT_FAULT';
const INJECT_AFTER_EPOCHS = 2;

/**
 * Simulations started on this thread. Not simulation state (habit 4 holds: each run's state
 * hangs off its own Simulation): it only reports whether a thread was fresh, because V8 runs
 * the access loop about 2x slower in a thread's second simulation (see pool.ts).
 */
let simulationsInThread = 0;

export async function runExperimentTask(task: ExperimentTask): Promise<ExperimentOutcome> {
  simulationsInThread++;
  const facts = () => ({
    threadId,
    simulationsInThread,
    heapUsedBytes: getHeapStatistics().used_heap_size,
  });
  try {
    const result = await runOne(task);
    return { ok: true, result, ...facts() };
  } catch (err) {
    return { ok: false, error: describeFailure(err), ...facts() };
  }
}

async function runOne(task: ExperimentTask) {
  const progress = new Int32Array(task.progress);
  const inject = injectedFault(task.index);
  const started = wallIsoNow();
  const t0 = wallNowMs();
  const sim = createSimulation(task.config);
  let epochs = 0;
  const outcome = await runScheduled(sim, 'inline', {
    onProgress: (done) => {
      // Relaxed progress report: the main thread only reads it for the progress bar.
      Atomics.store(progress, PROGRESS_SLOT0 + task.slot, done);
    },
    shouldStop: () => {
      epochs++;
      if (inject && epochs === INJECT_AFTER_EPOCHS) {
        throw new SimulationError(
          `injected fault (${INJECT_POINT_FAULT_ENV}) in point ${task.index} after epoch ${epochs}`,
        );
      }
      return Atomics.load(progress, PROGRESS_STOP) !== 0;
    },
  });
  const elapsedMs = wallNowMs() - t0;
  return collectResult(sim, {
    loaded: { config: task.config, hash: task.hash, file: task.file },
    stoppedBy: outcome.stoppedBy,
    fromSnapshot: false,
    wall: {
      started_at: started,
      elapsed_ms: Math.round(elapsedMs),
      scheduler: 'inline',
      accesses_per_second: Math.round(accesses(sim) / (elapsedMs / 1000)),
    },
  });
}

function accesses(sim: Simulation): number {
  return taskAccesses(sim.s).reduce((a, b) => a + b, 0);
}

/**
 * A failure as point.json and the task's log record it: the message of an error tiersim
 * reports to users (a simulation or trace error, a config problem), the stack only of an
 * internal error (a bug, which the stack helps to find).
 */
export function describeFailure(err: unknown): string {
  if (err instanceof SimulationError || err instanceof TraceError || err instanceof ConfigError)
    return err.message;
  if (err instanceof Error) return `internal error: ${err.stack ?? err.message}`;
  return String(err);
}

function injectedFault(index: number): boolean {
  const spec = process.env[INJECT_POINT_FAULT_ENV];
  if (spec === undefined || spec === '') return false;
  return spec.split(',').some((s) => Number(s.trim()) === index);
}
