/**
 * Shared machines for the topology tests: the reference's worked examples as configs, and a
 * builder that runs them through the real schema so defaults are the ones users get.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { ConfigSchema, type Config, type ConfigInput, type KernelVersion } from '../../src/config/schema.js';
import { buildMachine, type Machine } from '../../src/topology/index.js';

type TopologyInput = ConfigInput['topology'];
type KernelInput = NonNullable<ConfigInput['kernel']>;

export function config(topology: TopologyInput, kernel: KernelInput = {}): Config {
  return ConfigSchema.parse({ topology, kernel });
}

export function machineOf(topology: TopologyInput, kernel: KernelInput = {}): Machine {
  const c = config(topology, kernel);
  return buildMachine(c.topology, c.kernel);
}

/** A config file of the repo, by path from the repo root. */
export function loadConfig(path: string): Config {
  const text = readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
  return ConfigSchema.parse(parse(text));
}

export const EXAMPLE_A_SLIT = [
  [10, 21, 17, 28],
  [21, 10, 28, 17],
  [17, 28, 10, 28],
  [28, 17, 28, 10],
];

/** Example A (§1.5): two sockets, DRAM+CPUs on 0 and 1, PMEM on 2 (socket 0) and 3 (socket 1). */
export function exampleA(withDistances = true): TopologyInput {
  return {
    nodes: [
      { id: 0, socket: 0, cpus: 4, memory: '256MiB', device: 'dram' },
      { id: 1, socket: 1, cpus: 4, memory: '256MiB', device: 'dram' },
      { id: 2, socket: 0, cpus: 0, memory: '1GiB', device: 'pmem' },
      { id: 3, socket: 1, cpus: 0, memory: '1GiB', device: 'pmem' },
    ],
    ...(withDistances ? { distances: EXAMPLE_A_SLIT } : {}),
  };
}

/** Example B (§1.5): one PMEM node shared by two sockets; 0–2 = 17, 1–2 = 28, 0–1 = 21. */
export function exampleB(): TopologyInput {
  return {
    nodes: [
      { id: 0, socket: 0, cpus: 2, memory: '256MiB', device: 'dram' },
      { id: 1, socket: 1, cpus: 2, memory: '256MiB', device: 'dram' },
      { id: 2, socket: 0, cpus: 0, memory: '1GiB', device: 'pmem' },
    ],
    distances: [
      [10, 21, 17],
      [21, 10, 28],
      [17, 28, 10],
    ],
  };
}

/**
 * Example C (§1.5): three DRAM+CPU nodes (21 apart; the reference leaves these open) and one
 * CPU-less node 3 at distance 40 from all, of the given device.
 */
export function exampleC(node3Device: 'dram' | 'pmem'): TopologyInput {
  return {
    nodes: [
      { id: 0, socket: 0, cpus: 2, memory: '256MiB', device: 'dram' },
      { id: 1, socket: 1, cpus: 2, memory: '256MiB', device: 'dram' },
      { id: 2, socket: 2, cpus: 2, memory: '256MiB', device: 'dram' },
      { id: 3, socket: 0, cpus: 0, memory: '1GiB', device: node3Device },
    ],
    distances: [
      [10, 21, 21, 40],
      [21, 10, 21, 40],
      [21, 21, 10, 40],
      [40, 40, 40, 10],
    ],
  };
}

export function version(v: KernelVersion): KernelInput {
  return { version: v };
}
