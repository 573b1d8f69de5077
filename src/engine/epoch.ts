/**
 * The epoch program of src/engine/protocol.ts, written once and run two ways: by the inline
 * scheduler (one thread runs every node, barriers are no-ops) and by each node worker of the
 * threaded scheduler (one node per thread, real barriers). Because both execute the same
 * sequence of phase calls and decide on the same shared control words, they produce the same
 * state bit for bit.
 */
import { CPU_WORDS, NODE_WORDS } from '../memory/layout.js';
import { updateMemoryLoad } from '../kernel/bandwidth.js';
import { updateDeviceLoad } from '../kernel/blockdev.js';
import { flusherStep } from '../kernel/writeback.js';
import { chargeKswapdCpu } from '../kernel/kswapd-cpu.js';
import { updatePromotionGauges } from '../kernel/numa.js';
import { updateGauges } from '../metrics/gauges.js';
import { Sampler } from '../metrics/series.js';
import { NR_COUNTERS } from '../metrics/vmstat.js';
import {
  accessPhase,
  acksStep,
  reclaimPhasesNeeded,
  beginEpoch,
  migratePhase,
  placeStep,
  reclaimPhase,
  routeStep,
  settlePhase,
} from './phases.js';
import {
  GATE_CLOSED,
  K_EPOCHS_DONE,
  K_GATE,
  K_MORE,
  K_RECLAIM,
  K_SAMPLES,
  K_SNAPSHOT_EPOCHS,
  K_STOP,
  K_STOP_REQUEST,
  type PhaseName,
} from './protocol.js';
import type { Simulation } from './simulation.js';
import { debugChecks } from '../util/assert.js';
import { assertInvariants } from '../memory/invariants.js';

/** How one thread takes part in the epochs. */
export interface EpochThread {
  /** Nodes whose phases this thread runs. */
  readonly nodes: readonly number[];
  /** Whether this thread also runs the coordinator steps. */
  readonly leader: boolean;
  /** Wait until every thread has finished the named phase. */
  sync(phase: PhaseName): void;
  /** Where the thread is, for fault reports. */
  epoch: number;
  phase: PhaseName;
}

/** State only the leader keeps between epochs. */
export class Coordinator {
  nextAction = 0;
  readonly sampler: Sampler;

  constructor(sim: Simulation) {
    this.sampler = new Sampler(sim.s, sim.series);
  }
}

/** An EpochThread that runs every node on the calling thread. */
export function inlineThread(sim: Simulation): EpochThread {
  return {
    nodes: sim.spec.machine.nodes.map((n) => n.nid),
    leader: true,
    sync: () => {},
    epoch: 0,
    phase: 'setup',
  };
}

/** The node whose thread also runs the coordinator steps: the first node with CPUs. */
export function leaderNode(spec: Simulation['spec']): number {
  return spec.machine.nodes.find((n) => n.cpus.length > 0)?.nid ?? 0;
}

/** Before the first epoch, on the thread that initialised the simulation. */
export function prepareRun(sim: Simulation): void {
  beginEpoch(sim, 0);
}

/**
 * Run epochs [from, to) on a thread that takes part in every epoch (the inline thread, or the
 * worker of a node with CPUs). Returns the number of epochs finished when the leader published
 * a stop (every thread stops after the same epoch), else `to`.
 */
export function runEpochs(
  sim: Simulation,
  t: EpochThread,
  coordinator: Coordinator | undefined,
  from: number,
  to: number,
): number {
  const c = sim.control;
  const nodes = t.nodes;
  for (let epoch = from; epoch < to; epoch++) {
    t.epoch = epoch;
    t.phase = 'access';
    for (let i = 0; i < nodes.length; i++) accessPhase(sim, nodes[i], epoch);
    t.sync('access');

    t.phase = 'place';
    if (coordinator !== undefined) {
      coordinator.nextAction = placeStep(sim, epoch, coordinator.nextAction);
      const reclaim = reclaimPhasesNeeded(sim);
      Atomics.store(c, K_RECLAIM, reclaim ? 1 : 0);
      if (reclaim) {
        // Wake the workers of CPU-less nodes: they sleep through epochs without reclaim.
        Atomics.store(c, K_GATE, epoch + 1);
        Atomics.notify(c, K_GATE);
      } else {
        // Nothing else happens before the end step, so the leader does it now and the epoch
        // needs one barrier fewer.
        endStep(sim, coordinator, epoch);
      }
    }
    t.sync('place');

    if (Atomics.load(c, K_RECLAIM) !== 0) reclaimPhases(sim, t, coordinator, epoch);
    if (Atomics.load(c, K_STOP) !== 0) return epoch + 1;
  }
  return to;
}

/**
 * The worker of a CPU-less node: it has nothing to do in the access and place phases, so it
 * sleeps on the gate word until the leader opens it for an epoch that reclaims (or closes it at
 * the end of the run), instead of waking at every barrier. Returns when the gate closes.
 */
export function serveReclaimEpochs(
  sim: Simulation,
  t: EpochThread,
  waitGate: (last: number) => number,
): void {
  let last = 0;
  for (;;) {
    t.phase = 'place';
    const gate = waitGate(last);
    if (gate === GATE_CLOSED) return;
    last = gate;
    t.epoch = gate - 1;
    reclaimPhases(sim, t, undefined, gate - 1);
  }
}

/** reclaim → route → migrate rounds → settle → end, with every node's thread taking part. */
function reclaimPhases(
  sim: Simulation,
  t: EpochThread,
  coordinator: Coordinator | undefined,
  epoch: number,
): void {
  const c = sim.control;
  const nodes = t.nodes;
  t.phase = 'reclaim';
  for (let i = 0; i < nodes.length; i++) reclaimPhase(sim, nodes[i]);
  t.sync('reclaim');
  t.phase = 'route';
  if (coordinator !== undefined) Atomics.store(c, K_MORE, routeStep(sim) > 0 ? 1 : 0);
  t.sync('route');
  while (Atomics.load(c, K_MORE) !== 0) {
    t.phase = 'migrate';
    for (let i = 0; i < nodes.length; i++) migratePhase(sim, nodes[i]);
    t.sync('migrate');
    t.phase = 'acks';
    if (coordinator !== undefined) Atomics.store(c, K_MORE, acksStep(sim) ? 1 : 0);
    t.sync('acks');
  }
  t.phase = 'settle';
  for (let i = 0; i < nodes.length; i++) settlePhase(sim, nodes[i]);
  t.sync('settle');
  t.phase = 'end';
  if (coordinator !== undefined) endStep(sim, coordinator, epoch);
  t.sync('end');
}

/**
 * Leader, after every node has settled: kswapd's CPU time, the flusher (writes completed and
 * issued), gauges, samples, snapshot, progress, stop decision.
 */
function endStep(sim: Simulation, coordinator: Coordinator, epoch: number): void {
  const done = epoch + 1;
  const c = sim.control;
  chargeKswapdCpu(sim.s, sim.ctx.kswapdCpu);
  // Before the device load: this epoch's writeback requests load the disk for the next.
  flusherStep(sim.s, done * sim.spec.params.epochNs);
  updateGauges(sim.s);
  updatePromotionGauges(sim.s);
  updateDeviceLoad(sim.s);
  updateMemoryLoad(sim.s);
  if (done % sim.spec.sampleEveryEpochs === 0 || done === sim.spec.epochs) {
    coordinator.sampler.sample(done * sim.spec.params.epochNs);
    Atomics.store(c, K_SAMPLES, coordinator.sampler.count);
  }
  takeSnapshot(sim);
  Atomics.store(c, K_SNAPSHOT_EPOCHS, done);
  beginEpoch(sim, done);
  // TIERSIM_DEBUG=1: the whole-state invariants every epoch, at the point the property tests
  // check them (debugChecks is a constant false otherwise: one predictable branch an epoch).
  if (debugChecks) assertInvariants(sim.s, done);
  const stop = Atomics.load(c, K_STOP_REQUEST);
  Atomics.store(c, K_STOP, stop);
  if (stop !== 0 || done >= sim.spec.epochs) {
    // The run ends after this epoch: release the workers sleeping on the gate.
    Atomics.store(c, K_GATE, GATE_CLOSED);
    Atomics.notify(c, K_GATE);
  }
  // Publish progress (after the snapshot): the main thread may be waiting on it.
  Atomics.store(c, K_EPOCHS_DONE, done);
  Atomics.notify(c, K_EPOCHS_DONE);
}

function takeSnapshot(sim: Simulation): void {
  const { s, snapshot } = sim;
  const l = s.layout;
  snapshot.set(s.counters, 0);
  snapshot.set(s.nodeWords, l.nodes * NR_COUNTERS);
  snapshot.set(s.cpuWords, l.nodes * NR_COUNTERS + l.nodes * NODE_WORDS);
}

/** The snapshot's three arrays as views, in the shapes of SimState's. */
export function snapshotViews(sim: Simulation): {
  counters: Float64Array;
  nodeWords: Float64Array;
  cpuWords: Float64Array;
} {
  const l = sim.s.layout;
  const buf = sim.spec.run.snapshot;
  const counters = new Float64Array(buf, 0, l.nodes * NR_COUNTERS);
  const nodeWords = new Float64Array(buf, counters.byteLength, l.nodes * NODE_WORDS);
  const cpuWords = new Float64Array(buf, counters.byteLength + nodeWords.byteLength, l.cpus * CPU_WORDS);
  return { counters, nodeWords, cpuWords };
}
