/**
 * The topology files in configs/topologies. Method: parse each with the `yaml` package and
 * ConfigSchema (the located-error loader lives elsewhere), then check they describe the machine
 * their comments promise: Example A's layout and SLIT, the kernel block, and that the written
 * SLIT is exactly the one the derivation would give.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { buildMachine } from '../../src/topology/index.js';
import { EXAMPLE_A_SLIT, loadConfig } from './fixtures.js';
import { NUMA_BALANCING_DEFAULTS } from '../helpers/configs.js';

const files = {
  'configs/topologies/two-socket-optane.yaml': { cpus: 4, dram: 256 * 2 ** 20, pmem: 2 ** 30 },
  'configs/topologies/two-socket-optane-full.yaml': { cpus: 24, dram: 192 * 2 ** 30, pmem: 768 * 2 ** 30 },
};

describe.each(Object.entries(files))('%s', (path, expected) => {
  const c = loadConfig(path);

  it('points editors at the schema', () => {
    const text = readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
    expect(text.startsWith('# yaml-language-server: $schema=../schema.json\n')).toBe(true);
  });

  it('is Example A: DRAM+CPUs on 0 and 1, CPU-less PMEM on 2 and 3, one per socket', () => {
    expect(c.topology.nodes.map((n) => [n.id, n.socket, n.cpus, n.memory, n.device])).toEqual([
      [0, 0, expected.cpus, expected.dram, 'dram'],
      [1, 1, expected.cpus, expected.dram, 'dram'],
      [2, 0, 0, expected.pmem, 'pmem'],
      [3, 1, 0, expected.pmem, 'pmem'],
    ]);
    expect(c.topology.distances).toEqual(EXAMPLE_A_SLIT);
    expect(c.topology.page_size).toBe(4096);
  });

  it('writes out the SLIT the derivation would give', () => {
    const { distances: _written, ...rest } = c.topology;
    expect(buildMachine(rest, c.kernel).distances).toEqual(EXAMPLE_A_SLIT);
  });

  it('sets the kernel block', () => {
    expect(c.kernel).toEqual({
      version: '6.1',
      demotion_enabled: true,
      watermark_scale_factor: 10,
      min_free_kbytes: 'auto',
      swappiness: 60,
      watermark_boost_factor: 15000,
      page_cluster: 3,
      // vm.dirty_* as Linux boots (mm/page-writeback.c).
      dirty_background_ratio: 10,
      dirty_ratio: 20,
      dirty_background_bytes: 0,
      dirty_bytes: 0,
      dirty_expire_centisecs: 3000,
      dirty_writeback_centisecs: 500,
      ...NUMA_BALANCING_DEFAULTS,
    });
  });

  it('has no workload (a topology file)', () => {
    expect(c.workload).toBeUndefined();
  });
});
