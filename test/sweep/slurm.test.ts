/**
 * Goal: a Slurm sweep of any size runs within Slurm's default MaxArraySize (1001), each array
 * task's work does not grow with the sweep (it plans, sizes and checks only its own points,
 * never the manifest or the other points), `merge` tells a partial sweep from a complete one
 * and names the array tasks that rerun exactly what is missing, and a point's identity covers
 * the trace it replays. The contract, checked without a Slurm (test/sweep/slurm-real.test.ts
 * submits to a real one when it runs).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { planExperiments } from '../../src/sweep/plan.js';
import { arrayLayout, arraySpec, ranges } from '../../src/sweep/slurm.js';
import type { Manifest, PointStatus } from '../../src/sweep/sweep-dir.js';
import { syntheticRecords, writeBinary } from '../trace/helpers.js';
import { tempDir, tiersim, writeConfig } from './helpers.js';

const dir = tempDir('slurm');

/** A one-node machine and a few epochs: points that take milliseconds. */
function tiny(sweep: string, pattern = '{ type: uniform }'): string {
  return `topology:
  nodes:
    - { id: 0, socket: 0, cpus: 1, memory: 16MiB, device: dram }
run: { duration: 3ms, epoch: 1ms, seed: 1 }
workload:
  tasks:
    - name: t
      cpus: [0]
      cpu_per_access: 100ns
      regions:
        - { kind: anon, size: 1MiB, pattern: ${pattern} }
sweep:
${sweep}`;
}

const json = <T>(...p: string[]) => JSON.parse(readFileSync(path.join(...p), 'utf8')) as T;

describe('array layout', () => {
  it('keeps the array within MaxArraySize: blocks of consecutive points when it must', () => {
    expect(arrayLayout(10_000, undefined, 1001)).toEqual({ points: 10_000, pointsPerTask: 10, tasks: 1000 });
    expect(arrayLayout(1001, undefined, 1001)).toEqual({ points: 1001, pointsPerTask: 1, tasks: 1001 });
    expect(arrayLayout(1002, undefined, 1001)).toEqual({ points: 1002, pointsPerTask: 2, tasks: 501 });
    expect(arrayLayout(36, 4, 1001)).toEqual({ points: 36, pointsPerTask: 4, tasks: 9 });
    expect(arrayLayout(10_000, 5, 1001)).toBe(
      '10000 points at --points-per-task 5 make 2000 array tasks, more than MaxArraySize 1001 allows (indices 0..1000); use --points-per-task 10 or more',
    );
  });

  it('names the tasks of a set of points as sbatch --array lists them', () => {
    expect(ranges([0, 1, 2, 3, 7, 9, 10])).toBe('0-3,7,9-10');
    // Points 4 and 5 are task 2 with 2 points per task; 9 is task 4, 10 and 11 task 5.
    expect(arraySpec([4, 5, 9, 10, 11], 2)).toBe('2,4-5');
  });
});

describe('a 2,500-point sweep on Slurm', () => {
  const file = writeConfig(
    dir,
    'wide.yaml',
    tiny(`  grid:
    kernel.swappiness: [${Array.from({ length: 50 }, (_, i) => i * 4).join(', ')}]
  seeds: 50
`),
  );
  const out = path.join(dir, 'wide');

  it('emits an array of 834 tasks of 3 points, within MaxArraySize, and a task runs only its block', async () => {
    const r = await tiersim('sweep', file, '--out', out, '--emit', 'slurm', '--time', '0:10:00');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const script = readFileSync(path.join(out, 'sweep.sbatch'), 'utf8');
    expect(spawnSync('bash', ['-n', path.join(out, 'sweep.sbatch')]).status).toBe(0);
    expect(script).toContain('\n#SBATCH --array=0-833\n');
    expect(script).toContain('\n#SBATCH --time=0:10:00\n');
    expect(script).toContain(
      `sweep ${file} --task "$SLURM_ARRAY_TASK_ID" --points-per-task 3 --out ${out} --quiet\n`,
    );
    const manifest = json<Manifest>(out, 'manifest.json');
    expect(manifest.points).toHaveLength(2500);

    // The task must not need the manifest: it reads only its points' lines of points.idx.
    rmSync(path.join(out, 'manifest.json'));
    const task = await tiersim(
      'sweep',
      file,
      '--out',
      out,
      '--task',
      '5',
      '--points-per-task',
      '3',
      '--quiet',
    );
    expect(task.stderr).toBe('');
    expect(task.code).toBe(0);
    expect(readdirSync(path.join(out, 'points')).sort()).toEqual(['15', '16', '17']);
    expect(existsSync(path.join(out, 'manifest.json'))).toBe(false);
    for (const i of [15, 16, 17]) {
      const s = json<PointStatus>(out, 'points', String(i), 'point.json');
      expect([s.status, s.config_hash]).toEqual(['done', manifest.points[i].config_hash]);
    }
    // The last task's block ends at the last point.
    const last = await tiersim(
      'sweep',
      file,
      '--out',
      out,
      '--task',
      '833',
      '--points-per-task',
      '3',
      '--quiet',
    );
    expect(last.code).toBe(0);
    expect(existsSync(path.join(out, 'points', '2499', 'point.json'))).toBe(true);
    const beyond = await tiersim('sweep', file, '--out', out, '--task', '834', '--points-per-task', '3');
    expect(beyond.code).toBe(2);
    expect(beyond.stderr).toContain('point 2502 of this task is out of range: this sweep has points 0..2499');
    writeFileSync(path.join(out, 'manifest.json'), JSON.stringify(manifest));
  });

  it('plans only the points asked for, with the hashes of the whole plan', () => {
    const manifest = json<Manifest>(out, 'manifest.json');
    const some = planExperiments(file, [], { only: [7, 2499, 1234] });
    expect(some.total).toBe(2500);
    expect(some.points.map((p) => [p.index, p.hash])).toEqual(
      [7, 1234, 2499].map((i) => [i, manifest.points[i].config_hash]),
    );
  });

  it('merge exits 1 naming the unfinished points and the sbatch line that reruns their tasks', async () => {
    const r = await tiersim('merge', out, '--quiet');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('tiersim: 2496 of 2500 point(s) not finished: missing 0-14,18-2498\n');
    expect(r.stderr).toContain(
      `rerun them on Slurm: sbatch --array=0-4,6-832 ${path.join(out, 'sweep.sbatch')}\n`,
    );
  });
});

describe('an array task stopped by SIGTERM', () => {
  it('records its running point as interrupted by SIGTERM at epoch N of M, and exits', async () => {
    const file = writeConfig(
      dir,
      'long.yaml',
      tiny('  seeds: 2\n').replace('duration: 3ms', 'duration: 60s'),
    );
    const out = path.join(dir, 'long');
    expect((await tiersim('sweep', file, '--out', out, '--emit', 'slurm', '--quiet')).code).toBe(0);
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        path.join(import.meta.dirname, 'fixtures', 'cli.ts'),
        'sweep',
        file,
        '--out',
        out,
        '--index',
        '1',
        '--quiet',
      ],
      { cwd: path.resolve(import.meta.dirname, '..', '..'), stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const config = path.join(out, 'points', '1', 'config.json');
    // config.json is the condition, not a sleep: the command listens for SIGTERM before it
    // plans (listenForStop precedes runSweep), runSweep writes config.json and then starts the
    // point in the same tick, and the stop is only polled between epochs, so a signal sent now
    // stops the point at an epoch boundary however loaded the machine is.
    for (let i = 0; i < 600 && !existsSync(config); i++) await new Promise((r) => setTimeout(r, 100));
    expect(existsSync(config)).toBe(true);
    child.kill('SIGTERM');
    expect([130, 143]).toContain(await exited); // 128 + SIGINT, or + SIGTERM once stop.ts lands
    const s = json<PointStatus>(out, 'points', '1', 'point.json');
    expect(s.status).toBe('failed');
    expect(s.error).toMatch(
      /^interrupted by SIGTERM at epoch \d+ of 60000 \(a Slurm time limit or scancel\?\); rerun to run it again$/,
    );
    expect(stderr).not.toMatch(/\n\s+at /);
  }, 60_000);
});

describe('identity and inputs', () => {
  it('a trace edited after a sweep makes its points another sweep, not finished ones', async () => {
    const trace = writeBinary(path.join(dir, 'prog.tstrace'), syntheticRecords(500, 16));
    const file = writeConfig(dir, 'traced.yaml', tiny('  seeds: 2\n', `{ type: trace, file: prog.tstrace }`));
    const out = path.join(dir, 'traced');
    expect((await tiersim('sweep', file, '--out', out, '--quiet')).code).toBe(0);
    const before = json<Manifest>(out, 'manifest.json').points[0].config_hash;
    writeBinary(trace, syntheticRecords(500, 16, 0x4000000, 99));
    const again = await tiersim('sweep', file, '--out', out, '--quiet');
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(
      /holds another sweep \(point 0 resolves to config \w{12} here, \w{12} there\)/,
    );
    expect(again.stderr).not.toContain(before.slice(0, 12) + ' here');
  });

  it('a sweep cannot share a trace read from a stream', async () => {
    const fifo = path.join(dir, 'fifo');
    spawnSync('mkfifo', [fifo]);
    const file = writeConfig(dir, 'piped.yaml', tiny('  seeds: 2\n', `{ type: trace, file: fifo }`));
    const r = await tiersim('sweep', file, '--dry-run');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'is a stream (a pipe or standard input), read once: the experiments of a sweep or of variants cannot share it',
    );
  });
});
