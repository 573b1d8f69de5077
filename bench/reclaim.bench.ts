/**
 * Question: how many pages per second does tiersim's reclaim scan (kswapd's balance_pgdat:
 * shrink_node → shrink_lruvec → shrink_inactive_list → shrink_page_list, src/kernel/vmscan.ts)?
 *
 * Setup: a DRAM node of 1 M frames (4 GiB) with one CPU and fixed watermarks min 256 / low 512 /
 * high 524288 pages (the tiersim `watermarks` override), so kswapd has half the node to free.
 * The node is filled to 1024 free pages (above LOW, so kswapd does not wake while filling) by
 * faulting a region in through the simulator's own epochs (bench/lib/sim.ts prefaultRegion).
 * Then kswapd is woken and the whole state is snapshotted; every tinybench iteration restores
 * the snapshot (untimed, beforeEach) and times one call, so each sample reclaims from the same
 * starting point. Cases:
 *
 *   file-cold    inactive clean file pages (an mmap'd file), young bits cleared after the fill
 *                (as if an earlier aging pass had consumed them): kswapd drops them.
 *   file-young   the same pages with the young bits the faults left: kswapd first rotates them
 *                (PG_referenced), drops them the next time round.
 *   anon-demote  anonymous pages, no swap, demotion enabled with a PMEM node (2 M frames, no
 *                CPUs) as the target: kswapd queues demotions. Timed twice: kswapdRun alone
 *                (pages leave as migration records) and the whole reclaim part of an epoch
 *                (kswapd + migrate rounds + settle: pages really move to PMEM).
 *
 * Costs: epoch 1 s, reclaim_scan_per_page 200 ns, migrate_per_page 200 ns, so kswapd's per-epoch
 * budget (its half of the CPU it shares with the fill task / cost) is ~2.5 M scans (~0.7 M
 * demotions) and does not cap what one call does; the bench fails if
 * tiersim_kswapd_budget_exhausted rises.
 *
 * Reading the result: "M pages/s" = pgscan_kswapd increase per call / wall time of the call
 * (median sample; mean in brackets), also pgsteal (pages freed or demoted) per second. Each case
 * runs in its own child process (fresh V8).
 *
 * Run: npx tsx bench/reclaim.bench.ts [--time ms] [--cases a,b]   (one case: --case NAME)
 */
import { Bench } from 'tinybench';
import type { Simulation } from '../src/engine/simulation.js';
import { acksStep, migratePhase, reclaimPhase, routeStep, settlePhase } from '../src/engine/phases.js';
import { wakeupKswapd, kswapdWoken } from '../src/kernel/kswapd.js';
import { planKswapdCpu } from '../src/kernel/kswapd-cpu.js';
import { W_FREE } from '../src/memory/layout.js';
import { runBenchChild } from './lib/child.js';
import { argValue, millions, printHeader } from './lib/env.js';
import { emitResult, printBenchTable, rateOf, type Rate } from './lib/report.js';
import { nodeCounter, prefaultRegion, simulationFromYaml } from './lib/sim.js';
import { restoreSnapshot, takeSnapshot } from './lib/snapshot.js';

const CASES = ['file-cold', 'file-young', 'anon-demote'] as const;
type CaseName = (typeof CASES)[number];

const NODE_FRAMES = 1 << 20;
const FILL_PAGES = NODE_FRAMES - 1024;
const timeMs = Number(argValue('--time') ?? 2000);

interface Measured {
  task: string;
  scannedPerCall: number;
  stolenPerCall: number;
  demotedPerCall: number;
  scan: Rate;
}

interface CaseResult {
  kind: 'reclaim';
  name: CaseName;
  snapshotMiB: number;
  measured: Measured[];
}

function caseConfig(name: CaseName): string {
  const wm = '{ min: 256, low: 512, high: 524288 }';
  const common = `
costs: { reclaim_scan_per_page: 200ns, migrate_per_page: 200ns, fault_batch_max: 1048576, minor_fault: 100ns }
run: { epoch: 1s, duration: 100s, seed: 1 }`;
  if (name === 'anon-demote') {
    return `
topology:
  nodes:
    - { id: 0, cpus: 1, memory: ${NODE_FRAMES * 4096}, device: dram, watermarks: ${wm} }
    - { id: 1, cpus: 0, memory: ${2 * NODE_FRAMES * 4096}, device: pmem }
kernel: { version: '6.1', demotion_enabled: true }
${common}
workload:
  tasks:
    - name: fill
      cpus: [0]
      regions: [{ kind: anon, size: ${FILL_PAGES * 4096}, pattern: { type: sequential } }]
`;
  }
  return `
topology:
  nodes:
    - { id: 0, cpus: 1, memory: ${NODE_FRAMES * 4096}, device: dram, watermarks: ${wm} }
kernel: { demotion_enabled: false }
${common}
workload:
  files: [{ name: data, size: ${FILL_PAGES * 4096} }]
  tasks:
    - name: fill
      cpus: [0]
      regions: [{ kind: file, file: data, access: mmap, pattern: { type: sequential } }]
`;
}

/**
 * The reclaim part of one epoch, in the order of the epoch program (src/engine/epoch.ts) with
 * every node on this thread: kswapd, route the demotion records, migrate rounds until no
 * record moves on, settle.
 */
function reclaimMigrateSettle(sim: Simulation): void {
  const nodes = sim.spec.layout.nodes;
  for (let nid = 0; nid < nodes; nid++) reclaimPhase(sim, nid);
  let more = routeStep(sim) > 0;
  while (more) {
    for (let nid = 0; nid < nodes; nid++) migratePhase(sim, nid);
    more = acksStep(sim);
  }
  for (let nid = 0; nid < nodes; nid++) settlePhase(sim, nid);
}

async function runCase(name: CaseName): Promise<void> {
  const sim = simulationFromYaml(caseConfig(name));
  prefaultRegion(sim, 0);
  const free0 = sim.s.nodeWords[W_FREE]; // node 0
  if (name !== 'file-young') sim.s.frameYoung.fill(0);
  wakeupKswapd(sim.s, 0);
  if (!kswapdWoken(sim.s, 0)) throw new Error(`kswapd did not wake (free ${free0})`);
  // Its CPU share for the epoch (the place step plans it): half the CPU beside the fill task.
  planKswapdCpu(sim.s, sim.ctx.kswapdCpu);
  const snap = takeSnapshot(sim);
  console.log(
    `${name}: node 0 filled, ${free0} pages free; snapshot ${(snap.bytes / 2 ** 20).toFixed(0)} MiB`,
  );

  // Counters at the snapshot: every call starts from them (they are restored with the rest).
  const base = {
    scanned: nodeCounter(sim, 0, 'pgscan_kswapd'),
    stolen: nodeCounter(sim, 0, 'pgsteal_kswapd'),
    demoted: nodeCounter(sim, 0, 'pgdemote_kswapd'),
    exhausted: nodeCounter(sim, 0, 'tiersim_kswapd_budget_exhausted'),
  };
  const bench = new Bench({ name, time: timeMs, iterations: 10, warmupTime: 300, warmupIterations: 3 });
  const tasks: { label: string; fn: () => void }[] = [
    { label: `kswapdRun ${name}`, fn: () => reclaimPhase(sim, 0) },
  ];
  if (name === 'anon-demote') {
    tasks.push({ label: `kswapd+migrate+settle ${name}`, fn: () => reclaimMigrateSettle(sim) });
  }
  const perCall = new Map<string, { scanned: number; stolen: number; demoted: number }>();
  for (const t of tasks) {
    bench.add(
      t.label,
      () => {
        t.fn();
      },
      {
        // Declared sync: tinybench then skips its untimed async-detection call, which would
        // run the phase once outside the hooks.
        async: false,
        beforeEach() {
          restoreSnapshot(snap);
        },
        afterEach() {
          // Same start every time, so every call does the same work: keep the last one's counts.
          perCall.set(t.label, {
            scanned: nodeCounter(sim, 0, 'pgscan_kswapd') - base.scanned,
            stolen: nodeCounter(sim, 0, 'pgsteal_kswapd') - base.stolen,
            demoted: nodeCounter(sim, 0, 'pgdemote_kswapd') - base.demoted,
          });
          if (nodeCounter(sim, 0, 'tiersim_kswapd_budget_exhausted') !== base.exhausted) {
            throw new Error('kswapd ran out of its per-epoch budget: raise the epoch or lower the costs');
          }
        },
      },
    );
  }
  await bench.run();
  printBenchTable(bench);

  const measured: Measured[] = bench.tasks.map((task) => {
    const c = perCall.get(task.name)!;
    return {
      task: task.name,
      scannedPerCall: c.scanned,
      stolenPerCall: c.stolen,
      demotedPerCall: c.demoted,
      scan: rateOf(task, c.scanned),
    };
  });
  for (const m of measured) {
    console.log(
      `${m.task}: ${m.scannedPerCall} scanned, ${m.stolenPerCall} stolen, ${m.demotedPerCall} demoted per call; ` +
        `${millions(m.scan.median)} M pages scanned/s`,
    );
  }
  emitResult({ kind: 'reclaim', name, snapshotMiB: snap.bytes / 2 ** 20, measured } satisfies CaseResult);
}

function orchestrate(): void {
  printHeader('reclaim: kswapd scan throughput (pages scanned/s)');
  const selected = (argValue('--cases')?.split(',') ?? [...CASES]) as CaseName[];
  const rows: Record<string, string | number>[] = [];
  for (const name of selected) {
    console.log(`\n## ${name} (child process)`);
    const run = runBenchChild('reclaim.bench.ts', ['--case', name, '--time', String(timeMs)]);
    const r = run.results.find((x) => (x as CaseResult).kind === 'reclaim') as CaseResult | undefined;
    if (r === undefined) throw new Error(`case ${name} failed (status ${run.status})`);
    for (const m of r.measured) {
      const perSec = m.scan.median / m.scannedPerCall;
      rows.push({
        measured: m.task,
        'scanned/call': m.scannedPerCall,
        'stolen/call': m.stolenPerCall,
        'demoted/call': m.demotedPerCall,
        'ms/call': (1000 / perSec).toFixed(1),
        'M pages scanned/s': `${millions(m.scan.median)} (${millions(m.scan.mean)})`,
        'M pages stolen/s': millions(m.stolenPerCall * perSec),
        'ns/page scanned': (1e9 / m.scan.median).toFixed(0),
      });
    }
  }
  console.log('\n## summary (median of samples; mean in brackets)');
  console.table(rows);
}

const one = argValue('--case');
if (one !== undefined) {
  if (!CASES.includes(one as CaseName)) throw new Error(`unknown case ${one}; cases: ${CASES.join(', ')}`);
  printHeader(`reclaim case ${one}`);
  await runCase(one as CaseName);
} else {
  orchestrate();
}
