/**
 * The boundary between the sweep's main thread and its pool threads, read by both sides: what a
 * task carries, what it returns, and the shared progress words.
 *
 *   main thread                                   pool thread (workers/experiment.worker.ts)
 *   ───────────                                   ──────────────────────────────────────────
 *   pool.run(ExperimentTask) ───── piscina ─────▶ runExperimentTask: build the simulation,
 *                                                 run every epoch inline,
 *   poll progress[PROGRESS_SLOT0 + slot] ◀─────── store epochs done (Atomics.store) every few epochs
 *   Atomics.store(progress[PROGRESS_STOP], 1) ──▶ polled after each epoch: stop, return partial
 *   ◀──────────────────── ExperimentOutcome ───── result (or the error) + thread facts
 *
 * The progress buffer is the only shared memory; configs and results cross by structured clone
 * (once per experiment, which is cheap next to a run of seconds).
 */
import type { Config } from '../config/schema.js';
import type { RunResult } from '../metrics/result.js';

/** Int32 word set to 1 to ask every running task to stop after its current epoch. */
export const PROGRESS_STOP = 0;
/** First per-task word: epochs done by the task in slot 0 (slot i is word PROGRESS_SLOT0 + i). */
export const PROGRESS_SLOT0 = 1;

export function progressBuffer(slots: number): SharedArrayBuffer {
  return new SharedArrayBuffer((PROGRESS_SLOT0 + slots) * Int32Array.BYTES_PER_ELEMENT);
}

export interface ExperimentTask {
  /** Point index (sweeps) or variant position: named in errors and fault injection. */
  index: number;
  /** Word of the progress buffer this task writes. */
  slot: number;
  config: Config;
  hash: string;
  /** Shown as the result's config_file. */
  file: string;
  progress: SharedArrayBuffer;
}

/** Facts about the thread that ran a task (what the closure-penalty remedy is about). */
export interface ThreadFacts {
  threadId: number;
  /** Simulations this thread has started, this one included (1 = a fresh thread). */
  simulationsInThread: number;
  /** V8 heap of the thread after the run (the shared state is outside it). */
  heapUsedBytes: number;
}

export type ExperimentOutcome =
  ({ ok: true; result: RunResult } & ThreadFacts) | ({ ok: false; error: string } & ThreadFacts);
