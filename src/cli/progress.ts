/**
 * A progress bar on stderr for work that takes more than a second: shown only on a terminal and
 * not with --quiet, and only once the work has run for a second (short runs stay silent).
 */
import cliProgress from 'cli-progress';
import { wallNowMs } from '../report/wallclock.js';

export interface ProgressOptions {
  enabled: boolean;
  total: number;
  /** Text after the bar, given the units done and the elapsed wall seconds. */
  describe: (done: number, elapsedS: number) => string;
}

export class Progress {
  private bar: cliProgress.SingleBar | undefined;
  private readonly startMs = wallNowMs();
  private readonly options: ProgressOptions;

  constructor(options: ProgressOptions) {
    this.options = options;
  }

  update(done: number): void {
    if (!this.options.enabled) return;
    const elapsedS = (wallNowMs() - this.startMs) / 1000;
    if (this.bar === undefined) {
      if (elapsedS < 1) return;
      this.bar = new cliProgress.SingleBar(
        {
          stream: process.stderr,
          // Our own ETA: the bar's is computed from its own start (a second late) and shows NaN
          // until it has a rate.
          format: '{bar} {percentage}% | {info} | ETA {remaining}',
          hideCursor: true,
          clearOnComplete: true,
          fps: 5,
        },
        cliProgress.Presets.shades_classic,
      );
      this.bar.start(this.options.total, done, { info: '', remaining: '' });
    }
    this.bar.update(done, {
      info: this.options.describe(done, elapsedS),
      remaining: remainingText(done, this.options.total, elapsedS),
    });
  }

  stop(): void {
    this.bar?.stop();
    this.bar = undefined;
  }
}

/** Time left at the rate so far: "12s", "3m05s", or "…" before anything is done. */
export function remainingText(done: number, total: number, elapsedS: number): string {
  if (!(done > 0) || !(elapsedS > 0)) return '…';
  const left = Math.max(0, Math.round((elapsedS * (total - done)) / done));
  return left < 60 ? `${left}s` : `${Math.floor(left / 60)}m${String(left % 60).padStart(2, '0')}s`;
}

export function progressWanted(quiet: boolean): boolean {
  return !quiet && process.stderr.isTTY;
}
