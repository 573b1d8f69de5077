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
