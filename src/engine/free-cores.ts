/**
 * How many cores are free for `--threads auto`: the machine's cores minus what other processes
 * used while this one started. Workers synchronise at barriers every epoch, so a run with two
 * workers goes at the pace of the slower one: with another process on one of two cores, one
 * worker gets half a core and the threaded run loses to inline (measured: bench/README.md,
 * "Threads"). Results are identical in every mode, so this choice never changes what a run
 * computes, only how long it takes.
 *
 * The window is from this module's evaluation (the `run` command imports the engine before it
 * reads the config) to the plan: os.cpus() busy time over all cores, minus this process's own
 * CPU time (process.cpuUsage) in that window. Niced processes count too: measured here, a
 * nice-0 process next to nice-10/19 work of other sessions got 15 % of a core (300 ms of
 * spinning, 45 ms of CPU), so nice is no shelter on this machine (other sessions probably sit in cgroups of their own).
 * The 1-minute load average would do worse: it still counts the previous minute (a benchmark's
 * previous run, a finished build) and misses a process that has just started. Too short a window for the kernel's 10 ms ticks falls back to
 * the load average.
 */
import { availableParallelism, cpus, loadavg } from 'node:os';

export interface CpuSample {
  busyMs: number;
  totalMs: number;
  ownMs: number;
}

function sample(): CpuSample {
  let busyMs = 0;
  let totalMs = 0;
  for (const c of cpus()) {
    const t = c.times;
    busyMs += t.user + t.nice + t.sys + t.irq;
    totalMs += t.user + t.nice + t.sys + t.irq + t.idle;
  }
  const own = process.cpuUsage();
  return { busyMs, totalMs, ownMs: (own.user + own.system) / 1000 };
}

const atStart = sample();

/** Shortest window (ms per core) worth reading: five of the kernel's 10 ms ticks. */
const MIN_WINDOW_MS = 50;

export interface FreeCores {
  cores: number;
  /** Cores not used by other processes (0 to cores). */
  free: number;
  /** Where `free` came from, for the summary's footer. */
  source: 'cpu times' | 'load average';
}

/**
 * Cores that processes other than this one left idle between two samples, or undefined when
 * the window is too short to read.
 */
export function freeBetween(a: CpuSample, b: CpuSample, cores: number): number | undefined {
  const windowMs = (b.totalMs - a.totalMs) / cores;
  if (windowMs < MIN_WINDOW_MS) return undefined;
  const othersMs = b.busyMs - a.busyMs - (b.ownMs - a.ownMs);
  return Math.max(0, Math.min(cores, cores - Math.max(0, othersMs) / windowMs));
}

export function freeCores(): FreeCores {
  const cores = availableParallelism();
  const free = freeBetween(atStart, sample(), cores);
  if (free !== undefined) return { cores, free, source: 'cpu times' };
  return { cores, free: Math.max(0, Math.min(cores, cores - loadavg()[0])), source: 'load average' };
}

/**
 * Workers `auto` may use: a core counts when at least three quarters of it is free (a worker on
 * a half-free core halves the speed of every worker at the next barrier).
 */
export function autoWorkers(f: FreeCores): number {
  return Math.max(1, Math.min(f.cores, Math.floor(f.free + 0.25)));
}
