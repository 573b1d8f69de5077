/**
 * The main thread's side of the control plane: one worker thread per group of nodes of the
 * thread plan (engine/thread-plan.ts), each wrapped with comlink. Used between epochs only: start and set up, start the run, shut down. Shutdown
 * releases every proxy and terminates every worker, so nothing is left running.
 */
import type { Worker } from 'node:worker_threads';
import * as Comlink from 'comlink';
import type { SimulationSpec } from '../engine/simulation.js';
import { ProtocolError } from '../util/errors.js';
import type { NodeWorkerApi, NodeWorkerSetup } from './api.js';
import { nodeEndpoint } from './comlink-node.js';
import { spawnWorker } from './spawn.js';

/** A worker that takes longer than this to load and set up is considered dead. */
const SETUP_TIMEOUT_MS = 60_000;

export interface WorkerExit {
  /** The worker's first node. */
  nid: number;
  code: number;
  error: Error | undefined;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ProtocolError(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export class NodeWorkerPool {
  private readonly workers: Worker[];
  private readonly proxies: Comlink.Remote<NodeWorkerApi>[];
  private shuttingDown = false;
  /** Set when a worker exits before shutdown (crash, uncaught error outside a call). */
  unexpectedExit: WorkerExit | undefined;

  private constructor(workers: Worker[], plan: number[][]) {
    this.workers = workers;
    this.proxies = workers.map((w) => Comlink.wrap<NodeWorkerApi>(nodeEndpoint(w)));
    workers.forEach((worker, thread) => {
      const nid = plan[thread][0];
      let error: Error | undefined;
      worker.on('error', (e) => {
        error = e;
      });
      worker.on('exit', (code) => {
        if (!this.shuttingDown && this.unexpectedExit === undefined)
          this.unexpectedExit = { nid, code, error };
      });
    });
  }

  /** Start one worker per group of `plan` and set each up; rejects (after cleaning up) on failure. */
  static async start(
    spec: SimulationSpec,
    plan: number[][],
    injectFault: NodeWorkerSetup['injectFault'],
  ): Promise<NodeWorkerPool> {
    const workers = plan.map((nodes) =>
      spawnWorker('../../workers/numa-node.worker', { name: `tiersim-node-${nodes.join('-')}` }),
    );
    const pool = new NodeWorkerPool(workers, plan);
    try {
      await withTimeout(
        Promise.all(pool.proxies.map((proxy, thread) => proxy.setup({ spec, plan, thread, injectFault }))),
        SETUP_TIMEOUT_MS,
        'starting the node workers',
      );
    } catch (error) {
      await pool.shutdown();
      throw error;
    }
    return pool;
  }

  /** Start epochs [from, to) on every worker; one promise per worker (plan order). */
  run(from: number, to: number): Promise<number>[] {
    return this.proxies.map((proxy) => proxy.run(from, to));
  }

  async shutdown(): Promise<void> {
    this.shuttingDown = true;
    for (const proxy of this.proxies) proxy[Comlink.releaseProxy]();
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
