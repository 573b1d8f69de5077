/**
 * Turning tinybench results into accesses (or pages) per second, and the one-line JSON records
 * a parent bench reads from the children it spawns.
 */
import type { Bench, Task } from 'tinybench';

/** Work units per second of a completed task, from its mean and median latency. */
export interface Rate {
  name: string;
  /** Units per second from the mean latency (total work / total time). */
  mean: number;
  /** Units per second from the median latency. */
  median: number;
  /** Relative margin of error of the mean latency, percent. */
  rme: number;
  samples: number;
}

export function rateOf(task: Task, unitsPerIteration: number): Rate {
  const r = task.result;
  if (r.state !== 'completed') throw new Error(`task ${task.name} ended ${r.state}`);
  return {
    name: task.name,
    mean: (unitsPerIteration * 1000) / r.latency.mean,
    median: (unitsPerIteration * 1000) / r.latency.p50,
    rme: r.latency.rme,
    samples: r.latency.samplesCount,
  };
}

/** tinybench's own table, then nothing else: every bench prints it. */
export function printBenchTable(bench: Bench): void {
  console.table(bench.table());
}

const RESULT_PREFIX = 'BENCH_RESULT ';

/** Print a record for a parent process (one line, prefixed). */
export function emitResult(record: unknown): void {
  console.log(RESULT_PREFIX + JSON.stringify(record));
}

/** The records a child printed with emitResult, in order. */
export function parseResults(stdout: string): unknown[] {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith(RESULT_PREFIX))
    .map((line) => JSON.parse(line.slice(RESULT_PREFIX.length)) as unknown);
}
