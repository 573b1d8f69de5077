/**
 * Save and restore a simulation's shared state, so that a bench can run the same phase from the
 * same starting point many times (reclaim changes the state it measures).
 *
 * Skipped: the per-CPU access batches and fault hashes (dead between phases; a CPU's position
 * in its batch is in its CPU words, which are restored). The message rings are restored by their
 * head/tail headers only: their record areas are sized for a whole epoch of kswapd scanning
 * (gigabytes with a long epoch) and hold nothing live when the rings are empty, as they are
 * between epochs; a record is always written before the tail that publishes it.
 */
import type { Simulation } from '../../src/engine/simulation.js';
import { RING_HEADER_INT32S } from '../../src/shm/ring.js';

const SCRATCH: readonly string[] = ['batch', 'faultHash'];

interface Range {
  live: Uint8Array;
  saved: Uint8Array;
}

export interface Snapshot {
  ranges: Range[];
  bytes: number;
}

function save(live: Uint8Array): Range {
  return { live, saved: live.slice() };
}

export function takeSnapshot(sim: Simulation): Snapshot {
  const ranges: Range[] = [];
  for (const [name, sab] of Object.entries(sim.spec.buffers) as [string, SharedArrayBuffer][]) {
    if (SCRATCH.includes(name)) continue;
    if (name === 'rings') {
      for (const bases of sim.spec.layout.ringBase) {
        for (const base of bases) ranges.push(save(new Uint8Array(sab, base * 4, RING_HEADER_INT32S * 4)));
      }
      continue;
    }
    ranges.push(save(new Uint8Array(sab)));
  }
  return { ranges, bytes: ranges.reduce((sum, r) => sum + r.saved.byteLength, 0) };
}

export function restoreSnapshot(snap: Snapshot): void {
  for (const r of snap.ranges) r.live.set(r.saved);
}
