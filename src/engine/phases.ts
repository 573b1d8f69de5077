/**
 * The epoch's phases, as functions of (simulation, node). The inline scheduler calls them in a
 * loop; the per-node threaded scheduler calls the same functions from each node's worker, with
 * a barrier between phases. Order within the epoch:
 *
 *   access   (parallel, per node with CPUs)  CPUs run their streams to the epoch's end; faults queue
 *   place    (coordinator)                   timed actions; faults installed in node, record order
 *   reclaim  (parallel, per node)            kswapd; demotions leave as records
 *   migrate  (parallel, per target; rounds)  demotion records allocated and moved
 *   settle   (parallel, per source)          moved frames freed; failed demotions reclaimed
 *   sample   (coordinator)                   gauges and series
 */
import { G_EPOCH, G_NOW_NS } from '../memory/layout.js';
import { placeFaults } from '../kernel/fault.js';
import { countForeignDemotions, migrateRound } from '../kernel/migrate.js';
import { refreshSwapView } from '../kernel/swap.js';
import { kswapdRun, reclaimPages, settleDemotions } from '../kernel/vmscan.js';
import type { Simulation } from './simulation.js';

export function accessPhase(sim: Simulation, nid: number, epoch: number): void {
  const endNs = (epoch + 1) * sim.spec.params.epochNs;
  const cpus = sim.spec.machine.nodes[nid].cpus;
  for (let i = 0; i < cpus.length; i++) sim.runCpu(cpus[i], endNs);
}

/** Coordinator, before each epoch's access phase. */
export function beginEpoch(sim: Simulation, epoch: number): void {
  sim.s.globalWords[G_EPOCH] = epoch;
  sim.s.globalWords[G_NOW_NS] = epoch * sim.spec.params.epochNs;
}

export function placePhase(sim: Simulation, epoch: number, nextAction: number): number {
  refreshSwapView(sim.s);
  const actions = sim.spec.actions;
  let i = nextAction;
  for (; i < actions.length && actions[i].epoch <= epoch; i++) {
    const a = actions[i];
    reclaimPages(sim.s, sim.ctx, a.firstPage, a.endPage, a.cpuNid);
  }
  placeFaults(sim.s, sim.ctx);
  refreshSwapView(sim.s);
  return i;
}

export function reclaimPhase(sim: Simulation, nid: number): void {
  kswapdRun(sim.s, sim.ctx, nid);
}

/** One migrate round for target `nid`; true when records moved on and another round is needed. */
export function migratePhase(sim: Simulation, nid: number, round: number): boolean {
  return migrateRound(sim.s, nid, round, sim.ctx.walks);
}

/** Coordinator, between migrate and settle. */
export function beforeSettle(sim: Simulation): void {
  countForeignDemotions(sim.s);
  refreshSwapView(sim.s);
}

export function settlePhase(sim: Simulation, nid: number): void {
  settleDemotions(sim.s, sim.ctx, nid);
}
