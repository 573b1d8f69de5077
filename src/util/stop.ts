/**
 * Stopping a run on a signal. SIGINT (Ctrl-C), SIGTERM (what `timeout`, Slurm's scancel and
 * container runtimes send) and SIGHUP (a closed terminal) all ask the same thing: stop at the
 * next epoch boundary, write what exists marked `completed: false` with `stopped_by` naming
 * the signal, and exit 128 + the signal's number as a shell reports it (130, 143, 129). A second
 * signal while stopping exits at once with that code (the user insists; what is written is
 * written atomically, so nothing is left half-written, only unwritten).
 *
 * Every command that runs simulations takes one `StopRequest` for its lifetime.
 */
import { constants } from 'node:os';

export const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
export type StopSignal = (typeof STOP_SIGNALS)[number];

/** 128 + signal number: the status a shell shows for a process ended by that signal. */
export function signalExitCode(signal: StopSignal): number {
  return 128 + constants.signals[signal];
}

export interface StopRequest {
  /** True once a stop signal arrived (polled by the engine between epochs). */
  readonly requested: boolean;
  /** The first signal that arrived, if any. */
  readonly signal: StopSignal | undefined;
  /** Removes the handlers (the process's default signal behaviour returns). */
  dispose(): void;
}

export interface StopOptions {
  /** Called once, on the first signal (e.g. to print "stopping after this epoch"). */
  onFirst?: (signal: StopSignal) => void;
  /** How to leave on a second signal; tests replace it. Default: process.exit. */
  exit?: (code: number) => void;
}

/** Listens for the stop signals until `dispose()`. */
export function listenForStop(options: StopOptions = {}): StopRequest {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const state: { signal: StopSignal | undefined } = { signal: undefined };
  const handlers = STOP_SIGNALS.map((signal) => {
    const handler = () => {
      if (state.signal !== undefined) {
        exit(signalExitCode(signal));
        return;
      }
      state.signal = signal;
      options.onFirst?.(signal);
    };
    process.on(signal, handler);
    return { signal, handler };
  });
  return {
    get requested() {
      return state.signal !== undefined;
    },
    get signal() {
      return state.signal;
    },
    dispose() {
      for (const { signal, handler } of handlers) process.off(signal, handler);
    },
  };
}
