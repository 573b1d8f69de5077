/* global setTimeout */
// Child of bench/sweep.bench.ts: the RSS of a sweep pool of N threads (dist/ code) that have each
// run one short quickstart point and now sit idle, and the V8 heap they reported. N = 0 measures
// the process with the same modules loaded and no pool. Prints one JSON line.
const threads = Number(process.argv[2]);
const root = process.cwd();
const { ExperimentPool } = await import(root + '/dist/src/sweep/pool.js');
const { planExperiments } = await import(root + '/dist/src/sweep/plan.js');
const { progressBuffer } = await import(root + '/dist/src/sweep/protocol.js');
const plan = planExperiments('configs/experiments/quickstart.yaml', ['run.duration=50ms']);
const point = plan.points[0];
let heap = 0;
let pool;
if (threads > 0) {
  pool = new ExperimentPool({ jobs: threads, recycle: false });
  const progress = progressBuffer(threads);
  const outcomes = await Promise.all(
    Array.from({ length: threads }, (_, slot) =>
      pool.run({ index: 0, slot, config: point.config, hash: point.hash, file: 'bench', progress }),
    ),
  );
  if (outcomes.some((o) => !o.ok)) throw new Error('a pool task failed');
  if (new Set(outcomes.map((o) => o.threadId)).size !== threads) throw new Error('tasks shared a thread');
  heap = outcomes.reduce((sum, o) => sum + o.heapUsedBytes, 0);
}
await new Promise((resolve) => setTimeout(resolve, 1000));
const rss = process.memoryUsage().rss;
await pool?.destroy();
console.log(JSON.stringify({ threads, rssMiB: rss / 2 ** 20, heapMiB: heap / 2 ** 20 }));
