/**
 * Counters that mean what Linux's mean: meminfo Dirty counts dirty page cache only
 * (NR_FILE_DIRTY; a dirty anon page is not in it), and pgfault counts every fault that goes
 * through handle_mm_fault(): NUMA hint faults and the faults that populate a region as well.
 */
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/load.js';
import { runLoaded } from '../helpers/run.js';

function tiny(opts: { anonWrites: number; fileWrites: number; prefault?: boolean; numa?: boolean }): string {
  const numa =
    opts.numa === true
      ? '  numa_balancing: 2\n  numa_balancing_scan_delay_ms: 0\n  numa_balancing_scan_period_min_ms: 2\n  numa_balancing_hot_threshold_ms: 1000\n'
      : '';
  return `topology:
  page_size: 4KiB
  nodes:
    - { id: 0, socket: 0, cpus: 1, memory: ${opts.numa === true ? '2MiB' : '16MiB'}, device: dram }
    - { id: 1, socket: 0, cpus: 0, memory: 16MiB, device: pmem }
kernel:
  version: '6.1'
  demotion_enabled: true
${numa}run: { duration: ${opts.numa === true ? '400ms' : '6ms'}, epoch: 1ms, seed: 3 }
workload:
  files: [{ name: db, size: 2MiB }]
  tasks:
    - name: app
      cpus: [0]
      policy: { mode: default }
      cpu_per_access: 50ns
      accesses_per_op: 100
      regions:
        - { kind: anon, size: 2MiB, write_fraction: ${opts.anonWrites}, prefault: ${opts.prefault === true} }
        - { kind: file, file: db, access: mmap, write_fraction: ${opts.fileWrites} }
`;
}

async function run(text: string) {
  return (await runLoaded(parseConfigText(text, 'counters.yaml'))).result;
}

describe('meminfo Dirty is dirty page cache only', () => {
  it('stores to anon memory only: Dirty is 0 on every node although anon pages are dirty', async () => {
    const r = await run(tiny({ anonWrites: 1, fileWrites: 0 }));
    const anon = r.nodes.reduce((n, x) => n + (x.meminfo['AnonPages'] ?? 0), 0);
    expect(anon).toBeGreaterThan(0); // KiB of anon pages, every one stored to (dirty)
    for (const node of r.nodes) expect(node.meminfo['Dirty']).toBe(0);
  });

  it('stores to a mapped file: Dirty is page cache, at most FilePages', async () => {
    const r = await run(tiny({ anonWrites: 0, fileWrites: 1 }));
    const dirty = r.nodes.reduce((n, x) => n + (x.meminfo['Dirty'] ?? 0), 0);
    expect(dirty).toBeGreaterThan(0);
    for (const node of r.nodes) {
      expect(node.meminfo['Dirty']).toBeLessThanOrEqual(node.meminfo['FilePages'] ?? 0);
      expect(node.meminfo['Writeback']).toBe(0);
    }
  });
});

describe('pgfault counts every fault', () => {
  it('a prefaulted anon region: one fault per page (512 pages of 2 MiB) before the run', async () => {
    const r = await run(tiny({ anonWrites: 0, fileWrites: 0, prefault: true }));
    expect(r.vmstat['pgfault']).toBeGreaterThanOrEqual(512);
  });

  it('NUMA hint faults are page faults: pgfault >= numa_hint_faults + pgmajfault', async () => {
    const r = await run(tiny({ anonWrites: 0, fileWrites: 0, numa: true }));
    const hint = r.vmstat['numa_hint_faults'] ?? 0;
    expect(hint).toBeGreaterThan(0);
    expect(r.vmstat['pgfault']).toBeGreaterThanOrEqual(hint + (r.vmstat['pgmajfault'] ?? 0));
  });
});

describe('shmem is page cache in meminfo (Shmem, FilePages), not AnonPages', () => {
  // 1.5 MiB of shmem and 512 KiB of anon, both prefaulted, on a 1 MiB DRAM node that demotes to
  // PMEM: wherever a page is (DRAM, PMEM, moved by demotion), a shmem page counts in Shmem and
  // FilePages of its node and an anon page in AnonPages (NR_SHMEM, NR_FILE_PAGES, NR_ANON_MAPPED).
  const text = `topology:
  page_size: 4KiB
  nodes:
    - { id: 0, socket: 0, cpus: 1, memory: 1MiB, device: dram }
    - { id: 1, socket: 0, cpus: 0, memory: 16MiB, device: pmem }
kernel: { version: '6.12', demotion_enabled: true }
run: { duration: 20ms, epoch: 1ms, seed: 3 }
workload:
  tasks:
    - name: app
      cpus: [0]
      regions:
        - { kind: shmem, size: 1536KiB, prefault: true }
        - { kind: anon, size: 512KiB, prefault: true }
`;

  it('sums to the regions on every node, and the vmstat gauges agree', async () => {
    const r = await run(text);
    const sum = (key: string) => r.nodes.reduce((n, x) => n + (x.meminfo[key] ?? 0), 0);
    expect(sum('Shmem')).toBe(1536);
    expect(sum('FilePages')).toBe(1536);
    expect(sum('AnonPages')).toBe(512);
    // Demotion moved some of them: both nodes hold pages.
    expect(r.nodes[1].meminfo['Shmem'] ?? 0).toBeGreaterThan(0);
    for (const node of r.nodes) {
      expect(node.vmstat['nr_file_pages'] * 4).toBe(node.meminfo['FilePages']);
      expect(node.vmstat['nr_anon_pages'] * 4).toBe(node.meminfo['AnonPages']);
    }
  });
});
