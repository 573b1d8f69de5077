/**
 * Limits known before anything runs, as located config errors at `validate`: the internal
 * sizes the state layout can hold (frames per machine, pages of the workload), the number of
 * epochs a run may take, sizes that are not whole pages, and machines Linux could not boot.
 * Each used to pass `validate` and then fail (or round, or run for days) later.
 */
import type { ConfigErrorCode } from '../util/errors.js';
import { FRAME_SHIFT_MAX, MAX_FRAMES, MAX_PAGES } from '../memory/layout.js';
import type { Config, WorkloadConfig } from './schema.js';
import { formatBytes, formatDuration } from './units.js';

export type AddProblem = (code: ConfigErrorCode, path: string, message: string) => void;

/**
 * Most epochs a run may have. Each epoch costs a fixed ~50 µs of wall time (barriers, kswapd,
 * the series sample) besides its accesses, so 10^7 epochs are about 8 minutes of overhead.
 */
export const MAX_EPOCHS = 10_000_000;
/** Wall time per epoch beyond its accesses, for the estimate in the message (measured, 2 cores). */
const EPOCH_OVERHEAD_S = 50e-6;

export function checkLimits(config: Config, add: AddProblem): void {
  const pageSize = config.topology.page_size;
  // A bad page size is reported by checkNodes; every size check below would repeat it.
  if (Number.isInteger(Math.log2(pageSize)) && pageSize >= 4096) checkPageMultiples(config, add);
  checkFrames(config, add);
  checkBootable(config, add);
  checkEpochs(config, add);
  if (config.workload !== undefined) checkWorkloadPages(config, config.workload, add);
}

function checkPageMultiples(config: Config, add: AddProblem): void {
  const pageSize = config.topology.page_size;
  const check = (bytes: number | undefined, at: string, what: string) => {
    // Below one page is reported as "at least one page" (checkNodes).
    if (bytes === undefined || bytes < pageSize || bytes % pageSize === 0) return;
    const down = Math.floor(bytes / pageSize) * pageSize;
    add(
      'INVALID_VALUE',
      at,
      `${what} must be a whole number of pages (page_size ${formatBytes(pageSize)}), received ${formatBytes(bytes)} (${bytes} bytes); nearest: ${exactBytes(down)} or ${exactBytes(down + pageSize)}`,
    );
  };
  config.topology.nodes.forEach((n, i) => check(n.memory, `topology.nodes[${i}].memory`, 'node memory'));
  const workload = config.workload;
  if (workload === undefined) return;
  workload.files.forEach((f, i) => check(f.size, `workload.files[${i}].size`, 'a file size'));
  workload.tasks.forEach((t, ti) =>
    t.regions.forEach((r, ri) => {
      const at = `workload.tasks[${ti}].regions[${ri}]`;
      check(r.size, `${at}.size`, 'a region size');
      if (r.kind === 'file') check(r.offset, `${at}.offset`, 'a region offset');
    }),
  );
}

/** A size written so that it reads back exactly: the largest binary unit that divides it. */
function exactBytes(bytes: number): string {
  for (const [unit, size] of [
    ['GiB', 2 ** 30],
    ['MiB', 2 ** 20],
    ['KiB', 2 ** 10],
  ] as const) {
    if (bytes >= size && bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return `${bytes}B`;
}

function checkFrames(config: Config, add: AddProblem): void {
  const { nodes, page_size: pageSize } = config.topology;
  const pages = nodes.map((n) => Math.floor(n.memory / pageSize));
  if (pages.some((p) => p < 1)) return; // reported as "at least one page"
  // As computeLayout() lays out frames: each node rounded up to whole chunks.
  const chunk = 2 ** Math.min(FRAME_SHIFT_MAX, Math.floor(Math.log2(Math.min(...pages))));
  const frames = pages.reduce((s, p) => s + Math.ceil(p / chunk) * chunk, 0);
  if (frames < MAX_FRAMES) return;
  const largest = pages.indexOf(Math.max(...pages));
  add(
    'OUT_OF_RANGE',
    `topology.nodes[${largest}].memory`,
    `the machine has ${frames} page frames (${formatBytes(frames * pageSize)} in ${formatBytes(pageSize)} pages, nodes rounded up to ${chunk}-frame chunks); tiersim holds fewer than 2^30 (${formatBytes(MAX_FRAMES * pageSize)}): scale the machine down or use a larger page_size`,
  );
}

function checkWorkloadPages(config: Config, workload: WorkloadConfig, add: AddProblem): void {
  const pageSize = config.topology.page_size;
  const parts: { at: string; pages: number }[] = [];
  workload.files.forEach((f, i) =>
    parts.push({ at: `workload.files[${i}].size`, pages: Math.floor(f.size / pageSize) }),
  );
  workload.tasks.forEach((t, ti) =>
    t.regions.forEach((r, ri) => {
      if (r.kind === 'anon' && r.size !== undefined) {
        parts.push({ at: `workload.tasks[${ti}].regions[${ri}].size`, pages: Math.floor(r.size / pageSize) });
      }
    }),
  );
  const total = parts.reduce((s, p) => s + p.pages, 0);
  if (total <= MAX_PAGES || parts.length === 0) return;
  const largest = parts.reduce((a, b) => (b.pages > a.pages ? b : a));
  add(
    'OUT_OF_RANGE',
    largest.at,
    `the workload's files and anon regions are ${total} pages (${formatBytes(total * pageSize)}); tiersim addresses at most 2^30 pages (${formatBytes(MAX_PAGES * pageSize)} of ${formatBytes(pageSize)} pages)`,
  );
}

/**
 * Linux boots from DRAM with its CPUs; Optane PMEM is onlined after boot by the dax kmem driver
 * as memory-only nodes (the NFIT region's proximity domain has no CPUs).
 */
function checkBootable(config: Config, add: AddProblem): void {
  const { nodes } = config.topology;
  const isPmem = (n: (typeof nodes)[number]) => n.device === 'pmem';
  if (nodes.length > 0 && nodes.every(isPmem)) {
    add(
      'INCONSISTENT',
      'topology.nodes',
      'every node is PMEM: Linux boots from DRAM and onlines Optane PMEM (dax kmem) only after boot; add a DRAM node',
    );
    return;
  }
  const withCpus = nodes.map((n, i) => ({ n, i })).filter(({ n }) => n.cpus > 0);
  if (withCpus.length > 0 && withCpus.every(({ n }) => isPmem(n))) {
    const first = withCpus[0];
    add(
      'INCONSISTENT',
      `topology.nodes[${first.i}].cpus`,
      `every CPU is on a PMEM node (${withCpus.map(({ n }) => `node ${n.id}`).join(', ')}): Linux onlines Optane PMEM as memory-only nodes, so the CPUs belong on a DRAM node`,
    );
  }
}

function checkEpochs(config: Config, add: AddProblem): void {
  const { epoch, duration } = config.run;
  if (!(epoch > 0) || epoch > duration) return; // reported by checkRun
  const epochs = Math.ceil(duration / epoch);
  if (epochs <= MAX_EPOCHS) return;
  const hours = (epochs * EPOCH_OVERHEAD_S) / 3600;
  const shortest = duration / MAX_EPOCHS;
  add(
    'OUT_OF_RANGE',
    'run.epoch',
    `${formatDuration(duration)} in epochs of ${formatDuration(epoch)} is ${epochs.toExponential(2)} epochs (an estimated ${hours >= 1 ? `${hours.toFixed(0)} h` : `${(hours * 60).toFixed(0)} min`} of per-epoch overhead alone); at most ${MAX_EPOCHS} epochs: an epoch of at least ${formatDuration(Math.ceil(shortest))}`,
  );
}
