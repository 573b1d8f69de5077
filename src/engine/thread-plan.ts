/**
 * Which nodes each worker thread runs. The epoch program (epoch.ts) lets one thread run any set
 * of nodes (inline runs them all), and every node's phases touch only what that node owns, so
 * any grouping gives the same state bit for bit; the grouping only decides how much waiting the
 * barriers cost.
 *
 *   every-node  one worker per NUMA node (the design card's shape). Workers of CPU-less nodes
 *               sleep on the gate and join only the epochs that reclaim or migrate.
 *   per-node    one worker per node with CPUs; each CPU-less node's reclaim and migration run on
 *               the worker of its nearest node with CPUs (SLIT distance, then lower id), which
 *               has work to share: no thread exists only to wait at barriers.
 *   auto        as per-node, but never more workers than free cores (free-cores.ts: the cores
 *               other processes left idle while the run started; scheduler.ts passes them
 *               as `cores`) nor than nodes whose CPUs run tasks (`cpuWork`, when given: each
 *               CPU's expected accesses per simulated µs, 0 when idle; a worker with no
 *               accesses to run only adds barriers): the nodes with CPUs are dealt to that many
 *               workers, balancing their work, since a worker that waits for a descheduled
 *               one costs a time slice. When the busiest worker would still hold more than
 *               MAX_WORKER_SHARE of the work, two threads cannot beat one by enough to pay for
 *               the barriers, so the plan is one group. One group (one free core, one node with
 *               work, or work that does not split) means no workers at all: the run is inline.
 */
import type { Machine } from '../topology/machine.js';

/** The worker shapes (the CLI's --threads adds inline). */
export type ThreadShape = 'every-node' | 'per-node' | 'auto';

/** Node groups, one per worker thread, each in ascending node order; the groups in order of their first node. */
export type ThreadPlan = number[][];

/** The node with CPUs nearest to `nid` (SLIT distance, then lower id). */
function nearestCpuNode(machine: Machine, nid: number): number {
  let best = -1;
  for (const n of machine.nodes) {
    if (n.cpus.length === 0) continue;
    if (best < 0 || machine.distances[nid][n.nid] < machine.distances[nid][best]) best = n.nid;
  }
  return best;
}

/**
 * The most of the work one of several `auto` workers may hold: above it the best speedup is
 * under 1 / 0.75 = 1.33×, which barriers, worker start-up and a JIT per thread eat (measured:
 * the quickstart, whose app task makes 98 % of the accesses, ran 1.26× slower per-node).
 */
export const MAX_WORKER_SHARE = 0.75;

/**
 * `cpuWork` (auto only): each CPU's expected accesses per simulated µs (0: idle); without it
 * every CPU counts 1.
 */
export function planThreads(
  machine: Machine,
  shape: ThreadShape,
  cores: number,
  cpuWork?: readonly number[],
): ThreadPlan {
  const nodes = machine.nodes;
  if (shape === 'every-node') return nodes.map((n) => [n.nid]);
  const cpuNodes = nodes.filter((n) => n.cpus.length > 0);
  // A machine without CPUs runs no accesses; one thread is as good as any.
  if (cpuNodes.length === 0) return [nodes.map((n) => n.nid)];
  const weighted = shape === 'auto' && cpuWork !== undefined;
  const work = (n: (typeof nodes)[number]) =>
    weighted ? n.cpus.reduce((sum, c) => sum + (cpuWork[c] ?? 0), 0) : n.cpus.length;
  const busyNodes = cpuNodes.filter((n) => work(n) > 0).length;
  const workers = shape === 'per-node' ? cpuNodes.length : Math.max(1, Math.min(cores, busyNodes));
  // Deal the nodes with CPUs to the workers, most work first (busy CPUs, then CPUs), each to
  // the least-loaded worker (least work, then lowest index): a stable, deterministic balance.
  const groupOf = new Map<number, number>();
  const load = new Array<number>(workers).fill(0);
  const byWork = [...cpuNodes].sort(
    (a, b) => work(b) - work(a) || b.cpus.length - a.cpus.length || a.nid - b.nid,
  );
  for (const n of byWork) {
    let g = 0;
    for (let i = 1; i < workers; i++) if (load[i] < load[g]) g = i;
    groupOf.set(n.nid, g);
    load[g] += work(n);
  }
  for (const n of nodes)
    if (n.cpus.length === 0) groupOf.set(n.nid, groupOf.get(nearestCpuNode(machine, n.nid))!);
  const total = load.reduce((a, b) => a + b, 0);
  if (weighted && workers > 1 && Math.max(...load) > MAX_WORKER_SHARE * total)
    return [nodes.map((n) => n.nid)];
  const groups: number[][] = Array.from({ length: workers }, () => []);
  for (const n of nodes) groups[groupOf.get(n.nid)!].push(n.nid);
  return groups.filter((g) => g.length > 0).sort((a, b) => a[0] - b[0]);
}
