/**
 * Turning a finished (or stopped) simulation into a RunResult. After a clean stop every thread
 * is between epochs and the live state is whole. After a failure inside an epoch the live state
 * is half-updated, so the counters, node words and CPU words come from the snapshot the leader
 * took at the end of the last finished epoch, and there is no state digest.
 */
import type { LoadedConfig } from '../config/load.js';
import { buildResult, type RunResult, type WallClock } from '../metrics/result.js';
import { seriesFromBuffer } from '../metrics/series.js';
import type { SimState } from '../memory/state.js';
import { snapshotViews } from './epoch.js';
import { K_SAMPLES, K_SNAPSHOT_EPOCHS } from './protocol.js';
import type { Simulation } from './simulation.js';

export interface CollectOptions {
  loaded: Pick<LoadedConfig, 'config' | 'hash' | 'file'>;
  wall: WallClock | undefined;
  /** Set when the run stopped early: why. */
  stoppedBy: string | null;
  /** True after a failure inside an epoch: report the last finished epoch's snapshot. */
  fromSnapshot: boolean;
}

export function collectResult(sim: Simulation, o: CollectOptions): RunResult {
  const l = sim.s.layout;
  const series = seriesFromBuffer(
    sim.series,
    Atomics.load(sim.control, K_SAMPLES),
    l.nodes,
    sim.spec.sampleEveryEpochs * sim.spec.params.epochNs,
  );
  const epochsDone = Math.max(0, Atomics.load(sim.control, K_SNAPSHOT_EPOCHS));
  const state: SimState = o.fromSnapshot ? { ...sim.s, ...snapshotViews(sim) } : sim.s;
  return buildResult(state, {
    loaded: o.loaded,
    series,
    epochsDone,
    epochsPlanned: sim.spec.epochs,
    wall: o.wall,
    stoppedBy: o.stoppedBy,
    wholeState: !o.fromSnapshot,
  });
}
