/**
 * The worker side of the control plane: exposes NodeWorkerApi over comlink. `run` executes the
 * same epoch program as the inline scheduler for this one node, with a real barrier between
 * phases. A throw inside it is first written to the fault word (so the other workers stop at
 * their next barrier wait) and then rejects the caller's promise with the original error.
 */
import { parentPort } from 'node:worker_threads';
import * as Comlink from 'comlink';
import { Coordinator, runEpochs, type EpochThread } from '../engine/epoch.js';
import { K_BARRIER, describeFault, raiseFault, type PhaseName } from '../engine/protocol.js';
import { openSimulation, type Simulation } from '../engine/simulation.js';
import { Barrier } from '../shm/barrier.js';
import { assert } from '../util/assert.js';
import type { NodeWorkerApi, NodeWorkerSetup } from './api.js';
import { nodeEndpoint } from './comlink-node.js';

interface Running {
  sim: Simulation;
  thread: EpochThread;
  coordinator: Coordinator | undefined;
  nid: number;
}

function createApi(): NodeWorkerApi {
  let running: Running | undefined;
  return {
    setup(setup: NodeWorkerSetup): Promise<void> {
      const sim = openSimulation(setup.spec, false);
      const control = sim.control;
      const parties = setup.spec.layout.nodes;
      const barrier = new Barrier(control, K_BARRIER, parties, setup.spec.barrierTimeoutMs, {
        check: () => describeFault(control),
      });
      const inject = setup.injectFault?.nid === setup.nid ? setup.injectFault : undefined;
      const thread: EpochThread = {
        nodes: [setup.nid],
        leader: setup.nid === 0,
        epoch: 0,
        phase: 'setup',
        sync(phase: PhaseName) {
          if (inject !== undefined && inject.epoch === thread.epoch && inject.phase === phase) {
            throw new Error(
              `injected fault (TIERSIM_INJECT_FAULT) in node ${setup.nid}, epoch ${thread.epoch}, ${phase} phase`,
            );
          }
          barrier.arrive(phase);
        },
      };
      running = {
        sim,
        thread,
        coordinator: setup.nid === 0 ? new Coordinator(sim) : undefined,
        nid: setup.nid,
      };
      return Promise.resolve();
    },
    run(from: number, to: number): Promise<number> {
      assert(running !== undefined, 'run before setup');
      const r = running;
      try {
        return Promise.resolve(runEpochs(r.sim, r.thread, r.coordinator, from, to));
      } catch (error) {
        raiseFault(r.sim.control, r.nid, r.thread.epoch, r.thread.phase);
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
    },
  };
}

export function exposeNodeWorker(): void {
  assert(parentPort !== null, 'exposeNodeWorker outside a worker thread');
  Comlink.expose(createApi(), nodeEndpoint(parentPort));
}
