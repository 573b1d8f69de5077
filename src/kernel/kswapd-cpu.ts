/**
 * kswapd's CPU time. The kernel's kswapd is a thread bound to its node's CPUs (kswapd() calls
 * set_cpus_allowed_ptr(cpumask_of_node)); a CPU-less node's kswapd keeps the default mask and
 * runs anywhere, modelled here as on the CPUs of the nearest node with CPUs (SLIT distance,
 * lowest id on a tie). CFS shares a node's CPUs fairly between the runnable threads there: the
 * tasks pinned to them (one thread per busy CPU) and the kswapds that are awake. So in an epoch
 * a kswapd may use at most min(1, cpus / (busy + kswapds)) of the epoch, and the time the
 * kswapds use beyond the idle CPUs' time is taken from the busy CPUs' tasks, equally: their
 * clocks move on by it before the next epoch. Allocations can then outpace kswapd, and
 * direct reclaim follows as on Linux. kswapd's work comes in batches (SWAP_CLUSTER_MAX pages) that
 * can overrun its budget; the overrun is its debt, paid from its next shares, so on average it
 * gets no more than its fair share however costly a page is.
 */
import type { Machine } from '../topology/machine.js';
import {
  CPU_WORDS,
  C_CLOCK,
  NODE_WORDS,
  W_KSWAPD_BUDGET_NS,
  W_KSWAPD_CPU_NS,
  W_KSWAPD_DEBT_NS,
  W_KSWAPD_WOKEN,
} from '../memory/layout.js';
import type { SimState } from '../memory/state.js';
import type { WorkloadPlan } from '../workload/plan.js';
import { NR_COUNTERS, TIERSIM_KSWAPD_DELAY_NS, TIERSIM_KSWAPD_NS } from '../metrics/vmstat.js';

/** Per-thread facts and scratch for the kswapd CPU share (allocated once). */
export interface KswapdCpu {
  /** Per node: the node whose CPUs its kswapd runs on (itself when it has CPUs). */
  readonly host: Int32Array;
  /** Per node: CPUs with a task (busy all the time: tasks never block here). */
  readonly busy: Int32Array;
  /** Per CPU: 1 when a task runs there (a task of prefault-only regions leaves its CPUs idle). */
  readonly busyCpu: Uint8Array;
  /** Scratch per host node: kswapds awake this epoch, then their CPU time. */
  readonly awake: Float64Array;
}

/** The node whose CPUs node `nid`'s kswapd runs on. */
export function kswapdHost(machine: Machine, nid: number): number {
  if (machine.nodes[nid].cpus.length > 0) return nid;
  let best = -1;
  for (const node of machine.nodes) {
    if (node.cpus.length === 0) continue;
    if (best < 0 || machine.distances[nid][node.nid] < machine.distances[nid][best]) best = node.nid;
  }
  // A machine without CPUs runs nothing; keep the node itself (its kswapd is never woken).
  return best < 0 ? nid : best;
}

export function createKswapdCpu(machine: Machine, plan: WorkloadPlan): KswapdCpu {
  const n = machine.nodes.length;
  const host = new Int32Array(n);
  const busy = new Int32Array(n);
  const busyCpu = new Uint8Array(plan.cpuTask.length);
  for (let nid = 0; nid < n; nid++) host[nid] = kswapdHost(machine, nid);
  plan.cpuTask.forEach((task, cpu) => {
    if (task < 0 || plan.tasks[task].accessedRegions === 0) return;
    busyCpu[cpu] = 1;
    busy[machine.cpuNode[cpu]]++;
  });
  return { host, busy, busyCpu, awake: new Float64Array(n) };
}

/**
 * Coordinator, before the reclaim phase: each awake kswapd's CPU budget for the epoch, its
 * fair share of its host's CPUs with every busy CPU's task and every awake kswapd there runnable.
 */
export function planKswapdCpu(s: SimState, k: KswapdCpu): void {
  const nodes = s.layout.nodes;
  const awake = k.awake;
  awake.fill(0);
  for (let nid = 0; nid < nodes; nid++) {
    if (s.nodeWords[nid * NODE_WORDS + W_KSWAPD_WOKEN] !== 0) awake[k.host[nid]]++;
  }
  const epochNs = s.params.epochNs;
  for (let nid = 0; nid < nodes; nid++) {
    const w = nid * NODE_WORDS;
    const h = k.host[nid];
    const cpus = s.machine.nodes[h].cpus.length;
    const threads = k.busy[h] + Math.max(1, awake[h]);
    const share = cpus >= threads ? epochNs : Math.floor((epochNs * cpus) / threads);
    // Time kswapd ran over its earlier budgets (its last batch is not split) comes off this one.
    const paid = Math.min(share, s.nodeWords[w + W_KSWAPD_DEBT_NS]);
    s.nodeWords[w + W_KSWAPD_DEBT_NS] -= paid;
    s.nodeWords[w + W_KSWAPD_BUDGET_NS] = share - paid;
  }
}

/**
 * Coordinator, at the end of the epoch: the kswapds' CPU time beyond what the idle CPUs of
 * their host could give delays the host's busy CPUs equally (in the next epoch: kswapd's time
 * is known only after the tasks ran this one).
 */
export function chargeKswapdCpu(s: SimState, k: KswapdCpu): void {
  const nodes = s.layout.nodes;
  const used = k.awake;
  used.fill(0);
  for (let nid = 0; nid < nodes; nid++) {
    const w = nid * NODE_WORDS;
    const ns = s.nodeWords[w + W_KSWAPD_CPU_NS];
    if (ns === 0) continue;
    s.nodeWords[w + W_KSWAPD_CPU_NS] = 0;
    s.counters[nid * NR_COUNTERS + TIERSIM_KSWAPD_NS] += ns;
    used[k.host[nid]] += ns;
  }
  const epochNs = s.params.epochNs;
  for (let h = 0; h < nodes; h++) {
    const busy = k.busy[h];
    if (used[h] === 0 || busy === 0) continue;
    const cpus = s.machine.nodes[h].cpus;
    const excess = used[h] - (cpus.length - busy) * epochNs;
    if (excess <= 0) continue;
    const each = excess / busy;
    for (let i = 0; i < cpus.length; i++) {
      if (k.busyCpu[cpus[i]] !== 0) s.cpuWords[cpus[i] * CPU_WORDS + C_CLOCK] += each;
    }
    s.counters[h * NR_COUNTERS + TIERSIM_KSWAPD_DELAY_NS] += excess;
  }
}
