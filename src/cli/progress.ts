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
          format: '{bar} {percentage}% | {info} | ETA {eta_formatted}',
          hideCursor: true,
          clearOnComplete: true,
          fps: 5,
        },
        cliProgress.Presets.shades_classic,
      );
      this.bar.start(this.options.total, done, { info: '' });
    }
    this.bar.update(done, { info: this.options.describe(done, elapsedS) });
  }

  stop(): void {
    this.bar?.stop();
    this.bar = undefined;
  }
}

export function progressWanted(quiet: boolean): boolean {
  return !quiet && process.stderr.isTTY;
}
