/**
 * Question: how many simulated accesses per second does tiersim's access phase (the hot loop,
 * `sim.runCpu(cpu, endNs)` of src/engine/access-phase.ts) run, for uniform and zipfian
 * (theta 0.99) streams over 1 M and 16 M present pages, and how close is that to a plain
 * typed-array loop (bench/baseline.bench.ts)? The target is tiersim / baseline >= 0.5 ("within
 * 2x of a plain typed-array loop"). Also: how much of the time is the access-stream generator
 * (4096 entries per refill) rather than the loop itself?
 *
 * Setup per case: one DRAM node with one CPU and room for the region, its memmap and 256 MiB; one task on
 * that CPU with one anonymous region of 1 M or 16 M 4 KiB pages (4 GiB or 64 GiB simulated),
 * write_fraction 0, cpu_per_access 20 ns (so every access costs exactly 20 + 80 ns simulated).
 * Before measuring, every page of the region is faulted in through the simulator's own epochs
 * (access, place, reclaim, ...) with the region's pattern temporarily switched to `sequential`
 * (bench/lib/sim.ts prefaultRegion); then the region's real pattern is restored and the CPU's
 * batch discarded. So the measured loop runs over a fully present page table, in the same
 * Simulation and closure that faulted it, and sees no faults: it measures the steady state of a
 * run whose working set is resident. (Running the real pattern until faults stop would never
 * finish for zipfian: its tail pages are almost never drawn.)
 *
 * Measurement: each tinybench iteration advances the CPU's simulated clock by 100 ms and calls
 * `sim.runCpu(0, clock)` once (1 M accesses); accesses/s = (C_ACCESSES delta) / wall time. Before
 * tinybench runs, the loop gets 3000 tiny calls (64 accesses each) against the OSR deopt trap.
 * The generator is timed alone, for the same number of entries per iteration (245 batches of
 * 4096), in a separate process in which no access runner exists (the SimState is built without
 * openSimulation); it calls whichever entry point src/workload/generate.ts has: the module
 * function `fillBatch(s, cpu)` or the factory `makeBatchFiller(s)`.
 *
 * Every measurement runs in its own child process (fresh V8): makeAccessRunner returns a
 * closure, and V8 embeds the typed arrays as constants only while that function literal has ONE
 * closure (reference doc §2d); a second Simulation in the same process measures a different,
 * slower loop. The case `uniform-1M-after-other-sim` measures exactly that: uniform-1M after a
 * first, small simulation ran in the same process (what a pooled sweep worker does).
 *
 * C: after the tinybench samples, JS and C run in turn, `--pairs` times (default 21): one call
 * of runCpu timed in CPU time, then bench/c/access.c (gcc -O2, kept running in its own
 * process) doing the same work per access (generator method, page-table read, young/dirty
 * byte stores, node lookup, latency table, clock, matrices) for the same number of accesses
 * over the same region parameters and Zipf table, also in CPU time. "tiersim/C (paired)" is
 * the median of the pair-by-pair ratios: the goal-2 figure (target >= 0.5).
 *
 * Reading the result: the summary table gives tiersim M acc/s (median of the samples; mean in
 * brackets), the baseline's M acc/s for the same table size, the ratio tiersim / baseline (target
 * >= 0.5), the generator's M entries/s alone, and "gen share" = generator ns per entry / runCpu
 * ns per access (the fraction of the loop's time that is generation); "loop ns" is the rest, per
 * access. The zipfian cases are compared with the same uniform baseline (the baseline has no
 * Zipf generator); a zipfian stream touches few distinct pages, so its loop part is more
 * cache-friendly than uniform's. Numbers vary from run to run when another tenant uses a core:
 * compare ratios taken in one run.
 *
 * Run: npx tsx bench/access.bench.ts [--time ms] [--cases a,b]
 *      one measurement in this process: --case NAME (loop) or --gen NAME (generator), NAME one of
 *      uniform-1M, zipf-1M, uniform-16M, zipf-16M, uniform-1M-after-other-sim
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readSync, rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import os from 'node:os';
import { Bench } from 'tinybench';
import path from 'node:path';
import { parseConfigText } from '../src/config/load.js';
import { planSimulation, type Simulation } from '../src/engine/simulation.js';
import { runInline } from '../src/engine/inline.js';
import { BATCH_LEN, C_ACCESSES, C_CLOCK } from '../src/memory/layout.js';
import { attachState, initState, type SimState } from '../src/memory/state.js';
import * as generate from '../src/workload/generate.js';
import { compileC, writeGeneratorParams } from './lib/c-yardstick.js';
import { benchEntry, runBenchChild } from './lib/child.js';
import { REPO_ROOT, argValue, millions, printHeader } from './lib/env.js';
import { emitResult, parseResults, printBenchTable, rateOf, type Rate } from './lib/report.js';
import { counter, prefaultRegion, simulationFromYaml } from './lib/sim.js';

const CASES = ['uniform-1M', 'zipf-1M', 'uniform-16M', 'zipf-16M', 'uniform-1M-after-other-sim'] as const;
type CaseName = (typeof CASES)[number];

/** Simulated time per measured runCpu call: 1 M accesses at 100 ns each. */
const INTERVAL_NS = 100_000_000;
const CPU_PER_ACCESS_NS = 20;
/** Batches per measured generator call: about the entries of one runCpu call. */
const BATCHES_PER_ITER = Math.ceil(INTERVAL_NS / (CPU_PER_ACCESS_NS + 80) / BATCH_LEN);
const timeMs = Number(argValue('--time') ?? 2000);
/** JS/C pairs per loop case (see runLoopCase). */
const pairs = Number(argValue('--pairs') ?? 21);

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

interface LoopResult {
  kind: 'loop';
  name: CaseName;
  frames: number;
  prefaultMs: number;
  prefaultEpochs: number;
  rssMiB: number;
  accessesPerIter: number;
  loop: Rate;
  /** M accesses per CPU second: each round's median of 3 calls, and their median. */
  jsRates: number[];
  cpuMAccPerS: number;
  /** Added by the driver: the C loop's rate of each round (bench/c/access.c), its median, and the median of the round-by-round ratios JS / C. */
  cRates?: number[];
  cMAccPerS?: number;
  pairRatio?: number;
}

interface GeneratorResult {
  kind: 'generator';
  name: CaseName;
  api: string;
  generator: Rate;
}

interface BaselineResult {
  kind: 'baseline';
  rates: (Rate & { size: string })[];
}

function framesOf(name: CaseName): number {
  return name.includes('16M') ? 1 << 24 : 1 << 20;
}

/**
 * Node size in pages for a region of `frames` pages: the region, twice its memmap (64 bytes of
 * struct page per 4 KiB page, 1/64, which boot memory loses to memblock; the second 1/64 covers
 * watermarks and per-CPU reserves, which also grow with the node) and 256 MiB. With only the
 * 256 MiB a 16 M-page region does not fit (16,579,584 managed pages for 16,842,752 present):
 * its prefault stalled at 16.44 M present pages and ran out the config's 10,000 epochs (the
 * "did not finish in 25 min" of the last session); with one 1/64 it stalled at 16.70 M.
 */
function nodePages(frames: number): number {
  return frames + Math.ceil(frames / 32) + 65536;
}

function caseConfig(name: CaseName): string {
  const frames = framesOf(name);
  const patternYaml = name.startsWith('zipf') ? '{ type: zipfian, theta: 0.99 }' : '{ type: uniform }';
  return `
topology:
  nodes:
    - { id: 0, cpus: 1, memory: ${nodePages(frames) * 4096}, device: dram }
costs: { minor_fault: 100ns, fault_batch_max: 1048576 }
run: { epoch: 100ms, duration: 1000s, seed: 1 }
workload:
  tasks:
    - name: bench
      cpus: [0]
      cpu_per_access: ${CPU_PER_ACCESS_NS}ns
      regions:
        - { kind: anon, size: ${frames * 4096}, pattern: ${patternYaml}, write_fraction: 0 }
`;
}

/** A small, different simulation run to completion first (the pooled-worker situation). */
async function runOtherSimulation(): Promise<void> {
  const other = simulationFromYaml(
    `
topology:
  nodes:
    - { id: 0, cpus: 2, memory: 512MiB, device: dram }
run: { epoch: 1ms, duration: 50ms, seed: 7 }
workload:
  tasks:
    - { name: other, cpus: [0, 1], regions: [{ kind: anon, size: 256MiB, pattern: { type: zipfian } }] }
`,
    'bench-other.yaml',
  );
  await runInline(other);
}

/** The access loop alone: sim.runCpu over a prefaulted region. */
async function runLoopCase(name: CaseName): Promise<void> {
  const frames = framesOf(name);
  if (name === 'uniform-1M-after-other-sim') await runOtherSimulation();
  const sim: Simulation = simulationFromYaml(caseConfig(name));
  const t0 = process.hrtime.bigint();
  const prefaultEpochs = prefaultRegion(sim, 0);
  const prefaultMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const faults = counter(sim, 'pgfault');
  if (faults !== frames) throw new Error(`prefault: ${faults} faults for ${frames} pages`);

  const cpuWords = sim.s.cpuWords;
  let clock = cpuWords[C_CLOCK];
  // The OSR-trap warm-up: many tiny calls (64 accesses each) before the first long one.
  for (let i = 0; i < 3000; i++) sim.runCpu(0, (clock += 64 * (CPU_PER_ACCESS_NS + 80)));

  let accessesDone = 0;
  let calls = 0;
  const bench = new Bench({ name, time: timeMs, iterations: 10, warmupTime: 300, warmupIterations: 3 });
  bench.add(
    `runCpu ${name} (${INTERVAL_NS / 1e6} ms simulated)`,
    () => {
      const before = cpuWords[C_ACCESSES];
      sim.runCpu(0, (clock += INTERVAL_NS));
      accessesDone += cpuWords[C_ACCESSES] - before;
      calls++;
    },
    {
      // Declared sync: tinybench then makes no untimed async-detection call.
      async: false,
      beforeAll(mode) {
        if (mode === 'run') accessesDone = calls = 0;
      },
    },
  );
  await bench.run();
  printBenchTable(bench);
  if (counter(sim, 'pgfault') !== faults)
    throw new Error('the measured loop faulted: pages were not present');

  const accessesPerIter = accessesDone / calls;
  // Then JS and C in turn, `pairs` times: one call of runCpu timed in CPU time (the machine is
  // shared: a preempted call's wall time says nothing about the code), then the same accesses
  // in C; the ratio is taken pair by pair, so a change in the machine's speed moves both halves
  // of a pair. The C process is started by the driver (runLoopDriver), not here: a spawnSync
  // in this process deoptimized the loop at a random later moment (V8 marked every typed-array
  // function for deoptimization, "code dependencies": a protector cell went invalid), after
  // which it ran at a third of its speed. This process says `BENCH_ROUND` and waits for a line
  // on stdin.
  const paramsFile = argValue('--params');
  if (paramsFile !== undefined) writeGeneratorParams(sim.s, 0, 0, paramsFile);
  const jsRates: number[] = [];
  const line = Buffer.alloc(64);
  for (let pair = 0; pair < pairs; pair++) {
    const before = cpuWords[C_ACCESSES];
    const t0 = process.cpuUsage();
    sim.runCpu(0, (clock += INTERVAL_NS));
    const used = process.cpuUsage(t0);
    const rate = (cpuWords[C_ACCESSES] - before) / (used.user + used.system);
    jsRates.push(rate);
    if (paramsFile === undefined) continue;
    console.log(`BENCH_ROUND ${rate} ${accessesPerIter}`);
    // Blocks until the driver has run C (one line back).
    readSync(0, line);
  }
  const result: LoopResult = {
    kind: 'loop',
    name,
    frames,
    prefaultMs,
    prefaultEpochs,
    rssMiB: process.memoryUsage().rss / 2 ** 20,
    accessesPerIter,
    loop: rateOf(bench.tasks[0], accessesPerIter),
    cpuMAccPerS: median(jsRates),
    jsRates,
  };
  console.log(
    `${name}: prefault ${prefaultMs.toFixed(0)} ms (${prefaultEpochs} epochs), rss ${result.rssMiB.toFixed(0)} MiB, ` +
      `${accessesPerIter} accesses per call, runCpu ${millions(result.loop.median)} M acc/s (median)`,
  );
  emitResult(result);
}

/**
 * `--case NAME`: runs runLoopCase in a child (`--measure NAME`) and bench/c/access.c in another
 * (in its line-driven mode), and alternates them: whenever the JS child has timed one runCpu
 * call, the C process runs the same number of accesses, then the JS child goes on. The pairs
 * are ~0.1 s apart, so both halves of a pair see the same machine. Prints the pairs and the
 * loop result with the C figures added.
 */
async function runLoopDriver(name: CaseName): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tiersim-access-'));
  const exe = compileC('access', dir);
  const paramsFile = path.join(dir, 'params.bin');
  const args = [...benchEntry('access.bench.ts'), '--measure', name, '--time', String(timeMs)];
  args.push('--pairs', String(pairs));
  if (exe !== undefined) args.push('--params', paramsFile);
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
  let cLines: AsyncIterator<string> | undefined;
  let c: ReturnType<typeof spawn> | undefined;
  const cRates: number[] = [];
  const ratios: number[] = [];
  let result: LoopResult | undefined;
  for await (const text of createInterface({ input: child.stdout })) {
    if (text.startsWith('BENCH_ROUND ')) {
      const [js, perIter] = text.split(' ').slice(1).map(Number);
      if (c === undefined) {
        // Started once the JS child has written the parameter file (after its prefault).
        c = spawn(
          exe!,
          [paramsFile, String(framesOf(name)), String(perIter), '0', String(CPU_PER_ACCESS_NS)],
          {
            stdio: ['pipe', 'pipe', 'inherit'],
          },
        );
        cLines = createInterface({ input: c.stdout! })[Symbol.asyncIterator]();
        // One untimed run: the C process's first touch of its young and dirty bytes.
        c.stdin!.write('\n');
        await cLines.next();
      }
      c.stdin!.write('\n');
      const line = await cLines!.next();
      if (line.done === true) throw new Error(`${name}: the C loop ended early`);
      const rate = Number(line.value);
      cRates.push(rate);
      ratios.push(js / rate);
      child.stdin.write('\n');
    } else if (text.startsWith('BENCH_RESULT ')) {
      result = parseResults(text)[0] as LoopResult;
    } else {
      console.log(text);
    }
  }
  c?.stdin!.end();
  rmSync(dir, { recursive: true, force: true });
  if (result === undefined) throw new Error(`${name}: the measuring process printed no result`);
  if (ratios.length > 0) {
    result.cRates = cRates;
    result.cMAccPerS = median(cRates);
    result.pairRatio = median(ratios);
  }
  const q = (xs: number[], f: number) => [...xs].sort((a, b) => a - b)[Math.floor(f * (xs.length - 1))];
  console.log(
    `${name}: ${ratios.length} pairs, JS median ${result.cpuMAccPerS.toFixed(1)} M acc/s, C ${result.cMAccPerS?.toFixed(1) ?? '-'} (CPU time); ` +
      `JS/C pair by pair: median ${result.pairRatio?.toFixed(3) ?? '-'}` +
      (ratios.length > 0 ? `, quartiles ${q(ratios, 0.25).toFixed(3)}-${q(ratios, 0.75).toFixed(3)}` : ''),
  );
  emitResult(result);
}

/**
 * The generator's entry points, whichever this version of src/workload/generate.ts has: a
 * module function `fillBatch(s, cpu)`, or a factory `makeBatchFiller(s)` returning `(cpu) => n`.
 */
interface GeneratorApi {
  fillBatch?: (s: SimState, cpu: number) => number;
  makeBatchFiller?: (s: SimState) => (cpu: number) => number;
}

/**
 * The generator alone, in a process where no access runner exists: the SimState is built from
 * the same config without openSimulation (which would make the runner, and with a factory-style
 * generator a second closure of its literal). The page table is not needed: the generator only
 * writes page ids.
 */
async function runGeneratorCase(name: CaseName): Promise<void> {
  const config = parseConfigText(caseConfig(name), path.join(REPO_ROOT, 'bench', 'bench-config.yaml')).config;
  const spec = planSimulation(config);
  const s = attachState(spec.layout, spec.machine, spec.plan, spec.params, spec.buffers);
  initState(s);
  const gen = generate as unknown as GeneratorApi;
  let fill: (cpu: number) => number;
  let api: string;
  if (gen.makeBatchFiller !== undefined) {
    fill = gen.makeBatchFiller(s);
    api = 'makeBatchFiller(s)(cpu)';
  } else if (gen.fillBatch !== undefined) {
    const fillBatch = gen.fillBatch;
    fill = (cpu) => fillBatch(s, cpu);
    api = 'fillBatch(s, cpu)';
  } else {
    throw new Error('src/workload/generate.ts exports neither fillBatch nor makeBatchFiller');
  }
  for (let i = 0; i < 500; i++) fill(0);
  const bench = new Bench({ name, time: timeMs, iterations: 10, warmupTime: 300, warmupIterations: 3 });
  bench.add(
    `${api} ${name} (${BATCHES_PER_ITER} x ${BATCH_LEN} entries)`,
    () => {
      for (let i = 0; i < BATCHES_PER_ITER; i++) fill(0);
    },
    { async: false },
  );
  await bench.run();
  printBenchTable(bench);
  const result: GeneratorResult = {
    kind: 'generator',
    name,
    api,
    generator: rateOf(bench.tasks[0], BATCHES_PER_ITER * BATCH_LEN),
  };
  console.log(`${name}: ${api} ${millions(result.generator.median)} M entries/s (median)`);
  emitResult(result);
}

function childResult<T extends { kind: string }>(file: string, args: string[], kind: T['kind']): T {
  const run = runBenchChild(file, args);
  const r = run.results.find((x) => (x as T).kind === kind) as T | undefined;
  if (r === undefined) throw new Error(`${file} ${args.join(' ')} failed (status ${run.status})`);
  return r;
}

function orchestrate(): void {
  printHeader('access: tiersim access-phase throughput (simulated accesses/s) vs a plain loop');
  const selected = (argValue('--cases')?.split(',') ?? [...CASES]) as CaseName[];
  const time = String(timeMs);
  console.log('\n## baseline (child process)');
  const baseline = childResult<BaselineResult>(
    'baseline.bench.ts',
    ['--json', '--time', String(Math.min(timeMs, 2500))],
    'baseline',
  );
  const rows: Record<string, string>[] = [];
  for (const name of selected) {
    console.log(`\n## ${name}: access loop (child process)`);
    const loop = childResult<LoopResult>('access.bench.ts', ['--case', name, '--time', time], 'loop');
    let gen: GeneratorResult | undefined;
    if (name !== 'uniform-1M-after-other-sim') {
      console.log(`\n## ${name}: generator alone (child process)`);
      gen = childResult<GeneratorResult>('access.bench.ts', ['--gen', name, '--time', time], 'generator');
    }
    const size = loop.frames === 1 << 24 ? '16M' : '1M';
    const base = baseline.rates.find((b) => b.size === size)!;
    const loopNs = 1e9 / loop.loop.median;
    const genNs = gen === undefined ? NaN : 1e9 / gen.generator.median;
    rows.push({
      case: name,
      'tiersim M acc/s': `${millions(loop.loop.median)} (${millions(loop.loop.mean)})`,
      'baseline M acc/s': `${millions(base.median)} (${millions(base.mean)})`,
      'tiersim/baseline': (loop.loop.median / base.median).toFixed(3),
      'ns/access': loopNs.toFixed(1),
      'generator M entries/s': gen === undefined ? '' : millions(gen.generator.median),
      'gen share': gen === undefined ? '' : `${((100 * genNs) / loopNs).toFixed(0)}%`,
      'loop ns (minus gen)': gen === undefined ? '' : (loopNs - genNs).toFixed(1),
      'CPU-time M acc/s': loop.cpuMAccPerS.toFixed(1),
      'C M acc/s': loop.cMAccPerS?.toFixed(1) ?? '-',
      'tiersim/C (paired)': loop.pairRatio === undefined ? '-' : loop.pairRatio.toFixed(2),
      'prefault s': (loop.prefaultMs / 1000).toFixed(1),
    });
  }
  console.log('\n## summary (median of samples; mean in brackets)');
  console.table(rows);
  console.log(
    'target: tiersim/baseline >= 0.5; tiersim/C >= 0.5 (CPU time, same work in C: bench/c/access.c)',
  );
}

const measureCase = argValue('--measure');
const loopCase = argValue('--case');
const genCase = argValue('--gen');
const one = loopCase ?? genCase;
if (measureCase !== undefined) {
  await runLoopCase(measureCase as CaseName);
} else if (one !== undefined) {
  if (!CASES.includes(one as CaseName)) throw new Error(`unknown case ${one}; cases: ${CASES.join(', ')}`);
  printHeader(`access ${loopCase !== undefined ? 'loop' : 'generator'} case ${one}`);
  if (loopCase !== undefined) await runLoopDriver(one as CaseName);
  else await runGeneratorCase(one as CaseName);
} else {
  orchestrate();
}
