/**
 * The worker side of the control plane: exposes NodeWorkerApi over comlink. `run` executes the
 * same epoch program as the inline scheduler for this worker's nodes (one, or a node with CPUs
 * and the CPU-less nodes it hosts: engine/thread-plan.ts), with a real barrier between phases. A throw inside it is first written to the fault word (so the other workers stop at
 * their next barrier wait) and then rejects the caller's promise with the original error.
 */
import { parentPort } from 'node:worker_threads';
import * as Comlink from 'comlink';
import { Coordinator, leaderNode, runEpochs, serveReclaimEpochs, type EpochThread } from '../engine/epoch.js';
import {
  K_BARRIER,
  K_BARRIER_CPU,
  K_EPOCHS_DONE,
  K_GATE,
  describeFault,
  raiseFault,
  type PhaseName,
} from '../engine/protocol.js';
import { THREAD_STAT_WORDS, openSimulation, type Simulation } from '../engine/simulation.js';
import { wallNowMs } from '../report/wallclock.js';
import { Barrier } from '../shm/barrier.js';
import { waitForChange } from '../shm/wait.js';
import { assert } from '../util/assert.js';
import type { NodeWorkerApi, NodeWorkerSetup } from './api.js';
import { nodeEndpoint } from './comlink-node.js';

interface Running {
  sim: Simulation;
  thread: EpochThread;
  coordinator: Coordinator | undefined;
  /** This worker's index in the plan (its slot in RunBuffers.threadStats). */
  index: number;
  faultNid: number;
  hasCpus: boolean;
  waitGate: (last: number) => number;
}

function createApi(): NodeWorkerApi {
  let running: Running | undefined;
  return {
    setup(setup: NodeWorkerSetup): Promise<void> {
      const sim = openSimulation(setup.spec, false);
      const control = sim.control;
      const machineNodes = setup.spec.machine.nodes;
      const withCpus = (group: readonly number[]) => group.some((nid) => machineNodes[nid].cpus.length > 0);
      const mine = setup.plan[setup.thread];
      const cpuThreads = setup.plan.filter(withCpus).length;
      const fault = { check: () => describeFault(control) };
      const timeout = setup.spec.barrierTimeoutMs;
      // Access and place involve only the threads with CPUs; the reclaim phases every thread.
      const cpuBarrier = new Barrier(control, K_BARRIER_CPU, cpuThreads, timeout, fault);
      const allBarrier =
        cpuThreads === setup.plan.length
          ? cpuBarrier
          : new Barrier(control, K_BARRIER, setup.plan.length, timeout, fault);
      const inject =
        setup.injectFault !== undefined && mine.includes(setup.injectFault.nid)
          ? setup.injectFault
          : undefined;
      const stats = new Float64Array(setup.spec.run.threadStats);
      const statAt = setup.thread * THREAD_STAT_WORDS;
      const leader = mine.includes(leaderNode(setup.spec));
      const thread: EpochThread = {
        nodes: mine,
        leader,
        epoch: 0,
        phase: 'setup',
        sync(phase: PhaseName) {
          if (inject !== undefined && inject.epoch === thread.epoch && inject.phase === phase) {
            throw new Error(
              `injected fault (TIERSIM_INJECT_FAULT) in node ${inject.nid}, epoch ${thread.epoch}, ${phase} phase`,
            );
          }
          const t0 = wallNowMs();
          (phase === 'access' || phase === 'place' ? cpuBarrier : allBarrier).arrive(phase);
          stats[statAt] += wallNowMs() - t0;
        },
      };
      running = {
        sim,
        thread,
        coordinator: leader ? new Coordinator(sim) : undefined,
        index: setup.thread,
        // A fault names the injected node, else this worker's first node.
        faultNid: inject?.nid ?? mine[0],
        hasCpus: withCpus(mine),
        waitGate: (last: number) => {
          const t0 = wallNowMs();
          const gate = waitForChange(control, K_GATE, last, fault.check, 'an epoch that reclaims');
          stats[statAt] += wallNowMs() - t0;
          return gate;
        },
      };
      return Promise.resolve();
    },
    run(from: number, to: number): Promise<number> {
      assert(running !== undefined, 'run before setup');
      const r = running;
      const t0 = wallNowMs();
      try {
        if (r.hasCpus) return Promise.resolve(runEpochs(r.sim, r.thread, r.coordinator, from, to));
        serveReclaimEpochs(r.sim, r.thread, r.waitGate);
        return Promise.resolve(Atomics.load(r.sim.control, K_EPOCHS_DONE));
      } catch (error) {
        raiseFault(r.sim.control, r.faultNid, r.thread.epoch, r.thread.phase);
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      } finally {
        new Float64Array(r.sim.spec.run.threadStats)[r.index * THREAD_STAT_WORDS + 1] += wallNowMs() - t0;
      }
    },
  };
}

export function exposeNodeWorker(): void {
  assert(parentPort !== null, 'exposeNodeWorker outside a worker thread');
  Comlink.expose(createApi(), nodeEndpoint(parentPort));
}
