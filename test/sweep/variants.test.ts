/**
 * Goal: `tiersim run` on a config with variants runs them side by side with the same seed and
 * compares them with the first (one column per variant, ratios), each variant being exactly the
 * base config with its overrides applied as `--set` applies them; --out writes DIR/<variant>/
 * and the comparison files; a failing variant is reported without hiding the others.
 * Method: three variants of SMALL_515 through the CLI in process; the base with the equivalent
 * --set run inline for comparison.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import type { RunResult } from '../../src/metrics/result.js';
import { INJECT_POINT_FAULT_ENV } from '../../src/sweep/task.js';
import { SMALL_515 } from '../helpers/configs.js';
import { runLoaded } from '../helpers/run.js';
import { smallWith, tempDir, tiersim, writeConfig } from './helpers.js';

const VARIANTS = smallWith(`
variants:
  - name: on
    description: demotion on, as written
  - name: off
    set: { kernel.demotion_enabled: false }
  - name: swappy
    set: { kernel.swappiness: 200, storage.swap.size: 2MiB }
`);

const dir = tempDir('variants');
const file = writeConfig(dir, 'variants.yaml', VARIANTS);
const plain = writeConfig(dir, 'plain.yaml', SMALL_515);

function result(...parts: string[]): RunResult {
  return JSON.parse(readFileSync(path.join(...parts, 'result.json'), 'utf8')) as RunResult;
}

describe('variants', () => {
  it('runs every variant with the same seed and prints ratios against the first', async () => {
    const out = path.join(dir, 'out');
    const r = await tiersim('run', file, '--out', out, '--jobs', '2', '--report');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const [on, off, swappy] = ['on', 'off', 'swappy'].map((v) => result(out, v));
    expect([on.seed, off.seed, swappy.seed]).toEqual([9, 9, 9]);
    expect([on.demotion_enabled, off.demotion_enabled]).toEqual([true, false]);
    expect(r.stdout).toContain('3 variants, ratios against on');
    expect(r.stdout).toContain('  on: demotion on, as written');
    const lines = r.stdout.split('\n');
    expect(lines.find((l) => l.trimStart().startsWith('on ') || /^\s+on\s+off\s+swappy$/.test(l))).toMatch(
      /^\s+on\s+off\s+swappy$/,
    );
    const score = lines.find((l) => l.startsWith('score (ops/s)'));
    const ratio = (off.score / on.score).toFixed(2);
    expect(score).toContain(`(${ratio}×)`);
    const demote = lines.find((l) => l.startsWith('pgdemote_kswapd'));
    expect(demote).toMatch(/^pgdemote_kswapd\s+[\d,]+\s+0 \(0\.00×\)/);
    expect(on.vmstat['pgdemote_kswapd']).toBeGreaterThan(0);

    // Each variant is the base config with its overrides, as --set would give it.
    const viaSet = await runLoaded(loadConfig(plain, { set: ['kernel.demotion_enabled=false'] }));
    expect(off.digest).toBe(viaSet.result.digest);
    expect(off.config_hash).toBe(viaSet.loaded.hash);
    const swappySet = await runLoaded(
      loadConfig(plain, { set: ['kernel.swappiness=200', 'storage.swap.size=2MiB'] }),
    );
    expect(swappy.digest).toBe(swappySet.result.digest);

    const csv = readFileSync(path.join(out, 'comparison.csv'), 'utf8').split('\n');
    expect(csv[0]).toBe('metric,on,off,off/on,swappy,swappy/on');
    const scoreRow = csv[1].split(',');
    expect(scoreRow[0]).toBe('score (ops/s)');
    expect(Number(scoreRow[3])).toBeCloseTo(off.score / on.score, 3);
    const comparison = JSON.parse(readFileSync(path.join(out, 'comparison.json'), 'utf8')) as {
      variants: { name: string; config_hash: string }[];
    };
    expect(comparison.variants.map((v) => [v.name, v.config_hash])).toEqual([
      ['on', on.config_hash],
      ['off', off.config_hash],
      ['swappy', swappy.config_hash],
    ]);
    expect(readFileSync(path.join(out, 'comparison.txt'), 'utf8')).toContain('swappy');
    const html = readFileSync(path.join(out, 'report.html'), 'utf8');
    expect(html).toContain('off: memory per node over time');
    expect(html.match(/<svg/g)?.length).toBeGreaterThanOrEqual(3 * 3 + 1);

    const replay = await tiersim(
      'run',
      '--from',
      path.join(out, 'off'),
      '--out',
      path.join(dir, 'replay'),
      '--quiet',
    );
    expect(replay.code).toBe(0);
    expect(result(dir, 'replay').digest).toBe(off.digest);
  });

  it('a failing variant is reported; the others are still compared', async () => {
    const out = path.join(dir, 'failing');
    process.env[INJECT_POINT_FAULT_ENV] = '1';
    let r;
    try {
      r = await tiersim('run', file, '--out', out, '--jobs', '2');
    } finally {
      delete process.env[INJECT_POINT_FAULT_ENV];
    }
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('variant off failed');
    expect(r.stdout).toMatch(/^\s+on\s+swappy$/m);
    expect(existsSync(path.join(out, 'off', 'config.json'))).toBe(true);
    expect(existsSync(path.join(out, 'off', 'result.json'))).toBe(false);
  });

  it('says that an explicit --threads applies to one experiment, and how to run one variant with it', async () => {
    const out = path.join(dir, 'threads');
    const r = await tiersim('run', file, '--out', out, '--threads', 'per-node', '--quiet');
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('--threads applies to one experiment');
    expect(r.stderr).toContain(`tiersim run --from ${out}/<variant> --threads per-node`);
    const replay = await tiersim(
      'run',
      '--from',
      path.join(out, 'off'),
      '--threads',
      'per-node',
      '--out',
      path.join(dir, 'off-replay'),
      '--quiet',
    );
    expect(replay.code).toBe(0);
    expect(replay.stderr).toContain('exactly: state digest');
  });

  it('a sweep config is refused by run, at its sweep key', async () => {
    const sweep = writeConfig(dir, 'sweep.yaml', smallWith('sweep:\n  seeds: 2\n'));
    const r = await tiersim('run', sweep);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      new RegExp(`sweep\\.yaml:\\d+:3: sweep: this config is a sweep: run it with \`tiersim sweep`),
    );
  });
});
