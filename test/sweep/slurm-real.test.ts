/**
 * The Slurm script against a real Slurm, when one answers on this machine (CI starts a
 * one-node cluster with .ci/slurm-localhost; elsewhere these tests skip): a 10,000-point sweep's
 * script passes `sbatch --test-only` under the default MaxArraySize; a small sweep submitted
 * as an array of 2-point tasks gives the local sweep's results bit for bit (wall clock aside);
 * a task cancelled while it runs records its point failed (interrupted by SIGTERM at epoch N
 * of M) and leaves no stack trace in its log.
 * The tasks run the built CLI (bin/tiersim.js on dist/), as an installed tiersim does: it is
 * built first, so the jobs run the sources under test (no other test uses dist/).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/metrics/result.js';
import type { PointStatus } from '../../src/sweep/sweep-dir.js';
import { tempDir, tiersim, writeConfig } from './helpers.js';

function slurmUp(): boolean {
  const r = spawnSync('sinfo', ['-h', '-o', '%T'], { encoding: 'utf8' });
  return r.status === 0 && /idle|mix|alloc/.test(r.stdout);
}
const REPO = path.resolve(import.meta.dirname, '../..');
const enabled = slurmUp();

function sh(cmd: string, args: string[]): { code: number | null; out: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 170_000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

function sweepConfig(points: 'many' | 'few' | 'long'): string {
  const sweep =
    points === 'many'
      ? `  grid:\n    kernel.swappiness: [${Array.from({ length: 100 }, (_, i) => i * 2).join(', ')}]\n  seeds: 100\n`
      : '  grid:\n    kernel.swappiness: [10, 60]\n  seeds: 3\n';
  const duration = points === 'long' ? '60s' : '5ms';
  return `topology:
  nodes:
    - { id: 0, socket: 0, cpus: 1, memory: 16MiB, device: dram }
run: { duration: ${duration}, epoch: 1ms, seed: 1 }
workload:
  tasks:
    - name: t
      cpus: [0]
      cpu_per_access: 100ns
      regions:
        - { kind: anon, size: 1MiB, pattern: { type: uniform } }
sweep:
${sweep}`;
}

const json = <T>(...p: string[]) => JSON.parse(readFileSync(path.join(...p), 'utf8')) as T;

describe.skipIf(!enabled)('on a real Slurm (localhost)', () => {
  const dir = tempDir('slurm-real');
  beforeAll(() => {
    execFileSync('npm', ['run', 'build', '--silent'], { cwd: REPO, stdio: 'ignore' });
  }, 120_000);

  it('a 10,000-point sweep script passes sbatch --test-only', async () => {
    const file = writeConfig(dir, 'many.yaml', sweepConfig('many'));
    const out = path.join(dir, 'many');
    expect((await tiersim('sweep', file, '--out', out, '--emit', 'slurm', '--quiet')).code).toBe(0);
    const r = sh('sbatch', ['--test-only', path.join(out, 'sweep.sbatch')]);
    expect(r.out).toMatch(/Job \d+ to start at/);
    expect(r.code).toBe(0);
  }, 120_000);

  it('runs an array of 2-point tasks to the local sweep results, bit for bit', async () => {
    const file = writeConfig(dir, 'few.yaml', sweepConfig('few'));
    const viaSlurm = path.join(dir, 'few-slurm');
    const local = path.join(dir, 'few-local');
    expect(
      (
        await tiersim(
          'sweep',
          file,
          '--out',
          viaSlurm,
          '--emit',
          'slurm',
          '--points-per-task',
          '2',
          '--quiet',
        )
      ).code,
    ).toBe(0);
    const r = sh('sbatch', ['--wait', path.join(viaSlurm, 'sweep.sbatch')]);
    expect(r.out).toMatch(/Submitted batch job \d+/);
    expect(r.code).toBe(0);
    expect((await tiersim('merge', viaSlurm, '--quiet')).code).toBe(0);
    expect((await tiersim('sweep', file, '--out', local, '--quiet')).code).toBe(0);
    for (let i = 0; i < 6; i++) {
      const { wall: _a, ...a } = json<RunResult>(viaSlurm, 'points', String(i), 'result.json');
      const { wall: _b, ...b } = json<RunResult>(local, 'points', String(i), 'result.json');
      expect(a).toEqual(b);
    }
  }, 180_000);

  it('a cancelled task records its point as interrupted by SIGTERM, with no stack trace, and merge names the tasks to rerun', async () => {
    const file = writeConfig(dir, 'long.yaml', sweepConfig('long'));
    const out = path.join(dir, 'long');
    expect((await tiersim('sweep', file, '--out', out, '--emit', 'slurm', '--quiet')).code).toBe(0);
    const job = /Submitted batch job (\d+)/.exec(
      sh('sbatch', ['--array=0', path.join(out, 'sweep.sbatch')]).out,
    )?.[1];
    expect(job).toBeDefined();
    // Wait until the task has started its point (config.json is written before it runs).
    const config = path.join(out, 'points', '0', 'config.json');
    for (let i = 0; i < 600 && !existsSync(config); i++) await new Promise((r) => setTimeout(r, 100));
    // No sleep past it: the task listens for SIGTERM before it writes config.json and starts the
    // point in the same tick, so scancel's SIGTERM from now on stops it at an epoch boundary.
    expect(existsSync(config)).toBe(true);
    sh('scancel', [job!]);
    for (let i = 0; i < 600; i++) {
      if (!sh('squeue', ['-h', '-j', job!]).out.includes(job!)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const status = existsSync(path.join(out, 'points', '0', 'point.json'))
      ? json<PointStatus>(out, 'points', '0', 'point.json').status
      : 'missing';
    expect(status).toBe('failed');
    expect(json<PointStatus>(out, 'points', '0', 'point.json').error).toMatch(
      /^interrupted by SIGTERM at epoch \d+ of 60000 \(a Slurm time limit or scancel\?\)/,
    );
    const log = readdirSync(path.join(out, 'slurm')).map((f) =>
      readFileSync(path.join(out, 'slurm', f), 'utf8'),
    );
    expect(log.join('')).not.toMatch(/\n\s+at .*\.js:\d+/); // no JS stack trace
    const merged = await tiersim('merge', out, '--quiet');
    expect(merged.code).toBe(1);
    expect(merged.stderr).toContain(
      `rerun them on Slurm: sbatch --array=0-5 ${path.join(out, 'sweep.sbatch')}`,
    );
  }, 120_000);
});
