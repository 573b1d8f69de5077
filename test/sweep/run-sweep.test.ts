/**
 * Goal: `tiersim sweep` runs every point on the piscina pool and writes a reproducible,
 * resumable directory: manifest, one folder per point (config, output, point.json last), the
 * summary tables; a rerun does nothing; a failing point is reported with its error, does not
 * stop the others, and is the only one a rerun runs; `merge` works on a partial directory;
 * `--index` runs one point; `--emit slurm` writes a valid bash array script; `run --from`
 * replays a point exactly. Results equal the inline scheduler's in this process, with a fresh
 * thread per point or one thread for all (the closure-penalty remedy changes speed only).
 * Method: the CLI in process on a 6-point sweep of SMALL_515 (80 epochs per point).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import type { RunResult } from '../../src/metrics/result.js';
import { INJECT_POINT_FAULT_ENV } from '../../src/sweep/task.js';
import type { Manifest, PointStatus } from '../../src/sweep/sweep-dir.js';
import { runLoaded } from '../helpers/run.js';
import { SMALL_SWEEP, tempDir, tiersim, writeConfig } from './helpers.js';

const dir = tempDir('sweep');
const file = writeConfig(dir, 'small-sweep.yaml', SMALL_SWEEP);
const out = path.join(dir, 'out');

function json<T>(...parts: string[]): T {
  return JSON.parse(readFileSync(path.join(...parts), 'utf8')) as T;
}
const status = (d: string, i: number) => json<PointStatus>(d, 'points', String(i), 'point.json');
const result = (d: string, i: number) => json<RunResult>(d, 'points', String(i), 'result.json');
const mtime = (d: string, i: number) => statSync(path.join(d, 'points', String(i), 'point.json')).mtimeMs;

let inlineDigests: (string | null)[] = [];

beforeAll(async () => {
  const r = await tiersim('sweep', file, '--out', out, '--jobs', '2', '--quiet');
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  // The same points run inline in this process, from the config.json each point folder holds.
  inlineDigests = [];
  for (let i = 0; i < 6; i++) {
    const run = await runLoaded(loadConfig(path.join(out, 'points', String(i), 'config.json')));
    inlineDigests.push(run.result.digest);
  }
});

describe('tiersim sweep', () => {
  it('writes the manifest, every point (config, output, point.json) and the summary tables', () => {
    const manifest = json<Manifest>(out, 'manifest.json');
    expect(manifest.format).toBe('tiersim-sweep/1');
    expect(manifest.keys).toEqual(['kernel.demotion_enabled', 'seed']);
    expect(manifest.points.map((p) => [p.values['kernel.demotion_enabled'], p.seed])).toEqual([
      [true, 9],
      [true, 10],
      [true, 11],
      [false, 9],
      [false, 10],
      [false, 11],
    ]);
    for (const p of manifest.points) {
      const s = status(out, p.index);
      expect(s.status).toBe('done');
      expect(s.config_hash).toBe(p.config_hash);
      const r = result(out, p.index);
      expect(r.config_hash).toBe(p.config_hash);
      expect(r.seed).toBe(p.seed);
      expect(r.completed).toBe(true);
      expect(r.demotion_enabled).toBe(p.values['kernel.demotion_enabled']);
      for (const f of ['config.json', 'vmstat', 'series.csv', 'nodes/node0/meminfo']) {
        expect(existsSync(path.join(out, 'points', String(p.index), f))).toBe(true);
      }
    }
    // SMALL_515 demotes with demotion on, never with it off.
    expect(result(out, 0).vmstat['pgdemote_kswapd']).toBeGreaterThan(0);
    expect(result(out, 3).vmstat['pgdemote_kswapd']).toBe(0);
    const csv = readFileSync(path.join(out, 'summary.csv'), 'utf8').trim().split('\n');
    expect(csv).toHaveLength(7);
    const header = csv[0].split(',');
    expect(header.slice(0, 5)).toEqual(['index', 'status', 'kernel.demotion_enabled', 'seed', 'score']);
    expect(header).toEqual(expect.arrayContaining(['pgdemote_kswapd', 'node2_file_mib', 'node0_anon_mib']));
    const row3 = csv[4].split(',');
    expect(row3.slice(0, 4)).toEqual(['3', 'done', 'false', '9']);
    expect(Number(row3[4])).toBeCloseTo(result(out, 3).score, 0);
    const summary = json<{ done: number; rows: { status: string }[] }>(out, 'summary.json');
    expect(summary.done).toBe(6);
  });

  it('gives the inline scheduler’s results, each point in a fresh thread', () => {
    expect(inlineDigests.every((d) => typeof d === 'string')).toBe(true);
    const threads = new Set<number>();
    for (let i = 0; i < 6; i++) {
      expect(result(out, i).digest).toBe(inlineDigests[i]);
      const s = status(out, i);
      expect(s.run.simulations_in_thread).toBe(1);
      threads.add(s.run.thread_id);
    }
    expect(threads.size).toBe(6);
  });

  it('a rerun does nothing: every point is skipped and no file is rewritten', async () => {
    const before = [0, 1, 2, 3, 4, 5].map((i) => mtime(out, i));
    const r = await tiersim('sweep', file, '--out', out, '--jobs', '2');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('ran 0 point(s) (0 failed), skipped 6 already finished');
    expect([0, 1, 2, 3, 4, 5].map((i) => mtime(out, i))).toEqual(before);
  });

  it('with threads reused (--no-recycle --jobs 1) the results are the same', async () => {
    const reused = path.join(dir, 'reused');
    const r = await tiersim('sweep', file, '--out', reused, '--jobs', '1', '--no-recycle', '--quiet');
    expect(r.code).toBe(0);
    const perThread = [0, 1, 2, 3, 4, 5].map((i) => status(reused, i).run.simulations_in_thread);
    expect(perThread).toEqual([1, 2, 3, 4, 5, 6]);
    expect(new Set([0, 1, 2, 3, 4, 5].map((i) => status(reused, i).run.thread_id)).size).toBe(1);
    for (let i = 0; i < 6; i++) expect(result(reused, i).digest).toBe(inlineDigests[i]);
  });

  it('a failing point is reported with its error and does not stop the others; a rerun runs only it', async () => {
    const failing = path.join(dir, 'failing');
    process.env[INJECT_POINT_FAULT_ENV] = '2';
    let r;
    try {
      r = await tiersim('sweep', file, '--out', failing, '--jobs', '2');
    } finally {
      delete process.env[INJECT_POINT_FAULT_ENV];
    }
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `point 2 failed (replay it: tiersim run --from ${path.join(failing, 'points', '2')})`,
    );
    expect(r.stderr).toContain('injected fault (TIERSIM_INJECT_POINT_FAULT) in point 2 after epoch 2');
    expect(r.stdout).toContain('ran 6 point(s) (1 failed)');
    const s2 = status(failing, 2);
    expect(s2.status).toBe('failed');
    // A simulation error is recorded as its message, without a JS stack.
    expect(s2.error).toBe('injected fault (TIERSIM_INJECT_POINT_FAULT) in point 2 after epoch 2');
    expect(existsSync(path.join(failing, 'points', '2', 'result.json'))).toBe(false);
    for (const i of [0, 1, 3, 4, 5]) expect(result(failing, i).digest).toBe(inlineDigests[i]);
    const csv = readFileSync(path.join(failing, 'summary.csv'), 'utf8').trim().split('\n');
    expect(csv[3].split(',').slice(0, 5)).toEqual(['2', 'failed', 'true', '11', '']);
    expect(r.stdout).toMatch(/true\s+2\/3 \(1 failed\)/);

    const before = [0, 1, 3, 4, 5].map((i) => mtime(failing, i));
    const again = await tiersim('sweep', file, '--out', failing, '--jobs', '2');
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('ran 1 point(s) (0 failed), skipped 5 already finished');
    expect(status(failing, 2).status).toBe('done');
    expect(result(failing, 2).digest).toBe(inlineDigests[2]);
    expect([0, 1, 3, 4, 5].map((i) => mtime(failing, i))).toEqual(before);
  });

  it('merge builds the tables from a partial directory', async () => {
    const partial = path.join(dir, 'partial');
    cpSync(out, partial, { recursive: true });
    rmSync(path.join(partial, 'points', '1'), { recursive: true });
    rmSync(path.join(partial, 'points', '4', 'point.json'));
    rmSync(path.join(partial, 'summary.csv'));
    const r = await tiersim('merge', partial);
    // Not all points finished: exit 1, naming them and how to rerun exactly them.
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('6 point(s): 4 done, 0 failed, 2 missing');
    expect(r.stderr).toContain('tiersim: 2 of 6 point(s) not finished: missing 1,4\n');
    expect(r.stderr).toContain(`or here: tiersim sweep ${file} --out ${partial}`);
    const csv = readFileSync(path.join(partial, 'summary.csv'), 'utf8').trim().split('\n');
    expect(csv.map((l) => l.split(',').slice(0, 2).join(','))).toEqual([
      'index,status',
      '0,done',
      '1,missing',
      '2,done',
      '3,done',
      '4,missing',
      '5,done',
    ]);
    expect(csv[2].split(',')[4]).toBe('');
    expect(r.stdout).toMatch(/true\s+2\/3/);
    const none = await tiersim('merge', path.join(dir, 'no-such-sweep'));
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('has no manifest.json');
  });

  it('--index runs one point on this thread and leaves the tables to merge', async () => {
    const one = path.join(dir, 'one');
    const r = await tiersim('sweep', file, '--out', one, '--index', '4', '--quiet');
    expect(r.code).toBe(0);
    expect(readdirSync(path.join(one, 'points'))).toEqual(['4']);
    expect(result(one, 4).digest).toBe(inlineDigests[4]);
    expect(existsSync(path.join(one, 'manifest.json'))).toBe(true);
    expect(existsSync(path.join(one, 'summary.csv'))).toBe(false);
    const bad = await tiersim('sweep', file, '--out', one, '--index', '6');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--index 6 is out of range: this sweep has points 0..5');
  });

  it('--emit slurm writes a valid bash script for an array over every point', async () => {
    const slurm = path.join(dir, 'slurm');
    const r = await tiersim('sweep', file, '--out', slurm, '--emit', 'slurm', '--set', 'run.duration=30ms');
    expect(r.code).toBe(0);
    const script = path.join(slurm, 'sweep.sbatch');
    const text = readFileSync(script, 'utf8');
    expect(spawnSync('bash', ['-n', script]).status).toBe(0);
    expect(text.startsWith('#!/bin/bash\n')).toBe(true);
    expect(text).toContain('\n#SBATCH --array=0-5\n');
    expect(text).toContain('\n#SBATCH --time=01:00:00\n#SBATCH --signal=B:TERM@60\n');
    // The running Node and this installation's bin, absolute; exec so SIGTERM reaches tiersim.
    expect(text).toContain(
      `\nexec ${process.execPath} ${path.resolve('bin/tiersim.js')} sweep ${file} --index "$SLURM_ARRAY_TASK_ID" --out ${slurm} --set run.duration=30ms --quiet\n`,
    );
    // Every #SBATCH line comes before the first command (sbatch stops reading them there).
    const lines = text.split('\n');
    const lastSbatch = lines.findLastIndex((l) => l.startsWith('#SBATCH'));
    const firstCommand = lines.findIndex((l) => l !== '' && !l.startsWith('#'));
    expect(lastSbatch).toBeLessThan(firstCommand);
    // The manifest is written before submission, with the --set applied to every point.
    const manifest = json<Manifest>(slurm, 'manifest.json');
    expect(manifest.points).toHaveLength(6);
    expect(manifest.set).toEqual(['run.duration=30ms']);
    expect(existsSync(path.join(slurm, 'slurm'))).toBe(true);
  });

  it('run --from replays a point exactly (same config hash, same state digest)', async () => {
    const replay = path.join(dir, 'replay');
    const r = await tiersim('run', '--from', path.join(out, 'points', '3'), '--out', replay, '--quiet');
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`state digest ${inlineDigests[3]} as recorded`);
    const again = json<RunResult>(replay, 'result.json');
    expect(again.digest).toBe(inlineDigests[3]);
    expect(again.config_hash).toBe(status(out, 3).config_hash);
    const mixed = await tiersim('run', '--from', path.join(out, 'points', '3'), '--seed', '4');
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toContain('--from replays an experiment exactly');
  });
});
