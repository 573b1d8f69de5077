/**
 * The `tiersim` command end to end, in process: what `run` writes, exit codes, that a bad config
 * writes nothing, that a rerun gives the same result.json, and the quickstart's promise (demotion
 * on: pgdemote_kswapd > 0; off: none, and more major faults).
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RunResult } from '../../src/metrics/result.js';
import { tiersim } from '../helpers/cli.js';

const QUICKSTART = 'configs/experiments/quickstart.yaml';

function readResult(dir: string): RunResult {
  return JSON.parse(readFileSync(path.join(dir, 'result.json'), 'utf8')) as RunResult;
}

let tmp = '';
beforeEach(() => {
  tmp = mkdtempSync(path.join(tmpdir(), 'tiersim-cli-'));
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe('tiersim run', () => {
  it('writes result.json, /proc/vmstat text, series.csv and per-node sysfs files', async () => {
    const out = path.join(tmp, 'run');
    const r = await tiersim(
      'run',
      QUICKSTART,
      '--out',
      out,
      '--seed',
      '7',
      '--set',
      'run.duration=50ms',
      '--quiet',
    );
    expect(r.code).toBe(0);
    const result = readResult(out);
    expect(result.seed).toBe(7);
    expect(result.epochs_run).toBe(50);
    expect(result.completed).toBe(true);
    expect(result.config_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(result.nodes.map((n) => n.id)).toEqual([0, 1, 2, 3]);
    for (const key of ['MemTotal', 'MemFree', 'Active', 'Inactive', 'AnonPages', 'FilePages']) {
      expect(result.nodes[0].meminfo[key]).toBeTypeOf('number');
    }
    // kB: 256 MiB less its memmap, 64 B per 4 KiB page (1024 pages).
    expect(result.nodes[0].meminfo['MemTotal']).toBe(256 * 1024 - 4096);
    // vmstat text = the kernel counters of result.json, one `name value` per line.
    const lines = readFileSync(path.join(out, 'vmstat'), 'utf8').trim().split('\n');
    for (const line of lines) {
      const [name, value] = line.split(' ');
      expect(name.startsWith('tiersim_')).toBe(false);
      expect(Number(value)).toBe(result.vmstat[name]);
    }
    expect(lines.length).toBe(Object.keys(result.vmstat).filter((n) => !n.startsWith('tiersim_')).length);
    // series.csv: header + one row per sample and node.
    const csv = readFileSync(path.join(out, 'series.csv'), 'utf8').trim().split('\n');
    expect(csv[0].startsWith('time_ns,node,score,')).toBe(true);
    expect(csv.length).toBe(1 + result.series.time_ns.length * 4);
    const meminfo = readFileSync(path.join(out, 'nodes', 'node2', 'meminfo'), 'utf8');
    expect(meminfo).toMatch(/^Node 2 MemTotal: +1048576 kB$/m);
    expect(readFileSync(path.join(out, 'nodes', 'node0', 'numastat'), 'utf8')).toMatch(/^numa_hit \d+$/m);
  });

  it('prints a summary with the score, counters per node and numastat', async () => {
    const r = await tiersim('run', QUICKSTART, '--set', 'run.duration=20ms');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^score +[\d,]+ operations\/s/m);
    expect(r.stdout).toMatch(/^pgdemote_kswapd +/m);
    expect(r.stdout).toMatch(/^numa_foreign +/m);
    expect(r.stdout).toMatch(/^MemFree +/m);
  });

  it('gives the same result.json for the same config and seed (wall clock aside)', async () => {
    const a = path.join(tmp, 'a');
    const b = path.join(tmp, 'b');
    expect((await tiersim('run', QUICKSTART, '--out', a, '--set', 'run.duration=40ms', '--quiet')).code).toBe(
      0,
    );
    expect((await tiersim('run', QUICKSTART, '--out', b, '--set', 'run.duration=40ms', '--quiet')).code).toBe(
      0,
    );
    const ra = readResult(a);
    const rb = readResult(b);
    expect(ra.wall).toBeDefined();
    expect({ ...ra, wall: undefined }).toEqual({ ...rb, wall: undefined });
    expect(readFileSync(path.join(a, 'vmstat'), 'utf8')).toBe(readFileSync(path.join(b, 'vmstat'), 'utf8'));
  });

  it('rejects a bad config with exit code 2, a located message, and writes nothing', async () => {
    const bad = path.join(tmp, 'bad.yaml');
    writeFileSync(
      bad,
      `include: ${path.resolve('configs/topologies/two-socket-optane.yaml')}\nrun:\n  duration: 10 parsecs\n`,
    );
    const out = path.join(tmp, 'never');
    const r = await tiersim('run', bad, '--out', out);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${bad}:3:13: run.duration: expected a duration`);
    expect(r.stderr).toContain('nothing was run or written');
    expect(existsSync(out)).toBe(false);
  });

  it('refuses a topology file (no workload) with exit code 2', async () => {
    const r = await tiersim('run', 'configs/topologies/two-socket-optane.yaml', '--out', path.join(tmp, 'x'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no workload');
    expect(existsSync(path.join(tmp, 'x'))).toBe(false);
  });

  it('quickstart: demotion moves pages to PMEM; without it more pages are read back from disk', async () => {
    const on = path.join(tmp, 'on');
    const off = path.join(tmp, 'off');
    const duration = '--set=run.duration=1800ms';
    expect((await tiersim('run', QUICKSTART, '--out', on, duration, '--quiet')).code).toBe(0);
    expect(
      (
        await tiersim(
          'run',
          QUICKSTART,
          '--out',
          off,
          duration,
          '--set',
          'kernel.demotion_enabled=false',
          '--quiet',
        )
      ).code,
    ).toBe(0);
    const withDemotion = readResult(on);
    const without = readResult(off);
    expect(withDemotion.vmstat['pgdemote_kswapd']).toBeGreaterThan(0);
    expect(withDemotion.nodes[0].vmstat['pgdemote_kswapd']).toBeGreaterThan(0);
    expect(without.vmstat['pgdemote_kswapd']).toBe(0);
    expect(without.vmstat['pgdemote_direct']).toBe(0);
    expect(without.vmstat['pgmajfault']).toBeGreaterThan(withDemotion.vmstat['pgmajfault']);
  }, 120_000);
});

describe('tiersim topology and validate', () => {
  it('topology --json has the documented shape, watermarks in pages', async () => {
    const r = await tiersim('topology', 'configs/topologies/two-socket-optane.yaml', '--json');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as {
      nodes: {
        id: number;
        tier: number;
        zonelist: number[];
        demotion: { preferred: number[]; allowed: number[] };
        watermarks: Record<string, number>;
      }[];
    };
    expect(json.nodes[0]).toMatchObject({
      id: 0,
      tier: 4,
      zonelist: [0, 2, 1, 3],
      demotion: { preferred: [2], allowed: [2, 3] },
    });
    expect(Object.keys(json.nodes[0].watermarks)).toEqual(['min', 'low', 'high', 'promo']);
  });

  it('topology works on the full-size machine', async () => {
    const r = await tiersim('topology', 'configs/topologies/two-socket-optane-full.yaml');
    expect(r.code).toBe(0);
    // Hand-computed in test/topology/watermarks.test.ts (PMEM movable, memmap taken).
    expect(r.stdout).toContain('min_free_kbytes 79554');
  });

  it('validate reports what would run, and every problem of a bad file', async () => {
    const ok = await tiersim('validate', QUICKSTART);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('valid');
    const bad = path.join(tmp, 'bad.yaml');
    writeFileSync(bad, 'topology:\n  nodes:\n    - { id: 0, cpus: 1, memory: -1GiB, colour: red }\n');
    const r = await tiersim('validate', bad);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('topology.nodes[0].memory');
    expect(r.stderr).toContain('colour');
    expect(r.stderr).toContain('2 problems');
  });

  it('--help answers and exits 0', async () => {
    const r = await tiersim('run', '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--set <path=value>');
    expect(r.stdout).toContain('Examples:');
  });
});
