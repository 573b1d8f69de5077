/**
 * Choosing and driving a scheduler. All produce the same state for the same config and seed;
 * they differ in threads: `inline` runs every node on the calling thread; `per-node`,
 * `every-node` and `auto` run worker threads over the node groups of thread-plan.ts. A plan of
 * one group runs inline: a single worker would only add its start-up.
 */
import { availableParallelism } from 'node:os';
import { runInline } from './inline.js';
import { runThreaded } from './threaded.js';
import { autoWorkers, freeCores } from './free-cores.js';
import { MAX_WORKER_SHARE, planThreads, type ThreadPlan } from './thread-plan.js';
import type { Simulation } from './simulation.js';

import type { SchedulerName } from './scheduler-names.js';

export { SCHEDULERS, type SchedulerName } from './scheduler-names.js';

export interface RunControl {
  /** Called now and then with the epochs finished so far. */
  onProgress(epochsDone: number): void;
  /** Polled between epochs: true asks the run to stop after the current epoch. */
  shouldStop(): boolean;
}

export interface SchedulerOutcome {
  epochsDone: number;
  /** Why the run ended early, or null when it ran to the end. */
  stoppedBy: string | null;
  /** The run failed inside an epoch: the live state is not whole (use the snapshot). */
  failure: Error | undefined;
  /** Threaded schedulers: each worker's share of its run time spent waiting at barriers. */
  barrierWaitShare?: number[];
  /** The nodes each worker ran; absent when the run was inline. */
  threads?: ThreadPlan;
  /** `auto` only: what it chose and why, e.g. "inline: 0.9 of 2 cores free". */
  autoChoice?: string;
}

/** The thread plan a scheduler name stands for on this machine, or undefined for inline. */
export function threadPlanFor(sim: Simulation, scheduler: SchedulerName): ThreadPlan | undefined {
  return choosePlan(sim, scheduler).plan;
}

/**
 * Each CPU's expected simulated accesses per µs, for `auto`'s balance: 1 / (its task's
 * cpu_per_access + the local memory's read latency), 0 for a CPU with no task with accesses.
 * Placement is not known before the run (remote and slower memory make accesses dearer), so
 * this is an estimate; results never depend on it.
 */
function cpuWork(sim: Simulation): number[] {
  const { plan, machine } = sim.spec;
  const work = new Array<number>(machine.cpuNode.length).fill(0);
  for (const task of plan.tasks) {
    if (task.accessedRegions === 0) continue;
    for (const cpu of task.cpus) {
      const nid = machine.cpuNode[cpu];
      work[cpu] = 1000 / (task.cpuPerAccessNs + machine.readLatencyNs[nid][nid]);
    }
  }
  return work;
}

/** `auto` plans for the cores other processes leave free (free-cores.ts), the others for all. */
function choosePlan(
  sim: Simulation,
  scheduler: SchedulerName,
): { plan: ThreadPlan | undefined; autoChoice?: string } {
  if (scheduler === 'inline') return { plan: undefined };
  if (scheduler !== 'auto') {
    const plan = planThreads(sim.spec.machine, scheduler, availableParallelism());
    return { plan: plan.length > 1 ? plan : undefined };
  }
  const f = freeCores();
  const cores = autoWorkers(f);
  const machine = sim.spec.machine;
  const work = cpuWork(sim);
  const busyNodes = machine.nodes.filter((n) => n.cpus.some((c) => work[c] > 0)).length;
  const plan = planThreads(machine, 'auto', cores, work);
  const free = `${f.free.toFixed(1)} of ${f.cores} cores free (${f.source})`;
  const why =
    busyNodes < 2
      ? `tasks on ${busyNodes} node${busyNodes === 1 ? '' : 's'}, ${free}`
      : plan.length === 1 && cores > 1
        ? `one node holds more than ${MAX_WORKER_SHARE * 100} % of the expected accesses, ${free}`
        : free;
  return plan.length > 1
    ? { plan, autoChoice: `${plan.length} workers: ${why}` }
    : { plan: undefined, autoChoice: `inline: ${why}` };
}

/** Yield to the event loop this often (inline) so Ctrl-C and progress get a turn. */
const YIELD_EVERY_EPOCHS = 8;

export async function runScheduled(
  sim: Simulation,
  scheduler: SchedulerName,
  control: RunControl,
): Promise<SchedulerOutcome> {
  const { plan, autoChoice } = choosePlan(sim, scheduler);
  const chosen = autoChoice === undefined ? {} : { autoChoice };
  if (plan !== undefined) return { ...(await runThreaded(sim, control, plan)), threads: plan, ...chosen };
  let stopped = false;
  const outcome = await runInline(sim, {
    afterEpoch: async (done) => {
      if (done % YIELD_EVERY_EPOCHS === 0) {
        await new Promise((resolve) => setImmediate(resolve));
        control.onProgress(done);
      }
      stopped = control.shouldStop();
      return !stopped;
    },
  });
  control.onProgress(outcome.epochsDone);
  return {
    epochsDone: outcome.epochsDone,
    stoppedBy: stopped ? 'interrupted' : null,
    failure: undefined,
    ...chosen,
  };
}
