/**
 * The calibration importer on a tiny hand-written fixture (two runs of one case): case ids, the
 * per-run values in run order, counters taken from vmstat_delta, the machine facts.
 */
import { describe, expect, it } from 'vitest';
import { buildFigures, caseId } from '../../src/validation/import.js';

const result = (run: string, pgdemote: number, pswpout: number) => ({
  run_id: run,
  accel: 'tcg',
  numa_balancing: 0,
  guest: {
    uname: 'Linux 6.12',
    nodes: { '0': { cpulist: '0', distance: [10, 17] }, '1': { cpulist: '', distance: [17, 10] } },
    sysctl: { 'vm/min_free_kbytes': '5582' },
    memory_tiers: { memory_tier4: '0', memory_tier22: '1' },
    demotion_targets_dmesg: ['Demotion targets for Node 0: preferred: 1, fallback: 1'],
  },
  snapshots: {
    before: {
      meminfo_kB: { SwapTotal: 2097148 },
      node_meminfo: { '0': { MemTotal_kB: 926796 }, '1': { MemTotal_kB: 1966080 } },
    },
  },
  zones_before: [
    {
      node: 0,
      zone: 'Normal',
      managed: 192400,
      present: 196608,
      min: 548,
      low: 740,
      high: 932,
      promo: 1124,
      protection: [0, 0],
    },
    {
      node: 0,
      zone: 'Movable',
      managed: 0,
      present: 0,
      min: 32,
      low: 32,
      high: 32,
      promo: 32,
      protection: [0, 0],
    },
  ],
  vmstat_delta: { pgdemote_kswapd: pgdemote, pswpout, pgmajfault: 7 },
  workload_report: { config: { pages: '10' }, result: { fnv1a: 'ab' }, placement: { huge: [] } },
});

describe('import-calibration', () => {
  it('names cases as the run ids do', () => {
    expect(caseId('W1p|local|1')).toEqual({ id: 'W1p-local-d1', workload: 'W1p', lru: 'classic' });
    expect(caseId('W2q[mglru]|bind0|0')).toEqual({ id: 'W2q-bind0-d0-mglru', workload: 'W2q', lru: 'mglru' });
    expect(() => caseId('W1p|local')).toThrow(/unexpected case key/);
  });

  it('keeps per-run values in run order, adds vmstat counters and the machine facts', () => {
    const runs: Record<string, ReturnType<typeof result>> = {
      'W1p-local-d1-r1': result('W1p-local-d1-r1', 49787, 0),
      'W1p-local-d1-r2': result('W1p-local-d1-r2', 1366, 0),
    };
    const summary = {
      'W1p|local|1': {
        workload: 'W1p',
        policy: 'local',
        demotion: 1,
        runs: ['W1p-local-d1-r1', 'W1p-local-d1-r2'],
        metrics: { region_pages_node0_end: { values: [212000, 213000] }, hot_pages_node0_end: null },
      },
    };
    const f = buildFigures(summary, (run) => runs[run]);
    const c = f.cases['W1p-local-d1'];
    expect(c).toMatchObject({ workload: 'W1p', policy: 'local', demotion: 1, lru: 'classic' });
    expect(c.metrics.region_pages_node0_end).toEqual([212000, 213000]);
    expect(c.metrics.pgdemote_kswapd).toEqual([49787, 1366]);
    expect(c.metrics.pgmajfault).toEqual([7, 7]);
    expect(c.metrics.pgpromote_success).toEqual([null, null]);
    expect(c.metrics.hot_pages_node0_end).toBeUndefined();
    expect(c.workload_report[0]).toEqual({ config: { pages: '10' }, result: { fnv1a: 'ab' } });
    expect(f.machine.nodes.map((n) => [n.id, n.cpus, n.memtotal_kB])).toEqual([
      [0, '0', 926796],
      [1, '', 1966080],
    ]);
    expect(f.machine.zones).toHaveLength(1); // zones without managed pages are left out
    expect(f.machine.zones[0]).toMatchObject({ zone: 'Normal', min: 548, low: 740, high: 932, promo: 1124 });
    expect(f.machine.swap_kB).toBe(2097148);
    expect(f.machine.sysctl['vm/min_free_kbytes']).toBe('5582');
  });

  it('rejects a metric with the wrong number of values', () => {
    const summary = {
      'W1p|local|1': {
        workload: 'W1p',
        policy: 'local',
        demotion: 1,
        runs: ['a'],
        metrics: { x: { values: [1, 2] } },
      },
    };
    expect(() => buildFigures(summary, () => result('a', 0, 0))).toThrow(/2 values for 1 runs/);
  });
});
