/**
 * Layout of the traffic buffer: what each node's memory moved and what it costs to reach it
 * under load (the model is src/kernel/bandwidth.ts). One Float64 buffer, six parts:
 *
 *   stores    [cpu node][memory node]  stores, counted by the access loop beside the access
 *                                      matrix (which counts loads and stores together)
 *   migrated  [target node][source node]  pages copied by migrations, counted by the thread
 *                                      that owns the target (movePage), so each row has one writer
 *   latency   [cpu node][memory node][store]  loaded latency for the next epoch, ns; written by
 *                                      the coordinator, copied by each access runner per epoch
 *   node words [memory node][NODE_TRAFFIC_WORDS]  the coordinator's bookkeeping (below)
 *   link words [socket][socket][LINK_WORDS]
 *   copies    [cpu node][memory node]  cache lines read() accesses copied beyond their first
 *                                      (a task's read_copy), counted by the access loop; last,
 *                                      so a state digest can leave it out while it is all zero
 */

import type { Machine } from '../topology/machine.js';

/** Sockets a link table is sized for (schema: socket ids are 0..63). */
export const MAX_SOCKETS = 64;

/** Cumulative bytes read from / written to the node at the end of the last epoch. */
export const T_READ_BYTES = 0;
export const T_WRITE_BYTES = 1;
/** Queueing delay the node adds to an access in the next epoch, ns. */
export const T_QUEUE_NS = 2;
/** As a CPU node: its accesses and memory time at the end of the last epoch. */
export const T_PREV_ACCESSES = 3;
export const T_PREV_MEMORY_NS = 4;
export const NODE_TRAFFIC_WORDS = 5;

/** Cumulative bytes across the link, queueing delay (ns). */
export const L_BYTES = 0;
export const L_QUEUE_NS = 1;
export const LINK_WORDS = 2;

/**
 * A latency table [cpu node][memory node][store] at the machine's idle latencies: the shared
 * table's starting point and the access runner's private copy are both filled here.
 */
export function fillIdleLatency(table: Float64Array, machine: Machine): void {
  const n = machine.nodes.length;
  for (let c = 0; c < n; c++) {
    for (let m = 0; m < n; m++) {
      table[(c * n + m) * 2] = machine.readLatencyNs[c][m]!;
      table[(c * n + m) * 2 + 1] = machine.writeLatencyNs[c][m]!;
    }
  }
}

export interface TrafficViews {
  stores: Float64Array;
  migrated: Float64Array;
  latency: Float64Array;
  nodeWords: Float64Array;
  linkWords: Float64Array;
  copies: Float64Array;
}

function parts(nodes: number): number[] {
  const nn = nodes * nodes;
  return [nn, nn, nn * 2, nodes * NODE_TRAFFIC_WORDS, MAX_SOCKETS * MAX_SOCKETS * LINK_WORDS, nn];
}

export function trafficWords(nodes: number): number {
  return parts(nodes).reduce((a, b) => a + b, 0);
}

export function trafficViews(buffer: SharedArrayBuffer, nodes: number): TrafficViews {
  const sizes = parts(nodes);
  const views: Float64Array[] = [];
  let offset = 0;
  for (const words of sizes) {
    views.push(new Float64Array(buffer, offset * 8, words));
    offset += words;
  }
  const [stores, migrated, latency, nodeWords, linkWords, copies] = views as [
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
  ];
  return { stores, migrated, latency, nodeWords, linkWords, copies };
}
