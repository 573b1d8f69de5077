/**
 * `tiersim topology CONFIG`: what the kernel derives from the machine before any page is
 * allocated — numactl -H, memory tiers, demotion paths, zonelists, watermarks — as text or JSON.
 * Works on a topology file or on an experiment (its included topology).
 */
import { loadConfig } from '../config/load.js';
import { buildMachine } from '../topology/build.js';
import { formatTopology, topologyJson } from '../topology/format.js';
import { EXIT_OK } from './exit-codes.js';

export function topologyCommand(file: string, options: { json: boolean; set: string[] }): number {
  const loaded = loadConfig(file, { set: options.set });
  const machine = buildMachine(loaded.config.topology, loaded.config.kernel);
  process.stdout.write(
    options.json ? JSON.stringify(topologyJson(machine), null, 1) + '\n' : formatTopology(machine) + '\n',
  );
  return EXIT_OK;
}
