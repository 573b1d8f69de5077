/**
 * Valid configs: units, defaults, include merging, --set overrides, source locations and the
 * config hash.
 */
import { describe, expect, it } from 'vitest';
import { TWO_NODES, load, lines, MAIN } from './helpers.js';
import { NUMA_BALANCING_DEFAULTS } from '../helpers/configs.js';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

describe('units', () => {
  it('reads sizes, durations and rates, including fractions and bare numbers', () => {
    const { config } = load(
      lines(
        'topology:',
        '  page_size: 4KiB',
        '  remote_socket_latency: 1.5us',
        '  nodes:',
        '    - id: 0',
        '      cpus: 1',
        '      memory: 1.5GiB',
        '      latency: {read: 305ns, write: 0.5us}',
        '      bandwidth: {read: 10GB/s, write: 512MiB/s}',
        '    - id: 1',
        '      memory: 512MB',
        '    - id: 2',
        '      memory: 65536',
        'storage:',
        '  swap: {size: 2TiB, read_latency: 80us}',
        'run:',
        '  duration: 2s',
        '  epoch: 1ms',
        '  sample_interval: 2500000',
      ),
    );
    const [n0, n1, n2] = config.topology.nodes;
    expect(config.topology.page_size).toBe(4096);
    expect(config.topology.remote_socket_latency).toBe(1500);
    expect(n0?.memory).toBe(1.5 * GiB);
    expect(n0?.latency).toEqual({ read: 305, write: 500 });
    expect(n0?.bandwidth).toEqual({ read: 10e9, write: 512 * MiB });
    expect(n1?.memory).toBe(512e6);
    expect(n2?.memory).toBe(65536);
    expect(config.storage.swap).toEqual({ size: 2 * 1024 ** 4, preset: 'nvme', read_latency: 80_000 });
    expect(config.run).toEqual({
      duration: 2e9,
      epoch: 1e6,
      seed: 1,
      sample_interval: 2.5e6,
      barrier_timeout: 120e9,
    });
  });
});

describe('defaults', () => {
  it('fills every default of the schema into a minimal config', () => {
    const { config } = load(
      lines(
        'topology:',
        '  nodes: [{id: 0, cpus: 1, memory: 1GiB}]',
        'workload:',
        '  files: [{name: db, size: 8MiB}]',
        '  tasks:',
        '    - name: app',
        '      cpus: [0]',
        '      regions: [{kind: anon, size: 1MiB}, {kind: file, file: db}]',
        '  actions: [{at: 1ms, task: app, do: madvise_pageout}]',
      ),
    );
    expect(config).toEqual({
      topology: {
        page_size: 4096,
        nodes: [{ id: 0, socket: 0, cpus: 1, memory: GiB, device: 'dram' }],
        remote_socket_latency: 60,
        struct_page_size: 64,
        memory_below_4g: 2 * 1024 ** 3,
        contention: { enabled: false, link_bandwidth: 83200000000, max_utilisation: 0.98, double_at: 0.8 },
      },
      kernel: {
        version: '6.1',
        demotion_enabled: false,
        watermark_scale_factor: 10,
        min_free_kbytes: 'auto',
        swappiness: 60,
        watermark_boost_factor: 15000,
        page_cluster: 3,
        // The kernel's vm.dirty_* defaults (Documentation/admin-guide/sysctl/vm.rst).
        dirty_background_ratio: 10,
        dirty_ratio: 20,
        dirty_background_bytes: 0,
        dirty_bytes: 0,
        dirty_expire_centisecs: 3000,
        dirty_writeback_centisecs: 500,
        ...NUMA_BALANCING_DEFAULTS,
      },
      storage: {
        disk: { preset: 'nvme' },
        swap: { size: 0, preset: 'nvme' },
        read_ahead_kb: 128,
      },
      costs: {
        minor_fault: 1000,
        reclaim_scan_per_page: 200,
        migrate_per_page: 2000,
        fault_batch_max: 65536,
        hint_fault: 1000,
        numa_scan_per_pte: 0,
      },
      run: { duration: 1e9, epoch: 1e6, seed: 1, barrier_timeout: 120e9 },
      workload: {
        files: [{ name: 'db', size: 8 * MiB }],
        tasks: [
          {
            name: 'app',
            cpus: [0],
            policy: { mode: 'default', nodes: [], flags: [] },
            regions: [
              {
                kind: 'anon',
                size: MiB,
                offset: 0,
                access: 'mmap',
                advice: 'normal',
                weight: 1,
                pattern: { type: 'uniform' },
                write_fraction: 0,
                sync: 'none',
                prefault: false,
              },
              {
                kind: 'file',
                file: 'db',
                offset: 0,
                access: 'mmap',
                advice: 'normal',
                weight: 1,
                pattern: { type: 'uniform' },
                write_fraction: 0,
                sync: 'none',
                prefault: false,
              },
            ],
            cpu_per_access: 20,
            accesses_per_op: 100,
            mlp: 1,
            read_copy: 64,
          },
        ],
        actions: [{ at: 1e6, task: 'app', do: 'madvise_pageout', region: 0, start: 0, end: 1 }],
      },
    });
  });

  it('fills pattern defaults by type', () => {
    const { config } = load(
      lines(
        ...TWO_NODES,
        'workload:',
        '  tasks:',
        '    - name: app',
        '      cpus: [0, 1, 2, 3]',
        '      regions:',
        '        - {kind: anon, size: 1MiB, pattern: {type: zipfian}}',
        '        - {kind: anon, size: 1MiB, pattern: {type: hotset}}',
        '        - {kind: anon, size: 1MiB, pattern: {type: sequential}}',
      ),
    );
    expect(config.workload?.tasks[0]?.regions.map((r) => r.pattern)).toEqual([
      { type: 'zipfian', theta: 0.99 },
      { type: 'hotset', fraction: 0.1, probability: 0.9, offset: 0 },
      { type: 'sequential', stride: 1 },
    ]);
  });
});

describe('includes', () => {
  const topo = lines(
    'description: base machine',
    'topology:',
    '  name: base',
    '  page_size: 4KiB',
    '  remote_socket_latency: 80ns',
    '  nodes:',
    '    - {id: 0, cpus: 2, memory: 1GiB}',
    '    - {id: 1, cpus: 2, memory: 1GiB}',
    'kernel:',
    '  version: "5.15"',
    '  swappiness: 10',
  );
  const exp = lines(
    'include: topo.yaml',
    'topology:',
    '  name: experiment',
    '  nodes:',
    '    - {id: 0, cpus: 4, memory: 2GiB}',
    'kernel:',
    '  swappiness: 100',
  );

  it('merges objects key by key, replaces lists whole, and the including file wins', () => {
    const loaded = load(exp, { '/v/topo.yaml': topo });
    const { config } = loaded;
    expect(config.description).toBe('base machine');
    expect(config.topology.name).toBe('experiment');
    expect(config.topology.remote_socket_latency).toBe(80);
    expect(config.topology.nodes).toEqual([{ id: 0, socket: 0, cpus: 4, memory: 2 * GiB, device: 'dram' }]);
    expect(config.kernel.version).toBe('5.15');
    expect(config.kernel.swappiness).toBe(100);
    expect(config.include).toBeUndefined();
    expect(loaded.files).toEqual([MAIN, '/v/topo.yaml']);
    expect(loaded.file).toBe(MAIN);
  });

  it('keeps the location of every value in the file it came from', () => {
    const { locate } = load(exp, { '/v/topo.yaml': topo });
    expect(locate('kernel.version')).toEqual({ file: '/v/topo.yaml', line: 10, col: 12 });
    expect(locate('kernel.swappiness')).toEqual({ file: MAIN, line: 7, col: 15 });
    expect(locate('topology.remote_socket_latency')).toEqual({ file: '/v/topo.yaml', line: 5, col: 26 });
    expect(locate('topology.nodes[0].memory')).toEqual({ file: MAIN, line: 5, col: 32 });
    expect(locate('topology.nodes.0.memory')).toEqual({ file: MAIN, line: 5, col: 32 });
    // Replaced with the list, so the included file's second node is gone, and so is its location.
    expect(locate('topology.nodes[1]')).toBeUndefined();
    // Defaults were never written.
    expect(locate('run.seed')).toBeUndefined();
  });

  it('applies several includes in order, the later winning, and reads a shared include once per use', () => {
    const vfs = {
      '/v/common.yaml': lines('kernel: {swappiness: 1, demotion_enabled: true}'),
      '/v/a.yaml': lines(
        'include: common.yaml',
        'kernel: {swappiness: 2}',
        'topology:',
        '  nodes: [{id: 0, memory: 1GiB}]',
      ),
      '/v/b.yaml': lines('include: common.yaml', 'kernel: {swappiness: 3, watermark_scale_factor: 50}'),
    };
    const loaded = load(lines('include: [a.yaml, b.yaml]', 'run: {seed: 9}'), vfs);
    expect(loaded.config.kernel).toMatchObject({
      swappiness: 3,
      demotion_enabled: true,
      watermark_scale_factor: 50,
    });
    expect(loaded.files).toEqual([MAIN, '/v/a.yaml', '/v/common.yaml', '/v/b.yaml']);
    expect(loaded.locate('kernel.swappiness')?.file).toBe('/v/b.yaml');
  });

  it('resolves nested includes relative to the including file', () => {
    const vfs = {
      '/v/topologies/t.yaml': lines(
        'include: ../common/k.yaml',
        'topology:',
        '  nodes: [{id: 0, memory: 1GiB}]',
      ),
      '/v/common/k.yaml': lines('kernel: {version: "5.15"}'),
    };
    const loaded = load(lines('include: topologies/t.yaml'), vfs);
    expect(loaded.config.kernel.version).toBe('5.15');
    expect(loaded.locate('kernel.version')?.file).toBe('/v/common/k.yaml');
  });
});

describe('--set overrides', () => {
  const base = lines(
    ...TWO_NODES,
    'workload:',
    '  tasks:',
    '    - name: app',
    '      cpus: [0]',
    '      regions: [{kind: anon, size: 1MiB}]',
  );

  it('overrides scalars inside lists, with either index syntax', () => {
    const loaded = load(base, {}, [
      'topology.nodes.1.memory=4GiB',
      'topology.nodes[0].cpus=8',
      'kernel.demotion_enabled=true',
    ]);
    expect(loaded.config.topology.nodes.map((n) => [n.cpus, n.memory])).toEqual([
      [8, GiB],
      [2, 4 * GiB],
    ]);
    expect(loaded.config.kernel.demotion_enabled).toBe(true);
    expect(loaded.locate('topology.nodes[1].memory')).toEqual({ file: '--set', line: 1, col: 1 });
    expect(loaded.locate('topology.nodes[0].memory')).toEqual({ file: MAIN, line: 5, col: 15 });
  });

  it('parses flow values and creates missing sections', () => {
    const loaded = load(base, {}, [
      'workload.tasks.0.cpus=[0, 1, 2]',
      'workload.tasks[0].regions[0].pattern={type: zipfian, theta: 0.5}',
      'run.seed=7',
      'topology.name = big box',
    ]);
    expect(loaded.config.workload?.tasks[0]?.cpus).toEqual([0, 1, 2]);
    expect(loaded.config.workload?.tasks[0]?.regions[0]?.pattern).toEqual({ type: 'zipfian', theta: 0.5 });
    expect(loaded.config.run.seed).toBe(7);
    expect(loaded.config.topology.name).toBe('big box');
    expect(loaded.locate('workload.tasks[0].regions[0].pattern.theta')).toEqual({
      file: '--set',
      line: 1,
      col: 1,
    });
  });

  it('reads a kernel version written as a number as the version it names', () => {
    for (const [value, version] of [
      ['5.18', '5.18'],
      ['6.0', '6.0'],
      ['6', '6.0'],
      ['6.1', '6.1'],
      ['6.6', '6.6'],
      ['6.12', '6.12'],
      ['"5.15"', '5.15'],
    ]) {
      expect(load(base, {}, [`kernel.version=${value}`]).config.kernel.version).toBe(version);
    }
    expect(load(lines(base, 'kernel:', '  version: 6.0')).config.kernel.version).toBe('6.0');
    expect(() => load(base, {}, ['kernel.version=5.16'])).toThrow(/kernel\.version: expected one of "5\.15"/);
  });

  it('applies overrides in order, the last winning', () => {
    const loaded = load(base, {}, ['run.seed=1', 'run.seed=2']);
    expect(loaded.config.run.seed).toBe(2);
  });
});

describe('hash', () => {
  const a = lines(
    'topology:',
    '  nodes: [{id: 0, cpus: 1, memory: 16GiB}]',
    'kernel: {swappiness: 60, version: "6.1"}',
  );
  // The same config: other key order, other units, comments, defaults written out.
  const b = lines(
    '# same machine',
    'kernel:',
    '  version: "6.1"',
    'topology:',
    '  page_size: 4096',
    '  nodes:',
    '    - memory: 17179869184',
    '      cpus: 1',
    '      id: 0',
  );

  it('is equal for equal resolved configs', () => {
    const ha = load(a).hash;
    expect(ha).toMatch(/^[0-9a-f]{64}$/);
    expect(load(b).hash).toBe(ha);
  });

  it('differs when a value changes', () => {
    expect(load(a, {}, ['run.seed=2']).hash).not.toBe(load(a).hash);
    expect(load(a, {}, ['topology.nodes.0.memory=16GB']).hash).not.toBe(load(a).hash);
  });
});

describe('kernel.lru_gen', () => {
  const machine = ['topology:', '  nodes: [{id: 0, cpus: 1, memory: 1GiB}]'];

  it('is absent (off) by default and takes both values on 6.1', () => {
    expect(load(lines(...machine)).config.kernel.lru_gen).toBeUndefined();
    const on = load(lines(...machine, 'kernel: {lru_gen: {enabled: true}}')).config.kernel.lru_gen;
    expect(on).toEqual({ enabled: true, min_ttl_ms: 0 });
    const off = load(lines(...machine), {}, [
      'kernel.lru_gen.enabled=false',
      'kernel.lru_gen.min_ttl_ms=1000',
    ]);
    expect(off.config.kernel.lru_gen).toEqual({ enabled: false, min_ttl_ms: 1000 });
  });
});
