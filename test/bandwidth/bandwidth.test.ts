/**
 * Goal: memory bandwidth and loaded latency (src/kernel/bandwidth.ts) as its header states it:
 * utilisation from reads and writes against their own bandwidths, the M/M/1-shaped curve, the
 * bytes of a migration on both nodes, a write-heavy task limited by write bandwidth, and the
 * model's neutrality: off, or on with unbounded bandwidth, nothing changes; inline = per-node.
 * Values worked out by hand from the presets (PMEM: 305 ns idle read, 39 GB/s read, 13 GB/s
 * write).
 */
import { describe, expect, it } from 'vitest';
import { parseConfigText, type LoadedConfig } from '../../src/config/load.js';
import { collectResult } from '../../src/engine/results.js';
import { runScheduled, type SchedulerName } from '../../src/engine/scheduler.js';
import { createSimulation } from '../../src/engine/simulation.js';
import {
  queueConstantNs,
  queueDelayNs,
  nextQueueNs,
  updateMemoryLoad,
  utilisation,
} from '../../src/kernel/bandwidth.js';
import { NODE_TRAFFIC_WORDS, T_QUEUE_NS } from '../../src/memory/traffic.js';
import type { RunResult } from '../../src/metrics/result.js';
import { COUNTER_INDEX, NR_COUNTERS } from '../../src/metrics/vmstat.js';
import path from 'node:path';
import { bandwidthSpec } from '../../src/report/charts.js';
import { runFile, runText } from '../helpers/run.js';
import { scenario } from '../kernel/scenario.js';

const GB = 1e9;

describe('the loaded-latency formulas', () => {
  it('utilisation adds reads and writes, each against its own bandwidth', () => {
    // 19.5 GB read at 39 GB/s fills half a second, 3.25 GB written at 13 GB/s a quarter.
    expect(utilisation(19.5 * GB, 3.25 * GB, 39 * GB, 13 * GB, 1)).toBeCloseTo(0.75, 12);
    // The same bytes as writes load PMEM three times as much.
    expect(utilisation(0, 19.5 * GB, 39 * GB, 13 * GB, 1)).toBeCloseTo(1.5, 12);
  });

  it('the curve is flat at zero load, doubles idle at double_at, and climbs near saturation', () => {
    const q = queueConstantNs(305, 0.8);
    expect(q).toBeCloseTo(76.25, 12); // 305 · 0.2 / 0.8
    expect(queueDelayNs(q, 0)).toBe(0);
    expect(queueDelayNs(q, 0.5)).toBeCloseTo(76.25, 12); // ρ/(1-ρ) = 1
    expect(305 + queueDelayNs(q, 0.8)).toBeCloseTo(610, 9); // twice idle
    expect(queueDelayNs(q, 0.98)).toBeCloseTo(76.25 * 49, 9);
    expect(() => queueDelayNs(q, 1)).toThrow();
  });

  it('the next delay is half-way to the fixed point of the curve for memory-bound CPUs', () => {
    const q = queueConstantNs(305, 0.8);
    // Idle last epoch, and an idle delay decays by half.
    expect(nextQueueNs(q, 305, 0, 0, 0.98)).toBe(0);
    expect(nextQueueNs(q, 305, 0, 10, 0.98)).toBe(5);
    // ρ = 0.5 measured at idle latency: Q* solves Q* = q·r/(1-r) with r = 0.5·305/(305+Q*).
    const half = nextQueueNs(q, 305, 0.5, 0, 0.98);
    const fixed = 2 * half;
    const r = (0.5 * 305) / (305 + fixed);
    expect(fixed).toBeCloseTo((q * r) / (1 - r), 6);
    expect(fixed).toBeGreaterThan(0);
    expect(fixed).toBeLessThan(q); // below the delay at ρ = 0.5 itself: the traffic backs off
    // Overload is bounded by the curve at max_utilisation.
    expect(nextQueueNs(q, 305, 50, 0, 0.98)).toBeLessThanOrEqual(queueDelayNs(q, 0.98) / 2);
  });

  it('a closed loop of CPUs offering 1.5x the bandwidth settles below it, without swinging', () => {
    const q = queueConstantNs(305, 0.8);
    let queue = 0;
    const raws: number[] = [];
    for (let epoch = 0; epoch < 60; epoch++) {
      // Memory-bound CPUs with 100 ns of work per access: traffic ∝ 1 / (100 + latency).
      const raw = (1.5 * (100 + 305)) / (100 + 305 + queue);
      raws.push(raw);
      queue = nextQueueNs(q, 305, raw, queue, 0.98);
    }
    const last = raws.slice(-10);
    expect(Math.max(...last)).toBeLessThan(1);
    expect(Math.max(...last) - Math.min(...last)).toBeLessThan(0.01);
    // ...at the system's own fixed point: the delay is the curve's at the traffic it lets through.
    const settled = last[9];
    expect(queue).toBeCloseTo((q * settled) / (1 - settled), 0);
    expect(settled).toBeGreaterThan(0.8);
  });
});

describe('traffic accounting', () => {
  it('a migration reads 4 KiB on its source and writes 4 KiB on its target', () => {
    const sim = scenario();
    const s = sim.s;
    const n = s.layout.nodes;
    s.traffic.migrated[1 * n + 0] = 3; // three pages copied from node 0 into node 1
    updateMemoryLoad(s);
    const at = (nid: number, name: 'tiersim_mem_read_bytes' | 'tiersim_mem_write_bytes') =>
      s.counters[nid * NR_COUNTERS + COUNTER_INDEX[name]];
    expect(at(0, 'tiersim_mem_read_bytes')).toBe(3 * 4096);
    expect(at(0, 'tiersim_mem_write_bytes')).toBe(0);
    expect(at(1, 'tiersim_mem_write_bytes')).toBe(3 * 4096);
    expect(at(1, 'tiersim_mem_read_bytes')).toBe(0);
    // Node 1 (PMEM, 13 GB/s write) in a 1 ms epoch: ρ = 12288 / 13e6, measured at idle.
    const raw = 12288 / 13e6;
    expect(s.traffic.nodeWords[1 * NODE_TRAFFIC_WORDS + T_QUEUE_NS]).toBe(
      nextQueueNs(76.25, 305, raw, 0, 0.98),
    );
    // Contention is off in the scenario: the latency table stays idle.
    expect(s.traffic.latency[(0 * n + 1) * 2]).toBe(305);
  });

  it('every migrated page is in the copy matrix (pgmigrate_success, both directions)', async () => {
    const { sim, result } = await runText(DEMOTING);
    const copies = sim.s.traffic.migrated.reduce((a, b) => a + b, 0);
    expect(result.vmstat.pgdemote_kswapd + result.vmstat.pgdemote_direct).toBeGreaterThan(0);
    expect(copies).toBe(result.vmstat.pgmigrate_success);
  });
});

/** A write-only task bound to PMEM whose write bandwidth is 0.5 GB/s: 2 CPUs offer ~1.4 GB/s. */
const WRITER = (contention: boolean, writeBw = '0.5GB/s') => `
topology:
  nodes:
    - { id: 0, cpus: 2, memory: 16MiB, device: dram }
    - { id: 1, cpus: 0, memory: 16MiB, device: pmem, bandwidth: { write: ${writeBw} } }
  contention: { enabled: ${contention} }
kernel: { version: '6.1', demotion_enabled: false }
run: { duration: 20ms, epoch: 500us, seed: 3 }
workload:
  tasks:
    - name: w
      cpus: [0, 1]
      cpu_per_access: 0ns
      policy: { mode: bind, nodes: [1] }
      regions:
        - { kind: anon, size: 4MiB, prefault: true, write_fraction: 1 }
`;

const DEMOTING = `
topology:
  nodes:
    - { id: 0, cpus: 1, memory: 2MiB, device: dram }
    - { id: 1, cpus: 1, memory: 2MiB, device: dram, socket: 1 }
    - { id: 2, cpus: 0, memory: 8MiB, device: pmem }
  contention: { enabled: true, link_bandwidth: 2GB/s }
kernel: { version: '6.1', demotion_enabled: true, numa_balancing: 2 }
run: { duration: 30ms, epoch: 500us, seed: 5 }
workload:
  tasks:
    - name: a
      cpus: [0]
      regions:
        - { kind: anon, size: 5MiB, pattern: { type: zipfian, theta: 0.9 }, write_fraction: 0.4 }
    - name: b
      cpus: [1]
      policy: { mode: bind, nodes: [0] }
      regions:
        - { kind: anon, size: 1MiB, write_fraction: 0.2 }
`;

function writeBps(r: RunResult, nid: number): number {
  return r.nodes[nid].vmstat.tiersim_mem_write_bytes / (r.duration_ns / 1e9);
}

describe('loaded latency end to end', () => {
  it('write bandwidth limits a write-heavy task', async () => {
    const off = (await runText(WRITER(false))).result;
    const on = (await runText(WRITER(true))).result;
    // Off, the CPUs write far more than the device can take (stores at 94 ns idle).
    expect(writeBps(off, 1)).toBeGreaterThan(1.2 * GB);
    // On, the queue holds them below the device's 0.5 GB/s...
    expect(writeBps(on, 1)).toBeLessThan(0.5 * GB);
    expect(writeBps(on, 1)).toBeGreaterThan(0.3 * GB);
    // ...and the score follows.
    expect(on.score).toBeLessThan(off.score * 0.4);
    expect(on.nodes[0].vmstat.tiersim_access_latency_ns).toBeGreaterThan(200);
    expect(off.nodes[0].vmstat.tiersim_access_latency_ns).toBe(94);
  });

  it('on with unbounded bandwidth gives the results of off, bit for bit', async () => {
    // Bandwidth also sets a migration's copy time, so both runs get the same unbounded figures.
    const huge = DEMOTING.replace(
      /device: (dram|pmem) \}/g,
      'device: $1, bandwidth: { read: 1e30, write: 1e30 } }',
    ).replace('link_bandwidth: 2GB/s', 'link_bandwidth: 1e30');
    const on = (await runText(huge)).result;
    const off = (await runText(huge.replace('enabled: true', 'enabled: false'))).result;
    expect(on.vmstat.pgmigrate_success).toBeGreaterThan(0);
    expect(on.score).toBe(off.score);
    expect(on.vmstat).toStrictEqual(off.vmstat);
    expect(on.digest).toBe(off.digest);
  });

  it('as bandwidth grows the score converges to the uncontended one', async () => {
    const off = (await runText(WRITER(false))).result.score;
    const scores: number[] = [];
    for (const bw of ['0.5GB/s', '5GB/s', '50GB/s'])
      scores.push((await runText(WRITER(true, bw))).result.score);
    expect(scores[0]).toBeLessThan(scores[1]);
    expect(scores[1]).toBeLessThan(scores[2]);
    expect(scores[2]).toBeLessThanOrEqual(off);
    expect(scores[2] / off).toBeGreaterThan(0.97);
  });
});

describe('the report', () => {
  it("charts each node's read and write MB/s, the bytes of the run per simulated second", async () => {
    const { result } = await runText(WRITER(true));
    const spec = bandwidthSpec(result) as unknown as {
      data: { values: { node: string; direction: string; mbs: number }[] };
    };
    expect(spec).toBeDefined();
    const pmemWrites = spec.data.values.filter((v) => v.node === 'node 1 (pmem)' && v.direction === 'write');
    expect(pmemWrites.length).toBeGreaterThan(0);
    // The chart's mean over the run is the run's bytes over its time (to the 0.1 MB/s rounding).
    const mean = pmemWrites.reduce((a, v) => a + v.mbs, 0) / pmemWrites.length;
    expect(mean).toBeCloseTo(writeBps(result, 1) / 1e6, -1);
    // Node 0 (DRAM, CPUs only here) moved nothing; no traffic, no chart.
    expect(spec.data.values.filter((v) => v.node === 'node 0 (dram)').every((v) => v.mbs === 0)).toBe(true);
  });
});

describe('the Colloid-style crossover (configs/sweeps/colloid.yaml)', () => {
  const COLLOID = path.resolve(import.meta.dirname, '../../configs/sweeps/colloid.yaml');
  const score = async (antagonist: string, policy: string) =>
    (
      await runFile(COLLOID, [
        `workload.tasks[1].cpu_per_access=${antagonist}`,
        `workload.tasks[0].policy=${policy}`,
      ])
    ).result.tasks[0].score;
  const packed = '{mode: bind, nodes: [0]}';
  const spread = '{mode: interleave, nodes: [0, 1]}';

  it('packing the hot set in DRAM wins while DRAM is lightly loaded, spreading wins near its bandwidth', async () => {
    expect(await score('4us', packed)).toBeGreaterThan(1.5 * (await score('4us', spread)));
    expect(await score('0ns', spread)).toBeGreaterThan(1.05 * (await score('0ns', packed)));
  }, 60_000);
});

async function runWith(loaded: LoadedConfig, scheduler: SchedulerName): Promise<RunResult> {
  const sim = createSimulation(loaded.config);
  const outcome = await runScheduled(sim, scheduler, { onProgress: () => {}, shouldStop: () => false });
  expect(outcome.failure).toBeUndefined();
  return collectResult(sim, { loaded, wall: undefined, stoppedBy: null, fromSnapshot: false });
}

describe('loaded latency and threads', () => {
  it('per-node = inline with contention on (link loaded by the remote task)', async () => {
    const loaded = parseConfigText(DEMOTING, '/virtual/demoting.yaml');
    const inline = await runWith(loaded, 'inline');
    const perNode = await runWith(loaded, 'every-node');
    expect(inline.nodes[1].vmstat.tiersim_link_utilisation_pct).toBeGreaterThan(0);
    expect(perNode.digest).toBe(inline.digest);
    expect(perNode).toStrictEqual(inline);
  }, 60_000);
});
