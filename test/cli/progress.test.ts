/**
 * Goal: the progress line says what is true at every step: a run shows a line from its start
 * (the phases before the first epoch), the variants count goes 0/5 → 5/5 as variants settle
 * (not "0/5 variants" to the end), the ETA extrapolates the rate since work began.
 * Method: the text functions at each step of a 5-variant run on 2 threads, and a Progress
 * drawing on a stand-in terminal (a Writable that says it is a TTY) to see what is drawn when.
 */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Progress, remainingText, runText, sweepText, variantsText } from '../../src/cli/progress.js';

describe('the progress bar ETA', () => {
  it('extrapolates the rate so far, from the start of the work', () => {
    expect(remainingText(250, 750, 1)).toBe('3s'); // 1 s for a quarter: 3 s for the rest
    expect(remainingText(100, 900, 20.5)).toBe('3m05s'); // 20.5 × 9 = 184.5 → 185 s
    expect(remainingText(1000, 0, 7)).toBe('0s');
  });

  it('says … before anything is done, never NaN', () => {
    expect(remainingText(0, 1000, 1.2)).toBe('…');
    expect(remainingText(10, 990, 0)).toBe('…');
  });
});

describe('the texts after the bar, step by step', () => {
  it('a run: simulated time of the total and the access rate', () => {
    expect(runText(0, 3000, 1e6, 0, 0)).toBe('0 ns of 3 s simulated | … M accesses/s');
    expect(runText(1500, 3000, 1e6, 12e6, 2)).toBe('1.5 s of 3 s simulated | 6.0 M accesses/s');
    expect(runText(3000, 3000, 1e6, 30e6, 5)).toBe('3 s of 3 s simulated | 6.0 M accesses/s');
  });

  it('variants: the count follows the variants as they settle, 0/5 to 5/5', () => {
    // What the pool reports for 5 variants on 2 threads: two start, each settling starts the next.
    const steps = [
      { settled: 0, failed: 0, running: 2 },
      { settled: 1, failed: 0, running: 2 },
      { settled: 2, failed: 0, running: 2 },
      { settled: 3, failed: 1, running: 2 },
      { settled: 4, failed: 1, running: 1 },
      { settled: 5, failed: 1, running: 0 },
    ];
    expect(steps.map((p) => variantsText(p, 5))).toEqual([
      '0/5 variants done · 2 running',
      '1/5 variants done · 2 running',
      '2/5 variants done · 2 running',
      '3/5 variants done (1 failed) · 2 running',
      '4/5 variants done (1 failed) · 1 running',
      '5/5 variants done (1 failed) · 0 running',
    ]);
  });

  it('a sweep: points settled, failed and running', () => {
    expect(sweepText({ settled: 7, failed: 1, running: 2, total: 18 })).toBe(
      '7/18 points · 1 failed · 2 running',
    );
  });
});

/** A terminal stand-in: collects what the bar writes. */
function terminal(): { stream: NodeJS.WritableStream; text: () => string } {
  let written = '';
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      written += chunk.toString();
      done();
    },
  });
  Object.assign(stream, { isTTY: true, columns: 160 });
  // The text as drawn, without the escape sequences that move the cursor.
  // eslint-disable-next-line no-control-regex
  return { stream, text: () => written.replace(/\x1b(\[[0-9;?]*[a-zA-Z]|[78])/g, '') };
}

describe('the bar on a terminal', () => {
  it('a run with phases is drawn at once, naming the phase, then follows the epochs', () => {
    const t = terminal();
    const p = new Progress({
      enabled: true,
      total: 3000,
      describe: (done) => `${done} epochs`,
      stream: t.stream,
    });
    p.phase('building the machine: 4 nodes');
    // Drawn before the first second (the thread may now be busy building the state).
    expect(t.text()).toMatch(/ 0% \| building the machine: 4 nodes \(0\.\d s\) \| ETA …/);
    expect(p.text).toMatch(/^building the machine: 4 nodes \(0\.\d s\)$/);
    p.phase('starting 4 node workers');
    expect(p.text).toMatch(/^starting 4 node workers/);
    p.update(0);
    expect(p.text).toBe('0 epochs');
    p.update(1500);
    expect(p.text).toBe('1500 epochs');
    p.stop();
  });

  it('a bar drawn while loading goes on with the run’s total and text, or is cleared', () => {
    const t = terminal();
    const p = new Progress({ enabled: true, total: 1, describe: () => '', stream: t.stream });
    p.phase('loading tiersim');
    expect(t.text()).toMatch(/ 0% \| loading tiersim \(0\.\d s\)/);
    p.retarget({ enabled: true, total: 200, describe: (done) => `${done} of 200` });
    p.update(50);
    expect(p.text).toBe('50 of 200');
    const cleared = new Progress({ enabled: true, total: 1, describe: () => '', stream: t.stream });
    cleared.phase('loading tiersim');
    const before = t.text().length;
    cleared.retarget({ enabled: false, total: 200, describe: () => 'never' });
    cleared.update(50);
    expect(cleared.text).not.toBe('never');
    // Stopping wrote only the sequences that clear the line: no new text.
    expect(t.text().length).toBe(before);
    p.stop();
  });

  it('work without phases stays silent for its first second (short commands print no bar)', () => {
    const t = terminal();
    const p = new Progress({ enabled: true, total: 10, describe: () => 'x', stream: t.stream });
    p.update(5);
    p.stop();
    expect(t.text()).toBe('');
    expect(p.text).toBe('');
  });

  it('draws nothing when disabled (--quiet, not a terminal)', () => {
    const t = terminal();
    const p = new Progress({ enabled: false, total: 10, describe: () => 'x', stream: t.stream });
    p.phase('building');
    p.update(5);
    p.stop();
    expect(t.text()).toBe('');
  });
});
