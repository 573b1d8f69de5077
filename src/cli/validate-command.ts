/**
 * `tiersim validate CONFIG`: load, merge includes, apply --set, check every key and every
 * cross-reference; print a one-paragraph description of what would run, or every problem found.
 */
import { loadConfig } from '../config/load.js';
import { formatBytes, formatDuration } from '../config/units.js';
import { buildMachine } from '../topology/build.js';
import { EXIT_OK } from './exit-codes.js';

export function validateCommand(file: string, options: { set: string[] }): number {
  const loaded = loadConfig(file, { set: options.set });
  const { config } = loaded;
  const machine = buildMachine(config.topology, config.kernel);
  const memory = machine.nodes.reduce((sum, n) => sum + n.memoryBytes, 0);
  const lines = [`${file}: valid`];
  if (config.description !== undefined) lines.push(`  ${config.description}`);
  lines.push(
    `  machine: ${machine.nodes.length} nodes, ${machine.cpuNode.length} CPUs, ${formatBytes(memory)}; kernel ${config.kernel.version}, demotion ${config.kernel.demotion_enabled ? 'enabled' : 'disabled'}${config.kernel.lru_gen?.enabled === true ? ', multi-gen LRU' : ''}`,
  );
  const workload = config.workload;
  if (workload === undefined) {
    lines.push('  no workload (a topology file): `tiersim topology` shows what the kernel derives from it');
  } else {
    lines.push(
      `  workload: ${workload.tasks.length} task(s) on ${workload.tasks.reduce((n, t) => n + t.cpus.length, 0)} CPU(s), ${workload.files.length} file(s); ${formatDuration(config.run.duration)} in epochs of ${formatDuration(config.run.epoch)}, seed ${config.run.seed}`,
    );
  }
  lines.push(`  files read: ${loaded.files.join(', ')}`, `  config hash: ${loaded.hash}`);
  process.stdout.write(lines.join('\n') + '\n');
  return EXIT_OK;
}
