/**
 * The kernel's text views of a result: /proc/vmstat (`name value` lines, kernel counters only),
 * and per node /sys/devices/system/node/nodeN/{vmstat,meminfo,numastat}.
 */
import type { BlockStat, NodeResult, RunResult } from '../metrics/result.js';

function isKernelName(name: string): boolean {
  return !name.startsWith('tiersim_');
}

export function procVmstat(result: RunResult): string {
  return (
    Object.entries(result.vmstat)
      .filter(([name]) => isKernelName(name))
      .map(([name, value]) => `${name} ${value}`)
      .join('\n') + '\n'
  );
}

export function nodeVmstat(node: NodeResult): string {
  return (
    Object.entries(node.vmstat)
      .filter(([name]) => isKernelName(name))
      .map(([name, value]) => `${name} ${value}`)
      .join('\n') + '\n'
  );
}

/** As the kernel prints it: "Node 0 MemTotal:       16384000 kB". */
export function nodeMeminfo(node: NodeResult): string {
  return (
    Object.entries(node.meminfo)
      .map(([name, kb]) => `Node ${node.id} ${`${name}:`.padEnd(16)}${String(kb).padStart(10)} kB`)
      .join('\n') + '\n'
  );
}

/** /sys/block/<dev>/stat: eleven counters on one line, as the kernel prints them. */
export function blockStatText(stat: BlockStat): string {
  return (
    Object.values(stat)
      .map((v) => String(v).padStart(8))
      .join(' ') + '\n'
  );
}

export function nodeNumastat(node: NodeResult): string {
  return (
    Object.entries(node.numastat)
      .map(([name, value]) => `${name} ${value}`)
      .join('\n') + '\n'
  );
}

/**
 * /sys/kernel/debug/lru_gen (lru_gen_seq_show, the short form) for the root memcg: per node,
 * each generation from min_seq[anon] to max_seq with its age (ms) and anon and file pages.
 * Null when the run did not use the multi-gen LRU.
 */
export function lruGenText(result: RunResult): string | null {
  if (!result.nodes.some((n) => n.lru_gen !== undefined)) return null;
  const pad = (v: number) => String(v).padStart(10);
  const lines = ['memcg     1 /'];
  for (const node of result.nodes) {
    if (node.lru_gen === undefined) continue;
    lines.push(` node ${String(node.id).padStart(5)}`);
    for (const g of node.lru_gen.generations) {
      lines.push(` ${pad(g.seq)} ${pad(g.age_ms)} ${pad(g.anon)}  ${pad(g.file)} `);
    }
  }
  return lines.join('\n') + '\n';
}
