// Child process of bench/scaling.bench.ts: one measurement of one scheduler on one experiment,
// from the built code in dist/. Prints one JSON line.
const [file, mode, duration] = process.argv.slice(2);
const root = process.cwd();
const { loadConfig } = await import(root + '/dist/src/config/load.js');
const { createSimulation, THREAD_STAT_WORDS } = await import(root + '/dist/src/engine/simulation.js');
const { runScheduled } = await import(root + '/dist/src/engine/scheduler.js');
const { collectResult } = await import(root + '/dist/src/engine/results.js');
const loaded = loadConfig(file, { set: ['run.duration=' + duration] });
const sim = createSimulation(loaded.config);
const t0 = performance.now();
const out = await runScheduled(sim, mode, { onProgress() {}, shouldStop: () => false });
const runMs = performance.now() - t0;
const result = collectResult(sim, { loaded, wall: undefined, stoppedBy: out.stoppedBy, fromSnapshot: false });
// Per worker thread with CPUs (every-node also has workers of CPU-less nodes, which sleep).
const stats = new Float64Array(sim.spec.run.threadStats);
const plan = out.threads ?? [];
const nodes = sim.spec.machine.nodes;
const cpuThreads = plan.map((g, i) => [g, i]).filter(([g]) => g.some((nid) => nodes[nid].cpus.length > 0));
let share = 0,
  waitMs = 0;
for (const [, i] of cpuThreads) {
  const wait = stats[i * THREAD_STAT_WORDS],
    run = stats[i * THREAD_STAT_WORDS + 1];
  share += run > 0 ? wait / run : 0;
  waitMs += wait;
}
const cpuWorkers = Math.max(1, cpuThreads.length);
console.log(
  JSON.stringify({
    runMs,
    accessesPerS: result.vmstat.tiersim_accesses / (runMs / 1000),
    epochs: result.epochs_run,
    digest: result.digest,
    barrierShare: share / cpuWorkers,
    barrierMsPerEpoch: waitMs / cpuWorkers / result.epochs_run,
    threads: plan.map((g) => g.join('+')).join(' ') || 'inline',
  }),
);
