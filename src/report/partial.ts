/**
 * How a run that did not finish is named everywhere it appears (summary, comparison tables,
 * JSON, HTML): "interrupted by SIGTERM at epoch 1977 of 10000", or "stopped at epoch 5 of 40:
 * node 1 failed ...". Counters of a partial run cover fewer simulated seconds than its config
 * says, so every table that sets runs side by side marks them.
 */
import type { RunResult } from '../metrics/result.js';
import { STOP_SIGNALS } from '../util/stop.js';

type Partial = Pick<RunResult, 'completed' | 'epochs_run' | 'epochs_planned' | 'stopped_by'>;

/** undefined for a run that completed. */
export function partialNote(r: Partial): string | undefined {
  if (r.completed) return undefined;
  const at = `at epoch ${r.epochs_run} of ${r.epochs_planned}`;
  const by = r.stopped_by ?? 'interrupted';
  if (by === 'interrupted') return `interrupted ${at}`;
  if ((STOP_SIGNALS as readonly string[]).includes(by)) return `interrupted by ${by} ${at}`;
  return `stopped ${at}: ${by}`;
}

/**
 * Names the signal in a result the engine marked 'interrupted' (pool threads see only a stop
 * word, not the signal the main thread received).
 */
export function nameStopSignal(r: Pick<RunResult, 'stopped_by'>, signal: string | undefined): void {
  if (signal !== undefined && r.stopped_by === 'interrupted') r.stopped_by = signal;
}
