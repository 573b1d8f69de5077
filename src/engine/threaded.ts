/**
 * The threaded schedulers: one worker thread per group of nodes of a thread plan
 * (thread-plan.ts), each running the epoch program for its nodes over the shared buffers, the
 * worker holding the first node with CPUs also running the coordinator steps. The
 * main thread never blocks: it starts the workers, polls the control block for progress (and
 * to pass on a stop request), and watches for a worker that failed or died.
 *
 * Failure: the failing worker writes the fault word; the others see it at their next barrier
 * wait and stop; every run promise settles; the pool is shut down; the outcome carries the
 * first error (the root cause, not the others' "stopped at the barrier").
 */
import { NodeWorkerPool } from '../control/client.js';
import type { NodeWorkerSetup } from '../control/api.js';
import { ProtocolError } from '../util/errors.js';
import { prepareRun } from './epoch.js';
import { K_EPOCHS_DONE, K_FAULT, K_STOP_REQUEST, describeFault, raiseFault } from './protocol.js';
import type { RunControl, SchedulerOutcome } from './scheduler.js';
import type { ThreadPlan } from './thread-plan.js';
import { THREAD_STAT_WORDS, type Simulation } from './simulation.js';

const POLL_MS = 100;

/** TIERSIM_INJECT_FAULT=node:epoch:phase makes that node's worker throw there (tests only). */
export function injectedFault(): NodeWorkerSetup['injectFault'] {
  const spec = process.env['TIERSIM_INJECT_FAULT'];
  if (spec === undefined || spec === '') return undefined;
  const [nid, epoch, phase] = spec.split(':');
  return { nid: Number(nid), epoch: Number(epoch), phase: phase ?? 'access' };
}

/** A sleep that can be cancelled, so no timer outlives the run. */
function sleep(ms: number): { done: Promise<void>; cancel: () => void } {
  let timer: NodeJS.Timeout | undefined;
  const done = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  return { done, cancel: () => clearTimeout(timer) };
}

export async function runThreaded(
  sim: Simulation,
  control: RunControl,
  plan: ThreadPlan,
): Promise<SchedulerOutcome> {
  const c = sim.control;
  prepareRun(sim);
  const pool = await NodeWorkerPool.start(sim.spec, plan, injectedFault());
  try {
    const runs = pool.run(0, sim.spec.epochs);
    let settled = false;
    const all = Promise.allSettled(runs).then((results) => {
      settled = true;
      return results;
    });
    let lastProgress = -1;
    let quietPolls = 0;
    const quietLimit = Math.ceil((2 * sim.spec.barrierTimeoutMs) / POLL_MS);
    while (!settled) {
      const nap = sleep(POLL_MS);
      await Promise.race([all, nap.done]);
      nap.cancel();
      const done = Atomics.load(c, K_EPOCHS_DONE);
      control.onProgress(done);
      if (control.shouldStop()) Atomics.store(c, K_STOP_REQUEST, 1);
      const exit = pool.unexpectedExit;
      if (exit !== undefined && Atomics.load(c, K_FAULT) === 0) raiseFault(c, exit.nid, done, 'access');
      quietPolls = done === lastProgress ? quietPolls + 1 : 0;
      lastProgress = done;
      if (quietPolls > quietLimit) {
        // Every barrier wait is bounded, so this only trips if a worker hangs outside one.
        raiseFault(c, 0, done, 'access');
        break;
      }
    }
    if (!settled) {
      return {
        epochsDone: Atomics.load(c, K_EPOCHS_DONE),
        stoppedBy: 'no progress',
        failure: new ProtocolError(`no progress for ${2 * sim.spec.barrierTimeoutMs} ms: workers stopped`),
      };
    }
    const results = await all;
    const stats = new Float64Array(sim.spec.run.threadStats);
    const barrierWaitShare = plan.map((_, thread) => {
      const run = stats[thread * THREAD_STAT_WORDS + 1];
      return run > 0 ? stats[thread * THREAD_STAT_WORDS] / run : 0;
    });
    const epochsDone = Atomics.load(c, K_EPOCHS_DONE);
    const fault = describeFault(c);
    if (fault === undefined) {
      const stopped = epochsDone < sim.spec.epochs;
      return { epochsDone, stoppedBy: stopped ? 'interrupted' : null, failure: undefined, barrierWaitShare };
    }
    const failedNid = Atomics.load(c, K_FAULT) - 1;
    const rootCause = results[plan.findIndex((group) => group.includes(failedNid))];
    const exit = pool.unexpectedExit;
    const cause =
      rootCause?.status === 'rejected'
        ? toError(rootCause.reason)
        : exit !== undefined
          ? (exit.error ?? new Error(`worker of node ${exit.nid} exited with code ${exit.code}`))
          : new Error(fault);
    return {
      epochsDone,
      stoppedBy: fault,
      failure: new ProtocolError(`${fault}: ${cause.message}`),
      barrierWaitShare,
    };
  } finally {
    await pool.shutdown();
  }
}

function toError(reason: unknown): Error {
  return reason instanceof Error ? reason : new Error(String(reason));
}
