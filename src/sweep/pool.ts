/**
 * The experiment pool: piscina threads, each running one experiment at a time with the inline
 * scheduler (src/sweep/task.ts). The only importer of piscina (the experiment plane, STYLE
 * habit 1): node workers use comlink and shared memory, never this.
 *
 * Fresh threads. V8 compiles the access loop (engine/access-phase.ts) with its typed arrays as
 * constants only while its closure is the single closure of its function literal; a thread's
 * second simulation makes a second closure and its loop runs about 2x slower for the rest of the
 * thread's life (measured in bench/sweep.bench.ts). So by default (`recycle: true`) every thread
 * runs exactly one experiment: a load balancer hands tasks only to threads that have not run
 * one, and a thread is terminated as soon as its task returns; the next task starts a new one.
 * Handing out tasks only to fresh threads is what makes retiring safe: piscina can never give a
 * queued task to a thread that is about to be terminated. Starting a thread costs ~0.15 s from
 * dist/ (0.6–0.9 s from sources, through tsx), small next to an experiment of seconds.
 *
 * No thread is ever terminated while it loads its modules: on Node 20 terminating a worker
 * inside piscina's `require()` of an ES module aborts the whole process ("FATAL ERROR:
 * v8::Module::IsGraphAsync must be used on an instantiated module", seen once in the benchmark
 * when the pool was destroyed while a replacement thread was starting). So `minThreads` is 0: a
 * thread starts only for a task, and every thread has finished loading (piscina's READY comes
 * after the task module is loaded) before its task can return and the pool can end it.
 */
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { bytesPerFrame, bytesPerPage } from '../memory/layout.js';
import type { Config } from '../config/schema.js';
import { buildMachine } from '../topology/build.js';
import { buildWorkloadPlan } from '../workload/plan.js';
import type { ExperimentOutcome, ExperimentTask } from './protocol.js';

type PiscinaOptions = NonNullable<ConstructorParameters<typeof Piscina>[0]>;
type Balancer = NonNullable<PiscinaOptions['loadBalancer']>;

export interface PoolOptions {
  /** Threads, each running one experiment at a time. */
  jobs: number;
  /** One experiment per thread (see above). Default in the CLI: true. */
  recycle: boolean;
}

const runningFromSource = import.meta.url.endsWith('.ts');

/** piscina's `filename` (and `workerData` for the tsx proxy when running from sources). */
function taskModule(): Pick<PiscinaOptions, 'filename' | 'workerData'> {
  const entry = new URL(
    `../../workers/experiment.worker${runningFromSource ? '.ts' : '.js'}`,
    import.meta.url,
  );
  if (!runningFromSource) return { filename: fileURLToPath(entry), workerData: {} };
  return {
    filename: fileURLToPath(new URL('./ts-piscina-proxy.mjs', import.meta.url)),
    workerData: { __tsEntry: entry.href },
  };
}

export class ExperimentPool {
  readonly jobs: number;
  readonly recycle: boolean;
  private readonly piscina: Piscina<ExperimentTask, ExperimentOutcome>;
  /** Threads that have been given a task (recycling: never given another). */
  private readonly spent = new Set<number>();

  constructor(options: PoolOptions) {
    this.jobs = options.jobs;
    this.recycle = options.recycle;
    const concurrentTasksPerWorker = 1;
    const balancer: Balancer = (_task, workers) => {
      for (const w of workers) {
        if (w.currentUsage !== 0 || w.terminating || w.destroyed) continue;
        if (this.recycle) {
          if (this.spent.has(w.id)) continue;
          this.spent.add(w.id);
        }
        return w;
      }
      return null;
    };
    this.piscina = new Piscina<ExperimentTask, ExperimentOutcome>({
      ...taskModule(),
      name: 'default',
      // Threads start on demand, for a task (see above); at most `jobs` at once.
      minThreads: 0,
      maxThreads: options.jobs,
      // Reused threads only idle between the tasks of a sweep; the pool is closed when it ends.
      idleTimeout: 60_000,
      // At most `jobs` tasks are in flight (runner.ts), so the queue never holds more.
      maxQueue: options.jobs,
      concurrentTasksPerWorker,
      // A task is seconds long: the Atomics fast path saves nothing, and 'disabled' leaves the
      // thread's event loop free between tasks.
      atomics: 'disabled',
      loadBalancer: balancer,
      niceIncrement: 0,
      trackUnmanagedFds: true,
      closeTimeout: 30_000,
      recordTiming: false,
      workerHistogram: false,
    });
  }

  /** Runs one experiment; a thread that dies (rather than the experiment failing) is a failure too. */
  async run(task: ExperimentTask): Promise<ExperimentOutcome> {
    let outcome: ExperimentOutcome;
    try {
      outcome = await this.piscina.run(task);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      return {
        ok: false,
        error: `the pool thread running it died: ${message}`,
        threadId: -1,
        simulationsInThread: 0,
        heapUsedBytes: 0,
      };
    }
    if (this.recycle) await this.retire(outcome.threadId);
    return outcome;
  }

  /** Ends a thread that has run its experiment (the next task starts a fresh one). */
  private async retire(threadId: number): Promise<void> {
    const worker = this.piscina.threads.find((w) => w.threadId === threadId);
    if (worker !== undefined) await worker.terminate();
    this.spent.delete(threadId);
  }

  /** Ends every thread, running tasks included (their promises reject). */
  async destroy(): Promise<void> {
    await this.piscina.destroy();
  }
}

// ---------------------------------------------------------------------------------------------
// Thread budget
// ---------------------------------------------------------------------------------------------

/** What a pool thread costs besides the experiment's shared state (V8 isolate, code, heap). */
export const THREAD_OVERHEAD_BYTES = 96 * 2 ** 20;
/** Share of the machine's memory a sweep may plan to use. */
const MEMORY_SHARE = 0.6;

/** Shared-state bytes of one experiment: frames and page-table entries (memory/layout.ts). */
export function experimentBytes(config: Config): number {
  const machine = buildMachine(config.topology, config.kernel);
  const plan = buildWorkloadPlan(config, machine);
  const frames = machine.nodes.reduce((n, node) => n + node.managedPages, 0);
  return frames * bytesPerFrame(config.kernel.lru_gen?.enabled === true) + plan.totalPages * bytesPerPage();
}

export interface ThreadBudget {
  jobs: number;
  /** Why this many: the limiting resource. */
  reason: string;
}

/**
 * Threads for `count` experiments: one per core (each experiment runs inline on one thread),
 * no more than the experiments, and no more than fit in MEMORY_SHARE of the machine's memory
 * next to each other (the largest experiment counted for all).
 */
export function threadBudget(count: number, largestBytes: number): ThreadBudget {
  const cores = os.availableParallelism();
  const perThread = largestBytes + THREAD_OVERHEAD_BYTES;
  const byMemory = Math.max(1, Math.floor((os.totalmem() * MEMORY_SHARE) / perThread));
  const jobs = Math.max(1, Math.min(cores, byMemory, count));
  const reason =
    jobs === count && count < Math.min(cores, byMemory)
      ? `${count} experiment(s)`
      : byMemory < cores
        ? `memory: ${(perThread / 2 ** 30).toFixed(2)} GiB per experiment`
        : `${cores} core(s)`;
  return { jobs, reason };
}
