/**
 * The epoch's phases and coordinator steps, as functions of (simulation, node). The program
 * that sequences them, with barriers, is src/engine/epoch.ts (and the protocol it follows is
 * described in src/engine/protocol.ts). Parallel phases touch only what the node owns;
 * coordinator steps run on one thread while the others wait.
 */
import { G_EPOCH, G_NOW_NS, G_PROMOTIONS, NODE_WORDS, W_KSWAPD_WOKEN } from '../memory/layout.js';
import { numaScan } from '../kernel/numa.js';
import { placeFaults, populatePages } from '../kernel/fault.js';
import { migrateRound, routeAcks, routeDemotions } from '../kernel/migrate.js';
import { refreshSwapView } from '../kernel/swap.js';
import { kswapdRun, reclaimPages, settleDemotions } from '../kernel/vmscan.js';
import { kswapdNapsEnd } from '../kernel/kswapd.js';
import { planKswapdCpu } from '../kernel/kswapd-cpu.js';
import { balanceDirtyPages } from '../kernel/writeback.js';
import type { Simulation } from './simulation.js';

export function accessPhase(sim: Simulation, nid: number, epoch: number): void {
  const endNs = (epoch + 1) * sim.spec.params.epochNs;
  const cpus = sim.spec.machine.nodes[nid].cpus;
  for (let i = 0; i < cpus.length; i++) sim.runCpu(cpus[i], endNs);
}

/**
 * Coordinator: timed actions due this epoch, then every queued fault, balance_dirty_pages for
 * the CPUs that dirtied page cache, then the kswapd naps that end this epoch and the CPU time
 * of the kswapds awake. Returns the index of the next action.
 */
export function placeStep(sim: Simulation, epoch: number, nextAction: number): number {
  refreshSwapView(sim.s);
  numaScan(sim.s, sim.ctx.scanSpaces);
  const actions = sim.spec.actions;
  let i = nextAction;
  for (; i < actions.length && actions[i].epoch <= epoch; i++) {
    const a = actions[i];
    if (a.kind === 'populate') populatePages(sim.s, sim.ctx, a.firstPage, a.endPage, a.cpu, a.mapped);
    else reclaimPages(sim.s, sim.ctx, a.firstPage, a.endPage, a.cpuNid);
  }
  placeFaults(sim.s, sim.ctx);
  balanceDirtyPages(sim.s);
  refreshSwapView(sim.s);
  kswapdNapsEnd(sim.s, (epoch + 1) * sim.spec.params.epochNs);
  planKswapdCpu(sim.s, sim.ctx.kswapdCpu);
  return i;
}

/** The reclaim, migrate and settle phases are needed: a kswapd is awake or promotions are queued. */
export function reclaimPhasesNeeded(sim: Simulation): boolean {
  if (sim.s.globalWords[G_PROMOTIONS] > 0) return true;
  for (let nid = 0; nid < sim.s.layout.nodes; nid++) {
    if (sim.s.nodeWords[nid * NODE_WORDS + W_KSWAPD_WOKEN] !== 0) return true;
  }
  return false;
}

/** Coordinator, before each epoch's access phase. */
export function beginEpoch(sim: Simulation, epoch: number): void {
  sim.s.globalWords[G_EPOCH] = epoch;
  sim.s.globalWords[G_NOW_NS] = epoch * sim.spec.params.epochNs;
}

export function reclaimPhase(sim: Simulation, nid: number): void {
  kswapdRun(sim.s, sim.ctx, nid);
}

/**
 * Coordinator: demotion records to their targets; returns how many migration records await the
 * migrate round (those plus the promotions the place step queued directly).
 */
export function routeStep(sim: Simulation): number {
  const promotions = sim.s.globalWords[G_PROMOTIONS];
  sim.s.globalWords[G_PROMOTIONS] = 0;
  return routeDemotions(sim.s) + promotions;
}

export function migratePhase(sim: Simulation, nid: number): void {
  migrateRound(sim.s, nid, sim.ctx.walks);
}

/** Coordinator: outcomes to their sources (and forwards to their next node); true = another round. */
export function acksStep(sim: Simulation): boolean {
  const more = routeAcks(sim.s);
  if (!more) refreshSwapView(sim.s);
  return more;
}

export function settlePhase(sim: Simulation, nid: number): void {
  settleDemotions(sim.s, sim.ctx, nid);
}
