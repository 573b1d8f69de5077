/**
 * A progress bar on stderr: shown only on a terminal and not with --quiet. Work that reports
 * its phases (`phase()`: building the machine, starting the node workers — a second or more
 * before the first epoch, several on a loaded machine) shows the bar at once with the phase
 * named, so a run is never silent at its start; work that only counts (`update()`) shows it
 * once it has run for a second (short commands stay silent).
 *
 * The texts after the bar are plain functions of the counts (runText, variantsText, sweepText)
 * so each step's text can be checked without a terminal.
 */
import cliProgress from 'cli-progress';
import { wallNowMs } from '../report/wallclock.js';
import { formatDuration } from '../config/units.js';

export interface ProgressOptions {
  enabled: boolean;
  total: number;
  /** Text after the bar, given the units done and the wall seconds since the first unit started. */
  describe: (done: number, elapsedS: number) => string;
  /** Where the bar is drawn (tests give a stand-in terminal). */
  stream?: NodeJS.WritableStream | undefined;
}

export class Progress {
  private bar: cliProgress.SingleBar | undefined;
  private readonly startMs = wallNowMs();
  /** When work began (the first update(), after the phases): the ETA's rate starts there. */
  private workStart: { ms: number; done: number } | undefined;
  private options: ProgressOptions;
  /** The text shown after the bar last (for tests and for a final look). */
  text = '';

  constructor(options: ProgressOptions) {
    this.options = options;
  }

  private show(done: number, info: string, remaining: string): void {
    this.text = info;
    if (this.bar === undefined) {
      this.bar = new cliProgress.SingleBar(
        {
          stream: this.options.stream ?? process.stderr,
          // Our own ETA: the bar's is computed from its own start and shows NaN until it has a rate.
          format: '{bar} {percentage}% | {info} | ETA {remaining}',
          hideCursor: true,
          clearOnComplete: true,
          fps: 5,
        },
        cliProgress.Presets.shades_classic,
      );
      this.bar.start(this.options.total, done, { info, remaining });
      return;
    }
    this.bar.update(done, { info, remaining });
  }

  /**
   * Names what is happening before the first unit of work ("building the machine: 4 nodes"),
   * drawn at once: the thread may be busy for a while after this call (building the state is
   * synchronous), and the line must already be on the terminal.
   */
  phase(text: string): void {
    if (!this.options.enabled) return;
    const elapsed = (wallNowMs() - this.startMs) / 1000;
    this.show(0, `${text} (${elapsed.toFixed(1)} s)`, '…');
    // cli-progress draws an update only every 200 ms; a phase is drawn now.
    (this.bar as unknown as { render(): void }).render();
  }

  /**
   * Goes on with a bar drawn before the work's size was known (main.ts draws "loading tiersim"
   * before the command's modules load): the new total and text, and whether it is wanted at
   * all (a run with --json, say, clears the loading line).
   */
  retarget(options: Omit<ProgressOptions, 'stream'>): void {
    if (!options.enabled) this.stop();
    this.options = { ...options, stream: this.options.stream };
    this.bar?.setTotal(options.total);
  }

  update(done: number): void {
    if (!this.options.enabled) return;
    const now = wallNowMs();
    this.workStart ??= { ms: now, done };
    if (this.bar === undefined && (now - this.startMs) / 1000 < 1) return;
    const sinceWork = (now - this.workStart.ms) / 1000;
    this.show(
      done,
      this.options.describe(done, sinceWork),
      remainingText(done - this.workStart.done, this.options.total - done, sinceWork),
    );
  }

  stop(): void {
    this.bar?.stop();
    this.bar = undefined;
  }
}

/**
 * Time left at the rate so far: "12s", "3m05s", or "…" before anything is done. `done` units
 * took `elapsedS`; `left` units remain.
 */
export function remainingText(done: number, left: number, elapsedS: number): string {
  if (!(done > 0) || !(elapsedS > 0)) return '…';
  const s = Math.max(0, Math.round((elapsedS * left) / done));
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

/** One run: "1.2 s of 3 s simulated | 3.4 M accesses/s". */
export function runText(
  done: number,
  epochs: number,
  epochNs: number,
  accesses: number,
  elapsedS: number,
): string {
  const rate = elapsedS > 0 ? (accesses / elapsedS / 1e6).toFixed(1) : '…';
  return `${formatDuration(done * epochNs)} of ${formatDuration(epochs * epochNs)} simulated | ${rate} M accesses/s`;
}

/** Variants side by side: "2/5 variants done · 2 running" (failed ones said when there are any). */
export function variantsText(p: { settled: number; failed: number; running: number }, total: number): string {
  const failed = p.failed > 0 ? ` (${p.failed} failed)` : '';
  return `${p.settled}/${total} variants done${failed} · ${p.running} running`;
}

/** A sweep: "7/18 points · 0 failed · 2 running". */
export function sweepText(p: { settled: number; failed: number; running: number; total: number }): string {
  return `${p.settled}/${p.total} points · ${p.failed} failed · ${p.running} running`;
}

export function progressWanted(quiet: boolean): boolean {
  return !quiet && process.stderr.isTTY;
}
