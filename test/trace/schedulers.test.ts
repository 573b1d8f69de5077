/**
 * Trace workloads are deterministic across schedulers: with one worker thread per NUMA node, each
 * thread opens its own descriptors for the CPUs it runs, and the result and state digest equal
 * the inline run's, bit for bit. The task spanning both CPU nodes shares one trace round-robin
 * between CPUs run by different threads; the other task's trace ends early (its CPU then idles);
 * memory is tight enough that reclaim and demotion run.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfigText, type LoadedConfig } from '../../src/config/load.js';
import { collectResult } from '../../src/engine/results.js';
import { runScheduled, type SchedulerName } from '../../src/engine/scheduler.js';
import { createSimulation } from '../../src/engine/simulation.js';
import type { RunResult } from '../../src/metrics/result.js';
import { syntheticRecords, tempDir, writeLackey } from './helpers.js';

const dir = tempDir('tiersim-trace-sched-');
writeLackey(path.join(dir, 'b.lackey'), syntheticRecords(5_000, 600, 0x7f0000000000, 3));
const KV = path.resolve('configs/traces/kvlookup.tstrace');

const CONFIG = `
topology:
  nodes:
    - { id: 0, socket: 0, cpus: 2, memory: 8MiB, device: dram }
    - { id: 1, socket: 1, cpus: 2, memory: 6MiB, device: dram }
    - { id: 2, socket: 0, cpus: 0, memory: 24MiB, device: pmem }
kernel: { demotion_enabled: true }
run: { duration: 60ms, epoch: 1ms, seed: 5 }
workload:
  files: [{ name: log, size: 64MiB }]
  tasks:
    - name: kv
      cpus: [0, 2]
      regions:
        - { kind: anon, size: 16MiB, pattern: { type: trace, file: ${KV} } }
    - name: mixed
      cpus: [1]
      regions:
        - { kind: anon, size: 4MiB, pattern: { type: trace, file: b.lackey, base: 0x7f0000000000, loop: false } }
        - { kind: anon, size: 4MiB, pattern: { type: zipfian, theta: 0.8 }, write_fraction: 0.3 }
    - name: stream
      cpus: [3]
      cpu_per_access: 1us
      regions:
        - { kind: file, file: log, access: read, pattern: { type: sequential } }
`;

const quiet = { onProgress: () => {}, shouldStop: () => false };

async function runWith(loaded: LoadedConfig, scheduler: SchedulerName): Promise<RunResult> {
  const sim = createSimulation(loaded.config);
  const outcome = await runScheduled(sim, scheduler, quiet);
  expect(outcome.failure).toBeUndefined();
  return collectResult(sim, { loaded, wall: undefined, stoppedBy: null, fromSnapshot: false });
}

describe('trace workloads: per-node scheduler = inline', () => {
  it('gives equal results and digests', async () => {
    const loaded = parseConfigText(CONFIG, path.join(dir, 'sched.yaml'));
    const inline = await runWith(loaded, 'inline');
    const again = await runWith(loaded, 'inline');
    const perNode = await runWith(loaded, 'every-node');
    expect(again).toStrictEqual(inline);
    expect(perNode.digest).toBe(inline.digest);
    expect(perNode).toStrictEqual(inline);
    // The run exercised what it is meant to: both traces replayed, reclaim and demotion.
    // kv ran throughout; mixed stopped when its trace ended (5,000 records, about half its accesses).
    expect(inline.tasks[0].accesses).toBeGreaterThan(500_000);
    expect(inline.tasks[1].accesses).toBeGreaterThan(8_000);
    expect(inline.tasks[1].accesses).toBeLessThan(20_000);
    expect(inline.vmstat['pgdemote_kswapd'] + inline.vmstat['pgdemote_direct']).toBeGreaterThan(0);
  }, 60_000);
});
