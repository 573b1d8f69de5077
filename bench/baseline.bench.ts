/**
 * Question: how many random accesses per second can plain JavaScript do on this machine, with no
 * simulator around the loop? This is the reference tiersim's access loop is held to ("within
 * 2x of a plain typed-array loop", i.e. tiersim / baseline >= 0.5; see access.bench.ts).
 *
 * The loop (bench/lib/baseline-loops.ts): xorshift32 page index, Int32 page-table read,
 * `ref[frame] = 1` byte store, latency-table lookup into an accumulator; module-level const
 * tables of 1 M and 16 M entries, one function literal per size; warmed up with 3000 tiny
 * calls first (the OSR deopt trap of the reference doc, §2d).
 *
 * Reading the result: "M acc/s" is millions of accesses per second (mean over the samples;
 * median beside it). 1 M entries fit in cache and measure the loop's instruction cost; 16 M
 * entries (80 MiB) do not and measure memory latency/parallelism. tinybench's own table shows
 * latency per iteration (one iteration = ACCESSES_PER_ITER[size] accesses).
 *
 * Run: npx tsx bench/baseline.bench.ts [--time ms]   (--json adds a BENCH_RESULT line)
 */
import { Bench } from 'tinybench';
import { loop16M, loop1M, touched, warmUpBaseline } from './lib/baseline-loops.js';
import { argValue, hasFlag, millions, printHeader } from './lib/env.js';
import { emitResult, printBenchTable, rateOf } from './lib/report.js';

const ACCESSES_PER_ITER = { '1M': 1 << 23, '16M': 1 << 22 } as const;
const timeMs = Number(argValue('--time') ?? 3000);

printHeader('baseline: plain typed-array random-access loop (accesses/s)');
warmUpBaseline();

let sink = 0;
const bench = new Bench({
  name: 'baseline',
  time: timeMs,
  iterations: 10,
  warmupTime: 500,
  warmupIterations: 5,
});
bench
  .add('baseline 1M entries', () => {
    sink += loop1M(ACCESSES_PER_ITER['1M']);
  })
  .add('baseline 16M entries', () => {
    sink += loop16M(ACCESSES_PER_ITER['16M']);
  });
await bench.run();
printBenchTable(bench);

const rates = [
  { size: '1M', ...rateOf(bench.tasks[0], ACCESSES_PER_ITER['1M']) },
  { size: '16M', ...rateOf(bench.tasks[1], ACCESSES_PER_ITER['16M']) },
];
console.table(
  rates.map((r) => ({
    case: r.name,
    'M acc/s (mean)': millions(r.mean),
    'M acc/s (median)': millions(r.median),
    'ns/access': (1e9 / r.mean).toFixed(2),
    'rme %': r.rme.toFixed(1),
    samples: r.samples,
  })),
);
if (touched('1M') === 0 || touched('16M') === 0 || Number.isNaN(sink)) throw new Error('loops did not run');
if (hasFlag('--json')) emitResult({ kind: 'baseline', rates });
