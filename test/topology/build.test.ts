/**
 * buildMachine() and the modules it wires: device presets and overrides, derived SLIT distances,
 * CPU numbering, the access-latency matrices and the assertions on malformed input. Method:
 * configs through the real schema, expected values from the brief's presets and by hand.
 */
import { describe, expect, it } from 'vitest';
import { AssertionError } from '../../src/util/assert.js';
import { buildMachine, DEVICE_PRESETS, derivedDistance } from '../../src/topology/index.js';
import { config, EXAMPLE_A_SLIT, exampleA, machineOf } from './fixtures.js';

describe('device presets', () => {
  it('hold the documented numbers', () => {
    expect(DEVICE_PRESETS.dram).toEqual({
      latencyReadNs: 80,
      latencyWriteNs: 80,
      bandwidthReadBps: 100e9,
      bandwidthWriteBps: 80e9,
      adistance: 576,
    });
    expect(DEVICE_PRESETS.pmem).toEqual({
      latencyReadNs: 305,
      latencyWriteNs: 94,
      bandwidthReadBps: 39e9,
      bandwidthWriteBps: 13e9,
      adistance: 2880,
    });
    expect(DEVICE_PRESETS.cxl).toEqual({
      latencyReadNs: 250,
      latencyWriteNs: 250,
      bandwidthReadBps: 32e9,
      bandwidthWriteBps: 28e9,
      adistance: 2880,
    });
  });

  it('yield to node overrides, one field at a time', () => {
    const m = machineOf({
      nodes: [
        { id: 0, cpus: 1, memory: '1GiB' },
        {
          id: 1,
          memory: '1GiB',
          device: 'cxl',
          latency: { read: '400ns' },
          bandwidth: { write: '10GB/s' },
          adistance: 1000,
        },
      ],
    });
    expect(m.nodes[1]).toMatchObject({
      device: 'cxl',
      latencyReadNs: 400,
      latencyWriteNs: 250,
      bandwidthReadBps: 32e9,
      bandwidthWriteBps: 10e9,
      adistance: 1000,
    });
  });
});

describe('distances', () => {
  it('derived ones reproduce Example A', () => {
    expect(machineOf(exampleA(false)).distances).toEqual(EXAMPLE_A_SLIT);
  });

  it('derive 17 within a socket even between CPU-less nodes, 21 across sockets with CPUs', () => {
    const node = (id: number, socket: number, cpus: number) => ({
      id,
      socket,
      cpus,
      memory: 1,
      device: 'dram' as const,
    });
    expect(derivedDistance(node(0, 0, 0), node(1, 0, 0))).toBe(17);
    expect(derivedDistance(node(0, 0, 4), node(1, 1, 4))).toBe(21);
    expect(derivedDistance(node(0, 0, 4), node(1, 1, 0))).toBe(28);
    expect(derivedDistance(node(0, 0, 4), node(0, 0, 4))).toBe(10);
  });

  it('come from the config when given, and are copied', () => {
    const c = config(exampleA());
    const m = buildMachine(c.topology, c.kernel);
    expect(m.distances).toEqual(EXAMPLE_A_SLIT);
    expect(m.distances).not.toBe(c.topology.distances);
    expect(m.distances[0]).not.toBe(c.topology.distances![0]);
  });

  it('are asserted to be a square SLIT with 10 on the diagonal and more elsewhere', () => {
    const bad = [
      [[10, 21]], // one row for two nodes
      [
        [10, 21],
        [21, 10, 17],
      ],
      [
        [10, 21],
        [21, 11],
      ],
      [
        [10, 10],
        [10, 10],
      ],
      [
        [10, 256],
        [21, 10],
      ],
    ];
    for (const distances of bad) {
      const c = config({
        nodes: [
          { id: 0, cpus: 1, memory: '1GiB' },
          { id: 1, memory: '1GiB' },
        ],
        distances,
      });
      expect(() => buildMachine(c.topology, c.kernel)).toThrow(AssertionError);
    }
  });
});

describe('nodes and CPUs', () => {
  it('are sorted by id and CPUs numbered node by node', () => {
    const m = machineOf({
      nodes: [
        { id: 2, cpus: 3, memory: '1GiB' },
        { id: 0, cpus: 2, memory: '1GiB' },
        { id: 1, cpus: 0, memory: '1GiB', device: 'pmem' },
      ],
    });
    expect(m.nodes.map((n) => n.nid)).toEqual([0, 1, 2]);
    expect(m.nodes.map((n) => n.cpus)).toEqual([[0, 1], [], [2, 3, 4]]);
    expect(m.cpuNode).toEqual([0, 0, 2, 2, 2]);
  });

  it('manage memory / page size pages, rounded down, less the memmap (64 B a page)', () => {
    const m = machineOf({ page_size: '4KiB', nodes: [{ id: 0, cpus: 1, memory: 1024 ** 3 + 4095 }] });
    // 262144 pages; memmap 262144 * 64 / 4096 = 4096 pages.
    expect(m.nodes[0].managedPages).toBe(258048);
    expect(m.nodes[0].memoryBytes).toBe(1024 ** 3 + 4095);
    expect(m.pageSize).toBe(4096);
  });

  it('must have ids 0..N-1', () => {
    const c = config({
      nodes: [
        { id: 0, cpus: 1, memory: '1GiB' },
        { id: 2, memory: '1GiB' },
      ],
    });
    expect(() => buildMachine(c.topology, c.kernel)).toThrow(AssertionError);
    const dup = config({
      nodes: [
        { id: 0, cpus: 1, memory: '1GiB' },
        { id: 0, memory: '1GiB' },
      ],
    });
    expect(() => buildMachine(dup.topology, dup.kernel)).toThrow(AssertionError);
  });

  it('take the name from the config, or describe the machine', () => {
    expect(machineOf({ name: 'box', nodes: [{ id: 0, cpus: 1, memory: '1GiB' }] }).name).toBe('box');
    expect(machineOf({ nodes: [{ id: 0, cpus: 1, memory: '1GiB' }] }).name).toBe('1-node machine');
  });
});

describe('access latency', () => {
  it('is the memory device latency plus remote_socket_latency across sockets (Example A)', () => {
    // Default remote_socket_latency is 60 ns; DRAM 80/80, PMEM 305/94.
    const m = machineOf(exampleA());
    expect(m.readLatencyNs).toEqual([
      [80, 140, 305, 365],
      [140, 80, 365, 305],
      [80, 140, 305, 365],
      [140, 80, 365, 305],
    ]);
    expect(m.writeLatencyNs).toEqual([
      [80, 140, 94, 154],
      [140, 80, 154, 94],
      [80, 140, 94, 154],
      [140, 80, 154, 94],
    ]);
  });

  it('uses the configured remote latency and device overrides', () => {
    const m = machineOf({
      remote_socket_latency: '100ns',
      nodes: [
        { id: 0, socket: 0, cpus: 1, memory: '1GiB' },
        { id: 1, socket: 1, cpus: 0, memory: '1GiB', device: 'cxl', latency: { read: 300, write: 350 } },
      ],
    });
    expect(m.readLatencyNs[0]).toEqual([80, 400]);
    expect(m.writeLatencyNs[0]).toEqual([80, 450]);
  });
});

describe('the machine', () => {
  it('is structured-cloneable', () => {
    const m = machineOf(exampleA());
    expect(structuredClone(m)).toEqual(m);
  });
});
