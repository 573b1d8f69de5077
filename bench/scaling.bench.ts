/**
 * Question: how much faster is the per-node scheduler (one worker thread per NUMA node) than the
 * inline one on this machine, and how much of each worker's time goes to barriers?
 *
 * Method: for each experiment and scheduler, a fresh Node process loads the BUILT code from
 * dist/ (run `npm run build` first; workers start from dist/workers/*.js with no loader), builds
 * the simulation, and times only `runScheduled` (worker start-up included for per-node). Each
 * case runs `--repeat` times (default 3); the table shows medians. Barrier share = the time a
 * CPU node's worker spent waiting at barriers / its run time (mean over CPU nodes); per epoch =
 * that wait divided by the epochs run.
 *
 * Reading the result: speedup = inline ms / per-node ms for the same simulated work (results
 * are bit-identical, checked). On 2 cores the ceiling is 2x; with more busy workers than cores
 * the barriers get dearer (a waiting worker may have to be scheduled back in).
 *
 * Schedulers: inline, auto, per-node (one worker per node with CPUs, hosting the CPU-less nodes)
 * and every-node (one worker per NUMA node); src/engine/thread-plan.ts says what each runs where.
 *
 * Run: npm run build && npx tsx bench/scaling.bench.ts [--repeat 3] [--duration 2s] [--all]
 *      [--modes inline,auto,per-node,every-node]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT, argValue, hasFlag, printHeader } from './lib/env.js';

/** Default: the two scaling experiments; `--all` every bundled experiment (configs/experiments). */
const EXPERIMENTS = hasFlag('--all')
  ? readdirSync(path.join(REPO_ROOT, 'configs/experiments'))
      .filter((f) => f.endsWith('.yaml'))
      .sort()
      .map((f) => `configs/experiments/${f}`)
  : ['configs/experiments/two-socket-scaling.yaml', 'configs/experiments/eight-node-scaling.yaml'];
/** The schedulers compared (--modes a,b,...): inline first, the reference of the speedups. */
const MODES = (argValue('--modes') ?? 'inline,auto,per-node,every-node').split(',');

interface Measure {
  runMs: number;
  accessesPerS: number;
  epochs: number;
  digest: string;
  threads: string;
  barrierShare: number;
  barrierMsPerEpoch: number;
}

function measure(file: string, mode: string, duration: string): Measure {
  // A real module file, not `node -e`: workers inherit the parent's execArgv, and
  // --input-type=module there breaks their start-up.
  const r = spawnSync(
    process.execPath,
    [path.join(REPO_ROOT, 'bench/lib/scaling-child.mjs'), file, mode, duration],
    {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    },
  );
  if (r.status !== 0) throw new Error(`${file} ${mode}: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Measure;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

if (!existsSync(path.join(REPO_ROOT, 'dist/src/engine/scheduler.js'))) {
  console.error('dist/ is missing: run `npm run build` first');
  process.exit(1);
}
printHeader('scaling: inline vs per-node (workers from dist/, no loader)');
const repeat = Number(argValue('--repeat') ?? 3);
const duration = argValue('--duration') ?? '2s';
const rows: Record<string, string>[] = [];
for (const file of EXPERIMENTS) {
  const runs: Record<string, Measure[]> = Object.fromEntries(MODES.map((m) => [m, []]));
  for (let i = 0; i < repeat; i++) {
    // Alternate the schedulers so a noisy neighbour hurts all alike.
    for (const mode of MODES) runs[mode].push(measure(file, mode, duration));
  }
  const digests = new Set(MODES.flatMap((mode) => runs[mode].map((m) => m.digest)));
  if (digests.size !== 1) throw new Error(`${file}: schedulers disagree (${[...digests].join(', ')})`);
  const inlineMs = median(runs[MODES[0]].map((m) => m.runMs));
  for (const mode of MODES) {
    const ms = runs[mode];
    const runMs = median(ms.map((m) => m.runMs));
    rows.push({
      experiment: path.basename(file, '.yaml'),
      scheduler: mode,
      threads: ms[0].threads,
      'run ms (median)': runMs.toFixed(0),
      'runs ms': ms.map((m) => m.runMs.toFixed(0)).join(' '),
      'M sim accesses/s': (median(ms.map((m) => m.accessesPerS)) / 1e6).toFixed(1),
      speedup: (inlineMs / runMs).toFixed(2),
      'barrier share':
        ms[0].threads === 'inline' ? '-' : `${(100 * median(ms.map((m) => m.barrierShare))).toFixed(1)} %`,
      'barrier us/epoch':
        ms[0].threads === 'inline' ? '-' : (1000 * median(ms.map((m) => m.barrierMsPerEpoch))).toFixed(0),
    });
  }
}
console.table(rows);
if (hasFlag('--json')) console.log(JSON.stringify(rows));
