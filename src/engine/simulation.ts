/**
 * A Simulation: the SimState of one experiment plus the per-thread objects its phases use (the
 * access-loop closure, the reclaim scan controls). Built from a validated config; every thread
 * that runs phases builds its own Simulation over the same shared buffers.
 */
import type { Config } from '../config/schema.js';
import { computeLayout, allocateBuffers, type StateBuffers, type StateLayout } from '../memory/layout.js';
import { attachState, initState, simParams, type SimParams, type SimState } from '../memory/state.js';
import { buildMachine } from '../topology/build.js';
import type { Machine } from '../topology/machine.js';
import { createReclaimContext, type ReclaimContext } from '../kernel/vmscan.js';
import { buildWorkloadPlan, type WorkloadPlan } from '../workload/plan.js';
import { makeAccessRunner, type AccessRunner } from '../workload/access-loop.js';
import { initSequentialPositions } from '../workload/generate.js';

/** Everything needed to rebuild a Simulation in another thread (structured-cloneable). */
export interface SimulationSpec {
  layout: StateLayout;
  machine: Machine;
  plan: WorkloadPlan;
  params: SimParams;
  buffers: StateBuffers;
  /** Timed actions, resolved to page ranges and epochs. */
  actions: PlannedAction[];
  epochs: number;
  sampleEveryEpochs: number;
}

export interface PlannedAction {
  epoch: number;
  kind: 'madvise_pageout';
  firstPage: number;
  endPage: number;
  cpuNid: number;
}

export interface Simulation {
  readonly spec: SimulationSpec;
  readonly s: SimState;
  readonly ctx: ReclaimContext;
  readonly runCpu: AccessRunner;
}

/** Most samples a run keeps for its series unless run.sample_interval says otherwise. */
export const MAX_DEFAULT_SAMPLES = 2000;

export function planSimulation(config: Config): SimulationSpec {
  const machine = buildMachine(config.topology, config.kernel);
  const plan = buildWorkloadPlan(config, machine);
  const params = simParams(config, machine);
  const layout = computeLayout(machine, plan, {
    faultBatchMax: config.costs.fault_batch_max,
    epochNs: config.run.epoch,
    minorFaultNs: config.costs.minor_fault,
    reclaimScanNs: config.costs.reclaim_scan_per_page,
  });
  const epochs = Math.max(1, Math.ceil(config.run.duration / config.run.epoch));
  const sampleEveryEpochs =
    config.run.sample_interval !== undefined
      ? Math.max(1, Math.round(config.run.sample_interval / config.run.epoch))
      : Math.max(1, Math.ceil(epochs / MAX_DEFAULT_SAMPLES));
  const actions: PlannedAction[] = (config.workload?.actions ?? []).map((action) => {
    const taskIndex = plan.tasks.findIndex((t) => t.name === action.task);
    const task = plan.tasks[taskIndex];
    const region = task.regions[action.region];
    return {
      epoch: Math.floor(action.at / config.run.epoch),
      kind: action.do,
      firstPage: region.firstPage + Math.floor(action.start * region.pages),
      endPage: region.firstPage + Math.floor(action.end * region.pages),
      cpuNid: machine.cpuNode[task.cpus[0]],
    };
  });
  actions.sort((a, b) => a.epoch - b.epoch);
  return {
    layout,
    machine,
    plan,
    params,
    buffers: allocateBuffers(layout),
    actions,
    epochs,
    sampleEveryEpochs,
  };
}

/** Views and per-thread objects over a spec's buffers; `init` only in the thread that allocated them. */
export function openSimulation(spec: SimulationSpec, init: boolean): Simulation {
  const s = attachState(spec.layout, spec.machine, spec.plan, spec.params, spec.buffers);
  if (init) {
    initState(s);
    initSequentialPositions(s);
  }
  return { spec, s, ctx: createReclaimContext(s), runCpu: makeAccessRunner(s) };
}

export function createSimulation(config: Config): Simulation {
  return openSimulation(planSimulation(config), true);
}
