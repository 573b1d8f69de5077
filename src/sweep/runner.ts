/**
 * Running a list of experiments on the pool: at most `jobs` in flight (one per progress slot),
 * each settled outcome handed to the caller as soon as it arrives (so results land on disk as
 * points finish), progress polled from the shared words a few times a second, and a stop that
 * lets running experiments end after their current epoch and starts no new one.
 */
import type { Config } from '../config/schema.js';
import { ExperimentPool } from './pool.js';
import { PROGRESS_SLOT0, PROGRESS_STOP, progressBuffer, type ExperimentOutcome } from './protocol.js';
import { runExperimentTask } from './task.js';

export interface Runnable {
  index: number;
  config: Config;
  hash: string;
  /** Shown as the result's config_file. */
  file: string;
  /** Epochs the experiment runs (for progress and ETA). */
  epochs: number;
}

export interface ExecutionProgress {
  epochsDone: number;
  settled: number;
  failed: number;
  running: number;
}

export interface ExecuteOptions {
  jobs: number;
  recycle: boolean;
  /** `'pool'`, or `'this-thread'`: run here, one at a time (`--index`, where one point runs). */
  where: 'pool' | 'this-thread';
  /** Polled a few times a second; true stops the run (running experiments end after an epoch). */
  shouldStop: () => boolean;
  onProgress: (p: ExecutionProgress) => void;
  /** Called once per experiment, in completion order, as soon as it settles. */
  onSettled: (experiment: Runnable, outcome: ExperimentOutcome) => void;
}

const POLL_MS = 200;

/** Runs the experiments; resolves when all settled (or stopped: then `stopped` is true). */
export async function executeExperiments(
  experiments: readonly Runnable[],
  options: ExecuteOptions,
): Promise<{ stopped: boolean }> {
  const jobs = options.where === 'pool' ? Math.max(1, Math.min(options.jobs, experiments.length)) : 1;
  const progress = progressBuffer(jobs);
  const words = new Int32Array(progress);
  const pool = options.where === 'pool' ? new ExperimentPool({ jobs, recycle: options.recycle }) : undefined;
  const state = { next: 0, epochsSettled: 0, settled: 0, failed: 0, running: 0, stopped: false };

  const poll = () => {
    if (!state.stopped && options.shouldStop()) {
      state.stopped = true;
      Atomics.store(words, PROGRESS_STOP, 1);
    }
    let inFlight = 0;
    for (let slot = 0; slot < jobs; slot++) inFlight += Atomics.load(words, PROGRESS_SLOT0 + slot);
    options.onProgress({
      epochsDone: state.epochsSettled + inFlight,
      settled: state.settled,
      failed: state.failed,
      running: state.running,
    });
  };

  const slotLoop = async (slot: number) => {
    while (!state.stopped && state.next < experiments.length) {
      const e = experiments[state.next++];
      Atomics.store(words, PROGRESS_SLOT0 + slot, 0);
      state.running++;
      const task = { index: e.index, slot, config: e.config, hash: e.hash, file: e.file, progress };
      const outcome = pool === undefined ? await runExperimentTask(task) : await pool.run(task);
      state.running--;
      Atomics.store(words, PROGRESS_SLOT0 + slot, 0);
      state.epochsSettled += e.epochs;
      state.settled++;
      if (!outcome.ok) state.failed++;
      options.onSettled(e, outcome);
    }
  };

  const timer = setInterval(poll, POLL_MS);
  const loops = Array.from({ length: jobs }, (_, slot) => slotLoop(slot));
  try {
    await Promise.all(loops);
  } catch (err) {
    // A caller's onSettled threw (a full disk, say): start nothing more, let the running
    // experiments stop, and only then end the pool (never a thread that is still loading).
    state.stopped = true;
    Atomics.store(words, PROGRESS_STOP, 1);
    await Promise.allSettled(loops);
    throw err;
  } finally {
    clearInterval(timer);
    await pool?.destroy();
  }
  poll();
  return { stopped: state.stopped };
}
