/**
 * What every bench prints first: the machine it ran on, so numbers from different runs can be
 * compared (or not). Another tenant may share this machine's cores; load average says how busy.
 */
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Running compiled (dist/bench/*.js, `npm run bench`) rather than from source under tsx. */
export const COMPILED = import.meta.url.endsWith('.js');

/** Repository root: bench/lib/ is two levels down, dist/bench/lib/ three. */
export const REPO_ROOT = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  ...(COMPILED ? ['..', '..', '..'] : ['..', '..']),
);

export interface MachineInfo {
  date: string;
  node: string;
  cpu: string;
  cores: number;
  loadavg: string;
  memGiB: number;
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    date: new Date().toISOString(),
    node: process.version,
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    loadavg: os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' '),
    memGiB: Math.round(os.totalmem() / 2 ** 30),
  };
}

/** Print the machine header; `title` names the bench. */
export function printHeader(title: string): void {
  const m = machineInfo();
  console.log(`# ${title}`);
  console.log(
    `# ${m.date}  node ${m.node}  cpu "${m.cpu}" x ${m.cores} cores  ${m.memGiB} GiB  loadavg ${m.loadavg}`,
  );
}

/** `--name value` from argv, or undefined. */
export function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

export function hasFlag(name: string): boolean {
  return process.argv.includes(name);
}

/** Millions with one decimal (`12.3`). */
export function millions(x: number): string {
  return (x / 1e6).toFixed(1);
}
