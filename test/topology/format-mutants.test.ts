/**
 * `tiersim topology`'s text (topology/format.ts) where the mutation run found it unpinned: the
 * header line, each node's device line with its bandwidths, the access-latency table, the 5.15
 * titles and tier rows, line wrapping at 100 columns with the label's indent, and a machine
 * whose nodes have no CPU. Values from configs/topologies/two-socket-optane.yaml (the scaled
 * Example A: 2 DRAM nodes with 4 CPUs, 2 PMEM nodes, 4 KiB pages) and the device presets
 * (DRAM 80/80 ns, 100/80 GB/s; PMEM 305/94 ns, 39/13 GB/s); a CPU on the other socket pays the
 * default remote_socket_latency on top.
 */
import { describe, expect, it } from 'vitest';
import { buildMachine, formatTopology } from '../../src/topology/index.js';
import { loadConfig, machineOf } from './fixtures.js';

const small = loadConfig('configs/topologies/two-socket-optane.yaml');
const lines = (version?: '5.15') =>
  formatTopology(
    buildMachine(small.topology, version === undefined ? small.kernel : { ...small.kernel, version }),
  ).split('\n');

describe('topology text', () => {
  it('header, device lines and the latency table', () => {
    const l = lines();
    expect(l[0]).toBe('two-socket-optane: 4 nodes, 8 CPUs, page size 4 KiB, kernel 6.1');
    expect(l).toContain('node 0 device: dram on socket 0, latency r/w 80/80 ns, bandwidth r/w 100/80 GB/s');
    expect(l).toContain('node 3 device: pmem on socket 1, latency r/w 305/94 ns, bandwidth r/w 39/13 GB/s');
    expect(l).toContain('node 1 tier: 4, adistance 576, top tier');
    expect(l).toContain('node 2 tier: 22, adistance 2880');
    const hop = small.topology.remote_socket_latency;
    const remote = (r: number, w: number) => `${r + hop}/${w + hop}`;
    const at = l.indexOf('access latency, ns read/write (rows: CPU nodes, columns: memory nodes):');
    expect(at).toBeGreaterThan(0);
    // Right-aligned columns as wide as their widest cell, two spaces apart, indented by two.
    const cells = [
      ['node', '0', '1', '2', '3'],
      ['0:', '80/80', remote(80, 80), '305/94', remote(305, 94)],
      ['1:', remote(80, 80), '80/80', remote(305, 94), '305/94'],
    ];
    const widths = cells[0].map((_, c) => Math.max(...cells.map((r) => r[c].length)));
    const rows = cells.map((r) => '  ' + r.map((x, c) => x.padStart(widths[c])).join('  '));
    expect(l.slice(at + 1, at + 4)).toEqual(rows);
    expect(l[at + 4]).toBe('');
    // Only CPU nodes are rows: the block ends after node 1 (checked by the blank line above).
  });

  it('5.15: no memory tiers of its own, one demotion target per node', () => {
    const l = lines('5.15');
    expect(l).toContain('memory tiers (6.1 view; 5.15 has none and its top tier is the CPU nodes: 0-1):');
    expect(l).toContain('demotion targets (kernel 5.15: one target per node, not shared within a pass):');
    // The tier rows carry no "top tier" mark on 5.15, left-aligned.
    const at = l.indexOf('memory tiers (6.1 view; 5.15 has none and its top tier is the CPU nodes: 0-1):');
    expect(l.slice(at + 1, at + 4)).toEqual([
      '  tier  adistance  nodes',
      '  4     512-639    0-1',
      '  22    2816-2943  2-3',
    ]);
    const six = lines();
    const at61 = six.indexOf('memory tiers (fastest first; id = adistance >> 7):');
    expect(six.slice(at61 + 1, at61 + 4)).toEqual([
      '  tier  adistance  nodes',
      '  4     512-639    0-1    top tier',
      '  22    2816-2943  2-3',
    ]);
    expect(six).toContain('  node 2 -> none');
  });

  it('wraps a long CPU list at 100 columns under its label', () => {
    const m = machineOf({ nodes: [{ id: 0, cpus: 96, memory: '1GiB' }] });
    const l = formatTopology(m).split('\n');
    const at = l.findIndex((x) => x.startsWith('node 0 cpus:'));
    const nums = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => String(a + i)).join(' ');
    // "node 0 cpus:" is 12 columns; 0..9 take 2 each (32), 10..31 three each: 98, and " 32" would
    // make 101. Continuation lines start with 12 spaces: 29 numbers of 3 columns each (99).
    expect(l.slice(at, at + 4)).toEqual([
      `node 0 cpus: ${nums(0, 32)}`,
      `${' '.repeat(12)} ${nums(32, 61)}`,
      `${' '.repeat(12)} ${nums(61, 90)}`,
      `${' '.repeat(12)} ${nums(90, 96)}`,
    ]);
    // 1 GiB less its memmap: 262,144 pages of 64-byte struct pages, 16 MiB.
    expect(l[at + 4]).toBe('node 0 size: 1008 MB');
  });

  it('a machine without any CPU (the config accepts one): no latency rows', () => {
    const l = formatTopology(machineOf({ nodes: [{ id: 0, cpus: 0, memory: '1GiB' }] })).split('\n');
    expect(l).toContain('access latency: no node has CPUs');
    expect(l.some((x) => x.startsWith('access latency, ns'))).toBe(false);
  });

  it('a node without CPUs has an empty cpus line, and its own line', () => {
    const l = lines();
    expect(l).toContain('node 2 cpus:');
    expect(l[l.indexOf('node 2 cpus:') + 1]).toBe('node 2 size: 1024 MB');
  });
});

describe('topology text, the other blocks', () => {
  it('titles, the watermark table header right-aligned, and a final newline', () => {
    const text = formatTopology(buildMachine(small.topology, small.kernel));
    const l = text.split('\n');
    expect(l[l.length - 1]).toBe('');
    expect(l).toContain(
      'demotion targets (kernel 6.1: preferred = nearest of the next lower tier, allowed = all lower):',
    );
    expect(l).toContain('zonelists (allocation fallback order):');
    const at = l.indexOf(
      'lowmem_reserve (protection, by highest zone DMA,DMA32,Normal,Movable) for a user allocation:',
    );
    expect(at).toBeGreaterThan(0);
    // Columns as wide as their widest cell (managed 262144, "1073", "0,236,236,236"), right-aligned.
    expect(l[at + 1]).toBe('  node     zone  managed  min  low  high  promo  high MiB / protection');
  });

  it('wraps at exactly 100 columns: a line of 100 is kept, and nothing precedes the cpus line', () => {
    // 140 CPUs: lines 0..31 (98 columns), 32..60 (99), 61..89 (99), 90..113 (98), then
    // 114..135: 12 + 22 · 4 = 100 columns, full but not over; 136..139 last.
    const m = machineOf({ nodes: [{ id: 0, cpus: 140, memory: '1GiB' }] });
    const l = formatTopology(m).split('\n');
    const at = l.findIndex((x) => x.startsWith('node 0 cpus:'));
    expect(l[at - 1]).toBe('available: 1 nodes (0)');
    const nums = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => String(a + i)).join(' ');
    const pad = ' '.repeat(12);
    expect(l.slice(at + 3, at + 6)).toEqual([
      `${pad} ${nums(90, 114)}`,
      `${pad} ${nums(114, 136)}`,
      `${pad} ${nums(136, 140)}`,
    ]);
    expect(l[at + 4].length).toBe(100);
  });
});
