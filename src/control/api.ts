/**
 * The control plane of a node worker: what the main thread may ask it, between epochs only.
 * Plain request/response methods with structured-cloneable arguments (comlink carries them; no
 * callbacks, no proxies). Page data never travels here: it is in the shared buffers.
 */
import type { SimulationSpec } from '../engine/simulation.js';

export interface NodeWorkerSetup {
  spec: SimulationSpec;
  /** The nodes each worker runs (engine/thread-plan.ts); the worker holding the first node with
   * CPUs also runs the coordinator steps. */
  plan: number[][];
  /** This worker's index in `plan`. */
  thread: number;
  /** Test-only fault injection: throw in this node, epoch and phase (see TIERSIM_INJECT_FAULT). */
  injectFault: { nid: number; epoch: number; phase: string } | undefined;
}

export interface NodeWorkerApi {
  /** Build views over the shared buffers; touch nothing else. */
  setup(setup: NodeWorkerSetup): Promise<void>;
  /** Run epochs [from, to) in lockstep with the other workers; resolves with the epochs done. */
  run(from: number, to: number): Promise<number>;
}
