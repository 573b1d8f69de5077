/**
 * The end-of-epoch traffic accounting of kernel/bandwidth.ts (updateMemoryLoad), which the
 * mutation run's unit tests never reached (test/bandwidth runs whole experiments, outside
 * vitest.mutation.config.ts): a node's read and write bytes from loads, stores, read() copies,
 * migrations both ways and block-I/O DMA; its utilisation against its own read and write
 * bandwidths from the epoch's bytes only; the socket link's bytes and utilisation on every node
 * of both sockets; the mean access latency of a CPU node; and, with contention on, the latency
 * table = idle + the memory node's queue + the link's queue across sockets only.
 *
 * Machine: node 0 DRAM (socket 0, 1 CPU), node 1 DRAM (socket 1, 1 CPU), node 2 PMEM (socket
 * 0); DRAM 100/80 GB/s, PMEM 39/13 GB/s, link 1 GB/s, 1 ms epochs, 4 KiB pages, 64-byte lines.
 */
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/load.js';
import { createSimulation } from '../../src/engine/simulation.js';
import { nextQueueNs, queueConstantNs, queueDelayNs, updateMemoryLoad } from '../../src/kernel/bandwidth.js';
import {
  L_QUEUE_NS,
  LINK_WORDS,
  MAX_SOCKETS,
  NODE_TRAFFIC_WORDS,
  T_QUEUE_NS,
} from '../../src/memory/traffic.js';
import { COUNTER_INDEX, NR_COUNTERS, type CounterName } from '../../src/metrics/vmstat.js';

function machine() {
  const yaml = `
topology:
  struct_page_size: 0
  memory_below_4g: 0
  contention: { enabled: true, link_bandwidth: 1e9 }
  nodes:
    - { id: 0, socket: 0, cpus: 1, memory: 1MiB, device: dram }
    - { id: 1, socket: 1, cpus: 1, memory: 1MiB, device: dram }
    - { id: 2, socket: 0, cpus: 0, memory: 1MiB, device: pmem }
run: { duration: 1ms, epoch: 1ms }
workload:
  tasks:
    - { name: t, cpus: [0], regions: [{ kind: anon, size: 64KiB }] }
`;
  const sim = createSimulation(parseConfigText(yaml, '/virtual/bandwidth.yaml').config);
  const s = sim.s;
  const get = (nid: number, name: CounterName) => s.counters[nid * NR_COUNTERS + COUNTER_INDEX[name]];
  const set = (nid: number, name: CounterName, v: number) => {
    s.counters[nid * NR_COUNTERS + COUNTER_INDEX[name]] = v;
  };
  return { s, get, set };
}

describe('updateMemoryLoad', () => {
  it("a node's bytes, utilisation and the link, then an idle epoch", () => {
    const { s, get, set } = machine();
    const n = 3;
    // CPU node 0 → memory 1 (across sockets): 1000 accesses, 250 of them stores, 100 read() copy lines.
    s.accessMatrix[0 * n + 1] = 1000;
    s.storeMatrix[0 * n + 1] = 250;
    s.traffic.copies[0 * n + 1] = 100;
    // CPU node 1 → PMEM 2 (across), CPU node 0 → PMEM 2 (same socket).
    s.accessMatrix[1 * n + 2] = 500;
    s.accessMatrix[0 * n + 2] = 200;
    // Two pages migrated from node 1 into node 2 (migrated[target][source]), across sockets.
    s.traffic.migrated[2 * n + 1] = 2;
    // DMA: a disk read of 8 sectors into node 2, a swap write of 16 sectors out of node 1.
    set(2, 'tiersim_disk_read_sectors', 8);
    set(1, 'tiersim_swap_write_sectors', 16);
    updateMemoryLoad(s);
    // Node 1 reads: (1000 - 250 + 100) lines + 2 pages copied out + 16 sectors = 54,400 + 8,192
    // + 8,192; writes: 250 lines = 16,000.
    expect([get(1, 'tiersim_mem_read_bytes'), get(1, 'tiersim_mem_write_bytes')]).toEqual([70_784, 16_000]);
    // Node 2 reads: 700 lines = 44,800; writes: 2 pages in + 8 sectors = 8,192 + 4,096.
    expect([get(2, 'tiersim_mem_read_bytes'), get(2, 'tiersim_mem_write_bytes')]).toEqual([44_800, 12_288]);
    expect([get(0, 'tiersim_mem_read_bytes'), get(0, 'tiersim_mem_write_bytes')]).toEqual([0, 0]);
    // ρ(1) = 70,784 / 1e8 + 16,000 / 8e7 = 0.00090784 → 0.1 %; ρ(2) = 44,800 / 3.9e7 +
    // 12,288 / 1.3e7 = 0.0020939 → 0.2 %.
    expect([get(1, 'tiersim_mem_utilisation_pct'), get(2, 'tiersim_mem_utilisation_pct')]).toEqual([
      0.1, 0.2,
    ]);
    // Link 0-1: (1000 + 100) · 64 + 500 · 64 + 2 · 4096 = 110,592 bytes of 1e6 → 11.1 %, on
    // every node of either socket.
    expect([0, 1, 2].map((nid) => get(nid, 'tiersim_link_utilisation_pct'))).toEqual([11.1, 11.1, 11.1]);
    const q1 = s.traffic.nodeWords[1 * NODE_TRAFFIC_WORDS + T_QUEUE_NS];
    const link = s.traffic.linkWords[(0 * MAX_SOCKETS + 1) * LINK_WORDS + L_QUEUE_NS];
    expect(q1).toBeGreaterThan(0);
    expect(link).toBeGreaterThan(0);
    // An idle epoch: nothing new moved, so 0 % everywhere, the byte counters stay cumulative,
    // and each delay halves (nextQueueNs with no traffic).
    const q2 = s.traffic.nodeWords[2 * NODE_TRAFFIC_WORDS + T_QUEUE_NS];
    updateMemoryLoad(s);
    expect([get(1, 'tiersim_mem_utilisation_pct'), get(2, 'tiersim_mem_utilisation_pct')]).toEqual([0, 0]);
    expect([0, 1, 2].map((nid) => get(nid, 'tiersim_link_utilisation_pct'))).toEqual([0, 0, 0]);
    expect(get(1, 'tiersim_mem_read_bytes')).toBe(70_784);
    expect(s.traffic.nodeWords[1 * NODE_TRAFFIC_WORDS + T_QUEUE_NS]).toBe(q1 / 2);
    expect(s.traffic.nodeWords[2 * NODE_TRAFFIC_WORDS + T_QUEUE_NS]).toBe(q2 / 2);
    expect(s.traffic.linkWords[(0 * MAX_SOCKETS + 1) * LINK_WORDS + L_QUEUE_NS]).toBe(link / 2);
  });

  it('loaded latency: idle + the memory node queue + the link queue across sockets', () => {
    const { s } = machine();
    const n = 3;
    s.traffic.nodeWords[1 * NODE_TRAFFIC_WORDS + T_QUEUE_NS] = 40;
    s.traffic.nodeWords[2 * NODE_TRAFFIC_WORDS + T_QUEUE_NS] = 100;
    s.traffic.linkWords[(0 * MAX_SOCKETS + 1) * LINK_WORDS + L_QUEUE_NS] = 30;
    // No traffic: every delay halves to 20, 50 and 15 before the table is written.
    updateMemoryLoad(s);
    const read = (c: number, m: number) => s.traffic.latency[(c * n + m) * 2];
    const write = (c: number, m: number) => s.traffic.latency[(c * n + m) * 2 + 1];
    // Idle: DRAM 80/80, PMEM 305/94, +60 ns across sockets.
    expect([read(0, 0), read(0, 1), read(0, 2)]).toEqual([80, 80 + 60 + 20 + 15, 305 + 50]);
    expect([read(1, 0), read(1, 1), read(1, 2)]).toEqual([80 + 60 + 15, 80 + 20, 305 + 60 + 50 + 15]);
    expect([write(0, 2), write(1, 2), write(1, 0)]).toEqual([94 + 50, 94 + 60 + 50 + 15, 80 + 60 + 15]);
  });

  it("a CPU node's mean access latency over the epoch's accesses only", () => {
    const { s, get, set } = machine();
    set(0, 'tiersim_accesses', 4);
    set(0, 'tiersim_memory_ns', 1000);
    updateMemoryLoad(s);
    expect(get(0, 'tiersim_access_latency_ns')).toBe(250);
    set(0, 'tiersim_accesses', 7);
    set(0, 'tiersim_memory_ns', 1400);
    updateMemoryLoad(s);
    // (1400 - 1000) / (7 - 4) = 133.33 → 133.3.
    expect(get(0, 'tiersim_access_latency_ns')).toBe(133.3);
    updateMemoryLoad(s);
    expect(get(0, 'tiersim_access_latency_ns')).toBe(0);
  });
});

describe('the curve assertions', () => {
  it('double_at strictly inside (0, 1); utilisation in [0, 1)', () => {
    expect(() => queueConstantNs(305, 0)).toThrow('double_at must lie in (0, 1)');
    expect(() => queueConstantNs(305, 1)).toThrow('double_at must lie in (0, 1)');
    expect(queueConstantNs(305, 0.5)).toBe(305);
    expect(queueDelayNs(100, 0)).toBe(0);
    expect(() => queueDelayNs(100, -0.01)).toThrow('utilisation must lie in [0, 1)');
    expect(() => queueDelayNs(100, 1)).toThrow('utilisation must lie in [0, 1)');
    // An epoch without traffic halves the previous delay, exactly.
    expect(nextQueueNs(76.25, 305, 0, 30, 0.98)).toBe(15);
  });
});

function threeSockets(extraNode = '') {
  const yaml = `
topology:
  struct_page_size: 0
  memory_below_4g: 0
  contention: { enabled: true, link_bandwidth: 1e9 }
  nodes:
    - { id: 0, socket: 0, cpus: 1, memory: 1MiB, device: dram }
    - { id: 1, socket: 1, cpus: 1, memory: 1MiB, device: dram }
    - { id: 2, socket: 2, cpus: 1, memory: 1MiB, device: dram }
${extraNode}
run: { duration: 1ms, epoch: 1ms }
workload:
  tasks:
    - { name: t, cpus: [0], regions: [{ kind: anon, size: 64KiB }] }
`;
  return createSimulation(parseConfigText(yaml, '/virtual/sockets.yaml').config).s;
}

describe('links between three sockets', () => {
  it('each node shows the busiest link of its socket; link 1-2 has its own words', () => {
    const s = threeSockets();
    const pct = (nid: number) => s.counters[nid * NR_COUNTERS + COUNTER_INDEX.tiersim_link_utilisation_pct];
    // CPU node 0 → memory 1: 500 lines = 32,000 bytes on link 0-1 (3.2 % of 1e6); CPU node 1 →
    // memory 2: 1000 lines = 64,000 bytes on link 1-2 (6.4 %); link 0-2 idle.
    s.accessMatrix[0 * 3 + 1] = 500;
    s.accessMatrix[1 * 3 + 2] = 1000;
    updateMemoryLoad(s);
    expect([pct(0), pct(1), pct(2)]).toEqual([3.2, 6.4, 6.4]);
    expect(s.traffic.linkWords[(1 * MAX_SOCKETS + 2) * LINK_WORDS + L_QUEUE_NS]).toBeGreaterThan(0);
  });

  it("the loaded latency between sockets 1 and 2 adds link 1-2's queue; queues shown to 0.1 ns", () => {
    const s = threeSockets();
    s.traffic.linkWords[(1 * MAX_SOCKETS + 2) * LINK_WORDS + L_QUEUE_NS] = 30;
    s.traffic.nodeWords[2 * NODE_TRAFFIC_WORDS + T_QUEUE_NS] = 25;
    // An idle epoch: link 1-2 halves to 15, node 2's queue to 12.5.
    updateMemoryLoad(s);
    const read = (c: number, m: number) => s.traffic.latency[(c * 3 + m) * 2];
    expect([read(1, 2), read(2, 1), read(0, 2)]).toEqual([80 + 60 + 15 + 12.5, 80 + 60 + 15, 80 + 60 + 12.5]);
    expect(s.counters[2 * NR_COUNTERS + COUNTER_INDEX.tiersim_mem_queue_ns]).toBe(12.5);
  });

  it('socket ids up to MAX_SOCKETS - 1 are accepted', () => {
    const s = threeSockets('    - { id: 3, socket: 63, cpus: 0, memory: 1MiB, device: dram }');
    expect(() => updateMemoryLoad(s)).not.toThrow();
  });
});
