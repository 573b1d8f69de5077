/**
 * The threaded schedulers with real worker threads (per-node: one per node with CPUs, hosting the
 * CPU-less nodes; every-node: one per NUMA node; src/engine/thread-plan.ts):
 * - every bundled experiment gives the same result.json and state digest as the inline
 *   scheduler, as does a stress config that exercises demotion, 6.1 fallback walks, direct
 *   reclaim, swap and MADV_PAGEOUT on 3 nodes;
 * - a worker that throws ends the run with an error naming node, epoch and phase, exit code 1,
 *   the finished epochs written, and no thread or timer left behind;
 * - Ctrl-C stops after the current epoch, with the partial (whole) state written, exit 130.
 */
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { loadConfig, parseConfigText } from '../../src/config/load.js';
import { collectResult } from '../../src/engine/results.js';
import { runScheduled, type SchedulerName } from '../../src/engine/scheduler.js';
import { createSimulation } from '../../src/engine/simulation.js';
import type { RunResult } from '../../src/metrics/result.js';

const quiet = { onProgress: () => {}, shouldStop: () => false };

async function runWith(loaded: ReturnType<typeof loadConfig>, scheduler: SchedulerName): Promise<RunResult> {
  const sim = createSimulation(loaded.config);
  const outcome = await runScheduled(sim, scheduler, quiet);
  expect(outcome.failure).toBeUndefined();
  return collectResult(sim, { loaded, wall: undefined, stoppedBy: outcome.stoppedBy, fromSnapshot: false });
}

const STRESS = `
topology:
  nodes:
    - { id: 0, socket: 0, cpus: 2, memory: 2MiB, device: dram }
    - { id: 1, socket: 1, cpus: 2, memory: 2MiB, device: dram }
    - { id: 2, socket: 0, cpus: 0, memory: 3MiB, device: pmem }
    - { id: 3, socket: 1, cpus: 0, memory: 2MiB, device: cxl, adistance: 5000 }
kernel: { version: '6.1', demotion_enabled: true, min_free_kbytes: 512 }
storage: { swap: { size: 2MiB } }
run: { duration: 300ms, epoch: 1ms, seed: 11 }
workload:
  files: [{ name: a, size: 4MiB }, { name: b, size: 2MiB }]
  tasks:
    - name: x
      cpus: [0, 1]
      regions:
        - { kind: anon, size: 3MiB, pattern: { type: zipfian, theta: 0.8 }, write_fraction: 0.3, weight: 2 }
        - { kind: file, file: a, access: read, pattern: { type: uniform } }
    - name: y
      cpus: [2, 3]
      regions:
        - { kind: anon, size: 2MiB, pattern: { type: hotset, fraction: 0.2, probability: 0.8 } }
        - { kind: file, file: a, access: mmap, pattern: { type: sequential } }
        - { kind: file, file: b, access: read, write_fraction: 0.2 }
  actions:
    - { at: 150ms, task: y, do: madvise_pageout, region: 0 }
`;

/** Runs long enough to reach the mechanism the experiment is about (promotion: scan_delay 1 s). */
const THREAD_DURATIONS: Record<string, string> = { 'promotion.yaml': '1100ms' };

describe('threaded schedulers = inline scheduler, bit for bit', () => {
  const experiments = readdirSync('configs/experiments')
    .filter((f) => f.endsWith('.yaml'))
    .sort();
  // The bundled experiments alternate between the two worker shapes (per-node: CPU-less nodes
  // hosted on CPU nodes' workers; every-node: one worker per node); the stress configs run both.
  for (const [i, file] of experiments.entries()) {
    const shape: SchedulerName = i % 2 === 0 ? 'per-node' : 'every-node';
    it(`configs/experiments/${file} (${shape})`, async () => {
      const duration = THREAD_DURATIONS[file] ?? '120ms';
      const loaded = loadConfig(path.join('configs/experiments', file), {
        set: [`run.duration=${duration}`],
      });
      const inline = await runWith(loaded, 'inline');
      const threaded = await runWith(loaded, shape);
      expect(threaded.digest).toBe(inline.digest);
      expect(threaded).toEqual(inline);
      if (file === 'promotion.yaml') expect(inline.vmstat.pgpromote_success).toBeGreaterThan(0);
    }, 120_000);
  }

  it('a 4-node stress config (demotion, 6.1 walks, direct reclaim, swap, MADV_PAGEOUT)', async () => {
    const loaded = parseConfigText(STRESS, '/virtual/stress.yaml');
    const inline = await runWith(loaded, 'inline');
    expect(inline.vmstat['pgdemote_kswapd']).toBeGreaterThan(0);
    expect(inline.vmstat['pgsteal_direct']).toBeGreaterThan(0);
    expect(inline.vmstat['pswpout']).toBeGreaterThan(0);
    for (const shape of ['per-node', 'every-node'] as const) {
      const threaded = await runWith(loaded, shape);
      expect(threaded.digest, shape).toBe(inline.digest);
      expect(threaded, shape).toEqual(inline);
    }
    // A different seed is a different run (the seed reaches every stream).
    const other = await runWith(
      parseConfigText(STRESS.replace('seed: 11', 'seed: 12'), '/virtual/stress.yaml'),
      'auto',
    );
    expect(other.digest).not.toBe(inline.digest);
  }, 120_000);

  it('the stress config with the multi-gen LRU (kernel.lru_gen.enabled) and the mglru variant', async () => {
    const loaded = parseConfigText(
      STRESS.replace('min_free_kbytes: 512 }', 'min_free_kbytes: 512, lru_gen: { enabled: true } }'),
      '/virtual/stress-mglru.yaml',
    );
    const inline = await runWith(loaded, 'inline');
    expect(inline.vmstat['pgdemote_kswapd']).toBeGreaterThan(0);
    expect(inline.vmstat['pgsteal_direct']).toBeGreaterThan(0);
    expect(inline.vmstat['pswpout']).toBeGreaterThan(0);
    const threaded = await runWith(loaded, 'per-node');
    expect(threaded.digest).toBe(inline.digest);
    expect(threaded).toEqual(inline);
    const quick = loadConfig('configs/experiments/mglru.yaml', {
      set: ['run.duration=120ms', 'kernel.lru_gen.enabled=true'],
    });
    const quickInline = await runWith(quick, 'inline');
    expect(await runWith(quick, 'every-node')).toEqual(quickInline);
  }, 120_000);
});

describe('failures and interrupts with real workers', () => {
  const tmp = mkdtempSync(path.join(tmpdir(), 'tiersim-threads-'));
  let stderr = '';
  function capture(): void {
    stderr = '';
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stderr += String(chunk);
      return true;
    });
  }
  afterEach(() => {
    vi.restoreAllMocks();
    delete process.env['TIERSIM_INJECT_FAULT'];
  });

  it('a worker that throws: error names node, epoch and phase; finished epochs written; exit 1', async () => {
    const out = path.join(tmp, 'crash');
    process.env['TIERSIM_INJECT_FAULT'] = '1:5:access';
    capture();
    const resourcesBefore = process.getActiveResourcesInfo().sort();
    const code = await main([
      'run',
      'configs/experiments/quickstart.yaml',
      // Workers by name: `auto` runs inline when other processes keep the cores busy.
      '--threads',
      'per-node',
      '--set',
      'run.duration=40ms',
      '--out',
      out,
      '--quiet',
    ]);
    expect(code).toBe(1);
    expect(stderr).toContain('node 1 failed in epoch 5, access phase');
    expect(stderr).toContain('injected fault');
    const result = JSON.parse(readFileSync(path.join(out, 'result.json'), 'utf8')) as RunResult;
    expect(result.completed).toBe(false);
    expect(result.epochs_run).toBe(5);
    expect(result.digest).toBeNull();
    expect(result.stopped_by).toBe('node 1 failed in epoch 5, access phase');
    // The snapshot is the state after epoch 5: it matches a clean 5-epoch run's counters.
    const clean = await runWith(
      loadConfig('configs/experiments/quickstart.yaml', { set: ['run.duration=5ms'] }),
      'inline',
    );
    expect(result.vmstat).toEqual(clean.vmstat);
    // Nothing left running: no worker port, no timer beyond what the test process had before.
    const count = (list: string[]) =>
      list.reduce<Record<string, number>>((m, r) => ({ ...m, [r]: (m[r] ?? 0) + 1 }), {});
    const before = count(resourcesBefore);
    for (const [kind, n] of Object.entries(count(process.getActiveResourcesInfo()))) {
      expect(n, kind).toBeLessThanOrEqual(before[kind] ?? 0);
    }
  }, 60_000);

  it('a failure in the leader (coordinator) is reported the same way', async () => {
    process.env['TIERSIM_INJECT_FAULT'] = '0:3:place';
    capture();
    const code = await main([
      'run',
      'configs/experiments/quickstart.yaml',
      // Workers by name: `auto` runs inline when other processes keep the cores busy.
      '--threads',
      'per-node',
      '--set',
      'run.duration=40ms',
      '--quiet',
    ]);
    expect(code).toBe(1);
    expect(stderr).toContain('node 0 failed in epoch 3, place phase');
  }, 60_000);

  it('Ctrl-C stops after the current epoch with whole, written results and exit 130', async () => {
    const out = path.join(tmp, 'interrupted');
    capture();
    const listening = process.listenerCount('SIGINT');
    const running = main([
      'run',
      'configs/experiments/quickstart.yaml',
      // Workers by name: `auto` runs inline when other processes keep the cores busy.
      '--threads',
      'per-node',
      '--set',
      'run.duration=60s',
      '--out',
      out,
      '--quiet',
    ]);
    // Interrupt as soon as the run listens for Ctrl-C (a loaded machine may take seconds to load
    // the config): no sleep for epochs to pass. The stop request is read only at an epoch's end,
    // so however early it comes the run finishes the epoch it is in (at least the first) and
    // stops there with a whole state.
    for (let waited = 0; process.listenerCount('SIGINT') <= listening && waited < 30_000; waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(process.listenerCount('SIGINT')).toBeGreaterThan(listening);
    process.emit('SIGINT');
    const code = await running;
    expect(code).toBe(130);
    expect(stderr).toContain('interrupted (SIGINT) after');
    const result = JSON.parse(readFileSync(path.join(out, 'result.json'), 'utf8')) as RunResult;
    expect(result.completed).toBe(false);
    expect(result.epochs_run).toBeGreaterThan(0);
    expect(result.epochs_run).toBeLessThan(60_000);
    expect(result.digest).toMatch(/^[0-9a-f]{16}$/); // a clean stop: the state is whole
    expect(result.stopped_by).toBe('SIGINT');
  }, 60_000);
});
