/**
 * The SLIT distance matrix (node_distance). Firmware writes it; a config may too. When a config
 * leaves it out we derive one that looks like what a two-socket Optane machine reports, so a
 * short topology file still gets realistic zonelists and demotion targets.
 */
import type { NodeConfig, TopologyConfig } from '../config/schema.js';
import { assert } from '../util/assert.js';

export const LOCAL_DISTANCE = 10;
export const SAME_SOCKET_DISTANCE = 17;
export const REMOTE_SOCKET_DISTANCE = 21;
/**
 * Across sockets to or from a CPU-less node: firmware on Cascade Lake reports the far PMEM
 * further than the far DRAM, which is what sends node 0's demotion to its own socket's PMEM.
 */
export const REMOTE_MEMORY_ONLY_DISTANCE = 28;

/** Distance the derivation assigns between two (distinct or equal) nodes. */
export function derivedDistance(a: NodeConfig, b: NodeConfig): number {
  if (a.id === b.id) return LOCAL_DISTANCE;
  if (a.socket === b.socket) return SAME_SOCKET_DISTANCE;
  return a.cpus === 0 || b.cpus === 0 ? REMOTE_MEMORY_ONLY_DISTANCE : REMOTE_SOCKET_DISTANCE;
}

/**
 * The matrix in node-id order: the config's own if given (copied, so the machine owns its data),
 * else derived. `nodes` must already be sorted by id.
 */
export function buildDistances(topology: TopologyConfig, nodes: readonly NodeConfig[]): number[][] {
  const matrix = topology.distances
    ? topology.distances.map((row) => [...row])
    : nodes.map((a) => nodes.map((b) => derivedDistance(a, b)));
  assertSlit(matrix, nodes.length);
  return matrix;
}

/**
 * The shape Linux's slit_valid() accepts: square, 10 on the diagonal, more than 10 elsewhere
 * (and one byte wide). src/config/validate.ts reports these to the user with locations; this is
 * the last line of defence for callers that built a config by hand.
 */
export function assertSlit(matrix: readonly (readonly number[])[], n: number): void {
  assert(matrix.length === n, 'distance matrix must have one row per node');
  for (let i = 0; i < n; i++) {
    const row = matrix[i];
    assert(row.length === n, 'distance matrix must have one column per node');
    for (let j = 0; j < n; j++) {
      const d = row[j];
      assert(Number.isInteger(d) && d <= 255, 'distances must be integers of at most 255');
      if (i === j) assert(d === LOCAL_DISTANCE, 'the local distance (diagonal) must be 10');
      else assert(d > LOCAL_DISTANCE, 'distances between different nodes must exceed 10');
    }
  }
}
