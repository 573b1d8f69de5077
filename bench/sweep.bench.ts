/**
 * Question: how many sweep points per minute does `tiersim sweep` finish on this machine with
 * --jobs 1 and --jobs 2, what does a pool thread cost in memory, and what does V8's closure
 * penalty (a thread's second simulation runs the access loop ~2x slower, see src/sweep/pool.ts)
 * cost a pool that reuses its threads, against the remedy (a fresh thread per experiment)?
 *
 * Method: the BUILT code (run `npm run build` first): each case is a fresh `node bin/tiersim.js
 * sweep` process over an experiment with one point per seed (same work per point): the
 * quickstart (reclaim, demotion, disk) and two-socket-scaling (access-bound), its RSS
 * sampled from /proc every 50 ms. Cases: jobs 1 and 2, each with a fresh thread per point (the
 * default) and with threads reused (--no-recycle). Per point, point.json says whether its thread
 * was fresh (simulations_in_thread = 1) and result.json how fast its access loop ran
 * (wall.accesses_per_second) and how long it took. Then bench/lib/pool-memory.mjs measures the
 * RSS of N idle pool threads that have each run one small experiment (N = 0, 1, 2, 4).
 *
 * Reading the result: points/min = points / wall time of the whole command (process and pool
 * start-up included). "fresh" and "reused" columns average the points that ran in a thread's
 * first simulation and in a later one; their ratio is the closure penalty. Memory per thread =
 * (RSS with N threads - RSS with none) / N.
 *
 * Run: npm run build && npx tsx bench/sweep.bench.ts [--duration 2s] [--seeds 8] [--repeat 1]
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REPO_ROOT, argValue, printHeader } from './lib/env.js';

interface PointFacts {
  elapsedMs: number;
  /** 1 for a thread's first simulation. */
  nth: number;
  fresh: boolean;
  accessesPerS: number;
}

interface CaseResult {
  name: string;
  wallS: number;
  points: number;
  peakRssMiB: number;
  facts: PointFacts[];
}

function mean(xs: number[]): number {
  return xs.length === 0 ? NaN : xs.reduce((a, b) => a + b, 0) / xs.length;
}

function rssKiB(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m === null ? 0 : Number(m[1]);
  } catch {
    return 0; // the process has exited between two samples
  }
}

async function runCase(name: string, config: string, args: string[]): Promise<CaseResult> {
  const out = mkdtempSync(path.join(tmpdir(), 'tiersim-bench-sweep-'));
  const t0 = process.hrtime.bigint();
  const child = spawn(
    process.execPath,
    [path.join(REPO_ROOT, 'bin/tiersim.js'), 'sweep', config, '--out', out, '--quiet', ...args],
    { cwd: REPO_ROOT, stdio: ['ignore', 'inherit', 'inherit'] },
  );
  let peak = 0;
  const timer = setInterval(() => {
    if (child.pid !== undefined) peak = Math.max(peak, rssKiB(child.pid));
  }, 50);
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  clearInterval(timer);
  const wallS = Number(process.hrtime.bigint() - t0) / 1e9;
  if (code !== 0) throw new Error(`${name}: tiersim sweep exited ${code}`);
  const facts: PointFacts[] = readdirSync(path.join(out, 'points')).map((d) => {
    const dir = path.join(out, 'points', d);
    const status = JSON.parse(readFileSync(path.join(dir, 'point.json'), 'utf8')) as {
      run: { simulations_in_thread: number; elapsed_ms: number };
    };
    const result = JSON.parse(readFileSync(path.join(dir, 'result.json'), 'utf8')) as {
      wall: { accesses_per_second: number };
    };
    return {
      elapsedMs: status.run.elapsed_ms,
      nth: status.run.simulations_in_thread,
      fresh: status.run.simulations_in_thread === 1,
      accessesPerS: result.wall.accesses_per_second,
    };
  });
  return { name, wallS, points: facts.length, peakRssMiB: peak / 1024, facts };
}

/** RSS of this many idle pool threads that have each run one small experiment (a child process). */
function poolMemory(threads: number): { rssMiB: number; heapMiB: number } {
  const p = spawnSync(
    process.execPath,
    [path.join(REPO_ROOT, 'bench/lib/pool-memory.mjs'), String(threads)],
    {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    },
  );
  if (p.status !== 0) throw new Error(`pool-memory ${threads}: ${p.stderr}`);
  return JSON.parse(p.stdout.trim().split('\n').pop() ?? '{}') as { rssMiB: number; heapMiB: number };
}

if (!existsSync(path.join(REPO_ROOT, 'dist/workers/experiment.worker.js'))) {
  console.error('dist/ is missing: run `npm run build` first');
  process.exit(1);
}

const seeds = Number(argValue('--seeds') ?? '8');
const repeat = Number(argValue('--repeat') ?? '1');
/** Two experiments: the quickstart (reclaim, demotion, disk) and an access-bound one. */
const EXPERIMENTS = [
  {
    name: 'quickstart',
    file: 'configs/experiments/quickstart.yaml',
    duration: argValue('--duration') ?? '2s',
  },
  { name: 'two-socket-scaling', file: 'configs/experiments/two-socket-scaling.yaml', duration: '500ms' },
];
const CASES = [
  ['jobs 1, fresh thread per point', ['--jobs', '1']],
  ['jobs 1, threads reused', ['--jobs', '1', '--no-recycle']],
  ['jobs 2, fresh thread per point', ['--jobs', '2']],
  ['jobs 2, threads reused', ['--jobs', '2', '--no-recycle']],
] as const;
printHeader(
  `sweep: ${seeds} points (one per seed) per experiment, built code (dist/), ${repeat} run(s) per case`,
);
const summary: unknown[] = [];
for (const experiment of EXPERIMENTS) {
  const dir = mkdtempSync(path.join(tmpdir(), 'tiersim-bench-cfg-'));
  const config = path.join(dir, 'sweep.yaml');
  writeFileSync(
    config,
    `include: ${path.join(REPO_ROOT, experiment.file)}\nrun: { duration: ${experiment.duration} }\nsweep: { seeds: ${seeds} }\n`,
  );
  // Cases interleaved, so a busy spell of another tenant hits all of them alike.
  const runs: CaseResult[][] = CASES.map(() => []);
  for (let r = 0; r < repeat; r++) {
    for (const [i, [name, args]] of CASES.entries()) runs[i].push(await runCase(name, config, [...args]));
  }
  /** The run with the median wall time; its points give the per-point columns. */
  const cases = runs.map((rs) => [...rs].sort((a, b) => a.wallS - b.wallS)[Math.floor(rs.length / 2)]);
  console.log(`\n## ${experiment.name}, ${experiment.duration} simulated per point`);
  console.log(
    `wall s of every run: ${runs.map((rs, i) => `${CASES[i][0]}: ${rs.map((r) => r.wallS.toFixed(1)).join(' ')}`).join('; ')}`,
  );
  console.table(
    cases.map((c) => {
      const fresh = c.facts.filter((f) => f.fresh);
      const reused = c.facts.filter((f) => !f.fresh);
      return {
        case: c.name,
        'wall s': c.wallS.toFixed(1),
        'points/min': ((c.points / c.wallS) * 60).toFixed(1),
        'run ms fresh': mean(fresh.map((f) => f.elapsedMs)).toFixed(0),
        'run ms reused': reused.length === 0 ? '-' : mean(reused.map((f) => f.elapsedMs)).toFixed(0),
        'M acc/s fresh': (mean(fresh.map((f) => f.accessesPerS)) / 1e6).toFixed(1),
        'M acc/s reused':
          reused.length === 0 ? '-' : (mean(reused.map((f) => f.accessesPerS)) / 1e6).toFixed(1),
        'peak RSS MiB': c.peakRssMiB.toFixed(0),
      };
    }),
  );
  // The closure penalty in detail: mean M accesses/s by a point's place in its thread.
  for (const c of cases.filter((x) => x.name.includes('reused'))) {
    const byNth = new Map<number, number[]>();
    for (const f of c.facts) byNth.set(f.nth, [...(byNth.get(f.nth) ?? []), f.accessesPerS]);
    const cells = [...byNth.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([n, xs]) => `#${n} ${(mean(xs) / 1e6).toFixed(1)}`);
    console.log(`${c.name}: M accesses/s by simulation number in its thread: ${cells.join(', ')}`);
  }
  summary.push({ experiment: experiment.name, cases: cases.map(({ facts: _f, ...c }) => c) });
}

const base = poolMemory(0);
const memory = [1, 2, 4].map((n) => {
  const m = poolMemory(n);
  return {
    threads: n,
    'RSS MiB': m.rssMiB.toFixed(1),
    'RSS per thread MiB': ((m.rssMiB - base.rssMiB) / n).toFixed(1),
    'V8 heap per thread MiB': (m.heapMiB / n).toFixed(1),
  };
});
console.log(
  `pool memory: RSS with no pool ${base.rssMiB.toFixed(1)} MiB; idle threads that have each run one point:`,
);
console.table(memory);
console.log(`BENCH_RESULT ${JSON.stringify({ bench: 'sweep', experiments: summary, memory })}`);
