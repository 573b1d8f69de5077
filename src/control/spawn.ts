/**
 * Starting worker threads from either source (.ts, under vitest or tsx) or the build (.js in
 * dist/): the entry is found relative to this module, and a .ts entry goes through a small
 * bootstrap that registers tsx inside the worker.
 */
import { Worker, type WorkerOptions } from 'node:worker_threads';

const runningFromSource = import.meta.url.endsWith('.ts');

/** `relative` is a path from this folder without extension, e.g. '../../workers/numa-node.worker'. */
export function workerUrl(relative: string): URL {
  return new URL(`${relative}${runningFromSource ? '.ts' : '.js'}`, import.meta.url);
}

export function spawnWorker(relative: string, options: WorkerOptions): Worker {
  return spawnWorkerFile(workerUrl(relative), options);
}

/** Start a worker from a module URL; a .ts module is loaded through the tsx bootstrap. */
export function spawnWorkerFile(entry: URL, options: WorkerOptions): Worker {
  if (!entry.pathname.endsWith('.ts')) return new Worker(entry, options);
  const workerData = { ...(options.workerData as object | undefined), __tsEntry: entry.href };
  return new Worker(new URL('./ts-bootstrap.mjs', import.meta.url), { ...options, workerData });
}
