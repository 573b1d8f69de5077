/**
 * The epoch protocol: the one place that says what happens when, and the control block the
 * threads share. The inline scheduler runs the same program with every node on one thread and
 * no-op barriers (src/engine/epoch.ts).
 *
 *   worker threads, each running a group of nodes (thread-plan.ts; the worker holding the first
 *   node with CPUs is the leader and also runs the coordinator steps; a worker whose nodes have
 *   no CPUs, as in the every-node plan, sleeps on K_GATE and only joins epochs that reclaim)
 *
 *   ── access ─────────── each node's CPUs run to the epoch end; faults → fault ring
 *   ══ barrier "access"
 *   ── place (leader) ─── actions; fault rings drained in node order; pages allocated/installed;
 *                         K_RECLAIM = some kswapd awake; if so K_GATE = epoch + 1 (wakes the
 *                         CPU-less nodes' workers), else the end step (below) right now
 *   ══ barrier "place"    (access and place barriers: threads with CPUs only)
 *   if K_RECLAIM:
 *     ── reclaim ──────── kswapd; demotion records → demote ring
 *     ══ barrier "reclaim"
 *     ── route (leader) ─ demote rings → targets' migrate rings; K_MORE = records routed
 *     ══ barrier "route"
 *     while K_MORE:
 *       ── migrate ────── drain own migrate ring; outcomes → ack ring
 *       ══ barrier "migrate"
 *       ── acks (leader)  forwards → migrate rings, outcomes → settle rings; K_MORE = forwarded
 *       ══ barrier "acks"
 *     ── settle ───────── drain own settle ring: free moved frames, reclaim failures
 *     ══ barrier "settle"
 *     ── end (leader) ─── sample, snapshot, publish K_EPOCHS_DONE, K_STOP = stop requested;
 *                         K_GATE = GATE_CLOSED after the last epoch or a stop
 *     ══ barrier "end"
 *   if K_STOP: leave the loop (every thread reads the same word after the same barrier)
 *
 * Every decision a thread takes on the control words is taken after a barrier that follows the
 * leader's write, so all threads take it the same way. Faults: a thread that throws writes
 * K_FAULT (1 + its node), K_FAULT_EPOCH and K_FAULT_PHASE before it dies, and notifies
 * K_FAULT; the others see it within one barrier wait slice and stop.
 */

export const K_BARRIER = 0; // Barrier words (src/shm/barrier.ts), BARRIER_INT32S of them.
export const K_EPOCHS_DONE = 4;
export const K_STOP_REQUEST = 5;
export const K_STOP = 6;
export const K_RECLAIM = 7;
export const K_MORE = 8;
export const K_SAMPLES = 9;
export const K_FAULT = 10;
export const K_FAULT_EPOCH = 11;
export const K_FAULT_PHASE = 12;
/** Epoch whose end the snapshot buffers hold (-1 before the first). */
export const K_SNAPSHOT_EPOCHS = 13;
/** Barrier words of the threads of nodes with CPUs only (access and place phases). */
export const K_BARRIER_CPU = 2;
/**
 * The gate CPU-less nodes' workers sleep on: epoch + 1 of an epoch that reclaims (opened by the
 * leader in its place step), or GATE_CLOSED when the run ends.
 */
export const K_GATE = 14;
export const GATE_CLOSED = -1;
export const CONTROL_INT32S = 16;

export const PHASE_NAMES = [
  'access',
  'place',
  'reclaim',
  'route',
  'migrate',
  'acks',
  'settle',
  'end',
  'setup',
] as const;
export type PhaseName = (typeof PHASE_NAMES)[number];

export function phaseCode(name: PhaseName): number {
  return PHASE_NAMES.indexOf(name);
}

export function describeFault(control: Int32Array): string | undefined {
  const fault = Atomics.load(control, K_FAULT);
  if (fault === 0) return undefined;
  const phase = PHASE_NAMES[Atomics.load(control, K_FAULT_PHASE)] ?? 'unknown';
  return `node ${fault - 1} failed in epoch ${Atomics.load(control, K_FAULT_EPOCH)}, ${phase} phase`;
}

/** Record a fault (first one wins) and wake everyone blocked on the barrier. */
export function raiseFault(control: Int32Array, nid: number, epoch: number, phase: PhaseName): void {
  if (Atomics.compareExchange(control, K_FAULT, 0, nid + 1) !== 0) return;
  Atomics.store(control, K_FAULT_EPOCH, epoch);
  Atomics.store(control, K_FAULT_PHASE, phaseCode(phase));
  // Wake threads blocked in the barrier so they notice the fault now, not after a wait slice.
  Atomics.notify(control, K_BARRIER + 1);
  Atomics.notify(control, K_BARRIER_CPU + 1);
  Atomics.notify(control, K_GATE);
  Atomics.notify(control, K_EPOCHS_DONE);
}
