/**
 * Goal: a sweep killed mid-way (SIGKILL of the process and its pool threads, nothing cleaned
 * up) resumes: rerunning the same command runs exactly the points that had not finished, never
 * one that had (its files are not touched), and the union is the complete sweep with the same
 * results as the inline scheduler.
 * Method: run `tiersim sweep` from sources in a child process on 12 points, SIGKILL it once at
 * least 3 points have finished, then rerun the command in process and compare.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import type { RunResult } from '../../src/metrics/result.js';
import type { PointStatus } from '../../src/sweep/sweep-dir.js';
import { runLoaded } from '../helpers/run.js';
import { smallWith, tempDir, tiersim, writeConfig } from './helpers.js';

const POINTS = 12;
const CLI = path.join(import.meta.dirname, 'fixtures', 'cli.ts');

function finished(out: string): number[] {
  const done: number[] = [];
  for (let i = 0; i < POINTS; i++) {
    const file = path.join(out, 'points', String(i), 'point.json');
    if (existsSync(file) && (JSON.parse(readFileSync(file, 'utf8')) as PointStatus).status === 'done')
      done.push(i);
  }
  return done;
}

describe('a killed sweep resumes', () => {
  it('reruns exactly the unfinished points; the union is complete and nothing ran twice', async () => {
    const dir = tempDir('kill');
    const file = writeConfig(
      dir,
      'sweep.yaml',
      smallWith(`
sweep:
  grid:
    kernel.demotion_enabled: [true, false]
  seeds: 6
`),
    );
    const out = path.join(dir, 'out');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', CLI, 'sweep', file, '--out', out, '--jobs', '2', '--quiet'],
      {
        cwd: path.resolve(import.meta.dirname, '..', '..'),
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
      child.on('exit', (code, signal) => resolve(signal ?? code)),
    );
    const deadline = Date.now() + 90_000;
    while (finished(out).length < 3 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 25));
    }
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    expect(stderr).toBe('');

    const before = finished(out);
    expect(before.length).toBeGreaterThanOrEqual(3);
    expect(before.length).toBeLessThan(POINTS);
    const stamps = new Map(
      before.map((i) => [i, statSync(path.join(out, 'points', String(i), 'point.json')).mtimeMs]),
    );

    const r = await tiersim('sweep', file, '--out', out, '--jobs', '2');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      `ran ${POINTS - before.length} point(s) (0 failed), skipped ${before.length} already finished`,
    );
    expect(finished(out)).toEqual(Array.from({ length: POINTS }, (_, i) => i));
    for (const [i, stamp] of stamps) {
      expect(statSync(path.join(out, 'points', String(i), 'point.json')).mtimeMs).toBe(stamp);
    }
    for (let i = 0; i < POINTS; i++) {
      const pointDir = path.join(out, 'points', String(i));
      const inline = await runLoaded(loadConfig(path.join(pointDir, 'config.json')));
      const recorded = JSON.parse(readFileSync(path.join(pointDir, 'result.json'), 'utf8')) as RunResult;
      expect(recorded.digest).toBe(inline.result.digest);
    }
    const summary = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8')) as { done: number };
    expect(summary.done).toBe(POINTS);
    // Above the 90 s wait for the first points plus the resume and the inline reruns, so the
    // wait's own assertion reports a slow machine, not the suite's 60 s default.
  }, 300_000);
});
