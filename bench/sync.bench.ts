/**
 * Question: what do the per-node scheduler's synchronisation primitives cost on this machine?
 *
 * - barrier round trip: k worker threads each arrive 20 000 times at one generation barrier
 *   (src/shm/barrier.ts, Atomics.wait/notify, no spinning); µs per barrier = slowest worker's
 *   time / rounds. k = 2 (one per core) and k = 4 (more threads than cores).
 * - ring, one thread: reserve/commit then peek/release of 8-word records (tinybench), records/s.
 * - ring, two threads: a producer and a consumer worker move 1 M records through a 1024-slot
 *   ring, waking each other with Atomics.notify; records/s.
 *
 * Workers load the built primitives from dist/ (run `npm run build` first), no loader.
 * Run: npm run build && npx tsx bench/sync.bench.ts
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { Bench } from 'tinybench';
import { Ring, ringWords } from '../src/shm/ring.js';
import { REPO_ROOT, printHeader } from './lib/env.js';

const WORKER = path.join(REPO_ROOT, 'bench/lib/sync-worker.mjs');

function runWorkers(datas: object[]): Promise<number[]> {
  return Promise.all(
    datas.map(
      (workerData) =>
        new Promise<number>((resolve, reject) => {
          const w = new Worker(WORKER, { workerData: { root: REPO_ROOT, ...workerData } });
          w.once('message', (ms: number) => {
            resolve(ms);
            void w.terminate();
          });
          w.once('error', reject);
        }),
    ),
  );
}

printHeader('sync: barrier round trip and ring throughput');
const rows: Record<string, string>[] = [];
for (const parties of [2, 4]) {
  const rounds = 20_000;
  const samples: number[] = [];
  for (let rep = 0; rep < 3; rep++) {
    const buffer = new SharedArrayBuffer(64);
    const ms = await runWorkers(
      Array.from({ length: parties }, () => ({ role: 'barrier', buffer, parties, rounds })),
    );
    samples.push((Math.max(...ms) * 1000) / rounds);
  }
  samples.sort((a, b) => a - b);
  rows.push({
    measure: `barrier, ${parties} workers on 2 cores`,
    result: `${samples[1].toFixed(1)} us per barrier`,
    samples: samples.map((x) => x.toFixed(1)).join(' '),
  });
}
{
  const capacity = 1024;
  const rounds = 1_000_000;
  const samples: number[] = [];
  for (let rep = 0; rep < 3; rep++) {
    const buffer = new SharedArrayBuffer(ringWords(capacity, 8) * 4);
    const ms = await runWorkers([
      { role: 'producer', buffer, rounds, capacity },
      { role: 'consumer', buffer, rounds, capacity },
    ]);
    samples.push(rounds / (Math.max(...ms) / 1000));
  }
  samples.sort((a, b) => a - b);
  rows.push({
    measure: 'ring, producer + consumer threads, 8-word records',
    result: `${(samples[1] / 1e6).toFixed(2)} M records/s`,
    samples: samples.map((x) => (x / 1e6).toFixed(2)).join(' '),
  });
}

const ring = new Ring(new Int32Array(new SharedArrayBuffer(ringWords(4096, 8) * 4)), 0, 4096, 8);
const bench = new Bench({ time: 1000, iterations: 10 });
bench.add('ring one thread: 4096 records in, 4096 out', () => {
  const words = ring.words;
  for (let i = 0; i < 4096; i++) {
    const w = ring.reserve();
    for (let k = 0; k < 8; k++) words[w + k] = i;
    ring.commit();
  }
  for (let i = 0; i < 4096; i++) {
    ring.peek();
    ring.release();
  }
});
await bench.run();
console.table(bench.table());
const task = bench.tasks[0];
const meanMs = (task.result as { latency?: { mean: number } } | undefined)?.latency?.mean ?? NaN;
rows.push({
  measure: 'ring, one thread (push + pop)',
  result: `${(((4096 / meanMs) * 1000) / 1e6).toFixed(1)} M records/s`,
  samples: '',
});
console.table(rows);
