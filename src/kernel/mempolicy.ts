/**
 * Memory policies (set_mempolicy) and cpusets, as the page allocator applies them to a task's
 * faults: each resolves to the zonelist the allocation walks.
 *
 * - default: the faulting CPU's node's zonelist;
 * - bind: the same zonelist restricted to the policy's nodes (no fallback outside them: the
 *   allocation fails, where the kernel would OOM);
 * - preferred: the preferred node's zonelist;
 * - interleave: page i of a region (or file) goes to nodes[i mod n] first (offset_il_node),
 *   then that node's zonelist;
 * and every zonelist restricted to the task's cpuset.mems. Demotion ignores all of it, as the
 * kernel's does (demotion targets come from the machine, not from the task).
 *
 * NUMA balancing follows the policy's flags: MPOL_F_MOF (migrate on fault: vma_policy_mof lets
 * the scanner arm the VMA, mpol_misplaced may move a faulted page) and MPOL_F_MORON (move the
 * page towards the faulting CPU's node, through should_numa_migrate_memory). The default policy
 * has both (preferred_node_policy); bind gets both from MPOL_F_NUMA_BALANCING
 * (sanitize_mpol_flags); preferred, interleave and bind without the flag have neither, so their
 * pages are never scanned nor migrated by NUMA balancing.
 */
import type { Machine } from '../topology/machine.js';
import { ZONE_MOVABLE } from '../topology/zones.js';
import type { TaskPlan, WorkloadPlan } from '../workload/plan.js';

export const MPOL_DEFAULT = 0;
export const MPOL_BIND = 1;
export const MPOL_PREFERRED = 2;
export const MPOL_INTERLEAVE = 3;

export interface TaskPolicy {
  mode: number;
  /** Zonelist per CPU node (default and bind), already restricted. */
  byCpuNode: number[][];
  /** preferred: the one list; interleave: one list per node of the policy, in policy order. */
  byTarget: number[][];
  /** interleave: the policy's nodes. */
  interleave: number[];
  /** MPOL_F_MOF and MPOL_F_MORON (always set together here): NUMA balancing may scan and move. */
  mof: boolean;
  /** bind: the policy's nodes (mpol_misplaced moves a page only to a faulting node among them). */
  nodes: number[];
  /**
   * For a GFP_KERNEL allocation (page tables, kernel/pgtable.ts): each of the lists above without
   * the nodes whose memory is all ZONE_MOVABLE, keyed by the list; and per CPU node the plain
   * zonelist so filtered, for a policy that leaves no such node (apply_policy_zone).
   */
  kernelZonelists: Map<readonly number[], number[]>;
  kernelDefault: number[][];
}

const MODES: Readonly<Record<string, number>> = {
  default: MPOL_DEFAULT,
  bind: MPOL_BIND,
  preferred: MPOL_PREFERRED,
  interleave: MPOL_INTERLEAVE,
};

/** Whether a node has a zone a GFP_KERNEL allocation may use (at or below ZONE_NORMAL). */
export function hasKernelZone(machine: Machine, nid: number): boolean {
  const zones = machine.nodes[nid].zones;
  return zones.length === 0 || zones.some((z) => z.zone !== ZONE_MOVABLE);
}

export function buildTaskPolicies(machine: Machine, plan: WorkloadPlan): TaskPolicy[] {
  const kernelOnly = (list: readonly number[]) => list.filter((n) => hasKernelZone(machine, n));
  return plan.tasks.map((task) => {
    const mode = MODES[task.policy.mode];
    const cpuset = task.cpusetMems === undefined ? undefined : new Set(task.cpusetMems);
    const allowed = (list: readonly number[]) =>
      cpuset === undefined ? [...list] : list.filter((n) => cpuset.has(n));
    const policyNodes = new Set(task.policy.nodes);
    const byCpuNode = machine.zonelists.map((zonelist) =>
      mode === MPOL_BIND ? allowed(zonelist).filter((n) => policyNodes.has(n)) : allowed(zonelist),
    );
    const byTarget =
      mode === MPOL_PREFERRED || mode === MPOL_INTERLEAVE
        ? task.policy.nodes.map((n) => allowed(machine.zonelists[n]))
        : [];
    const kernelZonelists = new Map<readonly number[], number[]>();
    for (const list of [...byCpuNode, ...byTarget]) kernelZonelists.set(list, kernelOnly(list));
    return {
      mode,
      byCpuNode,
      byTarget,
      interleave: mode === MPOL_INTERLEAVE ? [...task.policy.nodes] : [],
      mof: policyMof(task.policy),
      nodes: [...task.policy.nodes],
      kernelZonelists,
      kernelDefault: machine.zonelists.map(kernelOnly),
    };
  });
}

/** vma_policy_mof() of a task policy: default, or bind with MPOL_F_NUMA_BALANCING. */
export function policyMof(policy: TaskPlan['policy']): boolean {
  return policy.mode === 'default' || (policy.mode === 'bind' && policy.numaBalancing);
}

/** Index of a page inside its file, or inside its anonymous region (the interleave index). */
export function interleaveIndex(plan: WorkloadPlan, page: number): number {
  if (page < plan.filePages) {
    for (const f of plan.files) if (page < f.firstPage + f.pages) return page - f.firstPage;
  }
  for (const task of plan.tasks) {
    for (const r of task.regions)
      if (r.kind !== 'file' && page >= r.firstPage && page < r.firstPage + r.pages) return page - r.firstPage;
  }
  return page;
}

/** The zonelist a fault of `page` by a CPU on `cpuNid` of a task with policy `p` walks. */
export function policyZonelist(p: TaskPolicy, plan: WorkloadPlan, cpuNid: number, page: number): number[] {
  switch (p.mode) {
    case MPOL_PREFERRED:
      return p.byTarget[0];
    case MPOL_INTERLEAVE:
      return p.byTarget[interleaveIndex(plan, page) % p.interleave.length];
    default:
      return p.byCpuNode[cpuNid];
  }
}
