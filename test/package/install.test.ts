/**
 * The package as a user gets it: `npm pack` (which builds dist/ through prepack), installed
 * globally into a temporary prefix, run from a directory outside the repository by the
 * bundled configs' short names. Node workers (`run --threads per-node`) and pool
 * threads (`sweep`) must load from the installed copy: nothing from the checkout, no tsx.
 * Dependencies come from npm's cache (`npm ci` just filled it), so it needs no network.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const REPO = path.resolve(import.meta.dirname, '../..');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'tiersim-pack-'));
const prefix = path.join(tmp, 'prefix');
const home = path.join(tmp, 'home');
const bin = path.join(prefix, 'bin', 'tiersim');
const installed = path.join(prefix, 'lib', 'node_modules', 'tiersim');

function npm(args: string[], cwd: string): string {
  return execFileSync('npm', args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, npm_config_loglevel: 'error', npm_config_update_notifier: 'false' },
  });
}

function tiersim(...args: string[]) {
  // PATH without the repository's node_modules/.bin: the installed bin only.
  const r = spawnSync(bin, args, {
    cwd: home,
    encoding: 'utf8',
    env: { ...process.env, PATH: `${path.dirname(process.execPath)}:/usr/bin:/bin` },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * The package is packed from a copy of the sources (node_modules linked), so that prepack's
 * clean build does not remove the checkout's dist/ under tests running beside this one.
 */
function sourceCopy(): string {
  const copy = path.join(tmp, 'src-copy');
  mkdirSync(copy);
  for (const f of [
    'package.json',
    'package-lock.json',
    'README.md',
    'tsconfig.json',
    'tsconfig.build.json',
  ]) {
    cpSync(path.join(REPO, f), path.join(copy, f));
  }
  for (const d of ['bin', 'src', 'workers', 'configs', 'docs']) {
    cpSync(path.join(REPO, d), path.join(copy, d), { recursive: true });
  }
  mkdirSync(path.join(copy, 'scripts'));
  cpSync(path.join(REPO, 'scripts/bundle.mjs'), path.join(copy, 'scripts/bundle.mjs'));
  symlinkSync(path.join(REPO, 'node_modules'), path.join(copy, 'node_modules'));
  return copy;
}

let tgz = '';

// pack builds dist/ with tsc and esbuild and install unpacks the dependencies: ~30 s on an idle machine,
// over 180 s at load 20 (seen). The bound only has to catch a hang, not measure speed.
beforeAll(() => {
  execFileSync('mkdir', ['-p', prefix, home]);
  const name = npm(['pack', '--pack-destination', tmp, '--silent'], sourceCopy()).trim().split('\n').pop()!;
  tgz = path.join(tmp, name);
  npm(['install', '-g', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', tgz], home);
}, 600_000);

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('the installed package', () => {
  it('ships the built code, bundled configs, docs and schema, and no sources or tests', () => {
    // The bundle (scripts/bundle.mjs) only: tsc's per-module output is for benchmarks.
    expect(existsSync(path.join(installed, 'dist/bundle/src/cli/main.js'))).toBe(true);
    expect(existsSync(path.join(installed, 'dist/bundle/workers/numa-node.worker.js'))).toBe(true);
    expect(existsSync(path.join(installed, 'dist/bundle/workers/experiment.worker.js'))).toBe(true);
    expect(existsSync(path.join(installed, 'dist/src'))).toBe(false);
    expect(existsSync(path.join(installed, 'configs/experiments/quickstart.yaml'))).toBe(true);
    expect(existsSync(path.join(installed, 'configs/schema.json'))).toBe(true);
    expect(existsSync(path.join(installed, 'docs/traces.md'))).toBe(true);
    expect(readdirSync(installed)).not.toContain('src');
    expect(readdirSync(installed)).not.toContain('test');
    expect(existsSync(path.join(installed, 'dist/bench'))).toBe(false);
    const pkg = JSON.parse(readFileSync(path.join(installed, 'package.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    for (const key of ['repository', 'keywords', 'files', 'engines', 'bin']) expect(pkg).toHaveProperty(key);
  });

  it('lists the bundled configs by name', () => {
    const r = tiersim('configs');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^experiments \(tiersim run NAME\):$/m);
    expect(r.stdout).toMatch(/^ {2}quickstart +Quickstart/m);
    expect(r.stdout).toMatch(/^ {2}quickstart-dram /m);
    expect(r.stdout).toMatch(/^ {2}two-socket-optane /m);
  });

  it('runs the quickstart by its short name on per-node workers from the installed copy', () => {
    const r = tiersim('run', 'quickstart', '--set', 'run.duration=50ms', '--threads', 'per-node', '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as {
      config_file: string;
      score: number;
      wall: { scheduler: string; threads: number[][] };
    };
    expect(result.config_file).toBe(path.join(installed, 'configs/experiments/quickstart.yaml'));
    expect(result.wall.scheduler).toBe('per-node');
    // Two workers, each a DRAM node with its socket's PMEM node.
    expect(result.wall.threads).toEqual([
      [0, 2],
      [1, 3],
    ]);
    expect(result.score).toBeGreaterThan(0);
  });

  it('runs with npx --package from the tarball, without installing', () => {
    const r = spawnSync(
      'npx',
      [
        '--yes',
        '--prefer-offline',
        '--package',
        tgz,
        'tiersim',
        'run',
        'quickstart',
        '--set',
        'run.duration=20ms',
        '-q',
      ],
      {
        cwd: home,
        encoding: 'utf8',
        env: {
          ...process.env,
          npm_config_loglevel: 'error',
          npm_config_update_notifier: 'false',

          npm_config_prefer_offline: 'true',
        },
      },
    );
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('runs a bundled sweep on pool threads from the installed copy', () => {
    const r = tiersim(
      'sweep',
      'quickstart-dram',
      '--set',
      'run.duration=30ms',
      '--set',
      'sweep.seeds=1',
      '--out',
      's',
      '-q',
      '-j',
      '2',
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const summary = JSON.parse(readFileSync(path.join(home, 's', 'summary.json'), 'utf8')) as {
      done: number;
      points: number;
    };
    expect(summary.done).toBe(summary.points);
  });
});
