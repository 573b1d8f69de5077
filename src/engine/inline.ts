/**
 * The inline scheduler: every phase of every node on the calling thread, in node order. It is
 * the reference the threaded scheduler must match bit for bit, and what sweeps use.
 */
import { updateGauges } from '../metrics/gauges.js';
import { Sampler } from '../metrics/series.js';
import {
  accessPhase,
  beforeSettle,
  beginEpoch,
  migratePhase,
  placePhase,
  reclaimPhase,
  settlePhase,
} from './phases.js';
import type { Simulation } from './simulation.js';

export interface RunHooks {
  /**
   * Called after each epoch with the number of epochs done. Returning `false` (or a promise of
   * it) stops the run after that epoch; the result then covers the epochs that finished.
   */
  afterEpoch?: (epochsDone: number) => boolean | Promise<boolean>;
}

export interface RunOutcome {
  sampler: Sampler;
  epochsDone: number;
}

/** Run one epoch's phases for every node. */
export function runEpochInline(sim: Simulation, epoch: number, nextAction: number): number {
  const nodes = sim.spec.layout.nodes;
  beginEpoch(sim, epoch);
  for (let nid = 0; nid < nodes; nid++) accessPhase(sim, nid, epoch);
  const after = placePhase(sim, epoch, nextAction);
  for (let nid = 0; nid < nodes; nid++) reclaimPhase(sim, nid);
  for (let round = 0, more = true; more; round++) {
    more = false;
    for (let nid = 0; nid < nodes; nid++) if (migratePhase(sim, nid, round)) more = true;
  }
  beforeSettle(sim);
  for (let nid = 0; nid < nodes; nid++) settlePhase(sim, nid);
  return after;
}

export async function runInline(sim: Simulation, hooks: RunHooks = {}): Promise<RunOutcome> {
  const { epochs, sampleEveryEpochs, params } = sim.spec;
  const sampler = new Sampler(sim.s, sampleEveryEpochs * params.epochNs);
  let nextAction = 0;
  let epochsDone = 0;
  for (let epoch = 0; epoch < epochs; epoch++) {
    nextAction = runEpochInline(sim, epoch, nextAction);
    epochsDone = epoch + 1;
    if (epochsDone % sampleEveryEpochs === 0 || epochsDone === epochs) {
      updateGauges(sim.s);
      sampler.sample(epochsDone * params.epochNs);
    }
    if (hooks.afterEpoch !== undefined && !(await hooks.afterEpoch(epochsDone))) break;
  }
  updateGauges(sim.s);
  return { sampler, epochsDone };
}
